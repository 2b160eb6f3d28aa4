/* SPDX-License-Identifier: ISC */
/* test_ip4.c: unit tests for IPv4 header parsing and building. */
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
 * 10.0.0.1 -> 10.0.0.2 echo request as Linux ping sends it (DF, TTL 64,
 * 84 bytes: 20 IP, 8 ICMP, 56 data).
 */
static const uint8_t ping_ip[84] = {0x45, 0x00, 0x00, 0x54, 0x9a, 0x3c, 0x40,
    0x00, 0x40, 0x01, 0x8c, 0x6a, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00,
    0x02, 0x08, 0x00, 0xe4, 0xf5, 0x1c, 0x46, 0x00, 0x01, 0xd4, 0xd5, 0xbb,
    0x65, 0x00, 0x00, 0x00, 0x00, 0xa1, 0xb4, 0x06, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
    0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32,
    0x33, 0x34, 0x35, 0x36, 0x37};

/* Recompute the header checksum of the header at b after an edit. */
static void
fix_csum(uint8_t *b)
{
	size_t hlen = (size_t)(b[0] & 0x0f) * 4;
	uint16_t c;

	b[10] = b[11] = 0;
	c = mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(b, hlen)));
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
}

/* Parse len bytes of b from an exact-size heap copy. */
static int
parse(const uint8_t *b, size_t len, struct mg_ip4_hdr *h,
    struct mg_ip4_stats *st)
{
	uint8_t *c = malloc(len + 1);
	int rc;

	assert_non_null(c);
	memcpy(c, b, len);
	rc = mg_ip4_parse(mg_view_make(c, len), h, st);
	free(c);
	return rc;
}

static uint64_t
total_drops(const struct mg_ip4_stats *st)
{
	return st->rx_short + st->rx_badvers + st->rx_badhlen + st->rx_badlen +
	    st->rx_badsum + st->rx_badopt + st->rx_badfrag + st->rx_badsrc;
}

static void
test_ip4_parses_linux_echo_request(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;

	(void)state;
	assert_int_equal(mg_ip4_parse(mg_view_make(ping_ip, 84), &h, &st), 0);
	assert_int_equal(h.tos, 0);
	assert_int_equal(h.id, 0x9a3c);
	assert_true(h.df);
	assert_false(h.mf);
	assert_int_equal(h.frag_off, 0);
	assert_int_equal(h.ttl, 64);
	assert_int_equal(h.proto, MG_IP4_PROTO_ICMP);
	assert_int_equal(h.src, 0x0a000001);
	assert_int_equal(h.dst, 0x0a000002);
	assert_int_equal(h.hdr.len, 20);
	assert_int_equal(h.opts.len, 0);
	assert_ptr_equal(h.payload.p, ping_ip + 20);
	assert_int_equal(h.payload.len, 64);
	assert_int_equal(total_drops(&st), 0);
}

static void
test_ip4_trims_ethernet_padding(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[60] = {0};

	(void)state;
	/* a 28-byte datagram (header + 8) padded to a 46-byte payload */
	memcpy(b, ping_ip, 28);
	b[2] = 0;
	b[3] = 28;
	fix_csum(b);
	assert_int_equal(parse(b, 46, &h, &st), 0);
	assert_int_equal(h.payload.len, 8);
}

static void
test_ip4_drops_below_20_bytes(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	size_t len;

	(void)state;
	for (len = 0; len < 20; len++)
		assert_int_equal(parse(ping_ip, len, &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_short, 20);
	assert_int_equal(total_drops(&st), 20);
}

static void
test_ip4_drops_version_not_4(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];

	(void)state;
	memcpy(b, ping_ip, 84);
	b[0] = 0x65;
	fix_csum(b);
	assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_badvers, 1);
	assert_int_equal(total_drops(&st), 1);
}

static void
test_ip4_drops_hlen_below_20(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];
	uint8_t ihl;

	(void)state;
	for (ihl = 0; ihl < 5; ihl++) {
		memcpy(b, ping_ip, 84);
		b[0] = (uint8_t)(0x40 | ihl);
		assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	}
	assert_int_equal(st.rx_badhlen, 5);
	assert_int_equal(total_drops(&st), 5);
}

static void
test_ip4_drops_hlen_above_total_length(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];

	(void)state;
	memcpy(b, ping_ip, 84);
	b[0] = 0x4f; /* 60-byte header */
	b[3] = 40;   /* in a 40-byte datagram */
	assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_badhlen, 1);
	assert_int_equal(total_drops(&st), 1);
}

