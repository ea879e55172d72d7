/*
 * rules.c - loads a rules directory as one bundle (catalog, policy,
 * detectors), hashes the files into the policy version, and summarises
 * the difference between two bundles for the policy event.
 */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/rules.h"
#include "common/ydoc.h"
#include "dlp/dlp.h"

int
rules_today(uint64_t ts_us)
{
	return (int)(ts_us / 1000000ULL / 86400ULL);
}

/*
 * hash_file(h, name, path): absorb ${name} (relative to the rules dir, with
 * its NUL) and the bytes of ${path}, so policy_version does not depend on
 * how the rules directory was spelled (relative, ./, trailing slash,
 * absolute, symlink).  Non-regular files are skipped (the loaders refuse
 * them); at most YDOC_MAX_FILE bytes are read.
 */
static void
hash_file(crypto_generichash_state *h, const char *name, const char *path)
{
	unsigned char buf[8192];
	FILE *f;
	size_t n, total = 0;
	int err;

	if ((f = ydoc_open_regular(path, &err)) == NULL)
		return;
	crypto_generichash_update(h, (const unsigned char *)name,
	    strlen(name) + 1);
	while (total < YDOC_MAX_FILE && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		crypto_generichash_update(h, buf, n);
		total += n;
	}
	fclose(f);
}

int
rules_load(const char *dir, FILE *diag, int today, struct rules **out,
    int *nerr)
{
	crypto_generichash_state h;
	unsigned char dig[8];
	char path[4096];
	struct rules *r;
	struct dlp_opts o;
	int rc, n = 0, i;

	*out = NULL;
	*nerr = 0;
	if (diag == NULL)
		diag = stderr;
	if (sodium_init() < 0)
		return -ENOMEM;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	crypto_generichash_init(&h, NULL, 0, sizeof(dig));
	snprintf(path, sizeof(path), "%s/catalog", dir);
	rc = catalog_load(path, diag, &h, &r->cat, &n);
	*nerr += n;
	if (r->cat == NULL) {
		/* Without a catalog the policy cannot be checked. */
		if (rc == 0)
			rc = -EINVAL;
		goto err;
	}
	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	hash_file(&h, "policy.yaml", path);
	rc = policy_load(path, r->cat, diag, today, &r->pol, &n);
	*nerr += rc < 0 ? n : 0;
	snprintf(path, sizeof(path), "%s/detectors.yaml", dir);
	if (access(path, F_OK) == 0) {
		hash_file(&h, "detectors.yaml", path);
		memset(&o, 0, sizeof(o));
		o.diag = diag;
		if (r->pol != NULL) {
			o.budget = r->pol->ip.scan_budget;
			o.min_confidence = r->pol->ip.min_confidence;
		}
		if (dlp_engine_load(path, &o, &r->dlp) < 0)
			(*nerr)++;
	}
	if (*nerr > 0) {
		rc = -EINVAL;
		goto err;
	}
	crypto_generichash_final(&h, dig, sizeof(dig));
	for (i = 0; i < (int)sizeof(dig); i++)
		snprintf(r->version + 2 * i, 3, "%02x", dig[i]);
	*out = r;
	return 0;
err:
	if (*nerr == 0)
		*nerr = 1;
	rules_free(r);
	return rc < 0 ? rc : -EINVAL;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	catalog_free(r->cat);
	policy_free(r->pol);
	dlp_engine_free(r->dlp);
	free(r);
}

/* Count ids of ${a} missing from ${b}. */
static int
missing_svc(const struct catalog *a, const struct catalog *b)
{
	size_t i;
	int n = 0;

	for (i = 0; i < a->nsvc; i++)
		if (catalog_find_id(b, a->svc[i].id) < 0)
			n++;
	return n;
}

static int
missing_rules(const struct policy *a, const struct policy *b, int exc)
{
	size_t i, j, na = exc ? a->nexc : a->nrules, nb = exc ? b->nexc : b->nrules;
	int n = 0;

	for (i = 0; i < na; i++) {
		const char *id = exc ? a->exc[i].id : a->rules[i].id;

		for (j = 0; j < nb; j++)
			if (strcmp(id, exc ? b->exc[j].id : b->rules[j].id) == 0)
				break;
		n += j == nb;
	}
	return n;
}

void
rules_summary(const struct rules *old, const struct rules *r, char *buf,
    size_t cap)
{
	int len;

	len = snprintf(buf, cap, "%zu services, %zu rules, %zu exceptions, "
	    "%zu zones, %d detectors", r->cat->nsvc, r->pol->nrules,
	    r->pol->nexc, r->pol->nzones,
	    r->dlp ? dlp_engine_ndetectors(r->dlp) : 0);
	if (old == NULL || len < 0 || (size_t)len >= cap)
		return;
	snprintf(buf + len, cap - (size_t)len, "; from %s: services +%d -%d, "
	    "rules +%d -%d, exceptions +%d -%d", old->version,
	    missing_svc(r->cat, old->cat), missing_svc(old->cat, r->cat),
	    missing_rules(r->pol, old->pol, 0), missing_rules(old->pol, r->pol, 0),
	    missing_rules(r->pol, old->pol, 1), missing_rules(old->pol, r->pol, 1));
}
