/* SPDX-License-Identifier: ISC */
/*
 * fuzz_elf.c: the tender's image loader (ELF headers, program headers,
 * the manifest note and its validation) against hostile files. Checks that
 * what it accepts is what the tender relies on: segments inside the file
 * and inside guest memory, page aligned, not overlapping, never W+X, the
 * entry in an executable segment, a valid manifest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MEM (64ULL << 20)

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvt_image img;
	char err[256];
	uint8_t *buf;
	size_t i, j;

	/* Exact size, so ASan sees a one-byte over-read. */
	buf = malloc(size > 0 ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	memset(err, 0, sizeof(err));
	if (hvt_elf_parse(buf, size, FUZZ_MEM, &img, err, sizeof(err)) == 0) {
		bool entry_ok = false;

		CHECK(img.nseg > 0 && img.nseg <= HVT_MAX_SEGS);
		CHECK(hvt_mft_validate(&img.mft, err, sizeof(err)) == 0);
		for (i = 0; i < img.nseg; i++) {
			const struct hvt_seg *s = &img.seg[i];

			CHECK(s->vaddr >= MG_HVT_IMAGE_MIN);
			CHECK(s->vaddr % MG_HVT_PAGE == 0);
			CHECK(s->memsz <= FUZZ_MEM - s->vaddr);
			CHECK(s->filesz <= s->memsz);
			CHECK(
			    s->offset <= size && s->filesz <= size - s->offset);
			CHECK(!(s->w && s->x));
			CHECK(s->vaddr + s->memsz <= img.end);
			if (s->x && img.entry >= s->vaddr &&
			    img.entry < s->vaddr + s->memsz)
				entry_ok = true;
			for (j = 0; j < i; j++) {
				const struct hvt_seg *t = &img.seg[j];

				CHECK(s->vaddr + s->memsz <= t->vaddr ||
				    t->vaddr + t->memsz <= s->vaddr);
			}
		}
		CHECK(entry_ok);
		CHECK(img.end <= FUZZ_MEM);
	}
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	free(buf);
	return 0;
}
