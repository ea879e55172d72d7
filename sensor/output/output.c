/*
 * output.c - fan-out of flat engine events to the sinks registered in
 * sinks[] (EVE, SQLite, syslog, redis: one entry each; the EVE line is
 * formatted once per event for every sink that carries it),
 * with the shared per-event fields computed once and the flow-selection
 * policy (which flows are recorded: none / named / all) applied per sink.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/clock.h"
#include "common/counters.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/seal.h"
#include "common/str.h"
#include "output/netq.h"
#include "output/output.h"
#include "store/store.h"
#include "common/log.h"

/* Worst case is a DNS answer: 32 records whose names and rdata are all
 * bytes that escape to 5 characters (~105 KB). */
#define EVE_LINE_MAX	(128 * 1024)
#define PSEUDO_CACHE	1024	/* direct-mapped: one HMAC per client, not per event */

struct pseudo_slot {
	uint8_t		addr[16];
	uint8_t		used;
	char		str[PSEUDO_STR_LEN];
	char		paddr[INET6_ADDRSTRLEN];	/* pseudo_addr(str) */
	uint64_t	sealed_ts;	/* last identity row written, µs */
};

/* EVE pseudonym mode: the client's src_ip is an address inside this ULA
 * /48 (docs/PRIVACY.md), subnet 0, interface id = the pseudonym's 64 bits. */
static const uint8_t ula48[6] = { 0xfd, 0x00, 0x53, 0x54, 0x41, 0x50 };
#define SEAL_REFRESH_US	(3600ULL * 1000000)	/* last_seen granularity */

struct output {
	struct output_conf conf;
	struct eve	*eve;
	struct store	*store;
	struct syslog_sink *syslog;
	struct redis_sink *redis;
	int		 line_state;	/* this event's line: 0 not yet, 1 made, -1 failed */
	size_t		 line_n;
	int		 db_fd;		/* holds the instance lock on the database */
	int		 db_broken;	/* malformed: no more rows written */
	struct pseudo	 master;	/* the key file's key */
	struct pseudo	 ps;		/* this epoch's key (pseudo_derive) */
	struct seal_key	 sk;
	int		 sealing;	/* identity key loaded, store open */
	int		 epoch_put;	/* the epoch's row is written */
	int		 epoch;		/* current pseudonym epoch */
	int		 epoch_set;
	uint64_t	 epoch_check;	/* µs: next time the epoch may change */
	uint64_t	 epoch_now;	/* newest time of a client's event */
	uint64_t	 last_commit;	/* µs, wall or packet time */
	uint64_t	 pkt_now;	/* newest event time: the retention clock */
	uint64_t	 ret_deleted[RET__COUNT + 2];
	int		 ret_next;	/* round-robin table index */
	struct output_stats st;
	struct pseudo_slot pcache[PSEUDO_CACHE];
	const char	*cur_paddr;	/* the emitted event's pseudo_addr */
	char		 line[EVE_LINE_MAX];
	/* a stats event with the output's counters refreshed */
	uint64_t	 stats_ev[(sizeof(struct event) + 7) / 8];
};

static void
seal_identity(struct output *o, struct pseudo_slot *sl, uint64_t ts)
{
	uint8_t box[SEAL_BOX_LEN], h[8];
	char kid[2 * sizeof(h) + 1];

	if (!o->sealing)
		return;
	if (!o->epoch_put) {
		/* key_id: a hash of the pseudonym key, never the key */
		crypto_generichash(h, sizeof(h), o->ps.key, sizeof(o->ps.key),
		    NULL, 0);
		sodium_bin2hex(kid, sizeof(kid), h, sizeof(h));
		if (store_put_epoch(o->store, o->epoch, o->epoch == 0 ? ts :
		    pseudo_epoch_start(o->epoch), kid) == 0)
			o->epoch_put = 1;
	}
	if (seal_box(&o->sk, sl->addr, box) == 0 &&
	    store_put_identity(o->store, sl->str, o->epoch, box, sizeof(box),
	    ts) == 0)
		sl->sealed_ts = ts;
}

/*
 * Key rotation (privacy.key_rotation): by the newest event time (so a
 * replay controls the clock and time never runs backwards), a new epoch
 * derives its key and empties the pseudonym cache; its epochs row is
 * written with the first identity of the epoch.
 */
