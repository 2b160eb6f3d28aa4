/* SPDX-License-Identifier: ISC */
/* loop.c: the event loop: timer heap, device watchers, deferred tasks. */
#define MG_LOG_TAG "loop"
#include "mg/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/log.h"
#include "mg/plat.h"

#define HEAP_CAP_MIN 16

/*
 * A watcher dispatch in progress. mg_loop_unwatch steps the cursor past the
 * watcher it removes, so a callback may remove any watcher (itself, the next
 * one, or one whose owner it frees) without the dispatch touching freed
 * memory. Dispatches nest only when a callback runs another loop.
 */
struct dispatch {
	struct mg_loop *l;
	struct mg_watch *next; /* the watcher to look at after this callback */
	struct dispatch *up;
};

static struct dispatch *dispatching;

/*
 * The timer heap: l->heap[0..nheap) is a binary min-heap on (deadline,
 * seq), so equal deadlines fire in start order; every armed timer t has
 * l->heap[t->idx] == t and t->loop == l.
 */
static bool
timer_before(const struct mg_timer *a, const struct mg_timer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

static void
heap_place(struct mg_loop *l, struct mg_timer *t, size_t i)
{
	l->heap[i] = t;
	t->idx = i;
}

static void
heap_up(struct mg_loop *l, size_t i)
{
	struct mg_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timer_before(t, l->heap[parent]))
			break;
		heap_place(l, l->heap[parent], i);
		i = parent;
	}
	heap_place(l, t, i);
}

static void
heap_down(struct mg_loop *l, size_t i)
{
	struct mg_timer *t = l->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= l->nheap)
			break;
		if (child + 1 < l->nheap &&
		    timer_before(l->heap[child + 1], l->heap[child]))
			child++;
		if (!timer_before(l->heap[child], t))
			break;
		heap_place(l, l->heap[child], i);
		i = child;
	}
	heap_place(l, t, i);
}

/* heap_fix restores the heap order around i after heap[i]'s key changed. */
static void
heap_fix(struct mg_loop *l, size_t i)
{
	if (i > 0 && timer_before(l->heap[i], l->heap[(i - 1) / 2]))
		heap_up(l, i);
	else
		heap_down(l, i);
}

static void
heap_remove(struct mg_loop *l, struct mg_timer *t)
{
	size_t i = t->idx;
	struct mg_timer *last;

	MG_ASSERT(i < l->nheap && l->heap[i] == t);
	last = l->heap[--l->nheap];
	if (i < l->nheap) {
		heap_place(l, last, i);
		heap_fix(l, i);
	}
	t->idx = SIZE_MAX;
}

/* heap_reserve makes room for one more timer; the heap is unchanged when
 * it fails. */
static int
heap_reserve(struct mg_loop *l)
{
	struct mg_timer **p;
	size_t cap, bytes;

	if (l->nheap < l->capheap)
		return 0;
	if (l->capheap == 0)
		cap = HEAP_CAP_MIN;
	else if (__builtin_mul_overflow(l->capheap, 2, &cap))
		return -MG_ENOMEM;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	if (__builtin_mul_overflow(cap, sizeof(*p), &bytes))
		return -MG_ENOMEM;
	p = mg_realloc(l->heap, bytes);
	if (p == NULL)
		return -MG_ENOMEM;
	l->heap = p;
	l->capheap = cap;
	return 0;
}

void
mg_loop_init(struct mg_loop *l)
{
	l->heap = NULL;
	l->nheap = 0;
	l->capheap = 0;
	l->seq = 0;
	l->watches = NULL;
	l->tasks = NULL;
	l->tasks_tail = &l->tasks;
	l->now = mg_plat_clock_monotonic();
	l->stopping = false;
	l->running = false;
	l->status = 0;
	l->st.iterations = 0;
	l->st.yields = 0;
	l->st.timers_fired = 0;
	l->st.tasks_run = 0;
	l->st.wakeups = 0;
}

void
mg_loop_fini(struct mg_loop *l)
{
	MG_ASSERT(!l->running);
	MG_ASSERT(l->nheap == 0);
	mg_free(l->heap);
	l->heap = NULL;
	l->capheap = 0;
}

struct mg_loop *
mg_loop_default(void)
{
	static struct mg_loop loop;
	static bool ready;

	if (!ready) {
		mg_loop_init(&loop);
		ready = true;
	}
	return &loop;
}

