/* SPDX-License-Identifier: ISC */
/* fuzz_view.c: fuzz target running little programs over views and cursors. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg/view.h"

/*
 * Input: a 2-byte big-endian program length L, L program bytes, then the
 * payload. Each program step is an opcode byte (taken modulo NOP) and its
 * arguments, read from the program (0 once it runs out). Read steps drive an
 * mg_rd over a view of the payload and compare every result with a direct
 * recomputation from the bytes; write steps drive an mg_wr over a small heap
 * buffer and compare it after every step with a model of the contract in
 * view.h, including a guard region after the buffer that must stay intact.
 *
 * Length arguments are encoded so that boundaries are easy to hit: a byte
 * below 0xf0 is itself; 0xf0 is followed by a 16-bit length; 0xf1 k means
 * SIZE_MAX - k; 0xf2 d means the current "left" plus d (signed); 0xf3 is
 * exactly "left".
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

#define MAX_OPS  4096
#define WR_CAP   64
#define WR_GUARD 32
#define WR_SIZE  (WR_CAP + WR_GUARD)
#define GUARD    0xa5
#define COPY_MAX 32
#define SPAN_MAX 256 /* longest view compared byte by byte */

enum {
	RD_U8,
	RD_U16BE,
	RD_U32BE,
	RD_U64BE,
	RD_U16LE,
	RD_U32LE,
	RD_TAKE,
	RD_SKIP,
	RD_COPY,
	RD_SEEK,
	RD_REST,
	RD_NEED,
	RD_FAIL,
	RD_INIT,
	RD_EMPTY,
	VIEW_GET,
	VIEW_SUB,
	VIEW_TAIL,
	VIEW_FIND,
	VIEW_EQ,
	VIEW_STR,
	WR_INIT,
	WR_U8,
	WR_U16BE,
	WR_U32BE,
	WR_U64BE,
	WR_BYTES,
	WR_ZERO,
	WR_SPACE,
	WR_VIEW,
	WR_RESERVE,
	WR_UNRESERVE,
	WR_REWIND,
	WR_PATCH,
	WR_WRITTEN,
	NOP
};

struct prog {
	const uint8_t *p;
	size_t len;
	size_t pc;
};

struct st {
	const uint8_t *pl; /* payload */
	size_t plen;
	mg_view v; /* the view the read cursor runs over */
	struct mg_rd r;
	uint8_t *wb; /* WR_SIZE bytes; the cursor gets at most WR_CAP */
	uint8_t model[WR_SIZE];
	struct mg_wr w;
	size_t wcap, wlimit, woff;
	bool werr;
};

static uint8_t
prog_u8(struct prog *g)
{
	return g->pc < g->len ? g->p[g->pc++] : 0;
}

static uint64_t
prog_u64(struct prog *g, size_t n)
{
	uint64_t x = 0;

	while (n-- > 0)
		x = x << 8 | prog_u8(g);
	return x;
}

static size_t
prog_len(struct prog *g, size_t left)
{
	uint8_t b = prog_u8(g);

	switch (b) {
	case 0xf0:
		return (size_t)prog_u64(g, 2);
	case 0xf1:
		return SIZE_MAX - prog_u8(g);
	case 0xf2:
		return left + (size_t)(ptrdiff_t)(int8_t)prog_u8(g);
	case 0xf3:
		return left;
	default:
		return b;
	}
}

/* The address off bytes into the view's bytes, or NULL for a NULL view. */
static const uint8_t *
at(const uint8_t *base, size_t off)
{
	return base != NULL ? base + off : NULL;
}

static uint64_t
load(const uint8_t *p, size_t n, bool be)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		x |= (uint64_t)p[i] << (be ? 8 * (n - 1 - i) : 8 * i);
	return x;
}

/* Read the first and last byte, so ASan sees a view that runs too far. */
static void
touch(mg_view v)
{
	volatile uint8_t sink;

	if (v.len > 0) {
		sink = v.p[0];
		sink = v.p[v.len - 1];
		(void)sink;
	}
}

/* True if off and len name bytes inside a view of vlen bytes. */
static bool
fits(size_t vlen, size_t off, size_t len)
{
	return off <= vlen && len <= vlen - off;
}

static void
check_rd(const struct st *s)
{
	CHECK(s->r.v.p == s->v.p && s->r.v.len == s->v.len);
	CHECK(s->r.off <= s->r.v.len);
	if (s->r.err)
		CHECK(mg_rd_left(&s->r) == 0);
	else
		CHECK(mg_rd_left(&s->r) == s->r.v.len - s->r.off);
}

