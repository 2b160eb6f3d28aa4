/* SPDX-License-Identifier: ISC */
/* arp.c: ARP packets for Ethernet/IPv4 (RFC 826). */
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "net_int.h"

/*
 * RFC 826 "Packet Reception": check hardware type, protocol type and the
 * address lengths before using the addresses; only Ethernet/IPv4 is
 * spoken here, so anything else is dropped rather than skipped.
 */
int
mg_arp_parse(mg_view v, struct mg_arp_msg *out, struct mg_arp_stats *st)
{
	struct mg_rd r = mg_rd_init(v);
	struct mg_arp_msg m;
	uint16_t htype, ptype;
	uint8_t hlen, plen;

	htype = mg_rd_u16be(&r);
	ptype = mg_rd_u16be(&r);
	hlen = mg_rd_u8(&r);
	plen = mg_rd_u8(&r);
	m.op = mg_rd_u16be(&r);
	(void)mg_rd_copy(&r, m.sha, MG_ETH_ADDR_LEN);
	m.spa = mg_rd_u32be(&r);
	(void)mg_rd_copy(&r, m.tha, MG_ETH_ADDR_LEN);
	m.tpa = mg_rd_u32be(&r);
	if (!mg_rd_ok(&r))
		return MG_DROP(st, rx_short);
	if (htype != MG_ARP_HTYPE_ETHER)
		return MG_DROP(st, rx_badhtype);
	if (ptype != MG_ARP_PTYPE_IP4)
		return MG_DROP(st, rx_badptype);
	if (hlen != MG_ARP_HLEN_ETHER)
		return MG_DROP(st, rx_badhlen);
	if (plen != MG_ARP_PLEN_IP4)
		return MG_DROP(st, rx_badplen);
	if (m.op != MG_ARP_OP_REQUEST && m.op != MG_ARP_OP_REPLY)
		return MG_DROP(st, rx_badop);
	*out = m;
	return 0;
}

int
mg_arp_push(struct mg_pkt *p, const struct mg_arp_msg *m)
{
	struct mg_wr w;
	int rc;

	if (m->op != MG_ARP_OP_REQUEST && m->op != MG_ARP_OP_REPLY)
		return -MG_EINVAL;
	rc = mg_pkt_push(p, MG_ARP_LEN);
	if (rc != 0)
		return rc;
	w = mg_wr_init(p->data, MG_ARP_LEN);
	(void)mg_wr_u16be(&w, MG_ARP_HTYPE_ETHER);
	(void)mg_wr_u16be(&w, MG_ARP_PTYPE_IP4);
	(void)mg_wr_u8(&w, MG_ARP_HLEN_ETHER);
	(void)mg_wr_u8(&w, MG_ARP_PLEN_IP4);
	(void)mg_wr_u16be(&w, m->op);
	(void)mg_wr_bytes(&w, m->sha, MG_ETH_ADDR_LEN);
	(void)mg_wr_u32be(&w, m->spa);
	(void)mg_wr_bytes(&w, m->tha, MG_ETH_ADDR_LEN);
	(void)mg_wr_u32be(&w, m->tpa);
	return 0;
}

void
mg_arp_request(struct mg_arp_msg *m, const uint8_t sha[MG_ETH_ADDR_LEN],
    uint32_t spa, uint32_t tpa)
{
	m->op = MG_ARP_OP_REQUEST;
	__builtin_memcpy(m->sha, sha, MG_ETH_ADDR_LEN);
	m->spa = spa;
	__builtin_memset(m->tha, 0, MG_ETH_ADDR_LEN); /* unknown yet */
	m->tpa = tpa;
}

/* RFC 826: swap sender and target, put our addresses in the sender. */
void
mg_arp_reply(struct mg_arp_msg *m, const struct mg_arp_msg *req,
    const uint8_t sha[MG_ETH_ADDR_LEN], uint32_t spa)
{
	struct mg_arp_msg q = *req; /* m may alias req */

	m->op = MG_ARP_OP_REPLY;
	__builtin_memcpy(m->tha, q.sha, MG_ETH_ADDR_LEN);
	m->tpa = q.spa;
	__builtin_memcpy(m->sha, sha, MG_ETH_ADDR_LEN);
	m->spa = spa;
}
