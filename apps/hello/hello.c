/* SPDX-License-Identifier: ISC */
/* hello.c: greets, fires timers (three, 100 ms apart), reads the clock. */
#define MG_LOG_TAG "hello"
#include "mg/app.h"
#include "mg/fmt.h"
#include "mg/log.h"
#include "mg/loop.h"
#include "mg/plat.h"
#include "mg/time.h"

#define HELLO_TICKS_MAX    1000000
#define HELLO_INTERVAL_MAX 86400000 /* one day, in ms */

struct hello {
	struct mg_timer timer;
	mg_time_t start;
	mg_time_t interval;
	uint64_t want;
	unsigned ticks;
};

static void
hello_tick(void *ctx, struct mg_timer *t)
{
	struct hello *h = ctx;
	struct mg_loop *l = mg_loop_default();
	mg_time_t now = mg_loop_now(l);

	h->ticks++;
	mg_printf("hello: timer %u fired at +%llu ms\n", h->ticks,
	    (unsigned long long)((now - h->start) / 1000000ULL));
	if (h->ticks < h->want &&
	    mg_timer_start(l, t, h->start + h->interval * (h->ticks + 1)) < 0)
		mg_loop_stop(l, 1);
}

int
mg_app_main(void)
{
	static struct hello h;
	struct mg_loop *l = mg_loop_default();
	char when[32];
	uint64_t ms;
	mg_view motd;
	int i, rc;

	if (mg_app_key_u64("ticks", HELLO_TICKS_MAX, &h.want) < 0 ||
	    mg_app_key_u64("interval", HELLO_INTERVAL_MAX, &ms) < 0)
		return 2;
	h.interval = MG_MSEC(ms);

	mg_printf("Hello, %s! This is Morgana on %s.\n", mg_app_key("name"),
	    mg_app_target());
	mg_printf("hello: %d boot argument%s", mg_app_argc(),
	    mg_app_argc() == 1 ? "" : "s");
	for (i = 0; i < mg_app_argc(); i++)
		mg_printf(" '%s'", mg_app_argv()[i]);
	mg_printf("\n");
	if (mg_app_data("motd", &motd))
		mg_printf("hello: motd: %.*s", (int)motd.len,
		    (const char *)motd.p);

	mg_timer_init(&h.timer, hello_tick, &h);
	h.start = mg_loop_now(l);
	if (h.want > 0 && mg_timer_start(l, &h.timer, h.start + h.interval) < 0)
		return 1;
	rc = mg_loop_run(l);

	if (mg_time_fmt_iso8601(mg_plat_clock_wall(), when, sizeof(when)) == 0)
		return 1;
	mg_printf("hello: wall clock %s\n", when);
	mg_printf("hello: done after %u timers, exit %d\n", h.ticks, rc);
	return rc;
}
