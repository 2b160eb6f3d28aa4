/* SPDX-License-Identifier: ISC */
/*
 * tcp.c: the direct stack's TCP: the connection table, listeners, and the
 * mg_tcpd_* calls behind the public API (include/mg/tcp.h).
 *
 * Connections live in a hash table keyed by the 4-tuple and on one list
 * of all connections. Nothing is ever freed inside an API call or a
 * callback: a connection that ends is unlinked (mg_tcp_conn_drop) and
 * freed from its own deferred task, so pointers held by code further up
 * the stack stay valid until the loop comes back.
 */
#include "tcp_int.h"

#include "mg/heap.h"
#include "mg/string.h"

static const char *const state_names[] = {
    "CLOSED",
    "LISTEN",
    "SYN_SENT",
    "SYN_RCVD",
    "ESTABLISHED",
    "FIN_WAIT_1",
    "FIN_WAIT_2",
    "CLOSE_WAIT",
    "CLOSING",
    "LAST_ACK",
    "TIME_WAIT",
};

const char *
mg_tcp_state_name(uint8_t st)
{
	if (st >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[st];
}

uint32_t
mg_tcp_now_ms(struct mg_net *n)
{
	return (uint32_t)(mg_net_now(n) / MG_MSEC(1));
}

/* RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock. */
uint32_t
mg_tcp_iss(struct mg_net *n, uint32_t laddr, uint16_t lport, uint32_t raddr,
    uint16_t rport)
{
	uint32_t b[3] = {laddr, raddr, (uint32_t)lport << 16 | rport};

	return (uint32_t)(mg_net_now(n) / MG_USEC(4)) +
	    (uint32_t)mg_net_hash(n, b, sizeof(b));
}

static uint32_t
bucket_of(const struct mg_tcp_state *ts, uint32_t laddr, uint16_t lport,
    uint32_t raddr, uint16_t rport)
{
	uint32_t h;

	h = raddr ^ ts->hkey;
	h ^= (uint32_t)rport << 16 | lport;
	h ^= laddr * 0x9e3779b1u;
	h *= 0x85ebca6bu;
	h ^= h >> 15;
	h *= 0xc2b2ae35u;
	h ^= h >> 13;
	return h & (ts->nbuckets - 1);
}

int
mg_tcpd_init(struct mg_net *n)
{
	struct mg_pkt_pool_stats ps;
	struct mg_tcp_state *ts;

	ts = mg_calloc(1, sizeof(*ts));
	if (ts == NULL)
		return -MG_ENOMEM;
	ts->nbuckets = MG_TCP_BUCKETS;
	/* An array of chain heads (pointers). */
	ts->buckets = mg_calloc(ts->nbuckets,
	    sizeof(ts->buckets[0])); /* NOLINT(bugprone-sizeof-expression) */
	if (ts->buckets == NULL) {
		mg_free(ts);
		return -MG_ENOMEM;
	}
	ts->hkey = mg_net_rand32(n);
	mg_pkt_pool_stats(n->pool, &ps);
	/* Keep half the pool free for input (ACKs) and output. */
	ts->rx_held_max = ps.total / 2;
	n->tcp = ts;
	return 0;
}

static void
chunks_free(struct mg_tcp_conn *c)
{
	struct mg_tcp_chunk *k;

	while ((k = c->sb_head) != NULL) {
		c->sb_head = k->next;
		mg_free(k);
	}
	c->sb_tail = NULL;
	c->sb_len = 0;
	c->sb_head_off = 0;
}

void
mg_tcp_rq_free(struct mg_tcp_conn *c)
{
	struct mg_tcp_state *ts = c->h.net->tcp;
	struct mg_pkt *p;

	while ((p = c->rq_head) != NULL) {
		c->rq_head = p->next;
		mg_pkt_free(p);
		ts->rx_held--;
	}
	while ((p = c->ooo) != NULL) {
		c->ooo = p->next;
		mg_pkt_free(p);
		ts->rx_held--;
	}
	c->rq_tail = NULL;
	c->rq_bytes = c->rq_pkts = c->ooo_pkts = 0;
}

void
mg_tcp_conn_unhash(struct mg_tcp_conn *c)
{
	struct mg_tcp_state *ts = c->h.net->tcp;
	struct mg_tcp_conn **pp;

	pp =
	    &ts->buckets[bucket_of(ts, c->laddr, c->lport, c->raddr, c->rport)];
	for (; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	}
	c->hnext = NULL;
}

static void
conn_free(struct mg_tcp_conn *c)
{
	struct mg_tcp_state *ts = c->h.net->tcp;

	mg_timer_stop(&c->timer);
	mg_loop_cancel(c->h.net->loop, &c->task);
	if (!c->dead)
		mg_tcp_conn_unhash(c);
	mg_tcp_rq_free(c);
	chunks_free(c);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		ts->all = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	ts->nconns--;
	mg_free(c);
}

void
mg_tcpd_fini(struct mg_net *n)
{
	struct mg_tcp_state *ts = n->tcp;
	struct mg_tcp_listener *l;

	if (ts == NULL)
		return;
	while (ts->all != NULL) {
		struct mg_tcp_conn *c = ts->all;

		if (!c->dead && c->state != MG_TCPS_TIME_WAIT &&
		    c->state != MG_TCPS_SYN_SENT)
			mg_tcp_send_rst(c);
		conn_free(c);
	}
	while ((l = ts->listeners) != NULL) {
		ts->listeners = l->next;
		mg_free(l);
	}
	mg_free(ts->buckets);
	mg_free(ts);
	n->tcp = NULL;
}

static void conn_task(void *ctx);

struct mg_tcp_conn *
mg_tcp_conn_new(struct mg_net *n, uint32_t laddr, uint16_t lport,
    uint32_t raddr, uint16_t rport)
{
	struct mg_tcp_state *ts = n->tcp;
	struct mg_pkt_pool_stats ps;
	struct mg_tcp_conn *c;

	c = mg_calloc(1, sizeof(*c));
	if (c == NULL) {
		n->st.tcp.nomem++;
		return NULL;
	}
	c->h.net = n;
	c->laddr = laddr;
	c->lport = lport;
	c->raddr = raddr;
	c->rport = rport;
	c->rcv_mss = (uint16_t)(n->mtu > 576 ? n->mtu - 40 : 536);
	c->mss = MG_TCP_MSS_DEFAULT;
	c->sb_max = MG_TCP_SNDBUF;
	c->rq_max = MG_TCP_RCVBUF;
	mg_pkt_pool_stats(n->pool, &ps);
	c->rq_pkts_max = c->rq_max / c->rcv_mss + 1;
	if (c->rq_pkts_max > ps.total / 4)
		c->rq_pkts_max = ps.total / 4 > 2 ? ps.total / 4 : 2;
	if (c->rq_max > c->rq_pkts_max * c->rcv_mss)
		c->rq_max = c->rq_pkts_max * c->rcv_mss;
	c->rcv_ws = 0;
	while (c->rcv_ws < MG_TCP_WS_MAX && (c->rq_max >> c->rcv_ws) > 65535)
		c->rcv_ws++;
	c->rto_ms = MG_TCP_RTO_INIT;
	c->rto_at = c->delack_at = c->keep_at = c->end_at = MG_TIME_NEVER;
	c->cork_at = MG_TIME_NEVER;
	c->ssthresh = 0xffffffffu;
	mg_timer_init(&c->timer, mg_tcp_timer_fn, c);
	mg_task_init(&c->task, conn_task, c);
	c->next = ts->all;
	if (ts->all != NULL)
		ts->all->prev = c;
	ts->all = c;
	ts->nconns++;
	return c;
}

void
mg_tcp_conn_hash(struct mg_net *n, struct mg_tcp_conn *c)
{
	struct mg_tcp_state *ts = n->tcp;
	uint32_t b = bucket_of(ts, c->laddr, c->lport, c->raddr, c->rport);

	c->hnext = ts->buckets[b];
	ts->buckets[b] = c;
}

struct mg_tcp_conn *
mg_tcp_conn_lookup(struct mg_net *n, uint32_t laddr, uint16_t lport,
    uint32_t raddr, uint16_t rport)
{
	struct mg_tcp_state *ts = n->tcp;
	struct mg_tcp_conn *c;

	c = ts->buckets[bucket_of(ts, laddr, lport, raddr, rport)];
	for (; c != NULL; c = c->hnext) {
		if (c->rport == rport && c->raddr == raddr &&
		    c->lport == lport && c->laddr == laddr)
			return c;
	}
	return NULL;
}

struct mg_tcp_listener *
mg_tcp_listener_find(struct mg_net *n, uint16_t port)
{
	struct mg_tcp_listener *l;

	for (l = n->tcp->listeners; l != NULL; l = l->next) {
		if (l->port == port)
			return l;
	}
	return NULL;
}

void
mg_tcp_set_state(struct mg_tcp_conn *c, uint8_t st)
{
	c->state = st;
}

void
mg_tcp_defer(struct mg_tcp_conn *c)
{
	mg_loop_defer(c->h.net->loop, &c->task);
}

void
mg_tcp_conn_drop(struct mg_tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->lst != NULL) {
		c->lst->pending--;
		c->lst = NULL;
	}
	mg_tcp_conn_unhash(c);
	c->dead = true;
	c->app = false;
	c->state = MG_TCPS_CLOSED;
	mg_timer_stop(&c->timer);
	mg_tcp_rq_free(c);
	chunks_free(c);
	mg_tcp_defer(c);
}

