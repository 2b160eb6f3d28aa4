/* SPDX-License-Identifier: ISC */
/* hvt_main.c: morgana-hvt: command line, startup order, exit paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvt.h"

#define MIB 0x100000ULL

static void
usage(void)
{
	fprintf(stderr,
	    "usage: morgana-hvt [--mem=MiB] [--hugepages] "
	    "[--net:NAME=TAPDEV]... "
	    "[--block:NAME=FILE]... IMAGE [-- APPARGS...]\n"
	    "  --mem=MiB      guest memory (default 4, or what the devices "
	    "need; max %llu)\n"
	    "  --hugepages    back the heap with transparent huge pages\n"
	    "                 (faster first touches, 2 MiB of host memory\n"
	    "                 per heap page touched)\n"
	    "exit status: the guest's (0..254); 2 when the guest could not "
	    "start;\n255 when it faulted or misused a hypercall\n",
	    MG_HVT_MEM_MAX / MIB);
	exit(HVT_EXIT_USAGE);
}

void
hvt_exit(struct hvt *hvt, int status)
{
	(void)hvt;
	_exit(status);
}

/* Under seccomp: vsnprintf (no syscalls), one write, exit_group. */
void
hvt_die(struct hvt *hvt, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	(void)hvt;
	n = snprintf(msg, sizeof(msg), "morgana-hvt: ");
	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	(void)!write(STDERR_FILENO, msg, (size_t)n);
	_exit(status);
}

static int stop_wfd = -1;

static void
on_signal(int sig)
{
	static const char msg[] = "morgana-hvt: second signal, guest ended\n";

	(void)sig;
	if (hvt_stop_requested) {
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(HVT_EXIT_GUEST);
	}
	hvt_stop_requested = 1;
	(void)!write(stop_wfd, "s", 1);
}

static int
dev_add(struct hvt *hvt, uint32_t type, const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct hvt_dev *d;
	size_t len, i;

	if (eq == NULL || eq == spec || eq[1] == '\0') {
		fprintf(stderr, "morgana-hvt: expected NAME=%s, not '%s'\n",
		    type == MG_MFT_NET ? "TAPDEV" : "FILE", spec);
		return -1;
	}
	len = (size_t)(eq - spec);
	if (len >= MG_MFT_NAME_MAX) {
		fprintf(stderr, "morgana-hvt: device name '%.*s' is too long\n",
		    (int)len, spec);
		return -1;
	}
	for (i = 0; i < hvt->ndev; i++) {
		if (strlen(hvt->dev[i].name) == len &&
		    strncmp(hvt->dev[i].name, spec, len) == 0) {
			fprintf(stderr,
			    "morgana-hvt: device '%.*s' given twice\n",
			    (int)len, spec);
			return -1;
		}
	}
	if (hvt->ndev == MG_HVT_MAX_DEVS) {
		fprintf(stderr, "morgana-hvt: too many devices (max %d)\n",
		    MG_HVT_MAX_DEVS);
		return -1;
	}
	d = &hvt->dev[hvt->ndev++];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, spec, len);
	d->type = type;
	d->path = eq + 1;
	d->fd = -1;
	return 0;
}

/*
 * Join the application's words into one line that mg_args_split() splits
 * back into the same words: a word with a space, tab, quote or backslash
 * (or an empty one) goes in single quotes, and a ' inside becomes '\''.
 */
static int
cmdline_build(char *out, size_t size, int argc, char *const *argv)
{
	size_t n = 0;
	int i;

#define PUT(c)                                                                 \
	do {                                                                   \
		if (n + 1 >= size)                                             \
			return -1;                                             \
		out[n++] = (c);                                                \
	} while (0)
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool quote = w[0] == '\0' || strpbrk(w, " \t'\"\\") != NULL;

		if (i > 0)
			PUT(' ');
		if (quote)
			PUT('\'');
		for (; *w != '\0'; w++) {
			if (*w == '\'' && quote) {
				PUT('\'');
				PUT('\\');
				PUT('\'');
				PUT('\'');
			} else {
				PUT(*w);
			}
		}
		if (quote)
			PUT('\'');
	}
#undef PUT
	out[n] = '\0';
	return 0;
}

static uint8_t *
image_read(const char *path, size_t *lenp)
{
	struct stat st;
	uint8_t *buf;
	size_t off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "morgana-hvt: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > HVT_IMAGE_MAX) {
		fprintf(stderr,
		    "morgana-hvt: %s: not a regular file of 1..%u bytes\n",
		    path, HVT_IMAGE_MAX);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	while (buf != NULL && off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "morgana-hvt: %s: short read\n", path);
			free(buf);
			buf = NULL;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
	*lenp = off;
	return buf;
}

