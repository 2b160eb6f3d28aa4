/* SPDX-License-Identifier: ISC */
/*
 * tcp_int.h: private to the direct stack's TCP (tcp*.c).
 *
 *  tcp_seg.c    segment header and option parsing, header building
 *  tcp.c        connection table, listeners, the public mg_tcpd_* calls
 *  tcp_in.c     input: the RFC 9293 3.10.7 state machine, SYN cookies
 *  tcp_out.c    output: data, SYN, FIN, ACK and RST segments, congestion
 *  tcp_timer.c  one timer per connection: RTO, delayed ACK, persist,
 *               keepalive, TIME_WAIT and FIN_WAIT_2
 *
 * Sequence numbers compare modulo 2^32 (MG_SEQ_LT and friends).
 */
#ifndef MG_TCP_INT_H
#define MG_TCP_INT_H

#include "net_int.h"
#include "wire/tcp.h"

#define MG_SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define MG_SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define MG_SEQ_GT(a, b)  MG_SEQ_LT(b, a)
#define MG_SEQ_GEQ(a, b) MG_SEQ_LEQ(b, a)

/* Tunables. */
#define MG_TCP_SNDBUF          (256u * 1024) /* send buffer, bytes */
#define MG_TCP_RCVBUF          (256u * 1024) /* receive buffer, bytes */
#define MG_TCP_BACKLOG         128           /* default accept backlog */
#define MG_TCP_BUCKETS         4096          /* connection hash buckets */
#define MG_TCP_RTO_INIT        1000          /* ms (RFC 6298 2.1) */
#define MG_TCP_RTO_MIN         200           /* ms */
#define MG_TCP_RTO_MAX         60000         /* ms */
#define MG_TCP_SYN_RETRIES     6             /* active open */
#define MG_TCP_SYNACK_RETRIES  5             /* passive open */
#define MG_TCP_RETRIES         15            /* data, before ETIMEDOUT */
#define MG_TCP_DELACK_MS       40
#define MG_TCP_CORK_MS         200      /* longest hold for MG_TCP_WRITE_MORE */
#define MG_TCP_MSL_MS          30000    /* TIME_WAIT is 2 * MSL */
#define MG_TCP_FIN2_MS         60000    /* FIN_WAIT_2 after close */
#define MG_TCP_KEEPIDLE_MS     7200000u /* RFC 1122 4.2.3.6 */
#define MG_TCP_KEEPINTVL_MS    75000
#define MG_TCP_KEEPCNT         9
#define MG_TCP_OOO_MAX         64    /* out-of-order packets held */
#define MG_TCP_CHUNK           16384 /* send buffer copy chunk */
#define MG_TCP_COOKIE_PERIOD_S 64    /* SYN cookie time step */

enum mg_tcp_st {
	MG_TCPS_CLOSED = 0,
	MG_TCPS_LISTEN,
	MG_TCPS_SYN_SENT,
	MG_TCPS_SYN_RCVD,
	MG_TCPS_ESTABLISHED,
	MG_TCPS_FIN_WAIT_1,
	MG_TCPS_FIN_WAIT_2,
	MG_TCPS_CLOSE_WAIT,
	MG_TCPS_CLOSING,
	MG_TCPS_LAST_ACK,
	MG_TCPS_TIME_WAIT,
};

/* A parsed segment (mg_tcp_seg_parse). */
struct mg_tcp_seg {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t urp;
	uint8_t hlen;
	bool has_mss;
	bool has_ws;
	bool has_ts;
	bool sack_ok;
	uint16_t mss;
	uint8_t ws; /* clamped to MG_TCP_WS_MAX */
	uint32_t tsval;
	uint32_t tsecr;
	mg_view payload;
};

/*
 * mg_tcp_seg_parse reads the header and options of segment v (checksum
 * not checked): 0, or one drop counted (rx_short, rx_badoff, rx_badopt)
 * and -MG_EBADMSG. Unknown options are skipped; a known option with the
 * wrong length, or any option running past the header, is rx_badopt.
 */
int mg_tcp_seg_parse(mg_view v, struct mg_tcp_seg *s, struct mg_tcp_stats *st);

/* What mg_tcp_hdr_push writes. */
struct mg_tcp_tx {
	uint32_t src, dst; /* for the pseudo-header */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss; /* 0: no MSS option */
	int8_t ws;    /* < 0: no window scale option */
	bool ts;      /* timestamps option with tsval, tsecr */
	uint32_t tsval, tsecr;
};

