/*
 * dns.c - DNS message parser: header, first question and every answer
 * record in presentation form, plus 2-byte length framing for DNS over TCP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "decode/cursor.h"
#include "dpi/dns.h"
#include "common/str.h"

#define DNS_HDR_LEN	12
#define DNS_MAX_JUMPS	16	/* compression pointers followed per name */
#define DNS_MAX_QD	64	/* questions skipped before the answers */

enum {
	T_A = 1, T_NS = 2, T_CNAME = 5, T_PTR = 12, T_MX = 15, T_TXT = 16,
	T_AAAA = 28, T_DNAME = 39, T_SVCB = 64, T_HTTPS = 65,
};

/* Bounded text builder over a fixed buffer; silently truncates. */
struct sbuf {
	char	*p;
	size_t	 cap;	/* including the NUL */
	size_t	 len;
};

static void
sb_init(struct sbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	p[0] = '\0';
}

static void
sb_putn(struct sbuf *b, const char *s, size_t n)
{
	size_t room = b->cap - 1 - b->len;

	if (n > room)
		n = room;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void
sb_putc(struct sbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

static void
sb_u32(struct sbuf *b, uint32_t v)
{
	char tmp[20];

	sb_putn(b, tmp, str_udec(tmp, v));
}

static void
sb_base64(struct sbuf *b, const uint8_t *s, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	for (i = 0; i < n && b->len + 1 < b->cap; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		sb_putn(b, q, 4);
	}
}

static void
sb_addr(struct sbuf *b, int af, const uint8_t *a)
{
	char tmp[INET6_ADDRSTRLEN];

	if ((af == AF_INET ? str_ip4(tmp, sizeof(tmp), a) :
	    str_ip6(tmp, sizeof(tmp), a)) != 0)
		sb_puts(b, tmp);
}

/*
 * name_read(msg, len, off, out, cap):
 * Decode the possibly compressed name at ${msg}[*${off}] into ${out}
 * (lower-cased, no trailing dot, "" for the root).  Iterative: pointers must
 * point before the pointer itself, at most DNS_MAX_JUMPS are followed, and
 * the wire length may not exceed 255.  On success advances *${off} past the
 * name as it sits in place and returns the length written to ${out} (a
 * label may hold NUL bytes, so strlen() is not it); -EINVAL otherwise.
 */
static int
name_read(const uint8_t *msg, size_t len, size_t *off, char *out, size_t cap)
{
	uint8_t raw[DNS_NAME_MAX + 1];	/* dotted text before normalising */
	size_t pos = *off, end = 0, rlen = 0, wire = 1;
	unsigned jumps = 0;

	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -EINVAL;
		l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (pos + 1 >= len || ++jumps > DNS_MAX_JUMPS)
				return -EINVAL;
			to = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
			if (to >= pos)	/* forward or self: reject */
				return -EINVAL;
			if (end == 0)
				end = pos + 2;
			pos = to;
			continue;
		}
		if (l & 0xc0)		/* 0x40/0x80: extended labels */
			return -EINVAL;
		if (l == 0)
			break;
		wire += 1u + l;
		if (wire > DNS_NAME_MAX || pos + 1 + l > len)
			return -EINVAL;
		if (rlen > 0)
			raw[rlen++] = '.';
		memcpy(raw + rlen, msg + pos + 1, l);
		rlen += l;
		pos += 1u + l;
	}
	*off = end != 0 ? end : pos + 1;
	return (int)str_name_copy(out, cap, raw, rlen);
}

/* svcb_param(b, key, v, n, ans): append " key=value" for one SvcParam. */
static void
svcb_param(struct sbuf *b, uint16_t key, const uint8_t *v, size_t n,
    struct dns_answer *ans)
{
	static const char *const names[] = {
		"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint",
		"ech", "ipv6hint",
	};
	size_t i;

