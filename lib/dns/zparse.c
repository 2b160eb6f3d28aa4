/* SPDX-License-Identifier: ISC */
/* zparse.c: the master-file parser (RFC 1035 5, RFC 2308 $TTL, RFC 3597
 * unknown types) and the zone's semantic checks. */
#include <stdarg.h>

#include "dns_int.h"

#include "mg/err.h"
#include "mg/fmt.h"
#include "mg/heap.h"
#include "mg/string.h"

#define ZP_TOKENS_MAX 8192
#define ZP_TTL_MAX    0x7fffffffu /* RFC 2181 8 */

struct tok {
	uint32_t off, len, line, col;
	bool quoted;
};

struct zctx {
	struct mg_dns_zparse *zp;
	const char *s;
	size_t len, pos, line_start;
	uint32_t line;
	int paren;
	uint32_t paren_line, paren_col;
	struct tok *t;
	size_t nt;
	bool blank_start;
	uint32_t rline; /* line of the record's first token */
	uint8_t origin[MG_DNS_NAME_MAX];
	bool have_origin;
	uint8_t owner[MG_DNS_NAME_MAX];
	bool have_owner;
	uint32_t dttl, lttl;
	bool have_dttl, have_lttl;
	uint8_t rd[65535];
	size_t rdlen;
};

