/* SPDX-License-Identifier: ISC */
/*
 * test_stack.c: the direct stack's interface on the fake device:
 * configuration, ARP, ping, UDP, ICMP errors, fragmentation and
 * reassembly, counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mg/udp.h"
#include "net_int.h"
#include "tstack.h"

static uint8_t frame[FAKE_NET_FRAME_MAX];
static size_t flen;

static bool
pop(void)
{
	return fake_net_tx_pop(frame, sizeof(frame), &flen);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
test_config_parse(void **state)
{
	struct mg_net_config c;
	uint32_t a;
	char buf[16];

	(void)state;
	fake_plat_heap();
	assert_int_equal(mg_net_config_parse(&c, "dhcp", "", "direct"), 0);
	assert_true(c.dhcp);
	assert_int_equal(c.kind, MG_NET_DIRECT);
	assert_int_equal(
	    mg_net_config_parse(&c, "10.1.2.3/16", "10.1.0.1", NULL), 0);
	assert_false(c.dhcp);
	assert_int_equal(c.addr, 0x0a010203u);
	assert_int_equal(c.prefix, 16);
	assert_int_equal(c.gw, 0x0a010001u);
	assert_int_equal(mg_net_config_parse(&c, "10.1.2.3", "", ""), 0);
	assert_int_equal(c.prefix, 24);
	assert_int_equal(mg_net_config_parse(&c, "dhcp", "", "socket"), 0);
	assert_int_equal(c.kind, MG_NET_SOCKET);
	assert_false(c.dhcp);
	/* Bad ones. */
	assert_int_equal(mg_net_config_parse(&c, "10.1.2/24", "", ""),
	    -MG_EINVAL);
	assert_int_equal(mg_net_config_parse(&c, "10.1.2.3/33", "", ""),
	    -MG_EINVAL);
	assert_int_equal(mg_net_config_parse(&c, "10.1.2.3/0", "", ""),
	    -MG_EINVAL);
	assert_int_equal(mg_net_config_parse(&c, "224.0.0.1/4", "", ""),
	    -MG_EINVAL);
	assert_int_equal(mg_net_config_parse(&c, "10.1.2.3/24", "10.9.9.9", ""),
	    -MG_EINVAL);
	assert_int_equal(mg_net_config_parse(&c, "dhcp", "", "tap"),
	    -MG_EINVAL);
	assert_int_equal(mg_net_config_parse(&c, "1.2.3.4x", "", ""),
	    -MG_EINVAL);
	assert_int_equal(mg_net_ip4_parse("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(mg_net_ip4_parse("256.1.1.1", &a), -MG_EINVAL);
	assert_int_equal(mg_net_ip4_parse("1.1.1.1.", &a), -MG_EINVAL);
	assert_int_equal(mg_net_ip4_parse("1..1.1", &a), -MG_EINVAL);
	assert_int_equal(mg_net_ip4_parse("0001.1.1.1", &a), -MG_EINVAL);
	assert_string_equal(mg_net_ip4_fmt(0xc0a80001u, buf), "192.168.0.1");
}

static void
test_gratuitous_arp(void **state)
{
	struct tstack ts;

	(void)state;
	ts_open(&ts, NULL, 64);
	assert_true(pop());
	assert_int_equal(flen, 42);
	assert_memory_equal(frame, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(get16(frame + 12), 0x0806);
	assert_int_equal(get16(frame + 20), 1); /* request */
	assert_int_equal(get32(frame + 28), TS_ADDR);
	assert_int_equal(get32(frame + 38), TS_ADDR);
	assert_false(pop());
	ts_close(&ts);
}

static void
test_arp_reply(void **state)
{
	struct tstack ts;
	struct mg_net_stats st;

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_tx_flush();
	ts_arp_in(1, TS_PEER, TS_ADDR);
	ts_arp_in(1, TS_PEER, 0x0a000009u); /* for someone else */
	ts_run(&ts, 1);
	assert_true(pop());
	assert_memory_equal(frame, ts_peer_mac, 6);
	assert_memory_equal(frame + 6, ts_mac, 6);
	assert_int_equal(get16(frame + 20), 2);
	assert_memory_equal(frame + 22, ts_mac, 6);
	assert_int_equal(get32(frame + 28), TS_ADDR);
	assert_memory_equal(frame + 32, ts_peer_mac, 6);
	assert_int_equal(get32(frame + 38), TS_PEER);
	assert_false(pop());
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.arp_nottarget, 1);
	assert_int_equal(st.ifc.arp_replies, 1);
	ts_close(&ts);
}

/* An echo request from the peer with n data bytes. */
static size_t
echo_req(uint8_t *f, uint32_t dst, size_t n, uint16_t frag, size_t *icmplen)
{
	static uint8_t icmp[65536];
	size_t i;
	uint16_t c;

	memset(icmp, 0, 8);
	icmp[0] = 8;
	ts_put16(icmp + 4, 0x1234);
	ts_put16(icmp + 6, 7);
	for (i = 0; i < n; i++)
		icmp[8 + i] = (uint8_t)(i * 7);
	c = mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(icmp, 8 + n)));
	ts_put16(icmp + 2, c);
	if (icmplen != NULL)
		*icmplen = 8 + n;
	return ts_ip4(f, TS_PEER, dst, 1, 0x4242, frag, icmp, 8 + n);
}

