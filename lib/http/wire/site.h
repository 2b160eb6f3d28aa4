/* SPDX-License-Identifier: ISC */
/*
 * site.h: the static-site blob that tools/mksite writes and
 * mg_http_site_load (lib/http/site.c) reads: offsets, constants and the
 * checksum function, shared by both sides.
 *
 * All integers are big-endian; every offset counts from the start of the
 * blob. Nothing in it is a pointer.
 *
 *   header (MG_SITE_HDR bytes):
 *     0  "MGWS"
 *     4  u16 version (MG_SITE_VERSION)
 *     6  u16 flags, 0
 *     8  u64 checksum: FNV-1a 64 of bytes 16 .. total_len
 *    16  u32 total_len: the blob's exact length
 *    20  u32 nfiles
 *    24  u32 str_off: the string area, MG_SITE_HDR + nfiles * MG_SITE_ENT
 *    28  u32 data_off: the data area, str_off <= data_off <= total_len
 *   nfiles entries (MG_SITE_ENT bytes each), sorted by path, bytewise
 *   and strictly ascending (a shorter path before the longer one it
 *   begins):
 *     0  u32 path_off   4  u32 path_len    "/docs/index.html"
 *     8  u32 type_off  12  u32 type_len    Content-Type value
 *    16  u32 body_off  20  u32 body_len    the bytes
 *    24  u32 gz_off    28  u32 gz_len      gzip member; 0 0 when none
 *    32  u32 etag_off  36  u32 etag_len    "\"0123456789abcdef\""
 *    40  u32 etgz_off  44  u32 etgz_len    the gzip one; 0 0 when none
 *    48  u64 mtime: seconds since 1970, at most MG_SITE_MTIME_MAX
 *   string area [str_off, data_off): paths, types, etags (no NULs)
 *   data area [data_off, total_len): bodies and gzip members, each
 *   starting at a multiple of MG_SITE_ALIGN (the reader does not rely
 *   on it)
 *
 * Paths, types and etags lie in the string area; bodies and gzip
 * members in the data area.
 */
#ifndef MG_WIRE_SITE_H
#define MG_WIRE_SITE_H

#include <stddef.h>
#include <stdint.h>

#define MG_SITE_MAGIC   "MGWS"
#define MG_SITE_VERSION 1

#define MG_SITE_HDR       32
#define MG_SITE_H_VERSION 4
#define MG_SITE_H_FLAGS   6
#define MG_SITE_H_SUM     8
#define MG_SITE_H_TOTAL   16
#define MG_SITE_H_NFILES  20
#define MG_SITE_H_STR     24
#define MG_SITE_H_DATA    28
#define MG_SITE_SUM_FROM  16 /* the checksum covers [16, total_len) */

#define MG_SITE_ENT       56
#define MG_SITE_E_PATH    0
#define MG_SITE_E_TYPE    8
#define MG_SITE_E_BODY    16
#define MG_SITE_E_GZ      24
#define MG_SITE_E_ETAG    32
#define MG_SITE_E_ETAG_GZ 40
#define MG_SITE_E_MTIME   48

#define MG_SITE_ALIGN 16

/* Limits both sides enforce. */
#define MG_SITE_FILES_MAX 65536
#define MG_SITE_BYTES_MAX (64u << 20) /* the files' bytes, summed */
#define MG_SITE_PATH_MAX  1024
#define MG_SITE_TYPE_MAX  127
#define MG_SITE_ETAG_MAX  66 /* quotes included */
#define MG_SITE_GZ_MIN    18 /* header and trailer of a gzip member */
/* The last second whose nanoseconds fit mg_time_t: 2554-07-21T23:34:33Z. */
#define MG_SITE_MTIME_MAX 18446744073ULL

/* FNV-1a 64, the checksum (and mksite's ETag hash). */
#define MG_SITE_FNV64_BASIS 0xcbf29ce484222325ULL
#define MG_SITE_FNV64_PRIME 0x100000001b3ULL

static inline uint64_t
mg_site_fnv1a64(const uint8_t *p, size_t len)
{
	uint64_t h = MG_SITE_FNV64_BASIS;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * MG_SITE_FNV64_PRIME;
	return h;
}

#endif /* MG_WIRE_SITE_H */
