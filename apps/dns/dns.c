/* SPDX-License-Identifier: ISC */
/*
 * dns.c: the DNS appliance, an authoritative server for the zones compiled
 * into the image (the "zones" data blob that tools/mkzone makes from
 * app.mk's APP_ZONES or make's ZONES=).
 *
 * UDP: each query is answered straight into a packet from the stack's pool
 * (mg_udp_alloc), which then goes out as it is: no copy of the answer.
 * TCP (RFC 7766): any number of queries on one connection, each with its
 * 2-byte length; the stack hands over arbitrary chunks, so a message that
 * arrives whole is answered from the chunk itself and one split over
 * chunks is gathered in a per-connection buffer. When an answer does not
 * fit the send buffer the rest waits in the connection and reading stops
 * until it is gone (the peer's window closes: backpressure). Connections
 * idle for --tcp_idle seconds are closed; beyond --tcp_max at once, new
 * ones are refused with RST. AXFR (RFC 5936) for clients in --axfr.
 *
 * Counters: the engine's (dns.*), the appliance's (dnsd.*) and the
 * stack's, printed when it ends (SIGTERM) and every --stats seconds.
 */
#define MG_LOG_TAG "dns"
#include "mg/app.h"
#include "mg/dns.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/pkt.h"
#include "mg/string.h"
#include "mg/tcp.h"
#include "mg/time.h"
#include "mg/udp.h"

#define DNSD_STATS_MAX   86400 /* seconds */
#define DNSD_IDLE_MAX    3600  /* seconds */
#define DNSD_CONNS_MAX   65536
#define DNSD_AXFR_MAX    16 /* addresses in the allow-list */
#define DNSD_MSG_MAX     65535
#define DNSD_UDP_MIN_CAP 512

/* The appliance's own counters, on top of the engine's. */
struct dnsd_stats {
	uint64_t udp_rx;       /* datagrams received */
	uint64_t udp_tx;       /* answers sent */
	uint64_t udp_nobuf;    /* no packet for the answer: dropped */
	uint64_t udp_big;      /* answer larger than a pool packet */
	uint64_t udp_txerr;    /* send failed (device full, no route) */
	uint64_t udp_noanswer; /* the engine dropped the message */
	uint64_t tcp_conns;    /* connections accepted */
	uint64_t tcp_refused;  /* over --tcp_max: RST */
	uint64_t tcp_idle;     /* closed after --tcp_idle */
	uint64_t tcp_closed;   /* ended in order */
	uint64_t tcp_reset;    /* ended by an error or the peer's RST */
	uint64_t tcp_aborted;  /* aborted here: no memory, write error */
	uint64_t tcp_queries;  /* messages received */
	uint64_t tcp_split;    /* messages gathered from several chunks */
	uint64_t tcp_blocked;  /* answers that waited for send space */
	uint64_t tcp_noanswer; /* the engine dropped the message */
	uint64_t axfr_allowed; /* transfers started */
	uint64_t axfr_denied;  /* AXFR from a client not in --axfr */
	uint64_t axfr_msgs;    /* transfer messages sent */
	uint64_t errors;       /* engine errors (should stay 0) */
};

struct dnsd {
	struct mg_loop *loop;
	struct mg_net *net;
	struct mg_udp *udp;
	struct mg_tcp *lsn;
	struct mg_dns_zone *zone;
	uint16_t port;
	uint32_t axfr[DNSD_AXFR_MAX];
	size_t naxfr;
	mg_time_t idle;
	uint64_t conns_max;
	uint64_t conns;
	struct mg_timer stats_timer;
	mg_time_t stats_every;
	struct mg_dns_stats st;
	struct dnsd_stats ds;
};