__attribute__((format(printf, 4, 5))) static int
zerr(struct zctx *c, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = mg_snprintf(c->zp->err, sizeof(c->zp->err),
	    "%s:%u:%u: ", c->zp->file, (unsigned)line, (unsigned)col);
	if (n < 0 || (size_t)n >= sizeof(c->zp->err))
		return -MG_EINVAL;
	va_start(ap, fmt);
	mg_vsnprintf(c->zp->err + n, sizeof(c->zp->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -MG_EINVAL;
}

#define TOKFMT       "'%.*s'"
#define TOKARG(c, t) (int)((t)->len > 64 ? 64 : (t)->len), (c)->s + (t)->off

static int
tok_err(struct zctx *c, const struct tok *t, const char *what)
{
	return zerr(c, t->line, t->col, "%s " TOKFMT, what, TOKARG(c, t));
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool
is_delim(char ch)
{
	return is_space(ch) || ch == '\n' || ch == '(' || ch == ')' ||
	    ch == ';' || ch == '"';
}

/* Reads one logical line into c->t. Returns 1, 0 at the end, or an
 * error. */
static int
lex_line(struct zctx *c)
{
	c->nt = 0;
	c->blank_start = c->pos < c->len && is_space(c->s[c->pos]) &&
	    c->pos == c->line_start;
	for (;;) {
		char ch;
		struct tok *t;

		while (c->pos < c->len && is_space(c->s[c->pos]))
			c->pos++;
		if (c->pos >= c->len) {
			if (c->paren > 0)
				return zerr(c, c->paren_line, c->paren_col,
				    "'(' is never closed");
			return c->nt > 0 ? 1 : 0;
		}
		ch = c->s[c->pos];
		if (ch == ';') {
			while (c->pos < c->len && c->s[c->pos] != '\n')
				c->pos++;
			continue;
		}
		if (ch == '\n') {
			c->pos++;
			c->line++;
			c->line_start = c->pos;
			if (c->paren > 0)
				continue;
			if (c->nt > 0)
				return 1;
			c->blank_start =
			    c->pos < c->len && is_space(c->s[c->pos]);
			continue;
		}
		if (ch == '(') {
			if (c->paren++ == 0) {
				c->paren_line = c->line;
				c->paren_col =
				    (uint32_t)(c->pos - c->line_start + 1);
			}
			c->pos++;
			continue;
		}
		if (ch == ')') {
			if (c->paren == 0)
				return zerr(c, c->line,
				    (uint32_t)(c->pos - c->line_start + 1),
				    "')' without '('");
			c->paren--;
			c->pos++;
			continue;
		}
		if (c->nt >= ZP_TOKENS_MAX)
			return zerr(c, c->line,
			    (uint32_t)(c->pos - c->line_start + 1),
			    "too many fields in one record");
		t = &c->t[c->nt++];
		t->line = c->line;
		t->col = (uint32_t)(c->pos - c->line_start + 1);
		if (c->nt == 1)
			c->rline = c->line;
		if (ch == '"') {
			t->quoted = true;
			t->off = (uint32_t)++c->pos;
			while (c->pos < c->len && c->s[c->pos] != '"') {
				if (c->s[c->pos] == '\n')
					return zerr(c, t->line, t->col,
					    "string not closed on its line");
				if (c->s[c->pos] == '\\' && c->pos + 1 < c->len)
					c->pos++;
				c->pos++;
			}
			if (c->pos >= c->len)
				return zerr(c, t->line, t->col,
				    "string never closed");
			t->len = (uint32_t)(c->pos - t->off);
			c->pos++;
			continue;
		}
		t->quoted = false;
		t->off = (uint32_t)c->pos;
		while (c->pos < c->len && !is_delim(c->s[c->pos])) {
			if (c->s[c->pos] == '\\' && c->pos + 1 < c->len &&
			    c->s[c->pos + 1] != '\n')
				c->pos++;
			c->pos++;
		}
		t->len = (uint32_t)(c->pos - t->off);
	}
}

static bool
tok_is(const struct zctx *c, const struct tok *t, const char *w)
{
	size_t i, n = mg_strlen(w);

	if (t->quoted || t->len != n)
		return false;
	for (i = 0; i < n; i++)
		if (mg_tolower(c->s[t->off + i]) != mg_tolower(w[i]))
			return false;
	return true;
}

static int
parse_num(struct zctx *c, const struct tok *t, uint64_t max, uint64_t *out,
    const char *what)
{
	if (t->quoted || mg_parse_u64(c->s + t->off, t->len, 10, max, out) != 0)
		return tok_err(c, t, what);
	return 0;
}

/* A TTL: seconds, or units as in 1h30m (BIND's extension). */
static int
parse_ttl(struct zctx *c, const struct tok *t, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	bool digits = false, units = false;
	size_t i;

	if (t->quoted || t->len == 0)
		return tok_err(c, t, "bad TTL");
	for (i = 0; i < t->len; i++) {
		char ch = (char)mg_tolower(c->s[t->off + i]);
		uint64_t m;

		if (mg_isdigit(ch)) {
			cur = cur * 10 + (uint64_t)(ch - '0');
			digits = true;
			if (cur > ZP_TTL_MAX)
				return tok_err(c, t, "TTL too large:");
			continue;
		}
		switch (ch) {
		case 's':
			m = 1;
			break;
		case 'm':
			m = 60;
			break;
		case 'h':
			m = 3600;
			break;
		case 'd':
			m = 86400;
			break;
		case 'w':
			m = 604800;
			break;
		default:
			return tok_err(c, t, "bad TTL");
		}
		if (!digits)
			return tok_err(c, t, "bad TTL");
		total += cur * m;
		cur = 0;
		digits = false;
		units = true;
		if (total > ZP_TTL_MAX)
			return tok_err(c, t, "TTL too large:");
	}
	if (digits)
		total += cur;
	else if (!units)
		return tok_err(c, t, "bad TTL");
	if (total > ZP_TTL_MAX)
		return tok_err(c, t, "TTL too large:");
	*out = (uint32_t)total;
	return 0;
}

static int
parse_name(struct zctx *c, const struct tok *t, uint8_t *out)
{
	const char *why;
	int n;

	n = mg_dns_name_parse(c->s + t->off, t->len,
	    c->have_origin ? c->origin : NULL, out, &why);
	if (n < 0)
		return zerr(c, t->line, t->col, "%s: " TOKFMT, why,
		    TOKARG(c, t));
	mg_dns_name_lower(out, (size_t)n);
	return n;
}

static bool
rd_put(struct zctx *c, const void *p, size_t n)
{
	if (n > sizeof(c->rd) - c->rdlen)
		return false;
	mg_memcpy(c->rd + c->rdlen, p, n);
	c->rdlen += n;
	return true;
}

static bool
rd_u16(struct zctx *c, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	return rd_put(c, b, 2);
}

static bool
rd_u32(struct zctx *c, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v};

	return rd_put(c, b, 4);
}

static int
rd_name(struct zctx *c, const struct tok *t)
{
	uint8_t n[MG_DNS_NAME_MAX];
	int len = parse_name(c, t, n);

	if (len < 0)
		return len;
	if (!rd_put(c, n, (size_t)len))
		return tok_err(c, t, "record data too long at");
	return 0;
}

static int
rd_num16(struct zctx *c, const struct tok *t, const char *what)
{
	uint64_t v = 0;
	int rc = parse_num(c, t, 0xffff, &v, what);

	if (rc == 0 && !rd_u16(c, (uint16_t)v))
		return tok_err(c, t, "record data too long at");
	return rc;
}

static int
parse_ip4(const char *s, size_t len, uint8_t *out)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		while (i < len && mg_isdigit(s[i]) && nd < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255)
			return -1;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
	}
	return i == len ? 0 : -1;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)mg_tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int
