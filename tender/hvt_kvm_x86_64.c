/* SPDX-License-Identifier: ISC */
/*
 * hvt_kvm_x86_64.c: build the VM (memory, page tables, GDT, IDT, TSS, fault
 * stubs, boot info), start the vCPU at CPL3 and run it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>
#include <x86intrin.h>

#include "hvt.h"

/* Page table entry bits. */
#define PTE_P  0x001ULL
#define PTE_RW 0x002ULL
#define PTE_US 0x004ULL
#define PTE_A  0x020ULL
#define PTE_D  0x040ULL
#define PTE_PS 0x080ULL
#define PTE_NX (1ULL << 63)
/* Non-leaf entries allow everything; the leaves narrow it. */
#define PTE_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A)

#define CR0_PE         0x1ULL
#define CR0_MP         0x2ULL
#define CR0_ET         0x10ULL
#define CR0_NE         0x20ULL
#define CR0_WP         0x10000ULL
#define CR0_PG         0x80000000ULL
#define CR4_PAE        0x20ULL
#define CR4_OSFXSR     0x200ULL
#define CR4_OSXMMEXCPT 0x400ULL
#define EFER_LME       0x100ULL
#define EFER_LMA       0x400ULL
#define EFER_NXE       0x800ULL

#define MIB    (1ULL << 20)
#define HUGE2M 0x200000ULL
#define NPT    ((MG_HVT_PT_END - MG_HVT_PT_GPA) / MG_HVT_PAGE)

/* The TSS: 104 bytes, then the I/O bitmap for ports 0..0x5ff, then 0xff. */
#define TSS_IOPB     104
#define TSS_IOPB_LEN ((MG_HVT_PORT_FAULT + 1) / 8)
#define TSS_LIMIT    (TSS_IOPB + TSS_IOPB_LEN) /* the trailing 0xff byte */
#define GDT_LIMIT    (7 * 8 - 1) /* 5 descriptors and a 16-byte TSS one */

#define IA32_TSC 0x10

struct pt_builder {
	uint8_t *mem;
	unsigned used; /* pages taken from [MG_HVT_PT_GPA, MG_HVT_PT_END) */
};

static uint64_t *
pt_page(struct pt_builder *b, unsigned i)
{
	return (uint64_t *)(void *)(b->mem + MG_HVT_PT_GPA +
	    (uint64_t)i * MG_HVT_PAGE);
}

/* Page 0: PML4, page 1: PDPT, page 2: the one PD (1 GiB), then PTs. */
static uint64_t *
pd_entry(struct pt_builder *b, uint64_t gpa)
{
	return &pt_page(b, 2)[gpa >> 21];
}

static int
map_4k(struct pt_builder *b, uint64_t gpa, uint64_t flags)
{
	uint64_t *pde = pd_entry(b, gpa), *pt;

	if (*pde & PTE_PS)
		return -1; /* already a 2 MiB page: a layout bug */
	if (!(*pde & PTE_P)) {
		if (b->used == NPT)
			return -1;
		*pde = (MG_HVT_PT_GPA + b->used * MG_HVT_PAGE) | PTE_TABLE;
		b->used++;
	}
	pt = (uint64_t *)(void *)(b->mem + (*pde & 0x000ffffffffff000ULL));
	pt[(gpa >> 12) & 511] = gpa | flags | PTE_P | PTE_A | PTE_D;
	return 0;
}

/* Map [start, end) with flags; 2 MiB pages where allowed and they fit. */
static int
map_range(struct pt_builder *b, uint64_t start, uint64_t end, uint64_t flags,
    bool large)
{
	uint64_t gpa = start;

	while (gpa < end) {
		if (large && (gpa & (HUGE2M - 1)) == 0 && end - gpa >= HUGE2M &&
		    !(*pd_entry(b, gpa) & PTE_P)) {
			*pd_entry(b, gpa) =
			    gpa | flags | PTE_P | PTE_A | PTE_D | PTE_PS;
			gpa += HUGE2M;
			continue;
		}
		if (map_4k(b, gpa, flags) < 0)
			return -1;
		gpa += MG_HVT_PAGE;
	}
	return 0;
}

