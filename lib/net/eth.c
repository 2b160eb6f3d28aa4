/* SPDX-License-Identifier: ISC */
/* eth.c: Ethernet II header parsing and building (RFC 894). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "net_int.h"

int
mg_eth_parse(mg_view frame, struct mg_eth_hdr *out, struct mg_eth_stats *st)
{
	struct mg_rd r = mg_rd_init(frame);
	uint16_t type;

	(void)mg_rd_copy(&r, out->dst, MG_ETH_ADDR_LEN);
	(void)mg_rd_copy(&r, out->src, MG_ETH_ADDR_LEN);
	type = mg_rd_u16be(&r);
	if (!mg_rd_ok(&r))
		return MG_DROP(st, rx_short);
	/* NOTE(eth): tagged frames dropped, not skipped (see net_int.h). */
	if (type == MG_ETH_TYPE_VLAN || type == MG_ETH_TYPE_QINQ)
		return MG_DROP(st, rx_vlan);
	/* RFC 894 / IEEE 802.3 3.2.6: <= 1500 is a length (LLC), not a type. */
	if (type < MG_ETH_TYPE_MIN)
		return MG_DROP(st, rx_llc);
	out->type = type;
	out->payload = mg_rd_rest(&r);
	return 0;
}

int
mg_eth_push(struct mg_pkt *p, const uint8_t dst[MG_ETH_ADDR_LEN],
    const uint8_t src[MG_ETH_ADDR_LEN], uint16_t type)
{
	struct mg_wr w;
	int rc;

	rc = mg_pkt_push(p, MG_ETH_HLEN);
	if (rc != 0)
		return rc;
	w = mg_wr_init(p->data, MG_ETH_HLEN);
	(void)mg_wr_bytes(&w, dst, MG_ETH_ADDR_LEN);
	(void)mg_wr_bytes(&w, src, MG_ETH_ADDR_LEN);
	(void)mg_wr_u16be(&w, type);
	return 0;
}

bool
mg_eth_is_broadcast(const uint8_t a[MG_ETH_ADDR_LEN])
{
	mg_view v = mg_view_make(a, MG_ETH_ADDR_LEN);
	uint8_t b;
	size_t i;

	for (i = 0; i < MG_ETH_ADDR_LEN; i++)
		if (!mg_view_u8(v, i, &b) || b != 0xff)
			return false;
	return true;
}

bool
mg_eth_is_multicast(const uint8_t a[MG_ETH_ADDR_LEN])
{
	mg_view v = mg_view_make(a, MG_ETH_ADDR_LEN);
	uint8_t b = 0;

	/* IEEE 802-2014 8.2: the I/G bit, first bit on the wire. */
	return mg_view_u8(v, 0, &b) && (b & 1) != 0;
}
