/*
 * test_http.c - unit tests for dpi/http.c: every input is also fed in all
 * piece sizes (1 byte up to whole) and must give the same event log.
 */
#include <errno.h>
#include <stdlib.h>

#include "dpi/http.h"
#include "test.h"

/* Event log independent of segmentation: bodies logged whole at on_end. */
struct rec {
	char	log[8192];
	size_t	len;
	char	body[4096];
	size_t	blen;
	int	nreq, nend, nbody;
};

static void
rec_put(struct rec *r, const char *s, size_t n)
{
	if (n > sizeof(r->log) - 1 - r->len)
		n = sizeof(r->log) - 1 - r->len;
	memcpy(r->log + r->len, s, n);
	r->len += n;
	r->log[r->len] = '\0';
}

static void
on_request(void *arg, const struct http_req *q)
{
	struct rec *r = arg;
	char line[2048];
	int n;

	n = snprintf(line, sizeof(line), "R:%s %s:%u %s %s ua=%s ct=%s ce=%s "
	    "cl=%lld ch=%u\n", q->method, q->host, q->host_port, q->uri,
	    q->protocol, q->user_agent, q->content_type, q->content_encoding,
	    (long long)q->content_length, q->chunked);
	rec_put(r, line, (size_t)n);
	r->nreq++;
	r->blen = 0;
}

static void
on_body(void *arg, const uint8_t *p, size_t n)
{
	struct rec *r = arg;

	if (n <= sizeof(r->body) - r->blen) {
		memcpy(r->body + r->blen, p, n);
		r->blen += n;
	}
	r->nbody++;
}

static void
on_end(void *arg)
{
	struct rec *r = arg;

	rec_put(r, "E:", 2);
	rec_put(r, r->body, r->blen);
	rec_put(r, "\n", 1);
	r->nend++;
	r->blen = 0;
}

/* run(buf, n, piece, cap, r): fresh stream, feed in ${piece}-byte calls. */
static int
run(const char *buf, size_t n, size_t piece, size_t cap, struct rec *r)
{
	static uint8_t scratch[65536];
	struct http_cb cb = { on_request, on_body, on_end, NULL };
	struct http_stream s;
	size_t i;
	int rc = HTTP_FEED_OK;

	memset(&s, 0, sizeof(s));
	memset(r, 0, sizeof(*r));
	cb.arg = r;
	for (i = 0; i < n && rc == HTTP_FEED_OK; i += piece)
		rc = http_feed(&s, (const uint8_t *)buf + i,
		    n - i < piece ? n - i : piece, scratch, cap, &cb);
	return rc;
}

/*
 * check_all(buf, n, cap, want_rc, want_log):
 * Feed ${buf} whole and in every piece size; each run must return
 * ${want_rc} and, when ${want_log} is set, produce exactly that log.
 */
static int
check_all(const char *buf, size_t n, size_t cap, int want_rc,
    const char *want_log)
{
	static struct rec r;
	size_t piece;

	for (piece = 1; piece <= n; piece++) {
		int rc = run(buf, n, piece, cap, &r);

		if (rc != want_rc || (want_log && strcmp(r.log, want_log))) {
			fprintf(stderr, "  piece %zu: rc %d (want %d)\n  log:\n%s"
			    "  want:\n%s", piece, rc, want_rc, r.log,
			    want_log ? want_log : "(any)\n");
			return 0;
		}
	}
	return 1;
}

#define S(x)	x, sizeof(x) - 1

TEST(simple_get)
{
	static const char req[] = "GET /index.html?q=1 HTTP/1.1\r\n"
	    "Host: www.example.com\r\nUser-Agent: curl/8.5.0\r\n"
	    "Accept: */*\r\n\r\n";

	ASSERT(http_looks_like_request((const uint8_t *)req, 4));
	ASSERT(check_all(S(req), 8192, HTTP_FEED_OK,
	    "R:GET www.example.com:0 /index.html?q=1 HTTP/1.1 ua=curl/8.5.0 "
	    "ct= ce= cl=-1 ch=0\nE:\n"));
}

