/* SPDX-License-Identifier: ISC */
/* test_view.c: unit tests for views, read cursors and write cursors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mg/view.h"

/* Bytes with the high bit set in every position catch sign extension. */
static const uint8_t be8[8] = {0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8};

/*
 * SIZE_MAX through a volatile, so gcc does not warn about the memcpy of
 * SIZE_MAX bytes on the path the cursor refuses to take.
 */
static volatile size_t size_max = SIZE_MAX;

#define GUARD      0xa5
#define GUARD_SIZE 16

/* A write buffer of cap bytes followed by a guard that must stay intact. */
struct wbuf {
	uint8_t b[64 + GUARD_SIZE];
	size_t cap;
};

static struct mg_wr
wbuf_init(struct wbuf *wb, size_t cap)
{
	assert_true(cap <= 64);
	memset(wb->b, GUARD, sizeof(wb->b));
	wb->cap = cap;
	return mg_wr_init(wb->b, cap);
}

/* True if every byte from off to the end of the guard still holds GUARD. */
static bool
wbuf_untouched_from(const struct wbuf *wb, size_t off)
{
	size_t i;

	for (i = off; i < sizeof(wb->b); i++)
		if (wb->b[i] != GUARD)
			return false;
	return true;
}

/*
 * mg_view
 */

static void
test_view_make_null_gives_len_0(void **state)
{
	mg_view v = mg_view_make(NULL, 5);

	(void)state;
	assert_null(v.p);
	assert_int_equal(v.len, 0);
}

static void
test_view_make_keeps_pointer_and_len(void **state)
{
	mg_view v = mg_view_make(be8, sizeof(be8));

	(void)state;
	assert_ptr_equal(v.p, be8);
	assert_int_equal(v.len, 8);
}

static void
test_view_empty_is_null_and_len_0(void **state)
{
	mg_view v = mg_view_empty();

	(void)state;
	assert_null(v.p);
	assert_int_equal(v.len, 0);
}

static void
test_view_sub_accepts_whole_view(void **state)
{
	mg_view v = mg_view_make(be8, 8), s;

	(void)state;
	assert_true(mg_view_sub(v, 0, 8, &s));
	assert_ptr_equal(s.p, be8);
	assert_int_equal(s.len, 8);
}

static void
test_view_sub_accepts_off_len_with_len_0(void **state)
{
	mg_view v = mg_view_make(be8, 8), s;

	(void)state;
	assert_true(mg_view_sub(v, 8, 0, &s));
	assert_ptr_equal(s.p, be8 + 8);
	assert_int_equal(s.len, 0);
}

static void
test_view_sub_accepts_last_byte(void **state)
{
	mg_view v = mg_view_make(be8, 8), s;

	(void)state;
	assert_true(mg_view_sub(v, 7, 1, &s));
	assert_ptr_equal(s.p, be8 + 7);
	assert_int_equal(s.len, 1);
}

static void
test_view_sub_rejects_off_len_plus_1(void **state)
{
	mg_view v = mg_view_make(be8, 8), s = {NULL, 42};

	(void)state;
	assert_false(mg_view_sub(v, 9, 0, &s));
	assert_null(s.p);
	assert_int_equal(s.len, 42);
}

static void
test_view_sub_rejects_len_past_end(void **state)
{
	mg_view v = mg_view_make(be8, 8), s = {NULL, 42};

	(void)state;
	assert_false(mg_view_sub(v, 0, 9, &s));
	assert_false(mg_view_sub(v, 2, 7, &s));
	assert_false(mg_view_sub(v, 8, 1, &s));
	assert_null(s.p);
	assert_int_equal(s.len, 42);
}

static void
test_view_sub_rejects_len_size_max(void **state)
{
	mg_view v = mg_view_make(be8, 8), s = {NULL, 42};

	(void)state;
	/* off + len wraps to 0 and to off - 1: an adding check would pass. */
	assert_false(mg_view_sub(v, 0, SIZE_MAX, &s));
	assert_false(mg_view_sub(v, 1, SIZE_MAX, &s));
	assert_false(mg_view_sub(v, 8, SIZE_MAX, &s));
	assert_null(s.p);
	assert_int_equal(s.len, 42);
}

static void
test_view_sub_rejects_off_size_max(void **state)
{
	mg_view v = mg_view_make(be8, 8), s = {NULL, 42};

	(void)state;
	assert_false(mg_view_sub(v, SIZE_MAX, 0, &s));
	assert_false(mg_view_sub(v, SIZE_MAX, 1, &s));
	assert_false(mg_view_sub(v, SIZE_MAX - 6, 8, &s));
	assert_false(mg_view_sub(v, SIZE_MAX, SIZE_MAX, &s));
	assert_null(s.p);
	assert_int_equal(s.len, 42);
}

static void
test_view_sub_of_sub_stays_inside(void **state)
{
	mg_view v = mg_view_make(be8, 8), s, t;

	(void)state;
	assert_true(mg_view_sub(v, 2, 4, &s));
	assert_true(mg_view_sub(s, 1, 3, &t));
	assert_ptr_equal(t.p, be8 + 3);
	assert_int_equal(t.len, 3);
	/* The parent has bytes there, but the sub-view does not. */
	assert_false(mg_view_sub(s, 1, 4, &t));
}

static void
test_view_tail_at_off_0_is_whole_view(void **state)
{
	mg_view v = mg_view_make(be8, 8), s;

	(void)state;
	assert_true(mg_view_tail(v, 0, &s));
	assert_ptr_equal(s.p, be8);
	assert_int_equal(s.len, 8);
}

static void
test_view_tail_at_len_is_empty(void **state)
{
	mg_view v = mg_view_make(be8, 8), s;

	(void)state;
	assert_true(mg_view_tail(v, 8, &s));
	assert_ptr_equal(s.p, be8 + 8);
	assert_int_equal(s.len, 0);
	assert_true(mg_view_tail(v, 7, &s));
	assert_int_equal(s.len, 1);
	assert_int_equal(s.p[0], 0xf8);
}