static void
test_ping_with_arp(void **state)
{
	struct tstack ts;
	uint8_t f[2048];
	size_t len = echo_req(f, TS_ADDR, 56, 0x4000, NULL);

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_tx_flush();
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, 1);
	/* The peer is unknown: an ARP request goes out, the reply waits. */
	assert_true(pop());
	assert_int_equal(get16(frame + 12), 0x0806);
	assert_int_equal(get32(frame + 38), TS_PEER);
	assert_false(pop());
	ts_arp_in(2, TS_PEER, TS_ADDR);
	ts_run(&ts, 1);
	assert_true(pop());
	assert_int_equal(flen, len);
	assert_memory_equal(frame, ts_peer_mac, 6);
	assert_int_equal(get32(frame + 14 + 12), TS_ADDR);
	assert_int_equal(get32(frame + 14 + 16), TS_PEER);
	assert_int_equal(frame[34], 0); /* echo reply */
	assert_memory_equal(frame + 38, f + 38, len - 38);
	assert_int_equal(mg_net_csum_fold(mg_net_csum_add(0,
	                     mg_view_make(frame + 34, len - 34))),
	    0);
	assert_int_equal(
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(frame + 14, 20))),
	    0);
	/* Now known: the next echo is answered at once. */
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, 1);
	assert_true(pop());
	assert_int_equal(frame[34], 0);
	ts_close(&ts);
}

static void
test_arp_gives_up(void **state)
{
	struct tstack ts;
	struct mg_net_stats st;
	uint8_t f[2048];
	size_t len = echo_req(f, TS_ADDR, 56, 0, NULL);
	int requests = 0;

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_tx_flush();
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, MG_SEC(10));
	while (pop())
		requests += get16(frame + 12) == 0x0806;
	assert_int_equal(requests, 3);
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.arp_unresolved, 1);
	ts_close(&ts);
}

static void
test_off_link_via_gateway(void **state)
{
	struct tstack ts;
	uint8_t f[2048];
	size_t len = echo_req(f, TS_ADDR, 8, 0, NULL);

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_tx_flush();
	/* From 8.8.8.8 through the router: the reply goes to the gateway. */
	ts_put32(f + 14 + 12, 0x08080808u);
	f[24] = f[25] = 0;
	ts_put16(f + 24,
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(f + 14, 20))));
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, 1);
	assert_true(pop());
	assert_int_equal(get16(frame + 12), 0x0806);
	assert_int_equal(get32(frame + 38), TS_GW);
	ts_close(&ts);
}

