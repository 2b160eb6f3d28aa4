/* SPDX-License-Identifier: ISC */
/* test_pkt.c: unit tests for packet buffers and pools. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mg/err.h"
#include "mg/pkt.h"
#include "mg/view.h"

#include "fake_plat.h"

/* A pool over heap memory of exactly the size asked for, so ASan sees any
 * byte written outside it. */
struct tpool {
	struct mg_pkt_pool pool;
	uint8_t *mem;
	size_t memlen;
	long n;
};

static void
tpool_init(struct tpool *t, size_t n, size_t bufsize, size_t headroom)
{
	t->memlen = mg_pkt_pool_memsize(n, bufsize);
	assert_true(t->memlen > 0);
	t->mem = malloc(t->memlen);
	assert_non_null(t->mem);
	t->n = mg_pkt_pool_init(&t->pool, t->mem, t->memlen, bufsize, headroom);
	assert_int_equal(t->n, (long)n);
}

static void
tpool_fini(struct tpool *t)
{
	free(t->mem);
	t->mem = NULL;
}

static int
setup(void **state)
{
	(void)state;
	fake_plat_reset();
	return 0;
}

/*
 * Pool set-up
 */

static void
test_pkt_pool_memsize_grows_with_n(void **state)
{
	size_t one = mg_pkt_pool_memsize(1, 2048);
	size_t two = mg_pkt_pool_memsize(2, 2048);

	(void)state;
	assert_true(one > 2048);
	assert_true(two > one);
	/* Each buffer costs the same: header plus rounded buffer. */
	assert_int_equal(mg_pkt_pool_memsize(3, 2048) - two, two - one);
}

static void
test_pkt_pool_memsize_rounds_bufsize_to_64(void **state)
{
	(void)state;
	assert_int_equal(mg_pkt_pool_memsize(4, 100),
	    mg_pkt_pool_memsize(4, 128));
	assert_int_equal(mg_pkt_pool_memsize(4, 65),
	    mg_pkt_pool_memsize(4, 128));
	assert_true(mg_pkt_pool_memsize(4, 129) > mg_pkt_pool_memsize(4, 128));
}

static void
test_pkt_pool_memsize_overflow_gives_0(void **state)
{
	(void)state;
	assert_int_equal(mg_pkt_pool_memsize(SIZE_MAX / 2, 2048), 0);
	assert_int_equal(mg_pkt_pool_memsize(SIZE_MAX, 64), 0);
	assert_int_equal(mg_pkt_pool_memsize(2, SIZE_MAX / 2), 0);
	assert_int_equal(mg_pkt_pool_memsize(1, SIZE_MAX - 63), 0);
}

static void
test_pkt_pool_memsize_bufsize_rounding_overflow_gives_0(void **state)
{
	(void)state;
	/* Rounding these up to 64 wraps around to 0. */
	assert_int_equal(mg_pkt_pool_memsize(1, SIZE_MAX), 0);
	assert_int_equal(mg_pkt_pool_memsize(1, SIZE_MAX - 62), 0);
}

static void
test_pkt_pool_init_count_matches_memsize(void **state)
{
	size_t n, mis;

	(void)state;
	/* memsize(n) is enough for n buffers at any alignment, and never
	 * for n + 1. */
	for (n = 1; n <= 8; n++) {
		size_t len = mg_pkt_pool_memsize(n, 300);
		uint8_t *mem = malloc(len + 64);

		assert_non_null(mem);
		for (mis = 0; mis < 64; mis++) {
			struct mg_pkt_pool pool;

			assert_int_equal(
			    mg_pkt_pool_init(&pool, mem + mis, len, 300, 0),
			    (long)n);
		}
		free(mem);
	}
}

