/* SPDX-License-Identifier: ISC */
/* loop.h: the event loop: timers, device readiness, deferred tasks. */
#ifndef MG_LOOP_H
#define MG_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/plat.h"
#include "mg/time.h"

/*
 * One loop per appliance, one core, never preempted. Each iteration runs, in
 * order: the deferred tasks queued so far (FIFO), the timers whose deadline
 * has passed (earliest first; equal deadlines in the order they were
 * started), then blocks in mg_plat_yield() until the next deadline or until
 * a device is ready, and calls the watchers of ready devices (in the order
 * they were added). Callbacks may start and stop timers, add and remove
 * watchers and tasks (including their own), and stop the loop.
 *
 * Timers, watchers and tasks are allocated by the caller, usually inside
 * the object they serve; the loop keeps pointers to them until they fire or
 * are stopped. The timer queue is a binary heap (O(log n) start and stop)
 * whose array grows on the default heap; starting a timer fails only when
 * that array cannot grow.
 */
struct mg_loop;
struct mg_timer;

typedef void (*mg_timer_fn)(void *ctx, struct mg_timer *t);
typedef void (*mg_watch_fn)(void *ctx, mg_handle_t h);
typedef void (*mg_task_fn)(void *ctx);

/* Fields are private; the struct is public so callers can embed it. */
struct mg_timer {
	mg_time_t deadline;
	uint64_t seq;
	size_t idx; /* position in the heap; SIZE_MAX when not armed */
	mg_timer_fn fn;
	void *ctx;
	struct mg_loop *loop;
};

struct mg_watch {
	mg_handle_t h;
	mg_watch_fn fn;
	void *ctx;
	struct mg_watch *next;
	struct mg_loop *loop;
};

struct mg_task {
	mg_task_fn fn;
	void *ctx;
	struct mg_task *next;
	bool queued;
};

struct mg_loop_stats {
	uint64_t iterations;
	uint64_t yields;
	uint64_t timers_fired;
	uint64_t tasks_run;
	uint64_t wakeups; /* watcher callbacks */
};

/* Fields are private. */
struct mg_loop {
	struct mg_timer **heap;
	size_t nheap, capheap;
	uint64_t seq;
	struct mg_watch *watches;
	struct mg_task *tasks, **tasks_tail;
	mg_time_t now;
	bool stopping;
	bool running;
	int status;
	struct mg_loop_stats st;
};

void mg_loop_init(struct mg_loop *l);

/* mg_loop_fini releases the timer array; nothing may be armed. */
void mg_loop_fini(struct mg_loop *l);

/*
 * mg_loop_run runs until mg_loop_stop() is called (it returns the status
 * given there), until the platform asks the appliance to shut down (0), or
 * until nothing is left that could ever run: no timer, no watcher and no
 * task (0).
 */
int mg_loop_run(struct mg_loop *l);

/* mg_loop_stop makes mg_loop_run return status after the current callback. */
void mg_loop_stop(struct mg_loop *l, int status);

/* mg_loop_now: the monotonic time read at the start of this iteration. */
mg_time_t mg_loop_now(const struct mg_loop *l);

void mg_loop_stats(const struct mg_loop *l, struct mg_loop_stats *out);

/* The loop of the running appliance. */
struct mg_loop *mg_loop_default(void);

void mg_timer_init(struct mg_timer *t, mg_timer_fn fn, void *ctx);

/*
 * mg_timer_start arms t to fire once at the absolute monotonic time
 * deadline (re-arming it if it was armed). Returns 0 or -MG_ENOMEM.
 */
int mg_timer_start(struct mg_loop *l, struct mg_timer *t, mg_time_t deadline);

/* mg_timer_start_in arms t to fire delay nanoseconds after mg_loop_now. */
int mg_timer_start_in(struct mg_loop *l, struct mg_timer *t, mg_time_t delay);

/* mg_timer_stop disarms t; harmless if it is not armed. */
void mg_timer_stop(struct mg_timer *t);

static inline bool
mg_timer_armed(const struct mg_timer *t)
{
	return t->idx != SIZE_MAX;
}

/* mg_loop_watch calls fn whenever the platform reports handle h ready. */
void mg_loop_watch(struct mg_loop *l, struct mg_watch *w, mg_handle_t h,
    mg_watch_fn fn, void *ctx);
void mg_loop_unwatch(struct mg_watch *w);

void mg_task_init(struct mg_task *t, mg_task_fn fn, void *ctx);

/* mg_loop_defer queues t to run once, before the loop next blocks; a task
 * already queued stays where it is. */
void mg_loop_defer(struct mg_loop *l, struct mg_task *t);

/* mg_loop_cancel removes t from the queue if it is queued. */
void mg_loop_cancel(struct mg_loop *l, struct mg_task *t);

#endif /* MG_LOOP_H */
