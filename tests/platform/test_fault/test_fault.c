/* SPDX-License-Identifier: ISC */
/* test_fault.c: things the platform must stop, one per --mode. */
#include "mg/app.h"
#include "mg/fmt.h"
#include "mg/log.h"
#include "mg/plat.h"
#include "mg/string.h"
#ifdef MG_TARGET_HVT
#include "mg/hvt_abi.h"
#endif

static const uint8_t not_code[16] = {0xc3}; /* "ret", in data */

__attribute__((noinline)) static void
smash(volatile size_t n)
{
	char buf[16];

	mg_memset(buf, 'A', n);
	__asm__ __volatile__("" : : "r"(buf) : "memory");
}

/* Recurse until the stack runs into the guard page below it. */
__attribute__((noinline)) static unsigned
recurse(unsigned depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth == 0)
		return frame[0];
	return recurse(depth - 1) + frame[0];
}

int
mg_app_main(void)
{
	const char *m = mg_app_key("mode");

	mg_printf("mode %s\n", m);
	if (mg_strcmp(m, "exit7") == 0)
		return 7;
	if (mg_strcmp(m, "text") == 0) {
		/* Our own code is read-only: write where this runs. */
		uintptr_t pc;

		__asm__ __volatile__("lea 0(%%rip), %0" : "=r"(pc));
		*(volatile uint8_t *)pc = 0xcc;
	} else if (mg_strcmp(m, "data") == 0) {
		/* Data is never executable. */
		void (*fn)(void) = (void (*)(void))(uintptr_t)not_code;

		fn();
	} else if (mg_strcmp(m, "null") == 0) {
		volatile uintptr_t p = 8;

		mg_printf("%u\n", *(volatile uint32_t *)p);
	} else if (mg_strcmp(m, "stack") == 0) {
		mg_printf("%u\n", recurse(1u << 20));
	} else if (mg_strcmp(m, "smash") == 0) {
		smash(64);
	} else if (mg_strcmp(m, "panic") == 0) {
		mg_panic("on purpose %d", 42);
	} else if (mg_strcmp(m, "badptr") == 0) {
#ifdef MG_TARGET_HVT
		/* A console write whose argument lies outside guest memory. */
		__asm__ __volatile__("outl %%eax, %%dx"
		                     :
		                     : "a"(0xfffff000u),
		                     "d"(MG_HVT_PORT_BASE + MG_HVT_HC_PUTS)
		                     : "memory");
#else
		mg_printf("badptr is an hvt test\n");
		return 3;
#endif
	} else if (mg_strcmp(m, "sleep") == 0) {
		mg_handle_set_t r = mg_plat_yield(MG_TIME_NEVER);

		mg_printf("woke: %s\n",
		    (r & MG_PLAT_SHUTDOWN) != 0 ? "shutdown" : "other");
		return 0;
	}
	mg_printf("still running after mode %s\n", m);
	return 1;
}
