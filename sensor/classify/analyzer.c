/*
 * analyzer.c - the engine's classification hooks: attributes flows and
 * lookups to catalog services (SNI, Host, DNS, DNS answers, IP ranges,
 * self-hosted port+path), applies the policy, reports what cannot be seen,
 * and loads/reloads the rules bundle (parse, validate, swap).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/analyzer.h"
#include "common/clock.h"
#include "classify/dnscache.h"
#include "classify/rules.h"
#include "common/esc.h"
#include "common/counters.h"
#include "common/log.h"
#include "common/str.h"

#define AI_POOL		16384
#define DNSC_ENTRIES	65536
#define CANARY		"use-application-dns.net"


struct analyzer {
	struct ev_hook		 h;		/* installed by the engine */
	char			*dir;
	struct rules		*r;		/* NULL: nothing is classified */
	struct ai_info		*pool;
	uint32_t		*free_idx;
	uint32_t		 nfree;
	struct dnscache		*dc;
	struct dnscache		*dc_own;	/* freed with the analyzer */
	uint8_t			 quiet;		/* a worker: no policy events */
	struct inspect_policy	 ip_default;
	struct analyzer_stats	 st;
	uint8_t			 allow_empty;	/* a reload may empty the policy */
};

int
analyzer_share(struct analyzer *a, struct analyzer *from,
    const struct ev_hook *h)
{
	int rc;

	if (h != NULL)
		a->h = *h;
	a->quiet = 1;
	if (from == NULL || from->dc == NULL || a->dc == NULL)
		return 0;
	if ((rc = dnscache_share(from->dc)) < 0)
		return rc;
	dnscache_free(a->dc_own);
	a->dc_own = NULL;
	a->dc = from->dc;
	return 0;
}

void
analyzer_allow_empty_policy(struct analyzer *a, int yes)
{
	a->allow_empty = yes != 0;
}

/* A fact for the engine to turn into an event. */
static void
emit(struct analyzer *a, enum ev_type t, const struct flow *f, uint64_t ts,
    const void *data)
{
	ev_report(&a->h, t, f, 0, ts, data);
}

static void
policy_event(struct analyzer *a, const char *action, const char *summary,
    int errors, uint64_t ts)
{
	struct policy_event pe;

	if (a->quiet)
		return;
	memset(&pe, 0, sizeof(pe));
	str_lcpy(pe.action, action, sizeof(pe.action));
	str_lcpy(pe.version, a->r ? a->r->version : "", sizeof(pe.version));
	if (summary != NULL) {
		str_lcpy(pe.summary, summary, sizeof(pe.summary));
		pe.has_summary = 1;
	}
	pe.errors = errors;
	emit(a, EV_POLICY, NULL, ts, &pe);
}

/* ---- load, reload, lint ---- */

int
analyzer_new(struct analyzer **ap, const char *rules_dir,
    const struct ev_hook *h, FILE *errout)
{
	struct analyzer *a;
	char sum[256];
	uint32_t i;
	int rc = -ENOMEM, nerr;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	if (h != NULL)
		a->h = *h;
	a->ip_default.upload_bytes = 65536;
	a->ip_default.baseline_factor = 10;
	a->ip_default.baseline_min_bytes = 1 << 20;
	a->ip_default.scan_budget = 1 << 20;
	a->ip_default.min_confidence = 65;
	for (i = 0; i < VERDICT__COUNT; i++)
		a->ip_default.dlp_severity[i] = a->ip_default.upload_severity[i] =
		    "medium";
	a->ip_default.dlp_severity_non_ai = "low";
	if (rules_dir == NULL) {
		*ap = a;
		return 0;
	}
	if ((a->dir = strdup(rules_dir)) == NULL ||
	    (a->pool = calloc(AI_POOL, sizeof(*a->pool))) == NULL ||
	    (a->free_idx = calloc(AI_POOL, sizeof(*a->free_idx))) == NULL ||
	    (a->dc = a->dc_own = dnscache_new(DNSC_ENTRIES)) == NULL)
		goto err;
	for (i = 0; i < AI_POOL; i++)
		a->free_idx[i] = AI_POOL - 1 - i;
	a->nfree = AI_POOL;
	if ((rc = rules_load(rules_dir, errout, rules_today(clock_wall_us()),
	    &a->r, &nerr)) < 0) {
		fprintf(errout ? errout : stderr, "%s: %d error(s); rules not "
		    "loaded\n", rules_dir, nerr);
		goto err;
	}
	str_lcpy(a->st.version, a->r->version, sizeof(a->st.version));
	rules_summary(NULL, a->r, sum, sizeof(sum));
	log_info("rules %s loaded: %s", a->r->version, sum);
	policy_event(a, "load", sum, 0, clock_wall_us());
	*ap = a;
	return 0;
err:
	analyzer_free(a);
	return rc;
}

