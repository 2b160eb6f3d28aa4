/* SPDX-License-Identifier: ISC */
/* test_zone.c: compiled blobs: load, lookup structures, and every kind
 * of damage rejected with -MG_ECORRUPT. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnstest.h"

static const char *small_zone =
    "$ORIGIN example.org.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n NS ns\n"
    "ns A 192.0.2.1\na.b.c TXT x\n*.w MX 1 ns\n";

static int
load_copy(const uint8_t *b, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	struct mg_dns_zone *z;
	int rc;

	assert_non_null(c);
	memcpy(c, b, len);
	rc = mg_dns_zone_load(mg_view_make(c, len), &z);
	if (rc == 0)
		mg_dns_zone_free(z);
	else
		assert_null(z);
	free(c);
	return rc;
}

static void
resum(uint8_t *b, size_t len)
{
	uint32_t s = mg_dns_fnv1a(mg_view_make(b + 16, len - 16));

	b[12] = (uint8_t)(s >> 24);
	b[13] = (uint8_t)(s >> 16);
	b[14] = (uint8_t)(s >> 8);
	b[15] = (uint8_t)s;
}

static void
test_zone_loads_and_names_its_zones(void **state)
{
	const char *texts[3] = {small_zone, NULL, NULL};
	struct mg_dns_zone *z;
	const struct dns_node *n;
	uint8_t *blob;
	size_t len;
	char *tz = dt_slurp(TEST_ZONE_PATH, &len);

	(void)state;
	texts[1] = tz;
	z = dt_load_texts(texts, &blob);
	assert_int_equal(mg_dns_zone_count(z), 2);
	assert_string_equal(mg_dns_zone_origin(z, 0), "example.org.");
	assert_string_equal(mg_dns_zone_origin(z, 1), "example.com.");
	assert_null(mg_dns_zone_origin(z, 2));
	/* Empty non-terminals exist as nodes; the wildcard hangs off its
	 * parent. */
	n = mg_dns_node_find(z, NULL, dt_name("b.c.example.org."), 17);
	assert_non_null(n);
	assert_int_equal(n->nrrsets, 0);
	n = mg_dns_node_find(z, NULL, dt_name("w.example.org."), 15);
	assert_non_null(n);
	assert_non_null(n->wild);
	assert_non_null(mg_dns_node_rrset(n->wild, MG_DNS_T_MX));
	n = mg_dns_node_find(z, NULL, dt_name("deleg.example.com."), 19);
	assert_non_null(n);
	assert_true(n->flags & DNS_NODE_DELEG);
	assert_null(mg_dns_node_find(z, NULL, dt_name("nx.example.com."), 16));
	mg_dns_zone_free(z);
	free(blob);
	free(tz);
}

static void
test_zone_compile_refuses_one_apex_twice(void **state)
{
	struct mg_dns_zparse a, b;
	struct mg_dns_zparse *zs[2] = {&a, &b};
	uint8_t *blob;
	size_t len;
	char err[256];

	(void)state;
	assert_int_equal(
	    mg_dns_zparse_text(&a, "a.zone", mg_view_str(small_zone), NULL), 0);
	assert_int_equal(
	    mg_dns_zparse_text(&b, "b.zone", mg_view_str(small_zone), NULL), 0);
	assert_int_equal(
	    mg_dns_zone_compile(zs, 2, &blob, &len, err, sizeof(err)),
	    -MG_EINVAL);
	assert_string_equal(err,
	    "b.zone: zone 'example.org.' is already in a.zone");
	mg_dns_zparse_fini(&a);
	mg_dns_zparse_fini(&b);
}

