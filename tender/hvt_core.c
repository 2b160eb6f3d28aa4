/* SPDX-License-Identifier: ISC */
/* hvt_core.c: guest addresses and hypercall decoding. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hvt.h"
#include "mg/err.h"

/*
 * Guest-supplied addresses may only name the guest's own memory above the
 * page tables: the boot page, descriptor tables, stubs, CPL0 stack and page
 * tables are never a hypercall's buffer. Subtract, never add: no wrap.
 */
void *
hvt_gpa(struct hvt *hvt, uint64_t gpa, uint64_t len, const char *what)
{
	if (gpa < MG_HVT_PT_END || gpa > hvt->mem_size ||
	    len > hvt->mem_size - gpa)
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "bad guest address in %s: [0x%llx, +0x%llx) is outside "
		    "guest memory [0x%llx, 0x%llx)",
		    what, (unsigned long long)gpa, (unsigned long long)len,
		    MG_HVT_PT_END, (unsigned long long)hvt->mem_size);
	return hvt->mem + gpa;
}

static void
hc_puts(struct hvt *hvt, uint32_t arg)
{
	struct mg_hvt_puts a;
	const uint8_t *p;
	size_t off = 0;

	memcpy(&a, HVT_GPA(hvt, arg, sizeof(a)), sizeof(a));
	if (a.len > HVT_PUTS_MAX)
		a.len = HVT_PUTS_MAX;
	p = HVT_GPA(hvt, a.data, a.len);
	while (off < a.len) {
		ssize_t n = write(hvt->out_fd, p + off, a.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* a closed console does not end the guest */
		off += (size_t)n;
	}
}

static void
hc_poll(struct hvt *hvt, uint32_t arg)
{
	struct mg_hvt_poll a;
	void *p = HVT_GPA(hvt, arg, sizeof(a));

	memcpy(&a, p, sizeof(a));
	a.ready = hvt_net_poll(hvt, a.timeout_ns);
	memcpy(p, &a, sizeof(a));
}

static void
hc_net_flush(struct hvt *hvt, uint32_t arg)
{
	struct mg_hvt_net_flush a;
	void *p = HVT_GPA(hvt, arg, sizeof(a));

	memcpy(&a, p, sizeof(a));
	if (a.handle >= hvt->ndev || hvt->dev[a.handle].type != MG_MFT_NET)
		a.ret = -MG_EINVAL;
	else
		a.ret = hvt_net_tx_drain(hvt, &hvt->dev[a.handle]);
	memcpy(p, &a, sizeof(a));
}

static void
hc_block_io(struct hvt *hvt, uint32_t arg, bool write)
{
	struct mg_hvt_block_io a;
	void *p = HVT_GPA(hvt, arg, sizeof(a));

	memcpy(&a, p, sizeof(a));
	hvt_blk_io(hvt, &a, write);
	memcpy(p, &a, sizeof(a));
}

static void
hc_block_flush(struct hvt *hvt, uint32_t arg)
{
	struct mg_hvt_block_io a;
	void *p = HVT_GPA(hvt, arg, sizeof(a));

	/*
	 * NOTE(hvt): hvt_abi.h gives BLOCK_FLUSH no struct of its own; it
	 * takes a struct mg_hvt_block_io and reads only handle, writes ret.
	 */
	memcpy(&a, p, sizeof(a));
	a.ret = hvt_blk_flush(hvt, a.handle);
	memcpy(p, &a, sizeof(a));
}

__attribute__((noreturn)) static void
hc_halt(struct hvt *hvt, uint32_t arg)
{
	struct mg_hvt_halt a;

	memcpy(&a, HVT_GPA(hvt, arg, sizeof(a)), sizeof(a));
	if (a.status < 0 || a.status > 254)
		hvt_die(hvt, HVT_EXIT_GUEST, "guest halted with status %lld",
		    (long long)a.status);
	hvt_exit(hvt, (int)a.status);
}

void
hvt_hypercall(struct hvt *hvt, uint32_t nr, uint32_t arg)
{
	switch (nr) {
	case MG_HVT_HC_PUTS:
		hc_puts(hvt, arg);
		break;
	case MG_HVT_HC_POLL:
		hc_poll(hvt, arg);
		break;
	case MG_HVT_HC_NET_FLUSH:
		hc_net_flush(hvt, arg);
		break;
	case MG_HVT_HC_BLOCK_READ:
		hc_block_io(hvt, arg, false);
		break;
	case MG_HVT_HC_BLOCK_WRITE:
		hc_block_io(hvt, arg, true);
		break;
	case MG_HVT_HC_BLOCK_FLUSH:
		hc_block_flush(hvt, arg);
		break;
	case MG_HVT_HC_HALT:
		hc_halt(hvt, arg);
		/* NOTREACHED */
	default:
		hvt_die(hvt, HVT_EXIT_GUEST, "unknown hypercall %u", nr);
	}
}
