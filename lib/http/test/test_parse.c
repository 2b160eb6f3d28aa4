/* SPDX-License-Identifier: ISC */
/* test_parse.c: request heads: where they end, every accept and reject
 * rule of the parser, and path decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg/http.h"

/* The head being parsed: an exact-size heap copy, so ASan sees any
 * over-read; kept until the next parse so the views can be checked. */
static uint8_t *cur;
static struct mg_http_req req;

static int
parse_n(const char *s, size_t n)
{
	free(cur);
	cur = malloc(n ? n : 1);
	assert_non_null(cur);
	memcpy(cur, s, n);
	return mg_http_parse(mg_view_make(cur, n), &req);
}

#define PARSE_LIT(s) parse_n((s), sizeof(s) - 1)

static int
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

#define assert_view(v, s)                                                      \
	do {                                                                   \
		mg_view v_ = (v);                                              \
		const char *s_ = (s);                                          \
		assert_int_equal(v_.len, strlen(s_));                          \
		if (v_.len > 0)                                                \
			assert_memory_equal(v_.p, s_, v_.len);                 \
	} while (0)

/* mg_http_head_end whole, then fed byte by byte and in 3-byte steps
 * with *scan kept: all three must agree. */
static long
head_end_n(const char *s, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	size_t scan = 0, k, step;
	long r, r2;

	assert_non_null(c);
	memcpy(c, s, n);
	r = mg_http_head_end(mg_view_make(c, n), &scan);
	for (step = 1; step <= 3; step += 2) {
		scan = 0;
		r2 = 0;
		for (k = step < n ? step : n; r2 == 0; k += step) {
			if (k > n)
				k = n;
			r2 = mg_http_head_end(mg_view_make(c, k), &scan);
			if (k == n)
				break;
		}
		assert_int_equal(r2, r);
	}
	free(c);
	return r;
}

static long
head_end(const char *s)
{
	return head_end_n(s, strlen(s));
}

#define H11 "Host: example.com\r\n"

static void
test_head_end_finds_crlf_and_lf_ends(void **state)
{
	(void)state;
	assert_int_equal(head_end("GET / HTTP/1.1\r\n\r\n"), 18);
	assert_int_equal(head_end("GET / HTTP/1.1\n\n"), 16);
	assert_int_equal(head_end("GET / HTTP/1.1\n\r\n"), 17);
	assert_int_equal(head_end("GET / HTTP/1.1\r\n\n"), 17);
	assert_int_equal(head_end("GET / HTTP/1.1\r\nA: b\r\n\r\nbody"), 24);
}

static void
test_head_end_needs_more(void **state)
{
	(void)state;
	assert_int_equal(head_end(""), 0);
	assert_int_equal(head_end("GET / HTTP/1.1"), 0);
	assert_int_equal(head_end("GET / HTTP/1.1\r"), 0);
	assert_int_equal(head_end("GET / HTTP/1.1\r\n"), 0);
	assert_int_equal(head_end("GET / HTTP/1.1\r\n\r"), 0);
	assert_int_equal(head_end("GET / HTTP/1.1\r\nA: b\r\n"), 0);
	assert_int_equal(head_end("\r\n"), 0);
	assert_int_equal(head_end("\r"), 0);
}

static void
test_head_end_pipelined_gives_first(void **state)
{
	static const char two[] = "GET /a HTTP/1.1\r\n" H11 "\r\n"
	                          "GET /b HTTP/1.1\r\n" H11 "\r\n";
	size_t first = (sizeof(two) - 1) / 2;

	(void)state;
	assert_int_equal(head_end(two), (long)first);
	assert_int_equal(head_end(two + first), (long)first);
}

static void
test_head_end_skips_leading_empty_lines(void **state)
{
	(void)state;
	assert_int_equal(head_end("\r\n\nGET / HTTP/1.1\n\n"), 19);
	assert_int_equal(head_end("\r\n\r\n\r\n\r\nGET / HTTP/1.1\n\n"), 24);
	/* A fifth empty line is one too many. */
	assert_int_equal(head_end("\n\n\n\n\nGET / HTTP/1.1\n\n"), -400);
	assert_int_equal(head_end("\rGET / HTTP/1.1\n\n"), -400);
}

static void
test_head_end_rejects_bare_cr(void **state)
{
	(void)state;
	assert_int_equal(head_end("GET / HTTP/1.1\rX"), -400);
	assert_int_equal(head_end("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n"), -400);
	assert_int_equal(head_end("GET / HTTP/1.1\r\n\rX"), -400);
	assert_int_equal(head_end("GET / HTTP/1.1\r\r\n\r\n"), -400);
}

static char *
filled(size_t n, char c)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_head_end_caps_request_line_414(void **state)
{
	char *s = filled(MG_HTTP_HEAD_MAX + 10, 'a');

	(void)state;
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX - 1), 0);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX), -414);
	assert_int_equal(head_end(s), -414);
	/* Skipped empty lines do not count against the cap. */
	memcpy(s, "\r\n\r\n", 4);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX + 3), 0);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX + 4), -414);
	free(s);
}

