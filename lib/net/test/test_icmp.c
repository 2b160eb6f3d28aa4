/* SPDX-License-Identifier: ISC */
/* test_icmp.c: unit tests for ICMP parsing and building (RFC 792). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net_int.h"
#include "tpool.h"

/* Linux ping's echo request (id 0x1c46, seq 1, 56 data bytes) in IPv4. */
static const uint8_t ping_ip[84] = {0x45, 0x00, 0x00, 0x54, 0x9a, 0x3c, 0x40,
    0x00, 0x40, 0x01, 0x8c, 0x6a, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00,
    0x02, 0x08, 0x00, 0xe4, 0xf5, 0x1c, 0x46, 0x00, 0x01, 0xd4, 0xd5, 0xbb,
    0x65, 0x00, 0x00, 0x00, 0x00, 0xa1, 0xb4, 0x06, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
    0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32,
    0x33, 0x34, 0x35, 0x36, 0x37};
#define PING_ICMP     (ping_ip + 20)
#define PING_ICMP_LEN 64

static int
parse(const uint8_t *b, size_t len, struct mg_icmp_msg *m,
    struct mg_icmp_stats *st)
{
	uint8_t *c = malloc(len + 1);
	int rc;

	assert_non_null(c);
	memcpy(c, b, len);
	rc = mg_icmp_parse(mg_view_make(c, len), m, st);
	free(c);
	return rc;
}

static void
fix_csum(uint8_t *b, size_t len)
{
	uint16_t c;

	b[2] = b[3] = 0;
	c = mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(b, len)));
	b[2] = (uint8_t)(c >> 8);
	b[3] = (uint8_t)c;
}

static void
test_icmp_parses_linux_echo_request(void **state)
{
	struct mg_ip4_stats ist = {0};
	struct mg_icmp_stats st = {0};
	struct mg_ip4_hdr ih;
	struct mg_icmp_msg m;

	(void)state;
	assert_int_equal(mg_ip4_parse(mg_view_make(ping_ip, 84), &ih, &ist), 0);
	assert_int_equal(mg_icmp_parse(ih.payload, &m, &st), 0);
	assert_int_equal(m.type, MG_ICMP_ECHO_REQUEST);
	assert_int_equal(m.code, 0);
	assert_int_equal(m.csum, 0xe4f5);
	assert_int_equal(m.id, 0x1c46);
	assert_int_equal(m.seq, 1);
	assert_int_equal(m.payload.len, 56);
	assert_ptr_equal(m.payload.p, ping_ip + 28);
}

static void
test_icmp_drops_below_8_bytes(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_icmp_msg m;
	size_t len;

	(void)state;
	for (len = 0; len < MG_ICMP_HLEN; len++)
		assert_int_equal(parse(PING_ICMP, len, &m, &st), -MG_EBADMSG);
	assert_int_equal(st.rx_short, MG_ICMP_HLEN);
	assert_int_equal(st.rx_badsum + st.rx_badcode, 0);
}

static void
test_icmp_drops_bad_checksum_every_byte(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_icmp_msg m;
	uint8_t b[PING_ICMP_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < PING_ICMP_LEN; i++) {
		memcpy(b, PING_ICMP, PING_ICMP_LEN);
		b[i] ^= 0x80;
		assert_int_equal(parse(b, PING_ICMP_LEN, &m, &st), -MG_EBADMSG);
	}
	/* a truncated message no longer sums to its checksum */
	assert_int_equal(parse(PING_ICMP, PING_ICMP_LEN - 1, &m, &st),
	    -MG_EBADMSG);
	assert_int_equal(st.rx_badsum, PING_ICMP_LEN + 1);
	assert_int_equal(st.rx_short + st.rx_badcode, 0);
}

static void
test_icmp_drops_echo_with_nonzero_code(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_icmp_msg m;
	uint8_t b[PING_ICMP_LEN];

	(void)state;
	memcpy(b, PING_ICMP, PING_ICMP_LEN);
	b[1] = 1;
	fix_csum(b, PING_ICMP_LEN);
	assert_int_equal(parse(b, PING_ICMP_LEN, &m, &st), -MG_EBADMSG);
	b[0] = MG_ICMP_ECHO_REPLY;
	fix_csum(b, PING_ICMP_LEN);
	assert_int_equal(parse(b, PING_ICMP_LEN, &m, &st), -MG_EBADMSG);
	/* other types carry codes: unreachable/port is fine */
	b[0] = MG_ICMP_UNREACH;
	b[1] = MG_ICMP_UNREACH_PORT;
	fix_csum(b, PING_ICMP_LEN);
	assert_int_equal(parse(b, PING_ICMP_LEN, &m, &st), 0);
	assert_int_equal(st.rx_badcode, 2);
}

static void
test_icmp_echo_reply_round_trips(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_icmp_msg req, rep;
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);

	(void)state;
	assert_int_equal(
	    mg_icmp_parse(mg_view_make(PING_ICMP, PING_ICMP_LEN), &req, &st),
	    0);
	assert_int_equal(mg_icmp_echo_reply(p, &req), 0);
	assert_int_equal(p->len, PING_ICMP_LEN);
	assert_int_equal(mg_icmp_parse(mg_pkt_view(p), &rep, &st), 0);
	assert_int_equal(rep.type, MG_ICMP_ECHO_REPLY);
	assert_int_equal(rep.code, 0);
	assert_int_equal(rep.id, 0x1c46);
	assert_int_equal(rep.seq, 1);
	assert_true(mg_view_eq(rep.payload, req.payload));
	/* RFC 1624: only the type changed, by 8 << 8 */
	assert_int_equal(rep.csum, 0xe4f5 + 0x0800);
	tpool_fini(&t, p);
}

