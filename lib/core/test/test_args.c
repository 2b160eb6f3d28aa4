/* SPDX-License-Identifier: ISC */
/* test_args.c: boot keys on the command line, and command-line splitting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/args.h"
#include "mg/err.h"

static const struct mg_arg_spec spec[] = {
    {"ip", "10.0.0.2/24", "address"},
    {"gw", "", "gateway"},
    {"port", "53", "port"},
};
#define NSPEC (sizeof(spec) / sizeof(spec[0]))

static int
parse(int argc, const char *const *argv, const char **vals, char *err)
{
	return mg_args_parse(spec, NSPEC, argc, argv, vals, err, 128);
}

static void
test_args_defaults_when_nothing_given(void **state)
{
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(0, NULL, vals, err), 0);
	assert_string_equal(vals[0], "10.0.0.2/24");
	assert_string_equal(vals[1], "");
	assert_string_equal(vals[2], "53");
}

static void
test_args_equals_and_space_forms(void **state)
{
	const char *argv[] = {"--gw=10.0.0.1", "--port", "5353"};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(3, argv, vals, err), 0);
	assert_string_equal(vals[0], "10.0.0.2/24");
	assert_string_equal(vals[1], "10.0.0.1");
	assert_string_equal(vals[2], "5353");
}

static void
test_args_empty_value_is_a_value(void **state)
{
	const char *argv[] = {"--ip="};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(1, argv, vals, err), 0);
	assert_string_equal(vals[0], "");
}

static void
test_args_rejects_unknown_key_with_message(void **state)
{
	const char *argv[] = {"--ipx=1"};
	const char *vals[NSPEC] = {0};
	char err[128];

	(void)state;
	assert_int_equal(parse(1, argv, vals, err), -MG_EINVAL);
	assert_non_null(strstr(err, "unknown key '--ipx=1'"));
	assert_null(vals[0]);
}

static void
test_args_rejects_prefix_of_a_key(void **state)
{
	const char *argv[] = {"--i=1"};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(1, argv, vals, err), -MG_EINVAL);
}

static void
test_args_rejects_key_given_twice(void **state)
{
	const char *argv[] = {"--ip=1", "--ip=2"};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(2, argv, vals, err), -MG_EINVAL);
	assert_non_null(strstr(err, "twice"));
}

static void
test_args_rejects_missing_value(void **state)
{
	const char *argv[] = {"--port"};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(1, argv, vals, err), -MG_EINVAL);
	assert_non_null(strstr(err, "needs a value"));
}

static void
test_args_rejects_bare_words_and_dashes(void **state)
{
	const char *a1[] = {"ip=1"};
	const char *a2[] = {"--"};
	const char *a3[] = {"-x"};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(1, a1, vals, err), -MG_EINVAL);
	assert_int_equal(parse(1, a2, vals, err), -MG_EINVAL);
	assert_int_equal(parse(1, a3, vals, err), -MG_EINVAL);
}

static void
test_args_help_wins(void **state)
{
	const char *argv[] = {"--ip=1", "--help"};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	assert_int_equal(parse(2, argv, vals, err), MG_ARGS_HELP);
}

static void
test_args_rejects_too_many_arguments(void **state)
{
	const char *argv[MG_ARGS_MAX_ARGV + 1];
	const char *vals[NSPEC];
	char err[128];
	int i;

	(void)state;
	for (i = 0; i <= MG_ARGS_MAX_ARGV; i++)
		argv[i] = "--help";
	assert_int_equal(parse(MG_ARGS_MAX_ARGV + 1, argv, vals, err),
	    -MG_EINVAL);
	assert_int_equal(parse(MG_ARGS_MAX_ARGV, argv, vals, err),
	    MG_ARGS_HELP);
}

static void
test_args_rejects_oversized_value(void **state)
{
	static char big[MG_ARGS_VALUE_MAX + 16];
	const char *argv[] = {big};
	const char *vals[NSPEC];
	char err[128];

	(void)state;
	memcpy(big, "--ip=", 5);
	memset(big + 5, 'x', MG_ARGS_VALUE_MAX);
	big[5 + MG_ARGS_VALUE_MAX] = '\0';
	assert_int_equal(parse(1, argv, vals, err), 0);
	big[5 + MG_ARGS_VALUE_MAX] = 'x';
	big[6 + MG_ARGS_VALUE_MAX] = '\0';
	assert_int_equal(parse(1, argv, vals, err), -MG_EINVAL);
}

static void
test_args_message_is_printable_and_bounded(void **state)
{
	const char *argv[] = {
	    "--\x01\x7f"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaa"};
	const char *vals[NSPEC];
	char err[40];
	size_t i;

	(void)state;
	assert_int_equal(
	    mg_args_parse(spec, NSPEC, 1, argv, vals, err, sizeof(err)),
	    -MG_EINVAL);
	assert_true(strlen(err) < sizeof(err));
	for (i = 0; err[i] != '\0'; i++)
		assert_true(err[i] >= 0x20 && err[i] < 0x7f);
}

static int
split(const char *line, const char **argv, char *buf)
{
	size_t len = strlen(line);

	memcpy(buf, line, len);
	return mg_args_split(buf, len, len + 1, argv, 8);
}

static void
test_args_split_words_and_quotes(void **state)
{
	const char *argv[8];
	char buf[128];

	(void)state;
	assert_int_equal(
	    split("  a\tbb  'c d' \"e\\\"f\" g\\ h 'i\\j'", argv, buf), 6);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "bb");
	assert_string_equal(argv[2], "c d");
	assert_string_equal(argv[3], "e\"f");
	assert_string_equal(argv[4], "g h");
	assert_string_equal(argv[5], "i\\j");
}

static void
test_args_split_empty_and_blank(void **state)
{
	const char *argv[8];
	char buf[16];

	(void)state;
	assert_int_equal(split("", argv, buf), 0);
	assert_int_equal(split(" \t ", argv, buf), 0);
	assert_int_equal(split("''", argv, buf), 1);
	assert_string_equal(argv[0], "");
}

static void
test_args_split_rejects_bad_lines(void **state)
{
	const char *argv[8];
	char buf[64];
	char nul[4] = {'a', '\0', 'b', 0};

	(void)state;
	assert_int_equal(split("'open", argv, buf), -MG_EINVAL);
	assert_int_equal(split("\"open", argv, buf), -MG_EINVAL);
	assert_int_equal(split("end\\", argv, buf), -MG_EINVAL);
	assert_int_equal(split("1 2 3 4 5 6 7 8 9", argv, buf), -MG_EINVAL);
	assert_int_equal(split("1 2 3 4 5 6 7 8", argv, buf), 8);
	assert_int_equal(mg_args_split(nul, 3, 4, argv, 8), -MG_EINVAL);
	/* No spare byte: refused rather than writing past the end. */
	assert_int_equal(mg_args_split(buf, 4, 4, argv, 8), -MG_EINVAL);
}