/* Nothing armed, watched or queued: no callback could ever run again. */
static bool
loop_idle(const struct mg_loop *l)
{
	return l->nheap == 0 && l->watches == NULL && l->tasks == NULL;
}

static void
task_append(struct mg_loop *l, struct mg_task *t)
{
	t->next = NULL;
	t->queued = true;
	*l->tasks_tail = t;
	l->tasks_tail = &t->next;
}

static void
watch_append(struct mg_loop *l, struct mg_watch *w)
{
	struct mg_watch **pp;

	for (pp = &l->watches; *pp != NULL; pp = &(*pp)->next)
		MG_ASSERT(*pp != w); /* already watching */
	w->next = NULL;
	w->loop = l;
	*pp = w;
}

/*
 * loop_tasks runs the tasks queued before it started, in order. A sentinel
 * marks the end of that batch, so tasks queued by these callbacks wait for
 * the next round and mg_loop_cancel keeps working on the batch.
 */
static void
loop_tasks(struct mg_loop *l)
{
	struct mg_task end = {.fn = NULL, .ctx = NULL, .next = NULL};
	struct mg_task *t, **pp;

	if (l->tasks == NULL)
		return;
	task_append(l, &end);
	while ((t = l->tasks) != &end) {
		l->tasks = t->next;
		t->next = NULL;
		t->queued = false;
		l->st.tasks_run++;
		t->fn(t->ctx);
		if (l->stopping)
			break;
	}
	/* Unlink the sentinel: at the head unless the loop is stopping. */
	for (pp = &l->tasks; *pp != &end; pp = &(*pp)->next)
		;
	*pp = end.next;
	if (l->tasks_tail == &end.next)
		l->tasks_tail = pp;
}

/*
 * loop_timers fires the expired timers, earliest first. The pass is bounded
 * to timers started before it began (seq < limit): a timer that a callback
 * starts or re-arms with a deadline already passed (its own, say) fires in
 * the next iteration, after a poll of the devices, instead of looping here.
 *
 * NOTE(loop): the pass ends at the first such timer even if older expired
 * timers sit behind it in the heap; they fire next iteration, so the fire
 * order still follows (deadline, seq).
 */
static void
loop_timers(struct mg_loop *l)
{
	uint64_t limit = l->seq;
	struct mg_timer *t;

	while (l->nheap > 0) {
		t = l->heap[0];
		if (t->deadline > l->now || t->seq >= limit)
			break;
		heap_remove(l, t);
		l->st.timers_fired++;
		t->fn(t->ctx, t);
		if (l->stopping)
			break;
	}
}

/*
 * loop_dispatch calls the watchers of the ready handles in the order they
 * were added. A sentinel marks the end of the list as it was, so watchers
 * added by these callbacks wait for the next wakeup (a watcher that removes
 * and re-adds itself cannot run forever).
 */
static void
loop_dispatch(struct mg_loop *l, mg_handle_set_t ready)
{
	struct mg_watch end = {.h = 0, .fn = NULL, .ctx = NULL, .next = NULL};
	struct mg_watch *w, **pp;
	struct dispatch d;

	watch_append(l, &end);
	d.l = l;
	d.next = l->watches;
	d.up = dispatching;
	dispatching = &d;
	while ((w = d.next) != &end) {
		d.next = w->next;
		if (((ready >> w->h) & 1) == 0)
			continue;
		l->st.wakeups++;
		w->fn(w->ctx, w->h);
		if (l->stopping)
			break;
	}
	dispatching = d.up;
	for (pp = &l->watches; *pp != &end; pp = &(*pp)->next)
		;
	*pp = end.next;
}

static mg_time_t
loop_deadline(const struct mg_loop *l)
{
	if (l->tasks != NULL)
		return l->now; /* poll: queued tasks must not wait */
	if (l->nheap > 0)
		return l->heap[0]->deadline;
	return MG_TIME_NEVER;
}

/*
 * NOTE(loop): the clock is read when run starts and after each yield, i.e.
 * once per iteration with the iteration boundary at the wakeup, so that
 * watchers (and timers they start with mg_timer_start_in) see the time they
 * were woken at, not the time before the loop blocked.
 *
 * A stop requested before run (for instance by setup code that failed)
 * makes it return that status at once; run consumes the request.
 */
