/* SPDX-License-Identifier: ISC */
/* udp.h: UDP sockets on a stack (direct or host sockets). */
#ifndef MG_UDP_H
#define MG_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "mg/net.h"
#include "mg/pkt.h"
#include "mg/view.h"

struct mg_udp;

/*
 * The receive callback gets the sender, a view of the payload and the
 * packet that holds it. The view is valid during the call; to keep the
 * bytes longer, take a reference to p (mg_pkt_ref) and free it later.
 * dst is the address the datagram was sent to (ours, or a broadcast).
 */
typedef void (*mg_udp_recv_fn)(void *ctx, struct mg_udp *u,
    const struct mg_ep4 *from, uint32_t dst, mg_view data, struct mg_pkt *p);

/*
 * mg_udp_open binds local port (0: an ephemeral port) on n. Returns 0,
 * -MG_EADDRINUSE, -MG_ENOMEM, or a host error (socket stack).
 */
int mg_udp_open(struct mg_net *n, uint16_t port, mg_udp_recv_fn fn, void *ctx,
    struct mg_udp **out);

/* The bound local port. */
uint16_t mg_udp_port(const struct mg_udp *u);

/*
 * mg_udp_alloc returns an empty packet with headroom for the UDP, IP and
 * link headers, for the payload to be written into (mg_pkt_put,
 * mg_pkt_wr); NULL when the pool is exhausted.
 */
struct mg_pkt *mg_udp_alloc(struct mg_udp *u);

/*
 * mg_udp_send sends p's bytes as one datagram to `to` and always consumes p
 * (sent or dropped). Returns 0, -MG_EMSGSIZE (larger than 65507 bytes),
 * -MG_ENETUNREACH (no route or no address yet), -MG_EAGAIN (device or
 * socket full), -MG_ENOMEM. A datagram larger than the MTU is fragmented.
 */
int mg_udp_send(struct mg_udp *u, const struct mg_ep4 *to, struct mg_pkt *p);

/* mg_udp_sendv copies data into a new packet and sends it. */
int mg_udp_sendv(struct mg_udp *u, const struct mg_ep4 *to, mg_view data);

/* mg_udp_close unbinds; no callback runs after it returns. */
void mg_udp_close(struct mg_udp *u);

#endif /* MG_UDP_H */