static void
test_ip4_drops_total_length_beyond_bytes(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];

	(void)state;
	assert_int_equal(parse(ping_ip, 83, &h, &st), -MG_EBADMSG);
	memcpy(b, ping_ip, 84);
	b[2] = 0xff; /* 65364 */
	fix_csum(b);
	assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_badlen, 2);
	assert_int_equal(total_drops(&st), 2);
}

static void
test_ip4_drops_bad_checksum(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];
	size_t i;

	(void)state;
	/* one flipped bit anywhere in the header */
	for (i = 0; i < 20; i++) {
		if (i == 0 || i == 2 || i == 3 || i == 12)
			continue; /* caught earlier, or src multicast */
		memcpy(b, ping_ip, 84);
		b[i] ^= 0x01;
		assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	}
	assert_int_equal(st.rx_badsum, 16);
	assert_int_equal(total_drops(&st), 16);
}

/* ping_ip with options opt (olen bytes, a multiple of 4) after the header. */
static size_t
with_opts(uint8_t *b, const uint8_t *opt, size_t olen)
{
	memcpy(b, ping_ip, 20);
	memcpy(b + 20, opt, olen);
	memcpy(b + 20 + olen, ping_ip + 20, 64);
	b[0] = (uint8_t)(0x40 | (20 + olen) / 4);
	b[3] = (uint8_t)(84 + olen);
	fix_csum(b);
	return 84 + olen;
}

static void
test_ip4_accepts_valid_options(void **state)
{
	/* NOP, record route (7 bytes, room for one address), EOL, junk */
	static const uint8_t rr[12] = {1, 7, 7, 4, 0, 0, 0, 0, 0, 0xaa, 0xbb,
	    0xcc};
	static const uint8_t ra[4] = {0x94, 4, 0, 0}; /* router alert */
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84 + 40];
	size_t n;

	(void)state;
	n = with_opts(b, rr, sizeof(rr));
	assert_int_equal(parse(b, n, &h, &st), 0);
	assert_int_equal(h.hdr.len, 32);
	assert_int_equal(h.opts.len, 12);
	assert_int_equal(h.payload.len, 64);
	assert_memory_equal(h.payload.p, ping_ip + 20, 64);
	n = with_opts(b, ra, sizeof(ra));
	assert_int_equal(parse(b, n, &h, &st), 0);
	assert_int_equal(total_drops(&st), 0);
}

static void
test_ip4_drops_options_past_header(void **state)
{
	static const uint8_t len0[4] = {0x83, 0, 0, 0};
	static const uint8_t len1[4] = {0x83, 1, 0, 0};
	static const uint8_t past[4] = {1, 1, 0x83, 7};
	static const uint8_t nolen[4] = {1, 1, 1, 0x44};
	static const uint8_t over[8] = {0x44, 9, 5, 0, 0, 0, 0, 0};
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84 + 40];

	(void)state;
	assert_int_equal(parse(b, with_opts(b, len0, 4), &h, &st), -MG_EBADMSG);
	assert_int_equal(parse(b, with_opts(b, len1, 4), &h, &st), -MG_EBADMSG);
	assert_int_equal(parse(b, with_opts(b, past, 4), &h, &st), -MG_EBADMSG);
	assert_int_equal(parse(b, with_opts(b, nolen, 4), &h, &st),
	    -MG_EBADMSG);
	assert_int_equal(parse(b, with_opts(b, over, 8), &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_badopt, 5);
	assert_int_equal(total_drops(&st), 5);
}

static void
test_ip4_extracts_fragment_fields(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];

	(void)state;
	memcpy(b, ping_ip, 84);
	b[6] = 0x20 | 0x01; /* MF, offset 0x100 * 8 */
	b[7] = 0x00;
	fix_csum(b);
	assert_int_equal(parse(b, 84, &h, &st), 0);
	assert_true(h.mf);
	assert_false(h.df);
	assert_int_equal(h.frag_off, 0x100 * 8);
	/* the last possible fragment: 8181 * 8 + 84 <= 65535 */
	b[6] = 0x1f;
	b[7] = 0xf5;
	fix_csum(b);
	assert_int_equal(parse(b, 84, &h, &st), 0);
	assert_false(h.mf);
	assert_int_equal(h.frag_off, 0x1ff5 * 8);
	assert_int_equal(total_drops(&st), 0);
}

