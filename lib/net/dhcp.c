/* SPDX-License-Identifier: ISC */
/* dhcp.c: the DHCP client (RFC 2131, options RFC 2132). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_LOG_TAG "dhcp"

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/pkt.h"
#include "mg/string.h"
#include "mg/time.h"
#include "mg/view.h"

#include "dhcp_int.h"
#include "net_int.h"

/*
 * The client (RFC 2131 4.4, figure 5). INIT is not a resting state: the
 * client sends a DISCOVER at once and waits in SELECTING. INIT-REBOOT is
 * not implemented (no lease survives a reboot).
 */
enum dhcp_state {
	DHCP_SELECTING = 1,
	DHCP_REQUESTING,
	DHCP_BOUND,
	DHCP_RENEWING,
	DHCP_REBINDING,
};

/* RFC 2131 4.1: 4 s doubling to 64 s, each randomised by +-1 s. */
#define DHCP_RTO_FIRST MG_SEC(4)
#define DHCP_RTO_MAX   MG_SEC(64)
#define DHCP_JITTER_MS 1000
/* REQUESTs sent in REQUESTING before going back to INIT (4+8+16+32 s). */
#define DHCP_REQ_TRIES 4
/* RFC 2131 4.4.5: renewal/rebinding retransmissions no closer than 60 s. */
#define DHCP_RENEW_MIN MG_SEC(60)
/* NOTE(dhcp): shorter leases are stretched to this, so a server handing
 * out 0 s leases cannot make us spin. */
#define DHCP_LEASE_MIN 10

struct mg_dhcp {
	struct mg_net *net;
	enum dhcp_state state;
	uint32_t xid;
	uint16_t disc_secs;    /* 'secs' of the last DISCOVER */
	unsigned tries;        /* sends of the current message */
	mg_time_t rto;         /* next retransmission delay (without jitter) */
	mg_time_t start;       /* when this acquisition or renewal began */
	mg_time_t req_time;    /* when the first REQUEST of it was sent */
	struct mg_timer rtx;   /* retransmission */
	struct mg_timer lease; /* T1, T2, expiry */
	/* The offer being requested, then the lease held. */
	uint32_t server;
	uint32_t addr;
	uint8_t prefix;
	uint32_t gw;
	uint32_t secs;                  /* lease length */
	mg_time_t t1_at, t2_at, exp_at; /* MG_TIME_NEVER: infinite lease */
};

static void dhcp_restart(struct mg_dhcp *d);

static mg_time_t
dhcp_jitter(struct mg_dhcp *d, mg_time_t base)
{
	uint32_t r = mg_net_rand32(d->net) % (2 * DHCP_JITTER_MS + 1);

	return base - MG_MSEC(DHCP_JITTER_MS) + MG_MSEC(r);
}

static void
dhcp_send(struct mg_dhcp *d, uint8_t type)
{
	struct mg_net *n = d->net;
	struct mg_dhcp_tx m;
	struct mg_pkt *p;
	mg_time_t el;
	uint32_t src = 0, dst = MG_IP4_ADDR_BROADCAST;

	mg_memset(&m, 0, sizeof(m));
	m.type = type;
	m.xid = d->xid;
	el = (mg_net_now(n) - d->start) / MG_SEC(1);
	m.secs = el > 0xffff ? 0xffff : (uint16_t)el;
	/* RFC 2131 4.4.1: a REQUEST after an OFFER repeats the 'secs' of
	 * the DISCOVER it answers. */
	if (type == MG_DHCP_DISCOVER)
		d->disc_secs = m.secs;
	else if (d->state == DHCP_REQUESTING)
		m.secs = d->disc_secs;
	mg_memcpy(m.mac, n->mac, 6);
	m.params = true;
	m.maxmsg = n->mtu >= MG_DHCP_MAXMSG_MIN ? n->mtu : MG_DHCP_MAXMSG_MIN;
	/* RFC 2131 4.1: ask for broadcast replies while we cannot take
	 * unicast ones to an address we do not have yet. */
	if (n->addr == 0)
		m.flags = MG_DHCP_FLAG_BROADCAST;
	/* RFC 2131 4.3.2 / table 5: what a REQUEST carries in each state. */
	if (type == MG_DHCP_REQUEST) {
		switch (d->state) {
		case DHCP_REQUESTING:
			m.reqip = d->addr;
			m.server_id = d->server;
			break;
		case DHCP_RENEWING:
			m.ciaddr = n->addr;
			src = n->addr;
			dst = d->server;
			break;
		default: /* REBINDING */
			m.ciaddr = n->addr;
			src = n->addr;
			break;
		}
	}
	if (type == MG_DHCP_DISCOVER)
		n->st.dhcp.tx_discover++;
	else
		n->st.dhcp.tx_request++;
	p = mg_net_pkt_alloc(n);
	if (p == NULL)
		return; /* retransmission will try again */
	if (mg_dhcp_build(p, &m) != 0) {
		mg_pkt_free(p);
		return;
	}
	(void)mg_net_udp_output(n, p, src, MG_DHCP_CLIENT_PORT, dst,
	    MG_DHCP_SERVER_PORT);
}