/* One TCP connection. */
struct dnsd_conn {
	struct dnsd *d;
	struct mg_tcp *c;
	uint32_t peer;
	struct mg_timer idle;
	/* A message split over chunks: its length bytes, then its body. */
	uint8_t lenb[2];
	size_t nlenb;
	uint8_t *msg;
	size_t msglen, msgoff;
	/* Answer bytes the send buffer did not take yet. */
	uint8_t *out;
	size_t outlen, outoff;
	/* A zone transfer in progress (it blocks later queries). */
	struct mg_dns_axfr *axfr;
	bool fin; /* the peer closed its side: close once all is sent */
};

/* Answers are built here, after a 2-byte slot for the TCP length. One
 * loop, one thread: one buffer serves every connection. */
static uint8_t dnsd_buf[2 + DNSD_MSG_MAX];

static void conn_free(struct dnsd_conn *k);

/*
 * UDP.
 */
static void
udp_recv(void *ctx, struct mg_udp *u, const struct mg_ep4 *from, uint32_t dst,
    mg_view data, struct mg_pkt *p)
{
	struct dnsd *d = ctx;
	struct mg_pkt *r;
	uint8_t *o;
	size_t cap;
	long n;

	(void)dst;
	(void)p;
	d->ds.udp_rx++;
	r = mg_udp_alloc(u);
	if (r == NULL) {
		d->ds.udp_nobuf++;
		return;
	}
	cap = mg_pkt_tailroom(r);
	if (cap > DNSD_MSG_MAX)
		cap = DNSD_MSG_MAX;
	o = cap >= DNSD_UDP_MIN_CAP ? mg_pkt_put(r, cap) : NULL;
	n = o != NULL ? mg_dns_answer(d->zone, data, MG_DNS_UDP, o, cap, &d->st)
	              : -MG_ENOSPC;
	if (n > 0) {
		if (mg_pkt_trim(r, (size_t)n) < 0) {
			mg_pkt_free(r);
			d->ds.errors++;
			return;
		}
		if (mg_udp_send(u, from, r) == 0)
			d->ds.udp_tx++;
		else
			d->ds.udp_txerr++;
		return;
	}
	mg_pkt_free(r);
	if (n == 0) {
		d->ds.udp_noanswer++;
		return;
	}
	/* Larger than a pool packet (a big EDNS answer): build it in the
	 * shared buffer and let the stack copy it into a bigger packet. */
	d->ds.udp_big++;
	n = mg_dns_answer(d->zone, data, MG_DNS_UDP, dnsd_buf, DNSD_MSG_MAX,
	    &d->st);
	if (n < 0) {
		d->ds.errors++;
		return;
	}
	if (n == 0) {
		d->ds.udp_noanswer++;
		return;
	}
	if (mg_udp_sendv(u, from, mg_view_make(dnsd_buf, (size_t)n)) == 0)
		d->ds.udp_tx++;
	else
		d->ds.udp_txerr++;
}

/*
 * TCP.
 */
static bool
axfr_allowed(const struct dnsd *d, uint32_t addr)
{
	size_t i;

	for (i = 0; i < d->naxfr; i++)
		if (d->axfr[i] == addr)
			return true;
	return false;
}

static bool
conn_blocked(const struct dnsd_conn *k)
{
	return k->out != NULL || k->axfr != NULL;
}

/* Send len bytes of dnsd_buf (a length prefix and a message); what the
 * send buffer does not take waits in k->out. false: the connection was
 * aborted (k is gone). */
static bool
conn_send(struct dnsd_conn *k, size_t len)
{
	struct dnsd *d = k->d;
	long n;

	n = mg_tcp_write(k->c, mg_view_make(dnsd_buf, len), 0);
	if (n < 0) {
		d->ds.tcp_aborted++;
		mg_tcp_abort(k->c);
		conn_free(k);
		return false;
	}
	if ((size_t)n == len)
		return true;
	d->ds.tcp_blocked++;
	k->out = mg_malloc(len - (size_t)n);
	if (k->out == NULL) {
		d->ds.tcp_aborted++;
		mg_tcp_abort(k->c);
		conn_free(k);
		return false;
	}
	mg_memcpy(k->out, dnsd_buf + n, len - (size_t)n);
	k->outlen = len - (size_t)n;
	k->outoff = 0;
	return true;
}

