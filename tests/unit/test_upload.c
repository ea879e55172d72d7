/*
 * test_upload.c - upload tiers: thresholds per client type (web, api,
 * agent) and verdict from thresholds.upload_tiers, with file:line:col
 * errors for bad values; the client type the analyzer gives each flow;
 * and the inspector alerting a burst by its tier (a pasted document to a
 * prohibited web chat alerts, the same bytes from an agent do not).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/analyzer.h"
#include "classify/rules.h"
#include "dlp/inspect.h"
#include "output/event.h"
#include "test.h"

#define FIX	"tests/config/rules/"

static char dir[64];

static int
write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(s, f);
	return fclose(f);
}

/* A rules dir with the "ok" fixture's catalog and ${policy}. */
static int
mkrules(const char *policy)
{
	char cmd[256], p[128];

	snprintf(dir, sizeof(dir), "/tmp/st-tiers-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r " FIX "ok/catalog %s/", dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/policy.yaml", dir);
	return write_file(p, policy);
}

static void
rmrules(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
}

static const char TIERS[] =
    "thresholds:\n"
    "  upload_bytes: 65536\n"
    "  upload_tiers:\n"
    "    web: {prohibited: 8192, unreviewed: 8192, sanctioned: 1048576}\n"
    "    api: {prohibited: 32768}\n"
    "    agent: {prohibited: 262144, sanctioned: off}\n";

TEST(tiers_parsed)
{
	struct rules *r = NULL;
	const struct inspect_policy *ip;
	FILE *quiet = fopen("/dev/null", "w");
	int nerr = 0;

	ASSERT(mkrules(TIERS) == 0);
	ASSERT_EQ(rules_load(dir, quiet, 20000, &r, &nerr), 0);
	ip = &r->pol->ip;
	ASSERT_EQ(inspect_upload_threshold(ip, CT_WEB, VERDICT_PROHIBITED), 8192);
	ASSERT_EQ(inspect_upload_threshold(ip, CT_WEB, VERDICT_SANCTIONED), 1048576);
	/* not given: the single upload_bytes */
	ASSERT_EQ(inspect_upload_threshold(ip, CT_WEB, VERDICT_TOLERATED), 65536);
	ASSERT_EQ(inspect_upload_threshold(ip, CT_API, VERDICT_PROHIBITED), 32768);
	ASSERT_EQ(inspect_upload_threshold(ip, CT_API, VERDICT_UNREVIEWED), 65536);
	ASSERT_EQ(inspect_upload_threshold(ip, CT_AGENT, VERDICT_PROHIBITED), 262144);
	ASSERT(inspect_upload_threshold(ip, CT_AGENT, VERDICT_SANCTIONED) == UPLOAD_OFF);
	/* out of range indexes fall back too */
	ASSERT_EQ(inspect_upload_threshold(ip, CT__COUNT, VERDICT_PROHIBITED), 65536);
	rules_free(r);
	rmrules();
	fclose(quiet);
}

TEST(tiers_bad_values)
{
	struct rules *r = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int nerr = 0;

	ASSERT(mkrules("thresholds:\n"
	    "  upload_tiers:\n"
	    "    browser: {prohibited: 1000}\n"
	    "    web: {forbidden: 1000, prohibited: lots, unreviewed: 0}\n"
	    "    api: 5\n") == 0);
	ASSERT((mem = open_memstream(&buf, &len)) != NULL);
	ASSERT(rules_load(dir, mem, 20000, &r, &nerr) < 0);
	fclose(mem);
	ASSERT(r == NULL);
	ASSERT_EQ(nerr, 5);
	ASSERT(strstr(buf, "policy.yaml:3:5: error: unknown client type 'browser'") != NULL);
	ASSERT(strstr(buf, "policy.yaml:4:11: error: unknown verdict 'forbidden'") != NULL);
	ASSERT(strstr(buf, "policy.yaml:4:40: error: 'lots' is not an integer") != NULL);
	ASSERT(strstr(buf, "policy.yaml:4:58: error: 0 is out of range") != NULL);
	ASSERT(strstr(buf, "policy.yaml:5:10: error: an 'upload_tiers' entry must be a mapping") != NULL);
	free(buf);
	rmrules();
}

static struct flow fl;

static void
mkflow(const char *host)
{
	uint8_t plen;

	memset(&fl, 0, sizeof(fl));
	fl.cli_is_a = 1;
	(void)parse_cidr("192.0.2.10", fl.key.a.a, &plen);
	(void)parse_cidr("203.0.113.10", fl.key.b.a, &plen);
	fl.key.pa = 40000;
	fl.key.pb = 443;
	fl.key.proto = IPPROTO_TCP;
	fl.meta.app = APP_TLS;
	snprintf(fl.meta.host, sizeof(fl.meta.host), "%s", host);
	fl.meta.host_src = HOST_TLS_SNI;
	fl.meta.tls_hello = 1;
}

/* The shipped catalog: web UI, API host, coding agent.  anthropic-api is
 * [api, coding] (Claude Code and the SDKs share api.anthropic.com), so it
 * takes the agent tier: the larger one, no false alarms on agent turns. */
TEST(client_types)
{
	static const struct { const char *host; int ct; } cases[] = {
		{ "chatgpt.com", CT_WEB }, { "claude.ai", CT_WEB },
		{ "chat.mistral.ai", CT_WEB }, { "api.openai.com", CT_API },
		{ "api.anthropic.com", CT_AGENT }, { "api.mistral.ai", CT_API },
		{ "api.deepseek.com", CT_API }, { "chat.deepseek.com", CT_WEB },
		{ "openrouter.ai", CT_API }, { "api2.cursor.sh", CT_AGENT },
		{ "api.individual.githubcopilot.com", CT_AGENT },
		{ "openai.com", CT_WEB }, { NULL, 0 }
	};
	struct analyzer *a = NULL;
	FILE *quiet = fopen("/dev/null", "w");
	int i;

	ASSERT_EQ(analyzer_new(&a, "rules", NULL, quiet), 0);
	for (i = 0; cases[i].host != NULL; i++) {
		mkflow(cases[i].host);
		analyze_hello(a, &fl, 1000);
		ASSERT(fl.ai != NULL);
		if (fl.ai->client_type != cases[i].ct) {
			fprintf(stderr, "  %s: client type %d, want %d\n",
			    cases[i].host, fl.ai->client_type, cases[i].ct);
			ASSERT(0);
		}
		analyze_flow_end(a, &fl);
	}
	analyzer_free(a);
	fclose(quiet);
}

static int nalerts;
static uint64_t alert_thr;

static void
on_alert(void *arg, enum ev_type t, const struct flow *f, int d,
    uint64_t ts, const void *data)
{
	const struct alert_info *al = data;

	(void)arg; (void)f; (void)d; (void)ts;
	if (t == EV_ALERT && strcmp(al->kind, "upload") == 0) {
		nalerts++;
		alert_thr = al->threshold;
	}
}

/* The engine's wiring, in small: the inspector asks the analyzer. */
static const struct inspect_policy *
hook_policy(void *arg)
{
	return analyzer_inspect_policy(arg);
}

static struct dlp_engine *
hook_dlp(void *arg)
{
	return analyzer_dlp(arg);
}

static uint8_t BLOB[300000];

/* One burst of ${n} bytes in 1000-byte packets from a flow of ${ct} and
 * ${verdict}; returns the number of upload alerts. */
static int
burst(struct analyzer *an, int ct, int verdict, size_t n)
{
	struct inspector *in = NULL;
	struct ai_info ai;
	struct pkt k;
	uint32_t seq = 1;
	size_t off;

	nalerts = 0;
	alert_thr = 0;
	memset(&fl, 0, sizeof(fl));
	fl.cli_is_a = 1;
	fl.key.proto = IPPROTO_TCP;
	memset(&ai, 0, sizeof(ai));
	snprintf(ai.service, sizeof(ai.service), "chatgpt");
	ai.verdict = (uint8_t)verdict;
	ai.client_type = (uint8_t)ct;
	fl.ai = &ai;
	struct inspect_hooks h = { { on_alert, NULL }, hook_policy, hook_dlp,
	    an };

	if (inspector_new(&in, &h) < 0)
		return -1;
	for (off = 0; off < n; off += 1000) {
		memset(&k, 0, sizeof(k));
		k.ts_us = 1000000 + off;
		k.proto = IPPROTO_TCP;
		k.seq = seq;
		k.payload = BLOB + off;
		k.payload_len = (uint32_t)(n - off < 1000 ? n - off : 1000);
		seq += k.payload_len;
		inspect_packet(in, &fl, &k, 0);
	}
	inspect_flow_end(in, &fl);
	inspector_free(in);
	return nalerts;
}

TEST(inspector_uses_tiers)
{
	struct analyzer *a = NULL;
	FILE *quiet = fopen("/dev/null", "w");

	memset(BLOB, 'x', sizeof(BLOB));
	ASSERT(mkrules(TIERS) == 0);
	ASSERT_EQ(analyzer_new(&a, dir, NULL, quiet), 0);
	/* a pasted ~10 KB document to a prohibited web chat */
	ASSERT_EQ(burst(a, CT_WEB, VERDICT_PROHIBITED, 10500), 1);
	ASSERT_EQ(alert_thr, 8192);
	/* an ordinary chat turn does not */
	ASSERT_EQ(burst(a, CT_WEB, VERDICT_PROHIBITED, 3000), 0);
	/* the same 10 KB from an agent or an API client does not */
	ASSERT_EQ(burst(a, CT_AGENT, VERDICT_PROHIBITED, 10500), 0);
	ASSERT_EQ(burst(a, CT_API, VERDICT_PROHIBITED, 10500), 0);
	/* an agent turn of 200 KB stays below the agent tier, 280 KB not */
	ASSERT_EQ(burst(a, CT_AGENT, VERDICT_PROHIBITED, 200000), 0);
	ASSERT_EQ(burst(a, CT_AGENT, VERDICT_PROHIBITED, 280000), 1);
	ASSERT_EQ(alert_thr, 262144);
	/* off: never on size */
	ASSERT_EQ(burst(a, CT_AGENT, VERDICT_SANCTIONED, 290000), 0);
	/* no tier: upload_bytes */
	ASSERT_EQ(burst(a, CT_WEB, VERDICT_TOLERATED, 60000), 0);
	ASSERT_EQ(burst(a, CT_WEB, VERDICT_TOLERATED, 70000), 1);
	ASSERT_EQ(alert_thr, 65536);
	analyzer_free(a);
	rmrules();
	fclose(quiet);
}

int
main(void)
{
	RUN(tiers_parsed);
	RUN(tiers_bad_values);
	RUN(client_types);
	RUN(inspector_uses_tiers);
	return TEST_END();
}
