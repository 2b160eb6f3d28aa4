/* SPDX-License-Identifier: ISC */
/* net.h: the network stack: one interface, its configuration, counters. */
#ifndef MG_NET_H
#define MG_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/loop.h"
#include "mg/pkt.h"
#include "mg/view.h"

/*
 * An appliance opens one stack per network device it declared. The stack
 * is either
 *  - "direct": Morgana's own Ethernet/ARP/IPv4/ICMP/UDP/TCP/DHCP over the
 *    platform's net device (a tap on unix, the tender's rings on hvt); or
 *  - "socket" (unix only): the same UDP and TCP API mapped onto the host's
 *    sockets, so an appliance runs as an ordinary process without root.
 * Both are driven by the event loop; every callback runs on the loop, never
 * re-entered from inside an API call (a call that completes something at
 * once, such as a connect to a closed port, reports it from a deferred
 * task).
 *
 * Addresses and ports are host byte order everywhere in the API.
 */
struct mg_net;

struct mg_ep4 {
	uint32_t addr; /* IPv4 address, host order; 0 = any */
	uint16_t port; /* host order; 0 = any / ephemeral */
};

enum mg_net_kind {
	MG_NET_DIRECT = 0,
	MG_NET_SOCKET = 1,
};

struct mg_net_config {
	const char *dev;       /* declared net device name (direct stack) */
	enum mg_net_kind kind; /* direct or socket */
	bool dhcp;             /* direct: get the address from DHCP */
	uint32_t addr;         /* static address (direct); bind address
	                          (socket, 0 = any) */
	uint8_t prefix;        /* netmask length, 0..32 (static) */
	uint32_t gw;           /* default gateway, 0 = none (static) */
	bool quiet;            /* do not log address changes */
};

/*
 * Per-layer drop counters: every frame the stack does not accept is counted
 * here under one reason, and never logged.
 */
struct mg_eth_stats {
	uint64_t rx_short; /* fewer than 14 bytes */
	uint64_t rx_vlan;  /* 802.1Q / 802.1ad tag */
	uint64_t rx_llc;   /* 802.3 length field instead of an ethertype */
};

struct mg_arp_stats {
	uint64_t rx_short;    /* fewer than 28 bytes */
	uint64_t rx_badhtype; /* hardware type not Ethernet (1) */
	uint64_t rx_badptype; /* protocol type not IPv4 (0x0800) */
	uint64_t rx_badhlen;  /* hardware address length not 6 */
	uint64_t rx_badplen;  /* protocol address length not 4 */
	uint64_t rx_badop;    /* opcode neither request nor reply */
};

struct mg_ip4_stats {
	uint64_t rx_short;   /* fewer than 20 bytes */
	uint64_t rx_badvers; /* version not 4 */
	uint64_t rx_badhlen; /* IHL < 5, or header longer than total length */
	uint64_t rx_badlen;  /* total length longer than the bytes present */
	uint64_t rx_badsum;  /* header checksum */
	uint64_t rx_badopt;  /* an option runs past the header */
	uint64_t rx_badfrag; /* offset + length beyond 65535 */
	uint64_t rx_badsrc;  /* source broadcast, multicast or class E */
};

struct mg_icmp_stats {
	uint64_t rx_short;   /* fewer than 8 bytes */
	uint64_t rx_badsum;  /* checksum over the message */
	uint64_t rx_badcode; /* echo or echo reply with code != 0 */
};

