/* SPDX-License-Identifier: ISC */
/* test_loop.c: unit tests for the event loop (timers, watchers, tasks). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "mg/err.h"
#include "mg/heap.h"
#include "mg/loop.h"
#include "mg/time.h"

#include "fake_plat.h"

/* Every test runs on its own loop over the fake platform. */
static struct mg_loop loop;

/* The callbacks record what ran, when, and in which iteration. */
#define NREC 256
static struct rec {
	int id;
	mg_time_t now;
	uint64_t iter;
} recs[NREC];
static size_t nrec;

static void
record(int id)
{
	struct mg_loop_stats st;

	assert_true(nrec < NREC);
	mg_loop_stats(&loop, &st);
	recs[nrec].id = id;
	recs[nrec].now = mg_loop_now(&loop);
	recs[nrec].iter = st.iterations;
	nrec++;
}

static void
assert_ids(const int *ids, size_t n)
{
	size_t i;

	assert_int_equal(nrec, n);
	for (i = 0; i < n; i++)
		assert_int_equal(recs[i].id, ids[i]);
}

static int
setup(void **state)
{
	(void)state;
	fake_plat_reset();
	fake_plat_heap();
	mg_loop_init(&loop);
	nrec = 0;
	return 0;
}

static int
teardown(void **state)
{
	size_t armed = loop.nheap;

	(void)state;
	loop.nheap = 0; /* a failed test may leave timers armed */
	mg_loop_fini(&loop);
	return armed == 0 ? 0 : -1;
}

/* A timer with an id; what the callback does depends on the test. */
struct tt {
	struct mg_timer t;
	int id;
	int left;         /* periodic: fires to go */
	struct tt *other; /* a timer to stop or restart */
};

static void
tt_record(void *ctx, struct mg_timer *t)
{
	struct tt *x = ctx;

	assert_ptr_equal(&x->t, t);
	assert_false(mg_timer_armed(t));
	record(x->id);
}

static void
tt_init(struct tt *x, int id, mg_timer_fn fn)
{
	x->id = id;
	x->left = 0;
	x->other = NULL;
	mg_timer_init(&x->t, fn, x);
}

/* Checks the heap invariants through the loop's private fields. */
static void
assert_heap_ok(const struct mg_loop *l)
{
	size_t i;

	assert_true(l->nheap <= l->capheap);
	for (i = 0; i < l->nheap; i++) {
		const struct mg_timer *t = l->heap[i], *p;

		assert_int_equal(t->idx, i);
		assert_ptr_equal(t->loop, l);
		if (i == 0)
			continue;
		p = l->heap[(i - 1) / 2];
		assert_true(p->deadline < t->deadline ||
		    (p->deadline == t->deadline && p->seq < t->seq));
	}
}

static void
test_loop_timers_fire_in_deadline_order(void **state)
{
	static const int order[] = {10, 20, 30, 40, 50};
	static const int started[] = {30, 10, 50, 20, 40};
	struct tt x[5];
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		tt_init(&x[i], started[i], tt_record);
		assert_int_equal(mg_timer_start(&loop, &x[i].t,
		                     FAKE_PLAT_T0 + MG_MSEC(started[i])),
		    0);
		assert_true(mg_timer_armed(&x[i].t));
	}
	assert_heap_ok(&loop);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(recs[i].now, FAKE_PLAT_T0 + MG_MSEC(order[i]));
	assert_int_equal(fake_now, FAKE_PLAT_T0 + MG_MSEC(50));
}

static void
test_loop_timers_with_equal_deadlines_fire_in_start_order(void **state)
{
	static const int order[] = {0, 1, 3, 4, 5, 6, 7, 2};
	struct tt x[8];
	int i;

	(void)state;
	for (i = 0; i < 8; i++) {
		tt_init(&x[i], i, tt_record);
		assert_int_equal(
		    mg_timer_start(&loop, &x[i].t, FAKE_PLAT_T0 + MG_SEC(1)),
		    0);
	}
	/* Restarting with the same deadline moves 2 behind the others. */
	assert_int_equal(
	    mg_timer_start(&loop, &x[2].t, FAKE_PLAT_T0 + MG_SEC(1)), 0);
	assert_heap_ok(&loop);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(recs[i].now, FAKE_PLAT_T0 + MG_SEC(1));
}

