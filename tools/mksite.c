/* SPDX-License-Identifier: ISC */
/*
 * mksite.c: compile a folder into the static-site blob that lib/http
 * loads (mg_http_site_load; the format is lib/http/wire/site.h).
 *
 *   mksite -o OUT SITEDIR
 *
 * Every regular file under SITEDIR (symbolic links to files followed)
 * becomes one entry: its URL path ("/" and the relative path), a
 * Content-Type chosen by extension, its bytes, a gzip variant when that
 * is worth it, strong ETags and its modification time (capped by
 * SOURCE_DATE_EPOCH when that is set, so builds are reproducible). Names
 * starting with '.' are left out, except directories named ".well-known"
 * (RFC 8615). A name with control characters, a backslash or bytes that
 * are not UTF-8, more than MG_SITE_FILES_MAX files or more than
 * MG_SITE_BYTES_MAX bytes in all is an error: mksite then says why and
 * exits 1 without writing OUT.
 */
#define ZLIB_CONST
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../lib/http/wire/site.h"

#define GZ_MIN_LEN 64 /* smaller bodies are sent as they are */

/* Content types by extension. gz: worth compressing (text, and binary
 * formats that are not compressed already). */
struct ctype {
	const char *ext;
	const char *type;
	bool gz;
};

#define UTF8 "; charset=utf-8"
static const struct ctype ctypes[] = {
    {"html", "text/html" UTF8, true},
    {"htm", "text/html" UTF8, true},
    {"css", "text/css" UTF8, true},
    {"js", "text/javascript" UTF8, true},
    {"mjs", "text/javascript" UTF8, true},
    {"json", "application/json" UTF8, true},
    {"map", "application/json" UTF8, true},
    {"webmanifest", "application/manifest+json" UTF8, true},
    {"txt", "text/plain" UTF8, true},
    {"md", "text/markdown" UTF8, true},
    {"csv", "text/csv" UTF8, true},
    {"xml", "application/xml" UTF8, true},
    {"rss", "application/rss+xml" UTF8, true},
    {"atom", "application/atom+xml" UTF8, true},
    {"svg", "image/svg+xml" UTF8, true},
    {"wasm", "application/wasm", true},
    {"ico", "image/x-icon", true},
    {"ttf", "font/ttf", true},
    {"otf", "font/otf", true},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"gif", "image/gif", false},
    {"webp", "image/webp", false},
    {"avif", "image/avif", false},
    {"pdf", "application/pdf", false},
    {"woff", "font/woff", false},
    {"woff2", "font/woff2", false},
    {"mp4", "video/mp4", false},
    {"webm", "video/webm", false},
    {"mp3", "audio/mpeg", false},
    {"ogg", "audio/ogg", false},
    {"wav", "audio/wav", false},
    {"zip", "application/zip", false},
    {"gz", "application/gzip", false},
    {"tar", "application/x-tar", false},
};
#define NTYPES (sizeof(ctypes) / sizeof(ctypes[0]))
static const struct ctype octets = {"", "application/octet-stream", false};

struct file {
	char *path; /* URL path */
	const struct ctype *type;
	uint8_t *body, *gz;
	size_t len, gzlen;
	char etag[20], etag_gz[20];
	uint64_t mtime;
};

struct site {
	struct file *f;
	size_t n, cap;
	size_t bytes;   /* of every body so far */
	uint64_t epoch; /* SOURCE_DATE_EPOCH */
	bool have_epoch;
};

static void
complain(const char *what, const char *path)
{
	fprintf(stderr, "mksite: %s: %s\n", path, what);
}

/* A name for messages: bytes that would garble a terminal as \xNN. */
static void
show(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s != '\0' && o + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* Well-formed UTF-8 (RFC 3629 4): no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static bool
utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		unsigned c = *s++, n, k;
		uint32_t cp;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (k = 0; k < n; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[k] & 0x3fu);
		}
		s += n;
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
	}
	return true;
}

/* A name that can be a URL path segment as it is; why not, or NULL. */
static const char *
name_bad(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "a control character in the name";
		if (*p == '\\')
			return "a backslash in the name";
	}
	if (!utf8_ok((const unsigned char *)name))
		return "the name is not UTF-8";
	return NULL;
}

static const struct ctype *
type_of(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t i;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return &octets;
	for (i = 0; i < NTYPES; i++)
		if (strcasecmp(dot + 1, ctypes[i].ext) == 0)
			return &ctypes[i];
	return &octets;
}

