/* SPDX-License-Identifier: ISC */
/* test_heap.c: unit tests for the heap allocator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mg/err.h"
#include "mg/heap.h"

#include "fake_plat.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#ifdef TEST_ASAN
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
int __asan_address_is_poisoned(void const volatile *addr);
#endif

/* The size of one block header, and the block size for a request of n. */
#define HDR 16
static size_t
blk(size_t n)
{
	size_t s = (n + HDR + 15) & ~(size_t)15;

	return s < 32 ? 32 : s;
}

/* A heap over a malloc'ed region of exactly len bytes filled with fill. */
struct theap {
	struct mg_heap *h;
	uint8_t *mem;
	size_t len;
};

static void
theap_init(struct theap *t, size_t len, unsigned flags, int fill)
{
	t->len = len;
	t->mem = malloc(len);
	assert_non_null(t->mem);
	memset(t->mem, fill, len);
	t->h = mg_heap_init(t->mem, len, flags);
	assert_non_null(t->h);
	assert_int_equal(mg_heap_check(t->h), 0);
}

static void
theap_fini(struct theap *t)
{
	assert_int_equal(mg_heap_check(t->h), 0);
	free(t->mem);
	t->mem = NULL;
	t->h = NULL;
}

static struct mg_heap_stats
stats(const struct mg_heap *h)
{
	struct mg_heap_stats st;

	mg_heap_stats(h, &st);
	return st;
}

static bool
all_bytes(const void *p, int c, size_t n)
{
	const uint8_t *q = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (q[i] != (uint8_t)c)
			return false;
	return true;
}

static int
setup(void **state)
{
	(void)state;
	fake_plat_reset();
	return 0;
}

static void
test_heap_init_too_small_returns_null(void **state)
{
	static uint8_t mem[8192] __attribute__((aligned(16)));
	size_t n;

	(void)state;
	assert_null(mg_heap_init(NULL, 1 << 20, 0));
	assert_null(mg_heap_init(mem, 0, 0));
	assert_null(mg_heap_init(mem, 16, 0));
	assert_null(mg_heap_init(mem + 1, 64, 0));
	/* The smallest length that works holds exactly one minimal block. */
	for (n = 1; n < sizeof(mem); n++)
		if (mg_heap_init(mem, n, 0) != NULL)
			break;
	assert_true(n < sizeof(mem));
	assert_null(mg_heap_init(mem, n - 1, 0));
	assert_int_equal(stats(mg_heap_init(mem, n, 0)).size, 32);
}

static void
test_heap_init_reports_size_and_fresh(void **state)
{
	struct mg_heap_stats st;
	struct theap t;

	(void)state;
	theap_init(&t, 1 << 20, 0, 0);
	st = stats(t.h);
	assert_true(st.size > (1 << 20) - 8192 && st.size < (1 << 20));
	assert_int_equal(st.size % 16, 0);
	assert_int_equal(st.fresh, st.size);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.peak, 0);
	assert_int_equal(st.largest, st.size - HDR);
	assert_int_equal(st.nalloc, 0);
	assert_int_equal(st.nfree, 0);
	assert_int_equal(st.nfail, 0);
	theap_fini(&t);
}

static void
test_heap_allocations_are_16_byte_aligned(void **state)
{
	static void *p[600];
	struct theap t;
	size_t i, off;

	(void)state;
	for (off = 0; off < 16; off += 3) {
		struct mg_heap *h;

		t.mem = malloc(1 << 20);
		assert_non_null(t.mem);
		h = mg_heap_init(t.mem + off, (1 << 20) - off, 0);
		assert_non_null(h);
		for (i = 0; i < 600; i++) {
			p[i] = mg_heap_alloc(h, i * 7 % 500);
			assert_non_null(p[i]);
			assert_int_equal((uintptr_t)p[i] % 16, 0);
		}
		/* Reused blocks (split, merged) stay aligned too. */
		for (i = 0; i < 600; i += 2)
			mg_heap_free(h, p[i]);
		for (i = 0; i < 600; i += 2) {
			p[i] = mg_heap_alloc(h, (i * 13) % 700);
			assert_non_null(p[i]);
			assert_int_equal((uintptr_t)p[i] % 16, 0);
		}
		assert_int_equal(mg_heap_check(h), 0);
		free(t.mem);
	}
}

