/* SPDX-License-Identifier: ISC */
/* test_site.c: static-site blobs: a real one from mksite, lookups, and
 * every kind of damage rejected with -MG_ECORRUPT. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_plat.h"
#include "mg/err.h"
#include "mg/http.h"
#include "mg/log.h"
#include "site_blob.h"
#include "wire/site.h"

/* A file for the blob builder below (strings; gz may hold NULs). */
struct tf {
	const char *path, *type, *body;
	const char *gz; /* NULL: none */
	size_t gzlen;
	const char *etag, *etag_gz;
	uint64_t mtime;
};

/* A fake gzip member: the loader checks only ID1 ID2 CM and the size. */
static const char fake_gz[18] = "\x1f\x8b\x08\0\0\0\0\0\2\3abcdefgh";

static void
put32(uint8_t *b, size_t at, uint32_t v)
{
	b[at] = (uint8_t)(v >> 24);
	b[at + 1] = (uint8_t)(v >> 16);
	b[at + 2] = (uint8_t)(v >> 8);
	b[at + 3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *b, size_t at)
{
	return (uint32_t)b[at] << 24 | (uint32_t)b[at + 1] << 16 |
	    (uint32_t)b[at + 2] << 8 | b[at + 3];
}

static void
resum(uint8_t *b, size_t len)
{
	uint64_t s =
	    mg_site_fnv1a64(b + MG_SITE_SUM_FROM, len - MG_SITE_SUM_FROM);

	put32(b, MG_SITE_H_SUM, (uint32_t)(s >> 32));
	put32(b, MG_SITE_H_SUM + 4, (uint32_t)s);
}

/* The offset of field fld of entry i. */
static size_t
ent(size_t i, size_t fld)
{
	return MG_SITE_HDR + i * MG_SITE_ENT + fld;
}

static void
place(uint8_t *b, size_t e, size_t *at, const void *p, size_t len)
{
	put32(b, e, (uint32_t)*at);
	put32(b, e + 4, (uint32_t)len);
	memcpy(b + *at, p, len);
	*at += len;
}

/* A blob of files in the order given (no sorting, no alignment). */
static uint8_t *
build(const struct tf *f, size_t n, size_t *len)
{
	size_t str = MG_SITE_HDR + n * MG_SITE_ENT, data = str, total, at, i;
	uint8_t *b;

	for (i = 0; i < n; i++)
		data += strlen(f[i].path) + strlen(f[i].type) +
		    strlen(f[i].etag) +
		    (f[i].etag_gz ? strlen(f[i].etag_gz) : 0);
	total = data;
	for (i = 0; i < n; i++)
		total += strlen(f[i].body) + (f[i].gz ? f[i].gzlen : 0);
	b = calloc(1, total);
	assert_non_null(b);
	memcpy(b, MG_SITE_MAGIC, 4);
	b[MG_SITE_H_VERSION + 1] = MG_SITE_VERSION;
	put32(b, MG_SITE_H_TOTAL, (uint32_t)total);
	put32(b, MG_SITE_H_NFILES, (uint32_t)n);
	put32(b, MG_SITE_H_STR, (uint32_t)str);
	put32(b, MG_SITE_H_DATA, (uint32_t)data);
	at = str;
	for (i = 0; i < n; i++) {
		place(b, ent(i, MG_SITE_E_PATH), &at, f[i].path,
		    strlen(f[i].path));
		place(b, ent(i, MG_SITE_E_TYPE), &at, f[i].type,
		    strlen(f[i].type));
		place(b, ent(i, MG_SITE_E_ETAG), &at, f[i].etag,
		    strlen(f[i].etag));
		if (f[i].etag_gz != NULL)
			place(b, ent(i, MG_SITE_E_ETAG_GZ), &at, f[i].etag_gz,
			    strlen(f[i].etag_gz));
		put32(b, ent(i, MG_SITE_E_MTIME), (uint32_t)(f[i].mtime >> 32));
		put32(b, ent(i, MG_SITE_E_MTIME) + 4, (uint32_t)f[i].mtime);
	}
	for (i = 0; i < n; i++) {
		place(b, ent(i, MG_SITE_E_BODY), &at, f[i].body,
		    strlen(f[i].body));
		if (f[i].gz != NULL)
			place(b, ent(i, MG_SITE_E_GZ), &at, f[i].gz,
			    f[i].gzlen);
	}
	assert_int_equal(at, total);
	resum(b, total);
	*len = total;
	return b;
}

static const struct tf three[] = {
    {"/a.css", "text/css", "a{}", NULL, 0, "\"1\"", NULL, 5},
    {"/index.html", "text/html; charset=utf-8", "<p>hi</p>", fake_gz,
        sizeof(fake_gz), "\"2\"", "\"2g\"", 1700000000},
    {"/js/x.js", "text/javascript", "", NULL, 0, "\"3\"", NULL, 0},
};

static bool
inside(mg_view v, const uint8_t *b, size_t len)
{
	if (v.len == 0)
		return v.p == NULL || (v.p >= b && v.p <= b + len);
	return v.p >= b && v.p <= b + len && v.len <= (size_t)(b + len - v.p);
}

/* Loads an exact-size copy; when it loads, every file's views lie in
 * the copy and every path finds its own file. */
static int
load_copy(const uint8_t *b, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	static int sentinel;
	struct mg_http_site *s = (struct mg_http_site *)(void *)&sentinel;
	struct mg_http_file f, g;
	size_t i;
	int rc;

	assert_non_null(c);
	memcpy(c, b, len);
	rc = mg_http_site_load(mg_view_make(c, len), &s);
	if (rc == 0) {
		for (i = 0; i < mg_http_site_count(s); i++) {
			assert_true(mg_http_site_get(s, i, &f));
			assert_true(inside(f.path, c, len));
			assert_true(inside(f.type, c, len));
			assert_true(inside(f.body, c, len));
			assert_true(inside(f.gzip, c, len));
			assert_true(inside(f.etag, c, len));
			assert_true(inside(f.etag_gz, c, len));
			assert_true(mg_http_site_find(s, f.path, &g));
			assert_ptr_equal(g.path.p, f.path.p);
		}
		assert_false(mg_http_site_get(s, i, &f));
		mg_http_site_free(s);
	} else {
		assert_null(s);
	}
	free(c);
	return rc;
}

static int
load_copy_tf(const struct tf *files, size_t n)
{
	size_t len;
	uint8_t *b = build(files, n, &len);
	int rc = load_copy(b, len);

	free(b);
	return rc;
}

static struct mg_http_site *
load_ok(const uint8_t *b, size_t len)
{
	struct mg_http_site *s;

	assert_int_equal(mg_http_site_load(mg_view_make(b, len), &s), 0);
	assert_non_null(s);
	return s;
}

static bool
view_is(mg_view v, const char *s)
{
	return v.len == strlen(s) && memcmp(v.p, s, v.len) == 0;
}

/* RFC 1952 8: the CRC-32 in a gzip trailer. */
static uint32_t
crc32(mg_view v)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < v.len; i++) {
		c ^= v.p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static uint32_t
get32le(mg_view v, size_t at)
{
	return (uint32_t)v.p[at] | (uint32_t)v.p[at + 1] << 8 |
	    (uint32_t)v.p[at + 2] << 16 | (uint32_t)v.p[at + 3] << 24;
}

/* The checksum is FNV-1a 64: the published test vectors. */
static void
test_site_fnv1a64_vectors(void **state)
{
	(void)state;
	assert_true(
	    mg_site_fnv1a64((const uint8_t *)"", 0) == 0xcbf29ce484222325ULL);
	assert_true(
	    mg_site_fnv1a64((const uint8_t *)"a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(mg_site_fnv1a64((const uint8_t *)"foobar", 6) ==
	    0x85944171f73967e8ULL);
}

static void
test_site_loads_the_mksite_blob(void **state)
{
	static const char *paths[] = {"/.well-known/sec.txt", "/README.MD",
	    "/css/site.css", "/data.bin", "/empty.txt", "/img/logo.png",
	    "/index.html", "/robots.txt"};
	static const char *types[] = {"text/plain; charset=utf-8",
	    "text/markdown; charset=utf-8", "text/css; charset=utf-8",
	    "application/octet-stream", "text/plain; charset=utf-8",
	    "image/png", "text/html; charset=utf-8",
	    "text/plain; charset=utf-8"};
	static const bool gz[] = {false, false, true, false, false, false, true,
	    false};
	struct mg_http_site *s;
	struct mg_http_file f;
	size_t i;
	char tag[20];

	(void)state;
	assert_int_equal(load_copy(site_blob, sizeof(site_blob)), 0);
	s = load_ok(site_blob, sizeof(site_blob));
	assert_int_equal(mg_http_site_count(s), 8);
	for (i = 0; i < 8; i++) {
		assert_true(mg_http_site_get(s, i, &f));
		assert_true(view_is(f.path, paths[i]));
		assert_true(view_is(f.type, types[i]));
		assert_int_equal(f.mtime, MG_SEC(1700000000ULL));
		snprintf(tag, sizeof(tag), "\"%016llx\"",
		    (unsigned long long)mg_site_fnv1a64(f.body.p, f.body.len));
		assert_true(view_is(f.etag, tag));
		assert_int_equal((uintptr_t)f.body.p % MG_SITE_ALIGN,
		    (uintptr_t)site_blob % MG_SITE_ALIGN);
		assert_int_equal(f.gzip.len > 0, gz[i]);
		assert_int_equal(f.etag_gz.len > 0, gz[i]);
		if (!gz[i])
			continue;
		/* A gzip member of the body: magic, CRC-32 and ISIZE. */
		assert_true(f.gzip.len < f.body.len * 9 / 10);
		assert_int_equal(f.gzip.p[0], 0x1f);
		assert_int_equal(f.gzip.p[1], 0x8b);
		assert_int_equal(get32le(f.gzip, 4), 0); /* MTIME */
		assert_int_equal(get32le(f.gzip, f.gzip.len - 8),
		    crc32(f.body));
		assert_int_equal(get32le(f.gzip, f.gzip.len - 4), f.body.len);
		snprintf(tag, sizeof(tag), "\"%016llx\"",
		    (unsigned long long)mg_site_fnv1a64(f.gzip.p, f.gzip.len));
		assert_true(view_is(f.etag_gz, tag));
		assert_false(
		    view_is(f.etag_gz, "") || mg_view_eq(f.etag, f.etag_gz));
	}
	assert_true(mg_http_site_find(s, mg_view_str("/data.bin"), &f));
	assert_int_equal(f.body.len, 3);
	assert_int_equal(f.body.p[0], 0);
	assert_true(mg_http_site_find(s, mg_view_str("/empty.txt"), &f));
	assert_int_equal(f.body.len, 0);
	assert_false(mg_http_site_find(s, mg_view_str("/.hidden"), &f));
	mg_http_site_free(s);
}

static void
test_site_finds_exact_paths_only(void **state)
{
	static const struct tf files[] = {
	    {"/", "text/html", "root", NULL, 0, "\"0\"", NULL, 0},
	    {"/a", "text/plain", "a", NULL, 0, "\"1\"", NULL, 0},
	    {"/a.b", "text/plain", "a.b", NULL, 0, "\"2\"", NULL, 0},
	    {"/a/b", "text/plain", "a/b", NULL, 0, "\"3\"", NULL, 0},
	    {"/ab", "text/plain", "ab", NULL, 0, "\"4\"", NULL, 0},
	    {"/\xc3\xa9t\xc3\xa9", "text/plain", "ete", NULL, 0, "\"5\"", NULL,
	        0},
	};
	static const char *miss[] = {"", "//", "/a/", "/a/b/", "/A", "/a.B",
	    "/aa", "/a/bc", "/0", "/\xff", "a"};
	struct mg_http_site *s;
	struct mg_http_file f;
	uint8_t *b;
	size_t len, i;

	(void)state;
	b = build(files, 6, &len);
	s = load_ok(b, len);
	for (i = 0; i < 6; i++) {
		assert_true(
		    mg_http_site_find(s, mg_view_str(files[i].path), &f));
		assert_true(view_is(f.body, files[i].body));
	}
	for (i = 0; i < sizeof(miss) / sizeof(miss[0]); i++)
		assert_false(mg_http_site_find(s, mg_view_str(miss[i]), &f));
	assert_false(mg_http_site_find(s, mg_view_make("/ab\0", 4), &f));
	assert_false(mg_http_site_find(s, mg_view_empty(), &f));
	mg_http_site_free(s);
	free(b);

	/* The mksite blob: case matters, and a prefix is not a match. */
	s = load_ok(site_blob, sizeof(site_blob));
	assert_true(mg_http_site_find(s, mg_view_str("/README.MD"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/readme.md"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/index.htm"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/index.html/"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/INDEX.HTML"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/css"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/"), &f));
	assert_false(mg_http_site_find(s, mg_view_str("/zzz"), &f));
	mg_http_site_free(s);
}

/* The binary search, on every table size up to 40: each path is found,
 * and names between, before and after them are not. */
static void
test_site_find_on_every_size(void **state)
{
	static char names[40][8];
	struct tf files[40];
	struct mg_http_file f;
	char miss[8];
	size_t n, i, len;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "/f%02zu", 2 * i + 1);
		files[i] = (struct tf){names[i], "text/plain", names[i], NULL,
		    0, "\"x\"", NULL, 0};
	}
	for (n = 0; n <= 40; n++) {
		uint8_t *b = build(files, n, &len);
		struct mg_http_site *s = load_ok(b, len);

		assert_int_equal(mg_http_site_count(s), n);
		for (i = 0; i < n; i++) {
			assert_true(
			    mg_http_site_find(s, mg_view_str(names[i]), &f));
			assert_true(view_is(f.body, names[i]));
		}
		for (i = 0; i <= 2 * n; i += 2) {
			snprintf(miss, sizeof(miss), "/f%02zu", i);
			assert_false(
			    mg_http_site_find(s, mg_view_str(miss), &f));
		}
		assert_false(mg_http_site_get(s, n, &f));
		mg_http_site_free(s);
		free(b);
	}
}

