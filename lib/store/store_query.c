/*
 * store_query.c - the named read queries (store_query.h).  Each SELECT is
 * written once here; parameters are always bound, never pasted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/store_query.h"

#define TXT(st, i)	((const char *)sqlite3_column_text((st), (i)))
#define U64(st, i)	((uint64_t)sqlite3_column_int64((st), (i)))

static int
prep(struct store *s, const char *sql, sqlite3_stmt **st)
{
	if (s == NULL || s->db == NULL)
		return -EINVAL;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return -EIO;
	return 0;
}

static void
bind_range(sqlite3_stmt *st, uint64_t from, uint64_t to)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(to > INT64_MAX ?
	    INT64_MAX : to));
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* Whole UTC days inside [from, to) come from agg_day, the edge hours from
 * agg_hour: ?4 = the first whole day's start, ?5 = the end of the last
 * (both 0 when no whole day fits); agg_hour gives [?1, ?6) and [?7, ?2),
 * two plain ranges so each is one index range (an OR would scan).
 * Databases without agg_day (never opened by a newer writer) read
 * agg_hour alone. */
#define DAY_US	86400000000ULL
#define C_SUMS	"service, verdict, zone, flows, lookups, bytes_up, uploads," \
	" dlp, alerts"
#define ROWS_DAY(w) \
	"SELECT day AS t, " C_SUMS ", first_hour AS fh, last_hour AS lh" \
	" FROM agg_day WHERE day >= ?4 AND day < ?5" w " UNION ALL "
#define ROWS_HOUR(w) \
	"SELECT hour AS t, " C_SUMS ", hour AS fh, hour AS lh FROM agg_hour" \
	" WHERE hour >= ?1 AND hour < ?6" w " UNION ALL" \
	" SELECT hour AS t, " C_SUMS ", hour AS fh, hour AS lh FROM agg_hour" \
	" WHERE hour >= ?7 AND hour < ?2" w

/* prep_range: the day+hour statement (or the hour-only one) with ?1, ?2,
 * ?4 and ?5 bound. */
static int
prep_range(struct store *s, const char *with_day, const char *hour_only,
    uint64_t from, uint64_t to, sqlite3_stmt **st)
{
	uint64_t d0, d1;
	int day = store_has_table(s, "agg_day"), rc;

	if ((rc = prep(s, day ? with_day : hour_only, st)) < 0)
		return rc;
	bind_range(*st, from, to);
	d0 = (from + DAY_US - 1) / DAY_US * DAY_US;
	d1 = to > INT64_MAX ? (uint64_t)INT64_MAX / DAY_US * DAY_US :
	    to / DAY_US * DAY_US;
	if (to > INT64_MAX)
		to = INT64_MAX;
	if (!day || d1 <= d0)
		d0 = d1 = 0;
	sqlite3_bind_int64(*st, 4, (sqlite3_int64)d0);
	sqlite3_bind_int64(*st, 5, (sqlite3_int64)d1);
	sqlite3_bind_int64(*st, 6, (sqlite3_int64)(d1 ? d0 : to));
	sqlite3_bind_int64(*st, 7, (sqlite3_int64)(d1 ? d1 : to));
	return 0;
}

