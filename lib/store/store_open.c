/*
 * store_open.c - opening a sensor database: read-write with schema
 * creation, the v1 -> v2 migration and the additive tables within v2
 * (agg_day, the client bitmaps), or read-only for the readers;
 * meta settings; removal of a file this run created.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "store/store_int.h"

#include "store/schema.inc"	/* static const char store_schema_sql[] */

int
store_exec(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("%s: %s", s->path, err ? err : "sqlite error");
		sqlite3_free(err);
		return -EIO;
	}
	return 0;
}

static int
user_version(sqlite3 *db)
{
	sqlite3_stmt *q;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

/*
 * v1 -> v2: drop every client address column, add the v2 columns, create
 * the new tables and fill the aggregates from the raw rows.  One
 * transaction: on any error the file stays v1.  VACUUM afterwards so the
 * freed pages that held addresses are overwritten (secure_delete).
 */
static const char migrate_v1_sql[] =
	"ALTER TABLE flows DROP COLUMN src_ip;"
	"ALTER TABLE flows DROP COLUMN src_port;"
	"ALTER TABLE flows ADD COLUMN zone TEXT;"
	"ALTER TABLE flows ADD COLUMN service TEXT;"
	"ALTER TABLE flows ADD COLUMN verdict TEXT;"
	"ALTER TABLE dns DROP COLUMN src_ip;"
	"ALTER TABLE dns ADD COLUMN zone TEXT;"
	"ALTER TABLE http DROP COLUMN src_ip;"
	"ALTER TABLE http ADD COLUMN zone TEXT;"
	"ALTER TABLE http ADD COLUMN status INTEGER;"
	"ALTER TABLE http ADD COLUMN resp_length INTEGER;"
	"UPDATE http SET url = substr(url, 1, instr(url, '?') - 1)"
	" WHERE instr(url, '?') > 0;"
	"ALTER TABLE ai_events DROP COLUMN src_ip;"
	"ALTER TABLE ai_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'flow';"
	"ALTER TABLE ai_events ADD COLUMN zone TEXT;"
	"ALTER TABLE ai_events ADD COLUMN bytes_up INTEGER NOT NULL DEFAULT 0;"
	"UPDATE ai_events SET kind = 'lookup' WHERE proto = 'DNS' OR"
	" matched_by = 'dns_query';"
	"ALTER TABLE alerts DROP COLUMN src_ip;"
	"ALTER TABLE alerts ADD COLUMN zone TEXT;"
	"ALTER TABLE alerts ADD COLUMN detail TEXT;"
	"ALTER TABLE visibility DROP COLUMN src_ip;"
	"ALTER TABLE visibility ADD COLUMN zone TEXT;"
	"ALTER TABLE policy_versions ADD COLUMN detail TEXT;";

static const char fill_aggregates_sql[] =
	"INSERT OR IGNORE INTO agg_hour (hour, service, verdict, zone, flows,"
	" lookups, bytes_up) SELECT ts / 3600000000 * 3600000000, service,"
	" verdict, coalesce(zone, ''), sum(kind = 'flow'), sum(kind = 'lookup'),"
	" sum(bytes_up) FROM ai_events GROUP BY 1, 2, 3, 4;"
	"UPDATE agg_hour SET alerts = (SELECT count(*) FROM alerts a WHERE"
	" a.ts / 3600000000 * 3600000000 = agg_hour.hour AND a.service ="
	" agg_hour.service AND coalesce(a.verdict, '') = agg_hour.verdict AND"
	" coalesce(a.zone, '') = agg_hour.zone);";

/* A v2 database from before agg_day: agg_day filled from agg_hour. */
static const char fill_day_sql[] =
	"INSERT OR IGNORE INTO agg_day (day, service, verdict, zone, flows,"
	" lookups, bytes_up, uploads, dlp, alerts, first_hour, last_hour)"
	" SELECT hour / 86400000000 * 86400000000, service, verdict, zone,"
	" sum(flows), sum(lookups), sum(bytes_up), sum(uploads), sum(dlp),"
	" sum(alerts), min(hour), max(hour) FROM agg_hour GROUP BY 1, 2, 3, 4;";

int
store_has_table(struct store *s, const char *name)
{
	sqlite3_stmt *q;
	int have;

	if (s == NULL || s->db == NULL)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE"
	    " type = 'table' AND name = ?", -1, &q, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	have = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return have;
}

/* Tables added within v2 (a v2 database from before them): the schema
 * again (every statement is IF NOT EXISTS) and each missing table filled
 * from what the database has, in one transaction: agg_day from agg_hour,
 * the client bitmaps (store_bits.c) from agg_client_day.  Readers of a
 * database no newer writer has opened find neither table and read
 * agg_hour and agg_client_day as before. */
static int
ensure_tables(struct store *s)
{
	int day = store_has_table(s, "agg_day");
	int bits = store_has_table(s, "agg_day_clients");

	if (day && bits)
		return 0;
	if (!day)
		log_info("%s: adding the per-day aggregate (agg_day)", s->path);
	if (!bits)
		log_info("%s: adding the distinct-client bitmaps"
		    " (agg_day_clients)", s->path);
	if (store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	if (store_exec(s, store_schema_sql) < 0 ||
	    (!day && store_exec(s, fill_day_sql) < 0) ||
	    (!bits && store_exec(s, store_bits_fill_sql) < 0) ||
	    store_exec(s, "COMMIT") < 0) {
		store_exec(s, "ROLLBACK");
		return -EIO;
	}
	return 0;
}

/*
 * Additive columns within v2 (nullable, so readers that do not know them
 * are unaffected and the version stays): added when missing.
 */
static int
add_columns(struct store *s)
{
	sqlite3_stmt *q;
	int have = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM pragma_table_info"
	    "('http') WHERE name = 'resp_length'", -1, &q, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(q) == SQLITE_ROW)
		have = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (have)
		return 0;
	log_info("%s: adding column http.resp_length", s->path);
	return store_exec(s, "ALTER TABLE http ADD COLUMN resp_length INTEGER");
}

static int
migrate(struct store *s)
{
	int v = user_version(s->db);
	char sql[128];

	if (v < 0) {
		log_warnx("%s: %s", s->path, sqlite3_errmsg(s->db));
		return -EIO;
	}
	if (v > STORE_SCHEMA_VERSION) {
		log_warnx("%s: database schema version %d is newer than this "
		    "program's (%d); refusing to write (upgrade shadowtap)",
		    s->path, v, STORE_SCHEMA_VERSION);
		return -EPROTO;
	}
	if (v == STORE_SCHEMA_VERSION)
		return add_columns(s) < 0 ? -EIO : ensure_tables(s);
	if (store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	if (v == 1) {
		log_info("%s: migrating schema v1 to v2 (client addresses are "
		    "removed)", s->path);
		if (store_exec(s, migrate_v1_sql) < 0)
			goto err;
	} else if (v != 0) {
		log_warnx("%s: unknown schema version %d; refusing", s->path, v);
		goto err;
	}
	if (store_exec(s, store_schema_sql) < 0 ||
	    (v == 1 && (store_exec(s, fill_aggregates_sql) < 0 ||
	    store_exec(s, fill_day_sql) < 0 ||
	    store_exec(s, store_bits_fill_sql) < 0)))
		goto err;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if (store_exec(s, sql) < 0 || store_exec(s, "INSERT OR REPLACE INTO meta"
	    " VALUES ('schema_version', '2'), ('writer', 'shadowtap-sensor')") < 0 ||
	    store_exec(s, "COMMIT") < 0)
		goto err;
	if (v == 1 && (store_exec(s, "PRAGMA secure_delete = ON") < 0 ||
	    store_exec(s, "VACUUM") < 0))
		log_warnx("%s: migrated, but VACUUM failed: freed pages may "
		    "still hold v1 addresses", s->path);
	return 0;
err:
	store_exec(s, "ROLLBACK");
	log_warnx("%s: schema v%d could not be migrated; the file is unchanged",
	    s->path, v);
	return -EIO;
}

int
store_schema_version(const char *path)
{
	sqlite3 *db = NULL;
	int v;

	if (access(path, R_OK) != 0)
		return -errno;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	v = user_version(db);
	sqlite3_close(db);
	return v < 0 ? -EIO : v;
}

int
store_open(struct store **sp, const char *path, enum store_mode mode)
{
	struct store *s;
	int rc = -EIO, v;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->mode = mode;
	if ((s->path = strdup(path)) == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	if (mode == STORE_RO) {
		if (access(path, R_OK) != 0) {
			rc = -errno;
			log_warnx("%s: cannot open database: %s", path,
			    strerror(errno));
			goto err;
		}
		if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
			goto err_open;
		sqlite3_busy_timeout(s->db, 1000);
		if (store_bits_register(s->db) < 0)
			goto err_open;
		if ((v = user_version(s->db)) != STORE_SCHEMA_VERSION) {
			if (v < 0)
				log_warnx("%s: not a shadowtap database: %s",
				    path, sqlite3_errmsg(s->db));
			else
				log_warnx("%s: database schema version %d, this "
				    "program reads version %d%s", path, v,
				    STORE_SCHEMA_VERSION, v < STORE_SCHEMA_VERSION ?
				    " (start the sensor once to migrate it)" :
				    " (upgrade shadowtap)");
			rc = v < 0 ? -EIO : -EPROTO;
			goto err;
		}
		*sp = s;
		return 0;
	}
	s->created = access(path, F_OK) != 0;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto err_open;
	/* The writer never waits long: a locked database defers the batch
	 * (store_commit returns -EBUSY) instead of stalling capture. */
	sqlite3_busy_timeout(s->db, 20);
	if (store_bits_register(s->db) < 0)
		goto err_open;
	/* Benchmark switch (docs/BENCHMARKS.md): rows without aggregates,
	 * to measure what keeping them costs.  Not for production. */
	s->noagg = getenv("SHADOWTAP_BENCH_NO_AGGREGATES") != NULL;
	/* WAL: readers never block this writer; NORMAL sync: a crash may
	 * lose the last batch but never corrupts the file.  Schema first: a
	 * database we refuse (newer schema) is left exactly as it was. */
	if ((rc = migrate(s)) < 0)
		goto err;
	rc = -EIO;
	/* Keep -wal and -shm (mode of the database, 0640) after the last
	 * close: a read-only reader in a directory it may not write (the
	 * dashboard and report as their own users, group shadowtap) cannot
	 * create them, and SQLite refuses a WAL database without them. */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &(int){ 1 });
	if (store_exec(s, "PRAGMA journal_mode=WAL") < 0 ||
	    store_exec(s, "PRAGMA synchronous=NORMAL") < 0 ||
	    store_exec(s, "PRAGMA cache_size=-16384") < 0 ||
	    store_prepare_writer(s) < 0)
		goto err;
	*sp = s;
	return 0;
err_open:
	log_warnx("%s: cannot open database: %s", path,
	    s->db ? sqlite3_errmsg(s->db) : "out of memory");
err:
	store_finalize_writer(s);
	sqlite3_close(s->db);
	if (s->created)
		store_discard(path);
	free(s->seen);
	free(s->path);
	free(s);
	return rc;
}

int
store_created(const struct store *s)
{
	return s != NULL && s->created;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

struct sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

const struct store_stats *
store_stats(const struct store *s)
{
	return &s->stats;
}

void
store_discard(const char *path)
{
	char side[4096];

	if (path == NULL)
		return;
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->mode == STORE_RW) {
		if (store_commit(s) == -EBUSY && s->qhead != NULL)
			log_warnx("%s: database still locked by another "
			    "process; %llu rows lost", s->path,
			    (unsigned long long)s->stats.rows_pending);
		store_queue_free(s);
		store_finalize_writer(s);
		/* Fold the WAL back so a copied .db file is complete. */
		sqlite3_wal_checkpoint_v2(s->db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	if (sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("%s: close: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_free(s->bulk_index);
	store_week_scan_free(s->week);
	free(s->seen);
	free(s->path);
	free(s);
}

int
store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta (key, value)"
	    " VALUES (?, ?)", -1, &q, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_finalize(q);
	return rc;
}

int
store_meta_get(struct store *s, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *q;
	int rc = -ENOENT;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &q, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(q, 0));
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}
