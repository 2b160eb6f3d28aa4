/* SPDX-License-Identifier: ISC */
/* zcompile.c: parsed zones to the compiled blob (see dns_int.h). */
#include "dns_int.h"

#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/string.h"

uint32_t
mg_dns_fnv1a(mg_view v)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < v.len; i++)
		h = (h ^ v.p[i]) * 16777619u;
	return h;
}

struct out {
	uint8_t *p;
	size_t len, cap;
	bool err;
};

static void
put(struct out *o, const void *p, size_t n)
{
	if (o->err)
		return;
	if (n > o->cap - o->len) {
		size_t ncap = o->cap ? o->cap : 4096;
		uint8_t *np;

		while (n > ncap - o->len)
			ncap *= 2;
		np = mg_realloc(o->p, ncap);
		if (np == NULL) {
			o->err = true;
			return;
		}
		o->p = np;
		o->cap = ncap;
	}
	if (n > 0)
		mg_memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void
put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	put(o, b, 2);
}

static void
put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v};

	put(o, b, 4);
}

static void
patch32(struct out *o, size_t at, uint32_t v)
{
	if (o->err)
		return;
	o->p[at] = (uint8_t)(v >> 24);
	o->p[at + 1] = (uint8_t)(v >> 16);
	o->p[at + 2] = (uint8_t)(v >> 8);
	o->p[at + 3] = (uint8_t)v;
}

static size_t
name_len(const uint8_t *n)
{
	size_t p = 0;

	while (n[p] != 0)
		p += n[p] + 1u;
	return p + 1;
}

/* Records of one owner [i, j): RRsets in order of first appearance. */
static void
put_node(struct out *o, const struct mg_dns_zrr *rr, size_t i, size_t j)
{
	size_t k, m, ntypes = 0;

	for (k = i; k < j; k++) {
		for (m = i; m < k && rr[m].type != rr[k].type; m++)
			;
		if (m == k)
			ntypes++;
	}
	put(o, rr[i].owner, rr[i].owner_len);
	put16(o, (uint16_t)ntypes);
	for (k = i; k < j; k++) {
		size_t nrr = 0;

		for (m = i; m < k && rr[m].type != rr[k].type; m++)
			;
		if (m < k)
			continue; /* type already written */
		for (m = k; m < j; m++)
			nrr += rr[m].type == rr[k].type;
		put16(o, rr[k].type);
		put16(o, (uint16_t)nrr);
		for (m = k; m < j; m++) {
			if (rr[m].type != rr[k].type)
				continue;
			put32(o, rr[m].ttl);
			put16(o, rr[m].rdlen);
			put(o, rr[m].rdata, rr[m].rdlen);
		}
	}
}

/* The ancestors of name strictly between apex and name that were not
 * written yet (prev is the last node written; see the ENT rule in the
 * blob description: an ancestor was written iff prev is at or under it). */
static size_t
put_ents(struct out *o, const uint8_t *name, const uint8_t *apex,
    const uint8_t *prev)
{
	uint8_t offs[128];
	unsigned n = mg_dns_name_labels(name, offs);
	unsigned na = mg_dns_name_labels(apex, NULL);
	unsigned k;
	size_t count = 0;
	const uint8_t *last = prev;

	for (k = na + 1; k < n; k++) {
		const uint8_t *anc = name + offs[n - k];

		if (mg_dns_name_under(last, anc))
			continue;
		put(o, anc, name_len(anc));
		put16(o, 0);
		last = anc;
		count++;
	}
	return count;
}

int
mg_dns_zone_compile(struct mg_dns_zparse *const *zones, size_t n,
    uint8_t **blob, size_t *len, char *err, size_t errcap)
{
	struct out o = {NULL, 0, 0, false};
	size_t z, i, j, y;

	for (z = 0; z < n; z++) {
		for (y = 0; y < z; y++) {
			if (mg_dns_name_eq(zones[y]->apex, zones[z]->apex)) {
				char t[MG_DNS_NAME_TEXT_MAX];

				mg_dns_name_text(zones[z]->apex, t, sizeof(t));
				mg_snprintf(err, errcap,
				    "%s: zone '%.200s' is already in %s",
				    zones[z]->file, t, zones[y]->file);
				return -MG_EINVAL;
			}
		}
	}
	if (n > 0xffff) {
		mg_snprintf(err, errcap, "too many zones");
		return -MG_EINVAL;
	}
	put(&o, MG_DNS_BLOB_MAGIC, 4);
	put16(&o, MG_DNS_BLOB_VERSION);
	put16(&o, (uint16_t)n);
	put32(&o, 0);
	put32(&o, 0);
	for (z = 0; z < n; z++) {
		const struct mg_dns_zparse *zp = zones[z];
		size_t count_at, nodes = 0;
		const uint8_t *prev = zp->apex;

		put(&o, zp->apex, zp->apex_len);
		count_at = o.len;
		put32(&o, 0);
		/* The apex sorts first (every owner is at or below it). */
		for (i = 0; i < zp->n; i = j) {
			for (j = i; j < zp->n &&
			     mg_dns_name_eq(zp->rr[j].owner, zp->rr[i].owner);
			     j++)
				;
			if (i > 0)
				nodes += put_ents(&o, zp->rr[i].owner, zp->apex,
				    prev);
			put_node(&o, zp->rr, i, j);
			prev = zp->rr[i].owner;
			nodes++;
		}
		patch32(&o, count_at, (uint32_t)nodes);
	}
	if (o.err) {
		mg_free(o.p);
		mg_snprintf(err, errcap, "out of memory");
		return -MG_ENOMEM;
	}
	patch32(&o, 8, (uint32_t)o.len);
	patch32(&o, 12,
	    mg_dns_fnv1a(
	        mg_view_make(o.p + MG_DNS_BLOB_HDR, o.len - MG_DNS_BLOB_HDR)));
	*blob = o.p;
	*len = o.len;
	return 0;
}
