/* policy.c - evaluates a loaded policy: exception, first matching rule, service
 * default, category default, global default; zone lookup and rule coverage. */
#include <string.h>

#include "policy/policy.h"
#include "policy/policy_int.h"

/* Is every flow that ${b} matches also matched by ${a}? */
static int
covers_int(const int *a, size_t na, const int *b, size_t nb)
{
	size_t i, j;

	if (na == 0)
		return 1;
	if (nb == 0)
		return 0;
	for (i = 0; i < nb; i++) {
		for (j = 0; j < na && a[j] != b[i]; j++)
			;
		if (j == na)
			return 0;
	}
	return 1;
}

/* Every service ${b} names has one of ${a}'s categories. */
static int
svcs_in_cats(const struct catalog *cat, const struct pol_match *a,
    const struct pol_match *b)
{
	size_t i;

	if (b->nsvc == 0)
		return 0;
	for (i = 0; i < b->nsvc; i++)
		if ((cat->svc[b->svc[i]].cats & a->cats) == 0)
			return 0;
	return 1;
}

/*
 * policy_match_covers(cat, a, b):
 * See policy_int.h.  Returns 1 when ${a} matches every flow ${b} matches.
 */
int
policy_match_covers(const struct catalog *cat, const struct pol_match *a,
    const struct pol_match *b)
{
	size_t i, j;

	if (a->cats != 0 && b->cats == 0 && svcs_in_cats(cat, a, b)) {
		struct pol_match a2 = *a;

		a2.cats = 0;
		return policy_match_covers(cat, &a2, b);
	}
	if (!covers_int(a->svc, a->nsvc, b->svc, b->nsvc) ||
	    !covers_int(a->zone, a->nzone, b->zone, b->nzone) ||
	    !covers_int(a->szone, a->nszone, b->szone, b->nszone))
		return 0;
	if (a->cats != 0 && (b->cats == 0 || (b->cats & ~a->cats) != 0))
		return 0;
	if (a->residency != 0 && (b->residency == 0 ||
	    (b->residency & ~a->residency) != 0))
		return 0;
	if (a->ncountry == 0)
		return 1;
	if (b->ncountry == 0)
		return 0;
	for (i = 0; i < b->ncountry; i++) {
		for (j = 0; j < a->ncountry &&
		    strcmp(a->country[j], b->country[i]) != 0; j++)
			;
		if (j == a->ncountry)
			return 0;
	}
	return 1;
}

static int
in_zones(const struct policy *p, const int *z, size_t nz, const uint8_t *addr)
{
	size_t i, j;

	if (nz == 0)
		return 1;
	if (addr == NULL)
		return 0;
	for (i = 0; i < nz; i++) {
		const struct pol_zone *zn = &p->zones[z[i]];

		for (j = 0; j < zn->nnets; j++)
			if (cidr_contains(zn->nets[j].net, zn->nets[j].plen, addr))
				return 1;
	}
	return 0;
}

static int
matches(const struct policy *p, const struct pol_match *m,
    const struct cat_service *s, int svc, const uint8_t *cli,
    const uint8_t *srv)
{
	size_t i;

	if (m->nsvc > 0) {
		for (i = 0; i < m->nsvc && m->svc[i] != svc; i++)
			;
		if (i == m->nsvc)
			return 0;
	}
	if (m->cats != 0 && (m->cats & s->cats) == 0)
		return 0;
	if (m->residency != 0 && (m->residency & (1u << s->residency)) == 0)
		return 0;
	if (m->ncountry > 0) {
		for (i = 0; i < m->ncountry &&
		    strcmp(m->country[i], s->country ? s->country : "") != 0; i++)
			;
		if (i == m->ncountry)
			return 0;
	}
	return in_zones(p, m->zone, m->nzone, cli) &&
	    in_zones(p, m->szone, m->nszone, srv);
}

void
policy_eval(const struct policy *p, const struct catalog *cat, int svc,
    const uint8_t *cli, const uint8_t *srv, int today, struct pol_result *r)
{
	const struct cat_service *s = &cat->svc[svc];
	size_t i;
	int b;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < p->nexc; i++) {
		const struct pol_exception *e = &p->exc[i];

		if (!matches(p, &e->m, s, svc, cli, srv) ||
		    (e->valid_from != INT32_MIN && today < e->valid_from))
			continue;
		if (today > e->expires) {
			r->exception_expired = 1;
			r->exception = e->id;
			continue;
		}
		r->verdict = e->verdict;
		r->exception = e->id;
		r->exception_expired = 0;
		snprintf(r->rule, sizeof(r->rule), "exception:%s", e->id);
		goto out;
	}
	for (i = 0; i < p->nrules; i++)
		if (matches(p, &p->rules[i].m, s, svc, cli, srv)) {
			r->verdict = p->rules[i].verdict;
			snprintf(r->rule, sizeof(r->rule), "%s", p->rules[i].id);
			if (p->rules[i].severity != NULL) {
				r->severity = strcmp(p->rules[i].severity, "none") ?
				    p->rules[i].severity : NULL;
				return;
			}
			goto out;
		}
	if (p->svc_default[svc] != POL_NONE) {
		r->verdict = p->svc_default[svc];
		snprintf(r->rule, sizeof(r->rule), "default:service:%s", s->id);
		goto out;
	}
	b = cat_category_bit(s->category);
	if (b >= 0 && p->cat_default[b] != POL_NONE) {
		r->verdict = p->cat_default[b];
		snprintf(r->rule, sizeof(r->rule), "default:category:%s", s->category);
		goto out;
	}
	r->verdict = p->default_verdict;
	snprintf(r->rule, sizeof(r->rule), "default");
out:
	r->severity = p->access_sev[r->verdict];
}

const char *
policy_zone(const struct policy *p, const uint8_t *addr)
{
	size_t i, j;

	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nnets; j++)
			if (cidr_contains(p->zones[i].nets[j].net,
			    p->zones[i].nets[j].plen, addr))
				return p->zones[i].name;
	return NULL;
}