void
analyzer_free(struct analyzer *a)
{
	if (a == NULL)
		return;
	rules_free(a->r);
	dnscache_free(a->dc_own);
	free(a->pool);
	free(a->free_idx);
	free(a->dir);
	free(a);
}

const char *
analyzer_dir(const struct analyzer *a)
{
	return a->dir;
}

int
analyzer_set_dir(struct analyzer *a, const char *dir)
{
	char *d = NULL;

	if (dir != NULL && (d = strdup(dir)) == NULL)
		return -ENOMEM;
	free(a->dir);
	a->dir = d;
	return 0;
}

/*
 * analyzer_reload(a, ts):
 * Load the rules directory into a new bundle; on success swap it in (the
 * old one is freed: flows hold copies, the DNS cache holds names), else
 * keep the running rules.  Emits a policy event either way.
 */
/*
 * reload_empties(old, nr, sum, len): would ${nr} drop every decision the
 * running rules make (issue 15)?  A missing or empty policy.yaml, a policy
 * whose rules all went, or a catalog left without services; says which in
 * ${sum}.  rules.allow_empty_policy in the sensor config lets it through.
 */
static int
reload_empties(const struct rules *old, const struct rules *nr, char *sum,
    size_t len)
{
	const char *what = NULL;

	if (nr->pol != NULL && nr->pol->empty && old->pol != NULL &&
	    !old->pol->empty)
		what = "policy.yaml missing or empty";
	else if (nr->pol != NULL && old->pol != NULL && nr->pol->nrules == 0 &&
	    old->pol->nrules > 0)
		what = "every policy rule removed";
	else if (nr->cat != NULL && old->cat != NULL && nr->cat->nsvc == 0 &&
	    old->cat->nsvc > 0)
		what = "catalog without services";
	if (what == NULL)
		return 0;
	snprintf(sum, len, "%s: reload refused, keeping %s "
	    "(rules.allow_empty_policy: true allows it)", what, old->version);
	return 1;
}

int
analyzer_reload(struct analyzer *a, uint64_t ts)
{
	struct rules *nr = NULL, *old;
	char sum[512], *diag = NULL, *nl;
	size_t dlen = 0;
	uint64_t t0 = clock_mono_us();
	FILE *mem;
	int rc, nerr = 0;

	if (a->dir == NULL)
		return 0;
	if (ts == 0)
		ts = clock_wall_us();
	if ((mem = open_memstream(&diag, &dlen)) == NULL)
		return -ENOMEM;
	rc = rules_load(a->dir, mem, rules_today(ts), &nr, &nerr);
	fclose(mem);
	if (diag != NULL && dlen > 0)
		fputs(diag, stderr);
	if (rc < 0) {
		if (diag != NULL && (nl = strstr(diag, ": error: ")) != NULL) {
			while (nl > diag && nl[-1] != '\n')
				nl--;
			str_lcpy(sum, nl, sizeof(sum));
			if ((nl = strchr(sum, '\n')) != NULL)
				*nl = '\0';
		} else
			snprintf(sum, sizeof(sum), "rules could not be loaded (%s)",
			    strerror(-rc));
		a->st.reload_failures++;
		log_warnx("rules reload failed (%d errors); keeping %s", nerr,
		    a->r ? a->r->version : "no rules");
		policy_event(a, "reload_failed", sum, nerr, ts);
		free(diag);
		return -EINVAL;
	}
	free(diag);
	if (a->r != NULL && !a->allow_empty && (reload_empties(a->r, nr,
	    sum, sizeof(sum)))) {
		/* A reload must not silently drop every decision. */
		a->st.reload_failures++;
		log_warnx("%s", sum);
		policy_event(a, "reload_failed", sum, 1, ts);
		rules_free(nr);
		return -EINVAL;
	}
	rules_summary(a->r, nr, sum, sizeof(sum));
	old = a->r;
	a->r = nr;
	rules_free(old);
	a->st.reloads++;
	a->st.reload_us = clock_mono_us() - t0;
	str_lcpy(a->st.version, nr->version, sizeof(a->st.version));
	log_info("rules %s reloaded in %.2f ms: %s", nr->version,
	    (double)a->st.reload_us / 1000.0, sum);
	policy_event(a, "reload", sum, 0, ts);
	return 0;
}

