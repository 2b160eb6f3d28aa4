/* SPDX-License-Identifier: ISC */
/*
 * web.c: the web appliance, an HTTP/1.1 server for the static site
 * compiled into the image (the "site" data blob that tools/mksite makes
 * from app.mk's APP_SITE or make's SITE=).
 *
 * Input: a request head that arrives whole in one chunk is parsed in
 * place; one split over chunks is gathered in a per-connection buffer of
 * at most MG_HTTP_HEAD_MAX bytes, allocated only then. Pipelined
 * requests are answered in order.
 *
 * Output: each response's head is written into one shared buffer, small
 * bodies are copied after it, and the buffer goes to the connection in
 * one write at the end of the chunk (one send for a whole pipelined
 * batch). Larger bodies are written by reference (MG_TCP_WRITE_STATIC):
 * they are the image's read-only data. What the connection does not take
 * waits in it (at most one head buffer's worth of copies and one static
 * view), and reading stops until it is gone: the peer's window closes.
 *
 * Limits, each with a counter (printed on exit and every --stats s):
 * --idle (keep-alive), --header_timeout (a whole head must arrive within
 * it, however it trickles: slowloris), --send_timeout (a response must
 * progress by WEB_MIN_PROGRESS bytes in it: slow readers), --max_conns
 * (at the limit, the connection that has made the least progress for
 * longest is reset to make room). After an error that ends the
 * connection (while the client may still be sending), the server shuts
 * its side and discards input for a while (RFC 9112 9.6) so that the
 * client reads the answer before any RST; after a close the client asked
 * for, it closes at once, its FIN in the answer's last segment.
 */
#define MG_LOG_TAG "web"
#include "mg/app.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/http.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/plat.h"
#include "mg/string.h"
#include "mg/tcp.h"
#include "mg/time.h"

#define WEB_STATS_MAX   86400 /* seconds */
#define WEB_TIMEOUT_MAX 3600  /* seconds */
#define WEB_CONNS_MAX   65536
#define WEB_COPY_MAX    4096                /* bodies up to this are copied */
#define WEB_OUT_SIZE    ((size_t)32 * 1024) /* the shared output buffer */
/* A pipelined batch is written once it passes this: what a connection
 * does not take waits in it, so this bounds that copy (with one head and
 * one copied body) per connection. */
#define WEB_BATCH        ((size_t)8 * 1024)
#define WEB_MIN_PROGRESS 1024      /* bytes per --send_timeout */
#define WEB_LINGER       MG_SEC(2) /* discarding input after close */
#define WEB_HEAD_BUF     (MG_HTTP_HEAD_MAX + 1)

struct web_stats {
	uint64_t conns;        /* accepted */
	uint64_t evicted;      /* reset at --max_conns to make room */
	uint64_t refused;      /* no memory */
	uint64_t closed;       /* ended in order */
	uint64_t reset;        /* ended by the peer's RST or an error */
	uint64_t idle;         /* closed after --idle */
	uint64_t head_timeout; /* 408 after --header_timeout */
	uint64_t slow_read;    /* reset after --send_timeout */
	uint64_t aborted;      /* write error or no memory */
	uint64_t split_heads;  /* heads gathered over several chunks */
	uint64_t blocked;      /* responses that waited for send space */
	uint64_t bad;          /* requests answered 4xx/5xx and closed */
	uint64_t errors;       /* internal (should stay 0) */
};

enum webc_state {
	WEBC_IDLE,   /* between requests */
	WEBC_HEAD,   /* part of a head received */
	WEBC_LINGER, /* our side shut: discarding input until FIN */
};

struct web;