static void
test_head_end_caps_head_431(void **state)
{
	char *s = filled(MG_HTTP_HEAD_MAX + 10, 'a');

	(void)state;
	memcpy(s, "GET / HTTP/1.1\r\nX: ", 19);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX), -431);
	/* Exactly MG_HTTP_HEAD_MAX bytes is a head; one more is not. */
	memcpy(s + MG_HTTP_HEAD_MAX - 4, "\r\n\r\n", 4);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX), MG_HTTP_HEAD_MAX);
	memcpy(s + MG_HTTP_HEAD_MAX - 4, "a\r\n\r\n", 5);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX + 1), -431);
	/* A CR as the last byte allowed: over the cap, whatever follows. */
	memcpy(s + MG_HTTP_HEAD_MAX - 4, "aaa\rx", 5);
	assert_int_equal(head_end_n(s, MG_HTTP_HEAD_MAX + 1), -431);
	free(s);
}

static void
test_head_end_resumes_where_it_stopped(void **state)
{
	static const char h[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	size_t scan = 0;

	(void)state;
	assert_int_equal(mg_http_head_end(mg_view_make(h, 10), &scan), 0);
	assert_int_equal(scan, 10);
	assert_int_equal(mg_http_head_end(mg_view_make(h, 16), &scan), 0);
	assert_int_equal(scan, 15); /* the LF waits for the next byte */
	assert_int_equal(mg_http_head_end(mg_view_make(h, 26), &scan), 0);
	assert_int_equal(
	    mg_http_head_end(mg_view_make(h, sizeof(h) - 1), &scan), 27);
	/* A stale scan past the bytes is ignored, not trusted. */
	scan = 1000;
	assert_int_equal(
	    mg_http_head_end(mg_view_make(h, sizeof(h) - 1), &scan), 27);
}

static void
test_head_end_trickle_agrees(void **state)
{
	static const char *const heads[] = {
	    "GET / HTTP/1.1\r\n" H11 "User-Agent: curl/8.5.0\r\n"
	    "Accept: */*\r\n\r\n",
	    "\r\nPOST /x HTTP/1.0\nContent-Length: 3\n\nabc",
	    "GET / HTTP/1.1\n\r\r\n",
	    "\n\r\n\nHEAD / HTTP/1.1\r\n\r\n",
	};
	size_t i;

	(void)state;
	/* head_end_n compares one-shot, byte-by-byte and 3-byte steps. */
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		(void)head_end(heads[i]);
	assert_int_equal(head_end(heads[0]), (long)strlen(heads[0]));
	assert_int_equal(head_end(heads[1]), (long)strlen(heads[1]) - 3);
	assert_int_equal(head_end(heads[2]), -400);
}

static void
test_parse_simple_get(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /index.html HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_int_equal(req.method, MG_HTTP_GET);
	assert_int_equal(req.minor, 1);
	assert_true(req.keep_alive);
	assert_false(req.has_length);
	assert_false(req.chunked);
	assert_false(req.absolute);
	assert_view(req.method_name, "GET");
	assert_view(req.target, "/index.html");
	assert_view(req.path, "/index.html");
	assert_view(req.query, "");
	assert_view(req.host, "example.com");
}

static void
test_parse_curl_and_browser_heads(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /a/b.css?v=3 HTTP/1.1\r\n"
	                       "Host: localhost:8080\r\n"
	                       "User-Agent: curl/8.5.0\r\n"
	                       "Accept: */*\r\n\r\n"),
	    0);
	assert_view(req.path, "/a/b.css");
	assert_view(req.query, "v=3");
	assert_view(req.host, "localhost:8080");
	assert_int_equal(
	    parse("GET / HTTP/1.1\r\n"
	          "Host: www.example.org\r\n"
	          "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) "
	          "Gecko/20100101 Firefox/128.0\r\n"
	          "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
	          "Accept-Language: en-US,en;q=0.5\r\n"
	          "Accept-Encoding: gzip, deflate, br, zstd\r\n"
	          "Connection: keep-alive\r\n"
	          "Cookie: a=b; c=\"d e\"\r\n"
	          "Upgrade-Insecure-Requests: 1\r\n"
	          "Sec-Fetch-Dest: document\r\n"
	          "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	          "If-None-Match: \"abc\", W/\"def\"\r\n"
	          "Priority: u=0, i\r\n\r\n"),
	    0);
	assert_true(req.keep_alive);
	assert_int_equal(req.h[MG_HTTP_H_ACCEPT_ENCODING].n, 1);
	assert_view(req.h[MG_HTTP_H_ACCEPT_ENCODING].v[0],
	    "gzip, deflate, br, zstd");
	assert_view(req.h[MG_HTTP_H_IF_MODIFIED_SINCE].v[0],
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_view(req.h[MG_HTTP_H_IF_NONE_MATCH].v[0], "\"abc\", W/\"def\"");
	/* wrk: the shortest head a benchmark sends. */
	assert_int_equal(
	    parse("GET /bench HTTP/1.1\r\nHost: 10.0.0.2:80\r\n\r\n"), 0);
	assert_view(req.host, "10.0.0.2:80");
}

