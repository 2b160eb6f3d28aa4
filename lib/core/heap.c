/* SPDX-License-Identifier: ISC */
/* heap.c: two-level segregated fit allocator over one memory region. */
#include "mg/heap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/err.h"
#define MG_LOG_TAG "heap"
#include "mg/log.h"
#include "mg/string.h"

/*
 * Region layout, low to high addresses:
 *
 *	struct mg_heap | block | block | ... | block | fresh ............ |
 *	               ^base                          ^fresh              ^end
 *
 * Blocks tile [base, fresh) with no gaps. Each block starts with a 16-byte
 * header; the payload follows, so payloads are 16-byte aligned when blocks
 * are. A block's size (header included) is a multiple of 16, at least
 * BLK_MIN. [fresh, end) has never been handed out since it last belonged
 * to a block; allocations carve from its bottom only when no free block
 * fits, and a block freed next to it goes back into it.
 *
 * Header: prev_size is the boundary tag of the block below, valid only
 * when that block is free (BLK_PREV_FREE set), so freeing finds the block
 * below in O(1); size carries BLK_FREE and BLK_PREV_FREE in its low bits.
 * A free block keeps its free-list links at the start of its payload.
 *
 * Invariants (all verified by mg_heap_check):
 *  - no two free blocks are adjacent, and the block below fresh is never
 *    free (it would have been merged into fresh);
 *  - every free block is on the list of its size class, and a class's
 *    bitmap bit is set exactly when its list is non-empty;
 *  - used + the sizes of free blocks + (end - fresh) == end - base.
 */
struct blk {
	size_t prev_size; /* size of the block below, when it is free */
	size_t size;      /* this block's size | BLK_FREE | BLK_PREV_FREE */
};

struct blk_links {
	struct blk *next; /* next on the same free list, or NULL */
	struct blk *prev; /* previous on the free list, NULL at the head */
};

#define ALIGN_LOG2    4
#define ALIGN         ((size_t)1 << ALIGN_LOG2)
#define HDR           ALIGN
#define BLK_FREE      ((size_t)0x1)
#define BLK_PREV_FREE ((size_t)0x2)
#define BLK_FLAGS     (ALIGN - 1)
#define BLK_MIN       (HDR + ALIGN) /* room for the free-list links */

_Static_assert(sizeof(struct blk) <= HDR, "block header fits in 16 bytes");
_Static_assert(sizeof(struct blk_links) <= BLK_MIN - HDR, "links fit");

/*
 * Size classes: a block of size s >= SMALL is in first-level class
 * fl = log2(s) - (SL_LOG2 + ALIGN_LOG2) + 1 and in one of SL_COUNT equal
 * second-level slices of [2^log2(s), 2^(log2(s)+1)). Below SMALL, fl is 0
 * and each 16-byte size has its own class (sl = s / 16).
 */
#define SL_LOG2  3
#define SL_COUNT (1u << SL_LOG2)
#define SMALL    ((size_t)1 << (SL_LOG2 + ALIGN_LOG2))
#define FL_COUNT (sizeof(size_t) * 8 - (SL_LOG2 + ALIGN_LOG2) + 1)

_Static_assert(FL_COUNT < 64, "first-level bitmap fits in 64 bits");
_Static_assert(SL_COUNT <= 32, "second-level bitmap fits in 32 bits");

/*
 * NOTE(heap): a request whose size is not on a class boundary first looks
 * at up to SCAN_MAX blocks of its own class (a good fit; it also lets a
 * freed block be reused by an allocation of the same size instead of
 * touching fresh memory), then takes the head of the next non-empty class
 * above (O(1), any block there fits), then carves fresh memory, and only
 * then scans its own class fully, so that an allocation fails only when
 * no free block fits.
 */
#define SCAN_MAX 8

#define HEAP_MAGIC 0x4d47484541503031ULL /* "MGHEAP01" */