void
mg_tcp_conn_finish(struct mg_tcp_conn *c, int err)
{
	struct mg_tcp_stats *st = &c->h.net->st.tcp;
	bool app = c->app;

	if (c->dead)
		return;
	if (err == 0)
		st->conn_closed++;
	else if (err == -MG_ECONNRESET || err == -MG_ECONNREFUSED)
		st->conn_reset++;
	else if (err == -MG_ETIMEDOUT)
		st->conn_timeout++;
	c->app = false;
	mg_tcp_conn_drop(c);
	if (app && c->h.cbs != NULL && c->h.cbs->closed != NULL)
		c->h.cbs->closed(c->h.ctx, &c->h, err);
}

void
mg_tcp_tell_closed(struct mg_tcp_conn *c)
{
	if (c->dead)
		return;
	if (c->app && !c->fin_delivered) {
		c->done_pending = true;
		return;
	}
	c->done_pending = false;
	if (c->state == MG_TCPS_CLOSED || c->state == MG_TCPS_LAST_ACK) {
		mg_tcp_conn_finish(c, 0);
		return;
	}
	/* TIME_WAIT: the connection stays, the application is done. */
	c->h.net->st.tcp.conn_closed++;
	if (c->app) {
		c->app = false;
		if (c->h.cbs != NULL && c->h.cbs->closed != NULL)
			c->h.cbs->closed(c->h.ctx, &c->h, 0);
	}
}

