/* SPDX-License-Identifier: ISC */
/*
 * netcheck.c: the network test appliance. The stack answers ping; this
 * serves UDP echo and TCP echo (port 7, RFC 862), TCP discard (9, RFC 863)
 * and TCP chargen (19, RFC 864). It prints "netcheck: up A.B.C.D/len" each
 * time the address is set, and the stack's counters when it ends
 * (SIGTERM) or every --stats seconds.
 *
 * Echo keeps to the peer's pace: recv consumes only what mg_tcp_write
 * took, the rest stays queued in the stack (the window shrinks), and
 * writable offers it again with mg_tcp_recv_resume.
 */
#define MG_LOG_TAG "netcheck"
#include "mg/app.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/tcp.h"
#include "mg/time.h"
#include "mg/udp.h"

#define NC_PORT_ECHO    7
#define NC_PORT_DISCARD 9
#define NC_PORT_CHARGEN 19
#define NC_STATS_MAX    86400 /* seconds */

/* RFC 864: lines of 72 printable characters (32..126), each starting one
 * character further than the last, ended by CR LF; 95 lines repeat. */
#define CG_LINE   ((size_t)72)
#define CG_CHARS  ((size_t)95)
#define CG_PERIOD (CG_CHARS * (CG_LINE + 2))

enum nc_svc {
	NC_ECHO,
	NC_DISCARD,
	NC_CHARGEN,
	NC_NSVC
};

static const char *const nc_svc_name[NC_NSVC] = {"echo", "discard", "chargen"};

struct nc_svc_stats {
	uint64_t conns;   /* accepted */
	uint64_t closed;  /* ended in an orderly way (either side) */
	uint64_t reset;   /* ended by the peer or the stack with an error */
	uint64_t bytes;   /* echo: echoed; discard: read; chargen: written */
	uint64_t aborted; /* aborted here (no memory, write error) */
};

struct netcheck {
	struct mg_loop *loop;
	struct mg_net *net;
	struct mg_udp *uecho;
	struct mg_tcp *lsn[NC_NSVC];
	struct mg_timer stats_timer;
	mg_time_t stats_every;
	uint64_t udp_rx;      /* datagrams received on port 7 */
	uint64_t udp_tx;      /* echoed */
	uint64_t udp_txerr;   /* echo not sent (pool, device full, route) */
	uint64_t udp_rxbytes; /* their bytes */
	struct nc_svc_stats svc[NC_NSVC];
};

/* One chargen connection: where in the pattern the next write starts. */
struct nc_chargen {
	struct netcheck *nc;
	size_t off;
};

/* The pattern twice over, so any CG_PERIOD bytes from an offset below
 * CG_PERIOD are contiguous. Filled once at start, never written again:
 * what MG_TCP_WRITE_STATIC asks of it. */
static uint8_t cg_pattern[2 * CG_PERIOD];

static void
cg_init(void)
{
	size_t line, i, o = 0;

	for (line = 0; line < CG_CHARS; line++) {
		for (i = 0; i < CG_LINE; i++)
			cg_pattern[o++] =
			    (uint8_t)(' ' + (line + i) % CG_CHARS);
		cg_pattern[o++] = '\r';
		cg_pattern[o++] = '\n';
	}
	for (i = 0; i < CG_PERIOD; i++)
		cg_pattern[CG_PERIOD + i] = cg_pattern[i];
}

static void
nc_closed_count(struct netcheck *nc, enum nc_svc s, int err)
{
	if (err == 0)
		nc->svc[s].closed++;
	else
		nc->svc[s].reset++;
}

/* UDP echo: send every datagram back to where it came from. */
static void
uecho_recv(void *ctx, struct mg_udp *u, const struct mg_ep4 *from, uint32_t dst,
    mg_view data, struct mg_pkt *p)
{
	struct netcheck *nc = ctx;

	(void)dst;
	(void)p;
	nc->udp_rx++;
	nc->udp_rxbytes += data.len;
	if (mg_udp_sendv(u, from, data) == 0)
		nc->udp_tx++;
	else
		nc->udp_txerr++;
}

/* TCP echo. */
static size_t
echo_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	struct netcheck *nc = ctx;
	long n;

	if (data.len == 0) {
		/* FIN after everything was echoed: finish the echoes, close. */
		nc->svc[NC_ECHO].closed++;
		mg_tcp_close(c);
		return 0;
	}
	n = mg_tcp_write(c, data, 0);
	if (n < 0) {
		nc->svc[NC_ECHO].aborted++;
		mg_tcp_abort(c);
		return 0;
	}
	nc->svc[NC_ECHO].bytes += (uint64_t)n;
	return (size_t)n;
}

