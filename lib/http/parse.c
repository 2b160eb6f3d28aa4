/* SPDX-License-Identifier: ISC */
/* parse.c: HTTP/1.1 request heads (RFC 9112): where a head ends, the head
 * parsed in place, and request paths decoded. */
#include "http_int.h"
#include "mg/http.h"

#include "mg/string.h"

/* Empty lines skipped before a request line (RFC 9112 2.2); more: 400. */
#define LEAD_MAX 4

/*
 * Byte classes, one table lookup per byte in the hot loops. No class
 * holds LF: mg_http_parse checks that the head ends with LF, so a loop
 * that stops at a byte outside its class cannot run off the end.
 */
#define C_TCHAR 0x01 /* token (RFC 9110 5.6.2) */
#define C_VALUE 0x02 /* field value: HTAB SP VCHAR obs-text (5.5) */
/* In a request-target, bytes from 0x80 up (raw UTF-8, which URI syntax
 * leaves out) are taken as nginx and Apache take them: the path decoder
 * passes them through and a Location built from the path encodes them. */
#define C_PATH  0x04 /* request-target before '?': VCHAR but '?' '#' */
#define C_QUERY 0x08 /* request-target after '?': VCHAR but '#' */
#define C_HOST  0x10 /* reg-name: unreserved sub-delims (RFC 3986 3.2.2) */
#define C_HEX   0x20
#define C_DIGIT 0x40
#define C_OWS   0x80 /* SP HTAB */

#define IN(c, a, b) ((c) >= (a) && (c) <= (b))
#define IS_ALNUM(c) (IN(c, 'a', 'z') || IN(c, 'A', 'Z') || IN(c, '0', '9'))
#define IS_VCHAR(c) IN(c, 0x21, 0x7e)
#define IS_TCHAR(c)                                                            \
	(IS_ALNUM(c) || (c) == '!' || (c) == '#' || (c) == '$' ||              \
	    (c) == '%' || (c) == '&' || (c) == '\'' || (c) == '*' ||           \
	    (c) == '+' || (c) == '-' || (c) == '.' || (c) == '^' ||            \
	    (c) == '_' || (c) == '`' || (c) == '|' || (c) == '~')
#define IS_UNRESERVED(c)                                                       \
	(IS_ALNUM(c) || (c) == '-' || (c) == '.' || (c) == '_' || (c) == '~')
#define IS_SUBDELIM(c)                                                         \
	((c) == '!' || (c) == '$' || (c) == '&' || (c) == '\'' ||              \
	    (c) == '(' || (c) == ')' || (c) == '*' || (c) == '+' ||            \
	    (c) == ',' || (c) == ';' || (c) == '=')
#define IS_HEX(c) (IN(c, '0', '9') || IN(c, 'a', 'f') || IN(c, 'A', 'F'))
#define CLS(c)                                                                 \
	((IS_TCHAR(c) ? C_TCHAR : 0) |                                         \
	    (IS_VCHAR(c) || (c) == ' ' || (c) == '\t' || (c) >= 0x80 ? C_VALUE \
	                                                             : 0) |    \
	    ((IS_VCHAR(c) && (c) != '?' && (c) != '#') || (c) >= 0x80 ? C_PATH \
	                                                              : 0) |   \
	    ((IS_VCHAR(c) && (c) != '#') || (c) >= 0x80 ? C_QUERY : 0) |       \
	    (IS_UNRESERVED(c) || IS_SUBDELIM(c) ? C_HOST : 0) |                \
	    (IS_HEX(c) ? C_HEX : 0) | (IN(c, '0', '9') ? C_DIGIT : 0) |        \
	    ((c) == ' ' || (c) == '\t' ? C_OWS : 0))
#define ROW(b)                                                                 \
	CLS((b) + 0), CLS((b) + 1), CLS((b) + 2), CLS((b) + 3), CLS((b) + 4),  \
	    CLS((b) + 5), CLS((b) + 6), CLS((b) + 7), CLS((b) + 8),            \
	    CLS((b) + 9), CLS((b) + 10), CLS((b) + 11), CLS((b) + 12),         \
	    CLS((b) + 13), CLS((b) + 14), CLS((b) + 15)

