/*
 * analyzer.c - placeholder until the catalog and policy land (issue 4):
 * loads nothing, classifies nothing.  Keeps the engine's hooks compiling.
 */
#include <errno.h>
#include <stdlib.h>

#include "classify/analyzer.h"

struct analyzer {
	struct output	*out;
	struct inspect_policy ip;
};

int
analyzer_new(struct analyzer **a, const char *rules_dir, struct output *out,
    FILE *errout)
{
	(void)rules_dir;
	(void)errout;
	if ((*a = calloc(1, sizeof(**a))) == NULL)
		return -ENOMEM;
	(*a)->out = out;
	(*a)->ip.upload_bytes = 65536;
	(*a)->ip.baseline_factor = 10;
	(*a)->ip.baseline_min_bytes = 1 << 20;
	(*a)->ip.scan_budget = 1 << 20;
	(*a)->ip.min_confidence = 65;
	return 0;
}

const struct inspect_policy *
analyzer_inspect_policy(const struct analyzer *a)
{
	return &a->ip;
}

struct dlp_engine *
analyzer_dlp(const struct analyzer *a)
{
	(void)a;
	return NULL;
}

void
analyzer_free(struct analyzer *a)
{
	free(a);
}

int
analyzer_reload(struct analyzer *a, uint64_t ts)
{
	(void)a;
	(void)ts;
	return 0;
}

int
analyzer_lint(const char *rules_dir, FILE *out)
{
	(void)rules_dir;
	(void)out;
	return 0;
}

void analyze_name(struct analyzer *a, struct flow *f, uint64_t ts) { (void)a; (void)f; (void)ts; }
void analyze_hello(struct analyzer *a, struct flow *f, uint64_t ts) { (void)a; (void)f; (void)ts; }
void analyze_dns(struct analyzer *a, struct flow *f, const struct dns_msg *d, uint64_t ts) { (void)a; (void)f; (void)d; (void)ts; }
void analyze_http(struct analyzer *a, struct flow *f, const struct http_req *r, uint64_t ts) { (void)a; (void)f; (void)r; (void)ts; }
void analyze_flow_end(struct analyzer *a, struct flow *f) { (void)a; (void)f; }
