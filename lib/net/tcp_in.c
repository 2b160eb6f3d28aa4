/* SPDX-License-Identifier: ISC */
/*
 * tcp_in.c: segment arrival (RFC 9293 3.10.7) with RFC 5961 challenge
 * ACKs, RFC 7323 timestamps (basic PAWS), NewReno (RFC 6582) loss
 * recovery, delayed ACKs, zero-copy receive queues, and SYN cookies for
 * listeners whose backlog is full.
 */
#include "tcp_int.h"

#include "mg/string.h"

static bool
addr_bad(const struct mg_net *n, uint32_t a)
{
	return mg_net_is_bcast(n, a) ||
	    (a & MG_IP4_ADDR_MCAST_MASK) == MG_IP4_ADDR_MCAST_NET ||
	    a == MG_IP4_ADDR_BROADCAST;
}

void
mg_tcp_syn_options(struct mg_tcp_conn *c, const struct mg_tcp_seg *s)
{
	uint32_t mss = s->has_mss ? s->mss : MG_TCP_MSS_DEFAULT, iw;

	if (mss > c->rcv_mss)
		mss = c->rcv_mss;
	if (mss < 88)
		mss = 88;
	c->mss = (uint16_t)mss;
	c->ws_ok = s->has_ws;
	c->snd_ws = s->has_ws ? s->ws : 0;
	if (!c->ws_ok) {
		c->rcv_ws = 0;
		if (c->rq_max > 65535)
			c->rq_max = 65535;
	}
	c->ts_ok = s->has_ts;
	if (s->has_ts)
		c->ts_recent = s->tsval;
	mss = mg_tcp_eff_mss(c);
	iw = 2 * mss > 14600 ? 2 * mss : 14600; /* RFC 6928 */
	c->cwnd = 10 * mss < iw ? 10 * mss : iw;
}

/* SYN cookies: top 5 bits a 64-second counter, 2 bits the MSS index,
 * 24 bits a keyed hash of the 4-tuple, the peer's ISN and both. */
static const uint16_t cookie_mss[4] = {536, 1220, 1440, 1460};

static uint32_t
cookie_hash(struct mg_net *n, const struct mg_ip4_hdr *ip,
    const struct mg_tcp_seg *s, uint32_t pisn, uint32_t count, uint32_t mi)
{
	uint32_t b[5] = {ip->dst, ip->src, (uint32_t)s->dport << 16 | s->sport,
	    pisn, count << 2 | mi};

	return (uint32_t)mg_net_hash(n, b, sizeof(b)) & 0x00ffffffu;
}

static uint32_t
cookie_count(struct mg_net *n)
{
	return (uint32_t)(mg_net_now(n) / MG_SEC(MG_TCP_COOKIE_PERIOD_S));
}

static void
cookie_send(struct mg_net *n, const struct mg_ip4_hdr *ip,
    const struct mg_tcp_seg *s)
{
	uint32_t mss = s->has_mss ? s->mss : MG_TCP_MSS_DEFAULT, mi = 0;
	uint32_t cnt = cookie_count(n), cookie;
	uint16_t our = (uint16_t)(n->mtu > 576 ? n->mtu - 40 : 536);

	if (mss > our)
		mss = our;
	while (mi < 3 && cookie_mss[mi + 1] <= mss)
		mi++;
	cookie = (cnt & 0x1f) << 27 | mi << 24 |
	    cookie_hash(n, ip, s, s->seq, cnt, mi);
	n->st.tcp.syn_cookies_sent++;
	mg_tcp_send_synack_raw(n, ip->dst, s->dport, ip->src, s->sport, cookie,
	    s->seq + 1, our);
}

/* The MSS index of a valid cookie in s's ACK, or -1. */
static int
cookie_check(struct mg_net *n, const struct mg_ip4_hdr *ip,
    const struct mg_tcp_seg *s)
{
	uint32_t cookie = s->ack - 1, cnt = cookie_count(n), c5, mi, k;

	c5 = cookie >> 27;
	mi = (cookie >> 24) & 3;
	for (k = 0; k < 2; k++) {
		if (((cnt - k) & 0x1f) != c5)
			continue;
		if (cookie_hash(n, ip, s, s->seq - 1, cnt - k, mi) ==
		    (cookie & 0x00ffffffu))
			return (int)mi;
	}
	return -1;
}

static void deliver_and_finish(struct mg_tcp_conn *c);

