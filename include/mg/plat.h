/* SPDX-License-Identifier: ISC */
/* plat.h: the platform interface, the only seam between targets. */
#ifndef MG_PLAT_H
#define MG_PLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/time.h"

/*
 * Everything a library needs from the machine, and nothing else: a console,
 * two clocks, a way to block until a device is ready or a deadline passes,
 * network and block devices acquired by the names the appliance declared,
 * and exit. Each target (platform/unix, platform/hvt, ...) implements these
 * functions; libraries reach the machine only through them.
 *
 * All functions are called from the single appliance thread. Device
 * functions take the handle returned by their acquire call.
 */

/* A device handle: a small integer, 0 <= h <= MG_PLAT_HANDLE_MAX. */
typedef uint64_t mg_handle_t;
/* A set of handles: bit h is set when handle h is ready. */
typedef uint64_t mg_handle_set_t;

#define MG_PLAT_HANDLE_MAX 62
/* In the set returned by mg_plat_yield: the host asked for a clean stop
 * (SIGINT/SIGTERM on unix, the tender's equivalent on hvt). */
#define MG_PLAT_SHUTDOWN (1ULL << 63)

/* Write len bytes to the console. Never fails (output may be lost). */
void mg_plat_console_write(const char *buf, size_t len);

/* Monotonic time in ns since an arbitrary origin; never goes back. */
mg_time_t mg_plat_clock_monotonic(void);

/* Wall-clock time in ns since 1970-01-01T00:00Z. */
mg_time_t mg_plat_clock_wall(void);

/*
 * mg_plat_yield blocks until the monotonic clock reaches deadline or some
 * acquired device has input ready, whichever comes first, and returns the
 * set of ready handles (possibly empty, possibly with MG_PLAT_SHUTDOWN).
 * A deadline in the past polls without blocking.
 */
mg_handle_set_t mg_plat_yield(mg_time_t deadline);

/*
 * mg_plat_random fills buf with len bytes that an outside observer cannot
 * predict (the host's getrandom on unix, a seed the tender took from
 * getrandom at boot on hvt, stretched). For keys and sequence numbers, not
 * for long-term cryptographic secrets.
 */
void mg_plat_random(void *buf, size_t len);

struct mg_plat_net_info {
	uint8_t mac[6];
	uint16_t mtu; /* payload bytes of a frame, without the 14-byte header */
};

/*
 * mg_plat_net_acquire gives the handle of the network device the appliance
 * declared as name. -MG_ENOENT if the image does not declare it (a
 * programmer error on hvt: it aborts), -MG_EBUSY if already acquired,
 * -MG_EPERM after mg_plat_seal().
 */
int mg_plat_net_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_net_info *info);

/* mg_plat_net_write sends one Ethernet frame (header included). Returns 0,
 * -MG_EINVAL for a bad size, -MG_EAGAIN when the device is full. */
int mg_plat_net_write(mg_handle_t h, const void *buf, size_t len);

/*
 * mg_plat_net_read receives one frame into buf (size bytes) and sets *len.
 * Returns 0, -MG_EAGAIN when nothing is waiting. A frame longer than size
 * is dropped and counted by the platform.
 */
int mg_plat_net_read(mg_handle_t h, void *buf, size_t size, size_t *len);

struct mg_plat_block_info {
	uint64_t capacity;   /* bytes */
	uint32_t block_size; /* every offset and length is a multiple */
};

int mg_plat_block_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_block_info *info);

/*
 * Block I/O: off and len must be multiples of block_size and inside the
 * device (-MG_EINVAL otherwise); -MG_EIO when the host fails. Writes are
 * durable after mg_plat_block_flush returns 0.
 */
int mg_plat_block_read(mg_handle_t h, uint64_t off, void *buf, size_t len);
int mg_plat_block_write(mg_handle_t h, uint64_t off, const void *buf,
    size_t len);
int mg_plat_block_flush(mg_handle_t h);

/*
 * Host sockets, for the socket stack (lib/net/sock.c): IPv4 UDP and TCP on
 * the host's own network, so an appliance runs as an ordinary process.
 * Targets without host sockets (hvt) return -MG_ENOSYS from
 * mg_plat_sock_init and from every call that makes a socket.
 *
 * Addresses and ports are host byte order; 0 is "any" (bind) or "kernel's
 * choice" (port). Errors are negated MG_E* codes (the host's errno on
 * unix). Every socket is non-blocking and close-on-exec; listeners set
 * SO_REUSEADDR. A socket is a long >= 0 (the host fd on unix).
 *
 * Readiness: mg_plat_sock_init makes a readiness set, a handle that
 * mg_plat_yield reports ready while one of its sockets has an event.
 * mg_plat_sock_want sets which events of socket s the set reports
 * (level-triggered; events 0 removes s from the set; a socket closed with
 * mg_plat_sock_close leaves it by itself) with an opaque ctx that
 * mg_plat_sock_poll gives back with each event. ERR and HUP are reported
 * whenever s is in the set. MG_PLAT_SOCK_NEW in events is a hint that s
 * is not in the set yet (a first registration costs one call, not two).
 */