/* One connection. */
struct webc {
	struct web *w;
	struct mg_tcp *c;
	struct webc *prev, *next; /* every connection, oldest first */
	struct mg_timer tmr;
	uint8_t state;     /* enum webc_state */
	bool closing;      /* a closing response was made: no more input */
	bool linger;       /* ... and input may still come: linger */
	bool fin;          /* the peer closed its side */
	mg_time_t last;    /* last input or output progress */
	mg_time_t head_at; /* when the head being gathered began */
	/* A head split over chunks. */
	uint8_t *hbuf;
	size_t hlen, hscan;
	/* Output the connection did not take yet: copied bytes, then a
	 * static view. */
	uint8_t *pend;
	size_t pend_len, pend_off;
	mg_view pend_static;
	/* Send progress, for --send_timeout. */
	uint64_t written; /* bytes the connection took */
	uint64_t acked;   /* acknowledged at the last check */
	mg_time_t acked_at;
};

struct web {
	struct mg_loop *loop;
	struct mg_net *net;
	struct mg_tcp *lsn;
	struct mg_http_site *site;
	struct mg_http_srv srv;
	uint16_t port;
	mg_time_t idle, head_to, send_to;
	uint64_t conns_max, conns;
	struct webc *first, *last;
	struct mg_timer stats_timer;
	mg_time_t stats_every;
	struct web_stats ws;
};

/* Responses of one chunk are gathered here, then written at once. One
 * loop, one thread: one buffer serves every connection. */
static uint8_t web_out[WEB_OUT_SIZE];
static size_t web_outlen;

static void webc_free(struct webc *k);

static mg_time_t
now(const struct web *w)
{
	return mg_loop_now(w->loop);
}

/* Reset the connection, counted in *why. */
static void
webc_abort(struct webc *k, uint64_t *why)
{
	(*why)++;
	mg_tcp_abort(k->c);
	webc_free(k);
}

static bool
webc_pending(const struct webc *k)
{
	return k->pend != NULL || k->pend_static.len > 0;
}

/*
 * Output.
 */

/* Keep bytes the connection did not take, after those already kept.
 * Copies only ever follow a static view within one response, so none
 * can be waiting behind a static view here. */
static bool
pend_append(struct webc *k, const uint8_t *p, size_t len)
{
	size_t old = k->pend != NULL ? k->pend_len - k->pend_off : 0;
	uint8_t *b;

	if (k->pend_static.len > 0) {
		k->w->ws.errors++;
		webc_abort(k, &k->w->ws.aborted);
		return false;
	}
	b = mg_malloc(old + len);
	if (b == NULL) {
		webc_abort(k, &k->w->ws.aborted);
		return false;
	}
	if (old > 0)
		mg_memcpy(b, k->pend + k->pend_off, old);
	mg_memcpy(b + old, p, len);
	mg_free(k->pend);
	k->pend = b;
	k->pend_len = old + len;
	k->pend_off = 0;
	return true;
}

/* Write the shared buffer; what is not taken waits in k->pend. false:
 * the connection is gone. */
static bool
out_flush(struct webc *k, bool more)
{
	size_t len = web_outlen;
	long n;

	web_outlen = 0;
	if (len == 0)
		return true;
	if (webc_pending(k)) {
		/* Earlier bytes wait: these join them, in order. */
		n = 0;
	} else {
		n = mg_tcp_write(k->c, mg_view_make(web_out, len),
		    more ? MG_TCP_WRITE_MORE : 0);
		if (n < 0) {
			webc_abort(k, &k->w->ws.aborted);
			return false;
		}
		k->written += (uint64_t)n;
		if ((size_t)n == len)
			return true;
		k->w->ws.blocked++;
	}
	return pend_append(k, web_out + n, len - (size_t)n);
}

/* Write a body by reference after whatever is buffered. */
static bool
out_static(struct webc *k, mg_view body)
{
	long n;

	if (!out_flush(k, true))
		return false;
	if (webc_pending(k)) {
		k->pend_static = body;
		return true;
	}
	n = mg_tcp_write(k->c, body, MG_TCP_WRITE_STATIC);
	if (n < 0) {
		webc_abort(k, &k->w->ws.aborted);
		return false;
	}
	k->written += (uint64_t)n;
	if ((size_t)n < body.len) {
		k->w->ws.blocked++;
		k->pend_static = mg_view_make(body.p + n, body.len - (size_t)n);
	}
	return true;
}

