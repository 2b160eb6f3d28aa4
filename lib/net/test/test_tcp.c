/* SPDX-License-Identifier: ISC */
/*
 * test_tcp.c: the direct stack's TCP driven through the fake device: a
 * peer at 10.0.0.1 built here sends hand-made segments, and the segments
 * the stack sends are popped and checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mg/tcp.h"
#include "tcp_int.h"
#include "tstack.h"

#define PPORT 40000 /* the peer's port */
#define LPORT 80    /* our listener */

static struct tstack ts;

/* What the application saw. */
struct app {
	struct mg_tcp *c;
	int accepts, connects, closes, writables;
	int conn_err, close_err;
	bool eof;
	size_t take; /* recv consumes at most this much (SIZE_MAX: all) */
	uint8_t rx[65536];
	size_t rxlen;
	bool close_in_recv;
};

static struct app app;

static void
app_reset(void)
{
	memset(&app, 0, sizeof(app));
	app.take = SIZE_MAX;
}

static size_t
cb_recv(void *ctx, struct mg_tcp *c, mg_view d)
{
	size_t n = d.len < app.take ? d.len : app.take;

	(void)ctx;
	(void)c;
	if (d.len == 0) {
		app.eof = true;
		return 0;
	}
	if (n > sizeof(app.rx) - app.rxlen)
		n = sizeof(app.rx) - app.rxlen;
	memcpy(app.rx + app.rxlen, d.p, n);
	app.rxlen += n;
	return n;
}

static void
cb_connected(void *ctx, struct mg_tcp *c, int err)
{
	(void)ctx;
	(void)c;
	app.connects++;
	app.conn_err = err;
}

static void
cb_writable(void *ctx, struct mg_tcp *c)
{
	(void)ctx;
	(void)c;
	app.writables++;
}

static void
cb_closed(void *ctx, struct mg_tcp *c, int err)
{
	(void)ctx;
	(void)c;
	app.closes++;
	app.close_err = err;
	app.c = NULL;
}

static const struct mg_tcp_cbs conn_cbs = {
    .connected = cb_connected,
    .recv = cb_recv,
    .writable = cb_writable,
    .closed = cb_closed,
};

static void
cb_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	(void)ctx;
	(void)l;
	app.accepts++;
	app.c = c;
	mg_tcp_set_cbs(c, &conn_cbs, NULL);
}

static const struct mg_tcp_cbs lst_cbs = {.accept = cb_accept};

/* The peer's segment. */
struct pseg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss; /* 0: none */
	int ws;       /* < 0: none */
	bool ts;
	uint32_t tsval, tsecr;
	const void *data;
	size_t len;
};

static void
seg_in(const struct pseg *s)
{
	static uint8_t tcp[2048], f[2100];
	size_t hl = 20, n;
	uint16_t c;

	memset(tcp, 0, 60);
	ts_put16(tcp, s->sport ? s->sport : PPORT);
	ts_put16(tcp + 2, s->dport ? s->dport : LPORT);
	ts_put32(tcp + 4, s->seq);
	ts_put32(tcp + 8, s->ack);
	tcp[13] = s->flags;
	ts_put16(tcp + 14, s->wnd);
	if (s->mss) {
		tcp[hl] = 2;
		tcp[hl + 1] = 4;
		ts_put16(tcp + hl + 2, s->mss);
		hl += 4;
	}
	if (s->ws >= 0) {
		tcp[hl] = 1;
		tcp[hl + 1] = 3;
		tcp[hl + 2] = 3;
		tcp[hl + 3] = (uint8_t)s->ws;
		hl += 4;
	}
	if (s->ts) {
		tcp[hl] = 1;
		tcp[hl + 1] = 1;
		tcp[hl + 2] = 8;
		tcp[hl + 3] = 10;
		ts_put32(tcp + hl + 4, s->tsval);
		ts_put32(tcp + hl + 8, s->tsecr);
		hl += 12;
	}
	tcp[12] = (uint8_t)((hl / 4) << 4);
	if (s->len)
		memcpy(tcp + hl, s->data, s->len);
	n = hl + s->len;
	c = mg_net_csum_fold(mg_net_csum_add(
	    mg_net_csum_pseudo4(TS_PEER, TS_ADDR, 6, (uint16_t)n),
	    mg_view_make(tcp, n)));
	ts_put16(tcp + 16, c);
	assert_true(
	    fake_net_rx(f, ts_ip4(f, TS_PEER, TS_ADDR, 6, 1, 0x4000, tcp, n)));
	ts_run(&ts, 1);
}

/* The next TCP segment the stack sent (ARP skipped); false if none. */
static uint8_t oframe[FAKE_NET_FRAME_MAX];

static bool
seg_out(struct mg_tcp_seg *s)
{
	struct mg_tcp_stats st = {0};
	size_t len;
	mg_view ip, tcp;
	uint32_t sum;

	while (fake_net_tx_pop(oframe, sizeof(oframe), &len)) {
		if (len < 34 || oframe[12] != 0x08 || oframe[13] != 0x00 ||
		    oframe[14 + 9] != 6)
			continue;
		ip = mg_view_make(oframe + 14, len - 14);
		assert_true(mg_view_sub(ip, 20,
		    (size_t)(oframe[16] << 8 | oframe[17]) - 20, &tcp));
		sum =
		    mg_net_csum_pseudo4(TS_ADDR, TS_PEER, 6, (uint16_t)tcp.len);
		assert_int_equal(mg_net_csum_fold(mg_net_csum_add(sum, tcp)),
		    0);
		assert_int_equal(mg_tcp_seg_parse(tcp, s, &st), 0);
		return true;
	}
	return false;
}

static void
expect_none(void)
{
	struct mg_tcp_seg s;

	if (seg_out(&s))
		fail_msg("unexpected segment seq %u ack %u flags %#x len %zu",
		    s.seq, s.ack, s.flags, s.payload.len);
}

static struct mg_tcp *lst;

static void
setup_stack(size_t nbufs)
{
	app_reset();
	lst = NULL;
	ts_open(&ts, NULL, nbufs);
	ts_arp_learn(&ts);
}

static const struct mg_tcp_stats *
tst(void)
{
	return &ts.n->st.tcp;
}

