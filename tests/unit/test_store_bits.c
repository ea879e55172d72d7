/*
 * test_store_bits.c - unit tests for lib/store/store_bits.c: the client
 * bitmaps the writer keeps (clients, agg_day_clients) give the same
 * distinct-client counts as COUNT(DISTINCT) over agg_client_day, for the
 * services list and "clients using prohibited services", over ranges
 * inside days and across writer restarts (ids persist, the memory of set
 * bits does not); the bulk loader's bitmaps count the same; a v2 database
 * without the bitmaps is served by the old query and filled on the
 * writer's next open; retention drops bitmaps and client numbers with
 * agg_client_day; the SQL functions refuse bad ids.
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
#define NCL	300			/* clients: ids past one byte */
#define NSV	9

static char dir[] = "/tmp/st-bits-XXXXXX";
static char path[256], bulk[256];
static int quiet;		/* the negative check expects mismatches */

static const char *const verdicts[] = { "prohibited", "sanctioned",
	"tolerated", "unreviewed" };

/* put: 6 days, a flow every 2 min from a client and service that vary
 * independently, a lookup every 7th (no client row), an alert every
 * 11th (a client row without a flow); the writer closed and reopened
 * halfway when reopen is set. */
static int
put(const char *p, int use_bulk, int reopen)
{
	struct store *s;
	struct st_ai a;
	struct st_alert al;
	char svc[16], cl[32];
	uint64_t t;
	int i = 0;

	if (store_open(&s, p, STORE_RW) != 0 ||
	    (use_bulk && store_bulk_begin(s) != 0))
		return -1;
	for (t = T0 + 3 * 60 * 1000000ULL; t < T0 + 6 * DAY; t += 2 * 60 *
	    1000000ULL, i++) {
		if (reopen && i == 2000) {
			if (store_commit(s) != 0)
				return -1;
			store_close(s);
			if (store_open(&s, p, STORE_RW) != 0)
				return -1;
		}
		memset(&a, 0, sizeof(a));
		snprintf(svc, sizeof(svc), "svc%02d", (i * 7 + i / 13) % NSV);
		snprintf(cl, sizeof(cl), "c-%016x", (unsigned)((i * 31 +
		    i / 97) % (i < 3000 ? NCL / 2 : NCL)));
		a.ts = t; a.kind = i % 7 == 0 ? "lookup" : "flow";
		a.client = cl; a.zone = i % 2 ? "office" : "lab";
		a.dest_ip = "192.0.2.10"; a.dest_port = 443; a.proto = "TCP";
		a.service = svc; a.matched_by = "tls_sni";
		a.verdict = verdicts[(i / 5) % 4]; a.confidence = 90;
		a.bytes_up = 100;
		if (store_put_ai(s, &a) != 0)
			return -1;
		if (i % 11 == 3) {
			memset(&al, 0, sizeof(al));
			snprintf(cl, sizeof(cl), "c-%016x", (unsigned)(NCL +
			    i % 17));
			al.ts = t + 1; al.client = cl; al.zone = "office";
			al.dest_ip = "192.0.2.10"; al.kind = "access";
			al.severity = "high"; al.service = svc;
			al.verdict = "prohibited"; al.confidence = -1;
			al.bytes = -1;
			if (store_put_alert(s, &al) != 0)
				return -1;
		}
		if (!use_bulk && i % 500 == 0 && store_commit(s) != 0)
			return -1;
	}
	if (use_bulk ? store_bulk_end(s) != 0 : store_commit(s) != 0)
		return -1;
	store_close(s);
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

static int
exec(const char *p, const char *sql)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(p, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sqlite3_close(db);
	return rc;
}

struct svc { char name[NSV][16]; uint64_t clients[NSV]; int n; };

static int
svc_cb(void *a, const struct sq_service *t)
{
	struct svc *x = a;

	if (x->n < NSV) {
		snprintf(x->name[x->n], sizeof(x->name[0]), "%s", t->service);
		x->clients[x->n++] = t->clients;
	}
	return 0;
}

/* check(p, from, to): every count the queries give equals direct SQL on
 * agg_client_day; *nz set when some count was above zero. */
static int
check(const char *p, uint64_t from, uint64_t to, int *nz)
{
	struct store *s;
	struct svc x;
	char sql[512];
	int64_t n, want;
	int i, bad = 0;

	if (store_open(&s, p, STORE_RO) != 0)
		return 1;
	for (i = 0; i < 4; i++) {
		n = sq_clients_with_verdict(s, from, to, verdicts[i]);
		snprintf(sql, sizeof(sql), "SELECT COUNT(DISTINCT client_pseudo)"
		    " FROM agg_client_day WHERE day >= %llu AND day < %llu AND"
		    " verdict = '%s'", (unsigned long long)from,
		    (unsigned long long)to, verdicts[i]);
		want = q1(p, sql);
		if (n != want) {
			if (!quiet)
				printf("# %s: %lld != %lld\n", verdicts[i],
				    (long long)n, (long long)want);
			bad++;
		}
		*nz |= n > 0;
	}
	memset(&x, 0, sizeof(x));
	if (sq_services(s, from, to, NULL, svc_cb, &x) != 0)
		bad++;
	for (i = 0; i < x.n; i++) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(DISTINCT client_pseudo)"
		    " FROM agg_client_day WHERE service = '%s' AND day >= %lld"
		    " AND day < %llu", x.name[i], (long long)from -
		    (long long)DAY, (unsigned long long)to);
		want = q1(p, sql);
		if ((int64_t)x.clients[i] != want) {
			if (!quiet)
				printf("# %s: %llu != %lld\n", x.name[i],
				    (unsigned long long)x.clients[i],
				    (long long)want);
			bad++;
		}
		*nz |= x.clients[i] > 0;
	}
	if (x.n == 0)
		bad++;
	store_close(s);
	return bad;
}

