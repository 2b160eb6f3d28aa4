/* SPDX-License-Identifier: ISC */
/* csum.c: the Internet checksum (RFC 1071) and the IPv4 pseudo-header. */
#include <stddef.h>
#include <stdint.h>

#include "mg/view.h"

#include "net_int.h"

/*
 * RFC 1071 2(1), 2(B): the one's complement sum is independent of byte
 * order and can be accumulated in a wider register and folded at the end;
 * 64 bits hold the carries of any view without overflow (2^32 words of
 * 2^32 - 1 each would be needed to wrap).
 */
uint32_t
mg_net_csum_add(uint32_t sum, mg_view v)
{
	struct mg_rd r = mg_rd_init(v);
	uint64_t acc = sum;

	while (mg_rd_left(&r) >= 4)
		acc += mg_rd_u32be(&r);
	if (mg_rd_left(&r) >= 2)
		acc += mg_rd_u16be(&r);
	if (mg_rd_left(&r) == 1)
		acc += (uint32_t)mg_rd_u8(&r) << 8; /* RFC 1071 2(A): pad */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t
mg_net_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* RFC 768, RFC 9293 3.1: src, dst, zero, protocol, upper-layer length. */
uint32_t
mg_net_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint64_t acc;

	acc = (uint64_t)(src >> 16) + (src & 0xffffu) + (dst >> 16) +
	    (dst & 0xffffu) + proto + len;
	return (uint32_t)acc; /* at most 6 * 65535: no carry out */
}
