/* SPDX-License-Identifier: ISC */
/*
 * respond.c: the static server's responses (RFC 9110, RFC 9111 for the
 * validators, RFC 9112 for framing).
 *
 * The head is written with plain copies into the caller's buffer (no
 * formatting calls on the common path: the Date field is formatted once
 * a second, Last-Modified once per distinct mtime); the body is a view
 * of the site blob or of a static text below. Conditionals are evaluated
 * in RFC 9110 13.2.2's order: If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since, then If-Range and Range.
 */
#include "http_int.h"
#include "mg/err.h"
#include "mg/http.h"
#include "mg/string.h"

/* Paths are decoded into a buffer this big; longer ones are 414. */
#define PATH_MAX_LEN (MG_HTTP_TARGET_MAX + 16)
#define INDEX_NAME   "index.html"
#define TEXT_TYPE    "text/plain; charset=utf-8"
#define ALLOW        "GET, HEAD, OPTIONS"

/* The head being written: cap is checked once up front (the fields are
 * bounded by MG_HTTP_RESP_HEAD_MAX), every append checks again. */
struct out {
	uint8_t *p;
	size_t len, cap;
	bool bad;
};

static void
put(struct out *o, const void *s, size_t n)
{
	if (n == 0)
		return;
	if (n > o->cap - o->len) {
		o->bad = true;
		return;
	}
	mg_memcpy(o->p + o->len, s, n);
	o->len += n;
}

#define PUTS(o, lit) put((o), (lit), sizeof(lit) - 1)

static void
put_view(struct out *o, mg_view v)
{
	put(o, v.p, v.len);
}

static void
put_u64(struct out *o, uint64_t v)
{
	char t[20];
	size_t i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, t + i, sizeof(t) - i);
}

/* Bytes of a URI path (pchar and '/': RFC 3986 3.3) as they are, others
 * percent-encoded; in a query ('?' too) an existing escape stays. */
static void
put_encoded(struct out *o, mg_view v, bool query)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	uint8_t c, e[3];

	for (i = 0; i < v.len; i++) {
		c = v.p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ||
		    mg_memchr("-._~!$&'()*+,;=:@/", c, 18) != NULL ||
		    (query && (c == '?' || c == '%'))) {
			put(o, &c, 1);
			continue;
		}
		e[0] = '%';
		e[1] = (uint8_t)hex[c >> 4];
		e[2] = (uint8_t)hex[c & 15];
		put(o, e, 3);
	}
}

/* Each status this server sends: its reason phrase, and the text body of
 * an answer that has one ("404 Not Found\n", static). */
#define STATUS(code, reason)                                                   \
	{                                                                      \
		code, reason, #code " " reason "\n"                            \
	}
static const struct {
	uint16_t status;
	const char *reason;
	const char *body;
} statuses[] = {
    STATUS(100, "Continue"),
    STATUS(200, "OK"),
    STATUS(204, "No Content"),
    STATUS(206, "Partial Content"),
    STATUS(301, "Moved Permanently"),
    STATUS(304, "Not Modified"),
    STATUS(400, "Bad Request"),
    STATUS(404, "Not Found"),
    STATUS(405, "Method Not Allowed"),
    STATUS(408, "Request Timeout"),
    STATUS(412, "Precondition Failed"),
    STATUS(413, "Content Too Large"),
    STATUS(414, "URI Too Long"),
    STATUS(416, "Range Not Satisfiable"),
    STATUS(417, "Expectation Failed"),
    STATUS(431, "Request Header Fields Too Large"),
    STATUS(500, "Internal Server Error"),
    STATUS(501, "Not Implemented"),
    STATUS(503, "Service Unavailable"),
    STATUS(505, "HTTP Version Not Supported"),
};
#undef STATUS

static size_t
status_index(unsigned status)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			break;
	return i;
}

const char *
mg_http_reason(unsigned status)
{
	size_t i = status_index(status);

	return i < sizeof(statuses) / sizeof(statuses[0]) ? statuses[i].reason
	                                                  : "";
}

