/* SPDX-License-Identifier: ISC */
/* unix_plat.c: plat.h on Linux: console, clocks, yield, tap, files. */
#define _GNU_SOURCE
#include "unix_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mg/err.h"
#include "mft_match.h"

#define UNIX_BLOCK_SIZE 512
#define UNIX_NET_MTU    1500
#define UNIX_MAX_DEVS   MG_MFT_MAX_ENTRIES

struct unix_dev {
	char name[MG_MFT_NAME_MAX];
	char path[256];
	uint64_t capacity;
	uint64_t rx_toolong; /* frames longer than the reader's buffer */
	enum mg_mft_type type;
	int fd;
	uint8_t mac[6];
	bool acquired;
};

static struct unix_dev devs[UNIX_MAX_DEVS];
static size_t ndevs;
/* Other pollable handles (unix_sock.c's readiness sets), after the devs. */
#define UNIX_MAX_POLL 8
static int poll_fds[UNIX_MAX_POLL];
static bool poll_used[UNIX_MAX_POLL];
static bool sealed;
static volatile sig_atomic_t shutdown_requested;
static sigset_t sigs_blocked, sigs_during_poll;

int
unix_dev_add(enum mg_mft_type type, const char *name, size_t len,
    const char *path)
{
	struct unix_dev *d;
	size_t i;

	if (len >= MG_MFT_NAME_MAX) {
		fprintf(stderr, "morgana: device name '%.*s' is too long\n",
		    (int)len, name);
		return -1;
	}
	for (i = 0; i < ndevs; i++) {
		if (strlen(devs[i].name) == len &&
		    strncmp(devs[i].name, name, len) == 0) {
			fprintf(stderr, "morgana: device '%.*s' given twice\n",
			    (int)len, name);
			return -1;
		}
	}
	if (ndevs == UNIX_MAX_DEVS || strlen(path) >= sizeof(d->path)) {
		fprintf(stderr, "morgana: too many devices or path too long\n");
		return -1;
	}
	d = &devs[ndevs++];
	memset(d, 0, sizeof(*d));
	d->type = type;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	memcpy(d->path, path, strlen(path) + 1); /* length checked above */
	d->fd = -1;
	return 0;
}

static int
open_tap(struct unix_dev *d)
{
	struct ifreq ifr;
	int fd;

	if (strlen(d->path) >= IFNAMSIZ) {
		fprintf(stderr, "morgana: tap name '%s' is too long\n",
		    d->path);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "morgana: /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, d->path, strlen(d->path));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "morgana: tap device '%s': %s\n", d->path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* A random locally administered unicast address. */
	if (getrandom(d->mac, sizeof(d->mac), 0) != sizeof(d->mac)) {
		close(fd);
		return -1;
	}
	d->mac[0] = (uint8_t)((d->mac[0] & 0xfe) | 0x02);
	d->fd = fd;
	return 0;
}

static int
open_file(struct unix_dev *d)
{
	struct stat st;
	int fd;

	fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "morgana: block device file '%s': %s\n",
		    d->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "morgana: '%s' is not a regular file\n",
		    d->path);
		close(fd);
		return -1;
	}
	/* Only whole blocks are visible; a tail shorter than one is not. */
	d->capacity = (uint64_t)st.st_size / UNIX_BLOCK_SIZE * UNIX_BLOCK_SIZE;
	d->fd = fd;
	return 0;
}