/* The handshake completed on c: tell the application. */
static void
established(struct mg_tcp_conn *c)
{
	struct mg_tcp_listener *l = c->lst;
	struct mg_net *n = c->h.net;

	mg_tcp_set_state(c, MG_TCPS_ESTABLISHED);
	c->retries = 0;
	c->recover = c->snd_una;
	mg_tcp_keep_reset(c);
	if (c->passive) {
		n->st.tcp.conn_accepted++;
		if (l != NULL) {
			l->pending--;
			c->lst = NULL;
		}
		c->accepted = true;
		c->app = true;
		c->h.cbs = NULL;
		c->h.ctx = NULL;
		if (l != NULL && l->h.cbs != NULL && l->h.cbs->accept != NULL)
			l->h.cbs->accept(l->h.ctx, &l->h, &c->h);
		if (!c->dead && c->app && c->h.cbs == NULL) {
			c->app = false;
			mg_tcp_send_rst(c);
			mg_tcp_conn_drop(c);
		}
		return;
	}
	n->st.tcp.conn_connected++;
	if (c->app && c->h.cbs != NULL && c->h.cbs->connected != NULL)
		c->h.cbs->connected(c->h.ctx, &c->h, 0);
}

static void
enter_time_wait(struct mg_tcp_conn *c)
{
	mg_tcp_set_state(c, MG_TCPS_TIME_WAIT);
	c->rto_at = c->keep_at = MG_TIME_NEVER;
	c->persist = false;
	c->end_at = mg_net_now(c->h.net) + MG_MSEC(2 * MG_TCP_MSL_MS);
	mg_tcp_timer_update(c);
	mg_tcp_tell_closed(c);
}

/* Append p (data at the bytes to queue) to the in-order queue, or copy it
 * into the tail packet's spare room. Returns true if p was kept. */
static bool
rq_append(struct mg_tcp_conn *c, struct mg_pkt *p)
{
	struct mg_tcp_conn *cc = c;
	struct mg_pkt *t = c->rq_tail;
	uint8_t *d;

	cc->rq_bytes += (uint32_t)p->len;
	if (t != NULL && p->len <= mg_pkt_tailroom(t) && p->len < 1024) {
		d = mg_pkt_put(t, p->len);
		mg_memcpy(d, p->data, p->len);
		return false;
	}
	p->next = NULL;
	if (t != NULL)
		t->next = p;
	else
		c->rq_head = p;
	c->rq_tail = p;
	c->rq_pkts++;
	c->h.net->tcp->rx_held++;
	return true;
}

/* Move out-of-order packets that are now in order to the queue. */
static void
ooo_drain(struct mg_tcp_conn *c)
{
	struct mg_tcp_state *ts = c->h.net->tcp;
	struct mg_pkt *q;
	uint32_t end;

	while ((q = c->ooo) != NULL && MG_SEQ_LEQ(q->user, c->rcv_nxt)) {
		c->ooo = q->next;
		c->ooo_pkts--;
		end = q->user + (uint32_t)q->len;
		if (MG_SEQ_LEQ(end, c->rcv_nxt)) {
			mg_pkt_free(q);
			ts->rx_held--;
			continue;
		}
		mg_pkt_pull(q, c->rcv_nxt - q->user);
		ts->rx_held--; /* rq_append counts it again if kept */
		c->rcv_nxt = end;
		if (!rq_append(c, q))
			mg_pkt_free(q);
	}
	if (c->ooo_fin && c->rcv_nxt == c->ooo_fin_seq) {
		c->ooo_fin = false;
		c->fin_rcvd = true;
		c->rcv_nxt++;
	}
}

static void
ooo_insert(struct mg_tcp_conn *c, struct mg_pkt *p, uint32_t seq)
{
	struct mg_pkt **pp = &c->ooo;

	while (*pp != NULL && MG_SEQ_LT((*pp)->user, seq))
		pp = &(*pp)->next;
	p->user = seq;
	p->next = *pp;
	*pp = p;
	c->ooo_pkts++;
	c->h.net->tcp->rx_held++;
}

static bool
ooo_has(const struct mg_tcp_conn *c, uint32_t seq, size_t len)
{
	const struct mg_pkt *q;

	for (q = c->ooo; q != NULL; q = q->next) {
		if (q->user == seq && q->len >= len)
			return true;
	}
	return false;
}

/*
 * Queue the payload of p (starting at sequence seq, already trimmed to the
 * window, at p->data) and handle fin. Returns true if p was kept.
 */