/* finish(st, rc): the step loop's end; SQLITE_DONE is success. */
static int
finish(sqlite3_stmt *st, int rc, int cbrc)
{
	sqlite3_finalize(st);
	if (cbrc != 0)
		return cbrc;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int
sq_verdict_totals(struct store *s, uint64_t from, uint64_t to,
    sq_verdict_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_verdict_total r;
	int rc, c = 0;

#define VT(rows) "SELECT verdict, SUM(flows), SUM(lookups), SUM(bytes_up)," \
	" SUM(uploads), SUM(dlp), SUM(alerts) FROM (" rows ")" \
	" GROUP BY verdict ORDER BY verdict"
	if ((rc = prep_range(s, VT(ROWS_DAY("") ROWS_HOUR("")),
	    VT(ROWS_HOUR("")), from, to, &st)) < 0)
		return rc;
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.verdict = TXT(st, 0);
		r.flows = U64(st, 1); r.lookups = U64(st, 2);
		r.bytes_up = U64(st, 3); r.uploads = U64(st, 4);
		r.dlp = U64(st, 5); r.alerts = U64(st, 6);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_timeline(struct store *s, uint64_t from, uint64_t to, sq_timeline_cb cb,
    void *arg)
{
	sqlite3_stmt *st;
	struct sq_timeline r;
	int rc, c = 0;

#define TL(rows) "SELECT t, verdict, SUM(flows), SUM(lookups) FROM (" rows \
	") GROUP BY t, verdict ORDER BY t"
	if ((rc = prep_range(s, TL(ROWS_DAY("") ROWS_HOUR("")),
	    TL(ROWS_HOUR("")), from, to, &st)) < 0)
		return rc;
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.hour = U64(st, 0);
		r.verdict = TXT(st, 1);
		r.flows = U64(st, 2);
		r.lookups = U64(st, 3);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_services(struct store *s, uint64_t from, uint64_t to, const char *service,
    sq_service_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_service r;
	int rc, c = 0;

	/* Days are local midnights: widen by a day so the client count
	 * covers the hours of the range. */
	/* The client count from the bitmaps (store_bits.c) when the
	 * database has them, else a DISTINCT over agg_client_day. */
#define SV(rows, cl) "SELECT a.service, c.name, c.vendor, c.category," \
	" c.country, COALESCE(c.verdict, MAX(a.verdict))," \
	" c.eu_residency, COALESCE(c.tenant_ambiguous, 0)," \
	" MIN(a.fh), MAX(a.lh), SUM(a.flows), SUM(a.lookups)," \
	" SUM(a.bytes_up), SUM(a.alerts), (" cl \
	"  WHERE d.service = a.service AND d.day >= ?1 - 86400000000" \
	"  AND d.day < ?2)" \
	" FROM (" rows ") a LEFT JOIN catalog c ON c.service = a.service" \
	" GROUP BY a.service ORDER BY 15 DESC, a.service"
#define SV_W	" AND (?3 IS NULL OR service = ?3)"
#define SV_BITS	"SELECT st_bits_count(d.bits) FROM agg_day_clients d"
#define SV_DIST	"SELECT COUNT(DISTINCT d.client_pseudo) FROM agg_client_day d"
	int bits = store_has_table(s, "agg_day_clients");

	if ((rc = prep_range(s, bits ? SV(ROWS_DAY(SV_W) ROWS_HOUR(SV_W),
	    SV_BITS) : SV(ROWS_DAY(SV_W) ROWS_HOUR(SV_W), SV_DIST),
	    SV(ROWS_HOUR(SV_W), SV_DIST), from, to, &st)) < 0)
		return rc;
	bind_text(st, 3, service);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.service = TXT(st, 0); r.name = TXT(st, 1);
		r.vendor = TXT(st, 2); r.category = TXT(st, 3);
		r.country = TXT(st, 4); r.verdict = TXT(st, 5);
		r.eu_residency = sqlite3_column_type(st, 6) == SQLITE_NULL ?
		    -1 : sqlite3_column_int(st, 6);
		r.tenant_ambiguous = sqlite3_column_int(st, 7);
		r.first_seen = U64(st, 8); r.last_seen = U64(st, 9);
		r.flows = U64(st, 10); r.lookups = U64(st, 11);
		r.bytes_up = U64(st, 12); r.alerts = U64(st, 13);
		r.clients = U64(st, 14);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int64_t
sq_clients_with_verdict(struct store *s, uint64_t from, uint64_t to,
    const char *verdict)
{
	sqlite3_stmt *st;
	int64_t n = -EIO;
	int rc;

	if ((rc = prep(s, store_has_table(s, "agg_day_clients") ?
	    "SELECT st_bits_count(bits) FROM agg_day_clients"
	    " WHERE verdict = ?3 AND day >= ?1 AND day < ?2" :
	    "SELECT COUNT(DISTINCT client_pseudo)"
	    " FROM agg_client_day WHERE day >= ?1 AND day < ?2"
	    " AND verdict = ?3", &st)) < 0)
		return rc;
	bind_range(st, from, to);
	bind_text(st, 3, verdict);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
sq_dlp_classes(struct store *s, uint64_t from, uint64_t to, sq_dlp_cb cb,
    void *arg)
{
	sqlite3_stmt *st;
	struct sq_dlp r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT dlp_class, SUM(findings) FROM agg_dlp_day"
	    " WHERE day >= ?1 AND day < ?2 GROUP BY dlp_class"
	    " ORDER BY 2 DESC", &st)) < 0)
		return rc;
	bind_range(st, from, to);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.dlp_class = TXT(st, 0);
		r.findings = U64(st, 1);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

/* The alert filter's WHERE from fixed fragments, one per filter given,
 * so SQLite can pick the kind or service index ("?3 IS NULL OR kind = ?3"
 * would make it scan by time).  Values are always bound, never pasted. */
static void
alert_where(char *w, size_t cap, const struct sq_alert_filter *f)
{
	static const char *const frag[] = { " AND kind = ?3",
	    " AND severity = ?4", " AND service = ?5", " AND zone = ?6",
	    " AND dlp_class = ?7", " AND verdict = ?11" };
	const char *v[] = { f->kind, f->severity, f->service, f->zone,
	    f->dlp_class, f->verdict };
	size_t i;

	snprintf(w, cap, " WHERE ts >= ?1 AND ts < ?2%s",
	    f->before_ts > 0 ? " AND (ts < ?8 OR (ts = ?8 AND id < ?10))" : "");
	for (i = 0; i < sizeof(frag) / sizeof(frag[0]); i++)
		if (v[i] != NULL && v[i][0] != '\0')
			strncat(w, frag[i], cap - strlen(w) - 1);
	/* the id set is one bound JSON array: json_each, no SQL pasting */
	if (f->ids_on && !f->ids_not && f->nids == 0)
		strncat(w, " AND 0", cap - strlen(w) - 1);
	else if (f->ids_on && f->nids > 0)
		strncat(w, f->ids_not ? " AND id NOT IN (SELECT value FROM"
		    " json_each(?12))" : " AND id IN (SELECT value FROM"
		    " json_each(?12))", cap - strlen(w) - 1);
}

/* bind_ids: ?12 = "[id,id,...]" when the filter has a non-empty set. */
static int
bind_ids(sqlite3_stmt *st, const struct sq_alert_filter *f)
{
	char *b;
	size_t i, o = 0, cap;

	if (!f->ids_on || f->nids == 0)
		return 0;
	if (f->nids > SIZE_MAX / 24 - 1)
		return -ENOMEM;
	cap = f->nids * 22 + 3;
	if ((b = malloc(cap)) == NULL)
		return -ENOMEM;
	b[o++] = '[';
	for (i = 0; i < f->nids; i++)
		o += (size_t)snprintf(b + o, cap - o, "%s%lld", i ? "," : "",
		    (long long)f->ids[i]);
	b[o++] = ']';
	b[o] = '\0';
	i = sqlite3_bind_text(st, 12, b, (int)o, SQLITE_TRANSIENT) ==
	    SQLITE_OK;
	free(b);
	return i ? 0 : -ENOMEM;
}

static void
bind_alert(sqlite3_stmt *st, const struct sq_alert_filter *f)
{
	const char *v[] = { f->kind, f->severity, f->service, f->zone,
	    f->dlp_class };
	int i;

	bind_range(st, f->from, f->to);
	for (i = 0; i < 5; i++)
		if (v[i] != NULL && v[i][0] != '\0')
			bind_text(st, 3 + i, v[i]);
	if (f->before_ts > 0) {
		sqlite3_bind_int64(st, 8, (sqlite3_int64)(f->before_ts >
		    INT64_MAX ? INT64_MAX : f->before_ts));
		sqlite3_bind_int64(st, 10, f->before_id);
	}
	if (f->verdict != NULL && f->verdict[0] != '\0')
		bind_text(st, 11, f->verdict);
}

int
sq_alerts(struct store *s, const struct sq_alert_filter *f, sq_alert_cb cb,
    void *arg)
{
	sqlite3_stmt *st;
	struct sq_alert r;
	char w[512], sql[1024];
	int rc, c = 0;

	alert_where(w, sizeof(w), f);
	snprintf(sql, sizeof(sql), "SELECT id, ts, client_pseudo, zone, kind,"
	    " severity, rule, signature, service, verdict, dlp_class, evidence,"
	    " bytes, (SELECT name FROM catalog c WHERE c.service ="
	    " alerts.service) FROM alerts%s ORDER BY ts DESC, id DESC"
	    " LIMIT ?9", w);
	if ((rc = prep(s, sql, &st)) < 0)
		return rc;
	bind_alert(st, f);
	if ((rc = bind_ids(st, f)) != 0) {
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_bind_int(st, 9, f->limit > 0 ? f->limit : 500);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.ts = U64(st, 1);
		r.client = TXT(st, 2); r.zone = TXT(st, 3);
		r.kind = TXT(st, 4); r.severity = TXT(st, 5);
		r.rule = TXT(st, 6); r.signature = TXT(st, 7);
		r.service = TXT(st, 8); r.verdict = TXT(st, 9);
		r.dlp_class = TXT(st, 10); r.evidence = TXT(st, 11);
		r.bytes = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 12);
		r.service_name = TXT(st, 13);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int64_t
sq_alert_count(struct store *s, const struct sq_alert_filter *f)
{
	sqlite3_stmt *st;
	int64_t n = -EIO;
	char w[512], sql[600];
	int rc;

	alert_where(w, sizeof(w), f);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM alerts%s", w);
	if ((rc = prep(s, sql, &st)) < 0)
		return rc;
	bind_alert(st, f);
	if ((rc = bind_ids(st, f)) != 0) {
		sqlite3_finalize(st);
		return rc;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
sq_visibility(struct store *s, uint64_t from, uint64_t to, sq_stat_cb cb,
    void *arg)
{
	sqlite3_stmt *st;
	struct sq_stat r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT kind, COUNT(*), MAX(ts) FROM visibility"
	    " WHERE ts >= ?1 AND ts < ?2 GROUP BY kind ORDER BY kind",
	    &st)) < 0)
		return rc;
	bind_range(st, from, to);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.name = TXT(st, 0);
		r.value = U64(st, 1);
		r.ts = U64(st, 2);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_clients(struct store *s, uint64_t from, uint64_t to, int limit,
    sq_client_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_client r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT client_pseudo, SUM(flows), SUM(bytes_up),"
	    " SUM(alerts), COUNT(DISTINCT service),"
	    " SUM(CASE WHEN verdict = 'prohibited' THEN flows ELSE 0 END)"
	    " FROM agg_client_day WHERE day >= ?1 AND day < ?2"
	    " GROUP BY client_pseudo ORDER BY 2 DESC, 1 LIMIT ?3", &st)) < 0)
		return rc;
	bind_range(st, from, to);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 500);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.client = TXT(st, 0);
		r.flows = U64(st, 1); r.bytes_up = U64(st, 2);
		r.alerts = U64(st, 3); r.services = U64(st, 4);
		r.prohibited_flows = U64(st, 5);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_policy_history(struct store *s, int limit, sq_policy_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_policy r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT ts, version, action, summary, errors, detail"
	    " FROM policy_versions ORDER BY ts DESC, id DESC LIMIT ?1",
	    &st)) < 0)
		return rc;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : 50);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.ts = U64(st, 0);
		r.version = TXT(st, 1); r.action = TXT(st, 2);
		r.summary = TXT(st, 3);
		r.errors = sqlite3_column_int(st, 4);
		r.detail = TXT(st, 5);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_exceptions(struct store *s, sq_exception_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_exception r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT id, service, zone, verdict, owner, reference,"
	    " COALESCE(valid_from, 0), COALESCE(valid_until, 0)"
	    " FROM exceptions ORDER BY valid_until IS NULL, valid_until, id",
	    &st)) < 0)
		return rc;
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = TXT(st, 0); r.service = TXT(st, 1);
		r.zone = TXT(st, 2); r.verdict = TXT(st, 3);
		r.owner = TXT(st, 4); r.reference = TXT(st, 5);
		r.valid_from = U64(st, 6); r.valid_until = U64(st, 7);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_stats_latest(struct store *s, sq_stat_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_stat r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT name, value, MAX(ts) FROM stats"
	    " GROUP BY name ORDER BY name", &st)) < 0)
		return rc;
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.name = TXT(st, 0);
		r.value = U64(st, 1);
		r.ts = U64(st, 2);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_stat_samples(struct store *s, const char *name, int n, sq_stat_cb cb,
    void *arg)
{
	sqlite3_stmt *st;
	struct sq_stat r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT name, value, ts FROM stats WHERE name = ?1"
	    " ORDER BY ts DESC LIMIT ?2", &st)) < 0)
		return rc;
	bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, n > 0 ? n : 2);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.name = TXT(st, 0);
		r.value = U64(st, 1);
		r.ts = U64(st, 2);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_service_days(struct store *s, uint64_t from, uint64_t to,
    const char *service, sq_timeline_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_timeline r;
	int rc, c = 0;

#define SD(rows) "SELECT t / 86400000000 * 86400000000, verdict," \
	" SUM(flows), SUM(lookups) FROM (" rows ") GROUP BY 1, verdict" \
	" ORDER BY 1"
#define SD_W	" AND service = ?3"
	if ((rc = prep_range(s, SD(ROWS_DAY(SD_W) ROWS_HOUR(SD_W)),
	    SD(ROWS_HOUR(SD_W)), from, to, &st)) < 0)
		return rc;
	bind_text(st, 3, service);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.hour = U64(st, 0);
		r.verdict = TXT(st, 1);
		r.flows = U64(st, 2);
		r.lookups = U64(st, 3);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

int
sq_service_dlp(struct store *s, uint64_t from, uint64_t to,
    const char *service, sq_dlp_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_dlp r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT dlp_class, SUM(findings) FROM agg_dlp_day"
	    " WHERE day >= ?1 AND day < ?2 AND service = ?3"
	    " GROUP BY dlp_class ORDER BY 2 DESC, 1", &st)) < 0)
		return rc;
	bind_range(st, from, to);
	bind_text(st, 3, service);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.dlp_class = TXT(st, 0);
		r.findings = U64(st, 1);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}