static void
test_parse_lf_only_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\nHost: a\nX: y\n\n"), 0);
	assert_view(req.host, "a");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\nX: y\r\n\n"), 0);
}

static void
test_parse_skips_leading_empty_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("\r\n\nGET / HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_view(req.method_name, "GET");
	assert_int_equal(parse("\n\n\n\n\nGET / HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("\r\r\nGET / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("\n\n"), -400);
}

static void
test_parse_maps_methods(void **state)
{
	static const struct {
		const char *name;
		int m;
	} t[] = {
	    {"GET", MG_HTTP_GET},
	    {"HEAD", MG_HTTP_HEAD},
	    {"POST", MG_HTTP_POST},
	    {"PUT", MG_HTTP_PUT},
	    {"DELETE", MG_HTTP_DELETE},
	    {"OPTIONS", MG_HTTP_OPTIONS},
	    {"TRACE", MG_HTTP_TRACE},
	    {"PATCH", MG_HTTP_PATCH},
	    {"get", MG_HTTP_OTHER},
	    {"Get", MG_HTTP_OTHER},
	    {"PROPFIND", MG_HTTP_OTHER},
	    {"GETS", MG_HTTP_OTHER},
	    {"M-SEARCH", MG_HTTP_OTHER},
	    {"!#$%&'*+-.^_`|~09az", MG_HTTP_OTHER},
	};
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf), "%s / HTTP/1.1\r\n" H11 "\r\n",
		    t[i].name);
		assert_int_equal(parse(buf), 0);
		assert_int_equal(req.method, t[i].m);
		assert_view(req.method_name, t[i].name);
	}
	assert_int_equal(parse("CONNECT a.example:443 HTTP/1.1\r\n" H11 "\r\n"),
	    0);
	assert_int_equal(req.method, MG_HTTP_CONNECT);
}