	sb_putc(b, ' ');
	if (key < sizeof(names) / sizeof(names[0]))
		sb_puts(b, names[key]);
	else {
		sb_puts(b, "key");
		sb_u32(b, key);
		return;
	}
	if (key == 2 || (n == 0 && key != 5))
		return;
	sb_putc(b, '=');
	switch (key) {
	case 0:		/* mandatory: list of keys */
		for (i = 0; i + 1 < n; i += 2) {
			uint16_t k = (uint16_t)(v[i] << 8 | v[i + 1]);

			if (i > 0)
				sb_putc(b, ',');
			if (k < sizeof(names) / sizeof(names[0]))
				sb_puts(b, names[k]);
			else {
				sb_puts(b, "key");
				sb_u32(b, k);
			}
		}
		break;
	case 1:		/* alpn: length-prefixed protocol ids */
		for (i = 0; i < n && i + 1 + v[i] <= n; i += 1u + v[i]) {
			if (i > 0)
				sb_putc(b, ',');
			sb_putn(b, (const char *)v + i + 1, v[i]);
		}
		break;
	case 3:
		if (n == 2)
			sb_u32(b, (uint32_t)(v[0] << 8 | v[1]));
		break;
	case 4:
	case 6:
		for (i = 0; i + (key == 4 ? 4 : 16) <= n; i += key == 4 ? 4 : 16) {
			if (i > 0)
				sb_putc(b, ',');
			sb_addr(b, key == 4 ? AF_INET : AF_INET6, v + i);
		}
		break;
	case 5:
		ans->has_ech = 1;
		sb_base64(b, v, n);
		break;
	}
}

/* rd_svcb(msg, off, rdlen, ans, b): HTTPS/SVCB rdata. */
static int
rd_svcb(const uint8_t *msg, size_t off, size_t rdlen,
    struct dns_answer *ans, struct sbuf *b)
{
	char target[DNS_NAME_MAX + 1];
	struct cursor c;
	size_t p = off + 2, rdend = off + rdlen;

	if (rdlen < 3)
		return -EINVAL;
	if (name_read(msg, rdend, &p, target, sizeof(target)) < 0)
		return -EINVAL;
	sb_u32(b, (uint32_t)(msg[off] << 8 | msg[off + 1]));
	sb_putc(b, ' ');
	sb_puts(b, target[0] != '\0' ? target : ".");
	cur_init(&c, msg + p, rdend - p);
	while (c.left >= 4) {
		uint16_t key = cur_be16(&c), vlen = cur_be16(&c);
		const uint8_t *v = cur_take(&c, vlen);

		if (v == NULL)
			break;
		svcb_param(b, key, v, vlen, ans);
	}
	return 0;
}

