/* SPDX-License-Identifier: ISC */
/*
 * answer.c: the answering engine (RFC 1034 4.3.2 as NSD 4 does it):
 * message checks, zone and closest-encloser lookup, CNAME chains,
 * wildcards (RFC 4592), referrals, negative answers (RFC 2308), minimal
 * ANY (RFC 8482), EDNS0 (RFC 6891), truncation; memoised answers; AXFR.
 */
#include "dns_int.h"

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/string.h"

#define CNAME_MAX   24 /* chain links followed (NSD: no limit but loops) */
#define ITEMS_MAX   64 /* RRsets in one answer (NSD: MAXRRSPP) */
#define MEMO_BUDGET (4u << 20) /* bytes of memoised answers at most */

/* Sections in encoding order (NSD's answer sections). */
enum {
	SEC_ANS,
	SEC_AUTH,
	SEC_OPTAUTH,
	SEC_ADDA,
	SEC_ADDAAAA,
	SEC_N
};

struct item {
	const struct dns_rrset *rs;
	const uint8_t *owner;
	uint8_t sec;
	bool nx; /* SOA of a negative answer: TTL min(TTL, MINIMUM) */
};

struct ctx {
	const struct mg_dns_zone *z;
	uint16_t qtype;
	bool any_class;
	const struct dns_zone1 *zone;
	unsigned cname_count;
	int rcode;
	bool aa, referral;
	uint16_t ede; /* RFC 8914 info code for the OPT, or 0 */
	unsigned nit;
	struct item it[ITEMS_MAX];
};

static size_t
name_len(const uint8_t *n)
{
	size_t p = 0;

	while (n[p] != 0)
		p += n[p] + 1u;
	return p + 1;
}

/*
 * NOLINTBEGIN(misc-no-recursion): add() and additional() call each other
 * one level deep (additional A/AAAA need no more); resolve() and
 * answer_node() follow a CNAME chain, at most CNAME_MAX links.
 */
static bool add(struct ctx *c, uint8_t sec, const uint8_t *owner,
    const struct dns_rrset *rs, bool nx);

/* The first RR's rdata of an RRset (a valid blob). */
static const uint8_t *
first_rdata(const struct dns_rrset *rs)
{
	return rs->rrs + 6;
}

static void
add_soa(struct ctx *c)
{
	if (!c->any_class && c->zone->soa != NULL)
		(void)add(c, SEC_AUTH, c->zone->apex_name, c->zone->soa, true);
}

/* A name in the current zone below a delegation (NSD domain_is_glue). */
static bool
is_glue(struct ctx *c, const uint8_t *name, size_t len)
{
	uint8_t offs[128];
	unsigned nl = mg_dns_name_labels(name, offs), k;

	for (k = c->zone->nlabels + 1u; k <= nl; k++) {
		const uint8_t *suf = name + offs[nl - k];
		const struct dns_node *n = mg_dns_node_find(c->z, c->zone, suf,
		    len - (size_t)(suf - name));

		if (n == NULL)
			return false;
		if (n->flags & DNS_NODE_DELEG)
			return true;
	}
	return false;
}

/* Additional A/AAAA for the targets of NS, MX and SRV (RFC 1035 3.3.9,
 * RFC 2782), wildcard-synthesised when the target does not exist. */
static void
additional(struct ctx *c, const struct dns_rrset *rs, size_t off, bool glue)
{
	const uint8_t *p = rs->rrs;
	uint16_t i;

	for (i = 0; i < rs->nrr; i++) {
		uint16_t rdlen = (uint16_t)(p[4] << 8 | p[5]);
		const uint8_t *target = p + 6 + off;
		size_t tlen = name_len(target);
		const struct dns_node *n;
		const struct dns_rrset *a;

		p += 6 + (size_t)rdlen;
		if (!mg_dns_name_under(target, c->zone->apex_name))
			continue;
		if (!glue && is_glue(c, target, tlen))
			continue;
		n = mg_dns_node_find(c->z, c->zone, target, tlen);
		if (n == NULL) {
			uint8_t offs[128];
			unsigned nl = mg_dns_name_labels(target, offs), k;
			const struct dns_node *ce = NULL;

			for (k = nl; k-- > c->zone->nlabels;) {
				const uint8_t *suf = k == 0
				    ? target + tlen - 1
				    : target + offs[nl - k];

				ce = mg_dns_node_find(c->z, c->zone, suf,
				    tlen - (size_t)(suf - target));
				if (ce != NULL)
					break;
			}
			if (ce == NULL || ce->wild == NULL)
				continue;
			n = ce->wild;
		}
		if ((a = mg_dns_node_rrset(n, MG_DNS_T_A)) != NULL)
			(void)add(c, SEC_ADDA, target, a, false);
		if ((a = mg_dns_node_rrset(n, MG_DNS_T_AAAA)) != NULL)
			(void)add(c, SEC_ADDAAAA, target, a, false);
	}
}

static bool
add(struct ctx *c, uint8_t sec, const uint8_t *owner,
    const struct dns_rrset *rs, bool nx)
{
	unsigned i;

	/* An RRset goes into one section only, the first one (NSD
	 * answer_add_rrset). */
	for (i = 0; i < c->nit; i++) {
		struct item *it = &c->it[i];

		if (it->rs == rs && it->nx == nx &&
		    mg_dns_name_eq(it->owner, owner)) {
			if (sec < it->sec) {
				it->sec = sec;
				return true;
			}
			return false;
		}
	}
	if (c->nit >= ITEMS_MAX)
		return false;
	c->it[c->nit].rs = rs;
	c->it[c->nit].owner = owner;
	c->it[c->nit].sec = sec;
	c->it[c->nit].nx = nx;
	c->nit++;
	switch (rs->type) {
	case MG_DNS_T_NS:
		additional(c, rs, 0, true);
		break;
	case MG_DNS_T_MX:
		additional(c, rs, 2, false);
		break;
	case MG_DNS_T_SRV:
		additional(c, rs, 6, false);
		break;
	default:
		break;
	}
	return true;
}