static void
test_loop_timer_restart_and_stop_before_run(void **state)
{
	static const int order[] = {3, 1};
	struct tt x[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		tt_init(&x[i], i, tt_record);
		assert_int_equal(mg_timer_start(&loop, &x[i].t,
		                     FAKE_PLAT_T0 + MG_MSEC(10 * (i + 1))),
		    0);
	}
	mg_timer_stop(&x[0].t);
	mg_timer_stop(&x[0].t); /* harmless when not armed */
	mg_timer_stop(&x[2].t);
	assert_false(mg_timer_armed(&x[0].t));
	assert_int_equal(
	    mg_timer_start(&loop, &x[1].t, FAKE_PLAT_T0 + MG_MSEC(90)), 0);
	assert_int_equal(
	    mg_timer_start(&loop, &x[3].t, FAKE_PLAT_T0 + MG_MSEC(5)), 0);
	assert_int_equal(loop.nheap, 2);
	assert_heap_ok(&loop);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 2);
	assert_int_equal(recs[0].now, FAKE_PLAT_T0 + MG_MSEC(5));
	assert_int_equal(recs[1].now, FAKE_PLAT_T0 + MG_MSEC(90));
}

static void
test_loop_timer_start_in_counts_from_loop_now(void **state)
{
	struct tt x;

	(void)state;
	fake_now = FAKE_PLAT_T0 + MG_SEC(3);
	loop.now = mg_plat_clock_monotonic(); /* as at an iteration start */
	tt_init(&x, 1, tt_record);
	assert_int_equal(mg_timer_start_in(&loop, &x.t, MG_MSEC(250)), 0);
	assert_int_equal(x.t.deadline, FAKE_PLAT_T0 + MG_SEC(3) + MG_MSEC(250));
	/* An overflowing delay saturates at MG_TIME_NEVER. */
	assert_int_equal(mg_timer_start_in(&loop, &x.t, MG_TIME_NEVER - 1), 0);
	assert_int_equal(x.t.deadline, MG_TIME_NEVER);
	mg_timer_stop(&x.t);
}

static void
tt_periodic(void *ctx, struct mg_timer *t)
{
	struct tt *x = ctx;

	record(x->id);
	if (--x->left == 0) {
		mg_loop_stop(&loop, 42);
		return;
	}
	assert_int_equal(mg_timer_start_in(&loop, t, MG_MSEC(10)), 0);
}

static void
test_loop_timer_rearms_itself_periodically_then_stops_loop(void **state)
{
	struct tt x, other;
	size_t i;

	(void)state;
	tt_init(&x, 1, tt_periodic);
	x.left = 5;
	tt_init(&other, 2, tt_record);
	assert_int_equal(mg_timer_start_in(&loop, &x.t, MG_MSEC(10)), 0);
	assert_int_equal(
	    mg_timer_start(&loop, &other.t, FAKE_PLAT_T0 + MG_SEC(60)), 0);
	assert_int_equal(mg_loop_run(&loop), 42);
	assert_int_equal(nrec, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(recs[i].id, 1);
		assert_int_equal(recs[i].now,
		    FAKE_PLAT_T0 + MG_MSEC(10 * (i + 1)));
	}
	assert_false(mg_timer_armed(&x.t));
	assert_true(mg_timer_armed(&other.t));
	mg_timer_stop(&other.t);
}

static void
tt_stop_other(void *ctx, struct mg_timer *t)
{
	struct tt *x = ctx;

	(void)t;
	record(x->id);
	mg_timer_stop(&x->other->t);
}

static void
tt_push_other(void *ctx, struct mg_timer *t)
{
	struct tt *x = ctx;

	(void)t;
	record(x->id);
	assert_int_equal(mg_timer_start_in(&loop, &x->other->t, MG_MSEC(7)), 0);
}

static void
test_loop_timer_stopped_by_earlier_callback_of_same_pass_does_not_fire(
    void **state)
{
	static const int order[] = {1, 2, 4, 3};
	struct tt a, b, c, d, e;
	mg_time_t due = FAKE_PLAT_T0 + MG_MSEC(20);

	(void)state;
	tt_init(&a, 1, tt_stop_other);
	tt_init(&b, 2, tt_push_other);
	tt_init(&c, 3, tt_record);
	tt_init(&d, 4, tt_record);
	tt_init(&e, 5, tt_record);
	a.other = &e; /* stops e, due in the same pass */
	b.other = &c; /* moves c, due in the same pass, 7 ms later */
	assert_int_equal(mg_timer_start(&loop, &a.t, due), 0);
	assert_int_equal(mg_timer_start(&loop, &b.t, due), 0);
	assert_int_equal(mg_timer_start(&loop, &c.t, due), 0);
	assert_int_equal(mg_timer_start(&loop, &d.t, due), 0);
	assert_int_equal(mg_timer_start(&loop, &e.t, due), 0);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 4);
	assert_int_equal(recs[2].now, due);
	assert_int_equal(recs[3].now, due + MG_MSEC(7));
}

