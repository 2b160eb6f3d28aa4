/* SPDX-License-Identifier: ISC */
/* fmt.c: printf-style formatting into buffers and to the console. */
#include "mg/fmt.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/plat.h"
#include "mg/string.h"

/*
 * One engine serves both snprintf and printf: it writes into a sink, a
 * buffer that either drops what does not fit (snprintf, after counting it)
 * or is flushed to the console whenever it fills (printf).
 */
struct fmt_sink {
	char *buf;
	size_t cap;   /* bytes buf can hold (the NUL excluded) */
	size_t pos;   /* bytes now in buf */
	size_t total; /* bytes produced so far, saturating at SIZE_MAX */
	void (*flush)(struct fmt_sink *s); /* NULL: drop what does not fit */
};

#define F_MINUS 0x01u
#define F_PLUS  0x02u
#define F_SPACE 0x04u
#define F_ZERO  0x08u
#define F_ALT   0x10u

/* Lengths beyond int make the result unrepresentable anyway. */
#define FMT_NUM_MAX ((size_t)INT_MAX + 1)

enum fmt_len {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_T,
	LEN_J,
};

struct fmt_spec {
	unsigned flags;
	size_t width;
	size_t prec;
	bool has_prec;
};

/* %zd and %tu read the signed/unsigned twin of size_t/ptrdiff_t. */
_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t), "ptrdiff_t vs size_t");
_Static_assert(sizeof(uintmax_t) == sizeof(unsigned long long),
    "uintmax_t is not 64 bits");

static void
sink_count(struct fmt_sink *s, size_t n)
{
	s->total = s->total > SIZE_MAX - n ? SIZE_MAX : s->total + n;
}

/* Make room for at least one byte; false when the rest is dropped. */
static bool
sink_room(struct fmt_sink *s)
{
	if (s->pos < s->cap)
		return true;
	if (s->flush == NULL)
		return false;
	s->flush(s);
	return s->pos < s->cap;
}

static void
sink_write(struct fmt_sink *s, const char *p, size_t n)
{
	sink_count(s, n);
	while (n > 0 && sink_room(s)) {
		size_t k = s->cap - s->pos;

		if (k > n)
			k = n;
		mg_memcpy(s->buf + s->pos, p, k);
		s->pos += k;
		p += k;
		n -= k;
	}
}

static void
sink_pad(struct fmt_sink *s, char c, size_t n)
{
	sink_count(s, n);
	while (n > 0 && sink_room(s)) {
		size_t k = s->cap - s->pos;

		if (k > n)
			k = n;
		mg_memset(s->buf + s->pos, c, k);
		s->pos += k;
		n -= k;
	}
}

/* A string with width (space padding) and no further conversion. */
static void
fmt_str(struct fmt_sink *s, const struct fmt_spec *sp, const char *p, size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!(sp->flags & F_MINUS))
		sink_pad(s, ' ', pad);
	sink_write(s, p, n);
	if (sp->flags & F_MINUS)
		sink_pad(s, ' ', pad);
}

/*
 * An integer: [sign] [0x] [precision zeros] digits, padded to the width
 * with spaces, or with zeros after the prefix for the 0 flag (which a
 * precision or the - flag cancels, C11 7.21.6.1p6). sign is '\0' for none.
 */
static void
fmt_int(struct fmt_sink *s, const struct fmt_spec *sp, unsigned long long v,
    char sign, unsigned base, char conv)
{
	const char *xdig =
	    conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char dig[24]; /* 22 octal digits for 64 bits */
	char pre[3];
	size_t n = 0, plen = 0, zeros = 0, len, pad;
	unsigned long long mag = v;

	/* A zero with precision 0 prints no digits at all. */
	if (!(sp->has_prec && sp->prec == 0 && v == 0)) {
		do {
			dig[sizeof(dig) - 1 - n++] = xdig[mag % base];
			mag /= base;
		} while (mag != 0);
	}
	if (sp->has_prec && sp->prec > n)
		zeros = sp->prec - n;
	/* %#o: raise the precision until the first digit is a zero. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 &&
	    (n == 0 || dig[sizeof(dig) - n] != '0'))
		zeros = 1;
	if (sign != '\0')
		pre[plen++] = sign;
	/* %#x of a nonzero value, and every non-NULL pointer. */
	if (((sp->flags & F_ALT) && base == 16 && v != 0) || conv == 'p') {
		pre[plen++] = '0';
		pre[plen++] = conv == 'X' ? 'X' : 'x';
	}
	len = plen + zeros + n;
	pad = sp->width > len ? sp->width - len : 0;
	if (!(sp->flags & F_MINUS) && (!(sp->flags & F_ZERO) || sp->has_prec))
		sink_pad(s, ' ', pad);
	sink_write(s, pre, plen);
	if ((sp->flags & (F_MINUS | F_ZERO)) == F_ZERO && !sp->has_prec)
		sink_pad(s, '0', pad);
	sink_pad(s, '0', zeros);
	sink_write(s, dig + sizeof(dig) - n, n);
	if (sp->flags & F_MINUS)
		sink_pad(s, ' ', pad);
}

