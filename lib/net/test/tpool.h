/* SPDX-License-Identifier: ISC */
/* tpool.h: a one-buffer packet pool over exactly-sized heap memory, for the
 * lib/net unit tests (include after <cmocka.h>). */
#ifndef TPOOL_H
#define TPOOL_H

#include <stdlib.h>

#include "mg/pkt.h"

struct tpool {
	struct mg_pkt_pool pool;
	void *mem;
};

/* The pool's one packet, of bufsize bytes with headroom in front. */
static inline struct mg_pkt *
tpool_pkt(struct tpool *t, size_t bufsize, size_t headroom)
{
	size_t n = mg_pkt_pool_memsize(1, bufsize);

	t->mem = malloc(n);
	assert_non_null(t->mem);
	assert_int_equal(
	    mg_pkt_pool_init(&t->pool, t->mem, n, bufsize, headroom), 1);
	return mg_pkt_alloc(&t->pool);
}

static inline void
tpool_fini(struct tpool *t, struct mg_pkt *p)
{
	mg_pkt_free(p);
	free(t->mem);
}

#endif