static void
conn_task(void *ctx)
{
	struct mg_tcp_conn *c = ctx;

	if (c->dead) {
		conn_free(c);
		return;
	}
	if (c->pending_err != 0) {
		int err = c->pending_err;

		c->pending_err = 0;
		if (c->app && c->h.cbs != NULL && c->h.cbs->connected != NULL)
			c->h.cbs->connected(c->h.ctx, &c->h, err);
		mg_tcp_conn_finish(c, err);
		return;
	}
	if (c->deliver_pending) {
		c->deliver_pending = false;
		mg_tcp_deliver(c);
	}
}

/* Free the head of the receive queue, all of it consumed. */
static void
rq_pop(struct mg_tcp_conn *c, struct mg_pkt *p)
{
	c->rq_head = p->next;
	if (c->rq_head == NULL)
		c->rq_tail = NULL;
	c->rq_pkts--;
	c->h.net->tcp->rx_held--;
	mg_pkt_free(p);
}

/* The close the application asked for from inside recv. */
static void
recv_close(struct mg_tcp_conn *c)
{
	c->close_after = false;
	mg_tcpd_close(&c->h);
}

/* Receive: offer in-order bytes, then FIN, to the application. */
void
mg_tcp_deliver(struct mg_tcp_conn *c)
{
	uint32_t before = mg_tcp_rcv_wnd(c);
	struct mg_pkt *p;
	size_t used;

	while (c->app && !c->dead && (p = c->rq_head) != NULL) {
		if (c->h.cbs == NULL || c->h.cbs->recv == NULL)
			return;
		c->in_recv = true;
		used = c->h.cbs->recv(c->h.ctx, &c->h, mg_pkt_view(p));
		c->in_recv = false;
		if (c->dead)
			return;
		if (c->rq_head != p) {
			if (c->close_after)
				recv_close(c);
			return;
		}
		if (used > p->len)
			used = p->len;
		c->rq_bytes -= (uint32_t)used;
		c->cst.rx_bytes += used;
		if (c->close_after) {
			/* Closed from recv: what it consumed is read, so only
			 * bytes after them make the close a reset. */
			if (used < p->len)
				mg_pkt_pull(p, used);
			else
				rq_pop(c, p);
			recv_close(c);
			return;
		}
		if (used < p->len) {
			mg_pkt_pull(p, used);
			break;
		}
		rq_pop(c, p);
	}
	if (c->dead)
		return;
	if (c->rq_head == NULL && c->fin_rcvd && !c->fin_delivered && c->app) {
		c->fin_delivered = true;
		if (c->h.cbs != NULL && c->h.cbs->recv != NULL)
			c->h.cbs->recv(c->h.ctx, &c->h, mg_view_empty());
		if (c->dead)
			return;
		if (c->done_pending) {
			mg_tcp_tell_closed(c);
			return;
		}
	}
	/* Window update when the window opened by a useful amount. */
	if (c->state >= MG_TCPS_ESTABLISHED && !c->fin_rcvd) {
		uint32_t now = mg_tcp_rcv_wnd(c);
		uint32_t adv = c->rcv_adv - c->rcv_nxt;

		uint32_t step = 2u * c->rcv_mss < c->rq_max / 2
		    ? 2u * c->rcv_mss
		    : c->rq_max / 2;

		if (now > before && now > adv && now - adv >= step)
			mg_tcp_send_ack(c);
	}
}