/* Write what waits; true when nothing does any more. */
static bool
out_resume(struct webc *k, bool *alive)
{
	long n;

	*alive = true;
	if (k->pend != NULL) {
		n = mg_tcp_write(k->c,
		    mg_view_make(k->pend + k->pend_off,
		        k->pend_len - k->pend_off),
		    k->pend_static.len > 0 ? MG_TCP_WRITE_MORE : 0);
		if (n < 0)
			goto fail;
		k->written += (uint64_t)n;
		k->pend_off += (size_t)n;
		if (k->pend_off < k->pend_len)
			return false;
		mg_free(k->pend);
		k->pend = NULL;
	}
	if (k->pend_static.len > 0) {
		n = mg_tcp_write(k->c, k->pend_static, MG_TCP_WRITE_STATIC);
		if (n < 0)
			goto fail;
		k->written += (uint64_t)n;
		k->pend_static.p += n;
		k->pend_static.len -= (size_t)n;
		if (k->pend_static.len > 0)
			return false;
	}
	return true;
fail:
	webc_abort(k, &k->w->ws.aborted);
	*alive = false;
	return false;
}

/* Our last response is queued: shut our side, discard what comes. */
static void
webc_linger(struct webc *k)
{
	k->state = WEBC_LINGER;
	mg_free(k->hbuf);
	k->hbuf = NULL;
	if (mg_tcp_shutdown(k->c) < 0 || k->fin) {
		k->w->ws.closed++;
		mg_tcp_close(k->c);
		webc_free(k);
		return;
	}
	if (mg_timer_start_in(k->w->loop, &k->tmr, WEB_LINGER) < 0) {
		mg_tcp_close(k->c);
		webc_free(k);
		return;
	}
	/* Input left queued while the response waited: discard it now. */
	mg_tcp_recv_resume(k->c);
}

/*
 * Input.
 */

/* Make room in the shared buffer for one more response head. */
static bool
out_room(struct webc *k)
{
	if (web_outlen < WEB_BATCH &&
	    WEB_OUT_SIZE - web_outlen >= MG_HTTP_RESP_HEAD_MAX + WEB_COPY_MAX)
		return true;
	return out_flush(k, true);
}

/* Queue a response (head in web_out at web_outlen, body after). */
static bool
emit(struct webc *k, const struct mg_http_resp *r)
{
	web_outlen += r->head_len;
	if (r->status >= 400)
		k->w->ws.bad += r->close;
	if (r->close) {
		k->closing = true;
		/* After an error the client may still be sending (a body, a
		 * head cut short): shut our side only, so that what it sends
		 * meanwhile meets no RST that could destroy the answer. A
		 * client that asked for the close sends nothing more. */
		if (r->status >= 400)
			k->linger = true;
	}
	if (r->body.len == 0)
		return true;
	if (r->body.len <= WEB_COPY_MAX &&
	    r->body.len <= WEB_OUT_SIZE - web_outlen) {
		mg_memcpy(web_out + web_outlen, r->body.p, r->body.len);
		web_outlen += r->body.len;
		return true;
	}
	return out_static(k, r->body);
}

/* Queue the answer to a request that failed (a status from the parser
 * or a timeout): it closes the connection. */
static bool
answer_error(struct webc *k, unsigned status)
{
	struct mg_http_resp r;

	if (!out_room(k))
		return false;
	if (mg_http_respond_error(&k->w->srv, status, mg_plat_clock_wall(),
	        web_out + web_outlen, WEB_OUT_SIZE - web_outlen, &r) < 0) {
		k->w->ws.errors++;
		webc_abort(k, &k->w->ws.aborted);
		return false;
	}
	return emit(k, &r);
}