static int
check_all(const char *p)
{
	int nz = 0, bad;

	bad = check(p, 0, INT64_MAX, &nz) +
	    check(p, T0 + 5 * H + 17, T0 + 3 * DAY + 2 * H, &nz) +
	    check(p, T0 + DAY, T0 + 2 * DAY, &nz) +
	    check(p, T0 + 2 * DAY + H, T0 + 2 * DAY + 3 * H, &nz);
	return bad == 0 && nz ? 0 : 1;
}

TEST(writer_bitmaps_equal_distinct)
{
	ASSERT_EQ(put(path, 0, 1), 0);
	/* One bitmap per (day, service, verdict) of agg_client_day. */
	ASSERT_EQ(q1(path, "SELECT COUNT(*) FROM agg_day_clients"),
	    q1(path, "SELECT COUNT(*) FROM (SELECT DISTINCT day, service,"
	    " verdict FROM agg_client_day)"));
	ASSERT_EQ(q1(path, "SELECT COUNT(*) FROM clients"),
	    q1(path, "SELECT COUNT(DISTINCT client_pseudo) FROM"
	    " agg_client_day"));
	ASSERT(q1(path, "SELECT MAX(id) FROM clients") > 255);
	ASSERT_EQ(check_all(path), 0);
}

TEST(bulk_bitmaps_equal_distinct)
{
	ASSERT_EQ(put(bulk, 1, 0), 0);
	ASSERT_EQ(q1(bulk, "SELECT COUNT(*) FROM agg_day_clients"),
	    q1(path, "SELECT COUNT(*) FROM agg_day_clients"));
	ASSERT_EQ(check_all(bulk), 0);
}

