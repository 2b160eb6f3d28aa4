/* SPDX-License-Identifier: ISC */
/* unix_int.h: private to the unix platform. */
#ifndef UNIX_INT_H
#define UNIX_INT_H

#include <stddef.h>

#include "mg/mft_abi.h"
#include "mg/plat.h"

/* unix_dev_add records a --net:/--block: option (name of len bytes). */
int unix_dev_add(enum mg_mft_type type, const char *name, size_t len,
    const char *path);

/* unix_dev_check_manifest: every declared device given, nothing else, and
 * opens them. Prints the reason and returns -1 on failure. */
int unix_dev_check_manifest(const struct mg_mft *mft);

/* Fill fds for ppoll: returns how many, with the handle of each. */
size_t unix_dev_pollfds(void *pfds, mg_handle_t *handles, size_t max);

void unix_signals_init(void);

#endif
