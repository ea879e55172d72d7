/*
 * analyzer.h - turns flow metadata into findings: which AI service (the
 * catalog), what the policy says (verdict, rule, exception), and what the
 * sensor cannot see (visibility).  Owns the loaded rules (catalog, policy,
 * detectors) and swaps them atomically on reload.  Reports ai, alert
 * (kind "access"), visibility and policy facts through the ev_hook the
 * engine gives analyzer_new().
 *
 * Contract for the engine: hooks are called in packet order, never
 * allocate, and may set f->ai (from a pool; released in analyze_flow_end).
 * analyze_dns() runs before the dns record is reported, so f->ai is set when
 * the output decides whether to keep the lookup.
 */
#ifndef ST_ANALYZER_H
#define ST_ANALYZER_H

#include <stdint.h>
#include <stdio.h>

#include "dpi/dns.h"
#include "dpi/http.h"
#include "dlp/inspect.h"
#include "flow/flow.h"
#include "output/event.h"

struct analyzer;


/* f->alerted bit for the access alert (inspect.h uses 0x02, 0x04). */
#define ANALYZER_ALERTED_ACCESS	0x01

/* Counters for the stats event. */
struct analyzer_stats {
	uint64_t	ai_flows;	/* flows attributed to an AI service */
	uint64_t	ai_lookups;	/* DNS transactions for AI names */
	uint64_t	alerts;		/* access alerts */
	uint64_t	pool_empty;	/* attributions without a pooled ai_info */
	uint64_t	vis[VIS__COUNT];
	uint64_t	tls_quic_flows;	/* TLS/QUIC flows ended */
	uint64_t	blind_flows;	/* ... whose server name stayed unknown */
	uint64_t	dns_remembered;	/* addresses put in the answer cache */
	uint64_t	dns_attributed;	/* flows attributed from the cache */
	uint64_t	reloads, reload_failures;
	uint64_t	reload_us;	/* duration of the last reload */
	char		version[17];
};
const struct analyzer_stats *analyzer_stats(const struct analyzer *a);

/*
 * analyzer_new(a, rules_dir, h, errout):
 * Load ${rules_dir} (catalog/, policy.yaml, detectors.yaml); NULL means no
 * rules (nothing is classified).  Problems go to ${errout} as
 * "file:line:col: error: ...".  Returns 0, -EINVAL (rules have errors) or
 * -errno.  Facts go to ${h} (copied; NULL: nowhere).
 */
int	analyzer_new(struct analyzer **a, const char *rules_dir,
	    const struct ev_hook *h, FILE *errout);
/*
 * analyzer_share(a, from, h): make ${a} a worker's copy (sensor/workers.h):
 * facts go to ${h} (NULL: unchanged), policy events are left to ${from}
 * (one load/reload event per sensor), and the DNS answer cache is
 * ${from}'s, shared by every worker (a lookup and its later connection
 * hash to different workers).  ${from} must outlive ${a}.  0 or -errno.
 */
int	analyzer_share(struct analyzer *a, struct analyzer *from,
	    const struct ev_hook *h);
/* analyzer_counters(a): register shadowtap.ai.* in the counter registry. */
void	analyzer_counters(struct analyzer *a);
void	analyzer_free(struct analyzer *a);
/* analyzer_reload(a, ts): SIGHUP.  Parse into new structures, validate,
 * swap; on error keep the running rules.  Emits a policy event either way.
 * Returns 0 or -EINVAL. */
int	analyzer_reload(struct analyzer *a, uint64_t ts);
/* analyzer_allow_empty_policy(a, yes): a reload to a missing or empty
 * policy.yaml is refused (reload_failed, old policy kept) unless the
 * sensor config says rules.allow_empty_policy: true. */
void	analyzer_allow_empty_policy(struct analyzer *a, int yes);
/* analyzer_set_dir(a, dir): read the rules from ${dir} at the next reload
 * (privsep: the engine's "/proc/self/fd/N" of a directory descriptor, so
 * it holds no path).  0 or -ENOMEM. */
int	analyzer_set_dir(struct analyzer *a, const char *dir);
/* analyzer_dir(a): where the rules are read from (NULL: none). */
const char *analyzer_dir(const struct analyzer *a);
/* analyzer_lint(rules_dir, out): check without loading into an engine;
 * prints every error and warning; returns 0 or -EINVAL. */
int	analyzer_lint(const char *rules_dir, FILE *out);

/* The inspector's view of the current policy (struct inspect_policy, owned
 * by dlp/inspect.h); valid until the next analyzer_reload(). */
const struct inspect_policy *analyzer_inspect_policy(const struct analyzer *a);
/* analyzer_dlp(a): the current detector engine (dlp/dlp.h), or NULL. */
struct dlp_engine *analyzer_dlp(const struct analyzer *a);

void	analyze_name(struct analyzer *a, struct flow *f, uint64_t ts);
void	analyze_hello(struct analyzer *a, struct flow *f, uint64_t ts);
void	analyze_dns(struct analyzer *a, struct flow *f, const struct dns_msg *d,
	    uint64_t ts);
void	analyze_http(struct analyzer *a, struct flow *f,
	    const struct http_req *r, uint64_t ts);
/* analyze_body(a, f, p, n, ts): the first bytes of an HTTP request body on
 * a flow not yet attributed; catalog body markers (MCP's JSON-RPC method
 * names) attribute it with matched_by http_body. */
void	analyze_body(struct analyzer *a, struct flow *f, const uint8_t *p,
	    size_t n, uint64_t ts);
void	analyze_flow_end(struct analyzer *a, struct flow *f);

#endif