/* Send (again) what the state sends and arm the retransmission timer. */
static void
dhcp_xmit(struct mg_dhcp *d)
{
	struct mg_net *n = d->net;
	mg_time_t now = mg_net_now(n), delay, until;

	d->tries++;
	switch (d->state) {
	case DHCP_SELECTING:
	case DHCP_REQUESTING:
		dhcp_send(d,
		    d->state == DHCP_SELECTING ? MG_DHCP_DISCOVER
		                               : MG_DHCP_REQUEST);
		delay = dhcp_jitter(d, d->rto);
		if (d->rto < DHCP_RTO_MAX)
			d->rto *= 2;
		break;
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		/* RFC 2131 4.4.5: half the time left to T2 (renewing) or
		 * to expiry (rebinding), at least 60 s. The lease timer
		 * moves the state on at T2 and at expiry. */
		dhcp_send(d, MG_DHCP_REQUEST);
		until = d->state == DHCP_RENEWING ? d->t2_at : d->exp_at;
		delay = until > now ? (until - now) / 2 : 0;
		if (delay < DHCP_RENEW_MIN)
			delay = DHCP_RENEW_MIN;
		break;
	default:
		return;
	}
	(void)mg_timer_start(n->loop, &d->rtx, now + delay);
}

/* Begin a new transaction in state s: a fresh xid, first timeout. */
static void
dhcp_begin(struct mg_dhcp *d, enum dhcp_state s)
{
	d->state = s;
	d->xid = mg_net_rand32(d->net);
	d->tries = 0;
	d->rto = DHCP_RTO_FIRST;
	d->start = mg_net_now(d->net);
	d->req_time = d->start;
	dhcp_xmit(d);
}

static void
dhcp_rtx_fire(void *ctx, struct mg_timer *t)
{
	struct mg_dhcp *d = ctx;

	(void)t;
	if (d->state == DHCP_REQUESTING && d->tries >= DHCP_REQ_TRIES) {
		dhcp_restart(d); /* RFC 2131 3.1.5: no ACK, start over */
		return;
	}
	dhcp_xmit(d);
}

/* Go back to INIT: drop the address if we hold one, DISCOVER again. */
static void
dhcp_restart(struct mg_dhcp *d)
{
	struct mg_net *n = d->net;

	mg_timer_stop(&d->rtx);
	mg_timer_stop(&d->lease);
	if (n->addr != 0)
		mg_net_set_addr(n, 0, 0, 0);
	d->addr = d->server = d->gw = 0;
	d->prefix = 0;
	dhcp_begin(d, DHCP_SELECTING);
}

static void
dhcp_lease_fire(void *ctx, struct mg_timer *t)
{
	struct mg_dhcp *d = ctx;
	struct mg_net *n = d->net;
	char a[16];

	(void)t;
	switch (d->state) {
	case DHCP_BOUND: /* T1: RFC 2131 4.4.5, unicast to the server */
		mg_timer_start(n->loop, &d->lease, d->t2_at);
		dhcp_begin(d, DHCP_RENEWING);
		break;
	case DHCP_RENEWING: /* T2: broadcast to any server */
		mg_timer_start(n->loop, &d->lease, d->exp_at);
		dhcp_begin(d, DHCP_REBINDING);
		break;
	case DHCP_REBINDING: /* expiry: stop using the address */
		if (!n->quiet)
			MG_LOGI("lease of %s expired",
			    mg_net_ip4_fmt(d->addr, a));
		dhcp_restart(d);
		break;
	default:
		break;
	}
}

