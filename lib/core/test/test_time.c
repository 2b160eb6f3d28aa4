/* SPDX-License-Identifier: ISC */
/* test_time.c: calendar conversion against gmtime_r, and ISO 8601 output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>
#include <time.h>

#include "mg/time.h"

/* 2400-01-01T00:00:00Z and the last instant that fits, UINT64_MAX ns. */
#define SEC_2400 13569465600ULL
#define MAX_ISO  "2554-07-21T23:34:33.709Z"

/* xorshift64*: a fixed, portable random sequence. */
static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Compare with the host's gmtime_r, then convert back. */
static void
check_time(mg_time_t wall)
{
	struct mg_civil c;
	struct tm tm;
	time_t t = (time_t)(wall / 1000000000ULL);
	mg_time_t back = 0;

	assert_non_null(gmtime_r(&t, &tm));
	mg_time_to_civil(wall, &c);
	assert_int_equal(c.year, tm.tm_year + 1900);
	assert_int_equal(c.month, tm.tm_mon + 1);
	assert_int_equal(c.day, tm.tm_mday);
	assert_int_equal(c.hour, tm.tm_hour);
	assert_int_equal(c.min, tm.tm_min);
	assert_int_equal(c.sec, tm.tm_sec);
	assert_int_equal(c.wday, tm.tm_wday);
	assert_int_equal(c.nsec, wall % 1000000000ULL);
	assert_true(mg_time_from_civil(&c, &back));
	assert_true(back == wall);
	assert_true((time_t)(back / 1000000000ULL) == timegm(&tm));
}

static void
test_time_to_civil_matches_gmtime_random(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		uint64_t sec = rng() % SEC_2400;

		check_time(sec * 1000000000ULL + rng() % 1000000000ULL);
	}
}

static void
test_time_to_civil_edges(void **state)
{
	static const uint64_t secs[] = {
	    0,
	    59,
	    60,
	    86399,
	    86400,
	    951782400,             /* 2000-02-29 */
	    951868800,             /* 2000-03-01 */
	    4107456000,            /* 2100-02-28 */
	    4107542400,            /* 2100-03-01 */
	    SEC_2400 + 59 * 86400, /* 2400-02-29 */
	    SEC_2400 - 1,
	    1795000000,
	    2147483647, /* 2038 */
	    2147483648,
	    4294967295,
	    4294967296,
	};
	struct mg_civil c;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		for (k = 0; k < 3; k++)
			check_time(secs[i] * 1000000000ULL +
			    (k == 0          ? 0
			            : k == 1 ? 1
			                     : 999999999));
	check_time(UINT64_MAX);
	check_time(UINT64_MAX - 999999999);
	mg_time_to_civil(0, &c);
	assert_int_equal(c.year, 1970);
	assert_int_equal(c.month, 1);
	assert_int_equal(c.day, 1);
	assert_int_equal(c.wday, 4);
	mg_time_to_civil(SEC_2400 * 1000000000ULL + 59 * 86400 * 1000000000ULL,
	    &c);
	assert_int_equal(c.year, 2400);
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 29);
}

static struct mg_civil
civil(int32_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s,
    uint32_t ns)
{
	struct mg_civil c = {.year = y,
	    .month = mo,
	    .day = d,
	    .hour = h,
	    .min = mi,
	    .sec = s,
	    .nsec = ns};

	return c;
}

