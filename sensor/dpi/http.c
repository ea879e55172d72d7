/*
 * http.c - streaming HTTP/1.x request parser: header blocks gathered in
 * caller scratch, bodies forwarded by Content-Length or chunked decoding.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "dpi/http.h"
#include "common/str.h"

#define HTTP_MAX_LINES		256	/* header lines per request */
#define HTTP_CHUNK_LINE_MAX	4096	/* chunk-size line incl. extensions */
#define HTTP_TRAILER_MAX	8192	/* whole trailer section */
#define HTTP_CHUNK_DIGITS	15	/* hex digits of a chunk size (< 2^60) */
#define HTTP_SCRATCH_MIN	64

enum { ST_HDR, ST_BODY, ST_CHUNK, ST_TUNNEL, ST_NOT_HTTP, ST_ERROR };

enum {
	CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF,
	CH_TRL_START, CH_TRL_LINE, CH_TRL_LF,
};

/* http_stream.flags */
#define HF_UPGRADE	HTTP_FLAG_UPGRADE	/* last request was CONNECT or had Upgrade */

/* Known methods with their lengths: compared length first, then bytes. */
#define M(s)	{ s, sizeof(s) - 1 }
static const struct method {
	const char	*s;
	uint8_t		 len;
} methods[] = {
	M("GET"), M("POST"), M("PUT"), M("DELETE"), M("HEAD"), M("OPTIONS"),
	M("PATCH"), M("CONNECT"), M("TRACE"), M("PROPFIND"), M("PROPPATCH"),
	M("MKCOL"), M("COPY"), M("MOVE"), M("LOCK"), M("UNLOCK"), M("SEARCH"),
	M("REPORT"), M("MKCALENDAR"), M("MKACTIVITY"), M("CHECKOUT"), M("MERGE"),
	M("ACL"), M("BIND"), M("UNBIND"), M("REBIND"), M("LINK"), M("UNLINK"),
	M("PURGE"), M("NOTIFY"), M("SUBSCRIBE"), M("UNSUBSCRIBE"), M("M-SEARCH"),
	M("QUERY"),
};
#undef M
#define METHOD_MAX	11	/* longest name above */

/*
 * method_class(p, n):
 * 1 when ${p} starts with a known method and a space, 0 when the ${n} bytes
 * are still a proper prefix of one, -1 when they cannot start a request.
 * Names are upper-case letters and '-': the token is measured first, so a
 * request costs one scan and one compare of equal-length names.
 */
static int
method_class(const uint8_t *p, size_t n)
{
	size_t i, l, lim = n < METHOD_MAX + 1 ? n : METHOD_MAX + 1;

	for (l = 0; l < lim && ((p[l] >= 'A' && p[l] <= 'Z') || p[l] == '-'); l++)
		;
	if (l > METHOD_MAX)
		return -1;
	if (l < n) {
		/* A whole token: it must be a method followed by a space. */
		if (p[l] != ' ' || l == 0)
			return -1;
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			if (methods[i].len == l && methods[i].s[0] == p[0] &&
			    memcmp(p, methods[i].s, l) == 0)
				return 1;
		return -1;
	}
	/* All ${n} bytes are name characters: a prefix of a longer read? */
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].len >= n && memcmp(p, methods[i].s, n) == 0)
			return 0;
	return -1;
}

/* http_looks_like_request(p, n): 1 if ${p} starts "<known METHOD> ". */
int
http_looks_like_request(const uint8_t *p, size_t n)
{
	return p != NULL && method_class(p, n) == 1;
}

static int
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Parse-time state that is not part of the result. */
struct hp {
	struct http_req	*out;
	uint8_t		 host_locked;	/* host came from the target or a Host */
	uint8_t		 te_seen;
	uint8_t		 cl_seen;
};

/* parse_port(p, n): 1..65535 from decimal digits, 0 if invalid. */
static uint16_t
parse_port(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (uint32_t)(p[i] - '0');
	}
	return v <= 65535 ? (uint16_t)v : 0;
}

/*
 * host_set(out, v, n):
 * Store authority ${v}[0..${n}) as host (lower-cased, brackets of an IPv6
 * literal removed) and host_port.  A bare name with several colons is an
 * unbracketed IPv6 address and keeps all of them.
 */
