/* SPDX-License-Identifier: ISC */
/* hvt_abi.h: the contract between an hvt guest and the tender. */
#ifndef MG_HVT_ABI_H
#define MG_HVT_ABI_H

#include <stddef.h>
#include <stdint.h>

/*
 * The guest runs in 64-bit mode at CPL3 with the page tables, GDT, IDT and
 * TSS built by the tender in memory the guest cannot reach (supervisor-only
 * pages, and read-only memory slots): it has no privileged instruction and
 * no way to change its own mappings. It talks to the tender with one
 * instruction, `outl %eax, %dx`: dx = MG_HVT_PORT_BASE + a hypercall number
 * (the TSS I/O bitmap opens exactly those ports), eax = the guest-physical
 * address of that call's argument struct. The tender reads the struct,
 * checks every field, does the call, writes results back into the struct
 * and resumes the guest. Guest memory is identity mapped (VA == GPA).
 *
 * Exceptions go to CPL0 stubs written by the tender (the image holds no
 * CPL0 code): each pushes a uniform frame on the CPL0 stack and reports
 * MG_HVT_PORT_FAULT with the vector in eax; the tender prints the vector,
 * error code, RIP and CR2 and ends the guest with status 255.
 *
 * Bump MG_HVT_ABI_VERSION on any change to this file.
 */
#define MG_HVT_ABI_VERSION 2

/* Guest-physical layout. */
#define MG_HVT_PAGE        0x1000ULL
#define MG_HVT_BOOT_GPA    0x1000ULL /* struct mg_hvt_boot, user read-only */
#define MG_HVT_CMDLINE_GPA 0x2000ULL /* command line, user read-only */
#define MG_HVT_CMDLINE_MAX 0x1000ULL /* bytes, including the NUL */
#define MG_HVT_GDT_GPA     0x3000ULL /* supervisor, read-only slot */
#define MG_HVT_IDT_GPA     0x4000ULL /* supervisor, read-only slot */
#define MG_HVT_TSS_GPA     0x5000ULL /* supervisor, read-only slot */
#define MG_HVT_STUBS_GPA   0x6000ULL /* CPL0 fault stubs: supervisor RX */
#define MG_HVT_KSTACK_GPA  0x8000ULL /* CPL0 stack [0x8000, 0xa000) RW NX */
#define MG_HVT_KSTACK_TOP  0xa000ULL
#define MG_HVT_PT_GPA      0x10000ULL /* page tables [0x10000, 0x20000) */
#define MG_HVT_PT_END      0x20000ULL
#define MG_HVT_IMAGE_MIN   0x100000ULL   /* lowest link address of an image */
#define MG_HVT_HEAP_ALIGN  0x200000ULL   /* heap: 2 MiB pages */
#define MG_HVT_MEM_MAX     0x40000000ULL /* 1 GiB: one page directory */
#define MG_HVT_STACK_SIZE  0x10000ULL    /* below it, an unmapped guard page */

/* Segment selectors the guest runs with. */
#define MG_HVT_SEL_KCODE 0x08
#define MG_HVT_SEL_KDATA 0x10
#define MG_HVT_SEL_UDATA 0x1b /* 0x18 | RPL 3 */
#define MG_HVT_SEL_UCODE 0x23 /* 0x20 | RPL 3 */
#define MG_HVT_SEL_TSS   0x28

/* Hypercalls: port MG_HVT_PORT_BASE + nr. */
#define MG_HVT_PORT_BASE  0x500
#define MG_HVT_PORT_FAULT 0x5ff /* from the CPL0 stubs only */

enum mg_hvt_hc {
	MG_HVT_HC_PUTS = 1,
	MG_HVT_HC_POLL = 2,
	MG_HVT_HC_NET_FLUSH = 3,
	MG_HVT_HC_BLOCK_READ = 4,
	MG_HVT_HC_BLOCK_WRITE = 5,
	MG_HVT_HC_BLOCK_FLUSH = 6,
	MG_HVT_HC_HALT = 7,
	MG_HVT_HC_MAX = 8,
};

/* Results written back into ret fields: 0 or a negated MG_E* code. */

struct mg_hvt_puts {
	uint64_t data; /* GPA */
	uint64_t len;
};

/*
 * POLL: transmit every frame queued in the TX rings, then sleep until a
 * device has input or timeout_ns passes (0: do not sleep), fill the RX rings
 * with what arrived, and return the ready handles (bit h) in ready, with bit
 * 63 set when the host asked the guest to stop.
 */
struct mg_hvt_poll {
	uint64_t timeout_ns;
	uint64_t ready; /* out */
};

