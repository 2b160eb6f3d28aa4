/* SPDX-License-Identifier: ISC */
/*
 * tcp_out.c: building and sending segments; what to send when (Nagle,
 * RFC 896; sender SWS avoidance, RFC 9293 3.8.6.2.1; the congestion
 * window, RFC 5681); the receive window we advertise.
 */
#include "tcp_int.h"

#include "mg/string.h"

uint32_t
mg_tcp_eff_mss(const struct mg_tcp_conn *c)
{
	uint32_t m = c->mss;

	if (c->ts_ok)
		m -= 12;
	return m;
}

/* Room for more received bytes: buffer, packets per connection, pool. */
uint32_t
mg_tcp_rcv_wnd(struct mg_tcp_conn *c)
{
	struct mg_tcp_state *ts = c->h.net->tcp;
	uint32_t w, pk, held;

	w = c->rq_max > c->rq_bytes ? c->rq_max - c->rq_bytes : 0;
	held = c->rq_pkts + c->ooo_pkts;
	pk = c->rq_pkts_max > held ? c->rq_pkts_max - held : 0;
	if (w > pk * c->rcv_mss)
		w = pk * c->rcv_mss;
	pk = ts->rx_held_max > ts->rx_held ? ts->rx_held_max - ts->rx_held : 0;
	if (w > pk * c->rcv_mss)
		w = pk * c->rcv_mss;
	return w;
}

