/* SPDX-License-Identifier: ISC */
/*
 * fuzz_site.c: a static-site blob that was damaged (or forged). Its
 * length and checksum are made right first. The loader must reject it or
 * give a site whose every file has its views inside the blob and is found
 * again by its path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/http.h"
#include "mg/log.h"
#include "wire/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static bool
inside(mg_view v, const uint8_t *b, size_t len)
{
	if (v.len == 0)
		return v.p == NULL || (v.p >= b && v.p <= b + len);
	return v.p >= b && v.p <= b + len && v.len <= (size_t)(b + len - v.p);
}

static void
put(uint8_t *b, size_t at, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		b[at + (size_t)i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_http_site *s;
	struct mg_http_file f, g;
	uint8_t *buf;
	size_t i, n;

	fake_plat_heap();
	mg_log_config("http=off");
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	/* Fix the length, then the checksum over it, so that the structure
	 * checks are what gets explored. */
	if (size >= MG_SITE_HDR) {
		put(buf, MG_SITE_H_TOTAL, (uint32_t)size, 4);
		put(buf, MG_SITE_H_SUM,
		    mg_site_fnv1a64(buf + MG_SITE_SUM_FROM,
		        size - MG_SITE_SUM_FROM),
		    8);
	}
	if (mg_http_site_load(mg_view_make(buf, size), &s) == 0) {
		n = mg_http_site_count(s);
		CHECK(n <= MG_SITE_FILES_MAX);
		for (i = 0; i < n; i++) {
			CHECK(mg_http_site_get(s, i, &f));
			CHECK(inside(f.path, buf, size));
			CHECK(inside(f.type, buf, size));
			CHECK(inside(f.body, buf, size));
			CHECK(inside(f.gzip, buf, size));
			CHECK(inside(f.etag, buf, size));
			CHECK(inside(f.etag_gz, buf, size));
			CHECK(f.path.len > 0 && f.path.p[0] == '/');
			CHECK(f.etag.len > 0);
			CHECK((f.gzip.len == 0) == (f.etag_gz.len == 0));
			CHECK(mg_http_site_find(s, f.path, &g));
			CHECK(g.path.p == f.path.p && g.body.p == f.body.p);
			/* A prefix of the path is another file or none. */
			if (mg_http_site_find(s,
			        mg_view_make(f.path.p, f.path.len - 1), &g))
				CHECK(g.path.len == f.path.len - 1);
		}
		CHECK(!mg_http_site_get(s, n, &f));
		mg_http_site_free(s);
	}
	free(buf);
	return 0;
}