static void
test_site_views_and_times(void **state)
{
	struct mg_http_site *s;
	struct mg_http_file f;
	uint8_t *b;
	size_t len;

	(void)state;
	b = build(three, 3, &len);
	assert_int_equal(load_copy(b, len), 0);
	s = load_ok(b, len);
	assert_true(mg_http_site_get(s, 1, &f));
	assert_true(view_is(f.path, "/index.html"));
	assert_true(view_is(f.type, "text/html; charset=utf-8"));
	assert_true(view_is(f.body, "<p>hi</p>"));
	assert_int_equal(f.gzip.len, sizeof(fake_gz));
	assert_memory_equal(f.gzip.p, fake_gz, sizeof(fake_gz));
	assert_true(view_is(f.etag, "\"2\""));
	assert_true(view_is(f.etag_gz, "\"2g\""));
	assert_int_equal(f.mtime, MG_SEC(1700000000ULL));
	assert_true(mg_http_site_get(s, 0, &f));
	assert_int_equal(f.mtime, MG_SEC(5));
	assert_int_equal(f.gzip.len, 0);
	assert_int_equal(f.etag_gz.len, 0);
	assert_true(mg_http_site_find(s, mg_view_str("/js/x.js"), &f));
	assert_int_equal(f.body.len, 0);
	assert_false(mg_http_site_get(s, 3, &f));
	assert_false(mg_http_site_get(s, (size_t)-1, &f));
	mg_http_site_free(s);
	free(b);
}

