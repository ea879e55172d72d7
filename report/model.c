/*
 * model.c - fills the report model from one or more sensor databases
 * (read-only, through lib/store/store_week.h).  Several databases (one per
 * sensor) are merged: counts are added, distinct clients are summed per
 * sensor (a client seen by two sensors counts twice; the report says so).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "common/log.h"
#include "store/store.h"
#include "report.h"

/* Re-identifications come from lib/store/reid.c's audit log once that
 * file is in the tree; until then the report says "not available". */
#if defined(__has_include)
#if __has_include("store/reid.c")
#define HAVE_REID 1
#include "store/reid.h"
#endif
#endif

static long
reid_count(const char *audit, const char *db, uint64_t from, uint64_t to)
{
#ifdef HAVE_REID
	char path[4096];
	const char *slash;

	if (audit == NULL) {
		/* privacy.audit_db default: audit.db beside the database */
		slash = strrchr(db, '/');
		snprintf(path, sizeof(path), "%.*saudit.db",
		    slash ? (int)(slash - db + 1) : 0, db);
		audit = path;
	}
	return reid_audit_count(audit, from, to);
#else
	(void)audit; (void)db; (void)from; (void)to;
	return -1;
#endif
}

/* SHADOWTAP_REPORT_TIMING=1: each named query's time on stderr, summed
 * over databases and weeks (make bench-report). */
enum { QT_KPI, QT_SERVICES, QT_FIRST, QT_ZONES, QT_DLP, QT_POLICY,
	QT_EXPIRING, QT__COUNT };
static const char *const qt_name[QT__COUNT] = { "kpi (8 weeks)", "services",
	"first_seen", "zones", "dlp", "policy", "expiring" };
static uint64_t qt_us[QT__COUNT], qt_t0;

static void
qt_start(void)
{
	qt_t0 = clock_mono_us();
}

static int
qt_stop(int which, int rc)
{
	qt_us[which] += clock_mono_us() - qt_t0;
	return rc;
}
/* The comma sequences the start before the call. */
#define TIMED(which, expr)	(qt_start(), qt_stop((which), (expr)))

static void
qt_print(void)
{
	int i;

	if (getenv("SHADOWTAP_REPORT_TIMING") == NULL)
		return;
	for (i = 0; i < QT__COUNT; i++)
		fprintf(stderr, "query %-14s %8.1f ms\n", qt_name[i],
		    (double)qt_us[i] / 1000.0);
}

static void
kpi_add(struct sw_kpi *a, const struct sw_kpi *b)
{
	int i;

	a->clients += b->clients;
	for (i = 0; i < 4; i++)
		a->flows[i] += b->flows[i];
	a->interest += b->interest;
	a->lookups += b->lookups;
	a->bytes_up += b->bytes_up;
	a->uploads += b->uploads;
	a->dlp += b->dlp;
	a->alerts += b->alerts;
	a->vis += b->vis;
	for (i = 0; i < VIS__COUNT; i++)
		a->vis_kind[i] += b->vis_kind[i];
	a->packets += b->packets;
	a->drops += b->drops;
	a->stat_hours += b->stat_hours;
	a->epochs += b->epochs;
}

struct svcset {
	struct rp_svc	*v;
	int		*n, max;
};

static int
svc_cb(void *arg, const struct sw_service *s)
{
	struct svcset *ss = arg;
	struct rp_svc *p;
	int i;

	for (i = 0; i < *ss->n; i++)
		if (strcmp(ss->v[i].service, s->service) == 0)
			break;
	if (i == *ss->n) {
		if (*ss->n >= ss->max)
			return 0;
		p = &ss->v[(*ss->n)++];
		memset(p, 0, sizeof(*p));
		snprintf(p->service, sizeof(p->service), "%s", s->service);
		snprintf(p->name, sizeof(p->name), "%s", s->name);
		snprintf(p->verdict, sizeof(p->verdict), "%s", s->verdict);
	}
	p = &ss->v[i];
	p->clients += s->clients;
	p->flows += s->flows;
	p->bytes_up += s->bytes_up;
	return 0;
}

