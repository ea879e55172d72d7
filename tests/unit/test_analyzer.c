/*
 * test_analyzer.c - catalog matching (lookalikes, self-hosted, IP ranges),
 * DNS-answer correlation, policy verdicts/zones/exceptions, lint fixtures
 * with pinned messages, reload keeping the old rules, and the hooks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify/analyzer.h"
#include "classify/dnscache.h"
#include "classify/rules.h"
#include "test.h"

#define FIX	"tests/config/rules/"

static struct rules *R;
static int today;

static const uint8_t *
ip(const char *s)
{
	static uint8_t buf[4][16];
	static int k;
	uint8_t plen;

	k = (k + 1) % 4;
	if (parse_cidr(s, buf[k], &plen) < 0)
		return NULL;
	return buf[k];
}

static int
svc_of(const char *name)
{
	int s = catalog_match_name(R->cat, name, NULL);

	return s;
}

static const char *
id_of(int s)
{
	return s < 0 ? "(none)" : R->cat->svc[s].id;
}

TEST(match_names)
{
	int kind = -1;

	ASSERT_STR(id_of(svc_of("chat.openai.com")), "chatgpt");
	ASSERT_STR(id_of(svc_of("CHAT.OPENAI.COM.")), "chatgpt");
	ASSERT_STR(id_of(svc_of("chatgpt.com")), "chatgpt");
	ASSERT_STR(id_of(svc_of("ab.cd.chatgpt.com")), "chatgpt");
	ASSERT_STR(id_of(svc_of("sora.chatgpt.com")), "sora");
	ASSERT_STR(id_of(svc_of("x.Sora.ChatGPT.com")), "sora");
	ASSERT_EQ(svc_of("xchatgpt.com"), -1);
	ASSERT_EQ(svc_of("xopenai.com"), -1);
	ASSERT_EQ(svc_of("openai.com"), -1);
	ASSERT_EQ(svc_of("openai.com.example.net"), -1);
	ASSERT_EQ(svc_of("chat.openai.com.example.net"), -1);
	ASSERT_EQ(svc_of("hat.openai.com"), -1);
	ASSERT_EQ(svc_of(""), -1);
	ASSERT_EQ(svc_of("."), -1);
	ASSERT_EQ(svc_of("com"), -1);
	ASSERT_EQ(svc_of("..chatgpt.com"), catalog_find_id(R->cat, "chatgpt"));
	ASSERT_STR(id_of(catalog_match_name(R->cat, "api.openai.com", &kind)),
	    "openai-api");
	ASSERT_EQ(kind, CAT_KIND_API);
	ASSERT_STR(id_of(catalog_match_name(R->cat, "platform.openai.com", &kind)),
	    "openai-api");
	ASSERT_EQ(kind, CAT_KIND_DOMAIN);
}

TEST(match_http_selfhosted)
{
	int conf = 0;

	ASSERT_STR(id_of(catalog_match_http(R->cat, "box", 11434, "/api/generate",
	    &conf)), "ollama");
	ASSERT_EQ(conf, 90);
	ASSERT_STR(id_of(catalog_match_http(R->cat, "", 8000,
	    "/v1/chat/completions?x=1", &conf)), "oai-compat");
	ASSERT_EQ(conf, 90);
	/* a specific path on another port: lower confidence */
	ASSERT_STR(id_of(catalog_match_http(R->cat, "", 9999,
	    "/v1/chat/completions", &conf)), "oai-compat");
	ASSERT_EQ(conf, 60);
	/* a port alone never counts; a generic path needs the port */
	ASSERT_EQ(catalog_match_http(R->cat, "", 11434, "/", &conf), -1);
	ASSERT_EQ(catalog_match_http(R->cat, "", 11434, "/index.html", &conf), -1);
	ASSERT_EQ(catalog_match_http(R->cat, "", 9999, "/info", &conf), -1);
	ASSERT_STR(id_of(catalog_match_http(R->cat, "", 8000, "/info", &conf)),
	    "oai-compat");
	/* shared host: only with the path */
	ASSERT_STR(id_of(catalog_match_http(R->cat, "substrate.office.com", 443,
	    "/m365chat/Chathub", &conf)), "m365");
	ASSERT_EQ(conf, 85);
	ASSERT_EQ(catalog_match_http(R->cat, "substrate.office.com", 443, "/owa/",
	    &conf), -1);
}

