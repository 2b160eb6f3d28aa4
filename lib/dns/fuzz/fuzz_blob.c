/* SPDX-License-Identifier: ISC */
/*
 * fuzz_blob.c: a compiled zone blob that was damaged (or forged). Its
 * length and checksum are made right first. The loader must reject it or give
 * zones that answer without faults: each apex is asked for SOA, ANY and a
 * missing name, and transferred.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "fake_plat.h"
#include "mg/heap.h"
#include "mg/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static uint8_t out[65535];

static void
ask(const struct mg_dns_zone *z, const uint8_t *name, size_t nlen,
    uint16_t type)
{
	struct mg_dns_stats st = {0};
	uint8_t q[12 + 4 + 255 + 2];
	size_t qlen = 12;

	memcpy(q, "\0\1\0\0\0\1\0\0\0\0\0\0", 12);
	memcpy(q + qlen, name, nlen);
	qlen += nlen;
	q[qlen++] = (uint8_t)(type >> 8);
	q[qlen++] = (uint8_t)type;
	q[qlen++] = 0;
	q[qlen++] = 1;
	CHECK(mg_dns_answer(z, mg_view_make(q, qlen), MG_DNS_UDP, out, 512,
	          &st) > 0);
	if (type == MG_DNS_T_AXFR) {
		struct mg_dns_axfr x;
		int k = 0;

		CHECK(mg_dns_axfr_begin(&x, z, mg_view_make(q, qlen)) == 0);
		while (mg_dns_axfr_next(&x, out, sizeof(out), &st) > 0)
			CHECK(++k < 100000);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_dns_zone *z;
	uint8_t *buf;
	size_t i;

	fake_plat_heap();
	mg_log_config("dns=off");
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	/* Fix the length and checksum so that the structure checks are
	 * what gets explored. */
	if (size >= MG_DNS_BLOB_HDR) {
		uint32_t s = mg_dns_fnv1a(mg_view_make(buf + MG_DNS_BLOB_HDR,
		    size - MG_DNS_BLOB_HDR));

		for (i = 0; i < 4; i++) {
			buf[8 + i] = (uint8_t)(size >> (24 - 8 * i));
			buf[12 + i] = (uint8_t)(s >> (24 - 8 * i));
		}
	}
	if (mg_dns_zone_load(mg_view_make(buf, size), &z) == 0) {
		for (i = 0; i < z->nzones; i++) {
			const struct dns_zone1 *z1 = &z->zones[i];
			uint8_t nx[255 + 4];

			ask(z, z1->apex_name, z1->len, MG_DNS_T_SOA);
			ask(z, z1->apex_name, z1->len, MG_DNS_T_ANY);
			ask(z, z1->apex_name, z1->len, MG_DNS_T_AXFR);
			if (z1->len + 3u <= 255) {
				memcpy(nx, "\2zz", 3);
				memcpy(nx + 3, z1->apex_name, z1->len);
				ask(z, nx, z1->len + 3u, MG_DNS_T_A);
			}
		}
		for (i = 0; i < z->nnodes && i < 64; i++)
			ask(z, z->nodes[i].name, z->nodes[i].len, MG_DNS_T_A);
		mg_dns_zone_free(z);
	}
	free(buf);
	return 0;
}
