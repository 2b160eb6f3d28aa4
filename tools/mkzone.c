/* SPDX-License-Identifier: ISC */
/*
 * mkzone.c: compile master files (RFC 1035 5) into the zone blob that
 * lib/dns loads (mg_dns_zone_load). Built for the host with lib/dns's
 * parser and compiler and a few lib/core sources.
 *
 *   mkzone -o OUT FILE[=ORIGIN]...
 *
 * A zone error prints the parser's "file:line:col: message" and exits 1
 * without writing OUT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/dns/dns_int.h"
#include "mg/heap.h"
#include "mg/plat.h"

/* lib/dns's allocator and console, from libc. */
void *
mg_malloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *
mg_calloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

void *
mg_realloc(void *p, size_t size)
{
	return realloc(p, size ? size : 1);
}

void
mg_free(void *p)
{
	free(p);
}

void
mg_plat_console_write(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stderr);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct mg_dns_zparse **zp;
	const char *out = NULL;
	char tmp[4096], err[512];
	uint8_t *blob = NULL;
	size_t blen, nz = 0, k;
	int i, status = 1;
	FILE *f;

	if (argc >= 3 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (out == NULL || argc < 2) {
		fprintf(stderr, "usage: mkzone -o OUT FILE[=ORIGIN]...\n");
		return 2;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	zp = calloc((size_t)argc, sizeof(*zp));
	if (zp == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		char *path = argv[i], *origin = strchr(path, '=');
		char *text;
		size_t len;
		int rc;

		if (origin != NULL)
			*origin++ = '\0';
		text = slurp(path, &len);
		if (text == NULL) {
			fprintf(stderr, "mkzone: %s: %s\n", path,
			    strerror(errno));
			goto out;
		}
		zp[nz] = calloc(1, sizeof(**zp));
		if (zp[nz] == NULL) {
			free(text);
			goto out;
		}
		rc = mg_dns_zparse_text(zp[nz], path, mg_view_make(text, len),
		    origin);
		free(text);
		nz++;
		if (rc != 0) {
			fprintf(stderr, "%s\n", zp[nz - 1]->err);
			goto out;
		}
	}
	if (mg_dns_zone_compile(zp, nz, &blob, &blen, err, sizeof(err)) != 0) {
		fprintf(stderr, "mkzone: %s\n", err);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "wb");
	if (f == NULL || fwrite(blob, 1, blen, f) != blen || fclose(f) != 0) {
		fprintf(stderr, "mkzone: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, out) != 0) {
		fprintf(stderr, "mkzone: %s: %s\n", out, strerror(errno));
		unlink(tmp);
		goto out;
	}
	status = 0;
out:
	for (k = 0; k < nz; k++) {
		mg_dns_zparse_fini(zp[k]);
		free(zp[k]);
	}
	free(zp);
	free(blob);
	return status;
}
