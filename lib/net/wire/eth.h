/* SPDX-License-Identifier: ISC */
/* wire/eth.h: Ethernet II frame layout (IEEE 802.3, RFC 894). */
#ifndef MG_NET_WIRE_ETH_H
#define MG_NET_WIRE_ETH_H

#define MG_ETH_ADDR_LEN 6
#define MG_ETH_HLEN     14 /* dst, src, ethertype; no FCS (stripped) */
#define MG_ETH_OFF_DST  0
#define MG_ETH_OFF_SRC  6
#define MG_ETH_OFF_TYPE 12

#define MG_ETH_FRAME_MIN 60   /* minimum frame without FCS */
#define MG_ETH_MTU       1500 /* payload of an untagged frame */

/* Values below 0x0600 are an 802.3 length, not an ethertype. */
#define MG_ETH_TYPE_MIN  0x0600
#define MG_ETH_TYPE_IP4  0x0800
#define MG_ETH_TYPE_ARP  0x0806
#define MG_ETH_TYPE_VLAN 0x8100 /* IEEE 802.1Q tag */
#define MG_ETH_TYPE_QINQ 0x88a8 /* IEEE 802.1ad service tag */

#endif /* MG_NET_WIRE_ETH_H */
