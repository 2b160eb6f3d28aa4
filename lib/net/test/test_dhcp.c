/* SPDX-License-Identifier: ISC */
/* test_dhcp.c: unit tests for the DHCP client and its message parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dhcp_int.h"
#include "net_int.h"
#include "tstack.h"
#include "tpool.h"

#define SRV   TS_PEER     /* 10.0.0.1, the DHCP server and router */
#define YIP   0x0a000005u /* 10.0.0.5, the address offered */
#define BCAST 0xffffffffu
#define T0    FAKE_PLAT_T0

/*
 * What the stack sends, captured by the device's transmit hook: DHCP
 * messages are kept (with the time they left), ARP requests for the
 * server are answered at once, everything else is dropped.
 */
struct sent {
	mg_time_t t;
	uint32_t src, dst;
	uint8_t edst[6];
	size_t len; /* of the DHCP payload */
	uint8_t b[1500];
};

#define NSENT 64
static struct sent sent[NSENT];
static unsigned nsent, nread;

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
tx_hook(const uint8_t *f, size_t len)
{
	struct sent *s;

	if (len >= 42 && f[12] == 0x08 && f[13] == 0x06) {
		/* An ARP request for the server: answer for it. */
		if (f[21] == 1 && get32(f + 38) == SRV && get32(f + 28) != 0 &&
		    get32(f + 28) != SRV)
			ts_arp_in(2, SRV, get32(f + 28));
		return;
	}
	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 ||
	    f[14 + 9] != MG_IP4_PROTO_UDP)
		return;
	assert_int_equal(f[14], 0x45);
	assert_int_equal(f[34] << 8 | f[35], MG_DHCP_CLIENT_PORT);
	assert_int_equal(f[36] << 8 | f[37], MG_DHCP_SERVER_PORT);
	assert_true(nsent < NSENT);
	s = &sent[nsent++];
	s->t = fake_now;
	s->src = get32(f + 26);
	s->dst = get32(f + 30);
	memcpy(s->edst, f, 6);
	s->len = len - 42;
	assert_true(s->len <= sizeof(s->b));
	memcpy(s->b, f + 42, s->len);
}

/* The next DHCP message sent, parsed; fails the test when there is none. */
static struct sent *
next_msg(struct mg_dhcp_msg *m)
{
	struct mg_dhcp_stats st = {0};
	struct sent *s;

	assert_true(nread < nsent);
	s = &sent[nread++];
	assert_int_equal(mg_dhcp_parse(mg_view_make(s->b, s->len), m, &st), 0);
	assert_int_equal(m->op, MG_DHCP_OP_REQUEST);
	assert_memory_equal(m->chaddr, ts_mac, 6);
	return s;
}

static unsigned
pending(void)
{
	return nsent - nread;
}

static void
dhcp_open(struct tstack *ts, bool quiet)
{
	static uint8_t f[FAKE_NET_FRAME_MAX];
	struct mg_net_config c;
	size_t len;

	memset(&c, 0, sizeof(c));
	c.dev = "service";
	c.dhcp = true;
	c.quiet = quiet;
	nsent = nread = 0;
	memset(sent, 0, sizeof(sent));
	ts_open(ts, &c, 32);
	/* What was sent during the open (the first DISCOVER) is queued. */
	while (fake_net_tx_pop(f, sizeof(f), &len))
		tx_hook(f, len);
	fake_net_tx_hook = tx_hook;
}

static void
dhcp_close(struct tstack *ts)
{
	ts_close(ts);
	fake_net_tx_hook = NULL;
}

/* Server messages. */
struct srvmsg {
	uint8_t b[600];
	size_t len;
};

static void
srv_begin(struct srvmsg *s, uint8_t type, uint32_t xid, uint32_t yiaddr)
{
	memset(s, 0, sizeof(*s));
	s->b[0] = MG_DHCP_OP_REPLY;
	s->b[1] = 1;
	s->b[2] = 6;
	ts_put32(s->b + 4, xid);
	ts_put16(s->b + 10, MG_DHCP_FLAG_BROADCAST);
	ts_put32(s->b + 16, yiaddr);
	ts_put32(s->b + 20, SRV);
	memcpy(s->b + 28, ts_mac, 6);
	ts_put32(s->b + 236, MG_DHCP_COOKIE);
	s->len = 240;
	s->b[s->len++] = MG_DHCP_OPT_TYPE;
	s->b[s->len++] = 1;
	s->b[s->len++] = type;
}