static void
test_parse_rejects_bad_method(void **state)
{
	(void)state;
	assert_int_equal(parse("G(T / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GE@ / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse(" GET / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("G\x80T / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(PARSE_LIT("G\0T / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("/ HTTP/1.1\r\n" H11 "\r\n"), -400);
}

static void
test_parse_request_line_single_spaces(void **state)
{
	(void)state;
	assert_int_equal(parse("GET  / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET /  HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET\t/ HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET /\tHTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1 \r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r \r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET /\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET / \r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET\r\n\r\n"), -400);
}

static void
test_parse_versions(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n"), 0);
	assert_int_equal(req.minor, 0);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_int_equal(req.minor, 1);
	assert_int_equal(parse("GET / HTTP/1.2\r\n" H11 "\r\n"), 0);
	assert_int_equal(req.minor, 1);
	assert_int_equal(parse("GET / HTTP/1.9\r\n" H11 "\r\n"), 0);
	assert_int_equal(req.minor, 1);
	/* 1.x with x > 1 is 1.1 in every respect: it needs a Host. */
	assert_int_equal(parse("GET / HTTP/1.2\r\n\r\n"), -400);
}

static void
test_parse_version_505(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/2.0\r\n" H11 "\r\n"), -505);
	assert_int_equal(parse("GET / HTTP/0.9\r\n\r\n"), -505);
	assert_int_equal(parse("GET / HTTP/3.0\n\n"), -505);
	assert_int_equal(parse("GET / HTTP/9.9\r\n" H11 "\r\n"), -505);
}

static void
test_parse_version_malformed_400(void **state)
{
	static const char *const bad[] = {
	    "GET / http/1.1\r\n" H11 "\r\n",
	    "GET / HTTP/1.10\r\n" H11 "\r\n",
	    "GET / HTTP/11.1\r\n" H11 "\r\n",
	    "GET / HTTP/1\r\n" H11 "\r\n",
	    "GET / HTTP/1.\r\n" H11 "\r\n",
	    "GET / HTTP/1,1\r\n" H11 "\r\n",
	    "GET / HTTP/a.1\r\n" H11 "\r\n",
	    "GET / HTTPS/1.1\r\n" H11 "\r\n",
	    "GET / HTTP/2\r\n" H11 "\r\n",
	    "GET / HTTP/2.0x\r\n" H11 "\r\n",
	    "GET / HTTP/2.0\rx\r\n" H11 "\r\n",
	    "GET / HTTP 1.1\r\n" H11 "\r\n",
	    "GET / HTTP/1.1",
	    "GET / HTTP/1.1\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i]), -400);
}

static void
test_parse_origin_form_query_split(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /a/b?x=1&y=?2 HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_view(req.target, "/a/b?x=1&y=?2");
	assert_view(req.path, "/a/b");
	assert_view(req.query, "x=1&y=?2");
	assert_int_equal(parse("GET /? HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_view(req.path, "/");
	assert_view(req.query, "");
	assert_int_equal(parse("GET /%20a%2F..;x HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_view(req.path, "/%20a%2F..;x");
}

static void
test_parse_target_characters(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /a#frag HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET /a?b#c HTTP/1.1\r\n" H11 "\r\n"), -400);
	/* Raw bytes from 0x80 (UTF-8 a client did not encode) are taken. */
	assert_int_equal(
	    parse("GET /caf\xc3\xa9?q=\xff HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_view(req.path, "/caf\xc3\xa9");
	assert_view(req.query, "q=\xff");
	assert_int_equal(parse("GET /\x7f HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET /\x01 HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(PARSE_LIT("GET /\0 HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET /a\rb HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET a HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET ?a HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(
	    parse("GET /!$&'()*+,;=:@-._~%41[] HTTP/1.1\r\n" H11 "\r\n"), 0);
}

static void
test_parse_target_length_414(void **state)
{
	char *s = malloc(MG_HTTP_TARGET_MAX + 64);
	size_t n;

	(void)state;
	assert_non_null(s);
	s[0] = '\0';
	strcat(s, "GET /");
	memset(s + 5, 'a', MG_HTTP_TARGET_MAX - 1);
	n = 5 + MG_HTTP_TARGET_MAX - 1;
	strcpy(s + n, " HTTP/1.1\r\n" H11 "\r\n");
	assert_int_equal(parse(s), 0);
	assert_int_equal(req.target.len, MG_HTTP_TARGET_MAX);
	s[n] = 'a';
	strcpy(s + n + 1, " HTTP/1.1\r\n" H11 "\r\n");
	assert_int_equal(parse(s), -414);
	free(s);
}

static void
test_parse_absolute_form(void **state)
{
	(void)state;
	assert_int_equal(
	    parse("GET http://www.example.org:8080/a/b?q=1 HTTP/1.1\r\n"
	          "Host: other\r\n\r\n"),
	    0);
	assert_true(req.absolute);
	assert_view(req.host, "www.example.org:8080");
	assert_view(req.path, "/a/b");
	assert_view(req.query, "q=1");
	assert_int_equal(parse("GET HTTPS://a.b HTTP/1.1\r\nHost: a.b\r\n\r\n"),
	    0);
	assert_view(req.host, "a.b");
	assert_view(req.path, "/");
	assert_true(req.path.p > cur && req.path.p < cur + 20);
	assert_int_equal(parse("GET hTTp://a?x/y HTTP/1.1\r\nHost: a\r\n\r\n"),
	    0);
	assert_view(req.host, "a");
	assert_view(req.path, "/");
	assert_view(req.query, "x/y");
	assert_int_equal(parse("GET http://[::1]:80// HTTP/1.0\r\n\r\n"), 0);
	assert_view(req.host, "[::1]:80");
	assert_view(req.path, "//");
	assert_int_equal(parse("OPTIONS http://a HTTP/1.1\r\nHost: a\r\n\r\n"),
	    0);
	assert_view(req.path, "/");
}

static void
test_parse_absolute_form_rejects(void **state)
{
	(void)state;
	/* userinfo, an empty or bad authority, other schemes */
	assert_int_equal(parse("GET http://u:p@a/ HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("GET http://@a/ HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET http:/// HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET http:// HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET http://:80/ HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("GET http://a:b/ HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("GET http://[::1/ HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("GET ftp://a/ HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET http:/a HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("GET httpx://a/ HTTP/1.1\r\n" H11 "\r\n"), -400);
	/* Host is still required in 1.1 and checked. */
	assert_int_equal(parse("GET http://a/ HTTP/1.1\r\n\r\n"), -400);
	assert_int_equal(parse("GET http://a/ HTTP/1.1\r\nHost: a b\r\n\r\n"),
	    -400);
}

static void
test_parse_asterisk_form(void **state)
{
	(void)state;
	assert_int_equal(parse("OPTIONS * HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_int_equal(req.method, MG_HTTP_OPTIONS);
	assert_view(req.path, "*");
	assert_view(req.query, "");
	assert_int_equal(parse("GET * HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("OPTIONS *? HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("OPTIONS ** HTTP/1.1\r\n" H11 "\r\n"), -400);
}

static void
test_parse_authority_form(void **state)
{
	(void)state;
	assert_int_equal(
	    parse("CONNECT www.example.com:443 HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_view(req.path, "www.example.com:443");
	assert_view(req.query, "");
	assert_view(req.host, "example.com");
	assert_false(req.absolute);
	assert_int_equal(
	    parse("CONNECT [2001:db8::1]:443 HTTP/1.1\r\n" H11 "\r\n"), 0);
	/* Only with a port, and only for CONNECT. */
	assert_int_equal(parse("CONNECT a.example HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("CONNECT a.example: HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("CONNECT / HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("CONNECT u@a:1 HTTP/1.1\r\n" H11 "\r\n"), -400);
	assert_int_equal(parse("CONNECT http://a:1/ HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
	assert_int_equal(parse("GET a.example:443 HTTP/1.1\r\n" H11 "\r\n"),
	    -400);
}

static void
test_parse_field_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nhOsT:\t example.com \t\r\n"
	                       "Range:bytes=0-1\r\n"
	                       "X-Empty:\r\n"
	                       "X-Obs: caf\xc3\xa9 \x80\xff\r\n"
	                       "X-Tab: a\tb\r\n\r\n"),
	    0);
	assert_view(req.host, "example.com");
	assert_view(req.h[MG_HTTP_H_RANGE].v[0], "bytes=0-1");
}

static void
test_parse_rejects_space_before_colon(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X\t: a\r\n\r\n"),
	    -400);
}

static void
test_parse_rejects_missing_colon_and_bad_names(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "Foo\r\n\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 ": a\r\n\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "F@o: a\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "F(o): a\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "F\x80o: a\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "Fo\"o: a\r\n\r\n"),
	    -400);
}

static void
test_parse_rejects_obs_fold(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: a\r\n b\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: a\r\n\tb\r\n\r\n"),
	    -400);
	/* Whitespace between the request line and the first field. */
	assert_int_equal(parse("GET / HTTP/1.1\r\n " H11 "\r\n"), -400);
}

static void
test_parse_rejects_ctl_in_values(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: a\rb\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: a\r\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: a\x7f\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: a\x01\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "X: \x1b[0m\r\n\r\n"),
	    -400);
	assert_int_equal(PARSE_LIT("GET / HTTP/1.1\r\n" H11 "X: a\0b\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "\r\r\n"), -400);
}

static void
test_parse_head_must_be_whole(void **state)
{
	(void)state;
	assert_int_equal(parse(""), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "\r\nbody"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "\r\n\r\n"), -400);
}

static void
test_parse_field_count_431(void **state)
{
	char *s = malloc(64 + 8 * (MG_HTTP_FIELDS_MAX + 1));
	int i;

	(void)state;
	assert_non_null(s);
	strcpy(s, "GET / HTTP/1.1\r\n" H11);
	for (i = 1; i < MG_HTTP_FIELDS_MAX; i++)
		strcat(s, "X: y\r\n");
	strcat(s, "\r\n");
	assert_int_equal(parse(s), 0);
	strcpy(s + strlen(s) - 2, "X: y\r\n\r\n");
	assert_int_equal(parse(s), -431);
	free(s);
}

static void
test_parse_host_required_once(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nX: y\r\n\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n"),
	    -400);
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n"), 0);
	assert_view(req.host, "");
}

static void
test_parse_host_values(void **state)
{
	static const char *const good[] = {
	    "",
	    "a",
	    "example.com",
	    "example.com:80",
	    "example.com:",
	    "EXAMPLE.COM:65535",
	    "192.0.2.1",
	    "192.0.2.1:8080",
	    "xn--bcher-kva.example",
	    "a-b_c~d!$&'()*+,;=",
	    "caf%C3%A9.example",
	    "[::1]",
	    "[::]",
	    "[::1]:8080",
	    "[2001:db8::8:800:200c:417a]",
	    "[2001:DB8:0:0:8:800:200C:417A]",
	    "[1::]",
	    "[::ffff:192.0.2.1]",
	    "[1:2:3:4:5:6:192.0.2.1]",
	    "[v1.fe80::a+en1]",
	};
	static const char *const bad[] = {
	    ":80",
	    "a b",
	    "a@b",
	    "a:b",
	    "a:80:80",
	    "a/b",
	    "a%zz",
	    "a%4",
	    "[::1",
	    "::1",
	    "[]",
	    "[1:2:3:4:5:6:7:8:9]",
	    "[1:2:3:4:5:6:7]",
	    "[1::2::3]",
	    "[:::]",
	    "[12345::]",
	    "[1:]",
	    "[:1]",
	    "[::1]x",
	    "[::1]:a",
	    "[::256.0.0.1]",
	    "[::1.2.3]",
	    "[::01.2.3.4]",
	    "[1:2:3:4:5:6:7:1.2.3.4]",
	    "[1.2.3.4]",
	    "[v1]",
	    "[v.a]",
	    "[vx.a]",
	    "[fe80::1%25eth0]",
	    "a\x80",
	    "a\"b",
	};
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n",
		    good[i]);
		if (parse(buf) != 0)
			fail_msg("Host: %s refused", good[i]);
		assert_view(req.host, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n",
		    bad[i]);
		if (parse(buf) != -400)
			fail_msg("Host: %s accepted", bad[i]);
	}
}

static void
test_parse_connection_11(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_true(req.keep_alive);
	assert_int_equal(
	    parse("GET / HTTP/1.1\r\n" H11 "Connection: close\r\n\r\n"), 0);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11
	                       "Connection: Upgrade, CLOSE\r\n\r\n"),
	    0);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "Connection: a\r\n"
	                       "connection: ,, close ,\r\n\r\n"),
	    0);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11
	                       "Connection: closed, xclose\r\n\r\n"),
	    0);
	assert_true(req.keep_alive);
	assert_int_equal(
	    parse("GET / HTTP/1.1\r\n" H11 "Connection: keep-alive\r\n\r\n"),
	    0);
	assert_true(req.keep_alive);
}

static void
test_parse_connection_10(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n"), 0);
	assert_false(req.keep_alive);
	assert_int_equal(
	    parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0);
	assert_true(req.keep_alive);
	assert_int_equal(
	    parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"),
	    0);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: close\r\n"
	                       "Connection: keep-alive\r\n\r\n"),
	    0);
	assert_false(req.keep_alive);
	assert_int_equal(
	    parse("GET / HTTP/1.0\r\nConnection: keep-alive-x\r\n\r\n"), 0);
	assert_false(req.keep_alive);
}

static void
test_parse_http10_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("HEAD /x HTTP/1.0\r\nUser-Agent: ab\r\n\r\n"),
	    0);
	assert_int_equal(req.method, MG_HTTP_HEAD);
	assert_int_equal(req.minor, 0);
	assert_false(req.keep_alive);
	assert_false(req.has_length);
	assert_false(req.chunked);
	assert_view(req.host, "");
	assert_view(req.path, "/x");
}

static void
test_parse_content_length(void **state)
{
	(void)state;
	assert_int_equal(
	    parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 0\r\n\r\n"), 0);
	assert_true(req.has_length);
	assert_int_equal(req.content_length, 0);
	assert_int_equal(
	    parse("POST / HTTP/1.1\r\n" H11 "content-LENGTH: 42\r\n\r\n"), 0);
	assert_int_equal(req.content_length, 42);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Content-Length: 42 , 42,42\r\n\r\n"),
	    0);
	assert_int_equal(req.content_length, 42);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 7\r\n"
	                       "Content-Length: 7\r\n\r\n"),
	    0);
	assert_int_equal(req.content_length, 7);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Content-Length: 999999999999999999\r\n\r\n"),
	    0);
	assert_int_equal(req.content_length, 999999999999999999ULL);
	assert_int_equal(
	    parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 007\r\n\r\n"), 0);
	assert_int_equal(req.content_length, 7);
}

