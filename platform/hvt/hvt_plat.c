/* SPDX-License-Identifier: ISC */
/* hvt_plat.c: plat.h in a CPL3 KVM guest: hypercalls, TSC clock, rings. */
#include "hvt_int.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/log.h"
#include "mg/mft_abi.h"
#include "mg/string.h"

#define HVT_PUTS_CHUNK 0x10000 /* the tender writes at most this per PUTS */
#define HVT_ETH_HLEN   14
#define HVT_NSEC       1000000000ULL
/* The longest single sleep: MG_TIME_NEVER means "until a device wakes us". */
#define HVT_POLL_MAX_NS (3600ULL * HVT_NSEC)
#define HVT_CLOCK_SHIFT 32

/* What the platform keeps of one device of the boot page. */
struct hvt_dev {
	char name[MG_MFT_NAME_MAX];
	uint32_t type; /* enum mg_mft_type; MG_MFT_NONE when unusable */
	bool acquired;
	uint64_t capacity; /* block */
	uint32_t block_size;
	uint16_t mtu; /* net */
	uint8_t mac[6];
	struct mg_hvt_ring *tx, *rx;
	/*
	 * Our own indices: we produce TX (head) and consume RX (tail); the
	 * ring copies are written from these and never read back.
	 */
	uint32_t tx_head, rx_tail;
	uint64_t rx_toolong; /* frames longer than the reader's buffer */
	uint64_t rx_badlen;  /* RX length word beyond the slot */
	uint64_t tx_full;    /* writes refused: ring full after a flush */
};

static struct hvt_dev devs[MG_HVT_MAX_DEVS];
static uint32_t ndevs;
static mg_handle_set_t net_acquired; /* bit h: net handle h acquired */
static bool sealed;

/*
 * The clock: ns = (ticks * mult) >> HVT_CLOCK_SHIFT with a 128-bit
 * product, so nothing overflows for centuries of uptime; mult =
 * 10^9 * 2^32 / tsc_hz (relative error below 10^-9 for any TSC over
 * 4 MHz). tsc0 is the TSC at boot.
 */
static uint64_t tsc0, tsc_mult;
static uint64_t wall_ns0, wall_tsc0;
static mg_time_t mono_last;

static uint64_t
ticks_to_ns(uint64_t ticks)
{
	return (
	    uint64_t)(((unsigned __int128)ticks * tsc_mult) >> HVT_CLOCK_SHIFT);
}

/* A fatal boot problem: print it and halt before the appliance runs. */
__attribute__((noreturn)) static void
boot_fail(const char *msg)
{
	static const char pfx[] = "hvt: ";

	hvt_puts(pfx, sizeof(pfx) - 1);
	hvt_puts(msg, mg_strlen(msg));
	hvt_puts("\n", 1);
	hvt_halt(HVT_EXIT_ABORT);
}

static bool
ring_ok(uint64_t gpa, uint64_t mem_size)
{
	return gpa >= MG_HVT_IMAGE_MIN && gpa % MG_HVT_PAGE == 0 &&
	    gpa <= mem_size && MG_HVT_RING_SIZE <= mem_size - gpa;
}

/*
 * mg_plat_random: xoshiro256** over the tender's 256-bit getrandom seed,
 * with the TSC folded in at every call.
 */
static uint64_t rnd[4];

static inline uint64_t
rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rnd_next(void)
{
	uint64_t r = rotl64(rnd[1] * 5, 7) * 9, t = rnd[1] << 17;

	rnd[2] ^= rnd[0];
	rnd[3] ^= rnd[1];
	rnd[1] ^= rnd[2];
	rnd[0] ^= rnd[3];
	rnd[2] ^= t;
	rnd[3] = rotl64(rnd[3], 45);
	return r;
}

void
mg_plat_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	rnd[3] ^= hvt_rdtsc();
	while (len > 0) {
		uint64_t x = rnd_next();
		size_t n = len < 8 ? len : 8;

		mg_memcpy(p, &x, n);
		p += n;
		len -= n;
	}
}

