/*
 * dlp_load.c - rules/detectors.yaml -> struct dlp_engine: checks every
 * key, type, regex, validator and id, reports all errors with file:line,
 * then builds the literal/bigram prefilter tables.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "dlp/dlp_int.h"
#include "common/ydoc.h"

#define MAX_GROUPS	16

static const char *const top_keys[] = { "version", "detectors", NULL };
static const char *const det_keys[] = { "id", "class", "kind", "description",
	"pattern", "validator", "entropy", "need_digit", "prefilter", "keywords",
	"proximity", "confidence", "keyword_confidence", "group", "priority",
	"min_bytes", "min_lines", "window", "value_group", NULL };
static const char *const pf_keys[] = { "literals", "nocase", "before", "after",
	"anchored", "digits", "token", "letters_before", NULL };
static const char *const kinds[] = { "regex", "pem", "source_code",
	"dictionary", NULL };

struct loader {
	struct ydoc		 y;
	struct dlp_engine	*e;
	char			*groups[MAX_GROUPS];
	int			 ngroups;
	const yaml_node_t	*idnode[DLP_MAX_DET];
};

static int
get_int(struct loader *L, const yaml_node_t *m, const char *k, long long lo,
    long long hi, int *out)
{
	yaml_node_t *n = ydoc_get(&L->y, m, k);
	long long v;

	if (n == NULL)
		return 0;
	if (ydoc_int(&L->y, n, lo, hi, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int
get_bool(struct loader *L, const yaml_node_t *m, const char *k, int *out)
{
	yaml_node_t *n = ydoc_get(&L->y, m, k);

	return n == NULL ? 0 : ydoc_bool(&L->y, n, out);
}

/* A scalar value for ${k}, reporting a non-scalar.  NULL when absent. */
static const char *
get_str(struct loader *L, const yaml_node_t *m, const char *k, const char *what)
{
	yaml_node_t *n = ydoc_get(&L->y, m, k);
	char buf[64];

	if (n == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", what);
	if (ydoc_expect(&L->y, n, YAML_SCALAR_NODE, buf) != 0)
		return NULL;
	return ydoc_str(&L->y, n);
}

/* parse_int(s, out): the whole of ${s} as a decimal int; 0 or -1. */
static int
parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int
conf_ok(struct loader *L, const yaml_node_t *m, const char *k, const char *id,
    int *out)
{
	yaml_node_t *n = ydoc_get(&L->y, m, k);
	const char *s = ydoc_str(&L->y, n);

	if (n == NULL)
		return 0;
	if (s == NULL || (strcmp(s, "0") && strcmp(s, "65") && strcmp(s, "75") &&
	    strcmp(s, "85"))) {
		ydoc_err(&L->y, n, "detector '%s': %s must be 0, 65, 75 or 85",
		    id, k);
		return -1;
	}
	return parse_int(s, out);
}

static int
add_literal(struct loader *L, struct dlp_det *d, const yaml_node_t *n,
    int nocase)
{
	struct dlp_engine *e = L->e;
	const char *s = ydoc_str(&L->y, n);
	size_t len = s ? strlen(s) : 0;

	if (s == NULL || len < 2 || len > 32) {
		ydoc_err(&L->y, n, "detector '%s': prefilter literals must be "
		    "strings of 2 to 32 bytes", d->id);
		return -1;
	}
	if (e->nlit >= DLP_MAX_LIT) {
		ydoc_err(&L->y, n, "too many prefilter literals (max %d)", DLP_MAX_LIT);
		return -1;
	}
	if ((e->lit[e->nlit].s = strdup(s)) == NULL)
		return -1;
	e->lit[e->nlit].len = (uint8_t)len;
	e->lit[e->nlit].nocase = (uint8_t)nocase;
	e->lit[e->nlit].det = (uint16_t)(d - e->det);
	e->nlit++;
	return 0;
}

static int
load_prefilter(struct loader *L, struct dlp_det *d, const yaml_node_t *pf)
{
	yaml_node_t *lits, *dg, *a, *b;
	yaml_node_item_t *it;
	long long lo, hi;
	int bad = 0, nocase = 0;

	if (ydoc_expect(&L->y, pf, YAML_MAPPING_NODE, "prefilter") != 0)
		return -1;
	bad += ydoc_check_keys(&L->y, pf, pf_keys, "prefilter");
	bad += get_bool(L, pf, "nocase", &nocase) != 0;
	bad += get_bool(L, pf, "anchored", &d->anchored) != 0;
	bad += get_int(L, pf, "before", 0, 64, &d->before) != 0;
	bad += get_int(L, pf, "after", 1, 4096, &d->after) != 0;
	bad += get_int(L, pf, "token", 0, 64, &d->token) != 0;
	bad += get_int(L, pf, "letters_before", 0, 8, &d->letters_before) != 0;
	lits = ydoc_get(&L->y, pf, "literals");
	dg = ydoc_get(&L->y, pf, "digits");
	if ((lits == NULL) == (dg == NULL)) {
		ydoc_err(&L->y, pf, "detector '%s': prefilter needs exactly one "
		    "of 'literals' or 'digits'", d->id);
		return -1;
	}
	if (lits != NULL) {
		d->pf = DLP_PF_LITERALS;
		if (ydoc_expect(&L->y, lits, YAML_SEQUENCE_NODE, "literals") != 0)
			return -1;
		YDOC_SEQ_FOREACH(&L->y, lits, it)
			bad += add_literal(L, d, ydoc_node(&L->y, *it), nocase) != 0;
	} else {
		d->pf = DLP_PF_DIGITS;
		if (ydoc_expect(&L->y, dg, YAML_SEQUENCE_NODE, "digits") != 0)
			return -1;
		if (dg->data.sequence.items.top - dg->data.sequence.items.start != 2) {
			ydoc_err(&L->y, dg, "digits must be [min, max]");
			return -1;
		}
		a = ydoc_node(&L->y, dg->data.sequence.items.start[0]);
		b = ydoc_node(&L->y, dg->data.sequence.items.start[1]);
		if (ydoc_int(&L->y, a, 1, 32, &lo) != 0 ||
		    ydoc_int(&L->y, b, lo, 32, &hi) != 0)
			return -1;
		d->dmin = (int)lo;
		d->dmax = (int)hi;
	}
	return bad ? -1 : 0;
}

static int
re_compile(struct loader *L, const yaml_node_t *n, const char *id,
    const char *pat, int flags, struct dlp_re **out)
{
	char msg[256];
	const char *why;
	size_t off;

	if ((*out = dlp_re_compile(pat, flags, msg, sizeof(msg), &off)) == NULL) {
		ydoc_err(&L->y, n, "detector '%s': pattern does not compile at "
		    "offset %zu: %s", id, off, msg);
		return -1;
	}
	if ((why = dlp_lint_regex(pat, &off)) != NULL) {
		yaml_node_t at = *n;

		/* file:line:col of the trap: single-line scalars only (a
		 * quoted one starts one column before its text) */
		if (n->start_mark.line == n->end_mark.line)
			at.start_mark.column += off + (n->data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE ? 0 : 1);
		ydoc_warn(&L->y, &at, "detector '%s': %s", id, why);
	}
	return 0;
}

/* Set the kw_pf bits of a keyword's first two bytes in every ASCII case
 * (the alternation is (?i) in byte mode: PCRE2 folds ASCII only). */
static void
kw_pf_add(uint8_t *pf, unsigned char a, unsigned char b)
{
	unsigned char va[2] = { (unsigned char)tolower(a), (unsigned char)toupper(a) };
	unsigned char vb[2] = { (unsigned char)tolower(b), (unsigned char)toupper(b) };
	unsigned i, j, k;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			k = va[i] | (unsigned)vb[j] << 8;
			pf[k >> 3] |= (uint8_t)(1u << (k & 7));
		}
}