static void resolve(struct ctx *c, const uint8_t *name, size_t len);

static bool
preferred_any(uint16_t t)
{
	return t == MG_DNS_T_A || t == MG_DNS_T_AAAA || t == MG_DNS_T_SOA ||
	    t == MG_DNS_T_MX || t == MG_DNS_T_PTR;
}

static void
answer_node(struct ctx *c, const struct dns_node *n, const uint8_t *owner)
{
	const struct dns_rrset *rs = NULL;
	uint16_t i;

	if (c->qtype == MG_DNS_T_ANY) {
		/* RFC 8482 4.1 as NSD: one RRset, the first of A, AAAA, SOA,
		 * MX, PTR; else the last other one; DNSSEC types last. */
		const struct dns_rrset *normal = NULL, *weak = NULL;

		for (i = 0; i < n->nrrsets && rs == NULL; i++) {
			const struct dns_rrset *r = &n->rrsets[i];

			if (preferred_any(r->type))
				rs = r;
			else if (r->type == MG_DNS_T_DNSKEY ||
			    r->type == MG_DNS_T_RRSIG ||
			    r->type == MG_DNS_T_NSEC)
				weak = r;
			else if (r->type != MG_DNS_T_NSEC3)
				normal = r;
		}
		if (rs == NULL)
			rs = normal != NULL ? normal : weak;
		if (rs != NULL) {
			(void)add(c, SEC_ANS, owner, rs, false);
			return;
		}
		add_soa(c);
		return;
	}
	if ((rs = mg_dns_node_rrset(n, c->qtype)) != NULL) {
		(void)add(c, SEC_ANS, owner, rs, false);
		/* NSD without minimal-responses: the apex NS in authority,
		 * dropped first when space runs out. */
		if (!c->any_class && c->zone->ns != NULL)
			(void)add(c, SEC_OPTAUTH, c->zone->apex_name,
			    c->zone->ns, false);
		return;
	}
	if ((rs = mg_dns_node_rrset(n, MG_DNS_T_CNAME)) != NULL) {
		/* RFC 1034 4.3.2 3a: follow the chain; a loop stops when an
		 * RRset is already in the answer. */
		if (add(c, SEC_ANS, owner, rs, false) &&
		    c->cname_count < CNAME_MAX) {
			const uint8_t *t = first_rdata(rs);

			c->cname_count++;
			resolve(c, t, name_len(t));
		}
		return;
	}
	add_soa(c); /* NODATA (RFC 2308 2.2) */
}

static void
resolve(struct ctx *c, const uint8_t *name, size_t len)
{
	uint8_t offs[128];
	unsigned nl = mg_dns_name_labels(name, offs), k;
	const struct dns_node *n = NULL, *ce, *deleg = NULL;
	bool exact;

	/* The most specific zone: the longest suffix that is an apex. */
	for (k = nl + 1; k-- > 0;) {
		const uint8_t *suf =
		    k == 0 ? name + len - 1 : name + offs[nl - k];

		n = mg_dns_apex_find(c->z, suf, len - (size_t)(suf - name));
		if (n != NULL)
			break;
	}
	if (n == NULL) {
		if (c->cname_count == 0) {
			c->rcode = MG_DNS_RCODE_REFUSED;
			c->ede = MG_DNS_EDE_NOT_AUTH;
		}
		return;
	}
	if (c->qtype == MG_DNS_T_DS && k == nl) {
		/* RFC 4035 3.1.4.1: DS at a zone apex is the parent's data
		 * when the parent is here too. */
		const struct dns_node *p = NULL;

		while (k-- > 0 && p == NULL) {
			const uint8_t *suf =
			    k == 0 ? name + len - 1 : name + offs[nl - k];

			p = mg_dns_apex_find(c->z, suf,
			    len - (size_t)(suf - name));
		}
		if (p != NULL)
			n = p;
	}
	c->zone = n->zone;
	ce = n;
	exact = nl == c->zone->nlabels;
	/* Down from the apex: the closest encloser, or a zone cut. */
	for (k = c->zone->nlabels + 1u; k <= nl; k++) {
		const uint8_t *suf = name + offs[nl - k];

		n = mg_dns_node_find(c->z, c->zone, suf,
		    len - (size_t)(suf - name));
		if (n == NULL)
			break;
		ce = n;
		if ((n->flags & DNS_NODE_DELEG) &&
		    !(k == nl && c->qtype == MG_DNS_T_DS)) {
			deleg = n;
			break;
		}
		if (k == nl)
			exact = true;
	}
	if (deleg != NULL) {
		/* RFC 1034 4.3.2 3b: a referral. */
		if (c->cname_count == 0) {
			c->aa = false;
			c->referral = true;
		}
		(void)add(c, SEC_AUTH, deleg->name,
		    mg_dns_node_rrset(deleg, MG_DNS_T_NS), false);
		return;
	}
	c->aa = !c->any_class;
	if (exact) {
		answer_node(c, ce, name);
	} else if (ce->wild != NULL) {
		answer_node(c, ce->wild, name); /* RFC 4592 3.3.1 */
	} else {
		c->rcode = MG_DNS_RCODE_NXDOMAIN;
		add_soa(c);
	}
}