parse_ip6(const char *s, size_t len, uint8_t *out)
{
	uint16_t w[8];
	int nw = 0, gap = -1;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	} else if (len > 0 && s[0] == ':') {
		return -1;
	}
	while (i < len) {
		unsigned v = 0, nd = 0;
		size_t st = i;

		while (i < len && hexval(s[i]) >= 0 && nd < 5) {
			v = v << 4 | (unsigned)hexval(s[i++]);
			nd++;
		}
		if (i < len && s[i] == '.') {
			/* Dotted IPv4 in the last 32 bits. */
			uint8_t b[4];

			if (nw > 6 || parse_ip4(s + st, len - st, b) != 0)
				return -1;
			w[nw++] = (uint16_t)(b[0] << 8 | b[1]);
			w[nw++] = (uint16_t)(b[2] << 8 | b[3]);
			break;
		}
		if (nd == 0 || nd > 4 || nw >= 8)
			return -1;
		w[nw++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = nw;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return -1;
		}
	}
done:
	if (gap < 0 && nw != 8)
		return -1;
	if (gap >= 0 && nw > 7)
		return -1;
	{
		int k, z = 8 - nw, o = 0;

		for (k = 0; k < nw; k++) {
			if (k == gap)
				while (z-- > 0) {
					out[o++] = 0;
					out[o++] = 0;
				}
			out[o++] = (uint8_t)(w[k] >> 8);
			out[o++] = (uint8_t)w[k];
		}
		if (gap == nw)
			while (z-- > 0) {
				out[o++] = 0;
				out[o++] = 0;
			}
	}
	return 0;
}

/* A character-string (RFC 1035 3.3, 5.1): unescaped, at most 255 bytes.
 * With raw, no length byte is written (the CAA value). */
static int
rd_string(struct zctx *c, const struct tok *t, bool raw)
{
	uint8_t buf[1024];
	size_t i, n = 0;
	const char *s = c->s + t->off;

	for (i = 0; i < t->len; i++) {
		unsigned ch = (uint8_t)s[i];

		if (ch == '\\' && i + 1 < t->len) {
			i++;
			if (mg_isdigit(s[i])) {
				if (t->len - i < 3 || !mg_isdigit(s[i + 1]) ||
				    !mg_isdigit(s[i + 2]))
					return tok_err(c, t,
					    "bad \\DDD escape in");
				ch = (unsigned)(s[i] - '0') * 100 +
				    (unsigned)(s[i + 1] - '0') * 10 +
				    (unsigned)(s[i + 2] - '0');
				if (ch > 255)
					return tok_err(c, t,
					    "bad \\DDD escape in");
				i += 2;
			} else {
				ch = (uint8_t)s[i];
			}
		}
		if (n >= sizeof(buf) - 1)
			return tok_err(c, t, "string too long:");
		buf[n++] = (uint8_t)ch;
	}
	if (!raw) {
		uint8_t l = (uint8_t)n;

		if (n > 255)
			return tok_err(c, t, "string longer than 255 bytes:");
		if (!rd_put(c, &l, 1))
			return tok_err(c, t, "record data too long at");
	}
	if (!rd_put(c, buf, n))
		return tok_err(c, t, "record data too long at");
	return 0;
}

