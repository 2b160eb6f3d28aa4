/* SPDX-License-Identifier: ISC */
/*
 * net.c: the direct stack's interface: the device, the address, the ARP
 * cache (RFC 826, RFC 1122 2.3.2), IPv4 input and output with routing and
 * fragmentation (RFC 791, RFC 1122 3.3), ICMP echo and errors (RFC 792,
 * RFC 1122 3.2.2), and the stack's life cycle.
 */
#define MG_LOG_TAG "net"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/pkt.h"
#include "mg/plat.h"
#include "mg/string.h"
#include "mg/view.h"

#include "net_int.h"

enum {
	MG_ARP_FREE = 0,
	MG_ARP_PENDING,
	MG_ARP_OK
};

#define ARP_REACHABLE  MG_SEC(300) /* an entry is trusted this long */
#define ARP_RETRY      MG_SEC(1)   /* between requests while pending */
#define ARP_TRIES      3           /* requests before giving up */
#define ICMP_RATE      100         /* errors per second ... */
#define ICMP_BURST     100         /* ... with this burst */
#define EPHEMERAL_LO   49152       /* RFC 6335 dynamic ports */
#define EPHEMERAL_SPAN 16384

static const uint8_t eth_bcast[MG_ETH_ADDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff,
    0xff};

static void arp_timer_fn(void *ctx, struct mg_timer *t);
static void net_rx(void *ctx, mg_handle_t h);
static void net_rx_task(void *ctx);
static void net_up_task(void *ctx);

/*
 * Addresses.
 */
int
mg_net_ip4_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t octet;
		size_t len = 0;

		while (mg_isdigit(s[len]))
			len++;
		if (len == 0 || len > 3 ||
		    mg_parse_u64(s, len, 10, 255, &octet) < 0)
			return -MG_EINVAL;
		a = (a << 8) | (uint32_t)octet;
		s += len;
		if (i < 3 && *s++ != '.')
			return -MG_EINVAL;
	}
	if (*s != '\0')
		return -MG_EINVAL;
	*out = a;
	return 0;
}

char *
mg_net_ip4_fmt(uint32_t a, char buf[16])
{
	mg_snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	return buf;
}

static uint32_t
prefix_mask(uint8_t prefix)
{
	return prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
}

int
mg_net_config_parse(struct mg_net_config *cfg, const char *ip, const char *gw,
    const char *kind)
{
	char addr[16];
	const char *slash;
	uint64_t prefix;
	size_t len;

	mg_memset(cfg, 0, sizeof(*cfg));
	if (kind == NULL || kind[0] == '\0' || mg_strcmp(kind, "direct") == 0)
		cfg->kind = MG_NET_DIRECT;
	else if (mg_strcmp(kind, "socket") == 0)
		cfg->kind = MG_NET_SOCKET;
	else {
		MG_LOGE("--net=%s: 'direct' or 'socket' expected", kind);
		return -MG_EINVAL;
	}
	if (ip == NULL || ip[0] == '\0' || mg_strcmp(ip, "dhcp") == 0) {
		cfg->dhcp = cfg->kind == MG_NET_DIRECT;
	} else {
		slash = mg_strchr(ip, '/');
		len = slash != NULL ? (size_t)(slash - ip) : mg_strlen(ip);
		if (len >= sizeof(addr))
			goto badip;
		mg_memcpy(addr, ip, len);
		addr[len] = '\0';
		if (mg_net_ip4_parse(addr, &cfg->addr) < 0)
			goto badip;
		if (slash == NULL) {
			cfg->prefix = 24; /* a host on a /24 unless told */
		} else {
			if (mg_parse_u64(slash + 1, mg_strlen(slash + 1), 10,
			        32, &prefix) < 0)
				goto badip;
			cfg->prefix = (uint8_t)prefix;
		}
		if (cfg->kind == MG_NET_DIRECT &&
		    (cfg->addr == 0 || cfg->prefix == 0 ||
		        (cfg->addr & MG_IP4_ADDR_MCAST_MASK) >= 0xe0000000u))
			goto badip;
	}
	if (gw != NULL && gw[0] != '\0') {
		if (mg_net_ip4_parse(gw, &cfg->gw) < 0) {
			MG_LOGE("--gw=%s: an IPv4 address A.B.C.D expected",
			    gw);
			return -MG_EINVAL;
		}
		if (!cfg->dhcp && cfg->kind == MG_NET_DIRECT &&
		    ((cfg->gw ^ cfg->addr) & prefix_mask(cfg->prefix)) != 0) {
			MG_LOGE("--gw=%s is not on the network of --ip=%s", gw,
			    ip);
			return -MG_EINVAL;
		}
	}
	return 0;
badip:
	MG_LOGE("--ip=%s: 'dhcp' or a host address A.B.C.D/len expected", ip);
	return -MG_EINVAL;
}

/*
 * Randomness and hashing.
 */