/* NET_FLUSH: transmit the TX ring of handle now (the guest found it full). */
struct mg_hvt_net_flush {
	uint64_t handle;
	int64_t ret; /* out */
};

struct mg_hvt_block_io {
	uint64_t handle;
	uint64_t offset; /* bytes, multiple of the block size */
	uint64_t data;   /* GPA */
	uint64_t len;    /* bytes, multiple of the block size */
	int64_t ret;     /* out */
};

struct mg_hvt_halt {
	int64_t status; /* 0..254: exit status of the tender */
};

/*
 * Network rings. For each net device the tender sets aside, at the top of
 * guest memory, one TX and one RX ring. A ring is a header page followed by
 * nslots slots of slot_size bytes. The producer writes a slot, its length
 * in len[i % nslots], then advances head; the consumer reads slots from
 * tail to head and advances tail. Indices run free (wrap at 2^32). TX: the
 * guest produces, the tender consumes at POLL and NET_FLUSH. RX: the tender
 * produces at POLL, the guest consumes. The guest can write everything in
 * a ring, so the tender trusts none of it: it keeps its own copy of the
 * indices it produces, and a head or length out of range ends the guest.
 */
#define MG_HVT_RING_SLOTS     128
#define MG_HVT_RING_SLOT_SIZE 2048
#define MG_HVT_RING_HDR       0x1000
#define MG_HVT_RING_SIZE                                                       \
	(MG_HVT_RING_HDR + MG_HVT_RING_SLOTS * MG_HVT_RING_SLOT_SIZE)

struct mg_hvt_ring {
	volatile uint32_t head;
	uint32_t pad0[15]; /* producer and consumer on their own lines */
	volatile uint32_t tail;
	uint32_t pad1[15];
	uint32_t nslots;    /* MG_HVT_RING_SLOTS, informational */
	uint32_t slot_size; /* MG_HVT_RING_SLOT_SIZE, informational */
	uint32_t pad2[14];
	volatile uint32_t len[MG_HVT_RING_SLOTS];
};

#define MG_HVT_MAX_DEVS 16

struct mg_hvt_dev {
	char name[32];     /* as in the manifest */
	uint32_t type;     /* enum mg_mft_type */
	uint32_t handle;   /* == index in devs[] */
	uint64_t capacity; /* block: bytes */
	uint32_t block_size;
	uint16_t mtu; /* net */
	uint8_t mac[6];
	uint32_t pad;
	uint64_t tx_ring; /* net: GPA of struct mg_hvt_ring */
	uint64_t rx_ring;
};

/* At MG_HVT_BOOT_GPA; RDI holds its address at entry. */
struct mg_hvt_boot {
	uint32_t abi_version; /* MG_HVT_ABI_VERSION */
	uint32_t ndevs;
	uint64_t mem_size;   /* bytes of guest memory */
	uint64_t heap_start; /* MG_HVT_HEAP_ALIGN aligned */
	uint64_t heap_end;   /* below the rings */
	uint64_t tsc_hz;     /* guest TSC frequency */
	uint64_t wall_ns;    /* wall clock when the guest started ... */
	uint64_t wall_tsc;   /* ... and the guest TSC then (approximately) */
	uint64_t cmdline;    /* GPA of a NUL-terminated string */
	uint64_t cmdline_len;
	struct mg_hvt_dev devs[MG_HVT_MAX_DEVS];
	uint64_t seed[4]; /* 32 random bytes from the host (v2) */
};

_Static_assert(sizeof(struct mg_hvt_puts) == 16, "abi");
_Static_assert(sizeof(struct mg_hvt_poll) == 16, "abi");
_Static_assert(sizeof(struct mg_hvt_net_flush) == 16, "abi");
_Static_assert(sizeof(struct mg_hvt_block_io) == 40, "abi");
_Static_assert(sizeof(struct mg_hvt_halt) == 8, "abi");
_Static_assert(offsetof(struct mg_hvt_ring, tail) == 64, "abi");
_Static_assert(offsetof(struct mg_hvt_ring, nslots) == 128, "abi");
_Static_assert(offsetof(struct mg_hvt_ring, len) == 192, "abi");
_Static_assert(sizeof(struct mg_hvt_ring) <= MG_HVT_RING_HDR, "abi");
_Static_assert(sizeof(struct mg_hvt_dev) == 80, "abi");
_Static_assert(offsetof(struct mg_hvt_dev, tx_ring) == 64, "abi");
_Static_assert(offsetof(struct mg_hvt_boot, devs) == 72, "abi");
_Static_assert(sizeof(struct mg_hvt_boot) <= MG_HVT_PAGE, "abi");

#endif /* MG_HVT_ABI_H */
