/* SPDX-License-Identifier: ISC */
/* wire/udp.h: UDP header layout (RFC 768). */
#ifndef MG_NET_WIRE_UDP_H
#define MG_NET_WIRE_UDP_H

#define MG_UDP_HLEN      8
#define MG_UDP_OFF_SPORT 0
#define MG_UDP_OFF_DPORT 2
#define MG_UDP_OFF_LEN   4 /* header and data */
#define MG_UDP_OFF_CSUM  6 /* 0: none was computed (IPv4 only) */

/* Largest payload: 65535 - 20 (IPv4 header) - 8. */
#define MG_UDP_PAYLOAD_MAX 65507

#define MG_UDP_PORT_DHCP_SERVER 67
#define MG_UDP_PORT_DHCP_CLIENT 68

#endif /* MG_NET_WIRE_UDP_H */