/* RFC 2131 4.3.1: what an OFFER must look like to be requested. */
static bool
dhcp_addr_ok(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	return top != 0 && top != 127 && top < 224;
}

/* Classful prefix (RFC 791) when a server sends no subnet mask. */
static uint8_t
dhcp_classful(uint32_t a)
{
	if ((a >> 31) == 0)
		return 8;
	if ((a >> 30) == 2)
		return 16;
	return 24;
}

static void
dhcp_offer(struct mg_dhcp *d, const struct mg_dhcp_msg *m, uint32_t src)
{
	struct mg_net *n = d->net;
	uint32_t server = m->server_id != 0 ? m->server_id : src;

	n->st.dhcp.rx_offer++;
	if (d->state != DHCP_SELECTING)
		return; /* RFC 2131 4.4.1: later offers are ignored */
	if (!dhcp_addr_ok(m->yiaddr) || server == 0) {
		n->st.dhcp.rx_bad++;
		return;
	}
	d->addr = m->yiaddr;
	d->server = server;
	/* RFC 2131 4.4.1: the REQUEST keeps the DISCOVER's xid and secs. */
	d->state = DHCP_REQUESTING;
	d->tries = 0;
	d->rto = DHCP_RTO_FIRST;
	d->req_time = mg_net_now(n);
	dhcp_xmit(d);
}

static void
dhcp_ack(struct mg_dhcp *d, const struct mg_dhcp_msg *m, uint32_t src)
{
	struct mg_net *n = d->net;
	uint32_t server = m->server_id != 0 ? m->server_id : src;
	uint32_t secs, t1, t2;
	uint8_t prefix;
	char a[16], g[16], s[16];
	bool changed;

	n->st.dhcp.rx_ack++;
	if (d->state == DHCP_SELECTING || d->state == DHCP_BOUND) {
		n->st.dhcp.rx_other++;
		return;
	}
	if (d->state == DHCP_REQUESTING && m->server_id != 0 &&
	    m->server_id != d->server) {
		n->st.dhcp.rx_other++;
		return;
	}
	/* RFC 2131 table 3: an ACK to a REQUEST carries the lease time. */
	if (!dhcp_addr_ok(m->yiaddr) || !m->has_lease ||
	    (d->state == DHCP_REQUESTING && m->yiaddr != d->addr)) {
		n->st.dhcp.rx_bad++;
		return;
	}
	prefix = m->has_mask ? m->prefix : dhcp_classful(m->yiaddr);

	/* RFC 2131 4.4.5: T1 0.5 and T2 0.875 of the lease unless the
	 * server says otherwise (and sensibly); from the REQUEST's time. */
	secs = m->lease;
	if (secs < DHCP_LEASE_MIN)
		secs = DHCP_LEASE_MIN;
	if (secs == MG_DHCP_LEASE_INFINITE) {
		d->t1_at = d->t2_at = d->exp_at = MG_TIME_NEVER;
	} else {
		t2 = (uint32_t)((uint64_t)secs * 7 / 8);
		if (m->t2 != 0 && m->t2 < secs)
			t2 = m->t2;
		t1 = secs / 2;
		if (m->t1 != 0 && m->t1 < secs)
			t1 = m->t1;
		if (t1 > t2)
			t1 = t2;
		d->t1_at = d->req_time + MG_SEC(t1);
		d->t2_at = d->req_time + MG_SEC(t2);
		d->exp_at = d->req_time + MG_SEC(secs);
	}
	changed =
	    n->addr != m->yiaddr || n->prefix != prefix || n->gw != m->router;
	d->addr = m->yiaddr;
	d->prefix = prefix;
	d->gw = m->router;
	d->server = server;
	d->secs = secs;
	d->state = DHCP_BOUND;
	mg_timer_stop(&d->rtx);
	mg_timer_stop(&d->lease);
	if (d->t1_at != MG_TIME_NEVER)
		(void)mg_timer_start(n->loop, &d->lease, d->t1_at);
	n->st.dhcp.leases++;
	/* XXX(4): no ARP probe of the address (RFC 2131 4.4.1 DECLINE). */
	if (changed)
		mg_net_set_addr(n, d->addr, d->prefix, d->gw);
	if (!n->quiet &&
	    mg_log_enabled(changed ? MG_LOG_INFO : MG_LOG_DEBUG, MG_LOG_TAG)) {
		mg_net_ip4_fmt(d->addr, a);
		if (d->gw != 0)
			mg_net_ip4_fmt(d->gw, g);
		else
			mg_strlcpy(g, "none", sizeof(g));
		mg_net_ip4_fmt(d->server, s);
		if (secs == MG_DHCP_LEASE_INFINITE)
			mg_log(changed ? MG_LOG_INFO : MG_LOG_DEBUG, MG_LOG_TAG,
			    "lease %s/%u gw %s forever from %s", a,
			    (unsigned)d->prefix, g, s);
		else
			mg_log(changed ? MG_LOG_INFO : MG_LOG_DEBUG, MG_LOG_TAG,
			    "lease %s/%u gw %s for %lu s from %s", a,
			    (unsigned)d->prefix, g, (unsigned long)secs, s);
	}
}

