/* SPDX-License-Identifier: ISC */
/* view.h: bounds-checked views over bytes, and read/write cursors. */
#ifndef MG_VIEW_H
#define MG_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A view is a pointer and a length, passed by value and never written
 * through. Every byte read from outside (network, disk, guest memory,
 * command line) is read through a view or a cursor over one: no parser
 * indexes a raw pointer taken from the wire.
 *
 * Invariant: p is NULL only when len is 0.
 */
struct mg_view {
	const uint8_t *p;
	size_t len;
};
typedef struct mg_view mg_view;

static inline mg_view
mg_view_make(const void *p, size_t len)
{
	mg_view v = {(const uint8_t *)p, p != NULL ? len : 0};
	return v;
}

static inline mg_view
mg_view_empty(void)
{
	mg_view v = {NULL, 0};
	return v;
}

/* mg_view_str views a NUL-terminated string, without the NUL. */
mg_view mg_view_str(const char *s);

/*
 * mg_view_sub sets *out to the len bytes of v at off and returns true, or
 * returns false (leaving *out alone) unless off <= v.len and
 * len <= v.len - off. The check subtracts, so it cannot overflow.
 */
static inline bool
mg_view_sub(mg_view v, size_t off, size_t len, mg_view *out)
{
	if (off > v.len || len > v.len - off)
		return false;
	out->p = v.p != NULL ? v.p + off : NULL; /* NULL + 0 is UB too */
	out->len = len;
	return true;
}

/* mg_view_tail: the bytes of v from off to the end; false if off > len. */
static inline bool
mg_view_tail(mg_view v, size_t off, mg_view *out)
{
	if (off > v.len)
		return false;
	return mg_view_sub(v, off, v.len - off, out);
}

/* Getters at an offset: true and *out set, or false and *out untouched. */
static inline bool
mg_view_u8(mg_view v, size_t off, uint8_t *out)
{
	if (off >= v.len)
		return false;
	*out = v.p[off];
	return true;
}

static inline bool
mg_view_u16be(mg_view v, size_t off, uint16_t *out)
{
	if (off > v.len || v.len - off < 2)
		return false;
	*out = (uint16_t)((unsigned)v.p[off] << 8 | v.p[off + 1]);
	return true;
}

static inline bool
mg_view_u32be(mg_view v, size_t off, uint32_t *out)
{
	if (off > v.len || v.len - off < 4)
		return false;
	*out = (uint32_t)v.p[off] << 24 | (uint32_t)v.p[off + 1] << 16 |
	    (uint32_t)v.p[off + 2] << 8 | v.p[off + 3];
	return true;
}

static inline bool
mg_view_u16le(mg_view v, size_t off, uint16_t *out)
{
	if (off > v.len || v.len - off < 2)
		return false;
	*out = (uint16_t)((unsigned)v.p[off + 1] << 8 | v.p[off]);
	return true;
}

static inline bool
mg_view_u32le(mg_view v, size_t off, uint32_t *out)
{
	if (off > v.len || v.len - off < 4)
		return false;
	*out = (uint32_t)v.p[off + 3] << 24 | (uint32_t)v.p[off + 2] << 16 |
	    (uint32_t)v.p[off + 1] << 8 | v.p[off];
	return true;
}

/* mg_view_eq: same length and same bytes. */
bool mg_view_eq(mg_view a, mg_view b);

/* mg_view_eq_nocase: as mg_view_eq, ASCII letters compared without case. */
bool mg_view_eq_nocase(mg_view a, mg_view b);

/* mg_view_find: offset of the first byte c in v, or -1. */
long mg_view_find(mg_view v, uint8_t c);

/*
 * A read cursor over a view with a sticky error (Knot's wire_ctx): a read
 * past the end returns 0 (or an empty view), sets err, and makes every later
 * read a no-op. Check mg_rd_ok() before using a value read through the
 * cursor as a length, offset, count or index, and once at the end.
 */
struct mg_rd {
	mg_view v;  /* read-only */
	size_t off; /* read-only; invariant: off <= v.len */
	bool err;   /* read-only; sticky */
};

static inline struct mg_rd
mg_rd_init(mg_view v)
{
	struct mg_rd r = {v, 0, false};
	return r;
}

static inline bool
mg_rd_ok(const struct mg_rd *r)
{
	return !r->err;
}