/* The whole file, at most max bytes (more is an error: ENOSPC); size
 * is what stat said, the first guess. */
static uint8_t *
slurp(const char *path, size_t size, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			/* One more than stat said, to see the end at once. */
			cap = cap ? cap * 2 : (size < max ? size : max) + 1;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				errno = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n > max) {
			errno = ENOSPC;
			goto fail;
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		errno = EIO;
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/* zlib's gzip wrapper (RFC 1952) at level 9; its header has MTIME 0, so
 * the same bytes give the same member. Returns false without memory. */
static bool
gzip(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	z_stream z;
	uLong bound;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return false;
	bound = deflateBound(&z, (uLong)len);
	*out = malloc(bound);
	if (*out == NULL) {
		deflateEnd(&z);
		return false;
	}
	z.next_in = in;
	z.avail_in = (uInt)len; /* len <= MG_SITE_BYTES_MAX */
	z.next_out = *out;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

static void
etag_fmt(char *out, uint64_t h)
{
	snprintf(out, 20, "\"%016llx\"", (unsigned long long)h);
}

static int
add_file(struct site *s, const char *fspath, const char *url,
    const struct stat *st)
{
	struct file *f;
	uint64_t h;

	if (s->n == MG_SITE_FILES_MAX) {
		fprintf(stderr, "mksite: more than %d files\n",
		    MG_SITE_FILES_MAX);
		return -1;
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct file *nf = realloc(s->f, ncap * sizeof(*nf));

		if (nf == NULL) {
			fprintf(stderr, "mksite: out of memory\n");
			return -1;
		}
		s->f = nf;
		s->cap = ncap;
	}
	f = &s->f[s->n];
	memset(f, 0, sizeof(*f));
	f->body = slurp(fspath, st->st_size > 0 ? (size_t)st->st_size : 0,
	    MG_SITE_BYTES_MAX - s->bytes, &f->len);
	if (f->body == NULL) {
		if (errno == ENOSPC)
			fprintf(stderr,
			    "mksite: the files add up to more "
			    "than %u MiB\n",
			    MG_SITE_BYTES_MAX >> 20);
		else
			complain(strerror(errno), fspath);
		return -1;
	}
	s->bytes += f->len;
	f->path = strdup(url);
	if (f->path == NULL) {
		fprintf(stderr, "mksite: out of memory\n");
		free(f->body);
		return -1;
	}
	s->n++;
	f->type = type_of(url);
	h = mg_site_fnv1a64(f->body, f->len);
	etag_fmt(f->etag, h);
	if (f->type->gz && f->len >= GZ_MIN_LEN) {
		if (!gzip(f->body, f->len, &f->gz, &f->gzlen)) {
			complain("gzip failed", fspath);
			return -1;
		}
		if (f->gzlen * 10 >= f->len * 9) { /* saves under 10% */
			free(f->gz);
			f->gz = NULL;
			f->gzlen = 0;
		} else {
			uint64_t hg = mg_site_fnv1a64(f->gz, f->gzlen);

			etag_fmt(f->etag_gz, hg != h ? hg : hg ^ 1);
		}
	}
	f->mtime = st->st_mtime > 0 ? (uint64_t)st->st_mtime : 0;
	if (s->have_epoch && f->mtime > s->epoch)
		f->mtime = s->epoch;
	if (f->mtime > MG_SITE_MTIME_MAX)
		f->mtime = MG_SITE_MTIME_MAX;
	return 0;
}

/* Folders still to read (the walk keeps its own stack: no recursion). */
struct pending {
	struct {
		char *fs, *url;
	} * v;
	size_t n, cap;
};

static int
push(struct pending *q, const char *fs, const char *url)
{
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 16;
		void *nv = realloc(q->v, ncap * sizeof(*q->v));

		if (nv == NULL)
			goto nomem;
		q->v = nv;
		q->cap = ncap;
	}
	q->v[q->n].fs = strdup(fs);
	q->v[q->n].url = strdup(url);
	if (q->v[q->n].fs == NULL || q->v[q->n].url == NULL) {
		free(q->v[q->n].fs);
		free(q->v[q->n].url);
		goto nomem;
	}
	q->n++;
	return 0;
nomem:
	fprintf(stderr, "mksite: out of memory\n");
	return -1;
}

/* Adds the files of fsdir (URL prefix url, "" for the top) and queues
 * its folders. */
static int
walk1(struct site *s, struct pending *q, const char *fsdir, const char *url)
{
	DIR *d = opendir(fsdir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		complain(strerror(errno), fsdir);
		return -1;
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char fs[4096], u[MG_SITE_PATH_MAX + 1], shown[256];
		const char *name = de->d_name, *why;
		struct stat st, lst;
		int k;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (name[0] == '.' && strcmp(name, ".well-known") != 0)
			continue;
		k = snprintf(fs, sizeof(fs), "%s/%s", fsdir, name);
		if (k < 0 || (size_t)k >= sizeof(fs)) {
			complain("path too long", fsdir);
			rc = -1;
			break;
		}
		if (lstat(fs, &lst) != 0 || stat(fs, &st) != 0) {
			complain(errno == ENOENT ? "a link to nothing"
			                         : strerror(errno),
			    fs);
			rc = -1;
			break;
		}
		if (name[0] == '.' && !S_ISDIR(st.st_mode))
			continue; /* a file named .well-known */
		if ((why = name_bad(name)) != NULL) {
			show(shown, sizeof(shown), fs);
			complain(why, shown);
			rc = -1;
			break;
		}
		k = snprintf(u, sizeof(u), "%s/%s", url, name);
		if (k < 0 || (size_t)k >= sizeof(u)) {
			fprintf(stderr, "mksite: %s: URL path over %d bytes\n",
			    fs, MG_SITE_PATH_MAX);
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (S_ISLNK(lst.st_mode))
				complain("skipped (a link to a folder)", fs);
			else
				rc = push(q, fs, u);
		} else if (S_ISREG(st.st_mode)) {
			rc = add_file(s, fs, u, &st);
		} else {
			complain("skipped (not a regular file)", fs);
		}
	}
	if (rc == 0 && errno != 0) {
		complain(strerror(errno), fsdir);
		rc = -1;
	}
	closedir(d);
	return rc;
}

/* Adds every file under top. */
static int
walk(struct site *s, const char *top)
{
	struct pending q = {NULL, 0, 0};
	int rc = push(&q, top, "");

	while (rc == 0 && q.n > 0) {
		char *fs = q.v[q.n - 1].fs, *url = q.v[q.n - 1].url;

		q.n--;
		rc = walk1(s, &q, fs, url);
		free(fs);
		free(url);
	}
	while (q.n > 0) {
		q.n--;
		free(q.v[q.n].fs);
		free(q.v[q.n].url);
	}
	free(q.v);
	return rc;
}

static int
file_cmp(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	return strcmp(x->path, y->path); /* bytewise: paths have no NUL */
}

static void
put32(uint8_t *b, size_t at, uint64_t v)
{
	b[at] = (uint8_t)(v >> 24);
	b[at + 1] = (uint8_t)(v >> 16);
	b[at + 2] = (uint8_t)(v >> 8);
	b[at + 3] = (uint8_t)v;
}

static void
put64(uint8_t *b, size_t at, uint64_t v)
{
	put32(b, at, v >> 32);
	put32(b, at + 4, v & 0xffffffffu);
}

static size_t
align(size_t x)
{
	return (x + MG_SITE_ALIGN - 1) & ~(size_t)(MG_SITE_ALIGN - 1);
}

/* Copies len bytes of p to b at *at, records (off, len) in the entry
 * field at e, and moves *at past them. (An absent gzip variant is left
 * 0 0 instead.) */
static void
place(uint8_t *b, size_t e, size_t *at, const void *p, size_t len)
{
	put32(b, e, *at);
	put32(b, e + 4, len);
	if (len > 0)
		memcpy(b + *at, p, len);
	*at += len;
}

/* Lays the sorted files out (wire/site.h); a malloc'd blob or NULL. */
static uint8_t *
build(const struct site *s, size_t *blen)
{
	size_t type_at[NTYPES + 1], str_off, data_off, total, at, i;
	uint8_t *b;

	/* Sizes first: strings (each type once), then data, aligned. */
	str_off = MG_SITE_HDR + s->n * MG_SITE_ENT;
	total = str_off;
	for (i = 0; i <= NTYPES; i++)
		type_at[i] = 0;
	for (i = 0; i < s->n; i++) {
		const struct file *f = &s->f[i];
		size_t t =
		    f->type == &octets ? NTYPES : (size_t)(f->type - ctypes);

		total += strlen(f->path) + strlen(f->etag) + strlen(f->etag_gz);
		if (type_at[t] == 0) {
			type_at[t] = 1;
			total += strlen(f->type->type);
		}
	}
	data_off = align(total);
	total = data_off;
	for (i = 0; i < s->n; i++) {
		total = align(total) + s->f[i].len;
		total = align(total) + s->f[i].gzlen;
	}
	if (total > UINT32_MAX) {
		fprintf(stderr, "mksite: the blob would pass 4 GiB\n");
		return NULL;
	}
	b = calloc(1, total);
	if (b == NULL) {
		fprintf(stderr, "mksite: out of memory\n");
		return NULL;
	}
	memcpy(b, MG_SITE_MAGIC, 4);
	b[MG_SITE_H_VERSION] = MG_SITE_VERSION >> 8;
	b[MG_SITE_H_VERSION + 1] = MG_SITE_VERSION & 0xff;
	put32(b, MG_SITE_H_TOTAL, total);
	put32(b, MG_SITE_H_NFILES, s->n);
	put32(b, MG_SITE_H_STR, str_off);
	put32(b, MG_SITE_H_DATA, data_off);
	for (i = 0; i <= NTYPES; i++)
		type_at[i] = 0;
	at = str_off;
	for (i = 0; i < s->n; i++) {
		const struct file *f = &s->f[i];
		size_t e = MG_SITE_HDR + i * MG_SITE_ENT;
		size_t t =
		    f->type == &octets ? NTYPES : (size_t)(f->type - ctypes);
		size_t tlen = strlen(f->type->type);

		place(b, e + MG_SITE_E_PATH, &at, f->path, strlen(f->path));
		if (type_at[t] == 0) {
			type_at[t] = at;
			place(b, e + MG_SITE_E_TYPE, &at, f->type->type, tlen);
		} else {
			put32(b, e + MG_SITE_E_TYPE, type_at[t]);
			put32(b, e + MG_SITE_E_TYPE + 4, tlen);
		}
		place(b, e + MG_SITE_E_ETAG, &at, f->etag, strlen(f->etag));
		if (f->gzlen > 0)
			place(b, e + MG_SITE_E_ETAG_GZ, &at, f->etag_gz,
			    strlen(f->etag_gz));
		put64(b, e + MG_SITE_E_MTIME, f->mtime);
	}
	at = data_off;
	for (i = 0; i < s->n; i++) {
		const struct file *f = &s->f[i];
		size_t e = MG_SITE_HDR + i * MG_SITE_ENT;

		at = align(at);
		place(b, e + MG_SITE_E_BODY, &at, f->body, f->len);
		at = align(at);
		if (f->gzlen > 0)
			place(b, e + MG_SITE_E_GZ, &at, f->gz, f->gzlen);
	}
	put64(b, MG_SITE_H_SUM,
	    mg_site_fnv1a64(b + MG_SITE_SUM_FROM, total - MG_SITE_SUM_FROM));
	*blen = total;
	return b;
}

static bool
parse_epoch(struct site *s)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;

	if (e == NULL || *e == '\0')
		return true;
	errno = 0;
	s->epoch = strtoull(e, &end, 10);
	if (*e < '0' || *e > '9' || *end != '\0' || errno != 0) {
		fprintf(stderr,
		    "mksite: SOURCE_DATE_EPOCH='%s' is not a "
		    "number of seconds\n",
		    e);
		return false;
	}
	s->have_epoch = true;
	return true;
}

