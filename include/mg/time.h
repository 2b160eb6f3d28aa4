/* SPDX-License-Identifier: ISC */
/* time.h: time values and calendar conversion. */
#ifndef MG_TIME_H
#define MG_TIME_H

#include <stdbool.h>
#include <stdint.h>

/* Nanoseconds: monotonic since an arbitrary origin, or wall since 1970. */
typedef uint64_t mg_time_t;

#define MG_TIME_NEVER UINT64_MAX
#define MG_USEC(x)    ((mg_time_t)(x)*1000ULL)
#define MG_MSEC(x)    ((mg_time_t)(x)*1000000ULL)
#define MG_SEC(x)     ((mg_time_t)(x)*1000000000ULL)

/* A broken-down UTC time (proleptic Gregorian calendar). */
struct mg_civil {
	int32_t year;
	uint8_t month; /* 1..12 */
	uint8_t day;   /* 1..31 */
	uint8_t hour;  /* 0..23 */
	uint8_t min;   /* 0..59 */
	uint8_t sec;   /* 0..59 (no leap seconds: POSIX time) */
	uint8_t wday;  /* 0 = Sunday */
	uint32_t nsec; /* 0..999999999 */
};

/* mg_time_to_civil converts a wall time (ns since 1970-01-01T00:00Z). */
void mg_time_to_civil(mg_time_t wall, struct mg_civil *out);

/*
 * mg_time_from_civil converts back; it returns false when a field is out of
 * range or the result does not fit (years before 1970 included).
 */
bool mg_time_from_civil(const struct mg_civil *c, mg_time_t *out);

/*
 * mg_time_fmt_iso8601 writes "YYYY-MM-DDTHH:MM:SS.mmmZ" and a NUL into buf
 * (at least 25 bytes). Returns the length written, or 0 when buf is short.
 */
unsigned mg_time_fmt_iso8601(mg_time_t wall, char *buf, unsigned size);

#endif /* MG_TIME_H */
