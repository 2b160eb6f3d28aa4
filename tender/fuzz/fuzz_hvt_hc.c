/* SPDX-License-Identifier: ISC */
/*
 * fuzz_hvt_hc.c: the tender's hypercall-argument decoding (hvt_core.c and
 * the net and block modules) against hostile guest memory, without KVM.
 *
 * Input: byte 0 = number of calls (at most 8), then 5 bytes per call (the
 * hypercall number and the 32-bit argument GPA, little endian), then the
 * TX ring's head and the RX ring's tail (4 bytes each), 128 TX slot
 * lengths (2 bytes each), then bytes copied into guest memory at
 * MG_HVT_PT_END, where the argument structs usually live.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvt.h"

#define FUZZ_MEM   0x400000ULL
#define FUZZ_CALLS 8
#define FUZZ_BLOCK 0x10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf fuzz_out;

void
hvt_exit(struct hvt *hvt, int status)
{
	(void)hvt;
	longjmp(fuzz_out, status + 1);
}

void
hvt_die(struct hvt *hvt, int status, const char *fmt, ...)
{
	(void)hvt;
	(void)fmt;
	longjmp(fuzz_out, status + 1);
}

static struct hvt hvt;

static void
setup(void)
{
	static char blk_name[] = "fuzz-blk";
	int fd;

	hvt.mem_size = FUZZ_MEM;
	hvt.mem = malloc(FUZZ_MEM);
	if (hvt.mem == NULL)
		abort();
	hvt.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	hvt.max_poll_ns = 0;
	hvt.stop_fd = -1;
	hvt.ndev = 2;
	strcpy(hvt.dev[0].name, "service");
	hvt.dev[0].type = MG_MFT_NET;
	hvt.dev[0].fd = -1; /* writes and reads fail: frames dropped */
	hvt.dev[0].tx_gpa = FUZZ_MEM - 2ULL * MG_HVT_RING_SIZE;
	hvt.dev[0].rx_gpa = FUZZ_MEM - MG_HVT_RING_SIZE;
	strcpy(hvt.dev[1].name, "storage");
	hvt.dev[1].type = MG_MFT_BLOCK;
	fd = memfd_create(blk_name, MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, FUZZ_BLOCK) < 0)
		abort();
	hvt.dev[1].fd = fd;
	hvt.dev[1].capacity = FUZZ_BLOCK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_hvt_ring *tx, *rx;
	uint8_t calls[FUZZ_CALLS][5];
	size_t ncalls, hdr, i;
	uint32_t v;

	if (hvt.mem == NULL)
		setup();
	if (size < 1)
		return 0;
	ncalls = data[0] % (FUZZ_CALLS + 1);
	hdr = 1 + ncalls * 5 + 8 + (size_t)MG_HVT_RING_SLOTS * 2;
	if (size < hdr)
		return 0;
	memcpy(calls, data + 1, ncalls * 5);
	data += 1 + ncalls * 5;
	size -= 1 + ncalls * 5;

	memset(hvt.mem, 0, FUZZ_MEM);
	hvt_net_init_rings(&hvt);
	tx = (struct mg_hvt_ring *)(void *)(hvt.mem + hvt.dev[0].tx_gpa);
	rx = (struct mg_hvt_ring *)(void *)(hvt.mem + hvt.dev[0].rx_gpa);
	memcpy(&v, data, 4);
	tx->head = v;
	memcpy(&v, data + 4, 4);
	rx->tail = v;
	for (i = 0; i < MG_HVT_RING_SLOTS; i++)
		tx->len[i] =
		    (uint32_t)data[8 + 2 * i] | (uint32_t)data[9 + 2 * i] << 8;
	data += 8 + (size_t)MG_HVT_RING_SLOTS * 2;
	size -= 8 + (size_t)MG_HVT_RING_SLOTS * 2;
	if (size > hvt.dev[0].tx_gpa - MG_HVT_PT_END)
		size = hvt.dev[0].tx_gpa - MG_HVT_PT_END;
	memcpy(hvt.mem + MG_HVT_PT_END, data, size);

	if (setjmp(fuzz_out) != 0)
		return 0; /* the guest was ended: a fine outcome */
	for (i = 0; i < ncalls; i++) {
		uint32_t arg;

		memcpy(&arg, &calls[i][1], 4);
		hvt_hypercall(&hvt, calls[i][0], arg);
	}
	return 0;
}
