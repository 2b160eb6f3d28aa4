/* SPDX-License-Identifier: ISC */
/* name.c: domain names: wire reading with decompression, writing with
 * compression, canonical order, and the presentation form. */
#include "dns_int.h"

#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/string.h"

static inline uint8_t
lc(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

int
mg_dns_name_read(mg_view msg, size_t *off, uint8_t *out, bool nocomp)
{
	size_t pos = *off, end = 0, olen = 0;
	unsigned hops = 0;
	bool jumped = false;
	uint8_t l;

	/* RFC 1035 4.1.4. Every pointer must point before the label that
	 * holds it (no loops, no forward references), hops are bounded and
	 * the expanded name stays within 255 bytes. */
	for (;;) {
		if (!mg_view_u8(msg, pos, &l))
			return -MG_EBADMSG;
		if ((l & MG_DNS_PTR_MASK) == MG_DNS_PTR_MASK) {
			uint8_t l2;
			size_t target;

			if (nocomp || !mg_view_u8(msg, pos + 1, &l2))
				return -MG_EBADMSG;
			target = (size_t)(l & 0x3f) << 8 | l2;
			if (target >= pos || ++hops > MG_DNS_PTR_HOPS)
				return -MG_EBADMSG;
			if (!jumped)
				end = pos + 2;
			jumped = true;
			pos = target;
			continue;
		}
		if (l & MG_DNS_PTR_MASK)
			return -MG_EBADMSG; /* 0x40/0x80: extended label types
			                     */
		if (olen + 1 + l > MG_DNS_NAME_MAX)
			return -MG_EBADMSG;
		if (l == 0) {
			out[olen++] = 0;
			break;
		}
		if (pos + 1 > msg.len || l > msg.len - pos - 1)
			return -MG_EBADMSG;
		mg_memcpy(out + olen, msg.p + pos, (size_t)l + 1);
		olen += (size_t)l + 1;
		pos += (size_t)l + 1;
	}
	*off = jumped ? end : pos + 1;
	return (int)olen;
}

int
mg_dns_name_check(mg_view v)
{
	size_t pos = 0;
	uint8_t l;

	if (v.p == NULL)
		return -MG_EBADMSG;
	for (;;) {
		if (!mg_view_u8(v, pos, &l) || l > MG_DNS_LABEL_MAX)
			return -MG_EBADMSG;
		if (pos + 1 + l > MG_DNS_NAME_MAX)
			return -MG_EBADMSG;
		if (l == 0)
			return (int)pos + 1;
		if (l > v.len - pos - 1)
			return -MG_EBADMSG;
		pos += (size_t)l + 1;
	}
}

unsigned
mg_dns_name_labels(const uint8_t *name, uint8_t *offs)
{
	unsigned n = 0, pos = 0;

	while (name[pos] != 0) {
		if (offs != NULL)
			offs[n] = (uint8_t)pos;
		n++;
		pos += name[pos] + 1u;
	}
	return n;
}

void
mg_dns_name_lower(uint8_t *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		name[i] = lc(name[i]);
}

bool
mg_dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	size_t i = 0;

	for (;;) {
		uint8_t l = a[i], k;

		if (l != b[i])
			return false;
		if (l == 0)
			return true;
		for (k = 1; k <= l; k++)
			if (lc(a[i + k]) != lc(b[i + k]))
				return false;
		i += (size_t)l + 1;
	}
}

bool
mg_dns_name_under(const uint8_t *name, const uint8_t *apex)
{
	uint8_t o1[128], o2[128];
	unsigned n1 = mg_dns_name_labels(name, o1);
	unsigned n2 = mg_dns_name_labels(apex, o2);

	if (n2 > n1)
		return false;
	if (n2 == 0)
		return true;
	return mg_dns_name_eq(name + o1[n1 - n2], apex);
}

int
mg_dns_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[128], ob[128];
	unsigned na = mg_dns_name_labels(a, oa);
	unsigned nb = mg_dns_name_labels(b, ob);

	/* RFC 4034 6.1: compare label by label from the root; labels as
	 * lower-cased octet strings, a shorter label sorts first. */
	while (na > 0 && nb > 0) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		unsigned i, m = la[0] < lb[0] ? la[0] : lb[0];

		for (i = 1; i <= m; i++) {
			uint8_t x = lc(la[i]), y = lc(lb[i]);

			if (x != y)
				return x < y ? -1 : 1;
		}
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	if (na == nb)
		return 0;
	return na < nb ? -1 : 1;
}

