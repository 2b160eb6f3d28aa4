/* SPDX-License-Identifier: ISC */
/* wire/dhcp.h: DHCP message layout (RFC 2131 2, RFC 2132). */
#ifndef MG_NET_WIRE_DHCP_H
#define MG_NET_WIRE_DHCP_H

#define MG_DHCP_SERVER_PORT 67
#define MG_DHCP_CLIENT_PORT 68

/* The fixed BOOTP header (RFC 2131 2, figure 1), then the options. */
#define MG_DHCP_OFF_OP      0 /* 1 request, 2 reply */
#define MG_DHCP_OFF_HTYPE   1 /* 1 Ethernet */
#define MG_DHCP_OFF_HLEN    2 /* 6 for Ethernet */
#define MG_DHCP_OFF_HOPS    3
#define MG_DHCP_OFF_XID     4
#define MG_DHCP_OFF_SECS    8
#define MG_DHCP_OFF_FLAGS   10
#define MG_DHCP_OFF_CIADDR  12
#define MG_DHCP_OFF_YIADDR  16
#define MG_DHCP_OFF_SIADDR  20
#define MG_DHCP_OFF_GIADDR  24
#define MG_DHCP_OFF_CHADDR  28
#define MG_DHCP_OFF_SNAME   44
#define MG_DHCP_OFF_FILE    108
#define MG_DHCP_OFF_COOKIE  236
#define MG_DHCP_OFF_OPTIONS 240

#define MG_DHCP_CHADDR_LEN 16
#define MG_DHCP_SNAME_LEN  64
#define MG_DHCP_FILE_LEN   128
#define MG_DHCP_HLEN       240 /* fixed header and magic cookie */
/* RFC 1542 2.1: a BOOTP message is at least 300 bytes; we pad to it. */
#define MG_DHCP_MSG_MIN 300
/* RFC 2131 2: every client accepts 576-byte IP datagrams of DHCP. */
#define MG_DHCP_MAXMSG_MIN 576

#define MG_DHCP_OP_REQUEST     1
#define MG_DHCP_OP_REPLY       2
#define MG_DHCP_HTYPE_ETH      1
#define MG_DHCP_FLAG_BROADCAST 0x8000
#define MG_DHCP_COOKIE         0x63825363u /* 99.130.83.99 */

/* Options (RFC 2132). Pad and End are one byte, the others code, length,
 * data. */
#define MG_DHCP_OPT_PAD       0
#define MG_DHCP_OPT_MASK      1
#define MG_DHCP_OPT_ROUTER    3
#define MG_DHCP_OPT_DNS       6
#define MG_DHCP_OPT_HOSTNAME  12
#define MG_DHCP_OPT_REQIP     50
#define MG_DHCP_OPT_LEASE     51
#define MG_DHCP_OPT_OVERLOAD  52
#define MG_DHCP_OPT_TYPE      53
#define MG_DHCP_OPT_SERVER_ID 54
#define MG_DHCP_OPT_PARAMS    55
#define MG_DHCP_OPT_MESSAGE   56
#define MG_DHCP_OPT_MAXMSG    57
#define MG_DHCP_OPT_T1        58
#define MG_DHCP_OPT_T2        59
#define MG_DHCP_OPT_CLIENT_ID 61
#define MG_DHCP_OPT_END       255

/* Option 52 values: which of file and sname also hold options. */
#define MG_DHCP_OVERLOAD_FILE  1
#define MG_DHCP_OVERLOAD_SNAME 2

/* Option 53 values (RFC 2132 9.6). */
#define MG_DHCP_DISCOVER 1
#define MG_DHCP_OFFER    2
#define MG_DHCP_REQUEST  3
#define MG_DHCP_DECLINE  4
#define MG_DHCP_ACK      5
#define MG_DHCP_NAK      6
#define MG_DHCP_RELEASE  7
#define MG_DHCP_INFORM   8

/* Option 51: an infinite lease. */
#define MG_DHCP_LEASE_INFINITE 0xffffffffu

#endif /* MG_NET_WIRE_DHCP_H */