static void
tt_rearm_now(void *ctx, struct mg_timer *t)
{
	struct tt *x = ctx;

	record(x->id);
	if (--x->left > 0) /* already due: must wait for the next pass */
		assert_int_equal(mg_timer_start(&loop, t, mg_loop_now(&loop)),
		    0);
}

static void
test_loop_timer_rearmed_as_due_fires_once_per_pass(void **state)
{
	struct tt x, y;
	size_t i;

	(void)state;
	tt_init(&x, 1, tt_rearm_now);
	x.left = 3;
	tt_init(&y, 2, tt_record);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0), 0);
	assert_int_equal(mg_timer_start(&loop, &y.t, FAKE_PLAT_T0 + MG_MSEC(1)),
	    0);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nrec, 4);
	for (i = 0; i < 3; i++) {
		assert_int_equal(recs[i].id, 1);
		assert_int_equal(recs[i].now, FAKE_PLAT_T0);
		assert_int_equal(recs[i].iter, i + 1);
	}
	assert_int_equal(recs[3].id, 2);
	assert_int_equal(recs[3].now, FAKE_PLAT_T0 + MG_MSEC(1));
}

static void
tt_stop_loop(void *ctx, struct mg_timer *t)
{
	struct tt *x = ctx;

	(void)t;
	record(x->id);
	mg_loop_stop(&loop, x->left);
}

static void
test_loop_stop_returns_status_after_current_callback(void **state)
{
	static const int order[] = {1, 2};
	struct tt a, b;

	(void)state;
	tt_init(&a, 1, tt_stop_loop);
	a.left = 7;
	tt_init(&b, 2, tt_record);
	assert_int_equal(mg_timer_start(&loop, &a.t, FAKE_PLAT_T0 + MG_MSEC(1)),
	    0);
	assert_int_equal(mg_timer_start(&loop, &b.t, FAKE_PLAT_T0 + MG_MSEC(1)),
	    0);
	assert_int_equal(mg_loop_run(&loop), 7);
	assert_int_equal(nrec, 1);
	assert_true(mg_timer_armed(&b.t));
	/* The stop is consumed: running again carries on. */
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 2);
	assert_int_equal(recs[1].now, FAKE_PLAT_T0 + MG_MSEC(1));
}

static void
test_loop_stop_before_run_returns_at_once(void **state)
{
	struct tt a;

	(void)state;
	tt_init(&a, 1, tt_record);
	assert_int_equal(mg_timer_start(&loop, &a.t, FAKE_PLAT_T0), 0);
	mg_loop_stop(&loop, 3);
	assert_int_equal(mg_loop_run(&loop), 3);
	assert_int_equal(nrec, 0);
	assert_int_equal(fake_yields, 0);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nrec, 1);
}

static void
test_loop_returns_zero_when_nothing_is_left(void **state)
{
	struct mg_loop_stats st;

	(void)state;
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(fake_yields, 0);
	mg_loop_stats(&loop, &st);
	assert_int_equal(st.iterations, 0);
	assert_int_equal(fake_now, FAKE_PLAT_T0);
}

/* Randomized timers: a fixed-seed generator and a reference model. */
#define RAND_N 20000
static struct mg_timer rt[RAND_N];
static struct ref {
	mg_time_t deadline;
	uint64_t seq;
	bool armed;
} ref[RAND_N];
static uint64_t ref_seq;
static uint32_t fired[8 * RAND_N];
static size_t nfired;
static mg_time_t last_deadline;
static uint64_t last_seq;
static uint32_t rng;
static uint64_t rand_fires_left;