/*
 * A passive open on LPORT from PPORT: returns the stack's ISS; the peer's
 * next sequence number is 1001. With ts, the peer uses timestamps and
 * window scale 7.
 */
static uint32_t
passive_open(bool opts, uint16_t wnd)
{
	struct mg_tcp_seg s;
	struct pseg p = {.seq = 1000,
	    .flags = MG_TCP_SYN,
	    .wnd = 65535,
	    .mss = 1460,
	    .ws = opts ? 7 : -1,
	    .ts = opts,
	    .tsval = 5};

	if (lst == NULL)
		assert_int_equal(
		    mg_tcp_listen(ts.n, LPORT, 0, &lst_cbs, NULL, &lst), 0);
	seg_in(&p);
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_SYN | MG_TCP_ACK);
	assert_int_equal(s.ack, 1001);
	assert_true(s.has_mss);
	assert_int_equal(s.mss, 1460);
	assert_int_equal(s.has_ws, opts);
	assert_int_equal(s.has_ts, opts);
	if (opts)
		assert_int_equal(s.tsecr, 5);
	memset(&p, 0, sizeof(p));
	p.seq = 1001;
	p.ack = s.seq + 1;
	p.flags = MG_TCP_ACK;
	p.wnd = wnd;
	p.ws = -1;
	p.ts = opts;
	p.tsval = 6;
	seg_in(&p);
	assert_int_equal(app.accepts, 1);
	assert_non_null(app.c);
	return s.seq;
}

/* A segment from the peer on the passive connection. */
static void
pin(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const void *d,
    size_t len)
{
	struct pseg p = {.seq = seq,
	    .ack = ack,
	    .flags = flags,
	    .wnd = wnd,
	    .ws = -1,
	    .data = d,
	    .len = len};

	seg_in(&p);
}

static void
teardown_stack(void)
{
	lst = NULL;
	ts_close(&ts);
}

static void
test_tcp_seg_parse(void **state)
{
	struct mg_tcp_stats st = {0};
	struct mg_tcp_seg s;
	uint8_t b[40] = {0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0xa0,
	    0x02, 0xff, 0xff, 0, 0, 0, 0, /* options: */
	    2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};

	(void)state;
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 40), &s, &st), 0);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.seq, 1000);
	assert_int_equal(s.flags, MG_TCP_SYN);
	assert_int_equal(s.hlen, 40);
	assert_true(s.has_mss && s.mss == 1460);
	assert_true(s.sack_ok);
	assert_true(s.has_ts && s.tsval == 1 && s.tsecr == 0);
	assert_true(s.has_ws && s.ws == 7);
	assert_int_equal(s.payload.len, 0);
	/* Short, bad offset, option running past the header. */
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 19), &s, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_short, 1);
	b[12] = 0x40;
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 40), &s, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_badoff, 1);
	b[12] = 0xf0;
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 40), &s, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_badoff, 2);
	b[12] = 0xa0;
	b[38] = 9; /* window scale option claims 9 bytes */
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 40), &s, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_badopt, 1);
	b[38] = 3;
	b[21] = 5; /* MSS with length 5 */
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 40), &s, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_badopt, 2);
	b[21] = 4;
	b[39] = 200; /* shift clamped to 14 */
	assert_int_equal(mg_tcp_seg_parse(mg_view_make(b, 40), &s, &st), 0);
	assert_int_equal(s.ws, 14);
}

static void
test_tcp_passive_data_close(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;
	struct mg_tcp_conn_stats cs;

	(void)state;
	setup_stack(64);
	iss = passive_open(true, 1000);
	mg_tcp_conn_stats(app.c, &cs);
	assert_string_equal(cs.state, "ESTABLISHED");
	assert_int_equal(cs.mss, 1448);
	expect_none();
	/* Data in: delivered, ACK delayed. */
	{
		struct pseg p = {.seq = 1001,
		    .ack = iss + 1,
		    .wnd = 1000,
		    .flags = MG_TCP_ACK | MG_TCP_PSH,
		    .ws = -1,
		    .ts = true,
		    .tsval = 7,
		    .data = "hello",
		    .len = 5};

		seg_in(&p);
	}
	assert_int_equal(app.rxlen, 5);
	assert_memory_equal(app.rx, "hello", 5);
	expect_none();
	ts_run(&ts, MG_MSEC(50));
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK);
	assert_int_equal(s.ack, 1006);
	assert_true(s.has_ts);
	assert_int_equal(s.tsecr, 7);
	/* Data out. */
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("world", 5), 0), 5);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.payload.len, 5);
	assert_memory_equal(s.payload.p, "world", 5);
	assert_true(s.flags & MG_TCP_PSH);
	/* The peer acks and closes: EOF delivered, CLOSE_WAIT. */
	{
		struct pseg p = {.seq = 1006,
		    .ack = iss + 6,
		    .wnd = 1000,
		    .flags = MG_TCP_ACK | MG_TCP_FIN,
		    .ws = -1,
		    .ts = true,
		    .tsval = 8};

		seg_in(&p);
	}
	assert_true(app.eof);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1007);
	mg_tcp_conn_stats(app.c, &cs);
	assert_string_equal(cs.state, "CLOSE_WAIT");
	assert_int_equal(cs.tx_bytes, 5);
	assert_int_equal(cs.rx_bytes, 5);
	/* The application closes: FIN; the peer's ACK ends it quietly. */
	mg_tcp_close(app.c);
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK | MG_TCP_FIN);
	assert_int_equal(s.seq, iss + 6);
	{
		struct pseg p = {.seq = 1007,
		    .ack = iss + 7,
		    .wnd = 1000,
		    .flags = MG_TCP_ACK,
		    .ws = -1,
		    .ts = true,
		    .tsval = 9};

		seg_in(&p);
	}
	expect_none();
	assert_int_equal(app.closes, 0);
	assert_int_equal(tst()->conn_accepted, 1);
	assert_int_equal(tst()->conn_closed, 1);
	assert_int_equal(ts.n->tcp->nconns, 0);
	teardown_stack();
}