/* Send buffer. */
void
mg_tcp_sb_ack(struct mg_tcp_conn *c, uint32_t acked)
{
	struct mg_tcp_chunk *k;
	uint32_t left;

	if (acked > c->sb_len)
		acked = c->sb_len;
	c->sb_len -= acked;
	c->sb_seq += acked;
	c->cst.tx_bytes += acked;
	while (acked > 0 && (k = c->sb_head) != NULL) {
		left = k->len - c->sb_head_off;
		if (acked < left) {
			c->sb_head_off += acked;
			break;
		}
		acked -= left;
		c->sb_head = k->next;
		if (c->sb_head == NULL)
			c->sb_tail = NULL;
		c->sb_head_off = 0;
		mg_free(k);
	}
	if (c->sb_len == 0 && c->sb_head != NULL && c->sb_head == c->sb_tail &&
	    c->sb_head->cap != 0 && c->sb_head_off == c->sb_head->len) {
		/* Reuse the one empty copy chunk from the start. */
		c->sb_head->len = 0;
		c->sb_head_off = 0;
	}
}

static bool
writing_allowed(const struct mg_tcp_conn *c)
{
	return (c->state == MG_TCPS_ESTABLISHED ||
	           c->state == MG_TCPS_CLOSE_WAIT) &&
	    !c->fin_queued && !c->dead;
}

size_t
mg_tcpd_sendable(const struct mg_tcp *t)
{
	const struct mg_tcp_conn *c = (const struct mg_tcp_conn *)t;

	if (c->listener || !writing_allowed(c))
		return 0;
	return c->sb_len < c->sb_max ? c->sb_max - c->sb_len : 0;
}

long
mg_tcpd_write(struct mg_tcp *t, mg_view data, unsigned flags)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;
	struct mg_tcp_chunk *k;
	size_t room, take, done = 0, n;

	if (c->listener || !writing_allowed(c))
		return -MG_ENOTCONN;
	room = c->sb_max - c->sb_len;
	take = data.len < room ? data.len : room;
	if (take < data.len)
		c->want_writable = true;
	if (take == 0)
		return 0;
	if (flags & MG_TCP_WRITE_STATIC) {
		k = mg_malloc(sizeof(*k));
		if (k == NULL) {
			c->want_writable = true;
			return 0;
		}
		k->next = NULL;
		k->p = data.p;
		k->len = (uint32_t)take;
		k->cap = 0;
		if (c->sb_tail != NULL)
			c->sb_tail->next = k;
		else
			c->sb_head = k;
		c->sb_tail = k;
		done = take;
	} else {
		while (done < take) {
			k = c->sb_tail;
			if (k == NULL || k->cap == 0 || k->len == k->cap) {
				size_t cap = take - done;

				if (cap < 2048)
					cap = 2048;
				if (cap > MG_TCP_CHUNK)
					cap = MG_TCP_CHUNK;
				k = mg_malloc(sizeof(*k) + cap);
				if (k == NULL) {
					c->want_writable = true;
					break;
				}
				k->next = NULL;
				k->p = k->data;
				k->len = 0;
				k->cap = (uint32_t)cap;
				if (c->sb_tail != NULL)
					c->sb_tail->next = k;
				else
					c->sb_head = k;
				c->sb_tail = k;
			}
			n = k->cap - k->len;
			if (n > take - done)
				n = take - done;
			mg_memcpy(k->data + k->len, data.p + done, n);
			k->len += (uint32_t)n;
			done += n;
		}
	}
	c->sb_len += (uint32_t)done;
	c->more = (flags & MG_TCP_WRITE_MORE) != 0;
	mg_tcp_output(c);
	return (long)done;
}

