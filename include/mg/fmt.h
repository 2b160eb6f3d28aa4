/* SPDX-License-Identifier: ISC */
/* fmt.h: printf-style formatting without libc. */
#ifndef MG_FMT_H
#define MG_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * mg_vsnprintf formats into buf like C11 vsnprintf: it writes at most size
 * bytes including a terminating NUL (nothing when size is 0) and returns the
 * length the whole output would have. Conversions: d i u x X o c s p %,
 * with flags - + space 0 #, width and precision (numbers or *), and length
 * modifiers hh h l ll z t j. No floating point (guests run without SSE
 * state). An unknown conversion is copied to the output as written.
 * %s with a NULL argument prints "(null)".
 */
int mg_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int mg_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * mg_printf formats to the console (through a 256-byte buffer, flushed as
 * it fills, so output of any length is written). Returns the length.
 */
int mg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mg_vprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* mg_puts writes s to the console as it is (no newline added). */
void mg_puts(const char *s);

#endif /* MG_FMT_H */
