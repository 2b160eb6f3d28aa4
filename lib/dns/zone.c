/* SPDX-License-Identifier: ISC */
/* zone.c: loading a compiled blob: validation, the name hash table. */
#define MG_LOG_TAG "dns"
#include "dns_int.h"

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/string.h"

/* Every failed check names its line (SQLite's CORRUPT_BKPT). */
static int
corrupt(int line)
{
	MG_LOGE("zone blob is corrupt (check at zone.c:%d)", line);
	return -MG_ECORRUPT;
}
#define CORRUPT() corrupt(__LINE__)

struct counts {
	size_t zones, nodes, rrsets;
};

static bool
is_lower(const uint8_t *n, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (n[i] >= 'A' && n[i] <= 'Z')
			return false;
	return true;
}

/* Reads a name at the cursor: valid, lower case. Returns its length. */
static int
rd_name(struct mg_rd *r, const uint8_t **out)
{
	int n = mg_dns_name_check(mg_rd_rest(r));

	if (n < 0 || !mg_rd_ok(r))
		return -1;
	*out = mg_rd_take(r, (size_t)n).p;
	if (*out == NULL || !is_lower(*out, (size_t)n))
		return -1;
	return n;
}

/*
 * One walk over the blob. With z == NULL it only validates and counts;
 * otherwise it fills z's arrays (sized by a validating walk before).
 */
static int
walk(mg_view body, uint16_t nzones, struct counts *c, struct mg_dns_zone *z)
{
	struct mg_rd r = mg_rd_init(body);
	size_t zi, ni = 0, si = 0;

	for (zi = 0; zi < nzones; zi++) {
		const uint8_t *apex, *prev = NULL;
		uint32_t nnodes, k;
		int alen = rd_name(&r, &apex);
		struct dns_zone1 *zone = z != NULL ? &z->zones[zi] : NULL;

		if (alen < 0)
			return CORRUPT();
		nnodes = mg_rd_u32be(&r);
		if (!mg_rd_ok(&r) || nnodes == 0 || nnodes > mg_rd_left(&r) / 3)
			return CORRUPT();
		if (zone != NULL) {
			zone->apex_name = apex;
			zone->len = (uint8_t)alen;
			zone->nlabels = (uint8_t)mg_dns_name_labels(apex, NULL);
			zone->nodes = &z->nodes[ni];
			zone->nnodes = nnodes;
		}
		for (k = 0; k < nnodes; k++) {
			const uint8_t *name;
			int nlen = rd_name(&r, &name);
			uint16_t nrrsets, s;
			struct dns_node *node =
			    z != NULL ? &z->nodes[ni] : NULL;
			bool has_cname = false, has_ns = false, has_soa = false;

			if (nlen < 0)
				return CORRUPT();
			if (k == 0 ? !mg_dns_name_eq(name, apex)
			           : mg_dns_name_cmp(prev, name) >= 0 ||
			            !mg_dns_name_under(name, apex))
				return CORRUPT();
			prev = name;
			nrrsets = mg_rd_u16be(&r);
			if (!mg_rd_ok(&r))
				return CORRUPT();
			if (node != NULL) {
				node->name = name;
				node->len = (uint8_t)nlen;
				node->nlabels =
				    (uint8_t)mg_dns_name_labels(name, NULL);
				node->nrrsets = nrrsets;
				node->rrsets = &z->rrsets[si];
				node->zone = zone;
				node->flags = k == 0 ? DNS_NODE_APEX : 0;
			}
			for (s = 0; s < nrrsets; s++) {
				uint16_t type = mg_rd_u16be(&r);
				uint16_t nrr = mg_rd_u16be(&r), i;
				size_t start = mg_rd_off(&r);
				struct dns_rrset *rs =
				    z != NULL ? &z->rrsets[si] : NULL;

				if (!mg_rd_ok(&r) || nrr == 0 || type == 0 ||
				    type == MG_DNS_T_OPT)
					return CORRUPT();
				for (i = 0; i < nrr; i++) {
					uint32_t ttl = mg_rd_u32be(&r);
					uint16_t rdlen = mg_rd_u16be(&r);
					mg_view rd = mg_rd_take(&r, rdlen);

					if (!mg_rd_ok(&r) ||
					    ttl > 0x7fffffffu ||
					    mg_dns_rdata_check(type, rd) != 0)
						return CORRUPT();
				}
				has_cname |= type == MG_DNS_T_CNAME;
				has_ns |= type == MG_DNS_T_NS;
				if (type == MG_DNS_T_SOA) {
					if (k != 0 || nrr != 1)
						return CORRUPT();
					has_soa = true;
				}
				if (rs != NULL) {
					uint16_t t2;

					for (t2 = 0; t2 < s; t2++)
						if (node->rrsets[t2].type ==
						    type)
							return CORRUPT();
					rs->type = type;
					rs->nrr = nrr;
					rs->rrs = body.p + start;
					rs->len =
					    (uint32_t)(mg_rd_off(&r) - start);
					if (type == MG_DNS_T_SOA)
						zone->soa = rs;
					if (type == MG_DNS_T_NS && k == 0)
						zone->ns = rs;
				}
				si++;
			}
			if (has_cname && nrrsets > 1)
				return CORRUPT();
			if (k == 0 && !has_soa)
				return CORRUPT();
			if (node != NULL) {
				if (has_cname)
					node->flags |= DNS_NODE_CNAME;
				if (has_ns && k != 0)
					node->flags |= DNS_NODE_DELEG;
			}
			ni++;
		}
	}
	if (!mg_rd_ok(&r) || mg_rd_left(&r) != 0)
		return CORRUPT();
	c->zones = nzones;
	c->nodes = ni;
	c->rrsets = si;
	return 0;
}

