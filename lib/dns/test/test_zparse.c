/* SPDX-License-Identifier: ISC */
/* test_zparse.c: the master-file parser: every type, and each error
 * class with its line and column. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnstest.h"

#define HEAD "$ORIGIN example.com.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\n"

static const struct mg_dns_zrr *
find(const struct mg_dns_zparse *zp, const char *owner, uint16_t type,
    size_t nth)
{
	size_t i;

	for (i = 0; i < zp->n; i++)
		if (zp->rr[i].type == type &&
		    mg_dns_name_eq(zp->rr[i].owner, dt_name(owner)) &&
		    nth-- == 0)
			return &zp->rr[i];
	return NULL;
}

static int
parse(struct mg_dns_zparse *zp, const char *text)
{
	char *c = strdup(text);
	int rc;

	assert_non_null(c);
	rc = mg_dns_zparse_text(zp, "t.zone", mg_view_make(c, strlen(c)), NULL);
	free(c);
	return rc;
}

static void
test_zparse_reads_every_type_of_the_test_zone(void **state)
{
	struct mg_dns_zparse zp;
	const struct mg_dns_zrr *r;
	size_t len;
	char *text = dt_slurp(TEST_ZONE_PATH, &len);

	(void)state;
	if (mg_dns_zparse_text(&zp, "test.zone", mg_view_make(text, len),
	        NULL) != 0)
		fail_msg("%s", zp.err);
	assert_true(mg_dns_name_eq(zp.apex, dt_name("example.com.")));
	r = find(&zp, "example.com.", MG_DNS_T_SOA, 0);
	assert_non_null(r);
	assert_int_equal(r->rdlen, 17 + 24 + 20);
	assert_memory_equal(r->rdata + r->rdlen - 20,
	    "\x78\xc4\x05\x2d\0\0\x1c\x20\0\0\x0e\x10\0\x12\x75\0\0\0\1\x2c",
	    20);
	r = find(&zp, "ns2.example.com.", MG_DNS_T_A, 0);
	assert_non_null(r);
	assert_int_equal(r->ttl, 5400); /* 1h30m */
	assert_memory_equal(r->rdata, "\xc0\0\2\x36", 4);
	r = find(&zp, "ns1.example.com.", MG_DNS_T_AAAA, 0);
	assert_non_null(r);
	assert_memory_equal(r->rdata,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x53", 16);
	r = find(&zp, "txt.example.com.", MG_DNS_T_TXT, 0);
	assert_non_null(r);
	assert_int_equal(r->rdlen, 12 + 16 + 9);
	assert_memory_equal(r->rdata, "\x0bhello world\x0fsecond \"string\"",
	    28);
	r = find(&zp, "txt.example.com.", MG_DNS_T_TXT, 1);
	assert_non_null(r);
	assert_memory_equal(r->rdata,
	    "\x15"
	    "escapes: ABC \\ ; semi",
	    22);
	r = find(&zp, "example.com.", MG_DNS_T_CAA, 0);
	assert_non_null(r);
	assert_memory_equal(r->rdata, "\0\5issueletsencrypt.org", 22);
	r = find(&zp, "_sip._udp.example.com.", MG_DNS_T_SRV, 0);
	assert_non_null(r);
	assert_memory_equal(r->rdata, "\0\12\0\x3c\x13\xc4\3sip\7example\3com",
	    23);
	r = find(&zp, "example.com.", MG_DNS_T_MX, 1);
	assert_non_null(r);
	assert_memory_equal(r->rdata, "\0\24\5mail2\7example\3net", 21);
	r = find(&zp, "unknown.example.com.", 65280, 0);
	assert_non_null(r);
	assert_int_equal(r->rdlen, 4);
	assert_memory_equal(r->rdata, "\x0a\0\0\1", 4);
	r = find(&zp, "unk2.example.com.", 65281, 0);
	assert_non_null(r);
	assert_int_equal(r->rdlen, 0);
	r = find(&zp, "1.2.0.192.in-addr.example.com.", MG_DNS_T_PTR, 0);
	assert_non_null(r);
	r = find(&zp, "*.wild.example.com.", MG_DNS_T_MX, 0);
	assert_non_null(r);
	r = find(&zp, "small.example.com.", MG_DNS_T_MX, 0);
	assert_non_null(r);
	assert_memory_equal(r->rdata, "\0\0\0", 3);
	/* Canonical order: the apex first. */
	assert_true(mg_dns_name_eq(zp.rr[0].owner, zp.apex));
	for (len = 1; len < zp.n; len++)
		assert_true(mg_dns_name_cmp(zp.rr[len - 1].owner,
		                zp.rr[len].owner) <= 0);
	mg_dns_zparse_fini(&zp);
	free(text);
}

