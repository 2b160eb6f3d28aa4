/* SPDX-License-Identifier: ISC */
/* test_arp.c: unit tests for ARP parsing and building (RFC 826). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net_int.h"
#include "tpool.h"

/*
 * "who-has 10.0.0.2 tell 10.0.0.1" as the Linux kernel sends it (42-byte
 * frame, target hardware address zero), here padded to 60 bytes as it
 * arrives from a NIC.
 */
static const uint8_t arp_req_frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00,
    0x06, 0x04, 0x00, 0x01, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x0a, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02};

static const uint8_t mac_linux[6] = {0x02, 0x42, 0xac, 0x11, 0x00, 0x02};
static const uint8_t mac_us[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t zero6[6];

/* The ARP packet of arp_req_frame, copied into b (at least 60 bytes). */
static mg_view
arp_req(uint8_t *b)
{
	memcpy(b, arp_req_frame + MG_ETH_HLEN, MG_ARP_LEN);
	return mg_view_make(b, MG_ARP_LEN);
}

static void
test_arp_parses_linux_request_in_padded_frame(void **state)
{
	struct mg_eth_stats est = {0};
	struct mg_arp_stats st = {0};
	struct mg_eth_hdr eh;
	struct mg_arp_msg m;

	(void)state;
	assert_int_equal(
	    mg_eth_parse(mg_view_make(arp_req_frame, 60), &eh, &est), 0);
	assert_int_equal(eh.type, MG_ETH_TYPE_ARP);
	assert_int_equal(mg_arp_parse(eh.payload, &m, &st), 0);
	assert_int_equal(m.op, MG_ARP_OP_REQUEST);
	assert_memory_equal(m.sha, mac_linux, 6);
	assert_int_equal(m.spa, 0x0a000001);
	assert_memory_equal(m.tha, zero6, 6);
	assert_int_equal(m.tpa, 0x0a000002);
}

static void
test_arp_drops_each_short_length(void **state)
{
	struct mg_arp_stats st = {0};
	struct mg_arp_msg m;
	size_t len;

	(void)state;
	for (len = 0; len < MG_ARP_LEN; len++) {
		uint8_t *b = malloc(len + 1);

		assert_non_null(b);
		memcpy(b, arp_req_frame + MG_ETH_HLEN, len);
		assert_int_equal(mg_arp_parse(mg_view_make(b, len), &m, &st),
		    -MG_EBADMSG);
		free(b);
	}
	assert_int_equal(st.rx_short, MG_ARP_LEN);
}

/* Change one byte of a good request; the drop lands on one counter. */
static void
drop_one(size_t off, uint8_t val, const uint64_t *counter,
    struct mg_arp_stats *st)
{
	uint8_t b[MG_ARP_LEN];
	struct mg_arp_msg m;
	mg_view v = arp_req(b);
	uint64_t before = *counter;

	b[off] = val;
	assert_int_equal(mg_arp_parse(v, &m, st), -MG_EBADMSG);
	assert_int_equal(*counter, before + 1);
}

static void
test_arp_drops_every_bad_field(void **state)
{
	struct mg_arp_stats st = {0};

	(void)state;
	drop_one(MG_ARP_OFF_HTYPE + 1, 6, &st.rx_badhtype, &st); /* 802 */
	drop_one(MG_ARP_OFF_HTYPE, 1, &st.rx_badhtype, &st);
	drop_one(MG_ARP_OFF_PTYPE, 0x86, &st.rx_badptype, &st); /* 0x8600 */
	drop_one(MG_ARP_OFF_PTYPE + 1, 0x06, &st.rx_badptype, &st);
	drop_one(MG_ARP_OFF_HLEN, 8, &st.rx_badhlen, &st);
	drop_one(MG_ARP_OFF_HLEN, 0, &st.rx_badhlen, &st);
	drop_one(MG_ARP_OFF_PLEN, 16, &st.rx_badplen, &st);
	drop_one(MG_ARP_OFF_OP + 1, 0, &st.rx_badop, &st);
	drop_one(MG_ARP_OFF_OP + 1, 3, &st.rx_badop, &st); /* RARP */
	drop_one(MG_ARP_OFF_OP, 1, &st.rx_badop, &st);
	assert_int_equal(st.rx_badhtype, 2);
	assert_int_equal(st.rx_badptype, 2);
	assert_int_equal(st.rx_badhlen, 2);
	assert_int_equal(st.rx_badplen, 1);
	assert_int_equal(st.rx_badop, 3);
	assert_int_equal(st.rx_short, 0);
}

static void
test_arp_request_builds_linux_bytes(void **state)
{
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);
	struct mg_arp_msg m;

	(void)state;
	mg_arp_request(&m, mac_linux, 0x0a000001, 0x0a000002);
	assert_int_equal(mg_arp_push(p, &m), 0);
	assert_int_equal(p->len, MG_ARP_LEN);
	assert_memory_equal(p->data, arp_req_frame + MG_ETH_HLEN, MG_ARP_LEN);
	tpool_fini(&t, p);
}

static void
test_arp_reply_round_trips(void **state)
{
	struct mg_arp_stats st = {0};
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);
	struct mg_arp_msg req, rep, got;
	uint8_t b[MG_ARP_LEN];

	(void)state;
	assert_int_equal(mg_arp_parse(arp_req(b), &req, &st), 0);
	mg_arp_reply(&rep, &req, mac_us, 0x0a000002);
	assert_int_equal(mg_arp_push(p, &rep), 0);
	assert_int_equal(mg_arp_parse(mg_pkt_view(p), &got, &st), 0);
	assert_int_equal(got.op, MG_ARP_OP_REPLY);
	assert_memory_equal(got.sha, mac_us, 6);
	assert_int_equal(got.spa, 0x0a000002);
	assert_memory_equal(got.tha, mac_linux, 6);
	assert_int_equal(got.tpa, 0x0a000001);
	/* in place: the reply may overwrite its request */
	mg_arp_reply(&req, &req, mac_us, 0x0a000002);
	assert_memory_equal(&req.tha, mac_linux, 6);
	assert_int_equal(req.tpa, 0x0a000001);
	tpool_fini(&t, p);
}

static void
test_arp_push_refuses_bad_op_and_no_headroom(void **state)
{
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, MG_ARP_LEN - 1);
	struct mg_arp_msg m;

	(void)state;
	mg_arp_request(&m, mac_us, 1, 2);
	assert_int_equal(mg_arp_push(p, &m), -MG_ENOSPC);
	m.op = 3;
	assert_int_equal(mg_arp_push(p, &m), -MG_EINVAL);
	assert_int_equal(p->len, 0);
	tpool_fini(&t, p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arp_parses_linux_request_in_padded_frame),
	    cmocka_unit_test(test_arp_drops_each_short_length),
	    cmocka_unit_test(test_arp_drops_every_bad_field),
	    cmocka_unit_test(test_arp_request_builds_linux_bytes),
	    cmocka_unit_test(test_arp_reply_round_trips),
	    cmocka_unit_test(test_arp_push_refuses_bad_op_and_no_headroom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
