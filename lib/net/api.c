/* SPDX-License-Identifier: ISC */
/*
 * api.c: the public UDP and TCP calls, dispatched to the direct stack
 * (udp.c, tcp*.c) or the socket stack (sock.c) by the kind of stack the
 * object lives on.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/net.h"
#include "mg/pkt.h"
#include "mg/string.h"
#include "mg/tcp.h"
#include "mg/udp.h"
#include "mg/view.h"

#include "net_int.h"

static bool
is_sock(const struct mg_net *n)
{
	return n->kind == MG_NET_SOCKET;
}

int
mg_udp_open(struct mg_net *n, uint16_t port, mg_udp_recv_fn fn, void *ctx,
    struct mg_udp **out)
{
	if (fn == NULL)
		return -MG_EINVAL;
	if (is_sock(n))
		return mg_sock_udp_open(n, port, fn, ctx, out);
	return mg_net_udp_open(n, port, fn, ctx, out);
}

uint16_t
mg_udp_port(const struct mg_udp *u)
{
	return u->port;
}

struct mg_pkt *
mg_udp_alloc(struct mg_udp *u)
{
	return mg_net_pkt_alloc(u->net);
}

int
mg_udp_send(struct mg_udp *u, const struct mg_ep4 *to, struct mg_pkt *p)
{
	if (p->len > MG_UDP_PAYLOAD_MAX) {
		mg_pkt_free(p);
		return -MG_EMSGSIZE;
	}
	if (is_sock(u->net))
		return mg_sock_udp_send(u, to, p);
	return mg_net_udp_send(u, to, p);
}

int
mg_udp_sendv(struct mg_udp *u, const struct mg_ep4 *to, mg_view data)
{
	struct mg_pkt *p;
	uint8_t *d;

	if (data.len > MG_UDP_PAYLOAD_MAX)
		return -MG_EMSGSIZE;
	if (data.len + MG_NET_HEADROOM <= MG_PKT_BUFSIZE_DEFAULT)
		p = mg_net_pkt_alloc(u->net);
	else
		p = mg_pkt_alloc_heap(MG_NET_HEADROOM + data.len,
		    MG_NET_HEADROOM);
	if (p == NULL)
		return -MG_ENOMEM;
	d = mg_pkt_put(p, data.len);
	if (d == NULL) {
		mg_pkt_free(p);
		return -MG_ENOMEM;
	}
	if (data.len > 0)
		mg_memcpy(d, data.p, data.len);
	return mg_udp_send(u, to, p);
}

void
mg_udp_close(struct mg_udp *u)
{
	if (u == NULL)
		return;
	if (is_sock(u->net))
		mg_sock_udp_close(u);
	else
		mg_net_udp_close(u);
}

int
mg_tcp_listen(struct mg_net *n, uint16_t port, unsigned backlog,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out)
{
	if (cbs == NULL || cbs->accept == NULL || port == 0)
		return -MG_EINVAL;
	if (backlog == 0)
		backlog = 128;
	if (is_sock(n))
		return mg_sock_tcp_listen(n, port, backlog, cbs, ctx, out);
	return mg_tcpd_listen(n, port, backlog, cbs, ctx, out);
}

int
mg_tcp_connect(struct mg_net *n, const struct mg_ep4 *to,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out)
{
	if (cbs == NULL || to->addr == 0 || to->port == 0)
		return -MG_EINVAL;
	if (is_sock(n))
		return mg_sock_tcp_connect(n, to, cbs, ctx, out);
	return mg_tcpd_connect(n, to, cbs, ctx, out);
}

void
mg_tcp_set_cbs(struct mg_tcp *c, const struct mg_tcp_cbs *cbs, void *ctx)
{
	c->cbs = cbs;
	c->ctx = ctx;
}

long
mg_tcp_write(struct mg_tcp *c, mg_view data, unsigned flags)
{
	if (is_sock(c->net))
		return mg_sock_tcp_write(c, data, flags);
	return mg_tcpd_write(c, data, flags);
}

size_t
mg_tcp_sendable(const struct mg_tcp *c)
{
	if (is_sock(c->net))
		return mg_sock_tcp_sendable(c);
	return mg_tcpd_sendable(c);
}

void
mg_tcp_recv_resume(struct mg_tcp *c)
{
	if (is_sock(c->net))
		mg_sock_tcp_recv_resume(c);
	else
		mg_tcpd_recv_resume(c);
}

int
mg_tcp_shutdown(struct mg_tcp *c)
{
	if (is_sock(c->net))
		return mg_sock_tcp_shutdown(c);
	return mg_tcpd_shutdown(c);
}

void
mg_tcp_close(struct mg_tcp *c)
{
	if (c == NULL)
		return;
	if (is_sock(c->net))
		mg_sock_tcp_close(c);
	else
		mg_tcpd_close(c);
}

void
mg_tcp_abort(struct mg_tcp *c)
{
	if (c == NULL)
		return;
	if (is_sock(c->net))
		mg_sock_tcp_abort(c);
	else
		mg_tcpd_abort(c);
}

void
mg_tcp_nodelay(struct mg_tcp *c, bool on)
{
	if (is_sock(c->net))
		mg_sock_tcp_nodelay(c, on);
	else
		mg_tcpd_nodelay(c, on);
}

void
mg_tcp_keepalive(struct mg_tcp *c, bool on)
{
	if (is_sock(c->net))
		mg_sock_tcp_keepalive(c, on);
	else
		mg_tcpd_keepalive(c, on);
}

void
mg_tcp_endpoints(const struct mg_tcp *c, struct mg_ep4 *local,
    struct mg_ep4 *remote)
{
	if (is_sock(c->net))
		mg_sock_tcp_endpoints(c, local, remote);
	else
		mg_tcpd_endpoints(c, local, remote);
}

void
mg_tcp_conn_stats(const struct mg_tcp *c, struct mg_tcp_conn_stats *out)
{
	if (is_sock(c->net))
		mg_sock_tcp_conn_stats(c, out);
	else
		mg_tcpd_conn_stats(c, out);
}
