/* SPDX-License-Identifier: ISC */
/* dnstest.h: helpers for the lib/dns unit tests (include after
 * <cmocka.h>): zones from text, queries, and a small response reader. */
#ifndef DNSTEST_H
#define DNSTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "fake_plat.h"
#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"

#define TEST_ZONE_PATH "lib/dns/test/test.zone"

static inline char *
dt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Compile zone texts (NULL-terminated list) into a blob. */
static inline uint8_t *
dt_blob(const char *const *texts, size_t *blen)
{
	struct mg_dns_zparse *zp[8] = {NULL};
	uint8_t *blob, *copy;
	char err[256];
	size_t n = 0, i;

	for (n = 0; texts[n] != NULL; n++) {
		zp[n] = calloc(1, sizeof(**zp));
		assert_non_null(zp[n]);
		if (mg_dns_zparse_text(zp[n], "t.zone", mg_view_str(texts[n]),
		        NULL) != 0)
			fail_msg("%s", zp[n]->err);
	}
	assert_int_equal(
	    mg_dns_zone_compile(zp, n, &blob, blen, err, sizeof(err)), 0);
	for (i = 0; i < n; i++) {
		mg_dns_zparse_fini(zp[i]);
		free(zp[i]);
	}
	copy = malloc(*blen);
	assert_non_null(copy);
	memcpy(copy, blob, *blen);
	mg_free(blob);
	return copy;
}

static inline struct mg_dns_zone *
dt_load_texts(const char *const *texts, uint8_t **blobp)
{
	struct mg_dns_zone *z;
	size_t blen;
	uint8_t *blob = dt_blob(texts, &blen);

	assert_int_equal(mg_dns_zone_load(mg_view_make(blob, blen), &z), 0);
	*blobp = blob;
	return z;
}

static inline struct mg_dns_zone *
dt_load_test_zone(uint8_t **blobp)
{
	size_t len;
	char *text = dt_slurp(TEST_ZONE_PATH, &len);
	const char *texts[2] = {text, NULL};
	struct mg_dns_zone *z = dt_load_texts(texts, blobp);

	free(text);
	return z;
}

/* Query building. */
struct dt_q {
	uint16_t id, flags, qd, an, ns, ar, type, class;
	int edns; /* -1: none, else version */
	uint16_t udp;
	bool do_bit;
};

static inline size_t
dt_query(uint8_t *buf, const char *name, const struct dt_q *o)
{
	uint8_t wire[MG_DNS_NAME_MAX];
	const char *why;
	int n = mg_dns_name_parse(name, strlen(name), NULL, wire, &why);
	size_t len = 12;

	assert_true(n > 0);
	buf[0] = (uint8_t)(o->id >> 8);
	buf[1] = (uint8_t)o->id;
	buf[2] = (uint8_t)(o->flags >> 8);
	buf[3] = (uint8_t)o->flags;
	buf[4] = 0;
	buf[5] = (uint8_t)o->qd;
	buf[6] = 0;
	buf[7] = (uint8_t)o->an;
	buf[8] = 0;
	buf[9] = (uint8_t)o->ns;
	buf[10] = 0;
	buf[11] = (uint8_t)(o->ar + (o->edns >= 0 ? 1 : 0));
	memcpy(buf + len, wire, (size_t)n);
	len += (size_t)n;
	buf[len++] = (uint8_t)(o->type >> 8);
	buf[len++] = (uint8_t)o->type;
	buf[len++] = (uint8_t)(o->class >> 8);
	buf[len++] = (uint8_t)o->class;
	if (o->edns >= 0) {
		uint8_t opt[11] = {0, 0, 41, (uint8_t)(o->udp >> 8),
		    (uint8_t)o->udp, 0, (uint8_t)o->edns, o->do_bit ? 0x80 : 0,
		    0, 0, 0};

		memcpy(buf + len, opt, 11);
		len += 11;
	}
	return len;
}

/* A parsed response: header and each RR's owner, type, TTL, rdata (names
 * in rdata decompressed for NS/CNAME/PTR/MX/SOA targets). */
struct dt_rr {
	uint8_t owner[MG_DNS_NAME_MAX];
	uint16_t type, class;
	uint32_t ttl;
	uint8_t rdata[512];
	size_t rdlen;
	int sec;
};