TEST(post_content_length_split)
{
	static const char req[] = "POST /v1/chat/completions HTTP/1.1\r\n"
	    "Host: api.openai.com\r\nContent-Type: application/json\r\n"
	    "Content-Length: 26\r\nContent-Encoding: identity\r\n\r\n"
	    "{\"prompt\":\"my secret key\"}X";
	struct rec r;

	/* the trailing X starts a next "request" that is not HTTP -> error */
	ASSERT(check_all(req, sizeof(req) - 2, 8192, HTTP_FEED_OK,
	    "R:POST api.openai.com:0 /v1/chat/completions HTTP/1.1 ua= "
	    "ct=application/json ce=identity cl=26 ch=0\n"
	    "E:{\"prompt\":\"my secret key\"}\n"));
	ASSERT_EQ(run(S(req), sizeof(req), 8192, &r), HTTP_FEED_ERROR);
	ASSERT_EQ(r.nend, 1);
	/* whole buffer: body handed over in one piece, no copy */
	ASSERT_EQ(run(req, sizeof(req) - 2, sizeof(req), 8192, &r), 0);
	ASSERT_EQ(r.nbody, 1);
}

TEST(chunked_value_cut)
{
	static const char req[] = "POST /api HTTP/1.1\r\nHost: claude.ai\r\n"
	    "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n"
	    "\r\n"
	    "e\r\n{\"prompt\":\"sec\r\n"
	    "C\r\nret value\"}\n\r\n"
	    "0\r\n\r\n";

	ASSERT(check_all(S(req), 8192, HTTP_FEED_OK,
	    "R:POST claude.ai:0 /api HTTP/1.1 ua= ct=application/json ce= "
	    "cl=-1 ch=1\nE:{\"prompt\":\"secret value\"}\n\n"));
}

TEST(chunk_extensions_trailers)
{
	static const char req[] = "PUT /u HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: gzip, Chunked\r\n\r\n"
	    "5;name=val\r\nhello\r\n"
	    "06 ; x=\"y;z\"\r\n world\r\n"
	    "0;last=1\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n"
	    "GET /next HTTP/1.0\r\n\r\n";

	ASSERT(check_all(S(req), 8192, HTTP_FEED_OK,
	    "R:PUT h:0 /u HTTP/1.1 ua= ct= ce= cl=-1 ch=1\nE:hello world\n"
	    "R:GET :0 /next HTTP/1.0 ua= ct= ce= cl=-1 ch=0\nE:\n"));
}

TEST(chunked_bad)
{
	static const char hdr[] = "POST / HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n";
	static const char *const bad[] = {
		"zz\r\n",			/* not hex */
		"\r\n",				/* empty size */
		"1000000000000000\r\n",		/* 16 digits */
		"3\r\nabcX\r\n",		/* no CRLF after data */
		"3\r\nabc\r\n0\r\n\rX",		/* bad end of trailers */
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = (size_t)snprintf(buf, sizeof(buf), "%s%s", hdr,
		    bad[i]);

		ASSERT(check_all(buf, n, 8192, HTTP_FEED_ERROR, NULL));
	}
}

TEST(pipelined)
{
	static const char req[] = "GET /a HTTP/1.1\r\nHost: a.test\r\n\r\n"
	    "POST /b HTTP/1.1\r\nHost: b.test\r\nContent-Length: 3\r\n\r\nxyz"
	    "\r\n"	/* stray CRLF after a body is tolerated */
	    "HEAD /c HTTP/1.1\nHost: c.test\n\n";

	ASSERT(check_all(S(req), 8192, HTTP_FEED_OK,
	    "R:GET a.test:0 /a HTTP/1.1 ua= ct= ce= cl=-1 ch=0\nE:\n"
	    "R:POST b.test:0 /b HTTP/1.1 ua= ct= ce= cl=3 ch=0\nE:xyz\n"
	    "R:HEAD c.test:0 /c HTTP/1.1 ua= ct= ce= cl=-1 ch=0\nE:\n"));
}

