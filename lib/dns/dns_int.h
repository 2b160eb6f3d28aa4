/* SPDX-License-Identifier: ISC */
/* dns_int.h: lib/dns internals shared between its files and its tests. */
#ifndef MG_DNS_INT_H
#define MG_DNS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/dns.h"
#include "mg/view.h"
#include "wire/dns.h"

/*
 * Names. A wire name here is uncompressed, at most 255 bytes, labels of
 * 1..63 bytes and a final zero byte. Names read from a message are
 * decompressed; pointers must point strictly backwards, at most
 * MG_DNS_PTR_HOPS of them are followed.
 */
#define MG_DNS_PTR_HOPS      64
#define MG_DNS_NAME_TEXT_MAX 1024 /* \DDD for every byte, plus dots */

/* mg_dns_name_read decompresses the name at *off of msg into out (255
 * bytes) and moves *off past it. With nocomp, a pointer is an error.
 * Returns the name's length, or -MG_EBADMSG. */
int mg_dns_name_read(mg_view msg, size_t *off, uint8_t *out, bool nocomp);

/* mg_dns_name_check: v starts with a valid uncompressed name; its
 * length, or -MG_EBADMSG. */
int mg_dns_name_check(mg_view v);

/* Label count of a valid wire name, root is 0; offs (128 entries, may
 * be NULL) receives each label's offset. */
unsigned mg_dns_name_labels(const uint8_t *name, uint8_t *offs);

void mg_dns_name_lower(uint8_t *name, size_t len);
/* mg_dns_name_eq: equal wire names, ASCII case ignored. */
bool mg_dns_name_eq(const uint8_t *a, const uint8_t *b);
/* mg_dns_name_under: name is at or below apex (both wire names). */
bool mg_dns_name_under(const uint8_t *name, const uint8_t *apex);
/* RFC 4034 6.1 canonical order of two valid wire names: <0, 0, >0. */
int mg_dns_name_cmp(const uint8_t *a, const uint8_t *b);
uint32_t mg_dns_name_hash(const uint8_t *name, size_t len);

/* mg_dns_name_text writes the presentation form ("www.example.com.")
 * into buf; returns its length (truncated to cap - 1). */
size_t mg_dns_name_text(const uint8_t *name, char *buf, size_t cap);

/*
 * mg_dns_name_parse turns a presentation name (escapes \X and \DDD, "@",
 * relative names completed with origin, which may be NULL) into out.
 * Returns the wire length or a negative code; *why names the problem.
 */
int mg_dns_name_parse(const char *s, size_t len, const uint8_t *origin,
    uint8_t *out, const char **why);

/*
 * Compression on write (RFC 1035 4.1.4): the offsets of names already
 * written into this message. Names are matched without case.
 */
#define MG_DNS_CTAB_MAX 64
struct mg_dns_ctab {
	uint16_t off[MG_DNS_CTAB_MAX];
	unsigned n;
};

/* mg_dns_name_write writes name at the cursor, compressed through ct
 * when ct is not NULL, and records the new suffixes in ct. */
bool mg_dns_name_write(struct mg_wr *w, const uint8_t *name,
    struct mg_dns_ctab *ct);

/* Record data: type-specific checks shared by the parser and the blob
 * loader. Names inside rdata are uncompressed. */
int mg_dns_rdata_check(uint16_t type, mg_view rd);
/* Offset of the domain name that needs additional processing (NS 0,
 * MX 2, SRV 6), or -1. */
int mg_dns_rdata_target(uint16_t type);

/*
 * The master-file parser (RFC 1035 5). Records are kept in file order.
 */
struct mg_dns_zrr {
	uint8_t owner[MG_DNS_NAME_MAX]; /* wire, lower case */
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	uint32_t line;
	uint32_t seq; /* file order */
	uint16_t rdlen;
	uint8_t *rdata; /* mg_malloc'd */
};

struct mg_dns_zparse {
	const char *file;
	uint8_t apex[MG_DNS_NAME_MAX]; /* the SOA owner after a parse */
	size_t apex_len;
	struct mg_dns_zrr *rr;
	size_t n, cap;
	char err[320];
};

/*
 * mg_dns_zparse_text parses text (the file's bytes, named file in errors)
 * with origin (presentation form, may be NULL: $ORIGIN then). On success
 * the records are sorted in canonical order and checked (one SOA at the
 * apex, NS at the apex, CNAME alone, nothing outside the apex); returns
 * 0. On error returns -MG_EINVAL with zp->err set to
 * "file:line:col: message". mg_dns_zparse_fini frees the records.
 */