static void
test_site_empty_and_null(void **state)
{
	struct mg_http_site *s;
	struct mg_http_file f;
	uint8_t *b;
	size_t len;

	(void)state;
	b = build(NULL, 0, &len);
	assert_int_equal(len, MG_SITE_HDR);
	s = load_ok(b, len);
	assert_int_equal(mg_http_site_count(s), 0);
	assert_false(mg_http_site_get(s, 0, &f));
	assert_false(mg_http_site_find(s, mg_view_str("/"), &f));
	mg_http_site_free(s);
	free(b);
	assert_int_equal(mg_http_site_count(NULL), 0);
	assert_false(mg_http_site_get(NULL, 0, &f));
	assert_false(mg_http_site_find(NULL, mg_view_str("/"), &f));
	mg_http_site_free(NULL);
}

/* One field of the header or of an entry changed, the sum made right. */
static int
load_patched(const struct tf *files, size_t n, size_t at, uint32_t v)
{
	size_t len;
	uint8_t *b = build(files, n, &len);
	int rc;

	put32(b, at, v);
	resum(b, len);
	rc = load_copy(b, len);
	free(b);
	return rc;
}

static void
test_site_rejects_bad_headers(void **state)
{
	uint8_t *b;
	size_t len;
	int rc;

	(void)state;
	b = build(three, 3, &len);
	assert_int_equal(load_copy(b, 0), -MG_ECORRUPT);
	assert_int_equal(load_copy(b, MG_SITE_HDR - 1), -MG_ECORRUPT);
	b[0] = 'X'; /* magic (not covered by the sum) */
	assert_int_equal(load_copy(b, len), -MG_ECORRUPT);
	b[0] = 'M';
	assert_int_equal(load_copy(b, len), 0);
	b[MG_SITE_H_VERSION + 1] = MG_SITE_VERSION + 1;
	assert_int_equal(load_copy(b, len), -MG_ECORRUPT);
	b[MG_SITE_H_VERSION + 1] = MG_SITE_VERSION;
	b[MG_SITE_H_FLAGS + 1] = 1;
	assert_int_equal(load_copy(b, len), -MG_ECORRUPT);
	b[MG_SITE_H_FLAGS + 1] = 0;
	b[MG_SITE_H_SUM + 7] ^= 1; /* checksum */
	assert_int_equal(load_copy(b, len), -MG_ECORRUPT);
	b[MG_SITE_H_SUM + 7] ^= 1;
	b[len - 1] ^= 0x20; /* a body byte: the checksum catches it */
	assert_int_equal(load_copy(b, len), -MG_ECORRUPT);
	b[len - 1] ^= 0x20;
	assert_int_equal(load_copy(b, len), 0);
	free(b);

	/* Header fields, with a right checksum. */
	len = 0;
	b = build(three, 3, &len);
	free(b);
	assert_int_equal(
	    load_patched(three, 3, MG_SITE_H_TOTAL, (uint32_t)len + 1),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, MG_SITE_H_TOTAL, (uint32_t)len - 1),
	    -MG_ECORRUPT);
	assert_int_equal(load_patched(three, 3, MG_SITE_H_NFILES, 2),
	    -MG_ECORRUPT);
	assert_int_equal(load_patched(three, 3, MG_SITE_H_NFILES, 4),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, MG_SITE_H_NFILES, MG_SITE_FILES_MAX + 1),
	    -MG_ECORRUPT);
	assert_int_equal(load_patched(three, 3, MG_SITE_H_NFILES, 0x40000000),
	    -MG_ECORRUPT);
	assert_int_equal(load_patched(three, 3, MG_SITE_H_STR,
	                     MG_SITE_HDR + 3 * MG_SITE_ENT + 1),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, MG_SITE_H_DATA, (uint32_t)len + 1),
	    -MG_ECORRUPT);
	assert_int_equal(load_patched(three, 3, MG_SITE_H_DATA,
	                     MG_SITE_HDR + 3 * MG_SITE_ENT - 1),
	    -MG_ECORRUPT);
	/* The data area moved into the strings: the paths fall out of it. */
	rc = load_patched(three, 3, MG_SITE_H_DATA,
	    MG_SITE_HDR + 3 * MG_SITE_ENT);
	assert_int_equal(rc, -MG_ECORRUPT);
}