static void
test_heap_zero_size_alloc_is_unique(void **state)
{
	struct theap t;
	void *a, *b;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	a = mg_heap_alloc(t.h, 0);
	b = mg_heap_alloc(t.h, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_true(mg_heap_usable(t.h, a) >= 1);
	assert_int_equal(stats(t.h).used, 2 * 32);
	mg_heap_free(t.h, a);
	mg_heap_free(t.h, b);
	assert_int_equal(stats(t.h).used, 0);
	theap_fini(&t);
}

static void
test_heap_zeroes_fresh_memory(void **state)
{
	static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, 4096, 65536,
	    300000};
	struct theap t;
	size_t i;

	(void)state;
	theap_init(&t, 1 << 20, 0, 0xAA);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = mg_heap_alloc(t.h, sizes[i]);

		assert_non_null(p);
		assert_true(all_bytes(p, 0, mg_heap_usable(t.h, p)));
	}
	theap_fini(&t);
}

static void
test_heap_grows_into_fresh_with_zeroes(void **state)
{
	struct theap t;
	uint8_t *p, *q;

	(void)state;
	theap_init(&t, 1 << 20, 0, 0xAA);
	p = mg_heap_alloc(t.h, 100);
	assert_non_null(p);
	memset(p, 0x11, 100);
	q = mg_heap_realloc(t.h, p, 50000);
	assert_ptr_equal(q, p);
	assert_true(all_bytes(q, 0x11, 100));
	assert_true(all_bytes(q + 100, 0, mg_heap_usable(t.h, q) - 100));
	theap_fini(&t);
}

static void
test_heap_zeroed_flag_leaves_fresh_memory_untouched(void **state)
{
	struct theap t;
	uint8_t *p;

	(void)state;
	/* Lie about the region being zero: what the heap does not write
	 * shows through. */
	theap_init(&t, 1 << 20, MG_HEAP_ZEROED, 0xAA);
	p = mg_heap_alloc(t.h, 4096);
	assert_non_null(p);
	assert_true(all_bytes(p, 0xAA, 4096));
	p = mg_heap_calloc(t.h, 100, 41);
	assert_non_null(p);
	assert_true(all_bytes(p, 0xAA, 4100));
	theap_fini(&t);
}

static void
test_heap_rezeroes_memory_given_back_to_fresh(void **state)
{
	struct theap t;
	uint8_t *p, *q;

	(void)state;
	theap_init(&t, 1 << 20, MG_HEAP_ZEROED, 0);
	p = mg_heap_alloc(t.h, 1000);
	assert_non_null(p);
	memset(p, 0x55, 1000);
	mg_heap_free(t.h, p);
	/* p ended at fresh, so it went back there: it is dirty now. */
	assert_int_equal(stats(t.h).fresh, stats(t.h).size);
	q = mg_heap_alloc(t.h, 2000);
	assert_ptr_equal(q, p);
	assert_true(all_bytes(q, 0, 2000));
	theap_fini(&t);
}

static void
test_heap_calloc_zeroes_reused_memory(void **state)
{
	struct theap t;
	uint8_t *p, *q, *guard;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	p = mg_heap_alloc(t.h, 500);
	guard = mg_heap_alloc(t.h, 1);
	assert_non_null(p);
	assert_non_null(guard);
	memset(p, 0x55, 500);
	mg_heap_free(t.h, p);
	q = mg_heap_calloc(t.h, 5, 100);
	assert_ptr_equal(q, p);
	assert_true(all_bytes(q, 0, 500));
	theap_fini(&t);
}

static void
test_heap_exhaustion_returns_null_and_counts_nfail(void **state)
{
	static void *p[128];
	struct theap t;
	size_t n, i;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	for (n = 0; n < 128; n++) {
		p[n] = mg_heap_alloc(t.h, 1000);
		if (p[n] == NULL)
			break;
	}
	assert_true(n > 50 && n < 128);
	assert_int_equal(stats(t.h).nfail, 1);
	assert_int_equal(stats(t.h).nalloc, n);
	assert_null(mg_heap_alloc(t.h, 1000));
	assert_int_equal(stats(t.h).nfail, 2);
	assert_true(stats(t.h).largest < 1000);
	assert_int_equal(mg_heap_check(t.h), 0);

	/* A free in the middle makes room for exactly that allocation. */
	mg_heap_free(t.h, p[n / 2]);
	p[n / 2] = mg_heap_alloc(t.h, 1000);
	assert_non_null(p[n / 2]);
	assert_null(mg_heap_alloc(t.h, 1000));
	for (i = 0; i < n; i++)
		mg_heap_free(t.h, p[i]);
	assert_int_equal(stats(t.h).used, 0);
	assert_int_equal(stats(t.h).fresh, stats(t.h).size);
	p[0] = mg_heap_alloc(t.h, stats(t.h).largest);
	assert_non_null(p[0]);
	theap_fini(&t);
}