static void
epoch_update(struct output *o, uint64_t now)
{
	uint32_t days = o->conf.key_rotation_days;
	uint64_t next;
	int e;

	if (o->epoch_set && now < o->epoch_check)
		return;
	e = pseudo_epoch_of(now, days);
	if (!o->epoch_set || e != o->epoch) {
		if (o->epoch_set)
			log_notice("pseudonym key rotated: epoch %d", e);
		pseudo_derive(&o->master, e, &o->ps);
		memset(o->pcache, 0, sizeof(o->pcache));
		o->epoch = e;
		o->epoch_put = 0;
		o->epoch_set = 1;
	}
	/* Next check at the next epoch's start; a DST hour off is caught
	 * by checking again a minute later. */
	next = days == 0 ? UINT64_MAX : pseudo_epoch_start(e + (int)days);
	o->epoch_check = next > now ? next : now + 60ULL * 1000000;
}

/* The address-shaped pseudonym: ula48 + 0000 + 64 bits of the pseudonym. */
static void
pseudo_addr(const char *pseudo, char *out, size_t len)
{
	uint8_t a[16];
	size_t n;

	memset(a, 0, sizeof(a));
	memcpy(a, ula48, sizeof(ula48));
	if (sodium_hex2bin(a + 8, 8, pseudo + 2, 16, NULL, &n, NULL) != 0)
		memset(a + 8, 0, 8);
	if (str_ip6(out, len, a) == 0)
		snprintf(out, len, "fd00:5354:4150::");
}

static const char *
pseudo_cached(struct output *o, const struct ip_addr *a, uint64_t ts)
{
	uint32_t h = 2166136261u;
	struct pseudo_slot *sl;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ a->a[i]) * 16777619u;
	sl = &o->pcache[h % PSEUDO_CACHE];
	if (!sl->used || memcmp(sl->addr, a->a, 16) != 0) {
		memcpy(sl->addr, a->a, 16);
		pseudo_of(&o->ps, a->a, sl->str);
		pseudo_addr(sl->str, sl->paddr, sizeof(sl->paddr));
		sl->used = 1;
		sl->sealed_ts = 0;
	}
	if (sl->sealed_ts == 0 || ts > sl->sealed_ts + SEAL_REFRESH_US)
		seal_identity(o, sl, ts);
	o->cur_paddr = sl->paddr;
	return sl->str;
}

static const char *
rotation_str(uint32_t days, char *buf, size_t len)
{
	if (days == 0)
		return "never";
	snprintf(buf, len, "%ud", days);
	return buf;
}

/* identity key path: relative (or unset: identity.key) = beside the db */
static char *
identity_path(const struct output_conf *c)
{
	const char *k = c->identity_key_path ? c->identity_key_path :
	    "identity.key", *sl;
	char *p;
	size_t dl;

	if (k[0] == '/' || (sl = strrchr(c->db_path, '/')) == NULL)
		return strdup(k);
	dl = (size_t)(sl - c->db_path) + 1;
	if ((p = malloc(dl + strlen(k) + 1)) == NULL)
		return NULL;
	snprintf(p, dl + strlen(k) + 1, "%.*s%s", (int)dl, c->db_path, k);
	return p;
}

/* Retention tables: the aggregates key covers three tables. */
static const struct { const char *table; int key; } ret_tables[] = {
	{ "ai_events", RET_AI }, { "dns", RET_DNS }, { "http", RET_HTTP },
	{ "flows", RET_FLOWS }, { "visibility", RET_VIS },
	{ "alerts", RET_ALERTS }, { "agg_hour", RET_AGG },
	{ "agg_client_day", RET_AGG }, { "agg_dlp_day", RET_AGG },
	{ "identities", RET_IDENT }, { "stats", RET_STATS },
};
#define RET_NTABLES	(sizeof(ret_tables) / sizeof(ret_tables[0]))
#define RET_BATCH	256	/* rows per table per tick: never stalls capture */

/*
 * Each table once per tick, at most RET_BATCH rows each, cut off by packet time (so a
 * replay controls the clock).  Deletions are counted in the stats table as
 * retention.deleted.<table> (cumulative for this run).
 */