int
analyzer_lint(const char *rules_dir, FILE *out)
{
	struct rules *r = NULL;
	int rc, nerr = 0;

	rc = rules_load(rules_dir, out, rules_today(clock_wall_us()), &r, &nerr);
	if (rc < 0) {
		fprintf(out, "%s: %d error(s)\n", rules_dir, nerr);
		return -EINVAL;
	}
	rules_free(r);
	return 0;
}

const struct inspect_policy *
analyzer_inspect_policy(const struct analyzer *a)
{
	return a->r ? &a->r->pol->ip : &a->ip_default;
}

struct dlp_engine *
analyzer_dlp(const struct analyzer *a)
{
	return a->r ? a->r->dlp : NULL;
}

const struct analyzer_stats *
analyzer_stats(const struct analyzer *a)
{
	return a ? &a->st : NULL;
}

/* EVE stats.shadowtap.ai and the stats table's ai.* rows. */
void
analyzer_counters(struct analyzer *a)
{
	static const char sect[] = "shadowtap.ai";
	struct analyzer_stats *st = &a->st;
	char db[48];
	int i;

	ctr_add(CTR_OWN_ENGINE, sect, "flows", "ai.flows", CTR_COUNTER,
	    &st->ai_flows, "flows attributed to an AI service");
	ctr_add(CTR_OWN_ENGINE, sect, "lookups", "ai.lookups", CTR_COUNTER,
	    &st->ai_lookups, "DNS transactions for AI names");
	ctr_add(CTR_OWN_ENGINE, sect, "alerts", "ai.alerts", CTR_COUNTER,
	    &st->alerts, "access alerts");
	ctr_add(CTR_OWN_ENGINE, sect, "pool_empty", NULL, CTR_COUNTER,
	    &st->pool_empty, "attributions without a pooled ai_info");
	for (i = 0; i < VIS__COUNT; i++) {
		if (i == VIS_DOC || i == VIS_DLP_BUDGET)
			continue;	/* raised and counted by the inspector */
		snprintf(db, sizeof(db), "ai.visibility.%s",
		    vocab_name(&vocab_vis_kind, i));
		ctr_add(CTR_OWN_ENGINE, "shadowtap.ai.visibility",
		    vocab_name(&vocab_vis_kind, i), db, CTR_COUNTER, &st->vis[i],
		    "flows the sensor cannot see into, by kind");
	}
	ctr_add(CTR_OWN_ENGINE, sect, "tls_quic_flows", "ai.tls_quic_flows",
	    CTR_COUNTER, &st->tls_quic_flows, "TLS/QUIC flows ended");
	ctr_add(CTR_OWN_ENGINE, sect, "blind_flows", "ai.blind_flows",
	    CTR_COUNTER, &st->blind_flows,
	    "TLS/QUIC flows whose server name stayed unknown");
	ctr_add2(CTR_OWN_ENGINE, sect, "blind_share", NULL, CTR_RATIO,
	    &st->blind_flows, &st->tls_quic_flows,
	    "blind_flows / tls_quic_flows");
	ctr_add(CTR_OWN_ENGINE, sect, "dns_remembered", NULL, CTR_COUNTER,
	    &st->dns_remembered, "addresses put in the answer cache");
	ctr_add(CTR_OWN_ENGINE, sect, "dns_attributed", NULL, CTR_COUNTER,
	    &st->dns_attributed, "flows attributed from the answer cache");
	ctr_add(CTR_OWN_ENGINE, sect, "reloads", NULL, CTR_COUNTER,
	    &st->reloads, "rules reloads");
	ctr_add(CTR_OWN_ENGINE, sect, "reload_failures", NULL, CTR_COUNTER,
	    &st->reload_failures, "rules reloads refused");
	ctr_add_str(CTR_OWN_ENGINE, sect, "policy_version", st->version,
	    "hash of the loaded rules");
}