int mg_dns_zparse_text(struct mg_dns_zparse *zp, const char *file, mg_view text,
    const char *origin);
void mg_dns_zparse_fini(struct mg_dns_zparse *zp);

/*
 * The compiled blob (all integers big-endian):
 *   "MGDZ" u16 version u16 nzones u32 total_len u32 fnv1a(bytes 16..)
 *   per zone: apex name, u32 nnodes, then nnodes nodes in canonical
 *   order (the apex first; empty non-terminals included):
 *     name, u16 nrrsets, per RRset (file order): u16 type, u16 nrr,
 *     per RR: u32 ttl, u16 rdlen, rdata (uncompressed names).
 * Nothing in it is a pointer; mg_dns_zone_load checks every length.
 */
#define MG_DNS_BLOB_MAGIC   "MGDZ"
#define MG_DNS_BLOB_VERSION 1
#define MG_DNS_BLOB_HDR     16

/* mg_dns_zone_compile writes the blob of n parsed zones into a
 * mg_malloc'd buffer. Returns 0, -MG_ENOMEM, -MG_EINVAL (err set: two
 * zones with one apex). */
int mg_dns_zone_compile(struct mg_dns_zparse *const *zones, size_t n,
    uint8_t **blob, size_t *len, char *err, size_t errcap);

uint32_t mg_dns_fnv1a(mg_view v);

/* Loaded zones. */
struct dns_zone1;

struct dns_rrset {
	uint16_t type;
	uint16_t nrr;
	uint32_t len;       /* bytes of the RR sequence */
	const uint8_t *rrs; /* in the blob: per RR u32 ttl, u16 rdlen, rdata */
};

enum {
	DNS_K_NOERROR,
	DNS_K_NODATA,
	DNS_K_NXDOMAIN,
	DNS_K_REFERRAL,
	DNS_K_REFUSED,
};

struct dns_memo {
	uint16_t qtype; /* 0: every type the node has no RRset of */
	uint16_t flags; /* AA and RCODE */
	uint16_t count[3];
	uint16_t len;
	uint8_t kind;         /* DNS_K_*: the stats line */
	uint32_t off;         /* of bytes in the zone's memo_bytes */
	const uint8_t *bytes; /* the sections after the question */
};

#define DNS_NODE_APEX  0x1
#define DNS_NODE_DELEG 0x2 /* NS, not the apex */
#define DNS_NODE_CNAME 0x4

struct dns_node {
	const uint8_t *name; /* in the blob, lower case */
	uint8_t len;
	uint8_t nlabels;
	uint16_t flags;
	uint16_t nrrsets;
	uint16_t nmemo;
	uint32_t hash;
	struct dns_rrset *rrsets;
	const struct dns_zone1 *zone;
	const struct dns_node *wild; /* the "*" child, if any */
	struct dns_node *next;       /* hash chain */
	struct dns_memo *memo;
};

struct dns_zone1 {
	const uint8_t *apex_name;
	uint8_t len;
	uint8_t nlabels;
	struct dns_node *nodes; /* nnodes, canonical order, apex first */
	size_t nnodes;
	const struct dns_rrset *soa;
	const struct dns_rrset *ns;
	char *origin; /* presentation form */
};

struct mg_dns_zone {
	struct dns_zone1 *zones;
	size_t nzones;
	struct dns_node *nodes;
	size_t nnodes;
	struct dns_rrset *rrsets;
	struct dns_node **bucket;
	size_t nbuckets; /* a power of two */
	uint8_t *memo_bytes;
	struct dns_memo *memos;
};

/* Lookups for the engine (zone.c). */
const struct dns_node *mg_dns_node_find(const struct mg_dns_zone *z,
    const struct dns_zone1 *zone, const uint8_t *name, size_t len);
const struct dns_node *mg_dns_apex_find(const struct mg_dns_zone *z,
    const uint8_t *name, size_t len);
const struct dns_rrset *mg_dns_node_rrset(const struct dns_node *n,
    uint16_t type);

/* answer.c: the engine without memoised answers (the load uses it to
 * build them). */
long mg_dns_answer_slow(const struct mg_dns_zone *z, mg_view q,
    enum mg_dns_transport t, uint8_t *out, size_t cap, struct mg_dns_stats *st);
int mg_dns_memo_build(struct mg_dns_zone *z);

#endif /* MG_DNS_INT_H */