uint32_t
mg_dns_name_hash(const uint8_t *name, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ lc(name[i])) * 16777619u;
	return h ^ (h >> 15);
}

size_t
mg_dns_name_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t pos = 0, o = 0;

	if (cap == 0)
		return 0;
#define PUT(c)                                                                 \
	do {                                                                   \
		if (o + 1 < cap)                                               \
			buf[o++] = (c);                                        \
	} while (0)
	if (name[0] == 0)
		PUT('.');
	while (name[pos] != 0) {
		uint8_t l = name[pos], k;

		for (k = 1; k <= l; k++) {
			uint8_t c = name[pos + k];

			if (c <= ' ' || c >= 0x7f) {
				PUT('\\');
				PUT((char)('0' + c / 100));
				PUT((char)('0' + c / 10 % 10));
				PUT((char)('0' + c % 10));
			} else {
				if (c == '.' || c == '\\' || c == '"' ||
				    c == ';' || c == '(' || c == ')' ||
				    c == '@' || c == '$')
					PUT('\\');
				PUT((char)c);
			}
		}
		PUT('.');
		pos += (size_t)l + 1;
	}
#undef PUT
	buf[o] = '\0';
	return o;
}

int
mg_dns_name_parse(const char *s, size_t len, const uint8_t *origin,
    uint8_t *out, const char **why)
{
	size_t i = 0, o = 0, lab = 0;
	bool absolute = false;

	*why = "bad name";
	if (len == 1 && s[0] == '@') {
		if (origin == NULL) {
			*why = "'@' without an origin";
			return -MG_EINVAL;
		}
		o = (size_t)mg_dns_name_check(mg_view_make(origin, 255));
		mg_memcpy(out, origin, o);
		return (int)o;
	}
	if (len == 1 && s[0] == '.') {
		out[0] = 0;
		return 1;
	}
	if (len == 0) {
		*why = "empty name";
		return -MG_EINVAL;
	}
	out[0] = 0;
	lab = 0; /* offset of the current label's length byte */
	o = 1;
	while (i < len) {
		unsigned c = (uint8_t)s[i++];

		if (c == '.') {
			if (o - lab - 1 == 0) {
				*why = "empty label";
				return -MG_EINVAL;
			}
			if (i == len) {
				absolute = true;
				break;
			}
			lab = o++;
			if (o > MG_DNS_NAME_MAX) {
				*why = "name longer than 255 bytes";
				return -MG_EINVAL;
			}
			out[lab] = 0;
			continue;
		}
		if (c == '\\') {
			if (i >= len) {
				*why = "backslash at the end of a name";
				return -MG_EINVAL;
			}
			if (mg_isdigit(s[i])) {
				if (len - i < 3 || !mg_isdigit(s[i + 1]) ||
				    !mg_isdigit(s[i + 2])) {
					*why = "bad \\DDD escape";
					return -MG_EINVAL;
				}
				c = (unsigned)(s[i] - '0') * 100 +
				    (unsigned)(s[i + 1] - '0') * 10 +
				    (unsigned)(s[i + 2] - '0');
				if (c > 255) {
					*why = "bad \\DDD escape";
					return -MG_EINVAL;
				}
				i += 3;
			} else {
				c = (uint8_t)s[i++];
			}
		}
		if (o - lab - 1 >= MG_DNS_LABEL_MAX) {
			*why = "label longer than 63 bytes";
			return -MG_EINVAL;
		}
		if (o + 1 >= MG_DNS_NAME_MAX) {
			*why = "name longer than 255 bytes";
			return -MG_EINVAL;
		}
		out[o++] = (uint8_t)c;
		out[lab]++;
	}
	/* o: bytes so far, the last label closed; add the terminator or
	 * the origin. */
	if (absolute) {
		if (o + 1 > MG_DNS_NAME_MAX) {
			*why = "name longer than 255 bytes";
			return -MG_EINVAL;
		}
		out[o++] = 0;
		return (int)o;
	}
	if (origin == NULL) {
		*why = "relative name without an origin";
		return -MG_EINVAL;
	}
	{
		int ol = mg_dns_name_check(mg_view_make(origin, 255));

		if (ol < 0 || o + (size_t)ol > MG_DNS_NAME_MAX) {
			*why = "name longer than 255 bytes";
			return -MG_EINVAL;
		}
		mg_memcpy(out + o, origin, (size_t)ol);
		return (int)(o + (size_t)ol);
	}
}

