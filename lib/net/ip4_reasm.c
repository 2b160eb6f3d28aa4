/* SPDX-License-Identifier: ISC */
/*
 * ip4_reasm.c: IPv4 reassembly (RFC 791 3.2, RFC 815) with bounded memory
 * and a timeout.
 *
 * Up to REASM_SLOTS datagrams are in progress at once, holding at most
 * REASM_MEM_MAX bytes in all; each keeps its payload in one heap buffer and
 * a bitmap of the 8-byte blocks received. A new datagram when every slot
 * is busy evicts the oldest. A datagram that is not complete after
 * REASM_TIMEOUT is dropped (RFC 1122 3.3.2 recommends 60-120 s; Linux
 * uses 30 s).
 *
 * NOTE(reasm): overlapping fragments are accepted only when the bytes they
 * share agree (a retransmitted duplicate); any other overlap drops the
 * whole datagram, as RFC 5722 asks for IPv6: overlaps are how fragment
 * attacks (teardrop, IDS evasion) work, and no honest sender makes them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/loop.h"
#include "mg/pkt.h"
#include "mg/string.h"
#include "mg/view.h"

#include "net_int.h"

#define REASM_SLOTS     16
#define REASM_MEM_MAX   ((size_t)512 * 1024)
#define REASM_TIMEOUT   MG_SEC(30)
#define REASM_FRAGS_MAX 128 /* fragments per datagram */
#define REASM_BLOCKS    (65536 / 8)

struct reasm_slot {
	bool used;
	bool have_first;
	bool have_last;
	uint8_t proto;
	uint16_t id;
	uint32_t src, dst;
	mg_time_t deadline;
	size_t total; /* payload length, once the last fragment came */
	size_t high;  /* highest end seen */
	unsigned nfrags;
	uint8_t *data;
	size_t cap;
	uint8_t hdr[MG_IP4_HLEN_MAX];
	size_t hlen;
	uint8_t map[REASM_BLOCKS / 8];
};

struct mg_net_reasm {
	struct reasm_slot slot[REASM_SLOTS];
	size_t mem;
	struct mg_timer timer;
};

static void
slot_free(struct mg_net_reasm *r, struct reasm_slot *s)
{
	r->mem -= s->cap;
	mg_free(s->data);
	s->data = NULL;
	s->cap = 0;
	s->used = false;
}

static void
reasm_timer_fn(void *ctx, struct mg_timer *t)
{
	struct mg_net *n = ctx;
	struct mg_net_reasm *r = n->reasm;
	mg_time_t now = mg_net_now(n), next = MG_TIME_NEVER;
	size_t i;

	(void)t;
	for (i = 0; i < REASM_SLOTS; i++) {
		struct reasm_slot *s = &r->slot[i];

		if (!s->used)
			continue;
		if (s->deadline <= now) {
			n->st.ifc.ip_reasm_timeout++;
			slot_free(r, s);
		} else if (s->deadline < next) {
			next = s->deadline;
		}
	}
	if (next != MG_TIME_NEVER)
		(void)mg_timer_start(n->loop, &r->timer, next);
}

int
mg_net_reasm_init(struct mg_net *n)
{
	n->reasm = mg_calloc(1, sizeof(*n->reasm));
	if (n->reasm == NULL)
		return -MG_ENOMEM;
	mg_timer_init(&n->reasm->timer, reasm_timer_fn, n);
	return 0;
}

void
mg_net_reasm_fini(struct mg_net *n)
{
	struct mg_net_reasm *r = n->reasm;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < REASM_SLOTS; i++)
		if (r->slot[i].used)
			slot_free(r, &r->slot[i]);
	mg_timer_stop(&r->timer);
	mg_free(r);
	n->reasm = NULL;
}

static struct reasm_slot *
slot_get(struct mg_net *n, const struct mg_ip4_hdr *ip)
{
	struct mg_net_reasm *r = n->reasm;
	struct reasm_slot *s, *oldest = NULL, *free = NULL;
	size_t i;

	for (i = 0; i < REASM_SLOTS; i++) {
		s = &r->slot[i];
		if (!s->used) {
			if (free == NULL)
				free = s;
			continue;
		}
		if (s->id == ip->id && s->src == ip->src && s->dst == ip->dst &&
		    s->proto == ip->proto)
			return s;
		if (oldest == NULL || s->deadline < oldest->deadline)
			oldest = s;
	}
	if (free == NULL) {
		n->st.ifc.ip_reasm_drop++; /* the evicted datagram */
		slot_free(r, oldest);
		free = oldest;
	}
	s = free;
	s->used = true;
	s->have_first = s->have_last = false;
	s->proto = ip->proto;
	s->id = ip->id;
	s->src = ip->src;
	s->dst = ip->dst;
	s->deadline = mg_net_now(n) + REASM_TIMEOUT;
	s->total = s->high = 0;
	s->nfrags = 0;
	s->hlen = 0;
	mg_memset(s->map, 0, sizeof(s->map));
	if (!mg_timer_armed(&r->timer))
		(void)mg_timer_start(n->loop, &r->timer, s->deadline);
	return s;
}

