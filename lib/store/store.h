/*
 * store.h - the sensor database contract (schema.sql, version 2): opening
 * with migrations, the writer's row types and calls (linked by the sensor
 * and the fixture generator only), retention, and read-only opening for
 * the dashboard and the report, whose named queries live in store_query.h.
 * SQL lives in lib/store and nowhere else.
 */
#ifndef ST_STORE_H
#define ST_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION	2

struct store;
struct sqlite3;

/* Counters the writer keeps; rows and commits count only what SQLite
 * committed (a failed batch moves its rows to rows_lost). */
struct store_stats {
	uint64_t	rows;		/* committed */
	uint64_t	rows_pending;	/* in the open transaction */
	uint64_t	rows_lost;	/* in batches that failed to commit */
	uint64_t	commits;
	uint64_t	errors;		/* failed statements or commits */
	uint64_t	busy;		/* commits deferred: database locked */
	uint64_t	deleted;	/* rows removed by retention */
	int		corrupt;	/* SQLite said the file is malformed */
};

enum store_mode { STORE_RW = 0, STORE_RO };

/*
 * store_open(sp, path, mode):
 * RW: open or create ${path}, create or migrate the schema (v1 -> v2 in one
 * transaction: client addresses are dropped, never half-migrated), WAL mode.
 * RO: open an existing database read-only (never creates, never migrates).
 * A database with a newer schema, or (RO) an older one, is refused with
 * -EPROTO and a message naming the versions.  Returns 0 or -errno.
 */
int	store_open(struct store **sp, const char *path, enum store_mode mode);
/* store_close(s): commit, checkpoint (RW), close; NULL-safe. */
void	store_close(struct store *s);
/* store_created(s): did store_open create the file? */
int	store_created(const struct store *s);
/* store_discard(path): remove a database and its -wal/-shm; only for a
 * file store_created() said this run made. */
void	store_discard(const char *path);
const char *store_path(const struct store *s);
struct sqlite3 *store_db(struct store *s);	/* for lib/store only */
const struct store_stats *store_stats(const struct store *s);
/* store_schema_version(path): the user_version of a database file, or
 * -errno; opens read-only. */
int	store_schema_version(const char *path);

/* meta table: small key/value settings (sensor name, timezone, ...). */
int	store_meta_set(struct store *s, const char *key, const char *value);
/* store_meta_get(s, key, buf, len): 0, -ENOENT or -errno. */
int	store_meta_get(struct store *s, const char *key, char *buf, size_t len);

/*
 * Rows.  Strings are borrowed for the call; NULL or "" is stored as NULL.
 * `client` is always a pseudonym, never an address.
 */
struct st_flow {
	uint64_t	 flow_id, ts_start, ts_end;
	const char	*client, *zone, *dest_ip;
	int		 dest_port, vlan;	/* vlan < 0: none */
	const char	*proto, *app_proto, *host, *host_source;
	const char	*tls_version, *alpn, *ja3, *ja4, *quic_version;
	const char	*http_method;
	int		 ech;
	uint64_t	 pkts_toserver, pkts_toclient;
	uint64_t	 bytes_toserver, bytes_toclient, upload_bytes;
	const char	*state, *reason;
	const char	*service, *verdict;	/* when attributed */
};

struct st_dns {
	uint64_t	 flow_id, ts;
	const char	*client, *zone, *dest_ip, *proto;
	int		 dns_id;
	const char	*rrname, *rrtype, *rcode;
	const char	*answers;		/* JSON array text */
	int64_t		 ttl_min;		/* < 0: none */
	int		 answered;
};

struct st_http {
	uint64_t	 flow_id, ts;
	const char	*client, *zone, *dest_ip;
	int		 dest_port;
	const char	*hostname, *url, *method, *user_agent, *content_type;
	int64_t		 content_length;	/* request's; < 0: none */
	int		 status;		/* response status; 0: none */
	int64_t		 length;		/* response Content-Length; < 0: none */
};

struct st_ai {
	uint64_t	 flow_id, ts;
	const char	*kind;			/* "flow" or "lookup" */
	const char	*client, *zone, *dest_ip;
	int		 dest_port;
	const char	*proto, *app_proto;
	const char	*service, *name, *vendor, *category, *host;
	const char	*matched_by, *verdict, *rule, *exception, *policy_version;
	int		 confidence, exception_expired, tenant_ambiguous;
	uint64_t	 bytes_up;
};

