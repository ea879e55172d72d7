/*
 * store.c - the only SQLite writer: WAL mode, schema versioned with
 * PRAGMA user_version, prepared statements, events batched into one
 * transaction per interval.  Readers (dashboard, report) never block us:
 * in WAL mode a reader only delays checkpoints, never the writer.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/analyzer.h"
#include "common/json.h"
#include "output/output.h"
#include "common/log.h"

#define SCHEMA_VERSION	1

#include "store/schema.inc"	/* static const char store_schema_sql[] */

enum { ST_FLOW, ST_DNS, ST_HTTP, ST_STAT, ST_AI, ST_ALERT, ST_VIS, ST_POLICY,
    ST__COUNT };

static const char *const stmt_sql[ST__COUNT] = {
	[ST_FLOW] = "INSERT INTO flows (flow_id, ts_start, ts_end, src_ip,"
	    " src_port, dest_ip, dest_port, client_pseudo, proto, app_proto,"
	    " vlan, host, host_source, tls_version, alpn, ja3, ja4, ech,"
	    " quic_version, http_method, pkts_toserver, pkts_toclient,"
	    " bytes_toserver, bytes_toclient, state, reason, upload_bytes) VALUES"
	    " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_DNS] = "INSERT INTO dns (flow_id, ts, src_ip, client_pseudo,"
	    " dest_ip, proto, dns_id, rrname, rrtype, rcode, answers, ttl_min,"
	    " answered) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_HTTP] = "INSERT INTO http (flow_id, ts, src_ip, client_pseudo,"
	    " dest_ip, dest_port, hostname, url, method, user_agent,"
	    " content_type, content_length) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_STAT] = "INSERT OR REPLACE INTO stats (ts, name, value) VALUES (?,?,?)",
	[ST_AI] = "INSERT INTO ai_events (flow_id, ts, src_ip, client_pseudo,"
	    " dest_ip, dest_port, proto, app_proto, service, name, vendor,"
	    " category, host, matched_by, confidence, verdict, rule, exception,"
	    " exception_expired, policy_version, tenant_ambiguous) VALUES"
	    " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_ALERT] = "INSERT INTO alerts (flow_id, ts, src_ip, client_pseudo,"
	    " dest_ip, dest_port, kind, severity, rule, signature, service,"
	    " verdict, dlp_class, detector, confidence, evidence, fingerprint,"
	    " bytes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_VIS] = "INSERT INTO visibility (flow_id, ts, src_ip, client_pseudo,"
	    " dest_ip, dest_port, kind, detail) VALUES (?,?,?,?,?,?,?,?)",
	[ST_POLICY] = "INSERT INTO policy_versions (ts, version, action, summary,"
	    " errors) VALUES (?,?,?,?,?)",
};

struct store {
	sqlite3		*db;
	int		 created;	/* the file did not exist before */
	char		*path;
	sqlite3_stmt	*st[ST__COUNT];
	int		 in_txn;
};

static int
exec(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("%s: %s", s->path, err ? err : "sqlite error");
		sqlite3_free(err);
		return -EIO;
	}
	return 0;
}

static int
user_version(struct store *s)
{
	sqlite3_stmt *q;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

static int
migrate(struct store *s)
{
	int v = user_version(s);
	char sql[64];

	if (v < 0) {
		log_warnx("%s: %s", s->path, sqlite3_errmsg(s->db));
		return -EIO;
	}
	if (v > SCHEMA_VERSION) {
		log_warnx("%s: database schema version %d is newer than this "
		    "sensor's (%d); refusing to write", s->path, v, SCHEMA_VERSION);
		return -EPROTO;
	}
	if (v == SCHEMA_VERSION)
		return 0;
	if (exec(s, "BEGIN") < 0 || exec(s, store_schema_sql) < 0)
		goto err;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", SCHEMA_VERSION);
	if (exec(s, sql) < 0 || exec(s, "INSERT OR REPLACE INTO meta VALUES"
	    " ('schema_version', '1'), ('writer', 'shadowtap-sensor')") < 0 ||
	    exec(s, "COMMIT") < 0)
		goto err;
	return 0;
err:
	exec(s, "ROLLBACK");
	return -EIO;
}

int
store_open(struct store **sp, const char *path)
{
	struct store *s;
	int i, rc = -EIO;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	if ((s->path = strdup(path)) == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	s->created = access(path, F_OK) != 0;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("%s: cannot open database: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto err;
	}
	sqlite3_busy_timeout(s->db, 2000);
	/* WAL: readers never block this writer; NORMAL sync: a crash may
	 * lose the last batch but never corrupts the file.  Schema first: a
	 * database we refuse (newer schema) is left exactly as it was. */
	if (migrate(s) < 0 || exec(s, "PRAGMA journal_mode=WAL") < 0 ||
	    exec(s, "PRAGMA synchronous=NORMAL") < 0 ||
	    exec(s, "PRAGMA cache_size=-16384") < 0)
		goto err;
	for (i = 0; i < ST__COUNT; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			log_warnx("%s: %s", path, sqlite3_errmsg(s->db));
			goto err;
		}
	*sp = s;
	return 0;
err:
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	if (s->created)
		store_discard(path);
	free(s->path);
	free(s);
	return rc;
}

static void
bind_text(sqlite3_stmt *q, int i, const char *v)
{
	if (v == NULL || v[0] == '\0')
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
}

static void
run(struct store *s, sqlite3_stmt *q, struct output_stats *st)
{
	if (!s->in_txn) {
		if (exec(s, "BEGIN") < 0) {
			st->db_errors++;
			sqlite3_reset(q);
			return;
		}
		s->in_txn = 1;
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		st->db_errors++;
		if (st->db_errors < 10)
			log_warnx("%s: insert failed: %s", s->path,
			    sqlite3_errmsg(s->db));
	} else
		st->db_rows++;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static void
put_flow(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	const struct flow *f = ev->flow;
	const struct flow_meta *m = &f->meta;
	sqlite3_stmt *q = s->st[ST_FLOW];
	char vb[16];

	sqlite3_bind_int64(q, 1, (sqlite3_int64)f->id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)f->ts_first);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)f->ts_last);
	bind_text(q, 4, cm->src_ip);
	sqlite3_bind_int(q, 5, cm->src_port);
	bind_text(q, 6, cm->dest_ip);
	sqlite3_bind_int(q, 7, cm->dest_port);
	bind_text(q, 8, cm->pseudo);
	bind_text(q, 9, cm->proto);
	bind_text(q, 10, cm->app_proto);
	if (f->key.vlan[0])
		sqlite3_bind_int(q, 11, f->key.vlan[0]);
	bind_text(q, 12, m->host);
	bind_text(q, 13, m->host_src == HOST_NONE ? NULL :
	    vocab_name(&vocab_host_src, m->host_src));
	if (m->app == APP_TLS)
		bind_text(q, 14, tls_version_str(m->tls_version));
	bind_text(q, 15, m->alpn);
	bind_text(q, 16, m->ja3);
	bind_text(q, 17, m->ja4);
	sqlite3_bind_int(q, 18, m->ech);
	if (m->quic_version)
		bind_text(q, 19, quic_version_str(m->quic_version, vb, sizeof(vb)));
	bind_text(q, 20, m->http_method);
	sqlite3_bind_int64(q, 21, (sqlite3_int64)f->pkts[0]);
	sqlite3_bind_int64(q, 22, (sqlite3_int64)f->pkts[1]);
	sqlite3_bind_int64(q, 23, (sqlite3_int64)f->bytes[0]);
	sqlite3_bind_int64(q, 24, (sqlite3_int64)f->bytes[1]);
	bind_text(q, 25, flow_state_str(f));
	bind_text(q, 26, vocab_name(&vocab_flow_end, ev->u.why));
	sqlite3_bind_int64(q, 27, (sqlite3_int64)flow_upload_bytes(f));
	run(s, q, st);
}

/* Answers as a compact JSON array [{"rrname","rrtype","ttl","rdata"}]. */
static size_t
answers_json(const struct dns_msg *d, char *buf, size_t cap, int64_t *ttl_min)
{
	struct jb j;
	uint16_t i;

	*ttl_min = -1;
	jb_init(&j, buf, cap);
	jb_arr_open(&j, NULL);
	for (i = 0; i < d->n_answers; i++) {
		const struct dns_answer *a = &d->answers[i];
		const char *t = dns_type_str(a->rrtype);

		jb_obj_open(&j, NULL);
		jb_str(&j, "rrname", a->name);
		if (t != NULL)
			jb_str(&j, "rrtype", t);
		else
			jb_u64(&j, "rrtype", a->rrtype);
		jb_u64(&j, "ttl", a->ttl);
		jb_str(&j, "rdata", a->data);
		jb_obj_close(&j);
		if (*ttl_min < 0 || a->ttl < (uint64_t)*ttl_min)
			*ttl_min = a->ttl;
	}
	jb_arr_close(&j);
	return jb_finish(&j);
}

/* Columns 1-9 of a dns row: flow, time, client, resolver, question. */
static void
bind_dns_question(sqlite3_stmt *q, uint64_t flow_id, uint64_t ts,
    const struct ev_common *cm, uint16_t id, const char *qname, uint16_t qtype)
{
	const char *t = dns_type_str(qtype);

	sqlite3_bind_int64(q, 1, (sqlite3_int64)flow_id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)ts);
	bind_text(q, 3, cm->src_ip);
	bind_text(q, 4, cm->pseudo);
	bind_text(q, 5, cm->dest_ip);
	bind_text(q, 6, cm->proto);
	sqlite3_bind_int(q, 7, id);
	sqlite3_bind_text(q, 8, qname, -1, SQLITE_TRANSIENT);
	if (t != NULL)
		bind_text(q, 9, t);
	else
		sqlite3_bind_int(q, 9, qtype);
}

/*
 * One row per DNS transaction, written when the answer arrives: queries are
 * not written on their own (saving an INSERT+UPDATE per lookup); a query
 * still unanswered when its flow ends is written from the flow record by
 * put_dns_unanswered().
 */
static void
put_dns(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	const struct dns_msg *d = ev->u.dns;
	sqlite3_stmt *q = s->st[ST_DNS];
	static char ans[128 * 1024];	/* 32 fully escaped answers fit */
	int64_t ttl_min = -1;

	if (!d->qr)
		return;
	if (answers_json(d, ans, sizeof(ans), &ttl_min) == 0)
		ans[0] = '\0';
	bind_dns_question(q, ev->flow->id, ev->ts_us, cm, d->id, d->qname,
	    d->qtype);
	bind_text(q, 10, dns_rcode_str(d->rcode));
	bind_text(q, 11, ans);
	if (ttl_min >= 0)
		sqlite3_bind_int64(q, 12, ttl_min);
	sqlite3_bind_int(q, 13, 1);
	run(s, q, st);
}

static void
put_dns_unanswered(struct store *s, const struct event *ev,
    const struct ev_common *cm, struct output_stats *st)
{
	const struct flow *f = ev->flow;
	sqlite3_stmt *q = s->st[ST_DNS];

	bind_dns_question(q, f->id, f->meta.dns_query_ts, cm, f->meta.dns_id,
	    f->meta.host_src == HOST_DNS ? f->meta.host : "", f->meta.dns_qtype);
	sqlite3_bind_int(q, 13, 0);
	run(s, q, st);
}

static void
put_http(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	const struct http_req *h = ev->u.http;
	sqlite3_stmt *q = s->st[ST_HTTP];

	sqlite3_bind_int64(q, 1, (sqlite3_int64)ev->flow->id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)ev->ts_us);
	bind_text(q, 3, cm->src_ip);
	bind_text(q, 4, cm->pseudo);
	bind_text(q, 5, cm->dest_ip);
	sqlite3_bind_int(q, 6, cm->dest_port);
	bind_text(q, 7, h->host);
	bind_text(q, 8, h->uri);
	bind_text(q, 9, h->method);
	bind_text(q, 10, h->user_agent);
	bind_text(q, 11, h->content_type);
	if (h->content_length >= 0)
		sqlite3_bind_int64(q, 12, h->content_length);
	run(s, q, st);
}

static void
put_stat(struct store *s, uint64_t ts, const char *name, uint64_t v,
    struct output_stats *st)
{
	sqlite3_stmt *q = s->st[ST_STAT];

	sqlite3_bind_int64(q, 1, (sqlite3_int64)ts);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)v);
	run(s, q, st);
}