struct mg_heap {
	uint64_t magic;
	unsigned flags;
	uint8_t *base;  /* first block */
	uint8_t *fresh; /* first byte never handed out; blocks end here */
	uint8_t *end;   /* end of the region (16-byte aligned) */
	/*
	 * Fresh bytes at or above dirty_end are known to be zero (only with
	 * MG_HEAP_ZEROED; otherwise dirty_end == end): dirty_end is the
	 * highest address ever handed out.
	 */
	uint8_t *dirty_end;
	size_t used;
	size_t peak;
	uint64_t nalloc;
	uint64_t nfree;
	uint64_t nfail;
	uint64_t fl_map;           /* bit fl: sl_map[fl] != 0 */
	uint32_t sl_map[FL_COUNT]; /* bit sl: free[fl][sl] != NULL */
	struct blk *free[FL_COUNT][SL_COUNT];
};

static struct mg_heap *default_heap;

/*
 * AddressSanitizer: everything in the region is poisoned except the
 * requested bytes of live allocations, so an overflow into a header, a
 * free block or fresh memory is reported. The heap reads and writes
 * headers and links only through the accessors below, which are not
 * instrumented.
 */
#if defined(__SANITIZE_ADDRESS__)
#define HEAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_ASAN 1
#endif
#endif

#ifdef HEAP_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define NO_ASAN             __attribute__((no_sanitize_address))
#define POISON(addr, len)   __asan_poison_memory_region((addr), (len))
#define UNPOISON(addr, len) __asan_unpoison_memory_region((addr), (len))
#else
#define NO_ASAN
#define POISON(addr, len)   ((void)(addr), (void)(len))
#define UNPOISON(addr, len) ((void)(addr), (void)(len))
#endif

#define CORRUPT(what)                                                          \
	(MG_LOGE("heap check failed: %s (heap.c:%d)", (what), __LINE__),       \
	    -MG_ECORRUPT)

/* Bytes from lo up to hi (lo <= hi, both in the region). */
static inline size_t
span(const uint8_t *lo, const uint8_t *hi)
{
	return (size_t)(hi - lo);
}

static inline struct blk *
blk_at(uint8_t *a)
{
	return (struct blk *)(void *)a;
}

static inline uint8_t *
blk_addr(struct blk *b)
{
	return (uint8_t *)b;
}

static inline void *
blk_payload(struct blk *b)
{
	return blk_addr(b) + HDR;
}

static inline const struct blk_links *
blk_links(const struct blk *b)
{
	return (const void *)((const uint8_t *)b + HDR);
}

static NO_ASAN size_t
blk_raw(const struct blk *b)
{
	return b->size;
}

static inline size_t
blk_size(const struct blk *b)
{
	return blk_raw(b) & ~BLK_FLAGS;
}

static inline bool
blk_is_free(const struct blk *b)
{
	return (blk_raw(b) & BLK_FREE) != 0;
}

static inline bool
blk_prev_is_free(const struct blk *b)
{
	return (blk_raw(b) & BLK_PREV_FREE) != 0;
}

static NO_ASAN void
blk_set_raw(struct blk *b, size_t raw)
{
	b->size = raw;
}

static NO_ASAN size_t
blk_prev_size(const struct blk *b)
{
	return b->prev_size;
}

static NO_ASAN void
blk_set_prev_size(struct blk *b, size_t size)
{
	b->prev_size = size;
}

static NO_ASAN struct blk *
blk_next_free(const struct blk *b)
{
	return blk_links(b)->next;
}

static NO_ASAN struct blk *
blk_prev_free(const struct blk *b)
{
	return blk_links(b)->prev;
}

static NO_ASAN void
blk_set_links(struct blk *b, struct blk *next, struct blk *prev)
{
	struct blk_links *l = blk_payload(b);

	l->next = next;
	l->prev = prev;
}

static NO_ASAN void
blk_set_next_free(struct blk *b, struct blk *next)
{
	((struct blk_links *)blk_payload(b))->next = next;
}

static NO_ASAN void
blk_set_prev_free(struct blk *b, struct blk *prev)
{
	((struct blk_links *)blk_payload(b))->prev = prev;
}

/* Index of the most significant set bit of x (x != 0). */
static inline unsigned
msb(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll((unsigned long long)x);
}

/* The class a block of size s belongs to. */
static void
class_of(size_t s, unsigned *fl, unsigned *sl)
{
	unsigned t;

	if (s < SMALL) {
		*fl = 0;
		*sl = (unsigned)(s >> ALIGN_LOG2);
		return;
	}
	t = msb(s);
	*fl = t - (SL_LOG2 + ALIGN_LOG2) + 1;
	*sl = (unsigned)(s >> (t - SL_LOG2)) & (SL_COUNT - 1);
}