static struct dns_node *
find(const struct mg_dns_zone *z, const struct dns_zone1 *zone,
    const uint8_t *name, size_t len)
{
	uint32_t h = mg_dns_name_hash(name, len);
	struct dns_node *n;

	for (n = z->bucket[h & (z->nbuckets - 1)]; n != NULL; n = n->next)
		if (n->hash == h && n->len == len &&
		    (zone == NULL || n->zone == zone) &&
		    mg_memcmp(n->name, name, len) == 0)
			return n;
	return NULL;
}

const struct dns_node *
mg_dns_node_find(const struct mg_dns_zone *z, const struct dns_zone1 *zone,
    const uint8_t *name, size_t len)
{
	return find(z, zone, name, len);
}

const struct dns_node *
mg_dns_apex_find(const struct mg_dns_zone *z, const uint8_t *name, size_t len)
{
	uint32_t h = mg_dns_name_hash(name, len);
	const struct dns_node *n;

	for (n = z->bucket[h & (z->nbuckets - 1)]; n != NULL; n = n->next)
		if (n->hash == h && (n->flags & DNS_NODE_APEX) &&
		    n->len == len && mg_memcmp(n->name, name, len) == 0)
			return n;
	return NULL;
}

const struct dns_rrset *
mg_dns_node_rrset(const struct dns_node *n, uint16_t type)
{
	uint16_t i;

	for (i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

int
mg_dns_zone_load(mg_view blob, struct mg_dns_zone **out)
{
	struct mg_dns_zone *z;
	struct counts c;
	uint16_t version, nzones;
	uint32_t total, sum;
	mg_view body;
	size_t i;
	unsigned lab;
	int rc;

	*out = NULL;
	if (blob.len < MG_DNS_BLOB_HDR ||
	    mg_memcmp(blob.p, MG_DNS_BLOB_MAGIC, 4) != 0)
		return CORRUPT();
	(void)mg_view_u16be(blob, 4, &version);
	(void)mg_view_u16be(blob, 6, &nzones);
	(void)mg_view_u32be(blob, 8, &total);
	(void)mg_view_u32be(blob, 12, &sum);
	if (version != MG_DNS_BLOB_VERSION || total != blob.len)
		return CORRUPT();
	if (!mg_view_tail(blob, MG_DNS_BLOB_HDR, &body) || body.p == NULL ||
	    mg_dns_fnv1a(body) != sum)
		return CORRUPT();
	if ((rc = walk(body, nzones, &c, NULL)) != 0)
		return rc;
	z = mg_calloc(1, sizeof(*z));
	if (z == NULL)
		return -MG_ENOMEM;
	z->nzones = c.zones;
	z->nnodes = c.nodes;
	for (z->nbuckets = 16; z->nbuckets < 2 * c.nodes; z->nbuckets *= 2)
		;
	z->zones = mg_calloc(c.zones ? c.zones : 1, sizeof(*z->zones));
	z->nodes = mg_calloc(c.nodes ? c.nodes : 1, sizeof(*z->nodes));
	z->rrsets = mg_calloc(c.rrsets ? c.rrsets : 1, sizeof(*z->rrsets));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	z->bucket = mg_calloc(z->nbuckets, sizeof(*z->bucket));
	if (z->zones == NULL || z->nodes == NULL || z->rrsets == NULL ||
	    z->bucket == NULL) {
		rc = -MG_ENOMEM;
		goto fail;
	}
	if ((rc = walk(body, nzones, &c, z)) != 0)
		goto fail;
	/* Zones from the shallowest apex to the deepest, each node to the
	 * head of its chain: of two nodes of one name (a delegation in the
	 * parent, the apex of the child) the deeper zone's, which answers
	 * for the name, is found first. */
	for (lab = 0; lab <= MG_DNS_LABELS_MAX; lab++) {
		for (i = 0; i < z->nnodes; i++) {
			struct dns_node *n = &z->nodes[i];
			size_t b;

			if (n->zone->nlabels != lab)
				continue;
			n->hash = mg_dns_name_hash(n->name, n->len);
			b = n->hash & (z->nbuckets - 1);
			n->next = z->bucket[b];
			z->bucket[b] = n;
		}
	}
	for (i = 0; i < z->nnodes; i++) {
		struct dns_node *n = &z->nodes[i], *p;

		if (n->name[0] == 1 && n->name[1] == '*') {
			p = find(z, n->zone, n->name + 2, (size_t)n->len - 2);
			if (p != NULL)
				p->wild = n;
		}
	}
	for (i = 0; i < z->nzones; i++) {
		struct dns_zone1 *zone = &z->zones[i];

		zone->origin = mg_malloc(MG_DNS_NAME_TEXT_MAX);
		if (zone->origin == NULL) {
			rc = -MG_ENOMEM;
			goto fail;
		}
		mg_dns_name_text(zone->apex_name, zone->origin,
		    MG_DNS_NAME_TEXT_MAX);
	}
	if ((rc = mg_dns_memo_build(z)) != 0)
		goto fail;
	*out = z;
	return 0;
fail:
	mg_dns_zone_free(z);
	return rc;
}

void
mg_dns_zone_free(struct mg_dns_zone *z)
{
	size_t i;

	if (z == NULL)
		return;
	if (z->zones != NULL)
		for (i = 0; i < z->nzones; i++)
			mg_free(z->zones[i].origin);
	mg_free(z->zones);
	mg_free(z->nodes);
	mg_free(z->rrsets);
	mg_free(z->bucket);
	mg_free(z->memos);
	mg_free(z->memo_bytes);
	mg_free(z);
}

size_t
mg_dns_zone_count(const struct mg_dns_zone *z)
{
	return z->nzones;
}

const char *
mg_dns_zone_origin(const struct mg_dns_zone *z, size_t i)
{
	return i < z->nzones ? z->zones[i].origin : NULL;
}
