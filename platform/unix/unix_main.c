/* SPDX-License-Identifier: ISC */
/* unix_main.c: boot a Morgana appliance as a Linux process. */
#include "unix_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mg/app.h"
#include "mg/err.h"

#define UNIX_MEM_DEFAULT_MIB 64
#define UNIX_MEM_MAX_MIB     65536
#define UNIX_EXIT_USAGE      2

static void
usage(const char *prog)
{
	fprintf(stderr,
	    "usage: %s [--mem=MiB] [--net:NAME=TAPDEV|none] "
	    "[--block:NAME=FILE] "
	    "[--] [APP KEYS]\n"
	    "       %s --help   (lists the appliance's keys)\n",
	    prog, prog);
}

/*
 * Platform options are --mem=, --net:NAME=DEV and --block:NAME=FILE; they
 * may come anywhere before "--". Everything else is the appliance's.
 */
static int
parse_platform_opt(const char *arg, size_t *mem_mib)
{
	const char *spec, *eq;
	enum mg_mft_type type;
	char *end;

	if (strncmp(arg, "--mem=", 6) == 0) {
		unsigned long v;

		errno = 0;
		v = strtoul(arg + 6, &end, 10);
		if (errno != 0 || end == arg + 6 || *end != '\0' || v == 0 ||
		    v > UNIX_MEM_MAX_MIB) {
			fprintf(stderr, "morgana: --mem wants MiB in 1..%d\n",
			    UNIX_MEM_MAX_MIB);
			return -1;
		}
		*mem_mib = v;
		return 0;
	}
	if (strncmp(arg, "--net:", 6) == 0) {
		type = MG_MFT_NET;
		spec = arg + 6;
	} else {
		type = MG_MFT_BLOCK;
		spec = arg + 8;
	}
	eq = strchr(spec, '=');
	if (eq == NULL || eq == spec || eq[1] == '\0') {
		fprintf(stderr, "morgana: '%s': expected %s:NAME=%s\n", arg,
		    type == MG_MFT_NET ? "--net" : "--block",
		    type == MG_MFT_NET ? "TAPDEV" : "FILE");
		return -1;
	}
	return unix_dev_add(type, spec, (size_t)(eq - spec), eq + 1);
}

static bool
is_platform_opt(const char *arg)
{
	return strncmp(arg, "--mem=", 6) == 0 ||
	    strncmp(arg, "--net:", 6) == 0 || strncmp(arg, "--block:", 8) == 0;
}

int
main(int argc, char **argv)
{
	const char **appv;
	size_t mem_mib = UNIX_MEM_DEFAULT_MIB;
	struct mg_boot boot;
	bool rest = false;
	int i, appc = 0;
	void *mem;

	appv = calloc((size_t)argc + 1, sizeof(*appv));
	if (appv == NULL)
		return UNIX_EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		if (!rest && strcmp(argv[i], "--") == 0) {
			rest = true;
		} else if (!rest && is_platform_opt(argv[i])) {
			if (parse_platform_opt(argv[i], &mem_mib) < 0) {
				usage(argv[0]);
				goto fail;
			}
		} else {
			appv[appc++] = argv[i];
		}
	}
	if (unix_dev_check_manifest(mg_app_decl.mft) < 0)
		goto fail;
	/* Fresh anonymous memory is zero and costs nothing until touched. */
	mem = mmap(NULL, mem_mib << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "morgana: cannot map %zu MiB: %s\n", mem_mib,
		    strerror(errno));
		goto fail;
	}
	unix_signals_init();
	boot.target = "unix";
	boot.mem = mem;
	boot.memlen = mem_mib << 20;
	boot.mem_zeroed = true;
	boot.argc = appc;
	boot.argv = appv;
	mg_plat_exit(mg_start(&boot));

fail:
	free(appv);
	return UNIX_EXIT_USAGE;
}
