/* SPDX-License-Identifier: ISC */
/* tcp.h: TCP connections on a stack (direct or host sockets). */
#ifndef MG_TCP_H
#define MG_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/net.h"
#include "mg/view.h"

/*
 * A struct mg_tcp is a listener or a connection. The API is non-blocking
 * and callback-based; every callback runs from the event loop.
 *
 * Receiving is zero-copy: recv gets a view of in-order bytes (inside a
 * received packet on the direct stack) and returns how many it consumed.
 * Bytes not consumed stay queued, shrink the advertised window, and are
 * offered again after mg_tcp_recv_resume (or with the next arrival). A
 * view of length 0 means the peer closed its direction (FIN); it is
 * delivered once, after every byte before it has been consumed.
 *
 * Sending copies into the connection's send buffer (or, with
 * MG_TCP_WRITE_STATIC, references bytes that never change, such as the
 * image's read-only data) and returns how much was taken. When that was
 * less than asked, `writable` runs once space frees up.
 *
 * `closed` is the last callback: the connection is gone (err 0 after an
 * orderly close of both directions, -MG_ECONNRESET, -MG_ETIMEDOUT,
 * -MG_ECONNREFUSED, -MG_ECONNABORTED) and the handle must not be used
 * after it returns. A connection closed or aborted by the application gets
 * no more callbacks at all.
 */
struct mg_tcp;

struct mg_tcp_cbs {
	/* Listener: a new connection l accepted; give it its callbacks with
	 * mg_tcp_set_cbs before returning (else it is aborted). */
	void (*accept)(void *ctx, struct mg_tcp *l, struct mg_tcp *c);
	/* Active open finished: err 0 (ESTABLISHED) or -MG_E*; on error,
	 * closed follows. */
	void (*connected)(void *ctx, struct mg_tcp *c, int err);
	size_t (*recv)(void *ctx, struct mg_tcp *c, mg_view data);
	void (*writable)(void *ctx, struct mg_tcp *c);
	void (*closed)(void *ctx, struct mg_tcp *c, int err);
};

/*
 * mg_tcp_listen: passive open on local port (addr of n), with an accept
 * backlog (connections in handshake or not yet accepted; 0 = default
 * 128). Returns 0, -MG_EADDRINUSE, -MG_ENOMEM, or a host error.
 */
int mg_tcp_listen(struct mg_net *n, uint16_t port, unsigned backlog,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out);

/* mg_tcp_connect: active open to `to` from an ephemeral port; the result
 * comes through connected. 0 or -MG_E* (nothing started). */
int mg_tcp_connect(struct mg_net *n, const struct mg_ep4 *to,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out);

void mg_tcp_set_cbs(struct mg_tcp *c, const struct mg_tcp_cbs *cbs, void *ctx);

#define MG_TCP_WRITE_STATIC 1u /* data lives as long as the image */
#define MG_TCP_WRITE_MORE   2u /* more follows at once: hold a short segment */

/*
 * mg_tcp_write queues up to data.len bytes and returns how many it took
 * (0 when the send buffer is full: writable follows), or -MG_ENOTCONN
 * (not established, or already shut down for writing).
 */
long mg_tcp_write(struct mg_tcp *c, mg_view data, unsigned flags);

/* Bytes mg_tcp_write would take now. */
size_t mg_tcp_sendable(const struct mg_tcp *c);

/* mg_tcp_recv_resume: offer queued received bytes again (from the loop). */
void mg_tcp_recv_resume(struct mg_tcp *c);

/* mg_tcp_shutdown: send FIN after the queued data; receiving goes on. */
int mg_tcp_shutdown(struct mg_tcp *c);

/*
 * mg_tcp_close: orderly close of both directions (queued data is still
 * sent, then FIN; later received data is answered with RST). The handle
 * is invalid after the call; the stack finishes the close alone.
 * On a listener: stops listening, aborting unaccepted connections.
 */
void mg_tcp_close(struct mg_tcp *c);

/* mg_tcp_abort: send RST and drop everything now; handle invalid after. */
void mg_tcp_abort(struct mg_tcp *c);

/* Nagle (RFC 896) is on by default; nodelay turns it off. */
void mg_tcp_nodelay(struct mg_tcp *c, bool on);

/* Keepalive (RFC 1122 4.2.3.6): probe after idle, off by default. */
void mg_tcp_keepalive(struct mg_tcp *c, bool on);

/* The two ends. */
void mg_tcp_endpoints(const struct mg_tcp *c, struct mg_ep4 *local,
    struct mg_ep4 *remote);

struct mg_tcp_conn_stats {
	uint64_t rx_bytes; /* delivered in order */
	uint64_t tx_bytes; /* acknowledged by the peer */
	uint64_t rexmit;   /* segments retransmitted */
	uint32_t srtt_us;  /* smoothed RTT (0: no sample) */
	uint32_t rto_ms;   /* current RTO */
	uint32_t cwnd;     /* congestion window, bytes */
	uint32_t snd_wnd;  /* peer's window, bytes */
	uint16_t mss;      /* send MSS */
	const char *state; /* "ESTABLISHED", ... */
};
void mg_tcp_conn_stats(const struct mg_tcp *c, struct mg_tcp_conn_stats *out);

#endif /* MG_TCP_H */