TEST(match_body_and_ip)
{
	const char *b1 = "{\"jsonrpc\":\"2.0\",\"id\":1, \"method\" :\n \"tools/call\"}";
	const char *b2 = "{\"method\":\"tools/list\"}";

	ASSERT_STR(id_of(catalog_match_body(R->cat, (const uint8_t *)b1,
	    strlen(b1))), "mcp");
	ASSERT_EQ(catalog_match_body(R->cat, (const uint8_t *)b2, strlen(b2)), -1);
	ASSERT_STR(id_of(catalog_match_ip(R->cat, ip("160.79.105.7"))), "anthropic-api");
	ASSERT_STR(id_of(catalog_match_ip(R->cat, ip("2607:6bc0::10"))), "anthropic-api");
	ASSERT_EQ(catalog_match_ip(R->cat, ip("160.79.106.1")), -1);
	ASSERT_EQ(catalog_match_ip(R->cat, ip("2607:6bc1::1")), -1);
}

static int
is_ai(void *arg, const char *name)
{
	(void)arg;
	return catalog_match_name(R->cat, name, NULL) >= 0;
}

static void
add_answer(struct dns_msg *d, const char *owner, uint16_t type,
    const char *data, const char *addr, uint32_t ttl)
{
	struct dns_answer *a = &d->answers[d->n_answers++];
	const uint8_t *x;

	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", owner);
	a->rrtype = type;
	a->ttl = ttl;
	snprintf(a->data, sizeof(a->data), "%s", data ? data : addr);
	if (addr != NULL) {
		x = ip(addr);
		if (type == 1) {
			memcpy(a->addr, x + 12, 4);
			a->addr_len = 4;
		} else {
			memcpy(a->addr, x, 16);
			a->addr_len = 16;
		}
	}
}

static struct dns_msg dm;

TEST(dnscache_cname_ttl)
{
	struct dnscache *c = dnscache_new(64);
	uint8_t cli[16];
	uint64_t t0 = 1000000000ULL * 1000000ULL;

	ASSERT(c != NULL);
	memcpy(cli, ip("192.0.2.10"), 16);
	memset(&dm, 0, sizeof(dm));
	dm.qr = 1;
	snprintf(dm.qname, sizeof(dm.qname), "chat.openai.com");
	/* answers out of order: the A records first, then the CNAMEs */
	add_answer(&dm, "e1.edge.example", 1, NULL, "203.0.113.10", 300);
	add_answer(&dm, "e1.edge.example", 1, NULL, "203.0.113.11", 300);
	add_answer(&dm, "chat.openai.com.cdn.example", 5, "e1.edge.example", NULL, 300);
	add_answer(&dm, "chat.openai.com", 5, "chat.openai.com.cdn.example", NULL, 300);
	add_answer(&dm, "unrelated.example", 1, NULL, "203.0.113.99", 300);
	ASSERT_EQ(dnscache_answer(c, cli, &dm, is_ai, NULL, t0), 2);
	ASSERT_STR(dnscache_get(c, cli, ip("203.0.113.10"), t0 + 1), "chat.openai.com");
	ASSERT_STR(dnscache_get(c, cli, ip("203.0.113.11"), t0 + 1), "chat.openai.com");
	ASSERT(dnscache_get(c, cli, ip("203.0.113.99"), t0 + 1) == NULL);
	/* per client */
	ASSERT(dnscache_get(c, ip("192.0.2.20"), ip("203.0.113.10"), t0) == NULL);
	/* TTL */
	ASSERT(dnscache_get(c, cli, ip("203.0.113.10"), t0 + 299000000ULL) != NULL);
	ASSERT(dnscache_get(c, cli, ip("203.0.113.10"), t0 + 300000000ULL) == NULL);
	/* a non-AI question whose chain reaches an AI name */
	memset(&dm, 0, sizeof(dm));
	dm.qr = 1;
	snprintf(dm.qname, sizeof(dm.qname), "ai.intranet.example");
	add_answer(&dm, "ai.intranet.example", 5, "api.openai.com", NULL, 86400);
	add_answer(&dm, "api.openai.com", 28, NULL, "2001:db8::1", 86400);
	ASSERT_EQ(dnscache_answer(c, cli, &dm, is_ai, NULL, t0), 1);
	ASSERT_STR(dnscache_get(c, cli, ip("2001:db8::1"), t0), "api.openai.com");
	/* TTL capped at an hour */
	ASSERT(dnscache_get(c, cli, ip("2001:db8::1"), t0 + 3601000000ULL) == NULL);
	/* nothing AI: nothing kept */
	memset(&dm, 0, sizeof(dm));
	dm.qr = 1;
	snprintf(dm.qname, sizeof(dm.qname), "www.example.org");
	add_answer(&dm, "www.example.org", 1, NULL, "203.0.113.80", 300);
	ASSERT_EQ(dnscache_answer(c, cli, &dm, is_ai, NULL, t0), 0);
	dnscache_free(c);
}