static const uint8_t ctab[256] = {ROW(0x00), ROW(0x10), ROW(0x20), ROW(0x30),
    ROW(0x40), ROW(0x50), ROW(0x60), ROW(0x70), ROW(0x80), ROW(0x90), ROW(0xa0),
    ROW(0xb0), ROW(0xc0), ROW(0xd0), ROW(0xe0), ROW(0xf0)};

/* Fields the parser reads for itself, remembered across lines. */
struct pstate {
	unsigned hosts; /* Host lines */
	bool te;        /* a Transfer-Encoding line */
	bool close;     /* Connection: close */
	bool ka;        /* Connection: keep-alive */
};

/*
 * eq_lc compares n bytes of a with the lower-case literal lit without
 * ASCII case. lit holds only lower-case letters, digits and "-:/", for
 * which (c | 0x20) == lit[k] holds exactly when c matches without case
 * (the bytes it would also fold are CR, 0x0f, 0x1a and controls, which
 * no caller passes).
 */
static inline bool
eq_lc(const uint8_t *a, const char *lit, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if ((a[k] | 0x20) != (uint8_t)lit[k])
			return false;
	return true;
}

bool
mg_http_list_next(mg_view v, size_t *off, mg_view *el, bool quotes)
{
	size_t i = *off, b, e;

	while (i < v.len && (v.p[i] == ',' || (ctab[v.p[i]] & C_OWS)))
		i++;
	if (i >= v.len) {
		*off = i;
		return false;
	}
	b = i;
	/* A quoted string (an entity-tag, a parameter) may hold commas. */
	while (i < v.len && v.p[i] != ',') {
		if (quotes && v.p[i] == '"') {
			for (i++; i < v.len && v.p[i] != '"'; i++)
				;
			if (i < v.len)
				i++;
			continue;
		}
		i++;
	}
	e = i;
	while (e > b && (ctab[v.p[e - 1]] & C_OWS))
		e--;
	*el = mg_view_make(v.p + b, e - b);
	*off = i;
	return true;
}

static inline unsigned
hexval(uint8_t c)
{
	return c <= '9' ? (unsigned)(c - '0')
	                : (unsigned)((c | 0x20) - 'a' + 10);
}

/*
 * skip_lead skips the empty lines (CRLF or LF) before a request line.
 * Returns 0 with *off at the request line, 1 when the bytes end first,
 * -400 on a bare CR or more than LEAD_MAX empty lines.
 */
static int
skip_lead(const uint8_t *p, size_t n, size_t *off)
{
	size_t i = 0;
	unsigned k = 0;

	for (;;) {
		if (i >= n)
			return 1;
		if (p[i] == '\n') {
			i++;
		} else if (p[i] == '\r') {
			if (i + 1 >= n)
				return 1;
			if (p[i + 1] != '\n')
				return -400;
			i += 2;
		} else {
			break;
		}
		if (++k > LEAD_MAX)
			return -400;
	}
	*off = i;
	return 0;
}

/*
 * The search keeps one invariant: every byte before *scan has been
 * looked at, no head ends before it and every CR before it is followed
 * by LF. A LF or CR whose verdict needs bytes not yet received is where
 * the next call resumes. Bytes at or past lim (the cap) are never read,
 * so the answer does not depend on how the bytes were split into calls.
 */
long
mg_http_head_end(mg_view v, size_t *scan)
{
	const uint8_t *p = v.p;
	size_t n = v.len, start = 0, lim, end, i;
	int rc;

	rc = skip_lead(p, n, &start);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	lim = start + MG_HTTP_HEAD_MAX;
	end = n < lim ? n : lim;
	i = *scan > start && *scan <= n ? *scan : start;
	for (; i < end; i++) {
		uint8_t c = p[i];

		if (c != '\n' && c != '\r')
			continue;
		if (c == '\n') {
			/* RFC 9112 2.2: the empty line is LF or CRLF. */
			if (i + 1 >= lim)
				continue;
			if (i + 1 >= n)
				break;
			if (p[i + 1] == '\n')
				return (long)(i + 2);
			if (p[i + 1] == '\r' && i + 2 < lim) {
				if (i + 2 >= n)
					break;
				if (p[i + 2] == '\n')
					return (long)(i + 3);
			}
		} else {
			/* A CR is only ever part of CRLF (RFC 9112 2.2). */
			if (i + 1 >= lim) {
				i = lim;
				break;
			}
			if (i + 1 >= n)
				break;
			if (p[i + 1] != '\n')
				return -400;
		}
	}
	if (i < lim) {
		*scan = i;
		return 0;
	}
	/* Over the cap: was the request line alone too long? */
	return mg_memchr(p + start, '\n', MG_HTTP_HEAD_MAX) == NULL ? -414
	                                                            : -431;
}

