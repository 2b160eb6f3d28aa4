/* SPDX-License-Identifier: ISC */
/*
 * fuzz_zone.c: a zone file as a careless or hostile author writes it.
 * Checks: the parser either fails with a "file:line:col: " message or
 * gives records that compile into a blob that loads, and whose apex
 * answers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "fake_plat.h"
#include "mg/err.h"
#include "mg/heap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static uint8_t out[65535];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_dns_zparse zp;
	struct mg_dns_zparse *zps[1] = {&zp};
	struct mg_dns_zone *z;
	struct mg_dns_stats st = {0};
	uint8_t *buf, *blob, q[512];
	size_t len, qlen;
	char err[256];
	int rc;

	fake_plat_heap();
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	rc = mg_dns_zparse_text(&zp, "f.zone", mg_view_make(buf, size),
	    "example.");
	if (rc != 0) {
		CHECK(rc == -MG_EINVAL || rc == -MG_ENOMEM);
		CHECK(strncmp(zp.err, "f.zone:", 7) == 0);
		mg_dns_zparse_fini(&zp);
		free(buf);
		return 0;
	}
	CHECK(zp.n > 0);
	rc = mg_dns_zone_compile(zps, 1, &blob, &len, err, sizeof(err));
	mg_dns_zparse_fini(&zp);
	if (rc == 0) {
		rc = mg_dns_zone_load(mg_view_make(blob, len), &z);
		CHECK(rc == 0 || rc == -MG_ENOMEM);
		if (rc == 0) {
			const struct dns_zone1 *z1 = &z->zones[0];

			/* SOA at the apex. */
			memcpy(q, "\0\1\0\0\0\1\0\0\0\0\0\0", 12);
			memcpy(q + 12, z1->apex_name, z1->len);
			qlen = 12 + z1->len;
			memcpy(q + qlen, "\0\6\0\1", 4);
			qlen += 4;
			CHECK(mg_dns_answer(z, mg_view_make(q, qlen),
			          MG_DNS_TCP, out, sizeof(out), &st) > 0);
			CHECK((out[3] & 0xf) == 0 && out[7] == 1);
			mg_dns_zone_free(z);
		}
		mg_free(blob);
	}
	free(buf);
	return 0;
}