static void
check_wr(const struct st *s)
{
	size_t i;

	CHECK(s->w.p == s->wb);
	CHECK(s->w.off <= s->w.limit && s->w.limit <= s->w.cap);
	CHECK(s->w.cap == s->wcap && s->w.cap <= WR_CAP);
	CHECK(s->w.limit == s->wlimit);
	CHECK(s->w.off == s->woff);
	CHECK(s->w.err == s->werr);
	CHECK(mg_wr_len(&s->w) == s->woff);
	CHECK(mg_wr_left(&s->w) == (s->werr ? 0 : s->wlimit - s->woff));
	for (i = WR_CAP; i < WR_SIZE; i++)
		CHECK(s->wb[i] == GUARD);
	CHECK(memcmp(s->wb, s->model, WR_SIZE) == 0);
}

/* One fixed-size read through the cursor, checked against the bytes. */
static void
op_rd_int(struct st *s, int op)
{
	static const size_t width[] = {1, 2, 4, 8, 2, 4};
	size_t n = width[op - RD_U8], off0 = s->r.off;
	bool ok = !s->r.err && n <= s->v.len - off0, be = true;
	uint64_t x = 0;

	switch (op) {
	case RD_U8:
		x = mg_rd_u8(&s->r);
		break;
	case RD_U16BE:
		x = mg_rd_u16be(&s->r);
		break;
	case RD_U32BE:
		x = mg_rd_u32be(&s->r);
		break;
	case RD_U64BE:
		x = mg_rd_u64be(&s->r);
		break;
	case RD_U16LE:
		x = mg_rd_u16le(&s->r);
		be = false;
		break;
	case RD_U32LE:
		x = mg_rd_u32le(&s->r);
		be = false;
		break;
	default:
		__builtin_trap();
	}
	if (ok) {
		CHECK(mg_rd_ok(&s->r));
		CHECK(s->r.off == off0 + n);
		CHECK(x == load(s->v.p + off0, n, be));
	} else {
		/* A failed read returns 0, whatever part of it fitted. */
		CHECK(!mg_rd_ok(&s->r));
		CHECK(x == 0);
	}
}

static void
op_rd_take_skip(struct st *s, struct prog *g, int op)
{
	size_t off0 = s->r.off, left0 = mg_rd_left(&s->r);
	size_t n = prog_len(g, left0);
	bool ok = !s->r.err && n <= left0, r;
	mg_view t;

	if (op == RD_TAKE) {
		t = mg_rd_take(&s->r, n);
		if (ok) {
			CHECK(t.p == at(s->v.p, off0) && t.len == n);
			touch(t);
		} else {
			CHECK(t.p == NULL && t.len == 0);
		}
	} else {
		r = mg_rd_skip(&s->r, n);
		CHECK(r == ok);
	}
	CHECK(mg_rd_ok(&s->r) == ok);
	if (ok)
		CHECK(s->r.off == off0 + n);
	else
		CHECK(s->r.off == off0);
}

static void
op_rd_copy(struct st *s, struct prog *g)
{
	size_t off0 = s->r.off, left0 = mg_rd_left(&s->r), i;
	size_t n = prog_len(g, left0);
	uint8_t dst[COPY_MAX + 8];
	bool ok;

	/* Longer than dst only when the cursor must refuse it. */
	if (n > COPY_MAX && !s->r.err && n <= left0)
		n = COPY_MAX;
	ok = !s->r.err && n <= left0;
	memset(dst, 0x5a, sizeof(dst));
	CHECK(mg_rd_copy(&s->r, dst, n) == ok);
	CHECK(mg_rd_ok(&s->r) == ok);
	if (ok) {
		CHECK(n == 0 || memcmp(dst, s->v.p + off0, n) == 0);
		CHECK(s->r.off == off0 + n);
	} else {
		n = 0;
	}
	for (i = n; i < sizeof(dst); i++)
		CHECK(dst[i] == 0x5a);
}