/* Answer one head (whole, as mg_http_head_end delimited it). */
static bool
request(struct webc *k, mg_view head)
{
	struct web *w = k->w;
	struct mg_http_req req;
	struct mg_http_resp r;
	int rc;

	rc = mg_http_parse(head, &req);
	if (rc < 0)
		return answer_error(k, (unsigned)-rc);
	if (!out_room(k))
		return false;
	if (mg_http_respond(&w->srv, &req, mg_plat_clock_wall(),
	        web_out + web_outlen, WEB_OUT_SIZE - web_outlen, &r) < 0) {
		w->ws.errors++;
		webc_abort(k, &w->ws.aborted);
		return false;
	}
	return emit(k, &r);
}

static void
head_begin(struct webc *k)
{
	k->state = WEBC_HEAD;
	k->head_at = now(k->w);
	/* The header deadline is earlier than any other timer here. */
	if (mg_timer_start(k->w->loop, &k->tmr, k->head_at + k->w->head_to) < 0)
		mg_timer_stop(&k->tmr);
}

/* Take requests from a chunk; returns what was consumed, *alive false
 * when the connection is gone. */
static size_t
input(struct webc *k, mg_view d, bool *alive)
{
	size_t off = 0, take, old;
	long hl;

	*alive = true;
	while (off < d.len && !k->closing && !webc_pending(k)) {
		if (k->hbuf == NULL) {
			size_t scan = 0;

			hl = mg_http_head_end(
			    mg_view_make(d.p + off, d.len - off), &scan);
			if (hl > 0) {
				k->state = WEBC_IDLE;
				if (!request(k,
				        mg_view_make(d.p + off, (size_t)hl)))
					goto gone;
				off += (size_t)hl;
				continue;
			}
			if (hl < 0) {
				if (!answer_error(k, (unsigned)-hl))
					goto gone;
				break;
			}
			/* Part of a head: keep it. */
			k->hbuf = mg_malloc(WEB_HEAD_BUF);
			if (k->hbuf == NULL) {
				webc_abort(k, &k->w->ws.aborted);
				goto gone;
			}
			k->hlen = d.len - off;
			k->hscan = scan;
			mg_memcpy(k->hbuf, d.p + off, k->hlen);
			if (k->state != WEBC_HEAD)
				head_begin(k);
			return d.len;
		}
		old = k->hlen;
		take = d.len - off;
		if (take > WEB_HEAD_BUF - old)
			take = WEB_HEAD_BUF - old;
		mg_memcpy(k->hbuf + old, d.p + off, take);
		k->hlen += take;
		hl =
		    mg_http_head_end(mg_view_make(k->hbuf, k->hlen), &k->hscan);
		if (hl > 0) {
			uint8_t *h = k->hbuf;
			bool ok;

			/* The head's last bytes came from this chunk; the
			 * rest of the chunk is the next request. */
			k->hbuf = NULL;
			k->w->ws.split_heads++;
			k->state = WEBC_IDLE;
			ok = request(k, mg_view_make(h, (size_t)hl));
			mg_free(h);
			if (!ok)
				goto gone;
			off += (size_t)hl - old;
			continue;
		}
		if (hl < 0) {
			if (!answer_error(k, (unsigned)-hl))
				goto gone;
			break;
		}
		off += take;
	}
	if (k->closing) {
		/* What follows a closing response is dropped. */
		if (off < d.len)
			k->linger = true;
		off = d.len;
	}
	return off;
gone:
	*alive = false;
	return d.len;
}

/* After input or output progress: linger once a closing response is
 * out, close after the peer's FIN, or read on. */
static void
webc_settle(struct webc *k)
{
	if (webc_pending(k))
		return;
	if (k->closing && (k->linger || k->fin)) {
		webc_linger(k);
		return;
	}
	if (k->closing) {
		k->w->ws.closed++;
		mg_tcp_close(k->c);
		webc_free(k);
		return;
	}
	if (k->fin) {
		k->w->ws.closed++;
		mg_tcp_close(k->c);
		webc_free(k);
	}
}