static void
retention_one(struct output *o)
{
	char name[64];
	uint64_t cut, age;
	unsigned i;
	int n;

	if (o->store == NULL || o->pkt_now == 0)
		return;
	i = (unsigned)o->ret_next;
	o->ret_next = (int)((i + 1) % RET_NTABLES);
	if (o->conf.retention_days[ret_tables[i].key] == 0)
		return;
	age = (uint64_t)o->conf.retention_days[ret_tables[i].key] * 86400ULL *
	    1000000ULL;
	if (o->pkt_now <= age)
		return;
	cut = o->pkt_now - age;
	n = store_retention_step(o->store, ret_tables[i].table, cut, RET_BATCH);
	if (n <= 0)
		return;
	o->ret_deleted[i] += (uint64_t)n;
	snprintf(name, sizeof(name), "retention.deleted.%s",
	    ret_tables[i].table);
	store_put_stat(o->store, o->pkt_now, name, o->ret_deleted[i]);
}

static void
retention_run(struct output *o)
{
	unsigned i;

	/* A malformed database is no longer touched, retention included. */
	if (o->store == NULL || o->db_broken)
		return;
	for (i = 0; i < RET_NTABLES; i++)
		retention_one(o);
}

void
output_conf_defaults(struct output_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->eve_flows = SEL_NAMED;
	c->db_flows = SEL_NAMED;
	c->eve_meta = SEL_ALL;
	c->db_meta = SEL_ALL;
	c->eve_client_ip = 1;
	c->commit_ms = 500;
	c->eve_buffer = 65536;
	c->retention_days[RET_AI] = 30;
	c->retention_days[RET_DNS] = 30;
	c->retention_days[RET_HTTP] = 30;
	c->retention_days[RET_FLOWS] = 30;
	c->retention_days[RET_VIS] = 30;
	c->retention_days[RET_ALERTS] = 180;
	c->retention_days[RET_AGG] = 395;
	c->retention_days[RET_IDENT] = 60;
	c->retention_days[RET_STATS] = 395;
	c->key_rotation_days = 30;
	c->syslog_port = 514;
	c->syslog_facility = 21;	/* local5 */
	c->syslog_buffer = 4U << 20;
	c->syslog_types = ~0U;
	c->redis_port = 6379;
	c->redis_mode = RM_RPUSH;
	c->redis_key = "shadowtap";
	c->redis_maxlen = 100000;
	c->redis_buffer = 4U << 20;
	c->redis_types = ~0U;
}

/* The database file itself: refused if a link (unless allowed), created
 * 0640 (SQLite gives -wal/-shm the same mode), locked against a second
 * sensor for as long as this one runs.  SQLite's own locks are fcntl
 * locks, independent of this flock. */
static int
db_lock_open(const char *path, int flags, int *created)
{
	int fd = fio_open_append(path, FIO_MODE_DATA, flags | FIO_LOCK, created);

	if (fd == -ELOOP)
		log_warnx("%s: database is a symbolic link; refused "
		    "(output.follow_symlinks: true allows it)", path);
	else if (fd == -EBUSY)
		log_warnx("%s: database is in use by another shadowtap-sensor; "
		    "refusing to share it", path);
	else if (fd < 0)
		log_warnx("%s: cannot open database: %s", path, strerror(-fd));
	return fd;
}

