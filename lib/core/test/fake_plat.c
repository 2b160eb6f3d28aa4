/* SPDX-License-Identifier: ISC */
/* fake_plat.c: a deterministic platform for lib/core unit tests. */
#include "fake_plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mg/err.h"
#include "mg/heap.h"

mg_time_t fake_now = FAKE_PLAT_T0;
char fake_console[65536];
size_t fake_console_len;
jmp_buf *fake_abort_jmp;
int fake_exit_status = -1;
unsigned fake_yields;

#define NINJECT 64
static struct {
	mg_time_t at;
	mg_handle_set_t ready;
} inject[NINJECT];
static size_t ninject;

void
fake_plat_inject(mg_time_t at, mg_handle_set_t ready)
{
	if (ninject == NINJECT)
		abort();
	inject[ninject].at = at;
	inject[ninject].ready = ready;
	ninject++;
}

void
fake_plat_reset(void)
{
	fake_now = FAKE_PLAT_T0;
	fake_console_len = 0;
	fake_console[0] = '\0';
	fake_abort_jmp = NULL;
	fake_exit_status = -1;
	fake_yields = 0;
	ninject = 0;
}

void
fake_plat_heap(void)
{
	static struct mg_heap *h;
	static void *mem;

	if (h == NULL) {
		mem = malloc(16 << 20);
		if (mem == NULL)
			abort();
		h = mg_heap_init(mem, 16 << 20, 0);
		if (h == NULL)
			abort();
	}
	mg_heap_set_default(h);
}

void
mg_plat_console_write(const char *buf, size_t len)
{
	size_t room = sizeof(fake_console) - 1 - fake_console_len;
	size_t n = len < room ? len : room;

	memcpy(fake_console + fake_console_len, buf, n);
	fake_console_len += n;
	fake_console[fake_console_len] = '\0';
	if (getenv("FAKE_PLAT_ECHO") != NULL)
		(void)!write(1, buf, len);
}

mg_time_t
mg_plat_clock_monotonic(void)
{
	return fake_now;
}

mg_time_t
mg_plat_clock_wall(void)
{
	return FAKE_WALL_BASE + fake_now;
}

mg_handle_set_t
mg_plat_yield(mg_time_t deadline)
{
	mg_time_t first = MG_TIME_NEVER;
	mg_handle_set_t ready = 0;
	size_t i, j;

	fake_yields++;
	for (i = 0; i < ninject; i++)
		if (inject[i].at < first)
			first = inject[i].at;
	if (ninject > 0 && first <= deadline) {
		/* An injection comes first: wake up then with its handles. */
		if (first > fake_now)
			fake_now = first;
		for (i = j = 0; i < ninject; i++) {
			if (inject[i].at <= fake_now)
				ready |= inject[i].ready;
			else
				inject[j++] = inject[i];
		}
		ninject = j;
		return ready;
	}
	if (deadline == MG_TIME_NEVER)
		return MG_PLAT_SHUTDOWN; /* nothing could ever wake us */
	if (deadline > fake_now)
		fake_now = deadline;
	return 0;
}

int
mg_plat_net_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_net_info *info)
{
	(void)name;
	(void)h;
	(void)info;
	return -MG_ENOENT;
}

int
mg_plat_net_write(mg_handle_t h, const void *buf, size_t len)
{
	(void)h;
	(void)buf;
	(void)len;
	return -MG_EBADF;
}

int
mg_plat_net_read(mg_handle_t h, void *buf, size_t size, size_t *len)
{
	(void)h;
	(void)buf;
	(void)size;
	(void)len;
	return -MG_EBADF;
}

int
mg_plat_block_acquire(const char *name, mg_handle_t *h,
    struct mg_plat_block_info *info)
{
	(void)name;
	(void)h;
	(void)info;
	return -MG_ENOENT;
}

int
mg_plat_block_read(mg_handle_t h, uint64_t off, void *buf, size_t len)
{
	(void)h;
	(void)off;
	(void)buf;
	(void)len;
	return -MG_EBADF;
}

int
mg_plat_block_write(mg_handle_t h, uint64_t off, const void *buf, size_t len)
{
	(void)h;
	(void)off;
	(void)buf;
	(void)len;
	return -MG_EBADF;
}

int
mg_plat_block_flush(mg_handle_t h)
{
	(void)h;
	return -MG_EBADF;
}

void
mg_plat_seal(void)
{}

void
mg_plat_exit(int status)
{
	fake_exit_status = status;
	if (fake_abort_jmp != NULL)
		longjmp(*fake_abort_jmp, 2);
	exit(status);
}

void
mg_plat_abort(void)
{
	fake_exit_status = 255;
	if (fake_abort_jmp != NULL)
		longjmp(*fake_abort_jmp, 1);
	abort();
}