void
hvt_plat_init(const struct mg_hvt_boot *boot)
{
	uint32_t i;

	if (boot->tsc_hz == 0)
		boot_fail("the tender gave no TSC frequency");
	tsc_mult = (HVT_NSEC << HVT_CLOCK_SHIFT) / boot->tsc_hz;
	if (tsc_mult == 0)
		boot_fail("TSC frequency out of range");
	tsc0 = hvt_rdtsc();
	for (i = 0; i < 4; i++)
		rnd[i] = boot->seed[i];
	if ((rnd[0] | rnd[1] | rnd[2] | rnd[3]) == 0)
		rnd[0] = tsc0 | 1; /* xoshiro's state must not be all zero */
	wall_ns0 = boot->wall_ns;
	wall_tsc0 = boot->wall_tsc;

	/*
	 * The tender is trusted, but a device it describes oddly is made
	 * unusable rather than followed off the end of memory.
	 */
	ndevs = boot->ndevs <= MG_HVT_MAX_DEVS ? boot->ndevs : MG_HVT_MAX_DEVS;
	for (i = 0; i < ndevs; i++) {
		const struct mg_hvt_dev *b = &boot->devs[i];
		struct hvt_dev *d = &devs[i];

		if (mg_strnlen(b->name, sizeof(b->name)) == sizeof(b->name) ||
		    b->handle != i)
			continue;
		mg_memcpy(d->name, b->name, sizeof(d->name));
		if (b->type == MG_MFT_NET &&
		    ring_ok(b->tx_ring, boot->mem_size) &&
		    ring_ok(b->rx_ring, boot->mem_size)) {
			d->type = MG_MFT_NET;
			d->mtu = b->mtu;
			if (d->mtu == 0 ||
			    d->mtu > MG_HVT_RING_SLOT_SIZE - HVT_ETH_HLEN)
				d->mtu = MG_HVT_RING_SLOT_SIZE - HVT_ETH_HLEN;
			mg_memcpy(d->mac, b->mac, sizeof(d->mac));
			d->tx = hvt_gpa_ptr(b->tx_ring);
			d->rx = hvt_gpa_ptr(b->rx_ring);
			/* Resume from wherever the rings stand (normally 0). */
			d->tx_head = d->tx->head;
			d->rx_tail = d->rx->tail;
		} else if (b->type == MG_MFT_BLOCK && b->block_size != 0 &&
		    (b->block_size & (b->block_size - 1)) == 0) {
			d->type = MG_MFT_BLOCK;
			d->block_size = b->block_size;
			d->capacity =
			    b->capacity / b->block_size * b->block_size;
		}
	}
}

/*
 * NOTE(hvt): console output is buffered and written with one exit when the
 * guest is about to block (POLL), halts, or fills the buffer: an exit per
 * line would cost tens of µs each under kvm_pvm. The price: on a hardware
 * fault (which the tender reports and ends) the unflushed tail is lost;
 * panics and aborts go through hvt_halt, which flushes.
 */
#define HVT_CONSOLE_BUF 4096
static char con_buf[HVT_CONSOLE_BUF];
static size_t con_len;

static void
hvt_puts_now(const char *s, size_t len)
{
	while (len > 0) {
		struct mg_hvt_puts a;
		size_t n = len < HVT_PUTS_CHUNK ? len : HVT_PUTS_CHUNK;

		a.data = (uint64_t)(uintptr_t)s;
		a.len = n;
		hvt_hc(MG_HVT_HC_PUTS, &a);
		s += n;
		len -= n;
	}
}

static void
console_flush(void)
{
	size_t n = con_len;

	con_len = 0;
	hvt_puts_now(con_buf, n);
}

void
hvt_puts(const char *s, size_t len)
{
	if (con_len > 0)
		console_flush();
	hvt_puts_now(s, len);
}

void
hvt_halt(int status)
{
	struct mg_hvt_halt a;

	if (con_len > 0)
		console_flush();

	a.status = status;
	for (;;)
		hvt_hc(MG_HVT_HC_HALT, &a);
}

void
mg_plat_console_write(const char *buf, size_t len)
{
	if (len > sizeof(con_buf) - con_len) {
		console_flush();
		if (len > sizeof(con_buf)) {
			hvt_puts_now(buf, len);
			return;
		}
	}
	mg_memcpy(con_buf + con_len, buf, len);
	con_len += len;
}

mg_time_t
mg_plat_clock_monotonic(void)
{
	mg_time_t now = ticks_to_ns(hvt_rdtsc() - tsc0);

	/* The TSC is invariant on any host KVM runs on; be sure anyway. */
	if (now < mono_last)
		now = mono_last;
	mono_last = now;
	return now;
}