/* mg_rd_left: bytes not yet read (0 once the cursor has failed). */
static inline size_t
mg_rd_left(const struct mg_rd *r)
{
	return r->err ? 0 : r->v.len - r->off;
}

static inline size_t
mg_rd_off(const struct mg_rd *r)
{
	return r->off;
}

/* mg_rd_fail marks the cursor failed, e.g. on a semantic error. */
static inline void
mg_rd_fail(struct mg_rd *r)
{
	r->err = true;
}

/* mg_rd_need: true if n more bytes can be read; fails the cursor if not. */
static inline bool
mg_rd_need(struct mg_rd *r, size_t n)
{
	if (r->err || n > r->v.len - r->off) {
		r->err = true;
		return false;
	}
	return true;
}

static inline uint8_t
mg_rd_u8(struct mg_rd *r)
{
	if (!mg_rd_need(r, 1))
		return 0;
	return r->v.p[r->off++];
}

static inline uint16_t
mg_rd_u16be(struct mg_rd *r)
{
	uint16_t x;

	if (!mg_rd_need(r, 2))
		return 0;
	x = (uint16_t)((unsigned)r->v.p[r->off] << 8 | r->v.p[r->off + 1]);
	r->off += 2;
	return x;
}

static inline uint32_t
mg_rd_u32be(struct mg_rd *r)
{
	const uint8_t *p;

	if (!mg_rd_need(r, 4))
		return 0;
	p = r->v.p + r->off;
	r->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
mg_rd_u64be(struct mg_rd *r)
{
	uint64_t hi;

	/* All eight bytes or none: a short read must not return half. */
	if (!mg_rd_need(r, 8))
		return 0;
	hi = mg_rd_u32be(r);
	return hi << 32 | mg_rd_u32be(r);
}

static inline uint16_t
mg_rd_u16le(struct mg_rd *r)
{
	uint16_t x;

	if (!mg_rd_need(r, 2))
		return 0;
	x = (uint16_t)((unsigned)r->v.p[r->off + 1] << 8 | r->v.p[r->off]);
	r->off += 2;
	return x;
}

static inline uint32_t
mg_rd_u32le(struct mg_rd *r)
{
	const uint8_t *p;

	if (!mg_rd_need(r, 4))
		return 0;
	p = r->v.p + r->off;
	r->off += 4;
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* mg_rd_take returns a view of the next n bytes and moves past them. */
static inline mg_view
mg_rd_take(struct mg_rd *r, size_t n)
{
	mg_view v = {NULL, 0};

	if (!mg_rd_need(r, n) || r->v.p == NULL)
		return v;
	v.p = r->v.p + r->off;
	v.len = n;
	r->off += n;
	return v;
}

static inline bool
mg_rd_skip(struct mg_rd *r, size_t n)
{
	if (!mg_rd_need(r, n))
		return false;
	r->off += n;
	return true;
}

/* mg_rd_copy copies the next n bytes to dst (untouched on failure). */
static inline bool
mg_rd_copy(struct mg_rd *r, void *dst, size_t n)
{
	if (!mg_rd_need(r, n))
		return false;
	if (n > 0)
		__builtin_memcpy(dst, r->v.p + r->off, n);
	r->off += n;
	return true;
}

/* mg_rd_rest: a view of what is left, without moving the cursor. */
static inline mg_view
mg_rd_rest(const struct mg_rd *r)
{
	mg_view v = {NULL, 0};

	if (r->err || r->v.p == NULL)
		return v;
	v.p = r->v.p + r->off;
	v.len = r->v.len - r->off;
	return v;
}

/* mg_rd_seek moves to an absolute offset; off > v.len fails the cursor. */
static inline bool
mg_rd_seek(struct mg_rd *r, size_t off)
{
	if (r->err || off > r->v.len) {
		r->err = true;
		return false;
	}
	r->off = off;
	return true;
}

/*
 * A write cursor over a caller's buffer with a reserved tail (NSD keeps
 * room for OPT/TSIG before writing answers) and a sticky error: a write that
 * would cross the limit writes nothing, sets err, and makes every later
 * write a no-op. The caller can remember mg_wr_len() as a mark, and on
 * failure mg_wr_rewind() to it and truncate (DNS TC) instead of failing.
 *
 * Invariant: off <= limit <= cap.
 */
struct mg_wr {
	uint8_t *p;   /* read-only */
	size_t cap;   /* read-only */
	size_t limit; /* read-only: cap minus the reserved tail */
	size_t off;   /* read-only: bytes written */
	bool err;     /* read-only; sticky */
};

static inline struct mg_wr
mg_wr_init(void *buf, size_t cap)
{
	struct mg_wr w = {(uint8_t *)buf, cap, cap, 0, false};

	if (buf == NULL)
		w.cap = w.limit = 0;
	return w;
}

static inline bool
mg_wr_ok(const struct mg_wr *w)
{
	return !w->err;
}

static inline size_t
mg_wr_len(const struct mg_wr *w)
{
	return w->off;
}

/* mg_wr_left: bytes that can still be written before the reserved tail. */
static inline size_t
mg_wr_left(const struct mg_wr *w)
{
	return w->err ? 0 : w->limit - w->off;
}

/*
 * mg_wr_reserve keeps n bytes at the end out of reach of later writes; it
 * fails (and sets err) if fewer than n bytes are left. mg_wr_unreserve
 * gives n reserved bytes back (at most what is reserved).
 */
bool mg_wr_reserve(struct mg_wr *w, size_t n);
void mg_wr_unreserve(struct mg_wr *w, size_t n);

/*
 * mg_wr_rewind drops what was written after mark (mark <= mg_wr_len) and
 * clears the error. It is how a writer truncates cleanly.
 */
void mg_wr_rewind(struct mg_wr *w, size_t mark);

/*
 * mg_wr_space returns n writable bytes and moves past them, or NULL and
 * sets err. (Zero bytes of a cursor over no buffer is NULL without an
 * error: check mg_wr_ok when n may be 0.)
 */
static inline uint8_t *
mg_wr_space(struct mg_wr *w, size_t n)
{
	uint8_t *q;

	if (w->err || n > w->limit - w->off) {
		w->err = true;
		return NULL;
	}
	if (w->p == NULL)
		return NULL;
	q = w->p + w->off;
	w->off += n;
	return q;
}

static inline bool
mg_wr_u8(struct mg_wr *w, uint8_t x)
{
	uint8_t *q = mg_wr_space(w, 1);

	if (q == NULL)
		return false;
	q[0] = x;
	return true;
}

static inline bool
mg_wr_u16be(struct mg_wr *w, uint16_t x)
{
	uint8_t *q = mg_wr_space(w, 2);

	if (q == NULL)
		return false;
	q[0] = (uint8_t)(x >> 8);
	q[1] = (uint8_t)x;
	return true;
}

static inline bool
mg_wr_u32be(struct mg_wr *w, uint32_t x)
{
	uint8_t *q = mg_wr_space(w, 4);

	if (q == NULL)
		return false;
	q[0] = (uint8_t)(x >> 24);
	q[1] = (uint8_t)(x >> 16);
	q[2] = (uint8_t)(x >> 8);
	q[3] = (uint8_t)x;
	return true;
}

static inline bool
mg_wr_u64be(struct mg_wr *w, uint64_t x)
{
	uint8_t *q = mg_wr_space(w, 8);
	int i;

	if (q == NULL)
		return false;
	for (i = 7; i >= 0; i--, x >>= 8)
		q[i] = (uint8_t)x;
	return true;
}

static inline bool
mg_wr_bytes(struct mg_wr *w, const void *src, size_t n)
{
	uint8_t *q;

	if (n == 0) /* nothing to write, even into a NULL buffer */
		return !w->err;
	q = mg_wr_space(w, n);
	if (q == NULL)
		return false;
	__builtin_memcpy(q, src, n);
	return true;
}

static inline bool
mg_wr_view(struct mg_wr *w, mg_view v)
{
	return mg_wr_bytes(w, v.p, v.len);
}

static inline bool
mg_wr_zero(struct mg_wr *w, size_t n)
{
	uint8_t *q;

	if (n == 0)
		return !w->err;
	q = mg_wr_space(w, n);
	if (q == NULL)
		return false;
	__builtin_memset(q, 0, n);
	return true;
}

/*
 * mg_wr_patch_u16be overwrites two bytes already written at off (a length
 * or count filled in later). It fails, setting err, unless off + 2 <= len.
 */
bool mg_wr_patch_u16be(struct mg_wr *w, size_t off, uint16_t x);

/* mg_wr_written: a view of what has been written so far. */
static inline mg_view
mg_wr_written(const struct mg_wr *w)
{
	return mg_view_make(w->p, w->off);
}

#endif /* MG_VIEW_H */
