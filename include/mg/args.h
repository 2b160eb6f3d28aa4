/* SPDX-License-Identifier: ISC */
/* args.h: boot-time keys (--key=value) parsed from the command line. */
#ifndef MG_ARGS_H
#define MG_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* One key an appliance accepts: --name=value, with a default and help. */
struct mg_arg_spec {
	const char *name;   /* [a-z0-9][a-z0-9_-]*, at most 31 bytes */
	const char *defval; /* never NULL: "" for an empty default */
	const char *help;   /* one line */
};

#define MG_ARGS_MAX_KEYS  32
#define MG_ARGS_MAX_ARGV  64
#define MG_ARGS_VALUE_MAX 4096
#define MG_ARGS_HELP      1 /* mg_args_parse: --help was given */

/*
 * mg_args_parse reads argv[0..argc) (the appliance's own arguments, no
 * program name) against spec[0..nspec): each argument must be --name=value
 * or --name value for a declared name, at most once each, or --help.
 * vals[i] is set to the value of spec[i] (pointing into argv) or to its
 * default. Returns 0, MG_ARGS_HELP when --help was seen, or -MG_EINVAL with
 * a one-line message in err (errlen bytes, always NUL-terminated). Values
 * longer than MG_ARGS_VALUE_MAX and more than MG_ARGS_MAX_ARGV arguments are
 * refused. Never writes vals on failure.
 */
int mg_args_parse(const struct mg_arg_spec *spec, size_t nspec, int argc,
    const char *const *argv, const char **vals, char *err, size_t errlen);

/*
 * mg_args_split splits a command line held in buf[0..len) into words in
 * place (the hvt guest gets its arguments as one string): words are
 * separated by spaces or tabs; single or double quotes group, a backslash
 * outside single quotes takes the next byte as it is. Each word is
 * NUL-terminated inside buf, so buf needs one spare byte: len < size.
 * Returns the number of words (at most maxargv) or -MG_EINVAL for an
 * unterminated quote, a trailing backslash, a NUL byte in the line, or more
 * than maxargv words.
 */
int mg_args_split(char *buf, size_t len, size_t size, const char **argv,
    size_t maxargv);

/*
 * mg_args_help writes the usage text for spec (one key per line: name,
 * default, help) through mg_printf.
 */
void mg_args_help(const char *prog, const struct mg_arg_spec *spec,
    size_t nspec);

#endif /* MG_ARGS_H */
