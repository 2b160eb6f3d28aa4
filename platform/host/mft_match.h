/* SPDX-License-Identifier: ISC */
/* mft_match.h: the devices given on a host command line vs a manifest. */
#ifndef MG_MFT_MATCH_H
#define MG_MFT_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "mg/mft_abi.h"

/* One device the user gave: --net:NAME=... or --block:NAME=... */
struct mg_mft_given {
	const char *name;
	uint32_t type; /* enum mg_mft_type */
};

/*
 * mg_mft_match checks that every device the manifest declares was given,
 * and that nothing else was (same name and type). Returns 0, or -1 with a
 * one-line explanation in err (errlen bytes, NUL-terminated) that names
 * what the image declares and the option that is missing. Host-side code:
 * shared by the unix platform and the hvt tender.
 */
int mg_mft_match(const struct mg_mft *mft, const struct mg_mft_given *given,
    size_t ngiven, char *err, size_t errlen);

#endif
