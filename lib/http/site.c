/* SPDX-License-Identifier: ISC */
/* site.c: the static-site blob (wire/site.h): validation and lookups. */
#define MG_LOG_TAG "http"
#include "mg/http.h"

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/string.h"
#include "wire/site.h"

/*
 * The loaded site is the blob and where its tables are: mg_http_site_load
 * checks every field once, so lookups read the entries again without
 * checking (they go through mg_view getters all the same) and never
 * allocate.
 */
struct mg_http_site {
	mg_view blob;
	mg_view table; /* nfiles entries */
	size_t n;
};

/* Every failed check names its reason and line (SQLite's CORRUPT_BKPT). */
static int
corrupt(int line, long file, const char *why)
{
	if (file >= 0)
		MG_LOGE("site blob is corrupt: file %ld: %s (site.c:%d)", file,
		    why, line);
	else
		MG_LOGE("site blob is corrupt: %s (site.c:%d)", why, line);
	return -MG_ECORRUPT;
}
#define CORRUPT(file, why) corrupt(__LINE__, (file), (why))

/* A region [lo, hi) of the blob. */
struct area {
	size_t lo, hi;
};

/* The len bytes at off, if they lie in a (subtracting: no overflow). */
static bool
in_area(mg_view blob, struct area a, uint32_t off, uint32_t len, mg_view *out)
{
	if (off < a.lo || off > a.hi || len > a.hi - off)
		return false;
	return mg_view_sub(blob, off, len, out);
}

/* Paths: '/' first, no control characters (NUL included). */
static bool
path_ok(mg_view p)
{
	size_t i;

	if (p.len == 0 || p.len > MG_SITE_PATH_MAX || p.p[0] != '/')
		return false;
	for (i = 0; i < p.len; i++)
		if (p.p[i] < 0x20 || p.p[i] == 0x7f)
			return false;
	return true;
}

/* A Content-Type value goes into a response head as it is: visible
 * ASCII and inner spaces only, so no CR, LF or NUL. */
static bool
type_ok(mg_view t)
{
	size_t i;

	if (t.len == 0 || t.len > MG_SITE_TYPE_MAX || t.p[0] == ' ' ||
	    t.p[t.len - 1] == ' ')
		return false;
	for (i = 0; i < t.len; i++)
		if (t.p[i] < 0x20 || t.p[i] > 0x7e)
			return false;
	return true;
}

/* RFC 9110 8.8.3: entity-tag = DQUOTE *etagc DQUOTE (strong only; obs-text
 * is not written by mksite, so not accepted either). */
static bool
etag_ok(mg_view e)
{
	size_t i;

	if (e.len < 3 || e.len > MG_SITE_ETAG_MAX || e.p[0] != '"' ||
	    e.p[e.len - 1] != '"')
		return false;
	for (i = 1; i + 1 < e.len; i++)
		if (e.p[i] < 0x21 || e.p[i] == '"' || e.p[i] > 0x7e)
			return false;
	return true;
}