static void
put_stats(struct store *s, const struct event *ev, struct output_stats *st)
{
	const struct stats_snapshot *x = ev->u.stats;
	char name[64];
	int i;

	put_stat(s, ev->ts_us, "capture.received", x->cap.received, st);
	put_stat(s, ev->ts_us, "capture.dropped", x->cap.dropped, st);
	put_stat(s, ev->ts_us, "capture.if_dropped", x->cap.if_dropped, st);
	put_stat(s, ev->ts_us, "flows.created", x->flows->created, st);
	put_stat(s, ev->ts_us, "flows.active", x->flows->active, st);
	put_stat(s, ev->ts_us, "flows.evicted", x->flows->evicted, st);
	put_stat(s, ev->ts_us, "dpi.tls_hellos", x->dpi->tls_hellos, st);
	put_stat(s, ev->ts_us, "dpi.quic_hellos", x->dpi->quic_hellos, st);
	put_stat(s, ev->ts_us, "dpi.dns_messages", x->dpi->dns_msgs, st);
	put_stat(s, ev->ts_us, "dpi.http_requests", x->dpi->http_reqs, st);
	if (x->an != NULL) {
		put_stat(s, ev->ts_us, "ai.flows", x->an->ai_flows, st);
		put_stat(s, ev->ts_us, "ai.lookups", x->an->ai_lookups, st);
		put_stat(s, ev->ts_us, "ai.alerts", x->an->alerts, st);
		put_stat(s, ev->ts_us, "ai.tls_quic_flows", x->an->tls_quic_flows, st);
		put_stat(s, ev->ts_us, "ai.blind_flows", x->an->blind_flows, st);
		for (i = 0; i < VIS__COUNT; i++) {
			snprintf(name, sizeof(name), "ai.visibility.%s",
			    vocab_name(&vocab_vis_kind, i));
			put_stat(s, ev->ts_us, name, x->an->vis[i], st);
		}
	}
	for (i = 0; i < DC__COUNT; i++) {
		if (x->dec->c[i] == 0)
			continue;
		snprintf(name, sizeof(name), "decoder.%s",
		    decode_counter_name((enum dec_counter)i));
		put_stat(s, ev->ts_us, name, x->dec->c[i], st);
	}
}

