/* SPDX-License-Identifier: ISC */
/*
 * fuzz_answer.c: a DNS message as an attacker sends it, answered from a
 * small compiled zone. The first byte picks the transport and the output
 * size; the rest is the message. Checks: the answer fits, is a response
 * to the same ID, the memoised and slow paths agree byte for byte, and
 * AXFR queries run to the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "fake_plat.h"
#include "mg/heap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static const char zone_text[] =
    "$ORIGIN example.com.\n$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    " NS ns1\n NS ns2.example.net.\n MX 10 mail\n A 192.0.2.1\n"
    " TXT \"v=spf1 -all\"\n CAA 0 issue \"ca.example\"\n"
    "ns1 A 192.0.2.53\n AAAA 2001:db8::53\n"
    "mail A 192.0.2.25\nwww CNAME web\nweb A 192.0.2.80\n"
    "loop1 CNAME loop2\nloop2 CNAME loop1\n"
    "*.wild A 192.0.2.99\n*.wild MX 5 mail\nsub.wild TXT x\n"
    "a.b.ent A 192.0.2.77\n*.ent A 192.0.2.78\n*.cn CNAME web\n"
    "deleg NS ns.deleg\nns.deleg A 192.0.2.200\n"
    "_s._udp SRV 1 2 3 mail\nptr PTR www\nunk TYPE65280 \\# 2 abcd\n"
    "big TXT \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
    "big TXT \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n";

static struct mg_dns_zone *zone;
static uint8_t out[65535], out2[65535];

static void
init(void)
{
	struct mg_dns_zparse zp;
	struct mg_dns_zparse *zps[1] = {&zp};
	uint8_t *blob;
	size_t len;
	char err[256];

	fake_plat_heap();
	CHECK(mg_dns_zparse_text(&zp, "fuzz.zone",
	          mg_view_make(zone_text, sizeof(zone_text) - 1), NULL) == 0);
	CHECK(mg_dns_zone_compile(zps, 1, &blob, &len, err, sizeof(err)) == 0);
	mg_dns_zparse_fini(&zp);
	CHECK(mg_dns_zone_load(mg_view_make(blob, len), &zone) == 0);
	/* The blob stays: the zone points into it. */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[4] = {512, 1232, 4096, 65535};
	struct mg_dns_stats st = {0}, st2 = {0};
	enum mg_dns_transport t;
	size_t cap;
	uint8_t *buf;
	long n, n2;

	if (zone == NULL)
		init();
	if (size < 1)
		return 0;
	t = data[0] & 1 ? MG_DNS_TCP : MG_DNS_UDP;
	cap = caps[data[0] >> 1 & 3];
	data++;
	size--;
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	n = mg_dns_answer(zone, mg_view_make(buf, size), t, out, cap, &st);
	n2 = mg_dns_answer_slow(zone, mg_view_make(buf, size), t, out2, cap,
	    &st2);
	CHECK(n == n2);
	CHECK(n >= 0 && (size_t)n <= cap);
	if (n > 0) {
		CHECK(memcmp(out, out2, (size_t)n) == 0);
		CHECK(n >= 12 && (out[2] & 0x80) != 0);
		CHECK(out[0] == buf[0] && out[1] == buf[1]);
		CHECK(st.queries == 1);
		if (t == MG_DNS_UDP)
			CHECK((size_t)n <= 1232);
	} else {
		CHECK(st.drop_short + st.drop_response == 1);
	}
	if (mg_dns_query_is_axfr(mg_view_make(buf, size))) {
		struct mg_dns_axfr x;
		int k = 0;

		if (mg_dns_axfr_begin(&x, zone, mg_view_make(buf, size)) == 0)
			while (mg_dns_axfr_next(&x, out, cap, &st) > 0)
				CHECK(++k < 1000);
	}
	free(buf);
	return 0;
}