static void
test_parse_content_length_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "+1",
	    "-1",
	    "1a",
	    "0x10",
	    "1 2",
	    "1.0",
	    "42, 43",
	    "42,",
	    ",42",
	    "42,,42",
	    "1000000000000000000",
	    "99999999999999999999999",
	};
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf),
		    "POST / HTTP/1.1\r\n" H11 "Content-Length: %s\r\n\r\n",
		    bad[i]);
		if (parse(buf) != -400)
			fail_msg("Content-Length: %s accepted", bad[i]);
	}
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 7\r\n"
	                       "Content-Length: 8\r\n\r\n"),
	    -400);
}

static void
test_parse_transfer_encoding(void **state)
{
	static const char *const good[] = {
	    "chunked",
	    "Chunked",
	    "gzip, chunked",
	    "x-gzip,deflate ,compress,\tx-compress, chunked",
	    "GZIP;level=9, chunked",
	    "gzip ; a=\"x,\\\"y\" ;b=c, chunked",
	    "chunked;ext=1",
	};
	char buf[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(buf, sizeof(buf),
		    "POST / HTTP/1.1\r\n" H11 "Transfer-Encoding: %s\r\n\r\n",
		    good[i]);
		if (parse(buf) != 0 || !req.chunked)
			fail_msg("Transfer-Encoding: %s refused", good[i]);
		assert_false(req.has_length);
	}
	/* Over several lines, in order. */
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: gzip\r\n"
	                       "Transfer-Encoding: chunked\r\n\r\n"),
	    0);
	assert_true(req.chunked);
}

