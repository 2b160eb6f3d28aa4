/* SPDX-License-Identifier: ISC */
/* wire/dns.h: DNS message offsets and constants (RFC 1035 4, RFC 6891). */
#ifndef MG_WIRE_DNS_H
#define MG_WIRE_DNS_H

/* Header: six 16-bit fields. */
#define MG_DNS_HDR_LEN     12
#define MG_DNS_OFF_ID      0
#define MG_DNS_OFF_FLAGS   2
#define MG_DNS_OFF_QDCOUNT 4
#define MG_DNS_OFF_ANCOUNT 6
#define MG_DNS_OFF_NSCOUNT 8
#define MG_DNS_OFF_ARCOUNT 10

/* Flags (the 16-bit word at offset 2). */
#define MG_DNS_F_QR           0x8000
#define MG_DNS_F_OPCODE_MASK  0x7800
#define MG_DNS_F_OPCODE_SHIFT 11
#define MG_DNS_F_AA           0x0400
#define MG_DNS_F_TC           0x0200
#define MG_DNS_F_RD           0x0100
#define MG_DNS_F_RA           0x0080
#define MG_DNS_F_AD           0x0020
#define MG_DNS_F_CD           0x0010
#define MG_DNS_F_RCODE_MASK   0x000f

#define MG_DNS_OPCODE_QUERY  0
#define MG_DNS_OPCODE_NOTIFY 4

#define MG_DNS_RCODE_NOERROR  0
#define MG_DNS_RCODE_FORMERR  1
#define MG_DNS_RCODE_SERVFAIL 2
#define MG_DNS_RCODE_NXDOMAIN 3
#define MG_DNS_RCODE_NOTIMP   4
#define MG_DNS_RCODE_REFUSED  5
#define MG_DNS_RCODE_NOTAUTH  9
#define MG_DNS_RCODE_BADVERS  16 /* extended: 1 in the OPT TTL's top byte */

/* Names (RFC 1035 3.1, 4.1.4). */
#define MG_DNS_NAME_MAX   255
#define MG_DNS_LABEL_MAX  63
#define MG_DNS_LABELS_MAX 127
#define MG_DNS_PTR_MASK   0xc0
#define MG_DNS_PTR_MAX    0x3fff

/* Types and classes. */
#define MG_DNS_T_A      1
#define MG_DNS_T_NS     2
#define MG_DNS_T_CNAME  5
#define MG_DNS_T_SOA    6
#define MG_DNS_T_PTR    12
#define MG_DNS_T_HINFO  13
#define MG_DNS_T_MX     15
#define MG_DNS_T_TXT    16
#define MG_DNS_T_AAAA   28
#define MG_DNS_T_SRV    33
#define MG_DNS_T_DNAME  39
#define MG_DNS_T_OPT    41
#define MG_DNS_T_DS     43
#define MG_DNS_T_RRSIG  46
#define MG_DNS_T_NSEC   47
#define MG_DNS_T_DNSKEY 48
#define MG_DNS_T_NSEC3  50
#define MG_DNS_T_IXFR   251
#define MG_DNS_T_AXFR   252
#define MG_DNS_T_MAILB  253
#define MG_DNS_T_MAILA  254
#define MG_DNS_T_ANY    255
#define MG_DNS_T_CAA    257

#define MG_DNS_C_IN  1
#define MG_DNS_C_CH  3
#define MG_DNS_C_ANY 255

/* Fixed part of a resource record after its owner name. */
#define MG_DNS_RR_FIXED 10 /* type 2, class 2, ttl 4, rdlength 2 */

/* EDNS0 OPT (RFC 6891 6.1.2, 6.1.3): the TTL field carries these. */
#define MG_DNS_OPT_LEN      11 /* root owner + fixed part, no options */
#define MG_DNS_EDNS_DO      0x8000
#define MG_DNS_EDNS_UDP_MIN 512
#define MG_DNS_EDNS_UDP_MAX 1232 /* what we advertise and cap at */
#define MG_DNS_EDE_CODE     15   /* RFC 8914 option code */
#define MG_DNS_EDE_NOT_AUTH 20
#define MG_DNS_EDE_NOT_SUPP 21

#endif /* MG_WIRE_DNS_H */