/* keywords -> one case-insensitive whole-word alternation, and the
 * literal prefilter of its first byte pairs (none if a keyword is a
 * single byte). */
static int
load_keywords(struct loader *L, struct dlp_det *d, const yaml_node_t *kw)
{
	char pat[8192];
	size_t n = 0;
	yaml_node_item_t *it;

	if (ydoc_expect(&L->y, kw, YAML_SEQUENCE_NODE, "keywords") != 0)
		return -1;
	free(d->kw_pf);
	if ((d->kw_pf = calloc(1, 65536 / 8)) == NULL) {
		ydoc_err(&L->y, kw, "detector '%s': out of memory", d->id);
		return -1;
	}
	/* No leading look-behind: it would hide the first-byte set from
	 * PCRE2's start-up optimisation; dlp.c checks the left boundary. */
	n += (size_t)snprintf(pat, sizeof(pat), "(?i)(?:");
	YDOC_SEQ_FOREACH(&L->y, kw, it) {
		yaml_node_t *k = ydoc_node(&L->y, *it);
		const char *s = ydoc_str(&L->y, k), *c;

		if (s == NULL || *s == '\0') {
			ydoc_err(&L->y, k, "detector '%s': keywords must be "
			    "non-empty strings", d->id);
			return -1;
		}
		if (it != kw->data.sequence.items.start && n < sizeof(pat))
			pat[n++] = '|';
		if (d->kw_pf != NULL && s[1] != '\0')
			kw_pf_add(d->kw_pf, (unsigned char)s[0], (unsigned char)s[1]);
		else {
			free(d->kw_pf);
			d->kw_pf = NULL;
		}
		for (c = s; *c != '\0' && n + 2 < sizeof(pat); c++) {
			if (strchr("\\^$.|?*+()[]{}", *c) != NULL)
				pat[n++] = '\\';
			pat[n++] = *c;
		}
		if (isalnum((unsigned char)c[-1]) && n + 16 < sizeof(pat)) {
			memcpy(pat + n, "(?![A-Za-z0-9])", 15);
			n += 15;
		}
	}
	if (n + 2 >= sizeof(pat)) {
		ydoc_err(&L->y, kw, "detector '%s': keyword list too long", d->id);
		return -1;
	}
	pat[n++] = ')';
	pat[n] = '\0';
	if (re_compile(L, kw, d->id, pat, 0, &d->kw) != 0)
		return -1;
	if (d->kw_pf == NULL)
		return 0;
	return re_compile(L, kw, d->id, pat, DLP_RE_ANCHORED, &d->kw_a);
}