static mg_view
error_body(unsigned status)
{
	size_t i = status_index(status);

	return mg_view_str(i < sizeof(statuses) / sizeof(statuses[0])
	        ? statuses[i].body
	        : "error\n");
}

static void
count(struct mg_http_stats *st, unsigned status)
{
	st->requests++;
	switch (status) {
	case 200:
		st->st_200++;
		break;
	case 204:
		st->st_204++;
		break;
	case 206:
		st->st_206++;
		break;
	case 301:
		st->st_301++;
		break;
	case 304:
		st->st_304++;
		break;
	case 400:
		st->st_400++;
		break;
	case 404:
		st->st_404++;
		break;
	case 405:
		st->st_405++;
		break;
	case 408:
		st->st_408++;
		break;
	case 412:
		st->st_412++;
		break;
	case 413:
		st->st_413++;
		break;
	case 414:
		st->st_414++;
		break;
	case 416:
		st->st_416++;
		break;
	case 417:
		st->st_417++;
		break;
	case 431:
		st->st_431++;
		break;
	case 501:
		st->st_501++;
		break;
	case 503:
		st->st_503++;
		break;
	case 505:
		st->st_505++;
		break;
	default:
		st->st_other++;
		break;
	}
}

void
mg_http_srv_init(struct mg_http_srv *s, const struct mg_http_site *site,
    const char *server)
{
	mg_memset(s, 0, sizeof(*s));
	s->site = site;
	s->server = server;
	s->date_sec = MG_TIME_NEVER;
	s->lm_time = MG_TIME_NEVER;
}

/* Status line, Server, Date: the start of every response. */
static void
put_start(struct mg_http_srv *s, struct out *o, unsigned status, mg_time_t now)
{
	mg_time_t sec = now / MG_SEC(1);
	const char *r = mg_http_reason(status);

	PUTS(o, "HTTP/1.1 ");
	put_u64(o, status);
	PUTS(o, " ");
	put(o, r, mg_strlen(r));
	PUTS(o, "\r\nServer: ");
	put(o, s->server, mg_strlen(s->server));
	if (sec != s->date_sec) {
		mg_http_date_fmt(sec * MG_SEC(1), s->date);
		s->date_sec = sec;
	}
	PUTS(o, "\r\nDate: ");
	put(o, s->date, MG_HTTP_DATE_LEN);
	PUTS(o, "\r\n");
}

/* Connection, the empty line; sets out->close and head_len. */
static int
put_end(struct out *o, const struct mg_http_req *req, bool close,
    struct mg_http_resp *r)
{
	if (close)
		PUTS(o, "Connection: close\r\n");
	else if (req != NULL && req->minor == 0)
		PUTS(o, "Connection: keep-alive\r\n");
	PUTS(o, "\r\n");
	if (o->bad)
		return -MG_ENOSPC;
	r->close = close;
	r->head_len = o->len;
	return 0;
}

/* A short text response (errors, 301); extra holds more fields. */
static int
text_response(struct mg_http_srv *s, const struct mg_http_req *req,
    unsigned status, bool close, mg_time_t now, struct out *o, mg_view extra,
    struct mg_http_resp *r)
{
	mg_view body = error_body(status);

	put_start(s, o, status, now);
	put_view(o, extra);
	PUTS(o, "Content-Type: " TEXT_TYPE "\r\nContent-Length: ");
	put_u64(o, body.len);
	PUTS(o, "\r\n");
	r->status = (uint16_t)status;
	r->body =
	    req != NULL && req->method == MG_HTTP_HEAD ? mg_view_empty() : body;
	count(&s->st, status);
	s->st.body_bytes += r->body.len;
	return put_end(o, req, close, r);
}

int
mg_http_respond_error(struct mg_http_srv *s, unsigned status, mg_time_t now,
    uint8_t *buf, size_t cap, struct mg_http_resp *out)
{
	struct out o = {buf, 0, cap, false};

	if (cap < MG_HTTP_RESP_HEAD_MAX)
		return -MG_ENOSPC;
	mg_memset(out, 0, sizeof(*out));
	if (status < 100 || status > 599)
		status = 500;
	return text_response(s, NULL, status, true, now, &o, mg_view_empty(),
	    out);
}