int
output_open(struct output **op, const struct output_conf *c)
{
	struct output *o;
	char host[256];
	int rc, created = 0, fl = c->follow_symlinks ? FIO_FOLLOW : 0;

	if (sodium_init() < 0 || (o = calloc(1, sizeof(*o))) == NULL)
		return -ENOMEM;
	o->conf = *c;
	o->db_fd = -1;
	/* Outputs first, the key last: a failure leaves nothing behind. */
	if (c->eve_path != NULL && (rc = eve_open(&o->eve, c->eve_path,
	    c->eve_buffer, fl | FIO_LOCK)) < 0)
		goto err0;
	if (c->db_path != NULL) {
		if ((rc = o->db_fd = db_lock_open(c->db_path, fl, &created)) < 0)
			goto err1;
		if ((rc = store_open(&o->store, c->db_path, STORE_RW)) < 0)
			goto err2;
	}
	if (c->key_path != NULL)
		rc = pseudo_load(&o->master, c->key_path);
	else {
		/* No key file (stdout only): pseudonyms stable for this run. */
		randombytes_buf(o->master.key, sizeof(o->master.key));
		rc = 0;
	}
	if (rc < 0)
		goto err2;
	if (o->eve != NULL)
		o->st.eve_repaired = eve_counts(o->eve)->repaired;
	if (o->store != NULL) {
		char *ip = identity_path(c);

		if (ip == NULL) {
			rc = -ENOMEM;
			goto err2;
		}
		rc = seal_key_load(&o->sk, ip, 1);
		if (rc < 0)
			log_warnx("%s: identity key: %s", ip, strerror(-rc));
		free(ip);
		if (rc < 0)
			goto err2;
		o->sealing = 1;
		store_meta_set(o->store, "privacy.four_eyes",
		    c->four_eyes ? "1" : "0");
		store_meta_set(o->store, "privacy.audit_db", c->audit_db ?
		    c->audit_db : "audit.db");
		store_meta_set(o->store, "privacy.key_rotation",
		    rotation_str(c->key_rotation_days, host, sizeof(host)));
	}
	sink_store_privacy(c->url_query_keep, c->user_agent_full);
	if (c->sensor_name != NULL)
		snprintf(host, sizeof(host), "%s", c->sensor_name);
	else if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	eve_settings(host, c->in_iface, c->url_query_keep, c->user_agent_full);
	/* Collectors last: they hold no file; one that does not answer
	 * yet is a warning and its records are queued. */
	if (c->syslog_server != NULL && (rc = syslog_sink_open(&o->syslog, c,
	    host, clock_wall_us())) < 0)
		goto err2;
	if (c->redis_server != NULL && (rc = redis_sink_open(&o->redis, c,
	    clock_wall_us())) < 0) {
		syslog_sink_close(o->syslog);
		goto err2;
	}
	if ((c->eve_path != NULL || c->syslog_server != NULL ||
	    c->redis_server != NULL) && c->eve_clients_addr)
		log_notice("privacy.eve_clients: address: EVE carries client "
		    "addresses (a deliberate choice; default is pseudonym)");
	*op = o;
	return 0;
err2:
	/* Only what this run created is removed: a database that existed
	 * before (weeks of data) survives any start-up error.  The empty
	 * file db_lock_open made counts as created by this run. */
	created = created || store_created(o->store);
	store_close(o->store);
	if (created)
		store_discard(c->db_path);
	if (o->db_fd >= 0)
		close(o->db_fd);
err1:
	eve_discard(o->eve);
err0:
	free(o);
	return rc;
}

static void	sync_counts(struct output *);

static const char *
proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_ICMPV6: return "IPv6-ICMP";
	}
	return "OTHER";
}

static int
selected(int sel, const struct ev_flow *f)
{
	switch (sel) {
	case SEL_ALL:
		return 1;
	case SEL_NAMED:
		return f->meta.host[0] != '\0' || f->has_ai;
	case SEL_AI:
		return f->has_ai;
	}
	return 0;
}

/* ---- sinks ---- */

static int
eve_on(const struct output *o)
{
	return o->eve != NULL;
}

static int
store_on(const struct output *o)
{
	return o->store != NULL;
}

static int
eve_wants(const struct output *o, const struct event *ev)
{
	const struct ev_flow *f = ev_flow(ev);

	if (ev->type == EV_FLOW)
		return selected(o->conf.eve_flows, f);
	if (ev->type == EV_DNS || ev->type == EV_HTTP)
		return selected(o->conf.eve_meta, f);
	return 1;
}

/* Lookups and requests: SQLite keeps what the dashboard needs (db_meta),
 * EVE what the operator asked for. */
static int
store_wants(const struct output *o, const struct event *ev)
{
	const struct ev_flow *f = ev_flow(ev);

	if (ev->type == EV_FLOW)
		return selected(o->conf.db_flows, f);
	if (ev->type == EV_DNS || ev->type == EV_HTTP)
		return selected(o->conf.db_meta, f);
	return 1;
}

/* The event's EVE line, formatted once for every sink that carries it
 * (EVE file, syslog, redis): 1 in o->line[0..o->line_n), or 0 (did not
 * fit, counted once). */