static bool
rcv_data(struct mg_tcp_conn *c, struct mg_pkt *p, uint32_t seq, bool fin)
{
	struct mg_tcp_state *ts = c->h.net->tcp;
	struct mg_tcp_stats *st = &c->h.net->st.tcp;
	uint32_t len = (uint32_t)p->len;
	bool kept = false, had_ooo = c->ooo != NULL;

	if (seq == c->rcv_nxt) {
		if (len > 0) {
			/* The shared budget may be full of other
			 * connections' data: a connection with little
			 * queued (or with holes to fill) still takes the
			 * next in-order segment, so it always progresses. */
			if ((ts->rx_held >= ts->rx_held_max && c->ooo == NULL &&
			        c->rq_pkts >= 2) ||
			    c->rq_pkts + c->ooo_pkts >= c->rq_pkts_max + 2) {
				st->rx_nobuf++;
				c->ack_now = true;
				return false;
			}
			c->rcv_nxt += len;
			kept = rq_append(c, p);
		}
		if (fin) {
			c->fin_rcvd = true;
			c->rcv_nxt++;
		}
		if (had_ooo)
			ooo_drain(c);
		if (had_ooo || fin ||
		    c->rcv_nxt - c->last_ack >=
		        2u * (c->rcv_mss - (c->ts_ok ? 12u : 0u)))
			c->ack_now = true;
		else if (c->delack_at == MG_TIME_NEVER)
			c->delack_at =
			    mg_net_now(c->h.net) + MG_MSEC(MG_TCP_DELACK_MS);
		return kept;
	}
	/* Out of order: keep it for later, ACK at once (RFC 5681 4.2). */
	c->ack_now = true;
	if (len == 0)
		return false;
	if (ooo_has(c, seq, len)) {
		st->rx_dup++;
		return false;
	}
	if (c->ooo_pkts >= MG_TCP_OOO_MAX || ts->rx_held >= ts->rx_held_max ||
	    c->rq_pkts + c->ooo_pkts >= c->rq_pkts_max) {
		st->rx_ooo_drop++;
		return false;
	}
	st->rx_ooo++;
	if (fin) {
		c->ooo_fin = true;
		c->ooo_fin_seq = seq + len;
	}
	ooo_insert(c, p, seq);
	return true;
}

/* Process an acceptable ACK field. Returns false if the segment must be
 * dropped. */
