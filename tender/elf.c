/* SPDX-License-Identifier: ISC */
/* elf.c: check a static ELF64 x86-64 image and find its manifest note. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvt.h"

/*
 * The file is hostile: every offset and size read from it is checked with
 * subtraction or __builtin_*_overflow before use, and nothing is read from
 * buf except through in_file().
 */

#define PAGE_MASK (MG_HVT_PAGE - 1)

__attribute__((format(printf, 3, 4))) static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* [off, off + n) lies inside a file of len bytes. */
static bool
in_file(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/*
 * Walk the notes in [off, off + size) of the file; copy the first Morgana
 * manifest into mft. Returns 1 when found, 0 when not, -1 on a malformed
 * note area or a second manifest.
 */
static int
notes_find(const uint8_t *buf, size_t len, uint64_t off, uint64_t size,
    struct mg_mft *mft, char *err, size_t errlen)
{
	uint64_t pos = 0;
	int found = 0;

	if (!in_file(len, off, size))
		return fail(err, errlen, "note area outside the file");
	/* Each note takes at least 12 bytes: the loop is bounded by size. */
	while (size - pos >= 12) {
		uint32_t h[3];
		uint64_t namesz, descsz, nameoff, descoff;

		memcpy(h, buf + off + pos, sizeof(h));
		namesz = (h[0] + 3ULL) & ~3ULL;
		descsz = (h[1] + 3ULL) & ~3ULL;
		nameoff = pos + 12;
		if (namesz > size - nameoff)
			return fail(err, errlen,
			    "note name runs past its area");
		descoff = nameoff + namesz;
		if (descsz > size - descoff)
			return fail(err, errlen,
			    "note desc runs past its area");
		if (h[0] == sizeof(MG_MFT_NOTE_NAME) &&
		    h[2] == MG_MFT_NOTE_TYPE &&
		    memcmp(buf + off + nameoff, MG_MFT_NOTE_NAME,
		        sizeof(MG_MFT_NOTE_NAME)) == 0) {
			if (h[1] != sizeof(*mft))
				return fail(err, errlen,
				    "manifest note has %u bytes, not %zu", h[1],
				    sizeof(*mft));
			if (found)
				return fail(err, errlen, "two manifest notes");
			memcpy(mft, buf + off + descoff, sizeof(*mft));
			found = 1;
		}
		pos = descoff + descsz;
	}
	return found;
}

static int
manifest_find(const uint8_t *buf, size_t len, const Elf64_Ehdr *eh,
    struct mg_mft *mft, char *err, size_t errlen)
{
	uint64_t shsize;
	int found = 0, rc;
	uint16_t i;

	/* Program headers were checked by the caller. */
	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, buf + eh->e_phoff + (uint64_t)i * sizeof(ph),
		    sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		rc = notes_find(buf, len, ph.p_offset, ph.p_filesz, mft, err,
		    errlen);
		if (rc < 0)
			return rc;
		if (rc > 0 && found)
			return fail(err, errlen, "two manifest notes");
		found |= rc;
	}
	if (found)
		return 0;
	/* No PT_NOTE holds it: look at the note sections. */
	if (eh->e_shnum == 0)
		goto none;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return fail(err, errlen, "bad section header size");
	shsize = (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr);
	if (!in_file(len, eh->e_shoff, shsize))
		return fail(err, errlen, "section headers outside the file");
	for (i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh;

		memcpy(&sh, buf + eh->e_shoff + (uint64_t)i * sizeof(sh),
		    sizeof(sh));
		if (sh.sh_type != SHT_NOTE)
			continue;
		rc = notes_find(buf, len, sh.sh_offset, sh.sh_size, mft, err,
		    errlen);
		if (rc < 0)
			return rc;
		if (rc > 0 && found)
			return fail(err, errlen, "two manifest notes");
		found |= rc;
	}
	if (found)
		return 0;
none:
	return fail(err, errlen,
	    "no Morgana manifest note (is this an hvt image?)");
}

