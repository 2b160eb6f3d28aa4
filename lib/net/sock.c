/* SPDX-License-Identifier: ISC */
/*
 * sock.c: the socket stack: the UDP and TCP API of udp.h and tcp.h on the
 * host's sockets (mg_plat_sock_*), so an appliance runs as an ordinary
 * process (--net=socket). The host does IP, TCP and the routing; this file
 * maps readiness onto the callbacks.
 *
 * One readiness set per stack, watched on the loop; each wakeup drains it
 * in batches (SK_EV_BATCH events, SK_EV_ROUNDS times) and the rest waits
 * for the next iteration (the set is level-triggered, so nothing is lost).
 *
 * Objects are never freed while a batch or the deferred task may still
 * point at them: closing one marks it gone (no more callbacks, socket
 * closed at once) and moves it to a dead list that is freed when the
 * outermost driver (the watcher or the task) returns. mg_sock_close from
 * inside a callback does the same for the whole stack.
 *
 * TCP receive: bytes are read into a scratch buffer and offered straight
 * from it; what the application does not consume moves to a per-connection
 * buffer of SK_RBUF bytes, which later reads append to and which is offered
 * again whole with each arrival or after mg_tcp_recv_resume. When it is
 * full the socket is no longer read, and the host's receive window closes:
 * that is the backpressure. TCP send copies into the host's socket buffer
 * (so MG_TCP_WRITE_STATIC needs nothing kept); after a short write the
 * socket's OUT readiness is watched until `writable` can run.
 */
#define MG_LOG_TAG "net"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/plat.h"
#include "mg/string.h"

#include "net_int.h"

#define SK_EV_BATCH      64 /* events per mg_plat_sock_poll */
#define SK_EV_ROUNDS     4  /* polls per wakeup */
#define SK_UDP_BATCH     16 /* datagrams per receive call */
#define SK_UDP_BUDGET    64 /* datagrams per socket per event */
#define SK_ACCEPT_BUDGET 64 /* connections per listener per event */
#define SK_TCP_READS     4  /* reads per connection per event */
#define SK_SCRATCH       65536
#define SK_RBUF          65536 /* unconsumed bytes kept per connection */
#define SK_UDP_HEAPBUF   MG_PKT_BUFSIZE_DEFAULT /* packets without a pool */
#define SK_LINGER        MG_SEC(30)   /* a closed connection drains this long */
#define SK_ACCEPT_PAUSE  MG_MSEC(100) /* accept failed for lack of fds */

enum sk_kind {
	SK_UDP,
	SK_LISTEN,
	SK_CONN
};

/* What every socket object has after its API head. */
struct sk_base {
	struct mg_sock_state *ss;
	long fd;      /* -1 once closed */
	uint8_t kind; /* enum sk_kind */
	uint8_t want; /* MG_PLAT_SOCK_IN/OUT registered in the set */
	bool gone;    /* closed: no more callbacks, on the dead list */
	bool queued;  /* on the work list */
	struct sk_base *prev, *next; /* ss->all */
	struct sk_base *wnext;       /* ss->work */
	struct sk_base *dnext;       /* ss->dead */
};

struct sk_udp {
	struct mg_udp u;
	struct sk_base b;
};

struct sk_listen {
	struct mg_tcp t;
	struct sk_base b;
	bool paused;
	struct mg_timer pause; /* accept failed: try again later */
};

enum sk_conn_state {
	SK_CONNECTING, /* connect started, waiting for OUT */
	SK_OPEN,       /* established (either direction may be shut) */
	SK_LINGER_ST,  /* closed by the application: draining until EOF */
};

struct sk_conn {
	struct mg_tcp t;
	struct sk_base b;
	uint8_t state;      /* enum sk_conn_state */
	bool rd_eof;        /* the host reported the peer's FIN */
	bool fin_done;      /* the zero-length recv was delivered */
	bool wr_shut;       /* we sent FIN (mg_tcp_shutdown) */
	bool want_wr;       /* a write was short: writable is owed */
	bool resume;        /* mg_tcp_recv_resume: offer rbuf from the task */
	bool finish;        /* report closed(err) from the task */
	bool local_unknown; /* local not asked of the host yet */
	int err;            /* for finish */
	uint8_t *rbuf;      /* unconsumed bytes, SK_RBUF, NULL when none */
	size_t roff, rlen;
	struct mg_ep4 local, remote;
	uint64_t rx_bytes, tx_bytes;
	struct mg_timer linger;
};