static void
host_set(struct http_req *out, const uint8_t *v, size_t n)
{
	const uint8_t *c, *rb;
	size_t hl = n;

	out->host_port = 0;
	if (n > 0 && v[0] == '[' && (rb = memchr(v, ']', n)) != NULL) {
		size_t after = (size_t)(rb - v) + 1;

		if (after < n && v[after] == ':')
			out->host_port = parse_port(v + after + 1, n - after - 1);
		out->host_len = (uint16_t)str_name_copy(out->host,
		    sizeof(out->host), v + 1, (size_t)(rb - v) - 1);
		return;
	}
	c = memchr(v, ':', n);
	if (c != NULL && memchr(c + 1, ':', n - (size_t)(c - v) - 1) == NULL) {
		hl = (size_t)(c - v);
		out->host_port = parse_port(c + 1, n - hl - 1);
	}
	out->host_len = (uint16_t)str_name_copy(out->host, sizeof(out->host),
	    v, hl);
}

/* target_host(hp, t, n): host from an absolute-form request-target. */
static void
target_host(struct hp *hp, const uint8_t *t, size_t n)
{
	const uint8_t *a;
	size_t i, l, at = 0;

	if (n > 7 && strncasecmp((const char *)t, "http://", 7) == 0)
		a = t + 7;
	else if (n > 8 && strncasecmp((const char *)t, "https://", 8) == 0)
		a = t + 8;
	else
		return;
	l = n - (size_t)(a - t);
	for (i = 0; i < l && a[i] != '/' && a[i] != '?' && a[i] != '#'; i++)
		if (a[i] == '@')
			at = i + 1;	/* skip userinfo */
	host_set(hp->out, a + at, i - at);
	hp->host_locked = 1;
}

/* request_line(hp, p, n): "METHOD SP target SP HTTP/1.x". */
static int
request_line(struct hp *hp, const uint8_t *p, size_t n)
{
	struct http_req *out = hp->out;
	size_t m, t0, t;

	for (m = 0; m < n && is_tchar(p[m]); m++)
		;
	if (m == 0 || m >= sizeof(out->method) || m >= n || p[m] != ' ')
		return -EINVAL;
	t0 = m + 1;
	/* Control bytes or DEL inside the target are not valid (RFC 9112
	 * 3.2), but a server may still act on the request: keep it, flagged,
	 * rather than make it invisible (issue 15).  A space still ends it. */
	for (t = t0; t < n && p[t] != ' '; t++)
		if (p[t] < 0x20 || p[t] == 0x7f)
			out->anomaly |= HTTP_ANOM_TARGET;
	if (t == t0 || t >= n || n - t - 1 != 8 ||
	    (memcmp(p + t + 1, "HTTP/1.1", 8) != 0 &&
	    memcmp(p + t + 1, "HTTP/1.0", 8) != 0))
		return -EINVAL;
	str_copy(out->method, sizeof(out->method), p, m);
	out->uri_len = (uint16_t)(t - t0 < sizeof(out->uri) - 1 ?
	    t - t0 : sizeof(out->uri) - 1);
	memcpy(out->uri, p + t0, out->uri_len);
	out->uri[out->uri_len] = '\0';
	str_copy(out->protocol, sizeof(out->protocol), p + t + 1, 8);
	if (strcmp(out->method, "CONNECT") == 0) {
		host_set(out, p + t0, t - t0);
		hp->host_locked = 1;
	} else
		target_host(hp, p + t0, t - t0);
	return 0;
}

static int
h_host(struct hp *hp, const uint8_t *v, size_t n)
{
	if (!hp->host_locked)	/* first Host wins; target overrides */
		host_set(hp->out, v, n);
	hp->host_locked = 1;
	return 0;
}

static int
h_ua(struct hp *hp, const uint8_t *v, size_t n)
{
	str_copy(hp->out->user_agent, sizeof(hp->out->user_agent), v, n);
	return 0;
}

static int
h_ctype(struct hp *hp, const uint8_t *v, size_t n)
{
	str_copy(hp->out->content_type, sizeof(hp->out->content_type), v, n);
	return 0;
}

static int
h_cenc(struct hp *hp, const uint8_t *v, size_t n)
{
	str_copy(hp->out->content_encoding,
	    sizeof(hp->out->content_encoding), v, n);
	return 0;
}