int
unix_dev_check_manifest(const struct mg_mft *mft)
{
	struct mg_mft_given given[UNIX_MAX_DEVS];
	char err[512];
	size_t j;

	for (j = 0; j < ndevs; j++) {
		given[j].name = devs[j].name;
		given[j].type = devs[j].type;
	}
	if (mg_mft_match(mft, given, ndevs, err, sizeof(err)) < 0) {
		fprintf(stderr, "morgana: %s\n", err);
		return -1;
	}
	for (j = 0; j < ndevs; j++) {
		int rc;

		/* --net:NAME=none: declared, deliberately not attached (an
		 * appliance on the socket stack needs no tap). */
		if (devs[j].type == MG_MFT_NET &&
		    strcmp(devs[j].path, "none") == 0)
			continue;
		rc = devs[j].type == MG_MFT_NET ? open_tap(&devs[j])
		                                : open_file(&devs[j]);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	shutdown_requested = 1;
}

void
unix_signals_init(void)
{
	struct sigaction sa;

	/*
	 * SIGINT and SIGTERM are blocked except inside ppoll, so a signal
	 * can never slip in between the check and the sleep.
	 */
	sigemptyset(&sigs_blocked);
	sigaddset(&sigs_blocked, SIGINT);
	sigaddset(&sigs_blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs_blocked, &sigs_during_poll);
	sigdelset(&sigs_during_poll, SIGINT);
	sigdelset(&sigs_during_poll, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void
mg_plat_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static mg_time_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (mg_time_t)ts.tv_sec * 1000000000ULL + (mg_time_t)ts.tv_nsec;
}

mg_time_t
mg_plat_clock_monotonic(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

mg_time_t
mg_plat_clock_wall(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void
mg_plat_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Only without a kernel CSPRNG (pre-3.17): no way on.
			 */
			(void)fprintf(stderr, "morgana: getrandom: %s\n",
			    strerror(errno));
			mg_plat_abort();
		}
		p += n;
		len -= (size_t)n;
	}
}

int
unix_poll_add(int fd, mg_handle_t *h)
{
	size_t i;

	for (i = 0; i < UNIX_MAX_POLL; i++) {
		if (!poll_used[i]) {
			poll_used[i] = true;
			poll_fds[i] = fd;
			*h = UNIX_MAX_DEVS + i;
			return 0;
		}
	}
	return -MG_ENOSPC;
}

int
unix_poll_fd(mg_handle_t h)
{
	if (h < UNIX_MAX_DEVS || h >= UNIX_MAX_DEVS + UNIX_MAX_POLL ||
	    !poll_used[h - UNIX_MAX_DEVS])
		return -1;
	return poll_fds[h - UNIX_MAX_DEVS];
}

void
unix_poll_del(mg_handle_t h)
{
	if (unix_poll_fd(h) >= 0)
		poll_used[h - UNIX_MAX_DEVS] = false;
}

mg_handle_set_t
mg_plat_yield(mg_time_t deadline)
{
	struct pollfd pfds[UNIX_MAX_DEVS + UNIX_MAX_POLL];
	mg_handle_t hs[UNIX_MAX_DEVS + UNIX_MAX_POLL];
	struct timespec ts, *tsp = NULL;
	mg_handle_set_t ready = 0;
	nfds_t n = 0;
	size_t i;
	int rc;

	for (i = 0; i < ndevs; i++) {
		if (!devs[i].acquired || devs[i].type != MG_MFT_NET)
			continue;
		pfds[n].fd = devs[i].fd;
		pfds[n].events = POLLIN;
		pfds[n].revents = 0;
		hs[n++] = i;
	}
	for (i = 0; i < UNIX_MAX_POLL; i++) {
		if (!poll_used[i])
			continue;
		pfds[n].fd = poll_fds[i];
		pfds[n].events = POLLIN;
		pfds[n].revents = 0;
		hs[n++] = UNIX_MAX_DEVS + i;
	}
	if (deadline != MG_TIME_NEVER) {
		mg_time_t now = mg_plat_clock_monotonic();
		mg_time_t d = deadline > now ? deadline - now : 0;

		ts.tv_sec = (time_t)(d / 1000000000ULL);
		ts.tv_nsec = (long)(d % 1000000000ULL);
		tsp = &ts;
	}
	if (!shutdown_requested) {
		rc = ppoll(pfds, n, tsp, &sigs_during_poll);
		if (rc > 0)
			for (i = 0; i < n; i++)
				if (pfds[i].revents != 0)
					ready |= 1ULL << hs[i];
	}
	if (shutdown_requested)
		ready |= MG_PLAT_SHUTDOWN;
	return ready;
}

static struct unix_dev *
dev_acquire(const char *name, enum mg_mft_type type, mg_handle_t *h, int *rc)
{
	size_t i;

	for (i = 0; i < ndevs; i++) {
		if (strcmp(devs[i].name, name) != 0 || devs[i].type != type)
			continue;
		if (sealed) {
			*rc = -MG_EPERM;
		} else if (devs[i].fd < 0) {
			*rc = -MG_ENODEV; /* given as "none" */
		} else if (devs[i].acquired) {
			*rc = -MG_EBUSY;
		} else {
			devs[i].acquired = true;
			*h = i;
			*rc = 0;
			return &devs[i];
		}
		return NULL;
	}
	*rc = -MG_ENOENT;
	return NULL;
}

static struct unix_dev *
dev_get(mg_handle_t h, enum mg_mft_type type)
{
	if (h >= ndevs || !devs[h].acquired || devs[h].type != type)
		return NULL;
	return &devs[h];
}

int
mg_plat_net_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_net_info *info)
{
	struct unix_dev *d;
	int rc;

	d = dev_acquire(name, MG_MFT_NET, h, &rc);
	if (d != NULL) {
		memcpy(info->mac, d->mac, sizeof(info->mac));
		info->mtu = UNIX_NET_MTU;
	}
	return rc;
}