static void
srv_opt(struct srvmsg *s, uint8_t code, const void *d, size_t len)
{
	s->b[s->len++] = code;
	s->b[s->len++] = (uint8_t)len;
	memcpy(s->b + s->len, d, len);
	s->len += len;
}

static void
srv_opt32(struct srvmsg *s, uint8_t code, uint32_t x)
{
	uint8_t b[4];

	ts_put32(b, x);
	srv_opt(s, code, b, 4);
}

/* As dnsmasq answers: server id, lease, T1, T2, mask, broadcast,
 * router, DNS. */
static void
srv_lease(struct srvmsg *s, uint8_t type, uint32_t xid, uint32_t lease)
{
	srv_begin(s, type, xid, YIP);
	srv_opt32(s, MG_DHCP_OPT_SERVER_ID, SRV);
	srv_opt32(s, MG_DHCP_OPT_LEASE, lease);
	srv_opt32(s, MG_DHCP_OPT_T1, lease / 2);
	srv_opt32(s, MG_DHCP_OPT_T2, lease / 8 * 7);
	srv_opt32(s, MG_DHCP_OPT_MASK, 0xffffff00u);
	srv_opt32(s, 28, 0x0a0000ffu);
	srv_opt32(s, MG_DHCP_OPT_ROUTER, SRV);
	srv_opt32(s, MG_DHCP_OPT_DNS, SRV);
	s->b[s->len++] = MG_DHCP_OPT_END;
}

/* Send s from the server (10.0.0.1:67) to dst:68 and let the stack read
 * it. */
static void
srv_send(struct tstack *ts, const struct srvmsg *s, uint32_t dst)
{
	static uint8_t udp[700], f[800];
	size_t n;

	ts_put16(udp, MG_DHCP_SERVER_PORT);
	ts_put16(udp + 2, MG_DHCP_CLIENT_PORT);
	ts_put16(udp + 4, (uint16_t)(8 + s->len));
	ts_put16(udp + 6, 0); /* no checksum */
	memcpy(udp + 8, s->b, s->len);
	n = ts_ip4(f, SRV, dst, MG_IP4_PROTO_UDP, 1, 0, udp, 8 + s->len);
	assert_true(fake_net_rx(f, n));
	ts_run(ts, 1);
}

static uint32_t
addr_now(const struct tstack *ts)
{
	struct mg_net_addr a;

	mg_net_addr(ts->n, &a);
	return a.addr;
}

/* Open, answer the DISCOVER and the REQUEST: bound to 10.0.0.5/24 with
 * a lease of lease s from the time the REQUEST left. Returns its xid. */
static uint32_t
dhcp_bind(struct tstack *ts, uint32_t lease, mg_time_t *req_t)
{
	struct mg_dhcp_msg m;
	struct srvmsg s;
	struct sent *x;
	uint32_t xid;

	dhcp_open(ts, true);
	x = next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_DISCOVER);
	xid = m.xid;
	srv_lease(&s, MG_DHCP_OFFER, xid, lease);
	srv_send(ts, &s, BCAST);
	x = next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	*req_t = x->t;
	srv_lease(&s, MG_DHCP_ACK, xid, lease);
	srv_send(ts, &s, BCAST);
	assert_int_equal(addr_now(ts), YIP);
	return xid;
}

