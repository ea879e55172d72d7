/*
 * counters.h - the one counter registry.  Each module registers its named
 * counters once, at start-up (name, help, where the live value is, kind);
 * every consumer iterates the registry instead of writing its own list:
 * EVE stats (nested objects by section, in registration order), the
 * SQLite stats table (entries with a db name), the log summary and the
 * dashboard's /metrics (docs/ARCHITECTURE.md, "Counters").
 *
 * A snapshot is flat (values and short strings, no pointers), so it can
 * travel inside an event across a process boundary; the metadata (names,
 * help) stays in the registry, which a forked writer inherits.
 */
#ifndef ST_COUNTERS_H
#define ST_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#define CTR_MAX		192	/* registered counters, all modules */
#define CTR_STR_MAX	4	/* string-valued entries (source, version) */
#define CTR_STR_LEN	64	/* bytes per string value, NUL included */
#define CTR_NAME_LEN	48

enum ctr_kind {
	CTR_COUNTER = 0,	/* monotonic uint64 */
	CTR_GAUGE,		/* current level, uint64 */
	CTR_BOOL,		/* 0/1: the value at ${ptr} is not 0 */
	CTR_SUM,		/* *ptr + *ptr2 */
	CTR_RATIO,		/* *ptr / *ptr2 as a double (bits in the value) */
	CTR_STR,		/* text at ${str}, copied (CTR_STR_LEN) */
};

/* Which process/stage owns the live value: a consumer refreshes its own
 * entries just before formatting (the writer counts its own lines). */
enum ctr_owner { CTR_OWN_ENGINE = 0, CTR_OWN_OUTPUT, CTR_OWN__COUNT };

/* Flags. */
#define CTR_DB_NONZERO	0x01	/* stats table: only when not 0 */

struct ctr_def {
	char		 sect[CTR_NAME_LEN];	/* EVE path: "decoder", "shadowtap.dpi" */
	char		 name[CTR_NAME_LEN];	/* key inside it: "ipv4" */
	char		 db[CTR_NAME_LEN];	/* stats table name, "" = not stored */
	const char	*help;
	const uint64_t	*ptr, *ptr2;
	const char	*str;
	uint8_t		 kind;			/* enum ctr_kind */
	uint8_t		 owner;			/* enum ctr_owner */
	uint8_t		 flags;
	uint8_t		 str_slot;		/* CTR_STR: index in the snapshot's str[] */
};

/* A flat snapshot: v[i] is entry i's value (CTR_RATIO: a double's bits). */
struct ctr_snap {
	uint32_t	n;
	uint64_t	v[CTR_MAX];
	char		str[CTR_STR_MAX][CTR_STR_LEN];
};

/*
 * ctr_add(owner, sect, name, db, kind, ptr, help):
 * Register one entry; ${db} NULL or "" keeps it out of the stats table.
 * Returns its index or -ENOSPC / -EINVAL (name too long).  Registering
 * happens at start-up, single-threaded, before any fork.
 */
int	ctr_add(int owner, const char *sect, const char *name, const char *db,
	    int kind, const uint64_t *ptr, const char *help);
/* ctr_add2(...): CTR_SUM / CTR_RATIO of ${a} and ${b}. */
int	ctr_add2(int owner, const char *sect, const char *name, const char *db,
	    int kind, const uint64_t *a, const uint64_t *b, const char *help);
/* ctr_add_str(owner, sect, name, s, help): a text entry read from ${s}. */
int	ctr_add_str(int owner, const char *sect, const char *name,
	    const char *s, const char *help);
/* ctr_set_flags(i, flags): CTR_DB_NONZERO ... on entry ${i}. */
void	ctr_set_flags(int i, int flags);
/* ctr_reset(): forget every entry (tests; a restart of the engine). */
void	ctr_reset(void);

size_t	ctr_count(void);
const struct ctr_def *ctr_def(size_t i);
/* ctr_find(sect, name): index of the entry or -1. */
int	ctr_find(const char *sect, const char *name);

/* ctr_snapshot(s): every entry's current value into ${s}. */
void	ctr_snapshot(struct ctr_snap *s);
/* ctr_refresh(s, owner): only the entries of ${owner}. */
void	ctr_refresh(struct ctr_snap *s, int owner);
/*
 * Several copies of one layout (the sensor's workers register the same
 * entries, each pointing at its own stages): ctr_defs_copy(out, max)
 * saves the registry's entries (returns how many); ctr_snapshot_sum(sets,
 * nsets, n, s) snapshots the registry, then replaces each engine-owned,
 * non-text entry by the sum over ${sets} (BOOL: any; RATIO: sum over sum).
 * The live values are read with relaxed atomic loads, so another thread may
 * be counting: a snapshot taken while it runs is a moment's view.
 */
size_t	ctr_defs_copy(struct ctr_def *out, size_t max);
void	ctr_snapshot_sum(const struct ctr_def *const *sets, size_t nsets,
	    size_t n, struct ctr_snap *s);
/* ctr_ratio(s, i): the double of a CTR_RATIO entry. */
double	ctr_ratio(const struct ctr_snap *s, size_t i);

#endif