mg_time_t
mg_plat_clock_wall(void)
{
	uint64_t tsc = hvt_rdtsc();

	/* wall_tsc is approximate: the guest may read a TSC just below it. */
	if (tsc >= wall_tsc0)
		return wall_ns0 + ticks_to_ns(tsc - wall_tsc0);
	return wall_ns0 - ticks_to_ns(wall_tsc0 - tsc);
}

/* Handles whose RX ring holds frames we have not read: no exit needed. */
static mg_handle_set_t
rx_ready(void)
{
	mg_handle_set_t ready = 0, s = net_acquired;

	while (s != 0) {
		unsigned h = (unsigned)__builtin_ctzll(s);

		s &= s - 1;
		if (__atomic_load_n(&devs[h].rx->head, __ATOMIC_ACQUIRE) !=
		    devs[h].rx_tail)
			ready |= 1ULL << h;
	}
	return ready;
}

mg_handle_set_t
mg_plat_yield(mg_time_t deadline)
{
	struct mg_hvt_poll a;
	mg_handle_set_t ready;
	mg_time_t now;

	/*
	 * NOTE(hvt): frames already in an RX ring are returned without an
	 * exit; queued TX frames then wait for the next POLL (or go out when
	 * their ring fills). An exit costs tens of µs under kvm_pvm.
	 */
	ready = rx_ready();
	if (ready != 0)
		return ready;
	a.timeout_ns = HVT_POLL_MAX_NS;
	if (deadline != MG_TIME_NEVER) {
		now = mg_plat_clock_monotonic();
		a.timeout_ns = deadline > now ? deadline - now : 0;
		if (a.timeout_ns > HVT_POLL_MAX_NS)
			a.timeout_ns = HVT_POLL_MAX_NS;
	}
	a.ready = 0;
	if (con_len > 0)
		console_flush();
	hvt_hc(MG_HVT_HC_POLL, &a);
	return (a.ready & MG_PLAT_SHUTDOWN) | rx_ready();
}

static const char *
type_name(uint32_t type)
{
	return type == MG_MFT_NET ? "net" : "block";
}

/*
 * Find a declared device by name. The tender attached exactly the devices
 * of the manifest, so a name it did not give us is not declared: per plat.h
 * that is a programmer error on hvt, and it aborts.
 */
