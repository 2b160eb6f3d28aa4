/* SPDX-License-Identifier: ISC */
/* hvt_int.h: private to the hvt platform (the guest side of the tender). */
#ifndef HVT_INT_H
#define HVT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "mg/hvt_abi.h"
#include "mg/plat.h"

/* Exit status for an abnormal end; 0..254 belong to the appliance. */
#define HVT_EXIT_ABORT 255

/*
 * One hypercall: outl to port MG_HVT_PORT_BASE + nr with eax = the
 * guest-physical address of the argument struct (guest memory is identity
 * mapped and below 4 GiB, so the address fits in 32 bits). The tender reads
 * and writes the struct while the guest is stopped: "memory" tells the
 * compiler that the struct (and anything else) may have changed.
 */
static inline void
hvt_hc(unsigned nr, void *arg)
{
	__asm__ __volatile__("outl %0, %1"
	                     :
	                     : "a"((uint32_t)(uintptr_t)arg),
	                     "d"((uint16_t)(MG_HVT_PORT_BASE + nr))
	                     : "memory");
}

/* A guest-physical address from the boot page as a pointer (VA == GPA). */
static inline void *
hvt_gpa_ptr(uint64_t gpa)
{
	return (void *)(uintptr_t)gpa; /* NOLINT(performance-no-int-to-ptr) */
}

static inline uint64_t
hvt_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * The stack protector (-mstack-protector-guard=global): the canary, set
 * from boot entropy by hvt_main, and the failure path (hvt_libc.c).
 */
extern uintptr_t __stack_chk_guard;
__attribute__((noreturn)) void __stack_chk_fail(void);

/* hvt_main.c: the C entry, called by _start (hvt_start.S). */
__attribute__((noreturn)) void hvt_main(const struct mg_hvt_boot *boot);

/* hvt_plat.c */

/* hvt_plat_init copies what the platform needs from the boot page. */
void hvt_plat_init(const struct mg_hvt_boot *boot);

/* hvt_puts writes to the console; usable before hvt_plat_init. */
void hvt_puts(const char *s, size_t len);

/* hvt_halt ends the guest with status (0..255) through the HALT call. */
__attribute__((noreturn)) void hvt_halt(int status);

#endif