static void
test_site_rejects_every_truncation(void **state)
{
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(site_blob); len++)
		assert_int_equal(load_copy(site_blob, len), -MG_ECORRUPT);
}

static void
test_site_rejects_every_flipped_byte(void **state)
{
	uint8_t *c = malloc(sizeof(site_blob));
	size_t i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < sizeof(site_blob); i++) {
		memcpy(c, site_blob, sizeof(site_blob));
		c[i] ^= 0x01;
		assert_int_equal(load_copy(c, sizeof(site_blob)), -MG_ECORRUPT);
		/* With the length and sum made right it may load, but then
		 * its views stay in the blob (load_copy checks). */
		c[i] ^= 0x80;
		put32(c, MG_SITE_H_TOTAL, sizeof(site_blob));
		resum(c, sizeof(site_blob));
		(void)load_copy(c, sizeof(site_blob));
	}
	free(c);
}

static void
test_site_rejects_offsets_out_of_bounds(void **state)
{
	size_t len, str = MG_SITE_HDR + 3 * MG_SITE_ENT;
	uint8_t *b;

	(void)state;
	b = build(three, 3, &len);
	free(b);
	/* Past the end, wrapping, and into the wrong area. */
	assert_int_equal(
	    load_patched(three, 3, ent(0, MG_SITE_E_PATH), (uint32_t)len),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(0, MG_SITE_E_PATH) + 4, 0xffffffffu),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_TYPE), 0xfffffff0u),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_BODY), (uint32_t)len - 3),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_BODY) + 4, (uint32_t)len),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_BODY), (uint32_t)str),
	    -MG_ECORRUPT); /* body in the strings */
	assert_int_equal(
	    load_patched(three, 3, ent(0, MG_SITE_E_PATH), MG_SITE_HDR),
	    -MG_ECORRUPT); /* path in the table */
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_GZ), (uint32_t)len - 10),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_GZ) + 4, 0x80000000u),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(2, MG_SITE_E_ETAG), (uint32_t)len - 1),
	    -MG_ECORRUPT);
	assert_int_equal(
	    load_patched(three, 3, ent(1, MG_SITE_E_ETAG_GZ) + 4, 0xffffffffu),
	    -MG_ECORRUPT);
	/* An empty body may sit at the very end. */
	assert_int_equal(
	    load_patched(three, 3, ent(2, MG_SITE_E_BODY), (uint32_t)len), 0);
}