/* Handles follow the manifest's order: devs[i] is entry i. */
static void
dev_sort(struct hvt *hvt)
{
	struct hvt_dev tmp[MG_HVT_MAX_DEVS];
	uint32_t i;
	size_t j;

	memset(tmp, 0, sizeof(tmp));
	for (i = 0; i < hvt->img.mft.entries; i++)
		for (j = 0; j < hvt->ndev; j++)
			if (strcmp(hvt->img.mft.e[i].name, hvt->dev[j].name) ==
			    0)
				tmp[i] = hvt->dev[j];
	memcpy(hvt->dev, tmp, hvt->ndev * sizeof(tmp[0]));
}

/* A signal ends KVM_RUN (EINTR), sets the flag and fills the pipe. */
static int
signals_init(struct hvt *hvt)
{
	struct sigaction sa;
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	hvt->stop_fd = p[0];
	stop_wfd = p[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	/* A closed stdout must not kill us: PUTS ignores the error. */
	signal(SIGPIPE, SIG_IGN);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	return 0;
}

int
hvt_stop_wfd(void)
{
	return stop_wfd;
}

int
main(int argc, char **argv)
{
	static struct hvt hvt;
	static char cmdline[MG_HVT_CMDLINE_MAX];
	const char *image_path = NULL;
	char err[256];
	uint8_t *image;
	size_t image_len, i;
	unsigned long long mib = 4;
	bool mem_given = false;
	int a;

	hvt.kvm_fd = hvt.vm_fd = hvt.vcpu_fd = -1;
	hvt.out_fd = STDOUT_FILENO;
	hvt.stop_fd = -1;
	hvt.max_poll_ns = UINT64_MAX;
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (strncmp(arg, "--mem=", 6) == 0) {
			char *end;

			errno = 0;
			mib = strtoull(arg + 6, &end, 10);
			mem_given = true;
			if (errno != 0 || end == arg + 6 || *end != '\0' ||
			    mib == 0 || mib > MG_HVT_MEM_MAX / MIB) {
				fprintf(stderr,
				    "morgana-hvt: --mem takes MiB, 1..%llu\n",
				    MG_HVT_MEM_MAX / MIB);
				return HVT_EXIT_USAGE;
			}
		} else if (strcmp(arg, "--hugepages") == 0) {
			hvt.hugepages = true;
		} else if (strncmp(arg, "--net:", 6) == 0) {
			if (dev_add(&hvt, MG_MFT_NET, arg + 6) < 0)
				return HVT_EXIT_USAGE;
		} else if (strncmp(arg, "--block:", 8) == 0) {
			if (dev_add(&hvt, MG_MFT_BLOCK, arg + 8) < 0)
				return HVT_EXIT_USAGE;
		} else if (strcmp(arg, "--help") == 0 ||
		    strcmp(arg, "-h") == 0 ||
		    (arg[0] == '-' && arg[1] != '\0')) {
			if (strcmp(arg, "--help") != 0 &&
			    strcmp(arg, "-h") != 0)
				fprintf(stderr,
				    "morgana-hvt: unknown option '%s'\n", arg);
			usage();
		} else {
			image_path = arg;
			a++;
			break;
		}
	}
	if (image_path == NULL)
		usage();
	if (a < argc && strcmp(argv[a], "--") == 0)
		a++;
	if (cmdline_build(cmdline, sizeof(cmdline), argc - a, argv + a) < 0) {
		fprintf(stderr,
		    "morgana-hvt: the application's arguments are too long "
		    "(at most %llu bytes joined)\n",
		    MG_HVT_CMDLINE_MAX - 1);
		return HVT_EXIT_USAGE;
	}
	hvt.mem_size = mib * MIB;
	hvt.mem_auto = !mem_given;

	image = image_read(image_path, &image_len);
	if (image == NULL)
		return HVT_EXIT_USAGE;
	if (hvt_elf_parse(image, image_len, hvt.mem_size, &hvt.img, err,
	        sizeof(err)) < 0) {
		fprintf(stderr, "morgana-hvt: %s: %s\n", image_path, err);
		return HVT_EXIT_USAGE;
	}
	if (hvt_mft_check(&hvt.img.mft, hvt.dev, hvt.ndev) < 0)
		return HVT_EXIT_USAGE;
	dev_sort(&hvt);
	for (i = 0; i < hvt.ndev; i++) {
		int rc = hvt.dev[i].type == MG_MFT_NET
		    ? hvt_net_open(&hvt.dev[i])
		    : hvt_blk_open(&hvt.dev[i]);

		if (rc < 0)
			return HVT_EXIT_USAGE;
	}
	if (signals_init(&hvt) < 0 || hvt_kvm_init(&hvt, image, cmdline) < 0 ||
	    hvt_kvm_start(&hvt) < 0)
		return HVT_EXIT_USAGE;
	free(image);
	if (hvt_seccomp_apply(&hvt) < 0)
		return HVT_EXIT_USAGE;
	hvt_kvm_run(&hvt);
}
