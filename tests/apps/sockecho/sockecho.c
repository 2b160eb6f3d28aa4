/* SPDX-License-Identifier: ISC */
/*
 * sockecho.c: the socket stack's test appliance. Server: UDP and TCP echo
 * on PORT, TCP discard on PORT+2, TCP chargen on PORT+12. TCP echo keeps
 * to the peer's pace: recv consumes only what mg_tcp_write took, and
 * writable offers the rest again with mg_tcp_recv_resume. Client
 * (connect=): sends `bytes` bytes of a pattern, shuts down, checks that the
 * same bytes and then the FIN come back, and exits 0 (1 on any failure).
 */
#define MG_LOG_TAG "sockecho"
#include "mg/app.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/net.h"
#include "mg/string.h"
#include "mg/tcp.h"
#include "mg/udp.h"

#define SE_CG_PERIOD 95 /* printable ASCII, RFC 864 */
#define SE_CG_LINE   (SE_CG_PERIOD * 8)

struct se {
	struct mg_loop *loop;
	struct mg_net *net;
	struct mg_udp *udp;
	struct mg_tcp *lsn[3];
	/* client */
	struct mg_tcp *cli;
	uint64_t want, sent, got;
	bool fin, bad;
};

static uint8_t se_pattern[SE_CG_LINE * 2];

static uint8_t
se_byte(uint64_t off)
{
	return (uint8_t)(off * 7 + off / 251);
}

static void
se_udp_recv(void *ctx, struct mg_udp *u, const struct mg_ep4 *from,
    uint32_t dst, mg_view data, struct mg_pkt *p)
{
	(void)ctx;
	(void)dst;
	/* Send the very packet back (it holds exactly the payload): a
	 * reference for mg_udp_send, which consumes it. */
	(void)data;
	mg_pkt_ref(p);
	(void)mg_udp_send(u, from, p);
}

static size_t
se_echo_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	long n;

	(void)ctx;
	if (data.len == 0) {
		mg_tcp_close(c);
		return 0;
	}
	n = mg_tcp_write(c, data, 0);
	if (n < 0) {
		mg_tcp_abort(c);
		return 0;
	}
	return (size_t)n;
}

static void
se_echo_writable(void *ctx, struct mg_tcp *c)
{
	(void)ctx;
	mg_tcp_recv_resume(c);
}

static void
se_closed(void *ctx, struct mg_tcp *c, int err)
{
	(void)ctx;
	(void)c;
	if (err != 0)
		MG_LOGI("connection ended: %s", mg_strerror(-err));
}

static const struct mg_tcp_cbs se_echo_cbs = {
    .recv = se_echo_recv,
    .writable = se_echo_writable,
    .closed = se_closed,
};

static size_t
se_discard_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	(void)ctx;
	if (data.len == 0)
		mg_tcp_close(c);
	return data.len;
}

static const struct mg_tcp_cbs se_discard_cbs = {
    .recv = se_discard_recv,
    .closed = se_closed,
};

/* Chargen: the connection's offset in the pattern lives in ctx. */
static void
se_chargen_fill(void *ctx, struct mg_tcp *c)
{
	size_t *off = ctx;
	long n;

	/* Until a write is short: only then does writable follow. */
	for (;;) {
		n = mg_tcp_write(c, mg_view_make(se_pattern + *off, SE_CG_LINE),
		    MG_TCP_WRITE_STATIC);
		if (n <= 0) {
			if (n < 0) {
				mg_free(off);
				mg_tcp_abort(c);
			}
			return;
		}
		*off = (*off + (size_t)n) % SE_CG_PERIOD;
		if ((size_t)n < SE_CG_LINE)
			return;
	}
}

static size_t
se_chargen_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	if (data.len == 0) {
		mg_free(ctx);
		mg_tcp_close(c);
	}
	return data.len;
}

static void
se_chargen_closed(void *ctx, struct mg_tcp *c, int err)
{
	mg_free(ctx);
	se_closed(NULL, c, err);
}

static const struct mg_tcp_cbs se_chargen_cbs = {
    .recv = se_chargen_recv,
    .writable = se_chargen_fill,
    .closed = se_chargen_closed,
};

static void
se_accept(void *ctx, struct mg_tcp *l, struct mg_tcp *c)
{
	struct se *se = ctx;
	size_t *off;

	if (l == se->lsn[0]) {
		mg_tcp_set_cbs(c, &se_echo_cbs, se);
	} else if (l == se->lsn[1]) {
		mg_tcp_set_cbs(c, &se_discard_cbs, se);
	} else {
		off = mg_calloc(1, sizeof(*off));
		if (off == NULL)
			return; /* no callbacks: the stack aborts it */
		mg_tcp_set_cbs(c, &se_chargen_cbs, off);
		se_chargen_fill(off, c);
	}
}

static const struct mg_tcp_cbs se_lsn_cbs = {
    .accept = se_accept,
};

/* The client. */
static void
se_cli_send(struct se *se, struct mg_tcp *c)
{
	uint8_t buf[4096];
	size_t i, len;
	long n;

	while (se->sent < se->want) {
		len = se->want - se->sent < sizeof(buf)
		    ? (size_t)(se->want - se->sent)
		    : sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = se_byte(se->sent + i);
		n = mg_tcp_write(c, mg_view_make(buf, len), 0);
		if (n < 0) {
			MG_LOGE("write: %s", mg_strerror((int)-n));
			se->bad = true;
			mg_tcp_abort(c);
			mg_loop_stop(se->loop, 1);
			return;
		}
		se->sent += (uint64_t)n;
		if ((size_t)n < len)
			return; /* writable follows */
	}
	if (mg_tcp_shutdown(c) < 0)
		se->bad = true;
}

