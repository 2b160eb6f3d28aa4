/* SPDX-License-Identifier: ISC */
/* hvt_mod_net.c: net devices: tap fds, the shared rings, POLL. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "hvt.h"

#define ETH_HLEN_MIN 14

volatile int hvt_stop_requested;

int
hvt_net_open(struct hvt_dev *d)
{
	struct ifreq ifr;
	int fd;

	if (strlen(d->path) >= IFNAMSIZ) {
		fprintf(stderr, "morgana-hvt: tap name '%s' is too long\n",
		    d->path);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "morgana-hvt: /dev/net/tun: %s\n",
		    strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, d->path, strlen(d->path));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "morgana-hvt: tap device '%s': %s\n", d->path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* A random locally administered unicast address. */
	if (getrandom(d->mac, sizeof(d->mac), 0) != sizeof(d->mac)) {
		fprintf(stderr, "morgana-hvt: getrandom: %s\n",
		    strerror(errno));
		close(fd);
		return -1;
	}
	d->mac[0] = (uint8_t)((d->mac[0] & 0xfe) | 0x02);
	d->fd = fd;
	return 0;
}

/* The tender placed the rings: their addresses are trusted, not contents. */
static struct mg_hvt_ring *
ring_at(struct hvt *hvt, uint64_t gpa)
{
	return (struct mg_hvt_ring *)(void *)(hvt->mem + gpa);
}

static uint8_t *
slot_at(struct hvt *hvt, uint64_t gpa, uint32_t idx)
{
	return hvt->mem + gpa + MG_HVT_RING_HDR +
	    (uint64_t)(idx % MG_HVT_RING_SLOTS) * MG_HVT_RING_SLOT_SIZE;
}

void
hvt_net_init_rings(struct hvt *hvt)
{
	size_t i;

	for (i = 0; i < hvt->ndev; i++) {
		struct hvt_dev *d = &hvt->dev[i];
		struct mg_hvt_ring *r;

		if (d->type != MG_MFT_NET)
			continue;
		r = ring_at(hvt, d->tx_gpa);
		r->nslots = MG_HVT_RING_SLOTS;
		r->slot_size = MG_HVT_RING_SLOT_SIZE;
		r = ring_at(hvt, d->rx_gpa);
		r->nslots = MG_HVT_RING_SLOTS;
		r->slot_size = MG_HVT_RING_SLOT_SIZE;
		d->tx_tail = d->rx_head = 0;
	}
}

int64_t
hvt_net_tx_drain(struct hvt *hvt, struct hvt_dev *d)
{
	struct mg_hvt_ring *r = ring_at(hvt, d->tx_gpa);
	uint32_t head = r->head;

	if ((uint32_t)(head - d->tx_tail) > MG_HVT_RING_SLOTS)
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "net '%s': TX head %u is more than %u slots past tail %u",
		    d->name, head, MG_HVT_RING_SLOTS, d->tx_tail);
	/* Bounded: at most MG_HVT_RING_SLOTS frames. */
	while (d->tx_tail != head) {
		uint32_t len = r->len[d->tx_tail % MG_HVT_RING_SLOTS];
		ssize_t n;

		if (len < ETH_HLEN_MIN || len > MG_HVT_RING_SLOT_SIZE)
			hvt_die(hvt, HVT_EXIT_GUEST,
			    "net '%s': TX slot %u has length %u (not in "
			    "%d..%d)",
			    d->name, d->tx_tail, len, ETH_HLEN_MIN,
			    MG_HVT_RING_SLOT_SIZE);
		do {
			n = write(d->fd, slot_at(hvt, d->tx_gpa, d->tx_tail),
			    len);
		} while (n < 0 && errno == EINTR);
		if (n != (ssize_t)len)
			d->tx_dropped++;
		d->tx_tail++;
	}
	r->tail = d->tx_tail;
	return 0;
}

/* Frames the guest has not consumed yet; a hostile tail ends the guest. */
static uint32_t
rx_pending(struct hvt *hvt, struct hvt_dev *d)
{
	uint32_t tail = ring_at(hvt, d->rx_gpa)->tail;
	uint32_t n = d->rx_head - tail;

	if (n > MG_HVT_RING_SLOTS)
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "net '%s': RX tail %u is not within %u slots of head %u",
		    d->name, tail, MG_HVT_RING_SLOTS, d->rx_head);
	return n;
}

static void
rx_fill(struct hvt *hvt, struct hvt_dev *d)
{
	struct mg_hvt_ring *r = ring_at(hvt, d->rx_gpa);
	uint32_t pending = rx_pending(hvt, d);

	/* Read straight into free slots; bounded by the free slot count. */
	while (pending < MG_HVT_RING_SLOTS) {
		ssize_t n = read(d->fd, slot_at(hvt, d->rx_gpa, d->rx_head),
		    MG_HVT_RING_SLOT_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r->len[d->rx_head % MG_HVT_RING_SLOTS] = (uint32_t)n;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		d->rx_head++;
		r->head = d->rx_head;
		pending++;
	}
}

uint64_t
hvt_net_poll(struct hvt *hvt, uint64_t timeout_ns)
{
	struct pollfd pfd[MG_HVT_MAX_DEVS + 1];
	size_t idx[MG_HVT_MAX_DEVS];
	struct timespec ts;
	uint64_t ready = 0;
	size_t i, np = 0;
	bool busy = hvt_stop_requested != 0;

	for (i = 0; i < hvt->ndev; i++) {
		struct hvt_dev *d = &hvt->dev[i];

		if (d->type != MG_MFT_NET)
			continue;
		(void)hvt_net_tx_drain(hvt, d);
		if (rx_pending(hvt, d) > 0)
			busy = true;
		pfd[np].fd = d->fd;
		pfd[np].events = POLLIN;
		pfd[np].revents = 0;
		idx[np++] = i;
	}
	if (busy || timeout_ns > hvt->max_poll_ns)
		timeout_ns = busy ? 0 : hvt->max_poll_ns;
	/* A signal between the flag test above and ppoll fills the pipe. */
	pfd[np].fd = hvt->stop_fd;
	pfd[np].events = POLLIN;
	pfd[np].revents = 0;
	ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
	ts.tv_nsec = (long)(timeout_ns % 1000000000u);
	if (np > 0 || timeout_ns > 0) {
		int n = ppoll(pfd, np + 1, &ts, NULL);

		for (i = 0; n > 0 && i < np; i++)
			if (pfd[i].revents & POLLIN)
				rx_fill(hvt, &hvt->dev[idx[i]]);
	}
	for (i = 0; i < np; i++)
		if (rx_pending(hvt, &hvt->dev[idx[i]]) > 0)
			ready |= 1ULL << idx[i];
	if (hvt_stop_requested)
		ready |= 1ULL << 63;
	return ready;
}