/* What the interface itself drops and does, on top of the parsers. */
struct mg_if_stats {
	uint64_t rx_frames;      /* frames read from the device */
	uint64_t rx_bytes;       /* their bytes */
	uint64_t tx_frames;      /* frames written */
	uint64_t tx_bytes;       /* their bytes */
	uint64_t rx_nobuf;       /* no packet buffer to read into */
	uint64_t rx_othermac;    /* unicast to another MAC */
	uint64_t rx_ethertype;   /* neither IPv4 nor ARP (IPv6 included) */
	uint64_t tx_devfull;     /* device refused a frame (full) */
	uint64_t tx_nobuf;       /* no packet buffer to build a frame */
	uint64_t arp_nottarget;  /* ARP for another address (entry refreshed) */
	uint64_t arp_requests;   /* requests sent */
	uint64_t arp_replies;    /* replies sent */
	uint64_t arp_unresolved; /* packets dropped: no ARP reply in time */
	uint64_t arp_qfull;      /* packets dropped: too many waiting */
	uint64_t arp_conflict;   /* another host claims our address */
	uint64_t ip_otherhost;   /* not for our address */
	uint64_t ip_unconf;      /* arrived before an address was set */
	uint64_t ip_noproto;     /* protocol not served (ICMP sent) */
	uint64_t ip_frags;       /* fragments received */
	uint64_t ip_reasm_ok;    /* datagrams reassembled */
	uint64_t ip_reasm_drop;  /* fragments dropped: overlap, bad, limits */
	uint64_t ip_reasm_timeout; /* datagrams given up after the timeout */
	uint64_t ip_noroute;       /* sends with no route (no gateway) */
	uint64_t ip_toobig;        /* sends larger than the MTU with DF */
	uint64_t icmp_echo;        /* echo requests answered */
	uint64_t icmp_unreach;     /* destination unreachable sent */
	uint64_t icmp_other;       /* other ICMP types, ignored */
	uint64_t icmp_ratelimit;   /* errors not sent: rate limit */
};

struct mg_udp_stats {
	uint64_t rx_datagrams; /* delivered */
	uint64_t tx_datagrams; /* sent */
	uint64_t rx_short;     /* fewer than 8 bytes */
	uint64_t rx_badlen;    /* length field not matching the IP payload */
	uint64_t rx_badsum;    /* checksum */
	uint64_t rx_noport;    /* no socket bound (port unreachable sent) */
	uint64_t rx_bcast;     /* broadcast/multicast to a closed port */
};

/* TCP counters; the per-connection ones are in tcp.h. */
struct mg_tcp_stats {
	uint64_t rx_segs;     /* segments received */
	uint64_t tx_segs;     /* segments sent */
	uint64_t rx_short;    /* shorter than 20 bytes or the data offset */
	uint64_t rx_badoff;   /* data offset < 5 or past the segment */
	uint64_t rx_badsum;   /* checksum */
	uint64_t rx_badopt;   /* malformed option */
	uint64_t rx_bcast;    /* to or from a broadcast/multicast address */
	uint64_t rx_noport;   /* no listener or connection (RST sent) */
	uint64_t rx_outwin;   /* outside the receive window (ACK sent) */
	uint64_t rx_badack;   /* unacceptable ACK */
	uint64_t rx_badrst;   /* RST not exactly in sequence (challenge ACK) */
	uint64_t rx_badsyn;   /* SYN in a synchronised state */
	uint64_t rx_dup;      /* duplicate data */
	uint64_t rx_ooo;      /* out-of-order segments queued */
	uint64_t rx_ooo_drop; /* out-of-order segments dropped: limits */
	uint64_t rx_nobuf;    /* dropped: receive buffer full */
	uint64_t conn_accepted;  /* passive opens completed */
	uint64_t conn_connected; /* active opens completed */
	uint64_t conn_reset;     /* connections ended by an RST received */
	uint64_t conn_aborted;   /* ended by the application (RST sent) */
	uint64_t conn_timeout;   /* ended by retransmission/keepalive timeout */
	uint64_t conn_closed;    /* ended by an orderly close */
	uint64_t backlog_full;   /* SYN dropped: accept backlog full */
	uint64_t syn_cookies_sent; /* SYN-ACKs sent as cookies */
	uint64_t syn_cookies_ok;   /* connections made from a valid cookie */
	uint64_t syn_cookies_bad;  /* ACKs with an invalid cookie */
	uint64_t rexmit;           /* segments retransmitted on timeout */
	uint64_t fast_rexmit;      /* fast retransmits */
	uint64_t rto_backoff;      /* RTO expirations */
	uint64_t zwp;              /* zero-window probes sent */
	uint64_t keepalive;        /* keepalive probes sent */
	uint64_t nomem; /* connection refused or dropped: no memory */
};

