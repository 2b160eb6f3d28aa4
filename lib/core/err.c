/* SPDX-License-Identifier: ISC */
/* err.c: names for error codes. */
#include "mg/err.h"

#include <limits.h>

const char *
mg_strerror(int err)
{
	if (err < 0 && err != INT_MIN)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case MG_EPERM:
		return "operation not permitted";
	case MG_ENOENT:
		return "no such entry";
	case MG_EINTR:
		return "interrupted";
	case MG_EIO:
		return "input/output error";
	case MG_E2BIG:
		return "argument list too long";
	case MG_EBADF:
		return "bad handle";
	case MG_EAGAIN:
		return "try again";
	case MG_ENOMEM:
		return "out of memory";
	case MG_EACCES:
		return "permission denied";
	case MG_EFAULT:
		return "bad address";
	case MG_EBUSY:
		return "busy";
	case MG_EEXIST:
		return "already exists";
	case MG_ENODEV:
		return "no such device";
	case MG_EINVAL:
		return "invalid argument";
	case MG_ENOSPC:
		return "no space left";
	case MG_ERANGE:
		return "out of range";
	case MG_ENAMETOOLONG:
		return "name too long";
	case MG_ENOSYS:
		return "not implemented";
	case MG_EBADMSG:
		return "bad message";
	case MG_EOVERFLOW:
		return "value too large";
	case MG_EMSGSIZE:
		return "message too long";
	case MG_ENOTSUP:
		return "not supported";
	case MG_EADDRINUSE:
		return "address in use";
	case MG_ENETUNREACH:
		return "network unreachable";
	case MG_ECONNABORTED:
		return "connection aborted";
	case MG_ECONNRESET:
		return "connection reset";
	case MG_ENOTCONN:
		return "not connected";
	case MG_ETIMEDOUT:
		return "timed out";
	case MG_ECONNREFUSED:
		return "connection refused";
	case MG_EHOSTUNREACH:
		return "host unreachable";
	case MG_EALREADY:
		return "already in progress";
	case MG_EINPROGRESS:
		return "in progress";
	case MG_ECORRUPT:
		return "stored data corrupt";
	default:
		return "unknown error";
	}
}
