/*
 * test_store_query.c - unit tests for lib/store/store_query.c over a
 * database written by lib/store's writer: agg_day kept equal to agg_hour,
 * per-verdict totals and the timeline equal over ranges that start and end
 * inside a day (agg_day + edge hours) and inside one day, a v2 database
 * without agg_day backfilled on the writer's next open (and read from
 * agg_hour alone before), keyset paging of alerts with filters, per-kind
 * alert counts, the last event time and data_version.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_query.h"
#include "test.h"

#define H	3600000000ULL
#define DAY	(24 * H)
#define T0	(1795046400000000ULL)	/* 2026-11-18 00:00 UTC */

static char dir[] = "/tmp/st-sq-XXXXXX";
static char path[256];

static const char *const verdicts[] = { "prohibited", "sanctioned",
	"tolerated", "unreviewed" };

/* fill: 5 days, one flow every 20 min, a lookup every hour, an alert
 * every 50 min (kinds access/upload/dlp in turn). */
static int
fill(const char *p, int *nalerts)
{
	struct store *s;
	struct st_ai a;
	struct st_alert al;
	char svc[16];
	uint64_t t;
	int i = 0, n = 0;

	if (store_open(&s, p, STORE_RW) != 0)
		return -1;
	for (t = T0 + 7 * 60 * 1000000ULL; t < T0 + 5 * DAY; t += 20 * 60 *
	    1000000ULL, i++) {
		memset(&a, 0, sizeof(a));
		snprintf(svc, sizeof(svc), "svc%03d", i % 7);
		a.ts = t; a.kind = i % 3 == 0 ? "lookup" : "flow";
		a.client = i % 2 ? "c-00000000000000a1" : "c-00000000000000b2";
		a.zone = "office"; a.dest_ip = "192.0.2.10"; a.dest_port = 443;
		a.proto = "TCP"; a.service = svc; a.matched_by = "tls_sni";
		a.verdict = verdicts[i % 4]; a.confidence = 90;
		a.bytes_up = 1000 + (uint64_t)i;
		if (store_put_ai(s, &a) != 0)
			return -1;
		if (i % 5 == 2) {
			memset(&al, 0, sizeof(al));
			al.ts = t + 1; al.client = a.client; al.zone = "office";
			al.dest_ip = "192.0.2.10"; al.kind = n % 3 == 0 ?
			    "access" : n % 3 == 1 ? "upload" : "dlp";
			al.severity = "high"; al.service = svc;
			al.verdict = a.verdict; al.confidence = -1;
			al.bytes = -1; al.dlp_class = n % 3 == 2 ? "iban" :
			    NULL;
			if (store_put_alert(s, &al) != 0)
				return -1;
			n++;
		}
	}
	if (store_commit(s) != 0)
		return -1;
	store_close(s);
	*nalerts = n;
	return 0;
}

static int64_t
q1(const char *p, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

struct tot { uint64_t flows, lookups, alerts; };

static int
vt_cb(void *a, const struct sq_verdict_total *t)
{
	struct tot *x = a;

	x->flows += t->flows; x->lookups += t->lookups; x->alerts += t->alerts;
	return 0;
}

static int
tl_cb(void *a, const struct sq_timeline *t)
{
	((struct tot *)a)->flows += t->flows;
	((struct tot *)a)->lookups += t->lookups;
	return 0;
}

/* hour_sums: the same totals straight from agg_hour. */
static void
hour_sums(const char *p, uint64_t from, uint64_t to, struct tot *x)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(flows),0) FROM agg_hour"
	    " WHERE hour >= %llu AND hour < %llu", (unsigned long long)from,
	    (unsigned long long)to);
	x->flows = (uint64_t)q1(p, sql);
	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(lookups),0) FROM"
	    " agg_hour WHERE hour >= %llu AND hour < %llu",
	    (unsigned long long)from, (unsigned long long)to);
	x->lookups = (uint64_t)q1(p, sql);
	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(alerts),0) FROM"
	    " agg_hour WHERE hour >= %llu AND hour < %llu",
	    (unsigned long long)from, (unsigned long long)to);
	x->alerts = (uint64_t)q1(p, sql);
}

static int nalerts;