static bool
ack_input(struct mg_tcp_conn *c, const struct mg_tcp_seg *s, bool *fin_acked)
{
	struct mg_tcp_stats *st = &c->h.net->st.tcp;
	uint32_t acked, mss = mg_tcp_eff_mss(c), data, end, flight, wnd;
	bool had_fin = c->fin_sent;
	mg_time_t now = mg_net_now(c->h.net);

	*fin_acked = false;
	if (MG_SEQ_GT(s->ack, c->snd_max)) {
		st->rx_badack++;
		c->ack_now = true;
		return false;
	}
	wnd = (uint32_t)s->wnd << c->snd_ws;
	acked = s->ack - c->snd_una;
	if (MG_SEQ_GT(s->ack, c->snd_una)) {
		if (c->rtt_timing && MG_SEQ_GEQ(s->ack, c->rtt_seq)) {
			c->rtt_timing = false;
			mg_tcp_rtt_sample(c,
			    (uint32_t)((now - c->rtt_start) / MG_USEC(1)));
		}
		end = c->sb_seq + c->sb_len;
		data = MG_SEQ_GT(s->ack, end) ? end - c->sb_seq
		                              : s->ack - c->sb_seq;
		if (MG_SEQ_LT(s->ack, c->sb_seq))
			data = 0;
		if (had_fin && MG_SEQ_GT(s->ack, end))
			*fin_acked = true;
		mg_tcp_sb_ack(c, data);
		if (c->in_recovery) {
			if (MG_SEQ_GEQ(s->ack, c->recover)) {
				flight = c->snd_max - s->ack;
				c->cwnd = c->ssthresh < flight + mss
				    ? c->ssthresh
				    : flight + mss;
				c->in_recovery = false;
				c->dupacks = 0;
			} else {
				/* Partial ACK: resend the next hole. */
				uint32_t l = c->sb_len < mss ? c->sb_len : mss;

				if (l > 0) {
					st->fast_rexmit++;
					c->cst.rexmit++;
					mg_tcp_send_seg(c, s->ack, l,
					    MG_TCP_ACK);
				}
				c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
				if (acked >= mss)
					c->cwnd += mss;
				if (c->cwnd < mss)
					c->cwnd = mss;
			}
		} else {
			c->dupacks = 0;
			if (c->cwnd < c->ssthresh)
				c->cwnd += acked < 2 * mss ? acked : 2 * mss;
			else
				c->cwnd += (mss * mss / c->cwnd)
				    ? mss * mss / c->cwnd
				    : 1;
			if (c->cwnd > (1u << 30))
				c->cwnd = 1u << 30;
		}
		c->snd_una = s->ack;
		if (MG_SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->retries = 0;
		if (c->persist && wnd > 0)
			c->persist = false;
		if (!c->persist) {
			if (c->snd_una == c->snd_max)
				c->rto_at = MG_TIME_NEVER;
			else
				mg_tcp_rto_arm(c);
		}
	} else if (s->ack == c->snd_una && s->payload.len == 0 &&
	    !(s->flags & (MG_TCP_SYN | MG_TCP_FIN)) && wnd == c->snd_wnd &&
	    c->snd_una != c->snd_max && !c->persist) {
		/* Duplicate ACK (RFC 5681 2). */
		if (++c->dupacks == 3 && !c->in_recovery &&
		    MG_SEQ_GEQ(s->ack, c->recover)) {
			uint32_t l = c->sb_len < mss ? c->sb_len : mss;

			st->fast_rexmit++;
			c->cst.rexmit++;
			flight = c->snd_max - c->snd_una;
			c->ssthresh =
			    flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
			c->recover = c->snd_max;
			c->in_recovery = true;
			c->rtt_timing = false;
			if (l > 0)
				mg_tcp_send_seg(c, c->snd_una, l, MG_TCP_ACK);
			else if (c->fin_sent)
				mg_tcp_send_seg(c, c->snd_una, 0,
				    MG_TCP_ACK | MG_TCP_FIN);
			c->cwnd = c->ssthresh + 3 * mss;
			mg_tcp_rto_arm(c);
		} else if (c->dupacks > 3 && c->in_recovery) {
			c->cwnd += mss;
		}
	}
	/* Window update (RFC 9293 3.10.7.4, fifth check). */
	if (MG_SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && MG_SEQ_LEQ(c->snd_wl2, s->ack))) {
		bool opened = c->snd_wnd == 0 && wnd > 0;

		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (wnd > c->snd_wnd_max)
			c->snd_wnd_max = wnd;
		if (opened && c->persist) {
			c->persist = false;
			c->rto_at = MG_TIME_NEVER;
			c->snd_nxt = c->snd_una;
		}
	}
	if (c->want_writable && c->sb_len < c->sb_max)
		c->writable_pending = true; /* writable at the end of input */
	return true;
}

static void
syn_sent_input(struct mg_tcp_conn *c, const struct mg_ip4_hdr *ip,
    const struct mg_tcp_seg *s)
{
	struct mg_net *n = c->h.net;
	mg_time_t now = mg_net_now(n);

	if (s->flags & MG_TCP_ACK) {
		if (MG_SEQ_LEQ(s->ack, c->iss) ||
		    MG_SEQ_GT(s->ack, c->snd_max)) {
			n->st.tcp.rx_badack++;
			mg_tcp_send_rst_for(n, ip, s);
			return;
		}
	}
	if (s->flags & MG_TCP_RST) {
		if (s->flags & MG_TCP_ACK) {
			if (c->app && c->h.cbs != NULL &&
			    c->h.cbs->connected != NULL)
				c->h.cbs->connected(c->h.ctx, &c->h,
				    -MG_ECONNREFUSED);
			mg_tcp_conn_finish(c, -MG_ECONNREFUSED);
		}
		return;
	}
	if (!(s->flags & MG_TCP_SYN))
		return;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	mg_tcp_syn_options(c, s);
	c->snd_wnd = s->wnd; /* never scaled in a SYN (RFC 7323 2.2) */
	c->snd_wnd_max = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	if (s->flags & MG_TCP_ACK) {
		if (c->rtt_timing && c->retries == 0)
			mg_tcp_rtt_sample(c,
			    (uint32_t)((now - c->rtt_start) / MG_USEC(1)));
		c->rtt_timing = false;
		c->snd_una = s->ack;
		c->sb_seq = s->ack;
		c->snd_nxt = s->ack;
		c->rto_at = MG_TIME_NEVER;
		c->sent_ack = false;
		mg_tcp_set_state(c, MG_TCPS_ESTABLISHED);
		mg_tcp_send_ack(c);
		established(c);
		if (!c->dead)
			mg_tcp_output(c);
		return;
	}
	/* Simultaneous open (RFC 9293 3.5, figure 8). */
	mg_tcp_set_state(c, MG_TCPS_SYN_RCVD);
	mg_tcp_send_syn(c);
}

