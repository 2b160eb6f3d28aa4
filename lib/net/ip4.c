/* SPDX-License-Identifier: ISC */
/* ip4.c: IPv4 header parsing and building (RFC 791, RFC 1122 3.2.1). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "net_int.h"

/*
 * RFC 791 3.1 "Options": EOL and NOP are one byte; every other option is
 * type, length (counting both), data. The walk is bounded by the options
 * area (at most 40 bytes) and fails if an option runs past it. Options are
 * not interpreted: RFC 1122 3.2.1.8 lets a host ignore the ones it does not
 * implement, and source routes are not honoured.
 */
static bool
ip4_opts_ok(mg_view opts)
{
	struct mg_rd r = mg_rd_init(opts);

	while (mg_rd_left(&r) > 0) {
		uint8_t type, len;

		type = mg_rd_u8(&r);
		if (type == MG_IP4_OPT_EOL)
			break;
		if (type == MG_IP4_OPT_NOP)
			continue;
		len = mg_rd_u8(&r);
		if (!mg_rd_ok(&r) || len < 2)
			return false;
		if (!mg_rd_skip(&r, (size_t)len - 2))
			return false;
	}
	return mg_rd_ok(&r);
}

int
mg_ip4_parse(mg_view v, struct mg_ip4_hdr *out, struct mg_ip4_stats *st)
{
	struct mg_rd r = mg_rd_init(v);
	struct mg_ip4_hdr h;
	uint8_t vhl;
	uint16_t totlen, frag;
	size_t hlen;

	vhl = mg_rd_u8(&r);
	h.tos = mg_rd_u8(&r);
	totlen = mg_rd_u16be(&r);
	h.id = mg_rd_u16be(&r);
	frag = mg_rd_u16be(&r);
	h.ttl = mg_rd_u8(&r);
	h.proto = mg_rd_u8(&r);
	(void)mg_rd_u16be(&r); /* checksum: verified over the whole header */
	h.src = mg_rd_u32be(&r);
	h.dst = mg_rd_u32be(&r);
	if (!mg_rd_ok(&r))
		return MG_DROP(st, rx_short);
	/* RFC 1122 3.2.1.1: silently discard a version other than 4. */
	if (vhl >> 4 != MG_IP4_VERSION)
		return MG_DROP(st, rx_badvers);
	/* RFC 791 3.1: IHL counts 32-bit words; the minimum is 5. */
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < MG_IP4_HLEN_MIN || hlen > totlen)
		return MG_DROP(st, rx_badhlen);
	/*
	 * Total length against the bytes present: fewer is a truncated
	 * datagram; more is Ethernet padding (a frame is at least 60 bytes),
	 * trimmed here so that upper layers see only the datagram.
	 */
	if (totlen > v.len)
		return MG_DROP(st, rx_badlen);
	if (!mg_view_sub(v, 0, hlen, &h.hdr) ||
	    !mg_view_sub(v, hlen, (size_t)totlen - hlen, &h.payload))
		return MG_DROP(st, rx_badlen); /* not reached: checked above */
	/* RFC 1122 3.2.1.2: verify the checksum, silently discard if bad. */
	if (mg_net_csum_fold(mg_net_csum_add(0, h.hdr)) != 0)
		return MG_DROP(st, rx_badsum);
	(void)mg_view_tail(h.hdr, MG_IP4_HLEN_MIN, &h.opts);
	if (!ip4_opts_ok(h.opts))
		return MG_DROP(st, rx_badopt);
	/*
	 * RFC 791 3.2 Fragmentation: the offset is in 8-byte units; no
	 * fragment may end beyond the largest datagram (65535 bytes), which
	 * the reassembly of issue 4 relies on. The reserved flag is ignored.
	 */
	h.df = (frag & MG_IP4_FLAG_DF) != 0;
	h.mf = (frag & MG_IP4_FLAG_MF) != 0;
	h.frag_off = (uint16_t)((frag & MG_IP4_FRAG_MASK) * 8u);
	if ((size_t)h.frag_off + hlen + h.payload.len > MG_IP4_LEN_MAX)
		return MG_DROP(st, rx_badfrag);
	/*
	 * RFC 1122 3.2.1.3: a host must discard a datagram whose source is a
	 * broadcast or multicast address; class E (240/4, reserved, RFC 1112
	 * 4) goes with it. Directed broadcasts need the interface address
	 * and are checked by the stack. 0.0.0.0 is allowed (DHCP, RFC 2131).
	 * TTL is not checked: RFC 1122 3.2.1.7, a host must not discard a
	 * datagram for its TTL.
	 */
	if ((h.src & MG_IP4_ADDR_MCAST_NET) == MG_IP4_ADDR_MCAST_NET)
		return MG_DROP(st, rx_badsrc);
	*out = h;
	return 0;
}

int
mg_ip4_push(struct mg_pkt *p, const struct mg_ip4_tx *h)
{
	struct mg_wr w;
	size_t len;
	uint16_t csum;
	int rc;

	if (h->ttl == 0) /* RFC 1122 3.2.1.7: must not send TTL 0 */
		return -MG_EINVAL;
	if (p->len > MG_IP4_LEN_MAX - MG_IP4_HLEN_MIN)
		return -MG_EMSGSIZE;
	len = p->len + MG_IP4_HLEN_MIN;
	rc = mg_pkt_push(p, MG_IP4_HLEN_MIN);
	if (rc != 0)
		return rc;
	w = mg_wr_init(p->data, MG_IP4_HLEN_MIN);
	(void)mg_wr_u8(&w, MG_IP4_VERSION << 4 | MG_IP4_HLEN_MIN / 4);
	(void)mg_wr_u8(&w, h->tos);
	(void)mg_wr_u16be(&w, (uint16_t)len);
	(void)mg_wr_u16be(&w, h->id);
	(void)mg_wr_u16be(&w, h->df ? MG_IP4_FLAG_DF : 0);
	(void)mg_wr_u8(&w, h->ttl);
	(void)mg_wr_u8(&w, h->proto);
	(void)mg_wr_u16be(&w, 0);
	(void)mg_wr_u32be(&w, h->src);
	(void)mg_wr_u32be(&w, h->dst);
	/* RFC 791 3.1 Header Checksum: computed with the field zero. */
	csum = mg_net_csum_fold(mg_net_csum_add(0, mg_wr_written(&w)));
	(void)mg_wr_patch_u16be(&w, MG_IP4_OFF_CSUM, csum);
	return 0;
}
