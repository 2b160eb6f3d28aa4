/* SPDX-License-Identifier: ISC */
/*
 * tcp_timer.c: the one timer of a connection and the deadlines it
 * serves: retransmission (RFC 6298, with Karn's rule), persist (zero
 * window probes), delayed ACK, keepalive (RFC 1122 4.2.3.6), TIME_WAIT
 * (2 MSL) and the FIN_WAIT_2 timeout of a closed connection. The timer is
 * re-armed lazily: only when a deadline moves earlier than the armed one.
 */
#include "tcp_int.h"

static mg_time_t
min_t(mg_time_t a, mg_time_t b)
{
	return a < b ? a : b;
}

void
mg_tcp_timer_update(struct mg_tcp_conn *c)
{
	mg_time_t d;

	if (c->dead)
		return;
	d = min_t(min_t(c->rto_at, c->delack_at), min_t(c->keep_at, c->end_at));
	d = min_t(d, c->cork_at);
	if (d == MG_TIME_NEVER)
		return; /* a stale armed timer finds nothing and stops */
	if (mg_timer_armed(&c->timer) && c->timer_at <= d)
		return;
	c->timer_at = d;
	mg_timer_start(c->h.net->loop, &c->timer, d);
}

void
mg_tcp_rto_arm(struct mg_tcp_conn *c)
{
	c->persist = false;
	c->rto_at = mg_net_now(c->h.net) + MG_MSEC(c->rto_ms);
	mg_tcp_timer_update(c);
}

void
mg_tcp_keep_reset(struct mg_tcp_conn *c)
{
	if (!c->keepalive)
		return;
	c->kprobes = 0;
	c->keep_at = mg_net_now(c->h.net) + MG_MSEC(MG_TCP_KEEPIDLE_MS);
}

void
mg_tcp_rtt_sample(struct mg_tcp_conn *c, uint32_t r)
{
	uint32_t d, rto;

	if (r == 0)
		r = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = r;
		c->rttvar_us = r / 2;
	} else {
		d = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = (3 * c->rttvar_us + d) / 4;
		c->srtt_us = (7 * c->srtt_us + r) / 8;
	}
	rto =
	    (c->srtt_us + (4 * c->rttvar_us > 1000 ? 4 * c->rttvar_us : 1000)) /
	    1000;
	if (rto < MG_TCP_RTO_MIN)
		rto = MG_TCP_RTO_MIN;
	if (rto > MG_TCP_RTO_MAX)
		rto = MG_TCP_RTO_MAX;
	c->rto_ms = rto;
}

static void
backoff(struct mg_tcp_conn *c)
{
	c->rto_ms =
	    c->rto_ms * 2 > MG_TCP_RTO_MAX ? MG_TCP_RTO_MAX : c->rto_ms * 2;
	c->rtt_timing = false; /* Karn */
}

static void
rto_expired(struct mg_tcp_conn *c)
{
	struct mg_tcp_stats *st = &c->h.net->st.tcp;
	uint32_t flight, mss = mg_tcp_eff_mss(c);

	switch (c->state) {
	case MG_TCPS_SYN_SENT:
	case MG_TCPS_SYN_RCVD:
		if (++c->retries > (c->state == MG_TCPS_SYN_SENT
		                           ? MG_TCP_SYN_RETRIES
		                           : MG_TCP_SYNACK_RETRIES)) {
			if (c->passive) {
				st->conn_timeout++;
				mg_tcp_conn_drop(c);
				return;
			}
			c->pending_err = -MG_ETIMEDOUT;
			mg_tcp_defer(c);
			return;
		}
		st->rexmit++;
		st->rto_backoff++;
		backoff(c);
		mg_tcp_send_syn(c);
		return;
	default:
		break;
	}
	if (c->snd_una == c->snd_max)
		return;
	if (++c->retries > MG_TCP_RETRIES) {
		mg_tcp_send_rst(c);
		mg_tcp_conn_finish(c, -MG_ETIMEDOUT);
		return;
	}
	st->rexmit++;
	st->rto_backoff++;
	if (c->retries == 1) {
		flight = c->snd_max - c->snd_una;
		c->ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
	}
	c->cwnd = mss;
	c->in_recovery = false;
	c->dupacks = 0;
	c->recover = c->snd_max;
	backoff(c);
	c->snd_nxt = c->snd_una;
	c->rto_at = MG_TIME_NEVER;
	mg_tcp_output(c);
	if (c->rto_at == MG_TIME_NEVER && !c->dead)
		mg_tcp_rto_arm(c);
}

static void
persist_expired(struct mg_tcp_conn *c)
{
	uint32_t ms;

	if (c->snd_wnd > 0 || c->sb_len == 0) {
		c->persist = false;
		c->snd_nxt = c->snd_una;
		mg_tcp_output(c);
		return;
	}
	/* One byte beyond the window (RFC 9293 3.8.6.1). */
	c->h.net->st.tcp.zwp++;
	mg_tcp_send_seg(c, c->snd_una, 1, MG_TCP_ACK);
	c->snd_nxt = c->snd_una + 1;
	if (MG_SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (c->persist_shift < 7)
		c->persist_shift++;
	ms = c->rto_ms << c->persist_shift;
	if (ms > MG_TCP_RTO_MAX)
		ms = MG_TCP_RTO_MAX;
	c->persist = true;
	c->rto_at = mg_net_now(c->h.net) + MG_MSEC(ms);
}

static void
keep_expired(struct mg_tcp_conn *c)
{
	if (c->state != MG_TCPS_ESTABLISHED && c->state != MG_TCPS_CLOSE_WAIT)
		return;
	if (c->kprobes >= MG_TCP_KEEPCNT) {
		mg_tcp_send_rst(c);
		mg_tcp_conn_finish(c, -MG_ETIMEDOUT);
		return;
	}
	c->kprobes++;
	c->h.net->st.tcp.keepalive++;
	mg_tcp_send_seg(c, c->snd_una - 1, 0, MG_TCP_ACK);
	c->keep_at = mg_net_now(c->h.net) + MG_MSEC(MG_TCP_KEEPINTVL_MS);
}

void
mg_tcp_timer_fn(void *ctx, struct mg_timer *t)
{
	struct mg_tcp_conn *c = ctx;
	mg_time_t now = mg_net_now(c->h.net);

	(void)t;
	c->timer_at = MG_TIME_NEVER;
	if (c->dead)
		return;
	if (c->end_at <= now) {
		c->end_at = MG_TIME_NEVER;
		if (c->state == MG_TCPS_TIME_WAIT ||
		    c->state == MG_TCPS_FIN_WAIT_2 ||
		    c->state == MG_TCPS_CLOSED) {
			mg_tcp_conn_drop(c);
			return;
		}
	}
	if (c->delack_at <= now) {
		c->delack_at = MG_TIME_NEVER;
		mg_tcp_send_ack(c);
	}
	if (c->cork_at <= now) {
		c->cork_at = MG_TIME_NEVER;
		c->more = false;
		mg_tcp_output(c);
		if (c->dead)
			return;
	}
	if (c->rto_at <= now) {
		c->rto_at = MG_TIME_NEVER;
		if (c->persist)
			persist_expired(c);
		else
			rto_expired(c);
		if (c->dead)
			return;
	}
	if (c->keep_at <= now) {
		c->keep_at = MG_TIME_NEVER;
		keep_expired(c);
		if (c->dead)
			return;
	}
	mg_tcp_timer_update(c);
}
