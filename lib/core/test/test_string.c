/* SPDX-License-Identifier: ISC */
/* test_string.c: string functions against libc, mg_parse_u64, mg_strerror. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mg/err.h"
#include "mg/string.h"

static const char *const edge_strs[] = {
    "",
    "a",
    "A",
    "ab",
    "abc",
    "abd",
    "ABC",
    "aBc",
    "[",
    "_",
    "@",
    "\x7f",
    "\x80",
    "\xff",
    "a\xff",
    "a\x01",
    "hello, world",
    "Hello, World",
};
#define NEDGE (sizeof(edge_strs) / sizeof(edge_strs[0]))

/* xorshift64*: a fixed, portable random sequence. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

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

/*
 * A random string from a small alphabet (so that equal prefixes are
 * common) holding both cases, bytes around the letters and high bytes.
 */
static void
rng_str(char *s, size_t max)
{
	static const char alpha[] = "aAbBzZ[`@{\x80\xff\x01";
	size_t n = rng_below((unsigned)max), i;

	for (i = 0; i < n; i++)
		s[i] = alpha[rng_below(sizeof(alpha) - 1)];
	s[n] = '\0';
}

static int
sgn(int x)
{
	return (x > 0) - (x < 0);
}

#define NRANDOM 100000

static void
test_string_strlen_matches_libc(void **state)
{
	char s[40];
	size_t i;

	(void)state;
	for (i = 0; i < NEDGE; i++)
		assert_int_equal(mg_strlen(edge_strs[i]), strlen(edge_strs[i]));
	for (i = 0; i < NRANDOM; i++) {
		rng_str(s, 32);
		assert_int_equal(mg_strlen(s), strlen(s));
	}
}

/* An unterminated exact-size heap buffer: ASan catches a read past max. */
static void
test_string_strnlen_stops_at_max(void **state)
{
	size_t len, max;

	(void)state;
	for (len = 0; len < 12; len++) {
		char *p = malloc(len == 0 ? 1 : len);

		assert_non_null(p);
		memset(p, 'x', len);
		for (max = 0; max <= len; max++)
			assert_int_equal(mg_strnlen(p, max), max);
		free(p);
	}
	for (len = 0; len < NEDGE; len++)
		for (max = 0; max < 16; max++)
			assert_int_equal(mg_strnlen(edge_strs[len], max),
			    strnlen(edge_strs[len], max));
}

static void
test_string_compare_matches_libc(void **state)
{
	char a[40], b[40];
	size_t i, j, n;

	(void)state;
	for (i = 0; i < NEDGE; i++) {
		for (j = 0; j < NEDGE; j++) {
			const char *x = edge_strs[i], *y = edge_strs[j];

			assert_int_equal(sgn(mg_strcmp(x, y)),
			    sgn(strcmp(x, y)));
			assert_int_equal(sgn(mg_strcasecmp(x, y)),
			    sgn(strcasecmp(x, y)));
			for (n = 0; n < 6; n++)
				assert_int_equal(sgn(mg_strncmp(x, y, n)),
				    sgn(strncmp(x, y, n)));
			assert_int_equal(sgn(mg_strncmp(x, y, SIZE_MAX)),
			    sgn(strcmp(x, y)));
		}
	}
	for (i = 0; i < NRANDOM; i++) {
		rng_str(a, 8);
		if (rng_below(3) == 0)
			memcpy(b, a, sizeof(b));
		else
			rng_str(b, 8);
		n = rng_below(10);
		assert_int_equal(sgn(mg_strcmp(a, b)), sgn(strcmp(a, b)));
		assert_int_equal(sgn(mg_strncmp(a, b, n)),
		    sgn(strncmp(a, b, n)));
		assert_int_equal(sgn(mg_strcasecmp(a, b)),
		    sgn(strcasecmp(a, b)));
	}
}