static uint32_t
rand_next(void)
{
	/* xorshift32 */
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void
ref_start(size_t i, mg_time_t deadline)
{
	assert_int_equal(mg_timer_start(&loop, &rt[i], deadline), 0);
	ref[i].deadline = deadline;
	ref[i].seq = ref_seq++;
	ref[i].armed = true;
}

static void
ref_stop(size_t i)
{
	mg_timer_stop(&rt[i]);
	ref[i].armed = false;
}

static int
ref_cmp(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;

	if (ref[i].deadline != ref[j].deadline)
		return ref[i].deadline < ref[j].deadline ? -1 : 1;
	return ref[i].seq < ref[j].seq ? -1 : ref[i].seq > ref[j].seq;
}

static void
rand_fired(void *ctx, struct mg_timer *t)
{
	size_t i = (size_t)((struct ref *)ctx - ref);

	assert_ptr_equal(t, &rt[i]);
	assert_true(ref[i].armed);
	assert_int_equal(mg_loop_now(&loop), ref[i].deadline);
	ref[i].armed = false;
	assert_true(nfired < sizeof(fired) / sizeof(fired[0]));
	fired[nfired++] = (uint32_t)i;
}

static void
rand_setup(mg_timer_fn fn)
{
	size_t i;

	rng = 0x9e3779b9u;
	ref_seq = 0;
	nfired = 0;
	for (i = 0; i < RAND_N; i++) {
		mg_timer_init(&rt[i], fn, &ref[i]);
		ref[i].armed = false;
	}
}

static void
test_loop_timers_random_ops_fire_in_sorted_reference_order(void **state)
{
	static uint32_t want[RAND_N];
	struct mg_loop_stats st;
	size_t i, n, op, cap;
	mg_time_t delay;

	(void)state;
	rand_setup(rand_fired);
	assert_int_equal(loop.capheap, 0);
	for (i = 0; i < RAND_N; i++)
		ref_start(i, FAKE_PLAT_T0 + rand_next() % 5000);
	/* The array grew by doubling from 16. */
	for (cap = 16; cap < RAND_N; cap *= 2)
		;
	assert_int_equal(loop.capheap, cap);
	assert_int_equal(loop.nheap, RAND_N);
	assert_heap_ok(&loop);
	for (op = 0; op < (size_t)3 * RAND_N; op++) {
		i = rand_next() % RAND_N;
		switch (rand_next() % 4) {
		case 0:
		case 1:
			ref_start(i, FAKE_PLAT_T0 + rand_next() % 5000);
			break;
		case 2:
			ref_stop(i);
			break;
		default:
			/* start_in from loop.now == FAKE_PLAT_T0 */
			delay = rand_next() % 5000;
			assert_int_equal(
			    mg_timer_start_in(&loop, &rt[i], delay), 0);
			ref[i].deadline = FAKE_PLAT_T0 + delay;
			ref[i].seq = ref_seq++;
			ref[i].armed = true;
			break;
		}
		if (op % 4999 == 0)
			assert_heap_ok(&loop);
	}
	assert_heap_ok(&loop);
	for (i = n = 0; i < RAND_N; i++)
		if (ref[i].armed)
			want[n++] = (uint32_t)i;
	assert_int_equal(loop.nheap, n);
	assert_true(n > RAND_N / 4);
	qsort(want, n, sizeof(want[0]), ref_cmp);

	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nfired, n);
	assert_memory_equal(fired, want, n * sizeof(want[0]));
	mg_loop_stats(&loop, &st);
	assert_int_equal(st.timers_fired, n);
	assert_int_equal(loop.nheap, 0);
	assert_int_equal(loop.capheap, cap); /* it never shrinks */
}

/*
 * Each callback checks that it comes strictly after the one before in
 * (deadline, seq) order and that the model had it armed, then starts and
 * stops random timers, always in the future: the model then says every
 * fire is the minimum of the armed set, and the loop must fire them all.
 */
static void
rand_fired_ops(void *ctx, struct mg_timer *t)
{
	size_t i = (size_t)((struct ref *)ctx - ref), j, k;
	mg_time_t now = mg_loop_now(&loop);

	if (nfired > 0)
		assert_true(last_deadline < ref[i].deadline ||
		    (last_deadline == ref[i].deadline &&
		        last_seq < ref[i].seq));
	last_deadline = ref[i].deadline;
	last_seq = ref[i].seq;
	rand_fired(ctx, t);
	if (rand_fires_left == 0)
		return;
	rand_fires_left--;
	for (k = 1 + rand_next() % 4; k > 0; k--) {
		j = rand_next() % 2000;
		if (rand_next() % 4 == 0)
			ref_stop(j);
		else
			ref_start(j, now + 1 + rand_next() % 3000);
	}
}

