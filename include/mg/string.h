/* SPDX-License-Identifier: ISC */
/* string.h: string and memory functions for freestanding code. */
#ifndef MG_STRING_H
#define MG_STRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Memory copies go through the compiler builtins, which inline small
 * constant sizes and otherwise call memcpy/memmove/memset/memcmp: the unix
 * platform gets them from libc, freestanding platforms provide them.
 */
#define mg_memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define mg_memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define mg_memset(d, c, n)  __builtin_memset((d), (c), (n))
#define mg_memcmp(a, b, n)  __builtin_memcmp((a), (b), (n))

size_t mg_strlen(const char *s);
/* mg_strnlen: length of s, at most max (s need not be terminated). */
size_t mg_strnlen(const char *s, size_t max);
int mg_strcmp(const char *a, const char *b);
int mg_strncmp(const char *a, const char *b, size_t n);
/* mg_strcasecmp: ASCII case-insensitive comparison. */
int mg_strcasecmp(const char *a, const char *b);
char *mg_strchr(const char *s, int c);
char *mg_strrchr(const char *s, int c);
void *mg_memchr(const void *s, int c, size_t n);

/*
 * mg_strlcpy copies src into dst (size bytes, always NUL-terminated when
 * size > 0) and returns mg_strlen(src); a result >= size means truncation.
 */
size_t mg_strlcpy(char *dst, const char *src, size_t size);

/* mg_strprefix: true if s starts with prefix. */
bool mg_strprefix(const char *s, const char *prefix);

static inline int
mg_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool
mg_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * mg_parse_u64 parses a whole decimal number (or 0x-prefixed hex when base
 * is 0) from s[0..len): no sign, no spaces, no trailing bytes. Returns 0, or
 * -MG_EINVAL (not a number) or -MG_ERANGE (above max).
 */
int mg_parse_u64(const char *s, size_t len, unsigned base, uint64_t max,
    uint64_t *out);

#endif /* MG_STRING_H */