/* Whether the name at off in msg (compressed, written by us) equals the
 * wire name n, without case. */
static bool
msg_name_eq(const uint8_t *msg, size_t off, const uint8_t *n)
{
	unsigned hops = 0;

	for (;;) {
		uint8_t l = msg[off];

		if ((l & MG_DNS_PTR_MASK) == MG_DNS_PTR_MASK) {
			if (++hops > MG_DNS_PTR_HOPS)
				return false;
			off = (size_t)(l & 0x3f) << 8 | msg[off + 1];
			continue;
		}
		if (l != *n)
			return false;
		if (l == 0)
			return true;
		for (unsigned k = 1; k <= l; k++)
			if (lc(msg[off + k]) != lc(n[k]))
				return false;
		off += (size_t)l + 1;
		n += (size_t)l + 1;
	}
}

bool
mg_dns_name_write(struct mg_wr *w, const uint8_t *name, struct mg_dns_ctab *ct)
{
	size_t pos = 0, start = mg_wr_len(w);
	unsigned nold = ct != NULL ? ct->n : 0;

	while (name[pos] != 0) {
		unsigned i;

		if (ct != NULL) {
			for (i = 0; i < nold; i++) {
				if (msg_name_eq(w->p, ct->off[i], name + pos))
					break;
			}
			if (i < nold) {
				if (!mg_wr_bytes(w, name, pos))
					return false;
				if (!mg_wr_u16be(w,
				        (uint16_t)(0xc000 | ct->off[i])))
					return false;
				goto record;
			}
		}
		pos += name[pos] + 1u;
	}
	if (!mg_wr_bytes(w, name, pos + 1))
		return false;
record:
	if (ct != NULL) {
		size_t p = 0;

		/* Every suffix written here literally can be pointed at. */
		while (p < pos && ct->n < MG_DNS_CTAB_MAX &&
		    start + p <= MG_DNS_PTR_MAX) {
			ct->off[ct->n++] = (uint16_t)(start + p);
			p += name[p] + 1u;
		}
	}
	return true;
}

int
mg_dns_rdata_target(uint16_t type)
{
	switch (type) {
	case MG_DNS_T_NS:
		return 0;
	case MG_DNS_T_MX:
		return 2;
	case MG_DNS_T_SRV:
		return 6;
	default:
		return -1;
	}
}

/* A valid name of exactly the rest of rd from off, or fixed bytes. */
static int
name_at(mg_view rd, size_t off)
{
	mg_view t;

	if (!mg_view_tail(rd, off, &t))
		return -MG_EBADMSG;
	return mg_dns_name_check(t);
}

int
mg_dns_rdata_check(uint16_t type, mg_view rd)
{
	int n, m;
	size_t i;

	switch (type) {
	case MG_DNS_T_A:
		return rd.len == 4 ? 0 : -MG_EBADMSG;
	case MG_DNS_T_AAAA:
		return rd.len == 16 ? 0 : -MG_EBADMSG;
	case MG_DNS_T_NS:
	case MG_DNS_T_CNAME:
	case MG_DNS_T_PTR:
		n = name_at(rd, 0);
		return n > 0 && (size_t)n == rd.len ? 0 : -MG_EBADMSG;
	case MG_DNS_T_MX:
		n = name_at(rd, 2);
		return n > 0 && (size_t)n + 2 == rd.len ? 0 : -MG_EBADMSG;
	case MG_DNS_T_SRV:
		n = name_at(rd, 6);
		return n > 0 && (size_t)n + 6 == rd.len ? 0 : -MG_EBADMSG;
	case MG_DNS_T_SOA:
		n = name_at(rd, 0);
		if (n < 0)
			return n;
		m = name_at(rd, (size_t)n);
		if (m < 0)
			return m;
		return (size_t)n + (size_t)m + 20 == rd.len ? 0 : -MG_EBADMSG;
	case MG_DNS_T_TXT:
		if (rd.len == 0)
			return -MG_EBADMSG;
		for (i = 0; i < rd.len; i += (size_t)rd.p[i] + 1)
			if (rd.p[i] > rd.len - i - 1)
				return -MG_EBADMSG;
		return 0;
	case MG_DNS_T_CAA:
		if (rd.len < 2 || rd.p[1] == 0 || rd.p[1] > rd.len - 2)
			return -MG_EBADMSG;
		return 0;
	case MG_DNS_T_OPT:
		return -MG_EBADMSG;
	default:
		return 0;
	}
}
