/* SPDX-License-Identifier: ISC */
/* hvt_seccomp.c: once the VM is built, the tender keeps only what serving
 * the guest needs. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hvt.h"

#define ALLOW(ctx, nr, ...)                                                    \
	seccomp_rule_add((ctx), SCMP_ACT_ALLOW, SCMP_SYS(nr), __VA_ARGS__)

/* Argument arg equals v (libseccomp's SCMP_A* leave datum_b implicit). */
static struct scmp_arg_cmp
arg_eq(unsigned int arg, scmp_datum_t v)
{
	struct scmp_arg_cmp c = {
	    .arg = arg,
	    .op = SCMP_CMP_EQ,
	    .datum_a = v,
	    .datum_b = 0,
	};

	return c;
}

/* fd-bound calls: one rule per descriptor. */
static int
allow_fd(scmp_filter_ctx ctx, int nr, int fd)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
	    arg_eq(0, (scmp_datum_t)fd));
}

int
hvt_seccomp_apply(const struct hvt *hvt)
{
	scmp_filter_ctx ctx;
	const scmp_datum_t vcpu = (scmp_datum_t)hvt->vcpu_fd;
	size_t i;
	int rc = 0;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL) {
		fprintf(stderr, "morgana-hvt: seccomp_init failed\n");
		return -1;
	}
	/* The vCPU: run it, and read registers for a fault report. */
	rc |= ALLOW(ctx, ioctl, 2, arg_eq(0, vcpu),
	    arg_eq(1, (scmp_datum_t)KVM_RUN));
	rc |= ALLOW(ctx, ioctl, 2, arg_eq(0, vcpu),
	    arg_eq(1, (scmp_datum_t)KVM_GET_REGS));
	rc |= ALLOW(ctx, ioctl, 2, arg_eq(0, vcpu),
	    arg_eq(1, (scmp_datum_t)KVM_GET_SREGS));
	/* Console and messages. */
	rc |= allow_fd(ctx, SCMP_SYS(write), hvt->out_fd);
	rc |= allow_fd(ctx, SCMP_SYS(write), STDERR_FILENO);
	rc |= allow_fd(ctx, SCMP_SYS(write), hvt_stop_wfd());
	for (i = 0; i < hvt->ndev; i++) {
		const struct hvt_dev *d = &hvt->dev[i];

		if (d->type == MG_MFT_NET) {
			rc |= allow_fd(ctx, SCMP_SYS(read), d->fd);
			rc |= allow_fd(ctx, SCMP_SYS(write), d->fd);
		} else {
			rc |= allow_fd(ctx, SCMP_SYS(pread64), d->fd);
			rc |= allow_fd(ctx, SCMP_SYS(pwrite64), d->fd);
			rc |= allow_fd(ctx, SCMP_SYS(fdatasync), d->fd);
		}
	}
	rc |= ALLOW(ctx, ppoll, 0);
	rc |= ALLOW(ctx, clock_gettime, 0);
	rc |= ALLOW(ctx, rt_sigreturn, 0);
	rc |= ALLOW(ctx, exit_group, 0);
	rc |= ALLOW(ctx, exit, 0);
	if (rc != 0) {
		fprintf(stderr, "morgana-hvt: seccomp rule failed\n");
		seccomp_release(ctx);
		return -1;
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		fprintf(stderr, "morgana-hvt: seccomp_load: %s\n",
		    strerror(-rc));
		return -1;
	}
	return 0;
}