#define MG_PLAT_SOCK_IN  0x1u   /* readable, acceptable, or EOF */
#define MG_PLAT_SOCK_OUT 0x2u   /* writable, or connect finished */
#define MG_PLAT_SOCK_ERR 0x4u   /* pending error (mg_plat_sock_error) */
#define MG_PLAT_SOCK_HUP 0x8u   /* both directions shut */
#define MG_PLAT_SOCK_NEW 0x100u /* mg_plat_sock_want: s not in the set */

struct mg_plat_sock_ev {
	void *ctx;
	unsigned events;
};

int mg_plat_sock_init(mg_handle_t *h);
void mg_plat_sock_fini(mg_handle_t h);
int mg_plat_sock_want(mg_handle_t h, long s, unsigned events, void *ctx);
/* Up to max ready sockets without blocking: their count, or -MG_E*. */
int mg_plat_sock_poll(mg_handle_t h, struct mg_plat_sock_ev *ev, int max);

/* A UDP socket bound to addr:port; IP_PKTINFO on (for the destination). */
long mg_plat_sock_udp(uint32_t addr, uint16_t port);

/* One datagram, as mg_plat_sock_sendmmsg/recvmmsg exchange them. */
struct mg_plat_sock_msg {
	void *buf;
	size_t len;    /* send: bytes; recv: in the buffer's size, out bytes */
	uint32_t addr; /* peer */
	uint16_t port;
	bool trunc;   /* recv: longer than the buffer (the rest is lost) */
	uint32_t dst; /* recv: the address it was sent to */
};

/* Returns len, -MG_EAGAIN (socket buffer full), -MG_EMSGSIZE, ... */
long mg_plat_sock_sendto(long s, const void *buf, size_t len, uint32_t addr,
    uint16_t port);
/* Up to n datagrams in one call: how many were received (>= 1) or sent,
 * or -MG_EAGAIN when none could be. */
long mg_plat_sock_recvmmsg(long s, struct mg_plat_sock_msg *m, size_t n);
long mg_plat_sock_sendmmsg(long s, const struct mg_plat_sock_msg *m, size_t n);

/* A TCP listener on addr:port (backlog > 0). */
long mg_plat_sock_listen(uint32_t addr, uint16_t port, unsigned backlog);
/* A new connection and its peer, or -MG_EAGAIN when none is waiting. */
long mg_plat_sock_accept(long s, uint32_t *addr, uint16_t *port);
/* Start a connection from src (0: any) to addr:port. The socket is
 * returned at once; OUT readiness then mg_plat_sock_error tell the result.
 * An error known at once (-MG_ECONNREFUSED, ...) is returned instead. */
long mg_plat_sock_connect(uint32_t src, uint32_t addr, uint16_t port);

/* Stream I/O: bytes moved (recv: 0 at EOF), -MG_EAGAIN, or an error.
 * MG_PLAT_SOCK_MORE: more follows at once (TCP cork for this write). */
#define MG_PLAT_SOCK_MORE 0x1u
long mg_plat_sock_send(long s, const void *buf, size_t len, unsigned flags);
long mg_plat_sock_recv(long s, void *buf, size_t size);
/* Send FIN after the queued data (shutdown for writing). */
int mg_plat_sock_shutdown(long s);
/* Bytes received on s and not read yet, or a negated error. */
long mg_plat_sock_unread(long s);
void mg_plat_sock_close(long s);

/* Socket options; val is 0 or 1. LINGER0: the next close sends RST. */
#define MG_PLAT_SOCK_NODELAY   1
#define MG_PLAT_SOCK_KEEPALIVE 2
#define MG_PLAT_SOCK_LINGER0   3
int mg_plat_sock_opt(long s, int opt, int val);

/* The pending error of s, cleared (0: none): a connect's result. */
int mg_plat_sock_error(long s);
/* The local address of s. */
int mg_plat_sock_name(long s, uint32_t *addr, uint16_t *port);

/* What the host knows about a TCP connection (0 where it does not). */
struct mg_plat_sock_tcp_info {
	uint32_t srtt_us;
	uint32_t rto_ms;
	uint32_t cwnd;     /* bytes */
	uint32_t mss;      /* send MSS */
	uint64_t rexmit;   /* segments retransmitted */
	uint64_t outq;     /* bytes sent but not acknowledged, or not sent */
	uint64_t sndbuf;   /* send buffer size */
	const char *state; /* "ESTABLISHED", ... */
};
int mg_plat_sock_tcp_info(long s, struct mg_plat_sock_tcp_info *out);

/*
 * mg_plat_seal ends the boot phase: no device can be acquired afterwards.
 * Platforms may also drop host privileges here.
 */
void mg_plat_seal(void);

/* End the appliance with status (0..254). */
__attribute__((noreturn)) void mg_plat_exit(int status);

/* End the appliance abnormally (status 255); used by mg_panic. */
__attribute__((noreturn)) void mg_plat_abort(void);

/*
 * The other direction: the platform boots, sets up memory and devices,
 * then calls mg_start (lib/core) with what it found, and exits with the
 * status mg_start returns.
 */
struct mg_boot {
	const char *target; /* "unix", "hvt", ... */
	void *mem;          /* memory for the heap and the packet pool */
	size_t memlen;
	bool mem_zeroed; /* mem is known to be all zero */
	int argc;        /* the appliance's arguments (after "--") */
	const char *const *argv;
};

int mg_start(const struct mg_boot *boot);

#endif /* MG_PLAT_H */
