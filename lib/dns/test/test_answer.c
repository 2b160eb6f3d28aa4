/* SPDX-License-Identifier: ISC */
/* test_answer.c: the answering engine, rule by rule, on test.zone (the
 * expectations are what NSD 4.6 answers for the same zone). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnstest.h"

static struct mg_dns_zone *Z;
static uint8_t *BLOB;
static uint8_t out[65535], out2[65535];
static struct mg_dns_stats ST;

#define QR MG_DNS_F_QR
#define AA MG_DNS_F_AA
#define TC MG_DNS_F_TC
#define RD MG_DNS_F_RD

/* Answers raw bytes (from an exact-size copy) on both the memoised and
 * the slow path, checks they agree, and returns the length. */
static long
raw(const uint8_t *q, size_t len, enum mg_dns_transport t)
{
	uint8_t *c = malloc(len ? len : 1);
	struct mg_dns_stats st2 = {0};
	long n, n2;

	assert_non_null(c);
	memcpy(c, q, len);
	n = mg_dns_answer(Z, mg_view_make(c, len), t, out, sizeof(out), &ST);
	n2 = mg_dns_answer_slow(Z, mg_view_make(c, len), t, out2, sizeof(out2),
	    &st2);
	assert_int_equal(n, n2);
	if (n > 0)
		assert_memory_equal(out, out2, (size_t)n);
	free(c);
	return n;
}

static long
ask_opt(const char *name, uint16_t type, const struct dt_q *o,
    enum mg_dns_transport t, struct dt_resp *r)
{
	uint8_t q[600];
	struct dt_q d = {0x1234, RD, 1, 0, 0, 0, type, MG_DNS_C_IN, -1, 0,
	    false};
	size_t len;
	long n;

	if (o != NULL) {
		d = *o;
		d.type = type;
	}
	len = dt_query(q, name, &d);
	n = raw(q, len, t);
	if (n > 0 && r != NULL)
		dt_parse(out, (size_t)n, r);
	return n;
}

static long
ask(const char *name, uint16_t type, struct dt_resp *r)
{
	return ask_opt(name, type, NULL, MG_DNS_UDP, r);
}

static int
setup(void **state)
{
	(void)state;
	Z = dt_load_test_zone(&BLOB);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mg_dns_zone_free(Z);
	free(BLOB);
	return 0;
}

static void
test_answer_positive_with_ns_and_glue(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("Web.Example.COM.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.id, 0x1234);
	assert_int_equal(r.flags, QR | AA | RD);
	/* The question keeps the client's case. */
	assert_memory_equal(r.qname, "\3Web\7Example\3COM", 17);
	assert_int_equal(r.an, 2);
	assert_int_equal(dt_count(&r, 0, MG_DNS_T_A, "web.example.com."), 2);
	assert_int_equal(dt_count(&r, 1, MG_DNS_T_NS, "example.com."), 2);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "ns1.example.com."), 1);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "ns2.example.com."), 1);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_AAAA, "ns1.example.com."), 1);
	assert_int_equal(r.ar, 3);
	/* Additional A records come before AAAA (NSD's order). */
	assert_int_equal(r.rr[r.an + r.ns + 2].type, MG_DNS_T_AAAA);
}

static void
test_answer_apex_ns_has_no_authority(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("example.com.", MG_DNS_T_NS, &r) > 0);
	assert_int_equal(r.an, 2);
	assert_int_equal(r.ns, 0);
	assert_int_equal(r.ar, 3);
}