static void
test_view_tail_rejects_len_plus_1(void **state)
{
	mg_view v = mg_view_make(be8, 8), s = {NULL, 42};

	(void)state;
	assert_false(mg_view_tail(v, 9, &s));
	assert_null(s.p);
	assert_int_equal(s.len, 42);
}

static void
test_view_tail_rejects_off_size_max(void **state)
{
	mg_view v = mg_view_make(be8, 8), s = {NULL, 42};

	(void)state;
	assert_false(mg_view_tail(v, SIZE_MAX, &s));
	assert_null(s.p);
	assert_int_equal(s.len, 42);
}

static void
test_view_u8_at_last_byte_and_one_past(void **state)
{
	mg_view v = mg_view_make(be8, 8);
	uint8_t x = 0x11;

	(void)state;
	assert_true(mg_view_u8(v, 0, &x));
	assert_int_equal(x, 0x81);
	assert_true(mg_view_u8(v, 7, &x));
	assert_int_equal(x, 0xf8);
	x = 0x11;
	assert_false(mg_view_u8(v, 8, &x));
	assert_false(mg_view_u8(v, SIZE_MAX, &x));
	assert_int_equal(x, 0x11);
}

static void
test_view_u16be_at_last_offset_and_one_past(void **state)
{
	mg_view v = mg_view_make(be8, 8);
	uint16_t x = 0x1111;

	(void)state;
	assert_true(mg_view_u16be(v, 0, &x));
	assert_int_equal(x, 0x8192);
	assert_true(mg_view_u16be(v, 6, &x));
	assert_int_equal(x, 0xe7f8);
	x = 0x1111;
	assert_false(mg_view_u16be(v, 7, &x));
	assert_false(mg_view_u16be(v, 8, &x));
	assert_false(mg_view_u16be(v, 9, &x));
	assert_false(mg_view_u16be(v, SIZE_MAX, &x));
	assert_false(mg_view_u16be(v, SIZE_MAX - 1, &x));
	assert_int_equal(x, 0x1111);
}

static void
test_view_u32be_at_last_offset_and_one_past(void **state)
{
	mg_view v = mg_view_make(be8, 8);
	uint32_t x = 0x11111111;

	(void)state;
	assert_true(mg_view_u32be(v, 0, &x));
	assert_int_equal(x, 0x8192a3b4);
	assert_true(mg_view_u32be(v, 4, &x));
	assert_int_equal(x, 0xc5d6e7f8);
	x = 0x11111111;
	assert_false(mg_view_u32be(v, 5, &x));
	assert_false(mg_view_u32be(v, 8, &x));
	assert_false(mg_view_u32be(v, 9, &x));
	assert_false(mg_view_u32be(v, SIZE_MAX, &x));
	assert_false(mg_view_u32be(v, SIZE_MAX - 3, &x));
	assert_int_equal(x, 0x11111111);
}

static void
test_view_u16le_at_last_offset_and_one_past(void **state)
{
	mg_view v = mg_view_make(be8, 8);
	uint16_t x = 0x1111;

	(void)state;
	assert_true(mg_view_u16le(v, 0, &x));
	assert_int_equal(x, 0x9281);
	assert_true(mg_view_u16le(v, 6, &x));
	assert_int_equal(x, 0xf8e7);
	x = 0x1111;
	assert_false(mg_view_u16le(v, 7, &x));
	assert_false(mg_view_u16le(v, 9, &x));
	assert_false(mg_view_u16le(v, SIZE_MAX, &x));
	assert_false(mg_view_u16le(v, SIZE_MAX - 1, &x));
	assert_int_equal(x, 0x1111);
}

static void
test_view_u32le_at_last_offset_and_one_past(void **state)
{
	mg_view v = mg_view_make(be8, 8);
	uint32_t x = 0x11111111;

	(void)state;
	assert_true(mg_view_u32le(v, 0, &x));
	assert_int_equal(x, 0xb4a39281);
	assert_true(mg_view_u32le(v, 4, &x));
	assert_int_equal(x, 0xf8e7d6c5);
	x = 0x11111111;
	assert_false(mg_view_u32le(v, 5, &x));
	assert_false(mg_view_u32le(v, 9, &x));
	assert_false(mg_view_u32le(v, SIZE_MAX, &x));
	assert_false(mg_view_u32le(v, SIZE_MAX - 3, &x));
	assert_int_equal(x, 0x11111111);
}

static void
test_view_getters_fail_on_empty_view(void **state)
{
	mg_view e = mg_view_empty();
	uint8_t b = 1;
	uint16_t h = 2;
	uint32_t w = 3;

	(void)state;
	assert_false(mg_view_u8(e, 0, &b));
	assert_false(mg_view_u16be(e, 0, &h));
	assert_false(mg_view_u16le(e, 0, &h));
	assert_false(mg_view_u32be(e, 0, &w));
	assert_false(mg_view_u32le(e, 0, &w));
	assert_int_equal(b, 1);
	assert_int_equal(h, 2);
	assert_int_equal(w, 3);
}

static void
test_view_getters_read_only_inside_sub_view(void **state)
{
	mg_view v = mg_view_make(be8, 8), s;
	uint32_t w = 3;
	uint16_t h = 2;

	(void)state;
	assert_true(mg_view_sub(v, 1, 5, &s));
	assert_true(mg_view_u32be(s, 1, &w));
	assert_int_equal(w, 0xa3b4c5d6);
	/* be8[6..7] exist, but not in s. */
	assert_false(mg_view_u32be(s, 2, &w));
	assert_false(mg_view_u16le(s, 4, &h));
	assert_true(mg_view_u16le(s, 3, &h));
	assert_int_equal(h, 0xd6c5);
}

static void
test_view_eq_same_bytes_other_pointer(void **state)
{
	uint8_t copy[8];

	(void)state;
	memcpy(copy, be8, 8);
	assert_true(mg_view_eq(mg_view_make(be8, 8), mg_view_make(copy, 8)));
	copy[7] ^= 1;
	assert_false(mg_view_eq(mg_view_make(be8, 8), mg_view_make(copy, 8)));
	copy[7] ^= 1;
	copy[0] ^= 0x80;
	assert_false(mg_view_eq(mg_view_make(be8, 8), mg_view_make(copy, 8)));
}

