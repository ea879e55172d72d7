/* policy_load.c - reads rules/policy.yaml (via ydoc) into struct policy,
 * checks it against the catalog (unknown names, shadowed rules, expiry); frees it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/policy_int.h"
#include "common/ydoc.h"

#define WARN_EXPIRY_DAYS	30

static const char *const severities[] = {
	"none", "info", "low", "medium", "high", "critical", NULL
};

int
verdict_parse(const char *s)
{
	int v;

	if (s == NULL)
		return -1;
	for (v = 0; v < VERDICT__COUNT; v++)
		if (strcmp(s, vocab_name(&vocab_verdict, (enum verdict)v)) == 0)
			return v;
	return -1;
}

struct pl {
	struct ydoc	 d;
	struct policy	*p;
	const struct catalog *cat;
	int		 today;
};

static const char *
sev_parse(struct pl *L, yaml_node_t *n)
{
	const char *s = ydoc_str(&L->d, n);
	int i;

	for (i = 0; s != NULL && severities[i] != NULL; i++)
		if (strcmp(severities[i], s) == 0)
			return s;
	ydoc_err(&L->d, n, "severity must be none, info, low, medium, high or "
	    "critical");
	return NULL;
}

static int
verdict_node(struct pl *L, yaml_node_t *n, uint8_t *out)
{
	int v = verdict_parse(ydoc_str(&L->d, n));

	if (v < 0) {
		ydoc_err(&L->d, n, "verdict must be sanctioned, tolerated, "
		    "prohibited, unreviewed or interest");
		return -EINVAL;
	}
	*out = (uint8_t)v;
	return 0;
}

static yaml_node_t *
list_of(struct pl *L, yaml_node_t *n, const char *what)
{
	yaml_node_item_t *it;

	if (n == NULL)
		return NULL;
	if (ydoc_str(&L->d, n) != NULL)
		return n;	/* a single scalar is a one-item list */
	if (ydoc_expect(&L->d, n, YAML_SEQUENCE_NODE, what) < 0)
		return NULL;
	YDOC_SEQ_FOREACH(&L->d, n, it)
		if (ydoc_str(&L->d, ydoc_node(&L->d, *it)) == NULL) {
			ydoc_err(&L->d, ydoc_node(&L->d, *it),
			    "items of %s must be scalars", what);
			return NULL;
		}
	return n;
}

/* Call ${fn} for each scalar of ${n} (a scalar or a list of scalars). */
#define EACH_SCALAR(L, n, x, body) do {					\
	if ((n)->type == YAML_SCALAR_NODE) { yaml_node_t *x = (n); body }	\
	else { yaml_node_item_t *it_;					\
		YDOC_SEQ_FOREACH(&(L)->d, (n), it_) {			\
			yaml_node_t *x = ydoc_node(&(L)->d, *it_); body } }	\
} while (0)