/*
 * List parsing for the validators and Accept-Encoding.
 */
static bool
is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Does an entity-tag list (If-Match, If-None-Match) match etag? weak:
 * W/ tags count (weak comparison); strong: they never match. */
static bool
etag_list_match(const struct mg_http_lines *l, mg_view etag, bool weak)
{
	size_t k, off;
	mg_view el;

	for (k = 0; k < l->n; k++) {
		off = 0;
		while (mg_http_list_next(l->v[k], &off, &el, true)) {
			bool w = false;

			if (el.len == 1 && el.p[0] == '*')
				return etag.len > 0;
			if (el.len >= 2 && el.p[0] == 'W' && el.p[1] == '/') {
				w = true;
				el.p += 2;
				el.len -= 2;
			}
			if (w && !weak)
				continue;
			if (etag.len > 0 && mg_view_eq(el, etag))
				return true;
		}
	}
	return false;
}

/* The q-value of an element's parameters ("; q=0.5"): 0..1000. */
static unsigned
qvalue(mg_view params)
{
	size_t i = 0;
	unsigned q = 0, scale = 100;

	while (i < params.len) {
		while (i < params.len &&
		    (is_ows(params.p[i]) || params.p[i] == ';'))
			i++;
		if (i + 1 < params.len && (params.p[i] | 0x20) == 'q' &&
		    params.p[i + 1] == '=') {
			i += 2;
			if (i >= params.len)
				return 1000;
			if (params.p[i] == '1')
				return 1000;
			if (params.p[i] != '0')
				return 1000;
			i++;
			if (i < params.len && params.p[i] == '.') {
				i++;
				while (i < params.len &&
				    mg_isdigit(params.p[i]) && scale > 0) {
					q += (unsigned)(params.p[i] - '0') *
					    scale;
					scale /= 10;
					i++;
				}
			}
			return q;
		}
		while (i < params.len && params.p[i] != ';')
			i++;
	}
	return 1000;
}

static bool
token_is(mg_view v, const char *lit)
{
	return mg_view_eq_nocase(v, mg_view_str(lit));
}

/* Is gzip acceptable (RFC 9110 12.5.3)? */
static bool
accepts_gzip(const struct mg_http_lines *l)
{
	unsigned gz = 0, star = 0;
	bool has_gz = false, has_star = false;
	size_t k, off, e;
	mg_view el, name;

	for (k = 0; k < l->n; k++) {
		off = 0;
		while (mg_http_list_next(l->v[k], &off, &el, true)) {
			for (e = 0;
			     e < el.len && el.p[e] != ';' && !is_ows(el.p[e]);
			     e++)
				;
			name = mg_view_make(el.p, e);
			if (token_is(name, "gzip") ||
			    token_is(name, "x-gzip")) {
				unsigned q =
				    qvalue(mg_view_make(el.p + e, el.len - e));

				if (!has_gz || q > gz)
					gz = q;
				has_gz = true;
			} else if (token_is(name, "*")) {
				star =
				    qvalue(mg_view_make(el.p + e, el.len - e));
				has_star = true;
			}
		}
	}
	if (has_gz)
		return gz > 0;
	return has_star && star > 0;
}

/* An HTTP date field (one line, else ignored). */
static bool
date_field(const struct mg_http_lines *l, mg_time_t *t)
{
	return l->n == 1 && mg_http_date_parse(l->v[0], t);
}

/* Parse a non-negative decimal of up to 18 digits. */
static bool
dec(mg_view v, size_t *i, uint64_t *out)
{
	uint64_t n = 0;
	size_t b = *i;

	while (*i < v.len && mg_isdigit(v.p[*i]) && *i - b < 18) {
		n = n * 10 + (uint64_t)(v.p[*i] - '0');
		(*i)++;
	}
	if (*i == b || (*i < v.len && mg_isdigit(v.p[*i])))
		return false;
	*out = n;
	return true;
}

enum range_result {
	RANGE_NONE,
	RANGE_OK,
	RANGE_UNSAT
};