static void
test_view_eq_rejects_prefix(void **state)
{
	(void)state;
	assert_false(mg_view_eq(mg_view_make(be8, 7), mg_view_make(be8, 8)));
	assert_false(mg_view_eq(mg_view_make(be8, 8), mg_view_make(be8, 7)));
	assert_false(mg_view_eq(mg_view_empty(), mg_view_make(be8, 1)));
}

static void
test_view_eq_empty_views_are_equal(void **state)
{
	(void)state;
	assert_true(mg_view_eq(mg_view_empty(), mg_view_empty()));
	assert_true(mg_view_eq(mg_view_empty(), mg_view_make(be8, 0)));
	assert_true(mg_view_eq(mg_view_make(be8 + 3, 0), mg_view_empty()));
}

static void
test_view_eq_nocase_folds_ascii_letters(void **state)
{
	(void)state;
	assert_true(mg_view_eq_nocase(mg_view_str("Content-LENGTH"),
	    mg_view_str("content-length")));
	assert_true(
	    mg_view_eq_nocase(mg_view_str("AZaz"), mg_view_str("azAZ")));
	assert_false(
	    mg_view_eq_nocase(mg_view_str("host"), mg_view_str("hosts")));
	assert_false(
	    mg_view_eq_nocase(mg_view_str("hosT"), mg_view_str("hosr")));
	assert_true(mg_view_eq_nocase(mg_view_empty(), mg_view_str("")));
}

static void
test_view_eq_nocase_folds_only_letters(void **state)
{
	static const uint8_t a[] = {'@', '[', '\\', ']', '^', '_', 0xc0, 0xc9};
	static const uint8_t b[] = {'`', '{', '|', '}', '~', 0x7f, 0xe0, 0xe9};
	size_t i;

	(void)state;
	/* Each pair differs by 0x20, as upper and lower case letters do. */
	for (i = 0; i < sizeof(a); i++)
		assert_false(mg_view_eq_nocase(mg_view_make(&a[i], 1),
		    mg_view_make(&b[i], 1)));
}

static void
test_view_find_first_last_and_missing(void **state)
{
	static const uint8_t s[] = {'a', 'b', 0, 'c', 'b', 0xff};
	mg_view v = mg_view_make(s, sizeof(s));

	(void)state;
	assert_int_equal(mg_view_find(v, 'a'), 0);
	assert_int_equal(mg_view_find(v, 'b'), 1);
	assert_int_equal(mg_view_find(v, 0), 2);
	assert_int_equal(mg_view_find(v, 0xff), 5);
	assert_int_equal(mg_view_find(v, 'z'), -1);
}

static void
test_view_find_stays_inside_view(void **state)
{
	static const uint8_t s[] = {'a', 'b', 'c', 'd'};

	(void)state;
	assert_int_equal(mg_view_find(mg_view_make(s, 3), 'd'), -1);
	assert_int_equal(mg_view_find(mg_view_make(s + 1, 2), 'a'), -1);
	assert_int_equal(mg_view_find(mg_view_make(s + 1, 2), 'c'), 1);
}

static void
test_view_find_in_empty_view_is_minus_1(void **state)
{
	(void)state;
	assert_int_equal(mg_view_find(mg_view_empty(), 0), -1);
	assert_int_equal(mg_view_find(mg_view_make(be8, 0), 0x81), -1);
}

static void
test_view_str_excludes_nul(void **state)
{
	static const char s[] = "abc";
	mg_view v = mg_view_str(s);

	(void)state;
	assert_ptr_equal(v.p, s);
	assert_int_equal(v.len, 3);
	v = mg_view_str("");
	assert_non_null(v.p);
	assert_int_equal(v.len, 0);
}

static void
test_view_str_null_is_empty(void **state)
{
	mg_view v = mg_view_str(NULL);

	(void)state;
	assert_null(v.p);
	assert_int_equal(v.len, 0);
}

/*
 * mg_rd
 */

static void
test_rd_init_starts_ok_at_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 0);
	assert_int_equal(mg_rd_left(&r), 8);
}

static void
test_rd_u8_at_exact_end_then_fails(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 2));

	(void)state;
	assert_int_equal(mg_rd_u8(&r), 0x81);
	assert_int_equal(mg_rd_u8(&r), 0x92);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
	assert_int_equal(mg_rd_u8(&r), 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
	assert_int_equal(mg_rd_off(&r), 2);
}

static void
test_rd_u8_on_empty_view_fails(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_empty());

	(void)state;
	assert_int_equal(mg_rd_u8(&r), 0);
	assert_false(mg_rd_ok(&r));
}

static void
test_rd_u16be_at_exact_end(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8 + 6, 2));

	(void)state;
	assert_int_equal(mg_rd_u16be(&r), 0xe7f8);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u16be_one_byte_short_returns_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 1));

	(void)state;
	assert_int_equal(mg_rd_u16be(&r), 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u32be_at_exact_end(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8 + 4, 4));

	(void)state;
	assert_int_equal(mg_rd_u32be(&r), 0xc5d6e7f8);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u32be_one_byte_short_returns_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 3));

	(void)state;
	assert_int_equal(mg_rd_u32be(&r), 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u64be_at_exact_end(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_true(mg_rd_u64be(&r) == 0x8192a3b4c5d6e7f8ULL);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
	assert_int_equal(mg_rd_off(&r), 8);
}

static void
test_rd_u64be_one_byte_short_returns_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 7));

	(void)state;
	/* The first half fits: the read as a whole must still give 0. */
	assert_true(mg_rd_u64be(&r) == 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u64be_with_3_bytes_returns_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 3));

	(void)state;
	assert_true(mg_rd_u64be(&r) == 0);
	assert_false(mg_rd_ok(&r));
}