static void
test_pkt_pool_init_rejects_too_small_memory(void **state)
{
	size_t len = mg_pkt_pool_memsize(1, 256);
	struct mg_pkt_pool pool;
	uint8_t *mem = malloc(len + 64);
	uint8_t *aligned;

	(void)state;
	assert_non_null(mem);
	aligned = mem + ((64 - (uintptr_t)mem % 64) % 64);
	/* Aligned: one header and one buffer, minus one byte. */
	assert_int_equal(mg_pkt_pool_init(&pool, aligned, len - 63 - 1, 256, 0),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, aligned, len - 63, 256, 0), 1);
	/* One byte past a boundary: 63 bytes are lost to alignment. */
	assert_int_equal(mg_pkt_pool_init(&pool, aligned + 1, len - 1, 256, 0),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, aligned + 1, len, 256, 0), 1);
	assert_int_equal(mg_pkt_pool_init(&pool, aligned + 1, 0, 256, 0),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, aligned + 1, 62, 256, 0),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, NULL, len, 256, 0),
	    -MG_EINVAL);
	free(mem);
}

static void
test_pkt_pool_init_rejects_headroom_ge_bufsize(void **state)
{
	struct tpool t;
	struct mg_pkt_pool pool;
	size_t len = mg_pkt_pool_memsize(2, 256);

	(void)state;
	tpool_init(&t, 2, 256, 255);
	assert_int_equal(mg_pkt_pool_init(&pool, t.mem, len, 256, 256),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, t.mem, len, 256, 257),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, t.mem, len, 0, 0), -MG_EINVAL);
	/* The limit is the size asked for, not the rounded-up one. */
	assert_int_equal(mg_pkt_pool_init(&pool, t.mem, len, 200, 200),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, t.mem, len, 200, 199), 2);
	tpool_fini(&t);
}

static void
test_pkt_pool_init_rejects_bufsize_near_size_max(void **state)
{
	size_t len = mg_pkt_pool_memsize(4, 2048);
	struct mg_pkt_pool pool;
	uint8_t *mem = malloc(len);

	(void)state;
	assert_non_null(mem);
	/* Rounding SIZE_MAX up to 64 wraps to 0: no buffer of that size fits.
	 */
	assert_int_equal(mg_pkt_pool_init(&pool, mem, len, SIZE_MAX, 100),
	    -MG_EINVAL);
	assert_int_equal(mg_pkt_pool_init(&pool, mem, len, SIZE_MAX - 62, 0),
	    -MG_EINVAL);
	free(mem);
}

static void
test_pkt_pool_init_unaligned_mem(void **state)
{
	size_t len = mg_pkt_pool_memsize(3, 100);
	uint8_t *mem = malloc(len + 1);
	struct mg_pkt_pool pool;
	struct mg_pkt *p[3];
	size_t i;

	(void)state;
	assert_non_null(mem);
	assert_int_equal(mg_pkt_pool_init(&pool, mem + 1, len, 100, 10), 3);
	for (i = 0; i < 3; i++) {
		p[i] = mg_pkt_alloc(&pool);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i]->buf % 64, 0);
		assert_int_equal((uintptr_t)p[i] % _Alignof(struct mg_pkt), 0);
		assert_true((uint8_t *)p[i] >= mem + 1);
		assert_true(p[i]->buf >= mem + 1);
		assert_true(p[i]->buf + p[i]->cap <= mem + 1 + len);
	}
	free(mem);
}

static void
test_pkt_pool_stats_after_init(void **state)
{
	struct mg_pkt_pool_stats st;
	struct tpool t;

	(void)state;
	tpool_init(&t, 5, 1000, 64);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.total, 5);
	assert_int_equal(st.avail, 5);
	assert_int_equal(st.low, 5);
	assert_int_equal(st.bufsize, 1024);
	assert_int_equal(st.alloc, 0);
	assert_int_equal(st.fail, 0);
	tpool_fini(&t);
}

/*
 * Allocation and references
 */