TEST(keep_alive_later)
{
	static uint8_t scratch[4096];
	static const char r1[] = "POST /1 HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 4\r\n\r\nab";
	static const char r2[] = "cd";
	static const char r3[] = "GET /2 HTTP/1.1\r\nHo";
	static const char r4[] = "st: y\r\n\r\n";
	struct rec r;
	struct http_cb cb = { on_request, on_body, on_end, &r };
	struct http_stream s = { 0 };

	memset(&r, 0, sizeof(r));
	ASSERT_EQ(http_feed(&s, (const uint8_t *)S(r1), scratch,
	    sizeof(scratch), &cb), 0);
	ASSERT_EQ(r.nreq, 1);
	ASSERT_EQ(r.nend, 0);
	ASSERT_EQ(http_feed(&s, (const uint8_t *)S(r2), scratch,
	    sizeof(scratch), &cb), 0);
	ASSERT_EQ(r.nend, 1);
	ASSERT_EQ(http_feed(&s, (const uint8_t *)S(r3), scratch,
	    sizeof(scratch), &cb), 0);
	ASSERT_EQ(r.nreq, 1);
	ASSERT_EQ(s.hdr_have, sizeof(r3) - 1);
	ASSERT_EQ(http_feed(&s, (const uint8_t *)S(r4), scratch,
	    sizeof(scratch), &cb), 0);
	ASSERT_EQ(r.nreq, 2);
	ASSERT_EQ(r.nend, 2);
	ASSERT_EQ(s.requests, 2);
	ASSERT_STR(r.log, "R:POST x:0 /1 HTTP/1.1 ua= ct= ce= cl=4 ch=0\n"
	    "E:abcd\nR:GET y:0 /2 HTTP/1.1 ua= ct= ce= cl=-1 ch=0\nE:\n");
}

TEST(header_over_cap)
{
	char buf[600];
	size_t n;
	static uint8_t scratch[256];
	struct http_stream s = { 0 };

	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n"
	    "Cookie: %0400d\r\n\r\n", 7);
	ASSERT(check_all(buf, n, 256, HTTP_FEED_ERROR, NULL));
	ASSERT(check_all(buf, n, 512, HTTP_FEED_OK, NULL));
	/* exactly cap bytes fits, cap + 1 does not, however it is split */
	ASSERT(check_all(buf, n, n, HTTP_FEED_OK, NULL));
	ASSERT(check_all(buf, n, n - 1, HTTP_FEED_ERROR, NULL));
	/* once failed, always failed, no callbacks */
	ASSERT_EQ(http_feed(&s, (const uint8_t *)buf, n, scratch, 256, NULL),
	    HTTP_FEED_ERROR);
	ASSERT_EQ(http_feed(&s, (const uint8_t *)S("GET / HTTP/1.1\r\n\r\n"),
	    scratch, 256, NULL), HTTP_FEED_ERROR);
	/* scratch too small to be useful */
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(http_feed(&s, (const uint8_t *)buf, n, scratch, 16, NULL),
	    HTTP_FEED_ERROR);
}

static int
host_of(const char *hreq, struct http_req *q)
{
	return http_parse_request((const uint8_t *)hreq, strlen(hreq), q);
}

TEST(host_forms)
{
	struct http_req q;

	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nHost: API.OpenAI.COM:8443\r\n\r\n",
	    &q), 0);
	ASSERT_STR(q.host, "api.openai.com");
	ASSERT_EQ(q.host_port, 8443);
	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nhOST:   [2001:DB8::1]:443  \r\n\r\n",
	    &q), 0);
	ASSERT_STR(q.host, "2001:db8::1");
	ASSERT_EQ(q.host_port, 443);
	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nHost: [::1]\r\n\r\n", &q), 0);
	ASSERT_STR(q.host, "::1");
	ASSERT_EQ(q.host_port, 0);
	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nHost: fe80::1\r\n\r\n", &q), 0);
	ASSERT_STR(q.host, "fe80::1");
	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nHost: Example.COM.\r\n\r\n", &q),
	    0);
	ASSERT_STR(q.host, "example.com");
	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nHost: a.b:99999\r\n\r\n", &q), 0);
	ASSERT_STR(q.host, "a.b");
	ASSERT_EQ(q.host_port, 0);
	/* proxy forms: the target's authority wins over Host */
	ASSERT_EQ(host_of("GET http://user@Proxy.Example:3128/x?y HTTP/1.1\r\n"
	    "Host: other\r\n\r\n", &q), 0);
	ASSERT_STR(q.host, "proxy.example");
	ASSERT_EQ(q.host_port, 3128);
	ASSERT_STR(q.uri, "http://user@Proxy.Example:3128/x?y");
	ASSERT_EQ(host_of("CONNECT Gemini.Google.com:443 HTTP/1.1\r\n"
	    "Host: gemini.google.com:443\r\n\r\n", &q), 0);
	ASSERT_STR(q.host, "gemini.google.com");
	ASSERT_EQ(q.host_port, 443);
	/* first Host wins */
	ASSERT_EQ(host_of("GET / HTTP/1.1\r\nHost: one\r\nHost: two\r\n\r\n",
	    &q), 0);
	ASSERT_STR(q.host, "one");
}