/* mg_tcp_hdr_push prepends the header (options included) in front of the
 * payload in p and fills in the checksum: 0 or -MG_ENOSPC. */
int mg_tcp_hdr_push(struct mg_pkt *p, const struct mg_tcp_tx *tx);

/* A chunk of the send buffer: copied bytes, or a reference. */
struct mg_tcp_chunk {
	struct mg_tcp_chunk *next;
	const uint8_t *p; /* bytes: data[] or the application's */
	uint32_t len;     /* bytes held (from p) */
	uint32_t cap;     /* 0 for a reference */
	uint8_t data[];
};

struct mg_tcp_listener;

struct mg_tcp_conn {
	struct mg_tcp h; /* first */
	bool listener;   /* false: this is a connection */
	uint8_t state;   /* enum mg_tcp_st */
	bool app;        /* the application holds the handle */
	bool dead;       /* unlinked, freed from the task */
	bool passive;    /* from a listener */
	bool accepted;   /* accept callback done */
	bool nodelay;
	bool keepalive;
	bool cookie;     /* made from a SYN cookie */
	bool ws_ok;      /* both sides sent window scale */
	bool ts_ok;      /* both sides sent timestamps */
	bool fin_queued; /* FIN after the send buffer */
	bool fin_sent;   /* FIN sent (snd_max covers it) */
	bool fin_rcvd;   /* FIN received (rcv_nxt covers it) */
	bool fin_delivered;
	bool want_writable;
	bool more; /* MG_TCP_WRITE_MORE on the last write */
	bool in_recovery;
	bool rtt_timing;
	bool ooo_fin;
	bool ack_now; /* send an ACK at the end of input */
	bool deliver_pending;
	bool in_recv;     /* the application's recv is running */
	bool close_after; /* ... and it called mg_tcp_close */
	bool writable_pending;
	bool app_closed;   /* mg_tcp_close was called */
	bool done_pending; /* closed(0) once FIN is delivered */
	bool sent_ack;     /* a segment carried the current ACK */
	uint8_t snd_ws;    /* shift for the peer's windows */
	uint8_t rcv_ws;    /* shift for ours */
	uint8_t dupacks;
	uint8_t retries; /* RTO expirations in a row */
	uint8_t kprobes; /* keepalive probes unanswered */
	int pending_err; /* deferred connected/closed error */

	uint32_t laddr, raddr;
	uint16_t lport, rport;

	/* Send side. */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max; /* highest sequence sent + 1 */
	uint32_t snd_wnd; /* bytes */
	uint32_t snd_wnd_max;
	uint32_t snd_wl1, snd_wl2;
	uint32_t sb_seq; /* sequence of the first buffered byte */
	uint32_t sb_len; /* bytes buffered (unacked and unsent) */
	uint32_t sb_max;
	uint32_t cwnd, ssthresh, recover;
	uint16_t mss;     /* peer's MSS (send MSS, options excluded) */
	uint16_t rcv_mss; /* ours: mtu - 40 */
	struct mg_tcp_chunk *sb_head, *sb_tail;
	uint32_t sb_head_off; /* bytes of sb_head already acked */

	/* Receive side. */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;  /* right edge advertised */
	uint32_t last_ack; /* rcv_nxt in the last segment sent */
	uint32_t ts_recent;
	uint32_t ooo_fin_seq;
	uint32_t rq_bytes; /* queued, not consumed */
	uint32_t rq_pkts;
	uint32_t rq_max; /* receive buffer */
	uint32_t rq_pkts_max;
	struct mg_pkt *rq_head, *rq_tail; /* in order, data at unread bytes */
	struct mg_pkt *ooo;               /* by sequence (user = seq) */
	uint32_t ooo_pkts;

	/* RTT (RFC 6298). */
	uint32_t rtt_seq;
	mg_time_t rtt_start;
	uint32_t srtt_us, rttvar_us, rto_ms;

	/* Timers: one mg_timer, several deadlines (MG_TIME_NEVER = off). */
	struct mg_timer timer;
	mg_time_t rto_at; /* retransmission (or persist, or SYN) */
	mg_time_t delack_at;
	mg_time_t cork_at; /* MG_TCP_WRITE_MORE holds data until */
	mg_time_t keep_at;
	mg_time_t end_at;   /* TIME_WAIT / FIN_WAIT_2 */
	mg_time_t timer_at; /* what the timer is armed for */
	bool persist;       /* rto_at is the persist timer */
	uint8_t persist_shift;

	struct mg_task task;         /* deferred callbacks and the final free */
	struct mg_tcp_listener *lst; /* passive, until accepted */
	struct mg_tcp_conn *hnext;   /* hash chain */
	struct mg_tcp_conn *prev, *next; /* all connections */