static size_t
webc_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	struct webc *k = ctx;
	size_t n;
	bool alive;

	(void)c;
	if (k->state == WEBC_LINGER) {
		if (data.len == 0) {
			k->w->ws.closed++;
			mg_tcp_close(k->c);
			webc_free(k);
		}
		return data.len;
	}
	k->last = now(k->w);
	if (data.len == 0) {
		k->fin = true;
		/* A head cut short by FIN gets no answer. */
		webc_settle(k);
		return 0;
	}
	if (webc_pending(k)) {
		if (!k->closing)
			return 0; /* stays queued: backpressure */
		k->linger = true; /* dropped, as after any closing answer */
		return data.len;
	}
	n = input(k, data, &alive);
	if (!alive)
		return n;
	/* The last answer goes out with our FIN in its segment (a client
	 * that closes first would hold the TIME_WAIT, and run out of ports
	 * under load): held by MORE, released by the close. A close from
	 * recv takes effect once recv returns, with these bytes read. */
	if (!out_flush(k, k->closing))
		return n;
	webc_settle(k);
	return n;
}

static void
webc_writable(void *ctx, struct mg_tcp *c)
{
	struct webc *k = ctx;
	bool alive;

	k->last = now(k->w);
	if (!out_resume(k, &alive))
		return;
	if (k->closing || k->fin) {
		webc_settle(k);
		return;
	}
	mg_tcp_recv_resume(c);
}

static void
webc_closed(void *ctx, struct mg_tcp *c, int err)
{
	struct webc *k = ctx;

	(void)c;
	if (err == 0)
		k->w->ws.closed++;
	else
		k->w->ws.reset++;
	webc_free(k);
}

/* Output not yet acknowledged, and is it progressing? */
static bool
send_stalled(struct webc *k, mg_time_t t)
{
	struct mg_tcp_conn_stats cs;

	mg_tcp_conn_stats(k->c, &cs);
	if (cs.tx_bytes >= k->written && !webc_pending(k)) {
		k->acked = cs.tx_bytes;
		k->acked_at = t;
		return false;
	}
	if (cs.tx_bytes >= k->acked + WEB_MIN_PROGRESS) {
		k->acked = cs.tx_bytes;
		k->acked_at = t;
		return false;
	}
	return t - k->acked_at >= k->w->send_to;
}

static void
webc_timer(void *ctx, struct mg_timer *t)
{
	struct webc *k = ctx;
	struct web *w = k->w;
	mg_time_t n = now(w), next;

	if (k->state == WEBC_LINGER) {
		w->ws.closed++;
		mg_tcp_close(k->c);
		webc_free(k);
		return;
	}
	if (send_stalled(k, n)) {
		webc_abort(k, &w->ws.slow_read);
		return;
	}
	if (k->state == WEBC_HEAD && n - k->head_at >= w->head_to &&
	    !webc_pending(k) && !k->closing) {
		/* RFC 9110 15.5.9: 408, then close. */
		w->ws.head_timeout++;
		mg_free(k->hbuf);
		k->hbuf = NULL;
		web_outlen = 0;
		if (!answer_error(k, 408) || !out_flush(k, false))
			return;
		webc_settle(k);
		return;
	}
	if (k->state == WEBC_IDLE && !webc_pending(k) &&
	    k->acked >= k->written && n - k->last >= w->idle) {
		w->ws.idle++;
		mg_tcp_close(k->c);
		webc_free(k);
		return;
	}
	/* Not yet: look again at the earliest deadline that may apply. */
	next = k->last + w->idle;
	if (k->state == WEBC_HEAD && k->head_at + w->head_to < next)
		next = k->head_at + w->head_to;
	if (k->acked < k->written || webc_pending(k)) {
		if (k->acked_at + w->send_to < next)
			next = k->acked_at + w->send_to;
	}
	if (next <= n)
		next = n + MG_SEC(1);
	if (mg_timer_start(w->loop, t, next) < 0)
		webc_abort(k, &w->ws.aborted); /* no timer: no limits */
}

static void
webc_free(struct webc *k)
{
	struct web *w = k->w;

	mg_timer_stop(&k->tmr);
	mg_free(k->hbuf);
	mg_free(k->pend);
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		w->first = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	else
		w->last = k->prev;
	w->conns--;
	mg_free(k);
}