static void
test_parse_transfer_encoding_400(void **state)
{
	static const char *const bad[] = {
	    "",
	    "gzip",
	    "chunked, gzip",
	    "chunked, chunked",
	    "chunked,",
	    ",chunked",
	    "gzip,,chunked",
	    "chunked x",
	    "chunked;",
	    "chunked;a",
	    "chunked;a=",
	    "chunked;a=\"b",
	    "chunked;a=\"b\\",
	    "chunked;=b",
	    "\"chunked\"",
	};
	char buf[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf),
		    "POST / HTTP/1.1\r\n" H11 "Transfer-Encoding: %s\r\n\r\n",
		    bad[i]);
		if (parse(buf) != -400)
			fail_msg("Transfer-Encoding: %s accepted", bad[i]);
	}
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: chunked\r\n"
	                       "Transfer-Encoding: gzip\r\n\r\n"),
	    -400);
}

static void
test_parse_transfer_encoding_501(void **state)
{
	(void)state;
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: br, chunked\r\n\r\n"),
	    -501);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: identity\r\n\r\n"),
	    -501);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: chunkedx\r\n\r\n"),
	    -501);
}

static void
test_parse_smuggling_te_and_cl(void **state)
{
	(void)state;
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 5\r\n"
	                       "Transfer-Encoding: chunked\r\n\r\n"),
	    -400);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: chunked\r\n"
	                       "Content-Length: 5\r\n\r\n"),
	    -400);
	/* Transfer-Encoding has no meaning in 1.0. */
	assert_int_equal(
	    parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
	    -400);
	/* Lookalikes are other fields, not Transfer-Encoding. */
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 5\r\n"
	                       "Transfer_Encoding: chunked\r\n\r\n"),
	    0);
	assert_false(req.chunked);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11 "Content-Length: 5\r\n"
	                       "Transfer-Encoding : chunked\r\n\r\n"),
	    -400);
}

