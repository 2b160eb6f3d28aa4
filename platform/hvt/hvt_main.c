/* SPDX-License-Identifier: ISC */
/* hvt_main.c: boot an appliance as a KVM guest under the tender. */
#include "hvt_int.h"

#include <stddef.h>
#include <stdint.h>

#include "mg/args.h"
#include "mg/fmt.h"
#include "mg/plat.h"
#include "mg/string.h"

#define HVT_EXIT_USAGE 2

/* The boot page and the command line are read-only: split a copy. */
static char cmdline[MG_HVT_CMDLINE_MAX];
static const char *argv[MG_ARGS_MAX_ARGV + 1];

/*
 * The stack-protector canary, from the tender's random seed (getrandom)
 * and the TSC, through a 64-bit mixer (splitmix64's finaliser). The low
 * byte stays zero so that a string overflow cannot reproduce the canary.
 */
static void
canary_init(const struct mg_hvt_boot *boot)
{
	uint64_t x = boot->seed[3] ^ hvt_rdtsc() ^
	    (boot->wall_ns * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	__stack_chk_guard = (uintptr_t)(x & ~(uint64_t)0xff);
}

/*
 * hvt_main runs on the tender's stack and never returns, so the canary it
 * would check on return can change under it; it takes no protector anyway.
 */
#if defined(__has_attribute) && __has_attribute(no_stack_protector)
__attribute__((no_stack_protector))
#endif
void
hvt_main(const struct mg_hvt_boot *boot)
{
	struct mg_boot mb;
	size_t len;
	int argc;

	canary_init(boot);
	if (boot->abi_version != MG_HVT_ABI_VERSION) {
		mg_printf("hvt: the tender speaks hvt ABI %u, this image %u\n",
		    boot->abi_version, MG_HVT_ABI_VERSION);
		hvt_halt(HVT_EXIT_ABORT);
	}
	hvt_plat_init(boot);

	len = boot->cmdline_len;
	if (len >= sizeof(cmdline)) {
		mg_printf("hvt: command line of %zu bytes is too long\n", len);
		hvt_halt(HVT_EXIT_USAGE);
	}
	mg_memcpy(cmdline, hvt_gpa_ptr(boot->cmdline), len);
	argc = mg_args_split(cmdline, len, sizeof(cmdline), argv,
	    MG_ARGS_MAX_ARGV);
	if (argc < 0) {
		mg_printf("hvt: cannot split the command line (an open quote, "
		          "a trailing backslash or more than %d words)\n",
		    MG_ARGS_MAX_ARGV);
		hvt_halt(HVT_EXIT_USAGE);
	}
	argv[argc] = NULL;

	mb.target = "hvt";
	mb.mem = hvt_gpa_ptr(boot->heap_start);
	mb.memlen = boot->heap_end > boot->heap_start
	    ? (size_t)(boot->heap_end - boot->heap_start)
	    : 0;
	mb.mem_zeroed = true; /* fresh guest memory, never touched */
	mb.argc = argc;
	mb.argv = argv;
	mg_plat_exit(mg_start(&mb));
}
