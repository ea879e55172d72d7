/*
 * store_bulk.c - bulk loading for generators (tests/tools/mkfixture):
 * no journal, no fsync, a large page cache, and the aggregates computed
 * once from the raw rows at the end instead of one upsert per row (the
 * client bitmaps from agg_client_day, store_bits.c).  The
 * sensor never uses this: a crash during a bulk load leaves a database
 * that must be thrown away.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "store/store_int.h"

/* The aggregates from the raw rows, with the writer's rules (store_write.c):
 * NULL keys are '', agg_client_day skips rows without a client (and alerts
 * without a service), agg_dlp_day counts dlp alerts. */
static const char agg_sql[] =
	"DELETE FROM agg_hour; DELETE FROM agg_client_day;"
	" DELETE FROM agg_dlp_day; DELETE FROM agg_day;"
	"INSERT INTO agg_hour (hour, service, verdict, zone, flows, lookups,"
	" bytes_up, uploads, dlp, alerts) SELECT h, sv, vd, zn, sum(f), sum(l),"
	" sum(b), sum(u), sum(d), sum(a) FROM ("
	" SELECT ts / 3600000000 * 3600000000 AS h, service AS sv, verdict AS vd,"
	" coalesce(zone, '') AS zn, kind = 'flow' AS f, kind = 'lookup' AS l,"
	" bytes_up AS b, 0 AS u, 0 AS d, 0 AS a FROM ai_events"
	" UNION ALL SELECT ts / 3600000000 * 3600000000, coalesce(service, ''),"
	" coalesce(verdict, ''), coalesce(zone, ''), 0, 0, 0, kind = 'upload',"
	" kind = 'dlp', 1 FROM alerts) GROUP BY 1, 2, 3, 4;"
	/* agg_day: agg_hour per UTC day (store_write.c keeps both). */
	"INSERT INTO agg_day (day, service, verdict, zone, flows, lookups,"
	" bytes_up, uploads, dlp, alerts, first_hour, last_hour)"
	" SELECT hour / 86400000000 * 86400000000, service, verdict, zone,"
	" sum(flows), sum(lookups), sum(bytes_up), sum(uploads), sum(dlp),"
	" sum(alerts), min(hour), max(hour) FROM agg_hour GROUP BY 1, 2, 3, 4;"
	"INSERT INTO agg_client_day (day, client_pseudo, service, verdict, zone,"
	" flows, bytes_up, alerts) SELECT d, c, sv, vd, zn, sum(f), sum(b),"
	" sum(a) FROM ("
	" SELECT st_local_day(ts) AS d, client_pseudo AS c, service AS sv,"
	" verdict AS vd, coalesce(zone, '') AS zn, 1 AS f, bytes_up AS b,"
	" 0 AS a FROM ai_events WHERE kind = 'flow' AND client_pseudo <> ''"
	" UNION ALL SELECT st_local_day(ts), client_pseudo, service,"
	" coalesce(verdict, ''), coalesce(zone, ''), 0, 0, 1 FROM alerts"
	" WHERE service IS NOT NULL AND client_pseudo IS NOT NULL)"
	" GROUP BY 1, 2, 3, 4, 5;"
	"INSERT INTO agg_dlp_day (day, dlp_class, service, zone, findings)"
	" SELECT st_local_day(ts), coalesce(dlp_class, ''), coalesce(service, ''),"
	" coalesce(zone, ''), count(*) FROM alerts WHERE kind = 'dlp'"
	" GROUP BY 1, 2, 3, 4;";

/* Local midnight of a time, cached per quarter hour (every time zone's
 * offset is a multiple of 15 minutes, so a quarter hour never straddles
 * a local midnight). */
#define QUARTER_US	900000000ULL
#define DAY_CACHE	8192

struct day_cache {
	uint64_t	quarter[DAY_CACHE];	/* quarter + 1; 0: empty */
	uint64_t	day[DAY_CACHE];
};

