/* SPDX-License-Identifier: ISC */
/*
 * fuzz_icmp.c: an ICMP message (the IPv4 payload) as an attacker sends
 * it; an echo request must be answered by a reply that parses, and an
 * unreachable built over the input (as if it were the offending datagram)
 * must parse too when it builds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static uint8_t pktmem[4096];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_icmp_stats st = {0};
	struct mg_pkt_pool pool;
	struct mg_icmp_msg m, r;
	struct mg_pkt *p;
	uint8_t *buf;
	int rc;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	CHECK(mg_pkt_pool_init(&pool, pktmem, sizeof(pktmem), 2048, 64) > 0);
	p = mg_pkt_alloc(&pool);
	CHECK(p != NULL);

	rc = mg_icmp_unreach(p, MG_ICMP_UNREACH_PORT, mg_view_make(buf, size));
	if (rc == 0) {
		CHECK(p->len <= MG_ICMP_HLEN + MG_IP4_HLEN_MAX + 8);
		CHECK(mg_icmp_parse(mg_pkt_view(p), &r, &st) == 0);
		CHECK(r.type == MG_ICMP_UNREACH && r.payload.len <= size);
		CHECK(mg_pkt_trim(p, 0) == 0);
	} else {
		CHECK(rc == -MG_EINVAL && p->len == 0);
	}

	if (mg_icmp_parse(mg_view_make(buf, size), &m, &st) != 0) {
		CHECK(size < MG_ICMP_HLEN || st.rx_badsum + st.rx_badcode > 0);
		goto out;
	}
	CHECK(m.payload.len == size - MG_ICMP_HLEN);
	if (m.type == MG_ICMP_ECHO_REQUEST) {
		rc = mg_icmp_echo_reply(p, &m);
		if (rc == 0) {
			CHECK(mg_icmp_parse(mg_pkt_view(p), &r, &st) == 0);
			CHECK(r.type == MG_ICMP_ECHO_REPLY && r.id == m.id &&
			    r.seq == m.seq);
			CHECK(mg_view_eq(r.payload, m.payload));
		} else {
			CHECK(rc == -MG_ENOSPC);
		}
	}
out:
	mg_pkt_free(p);
	free(buf);
	return 0;
}
