/* SPDX-License-Identifier: ISC */
/* dhcp_msg.c: DHCP message parsing and building (RFC 2131 2, RFC 2132). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/pkt.h"
#include "mg/string.h"
#include "mg/view.h"

#include "dhcp_int.h"

int
mg_dhcp_prefix(uint32_t mask)
{
	uint32_t inv = ~mask;
	int prefix = 32;

	/* Contiguous: the inverted mask is 2^k - 1. */
	if ((inv & (inv + 1)) != 0)
		return -1;
	for (; inv != 0; inv >>= 1)
		prefix--;
	return prefix;
}

/* One option's body, by code; false if it is malformed. */
static bool
dhcp_opt(struct mg_dhcp_msg *m, uint8_t code, mg_view body, bool main_area)
{
	struct mg_rd r = mg_rd_init(body);
	size_t i, n;

	switch (code) {
	case MG_DHCP_OPT_MASK:
		if (body.len != 4)
			return false;
		m->mask = mg_rd_u32be(&r);
		if (mg_dhcp_prefix(m->mask) < 0)
			return false;
		m->prefix = (uint8_t)mg_dhcp_prefix(m->mask);
		m->has_mask = true;
		break;
	case MG_DHCP_OPT_ROUTER:
		if (body.len < 4 || body.len % 4 != 0)
			return false;
		m->router = mg_rd_u32be(&r);
		break;
	case MG_DHCP_OPT_DNS:
		if (body.len < 4 || body.len % 4 != 0)
			return false;
		n = body.len / 4;
		for (i = 0; i < n && i < MG_DHCP_DNS_MAX; i++)
			m->dns[i] = mg_rd_u32be(&r);
		m->ndns = (uint8_t)i;
		break;
	case MG_DHCP_OPT_REQIP:
	case MG_DHCP_OPT_SERVER_ID:
	case MG_DHCP_OPT_LEASE:
	case MG_DHCP_OPT_T1:
	case MG_DHCP_OPT_T2: {
		uint32_t x;

		if (body.len != 4)
			return false;
		x = mg_rd_u32be(&r);
		if (code == MG_DHCP_OPT_REQIP)
			m->reqip = x;
		else if (code == MG_DHCP_OPT_SERVER_ID)
			m->server_id = x;
		else if (code == MG_DHCP_OPT_LEASE) {
			m->lease = x;
			m->has_lease = true;
		} else if (code == MG_DHCP_OPT_T1)
			m->t1 = x;
		else
			m->t2 = x;
		break;
	}
	case MG_DHCP_OPT_OVERLOAD:
		if (body.len != 1)
			return false;
		/* RFC 2131 4.1: only meaningful in the options field. */
		if (main_area) {
			m->overload = mg_rd_u8(&r);
			if (m->overload < 1 || m->overload > 3)
				return false;
		}
		break;
	case MG_DHCP_OPT_TYPE:
		if (body.len != 1)
			return false;
		m->type = mg_rd_u8(&r);
		if (m->type < MG_DHCP_DISCOVER || m->type > MG_DHCP_INFORM)
			return false;
		break;
	case MG_DHCP_OPT_MAXMSG:
		if (body.len != 2)
			return false;
		m->maxmsg = mg_rd_u16be(&r);
		break;
	case MG_DHCP_OPT_CLIENT_ID:
		m->client_id = body;
		break;
	case MG_DHCP_OPT_PARAMS:
		m->params = body;
		break;
	default:
		break; /* not used by the client */
	}
	return mg_rd_ok(&r);
}

/*
 * RFC 2132 2: Pad and End are one byte, every other option is code,
 * length, data. The walk ends at End or at the end of the area; each turn
 * consumes at least one byte, so it is bounded by the area's length. An
 * option that runs past the area fails the message. The first instance of
 * a code wins (seen); RFC 3396 concatenation of split long options is not
 * done, as no option the client uses may exceed 255 bytes.
 */
static bool
dhcp_opts(struct mg_dhcp_msg *m, mg_view area, uint8_t seen[32], bool main_area)
{
	struct mg_rd r = mg_rd_init(area);

	while (mg_rd_left(&r) > 0) {
		mg_view body;
		uint8_t code, len;

		code = mg_rd_u8(&r);
		if (code == MG_DHCP_OPT_PAD)
			continue;
		if (code == MG_DHCP_OPT_END)
			break;
		len = mg_rd_u8(&r);
		body = mg_rd_take(&r, len);
		if (!mg_rd_ok(&r))
			return false;
		if (seen[code / 8] & (1u << (code % 8)))
			continue;
		seen[code / 8] |= (uint8_t)(1u << (code % 8));
		if (!dhcp_opt(m, code, body, main_area))
			return false;
	}
	return mg_rd_ok(&r);
}