static int
group_id(struct loader *L, const char *name)
{
	int i;

	for (i = 0; i < L->ngroups; i++)
		if (strcmp(L->groups[i], name) == 0)
			return i + 1;
	if (L->ngroups == MAX_GROUPS || (L->groups[L->ngroups] = strdup(name)) == NULL)
		return -1;
	return ++L->ngroups;
}

static int
load_kind(struct loader *L, struct dlp_det *d, const yaml_node_t *m)
{
	const char *k = get_str(L, m, "kind", "kind");
	int i;

	d->kind = DLP_K_REGEX;
	if (k == NULL)
		return ydoc_get(&L->y, m, "kind") != NULL ? -1 : 0;
	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], k) == 0) {
			d->kind = (enum dlp_kind)i;
			return 0;
		}
	ydoc_err(&L->y, ydoc_get(&L->y, m, "kind"), "detector '%s': unknown "
	    "kind '%s'", d->id, k);
	return -1;
}

static int
load_numbers(struct loader *L, struct dlp_det *d, const yaml_node_t *m)
{
	yaml_node_t *n;
	const char *s;
	char *end;
	int bad = 0;

	bad += conf_ok(L, m, "confidence", d->id, &d->conf) != 0;
	d->kw_conf = d->conf;
	bad += conf_ok(L, m, "keyword_confidence", d->id, &d->kw_conf) != 0;
	if (ydoc_get(&L->y, m, "confidence") == NULL) {
		ydoc_err(&L->y, m, "detector '%s': missing 'confidence'", d->id);
		bad++;
	}
	d->proximity = 300;
	bad += get_int(L, m, "proximity", 0, 300, &d->proximity) != 0;
	bad += get_int(L, m, "priority", 0, 100, &d->priority) != 0;
	bad += get_int(L, m, "value_group", 0, 7, &d->value_group) != 0;
	bad += get_bool(L, m, "need_digit", &d->need_digit) != 0;
	d->min_bytes = 256;
	d->min_lines = 8;
	d->window = 65536;
	bad += get_int(L, m, "min_bytes", 0, 1 << 20, &d->min_bytes) != 0;
	bad += get_int(L, m, "min_lines", 1, 100000, &d->min_lines) != 0;
	bad += get_int(L, m, "window", 1024, 1 << 24, &d->window) != 0;
	if ((n = ydoc_get(&L->y, m, "entropy")) != NULL) {
		s = ydoc_str(&L->y, n);
		d->entropy = s ? strtod(s, &end) : -1;
		if (s == NULL || *end != '\0' || d->entropy < 0 || d->entropy > 8) {
			ydoc_err(&L->y, n, "detector '%s': entropy must be a "
			    "number from 0 to 8", d->id);
			bad++;
		}
	}
	if ((s = get_str(L, m, "group", "group")) != NULL &&
	    (d->group = group_id(L, s)) < 0) {
		ydoc_err(&L->y, ydoc_get(&L->y, m, "group"), "too many groups");
		bad++;
	}
	return bad ? -1 : 0;
}

