/*
 * test_store_bulk.c - unit tests for lib/store/store_bulk.c: the same rows
 * written row by row and in bulk mode give identical agg_hour,
 * agg_client_day and agg_dlp_day tables (NULL and "" keys, alerts without
 * a service or client, lookups, dlp classes, local days across the DST
 * change), the indexes come back, the file returns to WAL, and misuse is
 * refused; the report's week scan (store_week_scan.c): cached until the
 * database changes, services, first seen and zones.  Works in a mkdtemp
 * directory.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_week.h"
#include "test.h"

#define HOUR	3600000000ULL
/* 2026-10-24 00:00 CEST (22:00 UTC on the 23rd): two days before and
 * after the change to CET on Sunday 25 October. */
#define T0	1792792800000000ULL

static char dir[] = "/tmp/st-bulk-XXXXXX";

static const char *
dbpath(const char *name)
{
	static char b[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%s/%s", dir, name);
	return b[i];
}

/* Every row of ${sql} as "a|b|c\n" lines into ${out} (at most ${len}). */
static int
rows(const char *path, const char *sql, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t off = 0;
	int i, n, rc = -1;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			n = snprintf(out + off, len - off, "%s%s", i ? "|" : "",
			    t ? (const char *)t : "NULL");
			if (n < 0 || (size_t)n >= len - off)
				goto out;
			off += (size_t)n;
		}
		if (off + 1 >= len)
			goto out;
		out[off++] = '\n';
		out[off] = '\0';
	}
	rc = (int)off;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* A deterministic mix that exercises every rule of the aggregates. */
static int
fill(struct store *s)
{
	static const char *const zones[] = { "finance", "", NULL };
	static const char *const kinds[] = { "access", "upload", "dlp" };
	static const char *const classes[] = { "bsn", "iban", NULL };
	char client[24];
	int i, rc = 0;

	for (i = 0; i < 600; i++) {
		struct st_ai a;
		struct st_alert al;
		uint64_t ts = T0 + (uint64_t)i * (HOUR / 5) + (uint64_t)i * 7;

		snprintf(client, sizeof(client), "c-%016x", (unsigned)(i % 7));
		memset(&a, 0, sizeof(a));
		a.flow_id = (uint64_t)i + 1;
		a.ts = ts;
		a.kind = i % 4 == 0 ? "lookup" : "flow";
		a.client = i % 11 == 0 ? "" : client;
		a.zone = zones[i % 3];
		a.dest_ip = "203.0.113.7";
		a.dest_port = 443;
		a.proto = "TCP";
		a.service = i % 5 == 0 ? "svc-b" : "svc-a";
		a.matched_by = "tls_sni";
		a.confidence = 90;
		a.verdict = i % 2 ? "tolerated" : "prohibited";
		a.bytes_up = (uint64_t)i * 13;
		rc |= store_put_ai(s, &a);
		if (i % 3 != 0)
			continue;
		memset(&al, 0, sizeof(al));
		al.flow_id = a.flow_id;
		al.ts = ts + 1000;
		al.client = i % 9 == 0 ? NULL : client;
		al.zone = zones[(i / 3) % 3];
		al.kind = kinds[(i / 3) % 3];
		al.severity = "medium";
		al.service = i % 7 == 0 ? NULL : a.service;
		al.verdict = i % 13 == 0 ? NULL : a.verdict;
		al.dlp_class = classes[(i / 9) % 3];
		al.confidence = -1;
		al.bytes = -1;
		rc |= store_put_alert(s, &al);
	}
	return rc;
}

static const char *const agg_sql[] = {
	"SELECT * FROM agg_hour ORDER BY 1, 2, 3, 4",
	"SELECT * FROM agg_client_day ORDER BY 1, 2, 3, 4, 5",
	"SELECT * FROM agg_dlp_day ORDER BY 1, 2, 3, 4",
	"SELECT * FROM agg_day ORDER BY 1, 2, 3, 4",
};

static char want[4][65536], got[4][65536];