static void
test_icmp_echo_reply_refuses_bad_input(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_icmp_msg req;
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 128, 64); /* 64 bytes tailroom */

	(void)state;
	assert_int_equal(
	    mg_icmp_parse(mg_view_make(PING_ICMP, PING_ICMP_LEN), &req, &st),
	    0);
	assert_non_null(mg_pkt_put(p, 1));
	assert_int_equal(mg_icmp_echo_reply(p, &req), -MG_EINVAL);
	assert_int_equal(mg_pkt_trim(p, 0), 0);
	req.type = MG_ICMP_ECHO_REPLY;
	assert_int_equal(mg_icmp_echo_reply(p, &req), -MG_EINVAL);
	req.type = MG_ICMP_ECHO_REQUEST;
	req.payload.len++; /* 65 bytes: one more than the tailroom */
	assert_int_equal(mg_icmp_echo_reply(p, &req), -MG_ENOSPC);
	assert_int_equal(p->len, 0);
	tpool_fini(&t, p);
}

static void
test_icmp_unreach_quotes_header_and_8_bytes(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_ip4_stats ist = {0};
	struct mg_icmp_msg m;
	struct mg_ip4_hdr qh;
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);

	(void)state;
	assert_int_equal(
	    mg_icmp_unreach(p, MG_ICMP_UNREACH_PORT, mg_view_make(ping_ip, 84)),
	    0);
	assert_int_equal(p->len, 8 + 20 + 8);
	assert_int_equal(mg_icmp_parse(mg_pkt_view(p), &m, &st), 0);
	assert_int_equal(m.type, MG_ICMP_UNREACH);
	assert_int_equal(m.code, MG_ICMP_UNREACH_PORT);
	assert_int_equal(m.id, 0);
	assert_int_equal(m.seq, 0);
	assert_int_equal(m.payload.len, 28);
	assert_memory_equal(m.payload.p, ping_ip, 28);
	/* the quoted header still parses, its total length now too long */
	assert_int_equal(mg_ip4_parse(m.payload, &qh, &ist), -MG_EBADMSG);
	assert_int_equal(ist.rx_badlen, 1);
	tpool_fini(&t, p);
}

static void
test_icmp_unreach_short_datagram_and_options(void **state)
{
	struct mg_icmp_stats st = {0};
	struct mg_icmp_msg m;
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 256, 64);
	uint8_t b[24 + 20];

	(void)state;
	/* header only plus 3 data bytes: quote what there is */
	assert_int_equal(mg_icmp_unreach(p, MG_ICMP_UNREACH_PROTO,
	                     mg_view_make(ping_ip, 23)),
	    0);
	assert_int_equal(mg_icmp_parse(mg_pkt_view(p), &m, &st), 0);
	assert_int_equal(m.payload.len, 23);
	/* a 24-byte header (one option word) is quoted whole, plus 8 */
	assert_int_equal(mg_pkt_trim(p, 0), 0);
	memcpy(b, ping_ip, 20);
	b[0] = 0x46;
	memset(b + 20, 1, 4);
	memcpy(b + 24, ping_ip + 20, 20);
	assert_int_equal(mg_icmp_unreach(p, MG_ICMP_UNREACH_PORT,
	                     mg_view_make(b, sizeof(b))),
	    0);
	assert_int_equal(mg_icmp_parse(mg_pkt_view(p), &m, &st), 0);
	assert_int_equal(m.payload.len, 32);
	tpool_fini(&t, p);
}

static void
test_icmp_unreach_refuses_bad_input(void **state)
{
	struct tpool t;
	struct mg_pkt *p = tpool_pkt(&t, 128, 100); /* 28 bytes tailroom */
	uint8_t b[84];

	(void)state;
	assert_int_equal(mg_icmp_unreach(p, 3, mg_view_empty()), -MG_EINVAL);
	assert_int_equal(mg_icmp_unreach(p, 3, mg_view_make(ping_ip, 19)),
	    -MG_EINVAL);
	memcpy(b, ping_ip, 84);
	b[0] = 0x44;
	assert_int_equal(mg_icmp_unreach(p, 3, mg_view_make(b, 84)),
	    -MG_EINVAL);
	b[0] = 0x65;
	assert_int_equal(mg_icmp_unreach(p, 3, mg_view_make(b, 84)),
	    -MG_EINVAL);
	assert_int_equal(mg_icmp_unreach(p, 3, mg_view_make(ping_ip, 84)),
	    -MG_ENOSPC);
	assert_int_equal(p->len, 0);
	assert_non_null(mg_pkt_put(p, 1));
	assert_int_equal(mg_icmp_unreach(p, 3, mg_view_make(ping_ip, 20)),
	    -MG_EINVAL);
	tpool_fini(&t, p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_icmp_parses_linux_echo_request),
	    cmocka_unit_test(test_icmp_drops_below_8_bytes),
	    cmocka_unit_test(test_icmp_drops_bad_checksum_every_byte),
	    cmocka_unit_test(test_icmp_drops_echo_with_nonzero_code),
	    cmocka_unit_test(test_icmp_echo_reply_round_trips),
	    cmocka_unit_test(test_icmp_echo_reply_refuses_bad_input),
	    cmocka_unit_test(test_icmp_unreach_quotes_header_and_8_bytes),
	    cmocka_unit_test(test_icmp_unreach_short_datagram_and_options),
	    cmocka_unit_test(test_icmp_unreach_refuses_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