/*
 * Can the segment's sequence range be accepted (RFC 9293 3.10.7.4)? One
 * that starts exactly at the window's right edge is, too: a peer that has
 * filled our window numbers its bare ACKs there (Linux and BSD accept
 * them alike), and refusing them would ignore every ACK it sends until a
 * hole in our window is filled. Data there is trimmed away later.
 */
static bool
seq_ok(const struct mg_tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint32_t wnd =
	    MG_SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;

	if (MG_SEQ_LEQ(c->rcv_nxt, seq) && MG_SEQ_LEQ(seq, c->rcv_nxt + wnd))
		return true;
	return len > 0 && wnd > 0 && MG_SEQ_LEQ(c->rcv_nxt, seq + len - 1) &&
	    MG_SEQ_LT(seq + len - 1, c->rcv_nxt + wnd);
}

/* The end of input on c: deliver, writable, output, ACK, timers. */
static void
deliver_and_finish(struct mg_tcp_conn *c)
{
	bool w;

	if (c->dead)
		return;
	if (c->app)
		mg_tcp_deliver(c);
	if (c->dead)
		return;
	w = c->writable_pending && c->want_writable && c->app &&
	    c->sb_len < c->sb_max;
	c->writable_pending = false;
	if (w &&
	    (c->state == MG_TCPS_ESTABLISHED ||
	        c->state == MG_TCPS_CLOSE_WAIT) &&
	    !c->fin_queued) {
		c->want_writable = false;
		if (c->h.cbs != NULL && c->h.cbs->writable != NULL)
			c->h.cbs->writable(c->h.ctx, &c->h);
		if (c->dead)
			return;
	}
	mg_tcp_output(c);
	if (c->dead)
		return;
	if (c->ack_now && (!c->sent_ack || c->last_ack != c->rcv_nxt))
		mg_tcp_send_ack(c);
	c->ack_now = false;
	mg_tcp_timer_update(c);
}

/* Returns true if p was kept. */
static bool
conn_input(struct mg_tcp_conn *c, const struct mg_ip4_hdr *ip,
    struct mg_tcp_seg *s, struct mg_pkt *p)
{
	struct mg_net *n = c->h.net;
	struct mg_tcp_stats *st = &n->st.tcp;
	uint32_t len, seq, d, wnd;
	bool fin, kept = false, fin_acked = false;