static void
test_heap_coalesces_three_neighbours_in_every_order(void **state)
{
	static const int order[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
	    {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	struct theap t;
	int k, i;

	(void)state;
	for (k = 0; k < 6; k++) {
		uint8_t *p[3], *guard, *q;
		size_t fresh;

		theap_init(&t, 1 << 16, 0, 0);
		for (i = 0; i < 3; i++) {
			p[i] = mg_heap_alloc(t.h, 100);
			assert_non_null(p[i]);
		}
		guard = mg_heap_alloc(t.h, 1);
		assert_non_null(guard);
		fresh = stats(t.h).fresh;
		for (i = 0; i < 3; i++) {
			mg_heap_free(t.h, p[order[k][i]]);
			assert_int_equal(mg_heap_check(t.h), 0);
		}
		q = mg_heap_alloc(t.h, 3 * blk(100) - HDR);
		assert_ptr_equal(q, p[0]);
		assert_int_equal(stats(t.h).fresh, fresh);
		assert_int_equal(stats(t.h).used, blk(1) + 3 * blk(100));
		mg_heap_free(t.h, q);
		mg_heap_free(t.h, guard);
		assert_int_equal(stats(t.h).fresh, stats(t.h).size);
		theap_fini(&t);
	}
}

static void
test_heap_reuses_freed_block_of_same_size_before_fresh(void **state)
{
	struct theap t;
	void *a, *b, *guard;
	size_t fresh;
	int i;

	(void)state;
	theap_init(&t, 1 << 20, 0, 0);
	/* 1040 is not on a class boundary: reuse needs the class scan. */
	a = mg_heap_alloc(t.h, 1040);
	guard = mg_heap_alloc(t.h, 1);
	assert_non_null(a);
	assert_non_null(guard);
	fresh = stats(t.h).fresh;
	for (i = 0; i < 100; i++) {
		mg_heap_free(t.h, a);
		b = mg_heap_alloc(t.h, 1040);
		assert_ptr_equal(b, a);
	}
	assert_int_equal(stats(t.h).fresh, fresh);
	theap_fini(&t);
}

static void
test_heap_finds_fitting_block_deep_in_its_class_list(void **state)
{
	static void *small[12], *guard[13];
	struct theap t;
	void *big, *q;
	int i;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	/* Blocks of 1056 and 1136 bytes share the class [1024, 1152). */
	big = mg_heap_alloc(t.h, 1120);
	guard[12] = mg_heap_alloc(t.h, 1);
	assert_non_null(big);
	assert_non_null(guard[12]);
	for (i = 0; i < 12; i++) {
		small[i] = mg_heap_alloc(t.h, 1040);
		guard[i] = mg_heap_alloc(t.h, 1);
		assert_non_null(small[i]);
		assert_non_null(guard[i]);
	}
	q = mg_heap_alloc(t.h, stats(t.h).fresh - HDR);
	assert_non_null(q);
	assert_int_equal(stats(t.h).fresh, 0);
	/* Lists are LIFO: the one block that fits ends up last. */
	mg_heap_free(t.h, big);
	for (i = 0; i < 12; i++)
		mg_heap_free(t.h, small[i]);
	assert_int_equal(stats(t.h).largest, 1120);
	assert_ptr_equal(mg_heap_alloc(t.h, 1120), big);
	assert_int_equal(stats(t.h).nfail, 0);
	theap_fini(&t);
}

static void
test_heap_calloc_overflow_returns_null(void **state)
{
	struct theap t;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	assert_null(mg_heap_calloc(t.h, SIZE_MAX / 2, 3));
	assert_null(mg_heap_calloc(t.h, (size_t)1 << 33, (size_t)1 << 33));
	assert_null(mg_heap_calloc(t.h, SIZE_MAX, SIZE_MAX));
	assert_int_equal(stats(t.h).nfail, 3);
	assert_int_equal(stats(t.h).nalloc, 0);
	assert_non_null(mg_heap_calloc(t.h, 0, SIZE_MAX));
	assert_non_null(mg_heap_calloc(t.h, 10, 10));
	theap_fini(&t);
}

static void
test_heap_huge_sizes_return_null(void **state)
{
	static const size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15,
	    SIZE_MAX - 16, SIZE_MAX - 31, SIZE_MAX / 2, SIZE_MAX / 2 + 1,
	    (size_t)1 << 40, 1 << 16};
	struct theap t;
	size_t i;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		assert_null(mg_heap_alloc(t.h, huge[i]));
	assert_null(mg_heap_alloc(t.h, stats(t.h).size));
	assert_null(mg_heap_alloc(t.h, stats(t.h).largest + 1));
	assert_int_equal(stats(t.h).nfail, i + 2);
	assert_int_equal(stats(t.h).used, 0);
	assert_non_null(mg_heap_alloc(t.h, stats(t.h).largest));
	theap_fini(&t);
}

static void
test_heap_largest_allocation_succeeds_and_one_more_fails(void **state)
{
	static void *p[64];
	struct mg_heap_stats st;
	struct theap t;
	void *q;
	int i;

	(void)state;
	theap_init(&t, 1 << 18, 0, 0);
	for (i = 0; i < 64; i++) {
		p[i] = mg_heap_alloc(t.h, 1000 + 37 * (size_t)i);
		assert_non_null(p[i]);
	}
	/* Free blocks of many sizes, the largest larger than fresh. */
	for (i = 0; i < 64; i += 2)
		mg_heap_free(t.h, p[i]);
	mg_heap_free(t.h, p[41]);
	q = mg_heap_alloc(t.h, stats(t.h).fresh - HDR);
	assert_non_null(q);
	st = stats(t.h);
	assert_true(st.largest >= 3000);
	assert_null(mg_heap_alloc(t.h, st.largest + 1));
	q = mg_heap_alloc(t.h, st.largest);
	assert_non_null(q);
	mg_heap_free(t.h, q);
	theap_fini(&t);
}

static void
test_heap_realloc_grows_in_place_into_free_neighbour(void **state)
{
	struct theap t;
	uint8_t *a, *b, *guard, *r;
	size_t used;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	a = mg_heap_alloc(t.h, 100);
	b = mg_heap_alloc(t.h, 400);
	guard = mg_heap_alloc(t.h, 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(guard);
	memset(a, 0x5A, 100);
	mg_heap_free(t.h, b);
	used = stats(t.h).used;
	r = mg_heap_realloc(t.h, a, 250);
	assert_ptr_equal(r, a);
	assert_true(all_bytes(r, 0x5A, 100));
	assert_true(mg_heap_usable(t.h, r) >= 250);
	assert_int_equal(stats(t.h).used, used - blk(100) + blk(250));
	assert_int_equal(mg_heap_check(t.h), 0);
	/* The rest of b is still free and usable. */
	b = mg_heap_alloc(t.h, blk(100) + blk(400) - blk(250) - HDR);
	assert_ptr_equal(b, r + blk(250));
	theap_fini(&t);
}

static void
test_heap_realloc_moves_when_neighbour_is_used(void **state)
{
	struct theap t;
	uint8_t *a, *b, *r;
	uint64_t nfree;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	a = mg_heap_alloc(t.h, 100);
	b = mg_heap_alloc(t.h, 100);
	assert_non_null(a);
	assert_non_null(b);
	memset(a, 0x3C, 100);
	nfree = stats(t.h).nfree;
	r = mg_heap_realloc(t.h, a, 1000);
	assert_non_null(r);
	assert_ptr_not_equal(r, a);
	assert_true(all_bytes(r, 0x3C, 100));
	assert_int_equal(stats(t.h).nfree, nfree + 1);
	assert_int_equal(stats(t.h).used, blk(100) + blk(1000));
	theap_fini(&t);
}

static void
test_heap_realloc_shrinks_in_place(void **state)
{
	struct theap t;
	uint8_t *a, *guard, *r, *c;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	a = mg_heap_alloc(t.h, 1000);
	guard = mg_heap_alloc(t.h, 1);
	assert_non_null(a);
	assert_non_null(guard);
	memset(a, 0x77, 1000);
	r = mg_heap_realloc(t.h, a, 100);
	assert_ptr_equal(r, a);
	assert_true(all_bytes(r, 0x77, 100));
	assert_int_equal(stats(t.h).used, blk(100) + blk(1));
	/* The cut-off tail is a free block right after the shrunk one. */
	c = mg_heap_alloc(t.h, blk(1000) - blk(100) - HDR);
	assert_ptr_equal(c, a + blk(100));
	/* Shrinking by less than a block keeps the block. */
	r = mg_heap_realloc(t.h, c, blk(1000) - blk(100) - HDR - 8);
	assert_ptr_equal(r, c);
	theap_fini(&t);
}

static void
test_heap_realloc_null_allocates(void **state)
{
	struct theap t;
	uint8_t *p;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0xAA);
	p = mg_heap_realloc(t.h, NULL, 50);
	assert_non_null(p);
	assert_true(all_bytes(p, 0, 50));
	assert_int_equal(stats(t.h).nalloc, 1);
	theap_fini(&t);
}

static void
test_heap_realloc_size_zero_frees(void **state)
{
	struct theap t;
	void *p;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	p = mg_heap_alloc(t.h, 50);
	assert_non_null(p);
	assert_null(mg_heap_realloc(t.h, p, 0));
	assert_int_equal(stats(t.h).used, 0);
	assert_int_equal(stats(t.h).nfree, 1);
	theap_fini(&t);
}

static void
test_heap_realloc_failure_keeps_block(void **state)
{
	struct theap t;
	uint8_t *p, *guard;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	p = mg_heap_alloc(t.h, 300);
	guard = mg_heap_alloc(t.h, 1);
	assert_non_null(p);
	assert_non_null(guard);
	memset(p, 0x42, 300);
	assert_null(mg_heap_realloc(t.h, p, 1 << 20));
	assert_null(mg_heap_realloc(t.h, p, SIZE_MAX));
	assert_null(mg_heap_realloc(t.h, p, SIZE_MAX - 8));
	assert_int_equal(stats(t.h).nfail, 3);
	assert_true(all_bytes(p, 0x42, 300));
	assert_int_equal(mg_heap_check(t.h), 0);
	mg_heap_free(t.h, p);
	theap_fini(&t);
}

static void
test_heap_stats_used_returns_to_zero_and_peak_stays(void **state)
{
	static void *p[100];
	struct mg_heap_stats st;
	struct theap t;
	size_t i, want = 0;

	(void)state;
	theap_init(&t, 1 << 20, 0, 0);
	for (i = 0; i < 100; i++) {
		p[i] = mg_heap_alloc(t.h, i * 10);
		assert_non_null(p[i]);
		want += blk(i * 10);
		assert_int_equal(stats(t.h).used, want);
	}
	for (i = 0; i < 100; i += 3)
		mg_heap_free(t.h, p[i]);
	for (i = 0; i < 100; i++)
		if (i % 3 != 0)
			mg_heap_free(t.h, p[i]);
	st = stats(t.h);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.peak, want);
	assert_int_equal(st.nalloc, 100);
	assert_int_equal(st.nfree, 100);
	assert_int_equal(st.nfail, 0);
	assert_int_equal(st.fresh, st.size);
	assert_int_equal(st.largest, st.size - HDR);
	theap_fini(&t);
}