static int
rp_dlp_cb(void *arg, const char *k, uint64_t n)
{
	struct report *r = arg;
	int i;

	for (i = 0; i < r->ndlp; i++)
		if (strcmp(r->dlp[i].a, k) == 0)
			break;
	if (i == r->ndlp) {
		if (r->ndlp >= 32)
			return 0;
		memset(&r->dlp[i], 0, sizeof(r->dlp[i]));
		snprintf(r->dlp[i].a, sizeof(r->dlp[i].a), "%s", k);
		r->ndlp++;
	}
	r->dlp[i].n += n;
	return 0;
}

static int
pol_cb(void *arg, const struct sw_policy *p)
{
	struct report *r = arg;
	struct rp_row *w;

	if (r->npolicy >= 64)
		return 1;
	w = &r->policy[r->npolicy++];
	memset(w, 0, sizeof(*w));
	rp_date(p->ts, w->a, sizeof(w->a));
	snprintf(w->b, sizeof(w->b), "%.16s", p->version);
	snprintf(w->c, sizeof(w->c), "%s", p->action);
	snprintf(w->d, sizeof(w->d), "%s", p->summary);
	w->n = (uint64_t)p->errors;
	return 0;
}

static int
exc_cb(void *arg, const struct sw_exception *e)
{
	struct report *r = arg;
	struct rp_row *w;
	int i;

	for (i = 0; i < r->nexpiring; i++)
		if (strcmp(r->expiring[i].a, e->id) == 0)
			return 0;
	if (r->nexpiring >= 64)
		return 1;
	w = &r->expiring[r->nexpiring++];
	memset(w, 0, sizeof(*w));
	snprintf(w->a, sizeof(w->a), "%s", e->id);
	snprintf(w->b, sizeof(w->b), "%s", e->service);
	snprintf(w->c, sizeof(w->c), "%s", e->owner);
	snprintf(w->d, sizeof(w->d), "%s", e->reference);
	rp_date(e->valid_until, w->e, sizeof(w->e));
	return 0;
}

static int
open_one(const char *path, struct store **sp)
{
	struct stat st;
	int v;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "shadowtap-report: %s: cannot read the database"
		    " (%s)\n", path, strerror(errno ? errno : EINVAL));
		return -ENOENT;
	}
	if ((v = store_schema_version(path)) < 0) {
		fprintf(stderr, "shadowtap-report: %s: not a readable shadowtap"
		    " database (%s)\n", path, strerror(-v));
		return v;
	}
	if (v != STORE_SCHEMA_VERSION) {
		fprintf(stderr, "shadowtap-report: %s: schema version %d, this"
		    " report reads version %d; upgrade the sensor (it migrates"
		    " in place) or use a matching report\n", path, v,
		    STORE_SCHEMA_VERSION);
		return -EPROTO;
	}
	if ((v = store_open(sp, path, STORE_RO)) != 0) {
		fprintf(stderr, "shadowtap-report: %s: cannot open the database"
		    " (%s)\n", path, strerror(-v));
		return v;
	}
	return 0;
}