/* The window field for a segment now; moves rcv_adv (never left). */
static uint16_t
wnd_field(struct mg_tcp_conn *c, bool syn)
{
	uint32_t w = mg_tcp_rcv_wnd(c), adv, f;

	adv = MG_SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (syn) {
		w = w > 65535 ? 65535 : w;
		c->rcv_adv = c->rcv_nxt + w;
		return (uint16_t)w;
	}
	/* Never shrink the window (RFC 9293 3.8.6.2.2), and avoid the
	 * receiver's silly window syndrome (3.8.6.2.2 too). */
	if (w < adv ||
	    (w - adv < c->rcv_mss && w - adv < c->rq_max / 2 &&
	        adv >= c->rcv_mss))
		w = adv;
	f = w >> c->rcv_ws;
	if (f > 65535)
		f = 65535;
	if (MG_SEQ_GT(c->rcv_nxt + (f << c->rcv_ws), c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + (f << c->rcv_ws);
	return (uint16_t)f;
}

/* Copy len buffered bytes starting at sequence seq into dst. */
static void
sb_copy(const struct mg_tcp_conn *c, uint32_t seq, uint32_t len, uint8_t *dst)
{
	const struct mg_tcp_chunk *k = c->sb_head;
	uint32_t off = seq - c->sb_seq + c->sb_head_off, n;

	while (k != NULL && off >= k->len) {
		off -= k->len;
		k = k->next;
	}
	while (len > 0 && k != NULL) {
		n = k->len - off;
		if (n > len)
			n = len;
		mg_memcpy(dst, k->p + off, n);
		dst += n;
		len -= n;
		off = 0;
		k = k->next;
	}
}

static int
emit(struct mg_net *n, struct mg_pkt *p, const struct mg_tcp_tx *tx)
{
	if (mg_tcp_hdr_push(p, tx) != 0) {
		mg_pkt_free(p);
		return -MG_ENOSPC;
	}
	n->st.tcp.tx_segs++;
	return mg_net_ip4_output(n, p, tx->src, tx->dst, MG_IP4_PROTO_TCP,
	    true);
}

int
mg_tcp_send_seg(struct mg_tcp_conn *c, uint32_t seq, uint32_t len,
    uint8_t flags)
{
	struct mg_net *n = c->h.net;
	struct mg_tcp_tx tx;
	struct mg_pkt *p;
	uint8_t *d;
	bool syn = (flags & MG_TCP_SYN) != 0;

	p = mg_net_pkt_alloc(n);
	if (p == NULL)
		return -MG_ENOMEM;
	if (len > 0) {
		d = mg_pkt_put(p, len);
		if (d == NULL) {
			mg_pkt_free(p);
			return -MG_EMSGSIZE;
		}
		sb_copy(c, seq, len, d);
	}
	mg_memset(&tx, 0, sizeof(tx));
	tx.src = c->laddr;
	tx.dst = c->raddr;
	tx.sport = c->lport;
	tx.dport = c->rport;
	tx.seq = seq;
	tx.ws = -1;
	if (c->state != MG_TCPS_SYN_SENT || !syn)
		flags |= MG_TCP_ACK;
	if (flags & MG_TCP_ACK) {
		tx.ack = c->rcv_nxt;
		c->last_ack = c->rcv_nxt;
		c->delack_at = MG_TIME_NEVER;
		c->sent_ack = true;
	}
	tx.flags = flags;
	tx.wnd = wnd_field(c, syn);
	if (syn) {
		tx.mss = c->rcv_mss;
		if (c->state == MG_TCPS_SYN_SENT || c->ws_ok)
			tx.ws = (int8_t)c->rcv_ws;
		tx.ts = c->state == MG_TCPS_SYN_SENT || c->ts_ok;
	} else {
		tx.ts = c->ts_ok;
	}
	if (tx.ts) {
		tx.tsval = mg_tcp_now_ms(n);
		tx.tsecr = c->ts_recent;
	}
	return emit(n, p, &tx);
}

/*
 * The sequence number of a segment without data (ACK, RST): the first
 * byte never sent, not snd_nxt, which a retransmission timeout moves
 * back to snd_una. A peer takes a bare segment whose number is below
 * what it has received for old, answers it with a duplicate ACK and
 * ignores its ACK field, so a connection whose every segment in one
 * direction is lost or old would stall. Not beyond the peer's window
 * either (a zero window probe's byte is there), where it would be
 * refused for the opposite reason.
 */
static uint32_t
bare_seq(const struct mg_tcp_conn *c)
{
	uint32_t edge = c->snd_una + c->snd_wnd;

	return MG_SEQ_GT(c->snd_max, edge) ? edge : c->snd_max;
}

void
mg_tcp_send_ack(struct mg_tcp_conn *c)
{
	mg_tcp_send_seg(c, bare_seq(c), 0, MG_TCP_ACK);
}

int
mg_tcp_send_syn(struct mg_tcp_conn *c)
{
	uint8_t fl = MG_TCP_SYN;
	int rc;

	if (c->state == MG_TCPS_SYN_RCVD)
		fl |= MG_TCP_ACK;
	c->snd_nxt = c->iss + 1;
	if (MG_SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (c->retries == 0) {
		c->rtt_timing = true;
		c->rtt_seq = c->iss + 1;
		c->rtt_start = mg_net_now(c->h.net);
	}
	rc = mg_tcp_send_seg(c, c->iss, 0, fl);
	mg_tcp_rto_arm(c);
	return rc;
}

static void
send_raw(struct mg_net *n, const struct mg_tcp_tx *tx)
{
	struct mg_pkt *p = mg_net_pkt_alloc(n);

	if (p != NULL)
		emit(n, p, tx);
}

void
mg_tcp_send_rst(struct mg_tcp_conn *c)
{
	struct mg_tcp_tx tx;

	mg_memset(&tx, 0, sizeof(tx));
	tx.src = c->laddr;
	tx.dst = c->raddr;
	tx.sport = c->lport;
	tx.dport = c->rport;
	tx.seq = bare_seq(c);
	tx.ack = c->rcv_nxt;
	tx.flags = MG_TCP_RST | MG_TCP_ACK;
	tx.ws = -1;
	send_raw(c->h.net, &tx);
}

void
mg_tcp_send_rst_for(struct mg_net *n, const struct mg_ip4_hdr *ip,
    const struct mg_tcp_seg *s)
{
	struct mg_tcp_tx tx;

	if (s->flags & MG_TCP_RST)
		return;
	mg_memset(&tx, 0, sizeof(tx));
	tx.src = ip->dst;
	tx.dst = ip->src;
	tx.sport = s->dport;
	tx.dport = s->sport;
	tx.ws = -1;
	if (s->flags & MG_TCP_ACK) {
		tx.seq = s->ack;
		tx.flags = MG_TCP_RST;
	} else {
		tx.seq = 0;
		tx.ack = s->seq + (uint32_t)s->payload.len +
		    ((s->flags & MG_TCP_SYN) ? 1u : 0) +
		    ((s->flags & MG_TCP_FIN) ? 1u : 0);
		tx.flags = MG_TCP_RST | MG_TCP_ACK;
	}
	send_raw(n, &tx);
}

void
mg_tcp_send_synack_raw(struct mg_net *n, uint32_t laddr, uint16_t lport,
    uint32_t raddr, uint16_t rport, uint32_t seq, uint32_t ack, uint16_t mss)
{
	struct mg_tcp_tx tx;

	mg_memset(&tx, 0, sizeof(tx));
	tx.src = laddr;
	tx.dst = raddr;
	tx.sport = lport;
	tx.dport = rport;
	tx.seq = seq;
	tx.ack = ack;
	tx.flags = MG_TCP_SYN | MG_TCP_ACK;
	tx.wnd = 65535;
	tx.mss = mss;
	tx.ws = -1;
	send_raw(n, &tx);
}

/* Send what the windows, Nagle and the send buffer allow. */
void
mg_tcp_output(struct mg_tcp_conn *c)
{
	uint32_t mss, off, avail, wnd, inflight, usable, len, end;
	uint8_t fl;
	bool fin;

	if (c->dead)
		return;
	switch (c->state) {
	case MG_TCPS_ESTABLISHED:
	case MG_TCPS_CLOSE_WAIT:
	case MG_TCPS_FIN_WAIT_1:
	case MG_TCPS_CLOSING:
	case MG_TCPS_LAST_ACK:
		break;
	default:
		return;
	}
	mss = mg_tcp_eff_mss(c);
	end = c->sb_seq + c->sb_len; /* the FIN's sequence number */
	for (;;) {
		off = MG_SEQ_GT(c->snd_nxt, end) ? c->sb_len
		                                 : c->snd_nxt - c->sb_seq;
		if (MG_SEQ_LT(c->snd_nxt, c->sb_seq))
			off = 0; /* not reached: SYN is acked here */
		avail = c->sb_len - off;
		wnd = c->snd_wnd < c->cwnd ? c->snd_wnd : c->cwnd;
		inflight = c->snd_nxt - c->snd_una;
		usable = wnd > inflight ? wnd - inflight : 0;
		len = avail;
		if (len > mss)
			len = mss;
		if (len > usable)
			len = usable;
		fin = c->fin_queued && len == avail && c->snd_nxt + len == end;
		if (len == 0 && !fin)
			break;
		if (!fin && len < mss) {
			if (len < avail) {
				/* Window-limited: wait for the window. */
				if (c->snd_nxt != c->snd_una)
					break;
			} else if (c->more) {
				/* More data promised: hold it, not forever. */
				if (c->cork_at == MG_TIME_NEVER)
					c->cork_at = mg_net_now(c->h.net) +
					    MG_MSEC(MG_TCP_CORK_MS);
				break;
			} else if (!c->nodelay && c->snd_nxt != c->snd_una) {
				break; /* Nagle */
			}
		}
		fl = MG_TCP_ACK;
		if (fin)
			fl |= MG_TCP_FIN;
		if (len > 0 && len == avail)
			fl |= MG_TCP_PSH;
		if (!c->rtt_timing && c->snd_nxt == c->snd_max) {
			c->rtt_timing = true;
			c->rtt_seq = c->snd_nxt + len;
			c->rtt_start = mg_net_now(c->h.net);
		}
		if (c->snd_nxt != c->snd_max)
			c->cst.rexmit++;
		mg_tcp_send_seg(c, c->snd_nxt, len, fl);
		c->snd_nxt += len + (fin ? 1 : 0);
		if (MG_SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (fin) {
			c->fin_sent = true;
			break;
		}
		if (c->rto_at == MG_TIME_NEVER || c->persist)
			mg_tcp_rto_arm(c);
	}
	if (c->fin_sent && (c->rto_at == MG_TIME_NEVER || c->persist) &&
	    c->snd_una != c->snd_max)
		mg_tcp_rto_arm(c);
	/* Zero window with data waiting and nothing in flight: persist. */
	if (c->snd_wnd == 0 && c->snd_una == c->snd_max && c->sb_len > 0 &&
	    !c->persist) {
		c->persist = true;
		c->persist_shift = 0;
		c->rto_at = mg_net_now(c->h.net) + MG_MSEC(c->rto_ms);
	}
	mg_tcp_timer_update(c);
}