/* NOLINTEND(misc-no-recursion) */

/* One RR: owner, type, class IN, TTL, rdata with its names compressed
 * where RFC 3597 4 allows it. */
static bool
put_rr(struct mg_wr *w, struct mg_dns_ctab *ct, const uint8_t *owner,
    uint16_t type, uint32_t ttl, mg_view rd)
{
	size_t at;
	int n;

	if (!mg_dns_name_write(w, owner, ct) || !mg_wr_u16be(w, type) ||
	    !mg_wr_u16be(w, MG_DNS_C_IN) || !mg_wr_u32be(w, ttl) ||
	    !mg_wr_u16be(w, 0))
		return false;
	at = mg_wr_len(w);
	switch (type) {
	case MG_DNS_T_NS:
	case MG_DNS_T_CNAME:
	case MG_DNS_T_PTR:
		if (!mg_dns_name_write(w, rd.p, ct))
			return false;
		break;
	case MG_DNS_T_MX:
		if (!mg_wr_bytes(w, rd.p, 2) ||
		    !mg_dns_name_write(w, rd.p + 2, ct))
			return false;
		break;
	case MG_DNS_T_SOA:
		n = (int)name_len(rd.p);
		if (!mg_dns_name_write(w, rd.p, ct) ||
		    !mg_dns_name_write(w, rd.p + n, ct) ||
		    !mg_wr_bytes(w, rd.p + rd.len - 20, 20))
			return false;
		break;
	default:
		if (!mg_wr_view(w, rd))
			return false;
	}
	return mg_wr_patch_u16be(w, at - 2, (uint16_t)(mg_wr_len(w) - at));
}

