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
#include "mg/pkt.h"
#include "mg/view.h"

#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/icmp.h"
#include "wire/ip4.h"

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

struct mg_eth_stats {
	uint64_t rx_short; /* fewer than 14 bytes */
	uint64_t rx_vlan;  /* 802.1Q / 802.1ad tag */
	uint64_t rx_llc;   /* 802.3 length field instead of an ethertype */
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

struct mg_arp_stats {
	uint64_t rx_short;    /* fewer than 28 bytes */
	uint64_t rx_badhtype; /* hardware type not Ethernet (1) */
	uint64_t rx_badptype; /* protocol type not IPv4 (0x0800) */
	uint64_t rx_badhlen;  /* hardware address length not 6 */
	uint64_t rx_badplen;  /* protocol address length not 4 */
	uint64_t rx_badop;    /* opcode neither request nor reply */
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

struct mg_icmp_stats {
	uint64_t rx_short;   /* fewer than 8 bytes */
	uint64_t rx_badsum;  /* checksum over the message */
	uint64_t rx_badcode; /* echo or echo reply with code != 0 */
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

#endif /* MG_NET_INT_H */