static int
load_regex_parts(struct loader *L, struct dlp_det *d, const yaml_node_t *m)
{
	yaml_node_t *pn = ydoc_get(&L->y, m, "pattern"), *n;
	const char *pat = get_str(L, m, "pattern", "pattern"), *v;
	int bad = 0;

	if (d->kind == DLP_K_CODE)
		return 0;
	if (pat == NULL) {
		if (pn == NULL)
			ydoc_err(&L->y, m, "detector '%s': missing 'pattern'", d->id);
		return -1;
	}
	if (d->kind == DLP_K_DICT && (d->pat = strdup(pat)) == NULL)
		return -1;
	if (re_compile(L, pn, d->id, pat, d->anchored ? DLP_RE_ANCHORED : 0,
	    &d->re) != 0)
		bad++;
	else if (dlp_re_ncaptures(d->re) < d->value_group) {
		ydoc_err(&L->y, pn, "detector '%s': pattern has no capture group %d",
		    d->id, d->value_group);
		bad++;
	} else if (d->kind == DLP_K_DICT && dlp_re_ncaptures(d->re) != 0) {
		ydoc_err(&L->y, pn, "detector '%s': dictionary patterns must not "
		    "capture; use (?:...)", d->id);
		bad++;
	}
	d->validator = 0;
	if ((v = get_str(L, m, "validator", "validator")) != NULL &&
	    (d->validator = dlp_validator_lookup(v)) < 0) {
		ydoc_err(&L->y, ydoc_get(&L->y, m, "validator"), "detector '%s': "
		    "unknown validator '%s'", d->id, v);
		bad++;
	}
	if ((n = ydoc_get(&L->y, m, "prefilter")) != NULL)
		bad += load_prefilter(L, d, n) != 0;
	else if (d->kind == DLP_K_REGEX || d->kind == DLP_K_PEM) {
		ydoc_err(&L->y, m, "detector '%s': missing 'prefilter'", d->id);
		bad++;
	}
	if ((n = ydoc_get(&L->y, m, "keywords")) != NULL)
		bad += load_keywords(L, d, n) != 0;
	return bad ? -1 : 0;
}

/* The anchored flag must be known before the pattern compiles. */
static void
peek_anchored(struct loader *L, struct dlp_det *d, const yaml_node_t *m)
{
	yaml_node_t *pf = ydoc_get(&L->y, m, "prefilter");
	const char *s = ydoc_str(&L->y, ydoc_get(&L->y, pf, "anchored"));

	d->anchored = s != NULL && (strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0);
}

static int
load_detector(struct loader *L, const yaml_node_t *m)
{
	struct dlp_engine *e = L->e;
	struct dlp_det *d;
	const char *id, *cls;
	int bad, i, c;

	if (ydoc_expect(&L->y, m, YAML_MAPPING_NODE, "detector") != 0)
		return -1;
	bad = ydoc_check_keys(&L->y, m, det_keys, "detector");
	if ((id = get_str(L, m, "id", "id")) == NULL) {
		if (ydoc_get(&L->y, m, "id") == NULL)
			ydoc_err(&L->y, m, "detector without 'id'");
		return -1;
	}
	for (i = 0; i < e->ndet; i++)
		if (strcmp(e->det[i].id, id) == 0) {
			ydoc_err(&L->y, ydoc_get(&L->y, m, "id"), "duplicate detector "
			    "id '%s' (first at line %zu)", id,
			    L->idnode[i]->start_mark.line + 1);
			return -1;
		}
	if (e->ndet == DLP_MAX_DET) {
		ydoc_err(&L->y, m, "too many detectors (max %d)", DLP_MAX_DET);
		return -1;
	}
	d = &e->det[e->ndet];
	memset(d, 0, sizeof(*d));
	if ((d->id = strdup(id)) == NULL)
		return -1;
	L->idnode[e->ndet++] = ydoc_get(&L->y, m, "id");
	if ((cls = get_str(L, m, "class", "class")) == NULL) {
		if (ydoc_get(&L->y, m, "class") == NULL)
			ydoc_err(&L->y, m, "detector '%s': missing 'class'", id);
		bad++;
	} else if ((c = dlp_class_lookup(cls)) < 0) {
		ydoc_err(&L->y, ydoc_get(&L->y, m, "class"), "detector '%s': "
		    "unknown class '%s'", id, cls);
		bad++;
	} else
		d->cls = (enum dlp_class)c;
	bad += load_kind(L, d, m) != 0;
	peek_anchored(L, d, m);
	bad += load_numbers(L, d, m) != 0;
	bad += load_regex_parts(L, d, m) != 0;
	return bad ? -1 : 0;
}

