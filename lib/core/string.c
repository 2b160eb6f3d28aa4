/* SPDX-License-Identifier: ISC */
/* string.c: string functions for freestanding code. */
#include "mg/string.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"

/* Drop const the way the C library's strchr does, without a cast warning. */
static char *
unconst(const char *p)
{
	return (char *)(uintptr_t)p; /* NOLINT(performance-no-int-to-ptr) */
}

size_t
mg_strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

size_t
mg_strnlen(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n < max && s[n] != '\0'; n++)
		;
	return n;
}

/* Comparisons order bytes as unsigned char, as C11 7.24.4 requires. */
int
mg_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x != '\0' && *x == *y) {
		x++;
		y++;
	}
	return (int)*x - (int)*y;
}

int
mg_strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n > 0; n--, x++, y++)
		if (*x != *y || *x == '\0')
			return (int)*x - (int)*y;
	return 0;
}

int
mg_strcasecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;
	int d;

	for (;; x++, y++) {
		d = mg_tolower(*x) - mg_tolower(*y);
		if (d != 0 || *x == '\0')
			return d;
	}
}

char *
mg_strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return unconst(s);
		if (*s == '\0')
			return NULL;
	}
}

char *
mg_strrchr(const char *s, int c)
{
	const char *last = NULL;
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (*s == '\0')
			return unconst(last);
	}
}

void *
mg_memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char ch = (unsigned char)c;

	for (; n > 0; n--, p++)
		if (*p == ch)
			return unconst((const char *)p);
	return NULL;
}

size_t
mg_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = mg_strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		mg_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool
mg_strprefix(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++)
		if (*s != *prefix)
			return false;
	return true;
}

static int
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * NOTE(parse_u64): base 10 takes decimal digits only (leading zeros are
 * decimal, never octal); base 16 takes hex digits with an optional 0x or
 * 0X; base 0 is hex after 0x/0X and decimal otherwise. Any other base is
 * -MG_EINVAL. The whole input is checked for bad bytes before overflow is
 * reported, so "99999999999999999999x" is -MG_EINVAL. *out is written only
 * on success.
 */
int
mg_parse_u64(const char *s, size_t len, unsigned base, uint64_t max,
    uint64_t *out)
{
	uint64_t v = 0;
	bool over = false;
	size_t i = 0;

	if (base != 0 && base != 10 && base != 16)
		return -MG_EINVAL;
	if ((base == 0 || base == 16) && len >= 2 && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (base == 0) {
		base = 10;
	}
	if (i == len)
		return -MG_EINVAL; /* empty, or a bare prefix */
	for (; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= (int)base)
			return -MG_EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			over = true;
		else
			v = v * base + (uint64_t)d;
	}
	if (over || v > max)
		return -MG_ERANGE;
	*out = v;
	return 0;
}
