/* SPDX-License-Identifier: ISC */
/* fake_plat.h: a deterministic platform for lib/core unit tests. */
#ifndef FAKE_PLAT_H
#define FAKE_PLAT_H

#include <setjmp.h>
#include <stddef.h>

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

/* Make handle set `ready` come back from the yield that reaches time at. */
void fake_plat_inject(mg_time_t at, mg_handle_set_t ready);

/* Reset clock, console, injections and counters. */
void fake_plat_reset(void);

/* Give the process a default heap (for code that uses mg_malloc). */
void fake_plat_heap(void);

#endif