static void
test_heap_usable_is_at_least_requested(void **state)
{
	struct theap t;
	size_t n;

	(void)state;
	theap_init(&t, 1 << 20, 0, 0);
	for (n = 0; n < 3000; n += 7) {
		uint8_t *p = mg_heap_alloc(t.h, n);
		size_t u;

		assert_non_null(p);
		u = mg_heap_usable(t.h, p);
		assert_true(u >= n && u < n + 64);
		memset(p, 0xEE, u); /* all of it may be written */
	}
	theap_fini(&t);
}

static void
test_heap_check_detects_smashed_header(void **state)
{
	struct theap t;
	uint8_t *a, *b, *c;
	size_t *size, saved;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	a = mg_heap_alloc(t.h, 100);
	b = mg_heap_alloc(t.h, 100);
	c = mg_heap_alloc(t.h, 100);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	mg_heap_free(t.h, b);
	size = (size_t *)(void *)(c - sizeof(size_t));
#ifdef TEST_ASAN
	__asan_unpoison_memory_region(c - HDR, HDR);
#endif
	saved = *size;
	*size = saved & ~(size_t)2; /* forget that b below is free */
	assert_int_equal(mg_heap_check(t.h), -MG_ECORRUPT);
	assert_non_null(strstr(fake_console, "heap check failed"));
	*size = saved + 64;
	assert_int_equal(mg_heap_check(t.h), -MG_ECORRUPT);
	*size = saved;
	assert_int_equal(mg_heap_check(t.h), 0);
	(void)a;
	theap_fini(&t);
}