/* Bytewise, a prefix first: the order of the table. */
static int
path_cmp(mg_view a, mg_view b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c =
	    n > 0 && a.p != NULL && b.p != NULL ? mg_memcmp(a.p, b.p, n) : 0;

	if (c != 0)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

struct ent {
	uint32_t off[6], len[6]; /* path type body gz etag etag_gz */
	uint64_t mtime;
};

enum {
	E_PATH,
	E_TYPE,
	E_BODY,
	E_GZ,
	E_ETAG,
	E_ETAG_GZ
};

static bool
ent_read(mg_view table, size_t i, struct ent *e)
{
	mg_view v;
	struct mg_rd r;
	int k;

	if (!mg_view_sub(table, i * MG_SITE_ENT, MG_SITE_ENT, &v))
		return false;
	r = mg_rd_init(v);
	for (k = 0; k < 6; k++) {
		e->off[k] = mg_rd_u32be(&r);
		e->len[k] = mg_rd_u32be(&r);
	}
	e->mtime = mg_rd_u64be(&r);
	return mg_rd_ok(&r);
}

/* The entry's views (checked at load; here only fetched). */
static bool
ent_file(const struct mg_http_site *s, const struct ent *e,
    struct mg_http_file *f)
{
	struct area all = {0, s->blob.len};
	mg_view v[6];
	int k;

	for (k = 0; k < 6; k++)
		if (!in_area(s->blob, all, e->off[k], e->len[k], &v[k]))
			return false;
	f->path = v[E_PATH];
	f->type = v[E_TYPE];
	f->body = v[E_BODY];
	f->gzip = v[E_GZ];
	f->etag = v[E_ETAG];
	f->etag_gz = v[E_ETAG_GZ];
	f->mtime = MG_SEC(e->mtime);
	return true;
}

/* One entry against the format; *prev is the previous file's path, and
 * becomes this one's. */
static int
check_ent(mg_view blob, struct area str, struct area data, long i,
    const struct ent *e, mg_view *prev)
{
	mg_view v;
	uint8_t b0 = 0, b1 = 0, b2 = 0;

	if (!in_area(blob, str, e->off[E_PATH], e->len[E_PATH], &v) ||
	    !path_ok(v))
		return CORRUPT(i, "bad path");
	if (i > 0 && path_cmp(*prev, v) >= 0)
		return CORRUPT(i, "paths not sorted");
	*prev = v;
	if (!in_area(blob, str, e->off[E_TYPE], e->len[E_TYPE], &v) ||
	    !type_ok(v))
		return CORRUPT(i, "bad content type");
	if (!in_area(blob, data, e->off[E_BODY], e->len[E_BODY], &v))
		return CORRUPT(i, "body out of bounds");
	if (!in_area(blob, str, e->off[E_ETAG], e->len[E_ETAG], &v) ||
	    !etag_ok(v))
		return CORRUPT(i, "bad etag");
	if (e->len[E_GZ] == 0) {
		if (e->off[E_GZ] != 0 || e->off[E_ETAG_GZ] != 0 ||
		    e->len[E_ETAG_GZ] != 0)
			return CORRUPT(i, "stray gzip fields");
	} else {
		if (!in_area(blob, data, e->off[E_GZ], e->len[E_GZ], &v) ||
		    v.len < MG_SITE_GZ_MIN)
			return CORRUPT(i, "gzip out of bounds");
		/* RFC 1952 2.3.1: ID1 ID2 CM(deflate). */
		(void)mg_view_u8(v, 0, &b0);
		(void)mg_view_u8(v, 1, &b1);
		(void)mg_view_u8(v, 2, &b2);
		if (b0 != 0x1f || b1 != 0x8b || b2 != 8)
			return CORRUPT(i, "gzip variant is not gzip");
		if (!in_area(blob, str, e->off[E_ETAG_GZ], e->len[E_ETAG_GZ],
		        &v) ||
		    !etag_ok(v))
			return CORRUPT(i, "bad gzip etag");
	}
	if (e->mtime > MG_SITE_MTIME_MAX)
		return CORRUPT(i, "mtime out of range");
	return 0;
}

int
mg_http_site_load(mg_view blob, struct mg_http_site **out)
{
	struct mg_http_site *s;
	struct area str, data;
	mg_view body, table, path = mg_view_empty();
	uint64_t sum;
	uint32_t total, nfiles, str_off, data_off;
	uint16_t version, flags;
	size_t i;
	struct ent e;
	struct mg_rd r;
	int rc;

	*out = NULL;
	if (blob.len < MG_SITE_HDR || mg_memcmp(blob.p, MG_SITE_MAGIC, 4) != 0)
		return CORRUPT(-1, "no site blob magic");
	r = mg_rd_init(blob);
	(void)mg_rd_skip(&r, MG_SITE_H_VERSION);
	version = mg_rd_u16be(&r);
	flags = mg_rd_u16be(&r);
	sum = mg_rd_u64be(&r);
	total = mg_rd_u32be(&r);
	nfiles = mg_rd_u32be(&r);
	str_off = mg_rd_u32be(&r);
	data_off = mg_rd_u32be(&r);
	MG_ASSERT(mg_rd_ok(&r) && mg_rd_off(&r) == MG_SITE_HDR);
	if (version != MG_SITE_VERSION)
		return CORRUPT(-1, "unknown version");
	if (flags != 0)
		return CORRUPT(-1, "unknown flags");
	if (total != blob.len)
		return CORRUPT(-1, "length differs from the header's");
	if (!mg_view_tail(blob, MG_SITE_SUM_FROM, &body) ||
	    mg_site_fnv1a64(body.p, body.len) != sum)
		return CORRUPT(-1, "bad checksum");
	if (nfiles > MG_SITE_FILES_MAX)
		return CORRUPT(-1, "too many files");
	if (str_off != MG_SITE_HDR + (size_t)nfiles * MG_SITE_ENT ||
	    str_off > data_off || data_off > total)
		return CORRUPT(-1, "bad area offsets");
	if (!mg_view_sub(blob, MG_SITE_HDR, (size_t)nfiles * MG_SITE_ENT,
	        &table))
		return CORRUPT(-1, "table out of bounds");
	str.lo = str_off;
	str.hi = data_off;
	data.lo = data_off;
	data.hi = total;
	for (i = 0; i < nfiles; i++) {
		if (!ent_read(table, i, &e))
			return CORRUPT((long)i, "entry out of bounds");
		if ((rc = check_ent(blob, str, data, (long)i, &e, &path)) != 0)
			return rc;
	}
	s = mg_calloc(1, sizeof(*s));
	if (s == NULL)
		return -MG_ENOMEM;
	s->blob = blob;
	s->table = table;
	s->n = nfiles;
	*out = s;
	return 0;
}

void
mg_http_site_free(struct mg_http_site *s)
{
	mg_free(s);
}

size_t
mg_http_site_count(const struct mg_http_site *s)
{
	return s != NULL ? s->n : 0;
}

bool
mg_http_site_get(const struct mg_http_site *s, size_t i,
    struct mg_http_file *out)
{
	struct ent e;

	if (s == NULL || i >= s->n || !ent_read(s->table, i, &e))
		return false;
	return ent_file(s, &e, out);
}

/* The path of entry i alone (the binary search's probe). */
static bool
ent_path(const struct mg_http_site *s, size_t i, mg_view *out)
{
	uint32_t off, len;

	if (!mg_view_u32be(s->table, i * MG_SITE_ENT + MG_SITE_E_PATH, &off) ||
	    !mg_view_u32be(s->table, i * MG_SITE_ENT + MG_SITE_E_PATH + 4,
	        &len))
		return false;
	return mg_view_sub(s->blob, off, len, out);
}

bool
mg_http_site_find(const struct mg_http_site *s, mg_view path,
    struct mg_http_file *out)
{
	size_t lo = 0, hi;

	if (s == NULL || path.len == 0 || path.len > MG_SITE_PATH_MAX)
		return false;
	hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		mg_view p;
		int c;

		if (!ent_path(s, mid, &p))
			return false;
		c = path_cmp(path, p);
		if (c == 0)
			return mg_http_site_get(s, mid, out);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}