/* The width of the class holding size s: 16 below SMALL. */
static inline size_t
class_step(size_t s)
{
	return s < SMALL ? ALIGN : (size_t)1 << (msb(s) - SL_LOG2);
}

static void
list_insert(struct mg_heap *h, struct blk *b)
{
	unsigned fl, sl;
	struct blk *head;

	class_of(blk_size(b), &fl, &sl);
	head = h->free[fl][sl];
	blk_set_links(b, head, NULL);
	if (head != NULL)
		blk_set_prev_free(head, b);
	h->free[fl][sl] = b;
	h->sl_map[fl] |= 1u << sl;
	h->fl_map |= (uint64_t)1 << fl;
}

static void
list_remove(struct mg_heap *h, struct blk *b)
{
	struct blk *next = blk_next_free(b), *prev = blk_prev_free(b);
	unsigned fl, sl;

	if (next != NULL)
		blk_set_prev_free(next, prev);
	if (prev != NULL) {
		blk_set_next_free(prev, next);
		return;
	}
	class_of(blk_size(b), &fl, &sl);
	MG_ASSERT(h->free[fl][sl] == b);
	h->free[fl][sl] = next;
	if (next == NULL) {
		h->sl_map[fl] &= ~(1u << sl);
		if (h->sl_map[fl] == 0)
			h->fl_map &= ~((uint64_t)1 << fl);
	}
}

/*
 * make_free turns b (header says allocated; its BLK_PREV_FREE bit is
 * right) into free memory: it merges b with a free block below and a free
 * block above, or gives it back to fresh when it ends there, and files the
 * result on its free list with its boundary tag written.
 */
static void
make_free(struct mg_heap *h, struct blk *b)
{
	size_t size = blk_size(b);
	uint8_t *next = blk_addr(b) + size;

	if (blk_prev_is_free(b)) {
		struct blk *below = blk_at(blk_addr(b) - blk_prev_size(b));

		list_remove(h, below);
		size += blk_size(below);
		b = below;
	}
	if (next == h->fresh) {
		h->fresh = blk_addr(b);
		return;
	}
	if (blk_is_free(blk_at(next))) {
		list_remove(h, blk_at(next));
		size += blk_size(blk_at(next));
	}
	/* The block below b is allocated now: no two free blocks touch. */
	blk_set_raw(b, size | BLK_FREE);
	next = blk_addr(b) + size;
	MG_ASSERT(next != h->fresh);
	blk_set_prev_size(blk_at(next), size);
	blk_set_raw(blk_at(next), blk_raw(blk_at(next)) | BLK_PREV_FREE);
	list_insert(h, b);
}

/*
 * split cuts an allocated block b down to size, turning the rest into free
 * memory when it is large enough to be a block.
 */
static void
split(struct mg_heap *h, struct blk *b, size_t size)
{
	size_t have = blk_size(b);
	struct blk *rest;

	if (have - size < BLK_MIN)
		return;
	blk_set_raw(b, size | (blk_raw(b) & BLK_PREV_FREE));
	rest = blk_at(blk_addr(b) + size);
	blk_set_raw(rest, have - size);
	make_free(h, rest);
}

/* take removes free block b from its list and allocates size bytes of it. */
static struct blk *
take(struct mg_heap *h, struct blk *b, size_t size)
{
	uint8_t *next = blk_addr(b) + blk_size(b);

	list_remove(h, b);
	/* A free block never ends at fresh, so next is a real block. */
	blk_set_raw(blk_at(next), blk_raw(blk_at(next)) & ~BLK_PREV_FREE);
	blk_set_raw(b, blk_size(b));
	split(h, b, size);
	return b;
}

/* Zero [a, a + len) where it may hold old bytes, and note it handed out. */
static void
fresh_zero(struct mg_heap *h, uint8_t *a, size_t len)
{
	uint8_t *lim = a + len;

	if (a < h->dirty_end) {
		size_t n = span(a, lim < h->dirty_end ? lim : h->dirty_end);

		UNPOISON(a, n);
		mg_memset(a, 0, n);
		POISON(a, n);
	}
	if ((h->flags & MG_HEAP_ZEROED) && lim > h->dirty_end)
		h->dirty_end = lim;
}