/* Write what waits in k->out; true when it is all gone. */
static bool
conn_flush(struct dnsd_conn *k, bool *alive)
{
	struct dnsd *d = k->d;
	long n;

	*alive = true;
	if (k->out == NULL)
		return true;
	n = mg_tcp_write(k->c,
	    mg_view_make(k->out + k->outoff, k->outlen - k->outoff), 0);
	if (n < 0) {
		d->ds.tcp_aborted++;
		mg_tcp_abort(k->c);
		conn_free(k);
		*alive = false;
		return false;
	}
	k->outoff += (size_t)n;
	if (k->outoff < k->outlen)
		return false;
	mg_free(k->out);
	k->out = NULL;
	k->outlen = k->outoff = 0;
	return true;
}

static void
put_len(size_t n)
{
	dnsd_buf[0] = (uint8_t)(n >> 8);
	dnsd_buf[1] = (uint8_t)n;
}

/* Send transfer messages until one has to wait or the last is out. */
static bool
axfr_pump(struct dnsd_conn *k)
{
	struct dnsd *d = k->d;
	long n;

	while (k->axfr != NULL && k->out == NULL) {
		n = mg_dns_axfr_next(k->axfr, dnsd_buf + 2, DNSD_MSG_MAX,
		    &d->st);
		if (n <= 0) {
			if (n < 0)
				d->ds.errors++;
			mg_free(k->axfr);
			k->axfr = NULL;
			break;
		}
		d->ds.axfr_msgs++;
		put_len((size_t)n);
		if (!conn_send(k, (size_t)n + 2))
			return false;
	}
	return true;
}

/* Answer one whole message. false: the connection is gone. */
static bool
conn_query(struct dnsd_conn *k, mg_view q)
{
	struct dnsd *d = k->d;
	long n;

	d->ds.tcp_queries++;
	if (mg_dns_query_is_axfr(q)) {
		if (axfr_allowed(d, k->peer)) {
			k->axfr = mg_malloc(sizeof(*k->axfr));
			if (k->axfr == NULL) {
				d->ds.tcp_aborted++;
				mg_tcp_abort(k->c);
				conn_free(k);
				return false;
			}
			if (mg_dns_axfr_begin(k->axfr, d->zone, q) < 0) {
				d->ds.errors++;
				mg_free(k->axfr);
				k->axfr = NULL;
				return true;
			}
			d->ds.axfr_allowed++;
			return axfr_pump(k);
		}
		d->ds.axfr_denied++;
		/* Falls through: the engine answers AXFR with REFUSED. */
	}
	n = mg_dns_answer(d->zone, q, MG_DNS_TCP, dnsd_buf + 2, DNSD_MSG_MAX,
	    &d->st);
	if (n < 0) {
		d->ds.errors++;
		return true;
	}
	if (n == 0) {
		d->ds.tcp_noanswer++;
		return true;
	}
	put_len((size_t)n);
	return conn_send(k, (size_t)n + 2);
}

/*
 * Take messages from the chunk; returns the bytes consumed (less than
 * data.len when an answer waits for send space), *alive false when the
 * connection is gone.
 */