static void
test_pkt_alloc_gives_fresh_packet(void **state)
{
	struct tpool t;
	struct mg_pkt *p;

	(void)state;
	tpool_init(&t, 2, 300, 40);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(p);
	assert_int_equal(p->refcnt, 1);
	assert_int_equal(p->len, 0);
	assert_int_equal(p->cap, 320);
	assert_ptr_equal(p->data, p->buf + 40);
	assert_ptr_equal(p->pool, &t.pool);
	assert_null(p->next);
	assert_int_equal(p->user, 0);
	assert_int_equal(mg_pkt_headroom(p), 40);
	assert_int_equal(mg_pkt_tailroom(p), 280);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_alloc_resets_reused_packet(void **state)
{
	struct tpool t;
	struct mg_pkt *p, *q;

	(void)state;
	tpool_init(&t, 1, 256, 32);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(p);
	assert_non_null(mg_pkt_put(p, 20));
	assert_int_equal(mg_pkt_push(p, 10), 0);
	p->user = 77;
	p->next = p;
	mg_pkt_free(p);
	q = mg_pkt_alloc(&t.pool);
	assert_ptr_equal(q, p);
	assert_int_equal(q->len, 0);
	assert_ptr_equal(q->data, q->buf + 32);
	assert_int_equal(q->user, 0);
	assert_null(q->next);
	assert_int_equal(q->refcnt, 1);
	mg_pkt_free(q);
	tpool_fini(&t);
}

static void
test_pkt_alloc_until_exhausted(void **state)
{
	struct mg_pkt_pool_stats st;
	struct mg_pkt *p[4], *x;
	struct tpool t;
	size_t i, j;

	(void)state;
	tpool_init(&t, 4, 128, 0);
	for (i = 0; i < 4; i++) {
		p[i] = mg_pkt_alloc(&t.pool);
		assert_non_null(p[i]);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(p[i], p[j]);
	}
	assert_null(mg_pkt_alloc(&t.pool));
	assert_null(mg_pkt_alloc(&t.pool));
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.alloc, 4);
	assert_int_equal(st.fail, 2);
	assert_int_equal(st.avail, 0);
	assert_int_equal(st.low, 0);
	assert_int_equal(st.total, 4);

	/* A free makes room for exactly one more. */
	mg_pkt_free(p[2]);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 1);
	assert_int_equal(st.low, 0);
	x = mg_pkt_alloc(&t.pool);
	assert_ptr_equal(x, p[2]);
	assert_null(mg_pkt_alloc(&t.pool));
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.alloc, 5);
	assert_int_equal(st.fail, 3);
	for (i = 0; i < 4; i++)
		mg_pkt_free(p[i]);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 4);
	tpool_fini(&t);
}

static void
test_pkt_low_watermark_keeps_minimum(void **state)
{
	struct mg_pkt_pool_stats st;
	struct mg_pkt *p[3];
	struct tpool t;
	size_t i;

	(void)state;
	tpool_init(&t, 4, 128, 0);
	for (i = 0; i < 3; i++)
		p[i] = mg_pkt_alloc(&t.pool);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.low, 1);
	for (i = 0; i < 3; i++)
		mg_pkt_free(p[i]);
	p[0] = mg_pkt_alloc(&t.pool);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 3);
	assert_int_equal(st.low, 1);
	mg_pkt_free(p[0]);
	tpool_fini(&t);
}

static void
test_pkt_free_restores_all_buffers(void **state)
{
	struct mg_pkt_pool_stats st;
	struct mg_pkt *p[6];
	struct tpool t;
	size_t i, round;

	(void)state;
	tpool_init(&t, 6, 128, 0);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 6; i++)
			assert_non_null(p[i] = mg_pkt_alloc(&t.pool));
		assert_null(mg_pkt_alloc(&t.pool));
		for (i = 0; i < 6; i++)
			mg_pkt_free(p[(i * 5) % 6]);
	}
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 6);
	assert_int_equal(st.alloc, 18);
	assert_int_equal(st.fail, 3);
	tpool_fini(&t);
}

static void
test_pkt_free_null_is_ignored(void **state)
{
	(void)state;
	mg_pkt_free(NULL);
}

static void
test_pkt_ref_twice_free_thrice(void **state)
{
	struct mg_pkt_pool_stats st;
	struct mg_pkt *p, *q;
	struct tpool t;

	(void)state;
	tpool_init(&t, 2, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	mg_pkt_ref(p);
	mg_pkt_ref(p);
	assert_int_equal(p->refcnt, 3);
	mg_pkt_free(p);
	mg_pkt_free(p);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 1);
	assert_int_equal(p->refcnt, 1);
	mg_pkt_free(p);
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 2);
	/* It is back in the pool: the next allocation is this buffer. */
	q = mg_pkt_alloc(&t.pool);
	assert_ptr_equal(q, p);
	mg_pkt_free(q);
	tpool_fini(&t);
}