uint32_t
mg_net_rand32(struct mg_net *n)
{
	/* xorshift64*: statistically fine; unpredictable values (ISNs,
	 * cookies) go through mg_net_hash with the secret key. */
	uint64_t x = n->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	n->rng = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

uint64_t
mg_net_hash(const struct mg_net *n, const void *buf, size_t len)
{
	return mg_net_siphash(n->key, buf, len);
}

uint16_t
mg_net_ephemeral(struct mg_net *n,
    bool (*in_use)(struct mg_net *n, uint16_t port))
{
	unsigned i;

	/* RFC 6056 algorithm 1 style: a random start, then sequential. */
	if (n->next_port < EPHEMERAL_LO)
		n->next_port = (uint16_t)(EPHEMERAL_LO +
		    mg_net_rand32(n) % EPHEMERAL_SPAN);
	for (i = 0; i < EPHEMERAL_SPAN; i++) {
		uint16_t port = n->next_port;

		n->next_port = port == 65535 ? EPHEMERAL_LO : port + 1;
		if (!in_use(n, port))
			return port;
	}
	return 0;
}

/*
 * Device output.
 */
struct mg_pkt *
mg_net_pkt_alloc(struct mg_net *n)
{
	struct mg_pkt *p = n->pool != NULL ? mg_pkt_alloc(n->pool) : NULL;

	if (p == NULL) {
		n->st.ifc.tx_nobuf++;
		return NULL;
	}
	if (mg_pkt_reset(p, MG_NET_HEADROOM) < 0) {
		mg_pkt_free(p);
		n->st.ifc.tx_nobuf++;
		return NULL;
	}
	return p;
}

/* Push the Ethernet header and write the frame; consumes p. */
static int
net_xmit(struct mg_net *n, struct mg_pkt *p, const uint8_t *dst, uint16_t type)
{
	int rc;

	rc = mg_eth_push(p, dst, n->mac, type);
	if (rc == 0) {
		rc = mg_plat_net_write(n->h, p->data, p->len);
		if (rc == 0) {
			n->st.ifc.tx_frames++;
			n->st.ifc.tx_bytes += p->len;
		} else if (rc == -MG_EAGAIN) {
			n->st.ifc.tx_devfull++;
		}
	}
	mg_pkt_free(p);
	return rc;
}

/*
 * ARP.
 */
static void
arp_send(struct mg_net *n, uint16_t op, const uint8_t *dmac, const uint8_t *tha,
    uint32_t tpa)
{
	struct mg_arp_msg m;
	struct mg_pkt *p = mg_net_pkt_alloc(n);

	if (p == NULL)
		return;
	m.op = op;
	mg_memcpy(m.sha, n->mac, MG_ETH_ADDR_LEN);
	m.spa = n->addr;
	mg_memcpy(m.tha, tha, MG_ETH_ADDR_LEN);
	m.tpa = tpa;
	if (mg_arp_push(p, &m) < 0) {
		mg_pkt_free(p);
		return;
	}
	if (op == MG_ARP_OP_REQUEST)
		n->st.ifc.arp_requests++;
	else
		n->st.ifc.arp_replies++;
	(void)net_xmit(n, p, dmac, MG_ETH_TYPE_ARP);
}

static void
arp_request(struct mg_net *n, uint32_t tpa)
{
	static const uint8_t zero[MG_ETH_ADDR_LEN];

	arp_send(n, MG_ARP_OP_REQUEST, eth_bcast, zero, tpa);
}

static struct mg_arp_entry *
arp_find(struct mg_net *n, uint32_t ip)
{
	size_t i;

	for (i = 0; i < MG_NET_ARP_SLOTS; i++)
		if (n->arp[i].state != MG_ARP_FREE && n->arp[i].ip == ip)
			return &n->arp[i];
	return NULL;
}

static void
arp_drop_queue(struct mg_net *n, struct mg_arp_entry *e, bool count)
{
	while (e->q != NULL) {
		struct mg_pkt *p = e->q;

		e->q = p->next;
		p->next = NULL;
		if (count)
			n->st.ifc.arp_unresolved++;
		mg_pkt_free(p);
	}
	e->qtail = NULL;
	e->nq = 0;
}

/* A slot for ip: a free one, else the least recently used that has no
 * packets waiting (or, failing that, any). */
static struct mg_arp_entry *
arp_alloc(struct mg_net *n, uint32_t ip)
{
	struct mg_arp_entry *e = NULL;
	size_t i;

	for (i = 0; i < MG_NET_ARP_SLOTS; i++) {
		struct mg_arp_entry *c = &n->arp[i];

		if (c->state == MG_ARP_FREE) {
			e = c;
			break;
		}
		if (e == NULL || (c->nq == 0 && e->nq > 0) ||
		    ((c->nq == 0) == (e->nq == 0) && c->used < e->used))
			e = c;
	}
	arp_drop_queue(n, e, true);
	mg_memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->used = mg_net_now(n);
	return e;
}

static void
arp_timer_arm(struct mg_net *n)
{
	if (!mg_timer_armed(&n->arp_timer))
		(void)mg_timer_start_in(n->loop, &n->arp_timer, ARP_RETRY);
}

static void
arp_flush_queue(struct mg_net *n, struct mg_arp_entry *e)
{
	uint8_t mac[MG_ETH_ADDR_LEN];

	mg_memcpy(mac, e->mac, sizeof(mac));
	while (e->q != NULL) {
		struct mg_pkt *p = e->q;

		e->q = p->next;
		p->next = NULL;
		e->nq--;
		(void)net_xmit(n, p, mac, MG_ETH_TYPE_IP4);
	}
	e->qtail = NULL;
	e->nq = 0;
}

/* Learn (or refresh) ip -> mac; create an entry only when asked to. */
static void
arp_learn(struct mg_net *n, uint32_t ip, const uint8_t *mac, bool create)
{
	struct mg_arp_entry *e = arp_find(n, ip);

	if (e == NULL) {
		if (!create)
			return;
		e = arp_alloc(n, ip);
	}
	mg_memcpy(e->mac, mac, MG_ETH_ADDR_LEN);
	e->state = MG_ARP_OK;
	e->tries = 0;
	e->expires = mg_net_now(n) + ARP_REACHABLE;
	arp_flush_queue(n, e);
}

static void
arp_timer_fn(void *ctx, struct mg_timer *t)
{
	struct mg_net *n = ctx;
	mg_time_t now = mg_net_now(n);
	bool again = false;
	size_t i;

	(void)t;
	for (i = 0; i < MG_NET_ARP_SLOTS; i++) {
		struct mg_arp_entry *e = &n->arp[i];

		if (e->state != MG_ARP_PENDING)
			continue;
		if (now < e->expires) {
			again = true;
			continue;
		}
		if (e->tries >= ARP_TRIES) {
			arp_drop_queue(n, e, true);
			e->state = MG_ARP_FREE;
			continue;
		}
		e->tries++;
		e->expires = now + ARP_RETRY;
		arp_request(n, e->ip);
		again = true;
	}
	if (again)
		arp_timer_arm(n);
}

static void
arp_input(struct mg_net *n, mg_view v)
{
	struct mg_arp_msg m;
	bool for_us;

	if (mg_arp_parse(v, &m, &n->st.arp) < 0)
		return;
	if (m.spa == 0 || mg_eth_is_multicast(m.sha)) {
		/* An ARP probe (RFC 5227 2.1.1) or nonsense: nothing to
		 * learn; a probe for our address is a conflict to answer. */
		if (m.spa == 0 && n->addr != 0 && m.tpa == n->addr &&
		    m.op == MG_ARP_OP_REQUEST && !mg_eth_is_multicast(m.sha))
			arp_send(n, MG_ARP_OP_REPLY, m.sha, m.sha, m.tpa);
		return;
	}
	if (n->addr != 0 && m.spa == n->addr) {
		/* Someone else uses our address (RFC 5227 2.4): defend it
		 * once by announcing ours. */
		if (mg_memcmp(m.sha, n->mac, MG_ETH_ADDR_LEN) != 0) {
			n->st.ifc.arp_conflict++;
			arp_request(n, n->addr);
		}
		return;
	}
	for_us = n->addr != 0 && m.tpa == n->addr;
	/* RFC 826 "merge": refresh a known sender; learn it if the message
	 * is for us (it will most likely talk to us next). */
	arp_learn(n, m.spa, m.sha, for_us);
	if (!for_us) {
		n->st.ifc.arp_nottarget++;
		return;
	}
	if (m.op == MG_ARP_OP_REQUEST)
		arp_send(n, MG_ARP_OP_REPLY, m.sha, m.sha, m.spa);
}

/* Send an IPv4 datagram (p at its IP header) to next hop nh. */
static int
arp_output(struct mg_net *n, struct mg_pkt *p, uint32_t nh)
{
	struct mg_arp_entry *e = arp_find(n, nh);
	mg_time_t now = mg_net_now(n);

	if (e != NULL && e->state == MG_ARP_OK) {
		e->used = now;
		if (now >= e->expires) {
			/* Stale: keep using it, ask again (unicast would do;
			 * broadcast also repairs a moved host). */
			e->state = MG_ARP_PENDING;
			e->tries = 1;
			e->expires = now + ARP_RETRY;
			arp_request(n, nh);
			arp_timer_arm(n);
		}
		return net_xmit(n, p, e->mac, MG_ETH_TYPE_IP4);
	}
	if (e == NULL) {
		e = arp_alloc(n, nh);
		e->state = MG_ARP_PENDING;
		e->tries = 1;
		e->expires = now + ARP_RETRY;
		arp_request(n, nh);
		arp_timer_arm(n);
	}
	e->used = now;
	if (e->nq >= MG_NET_ARP_QMAX) {
		n->st.ifc.arp_qfull++;
		mg_pkt_free(p);
		return -MG_EAGAIN;
	}
	p->next = NULL;
	if (e->qtail != NULL)
		e->qtail->next = p;
	else
		e->q = p;
	e->qtail = p;
	e->nq++;
	return 0;
}

/*
 * IPv4 output.
 */
bool
mg_net_is_bcast(const struct mg_net *n, uint32_t a)
{
	if (a == MG_IP4_ADDR_BROADCAST)
		return true;
	return n->addr != 0 && n->prefix < 31 && (a & ~n->mask) == ~n->mask &&
	    (a & n->mask) == (n->addr & n->mask);
}

/* Route dst: the next hop, or 0 when there is none. */
static uint32_t
net_route(const struct mg_net *n, uint32_t dst)
{
	if (((dst ^ n->addr) & n->mask) == 0)
		return dst;
	return n->gw;
}

/* Hand a complete IPv4 datagram to the link: broadcast or via ARP. */
static int
net_link_output(struct mg_net *n, struct mg_pkt *p, uint32_t dst, uint32_t nh)
{
	if (mg_net_is_bcast(n, dst))
		return net_xmit(n, p, eth_bcast, MG_ETH_TYPE_IP4);
	return arp_output(n, p, nh);
}

/*
 * Fragment the transport message p (RFC 791 2.3, 3.2): each fragment but
 * the last carries a multiple of 8 bytes; every fragment gets a copy of
 * the header. Consumes p.
 */
static int
net_fragment(struct mg_net *n, struct mg_pkt *p, const struct mg_ip4_tx *tx,
    uint32_t nh)
{
	size_t per = ((size_t)n->mtu - MG_IP4_HLEN_MIN) & ~(size_t)7;
	size_t off = 0;
	int rc = 0;

	while (off < p->len && rc == 0) {
		size_t len = p->len - off < per ? p->len - off : per;
		struct mg_pkt *f = mg_net_pkt_alloc(n);
		uint8_t *d;
		uint16_t frag;

		if (f == NULL) {
			rc = -MG_ENOMEM;
			break;
		}
		d = mg_pkt_put(f, len);
		if (d == NULL || (rc = mg_ip4_push(f, tx)) < 0) {
			mg_pkt_free(f);
			rc = rc < 0 ? rc : -MG_ENOSPC;
			break;
		}
		mg_memcpy(d, p->data + off, len);
		/* Patch offset and MF into the header, then its checksum. */
		frag = (uint16_t)(off / 8);
		if (off + len < p->len)
			frag |= MG_IP4_FLAG_MF;
		f->data[MG_IP4_OFF_FRAG] = (uint8_t)(frag >> 8);
		f->data[MG_IP4_OFF_FRAG + 1] = (uint8_t)frag;
		f->data[MG_IP4_OFF_CSUM] = f->data[MG_IP4_OFF_CSUM + 1] = 0;
		frag = mg_net_csum_fold(
		    mg_net_csum_add(0, mg_view_make(f->data, MG_IP4_HLEN_MIN)));
		f->data[MG_IP4_OFF_CSUM] = (uint8_t)(frag >> 8);
		f->data[MG_IP4_OFF_CSUM + 1] = (uint8_t)frag;
		rc = net_link_output(n, f, tx->dst, nh);
		off += len;
	}
	mg_pkt_free(p);
	return rc;
}

int
mg_net_ip4_output(struct mg_net *n, struct mg_pkt *p, uint32_t src,
    uint32_t dst, uint8_t proto, bool df)
{
	struct mg_ip4_tx tx;
	uint32_t nh = 0;
	int rc;

	if (!mg_net_is_bcast(n, dst)) {
		nh = n->addr != 0 ? net_route(n, dst) : 0;
		if (nh == 0) {
			n->st.ifc.ip_noroute++;
			mg_pkt_free(p);
			return -MG_ENETUNREACH;
		}
	}
	tx.src = src != 0 ? src : n->addr;
	tx.dst = dst;
	tx.proto = proto;
	tx.ttl = MG_IP4_TTL_DEFAULT;
	tx.tos = 0;
	tx.df = df;
	tx.id = n->ip_id++;
	if (p->len + MG_IP4_HLEN_MIN > n->mtu) {
		if (df || p->len + MG_IP4_HLEN_MIN > MG_IP4_LEN_MAX) {
			n->st.ifc.ip_toobig++;
			mg_pkt_free(p);
			return -MG_EMSGSIZE;
		}
		return net_fragment(n, p, &tx, nh);
	}
	rc = mg_ip4_push(p, &tx);
	if (rc < 0) {
		mg_pkt_free(p);
		return rc;
	}
	return net_link_output(n, p, dst, nh);
}

/*
 * ICMP.
 */
static bool
icmp_ratelimit(struct mg_net *n)
{
	mg_time_t now = mg_net_now(n);
	uint64_t add = (now - n->icmp_last) / (MG_SEC(1) / ICMP_RATE);

	if (add > 0) {
		n->icmp_tokens = (unsigned)(n->icmp_tokens + add > ICMP_BURST
		        ? ICMP_BURST
		        : n->icmp_tokens + add);
		n->icmp_last = now;
	}
	if (n->icmp_tokens == 0) {
		n->st.ifc.icmp_ratelimit++;
		return true;
	}
	n->icmp_tokens--;
	return false;
}

void
mg_net_icmp_unreach(struct mg_net *n, const struct mg_ip4_hdr *ip, uint8_t code)
{
	struct mg_pkt *p;
	uint8_t type;

	/* RFC 1122 3.2.2: never about a broadcast or multicast datagram,
	 * a non-initial fragment, an ICMP error, or a source that is not a
	 * single host. */
	if (n->addr == 0 || ip->dst != n->addr || mg_net_is_bcast(n, ip->src) ||
	    ip->src == 0 || ip->frag_off != 0)
		return;
	if (ip->proto == MG_IP4_PROTO_ICMP &&
	    (!mg_view_u8(ip->payload, 0, &type) ||
	        (type != MG_ICMP_ECHO_REQUEST && type != MG_ICMP_ECHO_REPLY)))
		return;
	if (icmp_ratelimit(n))
		return;
	p = mg_net_pkt_alloc(n);
	if (p == NULL)
		return;
	if (mg_icmp_unreach(p, code,
	        mg_view_make(ip->hdr.p, ip->hdr.len + ip->payload.len)) < 0) {
		mg_pkt_free(p);
		return;
	}
	n->st.ifc.icmp_unreach++;
	(void)mg_net_ip4_output(n, p, 0, ip->src, MG_IP4_PROTO_ICMP, false);
}

static void
icmp_input(struct mg_net *n, const struct mg_ip4_hdr *ip)
{
	struct mg_icmp_msg m;
	struct mg_pkt *p;

	if (mg_icmp_parse(ip->payload, &m, &n->st.icmp) < 0)
		return;
	switch (m.type) {
	case MG_ICMP_ECHO_REQUEST:
		/* Echo to a broadcast may be ignored (RFC 1122 3.2.2.6). */
		if (ip->dst != n->addr) {
			n->st.ifc.icmp_other++;
			return;
		}
		if (ip->payload.len + MG_NET_HEADROOM <= MG_PKT_BUFSIZE_DEFAULT)
			p = mg_net_pkt_alloc(n);
		else
			p = mg_pkt_alloc_heap(MG_NET_HEADROOM + ip->payload.len,
			    MG_NET_HEADROOM);
		if (p == NULL) {
			n->st.ifc.tx_nobuf++;
			return;
		}
		if (mg_icmp_echo_reply(p, &m) < 0) {
			mg_pkt_free(p);
			n->st.ifc.tx_nobuf++;
			return;
		}
		n->st.ifc.icmp_echo++;
		(void)mg_net_ip4_output(n, p, 0, ip->src, MG_IP4_PROTO_ICMP,
		    false);
		return;
	case MG_ICMP_UNREACH:
		/* About something we sent: the quoted header starts the
		 * payload; only TCP keeps state that cares. */
		if (m.payload.len >= MG_IP4_HLEN_MIN && n->tcp != NULL &&
		    m.payload.p[MG_IP4_OFF_PROTO] == MG_IP4_PROTO_TCP) {
			mg_tcpd_icmp_error(n, m.type, m.code, m.payload);
			return;
		}
		n->st.ifc.icmp_other++;
		return;
	default:
		n->st.ifc.icmp_other++;
		return;
	}
}

/*
 * IPv4 input. p's data is at the IP header.
 */
static void
ip4_deliver(struct mg_net *n, struct mg_pkt *p, const struct mg_ip4_hdr *ip)
{
	size_t off = (size_t)(ip->payload.p - p->data);

	if (mg_pkt_pull(p, off) < 0 || mg_pkt_trim(p, ip->payload.len) < 0) {
		mg_pkt_free(p);
		return;
	}
	switch (ip->proto) {
	case MG_IP4_PROTO_ICMP:
		icmp_input(n, ip);
		mg_pkt_free(p);
		return;
	case MG_IP4_PROTO_UDP:
		mg_net_udp_input(n, ip, p);
		return;
	case MG_IP4_PROTO_TCP:
		if (n->tcp == NULL || ip->dst != n->addr) {
			n->st.tcp.rx_bcast += ip->dst != n->addr;
			mg_pkt_free(p);
			return;
		}
		mg_tcpd_input(n, ip, p);
		return;
	default:
		n->st.ifc.ip_noproto++;
		mg_net_icmp_unreach(n, ip, MG_ICMP_UNREACH_PROTO);
		mg_pkt_free(p);
		return;
	}
}

static void
ip4_input(struct mg_net *n, struct mg_pkt *p)
{
	struct mg_ip4_hdr ip, whole;
	struct mg_pkt *q;

	if (mg_ip4_parse(mg_pkt_view(p), &ip, &n->st.ip4) < 0) {
		mg_pkt_free(p);
		return;
	}
	if (n->addr == 0) {
		/* Unconfigured: only DHCP's replies (UDP, maybe unicast to
		 * the address being offered) get through. */
		if (ip.proto != MG_IP4_PROTO_UDP || n->dhcp == NULL) {
			n->st.ifc.ip_unconf++;
			mg_pkt_free(p);
			return;
		}
	} else if (ip.dst != n->addr && !mg_net_is_bcast(n, ip.dst)) {
		n->st.ifc.ip_otherhost++;
		mg_pkt_free(p);
		return;
	}
	if (ip.mf || ip.frag_off != 0) {
		n->st.ifc.ip_frags++;
		q = mg_net_reasm_input(n, p, &ip, &whole);
		if (q == NULL)
			return;
		n->st.ifc.ip_reasm_ok++;
		ip4_deliver(n, q, &whole);
		return;
	}
	ip4_deliver(n, p, &ip);
}

/*
 * Receive path: read what the device has, a budget at a time.
 */
static void
net_input(struct mg_net *n, struct mg_pkt *p)
{
	struct mg_eth_hdr eh;
	size_t hlen;

	if (mg_eth_parse(mg_pkt_view(p), &eh, &n->st.eth) < 0) {
		mg_pkt_free(p);
		return;
	}
	if (mg_memcmp(eh.dst, n->mac, MG_ETH_ADDR_LEN) != 0 &&
	    !mg_eth_is_broadcast(eh.dst)) {
		n->st.ifc.rx_othermac++;
		mg_pkt_free(p);
		return;
	}
	hlen = (size_t)(eh.payload.p - p->data);
	(void)mg_pkt_pull(p, hlen);
	switch (eh.type) {
	case MG_ETH_TYPE_ARP:
		arp_input(n, mg_pkt_view(p));
		mg_pkt_free(p);
		return;
	case MG_ETH_TYPE_IP4:
		ip4_input(n, p);
		return;
	default:
		n->st.ifc.rx_ethertype++;
		mg_pkt_free(p);
		return;
	}
}

static void
net_rx(void *ctx, mg_handle_t h)
{
	struct mg_net *n = ctx;
	unsigned budget = MG_NET_RX_BUDGET;

	(void)h;
	while (budget-- > 0) {
		struct mg_pkt *p =
		    n->pool != NULL ? mg_pkt_alloc(n->pool) : NULL;
		size_t len;
		int rc;

		if (p == NULL) {
			/* Leave the frames in the device; they are counted
			 * there if it overflows. Try again soon. */
			n->st.ifc.rx_nobuf++;
			break;
		}
		/* Keep headroom so a reply can reuse the buffer's front. */
		(void)mg_pkt_reset(p, MG_NET_HEADROOM - MG_ETH_HLEN);
		rc = mg_plat_net_read(n->h, p->data, mg_pkt_tailroom(p), &len);
		if (rc < 0) {
			mg_pkt_free(p);
			return;
		}
		(void)mg_pkt_put(p, len);
		n->st.ifc.rx_frames++;
		n->st.ifc.rx_bytes += len;
		net_input(n, p);
	}
	/* More may be waiting: continue after the timers have run. */
	mg_loop_defer(n->loop, &n->rx_task);
}

static void
net_rx_task(void *ctx)
{
	struct mg_net *n = ctx;

	net_rx(n, n->h);
}

/*
 * Configuration and life cycle.
 */
static void
net_up_task(void *ctx)
{
	struct mg_net *n = ctx;

	if (n->up_fn != NULL)
		n->up_fn(n->up_ctx, n);
}

void
mg_net_set_addr(struct mg_net *n, uint32_t addr, uint8_t prefix, uint32_t gw)
{
	char a[16], g[16];
	size_t i;

	for (i = 0; i < MG_NET_ARP_SLOTS; i++) {
		arp_drop_queue(n, &n->arp[i], true);
		n->arp[i].state = MG_ARP_FREE;
	}
	n->addr = addr;
	n->prefix = addr != 0 ? prefix : 0;
	n->mask = prefix_mask(n->prefix);
	n->gw = addr != 0 ? gw : 0;
	if (addr == 0)
		return;
	if (!n->quiet) {
		if (gw != 0)
			MG_LOGI("address %s/%u gateway %s",
			    mg_net_ip4_fmt(addr, a), prefix,
			    mg_net_ip4_fmt(gw, g));
		else
			MG_LOGI("address %s/%u", mg_net_ip4_fmt(addr, a),
			    prefix);
	}
	/* Gratuitous ARP (RFC 5227 3): announce the address. */
	arp_request(n, addr);
	mg_loop_defer(n->loop, &n->up_task);
}

void
mg_net_on_up(struct mg_net *n, void (*fn)(void *ctx, struct mg_net *n),
    void *ctx)
{
	n->up_fn = fn;
	n->up_ctx = ctx;
	if (n->kind == MG_NET_SOCKET || n->addr != 0)
		mg_loop_defer(n->loop, &n->up_task);
}

void
mg_net_addr(const struct mg_net *n, struct mg_net_addr *out)
{
	mg_memset(out, 0, sizeof(*out));
	out->addr = n->addr;
	out->prefix = n->prefix;
	out->gw = n->gw;
	mg_memcpy(out->mac, n->mac, MG_ETH_ADDR_LEN);
	out->mtu = n->mtu;
}

enum mg_net_kind
mg_net_kind(const struct mg_net *n)
{
	return n->kind;
}

static int
net_open_direct(struct mg_net *n, const struct mg_net_config *cfg)
{
	struct mg_plat_net_info info;
	int rc;

	if (cfg->dev == NULL)
		return -MG_EINVAL;
	n->pool = mg_pkt_pool_default();
	if (n->pool == NULL) {
		MG_LOGE("no packet buffers: the appliance declares no net "
		        "device");
		return -MG_ENOMEM;
	}
	rc = mg_plat_net_acquire(cfg->dev, &n->h, &info);
	if (rc < 0) {
		MG_LOGE("net device '%s': %s", cfg->dev, mg_strerror(rc));
		return rc;
	}
	n->acquired = true;
	mg_memcpy(n->mac, info.mac, MG_ETH_ADDR_LEN);
	n->mtu = info.mtu;
	if (n->mtu < 576 || n->mtu > 9000) {
		MG_LOGE("net device '%s': MTU %u out of range", cfg->dev,
		    n->mtu);
		return -MG_EINVAL;
	}
	if ((rc = mg_net_reasm_init(n)) < 0 || (rc = mg_tcpd_init(n)) < 0)
		return rc;
	mg_loop_watch(n->loop, &n->watch, n->h, net_rx, n);
	if (cfg->dhcp)
		return mg_dhcp_start(n);
	mg_net_set_addr(n, cfg->addr, cfg->prefix, cfg->gw);
	return 0;
}

int
mg_net_open(struct mg_loop *l, const struct mg_net_config *cfg,
    struct mg_net **out)
{
	struct mg_net *n;
	int rc;

	if (cfg->prefix > 32)
		return -MG_EINVAL;
	n = mg_calloc(1, sizeof(*n));
	if (n == NULL)
		return -MG_ENOMEM;
	n->loop = l;
	n->kind = cfg->kind;
	n->quiet = cfg->quiet;
	mg_plat_random(n->key, sizeof(n->key));
	mg_plat_random(&n->rng, sizeof(n->rng));
	n->rng |= 1;
	n->ip_id = (uint16_t)mg_net_rand32(n);
	n->icmp_tokens = ICMP_BURST;
	mg_timer_init(&n->arp_timer, arp_timer_fn, n);
	mg_task_init(&n->rx_task, net_rx_task, n);
	mg_task_init(&n->up_task, net_up_task, n);
	if (cfg->kind == MG_NET_SOCKET) {
		n->pool = mg_pkt_pool_default();
		rc = mg_sock_open(n, cfg);
	} else {
		rc = net_open_direct(n, cfg);
	}
	if (rc < 0) {
		mg_net_close(n);
		return rc;
	}
	*out = n;
	return 0;
}

void
mg_net_close(struct mg_net *n)
{
	size_t i;

	if (n == NULL)
		return;
	if (n->kind == MG_NET_SOCKET) {
		mg_sock_close(n);
	} else {
		mg_dhcp_stop(n);
		mg_tcpd_fini(n);
		while (n->udps != NULL)
			mg_net_udp_close(n->udps);
		mg_net_reasm_fini(n);
		for (i = 0; i < MG_NET_ARP_SLOTS; i++)
			arp_drop_queue(n, &n->arp[i], false);
		if (n->acquired)
			mg_loop_unwatch(&n->watch);
	}
	mg_timer_stop(&n->arp_timer);
	mg_loop_cancel(n->loop, &n->rx_task);
	mg_loop_cancel(n->loop, &n->up_task);
	mg_free(n);
}

/*
 * Counters.
 */
void
mg_net_stats(const struct mg_net *n, struct mg_net_stats *out)
{
	*out = n->st;
}

struct stat_name {
	const char *layer;
	size_t base;  /* offset of the layer's struct in mg_net_stats */
	size_t count; /* its counters */
	const char *const *names;
};

static const char *const if_names[] = {"rx_frames", "rx_bytes", "tx_frames",
    "tx_bytes", "rx_nobuf", "rx_othermac", "rx_ethertype", "tx_devfull",
    "tx_nobuf", "arp_nottarget", "arp_requests", "arp_replies",
    "arp_unresolved", "arp_qfull", "arp_conflict", "ip_otherhost", "ip_unconf",
    "ip_noproto", "ip_frags", "ip_reasm_ok", "ip_reasm_drop",
    "ip_reasm_timeout", "ip_noroute", "ip_toobig", "icmp_echo", "icmp_unreach",
    "icmp_other", "icmp_ratelimit"};
static const char *const eth_names[] = {"rx_short", "rx_vlan", "rx_llc"};
static const char *const arp_names[] = {"rx_short", "rx_badhtype",
    "rx_badptype", "rx_badhlen", "rx_badplen", "rx_badop"};
static const char *const ip4_names[] = {"rx_short", "rx_badvers", "rx_badhlen",
    "rx_badlen", "rx_badsum", "rx_badopt", "rx_badfrag", "rx_badsrc"};
static const char *const icmp_names[] = {"rx_short", "rx_badsum", "rx_badcode"};
static const char *const udp_names[] = {"rx_datagrams", "tx_datagrams",
    "rx_short", "rx_badlen", "rx_badsum", "rx_noport", "rx_bcast"};
static const char *const tcp_names[] = {"rx_segs", "tx_segs", "rx_short",
    "rx_badoff", "rx_badsum", "rx_badopt", "rx_bcast", "rx_noport", "rx_outwin",
    "rx_badack", "rx_badrst", "rx_badsyn", "rx_dup", "rx_ooo", "rx_ooo_drop",
    "rx_nobuf", "conn_accepted", "conn_connected", "conn_reset", "conn_aborted",
    "conn_timeout", "conn_closed", "backlog_full", "syn_cookies_sent",
    "syn_cookies_ok", "syn_cookies_bad", "rexmit", "fast_rexmit", "rto_backoff",
    "zwp", "keepalive", "nomem"};
static const char *const dhcp_names[] = {"tx_discover", "tx_request",
    "rx_offer", "rx_ack", "rx_nak", "rx_bad", "rx_other", "leases"};

#define STATS(layer, field, names)                                             \
	{                                                                      \
		layer, offsetof(struct mg_net_stats, field),                   \
		    sizeof(((struct mg_net_stats *)0)->field) /                \
		    sizeof(uint64_t),                                          \
		    names                                                      \
	}

_Static_assert(sizeof(struct mg_if_stats) ==
        sizeof(if_names) / sizeof(char *) * sizeof(uint64_t),
    "if_names");
_Static_assert(sizeof(struct mg_eth_stats) ==
        sizeof(eth_names) / sizeof(char *) * sizeof(uint64_t),
    "eth_names");
_Static_assert(sizeof(struct mg_arp_stats) ==
        sizeof(arp_names) / sizeof(char *) * sizeof(uint64_t),
    "arp_names");
_Static_assert(sizeof(struct mg_ip4_stats) ==
        sizeof(ip4_names) / sizeof(char *) * sizeof(uint64_t),
    "ip4_names");
_Static_assert(sizeof(struct mg_icmp_stats) ==
        sizeof(icmp_names) / sizeof(char *) * sizeof(uint64_t),
    "icmp_names");
_Static_assert(sizeof(struct mg_udp_stats) ==
        sizeof(udp_names) / sizeof(char *) * sizeof(uint64_t),
    "udp_names");
_Static_assert(sizeof(struct mg_tcp_stats) ==
        sizeof(tcp_names) / sizeof(char *) * sizeof(uint64_t),
    "tcp_names");
_Static_assert(sizeof(struct mg_dhcp_stats) ==
        sizeof(dhcp_names) / sizeof(char *) * sizeof(uint64_t),
    "dhcp_names");

static const struct stat_name stat_layers[] = {
    STATS("if", ifc, if_names),
    STATS("eth", eth, eth_names),
    STATS("arp", arp, arp_names),
    STATS("ip4", ip4, ip4_names),
    STATS("icmp", icmp, icmp_names),
    STATS("udp", udp, udp_names),
    STATS("tcp", tcp, tcp_names),
    STATS("dhcp", dhcp, dhcp_names),
};

void
mg_net_stats_print(const struct mg_net *n, const char *title)
{
	const uint8_t *base = (const uint8_t *)&n->st;
	size_t i, j;

	mg_printf("%s\n", title);
	for (i = 0; i < sizeof(stat_layers) / sizeof(stat_layers[0]); i++) {
		const struct stat_name *s = &stat_layers[i];

		for (j = 0; j < s->count; j++) {
			uint64_t v;

			mg_memcpy(&v, base + s->base + j * sizeof(uint64_t),
			    sizeof(v));
			if (v != 0)
				mg_printf("  %s.%s %llu\n", s->layer,
				    s->names[j], (unsigned long long)v);
		}
	}
}