TEST(bulk_aggregates_equal_row_by_row)
{
	struct store *s;
	int i;

	ASSERT(store_open(&s, dbpath("rows.db"), STORE_RW) == 0);
	ASSERT_EQ(fill(s), 0);
	store_close(s);
	ASSERT(store_open(&s, dbpath("bulk.db"), STORE_RW) == 0);
	ASSERT_EQ(store_bulk_begin(s), 0);
	ASSERT_EQ(fill(s), 0);
	ASSERT_EQ(store_bulk_end(s), 0);
	ASSERT_EQ(store_stats(s)->rows_lost, 0);
	store_close(s);
	for (i = 0; i < 4; i++) {
		ASSERT(rows(dbpath("rows.db"), agg_sql[i], want[i],
		    sizeof(want[i])) > 0);
		ASSERT(rows(dbpath("bulk.db"), agg_sql[i], got[i],
		    sizeof(got[i])) > 0);
		if (strcmp(want[i], got[i]) != 0)
			fprintf(stderr, "  %s:\n--- row by row\n%s--- bulk\n%s",
			    agg_sql[i], want[i], got[i]);
		ASSERT(strcmp(want[i], got[i]) == 0);
	}
	/* The mix reached the rules it is meant to: five local days (one
	 * of 25 h), '' zones, no-service alerts kept out of client days. */
	ASSERT(rows(dbpath("bulk.db"), "SELECT count(DISTINCT day) FROM"
	    " agg_client_day", got[0], sizeof(got[0])) > 0);
	ASSERT_STR(got[0], "5\n");
	ASSERT(rows(dbpath("bulk.db"), "SELECT count(*) FROM agg_hour WHERE"
	    " zone = ''", got[0], sizeof(got[0])) > 0);
	ASSERT(strcmp(got[0], "0\n") != 0);
	ASSERT(rows(dbpath("bulk.db"), "SELECT count(*) FROM agg_hour WHERE"
	    " service = '' AND alerts > 0", got[0], sizeof(got[0])) > 0);
	ASSERT(strcmp(got[0], "0\n") != 0);
}

TEST(bulk_restores_indexes_and_wal)
{
	const char *idx = "SELECT count(*) FROM sqlite_master WHERE type ="
	    " 'index' AND sql IS NOT NULL";

	ASSERT(rows(dbpath("rows.db"), idx, want[0], sizeof(want[0])) > 0);
	ASSERT(rows(dbpath("bulk.db"), idx, got[0], sizeof(got[0])) > 0);
	ASSERT(strcmp(want[0], "0\n") != 0);
	ASSERT_STR(got[0], want[0]);
	ASSERT(rows(dbpath("bulk.db"), "PRAGMA journal_mode", got[0],
	    sizeof(got[0])) > 0);
	ASSERT_STR(got[0], "wal\n");
	ASSERT(rows(dbpath("bulk.db"), "PRAGMA integrity_check", got[0],
	    sizeof(got[0])) > 0);
	ASSERT_STR(got[0], "ok\n");
}

TEST(bulk_misuse_refused)
{
	struct store *s;

	ASSERT(store_open(&s, dbpath("misuse.db"), STORE_RW) == 0);
	ASSERT_EQ(store_bulk_end(s), -EINVAL);		/* not begun */
	ASSERT_EQ(store_bulk_begin(s), 0);
	ASSERT_EQ(store_bulk_begin(s), -EIO);		/* twice */
	ASSERT_EQ(store_bulk_end(s), 0);
	store_close(s);
	ASSERT(store_open(&s, dbpath("bulk.db"), STORE_RO) == 0);
	ASSERT_EQ(store_bulk_begin(s), -EIO);		/* read-only */
	store_close(s);
}

/* The report's week scan is cached on a read-only handle; a commit by the
 * writer (another connection) must be seen by the next call. */
TEST(week_scan_sees_new_rows)
{
	struct store *ro, *rw;
	struct sw_kpi k;
	struct st_ai a;
	uint64_t from = T0, to = T0 + 7 * 24 * HOUR + HOUR, before;

	ASSERT(store_open(&ro, dbpath("bulk.db"), STORE_RO) == 0);
	ASSERT_EQ(store_week_kpi(ro, from, to, &k), 0);
	before = k.clients;
	ASSERT(before > 0);
	ASSERT_EQ(store_week_kpi(ro, from, to, &k), 0);	/* cached */
	ASSERT_EQ(k.clients, before);
	ASSERT(store_open(&rw, dbpath("bulk.db"), STORE_RW) == 0);
	memset(&a, 0, sizeof(a));
	a.flow_id = 9999;
	a.ts = T0 + HOUR;
	a.kind = "flow";
	a.client = "c-00000000000000ff";
	a.dest_ip = "203.0.113.8";
	a.proto = "TCP";
	a.service = "svc-new";
	a.matched_by = "tls_sni";
	a.verdict = "unreviewed";
	ASSERT_EQ(store_put_ai(rw, &a), 0);
	ASSERT_EQ(store_commit(rw), 0);
	ASSERT_EQ(store_week_kpi(ro, from, to, &k), 0);
	ASSERT_EQ(k.clients, before + 1);
	/* Negative: outside the range the new client does not count. */
	ASSERT_EQ(store_week_kpi(ro, to, to + 7 * 24 * HOUR, &k), 0);
	ASSERT_EQ(k.clients, 0);
	store_close(rw);
	store_close(ro);
}