int
model_load(struct report *r, char **dbs, int ndb, const char *audit)
{
	struct store *s[RP_MAXDB];
	struct svcset ss;
	struct sw_kpi k;
	char name[64];
	uint64_t f;
	int i, w, rc = 0;

	if (ndb > RP_MAXDB)
		return -E2BIG;
	for (i = 0; i < ndb; i++)
		if ((rc = open_one(dbs[i], &s[i])) != 0) {
			while (i-- > 0)
				store_close(s[i]);
			return rc;
		}
	r->ndb = ndb;
	week_name(r->from, r->week, sizeof(r->week));
	week_name(week_add(r->from, -1), r->prev_week, sizeof(r->prev_week));
	for (w = 0; w < RP_TREND; w++)
		week_name(week_add(r->from, w - (RP_TREND - 1)),
		    r->trend_week[w], sizeof(r->trend_week[w]));
	for (i = 0; i < ndb && rc == 0; i++) {
		if (store_meta_get(s[i], "sensor", name, sizeof(name)) != 0)
			snprintf(name, sizeof(name), "sensor %d", i + 1);
		snprintf(r->sensors + strlen(r->sensors), sizeof(r->sensors) -
		    strlen(r->sensors), "%s%s", i ? ", " : "", name);
		for (w = 0; w < RP_TREND && rc == 0; w++) {
			f = week_add(r->from, w - (RP_TREND - 1));
			if ((rc = TIMED(QT_KPI, store_week_kpi(s[i], f,
			    week_add(f, 1), &k))) == 0)
				kpi_add(&r->trend[w], &k);
		}
		if (rc)
			break;
		ss.v = r->svc; ss.n = &r->nsvc; ss.max = RP_MAXSVC;
		if ((rc = TIMED(QT_SERVICES, store_week_services(s[i], r->from,
		    r->to, svc_cb, &ss))) != 0)
			break;
		ss.v = r->first; ss.n = &r->nfirst; ss.max = 64;
		if ((rc = TIMED(QT_FIRST, store_week_first_seen(s[i], r->from,
		    r->to, svc_cb, &ss))) != 0)
			break;
		ss.v = r->zone; ss.n = &r->nzone; ss.max = 64;
		if ((rc = TIMED(QT_ZONES, store_week_zones(s[i], r->from,
		    r->to, svc_cb, &ss))) != 0)
			break;
		if ((rc = TIMED(QT_DLP, store_week_dlp(s[i], r->from, r->to,
		    rp_dlp_cb, r))) != 0 ||
		    (rc = TIMED(QT_POLICY, store_week_policy(s[i], r->from,
		    r->to, pol_cb, r))) != 0 ||
		    (rc = TIMED(QT_EXPIRING, store_week_expiring(s[i], r->to,
		    r->to + 30ULL * 86400 * 1000000, exc_cb, r))) != 0)
			break;
	}
	for (i = 0; i < ndb; i++)
		store_close(s[i]);
	if (rc != 0) {
		fprintf(stderr, "shadowtap-report: query failed (%s)\n",
		    strerror(-rc));
		return rc;
	}
	r->cur = r->trend[RP_TREND - 1];
	r->prev = r->trend[RP_TREND - 2];
	r->empty = r->cur.flows[0] + r->cur.flows[1] + r->cur.flows[2] +
	    r->cur.flows[3] + r->cur.lookups + r->cur.alerts == 0;
	r->reid = reid_count(audit, dbs[0], r->from, r->to);
	qt_print();
	return 0;
}

static const struct report *rank_r;
static int rank_bytes;

static int
rank_cmp(const void *a, const void *b)
{
	const struct rp_svc *x = &rank_r->svc[*(const int *)a];
	const struct rp_svc *y = &rank_r->svc[*(const int *)b];
	uint64_t p = rank_bytes ? x->bytes_up : x->clients;
	uint64_t q = rank_bytes ? y->bytes_up : y->clients;

	if (p != q)
		return p < q ? 1 : -1;
	if (x->flows != y->flows)
		return x->flows < y->flows ? 1 : -1;
	return strcmp(x->service, y->service);
}

int
model_rank(const struct report *r, int by_bytes, int only_unrev, int *idx,
    int max)
{
	int all[RP_MAXSVC], n = 0, i;

	for (i = 0; i < r->nsvc; i++)
		if ((!only_unrev || strcmp(r->svc[i].verdict, "unreviewed") == 0)
		    && strcmp(r->svc[i].verdict, "interest") != 0
		    && r->svc[i].flows > 0)
			all[n++] = i;
	rank_r = r;
	rank_bytes = by_bytes;
	qsort(all, (size_t)n, sizeof(int), rank_cmp);
	if (n > max)
		n = max;
	memcpy(idx, all, (size_t)n * sizeof(int));
	return n;
}