static void
test_zone_rejects_every_truncation(void **state)
{
	const char *texts[2] = {small_zone, NULL};
	size_t len, i;
	uint8_t *blob = dt_blob(texts, &len);

	(void)state;
	assert_int_equal(load_copy(blob, len), 0);
	for (i = 0; i < len; i++) {
		uint8_t *c = malloc(len);

		memcpy(c, blob, len);
		/* Even with the header fixed to the new length. */
		c[8] = (uint8_t)(i >> 24);
		c[9] = (uint8_t)(i >> 16);
		c[10] = (uint8_t)(i >> 8);
		c[11] = (uint8_t)i;
		if (i >= 16)
			resum(c, i);
		assert_int_equal(load_copy(c, i), -MG_ECORRUPT);
		free(c);
	}
	free(blob);
}

static void
test_zone_rejects_every_flipped_byte(void **state)
{
	const char *texts[2] = {small_zone, NULL};
	size_t len, i;
	uint8_t *blob = dt_blob(texts, &len);
	unsigned accepted = 0;

	(void)state;
	for (i = 0; i < len; i++) {
		uint8_t *c = malloc(len);

		memcpy(c, blob, len);
		c[i] ^= 0x41;
		assert_int_equal(load_copy(c, len), -MG_ECORRUPT);
		/* With a good checksum the structure checks must hold or the
		 * blob be harmless (e.g. a changed TTL or address). */
		if (i >= 16) {
			resum(c, len);
			accepted += load_copy(c, len) == 0;
		}
		free(c);
	}
	assert_true(accepted < len / 2);
	free(blob);
}

static void
test_zone_rejects_bad_headers(void **state)
{
	const char *texts[2] = {small_zone, NULL};
	size_t len;
	uint8_t *blob = dt_blob(texts, &len), *c;

	(void)state;
	c = malloc(len + 1);
	memcpy(c, blob, len);
	c[5] = 2; /* version */
	assert_int_equal(load_copy(c, len), -MG_ECORRUPT);
	memcpy(c, blob, len);
	c[0] = 'X';
	assert_int_equal(load_copy(c, len), -MG_ECORRUPT);
	memcpy(c, blob, len);
	c[7] = 2; /* two zones, one present */
	resum(c, len);
	assert_int_equal(load_copy(c, len), -MG_ECORRUPT);
	/* A trailing byte. */
	memcpy(c, blob, len);
	c[len] = 0;
	c[11] = (uint8_t)(c[11] + 1);
	resum(c, len + 1);
	assert_int_equal(load_copy(c, len + 1), -MG_ECORRUPT);
	assert_int_equal(load_copy(c, 0), -MG_ECORRUPT);
	free(c);
	free(blob);
}

static void
test_zone_rejects_upper_case_and_misorder(void **state)
{
	const char *texts[2] = {small_zone, NULL};
	size_t len, i;
	uint8_t *blob = dt_blob(texts, &len), *c;

	(void)state;
	c = malloc(len);
	/* The apex name starts at 16: upper-case its first letter. */
	memcpy(c, blob, len);
	c[17] = 'E';
	resum(c, len);
	assert_int_equal(load_copy(c, len), -MG_ECORRUPT);
	/* Rename "ns" (a later node) to "aa": out of canonical order. */
	memcpy(c, blob, len);
	for (i = 16; i + 20 <= len; i++)
		if (memcmp(c + i, "\2ns\7example\3org\0\0\1\0\1", 20) == 0)
			break;
	assert_true(i + 20 <= len);
	memcpy(c + i + 1, "aa", 2);
	resum(c, len);
	assert_int_equal(load_copy(c, len), -MG_ECORRUPT);
	free(c);
	free(blob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zone_loads_and_names_its_zones),
	    cmocka_unit_test(test_zone_compile_refuses_one_apex_twice),
	    cmocka_unit_test(test_zone_rejects_every_truncation),
	    cmocka_unit_test(test_zone_rejects_every_flipped_byte),
	    cmocka_unit_test(test_zone_rejects_bad_headers),
	    cmocka_unit_test(test_zone_rejects_upper_case_and_misorder),
	};

	fake_plat_heap();
	mg_log_config("dns=off");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