static void
bigram_set(struct dlp_engine *e, unsigned a, unsigned b)
{
	unsigned k = a | (b << 8);

	e->bigram[k >> 3] |= (uint8_t)(1u << (k & 7));
	e->bigram8[k] = 1;
}

/* How common a byte pair is in Dutch/English prose (lower is rarer): a
 * pair with a digit or punctuation is rare, one with a space very common,
 * letter pairs by letter frequency plus a penalty for frequent bigrams. */
static int
pair_cost(int a, int b)
{
	static const char freq[] = "etaonirshldgucmpfwyvbkjzxq";	/* common first */
	static const char common[] = "th he in er an re on at en nd ti es or te "
	    "of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri "
	    "ro ic ne ea ra ce li ch ll be ma si om ur ee ge ij ie aa oo ui ke "
	    "ze we va da di el ";
	const char *pa, *pb;
	char p[4];

	if (a == ' ' || b == ' ')
		return 1000;
	if (!isalpha(a) || !isalpha(b))
		return 0;
	p[0] = (char)tolower(a);
	p[1] = (char)tolower(b);
	p[2] = ' ';
	p[3] = '\0';
	pa = strchr(freq, p[0]);
	pb = strchr(freq, p[1]);
	return 100 - (int)(pa - freq) - (int)(pb - freq) +
	    (strstr(common, p) != NULL ? 50 : 0);
}

/* The literal's anchor: its least common byte pair. */
static void
pick_anchor(struct dlp_lit *l)
{
	int k, best = 1 << 20, c;

	for (k = 0; k + 1 < l->len; k++)
		if ((c = pair_cost((unsigned char)l->s[k],
		    (unsigned char)l->s[k + 1])) < best) {
			best = c;
			l->anch = (uint8_t)k;
		}
}

/* Literals sorted by the folded first byte of their anchor pair; bigram
 * bits for every case variant of each anchor pair; every digit pair. */
static void
build_tables(struct dlp_engine *e)
{
	struct dlp_lit tmp[DLP_MAX_LIT];
	int i, b, n = 0;

	for (i = 0; i < e->nlit; i++)
		pick_anchor(&e->lit[i]);
	for (b = 0; b < 256; b++) {
		e->lit_idx[b] = (uint16_t)n;
		for (i = 0; i < e->nlit; i++)
			if (tolower((unsigned char)e->lit[i].s[e->lit[i].anch]) == b)
				tmp[n++] = e->lit[i];
	}
	e->lit_idx[256] = (uint16_t)n;
	memcpy(e->lit, tmp, (size_t)n * sizeof(tmp[0]));
	for (i = 0; i < e->nlit; i++) {
		unsigned a = (unsigned char)e->lit[i].s[e->lit[i].anch];
		unsigned c = (unsigned char)e->lit[i].s[e->lit[i].anch + 1];

		bigram_set(e, a, c);
		if (e->lit[i].nocase) {
			bigram_set(e, (unsigned)toupper(a), c);
			bigram_set(e, a, (unsigned)toupper(c));
			bigram_set(e, (unsigned)toupper(a), (unsigned)toupper(c));
			bigram_set(e, (unsigned)tolower(a), (unsigned)tolower(c));
			bigram_set(e, (unsigned)tolower(a), (unsigned)toupper(c));
			bigram_set(e, (unsigned)toupper(a), (unsigned)tolower(c));
		}
	}
	e->digit_min = 99;
	for (i = 0; i < e->ndet; i++)
		if (e->det[i].pf == DLP_PF_DIGITS) {
			e->digit_det[e->ndigit++] = (uint8_t)i;
			if (e->det[i].dmin < e->digit_min)
				e->digit_min = e->det[i].dmin;
		}
	if (e->ndigit > 0)
		for (b = '0'; b <= '9'; b++)
			for (i = 0; i < 256; i++)
				bigram_set(e, (unsigned)b, (unsigned)i);
}