static void
test_rd_u16le_at_exact_end(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8 + 6, 2));

	(void)state;
	assert_int_equal(mg_rd_u16le(&r), 0xf8e7);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u16le_one_byte_short_returns_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 1));

	(void)state;
	assert_int_equal(mg_rd_u16le(&r), 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u32le_at_exact_end(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8 + 4, 4));

	(void)state;
	assert_int_equal(mg_rd_u32le(&r), 0xf8e7d6c5);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_u32le_one_byte_short_returns_0(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 3));

	(void)state;
	assert_int_equal(mg_rd_u32le(&r), 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_mixed_reads_advance_offset(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_int_equal(mg_rd_u8(&r), 0x81);
	assert_int_equal(mg_rd_u16le(&r), 0xa392);
	assert_int_equal(mg_rd_off(&r), 3);
	assert_int_equal(mg_rd_u32be(&r), 0xb4c5d6e7);
	assert_int_equal(mg_rd_left(&r), 1);
	assert_int_equal(mg_rd_u8(&r), 0xf8);
	assert_true(mg_rd_ok(&r));
}

static void
test_rd_error_is_sticky(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	uint8_t dst[4] = {1, 2, 3, 4};
	mg_view v;

	(void)state;
	assert_int_equal(mg_rd_u8(&r), 0x81);
	/* Fail with a read that is too long; 7 bytes remain. */
	assert_null(mg_rd_take(&r, 8).p);
	assert_false(mg_rd_ok(&r));
	/* Every later read is a no-op even though bytes are there. */
	assert_int_equal(mg_rd_u8(&r), 0);
	assert_int_equal(mg_rd_u16be(&r), 0);
	assert_int_equal(mg_rd_u16le(&r), 0);
	assert_int_equal(mg_rd_u32be(&r), 0);
	assert_int_equal(mg_rd_u32le(&r), 0);
	assert_true(mg_rd_u64be(&r) == 0);
	v = mg_rd_take(&r, 1);
	assert_null(v.p);
	assert_int_equal(v.len, 0);
	v = mg_rd_take(&r, 0);
	assert_null(v.p);
	assert_int_equal(v.len, 0);
	assert_false(mg_rd_skip(&r, 0));
	assert_false(mg_rd_skip(&r, 1));
	assert_false(mg_rd_copy(&r, dst, 2));
	assert_memory_equal(dst, ((uint8_t[]){1, 2, 3, 4}), 4);
	assert_false(mg_rd_need(&r, 0));
	assert_false(mg_rd_seek(&r, 0));
	v = mg_rd_rest(&r);
	assert_null(v.p);
	assert_int_equal(v.len, 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
	assert_int_equal(mg_rd_off(&r), 1);
}

static void
test_rd_left_is_0_after_failure(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_int_equal(mg_rd_u32be(&r), 0x8192a3b4);
	assert_int_equal(mg_rd_left(&r), 4);
	assert_false(mg_rd_skip(&r, 5));
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_fail_marks_error(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	mg_rd_fail(&r);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
	assert_int_equal(mg_rd_u8(&r), 0);
}

static void
test_rd_need_exact_and_one_more(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_true(mg_rd_need(&r, 8));
	assert_int_equal(mg_rd_off(&r), 0);
	assert_true(mg_rd_need(&r, 0));
	assert_false(mg_rd_need(&r, 9));
	assert_false(mg_rd_ok(&r));
}

static void
test_rd_take_exact_rest(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	mg_view v;

	(void)state;
	(void)mg_rd_u8(&r);
	v = mg_rd_take(&r, 7);
	assert_true(mg_rd_ok(&r));
	assert_ptr_equal(v.p, be8 + 1);
	assert_int_equal(v.len, 7);
	assert_int_equal(mg_rd_left(&r), 0);
	/* A zero-length take at the end succeeds. */
	v = mg_rd_take(&r, 0);
	assert_true(mg_rd_ok(&r));
	assert_ptr_equal(v.p, be8 + 8);
	assert_int_equal(v.len, 0);
}

static void
test_rd_take_one_byte_short_fails(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	mg_view v;

	(void)state;
	v = mg_rd_take(&r, 9);
	assert_null(v.p);
	assert_int_equal(v.len, 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 0);
}

static void
test_rd_take_size_max_fails(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	mg_view v;

	(void)state;
	(void)mg_rd_u8(&r);
	/* off + SIZE_MAX wraps to 0: an adding check would pass. */
	v = mg_rd_take(&r, SIZE_MAX);
	assert_null(v.p);
	assert_int_equal(v.len, 0);
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 1);
}

static void
test_rd_skip_exact_and_size_max(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_true(mg_rd_skip(&r, 3));
	assert_true(mg_rd_skip(&r, 5));
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 8);
	assert_true(mg_rd_skip(&r, 0));
	r = mg_rd_init(mg_view_make(be8, 8));
	(void)mg_rd_u8(&r);
	assert_false(mg_rd_skip(&r, SIZE_MAX));
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 1);
}

static void
test_rd_copy_exact(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	uint8_t dst[9];

	(void)state;
	memset(dst, 0x55, sizeof(dst));
	assert_true(mg_rd_copy(&r, dst, 8));
	assert_memory_equal(dst, be8, 8);
	assert_int_equal(dst[8], 0x55);
	assert_int_equal(mg_rd_left(&r), 0);
	assert_true(mg_rd_copy(&r, dst, 0));
	assert_true(mg_rd_ok(&r));
}

static void
test_rd_copy_one_byte_short_leaves_dst(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	uint8_t dst[9];
	size_t i;

	(void)state;
	memset(dst, 0x55, sizeof(dst));
	assert_false(mg_rd_copy(&r, dst, 9));
	for (i = 0; i < sizeof(dst); i++)
		assert_int_equal(dst[i], 0x55);
	assert_false(mg_rd_ok(&r));
}