	struct mg_tcp_conn_stats cst;
};

struct mg_tcp_listener {
	struct mg_tcp h; /* first */
	bool listener;   /* true */
	uint16_t port;
	unsigned backlog;
	unsigned pending; /* connections in handshake */
	struct mg_tcp_listener *next;
};

struct mg_tcp_state {
	struct mg_tcp_conn **buckets;
	uint32_t nbuckets;
	uint32_t nconns;
	struct mg_tcp_conn *all;
	struct mg_tcp_listener *listeners;
	uint32_t rx_held;     /* packets held in receive queues */
	uint32_t rx_held_max; /* at most this many */
	uint32_t hkey;
};

/* tcp.c */
struct mg_tcp_conn *mg_tcp_conn_new(struct mg_net *n, uint32_t laddr,
    uint16_t lport, uint32_t raddr, uint16_t rport);
void mg_tcp_conn_hash(struct mg_net *n, struct mg_tcp_conn *c);
struct mg_tcp_conn *mg_tcp_conn_lookup(struct mg_net *n, uint32_t laddr,
    uint16_t lport, uint32_t raddr, uint16_t rport);
struct mg_tcp_listener *mg_tcp_listener_find(struct mg_net *n, uint16_t port);
/* Drop the connection: no more input or timers; freed from its task. */
void mg_tcp_conn_drop(struct mg_tcp_conn *c);
/* The application is told closed(err) (if it still holds the handle),
 * then the connection is dropped. */
void mg_tcp_conn_finish(struct mg_tcp_conn *c, int err);
void mg_tcp_set_state(struct mg_tcp_conn *c, uint8_t st);
const char *mg_tcp_state_name(uint8_t st);
void mg_tcp_defer(struct mg_tcp_conn *c);
/* Hand queued received bytes (and FIN) to the application. */
void mg_tcp_deliver(struct mg_tcp_conn *c);
/* Free send buffer bytes acknowledged up to seq; writable if waiting. */
void mg_tcp_sb_ack(struct mg_tcp_conn *c, uint32_t acked);
void mg_tcp_rq_free(struct mg_tcp_conn *c);
void mg_tcp_conn_unhash(struct mg_tcp_conn *c);
/* Both directions closed in order: closed(0) now or after the FIN is
 * delivered. */
void mg_tcp_tell_closed(struct mg_tcp_conn *c);
uint32_t mg_tcp_iss(struct mg_net *n, uint32_t laddr, uint16_t lport,
    uint32_t raddr, uint16_t rport);
uint32_t mg_tcp_now_ms(struct mg_net *n);

/* tcp_in.c */
void mg_tcp_syn_options(struct mg_tcp_conn *c, const struct mg_tcp_seg *s);

/* tcp_out.c */
void mg_tcp_output(struct mg_tcp_conn *c);
/* Send one segment: seq, len buffered bytes from seq, flags (ACK added
 * when synchronised). Returns 0 or a negated error. */
int mg_tcp_send_seg(struct mg_tcp_conn *c, uint32_t seq, uint32_t len,
    uint8_t flags);
void mg_tcp_send_ack(struct mg_tcp_conn *c);
int mg_tcp_send_syn(struct mg_tcp_conn *c);
/* RST in answer to segment s (no connection): RFC 9293 3.10.7.1. */
void mg_tcp_send_rst_for(struct mg_net *n, const struct mg_ip4_hdr *ip,
    const struct mg_tcp_seg *s);
void mg_tcp_send_rst(struct mg_tcp_conn *c);
/* A SYN-ACK carrying a cookie (no connection kept). */
void mg_tcp_send_synack_raw(struct mg_net *n, uint32_t laddr, uint16_t lport,
    uint32_t raddr, uint16_t rport, uint32_t seq, uint32_t ack, uint16_t mss);
uint32_t mg_tcp_rcv_wnd(struct mg_tcp_conn *c);
uint32_t mg_tcp_eff_mss(const struct mg_tcp_conn *c);

/* tcp_timer.c */
void mg_tcp_timer_fn(void *ctx, struct mg_timer *t);
void mg_tcp_timer_update(struct mg_tcp_conn *c);
void mg_tcp_rto_arm(struct mg_tcp_conn *c);
void mg_tcp_rtt_sample(struct mg_tcp_conn *c, uint32_t r);
void mg_tcp_keep_reset(struct mg_tcp_conn *c);

#endif /* MG_TCP_INT_H */