static void
test_parse_fields_of_interest(void **state)
{
	static const struct {
		const char *name;
		int h;
	} t[] = {
	    {"If-None-Match", MG_HTTP_H_IF_NONE_MATCH},
	    {"if-match", MG_HTTP_H_IF_MATCH},
	    {"IF-MODIFIED-SINCE", MG_HTTP_H_IF_MODIFIED_SINCE},
	    {"If-Unmodified-Since", MG_HTTP_H_IF_UNMODIFIED_SINCE},
	    {"If-Range", MG_HTTP_H_IF_RANGE},
	    {"Range", MG_HTTP_H_RANGE},
	    {"Accept-Encoding", MG_HTTP_H_ACCEPT_ENCODING},
	    {"Expect", MG_HTTP_H_EXPECT},
	};
	char buf[256];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf),
		    "GET / HTTP/1.1\r\n%s:  v1 \r\n" H11 "%s:\tv 2\t\r\n\r\n",
		    t[i].name, t[i].name);
		assert_int_equal(parse(buf), 0);
		for (k = 0; k < MG_HTTP_H_COUNT; k++)
			assert_int_equal(req.h[k].n, k == t[i].h ? 2 : 0);
		assert_view(req.h[t[i].h].v[0], "v1");
		assert_view(req.h[t[i].h].v[1], "v 2");
	}
}

static void
test_parse_fields_of_interest_431(void **state)
{
	char s[512];
	int i;

	(void)state;
	strcpy(s, "GET / HTTP/1.1\r\n" H11);
	for (i = 0; i < MG_HTTP_LIST_MAX; i++)
		strcat(s, "Range: bytes=0-1\r\n");
	strcat(s, "\r\n");
	assert_int_equal(parse(s), 0);
	assert_int_equal(req.h[MG_HTTP_H_RANGE].n, MG_HTTP_LIST_MAX);
	strcpy(s + strlen(s) - 2, "range: x\r\n\r\n");
	assert_int_equal(parse(s), -431);
}

static void
test_parse_zeroes_req(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /?a HTTP/1.1\r\n" H11 "Range: x\r\n\r\n"),
	    0);
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), -400);
	assert_int_equal(req.h[MG_HTTP_H_RANGE].n, 0);
	assert_int_equal(req.query.len, 0);
}

static long
decode(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s);
	uint8_t *c = malloc(n ? n : 1);
	long r;

	assert_non_null(c);
	memcpy(c, s, n);
	r = mg_http_path_decode(mg_view_make(c, n), out, cap);
	free(c);
	return r;
}

static void
check_decode(const char *in, const char *want)
{
	char out[256];
	long r = decode(in, out, sizeof(out));

	if (r < 0)
		fail_msg("%s: %ld", in, r);
	assert_string_equal(out, want);
	assert_int_equal(r, (long)strlen(want));
}

static void
test_path_decode_percent(void **state)
{
	char out[64];

	(void)state;
	check_decode("/", "/");
	check_decode("/a%20b%2Fc%2fd", "/a b/c/d");
	check_decode("/%41%7e%7E", "/A~~");
	check_decode("/caf%C3%A9", "/caf\xc3\xa9");
	check_decode("/a;b=c,d", "/a;b=c,d");
	assert_int_equal(decode("/%", out, sizeof(out)), -400);
	assert_int_equal(decode("/%4", out, sizeof(out)), -400);
	assert_int_equal(decode("/%zz", out, sizeof(out)), -400);
	assert_int_equal(decode("/%4g", out, sizeof(out)), -400);
	assert_int_equal(decode("/%g4", out, sizeof(out)), -400);
	assert_int_equal(decode("/a%00", out, sizeof(out)), -400);
	assert_int_equal(decode("a/b", out, sizeof(out)), -400);
	assert_int_equal(decode("", out, sizeof(out)), -400);
	assert_int_equal(decode("*", out, sizeof(out)), -400);
}

static void
test_path_decode_dot_segments(void **state)
{
	char out[64];

	(void)state;
	check_decode("/a/./b", "/a/b");
	check_decode("/a/../b", "/b");
	check_decode("/a/b/..", "/a/");
	check_decode("/a/b/../", "/a/");
	check_decode("/a/.", "/a/");
	check_decode("/.", "/");
	check_decode("/./", "/");
	check_decode("/a/..", "/");
	check_decode("/a/b/c/./../../g", "/a/g");
	check_decode("/a/%2e/b", "/a/b");
	check_decode("/a/%2E%2e/b", "/b");
	check_decode("/a%2F..%2Fb", "/b");
	check_decode("/.a/..b/.../a./", "/.a/..b/.../a./");
	/* "//" is kept; ".." after it drops the empty segment. */
	check_decode("//a//b//", "//a//b//");
	check_decode("/a//../b", "/a/b");
	assert_int_equal(decode("/..", out, sizeof(out)), -400);
	assert_int_equal(decode("/../a", out, sizeof(out)), -400);
	assert_int_equal(decode("/a/../..", out, sizeof(out)), -400);
	assert_int_equal(decode("/%2e%2e/etc/passwd", out, sizeof(out)), -400);
	assert_int_equal(decode("/a/..%2F..%2Fb", out, sizeof(out)), -400);
	assert_int_equal(decode("/./..", out, sizeof(out)), -400);
}

