/*
 * rules.c - shadowtap-rules: the CIO office's tool for the rules
 * directory: lint it (every error and warning as file:line:col), and show
 * what a host name matches and what the policy says about it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/rules.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: shadowtap-rules lint [-t YYYY-MM-DD] DIR\n"
"       shadowtap-rules match [-t YYYY-MM-DD] DIR NAME [CLIENT_IP [SERVER_IP]]\n"
"\n"
"lint   check catalog/, policy.yaml and detectors.yaml in DIR; prints every\n"
"       problem as file:line:col: error|warning: message.\n"
"match  show the service NAME belongs to and the policy's verdict.\n"
"-t     the day to judge exception expiry by (default: today).\n"
"Exit status: 0 OK (warnings allowed), 1 no match, 2 errors or bad usage.\n");
}

static int
parse_ip(const char *s, uint8_t out[16])
{
	uint8_t plen;

	return parse_cidr(s, out, &plen) == 0 && (plen == 128) ? 0 : -EINVAL;
}

static int
cmd_match(struct rules *r, const char *name, const char *cli, const char *srv,
    int today)
{
	uint8_t c[16], s[16];
	struct pol_result pr;
	const struct cat_service *sv;
	int svc, kind;

	if ((cli && parse_ip(cli, c) < 0) || (srv && parse_ip(srv, s) < 0)) {
		fprintf(stderr, "shadowtap-rules: bad IP address\n");
		return 2;
	}
	if ((svc = catalog_match_name(r->cat, name, &kind)) < 0) {
		printf("%s: not in the catalog\n", name);
		return 1;
	}
	sv = &r->cat->svc[svc];
	policy_eval(r->pol, r->cat, svc, cli ? c : NULL, srv ? s : NULL, today, &pr);
	printf("name:           %s\n", name);
	printf("service:        %s (%s, %s)\n", sv->id, sv->name, sv->vendor);
	printf("defined at:     %s:%d\n", sv->file, sv->line);
	printf("category:       %s%s\n", sv->category,
	    kind == CAT_KIND_API ? " (API host)" : "");
	printf("vendor country: %s\n", sv->country ? sv->country : "");
	printf("verdict:        %s\n", vocab_name(&vocab_verdict, (enum verdict)pr.verdict));
	printf("decided by:     %s\n", pr.rule);
	if (pr.exception_expired)
		printf("note:           exception '%s' matched but has expired\n",
		    pr.exception);
	printf("access alert:   %s\n", pr.severity ? pr.severity : "none");
	if (sv->tenant_ambiguous)
		printf("note:           tenant ambiguous: needs inline verification\n");
	printf("policy version: %s\n", r->version);
	return 0;
}

int
main(int argc, char **argv)
{
	struct rules *r = NULL;
	int today = (int)(time(NULL) / 86400), nerr = 0, i = 1, rc;
	const char *cmd;

	if (argc < 3) {
		usage(argc > 1 && strcmp(argv[1], "-h") == 0 ? stdout : stderr);
		return argc > 1 && strcmp(argv[1], "-h") == 0 ? 0 : 2;
	}
	cmd = argv[i++];
	if (i + 1 < argc && strcmp(argv[i], "-t") == 0) {
		if (cat_parse_date(argv[i + 1], &today) < 0) {
			fprintf(stderr, "shadowtap-rules: bad date '%s'\n", argv[i + 1]);
			return 2;
		}
		i += 2;
	}
	if (strcmp(cmd, "lint") == 0 && i + 1 == argc) {
		rc = rules_load(argv[i], stdout, today, &r, &nerr);
		if (rc < 0) {
			printf("%s: %d error(s)\n", argv[i], nerr);
			return 2;
		}
		printf("%s: OK (policy version %s)\n", argv[i], r->version);
		rules_free(r);
		return 0;
	}
	if (strcmp(cmd, "match") == 0 && i + 2 <= argc && argc <= i + 4) {
		if (rules_load(argv[i], stderr, today, &r, &nerr) < 0) {
			fprintf(stderr, "%s: %d error(s)\n", argv[i], nerr);
			return 2;
		}
		rc = cmd_match(r, argv[i + 1], i + 2 < argc ? argv[i + 2] : NULL,
		    i + 3 < argc ? argv[i + 3] : NULL, today);
		rules_free(r);
		return rc;
	}
	usage(stderr);
	return 2;
}
