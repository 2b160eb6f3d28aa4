/* SPDX-License-Identifier: ISC */
/*
 * fuzz_args.c: the command line as an attacker writes it: split the input
 * into words (as the hvt guest does with its command line), parse them
 * against a key table, and feed the words to the log-level parser and the
 * number parser too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg/args.h"
#include "mg/log.h"
#include "mg/string.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static const struct mg_arg_spec spec[] = {
    {"ip", "10.0.0.2/24", "address"},
    {"gw", "", "gateway"},
    {"port", "53", "port"},
    {"log", "info", "log levels"},
};
#define NSPEC (sizeof(spec) / sizeof(spec[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *argv[MG_ARGS_MAX_ARGV + 8];
	const char *vals[NSPEC];
	char err[128];
	char *buf;
	int n, i, rc;
	size_t k;

	if (size > 1 << 16)
		return 0;
	/* Exact size plus the one spare byte mg_args_split needs. */
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	n = mg_args_split(buf, size, size + 1, argv, MG_ARGS_MAX_ARGV + 8);
	if (n >= 0) {
		CHECK(n <= MG_ARGS_MAX_ARGV + 8);
		for (i = 0; i < n; i++) {
			/* Every word lies inside buf and is terminated. */
			CHECK(argv[i] >= buf && argv[i] < buf + size + 1);
			CHECK(mg_strnlen(argv[i],
			          size + 1 - (size_t)(argv[i] - buf)) <
			    size + 1 - (size_t)(argv[i] - buf));
		}
		rc =
		    mg_args_parse(spec, NSPEC, n, argv, vals, err, sizeof(err));
		CHECK(rc == 0 || rc == MG_ARGS_HELP || rc < 0);
		CHECK(mg_strnlen(err, sizeof(err)) < sizeof(err));
		if (rc == 0)
			for (k = 0; k < NSPEC; k++)
				CHECK(vals[k] != NULL);
		for (i = 0; i < n; i++) {
			uint64_t v;

			(void)mg_log_config(argv[i]);
			(void)mg_parse_u64(argv[i], mg_strlen(argv[i]), 0,
			    UINT64_MAX, &v);
		}
		mg_log_reset();
	}
	free(buf);
	return 0;
}