static void
dhcp_nak(struct mg_dhcp *d, const struct mg_dhcp_msg *m)
{
	struct mg_net *n = d->net;

	n->st.dhcp.rx_nak++;
	switch (d->state) {
	case DHCP_REQUESTING:
	case DHCP_RENEWING:
		/* Only the server we asked may refuse. */
		if (m->server_id != 0 && m->server_id != d->server) {
			n->st.dhcp.rx_other++;
			return;
		}
		break;
	case DHCP_REBINDING:
		break; /* any server may */
	default:
		n->st.dhcp.rx_other++;
		return;
	}
	/* RFC 2131 4.4.4/4.4.5: back to INIT. */
	if (!n->quiet)
		MG_LOGI("refused by server, restarting");
	dhcp_restart(d);
}

void
mg_dhcp_input(struct mg_net *n, const struct mg_ip4_hdr *ip, mg_view payload)
{
	struct mg_dhcp *d = n->dhcp;
	struct mg_dhcp_msg m;
	uint32_t src = ip != NULL ? ip->src : 0;

	if (d == NULL)
		return;
	if (mg_dhcp_parse(payload, &m, &n->st.dhcp) != 0)
		return;
	if (m.op != MG_DHCP_OP_REPLY || m.xid != d->xid ||
	    m.htype != MG_DHCP_HTYPE_ETH || m.hlen != 6 ||
	    mg_memcmp(m.chaddr, n->mac, 6) != 0) {
		n->st.dhcp.rx_other++;
		return;
	}
	switch (m.type) {
	case MG_DHCP_OFFER:
		dhcp_offer(d, &m, src);
		break;
	case MG_DHCP_ACK:
		dhcp_ack(d, &m, src);
		break;
	case MG_DHCP_NAK:
		dhcp_nak(d, &m);
		break;
	default:
		n->st.dhcp.rx_other++;
		break;
	}
}

int
mg_dhcp_start(struct mg_net *n)
{
	struct mg_dhcp *d;

	if (n->dhcp != NULL)
		return 0;
	d = mg_calloc(1, sizeof(*d));
	if (d == NULL)
		return -MG_ENOMEM;
	d->net = n;
	mg_timer_init(&d->rtx, dhcp_rtx_fire, d);
	mg_timer_init(&d->lease, dhcp_lease_fire, d);
	n->dhcp = d;
	dhcp_begin(d, DHCP_SELECTING);
	return 0;
}

void
mg_dhcp_stop(struct mg_net *n)
{
	struct mg_dhcp *d = n->dhcp;

	if (d == NULL)
		return;
	mg_timer_stop(&d->rtx);
	mg_timer_stop(&d->lease);
	mg_free(d);
	n->dhcp = NULL;
}
