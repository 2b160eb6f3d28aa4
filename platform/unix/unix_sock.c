/* SPDX-License-Identifier: ISC */
/* unix_sock.c: plat.h's host sockets on Linux: epoll sets, IPv4 UDP/TCP. */
#define _GNU_SOURCE
#include "unix_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "mg/err.h"

/* errno values are MG_E* values (mg/err.h), so they pass through. */
static long
neg_errno(void)
{
	return errno > 0 ? -(long)errno : -MG_EIO;
}

static void
sin_make(struct sockaddr_in *sin, uint32_t addr, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
	sin->sin_port = htons(port);
}

int
mg_plat_sock_init(mg_handle_t *h)
{
	int ep, rc;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return (int)neg_errno();
	rc = unix_poll_add(ep, h);
	if (rc < 0)
		close(ep);
	return rc;
}

void
mg_plat_sock_fini(mg_handle_t h)
{
	int ep = unix_poll_fd(h);

	if (ep < 0)
		return;
	unix_poll_del(h);
	close(ep);
}

int
mg_plat_sock_want(mg_handle_t h, long s, unsigned events, void *ctx)
{
	struct epoll_event e;
	int ep = unix_poll_fd(h);

	if (ep < 0 || s < 0)
		return -MG_EBADF;
	if (events == 0) {
		if (epoll_ctl(ep, EPOLL_CTL_DEL, (int)s, NULL) < 0 &&
		    errno != ENOENT)
			return (int)neg_errno();
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.events = ((events & MG_PLAT_SOCK_IN) ? EPOLLIN : 0) |
	    ((events & MG_PLAT_SOCK_OUT) ? EPOLLOUT : 0);
	e.data.ptr = ctx;
	if (events & MG_PLAT_SOCK_NEW) {
		if (epoll_ctl(ep, EPOLL_CTL_ADD, (int)s, &e) == 0)
			return 0;
		if (errno == EEXIST &&
		    epoll_ctl(ep, EPOLL_CTL_MOD, (int)s, &e) == 0)
			return 0;
		return (int)neg_errno();
	}
	if (epoll_ctl(ep, EPOLL_CTL_MOD, (int)s, &e) == 0)
		return 0;
	if (errno == ENOENT && epoll_ctl(ep, EPOLL_CTL_ADD, (int)s, &e) == 0)
		return 0;
	return (int)neg_errno();
}

int
mg_plat_sock_poll(mg_handle_t h, struct mg_plat_sock_ev *ev, int max)
{
	struct epoll_event e[64];
	int ep = unix_poll_fd(h), n, i;

	if (ep < 0)
		return -MG_EBADF;
	if (max > 64)
		max = 64;
	if (max <= 0)
		return 0;
	do
		n = epoll_wait(ep, e, max, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (int)neg_errno();
	for (i = 0; i < n; i++) {
		ev[i].ctx = e[i].data.ptr;
		ev[i].events = ((e[i].events & EPOLLIN) ? MG_PLAT_SOCK_IN : 0) |
		    ((e[i].events & EPOLLOUT) ? MG_PLAT_SOCK_OUT : 0) |
		    ((e[i].events & EPOLLERR) ? MG_PLAT_SOCK_ERR : 0) |
		    ((e[i].events & EPOLLHUP) ? MG_PLAT_SOCK_HUP : 0);
	}
	return n;
}

static long
sock_bound(int type, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = {0};
	int one = 1, fd;
	long rc;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	if (type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	if (type == SOCK_DGRAM &&
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		goto fail;
	if (type == SOCK_DGRAM &&
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0)
		goto fail;
	sin_make(&sin, addr, port);
	if ((addr != 0 || port != 0 || type == SOCK_DGRAM) &&
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto fail;
	return fd;
fail:
	rc = neg_errno();
	close(fd);
	return rc;
}

long
mg_plat_sock_udp(uint32_t addr, uint16_t port)
{
	return sock_bound(SOCK_DGRAM, addr, port);
}

long
mg_plat_sock_sendto(long s, const void *buf, size_t len, uint32_t addr,
    uint16_t port)
{
	struct sockaddr_in sin = {0};
	ssize_t n;

	sin_make(&sin, addr, port);
	do
		n = sendto((int)s, buf, len, MSG_NOSIGNAL,
		    (struct sockaddr *)&sin, sizeof(sin));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -MG_EAGAIN : neg_errno();
	return (long)n;
}

#define UNIX_SOCK_BATCH 64

long
mg_plat_sock_recvmmsg(long s, struct mg_plat_sock_msg *m, size_t n)
{
	struct mmsghdr hdr[UNIX_SOCK_BATCH];
	struct iovec iov[UNIX_SOCK_BATCH];
	struct sockaddr_in sin[UNIX_SOCK_BATCH];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf[UNIX_SOCK_BATCH];
	size_t i;
	int got;

	if (n > UNIX_SOCK_BATCH)
		n = UNIX_SOCK_BATCH;
	if (n == 0)
		return 0;
	memset(hdr, 0, n * sizeof(hdr[0]));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = m[i].buf;
		iov[i].iov_len = m[i].len;
		hdr[i].msg_hdr.msg_iov = &iov[i];
		hdr[i].msg_hdr.msg_iovlen = 1;
		hdr[i].msg_hdr.msg_name = &sin[i];
		hdr[i].msg_hdr.msg_namelen = sizeof(sin[i]);
		hdr[i].msg_hdr.msg_control = &cbuf[i];
		hdr[i].msg_hdr.msg_controllen = sizeof(cbuf[i].buf);
	}
	do
		got = recvmmsg((int)s, hdr, (unsigned)n, MSG_DONTWAIT, NULL);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return errno == EWOULDBLOCK ? -MG_EAGAIN : neg_errno();
	for (i = 0; i < (size_t)got; i++) {
		struct msghdr *mh = &hdr[i].msg_hdr;
		struct cmsghdr *c;

		m[i].len = hdr[i].msg_len;
		m[i].trunc = (mh->msg_flags & MSG_TRUNC) != 0;
		m[i].addr = ntohl(sin[i].sin_addr.s_addr);
		m[i].port = ntohs(sin[i].sin_port);
		m[i].dst = 0;
		for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
			struct in_pktinfo pi;

			if (c->cmsg_level != IPPROTO_IP ||
			    c->cmsg_type != IP_PKTINFO)
				continue;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			m[i].dst = ntohl(pi.ipi_addr.s_addr);
		}
	}
	return got;
}

long
mg_plat_sock_sendmmsg(long s, const struct mg_plat_sock_msg *m, size_t n)
{
	struct mmsghdr hdr[UNIX_SOCK_BATCH];
	struct iovec iov[UNIX_SOCK_BATCH];
	struct sockaddr_in sin[UNIX_SOCK_BATCH];
	size_t i;
	int sent;

	if (n > UNIX_SOCK_BATCH)
		n = UNIX_SOCK_BATCH;
	if (n == 0)
		return 0;
	memset(hdr, 0, n * sizeof(hdr[0]));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = m[i].buf;
		iov[i].iov_len = m[i].len;
		sin_make(&sin[i], m[i].addr, m[i].port);
		hdr[i].msg_hdr.msg_iov = &iov[i];
		hdr[i].msg_hdr.msg_iovlen = 1;
		hdr[i].msg_hdr.msg_name = &sin[i];
		hdr[i].msg_hdr.msg_namelen = sizeof(sin[i]);
	}
	do
		sent = sendmmsg((int)s, hdr, (unsigned)n, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return errno == EWOULDBLOCK ? -MG_EAGAIN : neg_errno();
	return sent;
}

long
mg_plat_sock_listen(uint32_t addr, uint16_t port, unsigned backlog)
{
	long fd = sock_bound(SOCK_STREAM, addr, port);

	if (fd < 0)
		return fd;
	if (listen((int)fd, backlog > 65535 ? 65535 : (int)backlog) < 0) {
		long rc = neg_errno();

		close((int)fd);
		return rc;
	}
	return fd;
}

long
mg_plat_sock_accept(long s, uint32_t *addr, uint16_t *port)
{
	struct sockaddr_in sin = {0};
	socklen_t len;
	int fd;

	for (;;) {
		len = sizeof(sin);
		fd = accept4((int)s, (struct sockaddr *)&sin, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		/* The connection died in the queue: try the next one. */
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		return errno == EWOULDBLOCK ? -MG_EAGAIN : neg_errno();
	}
	*addr = ntohl(sin.sin_addr.s_addr);
	*port = ntohs(sin.sin_port);
	return fd;
}

long
mg_plat_sock_connect(uint32_t src, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = {0};
	long fd = sock_bound(SOCK_STREAM, src, 0);

	if (fd < 0)
		return fd;
	sin_make(&sin, addr, port);
	if (connect((int)fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
	    errno != EINPROGRESS) {
		long rc = neg_errno();

		close((int)fd);
		return rc;
	}
	return fd;
}

long
mg_plat_sock_send(long s, const void *buf, size_t len, unsigned flags)
{
	int f = MSG_NOSIGNAL | MSG_DONTWAIT;
	ssize_t n;

	if (flags & MG_PLAT_SOCK_MORE)
		f |= MSG_MORE;
	do
		n = send((int)s, buf, len, f);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -MG_EAGAIN : neg_errno();
	return (long)n;
}

long
mg_plat_sock_recv(long s, void *buf, size_t size)
{
	ssize_t n;

	do
		n = recv((int)s, buf, size, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -MG_EAGAIN : neg_errno();
	return (long)n;
}

int
mg_plat_sock_shutdown(long s)
{
	return shutdown((int)s, SHUT_WR) < 0 ? (int)neg_errno() : 0;
}

long
mg_plat_sock_unread(long s)
{
	int n = 0;

	return ioctl((int)s, FIONREAD, &n) < 0 ? neg_errno() : (long)n;
}

void
mg_plat_sock_close(long s)
{
	if (s >= 0)
		close((int)s);
}

int
mg_plat_sock_opt(long s, int opt, int val)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	int rc;

	switch (opt) {
	case MG_PLAT_SOCK_NODELAY:
		rc = setsockopt((int)s, IPPROTO_TCP, TCP_NODELAY, &val,
		    sizeof(val));
		break;
	case MG_PLAT_SOCK_KEEPALIVE:
		rc = setsockopt((int)s, SOL_SOCKET, SO_KEEPALIVE, &val,
		    sizeof(val));
		break;
	case MG_PLAT_SOCK_LINGER0:
		lg.l_onoff = val != 0;
		rc = setsockopt((int)s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	default:
		return -MG_EINVAL;
	}
	return rc < 0 ? (int)neg_errno() : 0;
}

int
mg_plat_sock_error(long s)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt((int)s, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return (int)neg_errno();
	return -err;
}

int
mg_plat_sock_name(long s, uint32_t *addr, uint16_t *port)
{
	struct sockaddr_in sin = {0};
	socklen_t len = sizeof(sin);

	if (getsockname((int)s, (struct sockaddr *)&sin, &len) < 0)
		return (int)neg_errno();
	*addr = ntohl(sin.sin_addr.s_addr);
	*port = ntohs(sin.sin_port);
	return 0;
}

static const char *
tcp_state_name(unsigned st)
{
	static const char *const names[] = {
	    [TCP_ESTABLISHED] = "ESTABLISHED",
	    [TCP_SYN_SENT] = "SYN-SENT",
	    [TCP_SYN_RECV] = "SYN-RECEIVED",
	    [TCP_FIN_WAIT1] = "FIN-WAIT-1",
	    [TCP_FIN_WAIT2] = "FIN-WAIT-2",
	    [TCP_TIME_WAIT] = "TIME-WAIT",
	    [TCP_CLOSE] = "CLOSED",
	    [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	    [TCP_LAST_ACK] = "LAST-ACK",
	    [TCP_LISTEN] = "LISTEN",
	    [TCP_CLOSING] = "CLOSING",
	};

	if (st < sizeof(names) / sizeof(names[0]) && names[st] != NULL)
		return names[st];
	return "?";
}

int
mg_plat_sock_tcp_info(long s, struct mg_plat_sock_tcp_info *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int outq = 0, sndbuf = 0;

	memset(out, 0, sizeof(*out));
	memset(&ti, 0, sizeof(ti));
	if (getsockopt((int)s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return (int)neg_errno();
	out->srtt_us = ti.tcpi_rtt;
	out->rto_ms = ti.tcpi_rto / 1000;
	out->mss = ti.tcpi_snd_mss;
	out->cwnd = ti.tcpi_snd_cwnd * ti.tcpi_snd_mss;
	out->rexmit = ti.tcpi_total_retrans;
	out->state = tcp_state_name(ti.tcpi_state);
	if (ioctl((int)s, SIOCOUTQ, &outq) == 0 && outq > 0)
		out->outq = (uint64_t)outq;
	len = sizeof(sndbuf);
	if (getsockopt((int)s, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) == 0 &&
	    sndbuf > 0)
		out->sndbuf = (uint64_t)sndbuf;
	return 0;
}