TEST(dnscache_memory_cap)
{
	struct dnscache *c = dnscache_new(16);
	uint8_t cli[16], srv[16];
	uint64_t t0 = 5000000;
	int i;

	ASSERT(c != NULL);
	memcpy(cli, ip("192.0.2.10"), 16);
	memcpy(srv, ip("203.0.113.0"), 16);
	for (i = 0; i < 20; i++) {
		srv[15] = (uint8_t)i;
		dnscache_put(c, cli, srv, "chatgpt.com", 300, t0);
	}
	srv[15] = 3;
	ASSERT(dnscache_get(c, cli, srv, t0) == NULL);	/* overwritten */
	srv[15] = 4;
	ASSERT(dnscache_get(c, cli, srv, t0) != NULL);
	srv[15] = 19;
	ASSERT_STR(dnscache_get(c, cli, srv, t0), "chatgpt.com");
	ASSERT_EQ(dnscache_stats(c)->overwritten, 4);
	/* refreshing an entry does not take a new slot */
	dnscache_put(c, cli, srv, "api.openai.com", 300, t0);
	ASSERT_STR(dnscache_get(c, cli, srv, t0), "api.openai.com");
	srv[15] = 4;
	ASSERT(dnscache_get(c, cli, srv, t0) != NULL);
	dnscache_free(c);
}

static struct pol_result
eval(const char *svc, const char *cli, const char *srv, int day)
{
	struct pol_result r;

	policy_eval(R->pol, R->cat, catalog_find_id(R->cat, svc),
	    cli ? ip(cli) : NULL, srv ? ip(srv) : NULL, day, &r);
	return r;
}

TEST(policy_verdicts)
{
	struct pol_result r;

	r = eval("chatgpt", "192.0.2.10", "203.0.113.10", today);
	ASSERT_EQ(r.verdict, VERDICT_PROHIBITED);
	ASSERT_STR(r.rule, "default:category:chat");
	ASSERT_STR(r.severity, "high");
	r = eval("mistral", "192.0.2.10", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_TOLERATED);
	ASSERT_STR(r.rule, "eu-chat");
	ASSERT(r.severity == NULL);
	r = eval("m365", "192.0.2.10", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_SANCTIONED);
	ASSERT_STR(r.rule, "default:service:m365");
	r = eval("anthropic-api", "192.0.2.10", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_UNREVIEWED);
	ASSERT_STR(r.rule, "default");
	ASSERT_STR(r.severity, "low");
}

TEST(policy_zones)
{
	struct pol_result r;

	r = eval("ollama", "192.0.2.10", "10.1.2.3", today);
	ASSERT_EQ(r.verdict, VERDICT_TOLERATED);
	ASSERT_STR(r.rule, "selfhosted-intranet");
	r = eval("ollama", "192.0.2.10", "fd00::114", today);
	ASSERT_EQ(r.verdict, VERDICT_TOLERATED);
	r = eval("ollama", "192.0.2.10", "198.51.100.114", today);
	ASSERT_EQ(r.verdict, VERDICT_UNREVIEWED);
	r = eval("ollama", "192.0.2.10", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_UNREVIEWED);
	r = eval("openai-api", "2001:db8:42::5", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_TOLERATED);
	ASSERT_STR(r.rule, "lab-api");
	ASSERT_STR(r.severity, "info");
	r = eval("openai-api", "10.43.0.1", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_UNREVIEWED);
	ASSERT_STR(policy_zone(R->pol, ip("10.42.9.9")), "intranet");
	ASSERT(policy_zone(R->pol, ip("192.0.2.1")) == NULL);
}