TEST(content_length_bad)
{
	static const char *const bad[] = {
		"Content-Length: -5",
		"Content-Length: 99999999999999999999",
		"Content-Length: 9223372036854775808",
		"Content-Length: 12abc",
		"Content-Length:",
		"Content-Length: 5, 5",
		"Content-Length: 5\r\nContent-Length: 6",
		"Transfer-Encoding: gzip",
		"Transfer-Encoding: chunked, gzip",
	};
	char buf[256];
	struct http_req q;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = (size_t)snprintf(buf, sizeof(buf),
		    "POST / HTTP/1.1\r\nHost: h\r\n%s\r\n\r\n", bad[i]);

		ASSERT(check_all(buf, n, 8192, HTTP_FEED_ERROR, NULL));
	}
	ASSERT_EQ(host_of("POST / HTTP/1.1\r\nContent-Length: "
	    "9223372036854775807\r\n\r\n", &q), 0);
	ASSERT_EQ(q.content_length, INT64_MAX);
	ASSERT_EQ(host_of("POST / HTTP/1.1\r\nContent-Length: 7\r\n"
	    "Content-Length: 7\r\n\r\n", &q), 0);
	ASSERT_EQ(q.content_length, 7);
}

TEST(request_line_bad)
{
	static const char *const bad[] = {
		"GET / HTTP/2.0\r\n\r\n",
		"GET /\r\n\r\n",
		"GET  / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",
		"GET /a b HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
		"GET / HTTP/1.1\r\nBad name: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT(check_all(bad[i], strlen(bad[i]), 8192,
		    HTTP_FEED_ERROR, NULL));
}

/* Control bytes in the target: parsed, flagged, Host kept (issue 15);
 * a NUL in Host is kept with its length. */
TEST(target_control_bytes)
{
	static const char req[] = "GET /a\x01\x1b[1m\x7f\x00z HTTP/1.1\r\n"
	    "Host: API.openai.com\r\n\r\n";
	static const char nul[] = "GET / HTTP/1.1\r\nHost: evil\x00.chat.openai.com\r\n\r\n";
	struct http_req q;

	ASSERT_EQ(http_parse_request((const uint8_t *)req, sizeof(req) - 1, &q), 0);
	ASSERT_EQ(q.anomaly, HTTP_ANOM_TARGET);
	ASSERT_STR(q.host, "api.openai.com");
	ASSERT_EQ(q.host_len, 14);
	ASSERT_EQ(q.uri_len, 10);
	ASSERT_EQ(memcmp(q.uri, "/a\x01\x1b[1m\x7f\x00z", 10), 0);
	/* negative: a clean request is not flagged */
	ASSERT_EQ(host_of("GET /a%01 HTTP/1.1\r\nHost: x.test\r\n\r\n", &q), 0);
	ASSERT_EQ(q.anomaly, 0);
	ASSERT_EQ(http_parse_request((const uint8_t *)nul, sizeof(nul) - 1, &q), 0);
	ASSERT_EQ(q.host_len, 21);
	ASSERT_EQ(memcmp(q.host, "evil\0.chat.openai.com", 22), 0);
	ASSERT_EQ(q.anomaly, 0);
	/* a space still ends the target */
	ASSERT_EQ(host_of("GET /a\x01 b HTTP/1.1\r\n\r\n", &q), -EINVAL);
}

static struct http_req cut_req;
static int cut_n;

static void
on_req_cut(void *arg, const struct http_req *r)
{
	(void)arg;
	cut_req = *r;
	cut_n++;
}