static void
test_string_strchr_matches_libc(void **state)
{
	static const int cs[] = {'a', 'b', 'A', 0, 0xff, -1, 0x80, -128,
	    0x100 + 'a', 'q'};
	char s[40];
	size_t i, k;

	(void)state;
	for (i = 0; i < NEDGE; i++) {
		for (k = 0; k < sizeof(cs) / sizeof(cs[0]); k++) {
			const char *x = edge_strs[i];

			assert_ptr_equal(mg_strchr(x, cs[k]), strchr(x, cs[k]));
			assert_ptr_equal(mg_strrchr(x, cs[k]),
			    strrchr(x, cs[k]));
		}
	}
	for (i = 0; i < NRANDOM; i++) {
		int c = (int)rng_below(512) - 256;

		rng_str(s, 32);
		assert_ptr_equal(mg_strchr(s, c), strchr(s, c));
		assert_ptr_equal(mg_strrchr(s, c), strrchr(s, c));
	}
}

static void
test_string_memchr_matches_libc(void **state)
{
	unsigned char buf[64];
	size_t i, n;

	(void)state;
	assert_null(mg_memchr(NULL, 'a', 0));
	for (i = 0; i < NRANDOM; i++) {
		int c = (int)rng_below(512) - 256;

		for (n = 0; n < sizeof(buf); n++)
			buf[n] = (unsigned char)rng_below(8) * 0x25;
		n = rng_below(sizeof(buf) + 1);
		assert_ptr_equal(mg_memchr(buf, c, n), memchr(buf, c, n));
	}
}

/* BSD strlcpy, as the reference (glibc before 2.38 has none). */
static size_t
ref_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static void
test_string_strlcpy_truncates_and_terminates(void **state)
{
	char want[48], got[48], src[40];
	size_t i, size;

	(void)state;
	for (i = 0; i < NRANDOM / 10; i++) {
		rng_str(src, 32);
		for (size = 0; size < 36; size += 1 + rng_below(4)) {
			memset(want, 0x5a, sizeof(want));
			memset(got, 0x5a, sizeof(got));
			assert_int_equal(mg_strlcpy(got, src, size),
			    ref_strlcpy(want, src, size));
			assert_memory_equal(got, want, sizeof(got));
		}
	}
	assert_int_equal(mg_strlcpy(NULL, "abc", 0), 3);
	assert_int_equal(mg_strlcpy(got, "abc", 3), 3);
	assert_string_equal(got, "ab");
	assert_int_equal(mg_strlcpy(got, "abc", 4), 3);
	assert_string_equal(got, "abc");
	assert_int_equal(mg_strlcpy(got, "", 1), 0);
	assert_string_equal(got, "");
}

static void
test_string_strprefix_cases(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(mg_strprefix("", ""));
	assert_true(mg_strprefix("abc", ""));
	assert_true(mg_strprefix("abc", "ab"));
	assert_true(mg_strprefix("abc", "abc"));
	assert_false(mg_strprefix("abc", "abcd"));
	assert_false(mg_strprefix("ab", "b"));
	assert_false(mg_strprefix("", "a"));
	assert_false(mg_strprefix("Abc", "a"));
	for (i = 0; i < NEDGE; i++)
		for (j = 0; j < NEDGE; j++)
			assert_int_equal(
			    mg_strprefix(edge_strs[i], edge_strs[j]),
			    strncmp(edge_strs[i], edge_strs[j],
			        strlen(edge_strs[j])) == 0);
}

static int
parse(const char *s, unsigned base, uint64_t max, uint64_t *out)
{
	return mg_parse_u64(s, strlen(s), base, max, out);
}