struct mg_sock_state {
	struct mg_loop *loop;
	struct mg_net *n;        /* NULL after mg_sock_close */
	struct mg_net_stats *st; /* &n->st, or dummy after mg_sock_close */
	struct mg_net_stats dummy;
	uint32_t bind;
	mg_handle_t h;
	struct mg_watch watch;
	struct mg_task task;
	struct sk_base *all;
	struct sk_base *work, **work_tail;
	struct sk_base *dead;
	unsigned depth; /* drivers running (callbacks may be on the stack) */
	bool closed;    /* mg_sock_close ran while depth > 0 */
	struct mg_plat_sock_ev ev[SK_EV_BATCH];
	uint8_t scratch[SK_SCRATCH];
};

/* The object that embeds member at p (p may point to const: the stack
 * owns these objects and the API hands out const views of them). */
static inline void *
sk_unconst(const void *p)
{
	union {
		const void *c;
		void *v;
	} u = {p};

	return u.v;
}

#define SK_CONTAINER(p, type, member)                                          \
	((type *)(void *)((char *)sk_unconst(p) - offsetof(type, member)))

static struct sk_udp *
sk_udp(struct mg_udp *u)
{
	return SK_CONTAINER(u, struct sk_udp, u);
}

static struct sk_conn *
sk_conn(const struct mg_tcp *t)
{
	return SK_CONTAINER(t, struct sk_conn, t);
}

static struct sk_base *
sk_tcp_base(const struct mg_tcp *t)
{
	/* Listener and connection keep b at one offset (asserted below). */
	return &sk_conn(t)->b;
}

_Static_assert(offsetof(struct sk_conn, b) == offsetof(struct sk_listen, b),
    "listener and connection keep their base at one offset");

/*
 * Object lifetime.
 */
static void
sk_link(struct mg_sock_state *ss, struct sk_base *b, uint8_t kind, long fd)
{
	b->ss = ss;
	b->fd = fd;
	b->kind = kind;
	b->prev = NULL;
	b->next = ss->all;
	if (ss->all != NULL)
		ss->all->prev = b;
	ss->all = b;
}

static void
sk_set_want(struct sk_base *b, unsigned want)
{
	if (b->fd < 0 || want == b->want)
		return;
	/* want 0 is out of the set (never in it, or removed). */
	if (mg_plat_sock_want(b->ss->h, b->fd,
	        want | (b->want == 0 ? MG_PLAT_SOCK_NEW : 0), b) == 0)
		b->want = (uint8_t)want;
}

static void
sk_queue(struct sk_base *b)
{
	struct mg_sock_state *ss = b->ss;

	if (b->queued || b->gone)
		return;
	b->queued = true;
	b->wnext = NULL;
	*ss->work_tail = b;
	ss->work_tail = &b->wnext;
	mg_loop_defer(ss->loop, &ss->task);
}

/* Close the socket, no more callbacks; freed when no driver runs. */
static void
sk_kill(struct sk_base *b)
{
	struct mg_sock_state *ss = b->ss;

	if (b->gone)
		return;
	b->gone = true;
	if (b->fd >= 0)
		mg_plat_sock_close(b->fd);
	b->fd = -1;
	b->want = 0;
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		ss->all = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	if (b->kind == SK_CONN) {
		struct sk_conn *c = SK_CONTAINER(b, struct sk_conn, b);

		mg_timer_stop(&c->linger);
		mg_free(c->rbuf);
		c->rbuf = NULL;
		c->rlen = 0;
	} else if (b->kind == SK_LISTEN) {
		mg_timer_stop(&SK_CONTAINER(b, struct sk_listen, b)->pause);
	}
	b->dnext = ss->dead;
	ss->dead = b;
	if (ss->depth == 0 && !ss->closed)
		mg_loop_defer(ss->loop, &ss->task);
}

static void
sk_free_obj(struct sk_base *b)
{
	switch (b->kind) {
	case SK_UDP:
		mg_free(SK_CONTAINER(b, struct sk_udp, b));
		break;
	case SK_LISTEN:
		mg_free(SK_CONTAINER(b, struct sk_listen, b));
		break;
	default:
		mg_free(SK_CONTAINER(b, struct sk_conn, b));
		break;
	}
}

/* Free the dead (and the state after mg_sock_close) once nothing runs. */
static void
sk_reap(struct mg_sock_state *ss)
{
	struct sk_base *b, **pp = &ss->dead;

	if (ss->depth > 0)
		return;
	/* One still on the work list waits for the task to pass it (after
	 * mg_sock_close there is no task: everything goes). */
	while ((b = *pp) != NULL) {
		if (b->queued && !ss->closed) {
			pp = &b->dnext;
			continue;
		}
		*pp = b->dnext;
		sk_free_obj(b);
	}
	if (ss->closed)
		mg_free(ss);
}

