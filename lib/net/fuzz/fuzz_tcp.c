/* SPDX-License-Identifier: ISC */
/*
 * fuzz_tcp.c: TCP segments as an attacker sends them.
 *
 * Input byte 0 picks the mode:
 *  - even: the rest is one segment for mg_tcp_seg_parse. Promises: one
 *    drop counted on failure; on success the payload lies inside the
 *    input after a header of 20..60 bytes; a header built from the
 *    parsed fields (mg_tcp_hdr_push) parses back the same and its
 *    checksum verifies.
 *  - odd: a direct stack with an echo listener on port 80 and one
 *    connection from 10.0.0.1:40000 already established (timestamps and
 *    window scale on); the rest is records
 *      [flags u8][dseq i16be][dack i16be][wnd u16be][tick u8][len u8]
 *      [len bytes: payload]
 *    each sent as a segment whose sequence and acknowledgment numbers are
 *    the peer's next ones plus dseq and dack (so the state machine is
 *    reached, not only the window checks), with a valid checksum; tick
 *    bit 0 lets 300 ms of virtual time pass first (timers fire), bit 1
 *    closes the connection from the application, bit 2 aborts it.
 *    Promises: no crash or sanitizer report; after mg_net_close every
 *    packet buffer is back in the pool and the heap holds what it held
 *    before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/heap.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/tcp.h"
#include "tcp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

#define NBUFS 64
#define SADDR 0x0a000002u
#define PADDR 0x0a000001u

static uint8_t pktmem[4096];

static void
parse_one(const uint8_t *data, size_t size)
{
	struct mg_tcp_stats st = {0};
	struct mg_pkt_pool pool;
	struct mg_tcp_seg s, s2;
	struct mg_tcp_tx tx;
	struct mg_pkt *p;
	uint8_t *buf;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return;
	if (size > 0)
		memcpy(buf, data, size);
	if (mg_tcp_seg_parse(mg_view_make(buf, size), &s, &st) != 0) {
		CHECK(st.rx_short + st.rx_badoff + st.rx_badopt == 1);
		goto out;
	}
	CHECK(s.hlen >= MG_TCP_HLEN_MIN && s.hlen <= MG_TCP_HLEN_MAX);
	CHECK(s.hlen <= size);
	CHECK(s.payload.len == size - s.hlen);
	CHECK(s.payload.len == 0 || s.payload.p == buf + s.hlen);
	CHECK(!s.has_ws || s.ws <= MG_TCP_WS_MAX);
	if (s.payload.len > 1400)
		goto out;
	memset(&tx, 0, sizeof(tx));
	tx.src = PADDR;
	tx.dst = SADDR;
	tx.sport = s.sport;
	tx.dport = s.dport;
	tx.seq = s.seq;
	tx.ack = s.ack;
	tx.flags = s.flags;
	tx.wnd = s.wnd;
	tx.mss = s.has_mss && s.mss != 0 ? s.mss : 0;
	tx.ws = s.has_ws ? (int8_t)s.ws : -1;
	tx.ts = s.has_ts;
	tx.tsval = s.tsval;
	tx.tsecr = s.tsecr;
	CHECK(mg_pkt_pool_init(&pool, pktmem, sizeof(pktmem), 2048, 128) > 0);
	p = mg_pkt_alloc(&pool);
	CHECK(p != NULL);
	CHECK(mg_pkt_put(p, s.payload.len) != NULL);
	if (s.payload.len > 0)
		memcpy(p->data, s.payload.p, s.payload.len);
	CHECK(mg_tcp_hdr_push(p, &tx) == 0);
	CHECK(mg_net_csum_fold(
	          mg_net_csum_add(mg_net_csum_pseudo4(PADDR, SADDR,
	                              MG_IP4_PROTO_TCP, (uint16_t)p->len),
	              mg_pkt_view(p))) == 0);
	CHECK(mg_tcp_seg_parse(mg_pkt_view(p), &s2, &st) == 0);
	CHECK(s2.sport == s.sport && s2.dport == s.dport);
	CHECK(s2.seq == s.seq && s2.ack == s.ack && s2.flags == s.flags);
	CHECK(s2.wnd == s.wnd && s2.has_ts == s.has_ts);
	CHECK(!s.has_ts || (s2.tsval == s.tsval && s2.tsecr == s.tsecr));
	CHECK(s2.has_ws == s.has_ws && (!s.has_ws || s2.ws == s.ws));
	CHECK(mg_view_eq(s2.payload, s.payload));
	mg_pkt_free(p);
out:
	free(buf);
}

/* The stack side. */
static struct mg_loop loop;
static struct mg_timer stop;
static struct mg_tcp *conn;

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

