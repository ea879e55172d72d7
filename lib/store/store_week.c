/*
 * store_week.c - the weekly report's read queries (store_week.h).
 */
#include <errno.h>
#include <string.h>

#include <sqlite3.h>

#include "common/vocab.h"
#include "store/store_int.h"
#include "store/store_week.h"

static int
prep(struct store *s, const char *sql, sqlite3_stmt **q, uint64_t from,
    uint64_t to)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, q, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(*q, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(*q, 2, (sqlite3_int64)to);
	return 0;
}

static const char *
col(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t ? (const char *)t : "";
}

static uint64_t
u64(sqlite3_stmt *q, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(q, i);

	return v < 0 ? 0 : (uint64_t)v;
}

static int
finish(sqlite3_stmt *q, int rc)
{
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int
store_week_kpi(struct store *s, uint64_t from, uint64_t to, struct sw_kpi *k)
{
	sqlite3_stmt *q;
	int rc, i;

	const struct wk_scan *w;

	memset(k, 0, sizeof(*k));
	if ((w = store_week_scan(s, from, to, &rc)) == NULL)
		return rc;
	k->clients = store_week_scan_clients(w);
	if ((rc = prep(s, "SELECT verdict, sum(flows), sum(lookups),"
	    " sum(bytes_up), sum(uploads), sum(dlp), sum(alerts) FROM agg_hour"
	    " WHERE hour >= ?1 AND hour < ?2 GROUP BY verdict", &q, from,
	    to)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((i = vocab_lookup(&vocab_verdict, col(q, 0))) >= 0 && i < 4)
			k->flows[i] += u64(q, 1);
		else if (i == VERDICT_INTEREST)
			k->interest += u64(q, 1);
		k->lookups += u64(q, 2);
		k->bytes_up += u64(q, 3);
		k->uploads += u64(q, 4);
		k->dlp += u64(q, 5);
		k->alerts += u64(q, 6);
	}
	if ((rc = finish(q, rc)) < 0)
		return rc;
	if ((rc = prep(s, "SELECT kind, count(*) FROM visibility WHERE"
	    " ts >= ?1 AND ts < ?2 GROUP BY kind", &q, from, to)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		k->vis += u64(q, 1);
		if ((i = vocab_lookup(&vocab_vis_kind, col(q, 0))) >= 0 && i < VIS__COUNT)
			k->vis_kind[i] += u64(q, 1);
	}
	if ((rc = finish(q, rc)) < 0)
		return rc;
	if ((rc = prep(s, "SELECT name, sum(value), count(*) FROM stats WHERE"
	    " ts >= ?1 AND ts < ?2 AND name IN ('capture.kernel_packets',"
	    " 'capture.kernel_drops') GROUP BY name", &q, from, to)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (strcmp(col(q, 0), "capture.kernel_packets") == 0) {
			k->packets = u64(q, 1);
			k->stat_hours = u64(q, 2);
		} else
			k->drops = u64(q, 1);
	}
	if ((rc = finish(q, rc)) < 0)
		return rc;
	if ((rc = prep(s, "SELECT count(*) FROM epochs WHERE started >= ?1 AND"
	    " started < ?2 AND epoch > (SELECT min(epoch) FROM epochs)", &q, from, to)) < 0)
		return rc;
	if (sqlite3_step(q) == SQLITE_ROW)
		k->epochs = u64(q, 0);
	sqlite3_finalize(q);
	return 0;
}

/* The week's services (zones) from the scan in name order, each with its
 * catalog name; first_only: only those without an earlier agg_client_day
 * row (one probe of agg_client_day_service each). */
static int
services(struct store *s, uint64_t from, uint64_t to, int zones,
    int first_only, sw_service_cb cb, void *arg)
{
	const struct wk_scan *w;
	sqlite3_stmt *nq = NULL, *eq = NULL;
	struct sw_service r;
	size_t i, n;
	int rc;

	if ((w = store_week_scan(s, from, to, &rc)) == NULL)
		return rc;
	rc = -EIO;
	if (!zones && sqlite3_prepare_v2(s->db, "SELECT name FROM catalog"
	    " WHERE service = ?1", -1, &nq, NULL) != SQLITE_OK)
		goto out;
	if (first_only && sqlite3_prepare_v2(s->db, "SELECT 1 FROM"
	    " agg_client_day WHERE service = ?1 AND day < ?2 LIMIT 1", -1, &eq,
	    NULL) != SQLITE_OK)
		goto out;
	n = store_week_scan_count(w, zones);
	for (i = 0; i < n; i++) {
		store_week_scan_row(w, zones, i, &r);
		if (eq != NULL) {
			sqlite3_bind_text(eq, 1, r.service, -1, SQLITE_STATIC);
			sqlite3_bind_int64(eq, 2, (sqlite3_int64)from);
			rc = sqlite3_step(eq);
			sqlite3_reset(eq);
			if (rc == SQLITE_ROW)
				continue;
			if (rc != SQLITE_DONE) {
				rc = -EIO;
				goto out;
			}
		}
		if (nq != NULL) {
			sqlite3_bind_text(nq, 1, r.service, -1, SQLITE_STATIC);
			if (sqlite3_step(nq) == SQLITE_ROW &&
			    sqlite3_column_text(nq, 0) != NULL)
				r.name = col(nq, 0);
		}
		rc = cb(arg, &r);
		if (nq != NULL)
			sqlite3_reset(nq);
		if (rc != 0)
			break;
	}
	rc = 0;
out:
	sqlite3_finalize(nq);
	sqlite3_finalize(eq);
	return rc;
}

/* Every service with an agg_client_day row in the week. */
int
store_week_services(struct store *s, uint64_t from, uint64_t to,
    sw_service_cb cb, void *arg)
{
	return services(s, from, to, 0, 0, cb, arg);
}

int
store_week_first_seen(struct store *s, uint64_t from, uint64_t to,
    sw_service_cb cb, void *arg)
{
	return services(s, from, to, 0, 1, cb, arg);
}

int
store_week_zones(struct store *s, uint64_t from, uint64_t to,
    sw_service_cb cb, void *arg)
{
	return services(s, from, to, 1, 0, cb, arg);
}

int
store_week_dlp(struct store *s, uint64_t from, uint64_t to, sw_count_cb cb,
    void *arg)
{
	sqlite3_stmt *q;
	int rc;

	if ((rc = prep(s, "SELECT dlp_class, sum(findings) FROM agg_dlp_day"
	    " WHERE day >= ?1 AND day < ?2 GROUP BY dlp_class ORDER BY"
	    " dlp_class", &q, from, to)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (cb(arg, col(q, 0), u64(q, 1)) != 0)
			break;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

int
store_week_policy(struct store *s, uint64_t from, uint64_t to,
    sw_policy_cb cb, void *arg)
{
	sqlite3_stmt *q;
	struct sw_policy r;
	int rc;

	if ((rc = prep(s, "SELECT ts, version, action, coalesce(summary, ''),"
	    " errors FROM policy_versions WHERE ts >= ?1 AND ts < ?2 ORDER BY"
	    " ts LIMIT 50", &q, from, to)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r.ts = u64(q, 0);
		r.version = col(q, 1);
		r.action = col(q, 2);
		r.summary = col(q, 3);
		r.errors = sqlite3_column_int(q, 4);
		if (cb(arg, &r) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

int
store_week_expiring(struct store *s, uint64_t from, uint64_t to,
    sw_exception_cb cb, void *arg)
{
	sqlite3_stmt *q;
	struct sw_exception r;
	int rc;

	if ((rc = prep(s, "SELECT id, coalesce(service, ''), coalesce(zone,"
	    " ''), coalesce(verdict, ''), coalesce(owner, ''),"
	    " coalesce(reference, ''), valid_until FROM exceptions WHERE"
	    " valid_until >= ?1 AND valid_until < ?2 ORDER BY valid_until"
	    " LIMIT 100", &q, from, to)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r.id = col(q, 0);
		r.service = col(q, 1);
		r.zone = col(q, 2);
		r.verdict = col(q, 3);
		r.owner = col(q, 4);
		r.reference = col(q, 5);
		r.valid_until = u64(q, 6);
		if (cb(arg, &r) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}
