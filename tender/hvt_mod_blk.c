/* SPDX-License-Identifier: ISC */
/* hvt_mod_blk.c: block devices on a host file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvt.h"
#include "mg/err.h"

#define HVT_BLOCK_SIZE 512

int
hvt_blk_open(struct hvt_dev *d)
{
	struct stat st;
	int fd;

	fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "morgana-hvt: block device file '%s': %s\n",
		    d->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "morgana-hvt: '%s' is not a regular file\n",
		    d->path);
		close(fd);
		return -1;
	}
	/* Only whole blocks are visible; a tail shorter than one is not. */
	d->capacity = (uint64_t)st.st_size / HVT_BLOCK_SIZE * HVT_BLOCK_SIZE;
	d->fd = fd;
	return 0;
}

static struct hvt_dev *
blk_dev(struct hvt *hvt, uint64_t handle)
{
	if (handle >= hvt->ndev || hvt->dev[handle].type != MG_MFT_BLOCK)
		return NULL;
	return &hvt->dev[handle];
}

void
hvt_blk_io(struct hvt *hvt, struct mg_hvt_block_io *io, bool write)
{
	struct hvt_dev *d = blk_dev(hvt, io->handle);
	uint8_t *buf;
	uint64_t done = 0;

	/* Misuse of the API is an error for the guest, not an attack. */
	if (d == NULL || io->offset % HVT_BLOCK_SIZE != 0 ||
	    io->len % HVT_BLOCK_SIZE != 0 || io->offset > d->capacity ||
	    io->len > d->capacity - io->offset) {
		io->ret = -MG_EINVAL;
		return;
	}
	/* A buffer outside guest memory is: it ends the guest. */
	buf = HVT_GPA(hvt, io->data, io->len);
	while (done < io->len) {
		ssize_t n = write ? pwrite(d->fd, buf + done, io->len - done,
		                        (off_t)(io->offset + done))
		                  : pread(d->fd, buf + done, io->len - done,
		                        (off_t)(io->offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			io->ret = -MG_EIO;
			return;
		}
		done += (uint64_t)n;
	}
	io->ret = 0;
}

int64_t
hvt_blk_flush(struct hvt *hvt, uint64_t handle)
{
	struct hvt_dev *d = blk_dev(hvt, handle);

	if (d == NULL)
		return -MG_EINVAL;
	return fdatasync(d->fd) == 0 ? 0 : -MG_EIO;
}