static void
op_rd_misc(struct st *s, struct prog *g, int op)
{
	size_t off0 = s->r.off, left0 = mg_rd_left(&s->r), n;
	bool err0 = s->r.err;
	mg_view t;

	switch (op) {
	case RD_SEEK:
		n = prog_len(g, s->v.len);
		CHECK(mg_rd_seek(&s->r, n) == (!err0 && n <= s->v.len));
		CHECK(s->r.off == (!err0 && n <= s->v.len ? n : off0));
		break;
	case RD_REST:
		t = mg_rd_rest(&s->r);
		if (err0) {
			CHECK(t.p == NULL && t.len == 0);
		} else {
			CHECK(t.p == at(s->v.p, off0) && t.len == left0);
			touch(t);
		}
		CHECK(s->r.off == off0 && s->r.err == err0);
		break;
	case RD_NEED:
		n = prog_len(g, left0);
		CHECK(mg_rd_need(&s->r, n) == (!err0 && n <= left0));
		CHECK(s->r.off == off0);
		break;
	case RD_FAIL:
		mg_rd_fail(&s->r);
		CHECK(!mg_rd_ok(&s->r) && mg_rd_left(&s->r) == 0);
		break;
	default:
		__builtin_trap();
	}
	if (s->r.err)
		CHECK(mg_rd_left(&s->r) == 0);
}

/* Restart the read cursor on a fuzzed piece of the payload. */
static void
op_rd_init(struct st *s, struct prog *g)
{
	mg_view pv = mg_view_make(s->pl, s->plen), t = {NULL, 12345};
	size_t off = prog_len(g, s->plen);
	size_t len = prog_len(g, off <= s->plen ? s->plen - off : 0);
	bool ok = fits(s->plen, off, len);

	CHECK(mg_view_sub(pv, off, len, &t) == ok);
	if (ok) {
		CHECK(t.p == s->pl + off && t.len == len);
		touch(t);
		s->v = t;
	} else {
		CHECK(t.p == NULL && t.len == 12345);
	}
	s->r = mg_rd_init(s->v);
	CHECK(mg_rd_ok(&s->r) && s->r.off == 0);
}

static void
op_view_get(struct st *s, struct prog *g)
{
	static const size_t width[] = {1, 2, 4, 2, 4};
	uint8_t kind = prog_u8(g) % 5;
	size_t n = width[kind], off = prog_len(g, s->v.len - n);
	bool ok = fits(s->v.len, off, n), r = false;
	uint8_t b = 0x11;
	uint16_t h = 0x1111;
	uint32_t w = 0x11111111;
	uint64_t x = 0, sentinel = 0;

	switch (kind) {
	case 0:
		r = mg_view_u8(s->v, off, &b);
		x = b;
		sentinel = 0x11;
		break;
	case 1:
		r = mg_view_u16be(s->v, off, &h);
		x = h;
		sentinel = 0x1111;
		break;
	case 2:
		r = mg_view_u32be(s->v, off, &w);
		x = w;
		sentinel = 0x11111111;
		break;
	case 3:
		r = mg_view_u16le(s->v, off, &h);
		x = h;
		sentinel = 0x1111;
		break;
	case 4:
		r = mg_view_u32le(s->v, off, &w);
		x = w;
		sentinel = 0x11111111;
		break;
	default:
		__builtin_trap();
	}
	CHECK(r == ok);
	if (ok)
		CHECK(x == load(s->v.p + off, n, kind < 3));
	else
		CHECK(x == sentinel);
}

static void
op_view_sub(struct st *s, struct prog *g, int op)
{
	size_t off = prog_len(g, s->v.len), len;
	mg_view t = {NULL, 12345};
	bool ok;

	if (op == VIEW_TAIL) {
		ok = off <= s->v.len;
		len = ok ? s->v.len - off : 0;
		CHECK(mg_view_tail(s->v, off, &t) == ok);
	} else {
		len = prog_len(g, off <= s->v.len ? s->v.len - off : 0);
		ok = fits(s->v.len, off, len);
		CHECK(mg_view_sub(s->v, off, len, &t) == ok);
	}
	if (ok) {
		CHECK(t.p == at(s->v.p, off) && t.len == len);
		touch(t);
	} else {
		CHECK(t.p == NULL && t.len == 12345);
	}
}

/* A fuzzed piece of the current view, at most SPAN_MAX bytes. */
static mg_view
span(const struct st *s, struct prog *g)
{
	size_t off = prog_len(g, s->v.len), len = prog_len(g, 0);
	mg_view t;

	if (off > s->v.len)
		off = s->v.len;
	if (len > s->v.len - off)
		len = s->v.len - off;
	if (len > SPAN_MAX)
		len = SPAN_MAX;
	if (!mg_view_sub(s->v, off, len, &t))
		__builtin_trap();
	return t;
}