/* Columns 1-6 shared by the per-flow tables: flow_id, ts, src_ip,
 * client_pseudo, dest_ip, dest_port. */
static void
bind_flow_cols(sqlite3_stmt *q, const struct event *ev,
    const struct ev_common *cm)
{
	if (ev->flow != NULL)
		sqlite3_bind_int64(q, 1, (sqlite3_int64)ev->flow->id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)ev->ts_us);
	bind_text(q, 3, cm->src_ip);
	bind_text(q, 4, cm->pseudo);
	bind_text(q, 5, cm->dest_ip);
	if (ev->flow != NULL)
		sqlite3_bind_int(q, 6, cm->dest_port);
}

static void
put_ai(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	const struct ai_info *a = ev->u.ai;
	sqlite3_stmt *q = s->st[ST_AI];

	bind_flow_cols(q, ev, cm);
	bind_text(q, 7, cm->proto);
	bind_text(q, 8, cm->app_proto);
	bind_text(q, 9, a->service);
	bind_text(q, 10, a->name);
	bind_text(q, 11, a->vendor);
	bind_text(q, 12, a->category);
	bind_text(q, 13, a->host);
	bind_text(q, 14, vocab_name(&vocab_matched_by, a->matched_by));
	sqlite3_bind_int(q, 15, a->confidence);
	bind_text(q, 16, vocab_name(&vocab_verdict, a->verdict));
	bind_text(q, 17, a->rule);
	bind_text(q, 18, a->exception);
	sqlite3_bind_int(q, 19, a->exception_expired);
	bind_text(q, 20, a->policy_version);
	sqlite3_bind_int(q, 21, a->tenant_ambiguous);
	run(s, q, st);
}

