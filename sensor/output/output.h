/*
 * output.h - the output stage: takes struct event from the engine, computes
 * the fields every sink needs once (addresses, pseudonym, timestamp) and
 * passes them to the registered sinks: EVE JSON lines and the SQLite store.
 */
#ifndef ST_OUTPUT_H
#define ST_OUTPUT_H

#include <stdint.h>

#include "output/event.h"
#include "common/pseudo.h"

/* Which flows a sink records. */
/* Which flows a sink records: none, those attributed to an AI service,
 * those with any server name, or all. */
enum flow_sel { SEL_NONE = 0, SEL_NAMED, SEL_ALL, SEL_AI };

/* retention: section keys, in this order (output.c ret_tables) */
enum { RET_AI, RET_DNS, RET_HTTP, RET_FLOWS, RET_VIS, RET_ALERTS, RET_AGG,
	RET_IDENT, RET_STATS, RET__COUNT };

struct output_conf {
	const char	*eve_path;	/* NULL: no EVE; "-": stdout */
	const char	*db_path;	/* NULL: no SQLite */
	const char	*key_path;	/* pseudonym key file */
	int		 eve_flows;	/* enum flow_sel, default SEL_NAMED */
	int		 db_flows;	/* enum flow_sel, default SEL_NAMED */
	int		 eve_meta;	/* dns/http events in EVE, default SEL_ALL */
	int		 db_meta;	/* dns/http rows in SQLite, default SEL_ALL */
	int		 eve_client_ip;	/* 1: src_ip in EVE; 0: pseudonym only */
	uint32_t	 commit_ms;	/* SQLite batch interval (<= 1000) */
	uint32_t	 eve_buffer;	/* EVE bytes buffered before a write */
	int		 follow_symlinks; /* 1: outputs may be symbolic links */
	int		 eve_clients_addr; /* privacy.eve_clients: 1 address, 0 pseudonym */
	const char	*identity_key_path; /* privacy.identity_key (NULL: beside db) */
	uint32_t	 retention_days[RET__COUNT]; /* 0: never */
	int		 url_query_keep;	/* privacy.url_query: 1 keep, 0 drop */
	int		 user_agent_full;	/* privacy.user_agent: 1 full, 0 family */
	uint32_t	 key_rotation_days;	/* privacy.key_rotation; 0: never */
	const char	*sensor_name;	/* sensor.name: EVE host (NULL: hostname) */
	const char	*in_iface;	/* live capture interface: EVE in_iface */
	/* privacy.audit_db / privacy.four_eyes: used by re-identification
	 * (lib/store/reid.h); the sensor records them in the database's
	 * meta table so every reader enforces the same four-eyes rule. */
	const char	*audit_db;
	int		 four_eyes;
	/* output.syslog_* / output.redis_*: EVE to a collector (netq.h);
	 * server NULL: off.  *_types: bit (1 << enum ev_type) per type. */
	const char	*syslog_server;
	uint32_t	 syslog_port;
	int		 syslog_facility;
	uint32_t	 syslog_buffer;
	uint32_t	 syslog_types;
	const char	*redis_server;
	uint32_t	 redis_port;
	int		 redis_mode;	/* enum redis_mode */
	const char	*redis_key;
	uint32_t	 redis_maxlen;	/* stream: MAXLEN ~ N; 0: uncapped */
	uint32_t	 redis_buffer;
	uint32_t	 redis_types;
};

/* What the sinks did; registered as counters by output_open(). */
struct output_stats {
	uint64_t	events[EV__COUNT];
	uint64_t	eve_lines;
	uint64_t	eve_errors;
	uint64_t	db_rows;
	uint64_t	db_commits;
	uint64_t	db_errors;
	uint64_t	db_skipped;	/* flows not stored by policy (store.flows) */
	/* faults: what each sink lost, counted once known */
	uint64_t	eve_lost;	/* lines not written (disk full, too long) */
	uint64_t	eve_failures;	/* episodes of failing EVE writes */
	uint64_t	eve_repaired;	/* torn last line terminated at start */
	uint64_t	db_rows_lost;	/* rows in batches that failed to commit */
	uint64_t	db_lost;	/* events not stored: database malformed */
	uint64_t	db_busy;	/* commits deferred: database locked */
	uint64_t	db_malformed;	/* alarm: 1 once the file is malformed */
};

/* Per-event fields shared by the sinks. */
struct ev_common {
	char	ts[40];
	char	src_ip[46], dest_ip[46];
	char	pseudo[PSEUDO_STR_LEN];
	uint16_t src_port, dest_port;
	const char *proto;		/* "TCP", "UDP", "ICMP" */
	const char *app_proto;		/* "tls", "dns", ... or "failed" */
	/* Pseudonym mode: the client's real address, which EVE must not
	 * print anywhere (e.g. its own address in an mDNS answer); src_ip
	 * then holds the address-shaped pseudonym that replaces it. */
	const char *hide_addr;
};