static void
test_rd_copy_size_max_fails(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	uint8_t dst[4] = {9, 9, 9, 9};

	(void)state;
	(void)mg_rd_u8(&r);
	assert_false(mg_rd_copy(&r, dst, size_max));
	assert_memory_equal(dst, ((uint8_t[]){9, 9, 9, 9}), 4);
	assert_false(mg_rd_ok(&r));
}

static void
test_rd_seek_to_len_then_reads_fail(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	mg_view v;

	(void)state;
	assert_true(mg_rd_seek(&r, 8));
	assert_true(mg_rd_ok(&r));
	assert_int_equal(mg_rd_left(&r), 0);
	v = mg_rd_rest(&r);
	assert_ptr_equal(v.p, be8 + 8);
	assert_int_equal(v.len, 0);
	assert_int_equal(mg_rd_u8(&r), 0);
	assert_false(mg_rd_ok(&r));
}

static void
test_rd_seek_back_rereads(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_int_equal(mg_rd_u32be(&r), 0x8192a3b4);
	assert_true(mg_rd_seek(&r, 2));
	assert_int_equal(mg_rd_u16be(&r), 0xa3b4);
	assert_true(mg_rd_seek(&r, 0));
	assert_int_equal(mg_rd_u8(&r), 0x81);
	assert_true(mg_rd_ok(&r));
}

static void
test_rd_seek_rejects_len_plus_1(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	(void)mg_rd_u8(&r);
	assert_false(mg_rd_seek(&r, 9));
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 1);
	assert_int_equal(mg_rd_left(&r), 0);
}

static void
test_rd_seek_rejects_size_max(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));

	(void)state;
	assert_false(mg_rd_seek(&r, SIZE_MAX));
	assert_false(mg_rd_ok(&r));
	assert_int_equal(mg_rd_off(&r), 0);
}

static void
test_rd_rest_does_not_move(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_make(be8, 8));
	mg_view v;

	(void)state;
	(void)mg_rd_u16be(&r);
	v = mg_rd_rest(&r);
	assert_ptr_equal(v.p, be8 + 2);
	assert_int_equal(v.len, 6);
	assert_int_equal(mg_rd_off(&r), 2);
	assert_int_equal(mg_rd_u8(&r), 0xa3);
}

/*
 * mg_wr
 */

static void
test_wr_init_starts_empty(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 16);

	(void)state;
	assert_true(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 0);
	assert_int_equal(mg_wr_left(&w), 16);
	assert_int_equal(w.cap, 16);
	assert_int_equal(w.limit, 16);
}

static void
test_wr_exact_fit(void **state)
{
	static const uint8_t want[] = {0x81, 0x92, 0xa3, 0xa4, 0xb5, 0xc6, 0xd7,
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xee, 0xef, 0, 0};
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, sizeof(want));

	(void)state;
	assert_true(mg_wr_u8(&w, 0x81));
	assert_true(mg_wr_u16be(&w, 0x92a3));
	assert_true(mg_wr_u32be(&w, 0xa4b5c6d7));
	assert_true(mg_wr_u64be(&w, 0x0102030405060708ULL));
	assert_true(mg_wr_bytes(&w, "\xee\xef", 2));
	assert_true(mg_wr_zero(&w, 2));
	assert_true(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), sizeof(want));
	assert_int_equal(mg_wr_left(&w), 0);
	assert_memory_equal(wb.b, want, sizeof(want));
	assert_true(wbuf_untouched_from(&wb, sizeof(want)));
}

static void
test_wr_u8_one_byte_over_writes_nothing(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 0);

	(void)state;
	assert_false(mg_wr_u8(&w, 0x11));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 0);
	assert_true(wbuf_untouched_from(&wb, 0));
}

static void
test_wr_u16be_one_byte_over_writes_nothing(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 1);

	(void)state;
	assert_false(mg_wr_u16be(&w, 0x1122));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 0);
	assert_true(wbuf_untouched_from(&wb, 0));
}

static void
test_wr_u32be_one_byte_over_writes_nothing(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 5);

	(void)state;
	assert_true(mg_wr_u16be(&w, 0x1122));
	assert_false(mg_wr_u32be(&w, 0x33445566));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 2);
	assert_true(wbuf_untouched_from(&wb, 2));
}

static void
test_wr_u64be_one_byte_over_writes_nothing(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 7);

	(void)state;
	assert_false(mg_wr_u64be(&w, UINT64_MAX));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 0);
	assert_true(wbuf_untouched_from(&wb, 0));
}

static void
test_wr_bytes_one_byte_over_writes_nothing(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 7);

	(void)state;
	assert_false(mg_wr_bytes(&w, be8, 8));
	assert_false(mg_wr_ok(&w));
	assert_true(wbuf_untouched_from(&wb, 0));
	w = wbuf_init(&wb, 8);
	assert_true(mg_wr_view(&w, mg_view_make(be8, 8)));
	assert_memory_equal(wb.b, be8, 8);
	assert_true(wbuf_untouched_from(&wb, 8));
}

static void
test_wr_zero_one_byte_over_writes_nothing(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 7);

	(void)state;
	assert_false(mg_wr_zero(&w, 8));
	assert_false(mg_wr_ok(&w));
	assert_true(wbuf_untouched_from(&wb, 0));
}

static void
test_wr_space_size_max_fails(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u8(&w, 1));
	assert_null(mg_wr_space(&w, SIZE_MAX));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 1);
	assert_false(mg_wr_bytes(&w, be8, size_max));
	assert_true(wbuf_untouched_from(&wb, 1));
}

static void
test_wr_error_is_sticky(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u16be(&w, 0x1234));
	assert_false(mg_wr_u64be(&w, 1));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_left(&w), 0);
	/* Room for these, but the cursor has failed. */
	assert_false(mg_wr_u8(&w, 1));
	assert_false(mg_wr_u16be(&w, 1));
	assert_false(mg_wr_u32be(&w, 1));
	assert_false(mg_wr_bytes(&w, be8, 1));
	assert_false(mg_wr_zero(&w, 1));
	assert_null(mg_wr_space(&w, 0));
	assert_false(mg_wr_reserve(&w, 0));
	assert_false(mg_wr_patch_u16be(&w, 0, 0xffff));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 2);
	assert_int_equal(wb.b[0], 0x12);
	assert_int_equal(wb.b[1], 0x34);
	assert_true(wbuf_untouched_from(&wb, 2));
}