static int
build_page_tables(struct hvt *hvt)
{
	struct pt_builder b = {hvt->mem, 3};
	const uint64_t user_ro = PTE_US | PTE_NX,
	               user_rw = PTE_US | PTE_RW | PTE_NX;
	size_t i;
	int rc = 0;

	pt_page(&b, 0)[0] = (MG_HVT_PT_GPA + MG_HVT_PAGE) | PTE_TABLE;
	pt_page(&b, 1)[0] = (MG_HVT_PT_GPA + 2 * MG_HVT_PAGE) | PTE_TABLE;
	/* Page 0 stays unmapped; so do the page tables themselves. */
	rc |= map_range(&b, MG_HVT_BOOT_GPA, MG_HVT_CMDLINE_GPA + MG_HVT_PAGE,
	    user_ro, false);
	rc |= map_range(&b, MG_HVT_GDT_GPA, MG_HVT_STUBS_GPA, PTE_NX, false);
	rc |= map_range(&b, MG_HVT_STUBS_GPA, MG_HVT_STUBS_GPA + MG_HVT_PAGE, 0,
	    false);
	rc |= map_range(&b, MG_HVT_KSTACK_GPA, MG_HVT_KSTACK_TOP,
	    PTE_RW | PTE_NX, false);
	for (i = 0; i < hvt->img.nseg; i++) {
		const struct hvt_seg *s = &hvt->img.seg[i];
		uint64_t f = PTE_US;

		if (s->w)
			f |= PTE_RW;
		if (!s->x)
			f |= PTE_NX;
		rc |= map_range(&b, s->vaddr,
		    (s->vaddr + s->memsz + MG_HVT_PAGE - 1) &
		        ~(MG_HVT_PAGE - 1),
		    f, false);
	}
	/* The guard page at img.end stays unmapped. */
	rc |= map_range(&b, hvt->stack_top - MG_HVT_STACK_SIZE, hvt->stack_top,
	    user_rw, false);
	rc |= map_range(&b, hvt->heap_start, hvt->heap_end, user_rw, true);
	rc |= map_range(&b, hvt->rings, hvt->mem_size, user_rw, true);
	if (rc != 0) {
		fprintf(stderr,
		    "morgana-hvt: the image needs more than %llu page tables "
		    "(is it over %llu MiB?)\n",
		    (unsigned long long)NPT,
		    (unsigned long long)((NPT - 3) * 2));
		return -1;
	}
	return 0;
}

static uint64_t
seg_desc(uint64_t access, uint64_t flags)
{
	/* base 0, limit 0xfffff (ignored in 64-bit mode except for data). */
	return 0xffffULL | (access << 40) | (0xfULL << 48) | (flags << 52);
}

