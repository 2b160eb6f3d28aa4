/* SPDX-License-Identifier: ISC */
/* pkt.h: packet buffers from a fixed pool, with headroom and references. */
#ifndef MG_PKT_H
#define MG_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "mg/view.h"

struct mg_pkt_pool;

/*
 * A packet buffer: one contiguous buffer (MTU plus headroom, so parsers never
 * walk chains) holding the bytes [data, data + len). A received frame is
 * read into it once; each layer pulls its header and hands the payload view
 * up. A reply is built after headroom and each layer pushes its header in
 * front.
 *
 * Invariant: buf <= data && data + len <= buf + cap.
 * Only data and len change during a packet's life; use the functions below
 * rather than writing them. next is free for the current owner (queues).
 */
struct mg_pkt {
	uint8_t *data;
	size_t len;
	uint8_t *buf;             /* read-only */
	size_t cap;               /* read-only */
	struct mg_pkt_pool *pool; /* read-only; NULL: from the heap */
	struct mg_pkt *next;      /* owner's link; NULL when allocated */
	uint32_t refcnt;          /* read-only; >= 1 while allocated */
	uint32_t user;            /* owner's scratch word; 0 when allocated */
};

struct mg_pkt_pool_stats {
	uint64_t alloc;   /* successful allocations */
	uint64_t fail;    /* allocations refused: pool exhausted */
	uint32_t total;   /* buffers in the pool */
	uint32_t avail;   /* buffers free now */
	uint32_t low;     /* lowest avail ever seen */
	uint32_t bufsize; /* bytes per buffer */
};

/* A pool; the caller allocates it and treats the fields as private. */
struct mg_pkt_pool {
	struct mg_pkt *free;
	size_t headroom;
	struct mg_pkt_pool_stats st;
};

/* Room for headers below the data of a new packet: Ethernet + IPv4 + TCP
 * with options, rounded up, leaving the IP header 4-byte aligned. */
#define MG_PKT_HEADROOM_DEFAULT 128
/* Buffer size that holds a 1514-byte frame after the default headroom. */
#define MG_PKT_BUFSIZE_DEFAULT 2048

/*
 * mg_pkt_pool_memsize: bytes of memory a pool of n buffers of bufsize bytes
 * needs (headers included), or 0 if that overflows.
 */
size_t mg_pkt_pool_memsize(size_t n, size_t bufsize);

/*
 * mg_pkt_pool_init carves mem (memlen bytes, any alignment) into as many
 * buffers of bufsize bytes as fit, each starting a new packet at headroom.
 * Returns the number of buffers (> 0) or -MG_EINVAL when none fits or
 * headroom >= bufsize. The memory belongs to the pool from then on.
 */
long mg_pkt_pool_init(struct mg_pkt_pool *pool, void *mem, size_t memlen,
    size_t bufsize, size_t headroom);

/*
 * mg_pkt_alloc takes a free buffer: refcnt 1, len 0, data at the pool's
 * headroom. Returns NULL (and counts it) when the pool is exhausted; the
 * caller drops what it was doing. Never allocates from the heap.
 */
struct mg_pkt *mg_pkt_alloc(struct mg_pkt_pool *pool);

/*
 * mg_pkt_alloc_heap: a packet outside every pool, on the default heap,
 * with a size-byte buffer and data at headroom; for what does not fit a
 * pool buffer (a reassembled 64 KiB datagram). pool is NULL; mg_pkt_free
 * returns it to the heap. NULL when the heap is exhausted.
 */
struct mg_pkt *mg_pkt_alloc_heap(size_t size, size_t headroom);

/* mg_pkt_ref adds a reference; each needs its own mg_pkt_free. */
void mg_pkt_ref(struct mg_pkt *p);

/* mg_pkt_free drops a reference; the last one returns p to its pool.
 * NULL is accepted and ignored. */
void mg_pkt_free(struct mg_pkt *p);

static inline size_t
mg_pkt_headroom(const struct mg_pkt *p)
{
	return (size_t)(p->data - p->buf);
}

static inline size_t
mg_pkt_tailroom(const struct mg_pkt *p)
{
	return p->cap - mg_pkt_headroom(p) - p->len;
}

static inline mg_view
mg_pkt_view(const struct mg_pkt *p)
{
	return mg_view_make(p->data, p->len);
}

/*
 * mg_pkt_push prepends n bytes (a header) and returns 0, or -MG_ENOSPC if
 * the headroom is smaller than n. The new bytes are not initialised.
 */
int mg_pkt_push(struct mg_pkt *p, size_t n);

/* mg_pkt_pull removes n bytes from the front; -MG_EINVAL if n > len. */
int mg_pkt_pull(struct mg_pkt *p, size_t n);

/*
 * mg_pkt_put appends n bytes at the end and returns a pointer to them, or
 * NULL if the tailroom is smaller than n.
 */
uint8_t *mg_pkt_put(struct mg_pkt *p, size_t n);

/* mg_pkt_trim shortens the packet to len bytes; -MG_EINVAL if len > len. */
int mg_pkt_trim(struct mg_pkt *p, size_t len);

/*
 * mg_pkt_reset empties the packet and puts data at headroom bytes from the
 * start of the buffer; -MG_EINVAL if headroom > cap.
 */
int mg_pkt_reset(struct mg_pkt *p, size_t headroom);

/*
 * mg_pkt_wr returns a write cursor over the packet's tailroom; after
 * writing, mg_pkt_wr_commit appends what the cursor wrote to the packet.
 */
struct mg_wr mg_pkt_wr(struct mg_pkt *p);
void mg_pkt_wr_commit(struct mg_pkt *p, const struct mg_wr *w);

void mg_pkt_pool_stats(const struct mg_pkt_pool *pool,
    struct mg_pkt_pool_stats *out);

/* The pool set up at boot for the appliance's network devices, or NULL if
 * the appliance declared none. */
struct mg_pkt_pool *mg_pkt_pool_default(void);
void mg_pkt_pool_set_default(struct mg_pkt_pool *pool);

#endif /* MG_PKT_H */