static void
test_wr_space_0_returns_position(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 2);

	(void)state;
	assert_ptr_equal(mg_wr_space(&w, 0), wb.b);
	assert_true(mg_wr_u16be(&w, 1));
	/* A full cursor still gives zero bytes. */
	assert_ptr_equal(mg_wr_space(&w, 0), wb.b + 2);
	assert_true(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 2);
	assert_null(mg_wr_space(&w, 1));
	assert_false(mg_wr_ok(&w));
}

static void
test_wr_space_exact_and_one_over(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 10);
	uint8_t *q;

	(void)state;
	q = mg_wr_space(&w, 10);
	assert_ptr_equal(q, wb.b);
	assert_int_equal(mg_wr_len(&w), 10);
	w = wbuf_init(&wb, 10);
	assert_null(mg_wr_space(&w, 11));
	assert_int_equal(mg_wr_len(&w), 0);
}

static void
test_wr_reserve_keeps_tail(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_reserve(&w, 3));
	assert_int_equal(mg_wr_left(&w), 5);
	assert_int_equal(w.limit, 5);
	assert_true(mg_wr_bytes(&w, be8, 5));
	assert_false(mg_wr_u8(&w, 1));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 5);
	assert_true(wbuf_untouched_from(&wb, 5));
}

static void
test_wr_reserve_exact_left(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u16be(&w, 1));
	assert_true(mg_wr_reserve(&w, 6));
	assert_true(mg_wr_ok(&w));
	assert_int_equal(mg_wr_left(&w), 0);
	assert_true(mg_wr_reserve(&w, 0));
	assert_ptr_equal(mg_wr_space(&w, 0), wb.b + 2);
}

static void
test_wr_reserve_more_than_left_fails(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u16be(&w, 1));
	assert_false(mg_wr_reserve(&w, 7));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(w.limit, 8);
	w = wbuf_init(&wb, 8);
	assert_false(mg_wr_reserve(&w, SIZE_MAX));
	assert_false(mg_wr_ok(&w));
	assert_int_equal(w.limit, 8);
}

static void
test_wr_unreserve_gives_back_at_most_reserved(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_reserve(&w, 4));
	mg_wr_unreserve(&w, 1);
	assert_int_equal(w.limit, 5);
	mg_wr_unreserve(&w, 10);
	assert_int_equal(w.limit, 8);
	mg_wr_unreserve(&w, SIZE_MAX);
	assert_int_equal(w.limit, 8);
	assert_int_equal(mg_wr_left(&w), 8);
	assert_true(mg_wr_u64be(&w, 0));
	assert_true(wbuf_untouched_from(&wb, 8));
}

static void
test_wr_unreserve_then_write_tail(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 6);

	(void)state;
	assert_true(mg_wr_reserve(&w, 2));
	assert_true(mg_wr_u32be(&w, 0x01020304));
	assert_int_equal(mg_wr_left(&w), 0);
	mg_wr_unreserve(&w, 2);
	assert_true(mg_wr_u16be(&w, 0x0506));
	assert_memory_equal(wb.b, ((uint8_t[]){1, 2, 3, 4, 5, 6}), 6);
	assert_true(wbuf_untouched_from(&wb, 6));
}

static void
test_wr_rewind_clears_error_and_drops_bytes(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);
	size_t mark;

	(void)state;
	assert_true(mg_wr_u16be(&w, 0x0102));
	mark = mg_wr_len(&w);
	assert_true(mg_wr_u32be(&w, 0x03040506));
	assert_false(mg_wr_u32be(&w, 0x0708090a));
	assert_false(mg_wr_ok(&w));
	mg_wr_rewind(&w, mark);
	assert_true(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 2);
	assert_int_equal(mg_wr_left(&w), 6);
	assert_int_equal(mg_wr_written(&w).len, 2);
	assert_true(mg_wr_u16be(&w, 0xaabb));
	assert_memory_equal(wb.b, ((uint8_t[]){1, 2, 0xaa, 0xbb}), 4);
	mg_wr_rewind(&w, 0);
	assert_int_equal(mg_wr_len(&w), 0);
	assert_true(wbuf_untouched_from(&wb, 8));
}

static void
test_wr_rewind_to_len_keeps_bytes(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 4);

	(void)state;
	assert_true(mg_wr_u16be(&w, 0x0102));
	mg_wr_rewind(&w, 2);
	assert_int_equal(mg_wr_len(&w), 2);
	assert_true(mg_wr_ok(&w));
}

static void
test_wr_rewind_past_len_does_not_grow(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u16be(&w, 0x0102));
	/* A mark past the end is misuse; it must not expose unwritten bytes. */
	mg_wr_rewind(&w, 5);
	assert_int_equal(mg_wr_len(&w), 2);
	mg_wr_rewind(&w, SIZE_MAX);
	assert_int_equal(mg_wr_len(&w), 2);
}

static void
test_wr_rewind_keeps_reservation(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_reserve(&w, 2));
	assert_false(mg_wr_bytes(&w, be8, 7));
	mg_wr_rewind(&w, 0);
	assert_int_equal(mg_wr_left(&w), 6);
	assert_false(mg_wr_bytes(&w, be8, 7));
	assert_true(wbuf_untouched_from(&wb, 0));
}

static void
test_wr_patch_u16be_inside(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u32be(&w, 0));
	assert_true(mg_wr_patch_u16be(&w, 0, 0x1122));
	assert_true(mg_wr_patch_u16be(&w, 2, 0x3344));
	assert_true(mg_wr_patch_u16be(&w, 1, 0xabcd));
	assert_true(mg_wr_ok(&w));
	assert_int_equal(mg_wr_len(&w), 4);
	assert_memory_equal(wb.b, ((uint8_t[]){0x11, 0xab, 0xcd, 0x44}), 4);
	assert_true(wbuf_untouched_from(&wb, 4));
}