static void
test_loop_timers_random_ops_from_callbacks_keep_order(void **state)
{
	struct mg_loop_stats st;
	size_t i;

	(void)state;
	rand_setup(rand_fired_ops);
	rand_fires_left = 30000;
	for (i = 0; i < 2000; i++)
		ref_start(i, FAKE_PLAT_T0 + rand_next() % 3000);
	assert_int_equal(mg_loop_run(&loop), 0);
	for (i = 0; i < 2000; i++)
		assert_false(ref[i].armed);
	assert_true(nfired >= 30000);
	mg_loop_stats(&loop, &st);
	assert_int_equal(st.timers_fired, nfired);
}

static void
test_loop_timer_start_fails_with_enomem_and_leaves_state_consistent(
    void **state)
{
	static _Alignas(16) unsigned char small[8192];
	struct mg_heap *h;
	size_t i, n, cap;
	int err = 0;

	(void)state;
	h = mg_heap_init(small, sizeof(small), 0);
	assert_non_null(h);
	mg_heap_set_default(h);
	rand_setup(rand_fired);
	for (n = 0; n < 4096; n++) {
		err = mg_timer_start(&loop, &rt[n], FAKE_PLAT_T0 + 5000 - n);
		if (err != 0)
			break;
		ref[n].deadline = FAKE_PLAT_T0 + 5000 - n;
		ref[n].armed = true;
	}
	assert_int_equal(err, -MG_ENOMEM);
	assert_int_equal(n, loop.capheap);
	assert_true(n >= 16);
	assert_false(mg_timer_armed(&rt[n]));
	assert_int_equal(loop.nheap, n);
	assert_heap_ok(&loop);
	cap = loop.capheap;
	/* Re-arming an armed timer needs no memory. */
	assert_int_equal(mg_timer_start(&loop, &rt[0], FAKE_PLAT_T0), 0);
	ref[0].deadline = FAKE_PLAT_T0;
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nfired, n);
	assert_int_equal(fired[0], 0);
	for (i = 1; i < n; i++)
		assert_int_equal(fired[i], n - i);
	assert_int_equal(loop.capheap, cap);
	/* Free the array into the heap it came from. */
	mg_loop_fini(&loop);
	mg_loop_init(&loop);
	fake_plat_heap();
}

/* Watchers. */
struct tw {
	struct mg_watch w;
	int id;
	int calls;
	struct tw *other[2]; /* watchers to remove */
	struct tw *add;      /* a watcher to add */
	mg_handle_t add_h;
	bool unwatch_self, free_self;
	int stop;
};

static void
tw_cb(void *ctx, mg_handle_t h)
{
	struct tw *x = ctx;
	size_t i;

	assert_int_equal(h, x->w.h);
	record(x->id);
	if (x->calls++ > 0)
		return;
	for (i = 0; i < 2; i++)
		if (x->other[i] != NULL)
			mg_loop_unwatch(&x->other[i]->w);
	if (x->add != NULL)
		mg_loop_watch(&loop, &x->add->w, x->add_h, tw_cb, x->add);
	if (x->stop != 0)
		mg_loop_stop(&loop, x->stop);
	if (x->unwatch_self)
		mg_loop_unwatch(&x->w);
	if (x->free_self)
		free(x); /* ASan catches any later use by the loop */
}

static struct tw *
tw_new(int id)
{
	struct tw *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->id = id;
	return x;
}

#define H(h) (1ULL << (h))

static void
test_loop_watchers_called_for_ready_handles_in_add_order(void **state)
{
	static const int order[] = {1, 2, 3, 4};
	struct tw *x[5];
	static const mg_handle_t hs[5] = {3, 1, 2, 3, 4};
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		x[i] = tw_new((int)i + 1);
		mg_loop_watch(&loop, &x[i]->w, hs[i], tw_cb, x[i]);
	}
	fake_plat_inject(FAKE_PLAT_T0 + MG_MSEC(5), H(1) | H(2) | H(3) | H(9));
	/* After the wakeup nothing else can happen: the platform shuts down. */
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(recs[i].now, FAKE_PLAT_T0 + MG_MSEC(5));
	assert_int_equal(fake_yields, 2);
	for (i = 0; i < 5; i++) {
		mg_loop_unwatch(&x[i]->w);
		mg_loop_unwatch(&x[i]->w); /* harmless twice */
		free(x[i]);
	}
	assert_null(loop.watches);
}

