/* SPDX-License-Identifier: ISC */
/* fake_plat.h: a deterministic platform for lib/core unit tests. */
#ifndef FAKE_PLAT_H
#define FAKE_PLAT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/plat.h"

/*
 * The monotonic clock is virtual: it starts at FAKE_PLAT_T0 and only moves
 * when mg_plat_yield sleeps to a deadline (instantly) or a test sets it.
 * Console output is appended to fake_console (NUL-terminated, truncated at
 * its size) and echoed to stdout when FAKE_PLAT_ECHO is set in the
 * environment. A test may arm fake_abort_jmp; mg_plat_abort and
 * mg_plat_exit then longjmp there (value 1 and 2) instead of ending the
 * process, so panics can be tested.
 */
#define FAKE_PLAT_T0   1000000000ULL
#define FAKE_WALL_BASE 1795000000000000000ULL /* 2026-11-18T... */

extern mg_time_t fake_now;
extern char fake_console[65536];
extern size_t fake_console_len;
extern jmp_buf *fake_abort_jmp;
extern int fake_exit_status;
extern unsigned fake_yields;

/*
 * A fake net device named "service": MAC fake_net_mac, MTU fake_net_mtu
 * (set them before acquiring). fake_net_rx queues a received frame (false
 * when the queue is full); a yield returns the device ready while frames
 * wait, without moving the clock. Written frames are kept for
 * fake_net_tx_pop (oldest first), or handed to fake_net_tx_hook when it is
 * set (it may call fake_net_rx to answer). fake_net_tx_full makes that
 * many writes fail with -MG_EAGAIN. fake_plat_reset does not touch the
 * device; fake_net_reset empties it and releases the handle.
 */
#define FAKE_NET_HANDLE    1
#define FAKE_NET_FRAME_MAX 9216
extern uint8_t fake_net_mac[6];
extern uint16_t fake_net_mtu;
extern void (*fake_net_tx_hook)(const uint8_t *frame, size_t len);
extern unsigned fake_net_tx_full;
void fake_net_reset(void);
bool fake_net_rx(const void *frame, size_t len);
size_t fake_net_rx_pending(void);
size_t fake_net_tx_count(void);
bool fake_net_tx_pop(uint8_t *buf, size_t size, size_t *len);

/* Make handle set `ready` come back from the yield that reaches time at. */
void fake_plat_inject(mg_time_t at, mg_handle_set_t ready);

/* Reset clock, console, injections and counters. */
void fake_plat_reset(void);

/* Give the process a default heap (for code that uses mg_malloc). */
void fake_plat_heap(void);

#endif