static void
test_answer_does_not_repeat_an_rrset(void **state)
{
	struct dt_resp r;

	(void)state;
	/* ns1's A is the answer, so not again in additional. */
	assert_true(ask("ns1.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "ns1.example.com."), 0);
	assert_int_equal(r.ar, 2);
}

static void
test_answer_cname_chain(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("alias.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 4);
	assert_int_equal(r.rr[0].type, MG_DNS_T_CNAME);
	assert_true(mg_dns_name_eq(r.rr[0].rdata, dt_name("www.example.com.")));
	assert_int_equal(r.rr[1].type, MG_DNS_T_CNAME);
	assert_int_equal(dt_count(&r, 0, MG_DNS_T_A, "web.example.com."), 2);
	assert_int_equal(r.ns, 2);
	/* The chain ends in NODATA: CNAMEs and the SOA. */
	assert_true(ask("alias.example.com.", MG_DNS_T_AAAA, &r) > 0);
	assert_int_equal(r.an, 2);
	assert_int_equal(dt_count(&r, 1, MG_DNS_T_SOA, NULL), 1);
	/* A CNAME query gets the CNAME itself. */
	assert_true(ask("www.example.com.", MG_DNS_T_CNAME, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_int_equal(r.ns, 2);
}

static void
test_answer_cname_loop_outside_and_dangling(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("loop1.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NOERROR);
	assert_int_equal(r.an, 2);
	assert_int_equal(r.ns, 0);
	assert_true(ask("outside.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 1);
	assert_int_equal(r.ns, 0);
	assert_true(ask("dangling.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD | MG_DNS_RCODE_NXDOMAIN);
	assert_int_equal(r.an, 1);
	assert_int_equal(dt_count(&r, 1, MG_DNS_T_SOA, NULL), 1);
}

static void
test_answer_nodata_and_nxdomain_carry_the_soa(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("web.example.com.", MG_DNS_T_TXT, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 0);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.rr[0].type, MG_DNS_T_SOA);
	assert_int_equal(r.rr[0].ttl, 300); /* min(3600, MINIMUM 300) */
	assert_true(ask("nope.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD | MG_DNS_RCODE_NXDOMAIN);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.rr[0].ttl, 300);
	assert_true(ask("a.b.nope.example.com.", MG_DNS_T_MX, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NXDOMAIN);
	/* The SOA asked for keeps its own TTL. */
	assert_true(ask("example.com.", MG_DNS_T_SOA, &r) > 0);
	assert_int_equal(r.rr[0].ttl, 3600);
}

static void
test_answer_wildcards(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("Foo.wild.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 1);
	assert_true(
	    mg_dns_name_eq(r.rr[0].owner, dt_name("foo.wild.example.com.")));
	assert_memory_equal(r.rr[0].rdata, "\xc0\0\2\x63", 4);
	/* Deeper names match too; MX gets additional for its target. */
	assert_true(ask("a.b.wild.example.com.", MG_DNS_T_MX, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "mail.example.com."), 1);
	/* An existing name below the wildcard's parent blocks it. */
	assert_true(ask("sub.wild.example.com.", MG_DNS_T_TXT, &r) > 0);
	assert_int_equal(r.an, 0);
	assert_int_equal(r.ns, 1);
	/* The wildcard's parent is an empty non-terminal: NODATA. */
	assert_true(ask("wild.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NOERROR);
	assert_int_equal(r.an, 0);
	/* Wildcard type absent: NODATA. */
	assert_true(ask("x.wild.example.com.", MG_DNS_T_AAAA, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NOERROR);
	assert_int_equal(r.an, 0);
	assert_int_equal(r.ns, 1);
	/* A wildcard CNAME is followed. */
	assert_true(ask("q.cn.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.an, 3);
	assert_true(
	    mg_dns_name_eq(r.rr[0].owner, dt_name("q.cn.example.com.")));
}

static void
test_answer_empty_non_terminal_blocks_wildcard(void **state)
{
	struct dt_resp r;

	(void)state;
	/* a.b.ent exists, so b.ent is an ENT: NODATA, not *.ent. */
	assert_true(ask("b.ent.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 0);
	assert_int_equal(r.ns, 1);
	/* Below the ENT there is no wildcard: NXDOMAIN. */
	assert_true(ask("z.b.ent.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NXDOMAIN);
	/* A sibling of the ENT matches *.ent. */
	assert_true(ask("x.ent.example.com.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_memory_equal(r.rr[0].rdata, "\xc0\0\2\x4e", 4);
}

static void
test_answer_referral(void **state)
{
	static const char *names[] = {"deleg.example.com.",
	    "x.deleg.example.com.", "ns.deleg.example.com."};
	struct dt_resp r;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_true(ask(names[i], MG_DNS_T_A, &r) > 0);
		assert_int_equal(r.flags, QR | RD); /* no AA */
		assert_int_equal(r.an, 0);
		assert_int_equal(
		    dt_count(&r, 1, MG_DNS_T_NS, "deleg.example.com."), 2);
		assert_int_equal(
		    dt_count(&r, 2, MG_DNS_T_A, "ns.deleg.example.com."), 1);
		assert_int_equal(
		    dt_count(&r, 2, MG_DNS_T_AAAA, "ns.deleg.example.com."), 1);
	}
	/* DS is the parent's: NODATA with AA. */
	assert_true(ask("deleg.example.com.", MG_DNS_T_DS, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.rr[0].type, MG_DNS_T_SOA);
}

static void
test_answer_additional_for_mx_srv_not_glue(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("example.com.", MG_DNS_T_MX, &r) > 0);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "mail.example.com."), 1);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_AAAA, "mail.example.com."),
	    1);
	assert_true(ask("_sip._udp.example.com.", MG_DNS_T_SRV, &r) > 0);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "sip.example.com."), 1);
	/* Targets below a zone cut are not additional data for MX/SRV. */
	assert_true(ask("mxdeleg.example.com.", MG_DNS_T_MX, &r) > 0);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "ns.deleg.example.com."),
	    0);
	assert_true(ask("srvglue.example.com.", MG_DNS_T_SRV, &r) > 0);
	assert_int_equal(dt_count(&r, 2, MG_DNS_T_A, "ns.deleg.example.com."),
	    0);
}

static void
test_answer_refuses_names_outside_the_zones(void **state)
{
	struct dt_q o = {7, 0, 1, 0, 0, 0, 0, MG_DNS_C_IN, 0, 4096, true};
	struct dt_resp r;

	(void)state;
	assert_true(ask("example.org.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_REFUSED);
	assert_int_equal(r.qd, 1);
	assert_int_equal(r.an + r.ns + r.ar, 0);
	assert_true(ask(".", MG_DNS_T_NS, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_REFUSED);
	/* With EDNS: extended error 20 (Not Authoritative) in the OPT. */
	assert_true(ask_opt("com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r) > 0);
	assert_int_equal(r.flags, QR | MG_DNS_RCODE_REFUSED);
	assert_true(r.opt);
	assert_int_equal(r.opt_rdlen, 6);
	assert_int_equal(r.opt_ttl, 0x8000);
}

static void
test_answer_formerr_and_notimp(void **state)
{
	struct dt_q o = {9, RD, 2, 0, 0, 0, 0, MG_DNS_C_IN, -1, 0, false};
	static const uint8_t comp[] = {0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0,
	    12, 0, 1, 0, 1};
	static const uint8_t hdr_only[] = {0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	struct dt_resp r;
	long n;

	(void)state;
	/* QDCOUNT 2: FORMERR, no question, RD cleared (as NSD). */
	assert_int_equal(
	    ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r), 12);
	assert_int_equal(r.flags, QR | MG_DNS_RCODE_FORMERR);
	assert_int_equal(r.qd, 0);
	/* QDCOUNT 0 with nothing else. */
	o.qd = 0;
	assert_int_equal(
	    ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r), 12);
	assert_int_equal(r.flags, QR | MG_DNS_RCODE_FORMERR);
	/* An answer section in a query. */
	o.qd = 1;
	o.an = 1;
	assert_int_equal(
	    ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r), 12);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_FORMERR);
	/* A compressed or missing question. */
	assert_int_equal(raw(comp, sizeof(comp), MG_DNS_UDP), 12);
	dt_parse(out, 12, &r);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_FORMERR);
	assert_int_equal(raw(hdr_only, sizeof(hdr_only), MG_DNS_UDP), 12);
	/* Opcode 2 (STATUS): NOTIMP, flags kept. */
	o.an = 0;
	o.flags = RD | 2 << 11;
	n = ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r);
	assert_int_equal(n, 12);
	assert_int_equal(r.flags, QR | RD | 2 << 11 | MG_DNS_RCODE_NOTIMP);
	/* NOTIFY: REFUSED. */
	o.flags = 4 << 11;
	assert_int_equal(
	    ask_opt("example.com.", MG_DNS_T_SOA, &o, MG_DNS_UDP, &r), 12);
	assert_int_equal(r.flags, QR | 4 << 11 | MG_DNS_RCODE_REFUSED);
}

static void
test_answer_drops_responses_and_runts(void **state)
{
	struct dt_q o = {9, QR, 1, 0, 0, 0, 0, MG_DNS_C_IN, -1, 0, false};
	struct mg_dns_stats before = ST;

	(void)state;
	assert_int_equal(
	    ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, NULL), 0);
	assert_int_equal(
	    raw((const uint8_t *)"\0\1\0\0\0\1\0\0\0\0\0", 11, MG_DNS_UDP), 0);
	assert_int_equal(ST.drop_response, before.drop_response + 1);
	assert_int_equal(ST.drop_short, before.drop_short + 1);
	assert_int_equal(ST.queries, before.queries);
	assert_int_equal(
	    mg_dns_answer(Z, mg_view_make(out, 12), MG_DNS_UDP, out2, 100, &ST),
	    -MG_ENOSPC);
}

static void
test_answer_any_is_minimal(void **state)
{
	struct dt_resp r;

	(void)state;
	assert_true(ask("example.com.", MG_DNS_T_ANY, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_int_equal(r.rr[0].type, MG_DNS_T_SOA);
	assert_int_equal(r.ns, 0);
	assert_true(ask("small.example.com.", MG_DNS_T_ANY, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_int_equal(r.rr[0].type, MG_DNS_T_A);
	assert_true(ask("txt.example.com.", MG_DNS_T_ANY, &r) > 0);
	assert_int_equal(r.an, 2);
	assert_int_equal(r.rr[0].type, MG_DNS_T_TXT);
	assert_true(ask("ent.example.com.", MG_DNS_T_ANY, &r) > 0);
	assert_int_equal(r.an, 0);
	assert_int_equal(r.ns, 1);
}

static void
test_answer_edns(void **state)
{
	struct dt_q o = {5, RD | MG_DNS_F_CD, 1, 0, 0, 0, 0, MG_DNS_C_IN, 0,
	    4096, true};
	struct dt_resp r;

	(void)state;
	assert_true(
	    ask_opt("web.example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD); /* CD not echoed (NSD) */
	assert_true(r.opt);
	assert_int_equal(r.opt_udp, 1232);
	assert_int_equal(r.opt_ttl, 0x8000); /* DO kept */
	assert_int_equal(r.ar, 4);
	/* Version 1: BADVERS (extended RCODE 1), the question kept. */
	o.edns = 1;
	assert_true(
	    ask_opt("web.example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r) > 0);
	assert_int_equal(r.flags, QR | RD | MG_DNS_F_CD);
	assert_int_equal(r.qd, 1);
	assert_int_equal(r.an + r.ns, 0);
	assert_int_equal(r.opt_ttl, 0x01000000);
}

static void
test_answer_truncates_over_udp_only(void **state)
{
	struct dt_q o = {5, 0, 1, 0, 0, 0, 0, MG_DNS_C_IN, 0, 4096, false};
	struct dt_resp r;
	long n;

	(void)state;
	n = ask("big.example.com.", MG_DNS_T_TXT, &r);
	assert_int_equal(r.flags, QR | AA | RD | TC);
	assert_int_equal(r.an + r.ns + r.ar, 0);
	assert_true(n <= 512);
	/* With a CNAME first, the CNAME stays (NSD keeps whole RRsets). */
	assert_true(ask("bigcn.example.com.", MG_DNS_T_TXT, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD | TC);
	assert_int_equal(r.an, 1);
	/* EDNS 4096 is capped at 1232: still too big. */
	n = ask_opt("big.example.com.", MG_DNS_T_TXT, &o, MG_DNS_UDP, &r);
	assert_int_equal(r.flags & TC, TC);
	assert_true(r.opt);
	assert_true(n <= 1232);
	/* TCP: everything. */
	n = ask_opt("big.example.com.", MG_DNS_T_TXT, NULL, MG_DNS_TCP, &r);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 3);
	assert_true(n > 1232);
	/* EDNS sizes below 512 count as 512. */
	o.udp = 100;
	n = ask_opt("example.com.", MG_DNS_T_MX, &o, MG_DNS_UDP, &r);
	assert_int_equal(r.flags & TC, 0);
	assert_true(n > 100);
}

static void
test_answer_classes_and_transfers(void **state)
{
	struct dt_q o = {5, RD, 1, 0, 0, 0, 0, MG_DNS_C_CH, -1, 0, false};
	struct dt_resp r;

	(void)state;
	assert_true(
	    ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r) > 0);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_REFUSED);
	assert_int_equal(r.qd, 1);
	o.class = 4; /* HS */
	assert_int_equal(
	    ask_opt("example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r), 12);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_REFUSED);
	/* Class ANY: answered without AA, no SOA in negative answers. */
	o.class = MG_DNS_C_ANY;
	assert_true(
	    ask_opt("nx.example.com.", MG_DNS_T_A, &o, MG_DNS_UDP, &r) > 0);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_NXDOMAIN);
	assert_int_equal(r.ns, 0);
	assert_true(ask("example.com.", MG_DNS_T_AXFR, &r) > 0);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_NOTIMP);
	assert_true(
	    ask_opt("example.com.", MG_DNS_T_AXFR, NULL, MG_DNS_TCP, &r) > 0);
	assert_int_equal(r.flags, QR | RD | MG_DNS_RCODE_REFUSED);
}

static void
test_answer_stats_one_line_per_query(void **state)
{
	static const struct {
		const char *name;
		uint16_t type;
	} qs[] = {{"web.example.com.", MG_DNS_T_A},
	    {"web.example.com.", MG_DNS_T_MX}, {"nx.example.com.", MG_DNS_T_A},
	    {"x.deleg.example.com.", MG_DNS_T_A}, {"example.net.", MG_DNS_T_A},
	    {"big.example.com.", MG_DNS_T_TXT}};
	struct mg_dns_stats a, *b = &ST;
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++)
		assert_true(ask(qs[i].name, qs[i].type, NULL) > 0);
	a = ST;
	memset(b, 0, sizeof(*b));
	for (i = 0; i < 6; i++)
		assert_true(ask(qs[i].name, qs[i].type, NULL) > 0);
	assert_int_equal(ST.queries, 6);
	assert_int_equal(ST.noerror, 2);
	assert_int_equal(ST.nodata, 1);
	assert_int_equal(ST.nxdomain, 1);
	assert_int_equal(ST.referral, 1);
	assert_int_equal(ST.refused, 1);
	assert_int_equal(ST.truncated, 1);
	ST = a;
}

static void
test_answer_allocates_nothing_per_query(void **state)
{
	struct mg_heap_stats before, after;
	size_t i;

	(void)state;
	mg_heap_stats(mg_heap_default(), &before);
	for (i = 0; i < 100; i++)
		assert_true(ask(i % 2 ? "web.example.com." : "nx.example.com.",
		                MG_DNS_T_A, NULL) > 0);
	mg_heap_stats(mg_heap_default(), &after);
	assert_int_equal(before.nalloc, after.nalloc);
}

/* Every name of the zone (and some not in it) with every type: the
 * memoised and the slow path agree (raw() checks), and parse. */
static void
test_answer_memo_matches_slow_path(void **state)
{
	static const uint16_t types[] = {MG_DNS_T_A, MG_DNS_T_NS,
	    MG_DNS_T_CNAME, MG_DNS_T_SOA, MG_DNS_T_PTR, MG_DNS_T_MX,
	    MG_DNS_T_TXT, MG_DNS_T_AAAA, MG_DNS_T_SRV, MG_DNS_T_CAA,
	    MG_DNS_T_ANY, MG_DNS_T_DS, 65280, 65281, 99};
	size_t i, k;
	struct dt_q o = {1, 0, 1, 0, 0, 0, 0, MG_DNS_C_IN, 0, 1232, true};

	(void)state;
	for (i = 0; i < Z->nnodes; i++) {
		char name[MG_DNS_NAME_TEXT_MAX];
		struct dt_resp r;

		mg_dns_name_text(Z->nodes[i].name, name, sizeof(name));
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
			assert_true(ask(name, types[k], &r) > 0);
			assert_true(
			    ask_opt(name, types[k], &o, MG_DNS_UDP, &r) > 0);
			assert_true(
			    ask_opt(name, types[k], NULL, MG_DNS_TCP, &r) > 0);
		}
	}
}

static void
test_answer_axfr(void **state)
{
	struct dt_q o = {0x4242, 0, 1, 0, 0, 0, 0, MG_DNS_C_IN, -1, 0, false};
	struct mg_dns_axfr x;
	uint8_t q[512];
	size_t qlen = dt_query(q, "Example.COM.",
	    &(struct dt_q){0x4242, 0, 1, 0, 0, 0, MG_DNS_T_AXFR, MG_DNS_C_IN,
	        -1, 0, false});
	struct dt_resp r;
	long n;
	unsigned msgs = 0, rrs = 0, soas = 0;
	bool first_soa = false, last_soa = false;

	(void)state;
	(void)o;
	assert_true(mg_dns_query_is_axfr(mg_view_make(q, qlen)));
	assert_false(mg_dns_query_is_axfr(mg_view_make(q, qlen - 1)));
	assert_int_equal(mg_dns_axfr_begin(&x, Z, mg_view_make(q, qlen)), 0);
	/* 600-byte messages force several. */
	while ((n = mg_dns_axfr_next(&x, out, 600, &ST)) > 0) {
		dt_parse(out, (size_t)n, &r);
		assert_int_equal(r.id, 0x4242);
		assert_int_equal(r.flags, QR | AA);
		assert_int_equal(r.qd, msgs == 0 ? 1 : 0);
		if (msgs == 0)
			first_soa = r.rr[0].type == MG_DNS_T_SOA;
		last_soa = r.rr[r.nrr - 1].type == MG_DNS_T_SOA;
		for (size_t i = 0; i < r.nrr; i++)
			soas += r.rr[i].type == MG_DNS_T_SOA;
		rrs += r.an;
		msgs++;
		assert_true(msgs < 100);
	}
	assert_int_equal(n, 0);
	assert_true(msgs > 3);
	assert_true(first_soa && last_soa);
	assert_int_equal(soas, 2);
	assert_int_equal(rrs, 50); /* the zone's 49 records + SOA again */
	/* Not an apex: one NOTAUTH message. */
	qlen = dt_query(q, "www.example.com.",
	    &(struct dt_q){1, 0, 1, 0, 0, 0, MG_DNS_T_AXFR, MG_DNS_C_IN, -1, 0,
	        false});
	assert_int_equal(mg_dns_axfr_begin(&x, Z, mg_view_make(q, qlen)), 0);
	n = mg_dns_axfr_next(&x, out, 600, &ST);
	assert_true(n > 0);
	dt_parse(out, (size_t)n, &r);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NOTAUTH);
	assert_int_equal(mg_dns_axfr_next(&x, out, 600, &ST), 0);
	/* Not an AXFR query. */
	qlen = dt_query(q, "example.com.",
	    &(struct dt_q){1, 0, 1, 0, 0, 0, MG_DNS_T_A, MG_DNS_C_IN, -1, 0,
	        false});
	assert_int_equal(mg_dns_axfr_begin(&x, Z, mg_view_make(q, qlen)),
	    -MG_EBADMSG);
}

static void
test_answer_two_zones_most_specific_wins(void **state)
{
	static const char *parent =
	    "$ORIGIN example.net.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\n"
	    "ns A 192.0.2.1\nchild NS ns.child\nns.child A 192.0.2.2\n";
	static const char *child =
	    "$ORIGIN child.example.net.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n"
	    " NS ns\nns A 192.0.2.2\nwww A 192.0.2.3\n";
	const char *texts[3] = {parent, child, NULL};
	struct mg_dns_zone *saved = Z;
	uint8_t *blob;
	struct dt_resp r;

	(void)state;
	Z = dt_load_texts(texts, &blob);
	assert_true(ask("www.child.example.net.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 1);
	assert_true(ask("child.example.net.", MG_DNS_T_NS, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 1);
	/* The child's apex answers for its name (memoised on the child's
	 * node, not on the parent's delegation). */
	assert_true(ask("child.example.net.", MG_DNS_T_SOA, &r) > 0);
	assert_int_equal(r.an, 1);
	assert_int_equal(r.rr[0].type, MG_DNS_T_SOA);
	/* DS at the child's apex is the parent's (RFC 4035 3.1.4.1). */
	assert_true(ask("child.example.net.", MG_DNS_T_DS, &r) > 0);
	assert_int_equal(r.flags, QR | AA | RD);
	assert_int_equal(r.an, 0);
	assert_true(mg_dns_name_eq(r.rr[0].owner, dt_name("example.net.")));
	assert_true(ask("nx.child.example.net.", MG_DNS_T_A, &r) > 0);
	assert_int_equal(r.flags & 0xf, MG_DNS_RCODE_NXDOMAIN);
	assert_true(
	    mg_dns_name_eq(r.rr[0].owner, dt_name("child.example.net.")));
	mg_dns_zone_free(Z);
	free(blob);
	Z = saved;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answer_positive_with_ns_and_glue),
	    cmocka_unit_test(test_answer_apex_ns_has_no_authority),
	    cmocka_unit_test(test_answer_does_not_repeat_an_rrset),
	    cmocka_unit_test(test_answer_cname_chain),
	    cmocka_unit_test(test_answer_cname_loop_outside_and_dangling),
	    cmocka_unit_test(test_answer_nodata_and_nxdomain_carry_the_soa),
	    cmocka_unit_test(test_answer_wildcards),
	    cmocka_unit_test(test_answer_empty_non_terminal_blocks_wildcard),
	    cmocka_unit_test(test_answer_referral),
	    cmocka_unit_test(test_answer_additional_for_mx_srv_not_glue),
	    cmocka_unit_test(test_answer_refuses_names_outside_the_zones),
	    cmocka_unit_test(test_answer_formerr_and_notimp),
	    cmocka_unit_test(test_answer_drops_responses_and_runts),
	    cmocka_unit_test(test_answer_any_is_minimal),
	    cmocka_unit_test(test_answer_edns),
	    cmocka_unit_test(test_answer_truncates_over_udp_only),
	    cmocka_unit_test(test_answer_classes_and_transfers),
	    cmocka_unit_test(test_answer_stats_one_line_per_query),
	    cmocka_unit_test(test_answer_allocates_nothing_per_query),
	    cmocka_unit_test(test_answer_memo_matches_slow_path),
	    cmocka_unit_test(test_answer_axfr),
	    cmocka_unit_test(test_answer_two_zones_most_specific_wins),
	};

	fake_plat_heap();
	return cmocka_run_group_tests(tests, setup, teardown);
}
