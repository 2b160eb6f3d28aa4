/* SPDX-License-Identifier: ISC */
/*
 * fuzz_ip4.c: an IPv4 datagram (the Ethernet payload) as an attacker
 * sends it. Checks the parser's promises: exactly one drop counted on
 * failure; on success the views lie inside the input and the header
 * fields agree; a header built from the fields parses back the same.
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
	struct mg_ip4_stats st = {0};
	struct mg_pkt_pool pool;
	struct mg_ip4_hdr h, h2;
	struct mg_ip4_tx tx;
	struct mg_pkt *p;
	uint8_t *buf;
	uint64_t drops;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	if (mg_ip4_parse(mg_view_make(buf, size), &h, &st) != 0) {
		drops = st.rx_short + st.rx_badvers + st.rx_badhlen +
		    st.rx_badlen + st.rx_badsum + st.rx_badopt + st.rx_badfrag +
		    st.rx_badsrc;
		CHECK(drops == 1);
		goto out;
	}
	CHECK(h.hdr.p == buf && h.hdr.len >= MG_IP4_HLEN_MIN &&
	    h.hdr.len <= MG_IP4_HLEN_MAX);
	CHECK(h.opts.len == h.hdr.len - MG_IP4_HLEN_MIN);
	CHECK(h.payload.p == buf + h.hdr.len);
	CHECK(h.hdr.len + h.payload.len <= size);
	CHECK((size_t)h.frag_off + h.hdr.len + h.payload.len <= 65535);

	if (h.ttl == 0 || h.payload.len > 2048 - 64 - MG_IP4_HLEN_MIN)
		goto out;
	tx.src = h.src;
	tx.dst = h.dst;
	tx.proto = h.proto;
	tx.ttl = h.ttl;
	tx.tos = h.tos;
	tx.df = h.df;
	tx.id = h.id;
	CHECK(mg_pkt_pool_init(&pool, pktmem, sizeof(pktmem), 2048, 64) > 0);
	p = mg_pkt_alloc(&pool);
	CHECK(p != NULL);
	CHECK(mg_pkt_put(p, h.payload.len) != NULL);
	if (h.payload.len > 0)
		memcpy(p->data, h.payload.p, h.payload.len);
	CHECK(mg_ip4_push(p, &tx) == 0);
	CHECK(mg_ip4_parse(mg_pkt_view(p), &h2, &st) == 0);
	CHECK(h2.src == h.src && h2.dst == h.dst && h2.proto == h.proto);
	CHECK(h2.ttl == h.ttl && h2.id == h.id && h2.df == h.df);
	CHECK(mg_view_eq(h2.payload, h.payload));
	mg_pkt_free(p);
out:
	free(buf);
	return 0;
}