static void
test_pkt_double_free_panics(void **state)
{
	struct mg_pkt_pool_stats st;
	struct mg_pkt *p;
	struct tpool t;
	jmp_buf jb;

	(void)state;
	tpool_init(&t, 2, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	mg_pkt_free(p);
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_pkt_free(p);
		fake_abort_jmp = NULL;
		fail_msg("double free did not panic");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(fake_exit_status, 255);
	/* The buffer went back once, not twice. */
	mg_pkt_pool_stats(&t.pool, &st);
	assert_int_equal(st.avail, 2);
	tpool_fini(&t);
}

static void
test_pkt_extra_free_after_refs_panics(void **state)
{
	struct mg_pkt *p;
	struct tpool t;
	jmp_buf jb;

	(void)state;
	tpool_init(&t, 1, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	mg_pkt_ref(p);
	mg_pkt_free(p);
	mg_pkt_free(p);
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_pkt_free(p);
		fake_abort_jmp = NULL;
		fail_msg("third free of a packet with one ref did not panic");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(fake_exit_status, 255);
	tpool_fini(&t);
}

static void
test_pkt_ref_of_free_packet_panics(void **state)
{
	struct mg_pkt *p;
	struct tpool t;
	jmp_buf jb;

	(void)state;
	tpool_init(&t, 1, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	mg_pkt_free(p);
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_pkt_ref(p);
		fake_abort_jmp = NULL;
		fail_msg("ref of a free packet did not panic");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(p->refcnt, 0);
	tpool_fini(&t);
}

static void
test_pkt_ref_panics_at_refcnt_max(void **state)
{
	struct mg_pkt *p;
	struct tpool t;
	jmp_buf jb;

	(void)state;
	tpool_init(&t, 1, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	/* Test-only: skip four billion mg_pkt_ref calls. */
	p->refcnt = UINT32_MAX - 1;
	mg_pkt_ref(p);
	assert_int_equal(p->refcnt, UINT32_MAX);
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_pkt_ref(p);
		fake_abort_jmp = NULL;
		fail_msg("refcnt overflow did not panic");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(p->refcnt, UINT32_MAX);
	tpool_fini(&t);
}

/*
 * Moving data and len
 */

static void
test_pkt_push_exact_headroom(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 256, 54);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 10));
	assert_int_equal(mg_pkt_push(p, 14), 0);
	assert_int_equal(mg_pkt_headroom(p), 40);
	assert_int_equal(p->len, 24);
	assert_int_equal(mg_pkt_push(p, 40), 0);
	assert_ptr_equal(p->data, p->buf);
	assert_int_equal(p->len, 64);
	assert_int_equal(mg_pkt_headroom(p), 0);
	assert_int_equal(mg_pkt_push(p, 0), 0);
	assert_int_equal(mg_pkt_push(p, 1), -MG_ENOSPC);
	assert_ptr_equal(p->data, p->buf);
	assert_int_equal(p->len, 64);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_push_one_past_headroom_fails(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 256, 54);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 10));
	assert_int_equal(mg_pkt_push(p, 55), -MG_ENOSPC);
	assert_int_equal(mg_pkt_push(p, SIZE_MAX), -MG_ENOSPC);
	assert_ptr_equal(p->data, p->buf + 54);
	assert_int_equal(p->len, 10);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_pull_exact_len(void **state)
{
	struct mg_pkt *p;
	struct tpool t;
	uint8_t *q;

	(void)state;
	tpool_init(&t, 1, 256, 20);
	p = mg_pkt_alloc(&t.pool);
	q = mg_pkt_put(p, 30);
	assert_non_null(q);
	assert_int_equal(mg_pkt_pull(p, 14), 0);
	assert_ptr_equal(p->data, q + 14);
	assert_int_equal(p->len, 16);
	assert_int_equal(mg_pkt_headroom(p), 34);
	assert_int_equal(mg_pkt_pull(p, 16), 0);
	assert_int_equal(p->len, 0);
	assert_ptr_equal(p->data, q + 30);
	assert_int_equal(mg_pkt_pull(p, 0), 0);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_pull_one_past_len_fails(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 256, 20);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 30));
	assert_int_equal(mg_pkt_pull(p, 31), -MG_EINVAL);
	assert_int_equal(mg_pkt_pull(p, SIZE_MAX), -MG_EINVAL);
	assert_ptr_equal(p->data, p->buf + 20);
	assert_int_equal(p->len, 30);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_put_exact_tailroom(void **state)
{
	struct mg_pkt *p;
	struct tpool t;
	uint8_t *q;

	(void)state;
	tpool_init(&t, 1, 256, 20);
	p = mg_pkt_alloc(&t.pool);
	q = mg_pkt_put(p, 100);
	assert_ptr_equal(q, p->buf + 20);
	q = mg_pkt_put(p, 136);
	assert_ptr_equal(q, p->buf + 120);
	assert_int_equal(p->len, 236);
	assert_int_equal(mg_pkt_tailroom(p), 0);
	/* Zero bytes fit even in a full packet. */
	q = mg_pkt_put(p, 0);
	assert_ptr_equal(q, p->buf + 256);
	assert_int_equal(p->len, 236);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_put_one_past_tailroom_fails(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 256, 20);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 6));
	assert_null(mg_pkt_put(p, 231));
	assert_null(mg_pkt_put(p, SIZE_MAX));
	assert_ptr_equal(p->data, p->buf + 20);
	assert_int_equal(p->len, 6);
	assert_non_null(mg_pkt_put(p, 230));
	assert_null(mg_pkt_put(p, 1));
	assert_int_equal(p->len, 236);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_trim_exact_and_one_past(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 256, 20);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 50));
	assert_int_equal(mg_pkt_trim(p, 51), -MG_EINVAL);
	assert_int_equal(mg_pkt_trim(p, SIZE_MAX), -MG_EINVAL);
	assert_int_equal(p->len, 50);
	assert_int_equal(mg_pkt_trim(p, 50), 0);
	assert_int_equal(p->len, 50);
	assert_int_equal(mg_pkt_trim(p, 7), 0);
	assert_int_equal(p->len, 7);
	assert_ptr_equal(p->data, p->buf + 20);
	assert_int_equal(mg_pkt_tailroom(p), 229);
	assert_int_equal(mg_pkt_trim(p, 0), 0);
	assert_int_equal(p->len, 0);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_reset_exact_cap_and_one_past(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 256, 20);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 50));
	assert_int_equal(mg_pkt_reset(p, 257), -MG_EINVAL);
	assert_int_equal(mg_pkt_reset(p, SIZE_MAX), -MG_EINVAL);
	assert_ptr_equal(p->data, p->buf + 20);
	assert_int_equal(p->len, 50);
	assert_int_equal(mg_pkt_reset(p, 256), 0);
	assert_int_equal(p->len, 0);
	assert_int_equal(mg_pkt_headroom(p), 256);
	assert_int_equal(mg_pkt_tailroom(p), 0);
	assert_null(mg_pkt_put(p, 1));
	assert_int_equal(mg_pkt_reset(p, 0), 0);
	assert_ptr_equal(p->data, p->buf);
	assert_int_equal(mg_pkt_tailroom(p), 256);
	assert_int_equal(mg_pkt_push(p, 1), -MG_ENOSPC);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_headroom_len_tailroom_sum_to_cap(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 2048, 128);
	p = mg_pkt_alloc(&t.pool);
	assert_int_equal(mg_pkt_headroom(p) + p->len + mg_pkt_tailroom(p),
	    p->cap);
	assert_non_null(mg_pkt_put(p, 1000));
	assert_int_equal(mg_pkt_push(p, 42), 0);
	assert_int_equal(mg_pkt_pull(p, 14), 0);
	assert_int_equal(mg_pkt_trim(p, 500), 0);
	assert_int_equal(mg_pkt_headroom(p), 128 - 42 + 14);
	assert_int_equal(p->len, 500);
	assert_int_equal(mg_pkt_tailroom(p), 2048 - 100 - 500);
	assert_int_equal(mg_pkt_headroom(p) + p->len + mg_pkt_tailroom(p),
	    p->cap);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_view_covers_data(void **state)
{
	struct mg_pkt *p;
	struct tpool t;
	mg_view v;

	(void)state;
	tpool_init(&t, 1, 256, 16);
	p = mg_pkt_alloc(&t.pool);
	v = mg_pkt_view(p);
	assert_int_equal(v.len, 0);
	memcpy(mg_pkt_put(p, 4), "abcd", 4);
	v = mg_pkt_view(p);
	assert_ptr_equal(v.p, p->data);
	assert_int_equal(v.len, 4);
	assert_true(mg_view_eq(v, mg_view_str("abcd")));
	mg_pkt_free(p);
	tpool_fini(&t);
}