/*
 * One byte range over len bytes (RFC 9110 14.1.2): "bytes=a-b", "a-",
 * "-n". Anything else (a syntax error, several ranges, another unit)
 * is ignored: the whole representation is sent.
 */
static enum range_result
parse_range(mg_view v, uint64_t len, uint64_t *first, uint64_t *last)
{
	size_t i = 6, j;
	uint64_t a, b;

	if (v.len < 7 ||
	    !mg_view_eq_nocase(mg_view_make(v.p, 6), mg_view_str("bytes=")))
		return RANGE_NONE;
	while (i < v.len && is_ows(v.p[i]))
		i++;
	/* A second range makes this a multi-range request: ignored. */
	for (j = i; j < v.len; j++)
		if (v.p[j] == ',')
			return RANGE_NONE;
	if (i < v.len && v.p[i] == '-') {
		i++;
		if (!dec(v, &i, &b))
			return RANGE_NONE;
		while (i < v.len && is_ows(v.p[i]))
			i++;
		if (i != v.len)
			return RANGE_NONE;
		if (len == 0)
			return RANGE_NONE; /* nothing to take a part of: 200 */
		if (b == 0)
			return RANGE_UNSAT;
		*first = b >= len ? 0 : len - b;
		*last = len - 1;
		return RANGE_OK;
	}
	if (!dec(v, &i, &a) || i >= v.len || v.p[i] != '-')
		return RANGE_NONE;
	i++;
	b = UINT64_MAX;
	if (i < v.len && mg_isdigit(v.p[i]) && !dec(v, &i, &b))
		return RANGE_NONE;
	while (i < v.len && is_ows(v.p[i]))
		i++;
	if (i != v.len || b < a)
		return RANGE_NONE;
	if (a >= len)
		return RANGE_UNSAT;
	*first = a;
	*last = b >= len ? len - 1 : b;
	return RANGE_OK;
}

/* Should Range apply (If-Range, RFC 9110 13.1.5)? */
static bool
if_range_ok(const struct mg_http_req *req, mg_view etag, mg_time_t mtime)
{
	const struct mg_http_lines *l = &req->h[MG_HTTP_H_IF_RANGE];
	mg_time_t t;
	mg_view v;

	if (l->n == 0)
		return true;
	if (l->n > 1)
		return false;
	v = l->v[0];
	if (v.len > 0 && v.p[0] == '"')
		return mg_view_eq(v, etag);
	if (v.len > 1 && v.p[0] == 'W' && v.p[1] == '/')
		return false;
	return mg_http_date_parse(v, &t) && t / MG_SEC(1) == mtime / MG_SEC(1);
}

static const char *
last_modified(struct mg_http_srv *s, mg_time_t mtime)
{
	mg_time_t sec = mtime / MG_SEC(1);

	if (sec != s->lm_time) {
		mg_http_date_fmt(sec * MG_SEC(1), s->lm);
		s->lm_time = sec;
	}
	return s->lm;
}

/* The fields that describe the selected representation. */
static void
put_validators(struct mg_http_srv *s, struct out *o,
    const struct mg_http_file *f, mg_view etag, bool vary)
{
	PUTS(o, "Last-Modified: ");
	put(o, last_modified(s, f->mtime), MG_HTTP_DATE_LEN);
	PUTS(o, "\r\nETag: ");
	put_view(o, etag);
	PUTS(o, "\r\n");
	if (vary)
		PUTS(o, "Vary: Accept-Encoding\r\n");
}

/* Find the file for a decoded path: itself, or its folder's index.html
 * when it ends in '/'. *dir is set when the path names a folder that
 * has an index.html but lacks the slash. */
static bool
lookup(const struct mg_http_site *site, char *path, size_t len, size_t cap,
    struct mg_http_file *f, bool *dir)
{
	*dir = false;
	if (path[len - 1] == '/') {
		if (len + sizeof(INDEX_NAME) > cap)
			return false;
		mg_memcpy(path + len, INDEX_NAME, sizeof(INDEX_NAME));
		return mg_http_site_find(site,
		    mg_view_make(path, len + sizeof(INDEX_NAME) - 1), f);
	}
	if (mg_http_site_find(site, mg_view_make(path, len), f))
		return true;
	if (len + 1 + sizeof(INDEX_NAME) > cap)
		return false;
	path[len] = '/';
	mg_memcpy(path + len + 1, INDEX_NAME, sizeof(INDEX_NAME));
	*dir = mg_http_site_find(site,
	    mg_view_make(path, len + sizeof(INDEX_NAME)), f);
	return false;
}