static const struct mg_tcp_cbs webc_cbs = {
    .recv = webc_recv,
    .writable = webc_writable,
    .closed = webc_closed,
};

static const struct mg_tcp_cbs refuse_cbs = {0};

/* Since when has k made no progress that counts? Lingering and idle
 * connections count from their last activity, a trickling head from its
 * start, a response from its last real progress. */
static mg_time_t
webc_stuck_since(const struct webc *k)
{
	if (k->state == WEBC_HEAD)
		return k->head_at;
	if (webc_pending(k) || k->acked < k->written)
		return k->acked_at < k->last ? k->acked_at : k->last;
	return k->last;
}

/* At --max_conns: reset the connection stuck for longest. */
static void
evict_one(struct web *w)
{
	struct webc *k, *worst = NULL;
	mg_time_t best = MG_TIME_NEVER, s;

	for (k = w->first; k != NULL; k = k->next) {
		s = webc_stuck_since(k);
		if (s < best) {
			best = s;
			worst = k;
		}
	}
	if (worst != NULL) {
		webc_abort(worst, &w->ws.evicted);
	}
}

static void
web_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	struct web *w = ctx;
	struct webc *k;

	(void)l;
	if (w->conns >= w->conns_max)
		evict_one(w);
	k = mg_calloc(1, sizeof(*k));
	if (k == NULL) {
		w->ws.refused++;
		mg_tcp_set_cbs(c, &refuse_cbs, w);
		mg_tcp_abort(c);
		return;
	}
	w->conns++;
	w->ws.conns++;
	k->w = w;
	k->c = c;
	k->last = k->acked_at = now(w);
	k->prev = w->last;
	if (w->last != NULL)
		w->last->next = k;
	else
		w->first = k;
	w->last = k;
	mg_timer_init(&k->tmr, webc_timer, k);
	mg_tcp_set_cbs(c, &webc_cbs, k);
	/* Each response is whole when written: send it at once. */
	mg_tcp_nodelay(c, true);
	if (mg_timer_start_in(w->loop, &k->tmr,
	        w->idle < w->head_to ? w->idle : w->head_to) < 0) {
		webc_abort(k, &w->ws.aborted);
	}
}

static const struct mg_tcp_cbs lsn_cbs = {
    .accept = web_accept,
};

/*
 * Counters and setup.
 */