static struct mg_tcp *
active_open(uint32_t *iss, uint32_t peer_isn)
{
	struct mg_ep4 to = {TS_PEER, 80};
	struct mg_tcp *c;
	struct mg_tcp_seg s;

	assert_int_equal(mg_tcp_connect(ts.n, &to, &conn_cbs, NULL, &c), 0);
	app.c = c;
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_SYN);
	assert_int_equal(s.dport, 80);
	assert_true(s.sport >= 49152);
	assert_true(s.has_mss && s.has_ws && s.has_ts);
	*iss = s.seq;
	assert_int_equal(app.connects, 0);
	{
		struct pseg p = {.sport = 80,
		    .dport = s.sport,
		    .seq = peer_isn,
		    .ack = s.seq + 1,
		    .flags = MG_TCP_SYN | MG_TCP_ACK,
		    .wnd = 8192,
		    .mss = 1000,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK);
	assert_int_equal(s.ack, peer_isn + 1);
	assert_false(s.has_ts); /* the peer sent none */
	assert_int_equal(app.connects, 1);
	assert_int_equal(app.conn_err, 0);
	return c;
}

static uint16_t
lport_of(struct mg_tcp *c)
{
	struct mg_ep4 l, r;

	mg_tcp_endpoints(c, &l, &r);
	assert_int_equal(l.addr, TS_ADDR);
	assert_int_equal(r.addr, TS_PEER);
	return l.port;
}

static void
test_tcp_active_open_rexmit(void **state)
{
	struct mg_tcp_seg s;
	struct mg_tcp *c;
	uint32_t iss;
	uint16_t lp;
	struct mg_tcp_conn_stats cs;

	(void)state;
	setup_stack(64);
	c = active_open(&iss, 5000);
	lp = lport_of(c);
	mg_tcp_conn_stats(c, &cs);
	assert_int_equal(cs.mss, 1000);
	assert_int_equal(mg_tcp_write(c, mg_view_make("abc", 3), 0), 3);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 1);
	/* No ACK: resent after the RTO (about 1 s with no RTT sample yet
	 * beyond the SYN's, at least 200 ms). */
	ts_run(&ts, MG_MSEC(150));
	expect_none();
	ts_run(&ts, MG_SEC(2));
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.payload.len, 3);
	assert_true(tst()->rexmit >= 1);
	/* Acked: nothing more. */
	{
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5001,
		    .ack = iss + 4,
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	while (seg_out(&s))
		;
	ts_run(&ts, MG_SEC(5));
	expect_none();
	mg_tcp_abort(c);
	assert_true(seg_out(&s));
	assert_true(s.flags & MG_TCP_RST);
	assert_int_equal(s.seq, iss + 4);
	ts_run(&ts, 1);
	assert_int_equal(app.closes, 0);
	assert_int_equal(tst()->conn_aborted, 1);
	teardown_stack();
}

static void
test_tcp_syn_timeout_and_refused(void **state)
{
	struct mg_ep4 to = {TS_PEER, 81};
	struct mg_tcp_seg s;
	struct mg_tcp *c;
	int n = 0;

	(void)state;
	setup_stack(64);
	/* Refused by RST. */
	assert_int_equal(mg_tcp_connect(ts.n, &to, &conn_cbs, NULL, &c), 0);
	assert_true(seg_out(&s));
	{
		struct pseg p = {.sport = 81,
		    .dport = s.sport,
		    .seq = 0,
		    .ack = s.seq + 1,
		    .flags = MG_TCP_RST | MG_TCP_ACK,
		    .ws = -1};

		seg_in(&p);
	}
	assert_int_equal(app.connects, 1);
	assert_int_equal(app.conn_err, -MG_ECONNREFUSED);
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ECONNREFUSED);
	/* Nobody answers: SYN retries, then ETIMEDOUT. */
	app_reset();
	assert_int_equal(mg_tcp_connect(ts.n, &to, &conn_cbs, NULL, &c), 0);
	ts_run(&ts, MG_SEC(200));
	while (seg_out(&s)) {
		assert_int_equal(s.flags, MG_TCP_SYN);
		n++;
	}
	assert_int_equal(n, 1 + MG_TCP_SYN_RETRIES);
	assert_int_equal(app.connects, 1);
	assert_int_equal(app.conn_err, -MG_ETIMEDOUT);
	assert_int_equal(app.closes, 1);
	teardown_stack();
}

static void
test_tcp_fast_retransmit(void **state)
{
	struct mg_tcp_seg s;
	static uint8_t buf[5000];
	struct mg_tcp *c;
	uint32_t iss, seqs[5];
	uint16_t lp;
	int i;

	(void)state;
	setup_stack(64);
	c = active_open(&iss, 5000);
	lp = lport_of(c);
	mg_tcp_nodelay(c, true);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mg_tcp_write(c, mg_view_make(buf, 5000), 0), 5000);
	for (i = 0; i < 5; i++) {
		assert_true(seg_out(&s));
		seqs[i] = s.seq;
		assert_int_equal(s.payload.len, 1000);
	}
	expect_none();
	/* The first is lost: three duplicate ACKs. */
	for (i = 0; i < 3; i++) {
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5001,
		    .ack = seqs[0],
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1};

		if (i == 0)
			p.ack = seqs[0]; /* the first ACK is a pure dup too */
		seg_in(&p);
		if (i < 2)
			expect_none();
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, seqs[0]);
	assert_int_equal(s.payload.len, 1000);
	assert_int_equal(tst()->fast_rexmit, 1);
	/* A partial ACK (NewReno): the next hole is resent at once. */
	{
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5001,
		    .ack = seqs[2],
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, seqs[2]);
	while (seg_out(&s))
		;
	mg_tcp_abort(c);
	teardown_stack();
}