static bool
has_body(const struct mg_http_req *req)
{
	return req->chunked || (req->has_length && req->content_length > 0);
}

/* Expect (RFC 9110 10.1.1): only 100-continue is known. */
static bool
expect_ok(const struct mg_http_req *req)
{
	const struct mg_http_lines *l = &req->h[MG_HTTP_H_EXPECT];
	size_t k, off;
	mg_view el;

	for (k = 0; k < l->n; k++) {
		off = 0;
		while (mg_http_list_next(l->v[k], &off, &el, true))
			if (!token_is(el, "100-continue"))
				return false;
	}
	return true;
}

static int
serve_file(struct mg_http_srv *s, const struct mg_http_req *req,
    const struct mg_http_file *f, mg_time_t now, struct out *o,
    struct mg_http_resp *r)
{
	bool vary = f->gzip.len > 0, gz, close = !req->keep_alive;
	mg_view body = f->body, etag = f->etag;
	uint64_t first = 0, last = 0;
	enum range_result rr = RANGE_NONE;
	mg_time_t t;
	unsigned status = 200;

	gz = vary && accepts_gzip(&req->h[MG_HTTP_H_ACCEPT_ENCODING]);
	if (gz) {
		body = f->gzip;
		etag = f->etag_gz;
	}
	/* Vary on every answer that depended on Accept-Encoding. */
	mg_view vary_f =
	    vary ? mg_view_str("Vary: Accept-Encoding\r\n") : mg_view_empty();

	/* Preconditions (RFC 9110 13.2.2). */
	if (req->h[MG_HTTP_H_IF_MATCH].n > 0) {
		if (!etag_list_match(&req->h[MG_HTTP_H_IF_MATCH], etag, false))
			return text_response(s, req, 412, close, now, o, vary_f,
			    r);
	} else if (date_field(&req->h[MG_HTTP_H_IF_UNMODIFIED_SINCE], &t) &&
	    f->mtime / MG_SEC(1) > t / MG_SEC(1)) {
		return text_response(s, req, 412, close, now, o, vary_f, r);
	}
	if (req->h[MG_HTTP_H_IF_NONE_MATCH].n > 0) {
		if (etag_list_match(&req->h[MG_HTTP_H_IF_NONE_MATCH], etag,
		        true))
			status = 304;
	} else if (date_field(&req->h[MG_HTTP_H_IF_MODIFIED_SINCE], &t) &&
	    f->mtime / MG_SEC(1) <= t / MG_SEC(1)) {
		status = 304;
	}
	if (status == 304) {
		put_start(s, o, 304, now);
		put_validators(s, o, f, etag, vary);
		r->status = 304;
		r->body = mg_view_empty();
		count(&s->st, 304);
		return put_end(o, req, close, r);
	}
	if (req->method == MG_HTTP_GET && req->h[MG_HTTP_H_RANGE].n == 1 &&
	    if_range_ok(req, etag, f->mtime))
		rr = parse_range(req->h[MG_HTTP_H_RANGE].v[0], body.len, &first,
		    &last);
	if (rr == RANGE_UNSAT) {
		struct out x;
		uint8_t cr[96];

		x.p = cr;
		x.len = 0;
		x.cap = sizeof(cr);
		x.bad = false;
		PUTS(&x, "Content-Range: bytes */");
		put_u64(&x, body.len);
		PUTS(&x, "\r\n");
		put_view(&x, vary_f);
		return text_response(s, req, 416, close, now, o,
		    mg_view_make(cr, x.len), r);
	}
	if (rr == RANGE_OK) {
		status = 206;
		body = mg_view_make(body.p + first, (size_t)(last - first + 1));
	}
	put_start(s, o, status, now);
	PUTS(o, "Content-Type: ");
	put_view(o, f->type);
	PUTS(o, "\r\nContent-Length: ");
	put_u64(o, body.len);
	PUTS(o, "\r\n");
	if (rr == RANGE_OK) {
		PUTS(o, "Content-Range: bytes ");
		put_u64(o, first);
		PUTS(o, "-");
		put_u64(o, last);
		PUTS(o, "/");
		put_u64(o, gz ? f->gzip.len : f->body.len);
		PUTS(o, "\r\n");
	}
	put_validators(s, o, f, etag, vary);
	if (gz) {
		PUTS(o, "Content-Encoding: gzip\r\n");
		s->st.gzip++;
	}
	PUTS(o, "Accept-Ranges: bytes\r\n");
	r->status = (uint16_t)status;
	r->body = req->method == MG_HTTP_HEAD ? mg_view_empty() : body;
	count(&s->st, status);
	s->st.body_bytes += r->body.len;
	return put_end(o, req, close, r);
}

