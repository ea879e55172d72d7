/*
 * test_store.c - unit tests for store/store.c (and the SQLite path of
 * output/output.c): schema version and WAL, flow rows, one row per DNS
 * transaction, unanswered queries, readers never blocking the writer,
 * reopening, and refusing a newer schema.  Works in a mkdtemp directory.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "flow/flow.h"
#include "output/output.h"
#include "store/store.h"
#include "test.h"

/* Events are flat copies: the flow summary (and the DNS message) are
 * taken when the event is handed over, as the engine does. */
static const struct dns_msg *cur_dns;

static void
fill(struct event *ev, const struct flow *f)
{
	ev->has_flow = 1;
	ev_flow_fill(&ev->flow, f);
	if (ev->type == EV_DNS && cur_dns != NULL)
		ev->u.dns = *cur_dns;
}

static void
emit_s(struct store *s, struct event *ev, const struct flow *f,
    const struct ev_common *cm)
{
	fill(ev, f);
	sink_store_emit(s, ev, cm);
}

static void
emit_o(struct output *o, struct event *ev, const struct flow *f)
{
	fill(ev, f);
	output_emit(o, ev);
}

#define SEC	1000000ULL

static char dir[] = "/tmp/st-store-XXXXXX";

static const char *
dbpath(const char *name)
{
	static char b[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%s/%s", dir, name);
	return b[i];
}

/* ---- reading back with a separate connection ---- */

static sqlite3 *
ro_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* First column of the first row of ${sql} as text into ${out} ("" for
 * NULL, "(none)" without a row, "(error)" on error). */
static const char *
q1(sqlite3 *db, const char *sql)
{
	static char out[4][1024];
	static int i;
	sqlite3_stmt *st;
	char *o;
	int rc;

	i = (i + 1) % 4;
	o = out[i];
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(o, sizeof(out[0]), "(error) %s", sqlite3_errmsg(db));
		return o;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(o, sizeof(out[0]), "%s", t ? (const char *)t : "");
	} else
		snprintf(o, sizeof(out[0]), rc == SQLITE_DONE ? "(none)" : "(error)");
	sqlite3_finalize(st);
	return o;
}

static const char *
q1f(const char *path, const char *sql)
{
	static char out[1024];
	sqlite3 *db = ro_open(path);

	if (db == NULL)
		return "(open failed)";
	snprintf(out, sizeof(out), "%s", q1(db, sql));
	sqlite3_close(db);
	return out;
}

/* ---- hand-made events ---- */

static struct flow *
mk_flow(uint64_t id, uint8_t proto, uint16_t cport, uint16_t sport)
{
	struct flow *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->id = id;
	f->key.proto = proto;
	f->key.a.a[10] = f->key.a.a[11] = 0xff;
	memcpy(f->key.a.a + 12, "\xc0\x00\x02\x05", 4);		/* 192.0.2.5 */
	f->key.b.a[10] = f->key.b.a[11] = 0xff;
	memcpy(f->key.b.a + 12, "\xcb\x00\x71\x09", 4);		/* 203.0.113.9 */
	f->key.pa = cport;
	f->key.pb = sport;
	f->cli_is_a = 1;
	f->ts_first = 1700000000 * SEC;
	f->ts_last = 1700000003 * SEC + 250000;
	f->pkts[0] = 5;
	f->pkts[1] = 4;
	f->bytes[0] = 700;
	f->bytes[1] = 3000;
	f->state = FS_CLOSED;
	f->in_use = 1;
	return f;
}

static void
mk_common(struct ev_common *cm, const struct flow *f, const char *proto,
    const char *app)
{
	memset(cm, 0, sizeof(*cm));
	snprintf(cm->ts, sizeof(cm->ts), "2023-11-14T22:13:20.000000+0000");
	snprintf(cm->src_ip, sizeof(cm->src_ip), "192.0.2.5");
	snprintf(cm->dest_ip, sizeof(cm->dest_ip), "203.0.113.9");
	snprintf(cm->pseudo, sizeof(cm->pseudo), "c-00112233aabbccdd");
	cm->src_port = flow_cli_port(f);
	cm->dest_port = flow_srv_port(f);
	cm->proto = proto;
	cm->app_proto = app;
}