/* RFC 3597 5: \# length hex... */
static int
rd_generic(struct zctx *c, const struct tok *t, size_t nt)
{
	uint64_t want = 0;
	size_t i, k;
	int rc;

	if (nt < 2)
		return zerr(c, t[0].line, t[0].col, "\\# needs a length");
	rc = parse_num(c, &t[1], 65535, &want, "bad \\# length");
	if (rc != 0)
		return rc;
	for (i = 2; i < nt; i++) {
		const char *s = c->s + t[i].off;

		if (t[i].quoted || t[i].len % 2 != 0)
			return tok_err(c, &t[i], "bad hex data");
		for (k = 0; k < t[i].len; k += 2) {
			int hi = hexval(s[k]), lo = hexval(s[k + 1]);
			uint8_t b;

			if (hi < 0 || lo < 0)
				return tok_err(c, &t[i], "bad hex data");
			b = (uint8_t)(hi << 4 | lo);
			if (!rd_put(c, &b, 1))
				return tok_err(c, &t[i],
				    "record data too long at");
		}
	}
	if (c->rdlen != want)
		return zerr(c, t[1].line, t[1].col,
		    "\\# length %u does not match %u bytes of data",
		    (unsigned)want, (unsigned)c->rdlen);
	return 0;
}

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
    {"A", MG_DNS_T_A},
    {"NS", MG_DNS_T_NS},
    {"CNAME", MG_DNS_T_CNAME},
    {"SOA", MG_DNS_T_SOA},
    {"PTR", MG_DNS_T_PTR},
    {"MX", MG_DNS_T_MX},
    {"TXT", MG_DNS_T_TXT},
    {"AAAA", MG_DNS_T_AAAA},
    {"SRV", MG_DNS_T_SRV},
    {"CAA", MG_DNS_T_CAA},
};

static int
parse_type(struct zctx *c, const struct tok *t, uint16_t *type)
{
	size_t i;
	uint64_t v = 0;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (tok_is(c, t, types[i].name)) {
			*type = types[i].type;
			return 0;
		}
	}
	if (!t->quoted && t->len > 4 &&
	    mg_strncmp(c->s + t->off, "TYPE", 4) == 0 &&
	    mg_parse_u64(c->s + t->off + 4, t->len - 4, 10, 65535, &v) == 0) {
		*type = (uint16_t)v;
		if (v == 0 || v == MG_DNS_T_OPT || (v >= 128 && v <= 255))
			return tok_err(c, t, "type not allowed in a zone:");
		return 0;
	}
	return tok_err(c, t, "unknown or unsupported type");
}

static int
want_fields(struct zctx *c, const struct tok *t, size_t nt, size_t want,
    const char *type)
{
	if (nt < want) {
		const struct tok *last = nt > 0 ? &t[nt - 1] : t - 1;

		return zerr(c, last->line, last->col + last->len,
		    "%s record needs %u fields, has %u", type, (unsigned)want,
		    (unsigned)nt);
	}
	if (nt > want)
		return zerr(c, t[want].line, t[want].col,
		    "extra field in %s record: " TOKFMT, type,
		    TOKARG(c, &t[want]));
	return 0;
}