TEST(agg_day_equals_agg_hour)
{
	ASSERT(fill(path, &nalerts) == 0);
	ASSERT(nalerts > 20);
	ASSERT_EQ(q1(path, "SELECT SUM(flows) FROM agg_day"),
	    q1(path, "SELECT SUM(flows) FROM agg_hour"));
	ASSERT_EQ(q1(path, "SELECT SUM(alerts) FROM agg_day"), nalerts);
	ASSERT_EQ(q1(path, "SELECT COUNT(*) FROM (SELECT 1 FROM agg_day"
	    " GROUP BY day)"), 5);
	/* first/last hour of a day are the hours seen */
	ASSERT_EQ(q1(path, "SELECT MIN(first_hour) FROM agg_day"), T0);
	ASSERT_EQ(q1(path, "SELECT MAX(last_hour) FROM agg_day"),
	    T0 + 5 * DAY - H);
}

static void
check_range(const char *p, uint64_t from, uint64_t to, int *ok)
{
	struct store *s;
	struct tot a, b, c;

	*ok = 0;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	hour_sums(p, from, to, &b);
	if (store_open(&s, p, STORE_RO) != 0)
		return;
	sq_verdict_totals(s, from, to, vt_cb, &a);
	sq_timeline(s, from, to, tl_cb, &c);
	store_close(s);
	if (a.flows == b.flows && a.lookups == b.lookups &&
	    a.alerts == b.alerts && c.flows == b.flows &&
	    c.lookups == b.lookups)
		*ok = 1;
	else
		fprintf(stderr, "  range %llu..%llu: flows %llu/%llu/%llu"
		    " lookups %llu/%llu alerts %llu/%llu\n",
		    (unsigned long long)from, (unsigned long long)to,
		    (unsigned long long)a.flows, (unsigned long long)c.flows,
		    (unsigned long long)b.flows, (unsigned long long)a.lookups,
		    (unsigned long long)b.lookups, (unsigned long long)a.alerts,
		    (unsigned long long)b.alerts);
}

TEST(ranges_equal_hour_sums)
{
	static const uint64_t r[][2] = {
		{ 0, INT64_MAX },			/* all */
		{ T0 + 5 * H + 123, T0 + 3 * DAY + 7 * H + 9 },	/* edges */
		{ T0 + DAY, T0 + 3 * DAY },		/* whole days only */
		{ T0 + 2 * DAY + H, T0 + 2 * DAY + 5 * H },	/* in a day */
		{ T0 + DAY - H, T0 + DAY + H },		/* across midnight */
		{ T0 + 9 * DAY, T0 + 10 * DAY },	/* empty */
	};
	size_t i;
	int ok;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		check_range(path, r[i][0], r[i][1], &ok);
		ASSERT(ok);
	}
}

TEST(v2_without_agg_day)
{
	char old[300], cmd[1200];
	struct store *s;
	struct tot a, b;
	int ok;

	snprintf(old, sizeof(old), "%s/old.db", dir);
	snprintf(cmd, sizeof(cmd), "cp %s %s && sqlite3 %s 'DROP TABLE"
	    " agg_day' 2>/dev/null", path, old, old);
	if (system(cmd) != 0) {
		/* no sqlite3 CLI: drop it through the library */
		sqlite3 *db;
		snprintf(cmd, sizeof(cmd), "cp %s %s", path, old);
		ASSERT(system(cmd) == 0);
		ASSERT(sqlite3_open(old, &db) == SQLITE_OK);
		ASSERT(sqlite3_exec(db, "DROP TABLE agg_day", NULL, NULL,
		    NULL) == SQLITE_OK);
		sqlite3_close(db);
	}
	ASSERT_EQ(q1(old, "SELECT COUNT(*) FROM sqlite_master WHERE"
	    " name = 'agg_day'"), 0);
	/* Readers fall back to agg_hour alone. */
	memset(&a, 0, sizeof(a));
	ASSERT(store_open(&s, old, STORE_RO) == 0);
	ASSERT(sq_verdict_totals(s, T0 + 5 * H, T0 + 3 * DAY, vt_cb, &a) == 0);
	store_close(s);
	hour_sums(old, T0 + 5 * H, T0 + 3 * DAY, &b);
	ASSERT_EQ(a.flows, b.flows);
	ASSERT(a.flows > 0);
	/* The writer's next open adds and fills it. */
	ASSERT(store_open(&s, old, STORE_RW) == 0);
	store_close(s);
	ASSERT_EQ(q1(old, "SELECT SUM(flows) FROM agg_day"),
	    q1(old, "SELECT SUM(flows) FROM agg_hour"));
	ASSERT_EQ(q1(old, "SELECT SUM(alerts) FROM agg_day"), nalerts);
	check_range(old, T0 + 5 * H + 1, T0 + 4 * DAY + 2 * H, &ok);
	ASSERT(ok);
}