int
mg_http_respond(struct mg_http_srv *s, const struct mg_http_req *req,
    mg_time_t now, uint8_t *buf, size_t cap, struct mg_http_resp *out)
{
	struct out o = {buf, 0, cap, false};
	char path[PATH_MAX_LEN + sizeof(INDEX_NAME) + 1];
	struct mg_http_file f;
	bool close = !req->keep_alive, dir;
	long plen;

	if (cap < MG_HTTP_RESP_HEAD_MAX)
		return -MG_ENOSPC;
	mg_memset(out, 0, sizeof(*out));
	/* A body is never read here: its bytes would be taken for the next
	 * request, so any request with one ends the connection. */
	if (has_body(req))
		close = true;
	switch (req->method) {
	case MG_HTTP_GET:
	case MG_HTTP_HEAD:
		break;
	case MG_HTTP_OPTIONS:
		if (has_body(req))
			return text_response(s, req, 413, true, now, &o,
			    mg_view_empty(), out);
		put_start(s, &o, 204, now);
		PUTS(&o, "Allow: " ALLOW "\r\n");
		out->status = 204;
		count(&s->st, 204);
		return put_end(&o, req, close, out);
	case MG_HTTP_OTHER:
		return text_response(s, req, 501, close, now, &o,
		    mg_view_empty(), out);
	default:
		return text_response(s, req, 405, close, now, &o,
		    mg_view_str("Allow: " ALLOW "\r\n"), out);
	}
	if (has_body(req))
		return text_response(s, req, 413, true, now, &o,
		    mg_view_empty(), out);
	if (!expect_ok(req))
		return text_response(s, req, 417, close, now, &o,
		    mg_view_empty(), out);
	plen = mg_http_path_decode(req->path, path, PATH_MAX_LEN);
	if (plen < 0)
		return text_response(s, req, (unsigned)-plen, true, now, &o,
		    mg_view_empty(), out);
	if (lookup(s->site, path, (size_t)plen, sizeof(path), &f, &dir))
		return serve_file(s, req, &f, now, &o, out);
	if (dir) {
		/* The decoded path (so that no "//host" survives from the
		 * target: an open redirect), encoded again, a slash, the
		 * query: the relative reference RFC 9110 10.2.2 allows. */
		static uint8_t loc[MG_HTTP_TARGET_MAX + 64];
		struct out x = {loc, 0, sizeof(loc), false};
		size_t i = 0;

		while (i + 1 < (size_t)plen && path[i + 1] == '/')
			i++;
		PUTS(&x, "Location: ");
		put_encoded(&x, mg_view_make(path + i, (size_t)plen - i),
		    false);
		PUTS(&x, "/");
		if (req->query.len > 0) {
			PUTS(&x, "?");
			put_encoded(&x, req->query, true);
		}
		PUTS(&x, "\r\n");
		if (!x.bad)
			return text_response(s, req, 301, close, now, &o,
			    mg_view_make(loc, x.len), out);
		return text_response(s, req, 414, true, now, &o,
		    mg_view_empty(), out);
	}
	return text_response(s, req, 404, close, now, &o, mg_view_empty(), out);
}
