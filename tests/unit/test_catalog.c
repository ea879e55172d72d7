/*
 * test_catalog.c - the shipped catalog (rules/): vendor sites are a
 * category of their own with the verdict `interest` and no access alert,
 * while the products under the vendor's domain stay services; non-AI hosts
 * of shared SaaS are not attributed; lookalikes are rejected; exact-name
 * lookups (nameset_get) behind catalog_find_id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/analyzer.h"
#include "classify/rules.h"
#include "test.h"

static struct rules *R;
static int today;

static const char *
svc(const char *name)
{
	int s = catalog_match_name(R->cat, name, NULL);

	return s < 0 ? "(none)" : R->cat->svc[s].id;
}

static const char *
cat_of(const char *name)
{
	int s = catalog_match_name(R->cat, name, NULL);

	return s < 0 ? "(none)" : R->cat->svc[s].category;
}

static int
verdict_of(const char *name)
{
	struct pol_result r;
	int s = catalog_match_name(R->cat, name, NULL);

	if (s < 0)
		return -1;
	policy_eval(R->pol, R->cat, s, NULL, NULL, today, &r);
	return r.verdict;
}

TEST(vendor_sites_are_interest)
{
	static const char *const sites[] = { "openai.com", "www.openai.com",
	    "help.openai.com", "www.anthropic.com", "anthropic.com",
	    "docs.anthropic.com", "mistral.ai", "docs.mistral.ai",
	    "docs.claude.com", "deepmind.google", "docs.cohere.com",
	    "docs.x.ai", "docs.cursor.com", NULL };
	int i;

	for (i = 0; sites[i] != NULL; i++) {
		ASSERT_STR(cat_of(sites[i]), "vendor_site");
		ASSERT_EQ(verdict_of(sites[i]), VERDICT_INTEREST);
	}
	ASSERT_STR(vocab_name(&vocab_verdict, VERDICT_INTEREST), "interest");
	ASSERT_STR(vocab_label(&vocab_category, CAT_VENDOR_SITE, "en"),
	    "AI vendor website");
	ASSERT_EQ(vocab_lookup(&vocab_category, "vendor_site"), CAT_VENDOR_SITE);
}

TEST(products_under_vendor_domains)
{
	ASSERT_STR(svc("chat.openai.com"), "chatgpt");
	ASSERT_STR(svc("auth.openai.com"), "chatgpt");
	ASSERT_STR(svc("api.openai.com"), "openai-api");
	ASSERT_STR(svc("platform.openai.com"), "openai-api");
	ASSERT_STR(svc("api.anthropic.com"), "anthropic-api");
	ASSERT_STR(svc("console.anthropic.com"), "anthropic-api");
	ASSERT_STR(svc("claude.ai"), "claude");
	ASSERT_STR(svc("api.mistral.ai"), "mistral-ai");
	ASSERT_STR(svc("console.mistral.ai"), "mistral-ai");
	ASSERT_STR(svc("chat.mistral.ai"), "mistral-le-chat");
	ASSERT_STR(svc("codestral.mistral.ai"), "mistral-code");
	ASSERT_STR(svc("cohere.com"), "cohere");
	ASSERT_EQ(verdict_of("chat.openai.com"), VERDICT_PROHIBITED);
	ASSERT_EQ(verdict_of("chat.mistral.ai"), VERDICT_PROHIBITED);
}

TEST(lookalikes_rejected)
{
	static const char *const bad[] = { "xopenai.com", "openai.com.example.net",
	    "openai.co", "0penai.com", "chatgpt.com.example.org",
	    "mistral.ai.example", "xmistral.ai", "anthropic.co",
	    "notanthropic.com", "claude.ai.example.com", "deepmind.google.example",
	    "gemini.google.com.example.net", "copilot-microsoft.com", "com", "",
	    "api.vsegpt.ru.example.net", "xaihubmix.com", "jina.ai.example",
	    "notportkey.ai", "ima.qq.com.example.org",
	    NULL };
	int i;

	for (i = 0; bad[i] != NULL; i++)
		if (catalog_match_name(R->cat, bad[i], NULL) >= 0) {
			fprintf(stderr, "  lookalike %s matched %s\n", bad[i],
			    svc(bad[i]));
			ASSERT(0);
		}
}

TEST(shared_saas_not_attributed)
{
	static const char *const plain[] = { "www.notion.so", "notion.so",
	    "app.notion.com", "www.canva.com", "slack.com", "app.slack.com",
	    "zoom.us", "github.com", "api.github.com", "www.google.com",
	    "docs.google.com", "microsoft.com", "www.office.com",
	    "outlook.office.com", "www.bing.com", "api.atlassian.com",
	    "www.dropbox.com", "www.figma.com", "miro.com", "meta.com",
	    "www.linkedin.com", "amazonaws.com", "s3.amazonaws.com",
	    "login.microsoftonline.com", "googleapis.com", "gitee.com",
	    "www.qq.com", "qq.com", "www.baidu.com", "www.huawei.com",
	    "vercel.com", "www.capcut.com", "www.infomaniak.com", "zhihu.com",
	    "www.ctyun.cn", "lanyun.net", "oss.aliyuncs.com", "yandex.net",
	    "www.naver.com", "block.github.io", "app.clickup.com", NULL };
	int i, conf;

	for (i = 0; plain[i] != NULL; i++)
		if (catalog_match_name(R->cat, plain[i], NULL) >= 0) {
			fprintf(stderr, "  shared host %s matched %s\n", plain[i],
			    svc(plain[i]));
			ASSERT(0);
		}
	/* the AI feature on a shared host is named by its path only */
	ASSERT_EQ(catalog_match_http(R->cat, "www.notion.so", 443,
	    "/api/v3/loadPageChunk", &conf), -1);
	ASSERT_EQ(catalog_match_http(R->cat, "www.canva.com", 443,
	    "/design/abc/edit", &conf), -1);
	ASSERT_STR(R->cat->svc[catalog_match_http(R->cat, "www.notion.so", 443,
	    "/api/v3/getCompletion", &conf)].id, "notion-ai");
	ASSERT_EQ(conf, 85);
	/* AI-specific hosts of the same vendors are services */
	ASSERT_STR(svc("ai.gitee.com"), "gitee-ai");
	ASSERT_STR(svc("ima.qq.com"), "tencent-ima");
	ASSERT_STR(svc("chat.baidu.com"), "baidu-ai-search");
	ASSERT_STR(svc("ai-gateway.vercel.sh"), "vercel-ai-gateway");
	ASSERT_STR(svc("maas-api.lanyun.net"), "lanyun-maas");
	ASSERT_STR(svc("llm.api.cloud.yandex.net"), "yandex-foundation-models");
	ASSERT_STR(svc("gemini.google.com"), "gemini");
	ASSERT_STR(svc("copilot.microsoft.com"), "microsoft-copilot");
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
	fl.key.proto = 6;
	fl.meta.app = APP_TLS;
	snprintf(fl.meta.host, sizeof(fl.meta.host), "%s", host);
	fl.meta.host_src = HOST_TLS_SNI;
	fl.meta.tls_hello = 1;
}