/* ---- attribution ---- */

static void
visibility_n(struct analyzer *a, struct flow *f, enum vis_kind k,
    const char *detail, size_t dlen, uint64_t ts)
{
	struct visibility_info v;

	if (f->vis_flags & (1u << k))
		return;
	f->vis_flags |= (uint16_t)(1u << k);
	a->st.vis[k]++;
	memset(&v, 0, sizeof(v));
	str_lcpy(v.kind, vocab_name(&vocab_vis_kind, k), sizeof(v.kind));
	if (detail != NULL && dlen > 0) {
		/* length-delimited: the name may hold a NUL */
		if (dlen > sizeof(v.detail) - 1)
			dlen = sizeof(v.detail) - 1;
		memcpy(v.detail, detail, dlen);
		v.detail_len = (uint16_t)dlen;
		v.has_detail = 1;
	} else if (detail != NULL) {
		str_lcpy(v.detail, detail, sizeof(v.detail));
		v.has_detail = 1;
	}
	emit(a, EV_VISIBILITY, f, ts, &v);
}

static void
visibility(struct analyzer *a, struct flow *f, enum vis_kind k,
    const char *detail, uint64_t ts)
{
	visibility_n(a, f, k, detail, 0, ts);
}

/*
 * attr_name(a, f, name, len, ts): the part of a wire name the catalog is
 * asked about.  A NUL byte makes it an invalid host name that C code
 * would cut ("evil\0hidden.chat.openai.com" read as "evil"): the name is
 * attributed by what follows the last NUL and reported once per flow as a
 * name_nul visibility event carrying the whole name (escaped by the
 * outputs), so it is neither cut nor invisible (docs/SECURITY.md).
 */
static const char *
attr_name(struct analyzer *a, struct flow *f, const char *name, size_t len,
    uint64_t ts)
{
	if (memchr(name, '\0', len) == NULL)
		return name;
	visibility_n(a, f, VIS_NAME_NUL, name, len, ts);
	return str_name_tail(name, len);
}

static struct ai_info *
pool_get(struct analyzer *a)
{
	if (a->nfree == 0)
		return NULL;
	return &a->pool[a->free_idx[--a->nfree]];
}

static void
pool_put(struct analyzer *a, struct ai_info *ai)
{
	size_t idx = (size_t)(ai - a->pool);

	if (a->pool == NULL || idx >= AI_POOL) {
		log_warnx("analyzer: ai_info not from the pool");
		return;
	}
	a->free_idx[a->nfree++] = (uint32_t)idx;
}

/* Client type for the upload tiers: coding and agent services are agents;
 * a name from the service's api_hosts, or a service whose first category
 * is api or self-hosted, is API use; the rest is a web UI. */
static enum client_type
client_type(const struct catalog *cat, int svc, const char *host)
{
	const struct cat_service *s = &cat->svc[svc];
	int kind = CAT_KIND_DOMAIN, first;

	if (s->cats & ((1u << CAT_CODING) | (1u << CAT_AGENT)))
		return CT_AGENT;
	if (host != NULL && host[0] &&
	    catalog_match_name(cat, host, &kind) == svc && kind == CAT_KIND_API)
		return CT_API;
	/* a service that is first of all an API (its first category);
	 * [chat, api] services like deepseek have a web UI on the domain */
	first = cat_category_bit(s->category);
	if (first == CAT_API || first == CAT_SELF_HOSTED)
		return CT_API;
	return CT_WEB;
}

