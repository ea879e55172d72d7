/*
 * test_inspect.c - the inspector end to end on hand-made packets: upload
 * threshold (once per flow, crossed mid-flow, downloads and bursts of
 * small prompts ignored), the daily baseline, and DLP over HTTP (JSON in
 * 7-byte out-of-order segments, chunk boundary inside a value, a BSN in a
 * response that must not fire, keep-alive second request).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/inspect.h"
#include "dlp/upload.h"
#include "output/event.h"
#include "test.h"

struct got {
	int	n;
	char	kind[8][16];
	char	cls[8][24];
	char	ev[8][128];
	char	fp[8][40];
	uint64_t bytes[8];
	int	at_pkt[8];
};

static struct got G;
static int PKT;

static void
on_alert(void *arg, enum ev_type t, const struct flow *f, int dir,
    uint64_t ts, const void *data)
{
	const struct alert_info *a = data;
	int k = G.n;

	(void)arg; (void)f; (void)dir; (void)ts;
	if (t != EV_ALERT)
		return;
	if (k >= 8)
		return;
	snprintf(G.kind[k], sizeof(G.kind[k]), "%s", a->kind);
	snprintf(G.cls[k], sizeof(G.cls[k]), "%s", a->dlp_class);
	snprintf(G.ev[k], sizeof(G.ev[k]), "%s", a->evidence);
	snprintf(G.fp[k], sizeof(G.fp[k]), "%s", a->fingerprint);
	G.bytes[k] = a->bytes;
	G.at_pkt[k] = PKT;
	G.n++;
}

static struct inspector *
setup(struct flow *f, struct ai_info *ai)
{
	static const struct ev_hook hook = { on_alert, NULL };
	struct inspector *in = NULL;

	memset(&G, 0, sizeof(G));
	PKT = 0;
	memset(f, 0, sizeof(*f));
	f->cli_is_a = 1;
	f->key.proto = IPPROTO_TCP;
	if (ai != NULL) {
		memset(ai, 0, sizeof(*ai));
		snprintf(ai->service, sizeof(ai->service), "anthropic-api");
		ai->verdict = VERDICT_SANCTIONED;
		f->ai = ai;
	}
	if (inspector_new(&in, NULL) < 0)
		return NULL;
	inspector_set_hook(in, &hook);
	return in;
}

static void
pkt_in(struct inspector *in, struct flow *f, int dir, uint32_t seq,
    const void *p, size_t n, uint64_t ts)
{
	struct pkt k;

	memset(&k, 0, sizeof(k));
	k.ts_us = ts;
	k.proto = IPPROTO_TCP;
	k.seq = seq;
	k.payload = p;
	k.payload_len = (uint32_t)n;
	PKT++;
	inspect_packet(in, f, &k, dir);
}

static uint8_t BLOB[16384];

static void
syn(struct inspector *in, struct flow *f, uint32_t isn)
{
	struct pkt k;

	memset(&k, 0, sizeof(k));
	k.proto = IPPROTO_TCP;
	k.seq = isn;
	k.tcp_flags = TH_SYN;
	inspect_packet(in, f, &k, 0);
}

TEST(upload_once_mid_flow)
{
	struct flow f;
	struct ai_info ai;
	struct inspector *in = setup(&f, &ai);
	uint32_t seq = 1;
	int i;

	ASSERT(in != NULL);
	memset(BLOB, 'x', sizeof(BLOB));
	for (i = 0; i < 10; i++) {	/* 10 x 10000 in one burst */
		pkt_in(in, &f, 0, seq, BLOB, 10000, 1000000 + (uint64_t)i * 1000);
		seq += 10000;
	}
	ASSERT_EQ(G.n, 1);
	ASSERT_STR(G.kind[0], "upload");
	ASSERT_EQ(G.at_pkt[0], 7);		/* 70000 > 65536: mid-flow */
	ASSERT_EQ(G.bytes[0], 70000);
	inspect_flow_end(in, &f);
	ASSERT_EQ(G.n, 1);
	ASSERT_EQ(f.payload[0], 100000);
	ASSERT(f.inspect == NULL);
	inspector_free(in);
}

