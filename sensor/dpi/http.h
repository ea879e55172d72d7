/*
 * http.h - streaming HTTP/1.x request parser (client->server direction).
 * Handles keep-alive and pipelined requests, Content-Length and chunked
 * bodies, request headers spanning TCP segments.  Reports each request's
 * metadata through a callback and hands body bytes (de-chunked) to an
 * optional body callback so the DLP layer can scan them.  No allocation:
 * header bytes collect in caller-owned scratch.
 */
#ifndef ST_HTTP_H
#define ST_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_HOST_MAX	255
#define HTTP_URI_MAX	1023
#define HTTP_UA_MAX	255
#define HTTP_CT_MAX	127

struct http_req {
	char		method[24];
	/* From an absolute-form or CONNECT target, else the first Host
	 * header; lower-cased, port stripped, IPv6 literal without []. */
	char		host[HTTP_HOST_MAX + 1];
	uint16_t	host_len;	/* bytes in host (a NUL may be one of them) */
	/* request-target as sent, truncated; uri_len bytes (NULs counted) */
	char		uri[HTTP_URI_MAX + 1];
	uint16_t	uri_len;
	uint8_t		anomaly;	/* HTTP_ANOM_* */
	char		user_agent[HTTP_UA_MAX + 1];
	char		content_type[HTTP_CT_MAX + 1];
	char		content_encoding[32];
	char		protocol[16];			/* "HTTP/1.1" */
	int64_t		content_length;			/* -1 if absent */
	uint8_t		chunked;	/* Transfer-Encoding ends in chunked (wins over Content-Length) */
	uint8_t		upgrade;	/* Upgrade header present */
	uint16_t	host_port;			/* port from Host, 0 if none */
	/* From the response (dispatch.c: the event waits for it): status
	 * 0 and length -1 when none was seen. */
	uint16_t	status;				/* final status code */
	int64_t		length;				/* response Content-Length, -1 if absent */
};

/* A response's first line and Content-Length (http_parse_response). */
struct http_resp {
	uint16_t	status;		/* 100..999 */
	int64_t		length;		/* Content-Length, -1 if absent/unknown */
};

/* http_req.anomaly: parsed, but not a valid request. */
#define HTTP_ANOM_TARGET	0x01	/* control bytes or DEL in the target */
#define HTTP_ANOM_CUT		0x02	/* header block cut by the snap length */

/* Callbacks: on_request once the header block is complete; on_body for each
 * piece of (de-chunked) body; on_end when the body is complete (right after
 * on_request when there is no body).  Per request the order is always
 * on_request, on_body*, on_end.  Any pointer may be NULL.  ${req} and body
 * bytes are valid only during the callback; body pieces point into the
 * bytes given to http_feed (no copy). */
struct http_cb {
	void	(*on_request)(void *arg, const struct http_req *req);
	void	(*on_body)(void *arg, const uint8_t *p, size_t n);
	void	(*on_end)(void *arg);
	void	*arg;
};

/* Per-direction state; zero-initialise.  After a CONNECT or a request with
 * Upgrade, bytes that do not start a request turn the stream into an opaque
 * tunnel (ignored, HTTP_FEED_OK) instead of an error. */
struct http_stream {
	uint8_t		state;		/* ST_* in http.c */
	uint8_t		chunk_state;
	uint8_t		flags;		/* HF_* in http.c */
	uint32_t	hdr_have;	/* header bytes buffered in scratch */
	uint32_t	line_len;	/* chunk-size line / trailer bytes seen */
	uint64_t	body_left;	/* Content-Length or current chunk bytes left */
	uint32_t	requests;	/* complete request headers seen */
	uint8_t		resp_wait;	/* a request waits for its response (dispatch.c) */
};

enum {
	HTTP_FEED_OK = 0,
	HTTP_FEED_NOT_HTTP = -1,	/* first bytes are not an HTTP request */
	HTTP_FEED_ERROR = -2,		/* malformed later on; stream abandoned */
};

/* http_may_tunnel(s): the last request was CONNECT or asked for Upgrade,
 * so the bytes that follow may be another protocol (e.g. TLS). */
#define HTTP_FLAG_UPGRADE	0x01
static inline int
http_may_tunnel(const struct http_stream *s)
{
	return (s->flags & HTTP_FLAG_UPGRADE) != 0;
}

/* http_looks_like_request(p, n): first bytes are "<METHOD> " of a known method. */
int	http_looks_like_request(const uint8_t *p, size_t n);

/*
 * http_feed(s, p, n, scratch, cap, cb):
 * Feed ${n} in-order client->server bytes.  ${scratch} (${cap} >= 64 bytes,
 * e.g. 8 KiB) must stay with ${s} between calls: a header block split over
 * segments is gathered there (a whole one at the start of ${p} is parsed in
 * place).  Header blocks larger than ${cap} end the stream with
 * HTTP_FEED_ERROR.  Caps: 256 header lines, chunk-size line 4 KiB, chunk
 * size < 2^60, trailers 8 KiB, Content-Length <= INT64_MAX.  Returns
 * HTTP_FEED_*; after a non-OK return later calls return it again at once.
 */
int	http_feed(struct http_stream *s, const uint8_t *p, size_t n,
	    uint8_t *scratch, size_t cap, const struct http_cb *cb);

/*
 * http_parse_response(p, n, out):
 * ${p}[0..${n}) starts a response: "HTTP/1.x NNN ...".  Fills the status
 * and, when the header block ends within ${n} bytes (at most 8 KiB are
 * looked at), the Content-Length (-1 otherwise, or with Transfer-Encoding).
 * Returns 0, or -EINVAL when it does not start a response.
 */
int	http_parse_response(const uint8_t *p, size_t n, struct http_resp *out);

/* http_cut(s, scratch, cap, cb): the stream lost the bytes after those
 * fed (a snap-length cut).  Reports a header block being gathered from
 * its complete lines, with anomaly HTTP_ANOM_CUT; the stream then stops
 * (later calls return HTTP_FEED_ERROR).  Returns 1 if a request was
 * reported, else 0. */
int	http_cut(struct http_stream *s, uint8_t *scratch, size_t cap,
	    const struct http_cb *cb);

/* http_parse_request(p, len, out): parse one complete header block
 * (request line + headers + empty line) in ${p}.  Returns 0 or -EINVAL. */
int	http_parse_request(const uint8_t *p, size_t len, struct http_req *out);

#endif
