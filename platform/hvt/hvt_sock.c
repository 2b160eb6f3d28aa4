/* SPDX-License-Identifier: ISC */
/* hvt_sock.c: plat.h's host sockets on hvt: there are none (-MG_ENOSYS). */
#include "mg/err.h"
#include "mg/plat.h"

int
mg_plat_sock_init(mg_handle_t *h)
{
	(void)h;
	return -MG_ENOSYS;
}

void
mg_plat_sock_fini(mg_handle_t h)
{
	(void)h;
}

int
mg_plat_sock_want(mg_handle_t h, long s, unsigned events, void *ctx)
{
	(void)h, (void)s, (void)events, (void)ctx;
	return -MG_ENOSYS;
}

int
mg_plat_sock_poll(mg_handle_t h, struct mg_plat_sock_ev *ev, int max)
{
	(void)h, (void)ev, (void)max;
	return -MG_ENOSYS;
}

long
mg_plat_sock_udp(uint32_t addr, uint16_t port)
{
	(void)addr, (void)port;
	return -MG_ENOSYS;
}

long
mg_plat_sock_sendto(long s, const void *buf, size_t len, uint32_t addr,
    uint16_t port)
{
	(void)s, (void)buf, (void)len, (void)addr, (void)port;
	return -MG_ENOSYS;
}

long
mg_plat_sock_recvmmsg(long s, struct mg_plat_sock_msg *m, size_t n)
{
	(void)s, (void)m, (void)n;
	return -MG_ENOSYS;
}

long
mg_plat_sock_sendmmsg(long s, const struct mg_plat_sock_msg *m, size_t n)
{
	(void)s, (void)m, (void)n;
	return -MG_ENOSYS;
}

long
mg_plat_sock_listen(uint32_t addr, uint16_t port, unsigned backlog)
{
	(void)addr, (void)port, (void)backlog;
	return -MG_ENOSYS;
}

long
mg_plat_sock_accept(long s, uint32_t *addr, uint16_t *port)
{
	(void)s, (void)addr, (void)port;
	return -MG_ENOSYS;
}

long
mg_plat_sock_connect(uint32_t src, uint32_t addr, uint16_t port)
{
	(void)src, (void)addr, (void)port;
	return -MG_ENOSYS;
}

long
mg_plat_sock_send(long s, const void *buf, size_t len, unsigned flags)
{
	(void)s, (void)buf, (void)len, (void)flags;
	return -MG_ENOSYS;
}

long
mg_plat_sock_recv(long s, void *buf, size_t size)
{
	(void)s, (void)buf, (void)size;
	return -MG_ENOSYS;
}

long
mg_plat_sock_unread(long s)
{
	(void)s;
	return -MG_ENOSYS;
}

int
mg_plat_sock_shutdown(long s)
{
	(void)s;
	return -MG_ENOSYS;
}

void
mg_plat_sock_close(long s)
{
	(void)s;
}

int
mg_plat_sock_opt(long s, int opt, int val)
{
	(void)s, (void)opt, (void)val;
	return -MG_ENOSYS;
}

int
mg_plat_sock_error(long s)
{
	(void)s;
	return -MG_ENOSYS;
}

int
mg_plat_sock_name(long s, uint32_t *addr, uint16_t *port)
{
	(void)s, (void)addr, (void)port;
	return -MG_ENOSYS;
}

int
mg_plat_sock_tcp_info(long s, struct mg_plat_sock_tcp_info *out)
{
	(void)s, (void)out;
	return -MG_ENOSYS;
}
