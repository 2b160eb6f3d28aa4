/* SPDX-License-Identifier: ISC */
/*
 * fuzz_respond.c: the static server's answer to any request bytes. The
 * head is delimited by mg_http_head_end and parsed by mg_http_parse; a
 * request that parses goes to mg_http_respond against the site of
 * lib/http/test/respond_blob.h, any other to mg_http_respond_error with
 * the status, at a wall time taken from the input. Checks: the call
 * succeeds and fits; the head is a status line and fields, CRLF only,
 * no NUL, the empty line last, the Date of that time; Content-Length is
 * the body's (HEAD: the same head as GET) except for 204 and 304; a
 * body is a whole file, a range of one with a Content-Range that says
 * so, or a short static text; the connection closes when it must and
 * says so.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/err.h"
#include "mg/http.h"
#include "mg/log.h"
#include "test/respond_blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static uint8_t *blob; /* an exact-size heap copy of respond_blob */
static struct mg_http_site *site;
static struct mg_http_srv srv;

static bool
within(mg_view v, const uint8_t *p, size_t n)
{
	return v.p >= p && v.p <= p + n && v.len <= (size_t)(p + n - v.p);
}

/* The value of the one field called name; *found tells if there is
 * one (two: a trap). */
static mg_view
field(const uint8_t *h, size_t n, const char *name, bool *found)
{
	size_t k = strlen(name), i, e;
	mg_view v = mg_view_empty();

	*found = false;
	/* After the status line, up to the empty line. */
	for (i = 0; h[i] != '\r'; i++)
		;
	for (i += 2; i < n && h[i] != '\r'; i = e + 2) {
		for (e = i; h[e] != '\r'; e++)
			;
		if (e - i >= k + 2 && memcmp(h + i, name, k) == 0 &&
		    h[i + k] == ':' && h[i + k + 1] == ' ') {
			CHECK(!*found);
			*found = true;
			v = mg_view_make(h + i + k + 2, e - i - k - 2);
		}
	}
	return v;
}

static bool
is_field(const uint8_t *h, size_t n, const char *name, const char *val)
{
	bool found;
	mg_view v = field(h, n, name, &found);

	return found && mg_view_eq(v, mg_view_str(val));
}

/* A decimal of up to 18 digits at v[*i]. */
static bool
num(mg_view v, size_t *i, uint64_t *out)
{
	size_t b = *i;

	*out = 0;
	while (*i < v.len && v.p[*i] >= '0' && v.p[*i] <= '9' && *i - b < 18)
		*out = *out * 10 + (uint64_t)(v.p[(*i)++] - '0');
	return *i > b;
}

/* The head's shape; returns the status. */
static unsigned
check_head(const uint8_t *h, size_t n, const struct mg_http_resp *r,
    mg_time_t now)
{
	char date[MG_HTTP_DATE_LEN + 1];
	unsigned st;
	size_t i;

	CHECK(n >= 17 && n <= MG_HTTP_RESP_HEAD_MAX && n == r->head_len);
	CHECK(memcmp(h, "HTTP/1.1 ", 9) == 0);
	for (i = 9; i < 12; i++)
		CHECK(h[i] >= '0' && h[i] <= '9');
	CHECK(h[12] == ' ');
	st = (unsigned)(h[9] - '0') * 100 + (unsigned)(h[10] - '0') * 10 +
	    (unsigned)(h[11] - '0');
	CHECK(st == r->status);
	CHECK(memcmp(h + n - 4, "\r\n\r\n", 4) == 0);
	for (i = 0; i < n; i++) {
		CHECK(h[i] != '\0');
		if (h[i] == '\r')
			CHECK(i + 1 < n && h[i + 1] == '\n');
		if (h[i] == '\n')
			CHECK(i > 0 && h[i - 1] == '\r');
		/* The empty line is the last one. */
		if (i + 4 < n)
			CHECK(memcmp(h + i, "\r\n\r\n", 4) != 0);
	}
	mg_http_date_fmt(now / MG_SEC(1) * MG_SEC(1), date);
	CHECK(is_field(h, n, "Date", date));
	CHECK(is_field(h, n, "Connection", "close") == r->close);
	return st;
}

/* The file representation (body or gzip variant) that v is (whole) or
 * lies in (!whole). */
static bool
rep_of(mg_view v, bool whole, mg_view *rep)
{
	struct mg_http_file f;
	size_t i, k;

	for (i = 0; mg_http_site_get(site, i, &f); i++) {
		for (k = 0; k < 2; k++) {
			mg_view r = k == 0 ? f.body : f.gzip;

			if (k == 1 && r.len == 0)
				continue;
			if (whole ? r.p == v.p && r.len == v.len
			          : v.len > 0 && within(v, r.p, r.len)) {
				*rep = r;
				return true;
			}
		}
	}
	return false;
}