struct echo {
	struct mg_udp *u;
	int got;
};

static void
udp_echo(void *ctx, struct mg_udp *u, const struct mg_ep4 *from, uint32_t dst,
    mg_view data, struct mg_pkt *p)
{
	struct echo *e = ctx;

	(void)p;
	assert_int_equal(dst, TS_ADDR);
	e->got++;
	assert_int_equal(mg_udp_sendv(u, from, data), 0);
}

static size_t
udp_frame(uint8_t *f, uint16_t sport, uint16_t dport, const void *data,
    size_t n, bool csum)
{
	static uint8_t u[65536];
	uint16_t c;

	ts_put16(u, sport);
	ts_put16(u + 2, dport);
	ts_put16(u + 4, (uint16_t)(8 + n));
	ts_put16(u + 6, 0);
	memcpy(u + 8, data, n);
	if (csum) {
		c = mg_net_csum_fold(
		    mg_net_csum_add(mg_net_csum_pseudo4(TS_PEER, TS_ADDR, 17,
		                        (uint16_t)(8 + n)),
		        mg_view_make(u, 8 + n)));
		ts_put16(u + 6, c == 0 ? 0xffff : c);
	}
	return ts_ip4(f, TS_PEER, TS_ADDR, 17, 99, 0, u, 8 + n);
}

static void
test_udp_echo(void **state)
{
	struct tstack ts;
	struct echo e = {0};
	struct mg_net_stats st;
	uint8_t f[2048];
	size_t len;

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_arp_learn(&ts);
	assert_int_equal(mg_udp_open(ts.n, 7, udp_echo, &e, &e.u), 0);
	assert_int_equal(mg_udp_port(e.u), 7);
	assert_int_equal(mg_udp_open(ts.n, 7, udp_echo, &e, &e.u),
	    -MG_EADDRINUSE);
	len = udp_frame(f, 40000, 7, "hello", 5, true);
	assert_true(fake_net_rx(f, len));
	len = udp_frame(f, 40001, 7, "nocsum", 6, false);
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, 1);
	assert_int_equal(e.got, 2);
	assert_true(pop());
	assert_int_equal(get16(frame + 34), 7);
	assert_int_equal(get16(frame + 36), 40000);
	assert_int_equal(get16(frame + 38), 13);
	assert_memory_equal(frame + 42, "hello", 5);
	assert_int_equal(mg_net_csum_fold(mg_net_csum_add(
	                     mg_net_csum_pseudo4(TS_ADDR, TS_PEER, 17, 13),
	                     mg_view_make(frame + 34, 13))),
	    0);
	assert_true(pop());
	assert_memory_equal(frame + 42, "nocsum", 6);
	/* A bad checksum is dropped and counted. */
	len = udp_frame(f, 40000, 7, "hello", 5, true);
	f[len - 1] ^= 1;
	assert_true(fake_net_rx(f, len));
	/* A length field longer than the datagram too. */
	len = udp_frame(f, 40000, 7, "hello", 5, false);
	ts_put16(f + 38, 200);
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, 1);
	assert_false(pop());
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.udp.rx_badsum, 1);
	assert_int_equal(st.udp.rx_badlen, 1);
	assert_int_equal(st.udp.rx_datagrams, 2);
	mg_udp_close(e.u);
	ts_close(&ts);
}

static void
test_udp_port_unreachable(void **state)
{
	struct tstack ts;
	struct mg_net_stats st;
	uint8_t f[2048];
	size_t len = udp_frame(f, 40000, 9999, "x", 1, true);

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_arp_learn(&ts);
	assert_true(fake_net_rx(f, len));
	ts_run(&ts, 1);
	assert_true(pop());
	assert_int_equal(frame[14 + 9], 1);
	assert_int_equal(frame[34], 3);
	assert_int_equal(frame[35], 3);
	/* Quotes the datagram's header and 8 more bytes. */
	assert_int_equal(flen, 14 + 20 + 8 + 20 + 8);
	assert_memory_equal(frame + 42, f + 14, 28);
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.udp.rx_noport, 1);
	assert_int_equal(st.ifc.icmp_unreach, 1);
	ts_close(&ts);
}