static int
eve_line(struct output *o, const struct event *ev, const struct ev_common *cm)
{
	struct ev_common ecm = *cm;

	if (o->line_state != 0)
		return o->line_state > 0;
	if (!o->conf.eve_clients_addr && ev->has_flow) {
		/* Formatted once per client and epoch (pseudo_cached). */
		if (o->cur_paddr != NULL)
			str_lcpy(ecm.src_ip, o->cur_paddr, sizeof(ecm.src_ip));
		else
			pseudo_addr(cm->pseudo, ecm.src_ip, sizeof(ecm.src_ip));
		ecm.hide_addr = cm->src_ip;
	}
	if (ev->type == EV_STATS) {
		/* The writer's own counters, as of now (this line counted). */
		struct event *sev = (struct event *)o->stats_ev;

		memcpy(sev, ev, offsetof(struct event, u) + sizeof(ev->u.stats));
		ctr_refresh(&sev->u.stats.c, CTR_OWN_OUTPUT);
		ev = sev;
	}
	o->line_n = eve_format(ev, &ecm, o->conf.eve_client_ip, o->line,
	    sizeof(o->line));
	o->line_state = o->line_n > 0 ? 1 : -1;
	if (o->line_n == 0)
		o->st.eve_errors++;	/* did not fit: lost */
	return o->line_n > 0;
}

static void
eve_put(struct output *o, const struct event *ev, const struct ev_common *cm)
{
	if (eve_line(o, ev, cm))
		eve_write(o->eve, o->line, o->line_n);
	o->st.eve_lines = eve_counts(o->eve)->written;
	o->st.eve_lost = eve_counts(o->eve)->lost + o->st.eve_errors;
}

static int
syslog_on(const struct output *o)
{
	return o->syslog != NULL;
}

/* Flow records as EVE selects them; syslog_types applies to every record
 * (in syslog_put, as events without a flow are not asked). */
static int
syslog_wants(const struct output *o, const struct event *ev)
{
	return eve_wants(o, ev);
}

static void
syslog_put(struct output *o, const struct event *ev, const struct ev_common *cm)
{
	if ((o->conf.syslog_types >> ev->type & 1) && eve_line(o, ev, cm))
		syslog_sink_put(o->syslog, ev, cm, o->line, o->line_n);
}

static int
redis_on(const struct output *o)
{
	return o->redis != NULL;
}

/* Flow records as EVE selects them; redis_types applies to every record
 * (in redis_put, as events without a flow are not asked). */
static int
redis_wants(const struct output *o, const struct event *ev)
{
	return eve_wants(o, ev);
}

static void
redis_put(struct output *o, const struct event *ev, const struct ev_common *cm)
{
	if ((o->conf.redis_types >> ev->type & 1) && eve_line(o, ev, cm))
		redis_sink_put(o->redis, o->line, o->line_n);
}

static void
store_put(struct output *o, const struct event *ev, const struct ev_common *cm)
{
	if (o->db_broken) {
		o->st.db_lost++;	/* not written to a malformed file */
		return;
	}
	sink_store_emit(o->store, ev, cm);
	if (store_stats(o->store)->corrupt)
		sync_counts(o);	/* stop at the first sign */
}

/* The sink table: one entry per sink, called in this order. */
static const struct sink {
	const char	*name;
	int		 counts_skipped;	/* db_skipped counts its refusals */
	int		(*on)(const struct output *);
	int		(*wants)(const struct output *, const struct event *);
	void		(*put)(struct output *, const struct event *,
			    const struct ev_common *);
} sinks[] = {
	{ "eve", 0, eve_on, eve_wants, eve_put },
	{ "store", 1, store_on, store_wants, store_put },
	{ "syslog", 0, syslog_on, syslog_wants, syslog_put },
	{ "redis", 0, redis_on, redis_wants, redis_put },
};
#define NSINKS	(sizeof(sinks) / sizeof(sinks[0]))