/* carve takes a zeroed block of size bytes from the bottom of fresh. */
static struct blk *
carve(struct mg_heap *h, size_t size)
{
	struct blk *b;

	if (span(h->fresh, h->end) < size)
		return NULL;
	b = blk_at(h->fresh);
	fresh_zero(h, h->fresh + HDR, size - HDR);
	h->fresh += size;
	/* The block below fresh is never free. */
	blk_set_prev_size(b, 0);
	blk_set_raw(b, size);
	return b;
}

/* First block of at least size on list (fl, sl), looking at up to max. */
static struct blk *
scan(const struct mg_heap *h, unsigned fl, unsigned sl, size_t size, size_t max,
    bool *more)
{
	struct blk *b = h->free[fl][sl];

	*more = false;
	for (; b != NULL; b = blk_next_free(b)) {
		if (blk_size(b) >= size)
			return b;
		if (max-- == 0) {
			*more = true;
			return NULL;
		}
	}
	return NULL;
}

/* Head of the first non-empty list of class (fl, sl) or above. */
static struct blk *
find_above(const struct mg_heap *h, unsigned fl, unsigned sl)
{
	uint32_t slm = h->sl_map[fl] & (~0u << sl);
	uint64_t flm;

	if (slm == 0) {
		if (fl + 1 >= FL_COUNT)
			return NULL;
		flm = h->fl_map & (~(uint64_t)0 << (fl + 1));
		if (flm == 0)
			return NULL;
		fl = (unsigned)__builtin_ctzll(flm);
		slm = h->sl_map[fl];
	}
	return h->free[fl][(unsigned)__builtin_ctz(slm)];
}

/*
 * block_size gives the block size for a request of n bytes, or 0 when no
 * block that large can exist in h.
 */
static size_t
block_size(const struct mg_heap *h, size_t n)
{
	size_t s;

	if (__builtin_add_overflow(n, HDR + ALIGN - 1, &s))
		return 0;
	s &= ~(ALIGN - 1);
	if (s < BLK_MIN)
		s = BLK_MIN;
	if (s > span(h->base, h->end))
		return 0;
	return s;
}

/*
 * alloc_block finds or carves a block of size bytes (from block_size) and
 * sets *zeroed when its payload is known to be all zero.
 */
static struct blk *
alloc_block(struct mg_heap *h, size_t size, bool *zeroed)
{
	unsigned fl, sl;
	struct blk *b = NULL;
	bool more = false;
	size_t up;

	*zeroed = false;
	class_of(size, &fl, &sl);
	if ((size & (class_step(size) - 1)) != 0) {
		b = scan(h, fl, sl, size, SCAN_MAX, &more);
		if (b != NULL)
			return take(h, b, size);
		/* Every block of the next class up is large enough. */
		if (__builtin_add_overflow(size, class_step(size) - 1, &up))
			up = SIZE_MAX;
		class_of(up, &fl, &sl);
	}
	b = find_above(h, fl, sl);
	if (b != NULL)
		return take(h, b, size);
	b = carve(h, size);
	if (b != NULL) {
		*zeroed = true;
		return b;
	}
	if (more) {
		class_of(size, &fl, &sl);
		b = scan(h, fl, sl, size, SIZE_MAX, &more);
		if (b != NULL)
			return take(h, b, size);
	}
	return NULL;
}

/* Account for a new allocation of b and expose n bytes of it to ASan. */
static void *
handed_out(struct mg_heap *h, struct blk *b, size_t n)
{
	h->used += blk_size(b);
	if (h->used > h->peak)
		h->peak = h->used;
	h->nalloc++;
	UNPOISON(blk_payload(b), n);
	return blk_payload(b);
}

static void *
heap_alloc(struct mg_heap *h, size_t n, bool *zeroed)
{
	size_t size = block_size(h, n);
	struct blk *b;

	*zeroed = false;
	b = size != 0 ? alloc_block(h, size, zeroed) : NULL;
	if (b == NULL) {
		h->nfail++;
		return NULL;
	}
	return handed_out(h, b, n);
}

/*
 * lookup returns the block of a live allocation p, or panics: a pointer
 * outside the blocks, misaligned, already free, or with a header that
 * cannot be right is a programmer error (or a heap overflow).
 */
