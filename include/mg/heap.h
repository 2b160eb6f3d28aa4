/* SPDX-License-Identifier: ISC */
/* heap.h: the memory allocator of freestanding images. */
#ifndef MG_HEAP_H
#define MG_HEAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * A heap manages one region of memory given to it at init (on hvt, the
 * memory above the image; on unix, one mapping). Allocations are 16-byte
 * aligned. Memory is zeroed before it is handed out the first time, so no
 * allocation ever shows bytes from outside the program; memory reused after
 * mg_heap_free is not cleared again (use mg_heap_calloc for that).
 *
 * Allocation and free are O(1) (two-level segregated free lists, with
 * neighbours coalesced on free). Fresh memory is taken from the bottom of
 * the untouched part of the region only when no free block fits, so an
 * image touches only the pages it uses.
 */
struct mg_heap;

struct mg_heap_stats {
	size_t size;     /* bytes managed (after the heap's own header) */
	size_t used;     /* bytes in live allocations, block headers included */
	size_t peak;     /* highest used ever */
	size_t fresh;    /* bytes never handed out yet */
	size_t largest;  /* largest allocation that would succeed now */
	uint64_t nalloc; /* successful allocations */
	uint64_t nfree;  /* frees */
	uint64_t nfail;  /* allocations refused (out of memory, bad size) */
};

/* Flags for mg_heap_init. */
#define MG_HEAP_ZEROED 0x1 /* the region is known to be zero already */

/*
 * mg_heap_init makes a heap in mem[0..len) (its header lives at the start)
 * and returns it, or NULL if len is too small to hold one. mem must stay
 * valid and unused by anything else for the heap's life.
 */
struct mg_heap *mg_heap_init(void *mem, size_t len, unsigned flags);

/* mg_heap_alloc returns size bytes, or NULL (counted) if none fit. A size
 * of 0 gives a unique minimal allocation. */
void *mg_heap_alloc(struct mg_heap *h, size_t size);

/* mg_heap_calloc returns n * size zeroed bytes, or NULL on overflow or no
 * memory. */
void *mg_heap_calloc(struct mg_heap *h, size_t n, size_t size);

/*
 * mg_heap_realloc resizes p (NULL means allocate) keeping the lower bytes;
 * returns NULL and leaves p valid when there is no room. size 0 frees p
 * and returns NULL.
 */
void *mg_heap_realloc(struct mg_heap *h, void *p, size_t size);

/* mg_heap_free returns p (NULL is ignored). A pointer that is not a live
 * allocation of h is a programmer error: it panics when detected. */
void mg_heap_free(struct mg_heap *h, void *p);

/* mg_heap_usable: bytes usable at p (at least what was asked for). */
size_t mg_heap_usable(struct mg_heap *h, const void *p);

void mg_heap_stats(const struct mg_heap *h, struct mg_heap_stats *out);

/*
 * mg_heap_check walks every block and free list and verifies the heap's
 * invariants: returns 0, or -MG_ECORRUPT (and logs the failing check) when
 * something is broken. O(blocks); for tests and debugging.
 */
int mg_heap_check(const struct mg_heap *h);

/* The heap set up at boot, used by mg_malloc and friends. */
struct mg_heap *mg_heap_default(void);
void mg_heap_set_default(struct mg_heap *h);

void *mg_malloc(size_t size);
void *mg_calloc(size_t n, size_t size);
void *mg_realloc(void *p, size_t size);
void mg_free(void *p);

#endif /* MG_HEAP_H */
