/* SPDX-License-Identifier: ISC */
/* wire/tcp.h: TCP header layout and options (RFC 9293 3.1, RFC 7323). */
#ifndef MG_NET_WIRE_TCP_H
#define MG_NET_WIRE_TCP_H

#define MG_TCP_HLEN_MIN 20 /* data offset 5 */
#define MG_TCP_HLEN_MAX 60 /* data offset 15 */

#define MG_TCP_OFF_SPORT 0
#define MG_TCP_OFF_DPORT 2
#define MG_TCP_OFF_SEQ   4
#define MG_TCP_OFF_ACK   8
#define MG_TCP_OFF_DOFF  12 /* data offset in words (high nibble) */
#define MG_TCP_OFF_FLAGS 13
#define MG_TCP_OFF_WND   14
#define MG_TCP_OFF_CSUM  16
#define MG_TCP_OFF_URP   18
#define MG_TCP_OFF_OPTS  20

#define MG_TCP_FIN 0x01
#define MG_TCP_SYN 0x02
#define MG_TCP_RST 0x04
#define MG_TCP_PSH 0x08
#define MG_TCP_ACK 0x10
#define MG_TCP_URG 0x20
#define MG_TCP_ECE 0x40
#define MG_TCP_CWR 0x80

/* Options: kind, then (except EOL and NOP) a length counting both. */
#define MG_TCP_OPT_EOL       0
#define MG_TCP_OPT_NOP       1
#define MG_TCP_OPT_MSS       2 /* len 4: u16 */
#define MG_TCP_OPT_WS        3 /* len 3: shift count (RFC 7323 2) */
#define MG_TCP_OPT_SACK_PERM 4 /* len 2 */
#define MG_TCP_OPT_SACK      5
#define MG_TCP_OPT_TS        8 /* len 10: TSval, TSecr (RFC 7323 3) */

#define MG_TCP_OPTLEN_MSS 4
#define MG_TCP_OPTLEN_WS  3
#define MG_TCP_OPTLEN_TS  10

#define MG_TCP_WS_MAX      14  /* larger shifts are taken as 14 */
#define MG_TCP_MSS_DEFAULT 536 /* without the option (RFC 9293 3.7.1) */

#endif /* MG_NET_WIRE_TCP_H */