static void
mk_query(struct dns_msg *m, uint16_t id, const char *name, uint16_t qtype)
{
	memset(m, 0, sizeof(*m));
	m->id = id;
	m->qdcount = 1;
	snprintf(m->qname, sizeof(m->qname), "%s", name);
	m->qtype = qtype;
	m->qclass = 1;
}

static void
mk_answer(struct dns_msg *m, uint16_t id, const char *name)
{
	mk_query(m, id, name, 1);
	m->qr = 1;
	m->rcode = 0;
	m->n_answers = 2;
	m->ancount = 2;
	snprintf(m->answers[0].name, sizeof(m->answers[0].name), "%s", name);
	m->answers[0].rrtype = 5;
	m->answers[0].ttl = 300;
	snprintf(m->answers[0].data, sizeof(m->answers[0].data), "edge.example.net");
	snprintf(m->answers[1].name, sizeof(m->answers[1].name), "edge.example.net");
	m->answers[1].rrtype = 1;
	m->answers[1].ttl = 60;
	snprintf(m->answers[1].data, sizeof(m->answers[1].data), "198.51.100.77");
}

/* ---- tests ---- */

TEST(schema_and_wal)
{
	struct output_stats st;
	struct store *s = NULL;
	const char *p = dbpath("schema.db");

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	ASSERT_STR(q1f(p, "PRAGMA user_version"), "2");
	ASSERT_STR(q1f(p, "PRAGMA journal_mode"), "wal");
	ASSERT_STR(q1f(p, "SELECT value FROM meta WHERE key = 'schema_version'"), "2");
	ASSERT_STR(q1f(p, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	    " AND name IN ('flows','dns','http','stats','ai_events','alerts',"
	    "'visibility','policy_versions','meta','catalog','exceptions',"
	    "'agg_hour','agg_client_day','agg_dlp_day','epochs','identities')"), "16");
	/* Privacy (issue 9): no table holds a client address column. */
	ASSERT_STR(q1f(p, "SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) c"
	    " WHERE m.type = 'table' AND c.name IN ('src_ip', 'src_port')"), "0");
	ASSERT_EQ(store_stats(s)->errors, 0);
	store_close(s);
	/* Closing folds the WAL back into the file. */
	ASSERT(access(dbpath("schema.db-wal"), F_OK) != 0 ||
	    strcmp(q1f(p, "SELECT count(*) FROM meta"), "2") == 0);
	store_close(NULL);
}

TEST(flow_row)
{
	struct output_stats st;
	struct store *s = NULL;
	struct ev_common cm;
	struct event ev;
	struct flow *f = mk_flow(4242, IPPROTO_TCP, 51000, 443);
	const char *p = dbpath("flow.db");
	sqlite3 *db;

	ASSERT(f != NULL);
	memset(&st, 0, sizeof(st));
	f->key.vlan[0] = 12;
	f->meta.app = APP_TLS;
	f->meta.tls_version = 0x0304;
	snprintf(f->meta.host, sizeof(f->meta.host), "chat.example.com");
	f->meta.host_src = HOST_TLS_SNI;
	snprintf(f->meta.alpn, sizeof(f->meta.alpn), "h2");
	snprintf(f->meta.ja4, sizeof(f->meta.ja4), "t13d1516h2_8daaf6152771_e5627efa2ab1");
	f->meta.ech = 1;
	mk_common(&cm, f, "TCP", "tls");
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_FLOW;
	ev.ts_us = f->ts_last;
	ev.u.why = FE_TIMEOUT;
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	emit_s(s, &ev, f, &cm);
	ASSERT_EQ(store_stats(s)->rows, 0);	/* counted once committed */
	store_commit(s);
	ASSERT_EQ(store_stats(s)->rows, 1);
	ASSERT_EQ(store_stats(s)->commits, 1);
	ASSERT_EQ(store_stats(s)->errors, 0);
	ASSERT((db = ro_open(p)) != NULL);
	ASSERT_STR(q1(db, "SELECT count(*) FROM flows"), "1");
	ASSERT_STR(q1(db, "SELECT flow_id || '|' || ts_start || '|' || ts_end ||"
	    " '|' || dest_ip || '|' ||"
	    " dest_port || '|' || client_pseudo || '|' || proto || '|' ||"
	    " app_proto || '|' || vlan FROM flows"),
	    "4242|1700000000000000|1700000003250000|203.0.113.9|"
	    "443|c-00112233aabbccdd|TCP|tls|12");
	ASSERT_STR(q1(db, "SELECT host || '|' || host_source || '|' ||"
	    " tls_version || '|' || alpn || '|' || ja4 || '|' || ech FROM flows"),
	    "chat.example.com|tls_sni|TLSv1.3|h2|"
	    "t13d1516h2_8daaf6152771_e5627efa2ab1|1");
	ASSERT_STR(q1(db, "SELECT pkts_toserver || '|' || pkts_toclient || '|' ||"
	    " bytes_toserver || '|' || bytes_toclient || '|' || state || '|' ||"
	    " reason FROM flows"), "5|4|700|3000|closed|timeout");
	/* Empty strings are stored as NULL, not "". */
	ASSERT_STR(q1(db, "SELECT (ja3 IS NULL) || (quic_version IS NULL) ||"
	    " (http_method IS NULL) FROM flows"), "111");
	sqlite3_close(db);
	store_close(s);
	free(f);
}