void
output_emit(struct output *o, const struct event *ev)
{
	struct ev_common cm;
	const struct ev_flow *f = ev_flow(ev);
	int want[NSINKS], any = 0;
	size_t i;

	if (ev->type >= EV__COUNT)
		return;
	o->st.events[ev->type]++;
	if (ev->ts_us > o->pkt_now)
		o->pkt_now = ev->ts_us;
	for (i = 0; i < NSINKS; i++) {
		want[i] = sinks[i].on(o) && (f == NULL || sinks[i].wants(o, ev));
		if (sinks[i].on(o) && !want[i] && sinks[i].counts_skipped)
			o->st.db_skipped++;
		any |= want[i];
	}
	if (!any)
		return;
	memset(&cm, 0, sizeof(cm));
	o->cur_paddr = NULL;
	time_iso8601(ev->ts_us, cm.ts, sizeof(cm.ts));
	if (f != NULL) {
		ip_addr_str(&f->cli, cm.src_ip, sizeof(cm.src_ip));
		ip_addr_str(&f->srv, cm.dest_ip, sizeof(cm.dest_ip));
		cm.src_port = f->cli_port;
		cm.dest_port = f->srv_port;
		cm.proto = proto_name(f->proto);
		cm.app_proto = f->app_proto[0] ? f->app_proto : NULL;
		/* Epochs follow traffic time only (a policy event carries
		 * the wall clock, which a replay must not see). */
		if (ev->ts_us > o->epoch_now)
			o->epoch_now = ev->ts_us;
		epoch_update(o, o->epoch_now);
		memcpy(cm.pseudo, pseudo_cached(o, &f->cli, ev->ts_us),
		    PSEUDO_STR_LEN);
	}
	o->line_state = 0;
	for (i = 0; i < NSINKS; i++)
		if (want[i])
			sinks[i].put(o, ev, &cm);
}

/* Counts from the sinks: lines and rows only once written/committed. */
static void
sync_counts(struct output *o)
{
	const struct eve_counts *ec;
	const struct store_stats *ss;

	if (o->eve != NULL) {
		ec = eve_counts(o->eve);
		o->st.eve_lines = ec->written;
		o->st.eve_lost = ec->lost + o->st.eve_errors;
		o->st.eve_failures = ec->failures;
		o->st.eve_repaired = ec->repaired;
	}
	if (o->store == NULL)
		return;
	sink_store_sync(o->store, &o->st);
	ss = store_stats(o->store);
	o->st.db_rows_lost = ss->rows_lost;
	o->st.db_busy = ss->busy;
	if (ss->corrupt && !o->db_broken) {
		o->db_broken = 1;
		o->st.db_malformed = 1;
		log_warnx("%s: database disk image is malformed; no more rows "
		    "are written to it (EVE continues; restore or move the "
		    "file and restart)", store_path(o->store));
	}
}

static void
commit(struct output *o)
{
	if (!o->db_broken)
		store_commit(o->store);
	eve_flush(o->eve);
	sync_counts(o);
}

void
output_tick(struct output *o, uint64_t now_us)
{
	/* The collectors' sockets on every tick: nothing here waits. */
	netq_service(syslog_sink_q(o->syslog), now_us);
	netq_service(redis_sink_q(o->redis), now_us);
	if (now_us < o->last_commit + (uint64_t)o->conf.commit_ms * 1000)
		return;
	o->last_commit = now_us;
	retention_run(o);
	commit(o);
}

#define SYNC_WAIT_MS	15000	/* at the end: how long a lock is waited for */

void
output_sync(struct output *o)
{
	retention_run(o);
	struct timespec ts = { 0, 100 * 1000000L };
	int i;

	/* The last batch: a lock held by another process is waited for
	 * (bounded) instead of losing the rows kept meanwhile. */
	for (i = 0; !o->db_broken && store_commit(o->store) == -EBUSY &&
	    i < SYNC_WAIT_MS / 100; i++) {
		if (i == 0)
			log_warnx("%s: database locked by another process; "
			    "waiting up to %d s to commit", store_path(o->store),
			    SYNC_WAIT_MS / 1000);
		nanosleep(&ts, NULL);
	}
	commit(o);
	netq_service(syslog_sink_q(o->syslog), clock_wall_us());
	netq_service(redis_sink_q(o->redis), clock_wall_us());
}

int
output_lost_data(const struct output *o)
{
	return o->st.eve_lost > 0 || o->st.db_rows_lost > 0 ||
	    o->st.db_lost > 0 || o->st.db_malformed;
}

