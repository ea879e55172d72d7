/*
 * store_week_scan.c - one pass over a week's agg_client_day rows for the
 * weekly report: distinct clients overall, per service and per zone, and
 * the sums per service and zone, counted in memory (interned strings and
 * hash sets) instead of one SQL grouping with count(DISTINCT) per report
 * item.  The last week scanned is kept on the handle while the database
 * is unchanged (PRAGMA data_version), so the KPI, top-10, first-seen and
 * zone calls for the same week share one pass (store_week.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "common/hash.h"
#include "store/store_int.h"
#include "store/store_week.h"

/* Interned strings: id by value, dense ids from 0. */
struct intern {
	uint32_t	*slot;		/* id + 1; 0: empty */
	size_t		 cap;		/* power of two */
	char		**str;
	uint64_t	*hash;
	size_t		 n, ncap;
};

/* A set of 64-bit keys (open addressing; key + 1 stored, 0: empty). */
struct set {
	uint64_t	*k;
	size_t		 cap, n;
};

struct wk_acc {
	uint64_t	 clients, flows, bytes_up;
	char		*verdict;	/* max(verdict), as SQL's max() */
};

struct wk_scan {
	uint64_t	 from, to, version;
	uint64_t	 clients;
	struct intern	 svc, zone;
	struct wk_acc	*sacc, *zacc;
	size_t		 sacc_cap, zacc_cap;
	size_t		*sorder, *zorder;	/* ids sorted by name */
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	while (*s)
		h = hash_mix64(h ^ (unsigned char)*s++);
	return h;
}

static void
intern_free(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->str[i]);
	free(t->str);
	free(t->hash);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static int
intern_grow(struct intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i, j;
	uint32_t *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		for (j = t->hash[i] & (cap - 1); slot[j]; j = (j + 1) & (cap - 1))
			;
		slot[j] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* The id of ${s}, added when new (*added = 1); -errno. */
static long
intern_id(struct intern *t, const char *s, int *added)
{
	uint64_t h = hash_str(s);
	size_t j;
	char *c;

	*added = 0;
	if ((t->n + 1) * 2 > t->cap && intern_grow(t) < 0)
		return -ENOMEM;
	for (j = h & (t->cap - 1); t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		size_t i = t->slot[j] - 1;

		if (t->hash[i] == h && strcmp(t->str[i], s) == 0)
			return (long)i;
	}
	if (t->n == t->ncap) {
		size_t nc = t->ncap ? t->ncap * 2 : 256;
		char **ns = realloc(t->str, nc * sizeof(*ns));
		uint64_t *nh;

		if (ns == NULL)
			return -ENOMEM;
		t->str = ns;
		if ((nh = realloc(t->hash, nc * sizeof(*nh))) == NULL)
			return -ENOMEM;
		t->hash = nh;
		t->ncap = nc;
	}
	if (t->n >= UINT32_MAX - 1 || (c = strdup(s)) == NULL)
		return -ENOMEM;
	t->str[t->n] = c;
	t->hash[t->n] = h;
	t->slot[j] = (uint32_t)t->n + 1;
	*added = 1;
	return (long)t->n++;
}

/* Add ${key}: 1 when new, 0 when present, -ENOMEM. */
static int
set_add(struct set *s, uint64_t key)
{
	size_t j, i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint64_t *k = calloc(cap, sizeof(*k));

		if (k == NULL)
			return -ENOMEM;
		for (i = 0; i < s->cap; i++) {
			if (s->k[i] == 0)
				continue;
			for (j = hash_mix64(s->k[i]) & (cap - 1); k[j];
			    j = (j + 1) & (cap - 1))
				;
			k[j] = s->k[i];
		}
		free(s->k);
		s->k = k;
		s->cap = cap;
	}
	for (j = hash_mix64(key + 1) & (s->cap - 1); s->k[j];
	    j = (j + 1) & (s->cap - 1))
		if (s->k[j] == key + 1)
			return 0;
	s->k[j] = key + 1;
	s->n++;
	return 1;
}

static int
acc_slot(struct wk_acc **a, size_t *cap, size_t id)
{
	struct wk_acc *n;
	size_t nc;

	if (id < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	while (nc <= id)
		nc *= 2;
	if ((n = realloc(*a, nc * sizeof(*n))) == NULL)
		return -ENOMEM;
	memset(n + *cap, 0, (nc - *cap) * sizeof(*n));
	*a = n;
	*cap = nc;
	return 0;
}

void
store_week_scan_free(struct wk_scan *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->svc.n; i++)
		free(w->sacc[i].verdict);
	free(w->sacc);
	free(w->zacc);
	free(w->sorder);
	free(w->zorder);
	intern_free(&w->svc);
	intern_free(&w->zone);
	free(w);
}

static uint64_t
data_version(struct store *s)
{
	sqlite3_stmt *q;
	uint64_t v = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &q, NULL) ==
	    SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		v = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* One row into the accumulators; 0 or -ENOMEM. */