static struct blk *
lookup(const struct mg_heap *h, const void *p, const char *op)
{
	uintptr_t a = (uintptr_t)p, base;
	struct blk *b;
	uint8_t *next;
	size_t raw, size;

	MG_ASSERT(h != NULL && h->magic == HEAP_MAGIC);
	base = (uintptr_t)h->base;
	/* Compare addresses as integers: p may point anywhere. */
	if (a < base + HDR || a >= (uintptr_t)h->fresh)
		mg_panic("%s: %p is not an allocation of heap %p", op, p,
		    (const void *)h);
	if ((a & (ALIGN - 1)) != 0)
		mg_panic("%s: %p is misaligned", op, p);
	b = blk_at(h->base + (a - base - HDR));
	raw = blk_raw(b);
	if (raw & BLK_FREE)
		mg_panic("%s: %p is already free (double free?)", op, p);
	size = raw & ~BLK_FLAGS;
	if ((raw & BLK_FLAGS & ~BLK_PREV_FREE) != 0 || size < BLK_MIN ||
	    size > span(blk_addr(b), h->fresh))
		mg_panic("%s: %p has a bad header (corrupt or foreign)", op, p);
	next = blk_addr(b) + size;
	if (next != h->fresh && blk_prev_is_free(blk_at(next)))
		mg_panic("%s: %p: next header says it is free (corrupt)", op,
		    p);
	return b;
}

struct mg_heap *
mg_heap_init(void *mem, size_t len, unsigned flags)
{
	const size_t hsize =
	    (sizeof(struct mg_heap) + ALIGN - 1) & ~(ALIGN - 1);
	size_t pad = (ALIGN - ((uintptr_t)mem & (ALIGN - 1))) & (ALIGN - 1);
	uint8_t *start = mem;
	struct mg_heap *h;
	uintptr_t last;

	if (mem == NULL || __builtin_add_overflow((uintptr_t)mem, len, &last))
		return NULL;
	if (len < pad)
		return NULL;
	/* From start (aligned), len bytes rounded down keep end aligned. */
	len = (len - pad) & ~(ALIGN - 1);
	if (len < hsize + BLK_MIN)
		return NULL;
	start += pad;
	h = (struct mg_heap *)(void *)start;
	UNPOISON(h, hsize);
	mg_memset(h, 0, sizeof(*h));
	h->magic = HEAP_MAGIC;
	h->flags = flags & MG_HEAP_ZEROED;
	h->base = start + hsize;
	h->fresh = h->base;
	h->end = start + len;
	h->dirty_end = (flags & MG_HEAP_ZEROED) ? h->base : h->end;
	POISON(h->base, span(h->base, h->end));
	return h;
}

void *
mg_heap_alloc(struct mg_heap *h, size_t size)
{
	bool zeroed;

	MG_ASSERT(h != NULL && h->magic == HEAP_MAGIC);
	return heap_alloc(h, size, &zeroed);
}

void *
mg_heap_calloc(struct mg_heap *h, size_t n, size_t size)
{
	size_t total;
	bool zeroed;
	void *p;

	MG_ASSERT(h != NULL && h->magic == HEAP_MAGIC);
	if (__builtin_mul_overflow(n, size, &total)) {
		h->nfail++;
		return NULL;
	}
	p = heap_alloc(h, total, &zeroed);
	/* Fresh memory is zero already; leave its pages untouched. */
	if (p != NULL && !zeroed)
		mg_memset(p, 0, total);
	return p;
}

void
mg_heap_free(struct mg_heap *h, void *p)
{
	struct blk *b;

	if (p == NULL)
		return;
	b = lookup(h, p, "mg_heap_free");
	h->used -= blk_size(b);
	h->nfree++;
	POISON(p, blk_size(b) - HDR);
	make_free(h, b);
}

/* grow tries to make b at least size bytes without moving it. */
static bool
grow(struct mg_heap *h, struct blk *b, size_t size)
{
	size_t have = blk_size(b), more = size - have;
	uint8_t *next = blk_addr(b) + have;
	struct blk *n = blk_at(next);

	if (next == h->fresh) {
		if (span(h->fresh, h->end) < more)
			return false;
		fresh_zero(h, h->fresh, more);
		h->fresh += more;
		blk_set_raw(b, blk_raw(b) + more);
		return true;
	}
	if (!blk_is_free(n) || blk_size(n) < more)
		return false;
	list_remove(h, n);
	have += blk_size(n);
	/* n never ends at fresh, so the block above it is real. */
	next = blk_addr(b) + have;
	blk_set_raw(blk_at(next), blk_raw(blk_at(next)) & ~BLK_PREV_FREE);
	blk_set_raw(b, have | (blk_raw(b) & BLK_PREV_FREE));
	split(h, b, size);
	return true;
}

