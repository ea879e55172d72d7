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
	SQ_IDENTITY, SQ_EPOCH, SQ_AGG_DAY, SQ__COUNT
};

struct store {
	sqlite3			*db;
	enum store_mode		 mode;
	int			 created;	/* the file did not exist before */
	int			 in_txn;
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

int	store_exec(struct store *s, const char *sql);
int	store_prepare_writer(struct store *s);
void	store_finalize_writer(struct store *s);

#endif