static void
echo_writable(void *ctx, struct mg_tcp *c)
{
	(void)ctx;
	mg_tcp_recv_resume(c);
}

static void
echo_closed(void *ctx, struct mg_tcp *c, int err)
{
	(void)c;
	nc_closed_count(ctx, NC_ECHO, err);
}

static const struct mg_tcp_cbs echo_cbs = {
    .recv = echo_recv,
    .writable = echo_writable,
    .closed = echo_closed,
};

/* TCP discard. */
static size_t
discard_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	struct netcheck *nc = ctx;

	if (data.len == 0) {
		nc->svc[NC_DISCARD].closed++;
		mg_tcp_close(c);
		return 0;
	}
	nc->svc[NC_DISCARD].bytes += data.len;
	return data.len;
}

static void
discard_closed(void *ctx, struct mg_tcp *c, int err)
{
	(void)c;
	nc_closed_count(ctx, NC_DISCARD, err);
}

static const struct mg_tcp_cbs discard_cbs = {
    .recv = discard_recv,
    .closed = discard_closed,
};

/* TCP chargen: fill the send buffer with the pattern whenever it has
 * room; what the peer sends is read and dropped. */
static void
chargen_fill(struct nc_chargen *cg, struct mg_tcp *c)
{
	struct netcheck *nc = cg->nc;
	long n;

	/* Until a write is short: only then does writable follow (the host
	 * kernel's buffer on the socket stack can take a lot). */
	for (;;) {
		n = mg_tcp_write(c,
		    mg_view_make(cg_pattern + cg->off, CG_PERIOD),
		    MG_TCP_WRITE_STATIC);
		if (n < 0) {
			nc->svc[NC_CHARGEN].aborted++;
			mg_free(cg);
			mg_tcp_abort(c);
			return;
		}
		nc->svc[NC_CHARGEN].bytes += (uint64_t)n;
		cg->off = (cg->off + (size_t)n) % CG_PERIOD;
		if ((size_t)n < CG_PERIOD)
			return; /* writable follows */
	}
}

static size_t
chargen_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	struct nc_chargen *cg = ctx;

	if (data.len == 0) {
		cg->nc->svc[NC_CHARGEN].closed++;
		mg_free(cg);
		mg_tcp_close(c);
		return 0;
	}
	return data.len;
}

static void
chargen_writable(void *ctx, struct mg_tcp *c)
{
	chargen_fill(ctx, c);
}

static void
chargen_closed(void *ctx, struct mg_tcp *c, int err)
{
	struct nc_chargen *cg = ctx;

	(void)c;
	nc_closed_count(cg->nc, NC_CHARGEN, err);
	mg_free(cg);
}

static const struct mg_tcp_cbs chargen_cbs = {
    .recv = chargen_recv,
    .writable = chargen_writable,
    .closed = chargen_closed,
};

static void
echo_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	struct netcheck *nc = ctx;

	(void)l;
	nc->svc[NC_ECHO].conns++;
	mg_tcp_set_cbs(c, &echo_cbs, nc);
	/* Echoes go out as they come: Nagle would hold the last piece of
	 * each burst behind the peer's delayed ACK. */
	mg_tcp_nodelay(c, true);
}

static void
discard_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	struct netcheck *nc = ctx;

	(void)l;
	nc->svc[NC_DISCARD].conns++;
	mg_tcp_set_cbs(c, &discard_cbs, nc);
}

static void
chargen_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	struct netcheck *nc = ctx;
	struct nc_chargen *cg;

	(void)l;
	nc->svc[NC_CHARGEN].conns++;
	cg = mg_malloc(sizeof(*cg));
	if (cg == NULL) {
		nc->svc[NC_CHARGEN].aborted++;
		mg_tcp_set_cbs(c, &discard_cbs, nc);
		mg_tcp_abort(c);
		return;
	}
	cg->nc = nc;
	cg->off = 0;
	mg_tcp_set_cbs(c, &chargen_cbs, cg);
	chargen_fill(cg, c);
}

static const struct mg_tcp_cbs lsn_cbs[NC_NSVC] = {
    [NC_ECHO] = {.accept = echo_accept},
    [NC_DISCARD] = {.accept = discard_accept},
    [NC_CHARGEN] = {.accept = chargen_accept},
};

