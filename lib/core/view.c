/* SPDX-License-Identifier: ISC */
/* view.c: the out-of-line parts of views and cursors. */
#include "mg/view.h"
#include "mg/string.h"

mg_view
mg_view_str(const char *s)
{
	return s != NULL ? mg_view_make(s, mg_strlen(s)) : mg_view_empty();
}

bool
mg_view_eq(mg_view a, mg_view b)
{
	return a.len == b.len &&
	    (a.len == 0 || mg_memcmp(a.p, b.p, a.len) == 0);
}

bool
mg_view_eq_nocase(mg_view a, mg_view b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (mg_tolower(a.p[i]) != mg_tolower(b.p[i]))
			return false;
	return true;
}

long
mg_view_find(mg_view v, uint8_t c)
{
	const uint8_t *q;

	if (v.len == 0)
		return -1;
	q = mg_memchr(v.p, c, v.len);
	return q != NULL ? (long)(q - v.p) : -1;
}

bool
mg_wr_reserve(struct mg_wr *w, size_t n)
{
	if (w->err || n > w->limit - w->off) {
		w->err = true;
		return false;
	}
	w->limit -= n;
	return true;
}

void
mg_wr_unreserve(struct mg_wr *w, size_t n)
{
	size_t reserved = w->cap - w->limit;

	w->limit += n < reserved ? n : reserved;
}

void
mg_wr_rewind(struct mg_wr *w, size_t mark)
{
	if (mark <= w->off)
		w->off = mark;
	w->err = false;
}

bool
mg_wr_patch_u16be(struct mg_wr *w, size_t off, uint16_t x)
{
	if (w->err || off > w->off || w->off - off < 2) {
		w->err = true;
		return false;
	}
	w->p[off] = (uint8_t)(x >> 8);
	w->p[off + 1] = (uint8_t)x;
	return true;
}