static size_t
echo_recv(void *ctx, struct mg_tcp *c, mg_view d)
{
	long n;

	(void)ctx;
	if (d.len == 0)
		return 0;
	n = mg_tcp_write(c, d, d.len > 3 ? MG_TCP_WRITE_MORE : 0);
	return n > 0 ? (size_t)n / 2 : 0; /* leave some queued */
}

static void
echo_closed(void *ctx, struct mg_tcp *c, int err)
{
	(void)ctx;
	(void)err;
	if (c == conn)
		conn = NULL;
}

static const struct mg_tcp_cbs conn_cbs = {
    .recv = echo_recv,
    .closed = echo_closed,
};

static void
on_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	(void)ctx;
	(void)l;
	mg_tcp_set_cbs(c, &conn_cbs, NULL);
	if (conn == NULL)
		conn = c;
}

static const struct mg_tcp_cbs listen_cbs = {.accept = on_accept};

static void
put16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)(x >> 8);
	p[1] = (uint8_t)x;
}

static void
put32(uint8_t *p, uint32_t x)
{
	put16(p, (uint16_t)(x >> 16));
	put16(p + 2, (uint16_t)x);
}

/* Send a segment from the peer (Ethernet + IPv4 + TCP with timestamps). */
static void
inject(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, bool syn,
    uint32_t tsval, const uint8_t *d, size_t len)
{
	static const uint8_t smac[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t pmac[6] = {0x02, 0, 0, 0, 0, 0x02};
	uint8_t f[1600], *ip = f + 14, *t = f + 34;
	size_t hl = syn ? 40 : 32, tot;

	memset(f, 0, 14 + 20 + 40);
	memcpy(f, smac, 6);
	memcpy(f + 6, pmac, 6);
	f[12] = 0x08;
	tot = 20 + hl + len;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)tot);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, PADDR);
	put32(ip + 16, SADDR);
	put16(ip + 10,
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(ip, 20))));
	put16(t, 40000);
	put16(t + 2, 80);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((hl / 4) << 4);
	t[13] = flags;
	put16(t + 14, wnd);
	if (syn) { /* MSS 1460, WS 2, TS */
		t[20] = 2, t[21] = 4, put16(t + 22, 1460);
		t[24] = 1, t[25] = 3, t[26] = 3, t[27] = 2;
		t[28] = 1, t[29] = 1, t[30] = 8, t[31] = 10;
		put32(t + 32, tsval);
	} else {
		t[20] = 1, t[21] = 1, t[22] = 8, t[23] = 10;
		put32(t + 24, tsval);
	}
	if (len > 0)
		memcpy(t + hl, d, len);
	put16(t + 16,
	    mg_net_csum_fold(mg_net_csum_add(
	        mg_net_csum_pseudo4(PADDR, SADDR, 6, (uint16_t)(hl + len)),
	        mg_view_make(t, hl + len))));
	(void)fake_net_rx(f, 14 + tot);
	run(1);
}

/* The stack's next segment to the peer: its seq and ack; false if none. */
static bool
last_out(uint32_t *seq)
{
	uint8_t f[FAKE_NET_FRAME_MAX];
	size_t len;
	bool got = false;

	while (fake_net_tx_pop(f, sizeof(f), &len)) {
		if (len >= 54 && f[12] == 0x08 && f[23] == 6) {
			*seq = (uint32_t)f[38] << 24 | (uint32_t)f[39] << 16 |
			    (uint32_t)f[40] << 8 | f[41];
			got = true;
		}
	}
	return got;
}