static void
test_string_parse_u64_edges(void **state)
{
	uint64_t v;

	(void)state;
	v = 77;
	assert_int_equal(parse("0", 10, UINT64_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("18446744073709551615", 10, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("018446744073709551615", 10, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("18446744073709551616", 10, UINT64_MAX, &v),
	    -MG_ERANGE);
	assert_int_equal(parse("99999999999999999999999", 10, UINT64_MAX, &v),
	    -MG_ERANGE);
	assert_int_equal(parse("0xffffffffffffffff", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("0x10000000000000000", 0, UINT64_MAX, &v),
	    -MG_ERANGE);
	assert_int_equal(parse("65535", 10, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(parse("65536", 10, 65535, &v), -MG_ERANGE);
	assert_int_equal(parse("0", 10, 0, &v), 0);
	assert_int_equal(parse("1", 10, 0, &v), -MG_ERANGE);

	/* Not numbers; v keeps its value on failure. */
	v = 5;
	assert_int_equal(parse("", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("", 0, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("0x", 0, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("0X", 16, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("-1", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("+1", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse(" 1", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("1 ", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("1x", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("0x1", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("1f", 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("1f", 0, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("0x1g", 0, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("0x-1", 0, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("0x 1", 0, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("99999999999999999999x", 10, UINT64_MAX, &v),
	    -MG_EINVAL);
	assert_int_equal(parse("12", 8, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(parse("12", 2, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(mg_parse_u64(NULL, 0, 10, UINT64_MAX, &v), -MG_EINVAL);
	assert_int_equal(v, 5);

	/* Hex: base 0 after 0x/0X, base 16 with or without it. */
	assert_int_equal(parse("0x1F", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse("0XaB", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 0xab);
	assert_int_equal(parse("ff", 16, UINT64_MAX, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(parse("0x00ff", 16, UINT64_MAX, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(parse("010", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 10); /* never octal */

	/* Only len bytes are read: the rest of the buffer does not count. */
	assert_int_equal(mg_parse_u64("123abc", 3, 10, UINT64_MAX, &v), 0);
	assert_int_equal(v, 123);
}

static void
test_string_parse_u64_matches_strtoull(void **state)
{
	char s[32];
	size_t i;

	(void)state;
	for (i = 0; i < NRANDOM; i++) {
		uint64_t x = rng() >> rng_below(64), v = 0, want;
		bool hex = rng_below(2) == 0;
		int len;

		len = snprintf(s, sizeof(s), hex ? "0x%llx" : "%llu",
		    (unsigned long long)x);
		errno = 0;
		want = strtoull(s, NULL, 0);
		assert_int_equal(errno, 0);
		assert_int_equal(
		    mg_parse_u64(s, (size_t)len, 0, UINT64_MAX, &v), 0);
		assert_true(v == want && v == x);
		if (x > 0)
			assert_int_equal(
			    mg_parse_u64(s, (size_t)len, 0, x - 1, &v),
			    -MG_ERANGE);
	}
}

static void
test_string_strerror_names_every_code(void **state)
{
	static const int codes[] = {MG_EPERM, MG_ENOENT, MG_EINTR, MG_EIO,
	    MG_E2BIG, MG_EBADF, MG_EAGAIN, MG_ENOMEM, MG_EACCES, MG_EFAULT,
	    MG_EBUSY, MG_EEXIST, MG_ENODEV, MG_EINVAL, MG_ENOSPC, MG_ERANGE,
	    MG_ENAMETOOLONG, MG_ENOSYS, MG_EBADMSG, MG_EOVERFLOW, MG_EMSGSIZE,
	    MG_ENOTSUP, MG_EADDRINUSE, MG_ENETUNREACH, MG_ECONNABORTED,
	    MG_ECONNRESET, MG_ENOTCONN, MG_ETIMEDOUT, MG_ECONNREFUSED,
	    MG_EHOSTUNREACH, MG_EALREADY, MG_EINPROGRESS, MG_ECORRUPT};
	const char *unknown = mg_strerror(3);
	size_t i, j;

	(void)state;
	assert_string_equal(unknown, "unknown error");
	assert_string_equal(mg_strerror(-3), "unknown error");
	assert_string_equal(mg_strerror(INT_MIN), "unknown error");
	assert_string_equal(mg_strerror(INT_MAX), "unknown error");
	assert_string_equal(mg_strerror(1000), "unknown error");
	assert_string_equal(mg_strerror(0), "success");
	assert_string_equal(mg_strerror(-MG_EINVAL), "invalid argument");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *m = mg_strerror(codes[i]);

		assert_non_null(m);
		assert_string_not_equal(m, unknown);
		assert_string_equal(mg_strerror(-codes[i]), m);
		for (j = 0; j < i; j++)
			assert_string_not_equal(mg_strerror(codes[j]), m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_string_strlen_matches_libc),
	    cmocka_unit_test(test_string_strnlen_stops_at_max),
	    cmocka_unit_test(test_string_compare_matches_libc),
	    cmocka_unit_test(test_string_strchr_matches_libc),
	    cmocka_unit_test(test_string_memchr_matches_libc),
	    cmocka_unit_test(test_string_strlcpy_truncates_and_terminates),
	    cmocka_unit_test(test_string_strprefix_cases),
	    cmocka_unit_test(test_string_parse_u64_edges),
	    cmocka_unit_test(test_string_parse_u64_matches_strtoull),
	    cmocka_unit_test(test_string_strerror_names_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
