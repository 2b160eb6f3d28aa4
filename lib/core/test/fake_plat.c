/* SPDX-License-Identifier: ISC */
/* fake_plat.c: a deterministic platform for lib/core unit tests. */
#include "fake_plat.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mg/err.h"
#include "mg/heap.h"

mg_time_t fake_now = FAKE_PLAT_T0;
char fake_console[65536];
size_t fake_console_len;
jmp_buf *fake_abort_jmp;
int fake_exit_status = -1;
unsigned fake_yields;

#define FAKE_NET_Q 512
struct fake_frame {
	size_t len;
	uint8_t b[FAKE_NET_FRAME_MAX];
};
static struct fake_frame *rxq, *txq;
static size_t rx_head, rx_n, tx_head, tx_n;
static bool net_acquired;

#define NINJECT 64
static struct {
	mg_time_t at;
	mg_handle_set_t ready;
} inject[NINJECT];
static size_t ninject;

void
fake_plat_inject(mg_time_t at, mg_handle_set_t ready)
{
	if (ninject == NINJECT)
		abort();
	inject[ninject].at = at;
	inject[ninject].ready = ready;
	ninject++;
}

void
fake_plat_reset(void)
{
	fake_now = FAKE_PLAT_T0;
	fake_console_len = 0;
	fake_console[0] = '\0';
	fake_abort_jmp = NULL;
	fake_exit_status = -1;
	fake_yields = 0;
	ninject = 0;
}

void
fake_plat_heap(void)
{
	static struct mg_heap *h;
	static void *mem;

	if (h == NULL) {
		mem = malloc(16 << 20);
		if (mem == NULL)
			abort();
		h = mg_heap_init(mem, 16 << 20, 0);
		if (h == NULL)
			abort();
	}
	mg_heap_set_default(h);
}

void
mg_plat_console_write(const char *buf, size_t len)
{
	size_t room = sizeof(fake_console) - 1 - fake_console_len;
	size_t n = len < room ? len : room;

	memcpy(fake_console + fake_console_len, buf, n);
	fake_console_len += n;
	fake_console[fake_console_len] = '\0';
	if (getenv("FAKE_PLAT_ECHO") != NULL)
		(void)!write(1, buf, len);
}

mg_time_t
mg_plat_clock_monotonic(void)
{
	return fake_now;
}

mg_time_t
mg_plat_clock_wall(void)
{
	return FAKE_WALL_BASE + fake_now;
}

mg_handle_set_t
mg_plat_yield(mg_time_t deadline)
{
	mg_time_t first = MG_TIME_NEVER;
	mg_handle_set_t ready = 0;
	size_t i, j;

	fake_yields++;
	if (rx_n > 0 && net_acquired)
		return 1ULL << FAKE_NET_HANDLE;
	for (i = 0; i < ninject; i++)
		if (inject[i].at < first)
			first = inject[i].at;
	if (ninject > 0 && first <= deadline) {
		/* An injection comes first: wake up then with its handles. */
		if (first > fake_now)
			fake_now = first;
		for (i = j = 0; i < ninject; i++) {
			if (inject[i].at <= fake_now)
				ready |= inject[i].ready;
			else
				inject[j++] = inject[i];
		}
		ninject = j;
		return ready;
	}
	if (deadline == MG_TIME_NEVER)
		return MG_PLAT_SHUTDOWN; /* nothing could ever wake us */
	if (deadline > fake_now)
		fake_now = deadline;
	return 0;
}

/*
 * The fake net device "service" (handle FAKE_NET_HANDLE). Frames given to
 * fake_net_rx wait in a FIFO for mg_plat_net_read; frames written go to the
 * TX FIFO for fake_net_tx_pop, or to fake_net_tx_hook when one is set.
 */
uint8_t fake_net_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
uint16_t fake_net_mtu = 1500;
void (*fake_net_tx_hook)(const uint8_t *frame, size_t len);
unsigned fake_net_tx_full; /* writes to refuse with -MG_EAGAIN */

static void
fake_net_alloc(void)
{
	if (rxq == NULL) {
		rxq = calloc(FAKE_NET_Q, sizeof(*rxq));
		txq = calloc(FAKE_NET_Q, sizeof(*txq));
		if (rxq == NULL || txq == NULL)
			abort();
	}
}

void
fake_net_reset(void)
{
	rx_head = rx_n = tx_head = tx_n = 0;
	net_acquired = false;
	fake_net_tx_hook = NULL;
	fake_net_tx_full = 0;
}

