/* SPDX-License-Identifier: ISC */
/*
 * net_int.h: private to lib/net: checksums and the header parsers and
 * builders for Ethernet, ARP, IPv4 and ICMP. Not a public API: the
 * callback API of issue 4 is built on top of these.
 *
 * Parsers take a view of received bytes, never read outside it, fill an
 * out struct and return 0, or count the drop under its reason in a stats
 * struct and return -MG_EBADMSG (MG_DROP). Builders push a header in front
 * of the data of an mg_pkt (or write a whole message into an empty one);
 * they return 0 or a negated MG_E* code and leave the packet unchanged on
 * failure. Addresses are host-order uint32_t for IPv4, 6-byte arrays for
 * Ethernet.
 */
#ifndef MG_NET_INT_H
#define MG_NET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/tcp.h"
#include "mg/udp.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/icmp.h"
#include "wire/ip4.h"
#include "wire/udp.h"

/*
 * Internet checksum (RFC 1071).
 *
 * mg_net_csum_add adds the bytes of v, as big-endian 16-bit words, to the
 * running sum and returns the new sum (carries kept, any length, any
 * alignment). An odd final byte is padded with a zero byte on the right,
 * so only the last view added to one sum may have an odd length.
 * mg_net_csum_fold folds the carries and returns the one's complement: the
 * value for the checksum field, or 0 when checking a message whose
 * checksum field is included.
 */
uint32_t mg_net_csum_add(uint32_t sum, mg_view v);
uint16_t mg_net_csum_fold(uint32_t sum);

/*
 * mg_net_csum_pseudo4 returns the sum of the IPv4 pseudo-header of UDP and
 * TCP (RFC 768, RFC 9293 3.1): source, destination, zero, protocol and
 * the upper-layer length. Continue it with mg_net_csum_add.
 */
uint32_t mg_net_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t len);

/*
 * Ethernet II.
 *
 * NOTE(eth): 802.1Q/802.1ad tagged frames are dropped (rx_vlan): the stack
 * has no VLAN configuration, and a host that is not a VLAN member must not
 * accept them. 802.3 length frames (type < 0x0600, LLC/SNAP) are dropped
 * too (rx_llc).
 */
struct mg_eth_hdr {
	uint8_t dst[MG_ETH_ADDR_LEN];
	uint8_t src[MG_ETH_ADDR_LEN];
	uint16_t type;
	mg_view payload; /* after the header, padding included */
};

int mg_eth_parse(mg_view frame, struct mg_eth_hdr *out,
    struct mg_eth_stats *st);

/* mg_eth_push prepends a 14-byte header: 0, or -MG_ENOSPC (headroom). */
int mg_eth_push(struct mg_pkt *p, const uint8_t dst[MG_ETH_ADDR_LEN],
    const uint8_t src[MG_ETH_ADDR_LEN], uint16_t type);

/* mg_eth_is_broadcast / mg_eth_is_multicast (I/G bit) for filtering. */
bool mg_eth_is_broadcast(const uint8_t a[MG_ETH_ADDR_LEN]);
bool mg_eth_is_multicast(const uint8_t a[MG_ETH_ADDR_LEN]);

/*
 * ARP for Ethernet/IPv4 only (RFC 826).
 */
struct mg_arp_msg {
	uint16_t op; /* MG_ARP_OP_REQUEST or MG_ARP_OP_REPLY */
	uint8_t sha[MG_ETH_ADDR_LEN];
	uint32_t spa;
	uint8_t tha[MG_ETH_ADDR_LEN];
	uint32_t tpa;
};

/* mg_arp_parse: trailing bytes (Ethernet padding) are ignored. */
int mg_arp_parse(mg_view v, struct mg_arp_msg *out, struct mg_arp_stats *st);

/*
 * mg_arp_push prepends the 28-byte packet m (op must be a request or a
 * reply: -MG_EINVAL otherwise); -MG_ENOSPC without headroom. The caller
 * pads the frame to MG_ETH_FRAME_MIN if its device needs it.
 */
int mg_arp_push(struct mg_pkt *p, const struct mg_arp_msg *m);

/* mg_arp_request fills m with a request for tpa (tha zero, RFC 826;
 * a gratuitous ARP has spa == tpa, RFC 5227 3). */
void mg_arp_request(struct mg_arp_msg *m, const uint8_t sha[MG_ETH_ADDR_LEN],
    uint32_t spa, uint32_t tpa);

/* mg_arp_reply fills m with the reply to req from (sha, spa). */
void mg_arp_reply(struct mg_arp_msg *m, const struct mg_arp_msg *req,
    const uint8_t sha[MG_ETH_ADDR_LEN], uint32_t spa);

