/* SPDX-License-Identifier: ISC */
/*
 * fuzz_stack.c: frames as an attacker on the link sends them, into a whole
 * direct stack (10.0.0.2/24) with a UDP echo socket on port 7 and a TCP
 * listener on port 7 that echoes, on the fake device. Reaches the
 * dispatch, ARP cache, reassembly, ICMP, UDP and TCP input together.
 *
 * Input: records [flags u8][len u16be][len bytes]. Flags help the fuzzer
 * past the checks it cannot easily satisfy: 1 sets the destination MAC to
 * the stack's, 2 fixes the IPv4 header checksum, 4 fixes the UDP, TCP or
 * ICMP checksum, 8 lets 10 s of virtual time pass first (timers fire).
 * Promises checked: no crash or sanitizer report, and after mg_net_close
 * every packet buffer is back in the pool and the heap holds what it
 * held before (no leak).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/heap.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/tcp.h"
#include "mg/udp.h"
#include "net_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

#define NBUFS 64

static void
udp_echo(void *ctx, struct mg_udp *u, const struct mg_ep4 *from, uint32_t dst,
    mg_view d, struct mg_pkt *p)
{
	(void)ctx;
	(void)dst;
	(void)p;
	(void)mg_udp_sendv(u, from, d);
}

static size_t
tcp_recv(void *ctx, struct mg_tcp *c, mg_view d)
{
	long n;

	(void)ctx;
	if (d.len == 0) {
		mg_tcp_close(c);
		return 0;
	}
	n = mg_tcp_write(c, d, 0);
	return n > 0 ? (size_t)n : 0;
}

static void
tcp_closed(void *ctx, struct mg_tcp *c, int err)
{
	(void)ctx;
	(void)c;
	(void)err;
}

static const struct mg_tcp_cbs conn_cbs = {
    .recv = tcp_recv,
    .closed = tcp_closed,
};

static void
tcp_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	(void)ctx;
	(void)l;
	mg_tcp_set_cbs(c, &conn_cbs, NULL);
}

static const struct mg_tcp_cbs listen_cbs = {.accept = tcp_accept};

static struct mg_loop loop;
static struct mg_timer stop;

static void
stop_fn(void *ctx, struct mg_timer *t)
{
	(void)ctx;
	(void)t;
	mg_loop_stop(&loop, 0);
}

static void
run(mg_time_t d)
{
	CHECK(mg_timer_start(&loop, &stop, fake_now + d) == 0);
	(void)mg_loop_run(&loop);
}

static void
put16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)(x >> 8);
	p[1] = (uint8_t)x;
}

/* Apply the record's fix-ups to frame f (len bytes). */
static void
fixup(uint8_t *f, size_t len, uint8_t flags)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	size_t hlen, tot, off;
	uint32_t src, dst;
	uint8_t proto;

	if ((flags & 1) && len >= 6)
		memcpy(f, mac, 6);
	if (len < 34 || f[12] != 0x08 || f[13] != 0x00)
		return;
	hlen = (size_t)(f[14] & 0x0f) * 4;
	if (hlen < 20 || 14 + hlen > len)
		return;
	if (flags & 2) {
		f[24] = f[25] = 0;
		put16(f + 24,
		    mg_net_csum_fold(
		        mg_net_csum_add(0, mg_view_make(f + 14, hlen))));
	}
	tot = (size_t)f[16] << 8 | f[17];
	if (!(flags & 4) || tot < hlen || 14 + tot > len ||
	    (f[20] & 0x3f) != 0 || f[21] != 0)
		return;
	proto = f[23];
	src = (uint32_t)f[26] << 24 | (uint32_t)f[27] << 16 |
	    (uint32_t)f[28] << 8 | f[29];
	dst = (uint32_t)f[30] << 24 | (uint32_t)f[31] << 16 |
	    (uint32_t)f[32] << 8 | f[33];
	off = proto == 1 ? 2 : proto == 6 ? 16 : proto == 17 ? 6 : 0;
	if (off == 0 || tot - hlen < off + 2)
		return;
	f[14 + hlen + off] = f[14 + hlen + off + 1] = 0;
	put16(f + 14 + hlen + off,
	    mg_net_csum_fold(
	        mg_net_csum_add(proto == 1 ? 0
	                                   : mg_net_csum_pseudo4(src, dst,
	                                         proto, (uint16_t)(tot - hlen)),
	            mg_view_make(f + 14 + hlen, tot - hlen))));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *poolmem;
	static struct mg_pkt_pool pool;
	size_t memsz = mg_pkt_pool_memsize(NBUFS, MG_PKT_BUFSIZE_DEFAULT);
	struct mg_heap_stats before, after;
	struct mg_pkt_pool_stats pst;
	struct mg_net_config cfg;
	struct mg_net *n;
	struct mg_udp *u;
	struct mg_tcp *l;
	struct mg_rd r = mg_rd_init(mg_view_make(data, size));

	fake_plat_reset();
	fake_net_reset();
	fake_plat_heap();
	if (poolmem == NULL) {
		poolmem = malloc(memsz);
		CHECK(poolmem != NULL);
	}
	CHECK(mg_pkt_pool_init(&pool, poolmem, memsz, MG_PKT_BUFSIZE_DEFAULT,
	          MG_PKT_HEADROOM_DEFAULT) == NBUFS);
	mg_pkt_pool_set_default(&pool);
	mg_loop_init(&loop);
	mg_timer_init(&stop, stop_fn, NULL);
	mg_heap_stats(mg_heap_default(), &before);

	memset(&cfg, 0, sizeof(cfg));
	cfg.dev = "service";
	cfg.addr = 0x0a000002u;
	cfg.prefix = 24;
	cfg.gw = 0x0a0000feu;
	cfg.quiet = true;
	CHECK(mg_net_open(&loop, &cfg, &n) == 0);
	CHECK(mg_udp_open(n, 7, udp_echo, NULL, &u) == 0);
	CHECK(mg_tcp_listen(n, 7, 4, &listen_cbs, NULL, &l) == 0);
	while (mg_rd_left(&r) >= 3) {
		uint8_t flags = mg_rd_u8(&r), f[FAKE_NET_FRAME_MAX];
		size_t len = mg_rd_u16be(&r);
		mg_view v = mg_rd_take(&r, len);

		if (!mg_rd_ok(&r) || len > 1514)
			break;
		memcpy(f, v.p, v.len);
		fixup(f, v.len, flags);
		if (flags & 8)
			run(MG_SEC(10));
		if (!fake_net_rx(f, v.len))
			run(MG_MSEC(1));
		while (fake_net_tx_count() > 0) {
			uint8_t b[FAKE_NET_FRAME_MAX];
			size_t bl;

			(void)fake_net_tx_pop(b, sizeof(b), &bl);
		}
	}
	run(MG_MSEC(1));
	mg_tcp_close(l);
	mg_udp_close(u);
	mg_net_close(n);
	mg_timer_stop(&stop);
	mg_loop_fini(&loop);
	mg_pkt_pool_stats(&pool, &pst);
	CHECK(pst.avail == pst.total);
	mg_heap_stats(mg_heap_default(), &after);
	CHECK(after.used == before.used);
	mg_pkt_pool_set_default(NULL);
	fake_net_reset();
	return 0;
}