static void
put_alert(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	const struct alert_info *a = ev->u.alert;
	const struct ai_info *ai = ev->flow ? ev->flow->ai : NULL;
	sqlite3_stmt *q = s->st[ST_ALERT];

	bind_flow_cols(q, ev, cm);
	bind_text(q, 7, a->kind);
	bind_text(q, 8, a->severity);
	bind_text(q, 9, a->rule);
	bind_text(q, 10, a->signature);
	if (ai != NULL) {
		bind_text(q, 11, ai->service);
		bind_text(q, 12, vocab_name(&vocab_verdict, ai->verdict));
	}
	bind_text(q, 13, a->dlp_class);
	bind_text(q, 14, a->detector);
	if (a->dlp_class != NULL)
		sqlite3_bind_int(q, 15, a->confidence);
	bind_text(q, 16, a->evidence);
	bind_text(q, 17, a->fingerprint);
	if (a->bytes)
		sqlite3_bind_int64(q, 18, (sqlite3_int64)a->bytes);
	run(s, q, st);
}

static void
put_vis(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	sqlite3_stmt *q = s->st[ST_VIS];

	bind_flow_cols(q, ev, cm);
	bind_text(q, 7, ev->u.vis->kind);
	bind_text(q, 8, ev->u.vis->detail);
	run(s, q, st);
}

