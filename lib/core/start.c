/* SPDX-License-Identifier: ISC */
/* start.c: from the platform's boot to the appliance's main. */
#define MG_LOG_TAG "core"
#include "mg/app.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/pkt.h"
#include "mg/plat.h"
#include "mg/string.h"

/* Exit status for a bad command line, as sysexits' EX_USAGE-ish shells. */
#define START_EXIT_USAGE 2

static const char *key_vals[MG_ARGS_MAX_KEYS];
static const char *boot_target = "unknown";
static int boot_argc;
static const char *const *boot_argv;
static struct mg_pkt_pool boot_pool;

const char *
mg_app_key(const char *name)
{
	size_t i;

	for (i = 0; i < mg_app_decl.nkeys; i++)
		if (mg_strcmp(mg_app_decl.keys[i].name, name) == 0)
			return key_vals[i] != NULL ? key_vals[i]
			                           : mg_app_decl.keys[i].defval;
	mg_panic("boot key '%s' is not declared in app.mk", name);
}

int
mg_app_key_u64(const char *name, uint64_t max, uint64_t *out)
{
	const char *v = mg_app_key(name);
	int rc = mg_parse_u64(v, mg_strlen(v), 0, max, out);

	if (rc < 0)
		MG_LOGE("--%s=%s: not a number in 0..%llu", name, v,
		    (unsigned long long)max);
	return rc;
}

bool
mg_app_data(const char *name, mg_view *out)
{
	size_t i;

	for (i = 0; i < mg_app_decl.nblobs; i++) {
		if (mg_strcmp(mg_app_decl.blobs[i].name, name) == 0) {
			*out = mg_view_make(mg_app_decl.blobs[i].data,
			    mg_app_decl.blobs[i].len);
			return true;
		}
	}
	return false;
}

const char *
mg_app_target(void)
{
	return boot_target;
}

int
mg_app_argc(void)
{
	return boot_argc;
}

const char *const *
mg_app_argv(void)
{
	return boot_argv;
}

/*
 * The packet pool takes the top of boot memory (in its own region, apart
 * from the heap), the heap takes the rest.
 */
static int
start_memory(const struct mg_boot *boot)
{
	uint8_t *mem = boot->mem;
	size_t len = boot->memlen, poolsz = 0;
	struct mg_heap *h;

	if (mg_app_decl.pkt_bufs > 0) {
		poolsz = mg_pkt_pool_memsize(mg_app_decl.pkt_bufs,
		    MG_PKT_BUFSIZE_DEFAULT);
		if (poolsz == 0 || poolsz > len / 2) {
			MG_LOGE("%zu bytes of memory cannot hold %u packet "
			        "buffers and a heap",
			    len, mg_app_decl.pkt_bufs);
			return -MG_ENOMEM;
		}
		len -= poolsz;
		if (mg_pkt_pool_init(&boot_pool, mem + len, poolsz,
		        MG_PKT_BUFSIZE_DEFAULT, MG_PKT_HEADROOM_DEFAULT) < 0)
			return -MG_ENOMEM;
		mg_pkt_pool_set_default(&boot_pool);
	}
	h = mg_heap_init(mem, len, boot->mem_zeroed ? MG_HEAP_ZEROED : 0);
	if (h == NULL) {
		MG_LOGE("%zu bytes of memory is too little for a heap", len);
		return -MG_ENOMEM;
	}
	mg_heap_set_default(h);
	return 0;
}

int
mg_start(const struct mg_boot *boot)
{
	char err[160];
	int rc;

	boot_target = boot->target;
	boot_argc = boot->argc;
	boot_argv = boot->argv;
	rc = mg_args_parse(mg_app_decl.keys, mg_app_decl.nkeys, boot->argc,
	    boot->argv, key_vals, err, sizeof(err));
	if (rc == MG_ARGS_HELP) {
		mg_printf("%s: a Morgana appliance (%s)\n", mg_app_decl.name,
		    boot_target);
		mg_args_help(mg_app_decl.name, mg_app_decl.keys,
		    mg_app_decl.nkeys);
		return 0;
	}
	if (rc < 0) {
		mg_printf("%s: %s\n", mg_app_decl.name, err);
		return START_EXIT_USAGE;
	}
	if (mg_log_config(mg_app_key("log")) < 0) {
		mg_printf("%s: --log=%s: expected LEVEL and/or TAG=LEVEL, "
		          "comma-separated\n",
		    mg_app_decl.name, mg_app_key("log"));
		return START_EXIT_USAGE;
	}
	if (start_memory(boot) < 0)
		return START_EXIT_USAGE;
	return mg_app_main();
}