static int
scan_row(struct wk_scan *w, struct intern *clients, struct set *pairs,
    sqlite3_stmt *q)
{
	const char *c = (const char *)sqlite3_column_text(q, 0);
	const char *sv = (const char *)sqlite3_column_text(q, 1);
	const char *vd = (const char *)sqlite3_column_text(q, 2);
	const char *zn = (const char *)sqlite3_column_text(q, 3);
	sqlite3_int64 flows = sqlite3_column_int64(q, 4);
	sqlite3_int64 bytes = sqlite3_column_int64(q, 5);
	long ci, si, zi;
	int added, rc;
	struct wk_acc *sa, *za;

	if (c == NULL || sv == NULL || vd == NULL || zn == NULL)
		return -EIO;		/* NOT NULL columns: out of memory */
	if ((si = intern_id(&w->svc, sv, &added)) < 0 ||
	    acc_slot(&w->sacc, &w->sacc_cap, (size_t)si) < 0 ||
	    (zi = intern_id(&w->zone, zn, &added)) < 0 ||
	    acc_slot(&w->zacc, &w->zacc_cap, (size_t)zi) < 0)
		return -ENOMEM;
	sa = &w->sacc[si];
	za = &w->zacc[zi];
	if (sa->verdict == NULL || strcmp(vd, sa->verdict) > 0) {
		char *v = strdup(vd);

		if (v == NULL)
			return -ENOMEM;
		free(sa->verdict);
		sa->verdict = v;
	}
	sa->flows += flows > 0 ? (uint64_t)flows : 0;
	sa->bytes_up += bytes > 0 ? (uint64_t)bytes : 0;
	za->flows += flows > 0 ? (uint64_t)flows : 0;
	za->bytes_up += bytes > 0 ? (uint64_t)bytes : 0;
	if (flows <= 0)
		return 0;
	if ((ci = intern_id(clients, c, &added)) < 0)
		return -ENOMEM;
	w->clients += (uint64_t)added;
	/* Pair keys: service or zone id above, client id below; the top
	 * bit tells zones from services. */
	if ((rc = set_add(pairs, (uint64_t)si << 32 | (uint64_t)ci)) < 0)
		return rc;
	sa->clients += (uint64_t)rc;
	if ((rc = set_add(pairs, 1ULL << 63 | (uint64_t)zi << 32 |
	    (uint64_t)ci)) < 0)
		return rc;
	za->clients += (uint64_t)rc;
	return 0;
}

/* Ids of ${t} sorted by string (SQL's GROUP BY order, BINARY). */
static const struct intern *sort_t;

static int
sort_cmp(const void *a, const void *b)
{
	return strcmp(sort_t->str[*(const size_t *)a],
	    sort_t->str[*(const size_t *)b]);
}

static size_t *
sorted(const struct intern *t)
{
	size_t *o = malloc((t->n ? t->n : 1) * sizeof(*o)), i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		o[i] = i;
	sort_t = t;
	qsort(o, t->n, sizeof(*o), sort_cmp);
	return o;
}

/* The scan of [from, to): the handle's cached one when still valid. */
const struct wk_scan *
store_week_scan(struct store *s, uint64_t from, uint64_t to, int *err)
{
	struct intern clients;
	struct set pairs;
	struct wk_scan *w;
	sqlite3_stmt *q = NULL;
	uint64_t v = data_version(s);
	int rc = -EIO, sr;

	*err = 0;
	if (s->week != NULL && s->week->from == from && s->week->to == to &&
	    s->week->version == v)
		return s->week;
	store_week_scan_free(s->week);
	s->week = NULL;
	memset(&clients, 0, sizeof(clients));
	memset(&pairs, 0, sizeof(pairs));
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	w->from = from;
	w->to = to;
	w->version = v;
	if (sqlite3_prepare_v2(s->db, "SELECT client_pseudo, service, verdict,"
	    " zone, flows, bytes_up FROM agg_client_day WHERE day >= ?1 AND"
	    " day < ?2", -1, &q, NULL) != SQLITE_OK)
		goto err;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)to);
	while ((sr = sqlite3_step(q)) == SQLITE_ROW)
		if ((rc = scan_row(w, &clients, &pairs, q)) < 0)
			goto err;
	if (sr != SQLITE_DONE) {
		rc = -EIO;
		goto err;
	}
	sqlite3_finalize(q);
	q = NULL;
	rc = -ENOMEM;
	if ((w->sorder = sorted(&w->svc)) == NULL ||
	    (w->zorder = sorted(&w->zone)) == NULL)
		goto err;
	intern_free(&clients);
	free(pairs.k);
	s->week = w;
	return w;
err:
	sqlite3_finalize(q);
	intern_free(&clients);
	free(pairs.k);
	store_week_scan_free(w);
	*err = rc;
	return NULL;
}

uint64_t
store_week_scan_clients(const struct wk_scan *w)
{
	return w->clients;
}

size_t
store_week_scan_count(const struct wk_scan *w, int zones)
{
	return zones ? w->zone.n : w->svc.n;
}

/* Row ${k} of the services in name order (zones: the zone name as
 * service and name). */
void
store_week_scan_row(const struct wk_scan *w, int zones, size_t k,
    struct sw_service *r)
{
	size_t i = zones ? w->zorder[k] : w->sorder[k];
	const struct wk_acc *a = zones ? &w->zacc[i] : &w->sacc[i];

	r->service = zones ? w->zone.str[i] : w->svc.str[i];
	r->name = r->service;
	r->verdict = zones || a->verdict == NULL ? "" : a->verdict;
	r->clients = a->clients;
	r->flows = a->flows;
	r->bytes_up = a->bytes_up;
}