/* h_clen: digits only, no sign, no overflow; repeats must agree. */
static int
h_clen(struct hp *hp, const uint8_t *v, size_t n)
{
	int64_t cl = 0;
	size_t i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' ||
		    cl > (INT64_MAX - (v[i] - '0')) / 10)
			return -EINVAL;
		cl = cl * 10 + (v[i] - '0');
	}
	if (hp->cl_seen && cl != hp->out->content_length)
		return -EINVAL;
	hp->cl_seen = 1;
	hp->out->content_length = cl;
	return 0;
}

/* h_te: chunked only when it is the last coding listed. */
static int
h_te(struct hp *hp, const uint8_t *v, size_t n)
{
	size_t e = n, b;

	while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t' ||
	    v[e - 1] == ','))
		e--;
	for (b = e; b > 0 && v[b - 1] != ',' && v[b - 1] != ' ' &&
	    v[b - 1] != '\t'; b--)
		;
	hp->te_seen = 1;
	hp->out->chunked = e - b == 7 &&
	    strncasecmp((const char *)v + b, "chunked", 7) == 0;
	return 0;
}

static int
h_upgrade(struct hp *hp, const uint8_t *v, size_t n)
{
	(void)v;
	hp->out->upgrade = n > 0;
	return 0;
}

static const struct {
	const char	*name;
	size_t		 len;
	int		(*fn)(struct hp *, const uint8_t *, size_t);
} hdr_kw[] = {
	{ "host", 4, h_host },
	{ "user-agent", 10, h_ua },
	{ "content-type", 12, h_ctype },
	{ "content-encoding", 16, h_cenc },
	{ "content-length", 14, h_clen },
	{ "transfer-encoding", 17, h_te },
	{ "upgrade", 7, h_upgrade },
};