static size_t
conn_input(struct dnsd_conn *k, mg_view data, bool *alive)
{
	struct dnsd *d = k->d;
	size_t off = 0, take, mlen;

	*alive = true;
	while (off < data.len && !conn_blocked(k)) {
		if (k->msg == NULL && k->nlenb == 0 && data.len - off >= 2) {
			/* The fast path: a whole message in the chunk. */
			mlen = (size_t)data.p[off] << 8 | data.p[off + 1];
			if (data.len - off - 2 >= mlen) {
				off += 2 + mlen;
				if (!conn_query(k,
				        mg_view_make(data.p + off - mlen,
				            mlen))) {
					*alive = false;
					return off;
				}
				continue;
			}
		}
		if (k->msg == NULL) {
			/* Gather the length, then allocate the body. */
			while (k->nlenb < 2 && off < data.len)
				k->lenb[k->nlenb++] = data.p[off++];
			if (k->nlenb < 2)
				break;
			k->msglen = (size_t)k->lenb[0] << 8 | k->lenb[1];
			k->msgoff = 0;
			k->nlenb = 0;
			if (k->msglen == 0) {
				d->ds.tcp_queries++;
				d->ds.tcp_noanswer++;
				continue;
			}
			k->msg = mg_malloc(k->msglen);
			if (k->msg == NULL) {
				d->ds.tcp_aborted++;
				mg_tcp_abort(k->c);
				conn_free(k);
				*alive = false;
				return off;
			}
		}
		take = data.len - off;
		if (take > k->msglen - k->msgoff)
			take = k->msglen - k->msgoff;
		mg_memcpy(k->msg + k->msgoff, data.p + off, take);
		k->msgoff += take;
		off += take;
		if (k->msgoff == k->msglen) {
			uint8_t *m = k->msg;
			bool ok;

			k->msg = NULL;
			d->ds.tcp_split++;
			ok = conn_query(k, mg_view_make(m, k->msglen));
			mg_free(m);
			if (!ok) {
				*alive = false;
				return off;
			}
		}
	}
	return off;
}

static void
conn_touch(struct dnsd_conn *k)
{
	if (mg_timer_start_in(k->d->loop, &k->idle, k->d->idle) < 0)
		mg_timer_stop(&k->idle); /* no memory: no idle timeout */
}

/* Close in order once nothing waits; true if it was closed. */
static bool
conn_maybe_close(struct dnsd_conn *k)
{
	if (!k->fin || conn_blocked(k))
		return false;
	k->d->ds.tcp_closed++;
	mg_tcp_close(k->c);
	conn_free(k);
	return true;
}

static size_t
conn_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	struct dnsd_conn *k = ctx;
	size_t n;
	bool alive;

	(void)c;
	if (data.len == 0) {
		k->fin = true;
		conn_maybe_close(k);
		return 0;
	}
	conn_touch(k);
	n = conn_input(k, data, &alive);
	return n;
}

static void
conn_writable(void *ctx, struct mg_tcp *c)
{
	struct dnsd_conn *k = ctx;
	bool alive;

	/* The peer takes answers: it is not idle. */
	conn_touch(k);
	if (!conn_flush(k, &alive))
		return;
	if (k->axfr != NULL && (!axfr_pump(k) || conn_blocked(k)))
		return;
	if (conn_maybe_close(k))
		return;
	mg_tcp_recv_resume(c);
}

static void
conn_closed(void *ctx, struct mg_tcp *c, int err)
{
	struct dnsd_conn *k = ctx;

	(void)c;
	if (err == 0)
		k->d->ds.tcp_closed++;
	else
		k->d->ds.tcp_reset++;
	conn_free(k);
}

static void
conn_idle(void *ctx, struct mg_timer *t)
{
	struct dnsd_conn *k = ctx;

	(void)t;
	k->d->ds.tcp_idle++;
	mg_tcp_close(k->c);
	conn_free(k);
}

static void
conn_free(struct dnsd_conn *k)
{
	mg_timer_stop(&k->idle);
	mg_free(k->msg);
	mg_free(k->out);
	mg_free(k->axfr);
	k->d->conns--;
	mg_free(k);
}

static const struct mg_tcp_cbs conn_cbs = {
    .recv = conn_recv,
    .writable = conn_writable,
    .closed = conn_closed,
};

static const struct mg_tcp_cbs refuse_cbs = {0};

