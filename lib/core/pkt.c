/* SPDX-License-Identifier: ISC */
/* pkt.c: packet buffers from a fixed pool. */
#include "mg/pkt.h"
#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"

static struct mg_pkt_pool *default_pool;

#define PKT_HDR_SIZE ((sizeof(struct mg_pkt) + 63) & ~(size_t)63)

size_t
mg_pkt_pool_memsize(size_t n, size_t bufsize)
{
	size_t per, total;

	if (__builtin_add_overflow(bufsize, 63, &bufsize))
		return 0;
	bufsize &= ~(size_t)63;
	if (__builtin_add_overflow(bufsize, PKT_HDR_SIZE, &per) ||
	    __builtin_mul_overflow(per, n, &total) ||
	    __builtin_add_overflow(total, 63, &total))
		return 0;
	return total;
}

long
mg_pkt_pool_init(struct mg_pkt_pool *pool, void *mem, size_t memlen,
    size_t bufsize, size_t headroom)
{
	uintptr_t start, end;
	size_t per, n, i;
	uint8_t *q;

	if (headroom >= bufsize || mem == NULL)
		return -MG_EINVAL;
	/* Buffers on 64-byte boundaries: cache lines and DMA-style rings. */
	if (__builtin_add_overflow(bufsize, 63, &bufsize))
		return -MG_EINVAL;
	bufsize &= ~(size_t)63;
	if (__builtin_add_overflow(bufsize, PKT_HDR_SIZE, &per) ||
	    bufsize > UINT32_MAX)
		return -MG_EINVAL;
	start = ((uintptr_t)mem + 63) & ~(uintptr_t)63;
	end = (uintptr_t)mem + memlen;
	if (start >= end || end - start < per)
		return -MG_EINVAL;
	n = (end - start) / per;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	pool->free = NULL;
	pool->headroom = headroom;
	pool->st = (struct mg_pkt_pool_stats){0};
	pool->st.total = pool->st.avail = pool->st.low = (uint32_t)n;
	pool->st.bufsize = (uint32_t)bufsize;
	/* Headers first, then the buffers, so buffers stay contiguous. */
	q = (uint8_t *)mem + (start - (uintptr_t)mem);
	for (i = n; i-- > 0;) {
		struct mg_pkt *p =
		    (struct mg_pkt *)(void *)(q + i * PKT_HDR_SIZE);

		p->buf = q + n * PKT_HDR_SIZE + i * bufsize;
		p->cap = bufsize;
		p->pool = pool;
		p->refcnt = 0;
		p->data = p->buf + headroom;
		p->len = 0;
		p->user = 0;
		p->next = pool->free;
		pool->free = p;
	}
	return (long)n;
}

struct mg_pkt *
mg_pkt_alloc(struct mg_pkt_pool *pool)
{
	struct mg_pkt *p = pool->free;

	if (p == NULL) {
		pool->st.fail++;
		return NULL;
	}
	MG_ASSERT(p->refcnt == 0);
	pool->free = p->next;
	pool->st.alloc++;
	if (--pool->st.avail < pool->st.low)
		pool->st.low = pool->st.avail;
	p->next = NULL;
	p->refcnt = 1;
	p->user = 0;
	p->data = p->buf + pool->headroom;
	p->len = 0;
	return p;
}

struct mg_pkt *
mg_pkt_alloc_heap(size_t size, size_t headroom)
{
	struct mg_pkt *p;
	size_t hdr = (sizeof(*p) + 15) & ~(size_t)15, total;

	if (headroom > size || __builtin_add_overflow(hdr, size, &total))
		return NULL;
	p = mg_malloc(total);
	if (p == NULL)
		return NULL;
	p->buf = (uint8_t *)p + hdr;
	p->cap = size;
	p->pool = NULL;
	p->next = NULL;
	p->refcnt = 1;
	p->user = 0;
	p->data = p->buf + headroom;
	p->len = 0;
	return p;
}

void
mg_pkt_ref(struct mg_pkt *p)
{
	MG_ASSERT(p->refcnt > 0 && p->refcnt < UINT32_MAX);
	p->refcnt++;
}

void
mg_pkt_free(struct mg_pkt *p)
{
	struct mg_pkt_pool *pool;

	if (p == NULL)
		return;
	/* A free of a free packet is a double free: catch it here. */
	MG_ASSERT(p->refcnt > 0);
	if (--p->refcnt > 0)
		return;
	pool = p->pool;
	if (pool == NULL) {
		mg_free(p); /* mg_pkt_alloc_heap: header and buffer together */
		return;
	}
	p->next = pool->free;
	pool->free = p;
	pool->st.avail++;
}

int
mg_pkt_push(struct mg_pkt *p, size_t n)
{
	if (n > mg_pkt_headroom(p))
		return -MG_ENOSPC;
	p->data -= n;
	p->len += n;
	return 0;
}

int
mg_pkt_pull(struct mg_pkt *p, size_t n)
{
	if (n > p->len)
		return -MG_EINVAL;
	p->data += n;
	p->len -= n;
	return 0;
}

uint8_t *
mg_pkt_put(struct mg_pkt *p, size_t n)
{
	uint8_t *q;

	if (n > mg_pkt_tailroom(p))
		return NULL;
	q = p->data + p->len;
	p->len += n;
	return q;
}

int
mg_pkt_trim(struct mg_pkt *p, size_t len)
{
	if (len > p->len)
		return -MG_EINVAL;
	p->len = len;
	return 0;
}

int
mg_pkt_reset(struct mg_pkt *p, size_t headroom)
{
	if (headroom > p->cap)
		return -MG_EINVAL;
	p->data = p->buf + headroom;
	p->len = 0;
	return 0;
}

struct mg_wr
mg_pkt_wr(struct mg_pkt *p)
{
	return mg_wr_init(p->data + p->len, mg_pkt_tailroom(p));
}

void
mg_pkt_wr_commit(struct mg_pkt *p, const struct mg_wr *w)
{
	MG_ASSERT(w->p == p->data + p->len && w->off <= mg_pkt_tailroom(p));
	p->len += w->off;
}

void
mg_pkt_pool_stats(const struct mg_pkt_pool *pool, struct mg_pkt_pool_stats *out)
{
	*out = pool->st;
}

struct mg_pkt_pool *
mg_pkt_pool_default(void)
{
	return default_pool;
}

void
mg_pkt_pool_set_default(struct mg_pkt_pool *pool)
{
	default_pool = pool;
}