int
main(int argc, char **argv)
{
	struct site s;
	const char *out = NULL, *dir = NULL;
	char tmp[4096];
	uint8_t *blob = NULL;
	size_t blen = 0, i;
	int status = 1;
	FILE *f;

	memset(&s, 0, sizeof(s));
	if (argc == 4 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		dir = argv[3];
	}
	if (out == NULL || dir == NULL) {
		fprintf(stderr, "usage: mksite -o OUT SITEDIR\n");
		return 2;
	}
	if (!parse_epoch(&s) || walk(&s, dir) != 0)
		goto out;
	if (s.n > 0)
		qsort(s.f, s.n, sizeof(*s.f), file_cmp);
	blob = build(&s, &blen);
	if (blob == NULL)
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "wb");
	if (f == NULL || fwrite(blob, 1, blen, f) != blen || fclose(f) != 0) {
		fprintf(stderr, "mksite: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, out) != 0) {
		fprintf(stderr, "mksite: %s: %s\n", out, strerror(errno));
		unlink(tmp);
		goto out;
	}
	status = 0;
out:
	for (i = 0; i < s.n; i++) {
		free(s.f[i].path);
		free(s.f[i].body);
		free(s.f[i].gz);
	}
	free(s.f);
	free(blob);
	return status;
}