static int
seg_add(struct hvt_image *img, const Elf64_Phdr *ph, size_t len,
    uint64_t mem_size, char *err, size_t errlen)
{
	struct hvt_seg *s;
	uint64_t end;
	size_t i;

	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_filesz > ph->p_memsz)
		return fail(err, errlen, "segment filesz > memsz");
	if (!in_file(len, ph->p_offset, ph->p_filesz))
		return fail(err, errlen, "segment outside the file");
	if ((ph->p_vaddr & PAGE_MASK) != 0)
		return fail(err, errlen,
		    "segment at 0x%llx is not page aligned",
		    (unsigned long long)ph->p_vaddr);
	if (ph->p_vaddr < MG_HVT_IMAGE_MIN)
		return fail(err, errlen, "segment at 0x%llx is below 0x%llx",
		    (unsigned long long)ph->p_vaddr, MG_HVT_IMAGE_MIN);
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end) ||
	    __builtin_add_overflow(end, PAGE_MASK, &end) || end > mem_size)
		return fail(err, errlen,
		    "segment at 0x%llx does not fit in %llu MiB of memory",
		    (unsigned long long)ph->p_vaddr,
		    (unsigned long long)(mem_size >> 20));
	end &= ~PAGE_MASK;
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return fail(err, errlen,
		    "segment at 0x%llx is writable and executable "
		    "(W^X images only)",
		    (unsigned long long)ph->p_vaddr);
	/* Page-granular protection: no two segments may share a page. */
	for (i = 0; i < img->nseg; i++) {
		const struct hvt_seg *o = &img->seg[i];
		uint64_t oend = (o->vaddr + o->memsz + PAGE_MASK) & ~PAGE_MASK;

		if (ph->p_vaddr < oend && o->vaddr < end)
			return fail(err, errlen,
			    "segments at 0x%llx and 0x%llx overlap",
			    (unsigned long long)o->vaddr,
			    (unsigned long long)ph->p_vaddr);
	}
	if (img->nseg == HVT_MAX_SEGS)
		return fail(err, errlen, "more than %d segments", HVT_MAX_SEGS);
	s = &img->seg[img->nseg++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->w = (ph->p_flags & PF_W) != 0;
	s->x = (ph->p_flags & PF_X) != 0;
	if (end > img->end)
		img->end = end;
	return 0;
}

int
hvt_elf_parse(const uint8_t *buf, size_t len, uint64_t mem_size,
    struct hvt_image *img, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	uint64_t phsize;
	bool entry_ok = false;
	size_t i;
	int rc;

	memset(img, 0, sizeof(*img));
	if (len < sizeof(eh))
		return fail(err, errlen, "too short for an ELF header");
	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, "not an ELF file");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_machine != EM_X86_64 ||
	    eh.e_version != EV_CURRENT)
		return fail(err, errlen,
		    "not a little-endian ELF64 x86-64 file");
	if (eh.e_type != ET_EXEC)
		return fail(err, errlen,
		    "not a static executable (ET_EXEC); PIE is not supported");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > 64)
		return fail(err, errlen, "bad program header table");
	phsize = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (!in_file(len, eh.e_phoff, phsize))
		return fail(err, errlen, "program headers outside the file");
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return fail(err, errlen,
			    "dynamically linked (static images only)");
		if (ph.p_type == PT_TLS && ph.p_memsz != 0)
			return fail(err, errlen,
			    "TLS segments are not supported");
		if (ph.p_type != PT_LOAD)
			continue;
		if (seg_add(img, &ph, len, mem_size, err, errlen) < 0)
			return -1;
	}
	if (img->nseg == 0)
		return fail(err, errlen, "no loadable segment");
	for (i = 0; i < img->nseg; i++) {
		const struct hvt_seg *s = &img->seg[i];

		if (s->x && eh.e_entry >= s->vaddr &&
		    eh.e_entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return fail(err, errlen,
		    "entry 0x%llx is not in an executable segment",
		    (unsigned long long)eh.e_entry);
	img->entry = eh.e_entry;
	rc = manifest_find(buf, len, &eh, &img->mft, err, errlen);
	if (rc < 0)
		return -1;
	return hvt_mft_validate(&img->mft, err, errlen);
}