/* rd_txt(msg, off, rdlen, b): character-strings, printable ASCII only. */
static void
rd_txt(const uint8_t *msg, size_t off, size_t rdlen, struct sbuf *b)
{
	size_t i = 0;

	while (i < rdlen && b->len + 1 < b->cap) {
		size_t l = msg[off + i++], k;

		for (k = 0; k < l && i < rdlen; k++, i++) {
			uint8_t ch = msg[off + i];

			sb_putc(b, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
		}
	}
}

/*
 * rdata(msg, type, off, rdlen, ans):
 * Render the rdata at ${msg}[${off}..+${rdlen}) into ${ans}.  Returns 0, or
 * -EINVAL when a name inside it is malformed.
 */
static int
rdata(const uint8_t *msg, uint16_t type, size_t off,
    size_t rdlen, struct dns_answer *ans)
{
	char name[DNS_NAME_MAX + 1];
	struct sbuf b;
	size_t p = off;

	sb_init(&b, ans->data, sizeof(ans->data));
	switch (type) {
	case T_A:
	case T_AAAA:
		if (rdlen != (type == T_A ? 4u : 16u))
			break;
		memcpy(ans->addr, msg + off, rdlen);
		ans->addr_len = (uint8_t)rdlen;
		sb_addr(&b, type == T_A ? AF_INET : AF_INET6, msg + off);
		break;
	case T_CNAME:
	case T_NS:
	case T_PTR:
	case T_DNAME:
		if (name_read(msg, off + rdlen, &p, name, sizeof(name)) < 0)
			return -EINVAL;
		sb_puts(&b, name);
		break;
	case T_MX:
		p += 2;
		if (rdlen < 3 ||
		    name_read(msg, off + rdlen, &p, name, sizeof(name)) < 0)
			return -EINVAL;
		sb_u32(&b, (uint32_t)(msg[off] << 8 | msg[off + 1]));
		sb_putc(&b, ' ');
		sb_puts(&b, name);
		break;
	case T_TXT:
		rd_txt(msg, off, rdlen, &b);
		break;
	case T_SVCB:
	case T_HTTPS:
		return rd_svcb(msg, off, rdlen, ans, &b);
	}
	return 0;
}

/*
 * answer_read(msg, len, off, ans):
 * Parse one resource record at *${off} into ${ans}; advance *${off}.
 * Returns 0 or -EINVAL.
 */
static int
answer_read(const uint8_t *msg, size_t len, size_t *off,
    struct dns_answer *ans)
{
	struct cursor c;
	uint16_t rdlen;
	int nl;

	memset(ans, 0, sizeof(*ans));
	if ((nl = name_read(msg, len, off, ans->name, sizeof(ans->name))) < 0)
		return -EINVAL;
	ans->name_len = (uint16_t)nl;
	cur_init(&c, msg + *off, len - *off);
	ans->rrtype = cur_be16(&c);
	ans->rrclass = cur_be16(&c);
	ans->ttl = cur_be32(&c);
	rdlen = cur_be16(&c);
	if (!cur_skip(&c, rdlen))
		return -EINVAL;
	*off += 10;
	if (rdata(msg, ans->rrtype, *off, rdlen, ans) != 0)
		return -EINVAL;
	*off += rdlen;
	return 0;
}

/* header_read(p, len, out): the fixed 12-byte header. */
static void
header_read(const uint8_t *p, struct dns_msg *out)
{
	struct cursor c;
	uint16_t fl;

	cur_init(&c, p, DNS_HDR_LEN);
	out->id = cur_be16(&c);
	fl = cur_be16(&c);
	out->qr = (uint8_t)(fl >> 15);
	out->opcode = (uint8_t)((fl >> 11) & 15);
	out->flags_aa = (uint8_t)((fl >> 10) & 1);
	out->flags_tc = (uint8_t)((fl >> 9) & 1);
	out->flags_rd = (uint8_t)((fl >> 8) & 1);
	out->flags_ra = (uint8_t)((fl >> 7) & 1);
	out->rcode = (uint8_t)(fl & 15);
	out->qdcount = cur_be16(&c);
	out->ancount = cur_be16(&c);
	out->nscount = cur_be16(&c);
	out->arcount = cur_be16(&c);
}

/*
 * dns_parse(p, len, out):
 * Parse the DNS message ${p}[0..${len}) into ${out}.  Returns 0 when the
 * header and the questions parsed (answers as far as well-formed, with
 * answers_truncated set when some were dropped), -EINVAL otherwise.
 */
int
dns_parse(const uint8_t *p, size_t len, struct dns_msg *out)
{
	char skip[DNS_NAME_MAX + 1];
	size_t off = DNS_HDR_LEN;
	unsigned i;

	memset(out, 0, offsetof(struct dns_msg, answers));
	if (p == NULL || len < DNS_HDR_LEN)
		return -EINVAL;
	header_read(p, out);
	if (out->opcode > 6 || out->qdcount > DNS_MAX_QD)
		return -EINVAL;
	for (i = 0; i < out->qdcount; i++) {
		int nl = name_read(p, len, &off, i == 0 ? out->qname : skip,
		    sizeof(skip));

		if (nl < 0 || len - off < 4)
			return -EINVAL;
		if (i == 0) {
			out->qname_len = (uint16_t)nl;
			out->qtype = (uint16_t)(p[off] << 8 | p[off + 1]);
			out->qclass = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		}
		off += 4;
	}
	for (i = 0; i < out->ancount; i++) {
		if (out->n_answers == DNS_MAX_ANSWERS ||
		    answer_read(p, len, &off, &out->answers[out->n_answers]) != 0) {
			out->answers_truncated = 1;
			break;
		}
		out->n_answers++;
	}
	return 0;
}

struct dns_kv {
	uint16_t	 v;
	const char	*s;
};

/* Sorted by value for bsearch-style lookup. */
static const struct dns_kv dns_types[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
	{ 13, "HINFO" }, { 15, "MX" }, { 16, "TXT" }, { 17, "RP" },
	{ 18, "AFSDB" }, { 24, "SIG" }, { 25, "KEY" }, { 28, "AAAA" },
	{ 29, "LOC" }, { 33, "SRV" }, { 35, "NAPTR" }, { 36, "KX" },
	{ 37, "CERT" }, { 39, "DNAME" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
	{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" },
	{ 59, "CDS" }, { 60, "CDNSKEY" }, { 61, "OPENPGPKEY" }, { 62, "CSYNC" },
	{ 63, "ZONEMD" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" },
	{ 108, "EUI48" }, { 109, "EUI64" }, { 249, "TKEY" }, { 250, "TSIG" },
	{ 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" }, { 256, "URI" },
	{ 257, "CAA" },
};

/* dns_type_str(t): mnemonic of RR type ${t}, or NULL if unknown. */
const char *
dns_type_str(uint16_t t)
{
	size_t lo = 0, hi = sizeof(dns_types) / sizeof(dns_types[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dns_types[mid].v == t)
			return dns_types[mid].s;
		if (dns_types[mid].v < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* dns_rcode_str(r): mnemonic of header rcode ${r}, or NULL if unknown. */
const char *
dns_rcode_str(uint8_t r)
{
	static const char *const rcodes[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", "DSOTYPENI",
	};

	if (r >= sizeof(rcodes) / sizeof(rcodes[0]))
		return NULL;
	return rcodes[r];
}

/*
 * dns_tcp_feed(t, p, n, scratch, cap, cb, arg):
 * Feed ${n} in-order bytes of one direction of a DNS-over-TCP stream.  Each
 * complete message (without its 2-byte length) goes to ${cb}: straight from
 * ${p} when it lies whole in this segment, else from ${scratch}, which must
 * persist across calls for this stream and hold ${cap} >= 2 bytes.  Messages
 * longer than ${cap} - 2 are skipped (counted in t->oversized) and framing
 * continues after them.  Returns 0, or -EINVAL for a bad ${cap} (${cb} is
 * then not called).
 */
int
dns_tcp_feed(struct dns_tcp *t, const uint8_t *p, size_t n,
    uint8_t *scratch, size_t cap, dns_msg_cb *cb, void *arg)
{
	if (cap < 2 || scratch == NULL || t->have > cap)
		return -EINVAL;
	while (n > 0) {
		size_t need, take;

		if (t->skip > 0) {	/* inside an oversized message */
			take = n < t->skip ? n : t->skip;
			t->skip -= (uint32_t)take;
			p += take;
			n -= take;
			continue;
		}
		/* Fast path: a whole message at the start of this segment. */
		if (t->have == 0 && n >= 2) {
			need = (size_t)(p[0] << 8 | p[1]);
			if (n >= 2 + need) {
				if (need > 0)
					cb(arg, p + 2, need);
				t->msgs++;
				p += 2 + need;
				n -= 2 + need;
				continue;
			}
		}
		need = 2;
		if (t->have >= 2)
			need += (size_t)(scratch[0] << 8 | scratch[1]);
		if (need > cap) {
			/* Body bytes already buffered count as skipped. */
			t->skip = (uint32_t)(need - t->have);
			t->have = 0;
			t->oversized++;
			continue;
		}
		take = need - t->have;
		if (take > n)
			take = n;
		memcpy(scratch + t->have, p, take);
		t->have += (uint32_t)take;
		p += take;
		n -= take;
		if (t->have >= 2 && t->have == 2 + (size_t)(scratch[0] << 8 |
		    scratch[1])) {
			if (t->have > 2)
				cb(arg, scratch + 2, t->have - 2);
			t->msgs++;
			t->have = 0;
		}
	}
	return 0;
}
