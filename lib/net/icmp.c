/* SPDX-License-Identifier: ISC */
/* icmp.c: ICMP messages: parsing, echo reply, unreachable (RFC 792). */
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "net_int.h"

int
mg_icmp_parse(mg_view v, struct mg_icmp_msg *out, struct mg_icmp_stats *st)
{
	struct mg_rd r = mg_rd_init(v);
	struct mg_icmp_msg m;

	m.type = mg_rd_u8(&r);
	m.code = mg_rd_u8(&r);
	m.csum = mg_rd_u16be(&r);
	m.id = mg_rd_u16be(&r);
	m.seq = mg_rd_u16be(&r);
	if (!mg_rd_ok(&r))
		return MG_DROP(st, rx_short);
	/* RFC 792: the checksum covers the ICMP message from its type on;
	 * RFC 1122 3.2.2: it must be verified. */
	if (mg_net_csum_fold(mg_net_csum_add(0, v)) != 0)
		return MG_DROP(st, rx_badsum);
	/* RFC 792 Echo or Echo Reply Message: code 0. */
	if ((m.type == MG_ICMP_ECHO_REQUEST || m.type == MG_ICMP_ECHO_REPLY) &&
	    m.code != 0)
		return MG_DROP(st, rx_badcode);
	m.payload = mg_rd_rest(&r);
	*out = m;
	return 0;
}

/* Write the checksum of the message in w (field zero when called). */
static void
icmp_finish(struct mg_wr *w)
{
	uint16_t csum;

	csum = mg_net_csum_fold(mg_net_csum_add(0, mg_wr_written(w)));
	(void)mg_wr_patch_u16be(w, MG_ICMP_OFF_CSUM, csum);
}

/*
 * RFC 792 Echo or Echo Reply Message, RFC 1122 3.2.2.6: the reply carries
 * the identifier, sequence number and data of the request unchanged.
 * XXX(issue 4): the reply is a copy; turning the request around in place
 * would save it.
 */
int
mg_icmp_echo_reply(struct mg_pkt *p, const struct mg_icmp_msg *req)
{
	struct mg_wr w;

	if (req->type != MG_ICMP_ECHO_REQUEST || p->len != 0)
		return -MG_EINVAL;
	w = mg_pkt_wr(p);
	(void)mg_wr_u8(&w, MG_ICMP_ECHO_REPLY);
	(void)mg_wr_u8(&w, 0);
	(void)mg_wr_u16be(&w, 0);
	(void)mg_wr_u16be(&w, req->id);
	(void)mg_wr_u16be(&w, req->seq);
	(void)mg_wr_view(&w, req->payload);
	if (!mg_wr_ok(&w))
		return -MG_ENOSPC;
	icmp_finish(&w);
	mg_pkt_wr_commit(p, &w);
	return 0;
}

/*
 * RFC 792 Destination Unreachable Message: type 3, code, 4 unused bytes
 * (zero), then the Internet header and the first 64 bits of the original
 * datagram's data (RFC 1122 3.2.2: "at least"; we send exactly that).
 */
int
mg_icmp_unreach(struct mg_pkt *p, uint8_t code, mg_view dgram)
{
	struct mg_rd r;
	struct mg_wr w;
	mg_view quote;
	uint8_t vhl;
	size_t hlen, n;

	if (p->len != 0 || !mg_view_u8(dgram, MG_IP4_OFF_VHL, &vhl))
		return -MG_EINVAL;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (vhl >> 4 != MG_IP4_VERSION || hlen < MG_IP4_HLEN_MIN ||
	    hlen > dgram.len)
		return -MG_EINVAL;
	n = dgram.len - hlen;
	if (n > MG_ICMP_QUOTE_DATA)
		n = MG_ICMP_QUOTE_DATA;
	r = mg_rd_init(dgram);
	quote = mg_rd_take(&r, hlen + n); /* hlen + n <= dgram.len */
	w = mg_pkt_wr(p);
	(void)mg_wr_u8(&w, MG_ICMP_UNREACH);
	(void)mg_wr_u8(&w, code);
	(void)mg_wr_u16be(&w, 0);
	(void)mg_wr_u32be(&w, 0);
	(void)mg_wr_view(&w, quote);
	if (!mg_wr_ok(&w))
		return -MG_ENOSPC;
	icmp_finish(&w);
	mg_pkt_wr_commit(p, &w);
	return 0;
}