int
mg_dhcp_parse(mg_view v, struct mg_dhcp_msg *out, struct mg_dhcp_stats *st)
{
	struct mg_rd r = mg_rd_init(v);
	struct mg_dhcp_msg m;
	uint8_t seen[32];
	mg_view sname, file, opts;

	mg_memset(&m, 0, sizeof(m));
	mg_memset(seen, 0, sizeof(seen));
	m.op = mg_rd_u8(&r);
	m.htype = mg_rd_u8(&r);
	m.hlen = mg_rd_u8(&r);
	(void)mg_rd_u8(&r); /* hops */
	m.xid = mg_rd_u32be(&r);
	m.secs = mg_rd_u16be(&r);
	m.flags = mg_rd_u16be(&r);
	m.ciaddr = mg_rd_u32be(&r);
	m.yiaddr = mg_rd_u32be(&r);
	m.siaddr = mg_rd_u32be(&r);
	m.giaddr = mg_rd_u32be(&r);
	(void)mg_rd_copy(&r, m.chaddr, MG_DHCP_CHADDR_LEN);
	sname = mg_rd_take(&r, MG_DHCP_SNAME_LEN);
	file = mg_rd_take(&r, MG_DHCP_FILE_LEN);
	if (mg_rd_u32be(&r) != MG_DHCP_COOKIE || !mg_rd_ok(&r))
		return MG_DROP(st, rx_bad);
	opts = mg_rd_rest(&r);

	/* RFC 2131 4.1: options, then file, then sname when overloaded. */
	if (!dhcp_opts(&m, opts, seen, true))
		return MG_DROP(st, rx_bad);
	if ((m.overload & MG_DHCP_OVERLOAD_FILE) != 0 &&
	    !dhcp_opts(&m, file, seen, false))
		return MG_DROP(st, rx_bad);
	if ((m.overload & MG_DHCP_OVERLOAD_SNAME) != 0 &&
	    !dhcp_opts(&m, sname, seen, false))
		return MG_DROP(st, rx_bad);
	if (m.type == 0)
		return MG_DROP(st, rx_bad); /* BOOTP, not DHCP */
	*out = m;
	return 0;
}

int
mg_dhcp_build(struct mg_pkt *p, const struct mg_dhcp_tx *m)
{
	/* RFC 2132 9.8: the parameters the client asks for. */
	static const uint8_t params[] = {MG_DHCP_OPT_MASK, MG_DHCP_OPT_ROUTER,
	    MG_DHCP_OPT_DNS, MG_DHCP_OPT_LEASE};
	struct mg_wr w;

	if (p->len != 0)
		return -MG_EINVAL;
	w = mg_pkt_wr(p);
	mg_wr_u8(&w, MG_DHCP_OP_REQUEST);
	mg_wr_u8(&w, MG_DHCP_HTYPE_ETH);
	mg_wr_u8(&w, 6);
	mg_wr_u8(&w, 0); /* hops */
	mg_wr_u32be(&w, m->xid);
	mg_wr_u16be(&w, m->secs);
	mg_wr_u16be(&w, m->flags);
	mg_wr_u32be(&w, m->ciaddr);
	mg_wr_zero(&w, 12); /* yiaddr, siaddr, giaddr */
	mg_wr_bytes(&w, m->mac, 6);
	mg_wr_zero(&w,
	    MG_DHCP_CHADDR_LEN - 6 + MG_DHCP_SNAME_LEN + MG_DHCP_FILE_LEN);
	mg_wr_u32be(&w, MG_DHCP_COOKIE);

	mg_wr_u8(&w, MG_DHCP_OPT_TYPE);
	mg_wr_u8(&w, 1);
	mg_wr_u8(&w, m->type);
	/* RFC 2132 9.14: type 1 (Ethernet) and the hardware address. */
	mg_wr_u8(&w, MG_DHCP_OPT_CLIENT_ID);
	mg_wr_u8(&w, 7);
	mg_wr_u8(&w, MG_DHCP_HTYPE_ETH);
	mg_wr_bytes(&w, m->mac, 6);
	if (m->reqip != 0) {
		mg_wr_u8(&w, MG_DHCP_OPT_REQIP);
		mg_wr_u8(&w, 4);
		mg_wr_u32be(&w, m->reqip);
	}
	if (m->server_id != 0) {
		mg_wr_u8(&w, MG_DHCP_OPT_SERVER_ID);
		mg_wr_u8(&w, 4);
		mg_wr_u32be(&w, m->server_id);
	}
	if (m->params) {
		mg_wr_u8(&w, MG_DHCP_OPT_PARAMS);
		mg_wr_u8(&w, sizeof(params));
		mg_wr_bytes(&w, params, sizeof(params));
	}
	if (m->maxmsg != 0) {
		mg_wr_u8(&w, MG_DHCP_OPT_MAXMSG);
		mg_wr_u8(&w, 2);
		mg_wr_u16be(&w, m->maxmsg);
	}
	mg_wr_u8(&w, MG_DHCP_OPT_END);
	if (mg_wr_len(&w) < MG_DHCP_MSG_MIN)
		mg_wr_zero(&w, MG_DHCP_MSG_MIN - mg_wr_len(&w));
	if (!mg_wr_ok(&w))
		return -MG_ENOSPC;
	mg_pkt_wr_commit(p, &w);
	return 0;
}