static void
test_tcp_simultaneous_open(void **state)
{
	struct mg_ep4 to = {TS_PEER, 80};
	struct mg_tcp_seg s;
	struct mg_tcp *c;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	assert_int_equal(mg_tcp_connect(ts.n, &to, &conn_cbs, NULL, &c), 0);
	assert_true(seg_out(&s));
	iss = s.seq;
	{
		struct pseg p = {.sport = 80,
		    .dport = s.sport,
		    .seq = 7000,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .mss = 1460,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_SYN | MG_TCP_ACK);
	assert_int_equal(s.seq, iss);
	assert_int_equal(s.ack, 7001);
	assert_int_equal(app.connects, 0);
	{
		struct pseg p = {.sport = 80,
		    .dport = s.sport,
		    .seq = 7000,
		    .ack = iss + 1,
		    .flags = MG_TCP_SYN | MG_TCP_ACK,
		    .wnd = 8192,
		    .mss = 1460,
		    .ws = -1};

		seg_in(&p);
	}
	assert_int_equal(app.connects, 1);
	assert_int_equal(app.conn_err, 0);
	assert_int_equal(mg_tcp_write(c, mg_view_make("x", 1), 0), 1);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.ack, 7001);
	mg_tcp_abort(c);
	teardown_stack();
}

static void
test_tcp_simultaneous_close_time_wait(void **state)
{
	struct mg_tcp_seg s;
	struct mg_tcp *c;
	uint32_t iss;
	uint16_t lp;
	struct mg_tcp_conn_stats cs;

	(void)state;
	setup_stack(64);
	c = active_open(&iss, 5000);
	lp = lport_of(c);
	assert_int_equal(mg_tcp_shutdown(c), 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK | MG_TCP_FIN);
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(mg_tcp_write(c, mg_view_make("x", 1), 0),
	    -MG_ENOTCONN);
	/* The peer's FIN crosses ours. */
	{
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5001,
		    .ack = iss + 1,
		    .flags = MG_TCP_ACK | MG_TCP_FIN,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 5002);
	mg_tcp_conn_stats(c, &cs);
	assert_string_equal(cs.state, "CLOSING");
	assert_true(app.eof);
	assert_int_equal(app.closes, 0);
	{
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5002,
		    .ack = iss + 2,
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, 0);
	/* TIME_WAIT: a retransmitted FIN is acked again. */
	{
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5001,
		    .ack = iss + 2,
		    .flags = MG_TCP_ACK | MG_TCP_FIN,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK);
	assert_int_equal(s.ack, 5002);
	assert_int_equal(ts.n->tcp->nconns, 1);
	ts_run(&ts, MG_SEC(59));
	assert_int_equal(ts.n->tcp->nconns, 1);
	ts_run(&ts, MG_SEC(2));
	assert_int_equal(ts.n->tcp->nconns, 0);
	/* Gone: the same segment now gets a RST. */
	{
		struct pseg p = {.sport = 80,
		    .dport = lp,
		    .seq = 5002,
		    .ack = iss + 2,
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_RST);
	assert_int_equal(s.seq, iss + 2);
	teardown_stack();
}

static void
test_tcp_time_wait_reuse(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 8192);
	/* Peer closes first, then we do: we are in LAST_ACK. Instead make
	 * us the active closer: shutdown, peer ACK + FIN -> TIME_WAIT. */
	assert_int_equal(mg_tcp_shutdown(app.c), 0);
	assert_true(seg_out(&s));
	pin(1001, iss + 2, MG_TCP_ACK | MG_TCP_FIN, 8192, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(app.closes, 1);
	assert_int_equal(ts.n->tcp->nconns, 1);
	/* A new SYN with a higher sequence number takes the TIME_WAIT
	 * connection's place. */
	app.accepts = 0;
	{
		struct pseg p = {.seq = 90000,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .mss = 1460,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_SYN | MG_TCP_ACK);
	assert_int_equal(s.ack, 90001);
	pin(90001, s.seq + 1, MG_TCP_ACK, 8192, NULL, 0);
	assert_int_equal(app.accepts, 1);
	mg_tcp_abort(app.c);
	teardown_stack();
}

static void
test_tcp_rst_states(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;
	int n0;

	(void)state;
	setup_stack(64);
	/* ESTABLISHED: exact RST resets. */
	iss = passive_open(false, 8192);
	pin(1001, 0, MG_TCP_RST, 0, NULL, 0);
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ECONNRESET);
	expect_none();
	/* SYN_RCVD (passive): the half-open connection goes away quietly. */
	app_reset();
	{
		struct pseg p = {.seq = 3000,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .ws = -1,
		    .sport = 40001};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	n0 = (int)ts.n->tcp->nconns;
	{
		struct pseg p = {.seq = 3001,
		    .flags = MG_TCP_RST,
		    .ws = -1,
		    .sport = 40001};

		seg_in(&p);
	}
	ts_run(&ts, 1);
	assert_int_equal((int)ts.n->tcp->nconns, n0 - 1);
	assert_int_equal(app.accepts, 0);
	/* CLOSE_WAIT. */
	app_reset();
	iss = passive_open(false, 8192);
	pin(1001, iss + 1, MG_TCP_ACK | MG_TCP_FIN, 8192, NULL, 0);
	assert_true(seg_out(&s));
	assert_true(app.eof);
	pin(1002, 0, MG_TCP_RST, 0, NULL, 0);
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ECONNRESET);
	/* FIN_WAIT_2. */
	app_reset();
	iss = passive_open(false, 8192);
	assert_int_equal(mg_tcp_shutdown(app.c), 0);
	assert_true(seg_out(&s));
	pin(1001, iss + 2, MG_TCP_ACK, 8192, NULL, 0);
	{
		struct mg_tcp_conn_stats cs;

		mg_tcp_conn_stats(app.c, &cs);
		assert_string_equal(cs.state, "FIN_WAIT_2");
	}
	pin(1001, 0, MG_TCP_RST, 0, NULL, 0);
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ECONNRESET);
	/* FIN_WAIT_1. */
	app_reset();
	iss = passive_open(false, 8192);
	assert_int_equal(mg_tcp_shutdown(app.c), 0);
	assert_true(seg_out(&s));
	pin(1001, 0, MG_TCP_RST, 0, NULL, 0);
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ECONNRESET);
	/* LAST_ACK. */
	app_reset();
	iss = passive_open(false, 8192);
	pin(1001, iss + 1, MG_TCP_ACK | MG_TCP_FIN, 8192, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(mg_tcp_shutdown(app.c), 0);
	assert_true(seg_out(&s));
	assert_true(s.flags & MG_TCP_FIN);
	pin(1002, 0, MG_TCP_RST, 0, NULL, 0);
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ECONNRESET);
	assert_int_equal(ts.n->tcp->nconns, 0);
	ts_run(&ts, 1);
	/* No connection, no listener: RST for a SYN, nothing for a RST. */
	{
		struct pseg p = {.seq = 1,
		    .flags = MG_TCP_SYN,
		    .ws = -1,
		    .dport = 99};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_RST | MG_TCP_ACK);
	assert_int_equal(s.ack, 2);
	assert_int_equal(s.seq, 0);
	{
		struct pseg p = {.seq = 1,
		    .flags = MG_TCP_RST,
		    .ws = -1,
		    .dport = 99};

		seg_in(&p);
	}
	expect_none();
	assert_true(tst()->rx_noport >= 1);
	teardown_stack();
}

