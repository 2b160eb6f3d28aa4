/* SPDX-License-Identifier: ISC */
/*
 * fuzz_dhcp.c: a DHCP message (the UDP payload to port 68) as an attacker
 * sends it. Checks the parser's promises: exactly one drop counted on
 * failure; on success the fields are in range and the views lie inside
 * the input; a client message built from the fields parses back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_int.h"
#include "net_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static uint8_t pktmem[4096];

static int
inside(mg_view v, const uint8_t *buf, size_t size)
{
	if (v.len == 0)
		return 1;
	return v.p >= buf && v.len <= size && v.p - buf <= (long)(size - v.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_dhcp_stats st = {0};
	struct mg_pkt_pool pool;
	struct mg_dhcp_msg m, m2;
	struct mg_dhcp_tx tx;
	struct mg_pkt *p;
	uint8_t *buf;
	uint64_t x = 0;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	if (mg_dhcp_parse(mg_view_make(buf, size), &m, &st) != 0) {
		CHECK(st.rx_bad == 1);
		goto out;
	}
	CHECK(st.rx_bad == 0);
	CHECK(size >= MG_DHCP_HLEN);
	CHECK(m.type >= MG_DHCP_DISCOVER && m.type <= MG_DHCP_INFORM);
	CHECK(m.overload <= 3);
	CHECK(m.ndns <= MG_DHCP_DNS_MAX);
	CHECK(!m.has_mask ||
	    (m.prefix <= 32 && mg_dhcp_prefix(m.mask) == (int)m.prefix));
	CHECK(inside(m.client_id, buf, size) && inside(m.params, buf, size));
	for (size_t i = 0; i < m.params.len; i++)
		x += m.params.p[i]; /* ASan: every byte is readable */
	(void)x;

	/* Round trip through the builder. */
	memset(&tx, 0, sizeof(tx));
	tx.type = m.type;
	tx.xid = m.xid;
	tx.secs = m.secs;
	tx.flags = m.flags;
	tx.ciaddr = m.ciaddr;
	memcpy(tx.mac, m.chaddr, 6);
	tx.reqip = m.reqip;
	tx.server_id = m.server_id;
	tx.maxmsg = m.maxmsg;
	tx.params = m.params.len > 0;
	CHECK(mg_pkt_pool_init(&pool, pktmem, sizeof(pktmem), 2048, 64) > 0);
	p = mg_pkt_alloc(&pool);
	CHECK(p != NULL);
	CHECK(mg_dhcp_build(p, &tx) == 0);
	CHECK(p->len >= MG_DHCP_MSG_MIN);
	CHECK(mg_dhcp_parse(mg_pkt_view(p), &m2, &st) == 0);
	CHECK(m2.op == MG_DHCP_OP_REQUEST && m2.htype == MG_DHCP_HTYPE_ETH &&
	    m2.hlen == 6);
	CHECK(m2.type == m.type && m2.xid == m.xid && m2.secs == m.secs &&
	    m2.flags == m.flags && m2.ciaddr == m.ciaddr);
	CHECK(memcmp(m2.chaddr, m.chaddr, 6) == 0);
	CHECK(m2.reqip == m.reqip && m2.server_id == m.server_id &&
	    m2.maxmsg == m.maxmsg);
	CHECK(m2.client_id.len == 7 && m2.params.len == (tx.params ? 4 : 0));
	mg_pkt_free(p);
out:
	free(buf);
	return 0;
}