/* Cut the datagram in frame f (after Ethernet) into fragments of per
 * bytes and inject them in the order given by order[]. */
static void
inject_frags(const uint8_t *f, size_t len, size_t per, const int *order, int n)
{
	const uint8_t *ip = f + 14;
	size_t plen = len - 34;
	int i;

	for (i = 0; i < n; i++) {
		uint8_t out[2048];
		size_t off = (size_t)order[i] * per;
		size_t l = plen - off < per ? plen - off : per;
		uint16_t frag = (uint16_t)(off / 8);

		if (off + l < plen)
			frag |= 0x2000;
		assert_true(l > 0);
		fake_net_rx(out,
		    ts_ip4(out, get32(ip + 12), get32(ip + 16), ip[9],
		        get16(ip + 4), frag, ip + 20 + off, l));
	}
}

static void
test_fragmented_ping(void **state)
{
	static uint8_t f[8192], back[8192];
	static const int order[] = {2, 0, 1};
	struct tstack ts;
	struct mg_net_stats st;
	size_t icmplen, len = echo_req(f, TS_ADDR, 4000, 0, &icmplen);
	size_t got = 0;
	int frags = 0;

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_arp_learn(&ts);
	inject_frags(f, len, 1480, order, 3);
	ts_run(&ts, 1);
	/* The 4008-byte reply leaves in fragments of at most 1480 bytes. */
	while (pop()) {
		uint16_t fr = get16(frame + 20);
		size_t l = get16(frame + 16) - 20u;

		assert_true(l <= 1480);
		assert_int_equal(mg_net_csum_fold(mg_net_csum_add(0,
		                     mg_view_make(frame + 14, 20))),
		    0);
		memcpy(back + (size_t)(fr & 0x1fff) * 8, frame + 34, l);
		got += l;
		frags++;
	}
	assert_int_equal(frags, 3);
	assert_int_equal(got, icmplen);
	assert_int_equal(back[0], 0);
	assert_memory_equal(back + 4, f + 38, icmplen - 4);
	assert_int_equal(
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(back, icmplen))),
	    0);
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.ip_frags, 3);
	assert_int_equal(st.ifc.ip_reasm_ok, 1);
	ts_close(&ts);
}

static void
test_overlap_dropped(void **state)
{
	static uint8_t f[8192], o[2048];
	static const int order[] = {0, 1};
	struct tstack ts;
	struct mg_net_stats st;
	size_t len = echo_req(f, TS_ADDR, 2000, 0, NULL);
	uint8_t evil[64];

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_arp_learn(&ts);
	/* Two fragments, then one rewriting bytes 8..71 differently. */
	inject_frags(f, len, 1480, order, 1);
	memset(evil, 0xee, sizeof(evil));
	fake_net_rx(o,
	    ts_ip4(o, TS_PEER, TS_ADDR, 1, 0x4242, 0x2001, evil, sizeof(evil)));
	inject_frags(f, len, 1480, order + 1, 1);
	/* A duplicate with the same bytes is harmless: a second datagram. */
	f[14 + 5] = 0x43;
	inject_frags(f, len, 1480, order, 2);
	inject_frags(f, len, 1480, order, 1);
	ts_run(&ts, 1);
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.ip_reasm_drop, 1);
	assert_int_equal(st.ifc.ip_reasm_ok, 1);
	assert_int_equal(st.ifc.icmp_echo, 1);
	ts_close(&ts);
}

static void
test_reasm_timeout(void **state)
{
	static uint8_t f[8192];
	static const int order[] = {0};
	struct tstack ts;
	struct mg_net_stats st;
	size_t len = echo_req(f, TS_ADDR, 3000, 0, NULL);

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_arp_learn(&ts);
	inject_frags(f, len, 1480, order, 1);
	ts_run(&ts, MG_SEC(29));
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.ip_reasm_timeout, 0);
	ts_run(&ts, MG_SEC(2));
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.ip_reasm_timeout, 1);
	assert_false(pop());
	ts_close(&ts);
}