static void
tcp_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	struct dnsd *d = ctx;
	struct dnsd_conn *k;
	struct mg_ep4 local, remote;

	(void)l;
	if (d->conns >= d->conns_max ||
	    (k = mg_calloc(1, sizeof(*k))) == NULL) {
		d->ds.tcp_refused++;
		mg_tcp_set_cbs(c, &refuse_cbs, d);
		mg_tcp_abort(c);
		return;
	}
	d->conns++;
	d->ds.tcp_conns++;
	k->d = d;
	k->c = c;
	mg_tcp_endpoints(c, &local, &remote);
	k->peer = remote.addr;
	mg_timer_init(&k->idle, conn_idle, k);
	mg_tcp_set_cbs(c, &conn_cbs, k);
	/* Each answer is complete when written: send it at once. */
	mg_tcp_nodelay(c, true);
	conn_touch(k);
}

static const struct mg_tcp_cbs lsn_cbs = {
    .accept = tcp_accept,
};

/*
 * Counters and setup.
 */
#define PR(pfx, s, f)                                                          \
	mg_printf(pfx ".%s %llu\n", #f, (unsigned long long)(s)->f)

static void
dnsd_print(struct dnsd *d, const char *title)
{
	const struct mg_dns_stats *s = &d->st;
	const struct dnsd_stats *a = &d->ds;

	mg_printf("dns: %s\n", title);
	PR("dns", s, queries);
	PR("dns", s, noerror);
	PR("dns", s, nodata);
	PR("dns", s, nxdomain);
	PR("dns", s, referral);
	PR("dns", s, refused);
	PR("dns", s, formerr);
	PR("dns", s, notimp);
	PR("dns", s, badvers);
	PR("dns", s, truncated);
	PR("dns", s, axfr);
	PR("dns", s, drop_short);
	PR("dns", s, drop_response);
	PR("dnsd", a, udp_rx);
	PR("dnsd", a, udp_tx);
	PR("dnsd", a, udp_nobuf);
	PR("dnsd", a, udp_big);
	PR("dnsd", a, udp_txerr);
	PR("dnsd", a, udp_noanswer);
	PR("dnsd", a, tcp_conns);
	PR("dnsd", a, tcp_refused);
	PR("dnsd", a, tcp_idle);
	PR("dnsd", a, tcp_closed);
	PR("dnsd", a, tcp_reset);
	PR("dnsd", a, tcp_aborted);
	PR("dnsd", a, tcp_queries);
	PR("dnsd", a, tcp_split);
	PR("dnsd", a, tcp_blocked);
	PR("dnsd", a, tcp_noanswer);
	PR("dnsd", a, axfr_allowed);
	PR("dnsd", a, axfr_denied);
	PR("dnsd", a, axfr_msgs);
	PR("dnsd", a, errors);
	mg_printf("dnsd.tcp_open %llu\n", (unsigned long long)d->conns);
	mg_net_stats_print(d->net, title);
}

static void
dnsd_stats_tick(void *ctx, struct mg_timer *t)
{
	struct dnsd *d = ctx;

	dnsd_print(d, "counters");
	if (mg_timer_start_in(d->loop, t, d->stats_every) < 0)
		MG_LOGW("stats timer: no memory");
}

static void
dnsd_up(void *ctx, struct mg_net *n)
{
	struct dnsd *d = ctx;
	struct mg_net_addr a;
	char ip[16];

	mg_net_addr(n, &a);
	if (a.addr == 0) {
		mg_printf("dns: down\n");
		return;
	}
	mg_printf("dns: up %s/%u port %u\n", mg_net_ip4_fmt(a.addr, ip),
	    (unsigned)a.prefix, (unsigned)d->port);
}

/* --axfr=A.B.C.D,A.B.C.D,... */
static int
dnsd_parse_axfr(struct dnsd *d, const char *s)
{
	char one[16];
	const char *e;
	size_t len;

	while (*s != '\0') {
		e = mg_strchr(s, ',');
		len = e != NULL ? (size_t)(e - s) : mg_strlen(s);
		if (len > 0) {
			if (len >= sizeof(one) || d->naxfr == DNSD_AXFR_MAX)
				goto bad;
			mg_memcpy(one, s, len);
			one[len] = '\0';
			if (mg_net_ip4_parse(one, &d->axfr[d->naxfr]) < 0)
				goto bad;
			d->naxfr++;
		}
		if (e == NULL)
			break;
		s = e + 1;
	}
	return 0;
bad:
	MG_LOGE("--axfr: up to %d IPv4 addresses A.B.C.D, comma-separated",
	    DNSD_AXFR_MAX);
	return -MG_EINVAL;
}

static int
dnsd_zones(struct dnsd *d)
{
	mg_view blob;
	size_t i;
	int rc;

	if (!mg_app_data("zones", &blob)) {
		MG_LOGE("no zones in the image (app.mk APP_ZONES or ZONES=)");
		return -MG_ENOENT;
	}
	rc = mg_dns_zone_load(blob, &d->zone);
	if (rc < 0) {
		MG_LOGE("zones: %s", mg_strerror(rc));
		return rc;
	}
	for (i = 0; i < mg_dns_zone_count(d->zone); i++)
		mg_printf("dns: zone %s\n", mg_dns_zone_origin(d->zone, i));
	return 0;
}

int
mg_app_main(void)
{
	static struct dnsd d;
	uint64_t every, port, idle;
	int rc;

	if (mg_app_key_u64("stats", DNSD_STATS_MAX, &every) < 0 ||
	    mg_app_key_u64("port", 65535, &port) < 0 ||
	    mg_app_key_u64("tcp_idle", DNSD_IDLE_MAX, &idle) < 0 ||
	    mg_app_key_u64("tcp_max", DNSD_CONNS_MAX, &d.conns_max) < 0 ||
	    dnsd_parse_axfr(&d, mg_app_key("axfr")) < 0)
		return 2;
	if (port == 0 || idle == 0) {
		MG_LOGE("--port and --tcp_idle must not be 0");
		return 2;
	}
	d.port = (uint16_t)port;
	d.idle = MG_SEC(idle);
	d.loop = mg_loop_default();
	d.stats_every = MG_SEC(every);
	if (dnsd_zones(&d) < 0)
		return 1;

	rc = mg_net_open_boot(d.loop, "service", &d.net);
	if (rc < 0) {
		mg_dns_zone_free(d.zone);
		return 2;
	}
	mg_net_on_up(d.net, dnsd_up, &d);
	rc = mg_udp_open(d.net, d.port, udp_recv, &d, &d.udp);
	if (rc < 0) {
		mg_printf("dns: udp/%u: %s\n", (unsigned)d.port,
		    mg_strerror(-rc));
		goto out;
	}
	rc = mg_tcp_listen(d.net, d.port, 0, &lsn_cbs, &d, &d.lsn);
	if (rc < 0) {
		mg_printf("dns: tcp/%u: %s\n", (unsigned)d.port,
		    mg_strerror(-rc));
		goto out;
	}
	mg_printf("dns: serving %zu zone%s on udp/%u and tcp/%u (%s stack)\n",
	    mg_dns_zone_count(d.zone),
	    mg_dns_zone_count(d.zone) == 1 ? "" : "s", (unsigned)d.port,
	    (unsigned)d.port,
	    mg_net_kind(d.net) == MG_NET_SOCKET ? "socket" : "direct");

	mg_timer_init(&d.stats_timer, dnsd_stats_tick, &d);
	if (every > 0 &&
	    mg_timer_start_in(d.loop, &d.stats_timer, d.stats_every) < 0) {
		rc = -MG_ENOMEM;
		goto out;
	}
	rc = mg_loop_run(d.loop);
	mg_timer_stop(&d.stats_timer);
	dnsd_print(&d, "exit");
	mg_printf("dns: done, exit %d\n", rc);
out:
	mg_net_close(d.net);
	mg_dns_zone_free(d.zone);
	return rc < 0 ? 1 : rc;
}
