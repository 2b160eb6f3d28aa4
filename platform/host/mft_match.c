/* SPDX-License-Identifier: ISC */
/* mft_match.c: the devices given on a host command line vs a manifest. */
#include "mft_match.h"

#include <stdio.h>
#include <string.h>

static const char *
type_name(uint32_t t)
{
	return t == MG_MFT_NET ? "net" : t == MG_MFT_BLOCK ? "block" : "?";
}

/* Append to err at *off, keeping it terminated and bounded. */
static void
put(char *err, size_t errlen, size_t *off, const char *a, const char *b,
    const char *c)
{
	int n;

	if (*off >= errlen)
		return;
	n = snprintf(err + *off, errlen - *off, "%s%s%s", a, b, c);
	if (n > 0)
		*off += (size_t)n;
}

int
mg_mft_match(const struct mg_mft *mft, const struct mg_mft_given *given,
    size_t ngiven, char *err, size_t errlen)
{
	size_t off = 0, j;
	uint32_t i;

	if (errlen > 0)
		err[0] = '\0';
	for (j = 0; j < ngiven; j++) {
		for (i = 0; i < mft->entries; i++)
			if (strcmp(mft->e[i].name, given[j].name) == 0)
				break;
		if (i < mft->entries && mft->e[i].type == given[j].type)
			continue;
		put(err, errlen, &off, "this image does not declare a ",
		    type_name(given[j].type), " device named '");
		put(err, errlen, &off, given[j].name, "'", "");
		if (mft->entries == 0)
			put(err, errlen, &off, " (it declares no devices)", "",
			    "");
		for (i = 0; i < mft->entries; i++) {
			put(err, errlen, &off, i == 0 ? " (it declares " : ", ",
			    type_name(mft->e[i].type), ":");
			put(err, errlen, &off, mft->e[i].name,
			    i + 1 == mft->entries ? ")" : "", "");
		}
		return -1;
	}
	for (i = 0; i < mft->entries; i++) {
		for (j = 0; j < ngiven; j++)
			if (strcmp(mft->e[i].name, given[j].name) == 0)
				break;
		if (j < ngiven)
			continue;
		put(err, errlen, &off, "this image needs ",
		    type_name(mft->e[i].type), " device '");
		put(err, errlen, &off, mft->e[i].name, "': give --",
		    type_name(mft->e[i].type));
		put(err, errlen, &off, ":", mft->e[i].name,
		    mft->e[i].type == MG_MFT_NET ? "=TAPDEV" : "=FILE");
		return -1;
	}
	return 0;
}