/* Run fn(h, p) expecting a panic whose message contains what. */
static void
expect_panic(void (*fn)(struct mg_heap *, void *), struct mg_heap *h, void *p,
    const char *what)
{
	jmp_buf jb;

	fake_plat_reset();
	fake_abort_jmp = &jb;
	if (setjmp(jb) == 0) {
		fn(h, p);
		fake_abort_jmp = NULL;
		fail_msg("no panic (expected \"%s\")", what);
	}
	fake_abort_jmp = NULL;
	assert_int_equal(fake_exit_status, 255);
	assert_non_null(strstr(fake_console, "PANIC"));
	assert_non_null(strstr(fake_console, what));
}

static void
do_free(struct mg_heap *h, void *p)
{
	mg_heap_free(h, p);
}

static void
do_realloc(struct mg_heap *h, void *p)
{
	(void)mg_heap_realloc(h, p, 10);
}

static void
test_heap_double_free_panics(void **state)
{
	struct theap t;
	uint8_t *p, *guard;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	p = mg_heap_alloc(t.h, 100);
	guard = mg_heap_alloc(t.h, 100);
	assert_non_null(p);
	assert_non_null(guard);
	mg_heap_free(t.h, p);
	expect_panic(do_free, t.h, p, "already free");
	expect_panic(do_realloc, t.h, p, "already free");
	assert_int_equal(stats(t.h).nfree, 1);
	/* Freed into fresh: no longer an allocation at all. */
	mg_heap_free(t.h, guard);
	expect_panic(do_free, t.h, guard, "not an allocation");
	theap_fini(&t);
}

