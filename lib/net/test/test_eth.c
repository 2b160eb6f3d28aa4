/* SPDX-License-Identifier: ISC */
/* test_eth.c: unit tests for Ethernet header parsing and building. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net_int.h"
#include "tpool.h"

/* Start of a frame from a Linux host (02:42:ac:11:00:02) to a QEMU NIC:
 * an IPv4 echo request, cut after the IP header's first bytes. */
static const uint8_t frame_ip4[] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02,
    0x42, 0xac, 0x11, 0x00, 0x02, 0x08, 0x00, 0x45, 0x00, 0x00, 0x54};

static const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t mac_b[6] = {0x02, 0x42, 0xac, 0x11, 0x00, 0x02};
static const uint8_t mac_bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void
test_eth_parses_ip4_frame(void **state)
{
	struct mg_eth_stats st = {0};
	struct mg_eth_hdr h;

	(void)state;
	assert_int_equal(
	    mg_eth_parse(mg_view_make(frame_ip4, sizeof(frame_ip4)), &h, &st),
	    0);
	assert_memory_equal(h.dst, mac_a, 6);
	assert_memory_equal(h.src, mac_b, 6);
	assert_int_equal(h.type, MG_ETH_TYPE_IP4);
	assert_int_equal(h.payload.len, 4);
	assert_ptr_equal(h.payload.p, frame_ip4 + 14);
}

static void
test_eth_header_only_gives_empty_payload(void **state)
{
	struct mg_eth_stats st = {0};
	struct mg_eth_hdr h;

	(void)state;
	assert_int_equal(mg_eth_parse(mg_view_make(frame_ip4, 14), &h, &st), 0);
	assert_int_equal(h.payload.len, 0);
}

static void
test_eth_drops_frames_below_14_bytes(void **state)
{
	struct mg_eth_stats st = {0};
	struct mg_eth_hdr h;
	size_t len;

	(void)state;
	for (len = 0; len < MG_ETH_HLEN; len++) {
		uint8_t *b = malloc(len + 1);

		assert_non_null(b);
		memcpy(b, frame_ip4, len);
		assert_int_equal(mg_eth_parse(mg_view_make(b, len), &h, &st),
		    -MG_EBADMSG);
		free(b);
	}
	assert_int_equal(st.rx_short, MG_ETH_HLEN);
	assert_int_equal(mg_eth_parse(mg_view_empty(), &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_short, MG_ETH_HLEN + 1);
}

static void
test_eth_drops_8021q_and_8021ad_tags(void **state)
{
	struct mg_eth_stats st = {0};
	struct mg_eth_hdr h;
	uint8_t b[sizeof(frame_ip4)];

	(void)state;
	memcpy(b, frame_ip4, sizeof(b));
	b[12] = 0x81;
	b[13] = 0x00;
	assert_int_equal(mg_eth_parse(mg_view_make(b, sizeof(b)), &h, &st),
	    -MG_EBADMSG);
	b[12] = 0x88;
	b[13] = 0xa8;
	assert_int_equal(mg_eth_parse(mg_view_make(b, sizeof(b)), &h, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_vlan, 2);
	assert_int_equal(st.rx_short + st.rx_llc, 0);
}

static void
test_eth_drops_8023_length_frames(void **state)
{
	struct mg_eth_stats st = {0};
	struct mg_eth_hdr h;
	uint8_t b[sizeof(frame_ip4)];

	(void)state;
	memcpy(b, frame_ip4, sizeof(b));
	b[12] = 0x05; /* 0x05dc = 1500: a length */
	b[13] = 0xdc;
	assert_int_equal(mg_eth_parse(mg_view_make(b, sizeof(b)), &h, &st),
	    -MG_EBADMSG);
	b[12] = 0x06; /* 0x0600: the first ethertype */
	b[13] = 0x00;
	assert_int_equal(mg_eth_parse(mg_view_make(b, sizeof(b)), &h, &st), 0);
	assert_int_equal(st.rx_llc, 1);
}

static void
test_eth_push_round_trips(void **state)
{
	struct mg_eth_stats st = {0};
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);
	struct mg_eth_hdr h;

	(void)state;
	assert_non_null(mg_pkt_put(p, 3));
	memcpy(p->data, "abc", 3);
	assert_int_equal(mg_eth_push(p, mac_bc, mac_a, MG_ETH_TYPE_ARP), 0);
	assert_int_equal(p->len, 17);
	assert_int_equal(mg_eth_parse(mg_pkt_view(p), &h, &st), 0);
	assert_memory_equal(h.dst, mac_bc, 6);
	assert_memory_equal(h.src, mac_a, 6);
	assert_int_equal(h.type, MG_ETH_TYPE_ARP);
	assert_int_equal(h.payload.len, 3);
	assert_memory_equal(h.payload.p, "abc", 3);
	tpool_fini(&t, p);
}

static void
test_eth_push_without_headroom_fails_unchanged(void **state)
{
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 13);

	(void)state;
	assert_int_equal(mg_eth_push(p, mac_bc, mac_a, MG_ETH_TYPE_IP4),
	    -MG_ENOSPC);
	assert_int_equal(p->len, 0);
	assert_int_equal(mg_pkt_headroom(p), 13);
	tpool_fini(&t, p);
}

static void
test_eth_broadcast_and_multicast(void **state)
{
	static const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};

	(void)state;
	assert_true(mg_eth_is_broadcast(mac_bc));
	assert_false(mg_eth_is_broadcast(almost));
	assert_false(mg_eth_is_broadcast(mac_a));
	assert_true(mg_eth_is_multicast(mac_bc));
	assert_true(mg_eth_is_multicast(mc));
	assert_false(mg_eth_is_multicast(mac_a));
	assert_false(mg_eth_is_multicast(mac_b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eth_parses_ip4_frame),
	    cmocka_unit_test(test_eth_header_only_gives_empty_payload),
	    cmocka_unit_test(test_eth_drops_frames_below_14_bytes),
	    cmocka_unit_test(test_eth_drops_8021q_and_8021ad_tags),
	    cmocka_unit_test(test_eth_drops_8023_length_frames),
	    cmocka_unit_test(test_eth_push_round_trips),
	    cmocka_unit_test(test_eth_push_without_headroom_fails_unchanged),
	    cmocka_unit_test(test_eth_broadcast_and_multicast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