int
mg_plat_net_write(mg_handle_t h, const void *buf, size_t len)
{
	struct unix_dev *d = dev_get(h, MG_MFT_NET);
	ssize_t n;

	if (d == NULL)
		return -MG_EBADF;
	if (len < 14 || len > UNIX_NET_MTU + 14u)
		return -MG_EINVAL;
	do
		n = write(d->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -MG_EAGAIN : -MG_EIO;
	return 0;
}

int
mg_plat_net_read(mg_handle_t h, void *buf, size_t size, size_t *len)
{
	uint8_t big[65536];
	struct unix_dev *d = dev_get(h, MG_MFT_NET);
	ssize_t n;

	if (d == NULL)
		return -MG_EBADF;
	for (;;) {
		/*
		 * Read into the caller's buffer when it is big enough for
		 * anything the tap can give, so the common path copies nothing.
		 */
		if (size >= sizeof(big))
			n = read(d->fd, buf, size);
		else
			n = read(d->fd, big, sizeof(big));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -MG_EAGAIN : -MG_EIO;
		if ((size_t)n > size) {
			d->rx_toolong++;
			continue;
		}
		if (size < sizeof(big))
			memcpy(buf, big, (size_t)n);
		*len = (size_t)n;
		return 0;
	}
}

int
mg_plat_block_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_block_info *info)
{
	struct unix_dev *d;
	int rc;

	d = dev_acquire(name, MG_MFT_BLOCK, h, &rc);
	if (d != NULL) {
		info->capacity = d->capacity;
		info->block_size = UNIX_BLOCK_SIZE;
	}
	return rc;
}

static struct unix_dev *
block_check(mg_handle_t h, uint64_t off, size_t len)
{
	struct unix_dev *d = dev_get(h, MG_MFT_BLOCK);

	if (d == NULL || off % UNIX_BLOCK_SIZE != 0 ||
	    len % UNIX_BLOCK_SIZE != 0 || off > d->capacity ||
	    len > d->capacity - off)
		return NULL;
	return d;
}

int
mg_plat_block_read(mg_handle_t h, uint64_t off, void *buf, size_t len)
{
	struct unix_dev *d = block_check(h, off, len);
	size_t done = 0;

	if (d == NULL)
		return -MG_EINVAL;
	while (done < len) {
		ssize_t n = pread(d->fd, (uint8_t *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

int
mg_plat_block_write(mg_handle_t h, uint64_t off, const void *buf, size_t len)
{
	struct unix_dev *d = block_check(h, off, len);
	size_t done = 0;

	if (d == NULL)
		return -MG_EINVAL;
	while (done < len) {
		ssize_t n = pwrite(d->fd, (const uint8_t *)buf + done,
		    len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

int
mg_plat_block_flush(mg_handle_t h)
{
	struct unix_dev *d = dev_get(h, MG_MFT_BLOCK);

	if (d == NULL)
		return -MG_EBADF;
	return fdatasync(d->fd) == 0 ? 0 : -MG_EIO;
}

void
mg_plat_seal(void)
{
	sealed = true;
}

void
mg_plat_exit(int status)
{
	exit(status & 0xff);
}

void
mg_plat_abort(void)
{
	_exit(255);
}
