/* SPDX-License-Identifier: ISC */
/*
 * fuzz_eth.c: a received frame as an attacker sends it: the Ethernet
 * parser, then the layer its ethertype names (ARP, or IPv4 and ICMP), and
 * the header builder round-tripping what was parsed.
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
	struct mg_eth_stats est = {0};
	struct mg_arp_stats ast = {0};
	struct mg_ip4_stats ist = {0};
	struct mg_icmp_stats cst = {0};
	struct mg_pkt_pool pool;
	struct mg_eth_hdr h, h2;
	struct mg_arp_msg am;
	struct mg_ip4_hdr ih;
	struct mg_icmp_msg cm;
	struct mg_pkt *p;
	uint8_t *buf;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	if (mg_eth_parse(mg_view_make(buf, size), &h, &est) != 0) {
		CHECK(est.rx_short + est.rx_vlan + est.rx_llc == 1);
		goto out;
	}
	CHECK(h.payload.len == size - MG_ETH_HLEN);
	if (h.type == MG_ETH_TYPE_ARP)
		(void)mg_arp_parse(h.payload, &am, &ast);
	if (h.type == MG_ETH_TYPE_IP4 &&
	    mg_ip4_parse(h.payload, &ih, &ist) == 0 &&
	    ih.proto == MG_IP4_PROTO_ICMP)
		(void)mg_icmp_parse(ih.payload, &cm, &cst);

	CHECK(mg_pkt_pool_init(&pool, pktmem, sizeof(pktmem), 2048, 64) > 0);
	p = mg_pkt_alloc(&pool);
	CHECK(p != NULL);
	CHECK(mg_eth_push(p, h.dst, h.src, h.type) == 0);
	CHECK(mg_eth_parse(mg_pkt_view(p), &h2, &est) == 0);
	CHECK(memcmp(h.dst, h2.dst, 6) == 0 && memcmp(h.src, h2.src, 6) == 0);
	CHECK(h.type == h2.type && h2.payload.len == 0);
	CHECK(mg_view_eq(mg_view_make(p->data, MG_ETH_HLEN),
	    mg_view_make(buf, MG_ETH_HLEN)));
	mg_pkt_free(p);
out:
	free(buf);
	return 0;
}
