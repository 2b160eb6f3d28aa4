/* SPDX-License-Identifier: ISC */
/* test_fmt.c: mg_snprintf against the host snprintf, and mg_printf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "mg/fmt.h"

#include "fake_plat.h"

/* The formats here are built at run time on purpose. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

#define OUT_SIZE 1024

/*
 * F hides a literal format from the compiler, for the cases its format
 * checks rightly complain about (NULL %s, ignored flags, huge widths).
 */
__attribute__((noinline)) static const char *
F(const char *fmt)
{
	return fmt;
}

static unsigned long nchecks;

/* Format with both implementations and require the same bytes and length. */
static void
check_v(const char *where, const char *fmt, va_list ap)
{
	char want[OUT_SIZE], got[OUT_SIZE];
	va_list aq;
	int rw, rg;

	memset(want, 0x11, sizeof(want));
	memset(got, 0x22, sizeof(got));
	va_copy(aq, ap);
	rw = vsnprintf(want, sizeof(want), fmt, ap);
	rg = mg_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	nchecks++;
	if (rw != rg || rw < 0 || rw >= OUT_SIZE ||
	    memcmp(want, got, (size_t)rw + 1) != 0)
		fail_msg("%s: format \"%s\": host %d \"%s\", mg %d \"%s\"",
		    where, fmt, rw, want, rg, got);
}

static void
check_at(const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_v(where, fmt, ap);
	va_end(ap);
}

#define STR2(x)         #x
#define STR(x)          STR2(x)
#define CHECK(fmt, ...) check_at(__FILE__ ":" STR(__LINE__), fmt, __VA_ARGS__)

/*
 * run_<type>(fmt, nstar, star, v): call both formatters with nstar leading
 * int arguments (for '*') and then v of exactly the type the conversion
 * reads.
 */