struct dt_resp {
	uint16_t id, flags, qd, an, ns, ar;
	uint8_t qname[MG_DNS_NAME_MAX];
	uint16_t qtype, qclass;
	struct dt_rr rr[64];
	size_t nrr;
	bool opt;
	uint32_t opt_ttl;
	uint16_t opt_udp, opt_rdlen;
};

static inline void
dt_parse(const uint8_t *b, size_t len, struct dt_resp *r)
{
	mg_view m = mg_view_make(b, len);
	size_t off = 12, i;
	unsigned total;

	memset(r, 0, sizeof(*r));
	assert_true(len >= 12);
	r->id = (uint16_t)(b[0] << 8 | b[1]);
	r->flags = (uint16_t)(b[2] << 8 | b[3]);
	r->qd = (uint16_t)(b[4] << 8 | b[5]);
	r->an = (uint16_t)(b[6] << 8 | b[7]);
	r->ns = (uint16_t)(b[8] << 8 | b[9]);
	r->ar = (uint16_t)(b[10] << 8 | b[11]);
	if (r->qd == 1) {
		assert_true(mg_dns_name_read(m, &off, r->qname, false) > 0);
		assert_true(mg_view_u16be(m, off, &r->qtype));
		assert_true(mg_view_u16be(m, off + 2, &r->qclass));
		off += 4;
	}
	total = (unsigned)r->an + r->ns + r->ar;
	assert_true(total <= 64);
	for (i = 0; i < total; i++) {
		struct dt_rr *rr = &r->rr[r->nrr];
		uint16_t rdlen;
		size_t rdoff;

		assert_true(mg_dns_name_read(m, &off, rr->owner, false) > 0);
		assert_true(mg_view_u16be(m, off, &rr->type));
		assert_true(mg_view_u16be(m, off + 2, &rr->class));
		assert_true(mg_view_u32be(m, off + 4, &rr->ttl));
		assert_true(mg_view_u16be(m, off + 8, &rdlen));
		off += 10;
		assert_true(off + rdlen <= len);
		rr->sec = i < r->an ? 0 : i < (size_t)r->an + r->ns ? 1 : 2;
		if (rr->type == MG_DNS_T_OPT) {
			r->opt = true;
			r->opt_ttl = rr->ttl;
			r->opt_udp = rr->class;
			r->opt_rdlen = rdlen;
			off += rdlen;
			continue;
		}
		rdoff = off;
		switch (rr->type) {
		case MG_DNS_T_NS:
		case MG_DNS_T_CNAME:
		case MG_DNS_T_PTR: {
			int n = mg_dns_name_read(m, &rdoff, rr->rdata, false);

			assert_true(n > 0);
			rr->rdlen = (size_t)n;
			break;
		}
		case MG_DNS_T_MX: {
			int n;

			memcpy(rr->rdata, b + off, 2);
			rdoff += 2;
			n = mg_dns_name_read(m, &rdoff, rr->rdata + 2, false);
			assert_true(n > 0);
			rr->rdlen = 2 + (size_t)n;
			break;
		}
		default:
			assert_true(rdlen <= sizeof(rr->rdata));
			memcpy(rr->rdata, b + off, rdlen);
			rr->rdlen = rdlen;
		}
		off += rdlen;
		r->nrr++;
	}
	assert_int_equal(off, len);
}

/* The wire form of a presentation name, in a static buffer. */
static inline const uint8_t *
dt_name(const char *s)
{
	static uint8_t w[4][MG_DNS_NAME_MAX];
	static int k;
	const char *why;

	k = (k + 1) % 4;
	assert_true(mg_dns_name_parse(s, strlen(s), NULL, w[k], &why) > 0);
	return w[k];
}

/* How many RRs of type in section sec with owner (NULL: any). */
static inline int
dt_count(const struct dt_resp *r, int sec, uint16_t type, const char *owner)
{
	size_t i;
	int n = 0;

	for (i = 0; i < r->nrr; i++)
		if (r->rr[i].sec == sec && r->rr[i].type == type &&
		    (owner == NULL ||
		        mg_dns_name_eq(r->rr[i].owner, dt_name(owner))))
			n++;
	return n;
}

#endif /* DNSTEST_H */