static void
test_tcp_challenge_ack(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 8192);
	/* In the window but not exact: challenge ACK, connection lives. */
	pin(1500, 0, MG_TCP_RST, 0, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK);
	assert_int_equal(s.ack, 1001);
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(app.closes, 0);
	assert_int_equal(tst()->rx_badrst, 1);
	/* Outside the window: ignored. */
	pin(1001 + 2000000, 0, MG_TCP_RST, 0, NULL, 0);
	expect_none();
	/* A SYN in ESTABLISHED: challenge ACK. */
	{
		struct pseg p = {.seq = 777,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .ws = -1};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_ACK);
	assert_int_equal(s.ack, 1001);
	assert_int_equal(tst()->rx_badsyn, 1);
	assert_int_equal(app.closes, 0);
	/* Data beyond what we sent acked: ACK, dropped. */
	pin(1001, iss + 100, MG_TCP_ACK, 8192, "zz", 2);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1001);
	assert_int_equal(app.rxlen, 0);
	assert_int_equal(tst()->rx_badack, 1);
	mg_tcp_abort(app.c);
	teardown_stack();
}

static void
test_tcp_syn_cookies(void **state)
{
	struct mg_tcp_seg s;
	uint32_t cookie;

	(void)state;
	setup_stack(64);
	assert_int_equal(mg_tcp_listen(ts.n, LPORT, 1, &lst_cbs, NULL, &lst),
	    0);
	{
		struct pseg p = {.seq = 100,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .mss = 1460,
		    .ws = 7,
		    .ts = true,
		    .sport = 41000};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_true(s.has_ws); /* a real half-open connection */
	assert_int_equal(tst()->syn_cookies_sent, 0);
	{
		struct pseg p = {.seq = 200,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .mss = 1460,
		    .ws = 7,
		    .ts = true,
		    .sport = 41001};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_SYN | MG_TCP_ACK);
	assert_int_equal(s.ack, 201);
	assert_false(s.has_ws);
	assert_false(s.has_ts);
	assert_int_equal(tst()->syn_cookies_sent, 1);
	cookie = s.seq;
	assert_int_equal(ts.n->tcp->nconns, 1);
	/* A forged ACK: RST. */
	{
		struct pseg p = {.seq = 201,
		    .ack = cookie + 2,
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1,
		    .sport = 41001};

		seg_in(&p);
	}
	assert_true(seg_out(&s));
	assert_int_equal(s.flags, MG_TCP_RST);
	assert_int_equal(tst()->syn_cookies_bad, 1);
	/* The right ACK, with data: a connection. */
	{
		struct pseg p = {.seq = 201,
		    .ack = cookie + 1,
		    .flags = MG_TCP_ACK,
		    .wnd = 8192,
		    .ws = -1,
		    .sport = 41001,
		    .data = "GET",
		    .len = 3};

		seg_in(&p);
	}
	assert_int_equal(app.accepts, 1);
	assert_int_equal(tst()->syn_cookies_ok, 1);
	assert_int_equal(app.rxlen, 3);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("OK", 2), 0), 2);
	assert_true(seg_out(&s));

	assert_int_equal(s.seq, cookie + 1);
	assert_int_equal(s.ack, 204);
	assert_int_equal(s.payload.len, 2);
	mg_tcp_abort(app.c);
	teardown_stack();
}

static void
test_tcp_zero_window_probe(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 0);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("abcdef", 6), 0), 6);
	expect_none();
	ts_run(&ts, MG_MSEC(1100));
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.payload.len, 1);
	assert_true(tst()->zwp >= 1);
	while (seg_out(&s))
		assert_int_equal(s.payload.len, 1);
	/* Still zero: probes back off. */
	pin(1001, iss + 1, MG_TCP_ACK, 0, NULL, 0);
	expect_none();
	ts_run(&ts, MG_SEC(5));
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 1);
	while (seg_out(&s))
		assert_int_equal(s.payload.len, 1);
	/* The window opens: everything goes. */
	pin(1001, iss + 1, MG_TCP_ACK, 8192, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.payload.len, 6);
	mg_tcp_abort(app.c);
	teardown_stack();
}

/* After a timeout moves snd_nxt back, bare ACKs and RSTs still carry the
 * first number never sent: the peer has the rest and would take a lower
 * one for old and ignore it. */
static void
test_tcp_bare_seq_after_rto(void **state)
{
	static uint8_t d[3000];
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 65535);
	mg_tcp_nodelay(app.c, true);
	memset(d, 'x', sizeof(d));
	assert_int_equal(mg_tcp_write(app.c, mg_view_make(d, sizeof(d)), 0),
	    (long)sizeof(d));
	while (seg_out(&s))
		; /* all lost */
	ts_run(&ts, MG_SEC(2));
	assert_true(seg_out(&s));
	do { /* the first segment again, one per (backed off) timeout */
		assert_int_equal(s.seq, iss + 1);
		assert_true(s.payload.len > 0 && s.payload.len < sizeof(d));
	} while (seg_out(&s));
	/* Data from the peer: the ACK is numbered after all that was sent. */
	pin(1001, iss + 1, MG_TCP_ACK, 65535, "hello", 5);
	ts_run(&ts, MG_MSEC(MG_TCP_DELACK_MS + 10));
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 0);
	assert_int_equal(s.ack, 1006);
	assert_int_equal(s.seq, iss + 1 + sizeof(d));
	mg_tcp_abort(app.c);
	assert_true(seg_out(&s));
	assert_true(s.flags & MG_TCP_RST);
	assert_int_equal(s.seq, iss + 1 + sizeof(d));
	teardown_stack();
}