/* Attribute ${f} to service ${svc}; reports the ai fact and, for access
 * flows (${access}), the access alert the policy asks for. */
static void
attribute(struct analyzer *a, struct flow *f, int svc, enum matched_by mb,
    int conf, const char *host, size_t hlen, int access, uint64_t ts)
{
	const struct catalog *cat = a->r->cat;
	const struct cat_service *s = &cat->svc[svc];
	struct ai_info tmp, *ai = f->ai;
	struct pol_result pr;
	struct alert_info al;
	char sig[400], hesc[300];

	if (ai == NULL && (ai = pool_get(a)) == NULL) {
		a->st.pool_empty++;
		ai = &tmp;
	}
	memset(ai, 0, sizeof(*ai));
	str_lcpy(ai->service, s->id, sizeof(ai->service));
	str_lcpy(ai->name, s->name, sizeof(ai->name));
	str_lcpy(ai->vendor, s->vendor, sizeof(ai->vendor));
	str_lcpy(ai->category, s->category, sizeof(ai->category));
	if (host == NULL)
		hlen = 0;
	else if (hlen == 0)
		hlen = strlen(host);
	if (hlen > sizeof(ai->host) - 1)
		hlen = sizeof(ai->host) - 1;
	if (hlen > 0)
		memcpy(ai->host, host, hlen);
	ai->host[hlen] = '\0';
	ai->host_len = (uint16_t)hlen;
	str_lcpy(ai->policy_version, a->r->version, sizeof(ai->policy_version));
	policy_eval(a->r->pol, cat, svc, flow_cli_ip(f)->a, flow_srv_ip(f)->a,
	    rules_today(ts), &pr);
	str_lcpy(ai->rule, pr.rule, sizeof(ai->rule));
	if (pr.exception != NULL)
		str_lcpy(ai->exception, pr.exception, sizeof(ai->exception));
	ai->exception_expired = pr.exception_expired;
	ai->matched_by = (uint8_t)mb;
	ai->confidence = (uint8_t)conf;
	ai->verdict = pr.verdict;
	ai->tenant_ambiguous = s->tenant_ambiguous;
	ai->client_type = (uint8_t)client_type(cat, svc, host);
	ai->logged = 1;
	if (ai != &tmp)
		f->ai = ai;
	if (access)
		a->st.ai_flows++;
	else
		a->st.ai_lookups++;
	emit(a, EV_AI, f, ts, ai);
	if (!access || pr.severity == NULL ||
	    (f->alerted & ANALYZER_ALERTED_ACCESS))
		return;
	f->alerted |= ANALYZER_ALERTED_ACCESS;
	a->st.alerts++;
	(void)esc_bytes(hesc, sizeof(hesc), ai->host, ai->host_len, ESC_TEXT);
	snprintf(sig, sizeof(sig), "%s AI service: %s (%s)",
	    vocab_name(&vocab_verdict, (enum verdict)pr.verdict), s->name, hesc);
	memset(&al, 0, sizeof(al));
	str_lcpy(al.kind, "access", sizeof(al.kind));
	ALERT_SET(&al, AL_SEVERITY, severity, pr.severity);
	ALERT_SET(&al, AL_RULE, rule, ai->rule);
	ALERT_SET(&al, AL_SIGNATURE, signature, sig);
	emit(a, EV_ALERT, f, ts, &al);
}

static int
host_is_sni(const struct flow *f)
{
	return flow_host_len(&f->meta) != 0 && (f->meta.host_src == HOST_TLS_SNI ||
	    f->meta.host_src == HOST_QUIC_SNI);
}

/* No usable name: the DNS answer cache, then vendor IP ranges.  Returns
 * 1 when attributed, 0 when a DNS answer explained the address, -1 when
 * nothing did. */