static void
put_policy(struct store *s, const struct event *ev, struct output_stats *st)
{
	const struct policy_event *p = ev->u.policy;
	sqlite3_stmt *q = s->st[ST_POLICY];

	sqlite3_bind_int64(q, 1, (sqlite3_int64)ev->ts_us);
	bind_text(q, 2, p->version);
	bind_text(q, 3, p->action);
	bind_text(q, 4, p->summary);
	sqlite3_bind_int(q, 5, p->errors);
	run(s, q, st);
}

void
store_emit(struct store *s, const struct event *ev, const struct ev_common *cm,
    struct output_stats *st)
{
	switch (ev->type) {
	case EV_FLOW:
		put_flow(s, ev, cm, st);
		if (ev->flow->meta.app == APP_DNS && ev->flow->meta.dns_pending)
			put_dns_unanswered(s, ev, cm, st);
		break;
	case EV_DNS:
		put_dns(s, ev, cm, st);
		break;
	case EV_HTTP:
		put_http(s, ev, cm, st);
		break;
	case EV_STATS:
		put_stats(s, ev, st);
		break;
	case EV_AI:
		put_ai(s, ev, cm, st);
		break;
	case EV_ALERT:
		put_alert(s, ev, cm, st);
		break;
	case EV_VISIBILITY:
		put_vis(s, ev, cm, st);
		break;
	case EV_POLICY:
		put_policy(s, ev, st);
		break;
	default:
		break;
	}
}

void
store_commit(struct store *s, struct output_stats *st)
{
	if (s == NULL || !s->in_txn)
		return;
	if (exec(s, "COMMIT") < 0)
		st->db_errors++;
	else
		st->db_commits++;
	s->in_txn = 0;
}

int
store_created(const struct store *s)
{
	return s != NULL && s->created;
}

void
store_discard(const char *path)
{
	char side[4096];

	if (path == NULL)
		return;
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

void
store_close(struct store *s, struct output_stats *st)
{
	int i;

	if (s == NULL)
		return;
	store_commit(s, st);
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	/* Fold the WAL back so a copied .db file is complete on its own. */
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("%s: close: %s", s->path, sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}