/*
 * UDP.
 */
static bool
sk_udp_alloc(struct mg_sock_state *ss, struct mg_pkt **pp)
{
	struct mg_pkt *p;

	if (ss->n->pool != NULL)
		p = mg_pkt_alloc(ss->n->pool);
	else
		p = mg_pkt_alloc_heap(SK_UDP_HEAPBUF, MG_NET_HEADROOM);
	if (p != NULL && mg_pkt_reset(p, MG_NET_HEADROOM) < 0) {
		mg_pkt_free(p);
		p = NULL;
	}
	*pp = p;
	return p != NULL;
}

static void
sk_udp_read(struct sk_udp *su)
{
	struct mg_sock_state *ss = su->b.ss;
	struct mg_plat_sock_msg m[SK_UDP_BATCH] = {0};
	struct mg_pkt *p[SK_UDP_BATCH] = {0};
	size_t done = 0, k, j;
	long r;

	while (done < SK_UDP_BUDGET) {
		for (k = 0; k < SK_UDP_BATCH; k++) {
			if (!sk_udp_alloc(ss, &p[k]))
				break;
			m[k].buf = p[k]->data;
			m[k].len = mg_pkt_tailroom(p[k]);
		}
		if (k == 0) {
			/* No buffer: take the datagram out anyway and drop it,
			 * as the direct stack does, so the socket stays quiet.
			 */
			m[0].buf = ss->scratch;
			m[0].len = sizeof(ss->scratch);
			r = mg_plat_sock_recvmmsg(su->b.fd, m, 1);
			if (r <= 0)
				return;
			ss->st->ifc.rx_nobuf++;
			done++;
			continue;
		}
		r = mg_plat_sock_recvmmsg(su->b.fd, m, k);
		if (r <= 0) {
			/* -MG_EAGAIN, or an ICMP error now cleared. */
			for (j = 0; j < k; j++)
				mg_pkt_free(p[j]);
			return;
		}
		if ((size_t)r > k)
			r = (long)k; /* the platform fills at most k */
		for (j = 0; j < (size_t)r; j++) {
			struct mg_ep4 from = {m[j].addr, m[j].port};
			uint32_t dst = m[j].dst != 0 ? m[j].dst : ss->bind;

			if (su->b.gone || m[j].trunc ||
			    mg_pkt_put(p[j], m[j].len) == NULL) {
				/* Longer than a packet buffer: dropped. */
				if (!su->b.gone)
					ss->st->ifc.rx_nobuf++;
				mg_pkt_free(p[j]);
				continue;
			}
			ss->st->udp.rx_datagrams++;
			su->u.fn(su->u.ctx, &su->u, &from, dst,
			    mg_pkt_view(p[j]), p[j]);
			mg_pkt_free(p[j]);
		}
		for (j = (size_t)r; j < k; j++)
			mg_pkt_free(p[j]);
		if (su->b.gone || ss->closed || (size_t)r < k)
			return;
		done += (size_t)r;
	}
}

int
mg_sock_udp_open(struct mg_net *n, uint16_t port, mg_udp_recv_fn fn, void *ctx,
    struct mg_udp **out)
{
	struct mg_sock_state *ss = n->sock;
	struct sk_udp *su;
	uint32_t addr;
	long fd;
	int rc;

	fd = mg_plat_sock_udp(ss->bind, port);
	if (fd < 0)
		return (int)fd;
	su = mg_calloc(1, sizeof(*su));
	if (su == NULL) {
		mg_plat_sock_close(fd);
		return -MG_ENOMEM;
	}
	rc = mg_plat_sock_name(fd, &addr, &su->u.port);
	if (rc < 0) {
		mg_plat_sock_close(fd);
		mg_free(su);
		return rc;
	}
	su->u.net = n;
	su->u.fn = fn;
	su->u.ctx = ctx;
	sk_link(ss, &su->b, SK_UDP, fd);
	sk_set_want(&su->b, MG_PLAT_SOCK_IN);
	*out = &su->u;
	return 0;
}

int
mg_sock_udp_send(struct mg_udp *u, const struct mg_ep4 *to, struct mg_pkt *p)
{
	struct sk_udp *su = sk_udp(u);
	long r;

	if (su->b.gone) {
		mg_pkt_free(p);
		return -MG_ENOTCONN;
	}
	r = mg_plat_sock_sendto(su->b.fd, p->data, p->len, to->addr, to->port);
	mg_pkt_free(p);
	if (r < 0)
		return (int)r;
	su->b.ss->st->udp.tx_datagrams++;
	return 0;
}

void
mg_sock_udp_close(struct mg_udp *u)
{
	sk_kill(&sk_udp(u)->b);
}