	c->sent_ack = false;
	c->ack_now = false;
	if (c->state == MG_TCPS_SYN_SENT) {
		syn_sent_input(c, ip, s);
		return false;
	}
	mg_tcp_keep_reset(c);
	/* The peer's SYN again in SYN_RCVD: resend our SYN-ACK, or take a
	 * SYN-ACK of a simultaneous open as its ACK. */
	if (c->state == MG_TCPS_SYN_RCVD && (s->flags & MG_TCP_SYN) &&
	    !(s->flags & MG_TCP_RST) && s->seq == c->irs) {
		if (!(s->flags & MG_TCP_ACK) || c->passive) {
			mg_tcp_send_syn(c);
			return false;
		}
		s->flags &= (uint8_t)~MG_TCP_SYN;
		s->seq++;
	}
	/* PAWS (RFC 7323 5.3), basic. */
	if (c->ts_ok && s->has_ts && !(s->flags & MG_TCP_RST) &&
	    MG_SEQ_LT(s->tsval, c->ts_recent)) {
		st->rx_outwin++;
		mg_tcp_send_ack(c);
		return false;
	}
	/* SYN in a synchronised state, whatever its sequence number
	 * (RFC 5961 4.2): challenge ACK. */
	if ((s->flags & (MG_TCP_SYN | MG_TCP_RST)) == MG_TCP_SYN) {
		if (c->state == MG_TCPS_SYN_RCVD && c->passive) {
			mg_tcp_conn_drop(c);
			return false;
		}
		st->rx_badsyn++;
		mg_tcp_send_ack(c);
		return false;
	}
	len = (uint32_t)s->payload.len + ((s->flags & MG_TCP_SYN) ? 1u : 0) +
	    ((s->flags & MG_TCP_FIN) ? 1u : 0);
	if (!seq_ok(c, s->seq, len)) {
		if (!(s->flags & MG_TCP_RST)) {
			if (MG_SEQ_LEQ(s->seq + len, c->rcv_nxt) && len > 0)
				st->rx_dup++;
			else
				st->rx_outwin++;
			mg_tcp_send_ack(c);
		}
		return false;
	}
	/* RST (RFC 5961 3.2). */
	if (s->flags & MG_TCP_RST) {
		if (s->seq != c->rcv_nxt) {
			st->rx_badrst++;
			mg_tcp_send_ack(c);
			return false;
		}
		switch (c->state) {
		case MG_TCPS_SYN_RCVD:
			if (c->passive) {
				mg_tcp_conn_drop(c);
				return false;
			}
			if (c->app && c->h.cbs != NULL &&
			    c->h.cbs->connected != NULL)
				c->h.cbs->connected(c->h.ctx, &c->h,
				    -MG_ECONNREFUSED);
			mg_tcp_conn_finish(c, -MG_ECONNREFUSED);
			return false;
		case MG_TCPS_TIME_WAIT:
			mg_tcp_conn_drop(c);
			return false;
		default:
			mg_tcp_conn_finish(c, -MG_ECONNRESET);
			return false;
		}
	}
	if (!(s->flags & MG_TCP_ACK))
		return false;
	if (c->state == MG_TCPS_SYN_RCVD) {
		if (!MG_SEQ_LT(c->snd_una, s->ack) ||
		    MG_SEQ_GT(s->ack, c->snd_max)) {
			st->rx_badack++;
			mg_tcp_send_rst_for(n, ip, s);
			return false;
		}
		c->snd_una = s->ack;
		c->sb_seq = s->ack;
		if (MG_SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->rto_at = MG_TIME_NEVER;
		if (c->rtt_timing && c->retries == 0)
			mg_tcp_rtt_sample(c,
			    (uint32_t)((mg_net_now(n) - c->rtt_start) /
			        MG_USEC(1)));
		c->rtt_timing = false;
		c->snd_wnd = (uint32_t)s->wnd << c->snd_ws;
		c->snd_wnd_max = c->snd_wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		established(c);
		if (c->dead)
			return false;
	}
	/* RFC 5961 5.2: an ACK too old is answered, not taken. */
	wnd = c->snd_wnd_max > 65535 ? c->snd_wnd_max : 65535;
	if (MG_SEQ_LT(s->ack, c->snd_una - wnd)) {
		st->rx_badack++;
		mg_tcp_send_ack(c);
		return false;
	}
	if (!ack_input(c, s, &fin_acked))
		goto out;
	if (c->ts_ok && s->has_ts && MG_SEQ_LEQ(s->seq, c->last_ack))
		c->ts_recent = s->tsval;
	switch (c->state) {
	case MG_TCPS_FIN_WAIT_1:
		if (fin_acked) {
			mg_tcp_set_state(c, MG_TCPS_FIN_WAIT_2);
			if (c->app_closed) {
				c->end_at =
				    mg_net_now(n) + MG_MSEC(MG_TCP_FIN2_MS);
			}
		}
		break;
	case MG_TCPS_CLOSING:
		if (fin_acked) {
			enter_time_wait(c);
			if (c->dead)
				return false;
		}
		break;
	case MG_TCPS_LAST_ACK:
		if (fin_acked) {
			mg_tcp_set_state(c, MG_TCPS_CLOSED);
			c->rto_at = MG_TIME_NEVER;
			mg_tcp_conn_unhash(c);
			mg_tcp_tell_closed(c);
			if (c->dead)
				return false;
			deliver_and_finish(c);
			return false;
		}
		break;
	default:
		break;
	}
	/* Text and FIN. */
	fin = (s->flags & MG_TCP_FIN) != 0;
	seq = s->seq;
	if (c->state == MG_TCPS_TIME_WAIT) {
		if (fin) {
			c->end_at = mg_net_now(n) + MG_MSEC(2 * MG_TCP_MSL_MS);
			c->ack_now = true;
		}
		goto out;
	}
	if (c->fin_rcvd)
		goto out; /* CLOSE_WAIT, CLOSING, LAST_ACK: no more text */
	if (s->payload.len > 0 && c->app_closed) {
		/* Data after close: nobody will read it (RFC 9293 3.10.4). */
		mg_tcp_send_rst(c);
		st->conn_aborted++;
		mg_tcp_conn_drop(c);
		return false;
	}
	mg_pkt_pull(p, (size_t)(s->payload.p - p->data));
	mg_pkt_trim(p, s->payload.len);
	if (MG_SEQ_LT(seq, c->rcv_nxt)) {
		d = c->rcv_nxt - seq;
		if (d > p->len)
			d = (uint32_t)p->len;
		mg_pkt_pull(p, d);
		seq += d;
	}
	wnd = MG_SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (MG_SEQ_GT(seq + (uint32_t)p->len, c->rcv_nxt + wnd)) {
		d = seq + (uint32_t)p->len - (c->rcv_nxt + wnd);
		if (d >= p->len) {
			if (p->len > 0)
				st->rx_nobuf++;
			mg_pkt_trim(p, 0);
		} else {
			mg_pkt_trim(p, p->len - d);
		}
		fin = false;
		c->ack_now = true;
	}
	if (p->len > 0 || fin)
		kept = rcv_data(c, p, seq, fin);
	if (fin && c->fin_rcvd) {
		switch (c->state) {
		case MG_TCPS_SYN_RCVD:
		case MG_TCPS_ESTABLISHED:
			mg_tcp_set_state(c, MG_TCPS_CLOSE_WAIT);
			break;
		case MG_TCPS_FIN_WAIT_1:
			mg_tcp_set_state(c, MG_TCPS_CLOSING);
			break;
		case MG_TCPS_FIN_WAIT_2:
			c->ack_now = true;
			c->sent_ack = false;
			mg_tcp_send_ack(c);
			enter_time_wait(c);
			break;
		default:
			break;
		}
	} else if (c->fin_rcvd && c->state == MG_TCPS_ESTABLISHED) {
		mg_tcp_set_state(c, MG_TCPS_CLOSE_WAIT); /* from ooo_drain */
	} else if (c->fin_rcvd && c->state == MG_TCPS_FIN_WAIT_2) {
		mg_tcp_send_ack(c);
		enter_time_wait(c);
	} else if (c->fin_rcvd && c->state == MG_TCPS_FIN_WAIT_1) {
		mg_tcp_set_state(c, MG_TCPS_CLOSING);
	}
out:
	deliver_and_finish(c);
	return kept;
}

static void
listen_input(struct mg_net *n, struct mg_tcp_listener *l,
    const struct mg_ip4_hdr *ip, struct mg_tcp_seg *s, struct mg_pkt *p)
{
	struct mg_tcp_stats *st = &n->st.tcp;
	struct mg_tcp_conn *c;
	int mi;

	if (s->flags & MG_TCP_RST)
		goto drop;
	if (s->flags & MG_TCP_ACK) {
		if ((s->flags & MG_TCP_SYN) ||
		    (mi = cookie_check(n, ip, s)) < 0) {
			if (!(s->flags & MG_TCP_SYN))
				st->syn_cookies_bad++;
			mg_tcp_send_rst_for(n, ip, s);
			goto drop;
		}
		c = mg_tcp_conn_new(n, ip->dst, s->dport, ip->src, s->sport);
		if (c == NULL) {
			mg_tcp_send_rst_for(n, ip, s);
			goto drop;
		}
		st->syn_cookies_ok++;
		c->passive = true;
		c->cookie = true;
		c->iss = s->ack - 1;
		c->snd_una = c->snd_nxt = c->snd_max = c->sb_seq = s->ack;
		c->irs = s->seq - 1;
		c->rcv_nxt = c->rcv_adv = c->last_ack = s->seq;
		c->mss =
		    cookie_mss[mi] < c->rcv_mss ? cookie_mss[mi] : c->rcv_mss;
		c->rcv_ws = 0;
		if (c->rq_max > 65535)
			c->rq_max = 65535;
		c->cwnd = 10u * c->mss < 14600 ? 10u * c->mss : 14600;
		c->snd_wnd = c->snd_wnd_max = s->wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		c->rcv_adv = c->rcv_nxt + 65535;
		mg_tcp_conn_hash(n, c);
		mg_tcp_set_state(c, MG_TCPS_SYN_RCVD);
		c->lst = l;
		l->pending++;
		/* Let the general path take it (data, FIN) as a SYN_RCVD
		 * connection whose SYN-ACK this segment acknowledges. */
		c->snd_una = s->ack - 1;
		if (conn_input(c, ip, s, p))
			return;
		mg_pkt_free(p);
		return;
	}
	if (!(s->flags & MG_TCP_SYN))
		goto drop;
	if (s->flags & MG_TCP_FIN)
		goto drop;
	if (l->pending >= l->backlog) {
		st->backlog_full++;
		cookie_send(n, ip, s);
		goto drop;
	}
	c = mg_tcp_conn_new(n, ip->dst, s->dport, ip->src, s->sport);
	if (c == NULL) {
		cookie_send(n, ip, s);
		goto drop;
	}
	c->passive = true;
	c->lst = l;
	l->pending++;
	c->irs = s->seq;
	c->rcv_nxt = c->rcv_adv = s->seq + 1;
	mg_tcp_syn_options(c, s);
	c->iss = mg_tcp_iss(n, c->laddr, c->lport, c->raddr, c->rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->sb_seq = c->iss + 1;
	c->snd_wnd = s->wnd;
	c->snd_wl1 = s->seq;
	mg_tcp_conn_hash(n, c);
	mg_tcp_set_state(c, MG_TCPS_SYN_RCVD);
	mg_tcp_send_syn(c);
drop:
	mg_pkt_free(p);
}

void
mg_tcpd_input(struct mg_net *n, const struct mg_ip4_hdr *ip, struct mg_pkt *p)
{
	struct mg_tcp_stats *st = &n->st.tcp;
	struct mg_tcp_listener *l;
	struct mg_tcp_conn *c;
	struct mg_tcp_seg s;
	uint32_t sum;

	st->rx_segs++;
	if (addr_bad(n, ip->dst) || addr_bad(n, ip->src) || ip->src == 0) {
		(void)MG_DROP(st, rx_bcast);
		goto drop;
	}
	if (mg_tcp_seg_parse(mg_pkt_view(p), &s, st) != 0)
		goto drop;
	sum = mg_net_csum_pseudo4(ip->src, ip->dst, MG_IP4_PROTO_TCP,
	    (uint16_t)p->len);
	if (mg_net_csum_fold(mg_net_csum_add(sum, mg_pkt_view(p))) != 0) {
		(void)MG_DROP(st, rx_badsum);
		goto drop;
	}
	c = mg_tcp_conn_lookup(n, ip->dst, s.dport, ip->src, s.sport);
	if (c != NULL && c->state == MG_TCPS_TIME_WAIT &&
	    (s.flags & (MG_TCP_SYN | MG_TCP_ACK | MG_TCP_RST)) == MG_TCP_SYN &&
	    (MG_SEQ_GT(s.seq, c->rcv_nxt) ||
	        (c->ts_ok && s.has_ts && MG_SEQ_GT(s.tsval, c->ts_recent)))) {
		/* A new incarnation (RFC 9293 3.6.1, RFC 6191). */
		mg_tcp_conn_drop(c);
		c = NULL;
	}
	if (c != NULL) {
		if (!conn_input(c, ip, &s, p))
			mg_pkt_free(p);
		return;
	}
	l = ip->dst == n->addr ? mg_tcp_listener_find(n, s.dport) : NULL;
	if (l != NULL) {
		listen_input(n, l, ip, &s, p);
		return;
	}
	if (!(s.flags & MG_TCP_RST)) {
		st->rx_noport++;
		mg_tcp_send_rst_for(n, ip, &s);
	}
drop:
	mg_pkt_free(p);
}

void
mg_tcpd_icmp_error(struct mg_net *n, uint8_t type, uint8_t code, mg_view quoted)
{
	struct mg_tcp_conn *c;
	uint32_t src, dst, seq;
	uint16_t sport, dport;
	uint8_t vhl, proto;
	size_t ihl;

	if (n->tcp == NULL || type != MG_ICMP_UNREACH ||
	    !mg_view_u8(quoted, 0, &vhl) ||
	    !mg_view_u8(quoted, MG_IP4_OFF_PROTO, &proto) ||
	    proto != MG_IP4_PROTO_TCP ||
	    !mg_view_u32be(quoted, MG_IP4_OFF_SRC, &src) ||
	    !mg_view_u32be(quoted, MG_IP4_OFF_DST, &dst))
		return;
	ihl = (size_t)(vhl & 0x0f) * 4;
	if (ihl < MG_IP4_HLEN_MIN || !mg_view_u16be(quoted, ihl, &sport) ||
	    !mg_view_u16be(quoted, ihl + 2, &dport) ||
	    !mg_view_u32be(quoted, ihl + 4, &seq))
		return;
	c = mg_tcp_conn_lookup(n, src, sport, dst, dport);
	if (c == NULL || c->state != MG_TCPS_SYN_SENT || seq != c->iss)
		return;
	/* Hard errors abort an opening connection (RFC 5461 4.1). */
	if (code == MG_ICMP_UNREACH_PROTO || code == MG_ICMP_UNREACH_PORT ||
	    code == MG_ICMP_UNREACH_HOST || code == MG_ICMP_UNREACH_NET) {
		c->pending_err = -MG_ECONNREFUSED;
		mg_tcp_defer(c);
	}
}