struct st_alert {
	uint64_t	 flow_id, ts;		/* flow_id 0: none */
	const char	*client, *zone, *dest_ip;
	int		 dest_port;
	const char	*kind, *severity, *rule, *signature;
	const char	*service, *verdict;
	const char	*dlp_class, *detector, *evidence, *fingerprint;
	int		 confidence;		/* < 0: none */
	int64_t		 bytes;			/* < 0: none */
	const char	*detail;		/* JSON object text */
};

struct st_vis {
	uint64_t	 flow_id, ts;
	const char	*client, *zone, *dest_ip;
	int		 dest_port;
	const char	*kind, *detail;
};

struct st_policy {
	uint64_t	 ts;
	const char	*version, *action, *summary, *detail;
	int		 errors;
};

struct st_catalog {
	const char	*service, *name, *vendor, *category, *country;
	int		 eu_residency;		/* 1, 0, or < 0 unknown */
	int		 tenant_ambiguous;
	const char	*client_type, *verdict;
};

struct st_exception {
	const char	*id, *service, *zone, *verdict, *owner, *reference;
	uint64_t	 valid_from, valid_until;	/* 0: open */
};

/*
 * The writer.  Rows go into one open transaction that store_commit() ends
 * (the sensor calls it every commit interval).  AI rows and alerts also
 * update the aggregate tables in the same transaction.  Each put returns 0
 * or -errno (the row is counted as lost).
 */
int	store_put_flow(struct store *s, const struct st_flow *r);
int	store_put_dns(struct store *s, const struct st_dns *r);
int	store_put_http(struct store *s, const struct st_http *r);
int	store_put_ai(struct store *s, const struct st_ai *r);
int	store_put_alert(struct store *s, const struct st_alert *r);
int	store_put_vis(struct store *s, const struct st_vis *r);
int	store_put_policy(struct store *s, const struct st_policy *r);
int	store_put_stat(struct store *s, uint64_t ts, const char *name,
	    uint64_t value);
/* Catalog and exceptions are replaced as a whole at load and reload. */
int	store_catalog_begin(struct store *s, uint64_t ts);
int	store_put_catalog(struct store *s, const struct st_catalog *r);
int	store_put_exception(struct store *s, const struct st_exception *r);
/*
 * Identities: the sealed address of a pseudonym (first/last seen kept).
 * Epochs (key rotation, docs/PRIVACY.md): ${epoch} is the local day number
 * the epoch started on (0: no rotation); a client has another pseudonym in
 * every epoch, so readers count clients per epoch: count(DISTINCT
 * client_pseudo) over a period that contains a rotation is an upper bound
 * (a device active on both sides counts twice), and "returning" clients
 * cannot be told across it.  store_week_kpi reports the rotations in a week.
 */
int	store_put_identity(struct store *s, const char *pseudo, int epoch,
	    const uint8_t *sealed, size_t len, uint64_t ts);
int	store_put_epoch(struct store *s, int epoch, uint64_t started,
	    const char *key_id);
/* store_commit(s): end the open transaction; 0, -EBUSY (locked: rows kept
 * for the next try) or -errno (rows lost, counted). */
int	store_commit(struct store *s);

/*
 * Bulk loading, for fixture generators only (never the sensor): between
 * store_bulk_begin and store_bulk_end the file has no journal and no
 * fsync (a crash leaves a database to throw away), and the puts write raw
 * rows only; store_bulk_end commits, computes agg_hour, agg_client_day and
 * agg_dlp_day from all raw rows with the writer's rules, and returns to
 * WAL.  Both return 0 or -errno.
 */
int	store_bulk_begin(struct store *s);
int	store_bulk_end(struct store *s);

/* Local day (meta 'timezone', the process TZ) of a time, for agg_*_day. */
uint64_t store_day_of(uint64_t ts_us);

/*
 * Retention: delete rows of ${table} older than ${cutoff_us}, at most
 * ${batch} rows per call, so the caller can spread the work between
 * packets.  Returns the number deleted (0: done) or -errno.  Tables:
 * flows dns http ai_events alerts visibility stats agg_hour
 * agg_client_day agg_dlp_day identities policy_versions.
 */
int	store_retention_step(struct store *s, const char *table,
	    uint64_t cutoff_us, int batch);

#endif