static struct hvt_dev *
dev_acquire(const char *name, uint32_t type, mg_handle_t *h, int *rc)
{
	uint32_t i;

	for (i = 0; i < ndevs; i++) {
		if (devs[i].type != type || mg_strcmp(devs[i].name, name) != 0)
			continue;
		if (sealed) {
			*rc = -MG_EPERM;
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
	mg_panic("this image declares no %s device named '%s' (app.mk "
	         "APP_DEVICES)",
	    type_name(type), name);
}

static struct hvt_dev *
dev_get(mg_handle_t h, uint32_t type)
{
	if (h >= ndevs || !devs[h].acquired || devs[h].type != type)
		return NULL;
	return &devs[h];
}

int
mg_plat_net_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_net_info *info)
{
	struct hvt_dev *d;
	int rc;

	d = dev_acquire(name, MG_MFT_NET, h, &rc);
	if (d != NULL) {
		mg_memcpy(info->mac, d->mac, sizeof(info->mac));
		info->mtu = d->mtu;
		net_acquired |= 1ULL << *h;
	}
	return rc;
}

static uint8_t *
slot(struct mg_hvt_ring *r, uint32_t idx)
{
	return (uint8_t *)r + MG_HVT_RING_HDR +
	    (size_t)(idx % MG_HVT_RING_SLOTS) * MG_HVT_RING_SLOT_SIZE;
}

/* Free TX slots; a tail the tender left out of range reads as "full". */
static uint32_t
tx_room(const struct hvt_dev *d)
{
	uint32_t used =
	    d->tx_head - __atomic_load_n(&d->tx->tail, __ATOMIC_ACQUIRE);

	return used < MG_HVT_RING_SLOTS ? MG_HVT_RING_SLOTS - used : 0;
}

int
mg_plat_net_write(mg_handle_t h, const void *buf, size_t len)
{
	struct hvt_dev *d = dev_get(h, MG_MFT_NET);
	uint32_t idx;

	if (d == NULL)
		return -MG_EBADF;
	if (len < HVT_ETH_HLEN || len > (size_t)d->mtu + HVT_ETH_HLEN)
		return -MG_EINVAL;
	if (tx_room(d) == 0) {
		struct mg_hvt_net_flush a;

		a.handle = h;
		a.ret = 0;
		hvt_hc(MG_HVT_HC_NET_FLUSH, &a);
		if (tx_room(d) == 0) {
			d->tx_full++;
			return -MG_EAGAIN;
		}
	}
	idx = d->tx_head;
	mg_memcpy(slot(d->tx, idx), buf, len);
	d->tx->len[idx % MG_HVT_RING_SLOTS] = (uint32_t)len;
	/* The slot and its length before the index that publishes them. */
	d->tx_head = idx + 1;
	__atomic_store_n(&d->tx->head, d->tx_head, __ATOMIC_RELEASE);
	return 0;
}

int
mg_plat_net_read(mg_handle_t h, void *buf, size_t size, size_t *len)
{
	struct hvt_dev *d = dev_get(h, MG_MFT_NET);
	uint32_t head, n;

	if (d == NULL)
		return -MG_EBADF;
	head = __atomic_load_n(&d->rx->head, __ATOMIC_ACQUIRE);
	if (head - d->rx_tail > MG_HVT_RING_SLOTS)
		return -MG_EIO; /* the tender broke the ring contract */
	/* Bounded by the ring: at most MG_HVT_RING_SLOTS frames dropped. */
	for (n = head - d->rx_tail; n > 0; n--) {
		uint32_t idx = d->rx_tail;
		uint32_t flen = d->rx->len[idx % MG_HVT_RING_SLOTS];
		bool take = flen <= MG_HVT_RING_SLOT_SIZE && flen <= size;

		if (take)
			mg_memcpy(buf, slot(d->rx, idx), flen);
		else if (flen > MG_HVT_RING_SLOT_SIZE)
			d->rx_badlen++;
		else
			d->rx_toolong++;
		/* The copy is done before the slot goes back to the tender. */
		d->rx_tail = idx + 1;
		__atomic_store_n(&d->rx->tail, d->rx_tail, __ATOMIC_RELEASE);
		if (take) {
			*len = flen;
			return 0;
		}
	}
	return -MG_EAGAIN;
}

int
mg_plat_block_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_block_info *info)
{
	struct hvt_dev *d;
	int rc;

	d = dev_acquire(name, MG_MFT_BLOCK, h, &rc);
	if (d != NULL) {
		info->capacity = d->capacity;
		info->block_size = d->block_size;
	}
	return rc;
}

/* A result from the tender: 0 or a negated MG_E* code, nothing else. */
static int
hc_result(int64_t ret)
{
	return ret <= 0 && ret >= -4095 ? (int)ret : -MG_EIO;
}

static int
block_io(unsigned nr, mg_handle_t h, uint64_t off, uintptr_t buf, size_t len)
{
	struct hvt_dev *d = dev_get(h, MG_MFT_BLOCK);
	struct mg_hvt_block_io a;

	if (d == NULL || off % d->block_size != 0 || len % d->block_size != 0 ||
	    off > d->capacity || len > d->capacity - off)
		return -MG_EINVAL;
	if (len == 0)
		return 0;
	a.handle = h;
	a.offset = off;
	a.data = buf;
	a.len = len;
	a.ret = -MG_EIO;
	hvt_hc(nr, &a);
	return hc_result(a.ret);
}

int
mg_plat_block_read(mg_handle_t h, uint64_t off, void *buf, size_t len)
{
	return block_io(MG_HVT_HC_BLOCK_READ, h, off, (uintptr_t)buf, len);
}

int
mg_plat_block_write(mg_handle_t h, uint64_t off, const void *buf, size_t len)
{
	return block_io(MG_HVT_HC_BLOCK_WRITE, h, off, (uintptr_t)buf, len);
}

int
mg_plat_block_flush(mg_handle_t h)
{
	struct mg_hvt_block_io a;

	if (dev_get(h, MG_MFT_BLOCK) == NULL)
		return -MG_EBADF;
	/* NOTE(hvt): BLOCK_FLUSH reads handle and writes ret of this struct. */
	mg_memset(&a, 0, sizeof(a));
	a.handle = h;
	a.ret = -MG_EIO;
	hvt_hc(MG_HVT_HC_BLOCK_FLUSH, &a);
	return hc_result(a.ret);
}

void
mg_plat_seal(void)
{
	sealed = true;
}

void
mg_plat_exit(int status)
{
	hvt_halt(status & 0xff);
}

void
mg_plat_abort(void)
{
	hvt_halt(HVT_EXIT_ABORT);
}