static void
test_drops_counted(void **state)
{
	struct tstack ts;
	struct mg_net_stats st;
	uint8_t f[2048], b[64];
	size_t len;

	(void)state;
	ts_open(&ts, NULL, 64);
	ts_arp_learn(&ts);
	/* For another host, another MAC, IPv6, unknown protocol. */
	len = echo_req(f, 0x0a000063u, 8, 0, NULL);
	fake_net_rx(f, len);
	len = echo_req(f, TS_ADDR, 8, 0, NULL);
	f[0] = 0x02;
	f[5] = 0x77;
	fake_net_rx(f, len);
	memset(b, 0, sizeof(b));
	fake_net_rx(f, ts_eth(f, 0x86dd, b, 40));
	fake_net_rx(f, ts_ip4(f, TS_PEER, TS_ADDR, 99, 1, 0, b, 8));
	/* Short frame, bad IP checksum. */
	fake_net_rx(f, 10);
	len = echo_req(f, TS_ADDR, 8, 0, NULL);
	f[24] ^= 0xff;
	fake_net_rx(f, len);
	ts_run(&ts, 1);
	mg_net_stats(ts.n, &st);
	assert_int_equal(st.ifc.ip_otherhost, 1);
	assert_int_equal(st.ifc.rx_othermac, 1);
	assert_int_equal(st.ifc.rx_ethertype, 1);
	assert_int_equal(st.ifc.ip_noproto, 1);
	assert_int_equal(st.eth.rx_short, 1);
	assert_int_equal(st.ip4.rx_badsum, 1);
	/* Protocol unreachable for 99 only. */
	assert_true(pop());
	assert_int_equal(frame[34], 3);
	assert_int_equal(frame[35], 2);
	assert_false(pop());
	mg_net_stats_print(ts.n, "stats");
	assert_non_null(strstr(fake_console, "  if.ip_noproto 1\n"));
	assert_non_null(strstr(fake_console, "  ip4.rx_badsum 1\n"));
	ts_close(&ts);
}

static void
test_ephemeral_and_hash(void **state)
{
	struct tstack ts;
	struct echo e = {0};
	struct mg_udp *u1, *u2;
	uint64_t k[2] = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
	uint8_t msg[15];
	size_t i;

	(void)state;
	/* SipHash-2-4 reference vector (the paper's appendix A). */
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	assert_true(mg_net_siphash(k, msg, 15) == 0xa129ca6149be45e5ULL);
	ts_open(&ts, NULL, 64);
	assert_int_equal(mg_udp_open(ts.n, 0, udp_echo, &e, &u1), 0);
	assert_int_equal(mg_udp_open(ts.n, 0, udp_echo, &e, &u2), 0);
	assert_true(mg_udp_port(u1) >= 49152);
	assert_true(mg_udp_port(u2) >= 49152);
	assert_int_not_equal(mg_udp_port(u1), mg_udp_port(u2));
	mg_udp_close(u1);
	mg_udp_close(u2);
	ts_close(&ts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_parse),
	    cmocka_unit_test(test_gratuitous_arp),
	    cmocka_unit_test(test_arp_reply),
	    cmocka_unit_test(test_ping_with_arp),
	    cmocka_unit_test(test_arp_gives_up),
	    cmocka_unit_test(test_off_link_via_gateway),
	    cmocka_unit_test(test_udp_echo),
	    cmocka_unit_test(test_udp_port_unreachable),
	    cmocka_unit_test(test_fragmented_ping),
	    cmocka_unit_test(test_overlap_dropped),
	    cmocka_unit_test(test_reasm_timeout),
	    cmocka_unit_test(test_drops_counted),
	    cmocka_unit_test(test_ephemeral_and_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