static void
build_gdt_idt_tss(struct hvt *hvt)
{
	uint64_t *gdt = (uint64_t *)(void *)(hvt->mem + MG_HVT_GDT_GPA);
	uint64_t *idt = (uint64_t *)(void *)(hvt->mem + MG_HVT_IDT_GPA);
	uint8_t *tss = hvt->mem + MG_HVT_TSS_GPA;
	uint8_t *stub = hvt->mem + MG_HVT_STUBS_GPA;
	const uint64_t rsp0 = MG_HVT_KSTACK_TOP, tbase = MG_HVT_TSS_GPA;
	const uint16_t iopb = TSS_IOPB;
	unsigned port, v;

	/*
	 * Accessed bits preset everywhere (access 0x9b, not 0x9a): the GDT
	 * is in a read-only slot and the CPU must never need to write it.
	 * flags: 0xa = G | L (64-bit code), 0xc = G | D/B (data).
	 */
	gdt[0] = 0;
	gdt[MG_HVT_SEL_KCODE >> 3] = seg_desc(0x9b, 0xa); /* P DPL0 code */
	gdt[MG_HVT_SEL_KDATA >> 3] = seg_desc(0x93, 0xc); /* P DPL0 data */
	gdt[MG_HVT_SEL_UDATA >> 3] = seg_desc(0xf3, 0xc); /* P DPL3 data */
	gdt[MG_HVT_SEL_UCODE >> 3] = seg_desc(0xfb, 0xa); /* P DPL3 code */
	/* 64-bit TSS, type 0xb (busy, as KVM loads TR), present, DPL0. */
	gdt[MG_HVT_SEL_TSS >> 3] = (TSS_LIMIT & 0xffffULL) |
	    ((tbase & 0xffffffULL) << 16) | (0x8bULL << 40) |
	    (((uint64_t)TSS_LIMIT >> 16 & 0xf) << 48) |
	    ((tbase >> 24 & 0xff) << 56);
	gdt[(MG_HVT_SEL_TSS >> 3) + 1] = tbase >> 32;

	/* TSS: RSP0 at offset 4, I/O bitmap offset at 102. */
	memcpy(tss + 4, &rsp0, sizeof(rsp0));
	memcpy(tss + 102, &iopb, sizeof(iopb));
	/*
	 * Deny every port, then open the hypercall ports. `outl` to port p
	 * checks the bits of p..p+3, so opening MG_HVT_PORT_BASE+1 ..
	 * MG_HVT_PORT_BASE+MG_HVT_HC_MAX-1 for 4-byte writes clears three
	 * more bits above them; a byte write there exits as an unknown
	 * hypercall and ends the guest. The base port and
	 * MG_HVT_PORT_FAULT stay closed to CPL3.
	 */
	memset(tss + TSS_IOPB, 0xff, TSS_IOPB_LEN + 1);
	for (port = MG_HVT_PORT_BASE + 1;
	     port <= MG_HVT_PORT_BASE + MG_HVT_HC_MAX - 1 + 3; port++)
		tss[TSS_IOPB + port / 8] &= (uint8_t) ~(1u << (port % 8));

	/*
	 * IDT: vectors 0..31 are 64-bit interrupt gates (type 0xe, P, DPL0)
	 * to a 16-byte stub each; 32..255 stay zero (not present).
	 */
	for (v = 0; v < 32; v++) {
		uint64_t off = MG_HVT_STUBS_GPA + 16ULL * v;
		uint8_t *s = stub + (size_t)16 * v;
		bool has_err = v == 8 || (v >= 10 && v <= 14) || v == 17 ||
		    v == 21 || v == 29 || v == 30;

		idt[(size_t)2 * v] = (off & 0xffff) |
		    ((uint64_t)MG_HVT_SEL_KCODE << 16) | (0x8eULL << 40) |
		    ((off >> 16 & 0xffff) << 48);
		idt[(size_t)2 * v + 1] = off >> 32;

		/* Fill with int3 (0xcc) so a stray jump inside traps. */
		memset(s, 0xcc, 16);
		if (!has_err) {
			*s++ = 0x6a; /* push $0: uniform frame */
			*s++ = 0x00;
		}
		*s++ = 0xb8; /* mov $v, %eax */
		*s++ = (uint8_t)v;
		*s++ = 0;
		*s++ = 0;
		*s++ = 0;
		*s++ = 0x66; /* mov $MG_HVT_PORT_FAULT, %dx */
		*s++ = 0xba;
		*s++ = MG_HVT_PORT_FAULT & 0xff;
		*s++ = MG_HVT_PORT_FAULT >> 8;
		*s++ = 0xef; /* out %eax, %dx */
		*s++ = 0xf4; /* 1: hlt */
		*s++ = 0xeb; /* jmp 1b */
		*s = 0xfd;
	}
}

static void
set_seg(struct kvm_segment *sg, uint16_t sel, uint8_t type, bool code)
{
	memset(sg, 0, sizeof(*sg));
	sg->base = 0;
	sg->limit = 0xffffffff;
	sg->selector = sel;
	sg->type = type;
	sg->present = 1;
	sg->dpl = sel & 3;
	sg->s = 1;
	sg->g = 1;
	sg->l = code;
	sg->db = !code;
}

static int
kvm_fail(const char *what)
{
	fprintf(stderr, "morgana-hvt: %s: %s\n", what, strerror(errno));
	return -1;
}

