/*
 * store_week.h - the weekly report's named read queries over a time range
 * [from, to) in µs, on the aggregates (agg_hour, agg_client_day,
 * agg_dlp_day) plus the small visibility, stats, policy_versions and
 * exceptions tables.  SQL lives in store_week.c and store_week_scan.c
 * (one pass over the week's agg_client_day rows for every distinct count,
 * kept on the handle for the next call on the same week until the
 * database changes).  Rows come back
 * through callbacks; strings are valid for the callback only.
 */
#ifndef ST_STORE_WEEK_H
#define ST_STORE_WEEK_H

#include <stdint.h>

#include "common/vocab.h"

struct store;

struct sw_kpi {
	uint64_t	clients;		/* distinct pseudonyms with flows */
	uint64_t	flows[4];		/* by vocab verdict index (use) */
	uint64_t	interest;		/* flows to vendor sites (verdict
						 * interest): interest, not use */
	uint64_t	lookups, bytes_up, uploads, dlp, alerts;
	uint64_t	vis, vis_kind[VIS__COUNT];	/* by vocab visibility index */
	uint64_t	packets, drops;		/* capture.kernel_* summed */
	uint64_t	stat_hours;		/* hours with a stats row */
	uint64_t	epochs;			/* key rotations in the range */
};

/* store_week_kpi(s, from, to, k): fill ${k}; 0 or -errno. */
int	store_week_kpi(struct store *s, uint64_t from, uint64_t to,
	    struct sw_kpi *k);

/* A service row: clients (distinct pseudonyms), flows, bytes up. */
struct sw_service {
	const char	*service, *name, *verdict;
	uint64_t	 clients, flows, bytes_up;
};
typedef int (*sw_service_cb)(void *arg, const struct sw_service *r);

/* Every service used in the range (callers rank; merged DBs sum). */
int	store_week_services(struct store *s, uint64_t from, uint64_t to,
	    sw_service_cb cb, void *arg);
/* Services whose first use in the store falls in the range. */
int	store_week_first_seen(struct store *s, uint64_t from, uint64_t to,
	    sw_service_cb cb, void *arg);
/* Per zone: service field carries the zone name. */
int	store_week_zones(struct store *s, uint64_t from, uint64_t to,
	    sw_service_cb cb, void *arg);

typedef int (*sw_count_cb)(void *arg, const char *key, uint64_t n);
/* DLP findings per class. */
int	store_week_dlp(struct store *s, uint64_t from, uint64_t to,
	    sw_count_cb cb, void *arg);

struct sw_policy {
	uint64_t	 ts;
	const char	*version, *action, *summary;
	int		 errors;
};
typedef int (*sw_policy_cb)(void *arg, const struct sw_policy *r);
int	store_week_policy(struct store *s, uint64_t from, uint64_t to,
	    sw_policy_cb cb, void *arg);

struct sw_exception {
	const char	*id, *service, *zone, *verdict, *owner, *reference;
	uint64_t	 valid_until;
};
typedef int (*sw_exception_cb)(void *arg, const struct sw_exception *r);
/* Exceptions whose valid_until lies in [from, to). */
int	store_week_expiring(struct store *s, uint64_t from, uint64_t to,
	    sw_exception_cb cb, void *arg);

#endif
