/*
 * store_write.c - the writer: prepared inserts, one open transaction per
 * commit interval, the aggregates kept in the same transaction, retention
 * in small batches.  Linked by the sensor and the fixture generator.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/esc.h"
#include "common/log.h"
#include "store/store_int.h"

#define HOUR_US	3600000000ULL

static const char *const sql[SQ__COUNT] = {
	[SQ_FLOW] = "INSERT INTO flows (flow_id, ts_start, ts_end,"
	    " client_pseudo, zone, dest_ip, dest_port, proto, app_proto, vlan,"
	    " host, host_source, tls_version, alpn, ja3, ja4, ech, quic_version,"
	    " http_method, pkts_toserver, pkts_toclient, bytes_toserver,"
	    " bytes_toclient, upload_bytes, state, reason, service, verdict)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[SQ_DNS] = "INSERT INTO dns (flow_id, ts, client_pseudo, zone, dest_ip,"
	    " proto, dns_id, rrname, rrtype, rcode, answers, ttl_min, answered)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[SQ_HTTP] = "INSERT INTO http (flow_id, ts, client_pseudo, zone,"
	    " dest_ip, dest_port, hostname, url, method, user_agent,"
	    " content_type, content_length, status, resp_length)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[SQ_STAT] = "INSERT OR REPLACE INTO stats (ts, name, value) VALUES (?,?,?)",
	[SQ_AI] = "INSERT INTO ai_events (flow_id, ts, kind, client_pseudo,"
	    " zone, dest_ip, dest_port, proto, app_proto, service, name, vendor,"
	    " category, host, matched_by, confidence, verdict, rule, exception,"
	    " exception_expired, policy_version, tenant_ambiguous, bytes_up)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[SQ_ALERT] = "INSERT INTO alerts (flow_id, ts, client_pseudo, zone,"
	    " dest_ip, dest_port, kind, severity, rule, signature, service,"
	    " verdict, dlp_class, detector, confidence, evidence, fingerprint,"
	    " bytes, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[SQ_VIS] = "INSERT INTO visibility (flow_id, ts, client_pseudo, zone,"
	    " dest_ip, dest_port, kind, detail) VALUES (?,?,?,?,?,?,?,?)",
	[SQ_POLICY] = "INSERT INTO policy_versions (ts, version, action, summary,"
	    " errors, detail) VALUES (?,?,?,?,?,?)",
	[SQ_AGG_HOUR] = "INSERT INTO agg_hour (hour, service, verdict, zone,"
	    " flows, lookups, bytes_up, uploads, dlp, alerts)"
	    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) ON CONFLICT DO UPDATE SET"
	    " flows = flows + ?5, lookups = lookups + ?6, bytes_up = bytes_up + ?7,"
	    " uploads = uploads + ?8, dlp = dlp + ?9, alerts = alerts + ?10",
	[SQ_AGG_CLIENT] = "INSERT INTO agg_client_day (day, client_pseudo,"
	    " service, verdict, zone, flows, bytes_up, alerts)"
	    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT DO UPDATE SET"
	    " flows = flows + ?6, bytes_up = bytes_up + ?7, alerts = alerts + ?8",
	[SQ_AGG_DLP] = "INSERT INTO agg_dlp_day (day, dlp_class, service, zone,"
	    " findings) VALUES (?1,?2,?3,?4,1) ON CONFLICT DO UPDATE SET"
	    " findings = findings + 1",
	[SQ_CATALOG] = "INSERT OR REPLACE INTO catalog (service, name, vendor,"
	    " category, country, eu_residency, tenant_ambiguous, client_type,"
	    " verdict, updated) VALUES (?,?,?,?,?,?,?,?,?,?)",
	[SQ_EXCEPTION] = "INSERT OR REPLACE INTO exceptions (id, service, zone,"
	    " verdict, owner, reference, valid_from, valid_until, updated)"
	    " VALUES (?,?,?,?,?,?,?,?,?)",
	[SQ_IDENTITY] = "INSERT INTO identities (pseudo, epoch, sealed,"
	    " first_seen, last_seen) VALUES (?1,?2,?3,?4,?4) ON CONFLICT DO"
	    " UPDATE SET last_seen = max(last_seen, ?4)",
	[SQ_EPOCH] = "INSERT INTO epochs (epoch, started, key_id) VALUES"
	    " (?1,?2,?3) ON CONFLICT DO NOTHING",
	[SQ_AGG_DAY] = "INSERT INTO agg_day (day, service, verdict, zone,"
	    " flows, lookups, bytes_up, uploads, dlp, alerts, first_hour,"
	    " last_hour) VALUES (?11 / 86400000000 * 86400000000,?2,?3,?4,?5,"
	    "?6,?7,?8,?9,?10,?11,?11) ON CONFLICT DO UPDATE SET"
	    " flows = flows + ?5, lookups = lookups + ?6, bytes_up = bytes_up + ?7,"
	    " uploads = uploads + ?8, dlp = dlp + ?9, alerts = alerts + ?10,"
	    " first_hour = min(first_hour, ?11), last_hour = max(last_hour, ?11)",
	[SQ_CLIENT] = "INSERT INTO clients (pseudo, last_day) VALUES (?1, ?2)"
	    " ON CONFLICT (pseudo) DO UPDATE SET last_day = max(last_day, ?2)",
	[SQ_DAY_CLIENTS] = "INSERT INTO agg_day_clients (day, service, verdict,"
	    " bits) VALUES (?1, ?2, ?3, st_bit_set(NULL, (SELECT id FROM clients"
	    " WHERE pseudo = ?4))) ON CONFLICT DO UPDATE SET bits ="
	    " st_bit_set(bits, (SELECT id FROM clients WHERE pseudo = ?4))",
};

int
store_prepare_writer(struct store *s)
{
	int i;

	for (i = 0; i < SQ__COUNT; i++)
		if (sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			log_warnx("%s: %s", s->path, sqlite3_errmsg(s->db));
			return -EIO;
		}
	return 0;
}

void
store_finalize_writer(struct store *s)
{
	int i;

	for (i = 0; i < SQ__COUNT; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
}

uint64_t
store_day_of(uint64_t ts_us)
{
	time_t t = (time_t)(ts_us / 1000000), d;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	d = mktime(&tm);
	return (uint64_t)d * 1000000ULL;
}

/* Longest escaped TEXT value (an escaped URL or name of up to ~1.3 KiB raw). */
#define STORE_TEXT_MAX	8192