static int
fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static void
op_view_cmp(struct st *s, struct prog *g, int op)
{
	mg_view a = span(s, g), b;
	char str[COPY_MAX + 1];
	uint8_t c;
	size_t i;
	bool same, nocase;
	long want;

	switch (op) {
	case VIEW_FIND:
		c = prog_u8(g);
		want = -1;
		for (i = 0; i < a.len; i++) {
			if (a.p[i] == c) {
				want = (long)i;
				break;
			}
		}
		CHECK(mg_view_find(a, c) == want);
		break;
	case VIEW_EQ:
		b = span(s, g);
		same = a.len == b.len;
		nocase = same;
		for (i = 0; same && i < a.len; i++)
			same = a.p[i] == b.p[i];
		for (i = 0; nocase && i < a.len; i++)
			nocase = fold(a.p[i]) == fold(b.p[i]);
		CHECK(mg_view_eq(a, b) == same);
		CHECK(mg_view_eq_nocase(a, b) == nocase);
		CHECK(mg_view_eq(a, a) && mg_view_eq_nocase(b, b));
		break;
	case VIEW_STR:
		if (a.len > COPY_MAX)
			a.len = COPY_MAX;
		if (a.len > 0)
			memcpy(str, a.p, a.len);
		str[a.len] = '\0';
		b = mg_view_str(str);
		CHECK(b.p == (const uint8_t *)str && b.len == strlen(str));
		break;
	default:
		__builtin_trap();
	}
}

/* The model of a write of n bytes: false (and err) if it must fail. */
static bool
model_room(struct st *s, size_t n)
{
	if (s->werr || n > s->wlimit - s->woff) {
		s->werr = true;
		return false;
	}
	return true;
}

static void
model_put(struct st *s, const uint8_t *src, size_t n)
{
	if (n > 0)
		memcpy(s->model + s->woff, src, n);
	s->woff += n;
}

static void
op_wr_int(struct st *s, struct prog *g, int op)
{
	static const size_t width[] = {1, 2, 4, 8};
	size_t n = width[op - WR_U8], i;
	uint64_t x = prog_u64(g, n);
	uint8_t be[8];
	bool r = false, ok;

	for (i = 0; i < n; i++)
		be[i] = (uint8_t)(x >> (8 * (n - 1 - i)));
	switch (op) {
	case WR_U8:
		r = mg_wr_u8(&s->w, (uint8_t)x);
		break;
	case WR_U16BE:
		r = mg_wr_u16be(&s->w, (uint16_t)x);
		break;
	case WR_U32BE:
		r = mg_wr_u32be(&s->w, (uint32_t)x);
		break;
	case WR_U64BE:
		r = mg_wr_u64be(&s->w, x);
		break;
	default:
		__builtin_trap();
	}
	ok = model_room(s, n);
	CHECK(r == ok);
	if (ok)
		model_put(s, be, n);
}

static void
op_wr_bytes(struct st *s, struct prog *g, int op)
{
	size_t left = s->werr ? 0 : s->wlimit - s->woff;
	size_t n = prog_len(g, left), i;
	uint8_t src[WR_CAP + 8], fill = prog_u8(g);
	uint8_t *q;
	mg_view v;
	bool r = false, ok;

	/* Longer than src only when the cursor must refuse it. */
	if (n > sizeof(src) && n <= left)
		n = sizeof(src);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(fill + i);
	switch (op) {
	case WR_BYTES:
		r = mg_wr_bytes(&s->w, src, n);
		break;
	case WR_ZERO:
		memset(src, 0, sizeof(src));
		r = mg_wr_zero(&s->w, n);
		break;
	case WR_SPACE:
		q = mg_wr_space(&s->w, n);
		r = q != NULL;
		if (r) {
			CHECK(q == s->wb + s->woff);
			if (n > 0)
				memcpy(q, src, n);
		}
		break;
	case WR_VIEW:
		v = mg_rd_rest(&s->r);
		if (v.len > n)
			v.len = n;
		n = v.len;
		if (n > 0)
			memcpy(src, v.p, n < sizeof(src) ? n : sizeof(src));
		/* A view longer than src is refused below: left < n. */
		r = mg_wr_view(&s->w, v);
		break;
	default:
		__builtin_trap();
	}
	ok = model_room(s, n);
	CHECK(r == ok);
	if (ok)
		model_put(s, src, n);
}