/* Content-Length, and what the body is. */
static void
check_body(const uint8_t *h, size_t n, const struct mg_http_resp *r, bool head)
{
	bool found;
	mg_view cl = field(h, n, "Content-Length", &found), cr, rep;
	uint64_t len, a, b, t;
	size_t i = 0;

	if (r->status == 204 || r->status == 304) {
		CHECK(!found && r->body.len == 0);
		return;
	}
	CHECK(found && num(cl, &i, &len) && i == cl.len);
	if (head) {
		CHECK(r->body.len == 0);
		return;
	}
	CHECK(len == r->body.len);
	cr = field(h, n, "Content-Range", &found);
	if (r->status == 200) {
		CHECK(!found && rep_of(r->body, true, &rep));
		CHECK(within(r->body, blob, sizeof(respond_blob)));
		return;
	}
	if (r->status == 206) {
		/* "bytes a-b/t" of the representation the body lies in. */
		i = 6;
		CHECK(found && cr.len > 6 && memcmp(cr.p, "bytes ", 6) == 0);
		CHECK(num(cr, &i, &a) && i < cr.len && cr.p[i++] == '-');
		CHECK(num(cr, &i, &b) && i < cr.len && cr.p[i++] == '/');
		CHECK(num(cr, &i, &t) && i == cr.len);
		CHECK(rep_of(r->body, false, &rep));
		CHECK(a <= b && b < t && rep.len == t);
		CHECK(r->body.p == rep.p + a && r->body.len == b - a + 1);
		return;
	}
	/* A short text of the status. */
	CHECK(r->status >= 300 && !found == (r->status != 416));
	CHECK(!within(r->body, blob, sizeof(respond_blob)));
	CHECK(r->body.len > 0 && r->body.len < 64);
	CHECK(r->body.p[r->body.len - 1] == '\n');
}

static void
check_respond(const struct mg_http_req *req, mg_time_t now, uint8_t *buf)
{
	struct mg_http_resp r, g;
	struct mg_http_req get;
	uint8_t *gbuf;
	bool body = req->chunked || (req->has_length && req->content_length);

	CHECK(mg_http_respond(&srv, req, now, buf, MG_HTTP_RESP_HEAD_MAX - 1,
	          &r) == -MG_ENOSPC);
	CHECK(mg_http_respond(&srv, req, now, buf, MG_HTTP_RESP_HEAD_MAX, &r) ==
	    0);
	check_head(buf, r.head_len, &r, now);
	check_body(buf, r.head_len, &r, req->method == MG_HTTP_HEAD);
	/* When the connection must end: no keep-alive, or a body unread. */
	if (!req->keep_alive || body)
		CHECK(r.close);
	CHECK(is_field(buf, r.head_len, "Connection", "keep-alive") ==
	    (!r.close && req->minor == 0));
	if (r.status == 405)
		CHECK(is_field(buf, r.head_len, "Allow", "GET, HEAD, OPTIONS"));
	if (req->method != MG_HTTP_HEAD)
		return;
	/* HEAD: the head GET would have (without Range, which HEAD does not
	 * take), byte for byte. */
	get = *req;
	get.method = MG_HTTP_GET;
	get.h[MG_HTTP_H_RANGE].n = 0;
	gbuf = malloc(MG_HTTP_RESP_HEAD_MAX);
	if (gbuf == NULL)
		return;
	CHECK(mg_http_respond(&srv, &get, now, gbuf, MG_HTTP_RESP_HEAD_MAX,
	          &g) == 0);
	CHECK(g.status == r.status && g.close == r.close);
	CHECK(g.head_len == r.head_len && memcmp(gbuf, buf, r.head_len) == 0);
	check_body(gbuf, g.head_len, &g, false);
	free(gbuf);
}

static void
check_error(unsigned status, mg_time_t now, uint8_t *buf)
{
	struct mg_http_resp r;

	CHECK(mg_http_respond_error(&srv, status, now, buf,
	          MG_HTTP_RESP_HEAD_MAX - 1, &r) == -MG_ENOSPC);
	CHECK(mg_http_respond_error(&srv, status, now, buf,
	          MG_HTTP_RESP_HEAD_MAX, &r) == 0);
	CHECK(r.status == status && r.close);
	check_head(buf, r.head_len, &r, now);
	check_body(buf, r.head_len, &r, false);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_http_req req;
	uint64_t h = 0xcbf29ce484222325ULL;
	mg_time_t now;
	uint8_t *in, *buf;
	size_t scan = 0, i;
	long end;
	int rc;

	if (site == NULL) {
		fake_plat_heap();
		mg_log_config("http=off");
		blob = malloc(sizeof(respond_blob));
		CHECK(blob != NULL);
		memcpy(blob, respond_blob, sizeof(respond_blob));
		CHECK(
		    mg_http_site_load(mg_view_make(blob, sizeof(respond_blob)),
		        &site) == 0);
		mg_http_srv_init(&srv, site, "fuzz");
	}
	/* The time: around the files' mtimes and today, to the second or
	 * not, from a hash of the input. */
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	now = h % MG_SEC(4102444800ULL); /* up to 2100 */
	if (h >> 62 == 0)
		now = MG_SEC(784000000ULL) + (h >> 8) % MG_SEC(4) - MG_SEC(2);
	in = malloc(size ? size : 1);
	buf = malloc(MG_HTTP_RESP_HEAD_MAX);
	if (in == NULL || buf == NULL)
		goto out;
	if (size > 0)
		memcpy(in, data, size);

	end = mg_http_head_end(mg_view_make(in, size), &scan);
	if (end < 0) {
		check_error((unsigned)-end, now, buf);
		goto out;
	}
	/* A head not ended yet goes to the parser whole. */
	rc =
	    mg_http_parse(mg_view_make(in, end > 0 ? (size_t)end : size), &req);
	if (rc < 0)
		check_error((unsigned)-rc, now, buf);
	else
		check_respond(&req, now, buf);
out:
	free(buf);
	free(in);
	return 0;
}