void *
mg_heap_realloc(struct mg_heap *h, void *p, size_t size)
{
	size_t need, have;
	struct blk *b;
	bool zeroed;
	void *q;

	if (p == NULL)
		return mg_heap_alloc(h, size);
	if (size == 0) {
		mg_heap_free(h, p);
		return NULL;
	}
	b = lookup(h, p, "mg_heap_realloc");
	have = blk_size(b);
	need = block_size(h, size);
	if (need == 0) {
		h->nfail++;
		return NULL;
	}
	if (need > have && !grow(h, b, need)) {
		/* No room here: move. A failure leaves p as it was. */
		q = heap_alloc(h, size, &zeroed);
		if (q == NULL)
			return NULL;
		/* The old payload may be poisoned past what was asked for. */
		UNPOISON(p, have - HDR);
		mg_memcpy(q, p, have - HDR);
		mg_heap_free(h, p);
		return q;
	}
	if (need < have)
		split(h, b, need);
	h->used = h->used - have + blk_size(b);
	if (h->used > h->peak)
		h->peak = h->used;
	POISON(p, blk_size(b) - HDR);
	UNPOISON(p, size);
	return p;
}

size_t
mg_heap_usable(struct mg_heap *h, const void *p)
{
	struct blk *b = lookup(h, p, "mg_heap_usable");

	UNPOISON(p, blk_size(b) - HDR);
	return blk_size(b) - HDR;
}

void
mg_heap_stats(const struct mg_heap *h, struct mg_heap_stats *out)
{
	const struct blk *b;
	unsigned fl, sl;
	size_t largest;

	MG_ASSERT(h != NULL && h->magic == HEAP_MAGIC);
	largest = span(h->fresh, h->end);
	if (largest < BLK_MIN)
		largest = 0;
	/* The largest free block is on the highest non-empty list. */
	if (h->fl_map != 0) {
		fl = msb(h->fl_map);
		sl = msb(h->sl_map[fl]);
		for (b = h->free[fl][sl]; b != NULL; b = blk_next_free(b))
			if (blk_size(b) > largest)
				largest = blk_size(b);
	}
	out->size = span(h->base, h->end);
	out->used = h->used;
	out->peak = h->peak;
	out->fresh = span(h->fresh, h->end);
	out->largest = largest != 0 ? largest - HDR : 0;
	out->nalloc = h->nalloc;
	out->nfree = h->nfree;
	out->nfail = h->nfail;
}

/* check_blocks walks the blocks in address order. */
static int
check_blocks(const struct mg_heap *h, size_t *nfree_blocks)
{
	size_t used = 0, free_bytes = 0, nfree = 0, prev_size = 0;
	uint8_t *a = h->base;
	bool prev_free = false;

	while (a < h->fresh) {
		const struct blk *b = blk_at(a);
		size_t raw = blk_raw(b), size = raw & ~BLK_FLAGS;

		if ((raw & BLK_FLAGS & ~(BLK_FREE | BLK_PREV_FREE)) != 0)
			return CORRUPT("unknown header flags");
		if (size < BLK_MIN || size > span(a, h->fresh))
			return CORRUPT("block size out of range");
		if (blk_prev_is_free(b) != prev_free)
			return CORRUPT("prev-free flag wrong");
		if (prev_free && blk_prev_size(b) != prev_size)
			return CORRUPT("boundary tag differs from block below");
		if (blk_is_free(b)) {
			if (prev_free)
				return CORRUPT("two adjacent free blocks");
			free_bytes += size;
			nfree++;
		} else {
			used += size;
		}
		prev_free = blk_is_free(b);
		prev_size = size;
		a += size;
	}
	if (a != h->fresh)
		return CORRUPT("blocks do not end at fresh");
	if (prev_free)
		return CORRUPT("free block next to fresh");
	if (used != h->used)
		return CORRUPT("used count differs from blocks");
	if (used + free_bytes + span(h->fresh, h->end) != span(h->base, h->end))
		return CORRUPT("used + free + fresh differs from size");
	*nfree_blocks = nfree;
	return 0;
}