/* A header block cut by the snap length: its complete lines (http_cut). */
TEST(cut_header_block)
{
	static const char part[] = "GET /v1/chat HTTP/1.1\r\nHost: api.openai.com\r\n"
	    "User-Agent: curl/8.5\r\nAccept: text/ht";
	static const char line1[] = "GET /v1/chat HTTP/1.1\r\nHost: api.openai.co";
	struct http_stream s;
	uint8_t scratch[512];
	struct http_cb cb = { on_req_cut, NULL, NULL, NULL };

	memset(&s, 0, sizeof(s));
	cut_n = 0;
	ASSERT_EQ(http_feed(&s, (const uint8_t *)part, sizeof(part) - 1, scratch,
	    sizeof(scratch), &cb), HTTP_FEED_OK);
	ASSERT_EQ(cut_n, 0);
	ASSERT_EQ(http_cut(&s, scratch, sizeof(scratch), &cb), 1);
	ASSERT_EQ(cut_n, 1);
	ASSERT_STR(cut_req.host, "api.openai.com");
	ASSERT_STR(cut_req.user_agent, "curl/8.5");
	ASSERT_EQ(cut_req.anomaly, HTTP_ANOM_CUT);
	/* the stream stops after the hole */
	ASSERT_EQ(http_feed(&s, (const uint8_t *)"x", 1, scratch,
	    sizeof(scratch), &cb), HTTP_FEED_ERROR);
	/* negative: a Host line cut mid-name is not reported as a name */
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(http_feed(&s, (const uint8_t *)line1, sizeof(line1) - 1,
	    scratch, sizeof(scratch), &cb), HTTP_FEED_OK);
	ASSERT_EQ(http_cut(&s, scratch, sizeof(scratch), &cb), 1);
	ASSERT_EQ(cut_n, 2);
	ASSERT_STR(cut_req.host, "");
	/* negative: nothing gathered, nothing reported */
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(http_cut(&s, scratch, sizeof(scratch), &cb), 0);
	ASSERT_EQ(cut_n, 2);
}

TEST(not_http)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };
	static const char *const txt[] = {
		"SSH-2.0-OpenSSH_9.6\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"get / HTTP/1.1\r\n\r\n",
		"GETX / HTTP/1.1\r\n\r\n",
		"GE\r\n",
	};
	static uint8_t scratch[128];
	struct http_stream s = { 0 };
	size_t i;

	ASSERT_EQ(http_feed(&s, tls, sizeof(tls), scratch, sizeof(scratch),
	    NULL), HTTP_FEED_NOT_HTTP);
	ASSERT_EQ(http_feed(&s, (const uint8_t *)S("GET / HTTP/1.1\r\n\r\n"),
	    scratch, sizeof(scratch), NULL), HTTP_FEED_NOT_HTTP);
	for (i = 0; i < sizeof(txt) / sizeof(txt[0]); i++)
		ASSERT(check_all(txt[i], strlen(txt[i]), 8192,
		    HTTP_FEED_NOT_HTTP, NULL));
	ASSERT(!http_looks_like_request(tls, sizeof(tls)));
	ASSERT(!http_looks_like_request((const uint8_t *)"GET", 3));
	ASSERT(!http_looks_like_request((const uint8_t *)"GETS /", 6));
	ASSERT(http_looks_like_request((const uint8_t *)"PROPFIND /", 10));
	ASSERT(http_looks_like_request((const uint8_t *)"PATCH /", 7));
	ASSERT(http_looks_like_request((const uint8_t *)"OPTIONS *", 9));
	ASSERT(!http_looks_like_request(NULL, 0));
}

TEST(control_chars_in_ua)
{
	static const char req[] = "GET / HTTP/1.1\r\n"
	    "User-Agent: a\x01" "b\x7f" "c\td\x1b[31m\xff\r\n"
	    "Host: ok.test\r\n"
	    "X-Nul: a\0b\r\n"
	    "\r\n"
	    "GET /2 HTTP/1.1\r\nUser-Agent: x\0y\r\n\r\n";

	ASSERT(check_all(S(req), 8192, HTTP_FEED_OK,
	    "R:GET ok.test:0 / HTTP/1.1 ua=a\x01" "b\x7f" "c\td\x1b[31m\xff "
	    "ct= ce= cl=-1 ch=0\nE:\n"
	    "R:GET :0 /2 HTTP/1.1 ua=x ct= ce= cl=-1 ch=0\nE:\n"));
}

TEST(connect_tunnel)
{
	static const char req[] = "CONNECT chatgpt.com:443 HTTP/1.1\r\n"
	    "Host: chatgpt.com:443\r\n\r\n\x16\x03\x01\x02\x00GET / HTTP/1.1\r\n";
	static const char ws[] = "GET /ws HTTP/1.1\r\nHost: w\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x85\x01\x02";
	static const char no[] = "GET / HTTP/1.1\r\nHost: w\r\n\r\n\x81\x85";

	ASSERT(check_all(S(req), 8192, HTTP_FEED_OK,
	    "R:CONNECT chatgpt.com:443 chatgpt.com:443 HTTP/1.1 ua= ct= ce= "
	    "cl=-1 ch=0\nE:\n"));
	ASSERT(check_all(S(ws), 8192, HTTP_FEED_OK, NULL));
	ASSERT(check_all(S(no), 8192, HTTP_FEED_ERROR, NULL));
}

