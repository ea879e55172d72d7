/*
 * policy.h - rules/policy.yaml: verdict defaults by category and service,
 * zones (named CIDR lists), ordered rules, exceptions with owner and
 * validity, alert severities, thresholds for the inspector and the
 * visibility lists (DoH hosts, VPN ports).  Read-only after load.
 */
#ifndef ST_POLICY_H
#define ST_POLICY_H

#include <stdint.h>
#include <stdio.h>

#include "classify/analyzer.h"
#include "classify/catalog.h"

#define POL_NONE	0xff	/* no default set */

struct pol_net {
	uint8_t		net[16];
	uint8_t		plen;
};

struct pol_zone {
	char		*name;
	struct pol_net	*nets;
	size_t		 nnets;
};

/* Conditions; an empty list means "any". */
struct pol_match {
	int		*svc;		/* catalog indices */
	size_t		 nsvc;
	uint32_t	 cats;		/* any of these categories */
	char		(*country)[3];
	size_t		 ncountry;
	uint8_t		 residency;	/* bitmask of 1 << enum residency */
	int		*zone, *szone;	/* client / server zone indices */
	size_t		 nzone, nszone;
};

struct pol_rule {
	char		*id;
	struct pol_match m;
	uint8_t		 verdict;
	char		*severity;	/* access alert; NULL: per verdict */
	int		 line;
};

struct pol_exception {
	char		*id;
	struct pol_match m;
	uint8_t		 verdict;
	char		*owner;
	int		 valid_from;	/* days since epoch; INT32_MIN: always */
	int		 expires;	/* last valid day */
};

struct policy {
	uint8_t		 empty;		/* no file or an empty document */
	uint8_t		 default_verdict;
	uint8_t		*svc_default;	/* per catalog service, POL_NONE */
	uint8_t		 cat_default[32];
	struct pol_zone	*zones;
	size_t		 nzones;
	struct pol_rule	*rules;
	size_t		 nrules;
	struct pol_exception *exc;
	size_t		 nexc;
	char		*access_sev[VERDICT__COUNT];	/* NULL: no alert */
	struct inspect_policy ip;
	char		*sev_store[2 * VERDICT__COUNT + 1];
	struct nameset	*doh;
	uint16_t	 vpn_ports[32];
	size_t		 nvpn;
};

/* What the policy says about one attributed flow. */
struct pol_result {
	uint8_t		 verdict;
	uint8_t		 exception_expired;
	char		 rule[64];
	const char	*exception;	/* id, or NULL */
	const char	*severity;	/* access alert severity, NULL: none */
};

/*
 * policy_load(path, cat, diag, today, out, nerr):
 * Parse and check ${path} against catalog ${cat}; every problem goes to
 * ${diag} as "file:line:col: error|warning: ...".  ${today} (days since
 * the epoch) dates the expiry warnings.  Returns 0 and *${out}, -EINVAL
 * (errors; *${nerr} counts them), -errno.  A missing file is an empty
 * policy (everything unreviewed).
 */
int	policy_load(const char *path, const struct catalog *cat, FILE *diag,
	    int today, struct policy **out, int *nerr);
void	policy_free(struct policy *p);
/*
 * policy_eval(p, cat, svc, cli, srv, today, r):
 * Verdict for catalog service ${svc} used by client ${cli} towards server
 * ${srv} (16-byte addresses, NULL: unknown) on day ${today}: a valid
 * exception, then the first matching rule, the service default, the
 * category default, the global default.
 */
void	policy_eval(const struct policy *p, const struct catalog *cat, int svc,
	    const uint8_t *cli, const uint8_t *srv, int today,
	    struct pol_result *r);
/* policy_zone(p, addr): name of the first zone holding ${addr}, or NULL. */
const char *policy_zone(const struct policy *p, const uint8_t *addr);
int	verdict_parse(const char *s);

#endif
