/* SPDX-License-Identifier: ISC */
/* mft.c: the image's device manifest against the devices given. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvt.h"
#include "mft_match.h"

__attribute__((format(printf, 3, 4))) static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
hvt_mft_validate(const struct mg_mft *mft, char *err, size_t errlen)
{
	uint32_t i, j;

	if (mft->version != MG_MFT_ABI_VERSION)
		return fail(err, errlen,
		    "manifest version %u, this tender knows %u", mft->version,
		    MG_MFT_ABI_VERSION);
	if (mft->entries > MG_MFT_MAX_ENTRIES)
		return fail(err, errlen, "manifest has %u entries (max %d)",
		    mft->entries, MG_MFT_MAX_ENTRIES);
	if ((uint64_t)mft->mem_mib << 20 > MG_HVT_MEM_MAX / 2 ||
	    mft->reserved2 != 0)
		return fail(err, errlen,
		    "manifest asks for %u MiB of memory (max %llu)",
		    mft->mem_mib, MG_HVT_MEM_MAX / 2 >> 20);
	for (i = 0; i < mft->entries; i++) {
		const struct mg_mft_entry *e = &mft->e[i];
		size_t n = strnlen(e->name, sizeof(e->name));

		if (n == 0 || n == sizeof(e->name))
			return fail(err, errlen,
			    "manifest entry %u: empty or unterminated name", i);
		if (strspn(e->name, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    n)
			return fail(err, errlen,
			    "manifest entry %u: name is not [a-z0-9_]+", i);
		if (e->type != MG_MFT_NET && e->type != MG_MFT_BLOCK)
			return fail(err, errlen,
			    "manifest entry '%s': unknown type %u", e->name,
			    e->type);
		if (e->flags != 0 || e->reserved[0] != 0 || e->reserved[1] != 0)
			return fail(err, errlen,
			    "manifest entry '%s': unknown flags", e->name);
		for (j = 0; j < i; j++)
			if (strcmp(mft->e[j].name, e->name) == 0)
				return fail(err, errlen,
				    "manifest declares '%s' twice", e->name);
	}
	return 0;
}

/* Each declared device given, nothing else: 0, or a message and -1. */
int
hvt_mft_check(const struct mg_mft *mft, const struct hvt_dev *dev, size_t ndev)
{
	struct mg_mft_given given[MG_MFT_MAX_ENTRIES];
	char err[512];
	size_t j;

	if (ndev > MG_MFT_MAX_ENTRIES) {
		fprintf(stderr,
		    "morgana-hvt: more devices given than an image "
		    "can declare (%d)\n",
		    MG_MFT_MAX_ENTRIES);
		return -1;
	}
	for (j = 0; j < ndev; j++) {
		given[j].name = dev[j].name;
		given[j].type = dev[j].type;
	}
	if (mg_mft_match(mft, given, ndev, err, sizeof(err)) < 0) {
		fprintf(stderr, "morgana-hvt: %s\n", err);
		return -1;
	}
	return 0;
}
