/* SPDX-License-Identifier: ISC */
/* wire/icmp.h: ICMP message layout (RFC 792). */
#ifndef MG_NET_WIRE_ICMP_H
#define MG_NET_WIRE_ICMP_H

#define MG_ICMP_HLEN     8 /* type, code, checksum, 4 bytes per type */
#define MG_ICMP_OFF_TYPE 0
#define MG_ICMP_OFF_CODE 1
#define MG_ICMP_OFF_CSUM 2
#define MG_ICMP_OFF_ID   4 /* echo: identifier */
#define MG_ICMP_OFF_SEQ  6 /* echo: sequence number */
#define MG_ICMP_OFF_DATA 8

#define MG_ICMP_ECHO_REPLY   0
#define MG_ICMP_UNREACH      3
#define MG_ICMP_ECHO_REQUEST 8
#define MG_ICMP_TIME_EXCEED  11

/* Destination unreachable codes (RFC 792, RFC 1122 3.2.2.1). */
#define MG_ICMP_UNREACH_NET   0
#define MG_ICMP_UNREACH_HOST  1
#define MG_ICMP_UNREACH_PROTO 2
#define MG_ICMP_UNREACH_PORT  3

/* An error quotes the IP header and this many payload bytes (RFC 1122
 * 3.2.2). */
#define MG_ICMP_QUOTE_DATA 8

#endif /* MG_NET_WIRE_ICMP_H */