static void
test_zparse_inherits_owner_ttl_and_origin(void **state)
{
	struct mg_dns_zparse zp;
	const struct mg_dns_zrr *r;

	(void)state;
	assert_int_equal(parse(&zp,
	                     HEAD "a 300 IN A 192.0.2.1\n"
	                          "  IN 400 AAAA ::1\n"
	                          "  TXT x\n"
	                          "$ORIGIN sub.example.com.\n"
	                          "b A 192.0.2.2\n"
	                          "@ MX 1 @\n"
	                          "$TTL 2d\n"
	                          "c.example.com. CAA 128 tbs \"\"\n"
	                          "d ( A\n 192.0.2.3 ) ; comment\n"),
	    0);
	r = find(&zp, "a.example.com.", MG_DNS_T_AAAA, 0);
	assert_non_null(r);
	assert_int_equal(r->ttl, 400);
	assert_memory_equal(r->rdata, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	r = find(&zp, "a.example.com.", MG_DNS_T_TXT, 0);
	assert_non_null(r);
	assert_int_equal(r->ttl, 60);
	assert_non_null(find(&zp, "b.sub.example.com.", MG_DNS_T_A, 0));
	r = find(&zp, "sub.example.com.", MG_DNS_T_MX, 0);
	assert_non_null(r);
	assert_memory_equal(r->rdata, "\0\1\3sub\7example\3com", 19);
	r = find(&zp, "c.example.com.", MG_DNS_T_CAA, 0);
	assert_non_null(r);
	assert_int_equal(r->ttl, 172800);
	assert_int_equal(r->rdlen, 5);
	assert_non_null(find(&zp, "d.sub.example.com.", MG_DNS_T_A, 0));
	mg_dns_zparse_fini(&zp);
}

static void
test_zparse_drops_duplicate_records(void **state)
{
	struct mg_dns_zparse zp;

	(void)state;
	assert_int_equal(parse(&zp,
	                     HEAD "a A 192.0.2.1\na A 192.0.2.1\n"
	                          "a A 192.0.2.1\n"),
	    0);
	assert_int_equal(zp.n, 3);
	mg_dns_zparse_fini(&zp);
}

static void
test_zparse_ipv6_forms(void **state)
{
	static const struct {
		const char *text;
		const char *wire;
	} ok[] = {
	    {"::", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"},
	    {"1::", "\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0"},
	    {"1:2:3:4:5:6:7:8", "\0\1\0\2\0\3\0\4\0\5\0\6\0\7\0\10"},
	    {"1:2:3:4:5:6:7::", "\0\1\0\2\0\3\0\4\0\5\0\6\0\7\0\0"},
	    {"::ffff:192.0.2.1", "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\0\2\1"},
	    {"fe80::1:2", "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\1\0\2"},
	};
	static const char *bad[] = {"1:2:3:4:5:6:7:8:9", ":1::", "1:::2",
	    "12345::", "1:2:3:4:5:6:7", "g::", "1::2::3", "::1.2.3",
	    "1:2:3:4:5:6:7:1.2.3.4", "1:"};
	char text[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct mg_dns_zparse zp;
		const struct mg_dns_zrr *r;

		snprintf(text, sizeof(text), HEAD "a AAAA %s\n", ok[i].text);
		if (parse(&zp, text) != 0)
			fail_msg("%s: %s", ok[i].text, zp.err);
		r = find(&zp, "a.example.com.", MG_DNS_T_AAAA, 0);
		assert_non_null(r);
		assert_memory_equal(r->rdata, ok[i].wire, 16);
		mg_dns_zparse_fini(&zp);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mg_dns_zparse zp;

		snprintf(text, sizeof(text), HEAD "a AAAA %s\n", bad[i]);
		if (parse(&zp, text) == 0)
			fail_msg("accepted %s", bad[i]);
		mg_dns_zparse_fini(&zp);
	}
}

static void
test_zparse_errors_name_line_and_column(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} cases[] = {
	    {"x A 1.2.3\n", "t.zone:5:5: bad IPv4 address '1.2.3'"},
	    {"x A 1.2.3.256\n", "t.zone:5:5: bad IPv4 address '1.2.3.256'"},
	    {"x AAAA 1::2::3\n", "t.zone:5:8: bad IPv6 address '1::2::3'"},
	    {"x CH A 1.2.3.4\n",
	        "t.zone:5:3: only class IN is supported, not 'CH'"},
	    {"x A 1.2.3.4 5\n", "t.zone:5:13: extra field in A record: '5'"},
	    {"x MX 10\n", "t.zone:5:8: MX record needs 2 fields, has 1"},
	    {"$INCLUDE other.zone\n",
	        "t.zone:5:1: $INCLUDE is not supported: put the records in "
	        "this file"},
	    {"$FOO bar\n", "t.zone:5:1: unknown directive '$FOO'"},
	    {"x FOO 1\n", "t.zone:5:3: unknown or unsupported type 'FOO'"},
	    {"x TYPE41 \\# 0\n",
	        "t.zone:5:3: type not allowed in a zone: 'TYPE41'"},
	    {"x TXT \"open\n", "t.zone:5:7: string not closed on its line"},
	    {"x ( A\n", "t.zone:5:3: '(' is never closed"},
	    {"x A 1.2.3.4 )\n", "t.zone:5:13: ')' without '('"},
	    {"x 99999999999 A 1.2.3.4\n",
	        "t.zone:5:3: TTL too large: '99999999999'"},
	    {"x 1x A 1.2.3.4\n", "t.zone:5:3: bad TTL '1x'"},
	    {"a..b A 1.2.3.4\n", "t.zone:5:1: empty label: 'a..b'"},
	    {"x TYPE65000 \\# 3 0102\n",
	        "t.zone:5:16: \\# length 3 does not match 2 bytes of data"},
	    {"x TYPE65000 \\# 1 0g\n", "t.zone:5:18: bad hex data '0g'"},
	    {"x NS \\# 1 05\n",
	        "t.zone:5:6: \\# data is not valid for this "
	        "type"},
	    {"x CAA 0 is-sue x\n", "t.zone:5:9: bad CAA tag 'is-sue'"},
	    {"x TXT \\300\n", "t.zone:5:7: bad \\DDD escape in '\\300'"},
	    {"x CNAME y\nx A 1.2.3.4\n",
	        "t.zone:6:1: CNAME and other data at 'x.example.com.'"},
	    {"x CNAME y\nx CNAME z\n",
	        "t.zone:6:1: second CNAME at 'x.example.com.'"},
	    {"x.example.org. A 1.2.3.4\n",
	        "t.zone:5:1: record outside the zone (its apex is the SOA "
	        "owner): 'x.example.org.'"},
	    {"x SOA ns h 1 2 3 4 5\n",
	        "t.zone:5:1: second SOA record, at 'x.example.com.'"},
	    {"$ORIGIN foo\n", "t.zone:5:9: $ORIGIN must be absolute: 'foo'"},
	    {"x SRV 1 2 3\n", "t.zone:5:12: SRV record needs 4 fields, has 3"},
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mg_dns_zparse zp;

		snprintf(text, sizeof(text), HEAD "%s", cases[i].body);
		if (parse(&zp, text) != -MG_EINVAL)
			fail_msg("case %zu accepted", i);
		if (strcmp(zp.err, cases[i].err) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, zp.err,
			    cases[i].err);
		mg_dns_zparse_fini(&zp);
	}
}

static void
test_zparse_zone_level_errors(void **state)
{
	struct mg_dns_zparse zp;

	(void)state;
	assert_int_equal(
	    parse(&zp, "$ORIGIN example.com.\n$TTL 1\na A 1.2.3.4\n"),
	    -MG_EINVAL);
	assert_string_equal(zp.err, "t.zone:1:1: no SOA record in the zone");
	mg_dns_zparse_fini(&zp);
	assert_int_equal(parse(&zp,
	                     "$ORIGIN example.com.\n$TTL 1\n"
	                     "@ SOA ns h 1 2 3 4 5\n"),
	    -MG_EINVAL);
	assert_string_equal(zp.err,
	    "t.zone:3:1: no NS records at the apex 'example.com.'");
	mg_dns_zparse_fini(&zp);
	assert_int_equal(parse(&zp, "@ SOA ns h 1 2 3 4 5\n"), -MG_EINVAL);
	assert_string_equal(zp.err, "t.zone:1:1: '@' without an origin: '@'");
	mg_dns_zparse_fini(&zp);
	assert_int_equal(parse(&zp, "$ORIGIN example.com.\n A 1.2.3.4\n"),
	    -MG_EINVAL);
	assert_string_equal(zp.err,
	    "t.zone:2:2: no owner name for this "
	    "record (line starts blank)");
	mg_dns_zparse_fini(&zp);
	assert_int_equal(parse(&zp, "$ORIGIN example.com.\na A 1.2.3.4\n"),
	    -MG_EINVAL);
	assert_string_equal(zp.err,
	    "t.zone:2:1: no TTL for this record and "
	    "no $TTL before it");
	mg_dns_zparse_fini(&zp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zparse_reads_every_type_of_the_test_zone),
	    cmocka_unit_test(test_zparse_inherits_owner_ttl_and_origin),
	    cmocka_unit_test(test_zparse_drops_duplicate_records),
	    cmocka_unit_test(test_zparse_ipv6_forms),
	    cmocka_unit_test(test_zparse_errors_name_line_and_column),
	    cmocka_unit_test(test_zparse_zone_level_errors),
	};

	fake_plat_heap();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