static void
test_wr_patch_u16be_straddling_end_fails(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u32be(&w, 0x01020304));
	assert_false(mg_wr_patch_u16be(&w, 3, 0xffff));
	assert_false(mg_wr_ok(&w));
	assert_memory_equal(wb.b, ((uint8_t[]){1, 2, 3, 4}), 4);
	assert_true(wbuf_untouched_from(&wb, 4));
}

static void
test_wr_patch_u16be_past_end_fails(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_true(mg_wr_u32be(&w, 0x01020304));
	assert_false(mg_wr_patch_u16be(&w, 4, 0xffff));
	assert_false(mg_wr_ok(&w));
	mg_wr_rewind(&w, 4);
	assert_false(mg_wr_patch_u16be(&w, 5, 0xffff));
	mg_wr_rewind(&w, 4);
	assert_false(mg_wr_patch_u16be(&w, SIZE_MAX, 0xffff));
	mg_wr_rewind(&w, 4);
	assert_false(mg_wr_patch_u16be(&w, SIZE_MAX - 1, 0xffff));
	assert_memory_equal(wb.b, ((uint8_t[]){1, 2, 3, 4}), 4);
	assert_true(wbuf_untouched_from(&wb, 4));
}

static void
test_wr_patch_u16be_on_empty_fails(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);

	(void)state;
	assert_false(mg_wr_patch_u16be(&w, 0, 0xffff));
	assert_false(mg_wr_ok(&w));
	assert_true(wbuf_untouched_from(&wb, 0));
}

static void
test_wr_init_null_buffer_has_no_room(void **state)
{
	struct mg_wr w = mg_wr_init(NULL, 100);
	mg_view v;

	(void)state;
	assert_int_equal(w.cap, 0);
	assert_int_equal(w.limit, 0);
	assert_int_equal(mg_wr_left(&w), 0);
	v = mg_wr_written(&w);
	assert_int_equal(v.len, 0);
	assert_false(mg_wr_u8(&w, 1));
	assert_false(mg_wr_ok(&w));
	mg_wr_rewind(&w, 0);
	assert_false(mg_wr_reserve(&w, 1));
	mg_wr_rewind(&w, 0);
	assert_true(mg_wr_reserve(&w, 0));
}

static void
test_wr_written_views_bytes_so_far(void **state)
{
	struct wbuf wb;
	struct mg_wr w = wbuf_init(&wb, 8);
	mg_view v;

	(void)state;
	v = mg_wr_written(&w);
	assert_int_equal(v.len, 0);
	assert_true(mg_wr_u32be(&w, 0x8192a3b4));
	v = mg_wr_written(&w);
	assert_ptr_equal(v.p, wb.b);
	assert_int_equal(v.len, 4);
	assert_true(mg_view_eq(v, mg_view_make(be8, 4)));
	/* A failed write does not change what has been written. */
	assert_false(mg_wr_bytes(&w, be8, 5));
	v = mg_wr_written(&w);
	assert_int_equal(v.len, 4);
}

/*
 * Empty views may have p == NULL (view.h: "p is NULL only when len is 0").
 * Taking a zero-length piece of one must work without forming NULL + 0,
 * which is undefined in C and which clang's UBSan reports.
 */

static void
test_view_sub_of_null_empty_view_at_0(void **state)
{
	mg_view s = {be8, 42};

	(void)state;
	assert_true(mg_view_sub(mg_view_empty(), 0, 0, &s));
	assert_int_equal(s.len, 0);
	s.len = 42;
	assert_true(mg_view_tail(mg_view_make(NULL, 5), 0, &s));
	assert_int_equal(s.len, 0);
}

static void
test_rd_take_0_of_null_empty_view(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_empty());
	mg_view v;

	(void)state;
	v = mg_rd_take(&r, 0);
	assert_true(mg_rd_ok(&r));
	assert_int_equal(v.len, 0);
}

static void
test_rd_rest_of_null_empty_view(void **state)
{
	struct mg_rd r = mg_rd_init(mg_view_empty());
	mg_view v;

	(void)state;
	v = mg_rd_rest(&r);
	assert_int_equal(v.len, 0);
	assert_true(mg_rd_ok(&r));
}