int
mg_loop_run(struct mg_loop *l)
{
	mg_handle_set_t ready;
	int status = 0;

	MG_ASSERT(!l->running);
	l->running = true;
	l->now = mg_plat_clock_monotonic();
	for (;;) {
		if (l->stopping || loop_idle(l))
			break;
		l->st.iterations++;
		loop_tasks(l);
		if (l->stopping)
			break;
		loop_timers(l);
		if (l->stopping || loop_idle(l))
			break;
		ready = mg_plat_yield(loop_deadline(l));
		l->st.yields++;
		l->now = mg_plat_clock_monotonic();
		if ((ready & MG_PLAT_SHUTDOWN) != 0)
			break;
		if (ready != 0)
			loop_dispatch(l, ready);
	}
	if (l->stopping)
		status = l->status;
	l->stopping = false;
	l->status = 0;
	l->running = false;
	return status;
}

void
mg_loop_stop(struct mg_loop *l, int status)
{
	l->stopping = true;
	l->status = status;
}

mg_time_t
mg_loop_now(const struct mg_loop *l)
{
	return l->now;
}

void
mg_loop_stats(const struct mg_loop *l, struct mg_loop_stats *out)
{
	*out = l->st;
}

void
mg_timer_init(struct mg_timer *t, mg_timer_fn fn, void *ctx)
{
	t->deadline = 0;
	t->seq = 0;
	t->idx = SIZE_MAX;
	t->fn = fn;
	t->ctx = ctx;
	t->loop = NULL;
}

int
mg_timer_start(struct mg_loop *l, struct mg_timer *t, mg_time_t deadline)
{
	int err;

	MG_ASSERT(t->fn != NULL);
	if (mg_timer_armed(t)) {
		/* Re-arm in place: the heap already has its slot. */
		MG_ASSERT(t->loop == l);
		t->deadline = deadline;
		t->seq = l->seq++;
		heap_fix(l, t->idx);
		return 0;
	}
	err = heap_reserve(l);
	if (err != 0)
		return err;
	t->deadline = deadline;
	t->seq = l->seq++;
	t->loop = l;
	heap_place(l, t, l->nheap++);
	heap_up(l, t->idx);
	return 0;
}

int
mg_timer_start_in(struct mg_loop *l, struct mg_timer *t, mg_time_t delay)
{
	mg_time_t deadline;

	if (__builtin_add_overflow(l->now, delay, &deadline))
		deadline = MG_TIME_NEVER;
	return mg_timer_start(l, t, deadline);
}

void
mg_timer_stop(struct mg_timer *t)
{
	if (mg_timer_armed(t))
		heap_remove(t->loop, t);
}

void
mg_loop_watch(struct mg_loop *l, struct mg_watch *w, mg_handle_t h,
    mg_watch_fn fn, void *ctx)
{
	MG_ASSERT(h <= MG_PLAT_HANDLE_MAX);
	MG_ASSERT(fn != NULL);
	w->h = h;
	w->fn = fn;
	w->ctx = ctx;
	watch_append(l, w);
}

void
mg_loop_unwatch(struct mg_watch *w)
{
	struct mg_loop *l = w->loop;
	struct mg_watch **pp;
	struct dispatch *d;

	if (l == NULL)
		return;
	for (pp = &l->watches; *pp != w; pp = &(*pp)->next)
		MG_ASSERT(*pp != NULL); /* w->loop is stale: not in its list */
	for (d = dispatching; d != NULL; d = d->up)
		if (d->next == w)
			d->next = w->next;
	*pp = w->next;
	w->next = NULL;
	w->loop = NULL;
}

void
mg_task_init(struct mg_task *t, mg_task_fn fn, void *ctx)
{
	t->fn = fn;
	t->ctx = ctx;
	t->next = NULL;
	t->queued = false;
}

void
mg_loop_defer(struct mg_loop *l, struct mg_task *t)
{
	MG_ASSERT(t->fn != NULL);
	if (!t->queued)
		task_append(l, t);
}

void
mg_loop_cancel(struct mg_loop *l, struct mg_task *t)
{
	struct mg_task **pp;

	if (!t->queued)
		return;
	for (pp = &l->tasks; *pp != t; pp = &(*pp)->next)
		MG_ASSERT(*pp != NULL); /* queued on another loop */
	*pp = t->next;
	if (l->tasks_tail == &t->next)
		l->tasks_tail = pp;
	t->next = NULL;
	t->queued = false;
}