#define DEF_RUN(name, type)                                                    \
	static void name(const char *fmt, int nstar, const int *star, type v)  \
	{                                                                      \
		if (nstar == 0)                                                \
			check_at(#name, fmt, v);                               \
		else if (nstar == 1)                                           \
			check_at(#name, fmt, star[0], v);                      \
		else                                                           \
			check_at(#name, fmt, star[0], star[1], v);             \
	}

DEF_RUN(run_int, int)
DEF_RUN(run_uint, unsigned)
DEF_RUN(run_long, long)
DEF_RUN(run_ulong, unsigned long)
DEF_RUN(run_llong, long long)
DEF_RUN(run_ullong, unsigned long long)
DEF_RUN(run_ssize, ssize_t)
DEF_RUN(run_size, size_t)
DEF_RUN(run_ptrdiff, ptrdiff_t)
DEF_RUN(run_intmax, intmax_t)
DEF_RUN(run_uintmax, uintmax_t)
DEF_RUN(run_str, const char *)
DEF_RUN(run_ptr, const void *)

/* Pass raw as the type that length modifier len and conversion conv read. */
static void
run_value(const char *fmt, int nstar, const int *star, const char *len,
    char conv, uint64_t raw, const char *str)
{
	bool sig = conv == 'd' || conv == 'i';

	if (conv == 's') {
		run_str(fmt, nstar, star, str);
	} else if (conv == 'p') {
		run_ptr(fmt, nstar, star, (const void *)(uintptr_t)raw);
	} else if (conv == 'c' || strcmp(len, "") == 0 ||
	    strcmp(len, "hh") == 0 || strcmp(len, "h") == 0) {
		if (sig || conv == 'c')
			run_int(fmt, nstar, star, (int)raw);
		else
			run_uint(fmt, nstar, star, (unsigned)raw);
	} else if (strcmp(len, "l") == 0) {
		if (sig)
			run_long(fmt, nstar, star, (long)raw);
		else
			run_ulong(fmt, nstar, star, (unsigned long)raw);
	} else if (strcmp(len, "ll") == 0) {
		if (sig)
			run_llong(fmt, nstar, star, (long long)raw);
		else
			run_ullong(fmt, nstar, star, (unsigned long long)raw);
	} else if (strcmp(len, "z") == 0) {
		if (sig)
			run_ssize(fmt, nstar, star, (ssize_t)raw);
		else
			run_size(fmt, nstar, star, (size_t)raw);
	} else if (strcmp(len, "t") == 0) {
		if (sig)
			run_ptrdiff(fmt, nstar, star, (ptrdiff_t)raw);
		else
			run_size(fmt, nstar, star, (size_t)raw);
	} else if (strcmp(len, "j") == 0) {
		if (sig)
			run_intmax(fmt, nstar, star, (intmax_t)raw);
		else
			run_uintmax(fmt, nstar, star, (uintmax_t)raw);
	} else {
		fail_msg("bad length %s", len);
	}
}

static const char *const lens[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
#define NLENS (sizeof(lens) / sizeof(lens[0]))

static const uint64_t edge_values[] = {
    0,
    1,
    7,
    8,
    9,
    10,
    42,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    (uint64_t)INT_MAX,
    (uint64_t)INT_MIN,
    (uint64_t)UINT_MAX,
    (uint64_t)-1,
    (uint64_t)-42,
    (uint64_t)-128,
    (uint64_t)-32768,
    (uint64_t)LLONG_MIN,
    (uint64_t)LLONG_MAX,
    UINT64_MAX - 1,
    0x123456789abcdefULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};
#define NEDGE (sizeof(edge_values) / sizeof(edge_values[0]))

static const char *const strs[] = {
    "",
    "a",
    "hello",
    "a longer string, with some words",
    "\xff\x80 high bytes",
};
#define NSTRS (sizeof(strs) / sizeof(strs[0]))

static const uint64_t ptr_values[] = {
    0,
    1,
    0x1234,
    0xdeadbeef,
    0x7fffffffffffULL,
    UINTPTR_MAX,
};
#define NPTRS (sizeof(ptr_values) / sizeof(ptr_values[0]))

static void
test_fmt_matches_snprintf_edge_values(void **state)
{
	char fmt[64];
	size_t l, v;
	const char *conv;

	(void)state;
	for (conv = "diuoxX"; *conv != '\0'; conv++) {
		for (l = 0; l < NLENS; l++) {
			for (v = 0; v < NEDGE; v++) {
				snprintf(fmt, sizeof(fmt), "<%%%s%c>", lens[l],
				    *conv);
				run_value(fmt, 0, NULL, lens[l], *conv,
				    edge_values[v], NULL);
			}
		}
	}
	CHECK("%d %d %d", INT_MIN, INT_MAX, 0);
	CHECK("%lld %lld", LLONG_MIN, LLONG_MAX);
	CHECK("%llu %llx %llo %llX", (unsigned long long)UINT64_MAX,
	    (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	    (unsigned long long)UINT64_MAX);
	CHECK("%jd %ju %zu %zd %td", INTMAX_MIN, UINTMAX_MAX, SIZE_MAX,
	    (ssize_t)-1, PTRDIFF_MIN);
	CHECK("%hhd %hhu %hd %hu", 300, -1, 70000, -1);
	CHECK("%s|%c|%p|%p", "str", 'c', (void *)0, (void *)0x10);
	CHECK("%s", (char *)NULL);
	CHECK("%10s|%-10s|%.10s|", (char *)NULL, (char *)NULL, (char *)NULL);
	CHECK("%%|%c", 'x');
	CHECK("no conversions%s", "");
	CHECK("%c%c%c", 0, 'a', 255);
}

/*
 * Every subset of the flags with widths, precisions (also through '*'),
 * every length modifier and every conversion, over a set of edge values.
 */
static void
test_fmt_matches_snprintf_every_flag_combination(void **state)
{
	static const char *const widths[] = {"", "1", "7", "30", "*"};
	static const char *const precs[] = {"", ".", ".0", ".1", ".5", ".30",
	    ".*"};
	static const int star_widths[] = {-12, 0, 12};
	static const int star_precs[] = {-1, 0, 3, 25};
	static const char convs[] = "diuoxXcsp";
	char fmt[64], flags[8];
	unsigned fl;
	size_t w, p, c, l, v, sw, sp;

	(void)state;
	for (fl = 0; fl < 32; fl++) {
		char *q = flags;

		for (c = 0; c < 5; c++)
			if (fl & (1u << c))
				*q++ = "-+ 0#"[c];
		*q = '\0';
		for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
			for (p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
				for (c = 0; convs[c] != '\0'; c++)
					for (l = 0; l < NLENS; l++) {
						bool isint =
						    strchr("diuoxX",
						        convs[c]) != NULL;
						bool ws = widths[w][0] == '*',
						     ps = strcmp(precs[p],
						              ".*") == 0;
						size_t nsw = ws ? 3 : 1,
						       nsp = ps ? 4 : 1;

						/* Length modifiers with %c %s
						 * %p are not supported. */
						if (!isint && l > 0)
							continue;
						snprintf(fmt, sizeof(fmt),
						    "[%%%s%s%s%s%c]", flags,
						    widths[w], precs[p],
						    lens[l], convs[c]);
						for (sw = 0; sw < nsw; sw++)
							for (sp = 0; sp < nsp;
							     sp++) {
								int star[2],
								    nstar = 0;

								if (ws)
									star[nstar++] = star_widths
									    [sw];
								if (ps)
									star[nstar++] = star_precs
									    [sp];
								if (convs[c] ==
								    's') {
									for (
									    v = 0;
									    v <
									    NSTRS;
									    v++)
										run_value(
										    fmt,
										    nstar,
										    star,
										    lens[l],
										    's',
										    0,
										    strs[v]);
								} else if (
								    convs[c] ==
								    'p') {
									for (
									    v = 0;
									    v <
									    NPTRS;
									    v++)
										run_value(
										    fmt,
										    nstar,
										    star,
										    lens[l],
										    'p',
										    ptr_values
										        [v],
										    NULL);
								} else if (
								    convs[c] ==
								    'c') {
									run_value(
									    fmt,
									    nstar,
									    star,
									    "",
									    'c',
									    'x',
									    NULL);
									run_value(
									    fmt,
									    nstar,
									    star,
									    "",
									    'c',
									    0xe9,
									    NULL);
								} else {
									for (
									    v = 0;
									    v <
									    NEDGE;
									    v +=
									    3)
										run_value(
										    fmt,
										    nstar,
										    star,
										    lens[l],
										    convs
										        [c],
										    edge_values
										        [v],
										    NULL);
									run_value(
									    fmt,
									    nstar,
									    star,
									    lens[l],
									    convs
									        [c],
									    0,
									    NULL);
								}
							}
					}
	}
	print_message("%lu comparisons\n", nchecks);
}

/* xorshift64*: a fixed, portable random sequence. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned
rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

static uint64_t
rng_value(void)
{
	switch (rng_below(4)) {
	case 0:
		return edge_values[rng_below(NEDGE)];
	case 1:
		return rng_below(1000) - 500;
	case 2:
		return rng() >> rng_below(64);
	default:
		return rng();
	}
}

static char *
put_text(char *q)
{
	static const char *const bits[] = {"", "a", "xyz ", "%%", " %% ", "-"};

	q += sprintf(q, "%s", bits[rng_below(6)]);
	return q;
}

static void
test_fmt_matches_snprintf_random(void **state)
{
	static const char convs[] = "diuoxXcsp";
	unsigned i, k;

	(void)state;
	for (i = 0; i < 100000; i++) {
		char fmt[96], *q = fmt;
		char conv = convs[rng_below(sizeof(convs) - 1)];
		const char *len = "";
		const char *str = NULL;
		int star[2], nstar = 0;
		long prec = -1;
		unsigned nflags = rng_below(6);

		q = put_text(q);
		*q++ = '%';
		for (k = 0; k < nflags; k++)
			*q++ = "-+ 0#"[rng_below(5)];
		switch (rng_below(4)) {
		case 0:
			break;
		case 1:
			q += sprintf(q, "%u", rng_below(10));
			break;
		case 2:
			q += sprintf(q, "%u", rng_below(60));
			break;
		default:
			*q++ = '*';
			star[nstar++] = (int)rng_below(81) - 40;
			break;
		}
		switch (rng_below(5)) {
		case 0:
		case 1:
			break;
		case 2:
			*q++ = '.';
			prec = 0;
			break;
		case 3:
			prec = rng_below(40);
			q += sprintf(q, ".%ld", prec);
			break;
		default:
			q += sprintf(q, ".*");
			star[nstar] = (int)rng_below(61) - 20;
			prec = star[nstar] < 0 ? -1 : star[nstar];
			nstar++;
			break;
		}
		if (strchr("diuoxX", conv) != NULL)
			len = lens[rng_below(NLENS)];
		q += sprintf(q, "%s%c", len, conv);
		q = put_text(q);
		*q = '\0';
		if (conv == 's') {
			unsigned pick = rng_below(NSTRS + 1);

			str = pick < NSTRS ? strs[pick] : NULL;
			/* NOTE: glibc prints "" for NULL when prec < 6. */
			if (str == NULL && prec >= 0 && prec < 6)
				str = strs[2];
		}
		run_value(fmt, nstar, star, len, conv, rng_value(), str);
	}
}

/* A glibc-independent spot check of the rules that matter most. */
static void
test_fmt_known_outputs(void **state)
{
	char b[128];

	(void)state;
#define EXPECT(want, fmt, ...)                                                 \
	do {                                                                   \
		int r_ = mg_snprintf(b, sizeof(b), F(fmt), __VA_ARGS__);       \
		assert_string_equal(b, want);                                  \
		assert_int_equal(r_, strlen(want));                            \
	} while (0)
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("", "%.0d", 0);
	EXPECT("    ", "%4.0d", 0);
	EXPECT("0", "%#.0o", 0);
	EXPECT("0", "%#x", 0);
	EXPECT("0x0001f", "%#07x", 31);
	EXPECT("  0x01f", "%#7.3x", 31);
	EXPECT("017", "%#o", 15);
	EXPECT("00042", "%05d", 42);
	EXPECT("  042", "%05.3d", 42);
	EXPECT("42   |", "%-05d|", 42);
	EXPECT("42   |", "%*d|", -5, 42);
	EXPECT("42", "%.*d", -3, 42);
	EXPECT("+42  42", "%+d % d", 42, 42);
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("(nu", "%.3s", (char *)NULL);
	EXPECT("(nil)", "%p", (void *)0);
	EXPECT("0x1234", "%p", (void *)0x1234);
	EXPECT("abc", "%.3s", "abcdef");
	EXPECT("%", "%%%s", "");
	/* glibc ignores flags and width on %% (C11 leaves it undefined). */
	EXPECT("%|%|%|%", "%5%|%-5%|%05%|%+%%s", "");
#undef EXPECT
}

/* An unknown conversion is copied through as it was written. */
static void
test_fmt_unknown_conversion_copied(void **state)
{
	const char *f;
	char b[64];
	int r;

	(void)state;
	f = "a%5kb";
	r = mg_snprintf(b, sizeof(b), f);
	assert_string_equal(b, "a%5kb");
	assert_int_equal(r, 5);
	f = "%-08.3yZ%d";
	mg_snprintf(b, sizeof(b), f, 7);
	assert_string_equal(b, "%-08.3yZ7");
	f = "%n|%d";
	mg_snprintf(b, sizeof(b), f, 3);
	assert_string_equal(b, "%n|3");
	f = "%lc|%ls|%hp|%d";
	mg_snprintf(b, sizeof(b), f, 4);
	assert_string_equal(b, "%lc|%ls|%hp|4");
	f = "%Ld";
	mg_snprintf(b, sizeof(b), f);
	assert_string_equal(b, "%Ld");
	/* The '*' argument of an unknown conversion is consumed. */
	f = "%*k%d";
	mg_snprintf(b, sizeof(b), f, 9, 5);
	assert_string_equal(b, "%*k5");
	/* A conversion cut short by the end of the format. */
	f = "abc%";
	r = mg_snprintf(b, sizeof(b), f);
	assert_string_equal(b, "abc%");
	assert_int_equal(r, 4);
	f = "abc%-5.2l";
	mg_snprintf(b, sizeof(b), f);
	assert_string_equal(b, "abc%-5.2l");
}

/* Every buffer size from 0 up: the prefix, the NUL, nothing beyond. */
static void
check_truncation(const char *fmt, ...)
{
	char want[512], b[512];
	size_t size, n;
	va_list ap, aq;
	int len, r;

	va_start(ap, fmt);
	va_copy(aq, ap);
	len = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	assert_true(len >= 0 && len < 400);
	for (size = 0; size <= (size_t)len + 3; size++) {
		memset(b, 0x5a, sizeof(b));
		va_copy(aq, ap);
		r = mg_vsnprintf(b, size, fmt, aq);
		va_end(aq);
		assert_int_equal(r, len);
		n = size == 0 ? 0 : size - 1;
		if (n > (size_t)len)
			n = (size_t)len;
		assert_memory_equal(b, want, n);
		if (size > 0) {
			assert_int_equal(b[n], '\0');
			n++;
		}
		for (; n < sizeof(b); n++)
			assert_int_equal((unsigned char)b[n], 0x5a);
	}
	va_end(ap);
}

static void
test_fmt_truncates_at_every_size(void **state)
{
	(void)state;
	check_truncation("%d|%s|%08.3x|%c", -12345, "wor", 0xabc, 'Q');
	check_truncation("hello %-10s!", "world");
	check_truncation("%#o %p %lld", 8u, (void *)0xfeed, LLONG_MIN);
	check_truncation("%s", "");
	check_truncation("%300d|", 5);
	/* size 0 may come with a NULL buffer. */
	assert_int_equal(mg_snprintf(NULL, 0, "%s%d", "abc", 12), 5);
}

/* A length that does not fit an int gives -1 (POSIX EOVERFLOW). */
static void
test_fmt_overflowing_length_is_error(void **state)
{
	char b[8];

	(void)state;
	assert_int_equal(mg_snprintf(NULL, 0, "%2147483646d", 1), 2147483646);
	assert_int_equal(mg_snprintf(NULL, 0, "%2147483647d", 1), INT_MAX);
	assert_int_equal(mg_snprintf(NULL, 0, F("%2147483647d%d"), 1, 1), -1);
	assert_int_equal(mg_snprintf(NULL, 0, F("%99999999999d"), 1), -1);
	assert_int_equal(mg_snprintf(NULL, 0, F("%.99999999999d"), 1), -1);
	assert_int_equal(mg_snprintf(b, sizeof(b), F("%*d"), INT_MIN, 1), -1);
	assert_string_equal(b, "1      ");
}

static int
call_vprintf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mg_vprintf(fmt, ap);
	va_end(ap);
	return r;
}

static void
test_fmt_printf_writes_console(void **state)
{
	int r;

	(void)state;
	fake_plat_reset();
	r = mg_printf("x=%d %s\n", 42, "ok");
	assert_int_equal(r, 8);
	assert_string_equal(fake_console, "x=42 ok\n");
	r = call_vprintf("%05u|%c", 7u, 'z');
	assert_int_equal(r, 7);
	assert_string_equal(fake_console, "x=42 ok\n00007|z");
	mg_puts("tail");
	mg_puts("");
	assert_string_equal(fake_console, "x=42 ok\n00007|ztail");
	assert_int_equal(fake_console_len, 19);
	fake_plat_reset();
	assert_int_equal(mg_printf("%s", ""), 0);
	assert_int_equal(fake_console_len, 0);
}

/* Output past the 256-byte buffer is flushed, not cut. */
static void
test_fmt_printf_longer_than_buffer(void **state)
{
	static const int sizes[] = {255, 256, 257, 511, 512, 513, 3000};
	char want[4096], big[1001];
	size_t i;
	int len, r;

	(void)state;
	memset(big, 'b', 1000);
	big[1000] = '\0';
	big[500] = 'M';
	fake_plat_reset();
	len = snprintf(want, sizeof(want), "start-%s-%0600d-%-300s|%x", big, 7,
	    "pad", 0xbeefu);
	r = mg_printf("start-%s-%0600d-%-300s|%x", big, 7, "pad", 0xbeefu);
	assert_int_equal(r, len);
	assert_int_equal(fake_console_len, (size_t)len);
	assert_string_equal(fake_console, want);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fake_plat_reset();
		len = snprintf(want, sizeof(want), "%*d%s", sizes[i] - 1, -3,
		    "!");
		r = mg_printf("%*d%s", sizes[i] - 1, -3, "!");
		assert_int_equal(len, sizes[i]);
		assert_int_equal(r, len);
		assert_int_equal(fake_console_len, (size_t)len);
		assert_string_equal(fake_console, want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt_matches_snprintf_edge_values),
	    cmocka_unit_test(test_fmt_matches_snprintf_every_flag_combination),
	    cmocka_unit_test(test_fmt_matches_snprintf_random),
	    cmocka_unit_test(test_fmt_known_outputs),
	    cmocka_unit_test(test_fmt_unknown_conversion_copied),
	    cmocka_unit_test(test_fmt_truncates_at_every_size),
	    cmocka_unit_test(test_fmt_overflowing_length_is_error),
	    cmocka_unit_test(test_fmt_printf_writes_console),
	    cmocka_unit_test(test_fmt_printf_longer_than_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