/*
 * Write cursors over a packet
 */

static void
test_pkt_wr_writes_into_tailroom(void **state)
{
	struct mg_pkt *p;
	struct mg_wr w;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, 128, 14);
	p = mg_pkt_alloc(&t.pool);
	memcpy(mg_pkt_put(p, 3), "hdr", 3);
	w = mg_pkt_wr(p);
	assert_ptr_equal(w.p, p->data + 3);
	assert_int_equal(w.cap, mg_pkt_tailroom(p));
	assert_int_equal(mg_wr_left(&w), 128 - 14 - 3);
	assert_true(mg_wr_u32be(&w, 0x01020304));
	/* Nothing is appended until the commit. */
	assert_int_equal(p->len, 3);
	mg_pkt_wr_commit(p, &w);
	assert_int_equal(p->len, 7);
	assert_true(
	    mg_view_eq(mg_pkt_view(p), mg_view_make("hdr\x01\x02\x03\x04", 7)));
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_wr_stops_at_tailroom(void **state)
{
	struct mg_pkt *p;
	struct mg_wr w;
	struct tpool t;
	size_t room;

	(void)state;
	tpool_init(&t, 2, 128, 14);
	p = mg_pkt_alloc(&t.pool);
	room = mg_pkt_tailroom(p);
	w = mg_pkt_wr(p);
	assert_true(mg_wr_zero(&w, room - 1));
	assert_false(mg_wr_u16be(&w, 0xffff));
	assert_false(mg_wr_ok(&w));
	/* The commit appends what was written before the failure. */
	mg_pkt_wr_commit(p, &w);
	assert_int_equal(p->len, room - 1);
	assert_int_equal(mg_pkt_tailroom(p), 1);
	w = mg_pkt_wr(p);
	assert_true(mg_wr_u8(&w, 0xee));
	assert_false(mg_wr_u8(&w, 0xee));
	mg_pkt_wr_commit(p, &w);
	assert_int_equal(mg_pkt_tailroom(p), 0);
	w = mg_pkt_wr(p);
	assert_int_equal(mg_wr_left(&w), 0);
	assert_false(mg_wr_u8(&w, 1));
	mg_pkt_wr_commit(p, &w);
	assert_int_equal(p->len, 128 - 14);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_wr_rewind_commits_only_kept_bytes(void **state)
{
	struct mg_pkt *p;
	struct mg_wr w;
	struct tpool t;
	size_t mark;

	(void)state;
	tpool_init(&t, 1, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	w = mg_pkt_wr(p);
	assert_true(mg_wr_u16be(&w, 0xabcd));
	mark = mg_wr_len(&w);
	assert_true(mg_wr_zero(&w, 50));
	mg_wr_rewind(&w, mark);
	mg_pkt_wr_commit(p, &w);
	assert_int_equal(p->len, 2);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_wr_commit_of_other_packet_panics(void **state)
{
	struct mg_pkt *p, *q;
	struct mg_wr w;
	struct tpool t;
	jmp_buf jb;

	(void)state;
	tpool_init(&t, 2, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	q = mg_pkt_alloc(&t.pool);
	w = mg_pkt_wr(p);
	assert_true(mg_wr_u8(&w, 1));
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_pkt_wr_commit(q, &w);
		fake_abort_jmp = NULL;
		fail_msg("commit of another packet's cursor did not panic");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(q->len, 0);
	mg_pkt_free(p);
	mg_pkt_free(q);
	tpool_fini(&t);
}

static void
test_pkt_wr_commit_after_put_panics(void **state)
{
	struct mg_pkt *p;
	struct mg_wr w;
	struct tpool t;
	jmp_buf jb;

	(void)state;
	tpool_init(&t, 1, 128, 0);
	p = mg_pkt_alloc(&t.pool);
	w = mg_pkt_wr(p);
	assert_true(mg_wr_u8(&w, 1));
	/* The packet moved on: the cursor no longer starts at its end. */
	assert_non_null(mg_pkt_put(p, 1));
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		mg_pkt_wr_commit(p, &w);
		fake_abort_jmp = NULL;
		fail_msg("stale cursor commit did not panic");
	}
	fake_abort_jmp = NULL;
	assert_int_equal(p->len, 1);
	mg_pkt_free(p);
	tpool_fini(&t);
}

/*
 * Buffer layout
 */

static void
test_pkt_buffers_never_overlap(void **state)
{
	enum {
		N = 16
	};
	struct mg_pkt *p[N];
	struct tpool t;
	size_t i, j;

	(void)state;
	/* 200 rounds up to 256: a write of the whole cap must stay inside. */
	tpool_init(&t, N, 200, 0);
	for (i = 0; i < N; i++) {
		p[i] = mg_pkt_alloc(&t.pool);
		assert_non_null(p[i]);
		assert_int_equal(p[i]->cap, 256);
	}
	for (i = 0; i < N; i++)
		memset(mg_pkt_put(p[i], p[i]->cap), (int)(0x40 + i), p[i]->cap);
	for (i = 0; i < N; i++) {
		/* Headers are intact: no buffer covers one. */
		assert_int_equal(p[i]->cap, 256);
		assert_int_equal(p[i]->len, 256);
		assert_int_equal(p[i]->refcnt, 1);
		assert_ptr_equal(p[i]->pool, &t.pool);
		for (j = 0; j < p[i]->cap; j++)
			assert_int_equal(p[i]->buf[j], 0x40 + i);
	}
	for (i = 0; i < N; i++)
		mg_pkt_free(p[i]);
	tpool_fini(&t);
}

static void
test_pkt_buffers_are_64_byte_aligned(void **state)
{
	enum {
		N = 7
	};
	struct mg_pkt *p[N];
	struct tpool t;
	size_t i;

	(void)state;
	tpool_init(&t, N, MG_PKT_BUFSIZE_DEFAULT - 1, MG_PKT_HEADROOM_DEFAULT);
	for (i = 0; i < N; i++) {
		p[i] = mg_pkt_alloc(&t.pool);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i]->buf % 64, 0);
		assert_int_equal(p[i]->cap % 64, 0);
		assert_true(p[i]->cap >= MG_PKT_BUFSIZE_DEFAULT - 1);
		/* The default headroom keeps the data aligned as well. */
		assert_int_equal((uintptr_t)p[i]->data % 64, 0);
		assert_true(p[i]->buf >= t.mem);
		assert_true(p[i]->buf + p[i]->cap <= t.mem + t.memlen);
	}
	for (i = 0; i < N; i++)
		mg_pkt_free(p[i]);
	tpool_fini(&t);
}

static void
test_pkt_default_frame_fits_default_buffer(void **state)
{
	struct mg_pkt *p;
	struct tpool t;

	(void)state;
	tpool_init(&t, 1, MG_PKT_BUFSIZE_DEFAULT, MG_PKT_HEADROOM_DEFAULT);
	p = mg_pkt_alloc(&t.pool);
	assert_non_null(mg_pkt_put(p, 1514));
	assert_int_equal(mg_pkt_push(p, MG_PKT_HEADROOM_DEFAULT), 0);
	mg_pkt_free(p);
	tpool_fini(&t);
}

static void
test_pkt_default_pool_set_get(void **state)
{
	struct tpool t;

	(void)state;
	assert_null(mg_pkt_pool_default());
	tpool_init(&t, 1, 128, 0);
	mg_pkt_pool_set_default(&t.pool);
	assert_ptr_equal(mg_pkt_pool_default(), &t.pool);
	mg_pkt_pool_set_default(NULL);
	assert_null(mg_pkt_pool_default());
	tpool_fini(&t);
}

/*
 * Last: with UBSan (no recovery) this one ends the process when it fails.
 */
static void
test_pkt_pool_init_rejects_bufsize_that_overflows_per_buffer(void **state)
{
	size_t len = mg_pkt_pool_memsize(4, 2048);
	struct mg_pkt_pool pool;
	uint8_t *mem = malloc(len);

	(void)state;
	assert_non_null(mem);
	/* Header (64) plus SIZE_MAX - 63 wraps to 0 bytes per buffer. */
	assert_int_equal(mg_pkt_pool_init(&pool, mem, len, SIZE_MAX - 63, 0),
	    -MG_EINVAL);
	free(mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_pkt_pool_memsize_grows_with_n, setup),
	    cmocka_unit_test_setup(test_pkt_pool_memsize_rounds_bufsize_to_64,
	        setup),
	    cmocka_unit_test_setup(test_pkt_pool_memsize_overflow_gives_0,
	        setup),
	    cmocka_unit_test_setup(
	        test_pkt_pool_memsize_bufsize_rounding_overflow_gives_0, setup),
	    cmocka_unit_test_setup(test_pkt_pool_init_count_matches_memsize,
	        setup),
	    cmocka_unit_test_setup(test_pkt_pool_init_rejects_too_small_memory,
	        setup),
	    cmocka_unit_test_setup(
	        test_pkt_pool_init_rejects_headroom_ge_bufsize, setup),
	    cmocka_unit_test_setup(
	        test_pkt_pool_init_rejects_bufsize_near_size_max, setup),
	    cmocka_unit_test_setup(test_pkt_pool_init_unaligned_mem, setup),
	    cmocka_unit_test_setup(test_pkt_pool_stats_after_init, setup),
	    cmocka_unit_test_setup(test_pkt_alloc_gives_fresh_packet, setup),
	    cmocka_unit_test_setup(test_pkt_alloc_resets_reused_packet, setup),
	    cmocka_unit_test_setup(test_pkt_alloc_until_exhausted, setup),
	    cmocka_unit_test_setup(test_pkt_low_watermark_keeps_minimum, setup),
	    cmocka_unit_test_setup(test_pkt_free_restores_all_buffers, setup),
	    cmocka_unit_test_setup(test_pkt_free_null_is_ignored, setup),
	    cmocka_unit_test_setup(test_pkt_ref_twice_free_thrice, setup),
	    cmocka_unit_test_setup(test_pkt_double_free_panics, setup),
	    cmocka_unit_test_setup(test_pkt_extra_free_after_refs_panics,
	        setup),
	    cmocka_unit_test_setup(test_pkt_ref_of_free_packet_panics, setup),
	    cmocka_unit_test_setup(test_pkt_ref_panics_at_refcnt_max, setup),
	    cmocka_unit_test_setup(test_pkt_push_exact_headroom, setup),
	    cmocka_unit_test_setup(test_pkt_push_one_past_headroom_fails,
	        setup),
	    cmocka_unit_test_setup(test_pkt_pull_exact_len, setup),
	    cmocka_unit_test_setup(test_pkt_pull_one_past_len_fails, setup),
	    cmocka_unit_test_setup(test_pkt_put_exact_tailroom, setup),
	    cmocka_unit_test_setup(test_pkt_put_one_past_tailroom_fails, setup),
	    cmocka_unit_test_setup(test_pkt_trim_exact_and_one_past, setup),
	    cmocka_unit_test_setup(test_pkt_reset_exact_cap_and_one_past,
	        setup),
	    cmocka_unit_test_setup(test_pkt_headroom_len_tailroom_sum_to_cap,
	        setup),
	    cmocka_unit_test_setup(test_pkt_view_covers_data, setup),
	    cmocka_unit_test_setup(test_pkt_wr_writes_into_tailroom, setup),
	    cmocka_unit_test_setup(test_pkt_wr_stops_at_tailroom, setup),
	    cmocka_unit_test_setup(test_pkt_wr_rewind_commits_only_kept_bytes,
	        setup),
	    cmocka_unit_test_setup(test_pkt_wr_commit_of_other_packet_panics,
	        setup),
	    cmocka_unit_test_setup(test_pkt_wr_commit_after_put_panics, setup),
	    cmocka_unit_test_setup(test_pkt_buffers_never_overlap, setup),
	    cmocka_unit_test_setup(test_pkt_buffers_are_64_byte_aligned, setup),
	    cmocka_unit_test_setup(test_pkt_default_frame_fits_default_buffer,
	        setup),
	    cmocka_unit_test_setup(test_pkt_default_pool_set_get, setup),
	    cmocka_unit_test_setup(
	        test_pkt_pool_init_rejects_bufsize_that_overflows_per_buffer,
	        setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