void
mg_tcpd_recv_resume(struct mg_tcp *t)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;

	if (c->listener || c->dead)
		return;
	c->deliver_pending = true;
	mg_tcp_defer(c);
}

int
mg_tcpd_shutdown(struct mg_tcp *t)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;

	if (c->listener)
		return -MG_EINVAL;
	if (c->fin_queued)
		return 0;
	switch (c->state) {
	case MG_TCPS_ESTABLISHED:
		mg_tcp_set_state(c, MG_TCPS_FIN_WAIT_1);
		break;
	case MG_TCPS_CLOSE_WAIT:
		mg_tcp_set_state(c, MG_TCPS_LAST_ACK);
		break;
	default:
		return -MG_ENOTCONN;
	}
	c->fin_queued = true;
	c->more = false;
	mg_tcp_output(c);
	return 0;
}

static void
listener_close(struct mg_tcp_listener *l)
{
	struct mg_net *n = l->h.net;
	struct mg_tcp_listener **pp;
	struct mg_tcp_conn *c;

	for (c = n->tcp->all; c != NULL; c = c->next) {
		if (c->lst == l) {
			mg_tcp_send_rst(c);
			mg_tcp_conn_drop(c);
		}
	}
	for (pp = &n->tcp->listeners; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	mg_free(l);
}

void
mg_tcpd_abort(struct mg_tcp *t)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;

	if (c->listener) {
		listener_close((struct mg_tcp_listener *)t);
		return;
	}
	c->app = false;
	if (c->dead)
		return;
	if (c->state != MG_TCPS_SYN_SENT && c->state != MG_TCPS_TIME_WAIT &&
	    c->state != MG_TCPS_CLOSED)
		mg_tcp_send_rst(c);
	c->h.net->st.tcp.conn_aborted++;
	mg_tcp_conn_drop(c);
}

void
mg_tcpd_close(struct mg_tcp *t)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;

	if (c->listener) {
		listener_close((struct mg_tcp_listener *)t);
		return;
	}
	if (c->dead) {
		c->app = false;
		return;
	}
	if (c->in_recv) {
		/* From recv: done when it returns and its bytes are read. */
		c->app = false;
		c->close_after = true;
		return;
	}
	/* Unread data is lost: tell the peer with RST (RFC 1122 4.2.2.13). */
	if (c->rq_bytes > 0 || c->state == MG_TCPS_SYN_SENT ||
	    c->state == MG_TCPS_SYN_RCVD) {
		mg_tcpd_abort(t);
		return;
	}
	c->app = false;
	c->app_closed = true;
	c->want_writable = false;
	switch (c->state) {
	case MG_TCPS_ESTABLISHED:
	case MG_TCPS_CLOSE_WAIT:
		mg_tcpd_shutdown(t);
		break;
	case MG_TCPS_FIN_WAIT_2:
		c->end_at = mg_net_now(c->h.net) + MG_MSEC(MG_TCP_FIN2_MS);
		mg_tcp_timer_update(c);
		break;
	case MG_TCPS_CLOSED:
		mg_tcp_conn_drop(c);
		break;
	default:
		break;
	}
	c->keepalive = false;
	c->keep_at = MG_TIME_NEVER;
}

void
mg_tcpd_nodelay(struct mg_tcp *t, bool on)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;

	if (c->listener)
		return;
	c->nodelay = on;
	if (on && !c->dead)
		mg_tcp_output(c);
}