/* Collected service rows, "service:clients:flows:bytes;" each. */
static char seen[1024];

static int
collect(void *arg, const struct sw_service *r)
{
	size_t n = strlen(seen);

	(void)arg;
	snprintf(seen + n, sizeof(seen) - n, "%s:%s:%" PRIu64 ":%" PRIu64
	    ":%" PRIu64 ";", r->service, r->verdict, r->clients, r->flows,
	    r->bytes_up);
	return 0;
}

static int
put(struct store *s, uint64_t ts, const char *client, const char *svc,
    const char *zone, uint64_t bytes)
{
	struct st_ai a;

	memset(&a, 0, sizeof(a));
	a.flow_id = ts;
	a.ts = ts;
	a.kind = "flow";
	a.client = client;
	a.zone = zone;
	a.dest_ip = "203.0.113.9";
	a.proto = "TCP";
	a.service = svc;
	a.matched_by = "tls_sni";
	a.verdict = strcmp(svc, "svc-b") == 0 ? "unreviewed" : "tolerated";
	a.bytes_up = bytes;
	return store_put_ai(s, &a);
}

/* Week 1: svc-a; week 2: svc-a again and the new svc-b.  first_seen gives
 * svc-a in week 1 only and svc-b in week 2 only; services and zones count
 * distinct clients per service and zone. */
TEST(week_services_first_seen_zones)
{
	struct store *s;
	uint64_t w1 = T0 + 2 * 24 * HOUR, w2 = w1 + 7 * 24 * HOUR;
	uint64_t w3 = w2 + 7 * 24 * HOUR;

	ASSERT(store_open(&s, dbpath("weeks.db"), STORE_RW) == 0);
	ASSERT_EQ(put(s, w1 + HOUR, "c-1", "svc-a", "hr", 10), 0);
	ASSERT_EQ(put(s, w1 + 2 * HOUR, "c-1", "svc-a", "hr", 5), 0);
	ASSERT_EQ(put(s, w1 + 30 * HOUR, "c-2", "svc-a", "it", 1), 0);
	ASSERT_EQ(put(s, w2 + HOUR, "c-1", "svc-a", "hr", 7), 0);
	ASSERT_EQ(put(s, w2 + 50 * HOUR, "c-1", "svc-b", "hr", 100), 0);
	ASSERT_EQ(put(s, w2 + 51 * HOUR, "c-3", "svc-b", "hr", 200), 0);
	ASSERT_EQ(store_commit(s), 0);
	seen[0] = '\0';
	ASSERT_EQ(store_week_first_seen(s, w1, w2, collect, NULL), 0);
	ASSERT_STR(seen, "svc-a:tolerated:2:3:16;");
	seen[0] = '\0';
	ASSERT_EQ(store_week_first_seen(s, w2, w3, collect, NULL), 0);
	ASSERT_STR(seen, "svc-b:unreviewed:2:2:300;");
	seen[0] = '\0';
	ASSERT_EQ(store_week_services(s, w2, w3, collect, NULL), 0);
	ASSERT_STR(seen, "svc-a:tolerated:1:1:7;svc-b:unreviewed:2:2:300;");
	seen[0] = '\0';
	ASSERT_EQ(store_week_zones(s, w1, w2, collect, NULL), 0);
	ASSERT_STR(seen, "hr::1:2:15;it::1:1:1;");
	/* Negative: a week without rows has no services. */
	seen[0] = '\0';
	ASSERT_EQ(store_week_services(s, w3, w3 + 7 * 24 * HOUR, collect,
	    NULL), 0);
	ASSERT_STR(seen, "");
	store_close(s);
}

static void
cleanup(void)
{
	static const char *const names[] = { "rows.db", "bulk.db",
	    "misuse.db", "weeks.db", NULL };
	int i;

	for (i = 0; names[i] != NULL; i++)
		store_discard(dbpath(names[i]));
	rmdir(dir);
}

int
main(void)
{
	setenv("TZ", "Europe/Amsterdam", 1);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(bulk_aggregates_equal_row_by_row);
	RUN(bulk_restores_indexes_and_wal);
	RUN(bulk_misuse_refused);
	RUN(week_scan_sees_new_rows);
	RUN(week_services_first_seen_zones);
	cleanup();
	return TEST_END();
}