static size_t
num_push(size_t n, char c)
{
	size_t d = (size_t)(c - '0');

	return n > (FMT_NUM_MAX - d) / 10 ? FMT_NUM_MAX : n * 10 + d;
}

/* The sign shown for a value that is not negative. */
static char
plus_sign(unsigned flags)
{
	if (flags & F_PLUS)
		return '+';
	if (flags & F_SPACE)
		return ' ';
	return '\0';
}

/*
 * Read a signed argument of the given length; return its magnitude and
 * store its sign. hh and h are narrowed by sign-extending the low bits,
 * which needs no implementation-defined conversion. The switch branches
 * read types that differ by ABI even where they are the same type here:
 * NOLINTBEGIN(bugprone-branch-clone)
 */
static unsigned long long
arg_signed(enum fmt_len len, va_list *ap, char *sign, unsigned flags)
{
	long long v;

	switch (len) {
	case LEN_HH:
		v = (long long)((va_arg(*ap, unsigned) & 0xffu) ^ 0x80u) - 0x80;
		break;
	case LEN_H:
		v = (long long)((va_arg(*ap, unsigned) & 0xffffu) ^ 0x8000u) -
		    0x8000;
		break;
	case LEN_L:
		v = va_arg(*ap, long);
		break;
	case LEN_LL:
		v = va_arg(*ap, long long);
		break;
	case LEN_Z:
	case LEN_T:
		v = va_arg(*ap, ptrdiff_t);
		break;
	case LEN_J:
		v = va_arg(*ap, intmax_t);
		break;
	default:
		v = va_arg(*ap, int);
		break;
	}
	if (v < 0) {
		*sign = '-';
		return 0ULL - (unsigned long long)v;
	}
	*sign = plus_sign(flags);
	return (unsigned long long)v;
}

static unsigned long long
arg_unsigned(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

/* NOLINTEND(bugprone-branch-clone) */

static const char *
parse_len(const char *f, enum fmt_len *len)
{
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			*len = LEN_HH;
			return f + 2;
		}
		*len = LEN_H;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			*len = LEN_LL;
			return f + 2;
		}
		*len = LEN_L;
		return f + 1;
	case 'z':
		*len = LEN_Z;
		return f + 1;
	case 't':
		*len = LEN_T;
		return f + 1;
	case 'j':
		*len = LEN_J;
		return f + 1;
	default:
		*len = LEN_NONE;
		return f;
	}
}

/*
 * Parse flags, width and precision of the conversion after a '%'. A '*'
 * takes its int argument here: a negative width means the - flag, a
 * negative precision means none (C11 7.21.6.1p5).
 */
static const char *
parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = 0;
	sp->has_prec = false;
	for (;; f++) {
		if (*f == '-')
			sp->flags |= F_MINUS;
		else if (*f == '+')
			sp->flags |= F_PLUS;
		else if (*f == ' ')
			sp->flags |= F_SPACE;
		else if (*f == '0')
			sp->flags |= F_ZERO;
		else if (*f == '#')
			sp->flags |= F_ALT;
		else
			break;
	}
	if (*f == '*') {
		int w = va_arg(*ap, int);

		if (w < 0) {
			sp->flags |= F_MINUS;
			sp->width = 0u - (unsigned)w;
		} else {
			sp->width = (size_t)w;
		}
		f++;
	} else {
		while (mg_isdigit(*f))
			sp->width = num_push(sp->width, *f++);
	}
	if (*f == '.') {
		f++;
		sp->has_prec = true;
		if (*f == '*') {
			int p = va_arg(*ap, int);

			if (p < 0)
				sp->has_prec = false;
			else
				sp->prec = (size_t)p;
			f++;
		} else {
			while (mg_isdigit(*f))
				sp->prec = num_push(sp->prec, *f++);
		}
	}
	return f;
}