/*
 * TCP connections.
 */
static void
sk_conn_want(struct sk_conn *c)
{
	unsigned w = 0;

	if (c->b.gone)
		return;
	if (c->finish)
		w = 0;
	else if (c->state == SK_CONNECTING)
		w = MG_PLAT_SOCK_OUT;
	else if (c->state == SK_LINGER_ST)
		w = MG_PLAT_SOCK_IN;
	else {
		if (!c->rd_eof && c->rlen < SK_RBUF)
			w |= MG_PLAT_SOCK_IN;
		if (c->want_wr)
			w |= MG_PLAT_SOCK_OUT;
	}
	sk_set_want(&c->b, w);
}

/* Report the end err (0 after an orderly close) from the loop: connected
 * first when still connecting, then closed. */
static void
sk_conn_end(struct sk_conn *c, int err)
{
	struct mg_sock_state *ss = c->b.ss;
	const struct mg_tcp_cbs *cbs = c->t.cbs;
	bool connecting = c->state == SK_CONNECTING;

	if (err == -32) /* EPIPE: the peer reset the connection */
		err = -MG_ECONNRESET;
	if (err == 0)
		ss->st->tcp.conn_closed++;
	else if (err == -MG_ECONNRESET)
		ss->st->tcp.conn_reset++;
	else if (err == -MG_ETIMEDOUT)
		ss->st->tcp.conn_timeout++;
	sk_kill(&c->b);
	if (cbs == NULL)
		return;
	if (connecting && cbs->connected != NULL) {
		cbs->connected(c->t.ctx, &c->t, err);
		if (ss->closed)
			return;
	}
	if (cbs->closed != NULL)
		cbs->closed(c->t.ctx, &c->t, err);
}

/* The same, from the task (inside an API call). */
static void
sk_conn_later(struct sk_conn *c, int err)
{
	if (c->finish)
		return;
	c->finish = true;
	c->err = err;
	sk_conn_want(c);
	sk_queue(&c->b);
}

static size_t
sk_conn_recv(struct sk_conn *c, mg_view v)
{
	const struct mg_tcp_cbs *cbs = c->t.cbs;
	size_t k;

	if (cbs == NULL || cbs->recv == NULL)
		return v.len;
	k = cbs->recv(c->t.ctx, &c->t, v);
	MG_ASSERT(k <= v.len);
	return k;
}

/* Offer the kept bytes once, then the FIN once they are all consumed. */
static void
sk_conn_deliver(struct sk_conn *c)
{
	size_t k;

	if (c->rlen > 0) {
		k = sk_conn_recv(c, mg_view_make(c->rbuf + c->roff, c->rlen));
		if (c->b.gone)
			return;
		c->roff += k;
		c->rlen -= k;
		if (c->rlen == 0) {
			mg_free(c->rbuf);
			c->rbuf = NULL;
			c->roff = 0;
		}
	}
	if (c->rlen == 0 && c->rd_eof && !c->fin_done) {
		c->fin_done = true;
		(void)sk_conn_recv(c, mg_view_make(NULL, 0));
		if (c->b.gone)
			return;
		if (c->wr_shut)
			sk_conn_later(c, 0);
	}
	sk_conn_want(c);
}

/* Keep the bytes the application did not take (from the scratch). */
static bool
sk_conn_keep(struct sk_conn *c, const uint8_t *p, size_t len)
{
	c->rbuf = mg_malloc(SK_RBUF);
	if (c->rbuf == NULL) {
		c->b.ss->st->tcp.nomem++;
		return false;
	}
	mg_memcpy(c->rbuf, p, len);
	c->roff = 0;
	c->rlen = len;
	return true;
}

static void
sk_conn_read(struct sk_conn *c)
{
	struct mg_sock_state *ss = c->b.ss;
	uint8_t *buf;
	size_t room, k;
	long r;
	int i;

	for (i = 0; i < SK_TCP_READS; i++) {
		if (c->rlen == 0) {
			buf = ss->scratch;
			room = sizeof(ss->scratch);
		} else {
			if (c->roff > 0) {
				mg_memmove(c->rbuf, c->rbuf + c->roff, c->rlen);
				c->roff = 0;
			}
			buf = c->rbuf + c->rlen;
			room = SK_RBUF - c->rlen;
			if (room == 0)
				break;
		}
		r = mg_plat_sock_recv(c->b.fd, buf, room);
		if (r == -MG_EAGAIN)
			break;
		if (r < 0) {
			sk_conn_end(c, (int)r);
			return;
		}
		if (r == 0) {
			c->rd_eof = true;
			sk_conn_deliver(c);
			return;
		}
		c->rx_bytes += (uint64_t)r;
		ss->st->tcp.rx_segs++;
		if (buf == ss->scratch) {
			k = sk_conn_recv(c, mg_view_make(buf, (size_t)r));
			if (c->b.gone)
				return;
			if (k < (size_t)r &&
			    !sk_conn_keep(c, buf + k, (size_t)r - k)) {
				ss->st->tcp.conn_aborted++;
				mg_plat_sock_opt(c->b.fd, MG_PLAT_SOCK_LINGER0,
				    1);
				sk_conn_end(c, -MG_ECONNABORTED);
				return;
			}
		} else {
			c->rlen += (size_t)r;
			sk_conn_deliver(c);
			if (c->b.gone)
				return;
		}
		if ((size_t)r < room)
			break;
	}
	sk_conn_want(c);
}