static void
test_args_help_lists_every_key(void **state)
{
	(void)state;
	fake_plat_reset();
	mg_args_help("dns", spec, NSPEC);
	assert_non_null(strstr(fake_console, "usage: dns"));
	assert_non_null(strstr(fake_console, "--ip=10.0.0.2/24"));
	assert_non_null(strstr(fake_console, "--gw=\"\""));
	assert_non_null(strstr(fake_console, "gateway"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_args_defaults_when_nothing_given),
	    cmocka_unit_test(test_args_equals_and_space_forms),
	    cmocka_unit_test(test_args_empty_value_is_a_value),
	    cmocka_unit_test(test_args_rejects_unknown_key_with_message),
	    cmocka_unit_test(test_args_rejects_prefix_of_a_key),
	    cmocka_unit_test(test_args_rejects_key_given_twice),
	    cmocka_unit_test(test_args_rejects_missing_value),
	    cmocka_unit_test(test_args_rejects_bare_words_and_dashes),
	    cmocka_unit_test(test_args_help_wins),
	    cmocka_unit_test(test_args_rejects_too_many_arguments),
	    cmocka_unit_test(test_args_rejects_oversized_value),
	    cmocka_unit_test(test_args_message_is_printable_and_bounded),
	    cmocka_unit_test(test_args_split_words_and_quotes),
	    cmocka_unit_test(test_args_split_empty_and_blank),
	    cmocka_unit_test(test_args_split_rejects_bad_lines),
	    cmocka_unit_test(test_args_help_lists_every_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
