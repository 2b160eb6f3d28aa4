/* SPDX-License-Identifier: ISC */
/* mft.c: the image's device manifest against the devices given. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvt.h"

__attribute__((format(printf, 3, 4))) static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *
type_name(uint32_t t)
{
	return t == MG_MFT_NET ? "net" : t == MG_MFT_BLOCK ? "block" : "?";
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
	uint32_t i;
	size_t j;

	for (j = 0; j < ndev; j++) {
		for (i = 0; i < mft->entries; i++)
			if (strcmp(mft->e[i].name, dev[j].name) == 0)
				break;
		if (i == mft->entries || mft->e[i].type != dev[j].type) {
			fprintf(stderr,
			    "morgana-hvt: this image does not declare a %s "
			    "device named '%s'",
			    type_name(dev[j].type), dev[j].name);
			if (mft->entries == 0)
				fprintf(stderr, " (it declares no devices)");
			for (i = 0; i < mft->entries; i++)
				fprintf(stderr, "%s %s:%s",
				    i == 0 ? " (it declares" : ",",
				    type_name(mft->e[i].type), mft->e[i].name);
			fprintf(stderr, "%s\n", mft->entries > 0 ? ")" : "");
			return -1;
		}
	}
	for (i = 0; i < mft->entries; i++) {
		for (j = 0; j < ndev; j++)
			if (strcmp(mft->e[i].name, dev[j].name) == 0)
				break;
		if (j == ndev) {
			fprintf(stderr,
			    "morgana-hvt: this image needs %s device '%s': "
			    "give --%s:%s=%s\n",
			    type_name(mft->e[i].type), mft->e[i].name,
			    type_name(mft->e[i].type), mft->e[i].name,
			    mft->e[i].type == MG_MFT_NET ? "TAPDEV" : "FILE");
			return -1;
		}
	}
	return 0;
}