static void
test_ip4_drops_fragment_beyond_65535(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];

	(void)state;
	memcpy(b, ping_ip, 84);
	b[6] = 0x1f; /* offset 65528 */
	b[7] = 0xff;
	fix_csum(b);
	assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_badfrag, 1);
	assert_int_equal(total_drops(&st), 1);
}

static void
test_ip4_drops_broadcast_multicast_class_e_sources(void **state)
{
	static const uint32_t bad[] = {0xffffffff, 0xe0000001, 0xefffffff,
	    0xf0000000};
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(b, ping_ip, 84);
		b[12] = (uint8_t)(bad[i] >> 24);
		b[13] = (uint8_t)(bad[i] >> 16);
		b[14] = (uint8_t)(bad[i] >> 8);
		b[15] = (uint8_t)bad[i];
		fix_csum(b);
		assert_int_equal(parse(b, 84, &h, &st), -MG_EBADMSG);
	}
	assert_int_equal(st.rx_badsrc, 4);
	assert_int_equal(total_drops(&st), 4);
}

static void
test_ip4_accepts_source_zero_and_ttl_zero(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_hdr h;
	uint8_t b[84];

	(void)state;
	memcpy(b, ping_ip, 84);
	memset(b + 12, 0, 4); /* DHCP DISCOVER style */
	b[8] = 0;             /* RFC 1122 3.2.1.7: a host does not drop */
	fix_csum(b);
	assert_int_equal(parse(b, 84, &h, &st), 0);
	assert_int_equal(h.src, 0);
	assert_int_equal(h.ttl, 0);
}

static void
test_ip4_push_round_trips_and_matches_linux(void **state)
{
	struct mg_ip4_stats st = {0};
	struct mg_ip4_tx tx = {0x0a000001, 0x0a000002, MG_IP4_PROTO_ICMP, 64, 0,
	    true, 0x9a3c};
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);
	struct mg_ip4_hdr h;

	(void)state;
	assert_non_null(mg_pkt_put(p, 64));
	memcpy(p->data, ping_ip + 20, 64);
	assert_int_equal(mg_ip4_push(p, &tx), 0);
	assert_int_equal(p->len, 84);
	assert_memory_equal(p->data, ping_ip, 84);
	assert_int_equal(mg_ip4_parse(mg_pkt_view(p), &h, &st), 0);
	assert_int_equal(h.proto, MG_IP4_PROTO_ICMP);
	assert_int_equal(h.payload.len, 64);
	tpool_fini(&t, p);
}

static void
test_ip4_push_refuses_ttl0_headroom_and_size(void **state)
{
	struct mg_ip4_tx tx = {1, 2, MG_IP4_PROTO_UDP, 0, 0, false, 0};
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 19);
	struct mg_pkt big;

	(void)state;
	assert_int_equal(mg_ip4_push(p, &tx), -MG_EINVAL);
	tx.ttl = 1;
	assert_int_equal(mg_ip4_push(p, &tx), -MG_ENOSPC);
	assert_int_equal(p->len, 0);
	/* a length the header cannot carry (never touches the buffer) */
	big = *p;
	big.len = 65536 - 20;
	assert_int_equal(mg_ip4_push(&big, &tx), -MG_EMSGSIZE);
	tpool_fini(&t, p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ip4_parses_linux_echo_request),
	    cmocka_unit_test(test_ip4_trims_ethernet_padding),
	    cmocka_unit_test(test_ip4_drops_below_20_bytes),
	    cmocka_unit_test(test_ip4_drops_version_not_4),
	    cmocka_unit_test(test_ip4_drops_hlen_below_20),
	    cmocka_unit_test(test_ip4_drops_hlen_above_total_length),
	    cmocka_unit_test(test_ip4_drops_total_length_beyond_bytes),
	    cmocka_unit_test(test_ip4_drops_bad_checksum),
	    cmocka_unit_test(test_ip4_accepts_valid_options),
	    cmocka_unit_test(test_ip4_drops_options_past_header),
	    cmocka_unit_test(test_ip4_extracts_fragment_fields),
	    cmocka_unit_test(test_ip4_drops_fragment_beyond_65535),
	    cmocka_unit_test(
	        test_ip4_drops_broadcast_multicast_class_e_sources),
	    cmocka_unit_test(test_ip4_accepts_source_zero_and_ttl_zero),
	    cmocka_unit_test(test_ip4_push_round_trips_and_matches_linux),
	    cmocka_unit_test(test_ip4_push_refuses_ttl0_headroom_and_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
