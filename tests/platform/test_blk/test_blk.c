/* SPDX-License-Identifier: ISC */
/* test_blk.c: block read, write and flush against a file. */
#include "mg/app.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/plat.h"
#include "mg/string.h"

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x)) {                                                    \
			mg_printf("FAIL line %d: %s\n", __LINE__, #x);         \
			return 1;                                              \
		}                                                              \
	} while (0)

int
mg_app_main(void)
{
	static uint8_t wbuf[8192], rbuf[8192];
	struct mg_plat_block_info bi;
	mg_handle_t h, h2;
	size_t i;

	CHECK(mg_plat_block_acquire("storage", &h, &bi) == 0);
	mg_printf("capacity %llu block %u\n", (unsigned long long)bi.capacity,
	    bi.block_size);
	CHECK(bi.capacity >= 65536 && bi.block_size == 512);
	CHECK(mg_plat_block_acquire("storage", &h2, &bi) == -MG_EBUSY);
	/* The file starts with a marker the test wrote. */
	CHECK(mg_plat_block_read(h, 0, rbuf, 512) == 0);
	CHECK(mg_memcmp(rbuf, "MORGANA-BLOCK-TEST", 18) == 0);
	for (i = 0; i < sizeof(wbuf); i++)
		wbuf[i] = (uint8_t)(i * 7 + 3);
	CHECK(mg_plat_block_write(h, 4096, wbuf, sizeof(wbuf)) == 0);
	CHECK(mg_plat_block_flush(h) == 0);
	CHECK(mg_plat_block_read(h, 4096, rbuf, sizeof(rbuf)) == 0);
	CHECK(mg_memcmp(wbuf, rbuf, sizeof(rbuf)) == 0);
	/* The last block, and every way to miss the device. */
	CHECK(mg_plat_block_write(h, bi.capacity - 512, wbuf, 512) == 0);
	CHECK(mg_plat_block_read(h, 4097, rbuf, 512) == -MG_EINVAL);
	CHECK(mg_plat_block_read(h, 4096, rbuf, 511) == -MG_EINVAL);
	CHECK(mg_plat_block_read(h, bi.capacity, rbuf, 512) == -MG_EINVAL);
	CHECK(mg_plat_block_write(h, bi.capacity - 512, wbuf, 1024) ==
	    -MG_EINVAL);
	CHECK(mg_plat_block_read(h, UINT64_MAX - 511, rbuf, 512) == -MG_EINVAL);
	CHECK(mg_plat_block_read(h + 5, 0, rbuf, 512) < 0);
	CHECK(mg_plat_block_flush(h + 5) < 0);
	CHECK(mg_plat_block_flush(h) == 0);
	mg_plat_seal();
	CHECK(mg_plat_block_acquire("storage", &h2, &bi) == -MG_EPERM);
	mg_printf("SUCCESS\n");
	return 0;
}