/*
 * IPv4 (RFC 791, RFC 1122 3.2.1).
 */
struct mg_ip4_hdr {
	uint8_t tos;
	uint8_t ttl; /* not checked: RFC 1122 3.2.1.7 */
	uint8_t proto;
	bool df;
	bool mf;
	uint16_t id;
	uint16_t frag_off; /* in bytes (the field times 8) */
	uint32_t src;
	uint32_t dst;
	mg_view hdr;     /* the whole header, options included */
	mg_view opts;    /* options, hdr.len - 20 bytes */
	mg_view payload; /* total length - header length; padding trimmed */
};

int mg_ip4_parse(mg_view v, struct mg_ip4_hdr *out, struct mg_ip4_stats *st);

/* What mg_ip4_push writes; no options. */
struct mg_ip4_tx {
	uint32_t src;
	uint32_t dst;
	uint8_t proto;
	uint8_t ttl; /* 0 is refused (RFC 1122 3.2.1.7) */
	uint8_t tos;
	bool df;
	uint16_t id;
};

/*
 * mg_ip4_push prepends a 20-byte header with the total length taken from
 * the packet and the header checksum. Returns 0, -MG_EINVAL (TTL 0),
 * -MG_EMSGSIZE (more than 65535 bytes) or -MG_ENOSPC (headroom).
 */
int mg_ip4_push(struct mg_pkt *p, const struct mg_ip4_tx *h);

/*
 * ICMP (RFC 792).
 */
struct mg_icmp_msg {
	uint8_t type;
	uint8_t code;
	uint16_t csum;
	uint16_t id;     /* echo: identifier (else high half of word 1) */
	uint16_t seq;    /* echo: sequence number (else low half) */
	mg_view payload; /* after the 8-byte header */
};

/* mg_icmp_parse: v is the whole IP payload (the checksum covers it all). */
int mg_icmp_parse(mg_view v, struct mg_icmp_msg *out, struct mg_icmp_stats *st);

/*
 * mg_icmp_echo_reply writes into p, which must be empty, the echo reply to
 * req (same id, seq and data, RFC 792) with its checksum: 0, -MG_EINVAL
 * if req is not an echo request or p is not empty, -MG_ENOSPC (tailroom).
 */
int mg_icmp_echo_reply(struct mg_pkt *p, const struct mg_icmp_msg *req);

/*
 * mg_icmp_unreach writes into p, which must be empty, a destination
 * unreachable (type 3) with code, quoting the offending datagram dgram
 * (its IP header as received) by its header and first 8 data bytes (RFC
 * 1122 3.2.2). Returns 0, -MG_EINVAL (p not empty, dgram not an IPv4
 * header) or -MG_ENOSPC. Whether an error may be sent at all (not for
 * broadcasts, ICMP errors, non-first fragments: RFC 1122 3.2.2) is the
 * caller's decision.
 */
int mg_icmp_unreach(struct mg_pkt *p, uint8_t code, mg_view dgram);

/*
 * The stack object and the seams between its modules.
 *
 * net.c owns struct mg_net: the device, the address, the ARP cache,
 * routing, reassembly (ip4_reasm.c), ICMP and UDP (udp.c). TCP (tcp*.c),
 * DHCP (dhcp.c) and the socket stack (sock.c) keep their state behind
 * their own pointer in it and talk to net.c only through the functions
 * below. Public calls dispatch on n->kind in api.c.
 */
#define MG_NET_ARP_SLOTS 64  /* ARP cache entries (LRU replacement) */
#define MG_NET_ARP_QMAX  8   /* packets waiting per unresolved entry */
#define MG_NET_RX_BUDGET 256 /* frames per device wakeup before yielding */
/* Room every stack packet keeps in front: Ethernet + IPv4 + TCP/UDP. */
#define MG_NET_HEADROOM (14 + 60 + 60)

struct mg_udp {
	struct mg_net *net;
	mg_udp_recv_fn fn;
	void *ctx;
	uint16_t port;
	struct mg_udp *next; /* the stack's list of bound sockets */
};

/* The common head of every TCP object (connection or listener). */
struct mg_tcp {
	struct mg_net *net;
	const struct mg_tcp_cbs *cbs;
	void *ctx;
};

struct mg_arp_entry {
	uint32_t ip;
	uint8_t mac[MG_ETH_ADDR_LEN];
	uint8_t state; /* MG_ARP_FREE, _PENDING, _OK */
	uint8_t tries; /* requests sent while pending */
	uint8_t nq;
	mg_time_t expires; /* OK: stale after; PENDING: next request */
	mg_time_t used;    /* last lookup, for LRU */
	struct mg_pkt *q;  /* waiting packets (IP datagrams, ->next) */
	struct mg_pkt *qtail;
};