TEST(downloads_and_small_prompts_ignored)
{
	struct flow f;
	struct ai_info ai;
	struct inspector *in = setup(&f, &ai);
	uint64_t ts = 1000000;
	int i, k;

	ASSERT(in != NULL);
	for (i = 0; i < 50; i++)	/* 800 KB response */
		pkt_in(in, &f, 1, 0, BLOB, sizeof(BLOB), ts += 100);
	for (k = 0; k < 6; k++) {	/* 6 prompts of 30 KB, answered */
		for (i = 0; i < 3; i++)
			pkt_in(in, &f, 0, 0, BLOB, 10000, ts += 100);
		pkt_in(in, &f, 1, 0, BLOB, 4000, ts += 100000);
	}
	ASSERT_EQ(G.n, 0);
	/* The same prompts without answers in between but paused. */
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 3; i++)
			pkt_in(in, &f, 0, 0, BLOB, 10000, ts += 100);
		ts += 5000000;
	}
	ASSERT_EQ(G.n, 0);
	inspect_flow_end(in, &f);
	inspector_free(in);
}

TEST(no_upload_alert_for_non_ai)
{
	struct flow f;
	struct inspector *in = setup(&f, NULL);
	int i;

	ASSERT(in != NULL);
	for (i = 0; i < 20; i++)
		pkt_in(in, &f, 0, 1 + (uint32_t)i * 10000, BLOB, 10000, 1000 + (uint64_t)i);
	ASSERT_EQ(G.n, 0);
	inspect_flow_end(in, &f);
	inspector_free(in);
}

TEST(baseline)
{
	struct baseline *b;
	uint64_t day = 86400ULL * 1000000ULL, t0 = 20000 * day, today, base;
	uint64_t key;
	uint8_t addr[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 10 };
	int d;

	ASSERT_EQ(baseline_new(&b, 4), 0);
	key = baseline_key(b, addr);
	ASSERT(key == baseline_key(b, addr));
	/* Two days of history are not enough to judge. */
	ASSERT_EQ(baseline_add(b, key, 100000, t0, 10, 1 << 20, &today, &base), 0);
	ASSERT_EQ(baseline_add(b, key, 100000, t0 + day, 10, 1 << 20, &today, &base), 0);
	ASSERT_EQ(baseline_add(b, key, 5000000, t0 + 2 * day, 10, 1 << 20, &today, &base), 0);
	/* Day 3: mean of 100K, 100K, 5M is ~1.7M: 10x is 17M. */
	ASSERT_EQ(baseline_add(b, key, 10000000, t0 + 3 * day, 10, 1 << 20, &today, &base), 0);
	ASSERT_EQ(baseline_add(b, key, 8000000, t0 + 3 * day + 5, 10, 1 << 20, &today, &base), 1);
	ASSERT_EQ(today, 18000000);
	ASSERT_EQ(base, 1733333);
	/* Once a day. */
	ASSERT_EQ(baseline_add(b, key, 8000000, t0 + 3 * day + 9, 10, 1 << 20, &today, &base), 0);
	/* Many other clients in a small table: bounded, no crash. */
	for (d = 0; d < 1000; d++) {
		addr[15] = (uint8_t)d;
		addr[14] = (uint8_t)(d >> 8);
		baseline_add(b, baseline_key(b, addr), 10, t0, 10, 0, &today, &base);
	}
	/* Small days stay quiet under min_bytes. */
	baseline_free(b);
	ASSERT_EQ(baseline_new(&b, 4), 0);
	for (d = 0; d < 4; d++)
		baseline_add(b, key, 10, t0 + (uint64_t)d * day, 10, 1 << 20, &today, &base);
	ASSERT_EQ(baseline_add(b, key, 100000, t0 + 4 * day, 10, 1 << 20, &today, &base), 0);
	baseline_free(b);
}

static const char REQ_HDR[] =
    "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n"
    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n";
static const char BODY[] =
    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
    "\"Vat dit dossier samen.\\nBSN: 999964070\\nIBAN NL66 TEST 7008 1397 66\"}]}";

static int
find(const char *cls)
{
	int k;

	for (k = 0; k < G.n; k++)
		if (strcmp(G.cls[k], cls) == 0)
			return k;
	return -1;
}