static int
by_address(struct analyzer *a, struct flow *f, uint64_t ts)
{
	const char *name;
	char ip[64];
	int svc;

	name = dnscache_get(a->dc, flow_cli_ip(f)->a, flow_srv_ip(f)->a, ts);
	if (name != NULL && (svc = catalog_match_name(a->r->cat, name, NULL)) >= 0) {
		a->st.dns_attributed++;
		attribute(a, f, svc, MB_DNS_ANSWER, 75, name, 0, 1, ts);
		return 1;
	}
	if ((svc = catalog_match_ip(a->r->cat, flow_srv_ip(f)->a)) >= 0) {
		ip_addr_str(flow_srv_ip(f), ip, sizeof(ip));
		if (host_is_sni(f))
			attribute(a, f, svc, MB_IP, 50, f->meta.host,
			    flow_host_len(&f->meta), 1, ts);
		else
			attribute(a, f, svc, MB_IP, 50, ip, 0, 1, ts);
		return 1;
	}
	return name != NULL ? 0 : -1;
}

void
analyze_hello(struct analyzer *a, struct flow *f, uint64_t ts)
{
	int quic = f->meta.app == APP_QUIC, sni = host_is_sni(f), svc;
	size_t hl = flow_host_len(&f->meta);
	const char *h;

	if (a->r == NULL)
		return;
	h = sni ? attr_name(a, f, f->meta.host, hl, ts) : NULL;
	if (f->meta.ech)
		visibility(a, f, VIS_ECH, h, ts);
	if (!quic && flow_srv_port(f) == 853)
		visibility(a, f, VIS_DOT, h, ts);
	else if (sni && nameset_find(a->r->pol->doh, h, (size_t)-1, NULL) >= 0)
		visibility(a, f, VIS_DOH, h, ts);
	if (f->ai != NULL)
		return;
	if (sni && (svc = catalog_match_name(a->r->cat, h, NULL)) >= 0) {
		attribute(a, f, svc, quic ? MB_QUIC_SNI : MB_TLS_SNI, 95,
		    f->meta.host, hl, 1, ts);
		return;
	}
	if (sni && !f->meta.ech)
		return;
	if (by_address(a, f, ts) < 0 && !sni)
		visibility(a, f, quic ? VIS_QUIC_NO_SNI : VIS_TLS_NO_SNI,
		    "no server name and no DNS answer for this address", ts);
}

void
analyze_name(struct analyzer *a, struct flow *f, uint64_t ts)
{
	size_t hl = flow_host_len(&f->meta);
	enum matched_by mb;
	int svc;

	if (a->r == NULL || f->ai != NULL || hl == 0 ||
	    (svc = catalog_match_name(a->r->cat,
	    attr_name(a, f, f->meta.host, hl, ts), NULL)) < 0)
		return;
	switch (f->meta.host_src) {
	case HOST_TLS_SNI: mb = MB_TLS_SNI; break;
	case HOST_QUIC_SNI: mb = MB_QUIC_SNI; break;
	case HOST_HTTP: mb = MB_HTTP_HOST; break;
	case HOST_DNS: mb = MB_DNS_QUERY; break;
	default: mb = MB_TLS_SNI; break;
	}
	attribute(a, f, svc, mb, 80, f->meta.host, hl, mb != MB_DNS_QUERY, ts);
}

static int
is_ai_name(void *arg, const char *name)
{
	struct analyzer *a = arg;

	return catalog_match_name(a->r->cat, name, NULL) >= 0;
}

void
analyze_dns(struct analyzer *a, struct flow *f, const struct dns_msg *d,
    uint64_t ts)
{
	const char *q;
	int svc;

	if (a->r == NULL)
		return;
	q = attr_name(a, f, d->qname, d->qname_len, ts);
	if (strcmp(d->qname, CANARY) == 0 || strcmp(d->qname, CANARY ".") == 0)
		visibility(a, f, VIS_CANARY, d->qname, ts);
	if (d->qr && d->rcode == 0 && d->n_answers > 0)
		a->st.dns_remembered += (uint64_t)dnscache_answer(a->dc,
		    flow_cli_ip(f)->a, d, is_ai_name, a, ts);
	if ((svc = catalog_match_name(a->r->cat, q, NULL)) < 0)
		return;
	/* One ai event per query; a response alone (query not seen) also
	 * counts, its own query's event already covers it otherwise. */
	if (d->qr == 0 || f->ai == NULL || f->ai->host_len != d->qname_len ||
	    memcmp(f->ai->host, d->qname, d->qname_len) != 0)
		attribute(a, f, svc, MB_DNS_QUERY, 80, d->qname, d->qname_len,
		    0, ts);
}