static uint32_t
soa_minimum(const struct dns_rrset *soa)
{
	uint16_t rdlen = (uint16_t)(soa->rrs[4] << 8 | soa->rrs[5]);
	const uint8_t *m = soa->rrs + 6 + rdlen - 4;

	return (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
	    (uint32_t)m[2] << 8 | m[3];
}

/* Returns the RRs written, or -1 (nothing written) when they do not
 * fit. */
static int
put_rrset(struct mg_wr *w, struct mg_dns_ctab *ct, const struct item *it)
{
	const uint8_t *p = it->rs->rrs;
	size_t mark = mg_wr_len(w);
	unsigned nct = ct->n;
	uint16_t i;

	for (i = 0; i < it->rs->nrr; i++) {
		uint32_t ttl = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		uint16_t rdlen = (uint16_t)(p[4] << 8 | p[5]);

		if (it->nx) {
			uint32_t min = soa_minimum(it->rs);

			ttl = ttl < min ? ttl : min;
		}
		if (!put_rr(w, ct, it->owner, it->rs->type, ttl,
		        mg_view_make(p + 6, rdlen))) {
			mg_wr_rewind(w, mark);
			ct->n = nct;
			return -1;
		}
		p += 6 + (size_t)rdlen;
	}
	return it->rs->nrr;
}

/* The parsed query. */
struct query {
	uint16_t id, flags, qtype, qclass;
	uint16_t qd, an, ns, ar;
	mg_view question; /* name, type, class as received */
	uint8_t qname[MG_DNS_NAME_MAX];
	size_t qlen;
	bool edns, do_bit;
	uint8_t version;
	uint16_t udp;
};

/* RFC 6891 6.1: one OPT, root owner, options that fit its RDATA. */
static bool
parse_opt(struct mg_rd *r, struct query *q)
{
	uint8_t root = mg_rd_u8(r);
	uint16_t type = mg_rd_u16be(r), cls = mg_rd_u16be(r);
	uint32_t ttl = mg_rd_u32be(r);
	uint16_t rdlen = mg_rd_u16be(r);
	struct mg_rd o = mg_rd_init(mg_rd_take(r, rdlen));

	if (!mg_rd_ok(r) || root != 0 || type != MG_DNS_T_OPT || q->edns)
		return false;
	while (mg_rd_left(&o) > 0) {
		(void)mg_rd_u16be(&o);
		(void)mg_rd_take(&o, mg_rd_u16be(&o));
		if (!mg_rd_ok(&o))
			return false;
	}
	q->edns = true;
	q->udp = cls;
	q->version = (uint8_t)(ttl >> 16);
	q->do_bit = (ttl & MG_DNS_EDNS_DO) != 0;
	return true;
}

static bool
put_opt(struct mg_wr *w, const struct query *q, uint8_t ext_rcode, bool keep_do,
    uint16_t ede)
{
	uint32_t ttl = (uint32_t)ext_rcode << 24;

	if (keep_do && q->do_bit)
		ttl |= MG_DNS_EDNS_DO;
	if (!mg_wr_u8(w, 0) || !mg_wr_u16be(w, MG_DNS_T_OPT) ||
	    !mg_wr_u16be(w, MG_DNS_EDNS_UDP_MAX) || !mg_wr_u32be(w, ttl))
		return false;
	if (ede == 0)
		return mg_wr_u16be(w, 0);
	return mg_wr_u16be(w, 6) && mg_wr_u16be(w, MG_DNS_EDE_CODE) &&
	    mg_wr_u16be(w, 2) && mg_wr_u16be(w, ede);
}

static void
put_header(uint8_t *out, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	uint16_t v[6] = {id, flags, qd, an, ns, ar};
	size_t i;

	for (i = 0; i < 6; i++) {
		out[2 * i] = (uint8_t)(v[i] >> 8);
		out[2 * i + 1] = (uint8_t)v[i];
	}
}

/* A response of a header, the question if asked, and the OPT if the
 * query had one and it was parsed. */
static long
reply_short(const struct query *q, uint8_t *out, size_t cap, uint16_t flags,
    bool question, bool opt, uint8_t ext_rcode, bool keep_do, uint16_t ede)
{
	struct mg_wr w = mg_wr_init(out, cap);
	bool with_opt = opt && q->edns;

	(void)mg_wr_zero(&w, MG_DNS_HDR_LEN);
	if (question)
		(void)mg_wr_view(&w, q->question);
	if (with_opt)
		(void)put_opt(&w, q, ext_rcode, keep_do, ede);
	if (!mg_wr_ok(&w))
		return -MG_ENOSPC;
	put_header(out, q->id, flags, question ? 1 : 0, 0, 0, with_opt ? 1 : 0);
	return (long)mg_wr_len(&w);
}

enum parse_rc {
	P_OK,
	P_DROP,
	P_DONE
};

static void
count_rcode(struct mg_dns_stats *st, int rcode)
{
	switch (rcode) {
	case MG_DNS_RCODE_FORMERR:
		st->formerr++;
		break;
	case MG_DNS_RCODE_NOTIMP:
		st->notimp++;
		break;
	case MG_DNS_RCODE_NXDOMAIN:
		st->nxdomain++;
		break;
	case MG_DNS_RCODE_REFUSED:
	case MG_DNS_RCODE_NOTAUTH:
		st->refused++;
		break;
	default:
		st->noerror++;
	}
}

/*
 * Header and question checks in NSD's order (query.c query_process). On
 * P_DONE *len holds an error response (or a negative code).
 */
static enum parse_rc
parse_query(const struct mg_dns_zone *z, mg_view m, struct query *q,
    enum mg_dns_transport t, uint8_t *out, size_t cap, struct mg_dns_stats *st,
    long *len)
{
	struct mg_rd r = mg_rd_init(m);
	uint16_t opcode, i;
	size_t off = MG_DNS_HDR_LEN;
	int n;

	mg_memset(q, 0, offsetof(struct query, qname));
	q->edns = false;
	if (m.len < MG_DNS_HDR_LEN) {
		st->drop_short++;
		return P_DROP;
	}
	q->id = mg_rd_u16be(&r);
	q->flags = mg_rd_u16be(&r);
	q->qd = mg_rd_u16be(&r);
	q->an = mg_rd_u16be(&r);
	q->ns = mg_rd_u16be(&r);
	q->ar = mg_rd_u16be(&r);
	if (q->flags & MG_DNS_F_QR) {
		st->drop_response++;
		return P_DROP;
	}
	st->queries++;
	opcode = (q->flags & MG_DNS_F_OPCODE_MASK) >> MG_DNS_F_OPCODE_SHIFT;
	if (opcode != MG_DNS_OPCODE_QUERY) {
		int rc = opcode == MG_DNS_OPCODE_NOTIFY ? MG_DNS_RCODE_REFUSED
		                                        : MG_DNS_RCODE_NOTIMP;

		count_rcode(st, rc);
		*len = reply_short(q, out, cap,
		    (uint16_t)(((q->flags | MG_DNS_F_QR) & ~MG_DNS_F_AD &
		                   ~MG_DNS_F_RCODE_MASK) |
		        rc),
		    false, false, 0, false, 0);
		return P_DONE;
	}
	/* The question is parsed even when QDCOUNT is not 1 (as NSD). */
	n = mg_dns_name_read(m, &off, q->qname, true);
	if (n > 0 && off <= m.len && m.len - off >= 4 &&
	    (q->flags & MG_DNS_F_RCODE_MASK) == 0) {
		q->qlen = (size_t)n;
		(void)mg_view_sub(m, MG_DNS_HDR_LEN, off + 4 - MG_DNS_HDR_LEN,
		    &q->question);
		(void)mg_view_u16be(m, off, &q->qtype);
		(void)mg_view_u16be(m, off + 2, &q->qclass);
		off += 4;
	} else {
		st->formerr++;
		*len = reply_short(q, out, cap,
		    (uint16_t)(MG_DNS_F_QR | (q->flags & MG_DNS_F_RD) |
		        MG_DNS_RCODE_FORMERR),
		    false, false, 0, false, 0);
		return P_DONE;
	}
	if (q->qd != 1) {
		st->formerr++;
		if (q->qd == 0 && q->an == 0 && q->ns == 0 && q->ar == 1) {
			/* Only an OPT (a DNS cookie probe): NSD answers it. */
			struct mg_rd o = mg_rd_init(m);

			(void)mg_rd_seek(&o, MG_DNS_HDR_LEN);
			if (parse_opt(&o, q) && q->version == 0) {
				*len = reply_short(q, out, cap,
				    (uint16_t)(MG_DNS_F_QR |
				        (q->flags & MG_DNS_F_RD)),
				    false, true, 0, true, 0);
				return P_DONE;
			}
			q->edns = false;
		}
		*len =
		    reply_short(q, out, cap, MG_DNS_F_QR | MG_DNS_RCODE_FORMERR,
		        false, false, 0, false, 0);
		return P_DONE;
	}
	if (q->an != 0 || q->ns != 0)
		goto formerr;
	(void)mg_rd_seek(&r, off);
	for (i = 0; i < q->ar; i++) {
		if (!parse_opt(&r, q))
			goto formerr; /* not an OPT (TSIG is not supported) */
	}
	if (q->edns && q->version > 0) {
		/* RFC 6891 6.1.3: BADVERS, the question, our version 0. */
		st->badvers++;
		*len = reply_short(q, out, cap,
		    (uint16_t)((q->flags | MG_DNS_F_QR) & ~MG_DNS_F_AD &
		        ~MG_DNS_F_RCODE_MASK),
		    true, true, 1, false, 0);
		return P_DONE;
	}
	if (q->qclass != MG_DNS_C_IN && q->qclass != MG_DNS_C_ANY) {
		/* NSD: CHAOS names it does not know keep the question;
		 * other classes get a bare REFUSED. */
		bool ch = q->qclass == MG_DNS_C_CH;

		st->refused++;
		*len = reply_short(q, out, cap,
		    (uint16_t)(MG_DNS_F_QR | (q->flags & MG_DNS_F_RD) |
		        MG_DNS_RCODE_REFUSED),
		    ch, true, 0, true, MG_DNS_EDE_NOT_SUPP);
		return P_DONE;
	}
	if (q->qtype == MG_DNS_T_AXFR || q->qtype == MG_DNS_T_IXFR) {
		/* Zone transfers go through mg_dns_axfr; here: AXFR over UDP
		 * NOTIMP, over TCP REFUSED; IXFR (never allowed) REFUSED at
		 * a zone apex and NOTAUTH elsewhere, as NSD does. */
		int rc = t == MG_DNS_UDP ? MG_DNS_RCODE_NOTIMP
		                         : MG_DNS_RCODE_REFUSED;

		if (q->qtype == MG_DNS_T_IXFR) {
			uint8_t low[MG_DNS_NAME_MAX];
			size_t zi;

			mg_memcpy(low, q->qname, q->qlen);
			mg_dns_name_lower(low, q->qlen);
			rc = MG_DNS_RCODE_NOTAUTH;
			for (zi = 0; zi < z->nzones; zi++)
				if (z->zones[zi].len == q->qlen &&
				    mg_memcmp(z->zones[zi].apex_name, low,
				        q->qlen) == 0)
					rc = MG_DNS_RCODE_REFUSED;
		}

		count_rcode(st, rc);
		*len = reply_short(q, out, cap,
		    (uint16_t)(MG_DNS_F_QR | (q->flags & MG_DNS_F_RD) | rc),
		    true, true, 0, true, 0);
		return P_DONE;
	}
	mg_dns_name_lower(q->qname, q->qlen);
	return P_OK;
formerr:
	st->formerr++;
	q->edns = false;
	*len = reply_short(q, out, cap,
	    (uint16_t)(MG_DNS_F_QR | (q->flags & MG_DNS_F_RD) |
	        MG_DNS_RCODE_FORMERR),
	    false, false, 0, false, 0);
	return P_DONE;
}

static size_t
udp_limit(const struct query *q, enum mg_dns_transport t, size_t cap)
{
	size_t lim = 65535;

	if (t == MG_DNS_UDP) {
		lim = MG_DNS_EDNS_UDP_MIN;
		if (q->edns && q->udp > lim)
			lim = q->udp < MG_DNS_EDNS_UDP_MAX
			    ? q->udp
			    : MG_DNS_EDNS_UDP_MAX;
	}
	return lim < cap ? lim : cap;
}

static void
count_kind(struct mg_dns_stats *st, unsigned kind)
{
	switch (kind) {
	case DNS_K_NODATA:
		st->nodata++;
		break;
	case DNS_K_NXDOMAIN:
		st->nxdomain++;
		break;
	case DNS_K_REFERRAL:
		st->referral++;
		break;
	case DNS_K_REFUSED:
		st->refused++;
		break;
	default:
		st->noerror++;
	}
}

/* The memoised answer for (node, qtype), or NULL. */
static const struct dns_memo *
memo_find(const struct mg_dns_zone *z, const struct query *q)
{
	const struct dns_node *n;
	const struct dns_memo *dflt = NULL;
	uint16_t i;

	if (z->memos == NULL || q->qclass != MG_DNS_C_IN ||
	    q->qtype == MG_DNS_T_DS)
		return NULL;
	n = mg_dns_node_find(z, NULL, q->qname, q->qlen);
	if (n == NULL)
		return NULL;
	for (i = 0; i < n->nmemo; i++) {
		if (n->memo[i].qtype == q->qtype)
			return &n->memo[i];
		if (n->memo[i].qtype == 0)
			dflt = &n->memo[i];
	}
	/* The default holds for every type the node has no RRset of. */
	if (dflt != NULL && mg_dns_node_rrset(n, q->qtype) == NULL &&
	    q->qtype != MG_DNS_T_ANY)
		return dflt;
	return NULL;
}

static long
answer(const struct mg_dns_zone *z, mg_view m, enum mg_dns_transport t,
    uint8_t *out, size_t cap, struct mg_dns_stats *st, bool use_memo)
{
	struct query q;
	struct ctx c;
	struct mg_wr w;
	struct mg_dns_ctab ct;
	uint16_t cnt[3] = {0, 0, 0};
	size_t limit, optlen;
	long len = 0;
	bool tc = false;
	unsigned s, i, kind;
	uint16_t flags;
	uint8_t offs[128];

	if (cap < MG_DNS_EDNS_UDP_MIN)
		return -MG_ENOSPC;
	switch (parse_query(z, m, &q, t, out, cap, st, &len)) {
	case P_DROP:
		return 0;
	case P_DONE:
		return len;
	case P_OK:
		break;
	}
	limit = udp_limit(&q, t, cap);
	optlen = q.edns ? MG_DNS_OPT_LEN : 0;
	if (use_memo) {
		const struct dns_memo *mo = memo_find(z, &q);

		if (mo != NULL &&
		    MG_DNS_HDR_LEN + q.question.len + mo->len + optlen <=
		        limit) {
			uint8_t *p = out + MG_DNS_HDR_LEN;

			mg_memcpy(p, q.question.p, q.question.len);
			p += q.question.len;
			mg_memcpy(p, mo->bytes, mo->len);
			p += mo->len;
			if (q.edns) {
				struct mg_wr ow = mg_wr_init(p, optlen);

				(void)put_opt(&ow, &q, 0, true, 0);
				p += optlen;
			}
			put_header(out, q.id,
			    (uint16_t)(MG_DNS_F_QR | (q.flags & MG_DNS_F_RD) |
			        mo->flags),
			    1, mo->count[0], mo->count[1],
			    (uint16_t)(mo->count[2] + (q.edns ? 1 : 0)));
			count_kind(st, mo->kind);
			return (long)(p - out);
		}
	}

	mg_memset(&c, 0, offsetof(struct ctx, it));
	c.z = z;
	c.qtype = q.qtype;
	c.any_class = q.qclass == MG_DNS_C_ANY;
	resolve(&c, q.qname, q.qlen);

	w = mg_wr_init(out, limit);
	(void)mg_wr_zero(&w, MG_DNS_HDR_LEN);
	(void)mg_wr_view(&w, q.question);
	if (c.ede != 0 && q.edns)
		optlen += 6;
	if (!mg_wr_reserve(&w, optlen) || !mg_wr_ok(&w))
		return -MG_ENOSPC;
	/* Every suffix of the question's name can be pointed at. */
	ct.n = mg_dns_name_labels(q.qname, offs);
	for (i = 0; i < ct.n && i < MG_DNS_CTAB_MAX; i++)
		ct.off[i] = (uint16_t)(MG_DNS_HDR_LEN + offs[i]);
	if (ct.n > MG_DNS_CTAB_MAX)
		ct.n = MG_DNS_CTAB_MAX;
	for (s = 0; s < SEC_N && !tc; s++) {
		for (i = 0; i < c.nit && !tc; i++) {
			int n;

			if (c.it[i].sec != s)
				continue;
			n = put_rrset(&w, &ct, &c.it[i]);
			if (n < 0) {
				/* NSD: an answer or authority RRset that does
				 * not fit sets TC; additional ones are left
				 * out. */
				if (s <= SEC_AUTH)
					tc = true;
				continue;
			}
			cnt[s == SEC_ANS           ? 0
			        : s <= SEC_OPTAUTH ? 1
			                           : 2] += (uint16_t)n;
		}
	}
	if (tc) /* NSD keeps the RRsets that fit whole, then stops. */
		st->truncated++;
	mg_wr_unreserve(&w, optlen);
	if (q.edns && !put_opt(&w, &q, 0, true, c.ede))
		return -MG_ENOSPC;
	flags = (uint16_t)(MG_DNS_F_QR | (q.flags & MG_DNS_F_RD) |
	    (c.aa ? MG_DNS_F_AA : 0) | (tc ? MG_DNS_F_TC : 0) | c.rcode);
	put_header(out, q.id, flags, 1, cnt[0], cnt[1],
	    (uint16_t)(cnt[2] + (q.edns ? 1 : 0)));
	if (c.rcode == MG_DNS_RCODE_REFUSED)
		kind = DNS_K_REFUSED;
	else if (c.rcode == MG_DNS_RCODE_NXDOMAIN)
		kind = DNS_K_NXDOMAIN;
	else if (cnt[0] > 0 || tc)
		kind = DNS_K_NOERROR;
	else if (c.referral)
		kind = DNS_K_REFERRAL;
	else
		kind = DNS_K_NODATA;
	count_kind(st, kind);
	return (long)mg_wr_len(&w);
}

long
mg_dns_answer(const struct mg_dns_zone *z, mg_view q, enum mg_dns_transport t,
    uint8_t *out, size_t cap, struct mg_dns_stats *st)
{
	return answer(z, q, t, out, cap, st, true);
}

long
mg_dns_answer_slow(const struct mg_dns_zone *z, mg_view q,
    enum mg_dns_transport t, uint8_t *out, size_t cap, struct mg_dns_stats *st)
{
	return answer(z, q, t, out, cap, st, false);
}

bool
mg_dns_query_is_axfr(mg_view m)
{
	uint8_t name[MG_DNS_NAME_MAX];
	size_t off = MG_DNS_HDR_LEN;
	uint16_t flags, qd, type;

	if (!mg_view_u16be(m, 2, &flags) || !mg_view_u16be(m, 4, &qd) ||
	    (flags & (MG_DNS_F_QR | MG_DNS_F_OPCODE_MASK)) != 0 || qd != 1)
		return false;
	if (mg_dns_name_read(m, &off, name, true) < 0)
		return false;
	return mg_view_u16be(m, off, &type) && type == MG_DNS_T_AXFR &&
	    off + 4 <= m.len;
}

/*
 * Memoised answers (NSD's precompiled answers): for each name, each type
 * it has, ANY, and (without a CNAME) one default for every other type,
 * the sections after the question as the slow path writes them for a
 * query without EDNS over TCP. The question sits at offset 12 with a
 * name of the same length, so compression pointers stay valid.
 */
/* n is in the zone that answers for its name (the deepest apex above
 * it), so its RRsets decide what a type's answer is. */
static bool
most_specific(const struct mg_dns_zone *z, const struct dns_node *n)
{
	uint8_t offs[128];
	unsigned nl = mg_dns_name_labels(n->name, offs), k;

	for (k = nl + 1; k-- > 0;) {
		const uint8_t *suf =
		    k == 0 ? n->name + n->len - 1 : n->name + offs[nl - k];
		const struct dns_node *a =
		    mg_dns_apex_find(z, suf, n->len - (size_t)(suf - n->name));

		if (a != NULL)
			return a->zone == n->zone;
	}
	return false;
}

int
mg_dns_memo_build(struct mg_dns_zone *z)
{
	struct mg_dns_stats st;
	uint8_t *buf = NULL, *qbuf = NULL, *bytes = NULL;
	struct dns_memo *memos = NULL;
	size_t nm = 0, capm = 0, nb = 0, capb = 0, i, *first = NULL;
	int rc = -MG_ENOMEM;

	buf = mg_malloc(65535);
	qbuf = mg_malloc(MG_DNS_HDR_LEN + MG_DNS_NAME_MAX + 4);
	first = mg_calloc(z->nnodes ? z->nnodes : 1, sizeof(*first));
	if (buf == NULL || qbuf == NULL || first == NULL)
		goto out;
	for (i = 0; i < z->nnodes; i++) {
		struct dns_node *n = &z->nodes[i];
		uint16_t types[80], nt = 0, k;
		size_t j;

		first[i] = nm;
		if (mg_dns_node_find(z, NULL, n->name, n->len) != n ||
		    !most_specific(z, n) || nb >= MEMO_BUDGET ||
		    n->nrrsets > 60)
			continue;
		for (k = 0; k < n->nrrsets; k++)
			types[nt++] = n->rrsets[k].type;
		types[nt++] = MG_DNS_T_ANY;
		if (!(n->flags & DNS_NODE_CNAME)) {
			types[nt++] = 0;
		} else {
			/* Behind a CNAME each type has its own answer: the
			 * common ones are memoised. */
			static const uint16_t common[] = {MG_DNS_T_A,
			    MG_DNS_T_AAAA, MG_DNS_T_MX, MG_DNS_T_TXT,
			    MG_DNS_T_NS, MG_DNS_T_SOA, MG_DNS_T_SRV,
			    MG_DNS_T_PTR, MG_DNS_T_CAA, 64, 65};

			for (j = 0; j < sizeof(common) / sizeof(common[0]); j++)
				types[nt++] = common[j];
		}
		for (k = 0; k < nt; k++) {
			uint16_t qt = types[k], rl;
			size_t qlen, hl;
			long len;
			struct dns_memo *mo;

			if (qt == MG_DNS_T_DS)
				continue;
			if (qt == 0) {
				/* A type the node does not have. */
				qt = 65534;
				while (mg_dns_node_rrset(n, qt) != NULL)
					qt--;
			}
			put_header(qbuf, 0, 0, 1, 0, 0, 0);
			mg_memcpy(qbuf + MG_DNS_HDR_LEN, n->name, n->len);
			qlen = MG_DNS_HDR_LEN + n->len;
			qbuf[qlen++] = (uint8_t)(qt >> 8);
			qbuf[qlen++] = (uint8_t)qt;
			qbuf[qlen++] = 0;
			qbuf[qlen++] = MG_DNS_C_IN;
			mg_memset(&st, 0, sizeof(st));
			len = answer(z, mg_view_make(qbuf, qlen), MG_DNS_TCP,
			    buf, 65535, &st, false);
			if (len < (long)qlen)
				continue;
			hl = qlen;
			rl = (uint16_t)((size_t)len - hl);
			if (nm == capm) {
				size_t nc = capm ? capm * 2 : 256;
				struct dns_memo *nmemo =
				    mg_realloc(memos, nc * sizeof(*memos));

				if (nmemo == NULL)
					goto out;
				memos = nmemo;
				capm = nc;
			}
			if (rl > capb - nb) {
				size_t nc = capb ? capb : 4096;
				uint8_t *nbytes;

				while (rl > nc - nb)
					nc *= 2;
				nbytes = mg_realloc(bytes, nc);
				if (nbytes == NULL)
					goto out;
				bytes = nbytes;
				capb = nc;
			}
			mg_memcpy(bytes + nb, buf + hl, rl);
			mo = &memos[nm++];
			mo->qtype = types[k];
			mo->flags = (uint16_t)((buf[2] << 8 | buf[3]) &
			    (MG_DNS_F_AA | MG_DNS_F_RCODE_MASK));
			mo->count[0] = (uint16_t)(buf[6] << 8 | buf[7]);
			mo->count[1] = (uint16_t)(buf[8] << 8 | buf[9]);
			mo->count[2] = (uint16_t)(buf[10] << 8 | buf[11]);
			mo->len = rl;
			mo->bytes =
			    NULL; /* set below, when bytes stops moving */
			mo->off = (uint32_t)nb;
			mo->kind = st.nxdomain ? DNS_K_NXDOMAIN
			    : st.referral      ? DNS_K_REFERRAL
			    : st.refused       ? DNS_K_REFUSED
			    : st.nodata        ? DNS_K_NODATA
			                       : DNS_K_NOERROR;
			nb += rl;
		}
	}
	for (i = 0; i < nm; i++)
		memos[i].bytes = bytes + memos[i].off;
	for (i = 0; i < z->nnodes; i++) {
		size_t end = i + 1 < z->nnodes ? first[i + 1] : nm;

		z->nodes[i].memo = memos != NULL ? memos + first[i] : NULL;
		z->nodes[i].nmemo = (uint16_t)(end - first[i]);
	}
	z->memos = memos;
	z->memo_bytes = bytes;
	memos = NULL;
	bytes = NULL;
	rc = 0;
out:
	mg_free(memos);
	mg_free(bytes);
	mg_free(buf);
	mg_free(qbuf);
	mg_free(first);
	return rc;
}

/*
 * AXFR (RFC 5936): the SOA, every RR of the zone in canonical order of
 * owners, the SOA again; as many RRs per message as fit in cap.
 */
enum {
	AX_DONE,
	AX_NOTAUTH,
	AX_FIRST,
	AX_MORE
};

int
mg_dns_axfr_begin(struct mg_dns_axfr *x, const struct mg_dns_zone *z, mg_view q)
{
	uint8_t name[MG_DNS_NAME_MAX];
	size_t off = MG_DNS_HDR_LEN, i;
	int n;

	mg_memset(x, 0, sizeof(*x));
	x->z = z;
	if (!mg_dns_query_is_axfr(q))
		return -MG_EBADMSG;
	n = mg_dns_name_read(q, &off, name, true);
	if (n < 0 || off + 4 > sizeof(x->query))
		return -MG_EBADMSG;
	mg_memcpy(x->query, q.p, off + 4);
	x->qlen = off + 4;
	mg_dns_name_lower(name, (size_t)n);
	x->state = AX_NOTAUTH;
	for (i = 0; i < z->nzones; i++) {
		if (z->zones[i].len == n &&
		    mg_memcmp(z->zones[i].apex_name, name, (size_t)n) == 0) {
			x->zone = i;
			x->state = AX_FIRST;
		}
	}
	return 0;
}

long
mg_dns_axfr_next(struct mg_dns_axfr *x, uint8_t *out, size_t cap,
    struct mg_dns_stats *st)
{
	const struct dns_zone1 *zone;
	struct mg_dns_ctab ct;
	struct mg_wr w;
	uint16_t id, flags, an = 0;
	bool first = x->state == AX_FIRST;

	if (x->state == AX_DONE)
		return 0;
	if (cap < MG_DNS_EDNS_UDP_MIN)
		return -MG_ENOSPC;
	if (cap > 65535)
		cap = 65535;
	id = (uint16_t)(x->query[0] << 8 | x->query[1]);
	flags = (uint16_t)(x->query[2] << 8 | x->query[3]);
	flags = (uint16_t)(MG_DNS_F_QR | (flags & MG_DNS_F_RD));
	w = mg_wr_init(out, cap);
	(void)mg_wr_zero(&w, MG_DNS_HDR_LEN);
	ct.n = 0;
	if (x->state == AX_NOTAUTH) {
		(void)mg_wr_bytes(&w, x->query + MG_DNS_HDR_LEN,
		    x->qlen - MG_DNS_HDR_LEN);
		put_header(out, id, (uint16_t)(flags | MG_DNS_RCODE_NOTAUTH), 1,
		    0, 0, 0);
		x->state = AX_DONE;
		st->refused++;
		return (long)mg_wr_len(&w);
	}
	zone = &x->z->zones[x->zone];
	if (first) {
		(void)mg_wr_bytes(&w, x->query + MG_DNS_HDR_LEN,
		    x->qlen - MG_DNS_HDR_LEN);
		ct.off[ct.n++] = MG_DNS_HDR_LEN;
		if (put_rrset(&w, &ct,
		        &(struct item){zone->soa, zone->apex_name, 0, false}) <
		    0)
			return -MG_ENOSPC;
		an = 1;
		x->state = AX_MORE;
		st->axfr++;
	}
	while (x->next < zone->nnodes) {
		const struct dns_node *n = &zone->nodes[x->next];

		while (x->rrset < n->nrrsets) {
			const struct dns_rrset *rs = &n->rrsets[x->rrset];
			const uint8_t *p = rs->rrs;
			size_t k;

			if (rs->type == MG_DNS_T_SOA && x->next == 0) {
				x->rrset++;
				continue;
			}
			for (k = 0; k < x->rr; k++)
				p += 6 + (size_t)(p[4] << 8 | p[5]);
			while (x->rr < rs->nrr) {
				uint32_t ttl = (uint32_t)p[0] << 24 |
				    (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
				    p[3];
				uint16_t rdlen = (uint16_t)(p[4] << 8 | p[5]);
				size_t mark = mg_wr_len(&w);
				unsigned nct = ct.n;

				if (!put_rr(&w, &ct, n->name, rs->type, ttl,
				        mg_view_make(p + 6, rdlen))) {
					mg_wr_rewind(&w, mark);
					ct.n = nct;
					if (an == 0)
						return -MG_ENOSPC;
					goto send;
				}
				an++;
				x->rr++;
				p += 6 + (size_t)rdlen;
			}
			x->rr = 0;
			x->rrset++;
		}
		x->rrset = 0;
		x->next++;
	}
	{
		size_t mark = mg_wr_len(&w);

		if (put_rrset(&w, &ct,
		        &(struct item){zone->soa, zone->apex_name, 0, false}) <
		    0) {
			mg_wr_rewind(&w, mark);
			if (an == 0)
				return -MG_ENOSPC;
			goto send;
		}
		an++;
		x->state = AX_DONE;
	}
send:
	put_header(out, id, (uint16_t)(flags | MG_DNS_F_AA), first ? 1 : 0, an,
	    0, 0);
	return (long)mg_wr_len(&w);
}
