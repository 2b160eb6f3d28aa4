/* SPDX-License-Identifier: ISC */
/* test_log.c: levels, tags, the level spec parser, panic and assertions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "fake_plat.h"
#include "mg/err.h"
#include "mg/log.h"

static int
setup(void **state)
{
	(void)state;
	fake_plat_reset();
	mg_log_reset();
	return 0;
}

static void
test_log_default_level_is_info(void **state)
{
	(void)state;
	mg_log(MG_LOG_INFO, "net", "shown %d", 1);
	mg_log(MG_LOG_DEBUG, "net", "hidden %d", 2);
	assert_non_null(strstr(fake_console, "] net: shown 1\n"));
	assert_null(strstr(fake_console, "hidden"));
}

static void
test_log_line_has_time_since_first_log(void **state)
{
	(void)state;
	mg_log(MG_LOG_ERROR, "x", "a");
	fake_now += 1500000000ULL; /* 1.5 s */
	mg_log(MG_LOG_ERROR, "x", "b");
	assert_non_null(strstr(fake_console, "[    1.500000] x: b\n"));
}

static void
test_log_config_tag_levels(void **state)
{
	(void)state;
	assert_int_equal(mg_log_config("warn,net=debug,dns=off"), 0);
	assert_true(mg_log_enabled(MG_LOG_DEBUG, "net"));
	assert_false(mg_log_enabled(MG_LOG_ERROR, "dns"));
	assert_true(mg_log_enabled(MG_LOG_WARN, "tcp"));
	assert_false(mg_log_enabled(MG_LOG_INFO, "tcp"));
	/* A later spec changes a tag already set. */
	assert_int_equal(mg_log_config("dns=error"), 0);
	assert_true(mg_log_enabled(MG_LOG_ERROR, "dns"));
}

static void
test_log_config_rejects_bad_specs_and_changes_nothing(void **state)
{
	static const char *const bad[] = {"", "loud", "net=", "=info",
	    "net=info,", ",info", "info,,net=debug",
	    "averyveryverylongtag=info", "net=debug,x=verbose"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i][0] == '\0')
			continue; /* the empty spec is accepted: no change */
		assert_int_equal(mg_log_config(bad[i]), -MG_EINVAL);
	}
	assert_false(mg_log_enabled(MG_LOG_DEBUG, "net"));
	assert_true(mg_log_enabled(MG_LOG_INFO, "net"));
	assert_int_equal(mg_log_config(NULL), -MG_EINVAL);
}

static void
test_log_config_bounds_tag_count(void **state)
{
	char spec[512];
	size_t n = 0;
	int i;

	(void)state;
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%st%d=debug",
		    i > 0 ? "," : "", i);
	assert_int_equal(mg_log_config(spec), -MG_EINVAL);
	assert_false(mg_log_enabled(MG_LOG_DEBUG, "t0"));
}

static void
test_log_long_line_is_cut_with_newline(void **state)
{
	char big[600];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mg_log(MG_LOG_ERROR, "x", "%s", big);
	assert_true(fake_console_len <= 256);
	assert_int_equal(fake_console[fake_console_len - 1], '\n');
}

static void
test_log_panic_prints_and_aborts(void **state)
{
	jmp_buf jb;

	(void)state;
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_panic("bad %s", "thing");
		fail();
	}
	assert_int_equal(fake_exit_status, 255);
	assert_string_equal(fake_console, "PANIC: bad thing\n");
}

static void
test_log_assert_names_file_and_expression(void **state)
{
	jmp_buf jb;
	volatile int x = 1;

	(void)state;
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		MG_ASSERT(x == 2);
		fail();
	}
	assert_non_null(strstr(fake_console, "test_log.c"));
	assert_non_null(strstr(fake_console, "x == 2"));
	MG_ASSERT(x == 1); /* true: no effect */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_log_default_level_is_info, setup),
	    cmocka_unit_test_setup(test_log_line_has_time_since_first_log,
	        setup),
	    cmocka_unit_test_setup(test_log_config_tag_levels, setup),
	    cmocka_unit_test_setup(
	        test_log_config_rejects_bad_specs_and_changes_nothing, setup),
	    cmocka_unit_test_setup(test_log_config_bounds_tag_count, setup),
	    cmocka_unit_test_setup(test_log_long_line_is_cut_with_newline,
	        setup),
	    cmocka_unit_test_setup(test_log_panic_prints_and_aborts, setup),
	    cmocka_unit_test_setup(test_log_assert_names_file_and_expression,
	        setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
