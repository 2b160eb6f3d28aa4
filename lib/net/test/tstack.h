/* SPDX-License-Identifier: ISC */
/*
 * tstack.h: a direct stack on the fake platform's net device, for lib/net
 * unit tests (include after <cmocka.h>): a packet pool, a loop, a stack at
 * 10.0.0.2/24 (gateway 10.0.0.254) with MAC 02:00:00:00:00:01, and a
 * peer 10.0.0.1 with MAC 02:00:00:00:00:02 whose frames the tests build.
 */
#ifndef TSTACK_H
#define TSTACK_H

#include <stdlib.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/pkt.h"
#include "net_int.h"

#define TS_ADDR 0x0a000002u /* 10.0.0.2, the stack */
#define TS_PEER 0x0a000001u /* 10.0.0.1 */
#define TS_GW   0x0a0000feu /* 10.0.0.254 */

static const uint8_t ts_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t ts_peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

struct tstack {
	struct mg_loop loop;
	struct mg_pkt_pool pool;
	void *poolmem;
	struct mg_net *n;
	struct mg_timer stop;
};

static void
ts_stop_fn(void *ctx, struct mg_timer *t)
{
	(void)t;
	mg_loop_stop(&((struct tstack *)ctx)->loop, 0);
}

/* Open a stack with cfg (NULL: static 10.0.0.2/24 gw 10.0.0.254). */
static inline void
ts_open(struct tstack *ts, const struct mg_net_config *cfg, size_t nbufs)
{
	struct mg_net_config c;
	size_t memsz = mg_pkt_pool_memsize(nbufs, MG_PKT_BUFSIZE_DEFAULT);

	memset(ts, 0, sizeof(*ts));
	fake_plat_reset();
	fake_net_reset();
	fake_plat_heap();
	ts->poolmem = malloc(memsz);
	assert_non_null(ts->poolmem);
	assert_true(mg_pkt_pool_init(&ts->pool, ts->poolmem, memsz,
	                MG_PKT_BUFSIZE_DEFAULT, MG_PKT_HEADROOM_DEFAULT) > 0);
	mg_pkt_pool_set_default(&ts->pool);
	mg_loop_init(&ts->loop);
	mg_timer_init(&ts->stop, ts_stop_fn, ts);
	if (cfg == NULL) {
		memset(&c, 0, sizeof(c));
		c.dev = "service";
		c.addr = TS_ADDR;
		c.prefix = 24;
		c.gw = TS_GW;
		c.quiet = true;
		cfg = &c;
	}
	assert_int_equal(mg_net_open(&ts->loop, cfg, &ts->n), 0);
}

/* Run the loop for d ns of virtual time (frames waiting are read first). */
static inline void
ts_run(struct tstack *ts, mg_time_t d)
{
	assert_int_equal(mg_timer_start(&ts->loop, &ts->stop, fake_now + d), 0);
	(void)mg_loop_run(&ts->loop);
}

/* Close everything and check that no packet buffer leaked. */
static inline void
ts_close(struct tstack *ts)
{
	struct mg_pkt_pool_stats st;

	mg_net_close(ts->n);
	mg_timer_stop(&ts->stop);
	mg_pkt_pool_stats(&ts->pool, &st);
	assert_int_equal(st.avail, st.total);
	mg_loop_fini(&ts->loop);
	mg_pkt_pool_set_default(NULL);
	free(ts->poolmem);
	fake_net_reset();
}

/* Drop every frame the stack sent so far. */
static inline void
ts_tx_flush(void)
{
	uint8_t b[FAKE_NET_FRAME_MAX];
	size_t len;

	while (fake_net_tx_pop(b, sizeof(b), &len))
		;
}

/* A frame from the peer: Ethernet header (to the stack) + body. */
static inline size_t
ts_eth(uint8_t *f, uint16_t type, const void *body, size_t len)
{
	memcpy(f, ts_mac, 6);
	memcpy(f + 6, ts_peer_mac, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	memcpy(f + 14, body, len);
	return 14 + len;
}

static inline void
ts_put32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)(x >> 24);
	p[1] = (uint8_t)(x >> 16);
	p[2] = (uint8_t)(x >> 8);
	p[3] = (uint8_t)x;
}

static inline void
ts_put16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)(x >> 8);
	p[1] = (uint8_t)x;
}

/*
 * An IPv4 datagram from src to dst with proto and payload into f (after
 * an Ethernet header); frag is the raw flags/offset field. Returns the
 * frame length.
 */
static inline size_t
ts_ip4(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id,
    uint16_t frag, const void *payload, size_t len)
{
	uint8_t ip[65536];
	uint16_t c;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	ts_put16(ip + 2, (uint16_t)(20 + len));
	ts_put16(ip + 4, id);
	ts_put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	ts_put32(ip + 12, src);
	ts_put32(ip + 16, dst);
	c = mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(ip, 20)));
	ts_put16(ip + 10, c);
	memcpy(ip + 20, payload, len);
	return ts_eth(f, 0x0800, ip, 20 + len);
}

/* The peer's ARP message op about (spa -> tpa), injected. */
static inline void
ts_arp_in(uint16_t op, uint32_t spa, uint32_t tpa)
{
	uint8_t a[28], f[64];

	memset(a, 0, sizeof(a));
	ts_put16(a, 1);
	ts_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	ts_put16(a + 6, op);
	memcpy(a + 8, ts_peer_mac, 6);
	ts_put32(a + 14, spa);
	if (op == 2)
		memcpy(a + 18, ts_mac, 6);
	ts_put32(a + 24, tpa);
	assert_true(fake_net_rx(f, ts_eth(f, 0x0806, a, sizeof(a))));
}

/* Tell the stack the peer's MAC (an ARP request from it, for us). */
static inline void
ts_arp_learn(struct tstack *ts)
{
	ts_arp_in(1, TS_PEER, TS_ADDR);
	ts_run(ts, 1);
	ts_tx_flush();
}

#endif
