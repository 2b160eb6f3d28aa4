/* SPDX-License-Identifier: ISC */
/* http.h: HTTP/1.1 requests (RFC 9112) and static sites compiled in. */
#ifndef MG_HTTP_H
#define MG_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/time.h"
#include "mg/view.h"

/*
 * Requests.
 *
 * A request head (request line and header section) is found in the bytes
 * received so far with mg_http_head_end, then parsed whole, in place, by
 * mg_http_parse: every view in struct mg_http_req points into the head.
 * The parser is strict where leniency lets two parsers disagree about
 * where a message ends (request smuggling: RFC 9112 6.3, 11.2) and
 * tolerant where real clients need it (LF alone ends a line, empty lines
 * before the request line are skipped, HTTP/1.x with x > 1 is 1.1).
 * A failure is the status the server must answer before it closes.
 */
#define MG_HTTP_HEAD_MAX   8192 /* request line + fields: over it, 431 */
#define MG_HTTP_TARGET_MAX 4096 /* request-target: over it, 414 */
#define MG_HTTP_FIELDS_MAX 100  /* field lines: more, 431 */
#define MG_HTTP_LIST_MAX   4    /* lines kept per field of interest */

enum mg_http_method {
	MG_HTTP_OTHER = 0, /* a token that is no method known here */
	MG_HTTP_GET,
	MG_HTTP_HEAD,
	MG_HTTP_POST,
	MG_HTTP_PUT,
	MG_HTTP_DELETE,
	MG_HTTP_CONNECT,
	MG_HTTP_OPTIONS,
	MG_HTTP_TRACE,
	MG_HTTP_PATCH,
};

/* Fields kept for the server (the parser itself handles Host,
 * Connection, Content-Length and Transfer-Encoding). */
enum mg_http_hdr {
	MG_HTTP_H_IF_NONE_MATCH = 0,
	MG_HTTP_H_IF_MATCH,
	MG_HTTP_H_IF_MODIFIED_SINCE,
	MG_HTTP_H_IF_UNMODIFIED_SINCE,
	MG_HTTP_H_IF_RANGE,
	MG_HTTP_H_RANGE,
	MG_HTTP_H_ACCEPT_ENCODING,
	MG_HTTP_H_EXPECT,
	MG_HTTP_H_COUNT,
};

/* Every line of one field, values with surrounding whitespace removed. */
struct mg_http_lines {
	uint8_t n; /* lines seen, at most MG_HTTP_LIST_MAX (more: 431) */
	mg_view v[MG_HTTP_LIST_MAX];
};

struct mg_http_req {
	uint8_t method;  /* enum mg_http_method */
	uint8_t minor;   /* HTTP/1.minor: 0 or 1 */
	bool keep_alive; /* persistent after this one (version, Connection) */
	bool has_length; /* Content-Length present */
	bool chunked;    /* Transfer-Encoding present (chunked last) */
	bool absolute;   /* the target was in absolute-form */
	uint64_t content_length;
	mg_view method_name; /* the token as received */
	mg_view target;      /* the request-target as received */
	mg_view path;        /* "/..." still percent-encoded; "*" (OPTIONS *);
	                        the authority for CONNECT */
	mg_view query;       /* after '?' (without it); empty when none */
	mg_view host;        /* Host, or the authority of an absolute target */
	struct mg_http_lines h[MG_HTTP_H_COUNT];
};

/*
 * mg_http_head_end looks for the end of a request head at the start of v
 * (the bytes received so far on a connection). *scan is where the search
 * resumes (0 the first time; kept between calls as bytes are appended, so
 * a head trickling in is scanned once). Returns the head's length up to
 * and including its empty line (> 0), 0 when more bytes are needed, or a
 * negated status: -414 when the request line alone passes
 * MG_HTTP_HEAD_MAX, -431 when the head does, -400 on a bare CR.
 */
long mg_http_head_end(mg_view v, size_t *scan);

/*
 * mg_http_parse parses one whole head (as mg_http_head_end delimited it)
 * into *req. Returns 0, or a negated status to answer before closing:
 * -400 (syntax, obs-fold, bare CR, bad characters, whitespace before a
 * colon, missing or repeated Host in HTTP/1.1, differing or invalid
 * Content-Length, Content-Length with Transfer-Encoding,
 * Transfer-Encoding in HTTP/1.0 or without chunked last), -414
 * (target over MG_HTTP_TARGET_MAX), -431 (too many field lines), -501
 * (a transfer coding not known), -505 (not HTTP/1.x).
 */
int mg_http_parse(mg_view head, struct mg_http_req *req);

/*
 * mg_http_path_decode percent-decodes a request path (req.path) and
 * removes its dot segments (RFC 3986 5.2.4) into out (NUL-terminated).
 * Returns the length, -400 (bad escape, %00, a path climbing above "/",
 * not starting with '/'), or -414 (out too small).
 */
