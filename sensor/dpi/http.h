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
	char		host[HTTP_HOST_MAX + 1];	/* lower-cased, port stripped */
	char		uri[HTTP_URI_MAX + 1];		/* request-target as sent, truncated */
	char		user_agent[HTTP_UA_MAX + 1];
	char		content_type[HTTP_CT_MAX + 1];
	char		content_encoding[32];
	char		protocol[16];			/* "HTTP/1.1" */
	int64_t		content_length;			/* -1 if absent */
	uint8_t		chunked;
	uint16_t	host_port;			/* port from Host, 0 if none */
};

/* Callbacks: on_request once the header block is complete; on_body for each
 * piece of (de-chunked) body; on_end when the body is complete. */
struct http_cb {
	void	(*on_request)(void *arg, const struct http_req *req);
	void	(*on_body)(void *arg, const uint8_t *p, size_t n);
	void	(*on_end)(void *arg);
	void	*arg;
};

struct http_stream {
	uint8_t		state;		/* HTTP_ST_* */
	uint8_t		chunk_state;
	uint32_t	hdr_have;	/* header bytes buffered in scratch */
	uint64_t	body_left;	/* Content-Length or current chunk bytes left */
	uint32_t	requests;	/* complete request headers seen */
};

enum {
	HTTP_FEED_OK = 0,
	HTTP_FEED_NOT_HTTP = -1,	/* first bytes are not an HTTP request */
	HTTP_FEED_ERROR = -2,		/* malformed later on; stream abandoned */
};

/* http_looks_like_request(p, n): first bytes are "<METHOD> " of a known method. */
int	http_looks_like_request(const uint8_t *p, size_t n);

/*
 * http_feed(s, p, n, scratch, cap, cb):
 * Feed ${n} in-order client->server bytes.  Header blocks larger than ${cap}
 * end the stream with HTTP_FEED_ERROR.  Returns HTTP_FEED_*.
 */
int	http_feed(struct http_stream *s, const uint8_t *p, size_t n,
	    uint8_t *scratch, size_t cap, const struct http_cb *cb);

/* http_parse_request(p, len, out): parse one complete header block
 * (request line + headers + empty line) in ${p}.  Returns 0 or -EINVAL. */
int	http_parse_request(const uint8_t *p, size_t len, struct http_req *out);

#endif
