/* SPDX-License-Identifier: ISC */
/* wire/arp.h: ARP packet layout for Ethernet/IPv4 (RFC 826). */
#ifndef MG_NET_WIRE_ARP_H
#define MG_NET_WIRE_ARP_H

#define MG_ARP_LEN       28 /* Ethernet/IPv4 ARP packet */
#define MG_ARP_OFF_HTYPE 0
#define MG_ARP_OFF_PTYPE 2
#define MG_ARP_OFF_HLEN  4
#define MG_ARP_OFF_PLEN  5
#define MG_ARP_OFF_OP    6
#define MG_ARP_OFF_SHA   8
#define MG_ARP_OFF_SPA   14
#define MG_ARP_OFF_THA   18
#define MG_ARP_OFF_TPA   24

#define MG_ARP_HTYPE_ETHER 1
#define MG_ARP_PTYPE_IP4   0x0800
#define MG_ARP_HLEN_ETHER  6
#define MG_ARP_PLEN_IP4    4

#define MG_ARP_OP_REQUEST 1
#define MG_ARP_OP_REPLY   2

#endif /* MG_NET_WIRE_ARP_H */
