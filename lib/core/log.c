/* SPDX-License-Identifier: ISC */
/* log.c: leveled logging with per-library tags, panic and assertions. */
#include "mg/log.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/plat.h"
#include "mg/string.h"

#define LOG_TAGS    16
#define LOG_TAG_MAX 16 /* including the NUL */
#define LOG_LINE    256

static int log_level = MG_LOG_INFO;
static struct {
	char tag[LOG_TAG_MAX];
	int level;
} log_tags[LOG_TAGS];
static unsigned log_ntags;
static mg_time_t log_t0;
static bool log_t0_set;

void
mg_log_reset(void)
{
	log_level = MG_LOG_INFO;
	log_ntags = 0;
}

bool
mg_log_enabled(int level, const char *tag)
{
	unsigned i;

	for (i = 0; i < log_ntags; i++)
		if (mg_strcmp(log_tags[i].tag, tag) == 0)
			return level <= log_tags[i].level;
	return level <= log_level;
}

static const char *const level_names[] = {"off", "error", "warn", "info",
    "debug"};

static int
level_parse(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (mg_strlen(level_names[i]) == len &&
		    mg_strncmp(level_names[i], s, len) == 0)
			return (int)i;
	return -1;
}

int
mg_log_config(const char *spec)
{
	char tags[LOG_TAGS][LOG_TAG_MAX];
	int levels[LOG_TAGS];
	int global = log_level;
	unsigned ntags = 0, i;
	const char *s = spec;

	if (spec == NULL)
		return -MG_EINVAL;
	/* Parse everything first, apply only if the whole spec is good. */
	while (*s != '\0') {
		const char *item = s, *eq;
		size_t len;
		int lvl;

		while (*s != '\0' && *s != ',')
			s++;
		len = (size_t)(s - item);
		/* An empty item, or a comma that ends the spec, is an error. */
		if (len == 0 || (*s == ',' && *++s == '\0'))
			return -MG_EINVAL;
		eq = mg_memchr(item, '=', len);
		if (eq == NULL) {
			lvl = level_parse(item, len);
			if (lvl < 0)
				return -MG_EINVAL;
			global = lvl;
			continue;
		}
		lvl = level_parse(eq + 1, len - (size_t)(eq + 1 - item));
		if (lvl < 0 || eq == item ||
		    (size_t)(eq - item) >= LOG_TAG_MAX || ntags == LOG_TAGS)
			return -MG_EINVAL;
		mg_memcpy(tags[ntags], item, (size_t)(eq - item));
		tags[ntags][eq - item] = '\0';
		levels[ntags++] = lvl;
	}
	log_level = global;
	for (i = 0; i < ntags; i++) {
		unsigned j;

		for (j = 0; j < log_ntags; j++)
			if (mg_strcmp(log_tags[j].tag, tags[i]) == 0)
				break;
		if (j == log_ntags) {
			if (log_ntags == LOG_TAGS)
				return -MG_EINVAL;
			mg_strlcpy(log_tags[j].tag, tags[i], LOG_TAG_MAX);
			log_ntags++;
		}
		log_tags[j].level = levels[i];
	}
	return 0;
}

void
mg_vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	char line[LOG_LINE];
	mg_time_t t;
	int n, m;

	if (!mg_log_enabled(level, tag))
		return;
	t = mg_plat_clock_monotonic();
	if (!log_t0_set) {
		log_t0 = t;
		log_t0_set = true;
	}
	t -= log_t0;
	n = mg_snprintf(line, sizeof(line),
	    "[%5llu.%06llu] %s: ", (unsigned long long)(t / 1000000000ULL),
	    (unsigned long long)(t % 1000000000ULL / 1000), tag);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	m = mg_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	/* A long line is cut, but still ends with a newline. */
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	mg_plat_console_write(line, (size_t)n);
}

void
mg_log(int level, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mg_vlog(level, tag, fmt, ap);
	va_end(ap);
}

void
mg_panic(const char *fmt, ...)
{
	static bool in_panic;
	char line[LOG_LINE];
	va_list ap;
	int n;

	/* A panic inside a panic (say, in formatting) must not recurse. */
	if (!in_panic) {
		in_panic = true;
		mg_memcpy(line, "PANIC: ", 7);
		va_start(ap, fmt);
		n = mg_vsnprintf(line + 7, sizeof(line) - 8, fmt, ap);
		va_end(ap);
		if (n < 0)
			n = 0;
		n += 7;
		if ((size_t)n > sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
		line[n++] = '\n';
		mg_plat_console_write(line, (size_t)n);
		in_panic = false;
	}
	mg_plat_abort();
}

void
mg_assert_fail(const char *file, int line, const char *expr)
{
	mg_panic("assertion failed at %s:%d: %s", file, line, expr);
}