struct output;

void	output_conf_defaults(struct output_conf *c);
/* output_open(o, c): open every configured sink.  Returns 0 or -errno
 * (reason logged, naming the path); nothing is left half-open on failure. */
int	output_open(struct output **o, const struct output_conf *c);
/* output_emit(o, ev): hand one flat event to every sink that selects it.
 * Only the engine calls this (sensor/engine.c). */
void	output_emit(struct output *o, const struct event *ev);
/* output_counters(o): register the output's counters (EVE stats section
 * shadowtap.output) in the counter registry. */
void	output_counters(struct output *o);
/* output_sync(o): commit and flush now, so output_stats() counts only what
 * reached the files. */
void	output_sync(struct output *o);
/* output_tick(o, now_us): periodic work: flush EVE, commit the batch. */
void	output_tick(struct output *o, uint64_t now_us);
/* output_apply(o, c): take the selection settings of ${c} (SIGHUP). */
void	output_apply(struct output *o, const struct output_conf *c);
/* output_reopen(o): reopen the EVE file (logrotate). 0 or -errno. */
int	output_reopen(struct output *o);
/* output_adopt_eve(o, fd): the EVE file reopened by the privileged parent
 * (sensor/parent.c), passed over a socket; ${fd} is consumed. */
int	output_adopt_eve(struct output *o, int fd);
/* output_forget(o): in a process that handed the outputs to a writer:
 * wipe the keys and detach the sinks without flushing or closing them
 * (the counters stay readable). */
void	output_forget(struct output *o);
/* output_close(o): commit, flush and close; NULL-safe. */
void	output_close(struct output *o);
const struct output_stats *output_stats(const struct output *o);
/* output_lost_data(o): did a sink lose events (or the database turn out
 * malformed)?  A replay then exits 1. */
int	output_lost_data(const struct output *o);

/* EVE sink (eve.c). */
struct eve;
/* What the EVE writer did: lines count once write() took them. */
struct eve_counts {
	uint64_t	written;	/* lines written whole */
	uint64_t	lost;		/* lines that failed to be written */
	uint64_t	failures;	/* episodes of failing writes */
	uint64_t	repaired;	/* torn last lines terminated at open */
};
/* eve_open(e, path, bufsize, flags): ${path} "-" is stdout; else opened
 * with fio_open_append (0640, FIO_FOLLOW / FIO_LOCK ${flags}).  Lines are
 * buffered whole and written when ${bufsize} bytes are buffered (0: each
 * line at once) and at every eve_flush. */
int	eve_open(struct eve **e, const char *path, size_t bufsize, int flags);
int	eve_reopen(struct eve *e);
/* eve_adopt(e, fd): the file reopened by someone else (privsep's parent,
 * opened without the lock): take it over unless it is the file already
 * held; ${fd} is consumed.  0 or -errno (the old file kept). */
int	eve_adopt(struct eve *e, int fd);
const struct eve_counts *eve_counts(const struct eve *e);
void	eve_close(struct eve *e);
/* eve_discard(e): close, removing the file if eve_open created it. */
void	eve_discard(struct eve *e);
/* eve_flush(e): write the buffered lines; 0 or -errno (lines lost). */
int	eve_flush(struct eve *e);
/* eve_format(ev, cm, ip, buf, cap): one JSON line (no newline) or 0 when
 * it did not fit.  ${ip}: include src_ip/dest_ip of the client. */
size_t	eve_format(const struct event *ev, const struct ev_common *cm, int ip,
	    char *buf, size_t cap);
int	eve_write(struct eve *e, const char *line, size_t n);
/* eve_settings(host, iface, url_keep, ua_full): "host" and "in_iface" on
 * every record ("" or NULL: left out), and in pseudonym mode the
 * privacy.url_query / privacy.user_agent minimisation of http records. */
void	eve_settings(const char *host, const char *iface, int url_keep,
	    int ua_full);

/* SQLite sink (output/sink_store.c) over lib/store's writer. */
struct store;
/* put_stats: the registry entries with a db name (CTR_DB_NONZERO: only
 * when not 0) become stats rows. */
void	sink_store_emit(struct store *s, const struct event *ev,
	    const struct ev_common *cm);
/* sink_store_privacy(keep_query, full_ua): URL query strings and full
 * user agents in the http table (privacy.url_query, privacy.user_agent). */
void	sink_store_privacy(int keep_query, int full_ua);
/* sink_store_sync(s, st): copy the store's committed counts into ${st}. */
void	sink_store_sync(const struct store *s, struct output_stats *st);

#endif
