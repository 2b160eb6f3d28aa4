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
