/* SPDX-License-Identifier: ISC */
/* test_name.c: names: decompression bounds, compression, presentation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnstest.h"

static int
rd(const uint8_t *msg, size_t len, size_t off, uint8_t *out, size_t *end)
{
	uint8_t *c = malloc(len);
	int rc;

	assert_non_null(c);
	memcpy(c, msg, len);
	rc = mg_dns_name_read(mg_view_make(c, len), &off, out, false);
	free(c);
	if (end != NULL)
		*end = off;
	return rc;
}

static void
test_name_read_follows_backward_pointers(void **state)
{
	/* 12 bytes of header, example.com at 12, www + pointer at 25. */
	static const uint8_t m[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 'e',
	    'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 3, 'w', 'w', 'w',
	    0xc0, 12, 0xff};
	uint8_t out[255];
	size_t end;

	(void)state;
	assert_int_equal(rd(m, sizeof(m), 25, out, &end), 17);
	assert_int_equal(end, 31);
	assert_memory_equal(out, "\3www\7example\3com", 17);
}

static void
test_name_read_rejects_forward_and_self_pointers(void **state)
{
	static const uint8_t fwd[] = {0xc0, 2, 0};
	static const uint8_t self[] = {0, 0, 0xc0, 2};
	uint8_t out[255];

	(void)state;
	assert_int_equal(rd(fwd, sizeof(fwd), 0, out, NULL), -MG_EBADMSG);
	assert_int_equal(rd(self, sizeof(self), 2, out, NULL), -MG_EBADMSG);
}

static void
test_name_read_rejects_pointer_loops(void **state)
{
	/* a -> b -> a: one of them must point forward. */
	static const uint8_t loop[] = {1, 'a', 0xc0, 4, 1, 'b', 0xc0, 0};
	uint8_t out[255];

	(void)state;
	assert_int_equal(rd(loop, sizeof(loop), 4, out, NULL), -MG_EBADMSG);
}

static void
test_name_read_bounds_hops(void **state)
{
	/* A chain of 100 pointers, each to the one before: too many hops. */
	uint8_t m[1 + 200], out[255];
	int i;

	(void)state;
	m[0] = 0;
	for (i = 0; i < 100; i++) {
		m[1 + 2 * i] = 0xc0;
		m[2 + 2 * i] = (uint8_t)(i == 0 ? 0 : 1 + 2 * (i - 1));
	}
	assert_int_equal(rd(m, sizeof(m), 1 + 2 * 10, out, NULL), 1);
	assert_int_equal(rd(m, sizeof(m), 1 + 2 * 99, out, NULL), -MG_EBADMSG);
}

static void
test_name_read_bounds_length(void **state)
{
	/* 4 labels of 63 = 256 bytes with the root: too long. */
	uint8_t m[300], out[255];
	size_t o = 0;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		m[o++] = 63;
		memset(m + o, 'a', 63);
		o += 63;
	}
	m[o++] = 0;
	assert_int_equal(rd(m, o, 0, out, NULL), -MG_EBADMSG);
	/* 3 x 63 + 61: 255 with the root byte. */
	m[3 * 64] = 61;
	m[3 * 64 + 62] = 0;
	assert_int_equal(rd(m, 3 * 64 + 63, 0, out, NULL), 255);
	/* Too long through a pointer: 3 x 63 bytes of labels, then a
	 * pointer to a name of 63 + 1 more. */
	o = 0;
	m[o++] = 63;
	memset(m + o, 'x', 63);
	o += 63;
	m[o++] = 0;
	for (i = 0; i < 3; i++) {
		m[o++] = 63;
		memset(m + o, 'y', 63);
		o += 63;
	}
	m[o++] = 0xc0;
	m[o++] = 0;
	assert_int_equal(rd(m, o, 65, out, NULL), -MG_EBADMSG);
}

static void
test_name_read_rejects_bad_labels(void **state)
{
	static const uint8_t ext[] = {0x41, 'a', 0};
	static const uint8_t trunc[] = {5, 'a', 'b'};
	static const uint8_t noend[] = {1, 'a'};
	static const uint8_t ptr1[] = {0xc0};
	uint8_t out[255];
	size_t off = 0;

	(void)state;
	assert_int_equal(rd(ext, sizeof(ext), 0, out, NULL), -MG_EBADMSG);
	assert_int_equal(rd(trunc, sizeof(trunc), 0, out, NULL), -MG_EBADMSG);
	assert_int_equal(rd(noend, sizeof(noend), 0, out, NULL), -MG_EBADMSG);
	assert_int_equal(rd(ptr1, sizeof(ptr1), 0, out, NULL), -MG_EBADMSG);
	assert_int_equal(
	    mg_dns_name_read(mg_view_make(ptr1, 0), &off, out, false),
	    -MG_EBADMSG);
}

static void
test_name_read_nocomp_refuses_pointers(void **state)
{
	static const uint8_t m[] = {0, 1, 'a', 0xc0, 0};
	uint8_t out[255];
	size_t off = 1;

	(void)state;
	assert_int_equal(
	    mg_dns_name_read(mg_view_make(m, sizeof(m)), &off, out, true),
	    -MG_EBADMSG);
}