TEST(policy_exceptions)
{
	struct pol_result r;
	int d0, d1, d2;

	ASSERT_EQ(cat_parse_date("2026-01-01", &d0), 0);
	ASSERT_EQ(cat_parse_date("2027-06-30", &d1), 0);
	ASSERT_EQ(cat_parse_date("2027-07-01", &d2), 0);
	r = eval("chatgpt", "10.42.1.1", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_SANCTIONED);
	ASSERT_STR(r.rule, "exception:chatgpt-comms");
	ASSERT_STR(r.exception, "chatgpt-comms");
	ASSERT_EQ(r.exception_expired, 0);
	r = eval("chatgpt", "10.42.1.1", NULL, d1);	/* last valid day */
	ASSERT_EQ(r.verdict, VERDICT_SANCTIONED);
	r = eval("chatgpt", "10.42.1.1", NULL, d2);	/* expired */
	ASSERT_EQ(r.verdict, VERDICT_PROHIBITED);
	ASSERT_EQ(r.exception_expired, 1);
	ASSERT_STR(r.exception, "chatgpt-comms");
	r = eval("chatgpt", "10.42.1.1", NULL, d0 - 1);	/* not yet valid */
	ASSERT_EQ(r.verdict, VERDICT_PROHIBITED);
	ASSERT_EQ(r.exception_expired, 0);
	r = eval("chatgpt", "10.1.1.1", NULL, today);	/* outside its zone */
	ASSERT_EQ(r.verdict, VERDICT_PROHIBITED);
	ASSERT_EQ(r.exception_expired, 0);
	r = eval("sora", "10.1.1.1", NULL, today);
	ASSERT_EQ(r.verdict, VERDICT_PROHIBITED);
	ASSERT_EQ(r.exception_expired, 1);
	ASSERT_STR(r.rule, "default:category:video");
}

TEST(policy_thresholds)
{
	const struct inspect_policy *ip2 = &R->pol->ip;

	ASSERT_EQ(ip2->upload_bytes, 100000);
	ASSERT_EQ(ip2->scan_budget, 4096);
	ASSERT_EQ(ip2->min_confidence, 70);
	ASSERT_EQ(ip2->baseline_factor, 10);
	ASSERT_STR(ip2->dlp_severity[VERDICT_PROHIBITED], "critical");
	ASSERT_STR(ip2->dlp_severity[VERDICT_SANCTIONED], "medium");
	ASSERT_STR(ip2->dlp_severity_non_ai, "info");
	ASSERT_STR(ip2->upload_severity[VERDICT_PROHIBITED], "high");
	ASSERT(R->dlp == NULL);
	ASSERT_EQ(strlen(R->version), 16);
}

static int
lint_fixture(const char *name, int want_rc)
{
	char dir[256], path[300], *buf = NULL, *exp = NULL;
	size_t len = 0, elen = 0;
	struct rules *r = NULL;
	FILE *mem, *f;
	int rc, nerr, ok;

	snprintf(dir, sizeof(dir), FIX "%s", name);
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	if ((mem = open_memstream(&buf, &len)) == NULL)
		return 0;
	rc = rules_load(dir, mem, today, &r, &nerr);
	fclose(mem);
	rules_free(r);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	exp = calloc(1, 65536);
	elen = fread(exp, 1, 65535, f);
	fclose(f);
	ok = rc == want_rc && elen == len && memcmp(exp, buf, len) == 0;
	if (!ok)
		fprintf(stderr, "  %s: rc %d, got:\n%s  expected:\n%s", name, rc,
		    buf, exp);
	free(buf);
	free(exp);
	return ok;
}

