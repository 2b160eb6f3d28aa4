/* SPDX-License-Identifier: ISC */
/* test_date.c: HTTP dates: IMF-fixdate out, the three forms in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mg/http.h"

/* RFC 9110 5.6.7's example: Sun, 06 Nov 1994 08:49:37 GMT. */
#define T_1994 MG_SEC(784111777ULL)

/* Parse from an exact-size heap copy, so ASan sees any over-read. */
static bool
dparse(const char *s, mg_time_t *t)
{
	size_t n = strlen(s);
	char *c = malloc(n ? n : 1);
	bool ok;

	assert_non_null(c);
	memcpy(c, s, n);
	ok = mg_http_date_parse(mg_view_make(c, n), t);
	free(c);
	return ok;
}

static void
test_date_fmt_known_instants(void **state)
{
	char out[MG_HTTP_DATE_LEN + 2];

	(void)state;
	memset(out, 'x', sizeof(out));
	mg_http_date_fmt(T_1994, out);
	assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(out[MG_HTTP_DATE_LEN + 1], 'x');
	mg_http_date_fmt(0, out);
	assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	mg_http_date_fmt(MG_SEC(951782400ULL) + 999999999ULL, out);
	assert_string_equal(out, "Tue, 29 Feb 2000 00:00:00 GMT");
	mg_http_date_fmt(UINT64_MAX, out);
	assert_string_equal(out, "Sun, 21 Jul 2554 23:34:33 GMT");
}

static void
test_date_fmt_matches_strftime(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char out[MG_HTTP_DATE_LEN + 1], want[64];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		time_t t;
		struct tm tm;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (time_t)(x % 16725225600ULL); /* before 2500 */
		assert_non_null(gmtime_r(&t, &tm));
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		mg_http_date_fmt(MG_SEC((uint64_t)t), out);
		assert_string_equal(out, want);
	}
}

static void
test_date_parse_three_forms(void **state)
{
	mg_time_t t;

	(void)state;
	assert_true(dparse("Sun, 06 Nov 1994 08:49:37 GMT", &t));
	assert_int_equal(t, T_1994);
	t = 0;
	assert_true(dparse("Sunday, 06-Nov-94 08:49:37 GMT", &t));
	assert_int_equal(t, T_1994);
	t = 0;
	assert_true(dparse("Sun Nov  6 08:49:37 1994", &t));
	assert_int_equal(t, T_1994);
	t = 0;
	assert_true(dparse("Sun Nov 06 08:49:37 1994", &t));
	assert_int_equal(t, T_1994);
	assert_true(dparse("Wednesday, 09-Nov-94 08:49:37 GMT", &t));
	assert_true(dparse("Thu, 01 Jan 1970 00:00:00 GMT", &t));
	assert_int_equal(t, 0);
}

static void
test_date_parse_rfc850_two_digit_years(void **state)
{
	mg_time_t t, t2;

	(void)state;
	assert_true(dparse("Thursday, 01-Jan-70 00:00:00 GMT", &t));
	assert_int_equal(t, 0);
	assert_true(dparse("Friday, 31-Dec-99 23:59:59 GMT", &t));
	assert_true(dparse("Fri, 31 Dec 1999 23:59:59 GMT", &t2));
	assert_int_equal(t, t2);
	assert_true(dparse("Saturday, 01-Jan-00 00:00:00 GMT", &t));
	assert_true(dparse("Sat, 01 Jan 2000 00:00:00 GMT", &t2));
	assert_int_equal(t, t2);
	assert_true(dparse("Sunday, 01-Jan-69 00:00:00 GMT", &t));
	assert_true(dparse("Sun, 01 Jan 2069 00:00:00 GMT", &t2));
	assert_int_equal(t, t2);
}

static void
test_date_parse_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "Sun, 06 Nov 1994 08:49:37 GMT ",
	    " Sun, 06 Nov 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1994 08:49:37 UTC",
	    "Sun, 06 Nov 1994 08:49:37 gmt",
	    "sun, 06 Nov 1994 08:49:37 GMT",
	    "Sun, 06 nov 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1994 08:49:37 +0000",
	    "Sun,  6 Nov 1994 08:49:37 GMT",
	    "Sun, 6 Nov 1994 08:49:37 GMT",
	    "Sun, 06 Nov 94 08:49:37 GMT",
	    "Sun 06 Nov 1994 08:49:37 GMT",
	    "Sun, 06-Nov-1994 08:49:37 GMT",
	    "Xyz, 06 Nov 1994 08:49:37 GMT",
	    "Sun, 06 Nox 1994 08:49:37 GMT",
	    "Sun, 00 Nov 1994 08:49:37 GMT",
	    "Sun, 31 Nov 1994 08:49:37 GMT",
	    "Sun, 29 Feb 1900 08:49:37 GMT",
	    "Sun, 29 Feb 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1994 24:00:00 GMT",
	    "Sun, 06 Nov 1994 08:60:37 GMT",
	    "Sun, 06 Nov 1994 08:49:60 GMT",
	    "Sun, 06 Nov 1994 08.49.37 GMT",
	    "Sun, 06 Nov 1994 8:49:37 GMT ",
	    "Sun, 0x Nov 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1969 23:59:59 GMT",
	    "Sun, 06 Nov 2555 08:49:37 GMT",
	    "Sunday, 06-Nov-94 08:49:37 UTC",
	    "Sunday 06-Nov-94 08:49:37 GMT",
	    "Sun, 06-Nov-94 08:49:37 GMTxx",
	    "Sunday, 06 Nov 94 08:49:37 GMT",
	    "Funday, 06-Nov-94 08:49:37 GMT",
	    "Sunday, 6-Nov-94 08:49:37 GMT ",
	    "Sunday, 06-Nov-9x 08:49:37 GMT",
	    "Sun Nov  6 08:49:37 1994 ",
	    "Sun Nov 6 08:49:37 1994",
	    "Sun Nov  x 08:49:37 1994",
	    "Sun Nov  6 08:49:37  994",
	    "Sun Nov  6 08:49:37 GMT",
	    "Sun  Nov 6 08:49:37 1994",
	    "Sun Nov  0 08:49:37 1994",
	};
	size_t i;
	mg_time_t t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dparse(bad[i], &t))
			fail_msg("accepted: \"%s\"", bad[i]);
	assert_false(mg_http_date_parse(mg_view_empty(), &t));
}

static void
test_date_round_trip(void **state)
{
	uint64_t x = 12345;
	char out[MG_HTTP_DATE_LEN + 1];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		mg_time_t t, back = 1;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		t = MG_SEC(x % 18000000000ULL);
		mg_http_date_fmt(t, out);
		assert_true(dparse(out, &back));
		assert_int_equal(back, t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_fmt_known_instants),
	    cmocka_unit_test(test_date_fmt_matches_strftime),
	    cmocka_unit_test(test_date_parse_three_forms),
	    cmocka_unit_test(test_date_parse_rfc850_two_digit_years),
	    cmocka_unit_test(test_date_parse_rejects),
	    cmocka_unit_test(test_date_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