static void
test_heap_free_foreign_pointer_panics(void **state)
{
	struct theap t, u;
	uint8_t *p, *q;
	uint8_t *foreign;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	theap_init(&u, 1 << 16, 0, 0);
	foreign = malloc(64);
	assert_non_null(foreign);
	p = mg_heap_alloc(t.h, 1000);
	q = mg_heap_alloc(u.h, 1000);
	assert_non_null(p);
	assert_non_null(q);
	expect_panic(do_free, t.h, foreign, "not an allocation");
	expect_panic(do_free, t.h, q, "not an allocation");
	expect_panic(do_free, t.h, t.mem, "not an allocation");
	expect_panic(do_free, t.h, p + 1, "misaligned");
	expect_panic(do_free, t.h, p + 64, "bad header");
	expect_panic(do_free, t.h, p + 2000, "not an allocation");
	assert_int_equal(stats(t.h).nfree, 0);
	mg_heap_free(t.h, p);
	mg_heap_free(u.h, q);
	free(foreign);
	theap_fini(&t);
	theap_fini(&u);
}

static void
test_heap_default_heap_serves_mg_malloc(void **state)
{
	struct theap t;
	uint8_t *p;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0xAA);
	mg_heap_set_default(t.h);
	assert_ptr_equal(mg_heap_default(), t.h);
	p = mg_malloc(10);
	assert_non_null(p);
	memset(p, 1, 10);
	p = mg_realloc(p, 5000);
	assert_non_null(p);
	assert_true(all_bytes(p, 1, 10));
	mg_free(p);
	p = mg_calloc(3, 7);
	assert_non_null(p);
	assert_true(all_bytes(p, 0, 21));
	mg_free(p);
	mg_free(NULL);
	assert_int_equal(stats(t.h).used, 0);
	/* The realloc grew in place (into fresh): two allocations. */
	assert_int_equal(stats(t.h).nalloc, 2);
	mg_heap_set_default(NULL);
	theap_fini(&t);
}

static void
do_malloc(struct mg_heap *h, void *p)
{
	(void)h;
	(void)p;
	(void)mg_malloc(1);
}

static void
test_heap_mg_malloc_without_default_heap_panics(void **state)
{
	(void)state;
	mg_heap_set_default(NULL);
	expect_panic(do_malloc, NULL, NULL, "no default heap");
}

