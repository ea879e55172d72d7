/*
 * dns.h - our own DNS message parser: question, rcode and *all* answers
 * (A, AAAA, CNAME chain, HTTPS/SVCB incl. the ech parameter, others by
 * type) with TTLs.  Bounded: no recursion on compression pointers, a cap on
 * pointer jumps, a cap on answers.  Pure function; the result is a struct
 * the caller owns (large: keep one static/scratch instance, not per flow).
 */
#ifndef ST_DNS_H
#define ST_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX	255
#define DNS_MAX_ANSWERS	32
#define DNS_DATA_MAX	383	/* presentation form of one rdata, truncated */

struct dns_answer {
	char		name[DNS_NAME_MAX + 1];	/* owner name, lower-cased */
	uint16_t	name_len;	/* bytes in name: a label may hold a NUL */
	uint16_t	rrtype;
	uint16_t	rrclass;
	uint32_t	ttl;
	/* A/AAAA: address text; CNAME/NS/PTR: target name; HTTPS/SVCB:
	 * "prio target key=value ..." with ech=<base64>; TXT: text; MX:
	 * "pref name"; other types: "" (type still reported). */
	char		data[DNS_DATA_MAX + 1];
	uint8_t		addr[16];		/* A/AAAA raw address */
	uint8_t		addr_len;		/* 4, 16 or 0 */
	uint8_t		has_ech;		/* HTTPS/SVCB with an ech SvcParam (key 5) */
};

struct dns_msg {
	uint16_t	id;
	uint8_t		qr;		/* 0 query, 1 response */
	uint8_t		opcode;
	uint8_t		rcode;
	uint8_t		flags_aa, flags_tc, flags_rd, flags_ra;
	uint16_t	qdcount, ancount, nscount, arcount;
	/* first question, lower-cased; qname_len bytes: a label may hold a
	 * NUL ("x\0y.example"), so do not use strlen(). */
	char		qname[DNS_NAME_MAX + 1];
	uint16_t	qname_len;
	uint16_t	qtype;
	uint16_t	qclass;
	uint16_t	n_answers;	/* parsed into answers[] */
	uint8_t		answers_truncated;	/* more than DNS_MAX_ANSWERS or cut short */
	struct dns_answer answers[DNS_MAX_ANSWERS];
};

/*
 * dns_parse(p, len, out):
 * Parse the DNS message ${p}[0..${len}) (a UDP payload; for TCP strip the
 * 2-byte length first).  Returns 0 when header and question parsed (answers
 * parsed as far as they are well-formed; answers_truncated set otherwise),
 * -EINVAL when it is not a DNS message.
 */
int	dns_parse(const uint8_t *p, size_t len, struct dns_msg *out);

/* dns_type_str(t): "A", "AAAA", "CNAME", "HTTPS", ... or NULL if unknown. */
const char *dns_type_str(uint16_t t);
/* dns_rcode_str(r): "NOERROR", "NXDOMAIN", ... or NULL. */
const char *dns_rcode_str(uint8_t r);

/*
 * TCP DNS framing: messages are prefixed by a 16-bit length and may span
 * segments.  dns_tcp_feed() buffers into caller scratch and returns each
 * complete message via the callback.  Zero-initialise a struct dns_tcp per
 * stream direction; ${scratch} must stay with that stream between calls
 * (cap 2 + 65535 sees every message; smaller caps skip the larger ones).
 */
struct dns_tcp {
	uint32_t	have;		/* bytes buffered in scratch (incl. length) */
	uint32_t	skip;		/* bytes left of an oversized message */
	uint32_t	msgs;		/* complete messages framed (incl. skipped-empty) */
	uint32_t	oversized;	/* messages skipped: longer than cap - 2 */
};
typedef void dns_msg_cb(void *arg, const uint8_t *msg, size_t len);

/*
 * dns_tcp_feed(t, p, n, scratch, cap, cb, arg):
 * Feed ${n} in-order bytes.  ${cb} gets each complete, non-empty message
 * without its length prefix, pointing into ${p} (whole in this segment) or
 * into ${scratch}; valid only during the call.  A message longer than
 * ${cap} - 2 is skipped (its bytes are still counted so framing continues)
 * and t->oversized is incremented.  Returns 0, or -EINVAL when ${cap} < 2
 * or ${t} is inconsistent (${cb} not called).
 */
int	dns_tcp_feed(struct dns_tcp *t, const uint8_t *p, size_t n,
	    uint8_t *scratch, size_t cap, dns_msg_cb *cb, void *arg);

#endif