/* one_int: the first column of a one-row statement, or -EIO. */
static int64_t
one_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -EIO;
	int rc;

	if ((rc = prep(s, sql, &st)) < 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int64_t
sq_last_event(struct store *s)
{
	/* Each MAX() is one index probe (ai_ts, alerts_ts, visibility_ts). */
	return one_int(s, "SELECT MAX(COALESCE((SELECT MAX(ts) FROM ai_events),"
	    " 0), COALESCE((SELECT MAX(ts) FROM alerts), 0),"
	    " COALESCE((SELECT MAX(ts) FROM visibility), 0))");
}

int64_t
sq_data_version(struct store *s)
{
	return one_int(s, "PRAGMA data_version");
}

int64_t
sq_db_bytes(struct store *s)
{
	return one_int(s, "SELECT page_count * page_size FROM"
	    " pragma_page_count(), pragma_page_size()");
}

int
sq_alert_kinds(struct store *s, uint64_t from, uint64_t to,
    const char *service, sq_stat_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct sq_stat r;
	int rc, c = 0;

	if ((rc = prep(s, "SELECT kind, COUNT(*), MAX(ts) FROM alerts"
	    " WHERE service = ?3 AND ts >= ?1 AND ts < ?2 GROUP BY kind"
	    " ORDER BY kind", &st)) < 0)
		return rc;
	bind_range(st, from, to);
	bind_text(st, 3, service);
	while (c == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.name = TXT(st, 0);
		r.value = U64(st, 1);
		r.ts = U64(st, 2);
		c = cb(arg, &r);
	}
	return finish(st, c ? SQLITE_DONE : rc, c);
}