static void
test_dhcp_discover_on_open(void **state)
{
	static const uint8_t params[] = {1, 3, 6, 51};
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct sent *s;

	(void)state;
	dhcp_open(&ts, true);
	assert_int_equal(pending(), 1);
	s = next_msg(&m);
	/* Broadcast from 0.0.0.0 to the Ethernet broadcast address. */
	assert_int_equal(s->src, 0);
	assert_int_equal(s->dst, BCAST);
	assert_memory_equal(s->edst, "\xff\xff\xff\xff\xff\xff", 6);
	assert_true(s->len >= MG_DHCP_MSG_MIN);
	/* The fixed header, byte by byte where it matters. */
	assert_int_equal(s->b[0], 1);
	assert_int_equal(s->b[1], 1);
	assert_int_equal(s->b[2], 6);
	assert_int_equal(s->b[3], 0);
	assert_int_equal(s->b[10], 0x80); /* BROADCAST */
	assert_int_equal(s->b[11], 0);
	assert_int_equal(get32(s->b + 12), 0); /* ciaddr */
	assert_int_equal(get32(s->b + 16), 0);
	assert_int_equal(get32(s->b + 20), 0);
	assert_int_equal(get32(s->b + 24), 0);
	assert_memory_equal(s->b + 28, ts_mac, 6);
	assert_int_equal(get32(s->b + 236), 0x63825363);
	/* The first option is the message type. */
	assert_int_equal(s->b[240], 53);
	assert_int_equal(s->b[241], 1);
	assert_int_equal(s->b[242], MG_DHCP_DISCOVER);
	assert_int_equal(m.client_id.len, 7);
	assert_int_equal(m.client_id.p[0], 1);
	assert_memory_equal(m.client_id.p + 1, ts_mac, 6);
	assert_int_equal(m.params.len, sizeof(params));
	assert_memory_equal(m.params.p, params, sizeof(params));
	assert_int_equal(m.reqip, 0);
	assert_int_equal(m.server_id, 0);
	assert_int_equal(m.maxmsg, 1500);
	assert_int_equal(ts.n->st.dhcp.tx_discover, 1);
	assert_int_equal(addr_now(&ts), 0);
	dhcp_close(&ts);
}

static void
test_dhcp_offer_request_ack(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct mg_net_addr a;
	struct srvmsg s;
	struct sent *x;
	uint32_t xid;

	(void)state;
	dhcp_open(&ts, false);
	next_msg(&m);
	xid = m.xid;
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(ts.n->st.dhcp.rx_offer, 1);
	assert_int_equal(pending(), 1);
	x = next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	assert_int_equal(m.xid, xid);
	assert_int_equal(m.reqip, YIP);
	assert_int_equal(m.server_id, SRV);
	assert_int_equal(m.ciaddr, 0);
	assert_int_equal(m.flags, MG_DHCP_FLAG_BROADCAST);
	assert_int_equal(m.secs, 0); /* the DISCOVER's (RFC 2131 4.4.1) */
	assert_int_equal(x->src, 0);
	assert_int_equal(x->dst, BCAST);
	assert_int_equal(ts.n->st.dhcp.tx_request, 1);

	/* A second offer (another server) is counted and ignored. */
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(pending(), 0);

	srv_lease(&s, MG_DHCP_ACK, xid, 3600);
	srv_send(&ts, &s, BCAST);
	mg_net_addr(ts.n, &a);
	assert_int_equal(a.addr, YIP);
	assert_int_equal(a.prefix, 24);
	assert_int_equal(a.gw, SRV);
	assert_int_equal(ts.n->st.dhcp.rx_ack, 1);
	assert_int_equal(ts.n->st.dhcp.leases, 1);
	assert_non_null(strstr(fake_console,
	    "dhcp: lease 10.0.0.5/24 gw 10.0.0.1 for 3600 s from 10.0.0.1"));
	/* Bound: nothing more is sent until T1. */
	ts_run(&ts, MG_SEC(1799));
	assert_int_equal(pending(), 0);
	dhcp_close(&ts);
}

