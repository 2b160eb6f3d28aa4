/* SPDX-License-Identifier: ISC */
/*
 * fuzz_parse.c: request heads as a client sends them. The bytes go to
 * mg_http_head_end whole and then one at a time (resuming from *scan),
 * and both must agree; the head it delimits, and the whole input too, go
 * to mg_http_parse. Checks: statuses are the documented ones, views stay
 * inside the head, the fields hold their invariants, decoded paths have
 * no dot segments, and dates that parse format and parse back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static bool
inside(mg_view v, const uint8_t *p, size_t n)
{
	if (v.len == 0)
		return true;
	return v.p >= p && v.p <= p + n && v.len <= (size_t)(p + n - v.p);
}

static void
check_path(mg_view path)
{
	static char out[MG_HTTP_TARGET_MAX + 1];
	long n = mg_http_path_decode(path, out, sizeof(out));
	long k, s;

	if (n < 0) {
		CHECK(n == -400 || n == -414);
		return;
	}
	CHECK(path.len > 0 && path.p[0] == '/');
	CHECK(n >= 1 && (size_t)n < sizeof(out) && out[0] == '/');
	CHECK(out[n] == '\0' && strlen(out) == (size_t)n);
	/* No "." or ".." segment is left. */
	for (s = 1, k = 1; k <= n; k++) {
		if (k == n || out[k] == '/') {
			CHECK(!(k - s == 1 && out[s] == '.'));
			CHECK(!(
			    k - s == 2 && out[s] == '.' && out[s + 1] == '.'));
			s = k + 1;
		}
	}
}

static void
check_date(mg_view v)
{
	char s[MG_HTTP_DATE_LEN + 1];
	mg_time_t t, t2;

	if (!mg_http_date_parse(v, &t))
		return;
	mg_http_date_fmt(t, s);
	CHECK(s[MG_HTTP_DATE_LEN] == '\0');
	CHECK(mg_http_date_parse(mg_view_make(s, MG_HTTP_DATE_LEN), &t2));
	CHECK(t == t2);
}

static void
check_req(const uint8_t *p, size_t n)
{
	struct mg_http_req req;
	int rc, i, k;

	rc = mg_http_parse(mg_view_make(p, n), &req);
	CHECK(rc == 0 || rc == -400 || rc == -414 || rc == -431 || rc == -501 ||
	    rc == -505);
	if (rc != 0)
		return;
	CHECK(req.minor <= 1);
	CHECK(req.method <= MG_HTTP_PATCH);
	CHECK(!(req.chunked && req.has_length));
	CHECK(req.method_name.len > 0 && req.target.len > 0);
	CHECK(req.target.len <= MG_HTTP_TARGET_MAX);
	CHECK(req.path.len > 0);
	CHECK(inside(req.method_name, p, n) && inside(req.target, p, n) &&
	    inside(req.path, p, n) && inside(req.query, p, n) &&
	    inside(req.host, p, n));
	CHECK(req.absolute || req.host.len == 0 ||
	    req.host.p > req.target.p + req.target.len);
	for (i = 0; i < MG_HTTP_H_COUNT; i++) {
		CHECK(req.h[i].n <= MG_HTTP_LIST_MAX);
		for (k = 0; k < req.h[i].n; k++) {
			CHECK(inside(req.h[i].v[k], p, n));
			check_date(req.h[i].v[k]);
		}
	}
	if (req.path.p[0] == '/')
		check_path(req.path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf, *head;
	size_t scan = 0, k;
	long r, r2 = 0;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);

	r = mg_http_head_end(mg_view_make(buf, size), &scan);
	CHECK(r >= 0 || r == -400 || r == -414 || r == -431);
	CHECK(r <= (long)size);
	/* Byte by byte, resuming: the same answer at the same point. */
	scan = 0;
	for (k = 1; k <= size && r2 == 0; k++) {
		r2 = mg_http_head_end(mg_view_make(buf, k), &scan);
		CHECK(r2 != 0 || scan <= k);
	}
	CHECK(r2 == r);

	if (r > 0) {
		head = malloc((size_t)r);
		if (head != NULL) {
			memcpy(head, buf, (size_t)r);
			check_req(head, (size_t)r);
			free(head);
		}
	}
	check_req(buf, size);
	check_date(mg_view_make(buf, size));
	if (size > 0 && buf[0] == '/')
		check_path(mg_view_make(buf, size));
	free(buf);
	return 0;
}
