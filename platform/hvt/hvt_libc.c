/* SPDX-License-Identifier: ISC */
/* hvt_libc.c: what the compiler calls on its own: mem*, stack protector. */
#include "hvt_int.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The compiler emits calls to memcpy, memmove, memset and memcmp (for
 * struct copies and the mg_mem* builtins), and to __stack_chk_fail through
 * __stack_chk_guard (-mstack-protector-guard=global: the guest has no TLS).
 * This file is built without LTO so that these definitions exist when code
 * generation asks for them. The string instructions are fast on any CPU
 * with ERMSB and run natively at CPL3.
 */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

uintptr_t __stack_chk_guard = 0x2f5c3a9e7d10b600ULL; /* until boot */

void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;

	__asm__ __volatile__("rep movsb"
	                     : "+D"(d), "+S"(src), "+c"(n)
	                     :
	                     : "memory");
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d - s >= n) {
		/* dst below src, or no overlap: forward is safe. */
		return memcpy(dst, src, n);
	}
	/* dst overlaps the tail of src: copy backwards. */
	d += n - 1;
	s += n - 1;
	__asm__ __volatile__("std\n\trep movsb\n\tcld"
	                     : "+D"(d), "+S"(s), "+c"(n)
	                     :
	                     : "memory", "cc");
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ __volatile__("rep stosb"
	                     : "+D"(d), "+c"(n)
	                     : "a"(c)
	                     : "memory");
	return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return (int)x[i] - (int)y[i];
	return 0;
}

void
__stack_chk_fail(void)
{
	static const char msg[] = "PANIC: stack smashing detected\n";

	hvt_puts(msg, sizeof(msg) - 1);
	hvt_halt(HVT_EXIT_ABORT);
}
