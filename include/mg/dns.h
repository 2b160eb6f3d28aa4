/* SPDX-License-Identifier: ISC */
/* dns.h: authoritative DNS: compiled zones and the answering engine. */
#ifndef MG_DNS_H
#define MG_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/view.h"

/*
 * Zones are parsed from master files (RFC 1035 5) at build time by
 * tools/mkzone into one compiled blob that the image embeds. At boot the
 * appliance loads (validates) the blob, and answers each query with
 * mg_dns_answer: a lookup in the compiled structure, then a copy of
 * memoised wire bytes and a patch of the ID and question. No allocation
 * happens per query.
 */
struct mg_dns_zone; /* one or more zones, compiled */

/*
 * mg_dns_zone_load checks blob (format version, checksum, every offset
 * and length) and builds the lookup structures on the default heap.
 * The blob must stay valid and unchanged while the zone is used (it is
 * normally the image's read-only data). Returns 0, -MG_ECORRUPT (with a
 * logged reason), -MG_ENOMEM.
 */
int mg_dns_zone_load(mg_view blob, struct mg_dns_zone **out);
void mg_dns_zone_free(struct mg_dns_zone *z);

/* Zone count, and the i-th zone's origin in presentation form. */
size_t mg_dns_zone_count(const struct mg_dns_zone *z);
const char *mg_dns_zone_origin(const struct mg_dns_zone *z, size_t i);

/* Counters of the engine; every query lands in exactly one rcode line and
 * every dropped message in one drop reason. */
struct mg_dns_stats {
	uint64_t queries; /* messages answered */
	uint64_t noerror; /* answers with data */
	uint64_t nodata;  /* NOERROR, no data (RFC 2308) */
	uint64_t nxdomain;
	uint64_t referral; /* delegations */
	uint64_t refused;  /* outside every zone, or AXFR not allowed */
	uint64_t formerr;
	uint64_t notimp;
	uint64_t badvers;       /* EDNS version > 0 */
	uint64_t truncated;     /* TC set (UDP) */
	uint64_t axfr;          /* zone transfers served */
	uint64_t drop_short;    /* fewer than 12 bytes */
	uint64_t drop_response; /* QR set: never answer a response */
};

enum mg_dns_transport {
	MG_DNS_UDP = 0,
	MG_DNS_TCP = 1,
};

/*
 * Answers are NSD 4's (checked byte for byte against NSD 4.6.1 on
 * lib/dns/test/{test,tricky,child}.zone, RRL off):
 * - positive answers: AA, the zone's apex NS in authority and A/AAAA of
 *   the NS targets in additional (NSD without minimal-responses); all
 *   additional A records before all AAAA; an RRset appears once;
 * - NODATA and NXDOMAIN: the SOA in authority with TTL min(TTL, MINIMUM);
 *   a CNAME chain is followed within the served zones (at most 24 links;
 *   NSD has no limit) and the rcode is the last link's;
 * - wildcards (RFC 4592) with empty non-terminals blocking them;
 * - referrals: AA clear, NS in authority, glue A/AAAA in additional; DS at
 *   a delegation (or at a served child's apex) is answered by the parent;
 * - MX and SRV targets get A/AAAA unless they are below a zone cut;
 * - ANY (RFC 8482): one RRset, the first of A, AAAA, SOA, MX, PTR in file
 *   order, else the last other one; no authority section;
 * - names outside every zone: REFUSED with the question (EDNS: extended
 *   error 20); class other than IN/ANY: REFUSED (EDE 21; CH keeps the
 *   question); class ANY: answered without AA and without SOA/NS;
 * - FORMERR without the question for a bad question, QDCOUNT != 1,
 *   records in answer/authority, a non-OPT additional record, two OPTs;
 *   a message of only an OPT (QDCOUNT 0) gets NOERROR with an OPT;
 *   opcodes other than QUERY: NOTIMP (NOTIFY: REFUSED), header only;
 *   AXFR over UDP NOTIMP, over TCP REFUSED (see mg_dns_axfr); IXFR
 *   FORMERR (NSD leaves the question out, we keep it);
 * - EDNS: the reply's OPT advertises 1232 and keeps DO; UDP answers fit
 *   the client's size capped at 1232 (512 without EDNS or below 512);
 *   version > 0: BADVERS with the question. Over UDP an answer or
 *   authority RRset that does not fit sets TC and ends the message (the
 *   RRsets before it stay); additional RRsets that do not fit are left
 *   out; the flags copy RD only.
 *
 * mg_dns_answer writes the response to query q (a whole DNS message as
 * received, without the TCP length prefix) into out (cap bytes; at least
 * 512, 65535 is enough for anything). Over UDP the response is limited to
 * the client's EDNS payload size (512 without EDNS) and truncated with TC.
 * Returns the response length, 0 when the message must be dropped without
 * a response, or a negated MG_E* code (cap too small).
 * AXFR is answered REFUSED here; see mg_dns_axfr.
 */
long mg_dns_answer(const struct mg_dns_zone *z, mg_view q,
    enum mg_dns_transport t, uint8_t *out, size_t cap, struct mg_dns_stats *st);

/* mg_dns_query_is_axfr: q is a well-formed AXFR query (QTYPE 252). */
bool mg_dns_query_is_axfr(mg_view q);

/*
 * AXFR over TCP (RFC 5936): begin with the query; each next call writes one
 * response message into out and returns its length, 0 after the last
 * message (the SOA again), or a negated error. A query for a name that is
 * not a zone apex gets one REFUSED/NOTAUTH message. The caller decides
 * whether the client is allowed at all.
 */
struct mg_dns_axfr {
	const struct mg_dns_zone *z;
	size_t zone; /* which zone */
	size_t next; /* next record to send: node, RRset, RR */
	size_t rrset;
	size_t rr;
	int state; /* private */
	uint8_t query[512];
	size_t qlen;
};
int mg_dns_axfr_begin(struct mg_dns_axfr *x, const struct mg_dns_zone *z,
    mg_view q);
long mg_dns_axfr_next(struct mg_dns_axfr *x, uint8_t *out, size_t cap,
    struct mg_dns_stats *st);

#endif /* MG_DNS_H */