static void
test_site_rejects_unsorted_paths(void **state)
{
	struct tf f[3];

	(void)state;
	memcpy(f, three, sizeof(f));
	f[0] = three[1];
	f[1] = three[0];
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	f[0] = three[0];
	f[1] = three[0]; /* twice */
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	f[1] = three[1];
	f[1].path = "/a.cs"; /* a prefix of the one before */
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	f[1].path = "/a.css2";
	assert_int_equal(load_copy_tf(f, 3), 0);
}

static void
test_site_rejects_bad_strings(void **state)
{
	static char long_path[MG_SITE_PATH_MAX + 2];
	static const char *bad_paths[] = {"", "a.css", "/a\r\n", "/\x7f",
	    "/a\tb"};
	static const char *bad_types[] = {"", " text/css", "text/css ",
	    "text/css\r\nSet-Cookie: x=1", "text/\tcss", "text/\xc3\xa9"};
	static char long_etag[MG_SITE_ETAG_MAX + 2]; /* one too many */
	static const char *bad_etags[] = {"", "\"", "\"\"", "abc", "\"a", "a\"",
	    "\"a\"b\"", "W/\"a\"", "\"a b\"", "\"\x80\"", long_etag};
	struct tf f[3];
	uint8_t *b;
	size_t i, len;

	(void)state;
	memset(long_etag, '7', sizeof(long_etag) - 1);
	long_etag[0] = long_etag[sizeof(long_etag) - 2] = '"';
	memcpy(f, three, sizeof(f));
	memset(long_path, 'z', sizeof(long_path) - 1);
	long_path[0] = '/';
	f[2].path = long_path;
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	long_path[MG_SITE_PATH_MAX] = '\0';
	assert_int_equal(load_copy_tf(f, 3), 0);
	for (i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		memcpy(f, three, sizeof(f));
		f[0].path = bad_paths[i];
		assert_int_equal(load_copy_tf(f, 1), -MG_ECORRUPT);
	}
	/* A NUL inside a path. */
	b = build(three, 3, &len);
	b[get32(b, ent(2, MG_SITE_E_PATH)) + 3] = '\0';
	resum(b, len);
	assert_int_equal(load_copy(b, len), -MG_ECORRUPT);
	free(b);
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		memcpy(f, three, sizeof(f));
		f[1].type = bad_types[i];
		assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	}
	for (i = 0; i < sizeof(bad_etags) / sizeof(bad_etags[0]); i++) {
		memcpy(f, three, sizeof(f));
		f[2].etag = bad_etags[i];
		assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
		memcpy(f, three, sizeof(f));
		f[1].etag_gz = bad_etags[i];
		assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	}
	long_etag[MG_SITE_ETAG_MAX - 1] = '"';
	long_etag[MG_SITE_ETAG_MAX] = '\0';
	f[1].etag_gz = long_etag;
	assert_int_equal(load_copy_tf(f, 3), 0);
}