TEST(dlp_json_7_byte_segments_out_of_order)
{
	struct flow f;
	struct inspector *in = setup(&f, NULL);
	char req[1024];
	size_t n, i, k;
	int b;

	ASSERT(in != NULL);
	n = (size_t)snprintf(req, sizeof(req), REQ_HDR, strlen(BODY));
	memcpy(req + n, BODY, strlen(BODY));
	n += strlen(BODY);
	syn(in, &f, 999);
	/* Pairs of 7-byte segments swapped, each sent twice. */
	for (i = 0; i < n; i += 14) {
		for (k = 2; k-- > 0;) {
			size_t o = i + k * 7, m;

			if (o >= n)
				continue;
			m = n - o < 7 ? n - o : 7;
			pkt_in(in, &f, 0, 1000 + (uint32_t)o, req + o, m, 1000);
			pkt_in(in, &f, 0, 1000 + (uint32_t)o, req + o, m, 1000);
		}
	}
	/* A response with a BSN must not fire. */
	pkt_in(in, &f, 1, 5000, "HTTP/1.1 200 OK\r\n\r\nBSN 999964070", 32, 2000);
	inspect_flow_end(in, &f);
	ASSERT((b = find("bsn")) >= 0);
	ASSERT(find("iban") >= 0);
	ASSERT(strstr(G.ev[b], "999964070") == NULL);	/* masked */
	ASSERT_EQ(strlen(G.fp[b]), 32);
	ASSERT_EQ(G.n, 2);
	inspector_free(in);
}

TEST(dlp_chunk_boundary_and_keepalive)
{
	struct flow f;
	struct inspector *in = setup(&f, NULL);
	static const char r1[] =
	    "POST /api/generate HTTP/1.1\r\nHost: ollama.internal\r\n"
	    "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "f\r\nklant BSN 99996\r\n"
	    "4\r\n4070\r\n0\r\n\r\n";
	static const char r2[] =
	    "POST /api/generate HTTP/1.1\r\nHost: ollama.internal\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 29\r\n\r\n"
	    "rekening=NL66TEST7008139766&x";
	uint32_t seq = 1;

	ASSERT(in != NULL);
	pkt_in(in, &f, 0, seq, r1, strlen(r1), 1000);
	seq += (uint32_t)strlen(r1);
	pkt_in(in, &f, 1, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38, 2000);
	pkt_in(in, &f, 0, seq, r2, strlen(r2), 3000);
	ASSERT(find("bsn") >= 0);
	ASSERT(find("iban") >= 0);
	inspect_flow_end(in, &f);
	ASSERT_EQ(inspector_stats(in)->bodies, 2);
	inspector_free(in);
}

TEST(dlp_query_string)
{
	struct flow f;
	struct inspector *in = setup(&f, NULL);
	/* A value in the request target's query (%xx and '+' encoded), no
	 * body at all; and a query without personal data that must not fire. */
	static const char r1[] =
	    "GET /v1/lookup?q=klant+BSN%3A+999964070&lang=nl HTTP/1.1\r\n"
	    "Host: llm.internal\r\n\r\n";
	static const char r2[] =
	    "GET /v1/models?limit=20&order=desc HTTP/1.1\r\n"
	    "Host: llm.internal\r\n\r\n";
	uint32_t seq = 1;

	ASSERT(in != NULL);
	pkt_in(in, &f, 0, seq, r1, strlen(r1), 1000);
	seq += (uint32_t)strlen(r1);
	ASSERT(find("bsn") >= 0);
	ASSERT(strstr(G.ev[find("bsn")], "999964070") == NULL);	/* masked */
	ASSERT_EQ(G.n, 1);
	pkt_in(in, &f, 0, seq, r2, strlen(r2), 2000);
	ASSERT_EQ(G.n, 1);
	inspect_flow_end(in, &f);
	inspector_free(in);
}

int
main(void)
{
	RUN(upload_once_mid_flow);
	RUN(downloads_and_small_prompts_ignored);
	RUN(no_upload_alert_for_non_ai);
	RUN(baseline);
	RUN(dlp_json_7_byte_segments_out_of_order);
	RUN(dlp_chunk_boundary_and_keepalive);
	RUN(dlp_query_string);
	return TEST_END();
}