/* A connection the application closed: read and drop until EOF. */
static void
sk_conn_linger_read(struct sk_conn *c)
{
	struct mg_sock_state *ss = c->b.ss;
	long r;
	int i;

	for (i = 0; i < SK_TCP_READS; i++) {
		r = mg_plat_sock_recv(c->b.fd, ss->scratch,
		    sizeof(ss->scratch));
		if (r == -MG_EAGAIN)
			return;
		if (r <= 0) {
			sk_kill(&c->b);
			return;
		}
	}
}

static void
sk_linger_fn(void *ctx, struct mg_timer *t)
{
	struct sk_conn *c = ctx;

	(void)t;
	sk_kill(&c->b);
}

static void
sk_conn_event(struct sk_conn *c, unsigned ev)
{
	struct mg_sock_state *ss = c->b.ss;
	const unsigned fail = MG_PLAT_SOCK_ERR | MG_PLAT_SOCK_HUP;
	int err;

	if (c->finish)
		return;
	if (c->state == SK_LINGER_ST) {
		sk_conn_linger_read(c);
		return;
	}
	if (c->state == SK_CONNECTING) {
		if (!(ev & (MG_PLAT_SOCK_OUT | fail)))
			return;
		err = mg_plat_sock_error(c->b.fd);
		if (err == 0 && (ev & MG_PLAT_SOCK_HUP))
			err = -MG_ECONNREFUSED;
		if (err < 0) {
			sk_conn_end(c, err);
			return;
		}
		c->state = SK_OPEN;
		ss->st->tcp.conn_connected++;
		(void)mg_plat_sock_name(c->b.fd, &c->local.addr,
		    &c->local.port);
		sk_conn_want(c);
		if (c->t.cbs->connected != NULL)
			c->t.cbs->connected(c->t.ctx, &c->t, 0);
		return;
	}
	if ((ev & (MG_PLAT_SOCK_IN | fail)) && (c->b.want & MG_PLAT_SOCK_IN)) {
		sk_conn_read(c);
		if (c->b.gone || c->finish)
			return;
	} else if (ev & fail) {
		/* Not reading (buffer full): only a hard error matters. */
		err = mg_plat_sock_error(c->b.fd);
		if (err < 0) {
			sk_conn_end(c, err);
			return;
		}
	}
	if ((ev & (MG_PLAT_SOCK_OUT | fail)) && c->want_wr) {
		c->want_wr = false;
		sk_conn_want(c);
		if (c->t.cbs->writable != NULL)
			c->t.cbs->writable(c->t.ctx, &c->t);
	}
}

static struct sk_conn *
sk_conn_new(struct mg_sock_state *ss, long fd)
{
	struct sk_conn *c = mg_calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->t.net = ss->n;
	mg_timer_init(&c->linger, sk_linger_fn, c);
	sk_link(ss, &c->b, SK_CONN, fd);
	return c;
}

/* The task: deferred ends and resumes, then the reaping. */
static void
sk_conn_work(struct sk_conn *c)
{
	if (c->finish) {
		sk_conn_end(c, c->err);
		return;
	}
	if (c->resume) {
		c->resume = false;
		if (c->state == SK_OPEN)
			sk_conn_deliver(c);
	}
}

static void
sk_task_fn(void *ctx)
{
	struct mg_sock_state *ss = ctx;
	struct sk_base *b, *list = ss->work;

	ss->work = NULL;
	ss->work_tail = &ss->work;
	ss->depth++;
	while ((b = list) != NULL && !ss->closed) {
		list = b->wnext;
		b->queued = false;
		if (!b->gone && b->kind == SK_CONN)
			sk_conn_work(SK_CONTAINER(b, struct sk_conn, b));
	}
	ss->depth--;
	sk_reap(ss);
}