TEST(fuzz_random)
{
	static uint8_t scratch[512];
	static const char seed[] = "POST /x HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5;a\r\nhello\r\n0\r\nT: 1\r\n\r\n"
	    "GET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab";
	uint8_t buf[sizeof(seed)];
	unsigned it, seedv = 1;

	/* mutate a valid stream; must never crash or read out of bounds */
	for (it = 0; it < 20000; it++) {
		struct http_stream s = { 0 };
		size_t i, off = 0;

		memcpy(buf, seed, sizeof(buf));
		for (i = 0; i < 3; i++) {
			seedv = seedv * 1103515245u + 12345u;
			buf[(seedv >> 8) % (sizeof(buf) - 1)] = (uint8_t)(seedv >> 20);
		}
		while (off < sizeof(buf) - 1) {
			size_t k = 1 + (seedv >> 16) % 13;

			seedv = seedv * 1103515245u + 12345u;
			if (k > sizeof(buf) - 1 - off)
				k = sizeof(buf) - 1 - off;
			if (http_feed(&s, buf + off, k, scratch, sizeof(scratch),
			    NULL) != HTTP_FEED_OK)
				break;
			off += k;
		}
	}
	ASSERT(1);
}

/* Response status line and Content-Length (http_parse_response). */
static int
resp(const char *t, struct http_resp *r)
{
	return http_parse_response((const uint8_t *)t, strlen(t), r);
}

TEST(response_status_length)
{
	struct http_resp r;

	ASSERT_EQ(resp("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 1234\r\n\r\nbody", &r), 0);
	ASSERT_EQ(r.status, 200);
	ASSERT_EQ(r.length, 1234);
	ASSERT_EQ(resp("HTTP/1.0 404 Not Found\nContent-length:  7 \n\n", &r), 0);
	ASSERT_EQ(r.status, 404);
	ASSERT_EQ(r.length, 7);
	/* header block not complete in this segment: status only */
	ASSERT_EQ(resp("HTTP/1.1 301 Moved\r\nContent-Length: 5\r\n", &r), 0);
	ASSERT_EQ(r.status, 301);
	ASSERT_EQ(r.length, -1);
	/* chunked: no length; junk after the digits: no length */
	ASSERT_EQ(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 9\r\n\r\n", &r), 0);
	ASSERT_EQ(r.length, -1);
	ASSERT_EQ(resp("HTTP/1.1 200 OK\r\nContent-Length: 9x\r\n\r\n", &r), 0);
	ASSERT_EQ(r.length, -1);
	ASSERT_EQ(resp("HTTP/1.1 200 OK\r\nContent-Length: "
	    "99999999999999999999999\r\n\r\n", &r), 0);
	ASSERT_EQ(r.length, -1);
	ASSERT_EQ(resp("HTTP/1.1 100 Continue\r\n\r\n", &r), 0);
	ASSERT_EQ(r.status, 100);
	ASSERT_EQ(resp("HTTP/1.1 204\r\n\r\n", &r), 0);
	ASSERT_EQ(r.status, 204);
}

TEST(response_not_a_response)
{
	struct http_resp r;

	ASSERT_EQ(resp("GET / HTTP/1.1\r\n\r\n", &r), -EINVAL);
	ASSERT_EQ(resp("HTTP/1.1 2000 OK\r\n\r\n", &r), -EINVAL);
	ASSERT_EQ(resp("HTTP/1.1 099 x\r\n\r\n", &r), -EINVAL);
	ASSERT_EQ(resp("HTTP/2 200 OK\r\n\r\n", &r), -EINVAL);
	ASSERT_EQ(resp("HTTP/1.1 20", &r), -EINVAL);
	ASSERT_EQ(resp("", &r), -EINVAL);
	ASSERT_EQ(r.status, 0);
}

int
main(void)
{
	RUN(simple_get);
	RUN(post_content_length_split);
	RUN(chunked_value_cut);
	RUN(chunk_extensions_trailers);
	RUN(chunked_bad);
	RUN(pipelined);
	RUN(keep_alive_later);
	RUN(header_over_cap);
	RUN(host_forms);
	RUN(content_length_bad);
	RUN(request_line_bad);
	RUN(not_http);
	RUN(control_chars_in_ua);
	RUN(target_control_bytes);
	RUN(cut_header_block);
	RUN(connect_tunnel);
	RUN(fuzz_random);
	RUN(response_status_length);
	RUN(response_not_a_response);
	return TEST_END();
}