static void
test_name_write_compresses_without_case(void **state)
{
	uint8_t buf[512];
	struct mg_wr w = mg_wr_init(buf, sizeof(buf));
	struct mg_dns_ctab ct = {{0}, 0};
	uint8_t out[255];
	size_t off;

	(void)state;
	(void)mg_wr_zero(&w, 12);
	assert_true(mg_dns_name_write(&w, dt_name("www.Example.COM."), &ct));
	assert_int_equal(mg_wr_len(&w), 12 + 17);
	assert_true(mg_dns_name_write(&w, dt_name("mail.example.com."), &ct));
	/* 4 mail + pointer to example.com at 16. */
	assert_int_equal(mg_wr_len(&w), 12 + 17 + 7);
	assert_int_equal(buf[12 + 17 + 5], 0xc0);
	assert_int_equal(buf[12 + 17 + 6], 16);
	assert_true(mg_dns_name_write(&w, dt_name("WWW.example.com."), &ct));
	assert_int_equal(mg_wr_len(&w), 12 + 17 + 7 + 2);
	off = 12 + 17;
	assert_int_equal(mg_dns_name_read(mg_wr_written(&w), &off, out, false),
	    18);
	assert_true(mg_dns_name_eq(out, dt_name("mail.example.com.")));
	/* The root is never compressed. */
	assert_true(mg_dns_name_write(&w, dt_name("."), &ct));
	assert_int_equal(buf[mg_wr_len(&w) - 1], 0);
}

static void
test_name_write_stops_at_the_cursor_limit(void **state)
{
	uint8_t buf[20];
	struct mg_wr w = mg_wr_init(buf, sizeof(buf));

	(void)state;
	(void)mg_wr_zero(&w, 12);
	assert_false(mg_dns_name_write(&w, dt_name("www.example.com."), NULL));
	assert_false(mg_wr_ok(&w));
}

static void
test_name_parse_escapes_and_relative(void **state)
{
	uint8_t out[255], origin[255];
	char text[MG_DNS_NAME_TEXT_MAX];
	const char *why;
	int n;

	(void)state;
	memcpy(origin, dt_name("example.com."), 13);
	n = mg_dns_name_parse("a\\.b\\065", 8, origin, out, &why);
	assert_int_equal(n, 5 + 13);
	assert_memory_equal(out, "\4a.bA\7example\3com", 18);
	mg_dns_name_text(out, text, sizeof(text));
	assert_string_equal(text, "a\\.bA.example.com.");
	n = mg_dns_name_parse("@", 1, origin, out, &why);
	assert_int_equal(n, 13);
	n = mg_dns_name_parse(".", 1, origin, out, &why);
	assert_int_equal(n, 1);
	n = mg_dns_name_parse("x", 1, NULL, out, &why);
	assert_true(n < 0);
	n = mg_dns_name_parse("a..b.", 5, NULL, out, &why);
	assert_true(n < 0);
	n = mg_dns_name_parse("a\\256.", 6, NULL, out, &why);
	assert_true(n < 0);
	mg_dns_name_text(dt_name("sp\\032ace."), text, sizeof(text));
	assert_string_equal(text, "sp\\032ace.");
}

static void
test_name_parse_bounds_labels_and_length(void **state)
{
	char s[400];
	uint8_t out[255];
	const char *why;

	(void)state;
	memset(s, 'a', 63);
	strcpy(s + 63, ".");
	assert_int_equal(mg_dns_name_parse(s, 64, NULL, out, &why), 65);
	memset(s, 'a', 64);
	strcpy(s + 64, ".");
	assert_true(mg_dns_name_parse(s, 65, NULL, out, &why) < 0);
	/* 4 labels of 62: 4 * 63 + 1 = 253 fits; one more label does not. */
	strcpy(s, "");
	for (int i = 0; i < 4; i++) {
		memset(s + strlen(s), 'b', 62);
		s[63 * (i + 1) - 1] = '.';
		s[63 * (i + 1)] = '\0';
	}
	assert_int_equal(mg_dns_name_parse(s, strlen(s), NULL, out, &why), 253);
	strcat(s, "cc.");
	assert_true(mg_dns_name_parse(s, strlen(s), NULL, out, &why) < 0);
	strcpy(s + strlen(s) - 3, "c.");
	assert_int_equal(mg_dns_name_parse(s, strlen(s), NULL, out, &why), 255);
}

static void
test_name_canonical_order(void **state)
{
	/* RFC 4034 6.1's example, in order. */
	static const char *order[] = {"example.", "a.example.",
	    "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
	    "z.example.", "\\001.z.example.", "*.z.example.",
	    "\\200.z.example."};
	size_t i, j;

	(void)state;
	for (i = 0; i < 9; i++)
		for (j = 0; j < 9; j++) {
			int c = mg_dns_name_cmp(dt_name(order[i]),
			    dt_name(order[j]));

			assert_true(i < j ? c < 0 : i == j ? c == 0 : c > 0);
		}
	assert_true(
	    mg_dns_name_under(dt_name("a.b.example."), dt_name("EXAMPLE.")));
	assert_false(
	    mg_dns_name_under(dt_name("example."), dt_name("a.example.")));
	assert_false(
	    mg_dns_name_under(dt_name("xexample."), dt_name("example.")));
	assert_true(mg_dns_name_under(dt_name("a."), dt_name(".")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_read_follows_backward_pointers),
	    cmocka_unit_test(test_name_read_rejects_forward_and_self_pointers),
	    cmocka_unit_test(test_name_read_rejects_pointer_loops),
	    cmocka_unit_test(test_name_read_bounds_hops),
	    cmocka_unit_test(test_name_read_bounds_length),
	    cmocka_unit_test(test_name_read_rejects_bad_labels),
	    cmocka_unit_test(test_name_read_nocomp_refuses_pointers),
	    cmocka_unit_test(test_name_write_compresses_without_case),
	    cmocka_unit_test(test_name_write_stops_at_the_cursor_limit),
	    cmocka_unit_test(test_name_parse_escapes_and_relative),
	    cmocka_unit_test(test_name_parse_bounds_labels_and_length),
	    cmocka_unit_test(test_name_canonical_order),
	};

	fake_plat_heap();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