static uint8_t
method_of(const uint8_t *m, size_t len)
{
	switch (len) {
	case 3:
		if (mg_memcmp(m, "GET", 3) == 0)
			return MG_HTTP_GET;
		if (mg_memcmp(m, "PUT", 3) == 0)
			return MG_HTTP_PUT;
		break;
	case 4:
		if (mg_memcmp(m, "HEAD", 4) == 0)
			return MG_HTTP_HEAD;
		if (mg_memcmp(m, "POST", 4) == 0)
			return MG_HTTP_POST;
		break;
	case 5:
		if (mg_memcmp(m, "TRACE", 5) == 0)
			return MG_HTTP_TRACE;
		if (mg_memcmp(m, "PATCH", 5) == 0)
			return MG_HTTP_PATCH;
		break;
	case 6:
		if (mg_memcmp(m, "DELETE", 6) == 0)
			return MG_HTTP_DELETE;
		break;
	case 7:
		if (mg_memcmp(m, "OPTIONS", 7) == 0)
			return MG_HTTP_OPTIONS;
		if (mg_memcmp(m, "CONNECT", 7) == 0)
			return MG_HTTP_CONNECT;
		break;
	default:
		break;
	}
	return MG_HTTP_OTHER;
}

/* dec-octet "." dec-octet "." dec-octet "." dec-octet (RFC 3986 3.2.2):
 * 0 to 255 without leading zeros. */
static bool
ip4_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;
	unsigned k;

	for (k = 0; k < 4; k++) {
		size_t s = i;
		unsigned v = 0;

		if (k > 0) {
			if (i >= n || p[i] != '.')
				return false;
			s = ++i;
		}
		while (i < n && i - s < 3 && IN(p[i], '0', '9'))
			v = v * 10 + (unsigned)(p[i++] - '0');
		if (i == s || v > 255 || (i - s > 1 && p[s] == '0'))
			return false;
	}
	return i == n;
}

/* IPv6address (RFC 3986 3.2.2): eight h16 groups, or fewer with one
 * "::"; the last two may be an IPv4 address. */
static bool
ip6_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;
	unsigned groups = 0;
	bool dcolon = false;

	if (n >= 2 && p[0] == ':' && p[1] == ':') {
		dcolon = true;
		i = 2;
		if (i == n)
			return true;
	}
	for (;;) {
		size_t s = i;

		while (i < n && (ctab[p[i]] & C_HEX))
			i++;
		if (i < n && p[i] == '.') {
			if (!ip4_ok(p + s, n - s))
				return false;
			groups += 2;
			break;
		}
		if (i == s || i - s > 4)
			return false;
		groups++;
		if (i == n)
			break;
		if (p[i] != ':' || ++i == n)
			return false;
		if (p[i] == ':') {
			if (dcolon)
				return false;
			dcolon = true;
			if (++i == n)
				break;
		}
		if (groups > 8)
			return false;
	}
	return dcolon ? groups <= 7 : groups == 8;
}

