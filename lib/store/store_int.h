/*
 * store_int.h - what the store's own files share: the handle.  Not for
 * use outside lib/store.
 */
#ifndef ST_STORE_INT_H
#define ST_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

enum {
	SQ_FLOW, SQ_DNS, SQ_HTTP, SQ_STAT, SQ_AI, SQ_ALERT, SQ_VIS, SQ_POLICY,
	SQ_AGG_HOUR, SQ_AGG_CLIENT, SQ_AGG_DLP, SQ_CATALOG, SQ_EXCEPTION,
	SQ_IDENTITY, SQ_EPOCH, SQ_AGG_DAY, SQ_CLIENT, SQ_DAY_CLIENTS, SQ__COUNT
};

struct store {
	sqlite3			*db;
	enum store_mode		 mode;
	int			 created;	/* the file did not exist before */
	int			 in_txn;
	int			 bulk;		/* store_bulk_begin: no aggregates */
	int			 noagg;		/* bench switch: no aggregates */
	uint64_t		*seen;		/* store_bits.c: bits known set */
	uint64_t		 seen_lost;	/* rows_lost when seen was valid */
	char			*bulk_index;	/* indexes dropped for the load (SQL) */
	struct wk_scan		*week;		/* store_week_scan's last week */
	char			*path;
	sqlite3_stmt		*st[SQ__COUNT];
	struct store_stats	 stats;
	unsigned		 warned;	/* messages logged (rate limit) */
	/* Rows kept while another process holds the write lock, in order,
	 * as SQL text (sqlite3_expanded_sql), replayed by store_commit. */
	int			 locked;
	struct store_q		*qhead, *qtail;
	size_t			 qbytes;
};

struct store_q {
	struct store_q		*next;
	char			*sql;		/* sqlite3_malloc'ed */
};

#define STORE_Q_MAX	(64u << 20)	/* bytes of deferred rows kept */

void	store_queue_free(struct store *s);

/* store_week_scan.c: one pass over a week of agg_client_day (the report's
 * distinct counts), cached on the handle; NULL with *err = -errno. */
struct wk_scan;
struct sw_service;
const struct wk_scan *store_week_scan(struct store *s, uint64_t from,
	    uint64_t to, int *err);
void	store_week_scan_free(struct wk_scan *w);
uint64_t store_week_scan_clients(const struct wk_scan *w);
size_t	store_week_scan_count(const struct wk_scan *w, int zones);
void	store_week_scan_row(const struct wk_scan *w, int zones, size_t k,
	    struct sw_service *r);

/* store_bits.c: distinct-client bitmaps (clients, agg_day_clients). */
extern const char store_bits_fill_sql[];
int	store_bits_register(sqlite3 *db);
int	store_bits_seen(struct store *s, uint64_t *hp, uint64_t day,
	    const char *client, const char *service, const char *verdict);
void	store_bits_mark(struct store *s, uint64_t h);
int	store_has_table(struct store *s, const char *name);

int	store_exec(struct store *s, const char *sql);
int	store_prepare_writer(struct store *s);
void	store_finalize_writer(struct store *s);

#endif
