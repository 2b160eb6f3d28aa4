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

/* Another fd for mg_plat_yield to poll for input (unix_sock.c's epoll
 * sets): its handle, or -MG_ENOSPC. unix_poll_fd gives the fd of such a
 * handle (-1 if it is none), unix_poll_del forgets it. */
int unix_poll_add(int fd, mg_handle_t *h);
int unix_poll_fd(mg_handle_t h);
void unix_poll_del(mg_handle_t h);

#endif