TEST(dns_query_then_answer_one_row)
{
	struct output_stats st;
	struct store *s = NULL;
	struct ev_common cm;
	struct event ev;
	struct flow *f = mk_flow(77, IPPROTO_UDP, 40000, 53);
	struct dns_msg *m = calloc(1, sizeof(*m));
	const char *p = dbpath("dns.db");
	sqlite3 *db;

	ASSERT(f != NULL && m != NULL);
	memset(&st, 0, sizeof(st));
	mk_common(&cm, f, "UDP", "dns");
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_DNS;
	cur_dns = m;
	ev.ts_us = 1700000000 * SEC;
	mk_query(m, 0x1234, "chat.example.com", 1);
	emit_s(s, &ev, f, &cm);
	ev.ts_us += 20000;
	ev.dir = 1;
	mk_answer(m, 0x1234, "chat.example.com");
	emit_s(s, &ev, f, &cm);
	store_commit(s);
	ASSERT_EQ(store_stats(s)->errors, 0);
	ASSERT((db = ro_open(p)) != NULL);
	ASSERT_STR(q1(db, "SELECT count(*) FROM dns"), "1");
	ASSERT_STR(q1(db, "SELECT flow_id || '|' ||"
	    " client_pseudo || '|' || dest_ip || '|' || proto || '|' || dns_id ||"
	    " '|' || rrname || '|' || rrtype || '|' || rcode || '|' || ttl_min ||"
	    " '|' || answered FROM dns"),
	    "77|c-00112233aabbccdd|203.0.113.9|UDP|4660|"
	    "chat.example.com|A|NOERROR|60|1");
	ASSERT_STR(q1(db, "SELECT answers FROM dns"),
	    "[{\"rrname\":\"chat.example.com\",\"rrtype\":\"CNAME\",\"ttl\":300,"
	    "\"rdata\":\"edge.example.net\"},{\"rrname\":\"edge.example.net\","
	    "\"rrtype\":\"A\",\"ttl\":60,\"rdata\":\"198.51.100.77\"}]");
	ASSERT_STR(q1(db, "SELECT json_valid(answers) FROM dns"), "1");
	ASSERT_STR(q1(db, "SELECT json_extract(answers, '$[1].rdata') FROM dns"),
	    "198.51.100.77");
	sqlite3_close(db);

	/* The flow's end does not add a second row for an answered query. */
	f->meta.app = APP_DNS;
	f->meta.dns_pending = 0;
	snprintf(f->meta.host, sizeof(f->meta.host), "chat.example.com");
	f->meta.host_src = HOST_DNS;
	ev.type = EV_FLOW;
	ev.u.why = FE_TIMEOUT;
	emit_s(s, &ev, f, &cm);
	store_commit(s);
	ASSERT_STR(q1f(p, "SELECT count(*) FROM dns"), "1");
	ASSERT_STR(q1f(p, "SELECT count(*) FROM flows"), "1");
	ASSERT_EQ(store_stats(s)->errors, 0);
	store_close(s);
	free(f);
	free(m);
}