/* Grow s's buffer to hold end bytes, within the memory bound. */
static bool
slot_grow(struct mg_net_reasm *r, struct reasm_slot *s, size_t end)
{
	size_t want;
	uint8_t *d;

	if (end <= s->cap)
		return true;
	want = (end + 2047) & ~(size_t)2047;
	if (r->mem - s->cap + want > REASM_MEM_MAX)
		return false;
	d = mg_realloc(s->data, want);
	if (d == NULL)
		return false;
	r->mem = r->mem - s->cap + want;
	s->data = d;
	s->cap = want;
	return true;
}

static bool
map_get(const struct reasm_slot *s, size_t b)
{
	return (s->map[b / 8] >> (b % 8)) & 1;
}

static bool
slot_complete(const struct reasm_slot *s)
{
	size_t b, nb;

	if (!s->have_first || !s->have_last)
		return false;
	nb = (s->total + 7) / 8;
	for (b = 0; b < nb; b++)
		if (!map_get(s, b))
			return false;
	return true;
}

static struct mg_pkt *
slot_build(struct mg_net *n, struct reasm_slot *s, struct mg_ip4_hdr *out)
{
	size_t len = s->hlen + s->total;
	struct mg_pkt *p;
	uint8_t *d;
	uint16_t c;

	p = mg_pkt_alloc_heap(MG_NET_HEADROOM + len, MG_NET_HEADROOM);
	if (p == NULL)
		return NULL;
	d = mg_pkt_put(p, len);
	mg_memcpy(d, s->hdr, s->hlen);
	mg_memcpy(d + s->hlen, s->data, s->total);
	d[MG_IP4_OFF_LEN] = (uint8_t)(len >> 8);
	d[MG_IP4_OFF_LEN + 1] = (uint8_t)len;
	d[MG_IP4_OFF_FRAG] = d[MG_IP4_OFF_FRAG + 1] = 0;
	d[MG_IP4_OFF_CSUM] = d[MG_IP4_OFF_CSUM + 1] = 0;
	c = mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(d, s->hlen)));
	d[MG_IP4_OFF_CSUM] = (uint8_t)(c >> 8);
	d[MG_IP4_OFF_CSUM + 1] = (uint8_t)c;
	if (mg_ip4_parse(mg_pkt_view(p), out, &n->st.ip4) < 0) {
		mg_pkt_free(p);
		return NULL;
	}
	return p;
}

struct mg_pkt *
mg_net_reasm_input(struct mg_net *n, struct mg_pkt *p,
    const struct mg_ip4_hdr *ip, struct mg_ip4_hdr *out)
{
	struct mg_net_reasm *r = n->reasm;
	struct reasm_slot *s;
	size_t off = ip->frag_off, len = ip->payload.len, end = off + len;
	size_t b, b0, b1;
	struct mg_pkt *whole = NULL;

	/* Every fragment but the last carries a multiple of 8 bytes. */
	if ((ip->mf && (len == 0 || len % 8 != 0)) ||
	    ip->hdr.len + end > MG_IP4_LEN_MAX) {
		n->st.ifc.ip_reasm_drop++;
		goto out;
	}
	s = slot_get(n, ip);
	if (++s->nfrags > REASM_FRAGS_MAX ||
	    (s->have_last &&
	        (end > s->total || (!ip->mf && end != s->total))) ||
	    (!ip->mf && end < s->high))
		goto fail;
	if (!slot_grow(r, s, end))
		goto fail;
	/* Blocks [b0, b1): all but a final partial one are whole. */
	b0 = off / 8;
	b1 = (end + 7) / 8;
	for (b = b0; b < b1; b++) {
		if (!map_get(s, b))
			continue;
		/* Overlap: accept only identical bytes (see NOTE). */
		if (mg_memcmp(s->data + off, ip->payload.p, len) != 0)
			goto fail;
		break;
	}
	if (len > 0)
		mg_memcpy(s->data + off, ip->payload.p, len);
	for (b = b0; b < b1; b++)
		s->map[b / 8] |= (uint8_t)(1u << (b % 8));
	if (end > s->high)
		s->high = end;
	if (!ip->mf) {
		s->have_last = true;
		s->total = end;
	}
	if (off == 0 && !s->have_first) {
		s->have_first = true;
		s->hlen = ip->hdr.len;
		mg_memcpy(s->hdr, ip->hdr.p, ip->hdr.len);
	}
	if (slot_complete(s)) {
		whole = slot_build(n, s, out);
		if (whole == NULL)
			n->st.ifc.tx_nobuf++;
		slot_free(r, s);
	}
	goto out;
fail:
	n->st.ifc.ip_reasm_drop++;
	slot_free(r, s);
out:
	mg_pkt_free(p);
	return whole;
}