static int
parse_rdata(struct zctx *c, uint16_t type, const struct tok *t, size_t nt)
{
	uint64_t v = 0;
	uint32_t ttl = 0;
	int rc, k;

	c->rdlen = 0;
	if (nt > 0 && !t[0].quoted && t[0].len == 2 &&
	    mg_strncmp(c->s + t[0].off, "\\#", 2) == 0) {
		rc = rd_generic(c, t, nt);
		if (rc == 0 &&
		    mg_dns_rdata_check(type, mg_view_make(c->rd, c->rdlen)) !=
		        0)
			return zerr(c, t[0].line, t[0].col,
			    "\\# data is not valid for this type");
		return rc;
	}
	switch (type) {
	case MG_DNS_T_A:
		if ((rc = want_fields(c, t, nt, 1, "A")) != 0)
			return rc;
		if (t[0].quoted || parse_ip4(c->s + t[0].off, t[0].len, c->rd))
			return tok_err(c, &t[0], "bad IPv4 address");
		c->rdlen = 4;
		return 0;
	case MG_DNS_T_AAAA:
		if ((rc = want_fields(c, t, nt, 1, "AAAA")) != 0)
			return rc;
		if (t[0].quoted || parse_ip6(c->s + t[0].off, t[0].len, c->rd))
			return tok_err(c, &t[0], "bad IPv6 address");
		c->rdlen = 16;
		return 0;
	case MG_DNS_T_NS:
	case MG_DNS_T_CNAME:
	case MG_DNS_T_PTR:
		if ((rc = want_fields(c, t, nt, 1,
		         type == MG_DNS_T_NS        ? "NS"
		             : type == MG_DNS_T_PTR ? "PTR"
		                                    : "CNAME")) != 0)
			return rc;
		return rd_name(c, &t[0]);
	case MG_DNS_T_MX:
		if ((rc = want_fields(c, t, nt, 2, "MX")) != 0)
			return rc;
		if ((rc = rd_num16(c, &t[0], "bad MX preference")) != 0)
			return rc;
		return rd_name(c, &t[1]);
	case MG_DNS_T_SRV:
		if ((rc = want_fields(c, t, nt, 4, "SRV")) != 0)
			return rc;
		if ((rc = rd_num16(c, &t[0], "bad SRV priority")) != 0 ||
		    (rc = rd_num16(c, &t[1], "bad SRV weight")) != 0 ||
		    (rc = rd_num16(c, &t[2], "bad SRV port")) != 0)
			return rc;
		return rd_name(c, &t[3]);
	case MG_DNS_T_SOA:
		if ((rc = want_fields(c, t, nt, 7, "SOA")) != 0)
			return rc;
		if ((rc = rd_name(c, &t[0])) != 0 ||
		    (rc = rd_name(c, &t[1])) != 0)
			return rc;
		if ((rc = parse_num(c, &t[2], 0xffffffffu, &v,
		         "bad SOA serial")) != 0)
			return rc;
		rd_u32(c, (uint32_t)v);
		for (k = 3; k < 7; k++) {
			if ((rc = parse_ttl(c, &t[k], &ttl)) != 0)
				return rc;
			rd_u32(c, ttl);
		}
		return 0;
	case MG_DNS_T_TXT:
		if (nt == 0)
			return zerr(c, t[-1].line, t[-1].col,
			    "TXT record needs at least one string");
		for (k = 0; k < (int)nt; k++)
			if ((rc = rd_string(c, &t[k], false)) != 0)
				return rc;
		return 0;
	case MG_DNS_T_CAA:
		if ((rc = want_fields(c, t, nt, 3, "CAA")) != 0)
			return rc;
		if ((rc = parse_num(c, &t[0], 255, &v, "bad CAA flags")) != 0)
			return rc;
		c->rd[0] = (uint8_t)v;
		if (t[1].quoted || t[1].len == 0 || t[1].len > 15)
			return tok_err(c, &t[1], "bad CAA tag");
		for (k = 0; k < (int)t[1].len; k++) {
			char ch = c->s[t[1].off + (uint32_t)k];

			if (!mg_isdigit(ch) &&
			    !(mg_tolower(ch) >= 'a' && mg_tolower(ch) <= 'z'))
				return tok_err(c, &t[1], "bad CAA tag");
		}
		c->rd[1] = (uint8_t)t[1].len;
		mg_memcpy(c->rd + 2, c->s + t[1].off, t[1].len);
		c->rdlen = 2 + t[1].len;
		return rd_string(c, &t[2], true);
	default:
		return zerr(c, t[0].line, t[0].col,
		    "type %u needs data in \\# form (RFC 3597)", type);
	}
}