long
mg_sock_tcp_write(struct mg_tcp *t, mg_view data, unsigned flags)
{
	struct sk_conn *c = sk_conn(t);
	long r;

	if (c->b.gone || c->state != SK_OPEN || c->wr_shut || c->finish)
		return -MG_ENOTCONN;
	if (data.len == 0)
		return 0;
	r = mg_plat_sock_send(c->b.fd, data.p, data.len,
	    (flags & MG_TCP_WRITE_MORE) ? MG_PLAT_SOCK_MORE : 0);
	if (r == -MG_EAGAIN) {
		r = 0;
	} else if (r < 0) {
		sk_conn_later(c, (int)r);
		return -MG_ENOTCONN;
	}
	c->tx_bytes += (uint64_t)r;
	if (r > 0)
		c->b.ss->st->tcp.tx_segs++;
	if ((size_t)r < data.len) {
		c->want_wr = true;
		sk_conn_want(c);
	}
	return r;
}

size_t
mg_sock_tcp_sendable(const struct mg_tcp *t)
{
	const struct sk_conn *c = sk_conn(t);
	struct mg_plat_sock_tcp_info ti;

	if (c->b.gone || c->state != SK_OPEN || c->wr_shut || c->want_wr)
		return 0;
	if (mg_plat_sock_tcp_info(c->b.fd, &ti) < 0 || ti.sndbuf <= ti.outq)
		return 0;
	return (size_t)(ti.sndbuf - ti.outq);
}

void
mg_sock_tcp_recv_resume(struct mg_tcp *t)
{
	struct sk_conn *c = sk_conn(t);

	if (sk_tcp_base(t)->kind != SK_CONN || c->b.gone)
		return;
	c->resume = true;
	sk_queue(&c->b);
}

int
mg_sock_tcp_shutdown(struct mg_tcp *t)
{
	struct sk_conn *c = sk_conn(t);
	int rc;

	if (c->b.gone || c->state != SK_OPEN || c->finish)
		return -MG_ENOTCONN;
	if (c->wr_shut)
		return 0;
	rc = mg_plat_sock_shutdown(c->b.fd);
	if (rc < 0)
		return rc;
	c->wr_shut = true;
	c->want_wr = false;
	if (c->fin_done)
		sk_conn_later(c, 0);
	else
		sk_conn_want(c);
	return 0;
}

static void
sk_listen_close(struct sk_listen *l)
{
	sk_kill(&l->b);
}

void
mg_sock_tcp_close(struct mg_tcp *t)
{
	struct sk_base *b = sk_tcp_base(t);
	struct sk_conn *c;

	if (b->gone)
		return;
	if (b->kind == SK_LISTEN) {
		sk_listen_close(SK_CONTAINER(b, struct sk_listen, b));
		return;
	}
	c = sk_conn(t);
	if (c->state != SK_OPEN || c->finish) {
		sk_kill(b);
		return;
	}
	b->ss->st->tcp.conn_closed++;
	/* Nothing more can arrive, or nothing is unread: the host sends
	 * what is queued, then FIN, alone (bytes that come later are
	 * answered with RST, as on the direct stack). */
	if (c->rd_eof ||
	    (c->rlen == c->roff && !c->wr_shut &&
	        mg_plat_sock_unread(b->fd) == 0)) {
		sk_kill(b);
		return;
	}
	if (!c->wr_shut)
		(void)mg_plat_sock_shutdown(b->fd);
	/* Drain until the peer's FIN, so that closing with unread bytes
	 * does not turn into an RST that loses what we queued. */
	c->state = SK_LINGER_ST;
	c->t.cbs = NULL;
	c->want_wr = false;
	mg_free(c->rbuf);
	c->rbuf = NULL;
	c->rlen = 0;
	c->roff = 0;
	c->resume = false;
	sk_conn_want(c);
	if (mg_timer_start_in(b->ss->loop, &c->linger, SK_LINGER) < 0)
		sk_kill(b);
}

void
mg_sock_tcp_abort(struct mg_tcp *t)
{
	struct sk_base *b = sk_tcp_base(t);

	if (b->gone)
		return;
	if (b->kind == SK_CONN) {
		b->ss->st->tcp.conn_aborted++;
		(void)mg_plat_sock_opt(b->fd, MG_PLAT_SOCK_LINGER0, 1);
	}
	sk_kill(b);
}

void
mg_sock_tcp_nodelay(struct mg_tcp *t, bool on)
{
	struct sk_base *b = sk_tcp_base(t);

	if (!b->gone && b->kind == SK_CONN)
		(void)mg_plat_sock_opt(b->fd, MG_PLAT_SOCK_NODELAY, on);
}