bool
fake_net_rx(const void *frame, size_t len)
{
	struct fake_frame *f;

	fake_net_alloc();
	if (rx_n == FAKE_NET_Q || len > FAKE_NET_FRAME_MAX)
		return false;
	f = &rxq[(rx_head + rx_n) % FAKE_NET_Q];
	memcpy(f->b, frame, len);
	f->len = len;
	rx_n++;
	return true;
}

size_t
fake_net_rx_pending(void)
{
	return rx_n;
}

size_t
fake_net_tx_count(void)
{
	return tx_n;
}

bool
fake_net_tx_pop(uint8_t *buf, size_t size, size_t *len)
{
	struct fake_frame *f;

	if (tx_n == 0)
		return false;
	f = &txq[tx_head];
	if (f->len > size)
		abort();
	memcpy(buf, f->b, f->len);
	*len = f->len;
	tx_head = (tx_head + 1) % FAKE_NET_Q;
	tx_n--;
	return true;
}

/* Deterministic "random" bytes, so tests replay exactly. */
void
mg_plat_random(void *buf, size_t len)
{
	static uint64_t x = 0x853c49e6748fea9bULL;
	uint8_t *p = buf;

	while (len-- > 0) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		*p++ = (uint8_t)(x >> 56);
	}
}

int
mg_plat_net_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_net_info *info)
{
	if (strcmp(name, "service") != 0)
		return -MG_ENOENT;
	if (net_acquired)
		return -MG_EBUSY;
	fake_net_alloc();
	net_acquired = true;
	*h = FAKE_NET_HANDLE;
	memcpy(info->mac, fake_net_mac, 6);
	info->mtu = fake_net_mtu;
	return 0;
}

int
mg_plat_net_write(mg_handle_t h, const void *buf, size_t len)
{
	struct fake_frame *f;

	if (h != FAKE_NET_HANDLE || !net_acquired)
		return -MG_EBADF;
	if (len < 14 || len > (size_t)fake_net_mtu + 14)
		return -MG_EINVAL;
	if (fake_net_tx_full > 0) {
		fake_net_tx_full--;
		return -MG_EAGAIN;
	}
	if (fake_net_tx_hook != NULL) {
		fake_net_tx_hook(buf, len);
		return 0;
	}
	if (tx_n == FAKE_NET_Q)
		return -MG_EAGAIN;
	f = &txq[(tx_head + tx_n) % FAKE_NET_Q];
	memcpy(f->b, buf, len);
	f->len = len;
	tx_n++;
	return 0;
}

int
mg_plat_net_read(mg_handle_t h, void *buf, size_t size, size_t *len)
{
	struct fake_frame *f;

	if (h != FAKE_NET_HANDLE || !net_acquired)
		return -MG_EBADF;
	if (rx_n == 0)
		return -MG_EAGAIN;
	f = &rxq[rx_head];
	rx_head = (rx_head + 1) % FAKE_NET_Q;
	rx_n--;
	if (f->len > size)
		return -MG_EAGAIN; /* dropped, as a platform does */
	memcpy(buf, f->b, f->len);
	*len = f->len;
	return 0;
}

int
mg_plat_block_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_block_info *info)
{
	(void)name;
	(void)h;
	(void)info;
	return -MG_ENOENT;
}

int
mg_plat_block_read(mg_handle_t h, uint64_t off, void *buf, size_t len)
{
	(void)h;
	(void)off;
	(void)buf;
	(void)len;
	return -MG_EBADF;
}

int
mg_plat_block_write(mg_handle_t h, uint64_t off, const void *buf, size_t len)
{
	(void)h;
	(void)off;
	(void)buf;
	(void)len;
	return -MG_EBADF;
}

int
mg_plat_block_flush(mg_handle_t h)
{
	(void)h;
	return -MG_EBADF;
}

void
mg_plat_seal(void)
{}

void
mg_plat_exit(int status)
{
	fake_exit_status = status;
	if (fake_abort_jmp != NULL)
		longjmp(*fake_abort_jmp, 2);
	exit(status);
}

void
mg_plat_abort(void)
{
	fake_exit_status = 255;
	if (fake_abort_jmp != NULL)
		longjmp(*fake_abort_jmp, 1);
	abort();
}

/* No host sockets here (the socket stack is tested as a system test). */
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