/*
 * NOTE(fmt): length modifiers apply to integer conversions only; %lc, %ls
 * and the like (wide characters) count as unknown conversions, which are
 * copied through as written (any '*' argument of theirs is consumed). %n
 * is unknown too. As in glibc, %% ignores flags and width, the 0 flag
 * pads %c, %s and a NULL %p ("(nil)") with spaces, and a non-NULL %p
 * prints like %#lx but honours the + and space flags.
 */
/*
 * The helpers take the argument list by pointer so that the caller may go
 * on using it after they read from it (C11 7.16p3 and footnote 253).
 */
static void
fmt_engine(struct fmt_sink *s, const char *f, va_list *ap)
{
	while (*f != '\0') {
		const char *start = f;
		struct fmt_spec sp;
		enum fmt_len len;
		unsigned long long v;
		const char *str;
		const void *ptr;
		unsigned char uc;
		char c, sign;

		if (*f != '%') {
			while (*f != '\0' && *f != '%')
				f++;
			sink_write(s, start, (size_t)(f - start));
			continue;
		}
		f = parse_spec(f + 1, &sp, ap);
		f = parse_len(f, &len);
		c = *f;
		if (c == '\0') {
			/* The format ends inside a conversion: copy it. */
			sink_write(s, start, (size_t)(f - start));
			break;
		}
		f++;
		switch (c) {
		case '%':
			sink_write(s, "%", 1);
			break;
		case 'c':
			if (len != LEN_NONE)
				goto unknown;
			uc = (unsigned char)va_arg(*ap, int);
			fmt_str(s, &sp, (const char *)&uc, 1);
			break;
		case 's':
			if (len != LEN_NONE)
				goto unknown;
			str = va_arg(*ap, const char *);
			if (str == NULL)
				str = "(null)";
			fmt_str(s, &sp, str,
			    sp.has_prec ? mg_strnlen(str, sp.prec)
			                : mg_strlen(str));
			break;
		case 'p':
			if (len != LEN_NONE)
				goto unknown;
			ptr = va_arg(*ap, const void *);
			if (ptr == NULL) {
				fmt_str(s, &sp, "(nil)", 5);
				break;
			}
			fmt_int(s, &sp, (uintptr_t)ptr, plus_sign(sp.flags), 16,
			    'p');
			break;
		case 'd':
		case 'i':
			v = arg_signed(len, ap, &sign, sp.flags);
			fmt_int(s, &sp, v, sign, 10, c);
			break;
		case 'u':
			fmt_int(s, &sp, arg_unsigned(len, ap), '\0', 10, c);
			break;
		case 'o':
			fmt_int(s, &sp, arg_unsigned(len, ap), '\0', 8, c);
			break;
		case 'x':
		case 'X':
			fmt_int(s, &sp, arg_unsigned(len, ap), '\0', 16, c);
			break;
		default:
unknown:
			sink_write(s, start, (size_t)(f - start));
			break;
		}
	}
}

static int
fmt_result(const struct fmt_sink *s)
{
	/* POSIX: EOVERFLOW when the length does not fit an int. */
	return s->total > INT_MAX ? -1 : (int)s->total;
}

int
mg_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_sink s = {
	    .buf = buf,
	    .cap = size > 0 ? size - 1 : 0,
	};
	va_list aq;

	va_copy(aq, ap);
	fmt_engine(&s, fmt, &aq);
	va_end(aq);
	if (size > 0)
		buf[s.pos] = '\0';
	return fmt_result(&s);
}

int
mg_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mg_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

static void
console_flush(struct fmt_sink *s)
{
	mg_plat_console_write(s->buf, s->pos);
	s->pos = 0;
}

int
mg_vprintf(const char *fmt, va_list ap)
{
	char tmp[256];
	struct fmt_sink s = {
	    .buf = tmp,
	    .cap = sizeof(tmp),
	    .flush = console_flush,
	};
	va_list aq;

	va_copy(aq, ap);
	fmt_engine(&s, fmt, &aq);
	va_end(aq);
	if (s.pos > 0)
		console_flush(&s);
	return fmt_result(&s);
}

int
mg_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mg_vprintf(fmt, ap);
	va_end(ap);
	return r;
}

void
mg_puts(const char *s)
{
	if (s == NULL)
		s = "(null)";
	mg_plat_console_write(s, mg_strlen(s));
}