void
mg_sock_tcp_keepalive(struct mg_tcp *t, bool on)
{
	struct sk_base *b = sk_tcp_base(t);

	if (!b->gone && b->kind == SK_CONN)
		(void)mg_plat_sock_opt(b->fd, MG_PLAT_SOCK_KEEPALIVE, on);
}

void
mg_sock_tcp_endpoints(const struct mg_tcp *t, struct mg_ep4 *local,
    struct mg_ep4 *remote)
{
	const struct sk_base *b = sk_tcp_base(t);
	struct mg_ep4 none = {0, 0};

	if (b->kind == SK_LISTEN) {
		uint32_t addr = 0;
		uint16_t port = 0;

		if (!b->gone)
			(void)mg_plat_sock_name(b->fd, &addr, &port);
		if (local != NULL) {
			local->addr = addr;
			local->port = port;
		}
		if (remote != NULL)
			*remote = none;
		return;
	}
	if (local != NULL) {
		struct sk_conn *c = sk_conn(t);

		if (c->local_unknown && !b->gone &&
		    mg_plat_sock_name(b->fd, &c->local.addr, &c->local.port) ==
		        0)
			c->local_unknown = false;
		*local = c->local;
	}
	if (remote != NULL)
		*remote = sk_conn(t)->remote;
}

void
mg_sock_tcp_conn_stats(const struct mg_tcp *t, struct mg_tcp_conn_stats *out)
{
	const struct sk_base *b = sk_tcp_base(t);
	struct mg_plat_sock_tcp_info ti;
	const struct sk_conn *c;

	mg_memset(out, 0, sizeof(*out));
	if (b->kind == SK_LISTEN) {
		out->state = "LISTEN";
		return;
	}
	c = sk_conn(t);
	out->rx_bytes = c->rx_bytes;
	out->tx_bytes = c->tx_bytes;
	if (c->state == SK_CONNECTING) {
		out->state = "SYN-SENT";
		return;
	}
	if (b->gone || mg_plat_sock_tcp_info(b->fd, &ti) < 0) {
		out->state = "CLOSED";
		return;
	}
	/* The host counts what is still unacknowledged in outq. */
	out->tx_bytes = c->tx_bytes > ti.outq ? c->tx_bytes - ti.outq : 0;
	out->rexmit = ti.rexmit;
	out->srtt_us = ti.srtt_us;
	out->rto_ms = ti.rto_ms;
	out->cwnd = ti.cwnd;
	out->mss = (uint16_t)(ti.mss > 65535 ? 65535 : ti.mss);
	out->state = ti.state;
}

/*
 * TCP listeners.
 */
static void
sk_pause_fn(void *ctx, struct mg_timer *t)
{
	struct sk_listen *l = ctx;

	(void)t;
	l->paused = false;
	sk_set_want(&l->b, MG_PLAT_SOCK_IN);
}

static void
sk_accept(struct sk_listen *l)
{
	struct mg_sock_state *ss = l->b.ss;
	struct sk_conn *c;
	uint32_t addr;
	uint16_t port;
	long fd;
	int i;

	for (i = 0; i < SK_ACCEPT_BUDGET; i++) {
		fd = mg_plat_sock_accept(l->b.fd, &addr, &port);
		if (fd == -MG_EAGAIN)
			return;
		if (fd < 0) {
			/* Out of descriptors (or memory): the connection
			 * waits in the host's queue; look again later. */
			ss->st->tcp.nomem++;
			if (mg_timer_start_in(ss->loop, &l->pause,
			        SK_ACCEPT_PAUSE) == 0) {
				l->paused = true;
				sk_set_want(&l->b, 0);
			}
			return;
		}
		c = sk_conn_new(ss, fd);
		if (c == NULL) {
			(void)mg_plat_sock_opt(fd, MG_PLAT_SOCK_LINGER0, 1);
			mg_plat_sock_close(fd);
			ss->st->tcp.nomem++;
			continue;
		}
		c->state = SK_OPEN;
		c->remote.addr = addr;
		c->remote.port = port;
		/* The local end is asked for only when wanted (endpoints). */
		c->local_unknown = true;
		ss->st->tcp.conn_accepted++;
		l->t.cbs->accept(l->t.ctx, &l->t, &c->t);
		if (ss->closed)
			return;
		if (!c->b.gone && c->t.cbs == NULL) {
			ss->st->tcp.conn_aborted++;
			(void)mg_plat_sock_opt(fd, MG_PLAT_SOCK_LINGER0, 1);
			sk_kill(&c->b);
		}
		sk_conn_want(c);
		if (l->b.gone)
			return;
	}
}

