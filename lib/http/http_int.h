/* SPDX-License-Identifier: ISC */
/* http_int.h: lib/http's internals shared between its files. */
#ifndef MG_HTTP_INT_H
#define MG_HTTP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "mg/view.h"

/*
 * mg_http_list_next walks a comma-separated field value (RFC 9110 5.6.1):
 * the next element from *off, OWS trimmed, empty elements skipped; with
 * quotes, a quoted string (which may hold commas) kept whole. false at
 * the end.
 */
bool mg_http_list_next(mg_view v, size_t *off, mg_view *el, bool quotes);

#endif /* MG_HTTP_INT_H */