static void
test_dhcp_ignores_others_and_garbage(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct srvmsg s;
	uint32_t xid;

	(void)state;
	dhcp_open(&ts, true);
	next_msg(&m);
	xid = m.xid;
	srv_lease(&s, MG_DHCP_OFFER, xid + 1, 3600); /* wrong xid */
	srv_send(&ts, &s, BCAST);
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	s.b[33] ^= 1; /* another client's hardware address */
	srv_send(&ts, &s, BCAST);
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	s.b[0] = MG_DHCP_OP_REQUEST; /* not a reply */
	srv_send(&ts, &s, BCAST);
	assert_int_equal(ts.n->st.dhcp.rx_other, 3);
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	s.len = 200; /* truncated */
	srv_send(&ts, &s, BCAST);
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	s.b[s.len - 1] = MG_DHCP_OPT_ROUTER; /* End becomes an overflow */
	srv_send(&ts, &s, BCAST);
	srv_begin(&s, MG_DHCP_OFFER, xid, 0xe0000001u); /* multicast */
	srv_opt32(&s, MG_DHCP_OPT_SERVER_ID, SRV);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(ts.n->st.dhcp.rx_bad, 3);
	/* An ACK while selecting is not ours to take. */
	srv_lease(&s, MG_DHCP_ACK, xid, 3600);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(ts.n->st.dhcp.rx_other, 4);
	assert_int_equal(pending(), 0);
	assert_int_equal(addr_now(&ts), 0);
	assert_int_equal(ts.n->st.dhcp.rx_offer, 1);
	dhcp_close(&ts);
}

static void
test_dhcp_nak_restarts(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct srvmsg s;
	uint32_t xid;

	(void)state;
	dhcp_open(&ts, true);
	next_msg(&m);
	xid = m.xid;
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	srv_send(&ts, &s, BCAST);
	next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	/* A NAK from another server is not for this request. */
	srv_begin(&s, MG_DHCP_NAK, xid, 0);
	srv_opt32(&s, MG_DHCP_OPT_SERVER_ID, 0x0a000063u);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(pending(), 0);
	srv_begin(&s, MG_DHCP_NAK, xid, 0);
	srv_opt32(&s, MG_DHCP_OPT_SERVER_ID, SRV);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(ts.n->st.dhcp.rx_nak, 2);
	assert_int_equal(pending(), 1);
	next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_DISCOVER);
	assert_true(m.xid != xid);
	assert_int_equal(addr_now(&ts), 0);
	/* The old transaction's ACK is now someone else's. */
	srv_lease(&s, MG_DHCP_ACK, xid, 3600);
	srv_send(&ts, &s, BCAST);
	assert_int_equal(addr_now(&ts), 0);
	dhcp_close(&ts);
}

/* RFC 2131 4.1: 4, 8, 16, 32, 64, 64 s, each +-1 s. */
static void
test_dhcp_discover_backoff(void **state)
{
	static const unsigned want[] = {4, 8, 16, 32, 64, 64, 64};
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct sent *prev, *x;
	uint32_t xid;
	size_t i;

	(void)state;
	dhcp_open(&ts, true);
	prev = next_msg(&m);
	assert_int_equal(prev->t, T0);
	xid = m.xid;
	ts_run(&ts, MG_SEC(280));
	assert_int_equal(pending(), 7);
	for (i = 0; i < 7; i++) {
		x = next_msg(&m);
		assert_int_equal(m.type, MG_DHCP_DISCOVER);
		assert_int_equal(m.xid, xid);
		assert_true(x->t - prev->t >= MG_SEC(want[i] - 1));
		assert_true(x->t - prev->t <= MG_SEC(want[i] + 1));
		/* secs: time since the first DISCOVER. */
		assert_int_equal(m.secs, (x->t - T0) / MG_SEC(1));
		prev = x;
	}
	assert_int_equal(ts.n->st.dhcp.tx_discover, 8);
	dhcp_close(&ts);
}