long mg_http_path_decode(mg_view path, char *out, size_t cap);

/* HTTP dates (RFC 9110 5.6.7). mg_http_date_fmt writes the IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes) and a NUL into out[30]. */
#define MG_HTTP_DATE_LEN 29
void mg_http_date_fmt(mg_time_t wall, char *out);
/* Accepts IMF-fixdate, RFC 850 and asctime forms; false if none. */
bool mg_http_date_parse(mg_view v, mg_time_t *wall);

/*
 * Static sites.
 *
 * tools/mksite turns a folder into one blob at build time: each file's
 * URL path, Content-Type, bytes, an optional gzip variant (kept when
 * smaller), strong ETags and its modification time. The image embeds the
 * blob as data "site"; mg_http_site_load validates it once, and lookups
 * then never allocate.
 */
struct mg_http_site;

struct mg_http_file {
	mg_view path;    /* "/docs/index.html" */
	mg_view type;    /* Content-Type value */
	mg_view body;    /* the bytes, in the blob */
	mg_view gzip;    /* the gzip variant; len 0 when none */
	mg_view etag;    /* strong entity-tag of body, quotes included */
	mg_view etag_gz; /* the gzip variant's; len 0 when none */
	mg_time_t mtime; /* wall time: Last-Modified */
};

/* Returns 0, -MG_ECORRUPT (with a logged reason), -MG_ENOMEM. The blob
 * must stay valid and unchanged while the site is used. */
int mg_http_site_load(mg_view blob, struct mg_http_site **out);
void mg_http_site_free(struct mg_http_site *s);
size_t mg_http_site_count(const struct mg_http_site *s);
/* The i-th file (sorted by path); false when i is out of range. */
bool mg_http_site_get(const struct mg_http_site *s, size_t i,
    struct mg_http_file *out);
/* The file at exactly path (decoded, e.g. "/a/b.css"); false if none. */
bool mg_http_site_find(const struct mg_http_site *s, mg_view path,
    struct mg_http_file *out);

/*
 * The static server: the response to a request, from a site.
 *
 * mg_http_respond decides the status and writes the status line and the
 * fields into buf; the body is a view of the site blob (or of static
 * text) for the caller to send after them, so responses go out zero-copy.
 * It serves GET and HEAD, with If-Match / If-Unmodified-Since (412),
 * If-None-Match / If-Modified-Since (304), a single Range (206, 416;
 * If-Range), the gzip variant when Accept-Encoding takes it (with Vary),
 * index.html for a path ending in '/', 301 to add the slash to a folder;
 * OPTIONS (204), 405 with Allow for other methods, 501 for unknown ones,
 * 413 for a request with a body, 417 for an Expect other than
 * 100-continue.
 */
#define MG_HTTP_RESP_HEAD_MAX                                                  \
	(MG_HTTP_TARGET_MAX + 1024) /* buf's least size                        \
	                             */

struct mg_http_stats {
	uint64_t requests; /* responses made, by status below */
	uint64_t st_200, st_204, st_206, st_301, st_304;
	uint64_t st_400, st_404, st_405, st_408, st_412, st_413, st_414;
	uint64_t st_416, st_417, st_431, st_501, st_503, st_505, st_other;
	uint64_t gzip;       /* responses with the gzip variant */
	uint64_t body_bytes; /* body bytes answered (HEAD: none) */
};

struct mg_http_srv {
	const struct mg_http_site *site;
	const char *server; /* the Server field's value */
	mg_time_t date_sec; /* the second date[] shows (cached) */
	char date[MG_HTTP_DATE_LEN + 1];
	mg_time_t lm_time; /* the mtime lm[] shows (cached) */
	char lm[MG_HTTP_DATE_LEN + 1];
	struct mg_http_stats st;
};

struct mg_http_resp {
	uint16_t status;
	bool close;      /* close the connection after this response */
	size_t head_len; /* bytes of status line and fields in buf */
	mg_view body;    /* to send after them (static: lives with the image) */
};

void mg_http_srv_init(struct mg_http_srv *s, const struct mg_http_site *site,
    const char *server);

/* The response to a parsed request at wall time now. 0, or -MG_ENOSPC
 * when cap < MG_HTTP_RESP_HEAD_MAX. */
int mg_http_respond(struct mg_http_srv *s, const struct mg_http_req *req,
    mg_time_t now, uint8_t *buf, size_t cap, struct mg_http_resp *out);

/* The response to a request that could not be parsed or timed out
 * (status 400, 408, 414, 431, 501, 503, 505...): always closes. */
int mg_http_respond_error(struct mg_http_srv *s, unsigned status, mg_time_t now,
    uint8_t *buf, size_t cap, struct mg_http_resp *out);

/* The reason phrase of a status ("Not Found"; "" when unknown). */
const char *mg_http_reason(unsigned status);

#endif /* MG_HTTP_H */
