/* SPDX-License-Identifier: ISC */
/* wire/ip4.h: IPv4 header layout (RFC 791 3.1). */
#ifndef MG_NET_WIRE_IP4_H
#define MG_NET_WIRE_IP4_H

#define MG_IP4_HLEN_MIN 20 /* IHL 5 */
#define MG_IP4_HLEN_MAX 60 /* IHL 15 */
#define MG_IP4_LEN_MAX  65535

#define MG_IP4_OFF_VHL   0 /* version (high nibble), IHL in words (low) */
#define MG_IP4_OFF_TOS   1
#define MG_IP4_OFF_LEN   2 /* total length, header included */
#define MG_IP4_OFF_ID    4
#define MG_IP4_OFF_FRAG  6 /* flags (3 bits), fragment offset (13 bits) */
#define MG_IP4_OFF_TTL   8
#define MG_IP4_OFF_PROTO 9
#define MG_IP4_OFF_CSUM  10
#define MG_IP4_OFF_SRC   12
#define MG_IP4_OFF_DST   16
#define MG_IP4_OFF_OPTS  20

#define MG_IP4_VERSION   4
#define MG_IP4_FLAG_RSV  0x8000 /* reserved, must be zero */
#define MG_IP4_FLAG_DF   0x4000
#define MG_IP4_FLAG_MF   0x2000
#define MG_IP4_FRAG_MASK 0x1fff /* offset in units of 8 bytes */

#define MG_IP4_TTL_DEFAULT 64 /* RFC 1700 / Linux default */

#define MG_IP4_PROTO_ICMP 1
#define MG_IP4_PROTO_TCP  6
#define MG_IP4_PROTO_UDP  17

/* Options (RFC 791 3.1): type 0 and 1 are one byte, others type-length. */
#define MG_IP4_OPT_EOL 0
#define MG_IP4_OPT_NOP 1

#define MG_IP4_ADDR_BROADCAST 0xffffffffu
/* 224.0.0.0/4 is multicast; 240.0.0.0/4 (with 255.255.255.255) reserved. */
#define MG_IP4_ADDR_MCAST_MASK 0xf0000000u
#define MG_IP4_ADDR_MCAST_NET  0xe0000000u

#endif /* MG_NET_WIRE_IP4_H */