/* A bare ACK numbered at the right edge of the window we advertised (a
 * peer that filled it sends them so) is taken, not answered as out of
 * window; data there is not. */
static void
test_tcp_ack_at_window_edge(void **state)
{
	struct mg_tcp_seg s;
	struct mg_tcp_conn_stats cs;
	uint32_t iss, edge;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 65535);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("abc", 3), 0), 3);
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 3);
	edge = 1001 + s.wnd;
	pin(edge, iss + 4, MG_TCP_ACK, 65535, NULL, 0);
	expect_none();
	mg_tcp_conn_stats(app.c, &cs);
	assert_int_equal(cs.tx_bytes, 3);
	assert_int_equal(tst()->rx_outwin, 0);
	/* Data starting there has no room: dropped, and acked. */
	pin(edge, iss + 4, MG_TCP_ACK, 65535, "zz", 2);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1001);
	assert_int_equal(app.rxlen, 0);
	/* One past it is out of window. */
	pin(edge + 1, iss + 4, MG_TCP_ACK, 65535, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1001);
	assert_int_equal(tst()->rx_outwin, 1);
	mg_tcp_abort(app.c);
	teardown_stack();
}

static void
test_tcp_nagle(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 8192);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("aa", 2), 0), 2);
	assert_true(seg_out(&s));
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("bb", 2), 0), 2);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("cc", 2), 0), 2);
	expect_none(); /* held until the ACK */
	pin(1001, iss + 3, MG_TCP_ACK, 8192, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 3);
	assert_int_equal(s.payload.len, 4);
	/* nodelay: each write goes at once. */
	mg_tcp_nodelay(app.c, true);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("dd", 2), 0), 2);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 7);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("ee", 2), 0), 2);
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss + 9);
	/* MG_TCP_WRITE_MORE holds a short segment even with nodelay. */
	assert_int_equal(
	    mg_tcp_write(app.c, mg_view_make("ff", 2), MG_TCP_WRITE_MORE), 2);
	expect_none();
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("gg", 2), 0), 2);
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 4);
	/* ...but not forever. */
	pin(1001, iss + 15, MG_TCP_ACK, 8192, NULL, 0);
	assert_int_equal(
	    mg_tcp_write(app.c, mg_view_make("hh", 2), MG_TCP_WRITE_MORE), 2);
	expect_none();
	ts_run(&ts, MG_MSEC(250));
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 2);
	mg_tcp_abort(app.c);
	teardown_stack();
}

static const char static_data[] = "static bytes never change";

static void
test_tcp_write_backpressure_static(void **state)
{
	struct mg_tcp_seg s;
	static uint8_t big[300 * 1024];
	uint32_t iss, next;
	long n;
	size_t total = 0;

	(void)state;
	setup_stack(256);
	iss = passive_open(true, 65535);
	n = mg_tcp_write(app.c, mg_view_make(static_data, 25),
	    MG_TCP_WRITE_STATIC);
	assert_int_equal(n, 25);
	assert_true(seg_out(&s));
	assert_memory_equal(s.payload.p, static_data, 25);
	memset(big, 'q', sizeof(big));
	n = mg_tcp_write(app.c, mg_view_make(big, sizeof(big)), 0);
	assert_true(n > 0 && (size_t)n < sizeof(big));
	assert_int_equal(mg_tcp_sendable(app.c), 0);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make(big, 1), 0), 0);
	/* Acks free the buffer, then writable runs. */
	next = iss + 1;
	while (seg_out(&s)) {
		assert_true(s.payload.len <= 1448);
		total += s.payload.len;
		if (MG_SEQ_GT(s.seq + (uint32_t)s.payload.len, next))
			next = s.seq + (uint32_t)s.payload.len;
	}
	assert_true(total > 25);
	{
		struct pseg p = {.seq = 1001,
		    .ack = next,
		    .flags = MG_TCP_ACK,
		    .wnd = 65535,
		    .ws = -1,
		    .ts = true,
		    .tsval = 10};

		seg_in(&p);
	}
	assert_int_equal(app.writables, 1);
	assert_true(mg_tcp_sendable(app.c) > 0);
	while (seg_out(&s))
		;
	mg_tcp_abort(app.c);
	teardown_stack();
}

static void
test_tcp_recv_backpressure(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 8192);
	app.take = 2;
	pin(1001, iss + 1, MG_TCP_ACK, 8192, "abcdef", 6);
	assert_int_equal(app.rxlen, 2);
	/* Out of order, then the hole filled. */
	pin(1010, iss + 1, MG_TCP_ACK, 8192, "jkl", 3);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1007); /* duplicate ACK */
	assert_int_equal(tst()->rx_ooo, 1);
	app.take = SIZE_MAX;
	pin(1007, iss + 1, MG_TCP_ACK, 8192, "ghi", 3);
	assert_int_equal(app.rxlen, 12);
	assert_memory_equal(app.rx, "abcdefghijkl", 12);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1013);
	/* Paused reader: recv_resume offers the rest again, from the loop. */
	app.take = 0;
	pin(1013, iss + 1, MG_TCP_ACK | MG_TCP_FIN, 8192, "mn", 2);
	assert_int_equal(app.rxlen, 12);
	assert_false(app.eof);
	app.take = SIZE_MAX;
	mg_tcp_recv_resume(app.c);
	assert_int_equal(app.rxlen, 12); /* not from inside the call */
	ts_run(&ts, 1);
	assert_int_equal(app.rxlen, 14);
	assert_true(app.eof);
	/* Duplicate data: ACKed, not delivered twice. */
	while (seg_out(&s))
		;
	pin(1001, iss + 1, MG_TCP_ACK, 8192, "abcdef", 6);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1016);
	assert_int_equal(app.rxlen, 14);
	mg_tcp_close(app.c);
	assert_true(seg_out(&s));
	assert_true(s.flags & MG_TCP_FIN);
	teardown_stack();
}