static int
set_slot(struct hvt *hvt, uint32_t slot, uint64_t start, uint64_t end, bool ro)
{
	struct kvm_userspace_memory_region r = {
	    .slot = slot,
	    .flags = ro ? KVM_MEM_READONLY : 0,
	    .guest_phys_addr = start,
	    .memory_size = end - start,
	    .userspace_addr = (uint64_t)(uintptr_t)(hvt->mem + start),
	};

	if (ioctl(hvt->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return kvm_fail("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int
vcpu_setup(struct hvt *hvt)
{
	/* struct kvm_cpuid2 ends in a flexible array: room for 4 entries. */
	uint64_t buf[(sizeof(struct kvm_cpuid2) +
	                 4 * sizeof(struct kvm_cpuid_entry2)) /
	    sizeof(uint64_t)];
	struct kvm_cpuid2 *cpuid = (struct kvm_cpuid2 *)(void *)buf;
	struct kvm_cpuid_entry2 *e = cpuid->entries;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	unsigned a, b, c, d;

	/*
	 * CPUID: a minimal table built from the host's own CPUID, not
	 * KVM_GET_SUPPORTED_CPUID, which costs ~450 µs here (a fifth of a
	 * boot). The guest is built for baseline x86-64 and never executes
	 * cpuid; KVM needs LM and NX in the table to accept EFER.LME/NXE.
	 */
	memset(buf, 0, sizeof(buf));
	cpuid->nent = 4;
	__cpuid(0, a, b, c, d);
	e[0] = (struct kvm_cpuid_entry2){.function = 0,
	    .eax = 1,
	    .ebx = b,
	    .ecx = c,
	    .edx = d};
	__cpuid(1, a, b, c, d);
	/* FPU TSC MSR PAE CX8 CMOV PAT FXSR SSE SSE2 */
	e[1] = (struct kvm_cpuid_entry2){.function = 1,
	    .eax = a,
	    .edx = d &
	        (1u << 0 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 8 | 1u << 15 |
	            1u << 16 | 1u << 24 | 1u << 25 | 1u << 26)};
	e[2] = (struct kvm_cpuid_entry2){.function = 0x80000000,
	    .eax = 0x80000001};
	__cpuid(0x80000001, a, b, c, d);
	/* SYSCALL NX LM */
	e[3] = (struct kvm_cpuid_entry2){.function = 0x80000001,
	    .edx = d & (1u << 11 | 1u << 20 | 1u << 29)};
	if (ioctl(hvt->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		return kvm_fail("KVM_SET_CPUID2");

	if (ioctl(hvt->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return kvm_fail("KVM_GET_SREGS");
	sr.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sr.cr3 = MG_HVT_PT_GPA;
	sr.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sr.efer = EFER_LME | EFER_LMA | EFER_NXE;
	set_seg(&sr.cs, MG_HVT_SEL_UCODE, 11, true);
	set_seg(&sr.ss, MG_HVT_SEL_UDATA, 3, false);
	sr.ds = sr.es = sr.fs = sr.gs = sr.ss;
	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.base = MG_HVT_TSS_GPA;
	sr.tr.limit = TSS_LIMIT;
	sr.tr.selector = MG_HVT_SEL_TSS;
	sr.tr.type = 11;
	sr.tr.present = 1;
	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.type = 2;
	sr.ldt.unusable = 1;
	sr.gdt.base = MG_HVT_GDT_GPA;
	sr.gdt.limit = GDT_LIMIT;
	sr.idt.base = MG_HVT_IDT_GPA;
	sr.idt.limit = 256 * 16 - 1;
	if (ioctl(hvt->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		return kvm_fail("KVM_SET_SREGS");

	memset(&regs, 0, sizeof(regs));
	regs.rip = hvt->img.entry;
	regs.rsp = hvt->stack_top;
	regs.rdi = MG_HVT_BOOT_GPA;
	regs.rflags = 0x2;
	if (ioctl(hvt->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return kvm_fail("KVM_SET_REGS");
	return 0;
}

/* Lay out stack, heap and rings above the image; 0 or a message. */
static int
layout(struct hvt *hvt)
{
	uint64_t nnet = 0, rings_len, min;
	size_t i;

	for (i = 0; i < hvt->ndev; i++)
		if (hvt->dev[i].type == MG_MFT_NET)
			nnet++;
	rings_len = nnet * 2 * MG_HVT_RING_SIZE;
	hvt->stack_top = hvt->img.end + MG_HVT_PAGE + MG_HVT_STACK_SIZE;
	hvt->heap_start =
	    (hvt->stack_top + MG_HVT_HEAP_ALIGN - 1) & ~(MG_HVT_HEAP_ALIGN - 1);
	/* At least one 2 MiB heap page, then the rings, 2 MiB rounded. */
	min = hvt->heap_start +
	    (hvt->img.mft.mem_mib > 2 ? (uint64_t)hvt->img.mft.mem_mib * MIB
	                              : HUGE2M) +
	    ((rings_len + HUGE2M - 1) & ~(HUGE2M - 1));
	min = (min + HUGE2M - 1) & ~(HUGE2M - 1);
	if (hvt->mem_auto && hvt->mem_size < min)
		hvt->mem_size = min; /* the default grows to fit the devices */
	if (hvt->mem_size < min) {
		fprintf(stderr,
		    "morgana-hvt: --mem=%llu is too small for this image "
		    "and its devices: at least --mem=%llu\n",
		    (unsigned long long)(hvt->mem_size / MIB),
		    (unsigned long long)((min + MIB - 1) / MIB));
		return -1;
	}
	hvt->rings = nnet == 0 ? hvt->mem_size
	                       : (hvt->mem_size - rings_len) & ~(HUGE2M - 1);
	hvt->heap_end = hvt->rings;
	for (i = 0, nnet = 0; i < hvt->ndev; i++) {
		struct hvt_dev *d = &hvt->dev[i];

		if (d->type != MG_MFT_NET)
			continue;
		d->tx_gpa = hvt->rings + nnet++ * MG_HVT_RING_SIZE;
		d->rx_gpa = hvt->rings + nnet++ * MG_HVT_RING_SIZE;
	}
	return 0;
}

static void
boot_info(struct hvt *hvt, const char *cmdline)
{
	struct mg_hvt_boot *bi =
	    (struct mg_hvt_boot *)(void *)(hvt->mem + MG_HVT_BOOT_GPA);
	size_t len = strlen(cmdline), i;
	int khz;

	memcpy(hvt->mem + MG_HVT_CMDLINE_GPA, cmdline, len + 1);
	bi->abi_version = MG_HVT_ABI_VERSION;
	bi->ndevs = (uint32_t)hvt->ndev;
	bi->mem_size = hvt->mem_size;
	bi->heap_start = hvt->heap_start;
	bi->heap_end = hvt->heap_end;
	khz = ioctl(hvt->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	bi->tsc_hz = khz > 0 ? (uint64_t)khz * 1000 : 0;
	/* The guest's entropy (stack canary, TCP sequence numbers). */
	if (getrandom(bi->seed, sizeof(bi->seed), 0) !=
	    (ssize_t)sizeof(bi->seed))
		hvt_die(hvt, HVT_EXIT_GUEST, "getrandom: %s", strerror(errno));
	bi->cmdline = MG_HVT_CMDLINE_GPA;
	bi->cmdline_len = len;
	for (i = 0; i < hvt->ndev; i++) {
		const struct hvt_dev *d = &hvt->dev[i];
		struct mg_hvt_dev *o = &bi->devs[i];

		memcpy(o->name, d->name, sizeof(o->name));
		o->type = d->type;
		o->handle = (uint32_t)i;
		if (d->type == MG_MFT_BLOCK) {
			o->capacity = d->capacity;
			o->block_size = 512;
		} else {
			o->mtu = 1500;
			memcpy(o->mac, d->mac, sizeof(o->mac));
			o->tx_ring = d->tx_gpa;
			o->rx_ring = d->rx_gpa;
		}
	}
}

int
hvt_kvm_init(struct hvt *hvt, const uint8_t *image, const char *cmdline)
{
	uint8_t *raw;
	int mmap_size;
	size_t i;

	if (layout(hvt) < 0)
		return -1;
	hvt->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (hvt->kvm_fd < 0)
		return kvm_fail("/dev/kvm");
	if (ioctl(hvt->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "morgana-hvt: unexpected KVM API version\n");
		return -1;
	}
	if (ioctl(hvt->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <=
	    0) {
		fprintf(stderr,
		    "morgana-hvt: KVM lacks read-only memory slots\n");
		return -1;
	}
	hvt->vm_fd = ioctl(hvt->kvm_fd, KVM_CREATE_VM, 0);
	if (hvt->vm_fd < 0)
		return kvm_fail("KVM_CREATE_VM");

	/*
	 * NOTE(hvt): plain 4 KiB host pages, nothing pre-touched, by default:
	 * an idle guest costs only the pages it touched (density: ~0.7 MiB
	 * of host memory per idle guest). Measured here (median of 38):
	 * hello boots in 2.48 ms plain, 2.69 ms with MADV_HUGEPAGE (zeroing
	 * a 2 MiB page), 3.45 ms pre-touching 2 MiB; a guest touching 1 MiB
	 * of heap takes 3.90 ms plain, 2.78 ms with THP. So THP is opt-in
	 * (--hugepages), for the heap and rings only, at 2 MiB of host
	 * memory per touched heap page. The mapping is 2 MiB aligned so
	 * that guest 2 MiB pages can be host huge pages.
	 */
	raw = mmap(NULL, hvt->mem_size + HUGE2M, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return kvm_fail("mmap guest memory");
	hvt->mem =
	    raw + ((HUGE2M - ((uintptr_t)raw & (HUGE2M - 1))) & (HUGE2M - 1));
	if (hvt->hugepages &&
	    madvise(hvt->mem + hvt->heap_start, hvt->mem_size - hvt->heap_start,
	        MADV_HUGEPAGE) < 0)
		return kvm_fail("madvise(MADV_HUGEPAGE)");
	if (set_slot(hvt, 0, 0, MG_HVT_KSTACK_GPA, true) < 0 ||
	    set_slot(hvt, 1, MG_HVT_KSTACK_GPA, MG_HVT_PT_GPA, false) < 0 ||
	    set_slot(hvt, 2, MG_HVT_PT_GPA, MG_HVT_PT_END, true) < 0 ||
	    set_slot(hvt, 3, MG_HVT_PT_END, hvt->mem_size, false) < 0)
		return -1;

	/* Segments were checked against mem_size and the file by elf.c. */
	for (i = 0; i < hvt->img.nseg; i++) {
		const struct hvt_seg *s = &hvt->img.seg[i];

		memcpy(hvt->mem + s->vaddr, image + s->offset, s->filesz);
	}
	if (build_page_tables(hvt) < 0)
		return -1;
	build_gdt_idt_tss(hvt);
	hvt_net_init_rings(hvt);

	hvt->vcpu_fd = ioctl(hvt->vm_fd, KVM_CREATE_VCPU, 0);
	if (hvt->vcpu_fd < 0)
		return kvm_fail("KVM_CREATE_VCPU");
	mmap_size = ioctl(hvt->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run))
		return kvm_fail("KVM_GET_VCPU_MMAP_SIZE");
	hvt->run_size = (size_t)mmap_size;
	hvt->run = mmap(NULL, hvt->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    hvt->vcpu_fd, 0);
	if (hvt->run == MAP_FAILED) {
		hvt->run = NULL;
		return kvm_fail("mmap kvm_run");
	}
	if (vcpu_setup(hvt) < 0)
		return -1;
	boot_info(hvt, cmdline);
	return 0;
}

/*
 * The guest's TSC minus the host's. On kvm_pvm they are equal; on VMX/SVM
 * KVM applies an offset (and maybe scaling, which we do not correct), so
 * read IA32_TSC through KVM once, between two host reads. Must run before
 * the seccomp filter (it allows no KVM_GET_MSRS).
 */
static int64_t tsc_offset;

static void
tsc_offset_measure(struct hvt *hvt)
{
	/* struct kvm_msrs ends in a flexible array: room for one entry. */
	uint64_t buf[(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)) /
	    sizeof(uint64_t)];
	struct kvm_msrs *m = (struct kvm_msrs *)(void *)buf;
	uint64_t t0, t1, mid;
	int64_t off;

	memset(buf, 0, sizeof(buf));
	m->nmsrs = 1;
	m->entries[0].index = IA32_TSC;
	t0 = __rdtsc();
	if (ioctl(hvt->vcpu_fd, KVM_GET_MSRS, m) != 1)
		return; /* keep 0: the host TSC */
	t1 = __rdtsc();
	mid = t0 + (t1 - t0) / 2;
	off = (int64_t)(m->entries[0].data - mid);
	/* Within the read's own uncertainty: the TSCs are the same. */
	if ((uint64_t)llabs(off) <= t1 - t0)
		off = 0;
	tsc_offset = off;
}

int
hvt_kvm_start(struct hvt *hvt)
{
	/*
	 * NOTE(hvt): the stop signals stay unblocked. Blocking them and
	 * opening them only inside KVM_RUN (KVM_SET_SIGNAL_MASK) does not
	 * interrupt a spinning CPL3 guest on kvm_pvm: the signal stays
	 * pending. A handler plus a self-pipe in POLL's fd set is race-free.
	 */
	tsc_offset_measure(hvt);
	return 0;
}

static const char *const vec_name[32] = {"#DE", "#DB", "NMI", "#BP", "#OF",
    "#BR", "#UD", "#NM", "#DF", "#MF(9)", "#TS", "#NP", "#SS", "#GP", "#PF",
    "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23", "#24", "#25",
    "#26", "#27", "#HV", "#VC", "#SX", "#31"};

__attribute__((noreturn)) static void
fault_report(struct hvt *hvt, uint32_t vector)
{
	struct kvm_regs regs;
	struct kvm_sregs sr;
	uint64_t f[6]; /* error code, RIP, CS, RFLAGS, RSP, SS */

	if (ioctl(hvt->vcpu_fd, KVM_GET_REGS, &regs) < 0 ||
	    ioctl(hvt->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "guest fault: vector %u (registers unreadable)", vector);
	if ((sr.cs.selector & 3) != 0 || vector >= 32)
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "fault port written from CPL%u at rip 0x%llx",
		    sr.cs.selector & 3, (unsigned long long)regs.rip);
	if (regs.rsp < MG_HVT_KSTACK_GPA ||
	    regs.rsp > MG_HVT_KSTACK_TOP - sizeof(f))
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "guest fault: %s (vector %u), CPL0 stack pointer 0x%llx "
		    "is off its stack",
		    vec_name[vector], vector, (unsigned long long)regs.rsp);
	memcpy(f, hvt->mem + regs.rsp, sizeof(f));
	if (vector == 14)
		hvt_die(hvt, HVT_EXIT_GUEST,
		    "guest fault: %s (vector %u) error 0x%llx at rip 0x%llx "
		    "addr 0x%llx (rsp 0x%llx)",
		    vec_name[vector], vector, (unsigned long long)f[0],
		    (unsigned long long)f[1], (unsigned long long)sr.cr2,
		    (unsigned long long)f[4]);
	hvt_die(hvt, HVT_EXIT_GUEST,
	    "guest fault: %s (vector %u) error 0x%llx at rip 0x%llx "
	    "(rsp 0x%llx)",
	    vec_name[vector], vector, (unsigned long long)f[0],
	    (unsigned long long)f[1], (unsigned long long)f[4]);
}

__attribute__((noreturn)) static void
die_at(struct hvt *hvt, const char *what)
{
	struct kvm_regs regs;

	if (ioctl(hvt->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		hvt_die(hvt, HVT_EXIT_GUEST, "%s", what);
	hvt_die(hvt, HVT_EXIT_GUEST, "%s at rip 0x%llx", what,
	    (unsigned long long)regs.rip);
}

void
hvt_kvm_run(struct hvt *hvt)
{
	struct mg_hvt_boot *bi =
	    (struct mg_hvt_boot *)(void *)(hvt->mem + MG_HVT_BOOT_GPA);
	struct kvm_run *run = hvt->run;
	struct timespec ts;

	/* The wall clock and the guest's TSC as close together as we can. */
	clock_gettime(CLOCK_REALTIME, &ts);
	bi->wall_tsc = __rdtsc() + (uint64_t)tsc_offset;
	bi->wall_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;

	for (;;) {
		uint32_t data;

		if (ioctl(hvt->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			hvt_die(hvt, HVT_EXIT_GUEST, "KVM_RUN: %s",
			    strerror(errno));
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.direction != KVM_EXIT_IO_OUT ||
			    run->io.size != 4 || run->io.count != 1 ||
			    run->io.data_offset > hvt->run_size - 4)
				die_at(hvt, "bad port access");
			memcpy(&data, (uint8_t *)run + run->io.data_offset,
			    sizeof(data));
			if (run->io.port == MG_HVT_PORT_FAULT)
				fault_report(hvt, data);
			if (run->io.port <= MG_HVT_PORT_BASE ||
			    run->io.port >= MG_HVT_PORT_BASE + MG_HVT_HC_MAX)
				die_at(hvt, "write to an unknown port");
			hvt_hypercall(hvt, run->io.port - MG_HVT_PORT_BASE,
			    data);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_SHUTDOWN:
			die_at(hvt, "guest shut down (triple fault)");
		case KVM_EXIT_FAIL_ENTRY:
			die_at(hvt, "KVM entry failed");
		case KVM_EXIT_INTERNAL_ERROR:
			die_at(hvt, "KVM internal error (emulation failure?)");
		case KVM_EXIT_MMIO:
			die_at(hvt, "guest access outside its memory (MMIO)");
		case KVM_EXIT_HLT:
			die_at(hvt, "guest halted the CPU");
		default:
			die_at(hvt, "unexpected KVM exit");
		}
	}
}