/* header_line(hp, p, n): "name: OWS value OWS" dispatched on hdr_kw. */
static int
header_line(struct hp *hp, const uint8_t *p, size_t n)
{
	size_t c, b, e, i;

	if (p[0] == ' ' || p[0] == '\t')	/* obs-fold: ignored */
		return 0;
	for (c = 0; c < n && is_tchar(p[c]); c++)
		;
	if (c == 0 || c >= n || p[c] != ':')
		return -EINVAL;
	for (b = c + 1; b < n && (p[b] == ' ' || p[b] == '\t'); b++)
		;
	for (e = n; e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'); e--)
		;
	for (i = 0; i < sizeof(hdr_kw) / sizeof(hdr_kw[0]); i++)
		if (hdr_kw[i].len == c &&
		    strncasecmp((const char *)p, hdr_kw[i].name, c) == 0)
			return hdr_kw[i].fn(hp, p + b, e - b);
	return 0;
}

/*
 * http_parse_request(p, len, out):
 * Parse one complete header block ${p}[0..${len}) (request line, header
 * lines, empty line; CRLF or bare LF) into ${out}.  Returns 0, or -EINVAL
 * when it is malformed (${out} is then partly filled and must not be used).
 */
int
http_parse_request(const uint8_t *p, size_t len, struct http_req *out)
{
	struct hp hp = { out, 0, 0, 0 };
	size_t off = 0, lines = 0;

	memset(out, 0, sizeof(*out));
	out->content_length = -1;
	out->length = -1;
	while (off < len) {
		const uint8_t *nl = memchr(p + off, '\n', len - off);
		size_t n;
		int rc;

		if (nl == NULL || ++lines > HTTP_MAX_LINES)
			return -EINVAL;
		n = (size_t)(nl - (p + off));
		if (n > 0 && p[off + n - 1] == '\r')
			n--;
		if (n == 0)
			return lines > 1 && (!hp.te_seen || out->chunked) ?
			    0 : -EINVAL;
		rc = lines == 1 ? request_line(&hp, p + off, n) :
		    header_line(&hp, p + off, n);
		if (rc != 0)
			return rc;
		off = (size_t)(nl - p) + 1;
	}
	return -EINVAL;
}

/* hdr_end(b, from, n): offset just past "\n\n" or "\n\r\n", else 0. */
static size_t
hdr_end(const uint8_t *b, size_t from, size_t n)
{
	const uint8_t *q;

	while (from < n && (q = memchr(b + from, '\n', n - from)) != NULL) {
		size_t i = (size_t)(q - b);

		if (i + 1 < n && b[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n')
			return i + 3;
		from = i + 1;
	}
	return 0;
}

static void
req_end(struct http_stream *s, const struct http_cb *cb)
{
	s->state = ST_HDR;
	if (cb->on_end != NULL)
		cb->on_end(cb->arg);
}

/* hdr_done(s, b, len, cb): a complete header block: report, pick a body. */
static int
hdr_done(struct http_stream *s, const uint8_t *b, size_t len,
    const struct http_cb *cb)
{
	struct http_req req;

	if (http_parse_request(b, len, &req) != 0)
		return HTTP_FEED_ERROR;
	s->requests++;
	s->flags = (req.upgrade || strcmp(req.method, "CONNECT") == 0) ?
	    HF_UPGRADE : 0;
	if (cb->on_request != NULL)
		cb->on_request(cb->arg, &req);
	if (req.chunked) {
		s->state = ST_CHUNK;
		s->chunk_state = CH_SIZE;
		s->body_left = 0;
		s->line_len = 0;
	} else if (req.content_length > 0) {
		s->state = ST_BODY;
		s->body_left = (uint64_t)req.content_length;
	} else
		req_end(s, cb);
	return HTTP_FEED_OK;
}

/* not_request(s): bytes where a request should start are not one. */
static int
not_request(struct http_stream *s)
{
	s->hdr_have = 0;
	if (s->requests == 0)
		return HTTP_FEED_NOT_HTTP;
	if (s->flags & HF_UPGRADE) {	/* CONNECT/Upgrade accepted: opaque */
		s->state = ST_TUNNEL;
		return HTTP_FEED_OK;
	}
	return HTTP_FEED_ERROR;
}

/*
 * feed_hdr(s, p, n, scratch, cap, cb, used):
 * Gather a header block.  Parses in place when it lies whole at the start
 * of ${p}, else collects it in ${scratch}, rescanning only new bytes.
 */
static int
feed_hdr(struct http_stream *s, const uint8_t *p, size_t n,
    uint8_t *scratch, size_t cap, const struct http_cb *cb, size_t *used)
{
	size_t old = s->hdr_have, take, end;
	int k;

	if (old == 0) {
		size_t i = 0;

		/* empty lines between requests are tolerated (RFC 9112 2.2) */
		while (i < n && (p[i] == '\r' || p[i] == '\n'))
			i++;
		if ((*used = i) > 0)
			return HTTP_FEED_OK;
		if ((k = method_class(p, n)) < 0)
			return not_request(s);
		if (k > 0 && (end = hdr_end(p, 0, n)) != 0) {
			*used = end;
			return end > cap ? HTTP_FEED_ERROR :
			    hdr_done(s, p, end, cb);
		}
	}
	take = cap - old < n ? cap - old : n;
	memcpy(scratch + old, p, take);
	s->hdr_have += (uint32_t)take;
	if (method_class(scratch, s->hdr_have) < 0)
		return not_request(s);
	end = hdr_end(scratch, old >= 3 ? old - 3 : 0, s->hdr_have);
	if (end == 0) {
		*used = take;
		return s->hdr_have == cap ? HTTP_FEED_ERROR : HTTP_FEED_OK;
	}
	*used = end - old;
	s->hdr_have = 0;
	return hdr_done(s, scratch, end, cb);
}

/* chunk_size_done(s): the size line ended; data or trailers follow. */
static void
chunk_size_done(struct http_stream *s)
{
	s->line_len = 0;
	s->chunk_state = s->body_left == 0 ? CH_TRL_START : CH_DATA;
}

/*
 * chunk_byte(s, c, cb):
 * Advance the chunked framing by one byte outside chunk data.  line_len
 * counts the size line (digits first) or the trailer section.
 */
static int
chunk_byte(struct http_stream *s, uint8_t c, const struct http_cb *cb)
{
	int v;

	switch (s->chunk_state) {
	case CH_SIZE:
		if ((v = str_hexval(c)) >= 0) {
			if (++s->line_len > HTTP_CHUNK_DIGITS)
				return HTTP_FEED_ERROR;
			s->body_left = s->body_left * 16 + (uint64_t)v;
			return HTTP_FEED_OK;
		}
		if (s->line_len == 0)
			return HTTP_FEED_ERROR;
		if (c == ';' || c == ' ' || c == '\t')
			s->chunk_state = CH_EXT;
		else if (c == '\r')
			s->chunk_state = CH_SIZE_LF;
		else if (c == '\n')
			chunk_size_done(s);
		else
			return HTTP_FEED_ERROR;
		return HTTP_FEED_OK;
	case CH_EXT:
		if (++s->line_len > HTTP_CHUNK_LINE_MAX)
			return HTTP_FEED_ERROR;
		if (c == '\n')
			chunk_size_done(s);
		return HTTP_FEED_OK;
	case CH_SIZE_LF:
	case CH_DATA_LF:
	case CH_TRL_LF:
		if (c != '\n')
			return HTTP_FEED_ERROR;
		break;
	case CH_DATA_CR:
		if (c == '\r') {
			s->chunk_state = CH_DATA_LF;
			return HTTP_FEED_OK;
		}
		if (c != '\n')
			return HTTP_FEED_ERROR;
		break;
	case CH_TRL_START:
	case CH_TRL_LINE:
		if (++s->line_len > HTTP_TRAILER_MAX)
			return HTTP_FEED_ERROR;
		if (c == '\n') {
			if (s->chunk_state == CH_TRL_START)
				break;
			s->chunk_state = CH_TRL_START;
		} else if (c == '\r' && s->chunk_state == CH_TRL_START)
			s->chunk_state = CH_TRL_LF;
		else
			s->chunk_state = CH_TRL_LINE;
		return HTTP_FEED_OK;
	default:
		return HTTP_FEED_ERROR;
	}
	/* a line feed that ends a state */
	if (s->chunk_state == CH_SIZE_LF)
		chunk_size_done(s);
	else if (s->chunk_state == CH_DATA_LF || s->chunk_state == CH_DATA_CR) {
		s->chunk_state = CH_SIZE;
		s->line_len = 0;
		s->body_left = 0;
	} else
		req_end(s, cb);	/* end of trailers */
	return HTTP_FEED_OK;
}

/* feed_chunk(s, p, n, cb, used): chunked body; data passed in place. */
static int
feed_chunk(struct http_stream *s, const uint8_t *p, size_t n,
    const struct http_cb *cb, size_t *used)
{
	size_t i = 0;

	while (i < n && s->state == ST_CHUNK) {
		if (s->chunk_state == CH_DATA) {
			size_t take = n - i;

			if (take > s->body_left)
				take = (size_t)s->body_left;
			if (cb->on_body != NULL)
				cb->on_body(cb->arg, p + i, take);
			s->body_left -= take;
			i += take;
			if (s->body_left == 0)
				s->chunk_state = CH_DATA_CR;
			continue;
		}
		if (chunk_byte(s, p[i++], cb) != HTTP_FEED_OK)
			return HTTP_FEED_ERROR;
	}
	*used = i;
	return HTTP_FEED_OK;
}

/* feed_body(s, p, n, cb, used): Content-Length body. */
static int
feed_body(struct http_stream *s, const uint8_t *p, size_t n,
    const struct http_cb *cb, size_t *used)
{
	size_t take = n;

	if (take > s->body_left)
		take = (size_t)s->body_left;
	if (cb->on_body != NULL)
		cb->on_body(cb->arg, p, take);
	s->body_left -= take;
	if (s->body_left == 0)
		req_end(s, cb);
	*used = take;
	return HTTP_FEED_OK;
}

/*
 * http_feed(s, p, n, scratch, cap, cb):
 * Feed ${n} in-order client->server bytes of the stream ${s}.  Callbacks in
 * ${cb} (each may be NULL) run during the call: on_request per header block,
 * on_body per body piece (pointing into ${p}, valid during the call only),
 * on_end per finished request.  ${scratch}/${cap} must persist with ${s}.
 * Returns HTTP_FEED_OK; HTTP_FEED_NOT_HTTP when the stream does not start
 * with a request; HTTP_FEED_ERROR when it is malformed, a header block
 * exceeds ${cap} or ${cap} < 64.  After a non-OK return every later call
 * returns the same code without calling back.
 */
int
http_feed(struct http_stream *s, const uint8_t *p, size_t n,
    uint8_t *scratch, size_t cap, const struct http_cb *cb)
{
	static const struct http_cb nocb;
	int rc = HTTP_FEED_OK;

	if (cb == NULL)
		cb = &nocb;
	if (s->state == ST_NOT_HTTP)
		return HTTP_FEED_NOT_HTTP;
	if (s->state == ST_ERROR || scratch == NULL ||
	    cap < HTTP_SCRATCH_MIN || cap > UINT32_MAX || s->hdr_have > cap) {
		s->state = ST_ERROR;
		return HTTP_FEED_ERROR;
	}
	while (n > 0 && rc == HTTP_FEED_OK && s->state != ST_TUNNEL) {
		size_t used = 0;

		if (s->state == ST_HDR)
			rc = feed_hdr(s, p, n, scratch, cap, cb, &used);
		else if (s->state == ST_BODY)
			rc = feed_body(s, p, n, cb, &used);
		else if (s->state == ST_CHUNK)
			rc = feed_chunk(s, p, n, cb, &used);
		else
			rc = HTTP_FEED_ERROR;
		p += used;
		n -= used;
	}
	if (rc == HTTP_FEED_NOT_HTTP)
		s->state = ST_NOT_HTTP;
	else if (rc != HTTP_FEED_OK)
		s->state = ST_ERROR;
	return rc;
}

#define RESP_SCAN_MAX	8192	/* response header bytes looked at */

int
http_parse_response(const uint8_t *p, size_t n, struct http_resp *out)
{
	size_t off, end, i;
	int te = 0;

	out->status = 0;
	out->length = -1;
	if (n > RESP_SCAN_MAX)
		n = RESP_SCAN_MAX;
	/* "HTTP/1.x NNN" then SP, CR or LF */
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' ||
	    p[7] > '9' || p[8] != ' ' || p[9] < '1' || p[9] > '9' ||
	    p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
	    (n > 12 && p[12] != ' ' && p[12] != '\r' && p[12] != '\n'))
		return -EINVAL;
	out->status = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 +
	    (p[11] - '0'));
	/* Header lines, only while the block ends inside ${p}. */
	for (off = 0; off < n && p[off] != '\n'; off++)
		;
	for (off++; off < n; off = end + 1) {
		const uint8_t *nl = memchr(p + off, '\n', n - off);
		size_t len, v;

		if (nl == NULL) {
			out->length = -1;	/* block not complete here */
			return 0;
		}
		end = (size_t)(nl - p);
		len = end - off;
		if (len > 0 && p[off + len - 1] == '\r')
			len--;
		if (len == 0)
			break;		/* end of the header block */
		if (len > 18 && strncasecmp((const char *)p + off,
		    "transfer-encoding:", 18) == 0)
			te = 1;
		if (len <= 15 || strncasecmp((const char *)p + off,
		    "content-length:", 15) != 0)
			continue;
		for (v = off + 15; v < off + len && (p[v] == ' ' ||
		    p[v] == '\t'); v++)
			;
		out->length = 0;
		for (i = v; i < off + len && p[i] >= '0' && p[i] <= '9'; i++) {
			if (out->length > (INT64_MAX - 9) / 10) {
				out->length = -1;
				break;
			}
			out->length = out->length * 10 + (p[i] - '0');
		}
		if (i == v || out->length < 0)
			out->length = -1;
		for (; i < off + len && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (i != off + len)
			out->length = -1;	/* junk after the digits */
	}
	if (off >= n || te)
		out->length = -1;
	return 0;
}

/*
 * http_cut(s, scratch, cap, cb):
 * The bytes after those fed were not captured (snap length).  A header
 * block still being gathered is reported from its complete lines, flagged
 * HTTP_ANOM_CUT (what tshark shows of a cut request), then the stream
 * stops: what follows the hole cannot be framed.  Returns 1 when a request
 * was reported, 0 otherwise.
 */
int
http_cut(struct http_stream *s, uint8_t *scratch, size_t cap,
    const struct http_cb *cb)
{
	struct http_req req;
	size_t end = 0;
	int rc = 0;

	if (s->state == ST_HDR && scratch != NULL && s->hdr_have <= cap)
		for (end = s->hdr_have; end > 0 && scratch[end - 1] != '\n'; end--)
			;
	if (end > 0) {
		/* close the block after the last complete line */
		if (end + 2 <= cap) {
			scratch[end] = '\r';
			scratch[end + 1] = '\n';
			if (http_parse_request(scratch, end + 2, &req) == 0) {
				req.anomaly |= HTTP_ANOM_CUT;
				s->requests++;
				if (cb != NULL && cb->on_request != NULL)
					cb->on_request(cb->arg, &req);
				if (cb != NULL && cb->on_end != NULL)
					cb->on_end(cb->arg);
				rc = 1;
			}
		}
	}
	s->hdr_have = 0;
	s->state = ST_ERROR;
	return rc;
}