#define PR(pfx, s, f)                                                          \
	mg_printf(pfx ".%s %llu\n", #f, (unsigned long long)(s)->f)

static void
web_print(struct web *w, const char *title)
{
	const struct mg_http_stats *s = &w->srv.st;
	const struct web_stats *a = &w->ws;

	mg_printf("web: %s\n", title);
	PR("http", s, requests);
	PR("http", s, st_200);
	PR("http", s, st_204);
	PR("http", s, st_206);
	PR("http", s, st_301);
	PR("http", s, st_304);
	PR("http", s, st_400);
	PR("http", s, st_404);
	PR("http", s, st_405);
	PR("http", s, st_408);
	PR("http", s, st_412);
	PR("http", s, st_413);
	PR("http", s, st_414);
	PR("http", s, st_416);
	PR("http", s, st_417);
	PR("http", s, st_431);
	PR("http", s, st_501);
	PR("http", s, st_503);
	PR("http", s, st_505);
	PR("http", s, st_other);
	PR("http", s, gzip);
	PR("http", s, body_bytes);
	PR("web", a, conns);
	PR("web", a, evicted);
	PR("web", a, refused);
	PR("web", a, closed);
	PR("web", a, reset);
	PR("web", a, idle);
	PR("web", a, head_timeout);
	PR("web", a, slow_read);
	PR("web", a, aborted);
	PR("web", a, split_heads);
	PR("web", a, blocked);
	PR("web", a, bad);
	PR("web", a, errors);
	mg_printf("web.open %llu\n", (unsigned long long)w->conns);
	mg_net_stats_print(w->net, title);
}

static void
web_stats_tick(void *ctx, struct mg_timer *t)
{
	struct web *w = ctx;

	web_print(w, "counters");
	if (mg_timer_start_in(w->loop, t, w->stats_every) < 0)
		MG_LOGW("stats timer: no memory");
}

static void
web_up(void *ctx, struct mg_net *n)
{
	struct web *w = ctx;
	struct mg_net_addr a;
	char ip[16];

	mg_net_addr(n, &a);
	if (a.addr == 0) {
		mg_printf("web: down\n");
		return;
	}
	mg_printf("web: up %s/%u port %u\n", mg_net_ip4_fmt(a.addr, ip),
	    (unsigned)a.prefix, (unsigned)w->port);
}

static int
web_site(struct web *w)
{
	mg_view blob;
	int rc;

	if (!mg_app_data("site", &blob)) {
		MG_LOGE("no site in the image (app.mk APP_SITE or SITE=)");
		return -MG_ENOENT;
	}
	rc = mg_http_site_load(blob, &w->site);
	if (rc < 0) {
		MG_LOGE("site: %s", mg_strerror(rc));
		return rc;
	}
	mg_printf("web: site of %zu file%s, %zu bytes\n",
	    mg_http_site_count(w->site),
	    mg_http_site_count(w->site) == 1 ? "" : "s", blob.len);
	return 0;
}

int
mg_app_main(void)
{
	static struct web w;
	uint64_t every, port, idle, head_to, send_to;
	int rc;

	if (mg_app_key_u64("stats", WEB_STATS_MAX, &every) < 0 ||
	    mg_app_key_u64("port", 65535, &port) < 0 ||
	    mg_app_key_u64("idle", WEB_TIMEOUT_MAX, &idle) < 0 ||
	    mg_app_key_u64("header_timeout", WEB_TIMEOUT_MAX, &head_to) < 0 ||
	    mg_app_key_u64("send_timeout", WEB_TIMEOUT_MAX, &send_to) < 0 ||
	    mg_app_key_u64("max_conns", WEB_CONNS_MAX, &w.conns_max) < 0)
		return 2;
	if (port == 0 || idle == 0 || head_to == 0 || send_to == 0 ||
	    w.conns_max == 0) {
		MG_LOGE("--port, --idle, --header_timeout, --send_timeout and "
		        "--max_conns must not be 0");
		return 2;
	}
	w.port = (uint16_t)port;
	w.idle = MG_SEC(idle);
	w.head_to = MG_SEC(head_to);
	w.send_to = MG_SEC(send_to);
	w.loop = mg_loop_default();
	w.stats_every = MG_SEC(every);
	if (web_site(&w) < 0)
		return 1;
	mg_http_srv_init(&w.srv, w.site, "morgana");

	rc = mg_net_open_boot(w.loop, "service", &w.net);
	if (rc < 0) {
		mg_http_site_free(w.site);
		return 2;
	}
	mg_net_on_up(w.net, web_up, &w);
	rc = mg_tcp_listen(w.net, w.port, 0, &lsn_cbs, &w, &w.lsn);
	if (rc < 0) {
		mg_printf("web: tcp/%u: %s\n", (unsigned)w.port,
		    mg_strerror(-rc));
		goto out;
	}
	mg_printf("web: serving on tcp/%u (%s stack)\n", (unsigned)w.port,
	    mg_net_kind(w.net) == MG_NET_SOCKET ? "socket" : "direct");

	mg_timer_init(&w.stats_timer, web_stats_tick, &w);
	if (every > 0 &&
	    mg_timer_start_in(w.loop, &w.stats_timer, w.stats_every) < 0) {
		rc = -MG_ENOMEM;
		goto out;
	}
	rc = mg_loop_run(w.loop);
	mg_timer_stop(&w.stats_timer);
	web_print(&w, "exit");
	mg_printf("web: done, exit %d\n", rc);
out:
	mg_net_close(w.net);
	mg_http_site_free(w.site);
	return rc < 0 ? 1 : rc;
}
