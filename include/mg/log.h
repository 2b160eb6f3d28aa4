/* SPDX-License-Identifier: ISC */
/* log.h: leveled logging with per-library tags, panic and assertions. */
#ifndef MG_LOG_H
#define MG_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#define MG_LOG_OFF   0
#define MG_LOG_ERROR 1
#define MG_LOG_WARN  2
#define MG_LOG_INFO  3
#define MG_LOG_DEBUG 4

/*
 * Each library or application defines MG_LOG_TAG (a short string such as
 * "net" or "dns") before including this header, and logs with MG_LOGE,
 * MG_LOGW, MG_LOGI and MG_LOGD. A line is written to the console as
 *	[    1.234567] net: message
 * with the monotonic time since boot, when its level is at or below the
 * level set for its tag (the global level when the tag has none).
 */
#ifndef MG_LOG_TAG
#define MG_LOG_TAG "app"
#endif

void mg_log(int level, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mg_vlog(int level, const char *tag, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* mg_log_enabled: whether a line of this level and tag would be written. */
bool mg_log_enabled(int level, const char *tag);

/*
 * mg_log_config applies a level specification such as "info",
 * "warn,net=debug" or "dns=off": an optional global level and tag=level
 * pairs, separated by commas (at most 16 tags, tags up to 15 bytes).
 * Returns 0, or -MG_EINVAL for a malformed spec (nothing is changed then).
 */
int mg_log_config(const char *spec);

/* mg_log_reset: global level info, no per-tag levels. */
void mg_log_reset(void);

#define MG_LOGE(...) mg_log(MG_LOG_ERROR, MG_LOG_TAG, __VA_ARGS__)
#define MG_LOGW(...) mg_log(MG_LOG_WARN, MG_LOG_TAG, __VA_ARGS__)
#define MG_LOGI(...) mg_log(MG_LOG_INFO, MG_LOG_TAG, __VA_ARGS__)
#define MG_LOGD(...) mg_log(MG_LOG_DEBUG, MG_LOG_TAG, __VA_ARGS__)

/*
 * mg_panic writes "PANIC: " and the message to the console and aborts the
 * appliance (exit status 255 on every target). For programmer errors and
 * broken invariants only; bad input is an error return, never a panic.
 */
__attribute__((noreturn, format(printf, 1, 2))) void mg_panic(const char *fmt,
    ...);

__attribute__((noreturn)) void mg_assert_fail(const char *file, int line,
    const char *expr);

/* MG_ASSERT checks in every build; MG_DASSERT only when MG_DEBUG is set. */
#define MG_ASSERT(x) ((x) ? (void)0 : mg_assert_fail(__FILE__, __LINE__, #x))
#ifdef MG_DEBUG
#define MG_DASSERT(x) MG_ASSERT(x)
#else
#define MG_DASSERT(x) ((void)0)
#endif

#endif /* MG_LOG_H */
