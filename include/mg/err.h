/* SPDX-License-Identifier: ISC */
/* err.h: error codes shared by every Morgana library and platform. */
#ifndef MG_ERR_H
#define MG_ERR_H

/*
 * Functions return 0 on success and a negated MG_E* code on failure
 * (return -MG_EINVAL;). The values equal Linux errno numbers so that the
 * unix platform can pass host errors through unchanged.
 */
#define MG_EPERM        1
#define MG_ENOENT       2
#define MG_EINTR        4
#define MG_EIO          5
#define MG_E2BIG        7
#define MG_EBADF        9
#define MG_EAGAIN       11
#define MG_ENOMEM       12
#define MG_EACCES       13
#define MG_EFAULT       14
#define MG_EBUSY        16
#define MG_EEXIST       17
#define MG_ENODEV       19
#define MG_EINVAL       22
#define MG_ENOSPC       28
#define MG_ERANGE       34
#define MG_ENAMETOOLONG 36
#define MG_ENOSYS       38
#define MG_EBADMSG      74
#define MG_EOVERFLOW    75
#define MG_EMSGSIZE     90
#define MG_ENOTSUP      95
#define MG_EADDRINUSE   98
#define MG_ENETUNREACH  101
#define MG_ECONNABORTED 103
#define MG_ECONNRESET   104
#define MG_ENOTCONN     107
#define MG_ETIMEDOUT    110
#define MG_ECONNREFUSED 111
#define MG_EHOSTUNREACH 113
#define MG_EALREADY     114
#define MG_EINPROGRESS  115
#define MG_ECORRUPT     117 /* Linux EUCLEAN: stored data failed validation */

/*
 * mg_strerror returns a short English description of err, which may be
 * given positive or negated. Unknown codes give "unknown error". The string
 * is static; the function never fails and may be called from anywhere.
 */
const char *mg_strerror(int err);

/*
 * MG_DROP counts one dropped input in the stats struct member named by why
 * and evaluates to -MG_EBADMSG (OpenBSD's ipstat idiom):
 *	if (hlen < 20)
 *		return MG_DROP(&ip->stats, rx_badhlen);
 */
#define MG_DROP(st, why) ((st)->why++, -MG_EBADMSG)

#endif /* MG_ERR_H */