/* Through the analyzer: a vendor-site visit is an ai event (category
 * vendor_site, verdict interest) and raises no access alert; the product
 * host next to it does. */
TEST(vendor_site_event_no_alert)
{
	struct analyzer *a = NULL;
	FILE *quiet = fopen("/dev/null", "w");
	uint64_t ts = (uint64_t)today * 86400ULL * 1000000ULL + 1000;

	ASSERT_EQ(analyzer_new(&a, "rules", NULL, quiet), 0);
	mkflow("www.openai.com");
	analyze_hello(a, &fl, ts);
	ASSERT(fl.ai != NULL);
	ASSERT_STR(fl.ai->service, "openai-site");
	ASSERT_STR(fl.ai->category, "vendor_site");
	ASSERT_EQ(fl.ai->verdict, VERDICT_INTEREST);
	ASSERT(!(fl.alerted & ANALYZER_ALERTED_ACCESS));
	analyze_flow_end(a, &fl);
	mkflow("chat.openai.com");
	analyze_hello(a, &fl, ts);
	ASSERT(fl.ai != NULL);
	ASSERT_STR(fl.ai->service, "chatgpt");
	ASSERT_EQ(fl.ai->verdict, VERDICT_PROHIBITED);
	ASSERT(fl.alerted & ANALYZER_ALERTED_ACCESS);
	analyze_flow_end(a, &fl);
	analyzer_free(a);
	fclose(quiet);
}

TEST(find_id_exact)
{
	int i = catalog_find_id(R->cat, "chatgpt");

	ASSERT(i >= 0);
	ASSERT_STR(R->cat->svc[i].id, "chatgpt");
	ASSERT_EQ(catalog_find_id(R->cat, "chatgp"), -1);
	ASSERT_EQ(catalog_find_id(R->cat, "xchatgpt"), -1);
	ASSERT_EQ(catalog_find_id(R->cat, "CHATGPT-"), -1);
	ASSERT_EQ(catalog_find_id(R->cat, ""), -1);
}

int
main(void)
{
	int nerr = 0;
	FILE *quiet = fopen("/dev/null", "w");

	if (cat_parse_date("2026-12-03", &today) < 0 ||
	    rules_load("rules", quiet, today, &R, &nerr) < 0) {
		printf("not ok - load shipped rules (%d errors)\n", nerr);
		return 1;
	}
	fclose(quiet);
	RUN(vendor_sites_are_interest);
	RUN(products_under_vendor_domains);
	RUN(lookalikes_rejected);
	RUN(shared_saas_not_attributed);
	RUN(vendor_site_event_no_alert);
	RUN(find_id_exact);
	rules_free(R);
	return TEST_END();
}