/* IP-literal inside the brackets: IPv6address or IPvFuture. */
static bool
ip_literal_ok(const uint8_t *p, size_t n)
{
	size_t i = 1, s;

	if (n == 0 || (p[0] != 'v' && p[0] != 'V'))
		return ip6_ok(p, n);
	/* "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
	s = i;
	while (i < n && (ctab[p[i]] & C_HEX))
		i++;
	if (i == s || i >= n || p[i] != '.')
		return false;
	s = ++i;
	while (i < n && ((ctab[p[i]] & C_HOST) || p[i] == ':'))
		i++;
	return i > s && i == n;
}

/*
 * authority_ok checks uri-host [ ":" port ] (RFC 3986 3.2.2, 3.2.3): a
 * reg-name (unreserved, sub-delims, pct-encoded; IPv4 is one) or an
 * IP-literal in brackets, then port digits. The host may be empty only
 * when the whole value is (a Host field for a target without one).
 */
static bool
authority_ok(const uint8_t *p, size_t n, bool need_port)
{
	size_t i = 0;

	if (n == 0)
		return !need_port;
	if (p[0] == '[') {
		const uint8_t *e = mg_memchr(p, ']', n);

		if (e == NULL || !ip_literal_ok(p + 1, (size_t)(e - p) - 1))
			return false;
		i = (size_t)(e - p) + 1;
	} else {
		while (i < n) {
			if (ctab[p[i]] & C_HOST) {
				i++;
			} else if (p[i] == '%' && n - i > 2 &&
			    (ctab[p[i + 1]] & C_HEX) &&
			    (ctab[p[i + 2]] & C_HEX)) {
				i += 3;
			} else {
				break;
			}
		}
		if (i == 0)
			return false;
	}
	if (i == n)
		return !need_port;
	if (p[i++] != ':' || (need_port && i == n))
		return false;
	while (i < n && (ctab[p[i]] & C_DIGIT))
		i++;
	return i == n;
}

/*
 * The request-target (RFC 9112 3.2), once its bytes are known visible:
 * t[0..q) before the first '?' (q == len when none).
 */
static int
target_form(struct mg_http_req *req, const uint8_t *t, size_t len, size_t q)
{
	size_t s, a;

	req->target = mg_view_make(t, len);
	req->query =
	    q < len ? mg_view_make(t + q + 1, len - q - 1) : mg_view_empty();
	if (req->method == MG_HTTP_CONNECT) {
		/* 3.2.3: authority-form, and only it, for CONNECT. */
		if (!authority_ok(t, len, true))
			return -400;
		req->path = req->target;
		req->query = mg_view_empty();
		return 0;
	}
	if (t[0] == '/') {
		req->path = mg_view_make(t, q); /* 3.2.1: origin-form */
		return 0;
	}
	if (len == 1 && t[0] == '*') {
		/* 3.2.4: asterisk-form, only for a server-wide OPTIONS. */
		if (req->method != MG_HTTP_OPTIONS)
			return -400;
		req->path = req->target;
		return 0;
	}
	/* 3.2.2: absolute-form; http and https are the schemes served. */
	if (len >= 7 && eq_lc(t, "http://", 7))
		s = 7;
	else if (len >= 8 && eq_lc(t, "https://", 8))
		s = 8;
	else
		return -400;
	a = s;
	while (a < q && t[a] != '/')
		a++;
	/* RFC 9110 4.2.1: an http(s) URI has a host and no userinfo; the
	 * authority check refuses both "" and '@'. */
	if (a == s || !authority_ok(t + s, a - s, false))
		return -400;
	req->absolute = true;
	req->host = mg_view_make(t + s, a - s);
	/* An empty path is "/": the one before the authority stands for it,
	 * so that every view stays inside the head. */
	req->path =
	    a < q ? mg_view_make(t + a, q - a) : mg_view_make(t + s - 1, 1);
	return 0;
}

/* A field the server keeps: one more line of it. */
static int
keep(struct mg_http_lines *l, const uint8_t *v, size_t len)
{
	if (l->n >= MG_HTTP_LIST_MAX)
		return -431;
	l->v[l->n++] = mg_view_make(v, len);
	return 0;
}

/* Connection (RFC 9110 7.6.1): a list of options, empty ones allowed. */
static void
f_connection(struct pstate *st, const uint8_t *v, size_t len)
{
	size_t off = 0;
	mg_view el;

	while (mg_http_list_next(mg_view_make(v, len), &off, &el, false)) {
		if (el.len == 5 && eq_lc(el.p, "close", 5))
			st->close = true;
		else if (el.len == 10 && eq_lc(el.p, "keep-alive", 10))
			st->ka = true;
	}
}

/* Skips OWS from i. */
static size_t
ows(const uint8_t *v, size_t len, size_t i)
{
	while (i < len && (ctab[v[i]] & C_OWS))
		i++;
	return i;
}

/*
 * Content-Length (RFC 9110 8.6, RFC 9112 6.3): 1*DIGIT. A list of equal
 * values, on one line or several, is that value; anything else is 400
 * since two parsers might pick different lengths.
 */
static int
f_length(struct mg_http_req *req, const uint8_t *v, size_t len)
{
	size_t i = 0;

	for (;;) {
		size_t s = i;
		uint64_t x = 0;

		while (i < len && (ctab[v[i]] & C_DIGIT)) {
			if (i - s >= 18)
				return -400;
			x = x * 10 + (uint64_t)(v[i++] - '0');
		}
		if (i == s)
			return -400;
		if (req->has_length && x != req->content_length)
			return -400;
		req->has_length = true;
		req->content_length = x;
		i = ows(v, len, i);
		if (i == len)
			return 0;
		if (v[i] != ',')
			return -400;
		i = ows(v, len, i + 1);
	}
}

/*
 * transfer-parameters after a coding (RFC 9110 10.1.4, 5.6.6):
 * *( OWS ";" OWS token BWS "=" BWS ( token / quoted-string ) ).
 * Returns the offset after them, or 0 when malformed (0 is never a valid
 * answer: a coding came first).
 */
static size_t
params(const uint8_t *v, size_t len, size_t i)
{
	while (i < len && v[i] == ';') {
		size_t s;

		i = ows(v, len, i + 1);
		s = i;
		while (i < len && (ctab[v[i]] & C_TCHAR))
			i++;
		if (i == s)
			return 0;
		i = ows(v, len, i);
		if (i >= len || v[i] != '=')
			return 0;
		i = ows(v, len, i + 1);
		if (i < len && v[i] == '"') {
			for (i++; i < len && v[i] != '"'; i++)
				if (v[i] == '\\' && ++i >= len)
					return 0;
			if (i >= len)
				return 0;
			i++;
		} else {
			s = i;
			while (i < len && (ctab[v[i]] & C_TCHAR))
				i++;
			if (i == s)
				return 0;
		}
		i = ows(v, len, i);
	}
	return i;
}

/*
 * Transfer-Encoding (RFC 9112 6.1, 6.3): codings in order over all its
 * lines. In a request chunked must come last, once; a coding not known
 * here is 501; HTTP/1.0 has no transfer codings (a 1.0 message with one
 * is read as having a faulty framing, 6.1).
 */
static int
f_te(struct mg_http_req *req, struct pstate *st, const uint8_t *v, size_t len)
{
	size_t i = 0;

	if (req->minor == 0)
		return -400;
	st->te = true;
	for (;;) {
		size_t s = i, n;

		while (i < len && (ctab[v[i]] & C_TCHAR))
			i++;
		n = i - s;
		if (n == 0)
			return -400; /* empty value or element, or a bad byte */
		if (req->chunked)
			return -400; /* something after chunked */
		if (n == 7 && eq_lc(v + s, "chunked", 7))
			req->chunked = true;
		else if (!((n == 4 && eq_lc(v + s, "gzip", 4)) ||
		             (n == 6 && eq_lc(v + s, "x-gzip", 6)) ||
		             (n == 7 && eq_lc(v + s, "deflate", 7)) ||
		             (n == 8 && eq_lc(v + s, "compress", 8)) ||
		             (n == 10 && eq_lc(v + s, "x-compress", 10))))
			return -501;
		i = ows(v, len, i);
		if (i < len && v[i] == ';' && (i = params(v, len, i)) == 0)
			return -400;
		if (i == len)
			return 0;
		if (v[i] != ',')
			return -400;
		i = ows(v, len, i + 1);
	}
}

/* One field line: name (a token) and its value, OWS trimmed. Names are
 * told apart by length first, then compared without case. */
static int
field(struct mg_http_req *req, struct pstate *st, const uint8_t *name,
    size_t nlen, const uint8_t *v, size_t vlen)
{
	struct mg_http_lines *h = req->h;

	switch (nlen) {
	case 4:
		if (!eq_lc(name, "host", 4))
			break;
		/* RFC 9112 3.2: exactly one Host, a valid one. */
		if (st->hosts++ > 0 || !authority_ok(v, vlen, false))
			return -400;
		if (!req->absolute)
			req->host = mg_view_make(v, vlen);
		break;
	case 5:
		if (eq_lc(name, "range", 5))
			return keep(&h[MG_HTTP_H_RANGE], v, vlen);
		break;
	case 6:
		if (eq_lc(name, "expect", 6))
			return keep(&h[MG_HTTP_H_EXPECT], v, vlen);
		break;
	case 8:
		if (eq_lc(name, "if-match", 8))
			return keep(&h[MG_HTTP_H_IF_MATCH], v, vlen);
		if (eq_lc(name, "if-range", 8))
			return keep(&h[MG_HTTP_H_IF_RANGE], v, vlen);
		break;
	case 10:
		if (eq_lc(name, "connection", 10))
			f_connection(st, v, vlen);
		break;
	case 13:
		if (eq_lc(name, "if-none-match", 13))
			return keep(&h[MG_HTTP_H_IF_NONE_MATCH], v, vlen);
		break;
	case 14:
		if (eq_lc(name, "content-length", 14))
			return f_length(req, v, vlen);
		break;
	case 15:
		if (eq_lc(name, "accept-encoding", 15))
			return keep(&h[MG_HTTP_H_ACCEPT_ENCODING], v, vlen);
		break;
	case 17:
		if (eq_lc(name, "transfer-encoding", 17))
			return f_te(req, st, v, vlen);
		if (eq_lc(name, "if-modified-since", 17))
			return keep(&h[MG_HTTP_H_IF_MODIFIED_SINCE], v, vlen);
		break;
	case 19:
		if (eq_lc(name, "if-unmodified-since", 19))
			return keep(&h[MG_HTTP_H_IF_UNMODIFIED_SINCE], v, vlen);
		break;
	default:
		break;
	}
	return 0;
}

int
mg_http_parse(mg_view head, struct mg_http_req *req)
{
	const uint8_t *p = head.p;
	size_t n = head.len, i = 0, j, t, q, e, nf = 0;
	struct pstate st = {0, false, false, false};
	int rc;

	mg_memset(req, 0, sizeof(*req));
	/* The LF last is the sentinel every scan below stops at. */
	if (n == 0 || p[n - 1] != '\n' || skip_lead(p, n, &i) != 0)
		return -400;

	/* RFC 9112 3: method SP request-target SP HTTP-version CRLF. */
	j = i;
	while (ctab[p[i]] & C_TCHAR)
		i++;
	if (i == j || p[i] != ' ')
		return -400;
	req->method_name = mg_view_make(p + j, i - j);
	req->method = method_of(p + j, i - j);
	t = ++i;
	while (ctab[p[i]] & C_PATH)
		i++;
	q = i - t;
	if (p[i] == '?')
		while (ctab[p[++i]] & C_QUERY)
			continue;
	if (i == t || p[i] != ' ')
		return -400; /* empty, or a byte not allowed ('#', CTLs, ...) */
	if (i - t > MG_HTTP_TARGET_MAX)
		return -414;
	j = i++;
	/* RFC 9112 2.3: "HTTP/" DIGIT "." DIGIT, case-sensitive. */
	if (n - i < 9 || mg_memcmp(p + i, "HTTP/", 5) != 0 ||
	    !(ctab[p[i + 5]] & C_DIGIT) || p[i + 6] != '.' ||
	    !(ctab[p[i + 7]] & C_DIGIT))
		return -400;
	if (p[i + 8] == '\r' && p[i + 9] == '\n')
		e = i + 10;
	else if (p[i + 8] == '\n')
		e = i + 9;
	else
		return -400;
	if (p[i + 5] != '1')
		return -505;
	req->minor = p[i + 7] == '0' ? 0 : 1; /* 1.x, x > 1: 1.1 (2.5) */
	i = e;
	rc = target_form(req, p + t, j - t, q);
	if (rc != 0)
		return rc;

	/* RFC 9112 5: field-name ":" OWS field-value OWS, until an empty
	 * line. A line starting with whitespace (obs-fold, 5.2), or a name
	 * followed by whitespace before the colon (5.1), fails the token
	 * scan. */
	for (;;) {
		size_t name, nlen, vs, ve;

		if (i >= n)
			return -400; /* no empty line */
		if (p[i] == '\n') {
			i++;
			break;
		}
		if (p[i] == '\r') {
			if (p[i + 1] != '\n')
				return -400;
			i += 2;
			break;
		}
		if (++nf > MG_HTTP_FIELDS_MAX)
			return -431;
		name = i;
		while (ctab[p[i]] & C_TCHAR)
			i++;
		if (i == name || p[i] != ':')
			return -400;
		nlen = i - name;
		i++;
		while (ctab[p[i]] & C_OWS)
			i++;
		vs = i;
		while (ctab[p[i]] & C_VALUE)
			i++;
		ve = i;
		/* CR is only allowed as part of CRLF; NUL, DEL and other
		 * CTLs end the scan too (RFC 9110 5.5). */
		if (p[i] == '\r' && p[i + 1] == '\n')
			i += 2;
		else if (p[i] == '\n')
			i++;
		else
			return -400;
		while (ve > vs && (ctab[p[ve - 1]] & C_OWS))
			ve--;
		rc = field(req, &st, p + name, nlen, p + vs, ve - vs);
		if (rc != 0)
			return rc;
	}
	if (i != n)
		return -400; /* bytes after the empty line: not one head */

	/* RFC 9112 3.2: a 1.1 request has a Host. */
	if (req->minor == 1 && st.hosts == 0)
		return -400;
	/* RFC 9112 6.1, 6.3: Transfer-Encoding with Content-Length, or
	 * without chunked last, leaves the length unknown: 400. */
	if (st.te && (req->has_length || !req->chunked))
		return -400;
	/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only with
	 * "keep-alive". */
	req->keep_alive = !st.close && (req->minor == 1 || st.ka);
	return 0;
}

/*
 * Decoding first and removing dot segments after (RFC 3986 5.2.4) means
 * "%2e%2E" is ".." too, and a decoded "%2F" separates segments: what the
 * file lookup sees is what was checked. One pass: out holds the output
 * buffer of 5.2.4 with the current segment at out[seg..w).
 */
long
mg_http_path_decode(mg_view path, char *out, size_t cap)
{
	const uint8_t *p = path.p;
	size_t n = path.len, i = 1, w = 1, seg = 1;

	if (n == 0 || p[0] != '/')
		return -400;
	if (cap < 2)
		return -414;
	out[0] = '/';
	for (;;) {
		bool dot, dotdot;

		if (i < n) {
			uint8_t c = p[i++];

			if (c == '%') {
				if (n - i < 2 || !(ctab[p[i]] & C_HEX) ||
				    !(ctab[p[i + 1]] & C_HEX))
					return -400;
				c = (uint8_t)(hexval(p[i]) << 4 |
				    hexval(p[i + 1]));
				i += 2;
			}
			if (c == '\0')
				return -400;
			if (c != '/') {
				if (w + 1 >= cap)
					return -414;
				out[w++] = (char)c;
				continue;
			}
		} else if (i == n) {
			i++; /* the end closes the last segment */
		} else {
			break;
		}
		/* The segment out[seg..w) is complete. */
		dot = w - seg == 1 && out[seg] == '.';
		dotdot = w - seg == 2 && out[seg] == '.' && out[seg + 1] == '.';
		if (dot) {
			w = seg; /* the '/' before it stays */
		} else if (dotdot) {
			if (seg == 1)
				return -400; /* above the root */
			/* Drop the segment before too, back to its '/'. */
			w = seg - 1;
			while (out[w - 1] != '/')
				w--;
			seg = w;
		} else if (i <= n) {
			if (w + 1 >= cap)
				return -414;
			out[w++] = '/';
			seg = w;
		}
	}
	out[w] = '\0';
	return (long)w;
}
