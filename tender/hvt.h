/* SPDX-License-Identifier: ISC */
/* hvt.h: the tender's internal interfaces (morgana-hvt, a host program). */
#ifndef HVT_H
#define HVT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg/hvt_abi.h"
#include "mg/mft_abi.h"

#define HVT_MAX_SEGS  16
#define HVT_PUTS_MAX  0x10000     /* bytes of one PUTS written, the rest cut */
#define HVT_IMAGE_MAX (64u << 20) /* bytes of an image file we read */

/* Exit statuses of the tender besides the guest's own (0..254). */
#define HVT_EXIT_USAGE 2
#define HVT_EXIT_GUEST 255

/* One PT_LOAD segment, validated (elf.c). */
struct hvt_seg {
	uint64_t vaddr;  /* == guest-physical address, page aligned */
	uint64_t memsz;  /* > 0 */
	uint64_t offset; /* in the file */
	uint64_t filesz; /* <= memsz */
	bool w, x;       /* never both */
};

/* What elf.c found in an image, every field checked. */
struct hvt_image {
	uint64_t entry;
	uint64_t end; /* first byte after the last segment, page rounded */
	struct hvt_seg seg[HVT_MAX_SEGS];
	size_t nseg;
	struct mg_mft mft;
};

struct hvt_dev {
	char name[MG_MFT_NAME_MAX];
	uint32_t type; /* enum mg_mft_type */
	const char *path;
	int fd;
	uint64_t capacity; /* block: bytes, whole blocks */
	uint8_t mac[6];
	uint64_t tx_gpa, rx_gpa; /* net: ring GPAs */
	uint32_t tx_tail;        /* net: our consumer index (the truth) */
	uint32_t rx_head;        /* net: our producer index (the truth) */
	uint64_t tx_dropped;     /* frames the tap did not take */
};

struct hvt {
	uint8_t *mem; /* host mapping of guest memory, mem_size bytes */
	uint64_t mem_size;
	bool mem_auto; /* no --mem: grow mem_size to what the image needs */
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	struct hvt_image img;
	struct hvt_dev dev[MG_HVT_MAX_DEVS];
	size_t ndev;
	uint64_t stack_top, heap_start, heap_end, rings;
	int out_fd;           /* PUTS goes here */
	uint64_t max_poll_ns; /* longest POLL sleep (fuzzing sets 0) */
	bool hugepages;       /* THP for the heap and rings (--hugepages) */
	int stop_fd; /* readable once a stop was asked for (self-pipe), or -1 */
};

/*
 * Ends the guest: prints "morgana-hvt: " + the message on stderr and exits
 * the process with status (the fuzz driver replaces this with a longjmp).
 * Safe under the seccomp filter (write + exit_group only).
 */
__attribute__((noreturn, format(printf, 3, 4))) void hvt_die(struct hvt *hvt,
    int status, const char *fmt, ...);

/* Ends the tender with the guest's status, silently (HALT). */
__attribute__((noreturn)) void hvt_exit(struct hvt *hvt, int status);

/*
 * The one way to reach guest memory from a guest-supplied address: the host
 * pointer to [gpa, gpa + len), which must lie inside [MG_HVT_PT_END,
 * mem_size), or the guest ends (status 255) with a message naming what.
 */
void *hvt_gpa(struct hvt *hvt, uint64_t gpa, uint64_t len, const char *what);
#define HVT_GPA(hvt, gpa, len) hvt_gpa((hvt), (gpa), (len), __func__)

/* hvt_core.c: one hypercall (nr = port - MG_HVT_PORT_BASE, arg = eax). */
void hvt_hypercall(struct hvt *hvt, uint32_t nr, uint32_t arg);

/* hvt_mod_net.c / hvt_mod_blk.c */
int hvt_net_open(struct hvt_dev *d);
void hvt_net_init_rings(struct hvt *hvt);
int64_t hvt_net_tx_drain(struct hvt *hvt, struct hvt_dev *d);
uint64_t hvt_net_poll(struct hvt *hvt, uint64_t timeout_ns);
int hvt_blk_open(struct hvt_dev *d);
void hvt_blk_io(struct hvt *hvt, struct mg_hvt_block_io *io, bool write);
int64_t hvt_blk_flush(struct hvt *hvt, uint64_t handle);

/*
 * Signals: SIGINT/SIGTERM set this flag, which the guest sees at its next
 * POLL, and make stop_fd readable, so a POLL about to sleep wakes up.
 */
extern volatile int hvt_stop_requested;

/* elf.c: check an image and fill img (0), or print why not (-1). */
int hvt_elf_parse(const uint8_t *buf, size_t len, uint64_t mem_size,
    struct hvt_image *img, char *err, size_t errlen);
/* mft.c */
int hvt_mft_validate(const struct mg_mft *mft, char *err, size_t errlen);
int hvt_mft_check(const struct mg_mft *mft, const struct hvt_dev *dev,
    size_t ndev);

/* hvt_kvm_x86_64.c */
int hvt_kvm_init(struct hvt *hvt, const uint8_t *image, const char *cmdline);
int hvt_kvm_start(struct hvt *hvt);
__attribute__((noreturn)) void hvt_kvm_run(struct hvt *hvt);

/* hvt_main.c: the write end of the stop pipe (for the seccomp filter). */
int hvt_stop_wfd(void);

/* hvt_seccomp.c */
int hvt_seccomp_apply(const struct hvt *hvt);

#endif /* HVT_H */
