/* SPDX-License-Identifier: ISC */
/*
 * dhcp_int.h: private to lib/net: the DHCP message parser and builder
 * (dhcp_msg.c), shared with the client (dhcp.c), its unit tests and fuzz
 * target.
 */
#ifndef MG_NET_DHCP_INT_H
#define MG_NET_DHCP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/net.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "wire/dhcp.h"

#define MG_DHCP_DNS_MAX 3 /* name servers kept from option 6 */

/*
 * A parsed DHCP message: the fixed header and the options the client uses.
 * Addresses are host order; an option that is absent leaves its field 0
 * (and its has_ flag false). When an option appears twice the first wins.
 */
struct mg_dhcp_msg {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t type;     /* option 53, 1..8 (always present) */
	uint8_t overload; /* option 52: which of file/sname held options */
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	uint8_t chaddr[MG_DHCP_CHADDR_LEN];
	bool has_mask;
	uint8_t prefix; /* from a contiguous option 1 mask */
	uint32_t mask;
	uint32_t router;    /* option 3, the first router; 0 none */
	uint32_t server_id; /* option 54; 0 none */
	uint32_t reqip;     /* option 50; 0 none */
	bool has_lease;
	uint32_t lease;  /* option 51, seconds (MG_DHCP_LEASE_INFINITE) */
	uint32_t t1;     /* option 58; 0 none */
	uint32_t t2;     /* option 59; 0 none */
	uint16_t maxmsg; /* option 57; 0 none */
	uint8_t ndns;
	uint32_t dns[MG_DHCP_DNS_MAX];
	mg_view client_id; /* option 61, into the input */
	mg_view params;    /* option 55, into the input */
};

/*
 * mg_dhcp_parse reads a DHCP message (the UDP payload) into *out. Drops,
 * counting st->rx_bad and returning -MG_EBADMSG: shorter than the fixed
 * header, wrong magic cookie, an option running past its area, a missing
 * or unknown message type, a malformed option the client uses (wrong
 * length, a non-contiguous mask). Option 52 is honoured: options continue
 * in file and then sname. Who the message is for (op, xid, chaddr) is the
 * caller's business.
 */
int mg_dhcp_parse(mg_view v, struct mg_dhcp_msg *out, struct mg_dhcp_stats *st);

/* What mg_dhcp_build writes: a client message (op 1, Ethernet). */
struct mg_dhcp_tx {
	uint8_t type; /* MG_DHCP_DISCOVER, _REQUEST, _RELEASE, ... */
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint8_t mac[6];
	uint32_t reqip;     /* option 50 when not 0 */
	uint32_t server_id; /* option 54 when not 0 */
	uint16_t maxmsg;    /* option 57 when not 0 */
	bool params;        /* option 55: mask, router, DNS, lease */
};

/*
 * mg_dhcp_build writes the message m into p, which must be empty: the
 * header, options 53, 61 (type 1 and the MAC), then 50, 54, 55 and 57 as
 * asked, End, padded to MG_DHCP_MSG_MIN bytes. Returns 0, -MG_EINVAL (p
 * not empty) or -MG_ENOSPC (tailroom; p is left empty).
 */
int mg_dhcp_build(struct mg_pkt *p, const struct mg_dhcp_tx *m);

/* mg_dhcp_prefix: the prefix length of a contiguous mask, or -1. */
int mg_dhcp_prefix(uint32_t mask);

#endif /* MG_NET_DHCP_INT_H */