static void
test_path_decode_capacity_414(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(decode("/abcdef", out, 8), 7);
	assert_string_equal(out, "/abcdef");
	assert_int_equal(decode("/abcdefg", out, 8), -414);
	assert_int_equal(decode("/abcdef/", out, 8), -414);
	assert_int_equal(decode("/%41%42%43%44%45%46", out, 8), 7);
	assert_int_equal(decode("/", out, 2), 1);
	assert_int_equal(decode("/", out, 1), -414);
	/* The output buffer holds the decoded path at every step: path.len
	 * + 1 is always enough. */
	assert_int_equal(decode("/a/..", out, 6), 1);
	assert_int_equal(decode("/a/%2e%2E", out, 8), 1);
}

static void
test_parse_every_status(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "\r\n"), 0);
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), -400);
	assert_int_equal(parse("GET / HTTP/2.0\r\n\r\n"), -505);
	assert_int_equal(parse("POST / HTTP/1.1\r\n" H11
	                       "Transfer-Encoding: zstd, chunked\r\n\r\n"),
	    -501);
	assert_int_equal(parse("GET / HTTP/1.1\r\n" H11 "Expect: a\r\n"
	                       "Expect: a\r\nExpect: a\r\nExpect: a\r\n"
	                       "Expect: a\r\n\r\n"),
	    -431);
}

static int
teardown(void **state)
{
	(void)state;
	free(cur);
	cur = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_head_end_finds_crlf_and_lf_ends),
	    cmocka_unit_test(test_head_end_needs_more),
	    cmocka_unit_test(test_head_end_pipelined_gives_first),
	    cmocka_unit_test(test_head_end_skips_leading_empty_lines),
	    cmocka_unit_test(test_head_end_rejects_bare_cr),
	    cmocka_unit_test(test_head_end_caps_request_line_414),
	    cmocka_unit_test(test_head_end_caps_head_431),
	    cmocka_unit_test(test_head_end_resumes_where_it_stopped),
	    cmocka_unit_test(test_head_end_trickle_agrees),
	    cmocka_unit_test(test_parse_simple_get),
	    cmocka_unit_test(test_parse_curl_and_browser_heads),
	    cmocka_unit_test(test_parse_lf_only_lines),
	    cmocka_unit_test(test_parse_skips_leading_empty_lines),
	    cmocka_unit_test(test_parse_maps_methods),
	    cmocka_unit_test(test_parse_rejects_bad_method),
	    cmocka_unit_test(test_parse_request_line_single_spaces),
	    cmocka_unit_test(test_parse_versions),
	    cmocka_unit_test(test_parse_version_505),
	    cmocka_unit_test(test_parse_version_malformed_400),
	    cmocka_unit_test(test_parse_origin_form_query_split),
	    cmocka_unit_test(test_parse_target_characters),
	    cmocka_unit_test(test_parse_target_length_414),
	    cmocka_unit_test(test_parse_absolute_form),
	    cmocka_unit_test(test_parse_absolute_form_rejects),
	    cmocka_unit_test(test_parse_asterisk_form),
	    cmocka_unit_test(test_parse_authority_form),
	    cmocka_unit_test(test_parse_field_lines),
	    cmocka_unit_test(test_parse_rejects_space_before_colon),
	    cmocka_unit_test(test_parse_rejects_missing_colon_and_bad_names),
	    cmocka_unit_test(test_parse_rejects_obs_fold),
	    cmocka_unit_test(test_parse_rejects_ctl_in_values),
	    cmocka_unit_test(test_parse_head_must_be_whole),
	    cmocka_unit_test(test_parse_field_count_431),
	    cmocka_unit_test(test_parse_host_required_once),
	    cmocka_unit_test(test_parse_host_values),
	    cmocka_unit_test(test_parse_connection_11),
	    cmocka_unit_test(test_parse_connection_10),
	    cmocka_unit_test(test_parse_http10_defaults),
	    cmocka_unit_test(test_parse_content_length),
	    cmocka_unit_test(test_parse_content_length_rejects),
	    cmocka_unit_test(test_parse_transfer_encoding),
	    cmocka_unit_test(test_parse_transfer_encoding_400),
	    cmocka_unit_test(test_parse_transfer_encoding_501),
	    cmocka_unit_test(test_parse_smuggling_te_and_cl),
	    cmocka_unit_test(test_parse_fields_of_interest),
	    cmocka_unit_test(test_parse_fields_of_interest_431),
	    cmocka_unit_test(test_parse_zeroes_req),
	    cmocka_unit_test(test_path_decode_percent),
	    cmocka_unit_test(test_path_decode_dot_segments),
	    cmocka_unit_test(test_path_decode_capacity_414),
	    cmocka_unit_test(test_parse_every_status),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
