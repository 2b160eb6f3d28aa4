/* SPDX-License-Identifier: ISC */
/* args.c: boot-time keys (--key=value) from the command line. */
#include "mg/args.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/string.h"

/* The message is before + what (NULL: none; made printable) + after. */
static int
fail(char *err, size_t errlen, const char *before, const char *what,
    const char *after)
{
	char shown[64];
	size_t len = what != NULL ? mg_strnlen(what, 49) : 0, n;

	/* Quote at most 48 bytes of what the user typed, printable only. */
	for (n = 0; n < len && n < 48; n++) {
		if (what[n] >= 0x20 && what[n] < 0x7f)
			shown[n] = what[n];
		else
			shown[n] = '?';
	}
	if (len > 48) {
		mg_memcpy(shown + n, "...", 3);
		n += 3;
	}
	shown[n] = '\0';
	if (errlen > 0)
		(void)mg_snprintf(err, errlen, "%s%s%s", before, shown, after);
	return -MG_EINVAL;
}

static long
spec_find(const struct mg_arg_spec *spec, size_t nspec, const char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < nspec; i++)
		if (mg_strnlen(spec[i].name, len + 1) == len &&
		    mg_strncmp(spec[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

int
mg_args_parse(const struct mg_arg_spec *spec, size_t nspec, int argc,
    const char *const *argv, const char **vals, char *err, size_t errlen)
{
	const char *got[MG_ARGS_MAX_KEYS] = {0};
	bool help = false;
	size_t i;
	int a;

	if (errlen > 0)
		err[0] = '\0';
	if (nspec > MG_ARGS_MAX_KEYS || argc < 0)
		return fail(err, errlen, "too many keys declared", NULL, "");
	if (argc > MG_ARGS_MAX_ARGV)
		return fail(err, errlen, "too many arguments (at most 64)",
		    NULL, "");
	for (a = 0; a < argc; a++) {
		const char *arg = argv[a], *name, *eq, *val;
		size_t nlen;
		long k;

		if (arg == NULL)
			return fail(err, errlen, "missing argument", NULL, "");
		if (mg_strcmp(arg, "--help") == 0 ||
		    mg_strcmp(arg, "-h") == 0) {
			help = true;
			continue;
		}
		if (arg[0] != '-' || arg[1] != '-' || arg[2] == '\0')
			return fail(err, errlen, "unexpected argument '", arg,
			    "' (keys are --name=value)");
		name = arg + 2;
		eq = mg_strchr(name, '=');
		nlen = eq != NULL ? (size_t)(eq - name) : mg_strlen(name);
		k = spec_find(spec, nspec, name, nlen);
		if (k < 0)
			return fail(err, errlen, "unknown key '", arg,
			    "' (--help lists the keys)");
		if (eq != NULL) {
			val = eq + 1;
		} else if (a + 1 < argc && argv[a + 1] != NULL) {
			val = argv[++a];
		} else {
			return fail(err, errlen, "key '", arg,
			    "' needs a value");
		}
		if (mg_strnlen(val, MG_ARGS_VALUE_MAX + 1) > MG_ARGS_VALUE_MAX)
			return fail(err, errlen, "value of '--", spec[k].name,
			    "' is too long");
		if (got[k] != NULL)
			return fail(err, errlen, "key '--", spec[k].name,
			    "' given twice");
		got[k] = val;
	}
	if (help)
		return MG_ARGS_HELP;
	for (i = 0; i < nspec; i++)
		vals[i] = got[i] != NULL ? got[i] : spec[i].defval;
	return 0;
}

int
mg_args_split(char *buf, size_t len, size_t size, const char **argv,
    size_t maxargv)
{
	size_t in = 0, out = 0, n = 0;

	if (buf == NULL || len >= size)
		return -MG_EINVAL;
	/*
	 * Words are rewritten in place: out never passes in, because every
	 * byte written was read at or after out, and each word's NUL takes
	 * the place of at least one separator or of the spare byte.
	 */
	while (in < len) {
		char quote = 0;

		while (in < len && (buf[in] == ' ' || buf[in] == '\t'))
			in++;
		if (in == len)
			break;
		if (n == maxargv)
			return -MG_EINVAL;
		argv[n++] = buf + out;
		while (in < len) {
			char c = buf[in];

			if (c == '\0')
				return -MG_EINVAL;
			if (quote == 0 && (c == ' ' || c == '\t'))
				break;
			in++;
			if (quote == 0 && (c == '\'' || c == '"')) {
				quote = c;
				continue;
			}
			if (c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\' && quote != '\'') {
				if (in == len)
					return -MG_EINVAL;
				c = buf[in++];
				if (c == '\0')
					return -MG_EINVAL;
			}
			buf[out++] = c;
		}
		if (quote != 0)
			return -MG_EINVAL;
		buf[out++] = '\0';
		/* The separator we stopped on (if any) is consumed. */
		if (in < len)
			in++;
	}
	return (int)n;
}

void
mg_args_help(const char *prog, const struct mg_arg_spec *spec, size_t nspec)
{
	size_t i;

	mg_printf("usage: %s [--KEY=VALUE ...]\n", prog);
	if (nspec == 0) {
		mg_printf("this appliance takes no keys\n");
		return;
	}
	mg_printf("keys:\n");
	for (i = 0; i < nspec; i++)
		mg_printf("  --%s=%s\n      %s\n", spec[i].name,
		    spec[i].defval[0] != '\0' ? spec[i].defval : "\"\"",
		    spec[i].help);
}
