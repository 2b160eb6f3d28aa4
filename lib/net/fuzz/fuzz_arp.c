/* SPDX-License-Identifier: ISC */
/*
 * fuzz_arp.c: an ARP packet (the Ethernet payload) as an attacker sends
 * it; what parses must build back to the same 28 bytes, and the reply to
 * it must parse.
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
	static const uint8_t us[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	struct mg_arp_stats st = {0};
	struct mg_pkt_pool pool;
	struct mg_arp_msg m, m2;
	struct mg_pkt *p;
	uint8_t *buf;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	if (mg_arp_parse(mg_view_make(buf, size), &m, &st) != 0) {
		CHECK(st.rx_short + st.rx_badhtype + st.rx_badptype +
		        st.rx_badhlen + st.rx_badplen + st.rx_badop ==
		    1);
		goto out;
	}
	CHECK(size >= MG_ARP_LEN);
	CHECK(mg_pkt_pool_init(&pool, pktmem, sizeof(pktmem), 2048, 64) > 0);
	p = mg_pkt_alloc(&pool);
	CHECK(p != NULL);
	CHECK(mg_arp_push(p, &m) == 0);
	CHECK(mg_view_eq(mg_pkt_view(p), mg_view_make(buf, MG_ARP_LEN)));
	CHECK(mg_pkt_trim(p, 0) == 0);
	mg_arp_reply(&m2, &m, us, 0x0a000002);
	CHECK(mg_arp_push(p, &m2) == 0);
	CHECK(mg_arp_parse(mg_pkt_view(p), &m, &st) == 0);
	CHECK(m.op == MG_ARP_OP_REPLY && m.spa == 0x0a000002);
	mg_pkt_free(p);
out:
	free(buf);
	return 0;
}