static void
test_tcp_close_sends_data_then_fin(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 4);
	assert_int_equal(mg_tcp_write(app.c, mg_view_make("12345678", 8), 0),
	    8);
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 4);
	mg_tcp_close(app.c);
	expect_none();
	pin(1001, iss + 5, MG_TCP_ACK, 8, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.payload.len, 4);
	assert_true(s.flags & MG_TCP_FIN);
	/* FIN acked: FIN_WAIT_2, the peer's FIN ends it in TIME_WAIT. */
	pin(1001, iss + 10, MG_TCP_ACK, 8, NULL, 0);
	pin(1001, iss + 10, MG_TCP_ACK | MG_TCP_FIN, 8, NULL, 0);
	assert_true(seg_out(&s));
	assert_int_equal(s.ack, 1002);
	assert_int_equal(app.closes, 0);
	/* Data to a closed connection: RST. */
	ts_run(&ts, MG_SEC(61));
	app_reset();
	iss = passive_open(false, 8192);
	mg_tcp_close(app.c);
	assert_true(seg_out(&s));
	pin(1001, iss + 1, MG_TCP_ACK, 8192, "late", 4);
	assert_true(seg_out(&s));
	assert_true(s.flags & MG_TCP_RST);
	teardown_stack();
}

static void
test_tcp_fin_wait_2_timeout(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 8192);
	mg_tcp_close(app.c);
	assert_true(seg_out(&s));
	pin(1001, iss + 2, MG_TCP_ACK, 8192, NULL, 0);
	assert_int_equal(ts.n->tcp->nconns, 1);
	ts_run(&ts, MG_SEC(61));
	assert_int_equal(ts.n->tcp->nconns, 0);
	teardown_stack();
}

static void
test_tcp_icmp_refused(void **state)
{
	struct mg_ep4 to = {TS_PEER, 82};
	struct mg_tcp_seg s;
	struct mg_tcp *c;
	uint8_t icmp[8 + 28], f[128];
	uint16_t ck;

	(void)state;
	setup_stack(64);
	assert_int_equal(mg_tcp_connect(ts.n, &to, &conn_cbs, NULL, &c), 0);
	assert_true(seg_out(&s));
	memset(icmp, 0, sizeof(icmp));
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, oframe + 14, 28); /* our IP header + 8 bytes */
	ck = mg_net_csum_fold(
	    mg_net_csum_add(0, mg_view_make(icmp, sizeof(icmp))));
	ts_put16(icmp + 2, ck);
	assert_true(fake_net_rx(f,
	    ts_ip4(f, TS_PEER, TS_ADDR, 1, 9, 0, icmp, sizeof(icmp))));
	ts_run(&ts, 1);
	ts_run(&ts, 1);
	assert_int_equal(app.connects, 1);
	assert_int_equal(app.conn_err, -MG_ECONNREFUSED);
	assert_int_equal(app.closes, 1);
	teardown_stack();
}

static void
test_tcp_many_connections(void **state)
{
	struct mg_tcp_seg s;
	int i, n = 2000;

	(void)state;
	setup_stack(64);
	assert_int_equal(mg_tcp_listen(ts.n, LPORT, 4096, &lst_cbs, NULL, &lst),
	    0);
	for (i = 0; i < n; i++) {
		struct pseg p = {.sport = (uint16_t)(10000 + i),
		    .seq = 1000,
		    .flags = MG_TCP_SYN,
		    .wnd = 8192,
		    .mss = 1460,
		    .ws = -1};

		seg_in(&p);
		assert_true(seg_out(&s));
		p.seq = 1001;
		p.ack = s.seq + 1;
		p.flags = MG_TCP_ACK;
		p.mss = 0;
		seg_in(&p);
	}
	assert_int_equal(app.accepts, n);
	assert_int_equal(ts.n->tcp->nconns, (uint32_t)n);
	assert_int_equal(tst()->conn_accepted, (uint64_t)n);
	teardown_stack();
}

static void
test_tcp_keepalive(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss;
	int i;

	(void)state;
	setup_stack(64);
	iss = passive_open(false, 8192);
	mg_tcp_keepalive(app.c, true);
	ts_run(&ts, MG_MSEC(MG_TCP_KEEPIDLE_MS) + MG_SEC(1));
	assert_true(seg_out(&s));
	assert_int_equal(s.seq, iss);
	assert_int_equal(s.payload.len, 0);
	for (i = 0; i < MG_TCP_KEEPCNT; i++)
		ts_run(&ts, MG_MSEC(MG_TCP_KEEPINTVL_MS));
	assert_int_equal(app.closes, 1);
	assert_int_equal(app.close_err, -MG_ETIMEDOUT);
	teardown_stack();
}

/* Bulk transfers both ways through the fake device. */
#define BULK (1024u * 1024u)
static uint8_t *bulk;
static size_t bulk_off;

static void
bulk_write(void)
{
	long n;

	while (bulk_off < BULK) {
		n = mg_tcp_write(app.c,
		    mg_view_make(bulk + bulk_off, BULK - bulk_off), 0);
		if (n <= 0)
			break;
		bulk_off += (size_t)n;
	}
}

static void
cb_bulk_writable(void *ctx, struct mg_tcp *c)
{
	(void)ctx;
	(void)c;
	app.writables++;
	bulk_write();
}

static const struct mg_tcp_cbs bulk_cbs = {
    .recv = cb_recv,
    .writable = cb_bulk_writable,
    .closed = cb_closed,
};

static void
test_tcp_bulk_send(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss, next;
	size_t got = 0, i, segs = 0;
	uint8_t *rx;
	int rounds = 0;

	(void)state;
	setup_stack(256);
	bulk = malloc(BULK);
	rx = malloc(BULK);
	assert_non_null(bulk);
	assert_non_null(rx);
	for (i = 0; i < BULK; i++)
		bulk[i] = (uint8_t)(i % 251);
	iss = passive_open(true, 65535); /* scaled by 2^7: 8 MiB */
	mg_tcp_set_cbs(app.c, &bulk_cbs, NULL);
	bulk_off = 0;
	bulk_write();
	next = iss + 1;
	while (got < BULK && rounds++ < 10000) {
		bool any = false;

		while (seg_out(&s)) {
			if (s.payload.len == 0)
				continue;
			assert_int_equal(s.seq, next);
			assert_true(s.payload.len <= 1448);
			memcpy(rx + got, s.payload.p, s.payload.len);
			got += s.payload.len;
			next += (uint32_t)s.payload.len;
			segs++;
			any = true;
		}
		if (!any) {
			ts_run(&ts, MG_MSEC(10));
			continue;
		}
		{
			struct pseg p = {.seq = 1001,
			    .ack = next,
			    .flags = MG_TCP_ACK,
			    .wnd = 65535,
			    .ws = -1};

			seg_in(&p);
		}
	}
	assert_int_equal(got, BULK);
	assert_memory_equal(rx, bulk, BULK);
	/* Full-sized segments, nothing retransmitted. */
	assert_true(segs <= BULK / 1448 + 2);
	assert_int_equal(tst()->rexmit, 0);
	assert_true(app.writables > 0);
	mg_tcp_abort(app.c);
	free(bulk);
	free(rx);
	teardown_stack();
}