TEST(lint_fixtures)
{
	ASSERT(lint_fixture("ok", 0));
	ASSERT(lint_fixture("bad-catalog", -EINVAL));
	ASSERT(lint_fixture("bad-policy", -EINVAL));
	ASSERT(lint_fixture("yaml-syntax", -EINVAL));
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

TEST(reload_keeps_old_rules)
{
	char tmpl[] = "/tmp/st-rules-XXXXXX", cmd[256], pol[300], v1[17];
	const struct analyzer_stats *st;
	struct analyzer *a = NULL;
	FILE *quiet = fopen("/dev/null", "w");

	ASSERT(mkdtemp(tmpl) != NULL);
	snprintf(cmd, sizeof(cmd), "cp -r " FIX "ok/catalog " FIX "ok/policy.yaml %s/",
	    tmpl);
	ASSERT(system(cmd) == 0);
	snprintf(pol, sizeof(pol), "%s/policy.yaml", tmpl);
	ASSERT_EQ(analyzer_new(&a, tmpl, NULL, quiet), 0);
	st = analyzer_stats(a);
	snprintf(v1, sizeof(v1), "%s", st->version);
	ASSERT_EQ(strlen(v1), 16);
	ASSERT_EQ(analyzer_inspect_policy(a)->upload_bytes, 100000);
	ASSERT(write_file(pol, "rules:\n  - id: x\n    match: {zone: nowhere}\n"
	    "    verdict: prohibited\n") == 0);
	fflush(stderr);		/* reload diagnostics go to stderr */
	ASSERT_EQ(analyzer_reload(a, 0), -EINVAL);
	ASSERT_EQ(st->reload_failures, 1);
	ASSERT_STR(st->version, v1);
	ASSERT_EQ(analyzer_inspect_policy(a)->upload_bytes, 100000);
	/* A policy whose rules all went is refused too (issue 15). */
	ASSERT(write_file(pol, "thresholds: {upload_bytes: 5000}\n") == 0);
	ASSERT_EQ(analyzer_reload(a, 0), -EINVAL);
	ASSERT_EQ(st->reload_failures, 2);
	ASSERT_STR(st->version, v1);
	ASSERT_EQ(analyzer_inspect_policy(a)->upload_bytes, 100000);
	ASSERT(write_file(pol, "thresholds: {upload_bytes: 5000}\n"
	    "rules:\n  - id: lab\n    match: {category: self-hosted}\n"
	    "    verdict: tolerated\n") == 0);
	ASSERT_EQ(analyzer_reload(a, 0), 0);
	ASSERT_EQ(st->reloads, 1);
	ASSERT(strcmp(st->version, v1) != 0);
	ASSERT_EQ(analyzer_inspect_policy(a)->upload_bytes, 5000);
	/* An empty or missing policy.yaml is refused: the old one stays. */
	ASSERT(write_file(pol, "") == 0);
	ASSERT_EQ(analyzer_reload(a, 0), -EINVAL);
	ASSERT_EQ(st->reload_failures, 3);
	ASSERT_EQ(analyzer_inspect_policy(a)->upload_bytes, 5000);
	ASSERT(unlink(pol) == 0);
	ASSERT_EQ(analyzer_reload(a, 0), -EINVAL);
	ASSERT_EQ(st->reload_failures, 4);
	ASSERT_EQ(st->reloads, 1);
	ASSERT_EQ(analyzer_inspect_policy(a)->upload_bytes, 5000);
	/* ... unless the sensor config allows it (rules.allow_empty_policy):
	 * then the missing policy is loaded and the defaults apply. */
	analyzer_allow_empty_policy(a, 1);
	ASSERT_EQ(analyzer_reload(a, 0), 0);
	ASSERT_EQ(st->reloads, 2);
	ASSERT_EQ(st->reload_failures, 4);
	ASSERT(analyzer_inspect_policy(a)->upload_bytes != 5000);
	analyzer_free(a);
	fclose(quiet);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	ASSERT(system(cmd) == 0);
}

static struct flow fl;

static void
mkflow(const char *cli, const char *srv, uint16_t dport, int app)
{
	memset(&fl, 0, sizeof(fl));
	fl.cli_is_a = 1;
	memcpy(fl.key.a.a, ip(cli), 16);
	memcpy(fl.key.b.a, ip(srv), 16);
	fl.key.pa = 40000;
	fl.key.pb = dport;
	fl.key.proto = app == APP_QUIC ? 17 : 6;
	fl.meta.app = (uint8_t)app;
}

TEST(hooks)
{
	struct analyzer *a = NULL;
	struct http_req req;
	FILE *quiet = fopen("/dev/null", "w");
	uint64_t ts = (uint64_t)today * 86400ULL * 1000000ULL + 1000;

	ASSERT_EQ(analyzer_new(&a, FIX "ok", NULL, quiet), 0);
	/* SNI */
	mkflow("192.0.2.10", "203.0.113.10", 443, APP_TLS);
	snprintf(fl.meta.host, sizeof(fl.meta.host), "chat.openai.com");
	fl.meta.host_src = HOST_TLS_SNI;
	fl.meta.tls_hello = 1;
	analyze_hello(a, &fl, ts);
	ASSERT(fl.ai != NULL);
	ASSERT_STR(fl.ai->service, "chatgpt");
	ASSERT_EQ(fl.ai->matched_by, MB_TLS_SNI);
	ASSERT_EQ(fl.ai->verdict, VERDICT_PROHIBITED);
	ASSERT_EQ(fl.ai->tenant_ambiguous, 1);
	ASSERT(fl.alerted & ANALYZER_ALERTED_ACCESS);
	analyze_flow_end(a, &fl);
	ASSERT(fl.ai == NULL);
	/* DNS answer, then a flow without SNI to that address */
	mkflow("192.0.2.10", "198.51.100.53", 53, APP_DNS);
	memset(&dm, 0, sizeof(dm));
	dm.qr = 1;
	snprintf(dm.qname, sizeof(dm.qname), "chat.openai.com");
	add_answer(&dm, "chat.openai.com", 5, "x.cdn.example", NULL, 300);
	add_answer(&dm, "x.cdn.example", 1, NULL, "203.0.113.10", 300);
	analyze_dns(a, &fl, &dm, ts);
	ASSERT(fl.ai != NULL);
	ASSERT_EQ(fl.ai->matched_by, MB_DNS_QUERY);
	ASSERT_STR(fl.ai->host, "chat.openai.com");
	ASSERT(!(fl.alerted & ANALYZER_ALERTED_ACCESS));
	analyze_flow_end(a, &fl);
	mkflow("192.0.2.10", "203.0.113.10", 443, APP_TLS);
	fl.meta.tls_hello = 1;
	analyze_hello(a, &fl, ts + 1000);
	ASSERT(fl.ai != NULL);
	ASSERT_EQ(fl.ai->matched_by, MB_DNS_ANSWER);
	ASSERT_EQ(fl.vis_flags & (1u << VIS_TLS_NO_SNI), 0);
	analyze_flow_end(a, &fl);
	/* ECH with an outer name: still attributed from the answer */
	mkflow("192.0.2.10", "203.0.113.10", 443, APP_TLS);
	snprintf(fl.meta.host, sizeof(fl.meta.host), "cloudflare-ech.com");
	fl.meta.host_src = HOST_TLS_SNI;
	fl.meta.ech = 1;
	fl.meta.tls_hello = 1;
	analyze_hello(a, &fl, ts + 2000);
	ASSERT(fl.ai != NULL && fl.ai->matched_by == MB_DNS_ANSWER);
	ASSERT(fl.vis_flags & (1u << VIS_ECH));
	analyze_flow_end(a, &fl);
	/* another client: not explained */
	mkflow("192.0.2.20", "203.0.113.10", 443, APP_TLS);
	fl.meta.tls_hello = 1;
	analyze_hello(a, &fl, ts + 3000);
	ASSERT(fl.ai == NULL);
	ASSERT(fl.vis_flags & (1u << VIS_TLS_NO_SNI));
	analyze_flow_end(a, &fl);
	/* vendor IP range */
	mkflow("192.0.2.20", "160.79.104.9", 443, APP_TLS);
	fl.meta.tls_hello = 1;
	analyze_hello(a, &fl, ts);
	ASSERT(fl.ai != NULL && fl.ai->matched_by == MB_IP);
	ASSERT_STR(fl.ai->service, "anthropic-api");
	analyze_flow_end(a, &fl);
	/* self-hosted over HTTP */
	mkflow("192.0.2.10", "10.0.0.114", 11434, APP_HTTP);
	memset(&req, 0, sizeof(req));
	snprintf(req.host, sizeof(req.host), "ollama.intranet.example");
	snprintf(req.uri, sizeof(req.uri), "/api/generate");
	analyze_http(a, &fl, &req, ts);
	ASSERT(fl.ai != NULL && fl.ai->matched_by == MB_PORT_PATH);
	ASSERT_EQ(fl.ai->verdict, VERDICT_TOLERATED);
	analyze_flow_end(a, &fl);
	/* DoT, canary, VPN, QUIC without a readable Initial */
	mkflow("192.0.2.10", "203.0.113.53", 853, APP_TLS);
	analyze_flow_end(a, &fl);
	ASSERT(fl.vis_flags & (1u << VIS_DOT));
	mkflow("192.0.2.10", "203.0.113.7", 51820, APP_OTHER);
	fl.key.proto = 17;
	analyze_flow_end(a, &fl);
	ASSERT(fl.vis_flags & (1u << VIS_VPN));
	mkflow("192.0.2.10", "203.0.113.7", 443, APP_QUIC);
	analyze_flow_end(a, &fl);
	ASSERT(fl.vis_flags & (1u << VIS_QUIC_NO_SNI));
	ASSERT(analyzer_stats(a)->blind_flows >= 2);
	analyzer_free(a);
	fclose(quiet);
}

TEST(body_markers)
{
	struct analyzer *a = NULL;
	FILE *quiet = fopen("/dev/null", "w");
	uint64_t ts = (uint64_t)today * 86400ULL * 1000000ULL + 1000;
	const char *mcp = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\": \"tools/call\","
	    "\"params\":{\"name\":\"search\"}}";
	const char *other = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sum\"}";

	ASSERT_EQ(analyzer_new(&a, FIX "ok", NULL, quiet), 0);
	/* JSON-RPC with an MCP method on an unknown host: attributed. */
	mkflow("192.0.2.10", "198.51.100.70", 9000, APP_HTTP);
	analyze_body(a, &fl, (const uint8_t *)mcp, strlen(mcp), ts);
	ASSERT(fl.ai != NULL);
	ASSERT_STR(fl.ai->service, "mcp");
	ASSERT_EQ(fl.ai->matched_by, MB_HTTP_BODY);
	ASSERT_STR(fl.ai->host, "198.51.100.70");
	analyze_flow_end(a, &fl);
	/* Other JSON-RPC: nothing. */
	mkflow("192.0.2.10", "198.51.100.70", 9000, APP_HTTP);
	analyze_body(a, &fl, (const uint8_t *)other, strlen(other), ts);
	ASSERT(fl.ai == NULL);
	analyze_flow_end(a, &fl);
	analyzer_free(a);
	fclose(quiet);
}

TEST(match_speed)
{
	static const char *names[] = { "chat.openai.com", "www.example.org",
	    "a.b.c.d.e.f.example.com", "api.openai.com", "xopenai.com" };
	struct timespec t0, t1;
	volatile int sink = 0;
	int i;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 1000000; i++)
		sink += catalog_match_name(R->cat, names[i % 5], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec -
	    t0.tv_nsec)) / 1e6;
	printf("# catalog_match_name: %.1f ns per lookup\n", ns);
	ASSERT(ns < 5000);
}

int
main(void)
{
	int nerr = 0;
	FILE *quiet = fopen("/dev/null", "w");

	if (cat_parse_date("2026-11-23", &today) < 0 ||
	    rules_load(FIX "ok", quiet, today, &R, &nerr) < 0) {
		printf("not ok - load fixture ok (%d errors)\n", nerr);
		return 1;
	}
	fclose(quiet);
	RUN(match_names);
	RUN(match_http_selfhosted);
	RUN(match_body_and_ip);
	RUN(dnscache_cname_ttl);
	RUN(dnscache_memory_cap);
	RUN(policy_verdicts);
	RUN(policy_zones);
	RUN(policy_exceptions);
	RUN(policy_thresholds);
	RUN(lint_fixtures);
	RUN(hooks);
	RUN(body_markers);
	RUN(match_speed);
	RUN(reload_keeps_old_rules);
	rules_free(R);
	return TEST_END();
}
