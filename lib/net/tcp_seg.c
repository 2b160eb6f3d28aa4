/* SPDX-License-Identifier: ISC */
/* tcp_seg.c: TCP segment header and options: parsing and building. */
#include "tcp_int.h"

#include "mg/string.h"

static int
parse_opts(mg_view opts, struct mg_tcp_seg *s, struct mg_tcp_stats *st)
{
	struct mg_rd r = mg_rd_init(opts);
	uint8_t kind, len;

	while (mg_rd_left(&r) > 0) {
		kind = mg_rd_u8(&r);
		if (kind == MG_TCP_OPT_EOL)
			break;
		if (kind == MG_TCP_OPT_NOP)
			continue;
		len = mg_rd_u8(&r);
		if (!mg_rd_ok(&r) || len < 2 || !mg_rd_need(&r, len - 2u))
			return MG_DROP(st, rx_badopt);
		switch (kind) {
		case MG_TCP_OPT_MSS:
			if (len != MG_TCP_OPTLEN_MSS)
				return MG_DROP(st, rx_badopt);
			s->has_mss = true;
			s->mss = mg_rd_u16be(&r);
			break;
		case MG_TCP_OPT_WS:
			if (len != MG_TCP_OPTLEN_WS)
				return MG_DROP(st, rx_badopt);
			s->has_ws = true;
			s->ws = mg_rd_u8(&r);
			if (s->ws > MG_TCP_WS_MAX)
				s->ws = MG_TCP_WS_MAX; /* RFC 7323 2.3 */
			break;
		case MG_TCP_OPT_SACK_PERM:
			if (len != 2)
				return MG_DROP(st, rx_badopt);
			s->sack_ok = true;
			break;
		case MG_TCP_OPT_TS:
			if (len != MG_TCP_OPTLEN_TS)
				return MG_DROP(st, rx_badopt);
			s->has_ts = true;
			s->tsval = mg_rd_u32be(&r);
			s->tsecr = mg_rd_u32be(&r);
			break;
		default:
			mg_rd_skip(&r, len - 2u);
			break;
		}
	}
	return 0;
}

int
mg_tcp_seg_parse(mg_view v, struct mg_tcp_seg *s, struct mg_tcp_stats *st)
{
	struct mg_rd r = mg_rd_init(v);
	mg_view opts;
	uint8_t doff;

	mg_memset(s, 0, sizeof(*s));
	if (v.len < MG_TCP_HLEN_MIN)
		return MG_DROP(st, rx_short);
	s->sport = mg_rd_u16be(&r);
	s->dport = mg_rd_u16be(&r);
	s->seq = mg_rd_u32be(&r);
	s->ack = mg_rd_u32be(&r);
	doff = mg_rd_u8(&r);
	s->flags = mg_rd_u8(&r);
	s->wnd = mg_rd_u16be(&r);
	(void)mg_rd_u16be(&r); /* checksum: checked by the caller */
	s->urp = mg_rd_u16be(&r);
	if (!mg_rd_ok(&r))
		return MG_DROP(st, rx_short);
	s->hlen = (uint8_t)((doff >> 4) * 4);
	if (s->hlen < MG_TCP_HLEN_MIN || s->hlen > v.len)
		return MG_DROP(st, rx_badoff);
	if (!mg_view_sub(v, MG_TCP_HLEN_MIN, s->hlen - MG_TCP_HLEN_MIN,
	        &opts) ||
	    !mg_view_tail(v, s->hlen, &s->payload))
		return MG_DROP(st, rx_badoff);
	return parse_opts(opts, s, st);
}

int
mg_tcp_hdr_push(struct mg_pkt *p, const struct mg_tcp_tx *tx)
{
	size_t olen = 0, hlen, seglen;
	struct mg_wr w;
	uint32_t sum;
	uint16_t c;

	if (tx->mss != 0)
		olen += 4;
	if (tx->ws >= 0)
		olen += 4;
	if (tx->ts)
		olen += 12;
	hlen = MG_TCP_HLEN_MIN + olen;
	if (mg_pkt_push(p, hlen) != 0)
		return -MG_ENOSPC;
	w = mg_wr_init(p->data, hlen);
	mg_wr_u16be(&w, tx->sport);
	mg_wr_u16be(&w, tx->dport);
	mg_wr_u32be(&w, tx->seq);
	mg_wr_u32be(&w, tx->ack);
	mg_wr_u8(&w, (uint8_t)((hlen / 4) << 4));
	mg_wr_u8(&w, tx->flags);
	mg_wr_u16be(&w, tx->wnd);
	mg_wr_u16be(&w, 0); /* checksum */
	mg_wr_u16be(&w, 0); /* urgent pointer */
	if (tx->mss != 0) {
		mg_wr_u8(&w, MG_TCP_OPT_MSS);
		mg_wr_u8(&w, MG_TCP_OPTLEN_MSS);
		mg_wr_u16be(&w, tx->mss);
	}
	if (tx->ws >= 0) {
		mg_wr_u8(&w, MG_TCP_OPT_NOP);
		mg_wr_u8(&w, MG_TCP_OPT_WS);
		mg_wr_u8(&w, MG_TCP_OPTLEN_WS);
		mg_wr_u8(&w, (uint8_t)tx->ws);
	}
	if (tx->ts) {
		mg_wr_u8(&w, MG_TCP_OPT_NOP);
		mg_wr_u8(&w, MG_TCP_OPT_NOP);
		mg_wr_u8(&w, MG_TCP_OPT_TS);
		mg_wr_u8(&w, MG_TCP_OPTLEN_TS);
		mg_wr_u32be(&w, tx->tsval);
		mg_wr_u32be(&w, tx->tsecr);
	}
	seglen = p->len;
	sum = mg_net_csum_pseudo4(tx->src, tx->dst, MG_IP4_PROTO_TCP,
	    (uint16_t)seglen);
	c = mg_net_csum_fold(mg_net_csum_add(sum, mg_pkt_view(p)));
	p->data[MG_TCP_OFF_CSUM] = (uint8_t)(c >> 8);
	p->data[MG_TCP_OFF_CSUM + 1] = (uint8_t)c;
	return 0;
}