int
mg_sock_tcp_listen(struct mg_net *n, uint16_t port, unsigned backlog,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out)
{
	struct mg_sock_state *ss = n->sock;
	struct sk_listen *l;
	long fd;

	fd = mg_plat_sock_listen(ss->bind, port, backlog != 0 ? backlog : 128);
	if (fd < 0)
		return (int)fd;
	l = mg_calloc(1, sizeof(*l));
	if (l == NULL) {
		mg_plat_sock_close(fd);
		return -MG_ENOMEM;
	}
	l->t.net = n;
	l->t.cbs = cbs;
	l->t.ctx = ctx;
	mg_timer_init(&l->pause, sk_pause_fn, l);
	sk_link(ss, &l->b, SK_LISTEN, fd);
	sk_set_want(&l->b, MG_PLAT_SOCK_IN);
	*out = &l->t;
	return 0;
}

int
mg_sock_tcp_connect(struct mg_net *n, const struct mg_ep4 *to,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out)
{
	struct mg_sock_state *ss = n->sock;
	struct sk_conn *c;
	long fd;

	fd = mg_plat_sock_connect(ss->bind, to->addr, to->port);
	/* Refused at once (loopback): reported from the loop, as a refusal
	 * that took a round trip would be. */
	if (fd < 0 && fd != -MG_ECONNREFUSED)
		return (int)fd;
	c = sk_conn_new(ss, fd < 0 ? -1 : fd);
	if (c == NULL) {
		if (fd >= 0)
			mg_plat_sock_close(fd);
		return -MG_ENOMEM;
	}
	c->t.cbs = cbs;
	c->t.ctx = ctx;
	c->state = SK_CONNECTING;
	c->remote = *to;
	if (fd < 0)
		sk_conn_later(c, (int)fd);
	else
		sk_conn_want(c);
	*out = &c->t;
	return 0;
}

/*
 * The stack.
 */
static void
sk_watch_fn(void *ctx, mg_handle_t h)
{
	struct mg_sock_state *ss = ctx;
	struct sk_base *b;
	int round, n, i;

	(void)h;
	ss->depth++;
	for (round = 0; round < SK_EV_ROUNDS && !ss->closed; round++) {
		n = mg_plat_sock_poll(ss->h, ss->ev, SK_EV_BATCH);
		for (i = 0; i < n && !ss->closed; i++) {
			b = ss->ev[i].ctx;
			if (b == NULL || b->gone)
				continue;
			switch (b->kind) {
			case SK_UDP:
				sk_udp_read(SK_CONTAINER(b, struct sk_udp, b));
				break;
			case SK_LISTEN:
				sk_accept(SK_CONTAINER(b, struct sk_listen, b));
				break;
			default:
				sk_conn_event(
				    SK_CONTAINER(b, struct sk_conn, b),
				    ss->ev[i].events);
				break;
			}
		}
		if (n < SK_EV_BATCH)
			break;
	}
	ss->depth--;
	sk_reap(ss);
}

int
mg_sock_open(struct mg_net *n, const struct mg_net_config *cfg)
{
	struct mg_sock_state *ss;
	int rc;

	ss = mg_calloc(1, sizeof(*ss));
	if (ss == NULL)
		return -MG_ENOMEM;
	rc = mg_plat_sock_init(&ss->h);
	if (rc < 0) {
		mg_free(ss);
		return rc;
	}
	ss->loop = n->loop;
	ss->n = n;
	ss->st = &n->st;
	ss->bind = cfg->addr;
	ss->work_tail = &ss->work;
	mg_task_init(&ss->task, sk_task_fn, ss);
	mg_loop_watch(n->loop, &ss->watch, ss->h, sk_watch_fn, ss);
	n->sock = ss;
	n->addr = cfg->addr;
	return 0;
}

void
mg_sock_close(struct mg_net *n)
{
	struct mg_sock_state *ss = n->sock;
	struct sk_base *b;

	if (ss == NULL)
		return;
	n->sock = NULL;
	while ((b = ss->all) != NULL) {
		if (b->kind == SK_CONN &&
		    SK_CONTAINER(b, struct sk_conn, b)->state != SK_LINGER_ST) {
			ss->st->tcp.conn_aborted++;
			(void)mg_plat_sock_opt(b->fd, MG_PLAT_SOCK_LINGER0, 1);
		}
		sk_kill(b);
	}
	mg_loop_unwatch(&ss->watch);
	mg_loop_cancel(ss->loop, &ss->task);
	mg_plat_sock_fini(ss->h);
	ss->n = NULL;
	ss->st = &ss->dummy;
	ss->closed = true;
	sk_reap(ss);
}