static void
stack_run(const uint8_t *data, size_t size)
{
	static uint8_t *poolmem;
	static struct mg_pkt_pool pool;
	size_t memsz = mg_pkt_pool_memsize(NBUFS, MG_PKT_BUFSIZE_DEFAULT);
	struct mg_rd r = mg_rd_init(mg_view_make(data, size));
	struct mg_heap_stats before, after;
	struct mg_pkt_pool_stats pst;
	struct mg_net_config cfg;
	uint32_t pseq = 1000, iss = 0, tsval = 100;
	struct mg_net *n;
	struct mg_tcp *l;
	uint8_t arp[42];

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
	cfg.addr = SADDR;
	cfg.prefix = 24;
	cfg.quiet = true;
	CHECK(mg_net_open(&loop, &cfg, &n) == 0);
	CHECK(mg_tcp_listen(n, 80, 4, &listen_cbs, NULL, &l) == 0);
	conn = NULL;
	/* The peer's ARP request teaches the stack its MAC. */
	memset(arp, 0, sizeof(arp));
	memset(arp, 0xff, 6);
	arp[6] = 0x02, arp[11] = 0x02, arp[12] = 0x08, arp[13] = 0x06;
	arp[15] = 1, arp[16] = 0x08, arp[18] = 6, arp[19] = 4, arp[21] = 1;
	arp[22] = 0x02, arp[27] = 0x02;
	put32(arp + 28, PADDR);
	put32(arp + 38, SADDR);
	(void)fake_net_rx(arp, sizeof(arp));
	run(1);
	inject(pseq, 0, MG_TCP_SYN, 65535, true, tsval, NULL, 0);
	CHECK(last_out(&iss));
	pseq++;
	inject(pseq, iss + 1, MG_TCP_ACK, 65535, false, ++tsval, NULL, 0);
	CHECK(conn != NULL);
	(void)mg_tcp_write(conn, mg_view_make("hello", 5), 0);
	iss++;
	while (mg_rd_left(&r) >= 9) {
		uint8_t flags = mg_rd_u8(&r);
		int16_t dseq = (int16_t)mg_rd_u16be(&r);
		int16_t dack = (int16_t)mg_rd_u16be(&r);
		uint16_t wnd = mg_rd_u16be(&r);
		uint8_t tick = mg_rd_u8(&r);
		size_t len = mg_rd_u8(&r);
		mg_view v = mg_rd_take(&r, len);
		uint32_t out;

		if (!mg_rd_ok(&r))
			break;
		if (tick & 1)
			run(MG_MSEC(300));
		if ((tick & 2) && conn != NULL) {
			mg_tcp_close(conn);
			conn = NULL;
		}
		if ((tick & 4) && conn != NULL) {
			mg_tcp_abort(conn);
			conn = NULL;
		}
		inject(pseq + (uint32_t)(int32_t)dseq,
		    iss + (uint32_t)(int32_t)dack, flags, wnd, false, ++tsval,
		    v.p, v.len);
		if (dseq == 0 && len > 0)
			pseq += (uint32_t)len;
		if (dseq == 0 && (flags & MG_TCP_FIN))
			pseq++;
		if (last_out(&out) && MG_SEQ_GT(out, iss))
			iss = out;
	}
	run(MG_SEC(1));
	mg_net_close(n);
	mg_timer_stop(&stop);
	mg_pkt_pool_stats(&pool, &pst);
	CHECK(pst.avail == pst.total);
	mg_loop_fini(&loop);
	mg_heap_stats(mg_heap_default(), &after);
	CHECK(after.used == before.used);
	mg_pkt_pool_set_default(NULL);
	fake_net_reset();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0)
		parse_one(data + 1, size - 1);
	else
		stack_run(data + 1, size - 1);
	return 0;
}
