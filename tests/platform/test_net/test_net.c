/* SPDX-License-Identifier: ISC */
/* test_net.c: an ARP round trip with the host's kernel over a tap device. */
#include "mg/app.h"
#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/plat.h"
#include "mg/string.h"

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x)) {                                                    \
			mg_printf("FAIL line %d: %s\n", __LINE__, #x);         \
			return 1;                                              \
		}                                                              \
	} while (0)

static bool
ip4_parse(const char *s, uint8_t out[4])
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		const char *dot = mg_strchr(s, i < 3 ? '.' : '\0');
		uint64_t v;

		if (dot == NULL ||
		    mg_parse_u64(s, (size_t)(dot - s), 10, 255, &v) < 0)
			return false;
		out[i] = (uint8_t)v;
		s = dot + 1;
	}
	return true;
}

static size_t
arp_request(uint8_t *f, const uint8_t *mac, const uint8_t *sip,
    const uint8_t *tip)
{
	static const uint8_t hdr[] = {0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1};

	mg_memset(f, 0xff, 6);
	mg_memcpy(f + 6, mac, 6);
	mg_memcpy(f + 12, hdr, sizeof(hdr));
	mg_memcpy(f + 22, mac, 6);
	mg_memcpy(f + 28, sip, 4);
	mg_memset(f + 32, 0, 6);
	mg_memcpy(f + 38, tip, 4);
	mg_memset(f + 42, 0, 18);
	return 60;
}

int
mg_app_main(void)
{
	struct mg_plat_net_info ni;
	uint8_t f[1600], r[2048], sip[4], tip[4];
	mg_time_t deadline;
	mg_handle_t h;
	size_t n, len;
	int i, got = 0, sent = 0;

	CHECK(ip4_parse(mg_app_key("ip"), sip));
	CHECK(ip4_parse(mg_app_key("peer"), tip));
	CHECK(mg_plat_net_acquire("service", &h, &ni) == 0);
	CHECK(ni.mtu >= 576 && (ni.mac[0] & 1) == 0);
	CHECK(mg_plat_net_write(h, f, 13) == -MG_EINVAL);
	CHECK(mg_plat_net_write(h, f, ni.mtu + 15u) == -MG_EINVAL);
	n = arp_request(f, ni.mac, sip, tip);
	/* A burst larger than any ring: each frame is sent or refused. */
	for (i = 0; i < 300; i++) {
		int rc = mg_plat_net_write(h, f, n);

		CHECK(rc == 0 || rc == -MG_EAGAIN);
		sent += rc == 0;
	}
	CHECK(sent > 0);
	/* The kernel may not take frames in the first instants after the
	 * device is attached: ask again every 200 ms until it answers. */
	deadline = mg_plat_clock_monotonic() + MG_SEC(5);
	while (got == 0 && mg_plat_clock_monotonic() < deadline) {
		mg_time_t next = mg_plat_clock_monotonic() + MG_MSEC(200);

		if ((mg_plat_yield(next) & (1ULL << h)) == 0) {
			(void)mg_plat_net_write(h, f, n);
			continue;
		}
		while (mg_plat_net_read(h, r, sizeof(r), &len) == 0) {
			/* An ARP reply to us, from the peer's address. */
			if (len >= 42 && r[12] == 8 && r[13] == 6 &&
			    r[21] == 2 && mg_memcmp(r, ni.mac, 6) == 0 &&
			    mg_memcmp(r + 28, tip, 4) == 0)
				got++;
		}
	}
	CHECK(got > 0);
	mg_printf("ARP reply from %u.%u.%u.%u is at "
	          "%02x:%02x:%02x:%02x:%02x:%02x\n",
	    tip[0], tip[1], tip[2], tip[3], r[22], r[23], r[24], r[25], r[26],
	    r[27]);
	mg_printf("SUCCESS\n");
	return 0;
}