static int
add_rr(struct zctx *c, uint16_t type, uint32_t ttl)
{
	struct mg_dns_zparse *zp = c->zp;
	struct mg_dns_zrr *r;
	size_t ol;

	if (zp->n == zp->cap) {
		size_t ncap = zp->cap ? zp->cap * 2 : 64;
		struct mg_dns_zrr *nr;

		nr = mg_realloc(zp->rr, ncap * sizeof(*nr));
		if (nr == NULL)
			return -MG_ENOMEM;
		zp->rr = nr;
		zp->cap = ncap;
	}
	r = &zp->rr[zp->n];
	ol =
	    (size_t)mg_dns_name_check(mg_view_make(c->owner, sizeof(c->owner)));
	mg_memcpy(r->owner, c->owner, ol);
	r->owner_len = (uint8_t)ol;
	r->type = type;
	r->ttl = ttl;
	r->line = c->rline;
	r->seq = (uint32_t)zp->n;
	r->rdlen = (uint16_t)c->rdlen;
	r->rdata = mg_malloc(c->rdlen ? c->rdlen : 1);
	if (r->rdata == NULL)
		return -MG_ENOMEM;
	mg_memcpy(r->rdata, c->rd, c->rdlen);
	zp->n++;
	return 0;
}

static int
directive(struct zctx *c)
{
	const struct tok *t = c->t;
	int rc;

	if (tok_is(c, &t[0], "$ORIGIN")) {
		uint8_t n[MG_DNS_NAME_MAX];

		if ((rc = want_fields(c, t + 1, c->nt - 1, 1, "$ORIGIN")) != 0)
			return rc;
		if (t[1].len == 0 || c->s[t[1].off + t[1].len - 1] != '.' ||
		    (t[1].len >= 2 && c->s[t[1].off + t[1].len - 2] == '\\'))
			return tok_err(c, &t[1], "$ORIGIN must be absolute:");
		if ((rc = parse_name(c, &t[1], n)) < 0)
			return rc;
		mg_memcpy(c->origin, n, (size_t)rc);
		c->have_origin = true;
		return 0;
	}
	if (tok_is(c, &t[0], "$TTL")) {
		if ((rc = want_fields(c, t + 1, c->nt - 1, 1, "$TTL")) != 0)
			return rc;
		if ((rc = parse_ttl(c, &t[1], &c->dttl)) != 0)
			return rc;
		c->have_dttl = true;
		return 0;
	}
	if (tok_is(c, &t[0], "$INCLUDE"))
		return zerr(c, t[0].line, t[0].col,
		    "$INCLUDE is not supported: put the records in this file");
	return tok_err(c, &t[0], "unknown directive");
}

static int
record(struct zctx *c)
{
	const struct tok *t = c->t;
	size_t i = 0, k;
	uint32_t ttl = 0;
	bool have_ttl = false, have_class = false;
	uint16_t type = 0;
	int rc;