/* The path of a request-target (origin or absolute form). */
static const char *
uri_path(const char *uri)
{
	const char *p;

	if (uri[0] == '/')
		return uri;
	if ((p = strstr(uri, "://")) != NULL && (p = strchr(p + 3, '/')) != NULL)
		return p;
	return "/";
}

void
analyze_http(struct analyzer *a, struct flow *f, const struct http_req *r,
    uint64_t ts)
{
	const char *path = uri_path(r->uri), *h;
	char ip[64];
	int svc, conf;

	if (a->r == NULL)
		return;
	h = attr_name(a, f, r->host, r->host_len, ts);
	if (strncmp(path, "/dns-query", 10) == 0 ||
	    (h[0] && nameset_find(a->r->pol->doh, h, (size_t)-1, NULL) >= 0))
		visibility(a, f, VIS_DOH, h[0] ? h : path, ts);
	if (f->ai != NULL)
		return;
	if (h[0] && (svc = catalog_match_name(a->r->cat, h, NULL)) >= 0) {
		attribute(a, f, svc, MB_HTTP_HOST, 90, r->host, r->host_len, 1, ts);
		return;
	}
	if ((svc = catalog_match_http(a->r->cat, h, flow_srv_port(f), path,
	    &conf)) < 0)
		return;
	ip_addr_str(flow_srv_ip(f), ip, sizeof(ip));
	if (h[0])
		attribute(a, f, svc, conf == 85 ? MB_HTTP_HOST : MB_PORT_PATH,
		    conf, r->host, r->host_len, 1, ts);
	else
		attribute(a, f, svc, conf == 85 ? MB_HTTP_HOST : MB_PORT_PATH,
		    conf, ip, 0, 1, ts);
}

void
analyze_body(struct analyzer *a, struct flow *f, const uint8_t *p, size_t n,
    uint64_t ts)
{
	char ip[64];
	int svc;

	if (a->r == NULL || f->ai != NULL)
		return;
	if ((svc = catalog_match_body(a->r->cat, p, n)) < 0)
		return;
	ip_addr_str(flow_srv_ip(f), ip, sizeof(ip));
	if (f->meta.host_src == HOST_HTTP)
		attribute(a, f, svc, MB_HTTP_BODY, 80, f->meta.host,
		    flow_host_len(&f->meta), 1, ts);
	else
		attribute(a, f, svc, MB_HTTP_BODY, 80, ip, 0, 1, ts);
}

static void
flow_end_vis(struct analyzer *a, struct flow *f)
{
	const struct policy *p = a->r->pol;
	uint16_t port = flow_srv_port(f);
	char d[48];
	size_t i;

	if (f->meta.app == APP_QUIC && !f->meta.tls_hello)
		visibility(a, f, VIS_QUIC_NO_SNI, "QUIC Initial not readable",
		    f->ts_last);
	if (port == 853 && f->key.proto == 6)
		visibility(a, f, VIS_DOT, NULL, f->ts_last);
	for (i = 0; i < p->nvpn; i++)
		if (p->vpn_ports[i] == port) {
			snprintf(d, sizeof(d), "%s/%u", f->key.proto == 6 ? "tcp" :
			    "udp", port);
			visibility(a, f, VIS_VPN, d, f->ts_last);
			break;
		}
	if (f->meta.app == APP_TLS || f->meta.app == APP_QUIC) {
		a->st.tls_quic_flows++;
		if (!((host_is_sni(f) && !f->meta.ech) ||
		    (f->ai != NULL && f->ai->matched_by == MB_DNS_ANSWER)))
			a->st.blind_flows++;
	}
}

void
analyze_flow_end(struct analyzer *a, struct flow *f)
{
	if (a->r != NULL)
		flow_end_vis(a, f);
	if (f->ai != NULL) {
		pool_put(a, f->ai);
		f->ai = NULL;
	}
}