TEST(dns_unanswered_query)
{
	struct output_stats st;
	struct store *s = NULL;
	struct ev_common cm;
	struct event ev;
	struct flow *f = mk_flow(78, IPPROTO_UDP, 40001, 53);
	struct dns_msg *m = calloc(1, sizeof(*m));
	const char *p = dbpath("dns-unanswered.db");

	ASSERT(f != NULL && m != NULL);
	memset(&st, 0, sizeof(st));
	mk_common(&cm, f, "UDP", "dns");
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_DNS;
	cur_dns = m;
	ev.ts_us = 1700000100 * SEC;
	mk_query(m, 0x4321, "api.example.org", 28);
	emit_s(s, &ev, f, &cm);
	/* What the engine records in the flow for the pending query. */
	f->meta.app = APP_DNS;
	f->meta.dns_pending = 1;
	f->meta.dns_id = 0x4321;
	f->meta.dns_qtype = 28;
	f->meta.dns_query_ts = ev.ts_us;
	snprintf(f->meta.host, sizeof(f->meta.host), "api.example.org");
	f->meta.host_src = HOST_DNS;
	ev.type = EV_FLOW;
	ev.ts_us += 60 * SEC;
	ev.u.why = FE_TIMEOUT;
	emit_s(s, &ev, f, &cm);
	ASSERT_EQ(store_stats(s)->errors, 0);
	store_close(s);
	ASSERT_STR(q1f(p, "SELECT count(*) FROM dns"), "1");
	ASSERT_STR(q1f(p, "SELECT flow_id || '|' || ts || '|' || dns_id || '|' ||"
	    " rrname || '|' || rrtype || '|' || answered || '|' ||"
	    " (answers IS NULL) || (rcode IS NULL) FROM dns"),
	    "78|1700000100000000|17185|api.example.org|AAAA|0|11");
	free(f);
	free(m);
}