void
mg_tcpd_keepalive(struct mg_tcp *t, bool on)
{
	struct mg_tcp_conn *c = (struct mg_tcp_conn *)t;

	if (c->listener || c->dead)
		return;
	c->keepalive = on;
	c->kprobes = 0;
	if (on)
		mg_tcp_keep_reset(c);
	else
		c->keep_at = MG_TIME_NEVER;
	mg_tcp_timer_update(c);
}

void
mg_tcpd_endpoints(const struct mg_tcp *t, struct mg_ep4 *local,
    struct mg_ep4 *remote)
{
	const struct mg_tcp_conn *c = (const struct mg_tcp_conn *)t;
	const struct mg_tcp_listener *l = (const struct mg_tcp_listener *)t;

	if (c->listener) {
		if (local != NULL) {
			local->addr = l->h.net->addr;
			local->port = l->port;
		}
		if (remote != NULL)
			remote->addr = remote->port = 0;
		return;
	}
	if (local != NULL) {
		local->addr = c->laddr;
		local->port = c->lport;
	}
	if (remote != NULL) {
		remote->addr = c->raddr;
		remote->port = c->rport;
	}
}

void
mg_tcpd_conn_stats(const struct mg_tcp *t, struct mg_tcp_conn_stats *out)
{
	const struct mg_tcp_conn *c = (const struct mg_tcp_conn *)t;

	mg_memset(out, 0, sizeof(*out));
	if (c->listener) {
		out->state = "LISTEN";
		return;
	}
	*out = c->cst;
	out->srtt_us = c->srtt_us;
	out->rto_ms = c->rto_ms;
	out->cwnd = c->cwnd;
	out->snd_wnd = c->snd_wnd;
	out->mss = (uint16_t)mg_tcp_eff_mss(c);
	out->state = mg_tcp_state_name(c->state);
}

int
mg_tcpd_listen(struct mg_net *n, uint16_t port, unsigned backlog,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out)
{
	struct mg_tcp_listener *l;

	if (port == 0)
		return -MG_EINVAL;
	if (mg_tcp_listener_find(n, port) != NULL)
		return -MG_EADDRINUSE;
	l = mg_calloc(1, sizeof(*l));
	if (l == NULL)
		return -MG_ENOMEM;
	l->h.net = n;
	l->h.cbs = cbs;
	l->h.ctx = ctx;
	l->listener = true;
	l->port = port;
	l->backlog = backlog != 0 ? backlog : MG_TCP_BACKLOG;
	l->next = n->tcp->listeners;
	n->tcp->listeners = l;
	*out = &l->h;
	return 0;
}

static bool
port_in_use(struct mg_net *n, uint16_t port)
{
	struct mg_tcp_conn *c;

	if (mg_tcp_listener_find(n, port) != NULL)
		return true;
	for (c = n->tcp->all; c != NULL; c = c->next) {
		if (c->lport == port && !c->dead)
			return true;
	}
	return false;
}

int
mg_tcpd_connect(struct mg_net *n, const struct mg_ep4 *to,
    const struct mg_tcp_cbs *cbs, void *ctx, struct mg_tcp **out)
{
	struct mg_tcp_conn *c;
	uint16_t port;

	if (to->addr == 0 || to->port == 0 || mg_net_is_bcast(n, to->addr) ||
	    (to->addr & MG_IP4_ADDR_MCAST_MASK) == MG_IP4_ADDR_MCAST_NET)
		return -MG_EINVAL;
	if (n->addr == 0)
		return -MG_ENETUNREACH;
	port = mg_net_ephemeral(n, port_in_use);
	if (port == 0)
		return -MG_EADDRINUSE;
	c = mg_tcp_conn_new(n, n->addr, port, to->addr, to->port);
	if (c == NULL)
		return -MG_ENOMEM;
	c->h.cbs = cbs;
	c->h.ctx = ctx;
	c->app = true;
	c->iss = mg_tcp_iss(n, c->laddr, c->lport, c->raddr, c->rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->sb_seq = c->iss + 1;
	mg_tcp_conn_hash(n, c);
	mg_tcp_set_state(c, MG_TCPS_SYN_SENT);
	if (mg_tcp_send_syn(c) == -MG_ENETUNREACH) {
		/* Reported from the loop, never from inside this call. */
		c->pending_err = -MG_ENETUNREACH;
		mg_tcp_defer(c);
	}
	*out = &c->h;
	return 0;
}