static size_t
count_of(const yaml_node_t *n)
{
	if (n->type == YAML_SCALAR_NODE)
		return 1;
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static int
zone_index(const struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nzones; i++)
		if (strcmp(p->zones[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
load_zone_refs(struct pl *L, yaml_node_t *n, int **out, size_t *nout)
{
	if ((n = list_of(L, n, "'zone'")) == NULL)
		return 0;
	if ((*out = calloc(count_of(n), sizeof(int))) == NULL)
		return -ENOMEM;
	EACH_SCALAR(L, n, x, {
		int z = zone_index(L->p, ydoc_str(&L->d, x));

		if (z < 0)
			ydoc_err(&L->d, x, "unknown zone '%s'", ydoc_str(&L->d, x));
		else
			(*out)[(*nout)++] = z;
	});
	return 0;
}

static int
load_match(struct pl *L, yaml_node_t *map, struct pol_match *m)
{
	static const char *const keys[] = { "service", "category",
	    "vendor_country", "eu_residency", "zone", "server_zone", NULL };
	static const char *const res[] = { "unknown", "yes", "no", "optional", NULL };
	struct ydoc *d = &L->d;
	yaml_node_t *n;

	if (map == NULL) {
		return 0;
	}
	if (ydoc_expect(d, map, YAML_MAPPING_NODE, "'match'") < 0)
		return 0;
	ydoc_check_keys(d, map, keys, "'match'");
	if ((n = list_of(L, ydoc_get(d, map, "service"), "'service'")) != NULL) {
		if ((m->svc = calloc(count_of(n), sizeof(int))) == NULL)
			return -ENOMEM;
		EACH_SCALAR(L, n, x, {
			int s = catalog_find_id(L->cat, ydoc_str(d, x));

			if (s < 0)
				ydoc_err(d, x, "unknown service '%s'", ydoc_str(d, x));
			else
				m->svc[m->nsvc++] = s;
		});
	}
	if ((n = list_of(L, ydoc_get(d, map, "category"), "'category'")) != NULL)
		EACH_SCALAR(L, n, x, {
			int b = cat_category_bit(ydoc_str(d, x));

			if (b < 0)
				ydoc_err(d, x, "unknown category '%s'", ydoc_str(d, x));
			else
				m->cats |= 1u << b;
		});
	if ((n = list_of(L, ydoc_get(d, map, "vendor_country"),
	    "'vendor_country'")) != NULL) {
		if ((m->country = calloc(count_of(n), 3)) == NULL)
			return -ENOMEM;
		EACH_SCALAR(L, n, x, {
			const char *c = ydoc_str(d, x);

			if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' ||
			    c[1] < 'A' || c[1] > 'Z')
				ydoc_err(d, x, "'%s' is not an ISO 3166 alpha-2 code", c);
			else
				memcpy(m->country[m->ncountry++], c, 3);
		});
	}
	if ((n = list_of(L, ydoc_get(d, map, "eu_residency"), "'eu_residency'")) != NULL)
		EACH_SCALAR(L, n, x, {
			const char *c = ydoc_str(d, x);
			int i;

			for (i = 0; res[i] && strcmp(res[i], c) != 0; i++)
				;
			if (res[i] == NULL)
				ydoc_err(d, x, "eu_residency must be yes, no, "
				    "optional or unknown");
			else
				m->residency |= (uint8_t)(1u << i);
		});
	if (load_zone_refs(L, ydoc_get(d, map, "zone"), &m->zone, &m->nzone) < 0 ||
	    load_zone_refs(L, ydoc_get(d, map, "server_zone"), &m->szone,
	    &m->nszone) < 0)
		return -ENOMEM;
	return 0;
}

static void
free_match(struct pol_match *m)
{
	free(m->svc);
	free(m->country);
	free(m->zone);
	free(m->szone);
}

static int
load_zones(struct pl *L, yaml_node_t *map)
{
	struct ydoc *d = &L->d;
	struct policy *p = L->p;
	yaml_node_pair_t *pr;

	if (map == NULL || ydoc_expect(d, map, YAML_MAPPING_NODE, "'zones'") < 0)
		return 0;
	if ((p->zones = calloc((size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start) + 1, sizeof(*p->zones))) == NULL)
		return -ENOMEM;
	YDOC_MAP_FOREACH(d, map, pr) {
		yaml_node_t *k = ydoc_node(d, pr->key), *v = ydoc_node(d, pr->value);
		struct pol_zone *z;
		const char *name = ydoc_str(d, k);

		if (name == NULL)
			continue;
		if (zone_index(p, name) >= 0) {
			ydoc_err(d, k, "duplicate zone '%s'", name);
			continue;
		}
		if ((v = list_of(L, v, "a zone")) == NULL)
			continue;
		z = &p->zones[p->nzones++];
		if ((z->name = strdup(name)) == NULL ||
		    (z->nets = calloc(count_of(v), sizeof(*z->nets))) == NULL)
			return -ENOMEM;
		EACH_SCALAR(L, v, x, {
			struct pol_net *pn = &z->nets[z->nnets];

			if (parse_cidr(ydoc_str(d, x), pn->net, &pn->plen) < 0)
				ydoc_err(d, x, "bad CIDR '%s'", ydoc_str(d, x));
			else
				z->nnets++;
		});
	}
	return 0;
}

/* defaults: {verdict, categories: {cat: verdict}, services: {id: verdict}} */
static void
load_defaults(struct pl *L, yaml_node_t *map)
{
	static const char *const keys[] = { "verdict", "categories", "services", NULL };
	struct ydoc *d = &L->d;
	struct policy *p = L->p;
	yaml_node_pair_t *pr;
	yaml_node_t *n;

	if (map == NULL || ydoc_expect(d, map, YAML_MAPPING_NODE, "'defaults'") < 0)
		return;
	ydoc_check_keys(d, map, keys, "'defaults'");
	if ((n = ydoc_get(d, map, "verdict")) != NULL)
		verdict_node(L, n, &p->default_verdict);
	if ((n = ydoc_get(d, map, "categories")) != NULL &&
	    ydoc_expect(d, n, YAML_MAPPING_NODE, "'categories'") == 0)
		YDOC_MAP_FOREACH(d, n, pr) {
			yaml_node_t *k = ydoc_node(d, pr->key);
			int b = cat_category_bit(ydoc_str(d, k) ? ydoc_str(d, k) : "");

			if (b < 0)
				ydoc_err(d, k, "unknown category '%s'", ydoc_str(d, k));
			else
				verdict_node(L, ydoc_node(d, pr->value), &p->cat_default[b]);
		}
	if ((n = ydoc_get(d, map, "services")) != NULL &&
	    ydoc_expect(d, n, YAML_MAPPING_NODE, "'services'") == 0)
		YDOC_MAP_FOREACH(d, n, pr) {
			yaml_node_t *k = ydoc_node(d, pr->key);
			int s = catalog_find_id(L->cat, ydoc_str(d, k) ? ydoc_str(d, k) : "");

			if (s < 0)
				ydoc_err(d, k, "unknown service '%s'", ydoc_str(d, k));
			else
				verdict_node(L, ydoc_node(d, pr->value), &p->svc_default[s]);
		}
}

static int
id_taken(const struct policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return 1;
	for (i = 0; i < p->nexc; i++)
		if (strcmp(p->exc[i].id, id) == 0)
			return 1;
	return 0;
}

static const char *
need(struct pl *L, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = ydoc_get(&L->d, map, key);
	const char *s = ydoc_str(&L->d, n);

	if (n == NULL)
		ydoc_err(&L->d, map, "missing required key '%s'", key);
	else if (s == NULL)
		ydoc_err(&L->d, n, "'%s' must be a scalar", key);
	return s;
}

static const char *
take_id(struct pl *L, yaml_node_t *map)
{
	const char *id = need(L, map, "id");

	if (id != NULL && id_taken(L->p, id)) {
		ydoc_err(&L->d, ydoc_get(&L->d, map, "id"), "duplicate id '%s'", id);
		return NULL;
	}
	return id;
}


static int
load_rules(struct pl *L, yaml_node_t *seq)
{
	static const char *const keys[] = { "id", "description", "match",
	    "verdict", "severity", NULL };
	struct ydoc *d = &L->d;
	struct policy *p = L->p;
	yaml_node_item_t *it;
	size_t k;

	if (seq == NULL || ydoc_expect(d, seq, YAML_SEQUENCE_NODE, "'rules'") < 0)
		return 0;
	if ((p->rules = calloc(count_of(seq) + 1, sizeof(*p->rules))) == NULL)
		return -ENOMEM;
	YDOC_SEQ_FOREACH(d, seq, it) {
		yaml_node_t *map = ydoc_node(d, *it), *n;
		struct pol_rule *r;
		const char *id, *sev = NULL;

		if (ydoc_expect(d, map, YAML_MAPPING_NODE, "a rule") < 0)
			continue;
		ydoc_check_keys(d, map, keys, "a rule");
		if ((id = take_id(L, map)) == NULL)
			continue;
		r = &p->rules[p->nrules++];
		r->line = (int)map->start_mark.line + 1;
		if ((r->id = strdup(id)) == NULL)
			return -ENOMEM;
		if ((n = ydoc_get(d, map, "verdict")) == NULL)
			ydoc_err(d, map, "missing required key 'verdict'");
		else
			verdict_node(L, n, &r->verdict);
		if ((n = ydoc_get(d, map, "severity")) != NULL &&
		    (sev = sev_parse(L, n)) != NULL &&
		    (r->severity = strdup(sev)) == NULL)
			return -ENOMEM;
		if ((n = ydoc_get(d, map, "match")) == NULL)
			ydoc_err(d, map, "missing required key 'match'");
		else if (load_match(L, n, &r->m) < 0)
			return -ENOMEM;
		for (k = 0; k + 1 < p->nrules; k++)
			if (policy_match_covers(L->cat, &p->rules[k].m, &r->m)) {
				ydoc_warn(d, map, "rule '%s' is shadowed by rule "
				    "'%s' (line %d) and never applies", r->id,
				    p->rules[k].id, p->rules[k].line);
				break;
			}
	}
	return 0;
}

static void
exc_dates(struct pl *L, yaml_node_t *map, struct pol_exception *e)
{
	struct ydoc *d = &L->d;
	yaml_node_t *n;
	const char *s;

	e->valid_from = INT32_MIN;
	e->expires = INT32_MIN;
	if ((n = ydoc_get(d, map, "valid_from")) != NULL &&
	    cat_parse_date(ydoc_str(d, n), &e->valid_from) < 0)
		ydoc_err(d, n, "bad date '%s' (want YYYY-MM-DD)",
		    ydoc_str(d, n) ? ydoc_str(d, n) : "");
	if ((s = need(L, map, "expires")) == NULL)
		return;
	n = ydoc_get(d, map, "expires");
	if (cat_parse_date(s, &e->expires) < 0) {
		ydoc_err(d, n, "bad date '%s' (want YYYY-MM-DD)", s);
		return;
	}
	if (e->valid_from != INT32_MIN && e->valid_from > e->expires)
		ydoc_err(d, n, "exception '%s' expires before it starts", e->id);
	else if (e->expires < L->today)
		ydoc_warn(d, n, "exception '%s' has expired (%s) and no longer "
		    "applies", e->id, s);
	else if (e->expires - L->today <= WARN_EXPIRY_DAYS)
		ydoc_warn(d, n, "exception '%s' expires in %d days (%s)", e->id,
		    e->expires - L->today, s);
}

static int
load_exceptions(struct pl *L, yaml_node_t *seq)
{
	static const char *const keys[] = { "id", "match", "verdict", "owner",
	    "reason", "contract_ref", "dpia_ref", "iama_ref", "advised_by",
	    "valid_from", "expires", "notes", NULL };
	static const char *const advisers[] = { "CIO", "FG", "CISO", NULL };
	struct ydoc *d = &L->d;
	struct policy *p = L->p;
	yaml_node_item_t *it;

	if (seq == NULL || ydoc_expect(d, seq, YAML_SEQUENCE_NODE, "'exceptions'") < 0)
		return 0;
	if ((p->exc = calloc(count_of(seq) + 1, sizeof(*p->exc))) == NULL)
		return -ENOMEM;
	YDOC_SEQ_FOREACH(d, seq, it) {
		yaml_node_t *map = ydoc_node(d, *it), *n;
		struct pol_exception *e;
		const char *id, *s;

		if (ydoc_expect(d, map, YAML_MAPPING_NODE, "an exception") < 0)
			continue;
		ydoc_check_keys(d, map, keys, "an exception");
		if ((id = take_id(L, map)) == NULL)
			continue;
		e = &p->exc[p->nexc++];
		if ((e->id = strdup(id)) == NULL)
			return -ENOMEM;
		if ((s = need(L, map, "owner")) != NULL && (e->owner = strdup(s)) == NULL)
			return -ENOMEM;
		need(L, map, "reason");
		if ((n = ydoc_get(d, map, "verdict")) == NULL)
			ydoc_err(d, map, "missing required key 'verdict'");
		else
			verdict_node(L, n, &e->verdict);
		if ((n = list_of(L, ydoc_get(d, map, "advised_by"), "'advised_by'")) != NULL)
			EACH_SCALAR(L, n, x, {
				int i;

				for (i = 0; advisers[i] &&
				    strcmp(advisers[i], ydoc_str(d, x)) != 0; i++)
					;
				if (advisers[i] == NULL)
					ydoc_err(d, x, "advised_by must be CIO, FG or CISO");
			});
		exc_dates(L, map, e);
		if ((n = ydoc_get(d, map, "match")) == NULL)
			ydoc_err(d, map, "missing required key 'match'");
		else if (load_match(L, n, &e->m) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * thresholds.upload_tiers: {web|api|agent: {verdict: bytes | off}}.  A
 * tier not given falls back to upload_bytes; `off` never alerts on size.
 */
static void
load_upload_tiers(struct pl *L, yaml_node_t *map)
{
	struct inspect_policy *ip = &L->p->ip;
	struct ydoc *d = &L->d;
	yaml_node_pair_t *pr, *vp;
	long long v;

	if (ydoc_expect(d, map, YAML_MAPPING_NODE, "'upload_tiers'") < 0)
		return;
	YDOC_MAP_FOREACH(d, map, pr) {
		yaml_node_t *k = ydoc_node(d, pr->key), *m = ydoc_node(d, pr->value);
		int ct = vocab_lookup(&vocab_client_type, ydoc_str(d, k));

		if (ct < 0) {
			ydoc_err(d, k, "unknown client type '%s' in 'upload_tiers' "
			    "(web, api or agent)", ydoc_str(d, k) ? ydoc_str(d, k) : "");
			continue;
		}
		if (ydoc_expect(d, m, YAML_MAPPING_NODE, "an 'upload_tiers' entry") < 0)
			continue;
		YDOC_MAP_FOREACH(d, m, vp) {
			yaml_node_t *vk = ydoc_node(d, vp->key);
			yaml_node_t *vv = ydoc_node(d, vp->value);
			const char *s = ydoc_str(d, vv);
			int vd = verdict_parse(ydoc_str(d, vk));

			if (vd < 0) {
				ydoc_err(d, vk, "unknown verdict '%s' in "
				    "'upload_tiers'", ydoc_str(d, vk) ?
				    ydoc_str(d, vk) : "");
				continue;
			}
			if (s != NULL && strcmp(s, "off") == 0)
				ip->upload_tier[ct][vd] = UPLOAD_OFF;
			else if (ydoc_int(d, vv, 1, 1LL << 40, &v) == 0)
				ip->upload_tier[ct][vd] = (uint64_t)v;
		}
	}
}

static void
load_thresholds(struct pl *L, yaml_node_t *map)
{
	static const char *const keys[] = { "upload_bytes", "upload_tiers",
	    "baseline_factor", "baseline_min_bytes", "scan_budget",
	    "scan_non_ai", "min_confidence", NULL };
	struct inspect_policy *ip = &L->p->ip;
	struct ydoc *d = &L->d;
	yaml_node_t *n;
	long long v;
	int b;

	if (map == NULL || ydoc_expect(d, map, YAML_MAPPING_NODE, "'thresholds'") < 0)
		return;
	ydoc_check_keys(d, map, keys, "'thresholds'");
	if ((n = ydoc_get(d, map, "upload_bytes")) && ydoc_int(d, n, 1, 1LL << 40, &v) == 0)
		ip->upload_bytes = (uint64_t)v;
	if ((n = ydoc_get(d, map, "upload_tiers")) != NULL)
		load_upload_tiers(L, n);
	if ((n = ydoc_get(d, map, "baseline_factor")) && ydoc_int(d, n, 1, 1000, &v) == 0)
		ip->baseline_factor = (uint32_t)v;
	if ((n = ydoc_get(d, map, "baseline_min_bytes")) && ydoc_int(d, n, 0, 1LL << 40, &v) == 0)
		ip->baseline_min_bytes = (uint64_t)v;
	if ((n = ydoc_get(d, map, "scan_budget")) && ydoc_int(d, n, 0, 1LL << 30, &v) == 0)
		ip->scan_budget = (uint32_t)v;
	if ((n = ydoc_get(d, map, "min_confidence")) && ydoc_int(d, n, 0, 100, &v) == 0)
		ip->min_confidence = (uint8_t)v;
	if ((n = ydoc_get(d, map, "scan_non_ai")) && ydoc_bool(d, n, &b) == 0)
		ip->scan_non_ai = (uint8_t)b;
}

/* {sanctioned: sev, ..., non_ai: sev} into ${out}[verdict] (+ non_ai). */
static int
load_sev_map(struct pl *L, yaml_node_t *map, const char *what, char **out,
    char **non_ai)
{
	struct ydoc *d = &L->d;
	yaml_node_pair_t *pr;

	if (map == NULL || ydoc_expect(d, map, YAML_MAPPING_NODE, what) < 0)
		return 0;
	YDOC_MAP_FOREACH(d, map, pr) {
		yaml_node_t *k = ydoc_node(d, pr->key);
		const char *ks = ydoc_str(d, k), *sev;
		int v = verdict_parse(ks);

		if (ks == NULL)
			continue;
		if (v < 0 && !(non_ai != NULL && strcmp(ks, "non_ai") == 0)) {
			ydoc_err(d, k, "unknown key '%s' in %s", ks, what);
			continue;
		}
		if ((sev = sev_parse(L, ydoc_node(d, pr->value))) == NULL)
			continue;
		if (v < 0) {
			free(*non_ai);
			if ((*non_ai = strdup(sev)) == NULL)
				return -ENOMEM;
		} else {
			free(out[v]);
			if ((out[v] = strdup(sev)) == NULL)
				return -ENOMEM;
		}
	}
	return 0;
}

static int
load_visibility(struct pl *L, yaml_node_t *map)
{
	static const char *const keys[] = { "doh_hosts", "vpn_ports", NULL };
	struct ydoc *d = &L->d;
	struct policy *p = L->p;
	yaml_node_t *n;
	long long v;

	if (map == NULL || ydoc_expect(d, map, YAML_MAPPING_NODE, "'visibility'") < 0)
		return 0;
	ydoc_check_keys(d, map, keys, "'visibility'");
	if ((n = list_of(L, ydoc_get(d, map, "doh_hosts"), "'doh_hosts'")) != NULL)
		EACH_SCALAR(L, n, x, {
			if (nameset_add(p->doh, ydoc_str(d, x), 1, NULL) == -ENOMEM)
				return -ENOMEM;
		});
	p->nvpn = 0;
	if ((n = list_of(L, ydoc_get(d, map, "vpn_ports"), "'vpn_ports'")) != NULL)
		EACH_SCALAR(L, n, x, {
			if (ydoc_int(d, x, 1, 65535, &v) == 0 &&
			    p->nvpn < sizeof(p->vpn_ports) / sizeof(p->vpn_ports[0]))
				p->vpn_ports[p->nvpn++] = (uint16_t)v;
		});
	return 0;
}

static void
set_defaults(struct policy *p, size_t nsvc)
{
	static const uint16_t vpn[] = { 1194, 51820, 500, 4500, 1701, 1723 };
	int v;

	memset(p->svc_default, POL_NONE, nsvc);
	memset(p->cat_default, POL_NONE, sizeof(p->cat_default));
	/* a vendor's own site is interest, not use, unless the file says so */
	p->cat_default[CAT_VENDOR_SITE] = VERDICT_INTEREST;
	p->default_verdict = VERDICT_UNREVIEWED;
	p->ip.upload_bytes = 65536;
	p->ip.baseline_factor = 10;
	p->ip.baseline_min_bytes = 1 << 20;
	p->ip.scan_budget = 1 << 20;
	p->ip.min_confidence = 65;
	memcpy(p->vpn_ports, vpn, sizeof(vpn));
	p->nvpn = sizeof(vpn) / sizeof(vpn[0]);
	for (v = 0; v < VERDICT__COUNT; v++)
		p->access_sev[v] = NULL;
}

static int
load_top(struct pl *L, yaml_node_t *root)
{
	static const char *const top[] = { "policy", "defaults", "zones",
	    "rules", "exceptions", "alerts", "thresholds", "severities",
	    "visibility", NULL };
	static const char *const sevkeys[] = { "dlp", "upload", NULL };
	static const char *const alertkeys[] = { "access", NULL };
	static const char *const policykeys[] = { "name", "owner",
	    "description", NULL };
	struct ydoc *d = &L->d;
	struct policy *p = L->p;
	yaml_node_t *n;
	int rc = 0;

	if (ydoc_expect(d, root, YAML_MAPPING_NODE, "the top level") < 0)
		return 0;
	ydoc_check_keys(d, root, top, "the top level");
	if ((n = ydoc_get(d, root, "policy")) != NULL &&
	    ydoc_expect(d, n, YAML_MAPPING_NODE, "'policy'") == 0)
		ydoc_check_keys(d, n, policykeys, "'policy'");
	load_defaults(L, ydoc_get(d, root, "defaults"));
	if ((n = ydoc_get(d, root, "alerts")) != NULL &&
	    ydoc_expect(d, n, YAML_MAPPING_NODE, "'alerts'") == 0) {
		ydoc_check_keys(d, n, alertkeys, "'alerts'");
		rc = load_sev_map(L, ydoc_get(d, n, "access"), "'access'",
		    p->access_sev, NULL);
	}
	load_thresholds(L, ydoc_get(d, root, "thresholds"));
	if ((n = ydoc_get(d, root, "severities")) != NULL &&
	    ydoc_expect(d, n, YAML_MAPPING_NODE, "'severities'") == 0) {
		ydoc_check_keys(d, n, sevkeys, "'severities'");
		if (rc == 0)
			rc = load_sev_map(L, ydoc_get(d, n, "dlp"), "'dlp'",
			    p->sev_store, &p->sev_store[2 * VERDICT__COUNT]);
		if (rc == 0)
			rc = load_sev_map(L, ydoc_get(d, n, "upload"), "'upload'",
			    p->sev_store + VERDICT__COUNT, NULL);
	}
	if (rc == 0)
		rc = load_zones(L, ydoc_get(d, root, "zones"));
	if (rc == 0)
		rc = load_rules(L, ydoc_get(d, root, "rules"));
	if (rc == 0)
		rc = load_exceptions(L, ydoc_get(d, root, "exceptions"));
	if (rc == 0)
		rc = load_visibility(L, ydoc_get(d, root, "visibility"));
	return rc;
}

static void
finish_ip(struct policy *p)
{
	int v;

	for (v = 0; v < VERDICT__COUNT; v++) {
		p->ip.dlp_severity[v] = p->sev_store[v] ? p->sev_store[v] : "medium";
		p->ip.upload_severity[v] = p->sev_store[VERDICT__COUNT + v] ?
		    p->sev_store[VERDICT__COUNT + v] : "medium";
		if (p->access_sev[v] != NULL && strcmp(p->access_sev[v], "none") == 0) {
			free(p->access_sev[v]);
			p->access_sev[v] = NULL;
		}
	}
	p->ip.dlp_severity_non_ai = p->sev_store[2 * VERDICT__COUNT] ?
	    p->sev_store[2 * VERDICT__COUNT] : "low";
}

int
policy_load(const char *path, const struct catalog *cat, FILE *diag,
    int today, struct policy **out, int *nerr)
{
	struct pl L;
	int rc = 0;

	*out = NULL;
	*nerr = 0;
	memset(&L, 0, sizeof(L));
	L.cat = cat;
	L.today = today;
	if ((L.p = calloc(1, sizeof(*L.p))) == NULL ||
	    (L.p->svc_default = malloc(cat->nsvc + 1)) == NULL ||
	    (L.p->doh = nameset_new(64)) == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	set_defaults(L.p, cat->nsvc);
	rc = ydoc_load(&L.d, path, diag);
	if (rc == -ENOENT) {
		/* No policy: everything unreviewed, no alerts. */
		fprintf(diag ? diag : stderr, "%s: warning: no policy file; every "
		    "service is unreviewed\n", path);
		L.d.nerr = 0;
		rc = 0;
		L.p->empty = 1;
	} else if (rc == 0 && ydoc_root(&L.d) != NULL)
		rc = load_top(&L, ydoc_root(&L.d));
	else if (rc == 0)
		L.p->empty = 1;
	*nerr = L.d.nerr;
	if (rc == 0 && L.d.nerr > 0)
		rc = -EINVAL;
	ydoc_free(&L.d);
	if (rc < 0)
		goto err;
	finish_ip(L.p);
	*out = L.p;
	return 0;
err:
	if (*nerr == 0)
		*nerr = 1;
	policy_free(L.p);
	return rc;
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->svc_default);
	for (i = 0; i < p->nzones; i++) {
		free(p->zones[i].name);
		free(p->zones[i].nets);
	}
	free(p->zones);
	for (i = 0; i < p->nrules; i++) {
		free(p->rules[i].id);
		free(p->rules[i].severity);
		free_match(&p->rules[i].m);
	}
	free(p->rules);
	for (i = 0; i < p->nexc; i++) {
		free(p->exc[i].id);
		free(p->exc[i].owner);
		free_match(&p->exc[i].m);
	}
	free(p->exc);
	for (i = 0; i < VERDICT__COUNT; i++)
		free(p->access_sev[i]);
	for (i = 0; i < 2 * VERDICT__COUNT + 1; i++)
		free(p->sev_store[i]);
	nameset_free(p->doh);
	free(p);
}