/* No ACK: the REQUEST is sent 4 times, then the client starts over. */
static void
test_dhcp_request_gives_up(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct srvmsg s;
	struct sent *x;
	mg_time_t t;
	uint32_t xid;
	uint16_t secs;
	int i;

	(void)state;
	dhcp_open(&ts, true);
	next_msg(&m);
	xid = m.xid;
	/* The offer answers the second DISCOVER (3 to 5 s later). */
	ts_run(&ts, MG_SEC(6));
	next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_DISCOVER);
	secs = m.secs;
	assert_true(secs >= 3 && secs <= 5);
	srv_lease(&s, MG_DHCP_OFFER, xid, 3600);
	srv_send(&ts, &s, BCAST);
	t = next_msg(&m)->t;
	assert_int_equal(m.secs, secs); /* RFC 2131 4.4.1 */
	ts_run(&ts, MG_SEC(66));
	for (i = 0; i < 3; i++) {
		x = next_msg(&m);
		assert_int_equal(m.type, MG_DHCP_REQUEST);
		assert_int_equal(m.xid, xid);
		assert_int_equal(m.reqip, YIP);
		assert_int_equal(m.secs, secs);
	}
	x = next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_DISCOVER);
	assert_true(m.xid != xid);
	assert_true(x->t - t >= MG_SEC(4 + 8 + 16 + 32 - 4));
	assert_true(x->t - t <= MG_SEC(4 + 8 + 16 + 32 + 4));
	dhcp_close(&ts);
}

/* T1: a REQUEST unicast to the server from our address, ciaddr set. */
static void
test_dhcp_renews_at_t1(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct srvmsg s;
	struct sent *x;
	mg_time_t req_t;
	uint32_t xid;

	(void)state;
	xid = dhcp_bind(&ts, 3600, &req_t);
	ts_run(&ts, req_t + MG_SEC(1800) - fake_now - 1);
	assert_int_equal(pending(), 0);
	ts_run(&ts, MG_SEC(1));
	assert_int_equal(pending(), 1);
	x = next_msg(&m);
	assert_int_equal(x->t, req_t + MG_SEC(1800));
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	assert_true(m.xid != xid);
	assert_int_equal(m.ciaddr, YIP);
	assert_int_equal(m.reqip, 0);
	assert_int_equal(m.server_id, 0);
	assert_int_equal(m.flags, 0);
	assert_int_equal(x->src, YIP);
	assert_int_equal(x->dst, SRV);
	assert_memory_equal(x->edst, ts_peer_mac, 6);
	/* The server renews: same address, a new lease from now. */
	req_t = x->t;
	srv_lease(&s, MG_DHCP_ACK, m.xid, 3600);
	srv_send(&ts, &s, YIP);
	assert_int_equal(ts.n->st.dhcp.leases, 2);
	assert_int_equal(addr_now(&ts), YIP);
	ts_run(&ts, req_t + MG_SEC(1800) - fake_now - 1);
	assert_int_equal(pending(), 0);
	ts_run(&ts, MG_SEC(1));
	next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	assert_int_equal(m.ciaddr, YIP);
	dhcp_close(&ts);
}

/* No answer while renewing: retransmissions at half the time left (at
 * least 60 s), then at T2 a broadcast REQUEST that any server answers. */
static void
test_dhcp_rebinds_at_t2(void **state)
{
	/* Renewing sends after T1 = 1800 s, until T2 = 3150 s. */
	static const unsigned renew[] = {1800, 2475, 2812, 2981, 3065, 3125};
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct srvmsg s;
	struct sent *x;
	mg_time_t req_t;
	size_t i;

	(void)state;
	dhcp_bind(&ts, 3600, &req_t);
	ts_run(&ts, req_t + MG_SEC(3150) - fake_now - 1);
	assert_int_equal(pending(), 6);
	for (i = 0; i < 6; i++) {
		x = next_msg(&m);
		assert_int_equal(m.type, MG_DHCP_REQUEST);
		assert_int_equal(x->dst, SRV);
		assert_true(x->t >= req_t + MG_SEC(renew[i]) - MG_SEC(1));
		assert_true(x->t <= req_t + MG_SEC(renew[i]) + MG_SEC(1));
	}
	ts_run(&ts, MG_SEC(1));
	x = next_msg(&m);
	assert_int_equal(x->t, req_t + MG_SEC(3150));
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	assert_int_equal(m.ciaddr, YIP);
	assert_int_equal(m.reqip, 0);
	assert_int_equal(m.server_id, 0);
	assert_int_equal(x->src, YIP);
	assert_int_equal(x->dst, BCAST);
	assert_memory_equal(x->edst, "\xff\xff\xff\xff\xff\xff", 6);
	/* Another server answers, with another router. */
	srv_lease(&s, MG_DHCP_ACK, m.xid, 600);
	s.b[s.len - 1] = MG_DHCP_OPT_ROUTER;
	s.b[s.len++] = 4;
	ts_put32(s.b + s.len, 0x0a0000feu);
	s.len += 4;
	s.b[s.len++] = MG_DHCP_OPT_END;
	srv_send(&ts, &s, YIP);
	assert_int_equal(addr_now(&ts), YIP);
	assert_int_equal(ts.n->gw, SRV); /* the first router option wins */
	assert_int_equal(ts.n->st.dhcp.leases, 2);
	/* Lease of 600 s: T1 at 300 s from the rebinding REQUEST. */
	ts_run(&ts, x->t + MG_SEC(300) - fake_now);
	next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_REQUEST);
	assert_int_equal(m.ciaddr, YIP);
	dhcp_close(&ts);
}