void
output_apply(struct output *o, const struct output_conf *c)
{
	/* Only what is recorded changes; paths and keys stay as opened. */
	o->conf.eve_flows = c->eve_flows;
	o->conf.db_flows = c->db_flows;
	o->conf.eve_meta = c->eve_meta;
	o->conf.db_meta = c->db_meta;
	o->conf.eve_client_ip = c->eve_client_ip;
	o->conf.syslog_types = c->syslog_types;
	o->conf.redis_types = c->redis_types;
	o->conf.commit_ms = c->commit_ms;
	memcpy(o->conf.retention_days, c->retention_days,
	    sizeof(o->conf.retention_days));
}

int
output_reopen(struct output *o)
{
	return eve_reopen(o->eve);
}

int
output_adopt_eve(struct output *o, int fd)
{
	if (o->eve == NULL) {
		close(fd);
		return 0;
	}
	return eve_adopt(o->eve, fd);
}

/* EVE stats.shadowtap.output; owner CTR_OWN_OUTPUT: refreshed by the
 * writer when it formats a stats event. */
void
output_counters(struct output *o)
{
	static const char sect[] = "shadowtap.output";
	struct output_stats *st = &o->st;
	int i;

	for (i = 0; i < EV__COUNT; i++)
		ctr_add(CTR_OWN_OUTPUT, sect, vocab_name(&vocab_ev_type, i), NULL,
		    CTR_COUNTER, &st->events[i], "events of this type");
	ctr_add(CTR_OWN_OUTPUT, sect, "eve_errors", NULL, CTR_COUNTER,
	    &st->eve_errors, "EVE lines that did not fit");
	ctr_add(CTR_OWN_OUTPUT, sect, "db_rows", NULL, CTR_COUNTER,
	    &st->db_rows, "database rows committed");
	ctr_add(CTR_OWN_OUTPUT, sect, "db_errors", NULL, CTR_COUNTER,
	    &st->db_errors, "database errors");
	ctr_add(CTR_OWN_OUTPUT, sect, "eve_lost", NULL, CTR_COUNTER,
	    &st->eve_lost, "EVE lines not written");
	ctr_add2(CTR_OWN_OUTPUT, sect, "db_rows_lost", NULL, CTR_SUM,
	    &st->db_rows_lost, &st->db_lost,
	    "rows lost: failed commits plus events not stored (malformed)");
	ctr_add(CTR_OWN_OUTPUT, sect, "db_busy", NULL, CTR_COUNTER,
	    &st->db_busy, "commits deferred: database locked");
	ctr_add(CTR_OWN_OUTPUT, sect, "db_malformed", NULL, CTR_BOOL,
	    &st->db_malformed, "1 once the database file is malformed");
	if (o->syslog != NULL)
		netq_counters(syslog_sink_q(o->syslog), "syslog");
	if (o->redis != NULL)
		netq_counters(redis_sink_q(o->redis), "redis");
}

void
output_close(struct output *o)
{
	if (o == NULL)
		return;
	store_close(o->store);
	if (o->db_fd >= 0)	/* after SQLite: closing drops no fcntl lock */
		close(o->db_fd);
	eve_close(o->eve);
	syslog_sink_close(o->syslog);
	redis_sink_close(o->redis);
	sodium_memzero(&o->sk, sizeof(o->sk));
	sodium_memzero(&o->ps, sizeof(o->ps));
	sodium_memzero(&o->master, sizeof(o->master));
	free(o);
}

void
output_forget(struct output *o)
{
	if (o == NULL)
		return;
	/* The writer process owns the files now: nothing is flushed,
	 * committed or closed here, and the keys are gone (the key
	 * file's, this epoch's, the identity key). */
	sodium_memzero(&o->master, sizeof(o->master));
	sodium_memzero(&o->sk, sizeof(o->sk));
	sodium_memzero(&o->ps, sizeof(o->ps));
	memset(o->pcache, 0, sizeof(o->pcache));
	o->eve = NULL;
	o->store = NULL;
	/* The collectors' sockets are the writer's: this copy is closed
	 * (no data crosses), the counters stay readable. */
	netq_forget(syslog_sink_q(o->syslog));
	netq_forget(redis_sink_q(o->redis));
	o->sealing = 0;
}

const struct output_stats *
output_stats(const struct output *o)
{
	return &o->st;
}