static void
test_tcp_bulk_recv(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss, pseq = 1001, acked = 1001, wnd = 0;
	size_t sent = 0, i;
	int rounds = 0;
	struct mg_pkt_pool_stats ps;

	(void)state;
	setup_stack(256);
	bulk = malloc(BULK);
	assert_non_null(bulk);
	for (i = 0; i < BULK; i++)
		bulk[i] = (uint8_t)(i * 7 % 253);
	iss = passive_open(false, 65535);
	wnd = 65535; /* from the SYN-ACK, unscaled without WS */
	while (app.rxlen < sizeof(app.rx) && rounds++ < 100000) {
		/* Send what the window allows. */
		while (sent < sizeof(app.rx) && pseq - acked < wnd) {
			size_t n = sizeof(app.rx) - sent;

			if (n > 1460)
				n = 1460;
			if (n > wnd - (pseq - acked))
				n = wnd - (pseq - acked);
			pin(pseq, iss + 1, MG_TCP_ACK, 8192, bulk + sent, n);
			pseq += (uint32_t)n;
			sent += n;
		}
		if (!seg_out(&s)) {
			ts_run(&ts, MG_MSEC(50));
			continue;
		}
		do {
			assert_int_equal(s.flags, MG_TCP_ACK);
			acked = s.ack;
			wnd = s.wnd;
		} while (seg_out(&s));
	}
	assert_int_equal(app.rxlen, sizeof(app.rx));
	assert_memory_equal(app.rx, bulk, sizeof(app.rx));
	mg_pkt_pool_stats(&ts.pool, &ps);
	assert_true(ps.low > 0);
	mg_tcp_abort(app.c);
	free(bulk);
	teardown_stack();
}

/* Bulk send through a lossy link: every 37th new segment is lost once.
 * Fast retransmit, NewReno and the RTO between them deliver it all. */
static void
test_tcp_bulk_send_loss(void **state)
{
	struct mg_tcp_seg s;
	uint32_t iss, base;
	size_t cum = 0, i, nseg = 0, off, k;
	uint8_t *rx, *have;
	int rounds = 0;

	(void)state;
	setup_stack(256);
	bulk = malloc(BULK);
	rx = malloc(BULK);
	have = calloc(1, BULK);
	assert_non_null(bulk);
	assert_non_null(rx);
	assert_non_null(have);
	for (i = 0; i < BULK; i++)
		bulk[i] = (uint8_t)(i % 239);
	iss = passive_open(true, 65535);
	mg_tcp_set_cbs(app.c, &bulk_cbs, NULL);
	mg_tcp_nodelay(app.c, true);
	bulk_off = 0;
	bulk_write();
	base = iss + 1;
	while (cum < BULK && rounds++ < 20000) {
		bool any = false;

		while (seg_out(&s)) {
			if (s.payload.len == 0)
				continue;
			off = s.seq - base;
			assert_true(off + s.payload.len <= BULK);
			any = true;
			if (!have[off] && ++nseg % 37 == 0)
				continue; /* lost */
			memcpy(rx + off, s.payload.p, s.payload.len);
			for (k = 0; k < s.payload.len; k++)
				have[off + k] = 1;
			while (cum < BULK && have[cum])
				cum++;
			{
				struct pseg p = {.seq = 1001,
				    .ack = base + (uint32_t)cum,
				    .flags = MG_TCP_ACK,
				    .wnd = 65535,
				    .ws = -1};

				seg_in(&p);
			}
		}
		if (!any)
			ts_run(&ts, MG_MSEC(20));
	}
	assert_int_equal(cum, BULK);
	assert_memory_equal(rx, bulk, BULK);
	assert_true(tst()->fast_rexmit > 0);
	mg_tcp_abort(app.c);
	free(bulk);
	free(rx);
	free(have);
	teardown_stack();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_seg_parse),
	    cmocka_unit_test(test_tcp_passive_data_close),
	    cmocka_unit_test(test_tcp_active_open_rexmit),
	    cmocka_unit_test(test_tcp_syn_timeout_and_refused),
	    cmocka_unit_test(test_tcp_fast_retransmit),
	    cmocka_unit_test(test_tcp_simultaneous_open),
	    cmocka_unit_test(test_tcp_simultaneous_close_time_wait),
	    cmocka_unit_test(test_tcp_time_wait_reuse),
	    cmocka_unit_test(test_tcp_rst_states),
	    cmocka_unit_test(test_tcp_challenge_ack),
	    cmocka_unit_test(test_tcp_syn_cookies),
	    cmocka_unit_test(test_tcp_zero_window_probe),
	    cmocka_unit_test(test_tcp_bare_seq_after_rto),
	    cmocka_unit_test(test_tcp_ack_at_window_edge),
	    cmocka_unit_test(test_tcp_nagle),
	    cmocka_unit_test(test_tcp_write_backpressure_static),
	    cmocka_unit_test(test_tcp_recv_backpressure),
	    cmocka_unit_test(test_tcp_close_sends_data_then_fin),
	    cmocka_unit_test(test_tcp_fin_wait_2_timeout),
	    cmocka_unit_test(test_tcp_icmp_refused),
	    cmocka_unit_test(test_tcp_many_connections),
	    cmocka_unit_test(test_tcp_keepalive),
	    cmocka_unit_test(test_tcp_bulk_send),
	    cmocka_unit_test(test_tcp_bulk_recv),
	    cmocka_unit_test(test_tcp_bulk_send_loss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