static void
local_day(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct day_cache *c = sqlite3_user_data(ctx);
	sqlite3_int64 ts = sqlite3_value_int64(argv[0]);
	uint64_t q;
	size_t i;

	(void)argc;
	if (ts < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	q = (uint64_t)ts / QUARTER_US;
	i = (size_t)(q % DAY_CACHE);
	if (c->quarter[i] != q + 1) {
		c->quarter[i] = q + 1;
		c->day[i] = store_day_of(q * QUARTER_US);
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)c->day[i]);
}

/* Keep the CREATE INDEX text of every index in s->bulk_index and drop
 * the indexes: building them once at the end (a sort) is several times
 * faster than updating them row by row in random time order. */
static int
drop_indexes(struct store *s)
{
	sqlite3_stmt *q;
	char *all = NULL, *drop = NULL, *n;
	int rc = -EIO, sr;

	if (sqlite3_prepare_v2(s->db, "SELECT name, sql FROM sqlite_master"
	    " WHERE type = 'index' AND sql IS NOT NULL", -1, &q, NULL) !=
	    SQLITE_OK)
		return -EIO;
	while ((sr = sqlite3_step(q)) == SQLITE_ROW) {
		n = sqlite3_mprintf("%z%s;", all, sqlite3_column_text(q, 1));
		if (n == NULL)
			goto err;
		all = n;
		n = sqlite3_mprintf("%zDROP INDEX \"%w\";", drop,
		    sqlite3_column_text(q, 0));
		if (n == NULL)
			goto err;
		drop = n;
	}
	if (sr != SQLITE_DONE || (drop != NULL && store_exec(s, drop) < 0))
		goto err;
	s->bulk_index = all;
	all = NULL;
	rc = 0;
err:
	sqlite3_finalize(q);
	sqlite3_free(all);
	sqlite3_free(drop);
	return rc;
}

int
store_bulk_begin(struct store *s)
{
	if (s->mode != STORE_RW || s->bulk || store_commit(s) != 0)
		return -EIO;
	if (drop_indexes(s) < 0)
		return -EIO;
	if (store_exec(s, "PRAGMA journal_mode=OFF") < 0 ||
	    store_exec(s, "PRAGMA synchronous=OFF") < 0 ||
	    store_exec(s, "PRAGMA temp_store=MEMORY") < 0 ||
	    store_exec(s, "PRAGMA cache_size=-524288") < 0)
		return -EIO;
	s->bulk = 1;
	return 0;
}

int
store_bulk_end(struct store *s)
{
	struct day_cache *c;
	int rc = -EIO;

	if (!s->bulk)
		return -EINVAL;
	s->bulk = 0;
	if (store_commit(s) != 0)
		return -EIO;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	if (sqlite3_create_function(s->db, "st_local_day", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, c, local_day, NULL, NULL) != SQLITE_OK) {
		log_warnx("%s: %s", s->path, sqlite3_errmsg(s->db));
		goto out;
	}
	if (store_exec(s, "BEGIN") < 0)
		goto out;
	if (store_exec(s, agg_sql) < 0 ||
	    store_exec(s, store_bits_fill_sql) < 0 || (s->bulk_index != NULL &&
	    store_exec(s, s->bulk_index) < 0)) {
		store_exec(s, "ROLLBACK");
		goto out;
	}
	if (store_exec(s, "COMMIT") < 0 ||
	    store_exec(s, "PRAGMA journal_mode=WAL") < 0 ||
	    store_exec(s, "PRAGMA synchronous=NORMAL") < 0 ||
	    store_exec(s, "PRAGMA cache_size=-16384") < 0)
		goto out;
	sqlite3_free(s->bulk_index);
	s->bulk_index = NULL;
	rc = 0;
out:
	sqlite3_create_function(s->db, "st_local_day", 1, SQLITE_UTF8, NULL,
	    NULL, NULL, NULL);
	free(c);
	return rc;
}