/* Expiry: the address goes, and the client starts over. */
static void
test_dhcp_lease_expires(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct sent *x;
	mg_time_t req_t;

	(void)state;
	dhcp_bind(&ts, 600, &req_t);
	ts_run(&ts, req_t + MG_SEC(600) - fake_now - 1);
	assert_int_equal(addr_now(&ts), YIP);
	nread = nsent; /* the renewing and rebinding REQUESTs */
	ts_run(&ts, MG_SEC(1));
	assert_int_equal(addr_now(&ts), 0);
	assert_int_equal(pending(), 1);
	x = next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_DISCOVER);
	assert_int_equal(x->src, 0);
	assert_int_equal(m.flags, MG_DHCP_FLAG_BROADCAST);
	dhcp_close(&ts);
}

/* A NAK while renewing takes the address away. */
static void
test_dhcp_nak_while_renewing(void **state)
{
	struct tstack ts;
	struct mg_dhcp_msg m;
	struct srvmsg s;
	mg_time_t req_t;

	(void)state;
	dhcp_bind(&ts, 3600, &req_t);
	ts_run(&ts, req_t + MG_SEC(1800) - fake_now + 1);
	next_msg(&m);
	srv_begin(&s, MG_DHCP_NAK, m.xid, 0);
	srv_opt32(&s, MG_DHCP_OPT_SERVER_ID, SRV);
	srv_send(&ts, &s, YIP);
	assert_int_equal(addr_now(&ts), 0);
	next_msg(&m);
	assert_int_equal(m.type, MG_DHCP_DISCOVER);
	dhcp_close(&ts);
}

/* Parser unit tests, on exact-size heap copies. */
static int
parse(const struct srvmsg *s, size_t len, struct mg_dhcp_msg *m,
    struct mg_dhcp_stats *st)
{
	uint8_t *c = malloc(len + 1);
	int rc;

	assert_non_null(c);
	memcpy(c, s->b, len);
	rc = mg_dhcp_parse(mg_view_make(c, len), m, st);
	free(c);
	return rc;
}

static void
test_dhcp_parse_dnsmasq_offer(void **state)
{
	struct mg_dhcp_stats st = {0};
	struct mg_dhcp_msg m;
	struct srvmsg s;

	(void)state;
	srv_lease(&s, MG_DHCP_OFFER, 0x12345678, 3600);
	assert_int_equal(parse(&s, s.len, &m, &st), 0);
	assert_int_equal(m.op, MG_DHCP_OP_REPLY);
	assert_int_equal(m.type, MG_DHCP_OFFER);
	assert_int_equal(m.xid, 0x12345678);
	assert_int_equal(m.yiaddr, YIP);
	assert_int_equal(m.siaddr, SRV);
	assert_int_equal(m.server_id, SRV);
	assert_true(m.has_lease);
	assert_int_equal(m.lease, 3600);
	assert_int_equal(m.t1, 1800);
	assert_int_equal(m.t2, 3150);
	assert_true(m.has_mask);
	assert_int_equal(m.prefix, 24);
	assert_int_equal(m.router, SRV);
	assert_int_equal(m.ndns, 1);
	assert_int_equal(m.dns[0], SRV);
	assert_int_equal(st.rx_bad, 0);
}

