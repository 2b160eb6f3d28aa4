/* SPDX-License-Identifier: ISC */
/* test_csum.c: unit tests for the Internet checksum (RFC 1071). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net_int.h"

#define MAXLEN 2000
#define ALIGNS 8

/* The textbook algorithm: 16-bit words, end-around carry, complement. */
static uint16_t
ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

static void
test_csum_matches_reference_every_length_and_alignment(void **state)
{
	uint8_t *buf = malloc(MAXLEN + ALIGNS);
	size_t i, len, al;

	(void)state;
	assert_non_null(buf);
	srand(1071);
	for (i = 0; i < MAXLEN + ALIGNS; i++)
		buf[i] = (uint8_t)rand();
	for (al = 0; al < ALIGNS; al++)
		for (len = 0; len <= MAXLEN; len++) {
			mg_view v = mg_view_make(buf + al, len);

			assert_int_equal(
			    mg_net_csum_fold(mg_net_csum_add(0, v)),
			    ref_csum(buf + al, len));
		}
	free(buf);
}

static void
test_csum_all_ff_bytes_every_length(void **state)
{
	uint8_t buf[MAXLEN];
	size_t len;

	(void)state;
	memset(buf, 0xff, sizeof(buf));
	for (len = 0; len <= MAXLEN; len++)
		assert_int_equal(mg_net_csum_fold(mg_net_csum_add(0,
		                     mg_view_make(buf, len))),
		    ref_csum(buf, len));
}

/* RFC 1071 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (after carries). */
static void
test_csum_rfc1071_example(void **state)
{
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6,
	    0xf7};

	(void)state;
	assert_int_equal(
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(b, sizeof(b)))),
	    (uint16_t)~0xddf2);
}

static void
test_csum_empty_is_ffff(void **state)
{
	(void)state;
	assert_int_equal(mg_net_csum_fold(mg_net_csum_add(0, mg_view_empty())),
	    0xffff);
}

static void
test_csum_odd_byte_padded_on_the_right(void **state)
{
	static const uint8_t b[] = {0x12};

	(void)state;
	assert_int_equal(mg_net_csum_add(0, mg_view_make(b, 1)), 0x1200);
}

static void
test_csum_even_chunks_add_up_to_whole(void **state)
{
	uint8_t buf[301];
	uint32_t s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	s = mg_net_csum_add(0, mg_view_make(buf, 100));
	s = mg_net_csum_add(s, mg_view_make(buf + 100, 2));
	s = mg_net_csum_add(s, mg_view_make(buf + 102, 199));
	assert_int_equal(mg_net_csum_fold(s), ref_csum(buf, sizeof(buf)));
}

static void
test_csum_message_with_its_checksum_folds_to_0(void **state)
{
	uint8_t buf[41];
	uint16_t c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xf0 + i);
	buf[2] = buf[3] = 0;
	c = mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(buf, 41)));
	buf[2] = (uint8_t)(c >> 8);
	buf[3] = (uint8_t)c;
	assert_int_equal(
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(buf, 41))), 0);
}

static void
test_csum_pseudo4_equals_bytes(void **state)
{
	/* 192.168.1.1 -> 10.255.0.254, UDP, length 1234 */
	static const uint8_t ph[] = {192, 168, 1, 1, 10, 255, 0, 254, 0, 17,
	    0x04, 0xd2};
	uint32_t a, b;

	(void)state;
	a = mg_net_csum_pseudo4(0xc0a80101, 0x0aff00fe, 17, 1234);
	b = mg_net_csum_add(0, mg_view_make(ph, sizeof(ph)));
	assert_int_equal(mg_net_csum_fold(a), mg_net_csum_fold(b));
}

static void
test_csum_pseudo4_max_values(void **state)
{
	static const uint8_t ph[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0, 0xff, 0xff, 0xff};
	uint32_t a;

	(void)state;
	a = mg_net_csum_pseudo4(0xffffffff, 0xffffffff, 0xff, 0xffff);
	assert_int_equal(mg_net_csum_fold(a),
	    mg_net_csum_fold(mg_net_csum_add(0, mg_view_make(ph, 12))));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_csum_matches_reference_every_length_and_alignment),
	    cmocka_unit_test(test_csum_all_ff_bytes_every_length),
	    cmocka_unit_test(test_csum_rfc1071_example),
	    cmocka_unit_test(test_csum_empty_is_ffff),
	    cmocka_unit_test(test_csum_odd_byte_padded_on_the_right),
	    cmocka_unit_test(test_csum_even_chunks_add_up_to_whole),
	    cmocka_unit_test(test_csum_message_with_its_checksum_folds_to_0),
	    cmocka_unit_test(test_csum_pseudo4_equals_bytes),
	    cmocka_unit_test(test_csum_pseudo4_max_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