static void
test_loop_watcher_removed_during_dispatch_is_not_called(void **state)
{
	static const int order[] = {1, 3, 1, 5};
	struct tw *a = tw_new(1), *b = tw_new(2), *c = tw_new(3),
	          *d = tw_new(4), *e = tw_new(5);

	(void)state;
	a->other[0] = b; /* the next watcher */
	a->other[1] = d; /* a later one */
	a->add = e;      /* waits for the next wakeup */
	a->add_h = 1;
	c->unwatch_self = true;
	c->free_self = true;
	mg_loop_watch(&loop, &a->w, 1, tw_cb, a);
	mg_loop_watch(&loop, &b->w, 1, tw_cb, b);
	mg_loop_watch(&loop, &c->w, 1, tw_cb, c);
	mg_loop_watch(&loop, &d->w, 1, tw_cb, d);
	fake_plat_inject(FAKE_PLAT_T0 + MG_MSEC(1), H(1));
	fake_plat_inject(FAKE_PLAT_T0 + MG_MSEC(2), H(1));
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 4);
	assert_int_equal(recs[2].now, FAKE_PLAT_T0 + MG_MSEC(2));
	mg_loop_unwatch(&a->w);
	mg_loop_unwatch(&b->w);
	mg_loop_unwatch(&d->w);
	mg_loop_unwatch(&e->w);
	assert_null(loop.watches);
	free(a);
	free(b);
	free(d);
	free(e);
}

static void
test_loop_watcher_stops_loop_before_later_watchers(void **state)
{
	static const int order[] = {1};
	struct tw *a = tw_new(1), *b = tw_new(2);

	(void)state;
	a->stop = 9;
	mg_loop_watch(&loop, &a->w, 0, tw_cb, a);
	mg_loop_watch(&loop, &b->w, 0, tw_cb, b);
	fake_plat_inject(FAKE_PLAT_T0, H(0));
	assert_int_equal(mg_loop_run(&loop), 9);
	assert_ids(order, 1);
	mg_loop_unwatch(&a->w);
	mg_loop_unwatch(&b->w);
	free(a);
	free(b);
}

static void
test_loop_shutdown_stops_loop_with_zero(void **state)
{
	struct tw *a = tw_new(1);
	struct tt x;

	(void)state;
	tt_init(&x, 2, tt_record);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0 + MG_SEC(10)),
	    0);
	mg_loop_watch(&loop, &a->w, 2, tw_cb, a);
	fake_plat_inject(FAKE_PLAT_T0 + MG_MSEC(1), H(2) | MG_PLAT_SHUTDOWN);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nrec, 0); /* not even the ready watcher */
	assert_int_equal(fake_now, FAKE_PLAT_T0 + MG_MSEC(1));
	assert_int_equal(mg_loop_now(&loop), FAKE_PLAT_T0 + MG_MSEC(1));
	assert_true(mg_timer_armed(&x.t));
	mg_timer_stop(&x.t);
	mg_loop_unwatch(&a->w);
	free(a);
}

static void
tw_start_timer(void *ctx, mg_handle_t h)
{
	struct tt *x = ctx;

	(void)h;
	assert_int_equal(mg_timer_start_in(&loop, &x->t, MG_MSEC(3)), 0);
}

static void
test_loop_watcher_sees_the_time_it_was_woken_at(void **state)
{
	struct mg_watch w;
	struct tt x;

	(void)state;
	tt_init(&x, 1, tt_record);
	mg_loop_watch(&loop, &w, 5, tw_start_timer, &x);
	fake_plat_inject(FAKE_PLAT_T0 + MG_SEC(4), H(5));
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].now, FAKE_PLAT_T0 + MG_SEC(4) + MG_MSEC(3));
	mg_loop_unwatch(&w);
}

/* Tasks. */
struct tk {
	struct tk *defer;  /* a task to queue */
	struct tk *cancel; /* a task to cancel */
	struct mg_task t;
	int id;
	int left; /* times to queue defer again */
};

static void
tk_cb(void *ctx)
{
	struct tk *x = ctx;

	assert_false(x->t.queued);
	record(x->id);
	if (x->defer != NULL && x->left-- > 0)
		mg_loop_defer(&loop, &x->defer->t);
	if (x->cancel != NULL)
		mg_loop_cancel(&loop, &x->cancel->t);
}