/*
 * Every TEXT value is valid UTF-8 without control bytes (issue 15): names
 * come from the wire, and raw bytes break Python's sqlite3 and
 * `sqlite3 -json`.  Text that is not clean is escaped the way EVE escapes
 * it (common/esc.h, ESC_TEXT); too long for the buffer, it is cut on a
 * whole escape.
 */
static void
bind_clean(sqlite3_stmt *q, int i, const char *v)
{
	char buf[STORE_TEXT_MAX];
	size_t n = strlen(v);

	if (esc_text_clean(v, n)) {
		sqlite3_bind_text(q, i, v, (int)n, SQLITE_TRANSIENT);
		return;
	}
	(void)esc_bytes(buf, sizeof(buf), v, n, ESC_TEXT);
	sqlite3_bind_text(q, i, buf, -1, SQLITE_TRANSIENT);
}

static void
txt(sqlite3_stmt *q, int i, const char *v)
{
	if (v == NULL || v[0] == '\0')
		sqlite3_bind_null(q, i);
	else
		bind_clean(q, i, v);
}

/* Key columns of the aggregates are NOT NULL: "" for none. */
static void
key(sqlite3_stmt *q, int i, const char *v)
{
	bind_clean(q, i, v != NULL ? v : "");
}

static void
i64(sqlite3_stmt *q, int i, uint64_t v)
{
	sqlite3_bind_int64(q, i, (sqlite3_int64)v);
}

/* Columns 1-6 of alerts and visibility: flow, time, client, zone, server;
 * flow_id and port 0 mean none. */
static void
bind_head(sqlite3_stmt *q, uint64_t flow_id, uint64_t ts, const char *client,
    const char *zone, const char *dest_ip, int dest_port)
{
	if (flow_id)
		i64(q, 1, flow_id);
	i64(q, 2, ts);
	txt(q, 3, client);
	txt(q, 4, zone);
	txt(q, 5, dest_ip);
	if (dest_port)
		sqlite3_bind_int(q, 6, dest_port);
}

