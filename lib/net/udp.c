/* SPDX-License-Identifier: ISC */
/* udp.c: UDP on the direct stack (RFC 768, RFC 1122 4.1). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/net.h"
#include "mg/pkt.h"
#include "mg/string.h"
#include "mg/udp.h"
#include "mg/view.h"

#include "net_int.h"

static struct mg_udp *
udp_find(struct mg_net *n, uint16_t port)
{
	struct mg_udp *u;

	for (u = n->udps; u != NULL; u = u->next)
		if (u->port == port)
			return u;
	return NULL;
}

static bool
udp_port_used(struct mg_net *n, uint16_t port)
{
	return udp_find(n, port) != NULL ||
	    (n->dhcp != NULL && port == MG_UDP_PORT_DHCP_CLIENT);
}

int
mg_net_udp_open(struct mg_net *n, uint16_t port, mg_udp_recv_fn fn, void *ctx,
    struct mg_udp **out)
{
	struct mg_udp *u;

	if (port == 0) {
		port = mg_net_ephemeral(n, udp_port_used);
		if (port == 0)
			return -MG_EADDRINUSE;
	} else if (udp_port_used(n, port)) {
		return -MG_EADDRINUSE;
	}
	u = mg_calloc(1, sizeof(*u));
	if (u == NULL)
		return -MG_ENOMEM;
	u->net = n;
	u->fn = fn;
	u->ctx = ctx;
	u->port = port;
	u->next = n->udps;
	n->udps = u;
	*out = u;
	return 0;
}

void
mg_net_udp_close(struct mg_udp *u)
{
	struct mg_udp **pp;

	for (pp = &u->net->udps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	mg_free(u);
}

int
mg_net_udp_output(struct mg_net *n, struct mg_pkt *p, uint32_t src,
    uint16_t sport, uint32_t dst, uint16_t dport)
{
	size_t len = p->len + MG_UDP_HLEN;
	uint32_t sum;
	uint16_t c;
	uint8_t *h;

	if (len > MG_UDP_PAYLOAD_MAX + MG_UDP_HLEN) {
		mg_pkt_free(p);
		return -MG_EMSGSIZE;
	}
	if (mg_pkt_push(p, MG_UDP_HLEN) < 0) {
		mg_pkt_free(p);
		return -MG_ENOSPC;
	}
	h = p->data;
	h[0] = (uint8_t)(sport >> 8);
	h[1] = (uint8_t)sport;
	h[2] = (uint8_t)(dport >> 8);
	h[3] = (uint8_t)dport;
	h[4] = (uint8_t)(len >> 8);
	h[5] = (uint8_t)len;
	h[6] = h[7] = 0;
	if (src == 0)
		src = n->addr;
	sum = mg_net_csum_pseudo4(src, dst, MG_IP4_PROTO_UDP, (uint16_t)len);
	c = mg_net_csum_fold(mg_net_csum_add(sum, mg_pkt_view(p)));
	if (c == 0)
		c = 0xffff; /* 0 means "no checksum" (RFC 768) */
	h[6] = (uint8_t)(c >> 8);
	h[7] = (uint8_t)c;
	n->st.udp.tx_datagrams++;
	return mg_net_ip4_output(n, p, src, dst, MG_IP4_PROTO_UDP, false);
}

int
mg_net_udp_send(struct mg_udp *u, const struct mg_ep4 *to, struct mg_pkt *p)
{
	struct mg_net *n = u->net;

	if (n->addr == 0 && to->addr != MG_IP4_ADDR_BROADCAST) {
		mg_pkt_free(p);
		return -MG_ENETUNREACH;
	}
	if (to->port == 0 || to->addr == 0) {
		mg_pkt_free(p);
		return -MG_EINVAL;
	}
	return mg_net_udp_output(n, p, 0, u->port, to->addr, to->port);
}

void
mg_net_udp_input(struct mg_net *n, const struct mg_ip4_hdr *ip,
    struct mg_pkt *p)
{
	mg_view v = mg_pkt_view(p);
	uint16_t sport, dport, len, csum;
	struct mg_udp *u;
	struct mg_ep4 from;
	bool bcast;

	if (!mg_view_u16be(v, MG_UDP_OFF_SPORT, &sport) ||
	    !mg_view_u16be(v, MG_UDP_OFF_DPORT, &dport) ||
	    !mg_view_u16be(v, MG_UDP_OFF_LEN, &len) ||
	    !mg_view_u16be(v, MG_UDP_OFF_CSUM, &csum)) {
		n->st.udp.rx_short++;
		goto drop;
	}
	/* The length field may be shorter than the IP payload (padding),
	 * never longer, never shorter than the header. */
	if (len < MG_UDP_HLEN || len > v.len) {
		n->st.udp.rx_badlen++;
		goto drop;
	}
	v.len = len;
	if (csum != 0 &&
	    mg_net_csum_fold(mg_net_csum_add(
	        mg_net_csum_pseudo4(ip->src, ip->dst, MG_IP4_PROTO_UDP, len),
	        v)) != 0) {
		n->st.udp.rx_badsum++;
		goto drop;
	}
	if (mg_pkt_trim(p, len) < 0 || mg_pkt_pull(p, MG_UDP_HLEN) < 0)
		goto drop;
	bcast = ip->dst != n->addr;
	if (dport == MG_UDP_PORT_DHCP_CLIENT && n->dhcp != NULL) {
		mg_dhcp_input(n, ip, mg_pkt_view(p));
		goto drop;
	}
	if (n->addr == 0) {
		n->st.ifc.ip_unconf++;
		goto drop;
	}
	u = udp_find(n, dport);
	if (u == NULL) {
		if (bcast) {
			n->st.udp.rx_bcast++;
		} else {
			n->st.udp.rx_noport++;
			mg_net_icmp_unreach(n, ip, MG_ICMP_UNREACH_PORT);
		}
		goto drop;
	}
	n->st.udp.rx_datagrams++;
	from.addr = ip->src;
	from.port = sport;
	u->fn(u->ctx, u, &from, ip->dst, mg_pkt_view(p), p);
drop:
	mg_pkt_free(p);
}