static void
tk_init(struct tk *x, int id)
{
	x->id = id;
	x->defer = NULL;
	x->cancel = NULL;
	x->left = 1;
	mg_task_init(&x->t, tk_cb, x);
}

static void
test_loop_tasks_run_fifo_before_timers(void **state)
{
	static const int order[] = {1, 2, 3, 10};
	struct tk k[3];
	struct tt x;
	int i;

	(void)state;
	tt_init(&x, 10, tt_record);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0), 0);
	for (i = 0; i < 3; i++) {
		tk_init(&k[i], i + 1);
		mg_loop_defer(&loop, &k[i].t);
	}
	mg_loop_defer(&loop, &k[0].t); /* already queued: stays first */
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(recs[i].iter, 1);
}

static void
test_loop_task_deferred_by_task_runs_next_round_without_blocking(void **state)
{
	static const int order[] = {1, 2, 3, 10};
	struct tk a, b, c;
	struct tt x;

	(void)state;
	tt_init(&x, 10, tt_record);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0 + MG_SEC(1)),
	    0);
	tk_init(&a, 1);
	tk_init(&b, 2);
	tk_init(&c, 3);
	a.defer = &c;
	mg_loop_defer(&loop, &a.t);
	mg_loop_defer(&loop, &b.t);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 4);
	assert_int_equal(recs[0].iter, 1);
	assert_int_equal(recs[1].iter, 1);
	assert_int_equal(recs[2].iter, 2);
	/* The yield between the rounds only polled: the clock stood still. */
	assert_int_equal(recs[2].now, FAKE_PLAT_T0);
	assert_int_equal(recs[3].now, FAKE_PLAT_T0 + MG_SEC(1));
}

static void
test_loop_task_requeues_itself_for_several_rounds(void **state)
{
	struct mg_loop_stats st;
	struct tk a;
	struct tt x;
	size_t i;

	(void)state;
	tk_init(&a, 1);
	a.defer = &a;
	a.left = 4;
	tt_init(&x, 10, tt_record);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0 + MG_MSEC(1)),
	    0);
	mg_loop_defer(&loop, &a.t);
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_int_equal(nrec, 6);
	for (i = 0; i < 5; i++) {
		assert_int_equal(recs[i].id, 1);
		assert_int_equal(recs[i].iter, i + 1);
		assert_int_equal(recs[i].now, FAKE_PLAT_T0);
	}
	assert_int_equal(recs[5].id, 10);
	assert_int_equal(recs[5].now, FAKE_PLAT_T0 + MG_MSEC(1));
	mg_loop_stats(&loop, &st);
	assert_int_equal(st.tasks_run, 5);
	assert_false(a.t.queued);
	assert_null(loop.tasks);
	assert_ptr_equal(loop.tasks_tail, &loop.tasks);
}

static void
test_loop_cancel_removes_queued_tasks(void **state)
{
	static const int order[] = {1, 3, 6};
	struct tk k[6];
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		tk_init(&k[i], i + 1);
	k[0].cancel = &k[3]; /* later in the same round */
	for (i = 0; i < 5; i++)
		mg_loop_defer(&loop, &k[i].t);
	mg_loop_cancel(&loop, &k[1].t); /* in the middle */
	mg_loop_cancel(&loop, &k[4].t); /* the tail */
	mg_loop_cancel(&loop, &k[4].t); /* harmless when not queued */
	assert_false(k[4].t.queued);
	mg_loop_defer(&loop, &k[5].t); /* the tail pointer was moved back */
	assert_int_equal(mg_loop_run(&loop), 0);
	assert_ids(order, 3);
	assert_false(k[3].t.queued);
	assert_null(loop.tasks);
}