static int
load_doc(struct loader *L)
{
	yaml_node_t *root = ydoc_root(&L->y), *dets;
	yaml_node_item_t *it;
	int bad = 0, ver = 1;

	if (ydoc_expect(&L->y, root, YAML_MAPPING_NODE, "detectors file") != 0)
		return -1;
	bad += ydoc_check_keys(&L->y, root, top_keys, "detectors file");
	bad += get_int(L, root, "version", 1, 1, &ver) != 0;
	dets = ydoc_get(&L->y, root, "detectors");
	if (dets == NULL) {
		ydoc_err(&L->y, root, "missing 'detectors'");
		return -1;
	}
	if (ydoc_expect(&L->y, dets, YAML_SEQUENCE_NODE, "detectors") != 0)
		return -1;
	YDOC_SEQ_FOREACH(&L->y, dets, it)
		bad += load_detector(L, ydoc_node(&L->y, *it)) != 0;
	return bad ? -1 : 0;
}

static void
set_roles(struct dlp_engine *e)
{
	int i;

	e->code_det = e->pem_det = -1;
	for (i = 0; i < e->ndet; i++) {
		if (e->det[i].kind == DLP_K_CODE && e->code_det < 0)
			e->code_det = i;
		if (e->det[i].kind == DLP_K_PEM && e->pem_det < 0)
			e->pem_det = i;
	}
}

static int
set_opts(struct dlp_engine *e, const struct dlp_opts *o)
{
	e->budget = o && o->budget ? o->budget : DLP_BUDGET_DEFAULT;
	e->min_conf = o && o->min_confidence ? o->min_confidence : 65;
	if (o && o->fp_key != NULL) {
		if (o->fp_keylen < crypto_generichash_KEYBYTES_MIN ||
		    o->fp_keylen > crypto_generichash_KEYBYTES_MAX)
			return -EINVAL;
		memcpy(e->fp_key, o->fp_key, o->fp_keylen);
		e->fp_keylen = o->fp_keylen;
	} else {
		randombytes_buf(e->fp_key, crypto_generichash_KEYBYTES);
		e->fp_keylen = crypto_generichash_KEYBYTES;
	}
	return 0;
}

/*
 * dlp_engine_load(path, opts, out):
 * Parse into a fresh engine, report every error, and only then hand it
 * out.  Returns 0, -EINVAL, -ENOMEM or the open error.
 */
int
dlp_engine_load(const char *path, const struct dlp_opts *opts,
    struct dlp_engine **out)
{
	struct loader L;
	int rc, i;

	*out = NULL;
	if (sodium_init() < 0)
		return -ENOMEM;
	memset(&L, 0, sizeof(L));
	if ((L.e = calloc(1, sizeof(*L.e))) == NULL)
		return -ENOMEM;
	if ((rc = set_opts(L.e, opts)) != 0)
		goto err;
	if ((rc = ydoc_load(&L.y, path, opts ? opts->diag : NULL)) != 0)
		goto err;
	if (load_doc(&L) != 0 || dlp_dict_build(L.e, &L.y) != 0 || L.y.nerr > 0) {
		rc = -EINVAL;
		goto err;
	}
	set_roles(L.e);
	build_tables(L.e);
	if ((L.e->rx = dlp_rx_new()) == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	dlp_dict_build_pf(L.e);
	*out = L.e;
	L.e = NULL;
	rc = 0;
err:
	for (i = 0; i < L.ngroups; i++)
		free(L.groups[i]);
	ydoc_free(&L.y);
	dlp_engine_free(L.e);
	return rc;
}

/* dlp_engine_free(e): release everything; NULL is a no-op. */
void
dlp_engine_free(struct dlp_engine *e)
{
	int i;

	if (e == NULL)
		return;
	for (i = 0; i < e->ndet; i++) {
		free(e->det[i].id);
		free(e->det[i].pat);
		dlp_re_free(e->det[i].re);
		dlp_re_free(e->det[i].kw);
		dlp_re_free(e->det[i].kw_a);
		free(e->det[i].kw_pf);
	}
	for (i = 0; i < e->nlit; i++)
		free((char *)e->lit[i].s);
	dlp_re_free(e->dict);
	dlp_re_free(e->dict_a);
	free(e->dict_pat);
	free(e->dict_q4);
	for (i = 0; i < 32; i++)
		dlp_re_free(e->dict_g[i]);
	dlp_rx_free(e->rx);
	sodium_memzero(e->fp_key, sizeof(e->fp_key));
	free(e);
}

int
dlp_engine_ndetectors(const struct dlp_engine *e)
{
	return e->ndet;
}

const char *
dlp_engine_detector(const struct dlp_engine *e, int i)
{
	return i >= 0 && i < e->ndet ? e->det[i].id : NULL;
}