static void
test_time_from_civil_refuses_invalid_fields(void **state)
{
	static const struct {
		int32_t y;
		uint8_t mo, d, h, mi, s;
		uint32_t ns;
	} bad[] = {
	    {1969, 12, 31, 23, 59, 59, 999999999},
	    {0, 1, 1, 0, 0, 0, 0},
	    {-1, 1, 1, 0, 0, 0, 0},
	    {INT32_MIN, 1, 1, 0, 0, 0, 0},
	    {INT32_MAX, 1, 1, 0, 0, 0, 0},
	    {2555, 1, 1, 0, 0, 0, 0},
	    {10000, 1, 1, 0, 0, 0, 0},
	    {2000, 0, 1, 0, 0, 0, 0},
	    {2000, 13, 1, 0, 0, 0, 0},
	    {2000, 255, 1, 0, 0, 0, 0},
	    {2000, 1, 0, 0, 0, 0, 0},
	    {2000, 1, 32, 0, 0, 0, 0},
	    {2000, 4, 31, 0, 0, 0, 0},
	    {2000, 2, 30, 0, 0, 0, 0},
	    {2001, 2, 29, 0, 0, 0, 0},
	    {2100, 2, 29, 0, 0, 0, 0},
	    {2000, 1, 1, 24, 0, 0, 0},
	    {2000, 1, 1, 0, 60, 0, 0},
	    {2000, 1, 1, 0, 0, 60, 0},
	    {2000, 1, 1, 0, 0, 0, 1000000000},
	    {2000, 1, 1, 0, 0, 0, UINT32_MAX},
	    /* One nanosecond after UINT64_MAX, and one second after. */
	    {2554, 7, 21, 23, 34, 33, 709551616},
	    {2554, 7, 21, 23, 34, 34, 0},
	    {2554, 7, 22, 0, 0, 0, 0},
	    {2554, 12, 31, 23, 59, 59, 999999999},
	};
	struct mg_civil c;
	mg_time_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = civil(bad[i].y, bad[i].mo, bad[i].d, bad[i].h, bad[i].mi,
		    bad[i].s, bad[i].ns);
		t = 12345;
		assert_false(mg_time_from_civil(&c, &t));
		assert_true(t == 12345);
	}
	/* The edges that are still valid. */
	c = civil(1970, 1, 1, 0, 0, 0, 0);
	assert_true(mg_time_from_civil(&c, &t));
	assert_true(t == 0);
	c = civil(2554, 7, 21, 23, 34, 33, 709551615);
	assert_true(mg_time_from_civil(&c, &t));
	assert_true(t == UINT64_MAX);
	c = civil(2000, 2, 29, 23, 59, 59, 999999999);
	c.wday = 200; /* not read */
	assert_true(mg_time_from_civil(&c, &t));
	assert_true(t == 951868799999999999ULL);
	c = civil(2400, 2, 29, 0, 0, 0, 0);
	assert_true(mg_time_from_civil(&c, &t));
	assert_true(t == (SEC_2400 + 59 * 86400) * 1000000000ULL);
}

static void
test_time_fmt_iso8601_output(void **state)
{
	char buf[40];

	(void)state;
	assert_int_equal(mg_time_fmt_iso8601(0, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	/* Milliseconds are truncated, not rounded. */
	assert_int_equal(
	    mg_time_fmt_iso8601(951868799999999999ULL, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "2000-02-29T23:59:59.999Z");
	mg_time_fmt_iso8601(1795000000123456789ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-18T11:06:40.123Z");
	mg_time_fmt_iso8601(1000000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.001Z");
	assert_int_equal(mg_time_fmt_iso8601(UINT64_MAX, buf, 25), 24);
	assert_string_equal(buf, MAX_ISO);
}

static void
test_time_fmt_iso8601_short_buffer_gives_0(void **state)
{
	char buf[40];
	unsigned size;

	(void)state;
	assert_int_equal(mg_time_fmt_iso8601(0, NULL, 0), 0);
	for (size = 0; size < 25; size++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(mg_time_fmt_iso8601(0, buf, size), 0);
		if (size > 0)
			assert_int_equal(buf[0], '\0');
		assert_int_equal(buf[size > 0 ? size : 1], 'x');
	}
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mg_time_fmt_iso8601(0, buf, 25), 24);
	assert_int_equal(buf[24], '\0');
	assert_int_equal(buf[25], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time_to_civil_matches_gmtime_random),
	    cmocka_unit_test(test_time_to_civil_edges),
	    cmocka_unit_test(test_time_from_civil_refuses_invalid_fields),
	    cmocka_unit_test(test_time_fmt_iso8601_output),
	    cmocka_unit_test(test_time_fmt_iso8601_short_buffer_gives_0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