static void
test_dhcp_parse_drops_truncated(void **state)
{
	struct mg_dhcp_stats st = {0};
	struct mg_dhcp_msg m;
	struct srvmsg s;
	size_t len;

	(void)state;
	srv_lease(&s, MG_DHCP_OFFER, 1, 3600);
	/* Every cut inside the header, the cookie or an option fails. */
	for (len = 0; len < s.len - 1; len++) {
		int rc = parse(&s, len, &m, &st);

		if (len == 243 || len == 249 || len == 255 || len == 261 ||
		    len == 267 || len == 273 || len == 279 || len == 285)
			assert_int_equal(rc, 0); /* cut between options */
		else
			assert_int_equal(rc, -MG_EBADMSG);
	}
	assert_int_equal(st.rx_bad, s.len - 1 - 8);
}

static void
test_dhcp_parse_option_checks(void **state)
{
	struct mg_dhcp_stats st = {0};
	struct mg_dhcp_msg m;
	struct srvmsg s;

	(void)state;
	/* Bad cookie. */
	srv_lease(&s, MG_DHCP_OFFER, 1, 3600);
	s.b[239] ^= 1;
	assert_int_equal(parse(&s, s.len, &m, &st), -MG_EBADMSG);
	/* No message type: BOOTP. */
	srv_lease(&s, MG_DHCP_OFFER, 1, 3600);
	s.b[240] = MG_DHCP_OPT_PAD;
	s.b[241] = MG_DHCP_OPT_PAD;
	s.b[242] = MG_DHCP_OPT_PAD;
	assert_int_equal(parse(&s, s.len, &m, &st), -MG_EBADMSG);
	/* Unknown message type. */
	srv_begin(&s, 9, 1, YIP);
	assert_int_equal(parse(&s, s.len, &m, &st), -MG_EBADMSG);
	/* Non-contiguous mask, short lease option. */
	srv_begin(&s, MG_DHCP_OFFER, 1, YIP);
	srv_opt32(&s, MG_DHCP_OPT_MASK, 0xff00ff00u);
	assert_int_equal(parse(&s, s.len, &m, &st), -MG_EBADMSG);
	srv_begin(&s, MG_DHCP_OFFER, 1, YIP);
	srv_opt(&s, MG_DHCP_OPT_LEASE, "\x01\x02", 2);
	assert_int_equal(parse(&s, s.len, &m, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_bad, 5);
	/* Unknown options are skipped; a repeated one: the first wins;
	 * bytes after End are ignored. */
	srv_begin(&s, MG_DHCP_OFFER, 1, YIP);
	srv_opt(&s, 200, "abc", 3);
	srv_opt32(&s, MG_DHCP_OPT_SERVER_ID, SRV);
	srv_opt32(&s, MG_DHCP_OPT_SERVER_ID, 0x01020304);
	s.b[s.len++] = MG_DHCP_OPT_END;
	s.b[s.len++] = MG_DHCP_OPT_LEASE;
	assert_int_equal(parse(&s, s.len, &m, &st), 0);
	assert_int_equal(m.server_id, SRV);
	assert_false(m.has_lease);
	assert_int_equal(st.rx_bad, 5);
}

/* Option 52: the options continue in file, then sname. */
static void
test_dhcp_parse_overload(void **state)
{
	struct mg_dhcp_stats st = {0};
	struct mg_dhcp_msg m;
	struct srvmsg s;
	uint8_t *file, *sname;

	(void)state;
	srv_begin(&s, MG_DHCP_ACK, 1, YIP);
	srv_opt(&s, MG_DHCP_OPT_OVERLOAD, "\x03", 1);
	s.b[s.len++] = MG_DHCP_OPT_END;
	file = s.b + MG_DHCP_OFF_FILE;
	file[0] = MG_DHCP_OPT_LEASE;
	file[1] = 4;
	ts_put32(file + 2, 600);
	file[6] = MG_DHCP_OPT_END;
	sname = s.b + MG_DHCP_OFF_SNAME;
	sname[0] = MG_DHCP_OPT_ROUTER;
	sname[1] = 4;
	ts_put32(sname + 2, SRV);
	assert_int_equal(parse(&s, s.len, &m, &st), 0);
	assert_int_equal(m.overload, 3);
	assert_int_equal(m.lease, 600);
	assert_int_equal(m.router, SRV);
	/* An option running past the end of file fails the message. */
	file[0] = MG_DHCP_OPT_DNS;
	file[1] = 250;
	assert_int_equal(parse(&s, s.len, &m, &st), -MG_EBADMSG);
	/* Without option 52, file is not read. */
	srv_begin(&s, MG_DHCP_ACK, 1, YIP);
	s.b[MG_DHCP_OFF_FILE] = MG_DHCP_OPT_DNS;
	s.b[MG_DHCP_OFF_FILE + 1] = 250;
	assert_int_equal(parse(&s, s.len, &m, &st), 0);
	assert_int_equal(st.rx_bad, 1);
}

static void
test_dhcp_build_pads_and_parses(void **state)
{
	struct mg_dhcp_stats st = {0};
	struct mg_dhcp_tx tx;
	struct mg_dhcp_msg m;
	struct tpool tp;
	struct mg_pkt *p;

	(void)state;
	p = tpool_pkt(&tp, 2048, 64);
	memset(&tx, 0, sizeof(tx));
	tx.type = MG_DHCP_REQUEST;
	tx.xid = 0xdeadbeef;
	memcpy(tx.mac, ts_mac, 6);
	tx.reqip = YIP;
	tx.server_id = SRV;
	assert_int_equal(mg_dhcp_build(p, &tx), 0);
	assert_int_equal(p->len, MG_DHCP_MSG_MIN);
	assert_int_equal(mg_dhcp_parse(mg_pkt_view(p), &m, &st), 0);
	assert_int_equal(m.reqip, YIP);
	assert_int_equal(m.server_id, SRV);
	assert_int_equal(m.params.len, 0);
	assert_int_equal(mg_dhcp_build(p, &tx), -MG_EINVAL); /* not empty */
	tpool_fini(&tp, p);
	/* Too little room. */
	p = tpool_pkt(&tp, 256, 64);
	assert_int_equal(mg_dhcp_build(p, &tx), -MG_ENOSPC);
	assert_int_equal(p->len, 0);
	tpool_fini(&tp, p);
}

static void
test_dhcp_prefix(void **state)
{
	(void)state;
	assert_int_equal(mg_dhcp_prefix(0), 0);
	assert_int_equal(mg_dhcp_prefix(0xffffffffu), 32);
	assert_int_equal(mg_dhcp_prefix(0xffffff00u), 24);
	assert_int_equal(mg_dhcp_prefix(0x80000000u), 1);
	assert_int_equal(mg_dhcp_prefix(0xfffffffeu), 31);
	assert_int_equal(mg_dhcp_prefix(0x00ffffffu), -1);
	assert_int_equal(mg_dhcp_prefix(0xffff00ffu), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dhcp_discover_on_open),
	    cmocka_unit_test(test_dhcp_offer_request_ack),
	    cmocka_unit_test(test_dhcp_ignores_others_and_garbage),
	    cmocka_unit_test(test_dhcp_nak_restarts),
	    cmocka_unit_test(test_dhcp_discover_backoff),
	    cmocka_unit_test(test_dhcp_request_gives_up),
	    cmocka_unit_test(test_dhcp_renews_at_t1),
	    cmocka_unit_test(test_dhcp_rebinds_at_t2),
	    cmocka_unit_test(test_dhcp_lease_expires),
	    cmocka_unit_test(test_dhcp_nak_while_renewing),
	    cmocka_unit_test(test_dhcp_parse_dnsmasq_offer),
	    cmocka_unit_test(test_dhcp_parse_drops_truncated),
	    cmocka_unit_test(test_dhcp_parse_option_checks),
	    cmocka_unit_test(test_dhcp_parse_overload),
	    cmocka_unit_test(test_dhcp_build_pads_and_parses),
	    cmocka_unit_test(test_dhcp_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