/* check_list walks free list (fl, sl); *n counts its blocks. */
static int
check_list(const struct mg_heap *h, unsigned fl, unsigned sl, size_t max,
    size_t *n)
{
	struct blk *b, *prev = NULL;

	for (b = h->free[fl][sl]; b != NULL; b = blk_next_free(b)) {
		uintptr_t a = (uintptr_t)b;
		uint8_t *next;
		unsigned bfl, bsl;
		size_t size;

		if (++*n > max)
			return CORRUPT("more list entries than free blocks");
		if (a < (uintptr_t)h->base || a >= (uintptr_t)h->fresh ||
		    (a & (ALIGN - 1)) != 0)
			return CORRUPT("list entry outside the blocks");
		if (!blk_is_free(b))
			return CORRUPT("list entry not free");
		size = blk_size(b);
		if (size < BLK_MIN || size > span(blk_addr(b), h->fresh))
			return CORRUPT("list entry size out of range");
		if (blk_prev_free(b) != prev)
			return CORRUPT("list back link wrong");
		class_of(size, &bfl, &bsl);
		if (bfl != fl || bsl != sl)
			return CORRUPT("list entry in the wrong class");
		next = blk_addr(b) + size;
		if (next == h->fresh || !blk_prev_is_free(blk_at(next)) ||
		    blk_prev_size(blk_at(next)) != size)
			return CORRUPT("list entry has no boundary tag");
		prev = b;
	}
	return 0;
}

int
mg_heap_check(const struct mg_heap *h)
{
	size_t nfree = 0, nlisted = 0;
	unsigned fl, sl;
	int err;

	if (h == NULL || h->magic != HEAP_MAGIC)
		return CORRUPT("bad heap magic");
	if ((uintptr_t)h->base < (uintptr_t)h + sizeof(*h) ||
	    h->base > h->fresh || h->fresh > h->end ||
	    (((uintptr_t)h->base | (uintptr_t)h->fresh | (uintptr_t)h->end) &
	        (ALIGN - 1)) != 0)
		return CORRUPT("region bounds");
	if (h->dirty_end < h->base || h->dirty_end > h->end ||
	    (!(h->flags & MG_HEAP_ZEROED) && h->dirty_end != h->end))
		return CORRUPT("dirty mark out of range");
	if (h->used > h->peak)
		return CORRUPT("used above peak");
	if ((err = check_blocks(h, &nfree)) != 0)
		return err;
	for (fl = 0; fl < FL_COUNT; fl++) {
		if (((h->fl_map >> fl) & 1) != (h->sl_map[fl] != 0))
			return CORRUPT("first-level bitmap");
		if (h->sl_map[fl] >> SL_COUNT != 0)
			return CORRUPT("second-level bitmap has stray bits");
		for (sl = 0; sl < SL_COUNT; sl++) {
			if (((h->sl_map[fl] >> sl) & 1) !=
			    (h->free[fl][sl] != NULL))
				return CORRUPT("second-level bitmap");
			if ((err = check_list(h, fl, sl, nfree, &nlisted)) != 0)
				return err;
		}
	}
	if ((h->fl_map >> FL_COUNT) != 0)
		return CORRUPT("first-level bitmap has stray bits");
	if (nlisted != nfree)
		return CORRUPT("free blocks missing from the lists");
	return 0;
}

struct mg_heap *
mg_heap_default(void)
{
	return default_heap;
}

void
mg_heap_set_default(struct mg_heap *h)
{
	default_heap = h;
}

static struct mg_heap *
need_default(const char *op)
{
	if (default_heap == NULL)
		mg_panic("%s: no default heap", op);
	return default_heap;
}

void *
mg_malloc(size_t size)
{
	return mg_heap_alloc(need_default("mg_malloc"), size);
}

void *
mg_calloc(size_t n, size_t size)
{
	return mg_heap_calloc(need_default("mg_calloc"), n, size);
}

void *
mg_realloc(void *p, size_t size)
{
	return mg_heap_realloc(need_default("mg_realloc"), p, size);
}

void
mg_free(void *p)
{
	mg_heap_free(need_default("mg_free"), p);
}