TEST(reader_does_not_block_writer)
{
	struct output_stats st;
	struct store *s = NULL;
	struct ev_common cm;
	struct event ev;
	struct flow *f = mk_flow(1, IPPROTO_TCP, 51000, 443);
	const char *p = dbpath("reader.db");
	sqlite3 *rd = NULL;
	char *err = NULL;
	int i;

	ASSERT(f != NULL);
	memset(&st, 0, sizeof(st));
	mk_common(&cm, f, "TCP", NULL);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_FLOW;
	ev.u.why = FE_SHUTDOWN;
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	emit_s(s, &ev, f, &cm);
	store_commit(s);
	/* A dashboard-like reader holds a read transaction open. */
	ASSERT(sqlite3_open_v2(p, &rd, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
	ASSERT(sqlite3_exec(rd, "BEGIN", NULL, NULL, &err) == SQLITE_OK);
	ASSERT_STR(q1(rd, "SELECT count(*) FROM flows"), "1");
	/* The writer carries on: several batches, all committed. */
	for (i = 0; i < 3; i++) {
		f->id = (uint64_t)(100 + i);
		emit_s(s, &ev, f, &cm);
		store_commit(s);
	}
	ASSERT_EQ(store_stats(s)->errors, 0);
	ASSERT_EQ(store_stats(s)->commits, 4);
	ASSERT_EQ(store_stats(s)->rows, 4);
	/* The reader still sees its snapshot, a new reader sees all. */
	ASSERT_STR(q1(rd, "SELECT count(*) FROM flows"), "1");
	ASSERT_STR(q1f(p, "SELECT count(*) FROM flows"), "4");
	ASSERT(sqlite3_exec(rd, "COMMIT", NULL, NULL, &err) == SQLITE_OK);
	ASSERT_STR(q1(rd, "SELECT count(*) FROM flows"), "4");
	sqlite3_close(rd);
	ASSERT_EQ(store_stats(s)->errors, 0);
	store_close(s);
	free(f);
}

TEST(reopen_keeps_data)
{
	struct output_stats st;
	struct store *s = NULL;
	struct ev_common cm;
	struct event ev;
	struct flow *f = mk_flow(9, IPPROTO_TCP, 51000, 443);
	const char *p = dbpath("reopen.db");

	ASSERT(f != NULL);
	memset(&st, 0, sizeof(st));
	mk_common(&cm, f, "TCP", NULL);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_FLOW;
	ev.u.why = FE_EVICTED;
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	emit_s(s, &ev, f, &cm);
	store_close(s);		/* commits the open batch */
	s = NULL;
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	f->id = 10;
	emit_s(s, &ev, f, &cm);
	ASSERT_EQ(store_stats(s)->errors, 0);
	store_close(s);
	ASSERT_STR(q1f(p, "SELECT group_concat(flow_id || ':' || reason)"
	    " FROM flows"), "9:forced,10:forced");
	ASSERT_STR(q1f(p, "PRAGMA user_version"), "2");
	ASSERT_STR(q1f(p, "SELECT count(*) FROM meta"), "2");
	free(f);
}

/* A v2 database written before http.resp_length existed gets the column
 * at the next RW open; rows with and without a response length. */
TEST(v2_gets_resp_length)
{
	struct store *s = NULL;
	struct st_http h;
	const char *p = dbpath("v2old.db");
	sqlite3 *db = NULL;

	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	store_close(s);
	s = NULL;
	ASSERT(sqlite3_open(p, &db) == SQLITE_OK);
	ASSERT(sqlite3_exec(db, "ALTER TABLE http DROP COLUMN resp_length",
	    NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	ASSERT_STR(q1f(p, "SELECT count(*) FROM pragma_table_info('http')"
	    " WHERE name = 'resp_length'"), "0");
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	memset(&h, 0, sizeof(h));
	h.flow_id = 1;
	h.ts = 1000;
	h.client = "c-0000000000000001";
	h.dest_ip = "203.0.113.80";
	h.content_length = -1;
	h.status = 200;
	h.length = 512;
	ASSERT_EQ(store_put_http(s, &h), 0);
	h.flow_id = 2;
	h.status = 0;
	h.length = -1;
	ASSERT_EQ(store_put_http(s, &h), 0);
	store_close(s);
	ASSERT_STR(q1f(p, "SELECT group_concat(flow_id || ':' ||"
	    " ifnull(status, '-') || ':' || ifnull(resp_length, '-'), ',')"
	    " FROM http"), "1:200:512,2:-:-");
	ASSERT_STR(q1f(p, "PRAGMA user_version"), "2");
}

TEST(newer_schema_refused)
{
	struct store *s = NULL;
	const char *p = dbpath("newer.db");
	sqlite3 *db = NULL;
	char *err = NULL;

	ASSERT(sqlite3_open(p, &db) == SQLITE_OK);
	ASSERT(sqlite3_exec(db, "CREATE TABLE flows (x INTEGER);"
	    " INSERT INTO flows VALUES (1); PRAGMA user_version = 3;",
	    NULL, NULL, &err) == SQLITE_OK);
	sqlite3_close(db);
	ASSERT(store_open(&s, p, STORE_RW) < 0);
	ASSERT(s == NULL);
	/* Left as it was: not deleted, not migrated, not converted to WAL. */
	ASSERT(access(p, F_OK) == 0);
	ASSERT_STR(q1f(p, "PRAGMA user_version"), "3");
	ASSERT_STR(q1f(p, "SELECT count(*) FROM flows"), "1");
	ASSERT_STR(q1f(p, "PRAGMA journal_mode"), "delete");
	/* Readers refuse it too, and refuse an older schema. */
	ASSERT_EQ(store_open(&s, p, STORE_RO), -EPROTO);
	ASSERT_EQ(store_schema_version(p), 3);
}

TEST(not_a_database)
{
	struct store *s = NULL;
	const char *p = dbpath("garbage.db");
	FILE *fp;

	ASSERT((fp = fopen(p, "w")) != NULL);
	fputs("this is not an SQLite database, just text long enough to have "
	    "a header of one hundred bytes or so........................\n", fp);
	fclose(fp);
	ASSERT(store_open(&s, p, STORE_RW) < 0);
	ASSERT(access(p, F_OK) == 0);	/* not ours: not removed */
	/* A directory that does not exist. */
	ASSERT(store_open(&s, dbpath("nodir/x.db"), STORE_RW) < 0);
	ASSERT(access(dbpath("nodir/x.db"), F_OK) != 0);
}

TEST(through_output)
{
	struct output_conf c;
	struct output *o = NULL;
	struct event ev;
	struct flow *f = mk_flow(55, IPPROTO_TCP, 51000, 443);
	const char *p = dbpath("output.db");

	ASSERT(f != NULL);
	output_conf_defaults(&c);
	c.db_path = p;
	c.key_path = dbpath("pseudo.key");
	c.db_flows = SEL_ALL;
	ASSERT_EQ(output_open(&o, &c), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_FLOW;
	ev.ts_us = f->ts_last;
	ev.u.why = FE_TIMEOUT;
	emit_o(o, &ev, f);
	output_sync(o);
	/* The flow, its client's sealed identity and the key epoch. */
	ASSERT_EQ(output_stats(o)->db_rows, 3);
	ASSERT_EQ(output_stats(o)->events[EV_FLOW], 1);
	output_close(o);
	ASSERT_STR(q1f(p, "SELECT dest_ip ||"
	    " '|' || dest_port || '|' || proto FROM flows"),
	    "203.0.113.9|443|TCP");
	ASSERT_STR(q1f(p, "SELECT length(client_pseudo) || substr(client_pseudo, 1, 2)"
	    " FROM flows"), "18c-");
	/* A flow without a name is not stored with the default selection. */
	output_conf_defaults(&c);
	c.db_path = p;
	c.key_path = dbpath("pseudo.key");
	ASSERT_EQ(output_open(&o, &c), 0);
	f->id = 56;
	emit_o(o, &ev, f);
	output_sync(o);
	ASSERT_EQ(output_stats(o)->db_rows, 0);
	ASSERT_EQ(output_stats(o)->db_skipped, 1);
	output_close(o);
	ASSERT_STR(q1f(p, "SELECT count(*) FROM flows"), "1");
	free(f);
}

/* Issue 9: a v1 database is migrated in place: addresses gone (columns and
 * the freed pages), rows and pseudonyms kept, queries dropped from URLs,
 * aggregates filled.  A reader refuses v1 with advice. */
TEST(migrate_v1)
{
	struct store *s = NULL;
	const char *p = dbpath("v1.db");
	char *sql = NULL, *err = NULL, buf[1 << 16];
	sqlite3 *db = NULL;
	FILE *fp;
	size_t n;
	int found = 0;

	ASSERT((fp = fopen("tests/data/store/schema-v1.sql", "r")) != NULL);
	ASSERT((sql = calloc(1, 1 << 16)) != NULL);
	n = fread(sql, 1, (1 << 16) - 1, fp);
	fclose(fp);
	ASSERT(n > 0);
	ASSERT(sqlite3_open(p, &db) == SQLITE_OK);
	ASSERT(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK);
	sqlite3_close(db);
	free(sql);
	ASSERT_EQ(store_open(&s, p, STORE_RO), -EPROTO);
	ASSERT_EQ(store_open(&s, p, STORE_RW), 0);
	store_close(s);
	ASSERT_STR(q1f(p, "PRAGMA user_version"), "2");
	ASSERT_STR(q1f(p, "SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) c"
	    " WHERE m.type = 'table' AND c.name IN ('src_ip', 'src_port')"), "0");
	ASSERT_STR(q1f(p, "SELECT (SELECT count(*) FROM flows) || (SELECT count(*)"
	    " FROM http) || (SELECT count(*) FROM ai_events) || (SELECT count(*)"
	    " FROM alerts) || (SELECT count(*) FROM visibility) || (SELECT"
	    " count(*) FROM dns)"), "111111");
	ASSERT_STR(q1f(p, "SELECT url FROM http"), "/v1/chat");
	ASSERT_STR(q1f(p, "SELECT client_pseudo FROM ai_events"), "c-00112233aabbccdd");
	ASSERT_STR(q1f(p, "SELECT flows || '|' || alerts FROM agg_hour WHERE"
	    " service = 'chatgpt'"), "1|1");
	ASSERT_STR(q1f(p, "PRAGMA integrity_check"), "ok");
	/* Not in the file's bytes either (VACUUM with secure_delete). */
	ASSERT((fp = fopen(p, "rb")) != NULL);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (memmem(buf, n, "192.0.2.77", 10) != NULL ||
		    memmem(buf, n, "secret-token", 12) != NULL)
			found = 1;
	fclose(fp);
	ASSERT(!found);
}

static void
cleanup(void)
{
	static const char *const names[] = { "schema.db", "flow.db", "dns.db",
	    "dns-unanswered.db", "reader.db", "reopen.db", "newer.db",
	    "garbage.db", "output.db", "v1.db", NULL };
	int i;

	for (i = 0; names[i] != NULL; i++)
		store_discard(dbpath(names[i]));
	unlink(dbpath("pseudo.key"));
	rmdir(dir);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(schema_and_wal);
	RUN(flow_row);
	RUN(dns_query_then_answer_one_row);
	RUN(dns_unanswered_query);
	RUN(reader_does_not_block_writer);
	RUN(reopen_keeps_data);
	RUN(v2_gets_resp_length);
	RUN(newer_schema_refused);
	RUN(not_a_database);
	RUN(through_output);
	RUN(migrate_v1);
	cleanup();
	return TEST_END();
}