struct mg_net_reasm;  /* ip4_reasm.c */
struct mg_tcp_state;  /* tcp*.c */
struct mg_dhcp;       /* dhcp.c */
struct mg_sock_state; /* sock.c */

struct mg_net {
	struct mg_loop *loop;
	enum mg_net_kind kind;
	bool quiet;
	bool acquired;
	mg_handle_t h;
	struct mg_watch watch;
	struct mg_task rx_task; /* more frames than one budget */
	struct mg_pkt_pool *pool;
	uint8_t mac[MG_ETH_ADDR_LEN];
	uint16_t mtu;
	uint32_t addr; /* 0 until configured */
	uint32_t mask;
	uint8_t prefix;
	uint32_t gw;
	uint16_t ip_id;
	uint16_t next_port; /* ephemeral port cursor (49152..65535) */
	uint64_t key[2];    /* secret for hashes (ISN, cookies, ports) */
	uint64_t rng;       /* xorshift state */
	struct mg_net_stats st;
	struct mg_arp_entry arp[MG_NET_ARP_SLOTS];
	struct mg_timer arp_timer;
	mg_time_t icmp_last; /* ICMP error rate limit */
	unsigned icmp_tokens;
	struct mg_net_reasm *reasm;
	struct mg_udp *udps;
	struct mg_tcp_state *tcp;
	struct mg_dhcp *dhcp;
	struct mg_sock_state *sock;
	void (*up_fn)(void *ctx, struct mg_net *n);
	void *up_ctx;
	struct mg_task up_task;
};

/* net.c, for the other modules. */
static inline mg_time_t
mg_net_now(const struct mg_net *n)
{
	return mg_loop_now(n->loop);
}

/* A packet from the stack's pool with MG_NET_HEADROOM in front; NULL (and
 * tx_nobuf counted) when the pool is empty. */
struct mg_pkt *mg_net_pkt_alloc(struct mg_net *n);

/*
 * mg_net_ip4_output sends p (the transport header and payload) to dst:
 * pushes the IPv4 header (src n->addr, or src when src != 0), resolves the
 * next hop (on-link, or the gateway) with ARP, fragments when larger than
 * the MTU and df is false, and always consumes p. Returns 0 (sent or
 * queued for ARP), -MG_ENETUNREACH, -MG_EMSGSIZE (df and too big),
 * -MG_EAGAIN (device full), -MG_ENOMEM.
 * Broadcast destinations (255.255.255.255 or the subnet's) go to the
 * Ethernet broadcast address without ARP.
 */
int mg_net_ip4_output(struct mg_net *n, struct mg_pkt *p, uint32_t src,
    uint32_t dst, uint8_t proto, bool df);

/* mg_net_udp_output pushes a UDP header (checksum included) onto p and
 * sends it with mg_net_ip4_output. */
int mg_net_udp_output(struct mg_net *n, struct mg_pkt *p, uint32_t src,
    uint16_t sport, uint32_t dst, uint16_t dport);

/* mg_net_set_addr: DHCP (or open) sets or clears (addr 0) the address.
 * Flushes the ARP cache, sends a gratuitous ARP, calls on_up. */
void mg_net_set_addr(struct mg_net *n, uint32_t addr, uint8_t prefix,
    uint32_t gw);

/* mg_net_is_local: dst is our address or a broadcast we accept. */
bool mg_net_is_bcast(const struct mg_net *n, uint32_t a);

/* Randomness: 32 fresh bits (seeded from mg_plat_random at open), and a
 * keyed SipHash-2-4 of buf under the stack's secret. */
uint32_t mg_net_rand32(struct mg_net *n);
uint64_t mg_net_hash(const struct mg_net *n, const void *buf, size_t len);
uint64_t mg_net_siphash(const uint64_t key[2], const void *buf, size_t len);

/* An unused ephemeral port for proto (checked against UDP sockets or TCP
 * connections by the caller's predicate), 0 when none is free. */
uint16_t mg_net_ephemeral(struct mg_net *n,
    bool (*in_use)(struct mg_net *n, uint16_t port));

/* mg_net_icmp_error: send destination unreachable with code about the
 * received datagram ip, unless RFC 1122 3.2.2 forbids it (broadcast,
 * fragment, ICMP error, bad source) or the rate limit says no. */
void mg_net_icmp_unreach(struct mg_net *n, const struct mg_ip4_hdr *ip,
    uint8_t code);