static void
test_loop_stats_count_iterations_yields_and_callbacks(void **state)
{
	struct mg_loop_stats st;
	struct tk a, b;
	struct tt x;
	struct tw *w = tw_new(3);

	(void)state;
	tk_init(&a, 1);
	tk_init(&b, 2);
	tt_init(&x, 10, tt_record);
	mg_loop_defer(&loop, &a.t);
	mg_loop_defer(&loop, &b.t);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0 + MG_MSEC(1)),
	    0);
	mg_loop_watch(&loop, &w->w, 7, tw_cb, w);
	fake_plat_inject(FAKE_PLAT_T0 + MG_MSEC(2), H(7));
	assert_int_equal(mg_loop_run(&loop), 0);
	mg_loop_stats(&loop, &st);
	assert_int_equal(st.iterations, 3);
	assert_int_equal(st.yields, 3);
	assert_int_equal(fake_yields, 3);
	assert_int_equal(st.tasks_run, 2);
	assert_int_equal(st.timers_fired, 1);
	assert_int_equal(st.wakeups, 1);
	mg_loop_unwatch(&w->w);
	free(w);
}

static void
test_loop_default_is_initialised_once(void **state)
{
	struct mg_loop *d = mg_loop_default();
	struct mg_timer t;

	(void)state;
	assert_non_null(d);
	assert_ptr_equal(mg_loop_default(), d);
	assert_int_equal(d->nheap, 0);
	assert_ptr_equal(d->tasks_tail, &d->tasks);
	mg_timer_init(&t, tt_record, NULL);
	assert_int_equal(mg_timer_start(d, &t, MG_TIME_NEVER), 0);
	assert_ptr_equal(mg_loop_default(), d);
	assert_int_equal(d->nheap, 1);
	mg_timer_stop(&t);
	assert_int_equal(d->nheap, 0);
}

/* API misuse aborts through MG_ASSERT (fake_abort_jmp catches it). */
static void
test_loop_watch_handle_above_max_asserts(void **state)
{
	jmp_buf jb;
	struct mg_watch w;

	(void)state;
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_loop_watch(&loop, &w, MG_PLAT_HANDLE_MAX + 1, tw_cb, NULL);
		fail_msg("no assertion");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(fake_exit_status, 255);
	assert_null(loop.watches);
}

static void
test_loop_timer_restart_on_other_loop_while_armed_asserts(void **state)
{
	static struct mg_loop other;
	jmp_buf jb;
	struct tt x;

	(void)state;
	mg_loop_init(&other);
	tt_init(&x, 1, tt_record);
	assert_int_equal(mg_timer_start(&loop, &x.t, FAKE_PLAT_T0), 0);
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		(void)mg_timer_start(&other, &x.t, FAKE_PLAT_T0);
		fail_msg("no assertion");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(fake_exit_status, 255);
	mg_timer_stop(&x.t);
	/* Once stopped it may move. */
	assert_int_equal(mg_timer_start(&other, &x.t, FAKE_PLAT_T0), 0);
	mg_timer_stop(&x.t);
	mg_loop_fini(&other);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_loop_timers_fire_in_deadline_order),
	    T(test_loop_timers_with_equal_deadlines_fire_in_start_order),
	    T(test_loop_timer_restart_and_stop_before_run),
	    T(test_loop_timer_start_in_counts_from_loop_now),
	    T(test_loop_timer_rearms_itself_periodically_then_stops_loop),
	    T(test_loop_timer_stopped_by_earlier_callback_of_same_pass_does_not_fire),
	    T(test_loop_timer_rearmed_as_due_fires_once_per_pass),
	    T(test_loop_stop_returns_status_after_current_callback),
	    T(test_loop_stop_before_run_returns_at_once),
	    T(test_loop_returns_zero_when_nothing_is_left),
	    T(test_loop_timers_random_ops_fire_in_sorted_reference_order),
	    T(test_loop_timers_random_ops_from_callbacks_keep_order),
	    T(test_loop_timer_start_fails_with_enomem_and_leaves_state_consistent),
	    T(test_loop_watchers_called_for_ready_handles_in_add_order),
	    T(test_loop_watcher_removed_during_dispatch_is_not_called),
	    T(test_loop_watcher_stops_loop_before_later_watchers),
	    T(test_loop_shutdown_stops_loop_with_zero),
	    T(test_loop_watcher_sees_the_time_it_was_woken_at),
	    T(test_loop_tasks_run_fifo_before_timers),
	    T(test_loop_task_deferred_by_task_runs_next_round_without_blocking),
	    T(test_loop_task_requeues_itself_for_several_rounds),
	    T(test_loop_cancel_removes_queued_tasks),
	    T(test_loop_stats_count_iterations_yields_and_callbacks),
	    T(test_loop_default_is_initialised_once),
	    T(test_loop_watch_handle_above_max_asserts),
	    T(test_loop_timer_restart_on_other_loop_while_armed_asserts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