	if (!c->blank_start) {
		if (!t[0].quoted && t[0].len > 0 && c->s[t[0].off] == '$')
			return directive(c);
		if ((rc = parse_name(c, &t[0], c->owner)) < 0)
			return rc;
		c->have_owner = true;
		i = 1;
	} else if (!c->have_owner) {
		return zerr(c, t[0].line, t[0].col,
		    "no owner name for this record (line starts blank)");
	}
	for (k = 0; k < 2 && i < c->nt; k++) {
		const struct tok *f = &t[i];

		if (!f->quoted && !have_ttl && mg_isdigit(c->s[f->off])) {
			if ((rc = parse_ttl(c, f, &ttl)) != 0)
				return rc;
			have_ttl = true;
			i++;
		} else if (!have_class && tok_is(c, f, "IN")) {
			have_class = true;
			i++;
		} else if (!have_class &&
		    (tok_is(c, f, "CH") || tok_is(c, f, "HS") ||
		        tok_is(c, f, "CS") || tok_is(c, f, "ANY") ||
		        tok_is(c, f, "NONE") ||
		        (!f->quoted && f->len > 5 &&
		            mg_strncmp(c->s + f->off, "CLASS", 5) == 0))) {
			return tok_err(c, f, "only class IN is supported, not");
		}
	}
	if (i >= c->nt) {
		const struct tok *l = &t[c->nt - 1];

		return zerr(c, l->line, l->col + l->len, "missing type");
	}
	if ((rc = parse_type(c, &t[i], &type)) != 0)
		return rc;
	if ((rc = parse_rdata(c, type, t + i + 1, c->nt - i - 1)) != 0)
		return rc;
	if (have_ttl) {
		c->lttl = ttl;
		c->have_lttl = true;
	} else if (c->have_dttl) {
		ttl = c->dttl;
	} else if (c->have_lttl) {
		ttl = c->lttl;
	} else if (type == MG_DNS_T_SOA) {
		/* RFC 1035 behaviour: the SOA's own minimum. */
		ttl = (uint32_t)c->rd[c->rdlen - 4] << 24 |
		    (uint32_t)c->rd[c->rdlen - 3] << 16 |
		    (uint32_t)c->rd[c->rdlen - 2] << 8 | c->rd[c->rdlen - 1];
		c->lttl = ttl;
		c->have_lttl = true;
	} else {
		return zerr(c, t[0].line, t[0].col,
		    "no TTL for this record and no $TTL before it");
	}
	return add_rr(c, type, ttl);
}

/* Merge sort of record pointers by (owner, file order); recursion depth
 * log2(n). NOLINTBEGIN(misc-no-recursion) */
static void
msort(struct mg_dns_zrr **a, struct mg_dns_zrr **tmp, size_t n)
{
	size_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	msort(a, tmp, h);
	msort(a + h, tmp, n - h);
	while (i < h && j < n) {
		int d = mg_dns_name_cmp(a[i]->owner, a[j]->owner);

		if (d < 0 || (d == 0 && a[i]->seq < a[j]->seq))
			tmp[k++] = a[i++];
		else
			tmp[k++] = a[j++];
	}
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	mg_memcpy(a, tmp, n * sizeof(*a));
}
/* NOLINTEND(misc-no-recursion) */

static int
semantic_err(struct mg_dns_zparse *zp, uint32_t line, const char *msg,
    const uint8_t *name)
{
	char nt[MG_DNS_NAME_TEXT_MAX];

	mg_dns_name_text(name, nt, sizeof(nt));
	mg_snprintf(zp->err, sizeof(zp->err), "%s:%u:1: %s '%.200s'", zp->file,
	    (unsigned)line, msg, nt);
	return -MG_EINVAL;
}