/* ip4_reasm.c: fragments in, a whole datagram out. */
int mg_net_reasm_init(struct mg_net *n);
void mg_net_reasm_fini(struct mg_net *n);
/* Takes the fragment frag (p, data at the IP header, parsed as ip); when
 * it completes a datagram returns a new packet holding the whole
 * datagram with a rewritten header (data at the IP header, no MF, offset
 * 0) and fills *out; else NULL. Always consumes p. */
struct mg_pkt *mg_net_reasm_input(struct mg_net *n, struct mg_pkt *p,
    const struct mg_ip4_hdr *ip, struct mg_ip4_hdr *out);

/* udp.c (direct). p's data is at the UDP header; consumes p. */
void mg_net_udp_input(struct mg_net *n, const struct mg_ip4_hdr *ip,
    struct mg_pkt *p);
int mg_net_udp_open(struct mg_net *n, uint16_t port, mg_udp_recv_fn fn,
    void *ctx, struct mg_udp **out);
int mg_net_udp_send(struct mg_udp *u, const struct mg_ep4 *to,
    struct mg_pkt *p);
void mg_net_udp_close(struct mg_udp *u);

/* tcp*.c (direct). Input: p's data is at the TCP header and its length
 * is the segment's; consumes p (it may keep it as received data). */
int mg_tcpd_init(struct mg_net *n);
void mg_tcpd_fini(struct mg_net *n);
void mg_tcpd_input(struct mg_net *n, const struct mg_ip4_hdr *ip,
    struct mg_pkt *p);
/* ICMP destination unreachable / too big about a segment we sent. */
void mg_tcpd_icmp_error(struct mg_net *n, uint8_t type, uint8_t code,
    mg_view quoted);
int mg_tcpd_listen(struct mg_net *n, uint16_t port, unsigned backlog,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out);
int mg_tcpd_connect(struct mg_net *n, const struct mg_ep4 *to,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out);
long mg_tcpd_write(struct mg_tcp *t, mg_view data, unsigned flags);
size_t mg_tcpd_sendable(const struct mg_tcp *t);
void mg_tcpd_recv_resume(struct mg_tcp *t);
int mg_tcpd_shutdown(struct mg_tcp *t);
void mg_tcpd_close(struct mg_tcp *t);
void mg_tcpd_abort(struct mg_tcp *t);
void mg_tcpd_nodelay(struct mg_tcp *t, bool on);
void mg_tcpd_keepalive(struct mg_tcp *t, bool on);
void mg_tcpd_endpoints(const struct mg_tcp *t, struct mg_ep4 *local,
    struct mg_ep4 *remote);
void mg_tcpd_conn_stats(const struct mg_tcp *t, struct mg_tcp_conn_stats *out);

/* dhcp.c: the client (RFC 2131). Input is UDP to port 68. */
int mg_dhcp_start(struct mg_net *n);
void mg_dhcp_stop(struct mg_net *n);
void mg_dhcp_input(struct mg_net *n, const struct mg_ip4_hdr *ip,
    mg_view payload);

/* sock.c: the socket stack (host sockets through mg_plat_sock_*). */
int mg_sock_open(struct mg_net *n, const struct mg_net_config *cfg);
void mg_sock_close(struct mg_net *n);
int mg_sock_udp_open(struct mg_net *n, uint16_t port, mg_udp_recv_fn fn,
    void *ctx, struct mg_udp **out);
int mg_sock_udp_send(struct mg_udp *u, const struct mg_ep4 *to,
    struct mg_pkt *p);
void mg_sock_udp_close(struct mg_udp *u);
int mg_sock_tcp_listen(struct mg_net *n, uint16_t port, unsigned backlog,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out);
int mg_sock_tcp_connect(struct mg_net *n, const struct mg_ep4 *to,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out);
long mg_sock_tcp_write(struct mg_tcp *t, mg_view data, unsigned flags);
size_t mg_sock_tcp_sendable(const struct mg_tcp *t);
void mg_sock_tcp_recv_resume(struct mg_tcp *t);
int mg_sock_tcp_shutdown(struct mg_tcp *t);
void mg_sock_tcp_close(struct mg_tcp *t);
void mg_sock_tcp_abort(struct mg_tcp *t);
void mg_sock_tcp_nodelay(struct mg_tcp *t, bool on);
void mg_sock_tcp_keepalive(struct mg_tcp *t, bool on);
void mg_sock_tcp_endpoints(const struct mg_tcp *t, struct mg_ep4 *local,
    struct mg_ep4 *remote);
void mg_sock_tcp_conn_stats(const struct mg_tcp *t,
    struct mg_tcp_conn_stats *out);

#endif /* MG_NET_INT_H */
