/* SPDX-License-Identifier: ISC */
/* time.c: wall time to and from the proleptic Gregorian calendar. */
#include "mg/time.h"

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define SEC_PER_DAY  86400ULL

/*
 * Calendar arithmetic on years that start on March 1, so that the leap day
 * is the last day of its year: a 400-year era has 146097 days, month
 * lengths from March repeat as 31 30 31 30 31 (153 days per 5 months), and
 * day 719468 of era 0 (year 0, March 1) is 1970-01-01. Only dates from
 * 1970 on are needed, so everything stays unsigned.
 */
#define DAYS_PER_ERA   146097ULL
#define DAYS_0_TO_1970 719468ULL

/* The last representable instant, UINT64_MAX ns, is in July 2554. */
#define YEAR_MIN 1970
#define YEAR_MAX 2554

static bool
is_leap(uint64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
month_days(uint64_t y, unsigned m)
{
	static const uint8_t len[12] = {
	    31,
	    28,
	    31,
	    30,
	    31,
	    30,
	    31,
	    31,
	    30,
	    31,
	    30,
	    31,
	};

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Days since 1970-01-01 of y-m-d (y >= 1970, fields valid). */
static uint64_t
days_from_civil(uint64_t y, unsigned m, unsigned d)
{
	uint64_t era, yoe, doy, doe;
	unsigned mp;

	if (m <= 2)
		y--; /* January and February end the previous March year */
	era = y / 400;
	yoe = y - era * 400;                         /* 0..399 */
	mp = m > 2 ? m - 3 : m + 9;                  /* March = 0 */
	doy = (153 * mp + 2) / 5 + d - 1;            /* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
	return era * DAYS_PER_ERA + doe - DAYS_0_TO_1970;
}

static void
civil_from_days(uint64_t days, struct mg_civil *c)
{
	uint64_t z = days + DAYS_0_TO_1970;
	uint64_t era = z / DAYS_PER_ERA;
	uint64_t doe = z - era * DAYS_PER_ERA;
	uint64_t yoe, doy, mp, y;

	/* Remove the leap days before doe, then divide by 365. */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (yoe * 365 + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	y = era * 400 + yoe;
	c->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (uint8_t)(mp < 10 ? mp + 3 : mp - 9);
	if (c->month <= 2)
		y++;
	c->year = (int32_t)y;
	c->wday = (uint8_t)((days + 4) % 7); /* 1970-01-01 was a Thursday */
}

void
mg_time_to_civil(mg_time_t wall, struct mg_civil *out)
{
	uint64_t sec = wall / NSEC_PER_SEC;
	uint64_t sod = sec % SEC_PER_DAY;

	civil_from_days(sec / SEC_PER_DAY, out);
	out->hour = (uint8_t)(sod / 3600);
	out->min = (uint8_t)(sod / 60 % 60);
	out->sec = (uint8_t)(sod % 60);
	out->nsec = (uint32_t)(wall % NSEC_PER_SEC);
}

/* The wday field is not read. */
bool
mg_time_from_civil(const struct mg_civil *c, mg_time_t *out)
{
	uint64_t sec, ns;

	if (c->year < YEAR_MIN || c->year > YEAR_MAX || c->month < 1 ||
	    c->month > 12 || c->day < 1 ||
	    c->day > month_days((uint64_t)c->year, c->month) || c->hour > 23 ||
	    c->min > 59 || c->sec > 59 || c->nsec >= NSEC_PER_SEC)
		return false;
	sec =
	    days_from_civil((uint64_t)c->year, c->month, c->day) * SEC_PER_DAY +
	    c->hour * 3600ULL + c->min * 60ULL + c->sec;
	if (__builtin_mul_overflow(sec, NSEC_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, (uint64_t)c->nsec, &ns))
		return false;
	*out = ns;
	return true;
}

static char *
put_dec(char *p, unsigned v, unsigned width)
{
	unsigned i;

	for (i = width; i > 0; i--) {
		p[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

unsigned
mg_time_fmt_iso8601(mg_time_t wall, char *buf, unsigned size)
{
	struct mg_civil c;
	char *p = buf;

	if (size < 25) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	mg_time_to_civil(wall, &c);
	p = put_dec(p, (unsigned)c.year, 4); /* 1970..2554 */
	*p++ = '-';
	p = put_dec(p, c.month, 2);
	*p++ = '-';
	p = put_dec(p, c.day, 2);
	*p++ = 'T';
	p = put_dec(p, c.hour, 2);
	*p++ = ':';
	p = put_dec(p, c.min, 2);
	*p++ = ':';
	p = put_dec(p, c.sec, 2);
	*p++ = '.';
	p = put_dec(p, c.nsec / 1000000, 3);
	*p++ = 'Z';
	*p = '\0';
	return (unsigned)(p - buf);
}