struct mg_dhcp_stats {
	uint64_t tx_discover;
	uint64_t tx_request;
	uint64_t rx_offer;
	uint64_t rx_ack;
	uint64_t rx_nak;
	uint64_t rx_bad;   /* malformed messages */
	uint64_t rx_other; /* not for us (xid, chaddr, op) */
	uint64_t leases;   /* leases taken (renewals included) */
};

/* Everything at once; mg_net_stats fills it. */
struct mg_net_stats {
	struct mg_if_stats ifc;
	struct mg_eth_stats eth;
	struct mg_arp_stats arp;
	struct mg_ip4_stats ip4;
	struct mg_icmp_stats icmp;
	struct mg_udp_stats udp;
	struct mg_tcp_stats tcp;
	struct mg_dhcp_stats dhcp;
};

/*
 * mg_net_open starts a stack on loop l. Direct: acquires cfg->dev, sends a
 * gratuitous ARP (static address) or starts DHCP, and watches the device.
 * Socket: -MG_ENOSYS on targets without host sockets. Returns 0 and sets
 * *out, -MG_EINVAL for a bad configuration, -MG_ENOMEM, or what acquiring
 * the device returned.
 */
int mg_net_open(struct mg_loop *l, const struct mg_net_config *cfg,
    struct mg_net **out);

/*
 * mg_net_open_boot opens the stack as the appliance's boot keys say. The
 * appliance declares the keys (app.mk):
 *   ip   "dhcp" or A.B.C.D/len (static)
 *   gw   A.B.C.D, or empty for none
 *   net  "direct" or "socket" (unix only)
 * and the device dev. Errors are logged.
 */
int mg_net_open_boot(struct mg_loop *l, const char *dev, struct mg_net **out);

/* mg_net_config_parse fills cfg from the three key values (see above):
 * 0, or -MG_EINVAL with a logged message naming the bad key. */
int mg_net_config_parse(struct mg_net_config *cfg, const char *ip,
    const char *gw, const char *kind);

/* mg_net_close stops the stack: every connection is aborted (RST), every
 * UDP socket closed (no callbacks), the device unwatched. */
void mg_net_close(struct mg_net *n);

/* The address now (0 while DHCP has none), prefix length and gateway. */
struct mg_net_addr {
	uint32_t addr;
	uint8_t prefix;
	uint32_t gw;
	uint8_t mac[6];
	uint16_t mtu;
};
void mg_net_addr(const struct mg_net *n, struct mg_net_addr *out);

/* mg_net_on_up: fn runs (from the loop) each time the address changes
 * (DHCP lease, static address at open). One callback per stack. */
void mg_net_on_up(struct mg_net *n, void (*fn)(void *ctx, struct mg_net *n),
    void *ctx);

void mg_net_stats(const struct mg_net *n, struct mg_net_stats *out);

/* mg_net_stats_print writes every non-zero counter to the console, one
 * "layer.name value" per line, under a header line with the title. */
void mg_net_stats_print(const struct mg_net *n, const char *title);

/* mg_net_kind: which stack this is. */
enum mg_net_kind mg_net_kind(const struct mg_net *n);

/* Parse "A.B.C.D" (exactly four decimal octets, no leading garbage) into
 * *out: 0 or -MG_EINVAL. mg_net_ip4_fmt writes "A.B.C.D" (16 bytes). */
int mg_net_ip4_parse(const char *s, uint32_t *out);
char *mg_net_ip4_fmt(uint32_t a, char buf[16]);

#endif /* MG_NET_H */