static void
test_site_rejects_bad_gzip_and_mtime(void **state)
{
	static const char not_gz[18] = "\x1f\x8c\x08";
	struct mg_http_site *s;
	struct mg_http_file g;
	struct tf f[3];
	uint8_t *b;
	size_t len;

	(void)state;
	memcpy(f, three, sizeof(f));
	f[1].gz = not_gz;
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	f[1].gz = fake_gz;
	f[1].gzlen = MG_SITE_GZ_MIN - 1;
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	f[1].gzlen = sizeof(fake_gz);
	f[1].etag_gz = NULL; /* a variant without its etag */
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	memcpy(f, three, sizeof(f));
	f[0].etag_gz = "\"0g\""; /* an etag without a variant */
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	/* An empty variant that still has an offset. */
	assert_int_equal(load_patched(three, 3, ent(0, MG_SITE_E_GZ),
	                     MG_SITE_HDR + 3 * MG_SITE_ENT),
	    -MG_ECORRUPT);
	memcpy(f, three, sizeof(f));
	f[2].mtime = MG_SITE_MTIME_MAX;
	assert_int_equal(load_copy_tf(f, 3), 0);
	b = build(f, 3, &len);
	s = load_ok(b, len);
	assert_true(mg_http_site_get(s, 2, &g));
	assert_true(g.mtime / 1000000000u == MG_SITE_MTIME_MAX); /* no wrap */
	mg_http_site_free(s);
	free(b);
	f[2].mtime = MG_SITE_MTIME_MAX + 1;
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
	f[2].mtime = UINT64_MAX;
	assert_int_equal(load_copy_tf(f, 3), -MG_ECORRUPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_site_fnv1a64_vectors),
	    cmocka_unit_test(test_site_loads_the_mksite_blob),
	    cmocka_unit_test(test_site_finds_exact_paths_only),
	    cmocka_unit_test(test_site_find_on_every_size),
	    cmocka_unit_test(test_site_views_and_times),
	    cmocka_unit_test(test_site_empty_and_null),
	    cmocka_unit_test(test_site_rejects_bad_headers),
	    cmocka_unit_test(test_site_rejects_every_truncation),
	    cmocka_unit_test(test_site_rejects_every_flipped_byte),
	    cmocka_unit_test(test_site_rejects_offsets_out_of_bounds),
	    cmocka_unit_test(test_site_rejects_unsorted_paths),
	    cmocka_unit_test(test_site_rejects_bad_strings),
	    cmocka_unit_test(test_site_rejects_bad_gzip_and_mtime),
	};

	fake_plat_heap();
	mg_log_config("http=off");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