struct pg { int64_t ids[64]; uint64_t ts[64]; int n; };

static int
al_cb(void *a, const struct sq_alert *t)
{
	struct pg *p = a;

	if (p->n < 64) {
		p->ids[p->n] = t->id;
		p->ts[p->n] = t->ts;
		p->n++;
	}
	return 0;
}

TEST(alert_paging_and_filters)
{
	struct store *s;
	struct sq_alert_filter f;
	struct pg all, pg;
	int64_t n;
	int i, got = 0;

	ASSERT(store_open(&s, path, STORE_RO) == 0);
	memset(&f, 0, sizeof(f));
	f.to = INT64_MAX;
	f.kind = "upload";
	f.limit = 64;
	memset(&all, 0, sizeof(all));
	ASSERT(sq_alerts(s, &f, al_cb, &all) == 0);
	n = sq_alert_count(s, &f);
	ASSERT_EQ(n, all.n);
	ASSERT_EQ(n, q1(path, "SELECT COUNT(*) FROM alerts WHERE kind ="
	    " 'upload'"));
	/* pages of 4 through the cursor give the same rows in order */
	f.limit = 4;
	do {
		memset(&pg, 0, sizeof(pg));
		ASSERT(sq_alerts(s, &f, al_cb, &pg) == 0);
		for (i = 0; i < pg.n; i++, got++)
			ASSERT_EQ(pg.ids[i], all.ids[got]);
		if (pg.n) {
			f.before_ts = pg.ts[pg.n - 1];
			f.before_id = pg.ids[pg.n - 1];
		}
	} while (pg.n == 4);
	ASSERT_EQ(got, all.n);
	/* negative: a filter value that matches nothing, and a SQL-looking
	 * value is a bound value, not SQL */
	f.before_ts = 0;
	f.service = "svc001' OR '1'='1";
	ASSERT_EQ(sq_alert_count(s, &f), 0);
	f.service = "svc001";
	f.verdict = "no-such-verdict";
	ASSERT_EQ(sq_alert_count(s, &f), 0);
	f.verdict = NULL;
	ASSERT_EQ(sq_alert_count(s, &f), q1(path, "SELECT COUNT(*) FROM alerts"
	    " WHERE kind = 'upload' AND service = 'svc001'"));
	store_close(s);
}

static int
kind_cb(void *a, const struct sq_stat *t)
{
	*(uint64_t *)a += t->value;
	return 0;
}

TEST(alert_kinds_last_event_version)
{
	struct store *s;
	uint64_t n = 0;
	int64_t v1, v2;
	struct store *w;
	struct st_ai a;

	ASSERT(store_open(&s, path, STORE_RO) == 0);
	ASSERT(sq_alert_kinds(s, 0, INT64_MAX, "svc003", kind_cb, &n) == 0);
	ASSERT_EQ(n, q1(path, "SELECT COUNT(*) FROM alerts WHERE service ="
	    " 'svc003'"));
	n = 0;
	ASSERT(sq_alert_kinds(s, 0, INT64_MAX, "nope", kind_cb, &n) == 0);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(sq_last_event(s), q1(path, "SELECT MAX((SELECT MAX(ts) FROM"
	    " alerts), (SELECT MAX(ts) FROM ai_events))"));
	ASSERT(sq_db_bytes(s) > 4096);
	v1 = sq_data_version(s);
	ASSERT_EQ(sq_data_version(s), v1);	/* unchanged */
	ASSERT(store_open(&w, path, STORE_RW) == 0);
	memset(&a, 0, sizeof(a));
	a.ts = T0 + 6 * DAY; a.kind = "flow"; a.client = "c-00000000000000c3";
	a.dest_ip = "192.0.2.11"; a.proto = "TCP"; a.service = "svc009";
	a.matched_by = "tls_sni"; a.verdict = "prohibited";
	ASSERT(store_put_ai(w, &a) == 0);
	ASSERT(store_commit(w) == 0);
	store_close(w);
	v2 = sq_data_version(s);
	ASSERT(v2 != v1);			/* another connection wrote */
	ASSERT_EQ(sq_last_event(s), (int64_t)(T0 + 6 * DAY));
	store_close(s);
}

int
main(void)
{
	char cmd[300];
	int rc;

	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/q.db", dir);
	RUN(agg_day_equals_agg_hour);
	RUN(ranges_equal_hour_sums);
	RUN(v2_without_agg_day);
	RUN(alert_paging_and_filters);
	RUN(alert_kinds_last_event_version);
	rc = TEST_END();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