static void
test_wr_space_0_on_null_buffer(void **state)
{
	struct mg_wr w = mg_wr_init(NULL, 0);

	(void)state;
	(void)mg_wr_space(&w, 0);
	assert_true(mg_wr_ok(&w));
	assert_true(mg_wr_bytes(&w, NULL, 0));
	assert_true(mg_wr_view(&w, mg_view_empty()));
	assert_true(mg_wr_ok(&w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_view_make_null_gives_len_0),
	    cmocka_unit_test(test_view_make_keeps_pointer_and_len),
	    cmocka_unit_test(test_view_empty_is_null_and_len_0),
	    cmocka_unit_test(test_view_sub_accepts_whole_view),
	    cmocka_unit_test(test_view_sub_accepts_off_len_with_len_0),
	    cmocka_unit_test(test_view_sub_accepts_last_byte),
	    cmocka_unit_test(test_view_sub_rejects_off_len_plus_1),
	    cmocka_unit_test(test_view_sub_rejects_len_past_end),
	    cmocka_unit_test(test_view_sub_rejects_len_size_max),
	    cmocka_unit_test(test_view_sub_rejects_off_size_max),
	    cmocka_unit_test(test_view_sub_of_sub_stays_inside),
	    cmocka_unit_test(test_view_tail_at_off_0_is_whole_view),
	    cmocka_unit_test(test_view_tail_at_len_is_empty),
	    cmocka_unit_test(test_view_tail_rejects_len_plus_1),
	    cmocka_unit_test(test_view_tail_rejects_off_size_max),
	    cmocka_unit_test(test_view_u8_at_last_byte_and_one_past),
	    cmocka_unit_test(test_view_u16be_at_last_offset_and_one_past),
	    cmocka_unit_test(test_view_u32be_at_last_offset_and_one_past),
	    cmocka_unit_test(test_view_u16le_at_last_offset_and_one_past),
	    cmocka_unit_test(test_view_u32le_at_last_offset_and_one_past),
	    cmocka_unit_test(test_view_getters_fail_on_empty_view),
	    cmocka_unit_test(test_view_getters_read_only_inside_sub_view),
	    cmocka_unit_test(test_view_eq_same_bytes_other_pointer),
	    cmocka_unit_test(test_view_eq_rejects_prefix),
	    cmocka_unit_test(test_view_eq_empty_views_are_equal),
	    cmocka_unit_test(test_view_eq_nocase_folds_ascii_letters),
	    cmocka_unit_test(test_view_eq_nocase_folds_only_letters),
	    cmocka_unit_test(test_view_find_first_last_and_missing),
	    cmocka_unit_test(test_view_find_stays_inside_view),
	    cmocka_unit_test(test_view_find_in_empty_view_is_minus_1),
	    cmocka_unit_test(test_view_str_excludes_nul),
	    cmocka_unit_test(test_view_str_null_is_empty),
	    cmocka_unit_test(test_rd_init_starts_ok_at_0),
	    cmocka_unit_test(test_rd_u8_at_exact_end_then_fails),
	    cmocka_unit_test(test_rd_u8_on_empty_view_fails),
	    cmocka_unit_test(test_rd_u16be_at_exact_end),
	    cmocka_unit_test(test_rd_u16be_one_byte_short_returns_0),
	    cmocka_unit_test(test_rd_u32be_at_exact_end),
	    cmocka_unit_test(test_rd_u32be_one_byte_short_returns_0),
	    cmocka_unit_test(test_rd_u64be_at_exact_end),
	    cmocka_unit_test(test_rd_u64be_one_byte_short_returns_0),
	    cmocka_unit_test(test_rd_u64be_with_3_bytes_returns_0),
	    cmocka_unit_test(test_rd_u16le_at_exact_end),
	    cmocka_unit_test(test_rd_u16le_one_byte_short_returns_0),
	    cmocka_unit_test(test_rd_u32le_at_exact_end),
	    cmocka_unit_test(test_rd_u32le_one_byte_short_returns_0),
	    cmocka_unit_test(test_rd_mixed_reads_advance_offset),
	    cmocka_unit_test(test_rd_error_is_sticky),
	    cmocka_unit_test(test_rd_left_is_0_after_failure),
	    cmocka_unit_test(test_rd_fail_marks_error),
	    cmocka_unit_test(test_rd_need_exact_and_one_more),
	    cmocka_unit_test(test_rd_take_exact_rest),
	    cmocka_unit_test(test_rd_take_one_byte_short_fails),
	    cmocka_unit_test(test_rd_take_size_max_fails),
	    cmocka_unit_test(test_rd_skip_exact_and_size_max),
	    cmocka_unit_test(test_rd_copy_exact),
	    cmocka_unit_test(test_rd_copy_one_byte_short_leaves_dst),
	    cmocka_unit_test(test_rd_copy_size_max_fails),
	    cmocka_unit_test(test_rd_seek_to_len_then_reads_fail),
	    cmocka_unit_test(test_rd_seek_back_rereads),
	    cmocka_unit_test(test_rd_seek_rejects_len_plus_1),
	    cmocka_unit_test(test_rd_seek_rejects_size_max),
	    cmocka_unit_test(test_rd_rest_does_not_move),
	    cmocka_unit_test(test_wr_init_starts_empty),
	    cmocka_unit_test(test_wr_exact_fit),
	    cmocka_unit_test(test_wr_u8_one_byte_over_writes_nothing),
	    cmocka_unit_test(test_wr_u16be_one_byte_over_writes_nothing),
	    cmocka_unit_test(test_wr_u32be_one_byte_over_writes_nothing),
	    cmocka_unit_test(test_wr_u64be_one_byte_over_writes_nothing),
	    cmocka_unit_test(test_wr_bytes_one_byte_over_writes_nothing),
	    cmocka_unit_test(test_wr_zero_one_byte_over_writes_nothing),
	    cmocka_unit_test(test_wr_space_size_max_fails),
	    cmocka_unit_test(test_wr_error_is_sticky),
	    cmocka_unit_test(test_wr_space_0_returns_position),
	    cmocka_unit_test(test_wr_space_exact_and_one_over),
	    cmocka_unit_test(test_wr_reserve_keeps_tail),
	    cmocka_unit_test(test_wr_reserve_exact_left),
	    cmocka_unit_test(test_wr_reserve_more_than_left_fails),
	    cmocka_unit_test(test_wr_unreserve_gives_back_at_most_reserved),
	    cmocka_unit_test(test_wr_unreserve_then_write_tail),
	    cmocka_unit_test(test_wr_rewind_clears_error_and_drops_bytes),
	    cmocka_unit_test(test_wr_rewind_to_len_keeps_bytes),
	    cmocka_unit_test(test_wr_rewind_past_len_does_not_grow),
	    cmocka_unit_test(test_wr_rewind_keeps_reservation),
	    cmocka_unit_test(test_wr_patch_u16be_inside),
	    cmocka_unit_test(test_wr_patch_u16be_straddling_end_fails),
	    cmocka_unit_test(test_wr_patch_u16be_past_end_fails),
	    cmocka_unit_test(test_wr_patch_u16be_on_empty_fails),
	    cmocka_unit_test(test_wr_init_null_buffer_has_no_room),
	    cmocka_unit_test(test_wr_written_views_bytes_so_far),
	    /*
	     * Last: with clang's UBSan (no recovery) a failure here aborts the
	     * process, so these run after everything else has reported.
	     */
	    cmocka_unit_test(test_view_sub_of_null_empty_view_at_0),
	    cmocka_unit_test(test_rd_take_0_of_null_empty_view),
	    cmocka_unit_test(test_rd_rest_of_null_empty_view),
	    cmocka_unit_test(test_wr_space_0_on_null_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