static void
op_wr_misc(struct st *s, struct prog *g, int op)
{
	size_t left = s->werr ? 0 : s->wlimit - s->woff, n;
	uint16_t x;
	uint8_t hb[2];
	mg_view v;
	bool ok;

	switch (op) {
	case WR_INIT:
		n = prog_len(g, WR_CAP) % (WR_CAP + 1);
		s->w = mg_wr_init(s->wb, n);
		s->wcap = s->wlimit = n;
		s->woff = 0;
		s->werr = false;
		break;
	case WR_RESERVE:
		n = prog_len(g, left);
		ok = model_room(s, n);
		CHECK(mg_wr_reserve(&s->w, n) == ok);
		if (ok)
			s->wlimit -= n;
		break;
	case WR_UNRESERVE:
		n = prog_len(g, s->wcap - s->wlimit);
		mg_wr_unreserve(&s->w, n);
		s->wlimit += n < s->wcap - s->wlimit ? n : s->wcap - s->wlimit;
		break;
	case WR_REWIND:
		/* The contract asks for mark <= mg_wr_len. */
		n = prog_len(g, s->woff);
		if (n > s->woff)
			n %= s->woff + 1;
		mg_wr_rewind(&s->w, n);
		s->woff = n;
		s->werr = false;
		break;
	case WR_PATCH:
		n = prog_len(g, s->woff - 2);
		x = (uint16_t)prog_u64(g, 2);
		ok = !s->werr && n <= s->woff && s->woff - n >= 2;
		CHECK(mg_wr_patch_u16be(&s->w, n, x) == ok);
		if (ok) {
			hb[0] = (uint8_t)(x >> 8);
			hb[1] = (uint8_t)x;
			memcpy(s->model + n, hb, 2);
		} else {
			s->werr = true;
		}
		break;
	case WR_WRITTEN:
		v = mg_wr_written(&s->w);
		CHECK(v.p == s->wb && v.len == s->woff);
		touch(v);
		break;
	default:
		__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog g;
	struct st s;
	uint8_t *buf;
	size_t hdr, plen, nops;
	int op;

	if (size == 0)
		return 0;
	/* An exact-size copy: ASan catches a read one byte past the end. */
	buf = malloc(size);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	hdr = size < 2 ? size : 2;
	plen = hdr == 2 ? (size_t)buf[0] << 8 | buf[1] : 0;
	if (plen > size - hdr)
		plen = size - hdr;
	g.p = buf + hdr;
	g.len = plen;
	g.pc = 0;

	memset(&s, 0, sizeof(s));
	s.pl = buf + hdr + plen;
	s.plen = size - hdr - plen;
	s.v = mg_view_make(s.pl, s.plen);
	s.r = mg_rd_init(s.v);
	s.wb = malloc(WR_SIZE);
	if (s.wb == NULL) {
		free(buf);
		return 0;
	}
	memset(s.wb, GUARD, WR_SIZE);
	memset(s.model, GUARD, WR_SIZE);
	s.w = mg_wr_init(s.wb, WR_CAP);
	s.wcap = s.wlimit = WR_CAP;

	for (nops = 0; g.pc < g.len && nops < MAX_OPS; nops++) {
		op = prog_u8(&g) % NOP;
		switch (op) {
		case RD_U8:
		case RD_U16BE:
		case RD_U32BE:
		case RD_U64BE:
		case RD_U16LE:
		case RD_U32LE:
			op_rd_int(&s, op);
			break;
		case RD_TAKE:
		case RD_SKIP:
			op_rd_take_skip(&s, &g, op);
			break;
		case RD_COPY:
			op_rd_copy(&s, &g);
			break;
		case RD_SEEK:
		case RD_REST:
		case RD_NEED:
		case RD_FAIL:
			op_rd_misc(&s, &g, op);
			break;
		case RD_INIT:
			op_rd_init(&s, &g);
			break;
		case RD_EMPTY:
			/* Empty views may be NULL (view.h): all of it must
			 * work. */
			s.v = mg_view_empty();
			s.r = mg_rd_init(s.v);
			break;
		case VIEW_GET:
			op_view_get(&s, &g);
			break;
		case VIEW_SUB:
		case VIEW_TAIL:
			op_view_sub(&s, &g, op);
			break;
		case VIEW_FIND:
		case VIEW_EQ:
		case VIEW_STR:
			op_view_cmp(&s, &g, op);
			break;
		case WR_U8:
		case WR_U16BE:
		case WR_U32BE:
		case WR_U64BE:
			op_wr_int(&s, &g, op);
			break;
		case WR_BYTES:
		case WR_ZERO:
		case WR_SPACE:
		case WR_VIEW:
			op_wr_bytes(&s, &g, op);
			break;
		default:
			op_wr_misc(&s, &g, op);
			break;
		}
		check_rd(&s);
		check_wr(&s);
	}

	free(s.wb);
	free(buf);
	return 0;
}
