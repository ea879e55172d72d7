/*
 * store_query.h - the named read queries over a sensor database opened
 * with STORE_RO: one copy of each SELECT, typed rows handed to a callback,
 * built on the aggregates (agg_day and agg_hour: whole days from the
 * first, edge hours from the second; agg_client_day, agg_dlp_day) plus
 * alerts, catalog, exceptions, policy_versions and stats.  Shared by the
 * dashboard and the weekly report.  Times are microseconds; [from, to).
 * A callback returning non-zero stops the walk (its value is returned).
 * Strings in rows are valid only during the callback; NULL when absent.
 */
#ifndef ST_STORE_QUERY_H
#define ST_STORE_QUERY_H

#include <stdint.h>

struct store;

struct sq_verdict_total {
	const char	*verdict;
	uint64_t	 flows, lookups, bytes_up, uploads, dlp, alerts;
};
struct sq_timeline {
	uint64_t	 hour;
	const char	*verdict;
	uint64_t	 flows, lookups;
};
struct sq_service {
	const char	*service, *name, *vendor, *category, *country, *verdict;
	int		 eu_residency;		/* 1, 0, -1 unknown */
	int		 tenant_ambiguous;
	uint64_t	 first_seen, last_seen;	/* hour starts */
	uint64_t	 flows, lookups, bytes_up, alerts, clients;
};
struct sq_dlp {
	const char	*dlp_class;
	uint64_t	 findings;
};
struct sq_alert_filter {
	uint64_t	 from, to;
	const char	*kind, *severity, *service, *zone, *dlp_class;
	int		 limit;			/* <= 0: 500 */
	/* Keyset paging, newest first: with before_ts > 0 only alerts with
	 * (ts, id) below (before_ts, before_id); before_id INT64_MAX takes
	 * every id at before_ts, 0 none. */
	uint64_t	 before_ts;
	int64_t		 before_id;
	const char	*verdict;		/* NULL: any */
	/* An id set from outside the sensor DB (the dashboard's triage
	 * status): with ids_on only alerts whose id is in ids[0..nids)
	 * (ids_not 0; none when nids is 0) or not in it (ids_not 1), in SQL
	 * before LIMIT, so pages and counts stay right. */
	int		 ids_on, ids_not;
	const int64_t	*ids;
	size_t		 nids;
};
struct sq_alert {
	int64_t		 id;
	uint64_t	 ts;
	const char	*client, *zone, *kind, *severity, *rule, *signature;
	const char	*service, *verdict, *dlp_class, *evidence;
	const char	*service_name;		/* from the catalog */
	int64_t		 bytes;			/* < 0: none */
};
struct sq_client {
	const char	*client;
	uint64_t	 flows, bytes_up, alerts, services, prohibited_flows;
};
struct sq_policy {
	uint64_t	 ts;
	const char	*version, *action, *summary, *detail;
	int		 errors;
};
struct sq_exception {
	const char	*id, *service, *zone, *verdict, *owner, *reference;
	uint64_t	 valid_from, valid_until;	/* 0: open */
};
struct sq_stat {
	const char	*name;
	uint64_t	 value, ts;
};

typedef int (*sq_verdict_cb)(void *, const struct sq_verdict_total *);
typedef int (*sq_timeline_cb)(void *, const struct sq_timeline *);
typedef int (*sq_service_cb)(void *, const struct sq_service *);
typedef int (*sq_dlp_cb)(void *, const struct sq_dlp *);
typedef int (*sq_alert_cb)(void *, const struct sq_alert *);
typedef int (*sq_client_cb)(void *, const struct sq_client *);
typedef int (*sq_policy_cb)(void *, const struct sq_policy *);
typedef int (*sq_exception_cb)(void *, const struct sq_exception *);
typedef int (*sq_stat_cb)(void *, const struct sq_stat *);

/* Totals per verdict from agg_hour. */
int	sq_verdict_totals(struct store *, uint64_t from, uint64_t to,
	    sq_verdict_cb, void *);
/* Flows and lookups per time bucket and verdict, ordered by time: whole
 * UTC days inside the range as one row each (hour = the day's start),
 * the edge hours per hour (agg_day + agg_hour). */
int	sq_timeline(struct store *, uint64_t from, uint64_t to,
	    sq_timeline_cb, void *);
/* Every service seen in the range (service NULL) or one service, with the
 * catalog's facts and the distinct clients from agg_client_day. */
int	sq_services(struct store *, uint64_t from, uint64_t to,
	    const char *service, sq_service_cb, void *);
/* Distinct client pseudonyms that used a service with ${verdict}. */
int64_t	sq_clients_with_verdict(struct store *, uint64_t from, uint64_t to,
	    const char *verdict);
/* DLP findings per class from agg_dlp_day. */
int	sq_dlp_classes(struct store *, uint64_t from, uint64_t to,
	    sq_dlp_cb, void *);
/* Alerts matching a filter, newest first; sq_alert_count: how many. */
int	sq_alerts(struct store *, const struct sq_alert_filter *,
	    sq_alert_cb, void *);
int64_t	sq_alert_count(struct store *, const struct sq_alert_filter *);
/* Visibility events per kind (blind share). */
int	sq_visibility(struct store *, uint64_t from, uint64_t to,
	    sq_stat_cb, void *);
/* Clients (pseudonyms) by flows, at most ${limit}. */
int	sq_clients(struct store *, uint64_t from, uint64_t to, int limit,
	    sq_client_cb, void *);
int	sq_policy_history(struct store *, int limit, sq_policy_cb, void *);
int	sq_exceptions(struct store *, sq_exception_cb, void *);
/* The newest value of each sensor counter in stats. */
int	sq_stats_latest(struct store *, sq_stat_cb, void *);
/* The ${n} newest samples of one counter, newest first (rates). */
int	sq_stat_samples(struct store *, const char *name, int n, sq_stat_cb,
	    void *);
/* One service's flows and lookups per UTC day (sq_timeline.hour is the
 * day start), from agg_hour. */
int	sq_service_days(struct store *, uint64_t from, uint64_t to,
	    const char *service, sq_timeline_cb, void *);
/* One service's alerts per kind (name = kind, value = count, ts = newest),
 * through the alerts_service index. */
int	sq_alert_kinds(struct store *, uint64_t from, uint64_t to,
	    const char *service, sq_stat_cb, void *);
/* One service's DLP findings per class, from agg_dlp_day. */
int	sq_service_dlp(struct store *, uint64_t from, uint64_t to,
	    const char *service, sq_dlp_cb, void *);
/* Newest event time (ai_events, alerts, visibility), 0 when empty. */
int64_t	sq_last_event(struct store *);
/* PRAGMA data_version: changes when another connection commits (the
 * dashboard's cache key). */
int64_t	sq_data_version(struct store *);
/* The database file's pages in bytes (page_count x page_size). */
int64_t	sq_db_bytes(struct store *);

#endif