static void
test_heap_poisons_headers_and_free_memory(void **state)
{
#ifdef TEST_ASAN
	struct theap t;
	uint8_t *p, *q;

	(void)state;
	theap_init(&t, 1 << 16, 0, 0);
	p = mg_heap_alloc(t.h, 20);
	q = mg_heap_alloc(t.h, 100);
	assert_non_null(p);
	assert_non_null(q);
	assert_false(__asan_address_is_poisoned(p));
	assert_false(__asan_address_is_poisoned(p + 19));
	assert_true(__asan_address_is_poisoned(p + 20));
	assert_true(__asan_address_is_poisoned(p - 1));
	assert_true(__asan_address_is_poisoned(q - HDR));
	assert_true(__asan_address_is_poisoned(q + 100));
	mg_heap_free(t.h, p);
	assert_true(__asan_address_is_poisoned(p));
	(void)mg_heap_usable(t.h, q);
	assert_false(__asan_address_is_poisoned(q + 100));
	q = mg_heap_realloc(t.h, q, 40);
	assert_true(__asan_address_is_poisoned(q + 40));
	theap_fini(&t);
#else
	(void)state;
	skip();
#endif
}

/*
 * The stress test: random allocations, frees and reallocations with a
 * skewed size distribution. Every live allocation holds a pattern derived
 * from its id, checked before it is freed or resized, so overlapping
 * allocations or a heap that writes into live memory are caught.
 */
#define STRESS_OPS   200000
#define STRESS_SLOTS 4096
#define STRESS_MEM   (8u << 20)

struct live {
	uint8_t *p;
	size_t len;
	uint64_t id;
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t
rng_size(void)
{
	uint64_t r = rng() % 100;

	if (r < 55)
		return (size_t)(rng() % 129);
	if (r < 85)
		return (size_t)(rng() % 2049);
	if (r < 97)
		return (size_t)(rng() % 16385);
	return (size_t)(rng() % 65537);
}

static uint8_t
pattern(uint64_t id, size_t i)
{
	uint64_t x = (id + 1) * 0x9E3779B97F4A7C15ULL;

	return (uint8_t)((x >> ((i & 7) * 8)) ^ (i >> 3));
}

static void
fill(const struct live *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		l->p[i] = pattern(l->id, i);
}

/* Bytes [0, n) of l hold its pattern. */
static bool
intact(const struct live *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l->p[i] != pattern(l->id, i))
			return false;
	return true;
}