static int
check_zone(struct mg_dns_zparse *zp)
{
	struct mg_dns_zrr **p = NULL, **tmp = NULL, *sorted = NULL;
	const struct mg_dns_zrr *soa = NULL;
	size_t i, j, out = 0;
	bool apex_ns = false;
	int rc = -MG_EINVAL;

	for (i = 0; i < zp->n; i++) {
		if (zp->rr[i].type != MG_DNS_T_SOA)
			continue;
		if (soa != NULL)
			return semantic_err(zp, zp->rr[i].line,
			    "second SOA record, at", zp->rr[i].owner);
		soa = &zp->rr[i];
	}
	if (soa == NULL) {
		mg_snprintf(zp->err, sizeof(zp->err),
		    "%s:1:1: no SOA record in the zone", zp->file);
		return -MG_EINVAL;
	}
	mg_memcpy(zp->apex, soa->owner, soa->owner_len);
	zp->apex_len = soa->owner_len;
	for (i = 0; i < zp->n; i++) {
		if (!mg_dns_name_under(zp->rr[i].owner, zp->apex))
			return semantic_err(zp, zp->rr[i].line,
			    "record outside the zone (its apex is the SOA "
			    "owner):",
			    zp->rr[i].owner);
		if (zp->rr[i].type == MG_DNS_T_NS &&
		    mg_dns_name_eq(zp->rr[i].owner, zp->apex))
			apex_ns = true;
	}
	if (!apex_ns)
		return semantic_err(zp, soa->line, "no NS records at the apex",
		    zp->apex);
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	p = mg_malloc(zp->n * sizeof(*p));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	tmp = mg_malloc(zp->n * sizeof(*p));
	sorted = mg_malloc(zp->n * sizeof(*sorted));
	if (p == NULL || tmp == NULL || sorted == NULL) {
		rc = -MG_ENOMEM;
		goto out;
	}
	for (i = 0; i < zp->n; i++)
		p[i] = &zp->rr[i];
	msort(p, tmp, zp->n);
	/* Per owner: CNAME alone, duplicates dropped. */
	for (i = 0; i < zp->n; i = j) {
		const struct mg_dns_zrr *cname = NULL, *other = NULL;
		size_t k, m;

		for (j = i;
		     j < zp->n && mg_dns_name_eq(p[j]->owner, p[i]->owner);
		     j++) {
			if (p[j]->type == MG_DNS_T_CNAME) {
				if (cname != NULL) {
					rc = semantic_err(zp, p[j]->line,
					    "second CNAME at", p[j]->owner);
					goto out;
				}
				cname = p[j];
			} else if (other == NULL) {
				other = p[j];
			}
		}
		if (cname != NULL && other != NULL) {
			rc = semantic_err(zp,
			    cname->seq > other->seq ? cname->line : other->line,
			    "CNAME and other data at", cname->owner);
			goto out;
		}
		for (k = i; k < j; k++) {
			bool dup = false;

			for (m = i; m < k && !dup; m++)
				dup = p[m]->rdata != NULL &&
				    p[m]->type == p[k]->type &&
				    p[m]->rdlen == p[k]->rdlen &&
				    mg_memcmp(p[m]->rdata, p[k]->rdata,
				        p[k]->rdlen) == 0;
			if (dup) {
				mg_free(p[k]->rdata);
				p[k]->rdata = NULL;
				continue;
			}
			sorted[out++] = *p[k];
		}
	}
	mg_free(zp->rr);
	zp->rr = sorted;
	zp->n = zp->cap = out;
	sorted = NULL;
	rc = 0;
out:
	mg_free(p);
	mg_free(tmp);
	mg_free(sorted);
	return rc;
}

int
mg_dns_zparse_text(struct mg_dns_zparse *zp, const char *file, mg_view text,
    const char *origin)
{
	struct zctx *c;
	int rc;

	mg_memset(zp, 0, sizeof(*zp));
	zp->file = file;
	c = mg_calloc(1, sizeof(*c));
	if (c == NULL)
		return -MG_ENOMEM;
	c->t = mg_malloc(ZP_TOKENS_MAX * sizeof(*c->t));
	if (c->t == NULL) {
		mg_free(c);
		return -MG_ENOMEM;
	}
	c->zp = zp;
	c->s = (const char *)text.p;
	c->len = text.len;
	c->line = 1;
	if (origin != NULL) {
		const char *why;
		int n = mg_dns_name_parse(origin, mg_strlen(origin), NULL,
		    c->origin, &why);

		if (n < 0) {
			mg_snprintf(zp->err, sizeof(zp->err),
			    "%s: bad origin '%.100s': %s", file, origin, why);
			rc = -MG_EINVAL;
			goto out;
		}
		mg_dns_name_lower(c->origin, (size_t)n);
		c->have_origin = true;
	}
	for (;;) {
		rc = lex_line(c);
		if (rc <= 0)
			break;
		rc = record(c);
		if (rc < 0)
			break;
	}
	if (rc == 0)
		rc = check_zone(zp);
out:
	mg_free(c->t);
	mg_free(c);
	if (rc == -MG_ENOMEM)
		mg_snprintf(zp->err, sizeof(zp->err), "%s: out of memory",
		    file);
	return rc;
}

void
mg_dns_zparse_fini(struct mg_dns_zparse *zp)
{
	size_t i;

	for (i = 0; i < zp->n; i++)
		mg_free(zp->rr[i].rdata);
	mg_free(zp->rr);
	zp->rr = NULL;
	zp->n = zp->cap = 0;
}