static const uint16_t lsn_port[NC_NSVC] = {
    [NC_ECHO] = NC_PORT_ECHO,
    [NC_DISCARD] = NC_PORT_DISCARD,
    [NC_CHARGEN] = NC_PORT_CHARGEN,
};

static void
nc_up(void *ctx, struct mg_net *n)
{
	struct mg_net_addr a;
	char ip[16], gw[16];

	(void)ctx;
	mg_net_addr(n, &a);
	if (a.addr == 0) {
		mg_printf("netcheck: down\n");
		return;
	}
	mg_printf("netcheck: up %s/%u gw %s mtu %u\n",
	    mg_net_ip4_fmt(a.addr, ip), (unsigned)a.prefix,
	    a.gw != 0 ? mg_net_ip4_fmt(a.gw, gw) : "none", (unsigned)a.mtu);
}

/* The appliance's own counters, in the shape of mg_net_stats_print's:
 * every non-zero one as "netcheck.name value". */
static void
nc_counter(const char *svc, const char *name, uint64_t v)
{
	if (v != 0)
		mg_printf("  netcheck.%s%s%s %llu\n", svc != NULL ? svc : "",
		    svc != NULL ? "_" : "", name, (unsigned long long)v);
}

static void
nc_print(struct netcheck *nc, const char *title)
{
	int s;

	mg_printf("netcheck: %s\n", title);
	nc_counter(NULL, "udp_rx", nc->udp_rx);
	nc_counter(NULL, "udp_rxbytes", nc->udp_rxbytes);
	nc_counter(NULL, "udp_tx", nc->udp_tx);
	nc_counter(NULL, "udp_txerr", nc->udp_txerr);
	for (s = 0; s < NC_NSVC; s++) {
		const struct nc_svc_stats *st = &nc->svc[s];
		const char *name = nc_svc_name[s];

		nc_counter(name, "conns", st->conns);
		nc_counter(name, "closed", st->closed);
		nc_counter(name, "reset", st->reset);
		nc_counter(name, "aborted", st->aborted);
		nc_counter(name, "bytes", st->bytes);
	}
	mg_net_stats_print(nc->net, "net:");
}

static void
nc_stats_tick(void *ctx, struct mg_timer *t)
{
	struct netcheck *nc = ctx;

	nc_print(nc, "counters");
	if (mg_timer_start_in(nc->loop, t, nc->stats_every) < 0)
		MG_LOGW("stats timer: no memory");
}

int
mg_app_main(void)
{
	static struct netcheck nc;
	uint64_t every;
	int rc, s;

	if (mg_app_key_u64("stats", NC_STATS_MAX, &every) < 0)
		return 2;
	nc.loop = mg_loop_default();
	nc.stats_every = MG_SEC(every);
	cg_init();

	rc = mg_net_open_boot(nc.loop, "service", &nc.net);
	if (rc < 0)
		return 2;
	mg_net_on_up(nc.net, nc_up, &nc);

	rc = mg_udp_open(nc.net, NC_PORT_ECHO, uecho_recv, &nc, &nc.uecho);
	if (rc < 0) {
		mg_printf("netcheck: udp/%d: %s\n", NC_PORT_ECHO,
		    mg_strerror(-rc));
		goto out;
	}
	for (s = 0; s < NC_NSVC; s++) {
		rc = mg_tcp_listen(nc.net, lsn_port[s], 0, &lsn_cbs[s], &nc,
		    &nc.lsn[s]);
		if (rc < 0) {
			mg_printf("netcheck: tcp/%u: %s\n",
			    (unsigned)lsn_port[s], mg_strerror(-rc));
			goto out;
		}
	}
	mg_printf("netcheck: serving udp/7 echo, tcp/7 echo, tcp/9 discard, "
	          "tcp/19 chargen\n");

	mg_timer_init(&nc.stats_timer, nc_stats_tick, &nc);
	if (every > 0 &&
	    mg_timer_start_in(nc.loop, &nc.stats_timer, nc.stats_every) < 0) {
		rc = -MG_ENOMEM;
		goto out;
	}
	rc = mg_loop_run(nc.loop);
	mg_timer_stop(&nc.stats_timer);
	nc_print(&nc, "exit");
	mg_printf("netcheck: done, exit %d\n", rc);
out:
	/* Closing the stack aborts the connections and closes the sockets
	 * and listeners with it. */
	mg_net_close(nc.net);
	return rc < 0 ? 1 : rc;
}