TEST(old_db_fallback_then_filled)
{
	char old[300], cmd[700];
	struct store *s;
	int nz = 0;

	snprintf(old, sizeof(old), "%s/old.db", dir);
	snprintf(cmd, sizeof(cmd), "cp %s %s", path, old);
	ASSERT(system(cmd) == 0);
	/* From before agg_day and the bitmaps: both filled on one open. */
	ASSERT_EQ(exec(old, "DROP TABLE agg_day_clients; DROP TABLE clients;"
	    " DROP TABLE agg_day"), 0);
	/* A reader of the old layout: the DISTINCT query, same numbers. */
	ASSERT_EQ(check_all(old), 0);
	/* The writer's next open adds and fills the bitmaps. */
	ASSERT(store_open(&s, old, STORE_RW) == 0);
	store_close(s);
	ASSERT_EQ(q1(old, "SELECT COUNT(*) FROM agg_day_clients"),
	    q1(path, "SELECT COUNT(*) FROM agg_day_clients"));
	ASSERT_EQ(q1(old, "SELECT SUM(flows) FROM agg_day"),
	    q1(old, "SELECT SUM(flows) FROM agg_hour"));
	ASSERT_EQ(check_all(old), 0);
	/* A bitmap that disagrees is what the reader now counts: the
	 * bitmap path is the one in use (a negative check of the test). */
	ASSERT_EQ(exec(old, "UPDATE agg_day_clients SET bits = x'00'"), 0);
	quiet = 1;
	ASSERT(check(old, 0, INT64_MAX, &nz) > 0);
	quiet = 0;
}

TEST(retention_follows_agg_client_day)
{
	struct store *s;
	int n;

	ASSERT(store_open(&s, path, STORE_RW) == 0);
	do
		n = store_retention_step(s, "agg_client_day", T0 + 3 * DAY, 100000);
	while (n > 0);
	ASSERT(n == 0);
	ASSERT_EQ(store_commit(s), 0);
	store_close(s);
	ASSERT_EQ(q1(path, "SELECT COUNT(*) FROM agg_day_clients WHERE day <"
	    " 1795305600000000"), 0);
	ASSERT(q1(path, "SELECT COUNT(*) FROM agg_day_clients") > 0);
	/* Client numbers go when their last row went. */
	ASSERT_EQ(q1(path, "SELECT COUNT(*) FROM clients c WHERE NOT EXISTS"
	    " (SELECT 1 FROM agg_client_day a WHERE a.client_pseudo ="
	    " c.pseudo)"), 0);
	ASSERT_EQ(check_all(path), 0);
}

TEST(functions_refuse_bad_ids)
{
	struct store *s;
	sqlite3 *db;

	ASSERT(store_open(&s, path, STORE_RO) == 0);
	db = store_db(s);
	ASSERT(sqlite3_exec(db, "SELECT st_bit_set(NULL, -1)", NULL, NULL,
	    NULL) != SQLITE_OK);
	ASSERT(sqlite3_exec(db, "SELECT st_bit_set(NULL, NULL)", NULL, NULL,
	    NULL) != SQLITE_OK);
	ASSERT(sqlite3_exec(db, "SELECT st_bits(x) FROM (SELECT 'a' AS x)",
	    NULL, NULL, NULL) != SQLITE_OK);
	ASSERT(sqlite3_exec(db, "SELECT st_bits_count(zeroblob(3000000))",
	    NULL, NULL, NULL) != SQLITE_OK);
	store_close(s);
	/* Valid ids: bits 0, 9 and 9 again, counted once. */
	ASSERT(store_open(&s, path, STORE_RO) == 0);
	{
		sqlite3_stmt *st;

		ASSERT(sqlite3_prepare_v2(store_db(s), "SELECT st_bits_count(b)"
		    " FROM (SELECT st_bit_set(NULL, 0) AS b UNION ALL SELECT"
		    " st_bit_set(x'00', 9) UNION ALL SELECT st_bits(9))", -1,
		    &st, NULL) == SQLITE_OK);
		ASSERT(sqlite3_step(st) == SQLITE_ROW);
		ASSERT_EQ(sqlite3_column_int(st, 0), 2);
		sqlite3_finalize(st);
	}
	store_close(s);
}

int
main(void)
{
	char cmd[300];
	int rc;

	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/w.db", dir);
	snprintf(bulk, sizeof(bulk), "%s/b.db", dir);
	RUN(writer_bitmaps_equal_distinct);
	RUN(bulk_bitmaps_equal_distinct);
	RUN(old_db_fallback_then_filled);
	RUN(retention_follows_agg_client_day);
	RUN(functions_refuse_bad_ids);
	rc = TEST_END();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
