/*
 * analyzer.c - placeholder until the catalog and policy land (issue 4):
 * loads nothing, classifies nothing.  Keeps the engine's hooks compiling.
 */
#include <errno.h>
#include <stdlib.h>

#include "classify/analyzer.h"

struct analyzer {
	struct output	*out;
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
	return 0;
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
