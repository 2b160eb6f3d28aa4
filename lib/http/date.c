/* SPDX-License-Identifier: ISC */
/* date.c: HTTP dates (RFC 9110 5.6.7): IMF-fixdate out, three forms in. */
#include "mg/http.h"

#include "mg/string.h"

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* RFC 850 day names, with their lengths. */
static const char *const ldays[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday"};
static const uint8_t ldays_len[7] = {6, 6, 7, 9, 8, 6, 8};

static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void
mg_http_date_fmt(mg_time_t wall, char *out)
{
	struct mg_civil c;

	mg_time_to_civil(wall, &c);
	mg_memcpy(out, wdays[c.wday % 7], 3);
	out[3] = ',';
	out[4] = ' ';
	put2(out + 5, c.day);
	out[7] = ' ';
	mg_memcpy(out + 8, months[(c.month + 11) % 12], 3);
	out[11] = ' ';
	put2(out + 12, (unsigned)c.year / 100);
	put2(out + 14, (unsigned)c.year % 100);
	out[16] = ' ';
	put2(out + 17, c.hour);
	out[19] = ':';
	put2(out + 20, c.min);
	out[22] = ':';
	put2(out + 23, c.sec);
	mg_memcpy(out + 25, " GMT", 5); /* with the NUL */
}

/* n decimal digits at p; false unless all are digits. */
static bool
num(const uint8_t *p, unsigned n, unsigned *out)
{
	unsigned k, v = 0;

	for (k = 0; k < n; k++) {
		if (!mg_isdigit(p[k]))
			return false;
		v = v * 10 + (unsigned)(p[k] - '0');
	}
	*out = v;
	return true;
}

static bool
wday_ok(const uint8_t *p)
{
	unsigned k;

	for (k = 0; k < 7; k++)
		if (mg_memcmp(p, wdays[k], 3) == 0)
			return true;
	return false;
}

/* month: "Jan".."Dec", case-sensitive; 0 when none. */
static unsigned
month_of(const uint8_t *p)
{
	unsigned k;

	for (k = 0; k < 12; k++)
		if (mg_memcmp(p, months[k], 3) == 0)
			return k + 1;
	return 0;
}

/* time-of-day: "HH:MM:SS". Ranges are checked by mg_time_from_civil. */
static bool
tod(const uint8_t *p, struct mg_civil *c)
{
	unsigned h, m, s;

	if (!num(p, 2, &h) || p[2] != ':' || !num(p + 3, 2, &m) ||
	    p[5] != ':' || !num(p + 6, 2, &s))
		return false;
	c->hour = (uint8_t)h;
	c->min = (uint8_t)m;
	c->sec = (uint8_t)s;
	return true;
}

/* Sun, 06 Nov 1994 08:49:37 GMT */
static bool
imf_fixdate(const uint8_t *p, struct mg_civil *c)
{
	unsigned d, y;

	if (!wday_ok(p) || p[3] != ',' || p[4] != ' ' || !num(p + 5, 2, &d) ||
	    p[7] != ' ' || (c->month = (uint8_t)month_of(p + 8)) == 0 ||
	    p[11] != ' ' || !num(p + 12, 4, &y) || p[16] != ' ' ||
	    !tod(p + 17, c) || mg_memcmp(p + 25, " GMT", 4) != 0)
		return false;
	c->day = (uint8_t)d;
	c->year = (int32_t)y;
	return true;
}

/* Sun Nov  6 08:49:37 1994 */
static bool
asctime_date(const uint8_t *p, struct mg_civil *c)
{
	unsigned d, y;

	if (!wday_ok(p) || p[3] != ' ' ||
	    (c->month = (uint8_t)month_of(p + 4)) == 0 || p[7] != ' ')
		return false;
	/* ( 2DIGIT / ( SP DIGIT ) ) */
	if (p[8] == ' ' ? !num(p + 9, 1, &d) : !num(p + 8, 2, &d))
		return false;
	if (p[10] != ' ' || !tod(p + 11, c) || p[19] != ' ' ||
	    !num(p + 20, 4, &y))
		return false;
	c->day = (uint8_t)d;
	c->year = (int32_t)y;
	return true;
}

/* Sunday, 06-Nov-94 08:49:37 GMT: the day name, then 24 bytes. */
static bool
rfc850_date(const uint8_t *p, size_t n, struct mg_civil *c)
{
	unsigned k, d, y;

	for (k = 0; k < 7; k++)
		if (n == ldays_len[k] + 24u &&
		    mg_memcmp(p, ldays[k], ldays_len[k]) == 0)
			break;
	if (k == 7)
		return false;
	p += ldays_len[k];
	if (p[0] != ',' || p[1] != ' ' || !num(p + 2, 2, &d) || p[4] != '-' ||
	    (c->month = (uint8_t)month_of(p + 5)) == 0 || p[8] != '-' ||
	    !num(p + 9, 2, &y) || p[11] != ' ' || !tod(p + 12, c) ||
	    mg_memcmp(p + 20, " GMT", 4) != 0)
		return false;
	/* RFC 9110 5.6.7 asks for the year within 50 years from now; with
	 * no clock here, 70-99 are 19xx and 00-69 are 20xx. */
	c->day = (uint8_t)d;
	c->year = (int32_t)(y < 70 ? 2000 + y : 1900 + y);
	return true;
}

bool
mg_http_date_parse(mg_view v, mg_time_t *wall)
{
	struct mg_civil c;
	bool ok;

	mg_memset(&c, 0, sizeof(c));
	if (v.len == 29)
		ok = imf_fixdate(v.p, &c);
	else if (v.len == 24)
		ok = asctime_date(v.p, &c);
	else if (v.len >= 30 && v.len <= 33)
		ok = rfc850_date(v.p, v.len, &c);
	else
		ok = false;
	return ok && mg_time_from_civil(&c, wall);
}