static int
live_cmp(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* Live allocations are inside the region, aligned, and never overlap. */
static void
check_disjoint(const struct theap *t, const struct live *slot)
{
	static struct live sorted[STRESS_SLOTS];
	size_t n = 0, i;

	for (i = 0; i < STRESS_SLOTS; i++)
		if (slot[i].p != NULL)
			sorted[n++] = slot[i];
	qsort(sorted, n, sizeof(sorted[0]), live_cmp);
	for (i = 0; i < n; i++) {
		assert_true(sorted[i].p >= t->mem &&
		    sorted[i].p + sorted[i].len <= t->mem + t->len);
		assert_int_equal((uintptr_t)sorted[i].p % 16, 0);
		if (i > 0)
			assert_true(sorted[i - 1].p + sorted[i - 1].len + HDR <=
			    sorted[i].p);
	}
}

static void
test_heap_random_stress_keeps_invariants(void **state)
{
	static struct live slot[STRESS_SLOTS];
	uint64_t next_id = 0, fails = 0, moves = 0;
	size_t used = 0, nlive = 0, i;
	struct mg_heap_stats st;
	struct theap t;
	long op;

	(void)state;
	rng_state = 0x6d6f7267616e61ULL;
	memset(slot, 0, sizeof(slot));
	theap_init(&t, STRESS_MEM, 0, 0xAA);
	for (op = 0; op < STRESS_OPS; op++) {
		struct live *l = &slot[rng() % STRESS_SLOTS];
		uint64_t kind = rng() % 10;

		if (l->p == NULL) {
			size_t n = rng_size();

			l->p = kind < 2 ? mg_heap_realloc(t.h, NULL, n)
			                : mg_heap_alloc(t.h, n);
			if (l->p == NULL) {
				fails++;
				continue;
			}
			l->len = n;
			l->id = next_id++;
			used += n;
			nlive++;
			fill(l);
		} else if (kind < 6) {
			assert_true(intact(l, l->len));
			mg_heap_free(t.h, l->p);
			used -= l->len;
			nlive--;
			l->p = NULL;
		} else {
			size_t n = rng_size(), keep = n < l->len ? n : l->len;
			uint8_t *q;

			assert_true(intact(l, l->len));
			q = mg_heap_realloc(t.h, l->p, n);
			if (n == 0) {
				assert_null(q);
				used -= l->len;
				nlive--;
				l->p = NULL;
				continue;
			}
			if (q == NULL) {
				fails++;
				continue;
			}
			moves += q != l->p;
			l->p = q;
			assert_true(intact(l, keep));
			used = used - l->len + n;
			l->len = n;
			l->id = next_id++;
			fill(l);
		}
		if (op % 1000 == 999) {
			assert_int_equal(mg_heap_check(t.h), 0);
			check_disjoint(&t, slot);
			st = stats(t.h);
			assert_true(st.used >= used + nlive * HDR);
			assert_true(st.used <= st.peak);
			assert_int_equal(st.nfail, fails);
			assert_int_equal(st.fresh + st.used <= st.size, 1);
		}
	}
	assert_int_equal(mg_heap_check(t.h), 0);
	check_disjoint(&t, slot);
	/* Some allocations failed: the heap really was under pressure. */
	print_message("stress: %lu failed, %lu moved, peak %zu of %zu\n",
	    (unsigned long)fails, (unsigned long)moves, stats(t.h).peak,
	    stats(t.h).size);
	assert_true(fails > 0);
	assert_true(moves > 0);
	for (i = 0; i < STRESS_SLOTS; i++) {
		if (slot[i].p == NULL)
			continue;
		assert_true(intact(&slot[i], slot[i].len));
		mg_heap_free(t.h, slot[i].p);
		slot[i].p = NULL;
	}
	st = stats(t.h);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.fresh, st.size);
	assert_int_equal(st.nfail, fails);
	theap_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_heap_init_too_small_returns_null,
	        setup),
	    cmocka_unit_test_setup(test_heap_init_reports_size_and_fresh,
	        setup),
	    cmocka_unit_test_setup(test_heap_allocations_are_16_byte_aligned,
	        setup),
	    cmocka_unit_test_setup(test_heap_zero_size_alloc_is_unique, setup),
	    cmocka_unit_test_setup(test_heap_zeroes_fresh_memory, setup),
	    cmocka_unit_test_setup(test_heap_grows_into_fresh_with_zeroes,
	        setup),
	    cmocka_unit_test_setup(
	        test_heap_zeroed_flag_leaves_fresh_memory_untouched, setup),
	    cmocka_unit_test_setup(
	        test_heap_rezeroes_memory_given_back_to_fresh, setup),
	    cmocka_unit_test_setup(test_heap_calloc_zeroes_reused_memory,
	        setup),
	    cmocka_unit_test_setup(
	        test_heap_exhaustion_returns_null_and_counts_nfail, setup),
	    cmocka_unit_test_setup(
	        test_heap_coalesces_three_neighbours_in_every_order, setup),
	    cmocka_unit_test_setup(
	        test_heap_reuses_freed_block_of_same_size_before_fresh, setup),
	    cmocka_unit_test_setup(
	        test_heap_finds_fitting_block_deep_in_its_class_list, setup),
	    cmocka_unit_test_setup(test_heap_calloc_overflow_returns_null,
	        setup),
	    cmocka_unit_test_setup(test_heap_huge_sizes_return_null, setup),
	    cmocka_unit_test_setup(
	        test_heap_largest_allocation_succeeds_and_one_more_fails,
	        setup),
	    cmocka_unit_test_setup(
	        test_heap_realloc_grows_in_place_into_free_neighbour, setup),
	    cmocka_unit_test_setup(
	        test_heap_realloc_moves_when_neighbour_is_used, setup),
	    cmocka_unit_test_setup(test_heap_realloc_shrinks_in_place, setup),
	    cmocka_unit_test_setup(test_heap_realloc_null_allocates, setup),
	    cmocka_unit_test_setup(test_heap_realloc_size_zero_frees, setup),
	    cmocka_unit_test_setup(test_heap_realloc_failure_keeps_block,
	        setup),
	    cmocka_unit_test_setup(
	        test_heap_stats_used_returns_to_zero_and_peak_stays, setup),
	    cmocka_unit_test_setup(test_heap_usable_is_at_least_requested,
	        setup),
	    cmocka_unit_test_setup(test_heap_check_detects_smashed_header,
	        setup),
	    cmocka_unit_test_setup(test_heap_double_free_panics, setup),
	    cmocka_unit_test_setup(test_heap_free_foreign_pointer_panics,
	        setup),
	    cmocka_unit_test_setup(test_heap_default_heap_serves_mg_malloc,
	        setup),
	    cmocka_unit_test_setup(
	        test_heap_mg_malloc_without_default_heap_panics, setup),
	    cmocka_unit_test_setup(test_heap_poisons_headers_and_free_memory,
	        setup),
	    cmocka_unit_test_setup(test_heap_random_stress_keeps_invariants,
	        setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