static void
se_cli_connected(void *ctx, struct mg_tcp *c, int err)
{
	struct se *se = ctx;
	struct mg_ep4 l, r;

	if (err != 0) {
		mg_printf("sockecho: connect failed: %s\n", mg_strerror(-err));
		return;
	}
	mg_tcp_endpoints(c, &l, &r);
	mg_printf("sockecho: connected to port %u\n", (unsigned)r.port);
	se_cli_send(se, c);
}

static size_t
se_cli_recv(void *ctx, struct mg_tcp *c, mg_view data)
{
	struct se *se = ctx;
	size_t i;

	(void)c;
	if (data.len == 0) {
		se->fin = true;
		return 0;
	}
	for (i = 0; i < data.len; i++)
		if (data.p[i] != se_byte(se->got + i))
			se->bad = true;
	se->got += data.len;
	return data.len;
}

static void
se_cli_writable(void *ctx, struct mg_tcp *c)
{
	se_cli_send(ctx, c);
}

static void
se_cli_closed(void *ctx, struct mg_tcp *c, int err)
{
	struct se *se = ctx;
	struct mg_tcp_conn_stats cs;

	(void)c;
	mg_tcp_conn_stats(c, &cs);
	mg_printf("sockecho: closed (%s), sent %llu, got %llu%s%s\n",
	    err == 0 ? "ok" : mg_strerror(-err), (unsigned long long)se->sent,
	    (unsigned long long)se->got, se->fin ? ", fin" : "",
	    se->bad ? ", BAD DATA" : "");
	mg_loop_stop(se->loop,
	    err == 0 && se->fin && !se->bad && se->got == se->want ? 0 : 1);
}

static const struct mg_tcp_cbs se_cli_cbs = {
    .connected = se_cli_connected,
    .recv = se_cli_recv,
    .writable = se_cli_writable,
    .closed = se_cli_closed,
};

static int
se_client(struct se *se, const char *spec)
{
	char host[16];
	const char *colon = mg_strchr(spec, ':');
	struct mg_ep4 to;
	uint64_t port = 0;
	size_t hl;
	int rc;

	if (colon == NULL || (hl = (size_t)(colon - spec)) >= sizeof(host))
		return -MG_EINVAL;
	mg_memcpy(host, spec, hl);
	host[hl] = '\0';
	if (mg_net_ip4_parse(host, &to.addr) < 0)
		return -MG_EINVAL;
	for (colon++; *colon >= '0' && *colon <= '9'; colon++)
		port = port * 10 + (uint64_t)(*colon - '0');
	if (*colon != '\0' || port == 0 || port > 65535)
		return -MG_EINVAL;
	to.port = (uint16_t)port;
	if (mg_app_key_u64("bytes", UINT64_MAX >> 1, &se->want) < 0)
		return -MG_EINVAL;
	rc = mg_tcp_connect(se->net, &to, &se_cli_cbs, se, &se->cli);
	if (rc < 0)
		mg_printf("sockecho: connect: %s\n", mg_strerror(-rc));
	return rc;
}

int
mg_app_main(void)
{
	static struct se se;
	struct mg_net_config cfg;
	uint64_t port;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(se_pattern); i++)
		se_pattern[i] = (uint8_t)(' ' + i % SE_CG_PERIOD);
	mg_memset(&cfg, 0, sizeof(cfg));
	cfg.kind = MG_NET_SOCKET;
	if (mg_net_ip4_parse(mg_app_key("addr"), &cfg.addr) < 0 ||
	    mg_app_key_u64("port", 65535 - 12, &port) < 0 || port == 0) {
		mg_printf("sockecho: bad addr or port\n");
		return 2;
	}
	se.loop = mg_loop_default();
	rc = mg_net_open(se.loop, &cfg, &se.net);
	if (rc < 0) {
		mg_printf("sockecho: socket stack: %s\n", mg_strerror(-rc));
		return 1;
	}
	if (mg_app_key("connect")[0] != '\0') {
		rc = se_client(&se, mg_app_key("connect"));
		if (rc == 0)
			rc = mg_loop_run(se.loop);
		else
			rc = 2;
		mg_net_close(se.net);
		return rc;
	}
	rc = mg_udp_open(se.net, (uint16_t)port, se_udp_recv, &se, &se.udp);
	if (rc == 0)
		rc = mg_tcp_listen(se.net, (uint16_t)port, 0, &se_lsn_cbs, &se,
		    &se.lsn[0]);
	if (rc == 0)
		rc = mg_tcp_listen(se.net, (uint16_t)(port + 2), 0, &se_lsn_cbs,
		    &se, &se.lsn[1]);
	if (rc == 0)
		rc = mg_tcp_listen(se.net, (uint16_t)(port + 12), 0,
		    &se_lsn_cbs, &se, &se.lsn[2]);
	if (rc < 0) {
		mg_printf("sockecho: %s\n", mg_strerror(-rc));
		mg_net_close(se.net);
		return 1;
	}
	mg_printf("sockecho: serving on port %u\n", (unsigned)port);
	rc = mg_loop_run(se.loop);
	mg_net_stats_print(se.net, "sockecho: counters");
	mg_net_close(se.net);
	mg_printf("sockecho: done, exit %d\n", rc);
	return rc;
}