static int
begin(struct store *s)
{
	if (s->in_txn)
		return 0;
	if (store_exec(s, "BEGIN") < 0)
		return -EIO;
	s->in_txn = 1;
	return 0;
}

/* The write lock is taken: the statement's row is kept as SQL text for
 * the next store_commit, so the caller (the capture loop) never waits. */
static int
defer(struct store *s, sqlite3_stmt *q)
{
	struct store_q *e;
	char *text = sqlite3_expanded_sql(q);
	size_t n = text != NULL ? strlen(text) : 0;

	if (text == NULL || s->qbytes + n > STORE_Q_MAX ||
	    (e = sqlite3_malloc(sizeof(*e))) == NULL) {
		sqlite3_free(text);
		s->stats.errors++;
		s->stats.rows_lost++;
		return -ENOMEM;
	}
	e->sql = text;
	e->next = NULL;
	if (s->qtail != NULL)
		s->qtail->next = e;
	else
		s->qhead = e;
	s->qtail = e;
	s->qbytes += n;
	s->stats.rows_pending++;
	return 0;
}

/* A transaction that failed to get the write lock holds no writes (we
 * would hold the lock otherwise): end it, so the next try starts from a
 * fresh snapshot instead of a stale one that can never be upgraded. */
static void
lost_lock(struct store *s)
{
	s->locked = 1;
	if (s->in_txn && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = 0;
}

void
store_queue_free(struct store *s)
{
	struct store_q *e;

	while ((e = s->qhead) != NULL) {
		s->qhead = e->next;
		s->stats.rows_pending--;
		s->stats.rows_lost++;
		sqlite3_free(e->sql);
		sqlite3_free(e);
	}
	s->qtail = NULL;
	s->qbytes = 0;
}

/* Replay the kept rows inside the open transaction; -EBUSY if still
 * locked (the rest stays queued). */
static int
replay(struct store *s)
{
	struct store_q *e;
	int rc;

	while ((e = s->qhead) != NULL) {
		rc = sqlite3_exec(s->db, e->sql, NULL, NULL, NULL);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			return -EBUSY;
		if (rc != SQLITE_OK) {
			s->stats.errors++;
			s->stats.rows_lost++;
			s->stats.rows_pending--;
			if (s->warned++ < 10)
				log_warnx("%s: kept row failed: %s", s->path,
				    sqlite3_errmsg(s->db));
		}
		s->qhead = e->next;
		s->qbytes -= strlen(e->sql);
		sqlite3_free(e->sql);
		sqlite3_free(e);
	}
	s->qtail = NULL;
	return 0;
}

/* Run one bound statement inside the open transaction. */
static int
run(struct store *s, int which)
{
	sqlite3_stmt *q = s->st[which];
	int rc = 0, sr = SQLITE_DONE;

	if (s->locked || s->qhead != NULL)
		rc = defer(s, q);	/* keep the order of the rows */
	else if (begin(s) < 0 || (sr = sqlite3_step(q)) != SQLITE_DONE) {
		int ec = sqlite3_errcode(s->db);

		if (sr == SQLITE_BUSY || sr == SQLITE_LOCKED) {
			s->stats.busy++;
			sqlite3_reset(q);	/* bindings stay */
			lost_lock(s);
			rc = defer(s, q);
			goto out;
		}
		/* A malformed file is reported once by the caller. */
		if (ec == SQLITE_CORRUPT || ec == SQLITE_NOTADB)
			s->stats.corrupt = 1;
		s->stats.errors++;
		s->stats.rows_lost++;
		if (!s->stats.corrupt && s->warned++ < 10)
			log_warnx("%s: insert failed: %s", s->path,
			    sqlite3_errmsg(s->db));
		rc = -EIO;
	} else
		s->stats.rows_pending++;
out:
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

int
store_put_flow(struct store *s, const struct st_flow *r)
{
	sqlite3_stmt *q = s->st[SQ_FLOW];

	i64(q, 1, r->flow_id);
	i64(q, 2, r->ts_start);
	i64(q, 3, r->ts_end);
	key(q, 4, r->client);
	txt(q, 5, r->zone);
	key(q, 6, r->dest_ip);
	sqlite3_bind_int(q, 7, r->dest_port);
	key(q, 8, r->proto);
	txt(q, 9, r->app_proto);
	if (r->vlan >= 0)
		sqlite3_bind_int(q, 10, r->vlan);
	txt(q, 11, r->host);
	txt(q, 12, r->host_source);
	txt(q, 13, r->tls_version);
	txt(q, 14, r->alpn);
	txt(q, 15, r->ja3);
	txt(q, 16, r->ja4);
	sqlite3_bind_int(q, 17, r->ech);
	txt(q, 18, r->quic_version);
	txt(q, 19, r->http_method);
	i64(q, 20, r->pkts_toserver);
	i64(q, 21, r->pkts_toclient);
	i64(q, 22, r->bytes_toserver);
	i64(q, 23, r->bytes_toclient);
	i64(q, 24, r->upload_bytes);
	key(q, 25, r->state);
	key(q, 26, r->reason);
	txt(q, 27, r->service);
	txt(q, 28, r->verdict);
	return run(s, SQ_FLOW);
}

int
store_put_dns(struct store *s, const struct st_dns *r)
{
	sqlite3_stmt *q = s->st[SQ_DNS];

	i64(q, 1, r->flow_id);
	i64(q, 2, r->ts);
	key(q, 3, r->client);
	txt(q, 4, r->zone);
	key(q, 5, r->dest_ip);
	key(q, 6, r->proto);
	sqlite3_bind_int(q, 7, r->dns_id);
	key(q, 8, r->rrname);
	txt(q, 9, r->rrtype);
	txt(q, 10, r->rcode);
	txt(q, 11, r->answers);
	if (r->ttl_min >= 0)
		sqlite3_bind_int64(q, 12, r->ttl_min);
	sqlite3_bind_int(q, 13, r->answered);
	return run(s, SQ_DNS);
}

int
store_put_http(struct store *s, const struct st_http *r)
{
	sqlite3_stmt *q = s->st[SQ_HTTP];

	i64(q, 1, r->flow_id);
	i64(q, 2, r->ts);
	key(q, 3, r->client);
	txt(q, 4, r->zone);
	key(q, 5, r->dest_ip);
	sqlite3_bind_int(q, 6, r->dest_port);
	txt(q, 7, r->hostname);
	txt(q, 8, r->url);
	txt(q, 9, r->method);
	txt(q, 10, r->user_agent);
	txt(q, 11, r->content_type);
	if (r->content_length >= 0)
		sqlite3_bind_int64(q, 12, r->content_length);
	if (r->status > 0)
		sqlite3_bind_int(q, 13, r->status);
	if (r->length >= 0)
		sqlite3_bind_int64(q, 14, r->length);
	return run(s, SQ_HTTP);
}

static int
agg_hour(struct store *s, uint64_t ts, const char *service, const char *verdict,
    const char *zone, int flows, int lookups, uint64_t bytes, int uploads,
    int dlp, int alerts)
{
	sqlite3_stmt *q;
	int i, rc;

	/* The same sums into agg_hour and agg_day (day from ?11, the hour). */
	for (i = 0; i < 2; i++) {
		q = s->st[i == 0 ? SQ_AGG_HOUR : SQ_AGG_DAY];
		if (i == 0)
			i64(q, 1, ts / HOUR_US * HOUR_US);
		else
			i64(q, 11, ts / HOUR_US * HOUR_US);
		key(q, 2, service);
		key(q, 3, verdict);
		key(q, 4, zone);
		sqlite3_bind_int(q, 5, flows);
		sqlite3_bind_int(q, 6, lookups);
		i64(q, 7, bytes);
		sqlite3_bind_int(q, 8, uploads);
		sqlite3_bind_int(q, 9, dlp);
		sqlite3_bind_int(q, 10, alerts);
		if ((rc = run(s, i == 0 ? SQ_AGG_HOUR : SQ_AGG_DAY)) < 0)
			return rc;
	}
	return 0;
}

static int
agg_client(struct store *s, uint64_t ts, const char *client,
    const char *service, const char *verdict, const char *zone, int flows,
    uint64_t bytes, int alerts)
{
	sqlite3_stmt *q = s->st[SQ_AGG_CLIENT];
	uint64_t day, h;
	int rc;

	if (client == NULL || client[0] == '\0')
		return 0;
	day = store_day_of(ts);
	i64(q, 1, day);
	key(q, 2, client);
	key(q, 3, service);
	key(q, 4, verdict);
	key(q, 5, zone);
	sqlite3_bind_int(q, 6, flows);
	i64(q, 7, bytes);
	sqlite3_bind_int(q, 8, alerts);
	/* The same key's client bit (store_bits.c), unless known set. */
	if ((rc = run(s, SQ_AGG_CLIENT)) < 0 ||
	    store_bits_seen(s, &h, day, client, service, verdict))
		return rc;
	q = s->st[SQ_CLIENT];
	key(q, 1, client);
	i64(q, 2, day);
	if ((rc = run(s, SQ_CLIENT)) < 0)
		return rc;
	q = s->st[SQ_DAY_CLIENTS];
	i64(q, 1, day);
	key(q, 2, service);
	key(q, 3, verdict);
	key(q, 4, client);
	if ((rc = run(s, SQ_DAY_CLIENTS)) == 0)
		store_bits_mark(s, h);
	return rc;
}

int
store_put_ai(struct store *s, const struct st_ai *r)
{
	sqlite3_stmt *q = s->st[SQ_AI];
	int lookup = r->kind != NULL && strcmp(r->kind, "lookup") == 0, rc;

	i64(q, 1, r->flow_id);
	i64(q, 2, r->ts);
	key(q, 3, lookup ? "lookup" : "flow");
	key(q, 4, r->client);
	txt(q, 5, r->zone);
	key(q, 6, r->dest_ip);
	sqlite3_bind_int(q, 7, r->dest_port);
	key(q, 8, r->proto);
	txt(q, 9, r->app_proto);
	key(q, 10, r->service);
	txt(q, 11, r->name);
	txt(q, 12, r->vendor);
	txt(q, 13, r->category);
	txt(q, 14, r->host);
	key(q, 15, r->matched_by);
	sqlite3_bind_int(q, 16, r->confidence);
	key(q, 17, r->verdict);
	txt(q, 18, r->rule);
	txt(q, 19, r->exception);
	sqlite3_bind_int(q, 20, r->exception_expired);
	txt(q, 21, r->policy_version);
	sqlite3_bind_int(q, 22, r->tenant_ambiguous);
	i64(q, 23, r->bytes_up);
	if ((rc = run(s, SQ_AI)) < 0 || s->bulk || s->noagg)
		return rc;
	if ((rc = agg_hour(s, r->ts, r->service, r->verdict, r->zone, !lookup,
	    lookup, r->bytes_up, 0, 0, 0)) < 0)
		return rc;
	return lookup ? 0 : agg_client(s, r->ts, r->client, r->service,
	    r->verdict, r->zone, 1, r->bytes_up, 0);
}

int
store_put_alert(struct store *s, const struct st_alert *r)
{
	sqlite3_stmt *q = s->st[SQ_ALERT];
	int upload = r->kind != NULL && strcmp(r->kind, "upload") == 0;
	int dlp = r->kind != NULL && strcmp(r->kind, "dlp") == 0, rc;

	bind_head(q, r->flow_id, r->ts, r->client, r->zone, r->dest_ip,
	    r->dest_port);
	key(q, 7, r->kind);
	key(q, 8, r->severity);
	txt(q, 9, r->rule);
	txt(q, 10, r->signature);
	txt(q, 11, r->service);
	txt(q, 12, r->verdict);
	txt(q, 13, r->dlp_class);
	txt(q, 14, r->detector);
	if (r->confidence >= 0)
		sqlite3_bind_int(q, 15, r->confidence);
	txt(q, 16, r->evidence);
	txt(q, 17, r->fingerprint);
	if (r->bytes >= 0)
		sqlite3_bind_int64(q, 18, r->bytes);
	txt(q, 19, r->detail);
	if ((rc = run(s, SQ_ALERT)) < 0 || s->bulk || s->noagg)
		return rc;
	if ((rc = agg_hour(s, r->ts, r->service, r->verdict, r->zone, 0, 0, 0,
	    upload, dlp, 1)) < 0)
		return rc;
	if (r->service != NULL && r->service[0] != '\0' &&
	    (rc = agg_client(s, r->ts, r->client, r->service, r->verdict,
	    r->zone, 0, 0, 1)) < 0)
		return rc;
	if (dlp) {
		q = s->st[SQ_AGG_DLP];
		i64(q, 1, store_day_of(r->ts));
		key(q, 2, r->dlp_class);
		key(q, 3, r->service);
		key(q, 4, r->zone);
		return run(s, SQ_AGG_DLP);
	}
	return 0;
}

int
store_put_vis(struct store *s, const struct st_vis *r)
{
	sqlite3_stmt *q = s->st[SQ_VIS];

	bind_head(q, r->flow_id, r->ts, r->client, r->zone, r->dest_ip,
	    r->dest_port);
	key(q, 7, r->kind);
	txt(q, 8, r->detail);
	return run(s, SQ_VIS);
}

int
store_put_policy(struct store *s, const struct st_policy *r)
{
	sqlite3_stmt *q = s->st[SQ_POLICY];

	i64(q, 1, r->ts);
	key(q, 2, r->version);
	key(q, 3, r->action);
	txt(q, 4, r->summary);
	sqlite3_bind_int(q, 5, r->errors);
	txt(q, 6, r->detail);
	return run(s, SQ_POLICY);
}

int
store_put_stat(struct store *s, uint64_t ts, const char *name, uint64_t value)
{
	sqlite3_stmt *q = s->st[SQ_STAT];

	i64(q, 1, ts);
	key(q, 2, name);
	i64(q, 3, value);
	return run(s, SQ_STAT);
}

int
store_catalog_begin(struct store *s, uint64_t ts)
{
	(void)ts;
	if (begin(s) < 0)
		return -EIO;
	return store_exec(s, "DELETE FROM catalog; DELETE FROM exceptions");
}

int
store_put_catalog(struct store *s, const struct st_catalog *r)
{
	sqlite3_stmt *q = s->st[SQ_CATALOG];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	key(q, 1, r->service);
	key(q, 2, r->name);
	txt(q, 3, r->vendor);
	txt(q, 4, r->category);
	txt(q, 5, r->country);
	if (r->eu_residency >= 0)
		sqlite3_bind_int(q, 6, r->eu_residency);
	sqlite3_bind_int(q, 7, r->tenant_ambiguous);
	txt(q, 8, r->client_type);
	key(q, 9, r->verdict);
	i64(q, 10, (uint64_t)now.tv_sec * 1000000ULL);
	return run(s, SQ_CATALOG);
}

int
store_put_exception(struct store *s, const struct st_exception *r)
{
	sqlite3_stmt *q = s->st[SQ_EXCEPTION];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	key(q, 1, r->id);
	txt(q, 2, r->service);
	txt(q, 3, r->zone);
	txt(q, 4, r->verdict);
	txt(q, 5, r->owner);
	txt(q, 6, r->reference);
	if (r->valid_from)
		i64(q, 7, r->valid_from);
	if (r->valid_until)
		i64(q, 8, r->valid_until);
	i64(q, 9, (uint64_t)now.tv_sec * 1000000ULL);
	return run(s, SQ_EXCEPTION);
}

int
store_put_identity(struct store *s, const char *pseudo, int epoch,
    const uint8_t *sealed, size_t len, uint64_t ts)
{
	sqlite3_stmt *q = s->st[SQ_IDENTITY];

	key(q, 1, pseudo);
	sqlite3_bind_int(q, 2, epoch);
	sqlite3_bind_blob(q, 3, sealed, (int)len, SQLITE_TRANSIENT);
	i64(q, 4, ts);
	return run(s, SQ_IDENTITY);
}

int
store_put_epoch(struct store *s, int epoch, uint64_t started,
    const char *key_id)
{
	sqlite3_stmt *q = s->st[SQ_EPOCH];
	char end[128];
	int rc;

	sqlite3_bind_int(q, 1, epoch);
	i64(q, 2, started);
	key(q, 3, key_id);
	if ((rc = run(s, SQ_EPOCH)) < 0)
		return rc;
	snprintf(end, sizeof(end), "UPDATE epochs SET ended = %llu WHERE"
	    " epoch < %d AND ended IS NULL", (unsigned long long)started, epoch);
	return store_exec(s, end);
}

int
store_commit(struct store *s)
{
	int rc;

	if (s == NULL || (!s->in_txn && s->qhead == NULL))
		return 0;
	if (s->qhead != NULL) {
		if (begin(s) < 0)
			return -EIO;
		if (replay(s) == -EBUSY) {
			s->stats.busy++;
			lost_lock(s);
			return -EBUSY;
		}
	}
	s->locked = 0;
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		/* Another writer holds the lock: keep the batch, try later. */
		s->stats.busy++;
		return -EBUSY;
	}
	s->in_txn = 0;
	if (rc != SQLITE_OK) {
		if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
			s->stats.corrupt = 1;
		s->stats.errors++;
		s->stats.rows_lost += s->stats.rows_pending;
		if (!s->stats.corrupt && s->warned++ < 10)
			log_warnx("%s: commit failed, %llu rows lost: %s", s->path,
			    (unsigned long long)s->stats.rows_pending,
			    sqlite3_errmsg(s->db));
		s->stats.rows_pending = 0;
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc == SQLITE_FULL ? -ENOSPC : -EIO;
	}
	s->stats.commits++;
	s->stats.rows += s->stats.rows_pending;
	s->stats.rows_pending = 0;
	return 0;
}

/* Which column holds a row's time, per table retention knows. */
static const char *
time_column(const char *table)
{
	static const struct { const char *t, *c; } m[] = {
		{ "flows", "ts_start" }, { "dns", "ts" }, { "http", "ts" },
		{ "ai_events", "ts" }, { "alerts", "ts" }, { "visibility", "ts" },
		{ "stats", "ts" }, { "agg_hour", "hour" }, { "agg_day", "day" },
		{ "agg_client_day", "day" }, { "agg_dlp_day", "day" },
		{ "identities", "last_seen" }, { "policy_versions", "ts" },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(m[i].t, table) == 0)
			return m[i].c;
	return NULL;
}

int
store_retention_step(struct store *s, const char *table, uint64_t cutoff_us,
    int batch)
{
	const char *col = time_column(table);
	char q[256];
	int n;

	if (col == NULL)
		return -EINVAL;
	/* WITHOUT ROWID tables have no rowid: delete by their key instead. */
	if (strcmp(table, "stats") == 0 || strncmp(table, "agg_", 4) == 0)
		snprintf(q, sizeof(q), "DELETE FROM %s WHERE %s < %llu AND %s IN"
		    " (SELECT %s FROM %s WHERE %s < %llu LIMIT %d)", table, col,
		    (unsigned long long)cutoff_us, col, col, table, col,
		    (unsigned long long)cutoff_us, batch);
	else
		snprintf(q, sizeof(q), "DELETE FROM %s WHERE rowid IN (SELECT"
		    " rowid FROM %s WHERE %s < %llu LIMIT %d)", table, table, col,
		    (unsigned long long)cutoff_us, batch);
	if (begin(s) < 0 || store_exec(s, q) < 0)
		return -EIO;
	n = sqlite3_changes(s->db);
	/* agg_day follows agg_hour: whole days before the cutoff go too. */
	if (strcmp(table, "agg_hour") == 0) {
		snprintf(q, sizeof(q), "DELETE FROM agg_day WHERE day IN (SELECT"
		    " day FROM agg_day WHERE day + 86400000000 <= %llu LIMIT %d)",
		    (unsigned long long)cutoff_us, batch);
		if (store_exec(s, q) < 0)
			return -EIO;
		n += sqlite3_changes(s->db);
	}
	/* The client bitmaps follow agg_client_day, and so do the client
	 * numbers (a pseudonym is kept no longer than its last row). */
	if (strcmp(table, "agg_client_day") == 0) {
		snprintf(q, sizeof(q), "DELETE FROM agg_day_clients WHERE day <"
		    " %llu; DELETE FROM clients WHERE last_day < %llu",
		    (unsigned long long)cutoff_us, (unsigned long long)cutoff_us);
		if (store_exec(s, q) < 0)
			return -EIO;
	}
	s->stats.deleted += (uint64_t)n;
	return n;
}
