/*
 * api_alerts.c - the alert list, its CSV export (formula-injection
 * escaping) and triage (state DB, audited), over every selected sensor DB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "store/store.h"
#include "store/store_query.h"
#include "store/state.h"
#include "dash.h"
#include "api.h"
#include "formdec.h"
#include "cache.h"

#define MAX_ALERTS	2000

/* ---- alerts ---- */
struct al { int db; struct sq_alert a; char s[11][160]; };
struct als { struct al *v; int n, more; };

static int
al_cb(void *arg_, const struct sq_alert *t)
{
	struct ctx *c = arg_;
	struct als *s = (struct als *)c->j;
	struct al *x;
	const char *f[11] = { t->client, t->zone, t->kind, t->severity,
	    t->rule, t->signature, t->service, t->verdict, t->dlp_class,
	    t->evidence, t->service_name };
	int i;

	if (s->n == MAX_ALERTS + 1)
		return 1;
	x = &s->v[s->n++];
	x->db = c->db;
	x->a = *t;
	for (i = 0; i < 11; i++)
		cp(x->s[i], sizeof(x->s[i]), f[i]);
	return 0;
}

static int
al_cmp(const void *a, const void *b)
{
	const struct al *x = a, *y = b;

	if (x->a.ts != y->a.ts)
		return x->a.ts < y->a.ts ? 1 : -1;
	if (x->db != y->db)
		return x->db - y->db;
	return x->a.id < y->a.id ? 1 : x->a.id > y->a.id ? -1 : 0;
}

static const char *const al_keys[11] = { "client", "zone", "kind",
	"severity", "rule", "signature", "service", "verdict", "dlp_class",
	"evidence", "service_name" };

/* alert_count: sq_alert_count through the response cache (the total of
 * every page is the same while the database is unchanged). */
static int64_t
alert_count(struct store *db, int i, const struct sq_alert_filter *f)
{
	char key[512], *b = NULL;
	size_t len;
	int64_t n, dv = sq_data_version(db);
	const char *v[] = { f->kind, f->severity, f->service, f->zone,
	    f->dlp_class, f->verdict };
	size_t k, o;

	o = (size_t)snprintf(key, sizeof(key), "alertcount|%d|%llu|%llu", i,
	    (unsigned long long)f->from, (unsigned long long)f->to);
	for (k = 0; k < 6 && o < sizeof(key); k++)
		o += (size_t)snprintf(key + o, sizeof(key) - o, "|%zu:%s",
		    v[k] ? strlen(v[k]) : 0, v[k] ? v[k] : "");
	if (o >= sizeof(key))
		return sq_alert_count(db, f);
	if (cache_get(key, (uint64_t)dv, now_us(), &b, &len) == 0) {
		n = strtoll(b, NULL, 10);
		free(b);
		return n;
	}
	if ((n = sq_alert_count(db, f)) >= 0) {
		char t[32];
		int tl = snprintf(t, sizeof(t), "%lld", (long long)n);
		cache_put(key, (uint64_t)dv, now_us(), t, (size_t)tl);
	}
	return n;
}

/* load_alerts: matching alerts of the selected DBs, newest first, after
 * ?before=CURSOR when given; the total count (all pages) in *total. */
static int
load_alerts(struct req *r, struct als *s, int64_t *total)
{
	struct sq_alert_filter f;
	struct ctx c = { r, (struct jb *)s, 0 };
	const char *lim = arg(r, "limit"), *want = arg(r, "status");
	int64_t *ids = NULL;
	size_t nids = 0;
	uint64_t bts = 0;
	int64_t bid = 0;
	int i, bdb = 0;
	int64_t n;

	memset(&f, 0, sizeof(f));
	range(r, &f.from, &f.to);
	f.kind = arg(r, "kind");
	f.severity = arg(r, "severity");
	f.service = arg(r, "service");
	f.zone = arg(r, "zone");
	f.dlp_class = arg(r, "class");
	f.verdict = arg(r, "verdict");
	if (want && strcmp(want, "new") && strcmp(want, "investigating") &&
	    strcmp(want, "handled") && strcmp(want, "false_positive"))
		return -EINVAL;
	if (arg(r, "before") && cursor_parse(arg(r, "before"), r->d->ndb, &bts,
	    &bdb, &bid))
		return -EINVAL;
	/* The limit comes from the request: digits only, else the cap. */
	f.limit = 500;
	if (lim != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(lim, &end, 10);
		f.limit = errno || end == lim || *end != '\0' ||
		    v > MAX_ALERTS ? MAX_ALERTS : (int)v;
	}
	if (f.limit <= 0 || f.limit > MAX_ALERTS)
		f.limit = MAX_ALERTS;
	f.limit++;		/* one more than asked: is there a next page? */
	if ((s->v = calloc(MAX_ALERTS + 1, sizeof(*s->v))) == NULL)
		return -ENOMEM;
	s->n = 0;
	*total = 0;
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		f.before_ts = 0;
		if (want) {
			/* the triage status lives in the state DB: its id set
			 * goes into the SQL filter, so paging stays right;
			 * "new" = every alert not triaged to another status */
			f.ids_not = strcmp(want, "new") == 0;
			if (state_triage_ids(r->d->st, r->d->sensor[i], want,
			    f.ids_not, &ids, &nids) != 0) {
				free(s->v);
				s->v = NULL;
				return -EIO;
			}
			f.ids_on = 1;
			f.ids = ids;
			f.nids = nids;
		}
		pthread_mutex_lock(&r->d->dbmu[i]);
		/* the count cache knows only the sensor DB's version */
		n = want ? sq_alert_count(r->d->db[i], &f) :
		    alert_count(r->d->db[i], i, &f);
		if (bts) {
			f.before_ts = bts;
			f.before_id = i < bdb ? 0 : i == bdb ? bid : INT64_MAX;
		}
		sq_alerts(r->d->db[i], &f, al_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
		free(ids);
		ids = NULL;
		nids = 0;
		if (n > 0)
			*total += n;
	}
	qsort(s->v, (size_t)s->n, sizeof(*s->v), al_cmp);
	f.limit--;
	s->more = s->n > f.limit;
	if (s->n > f.limit)
		s->n = f.limit;
	return 0;
}

int
api_alerts(struct req *r, struct resp *p)
{
	char *buf = malloc(OUT_CAP), key[96], st[32], as[64];
	struct jb j;
	struct als s;
	int64_t total;
	int i, k;

	i = -ENOMEM;
	if (buf == NULL || (i = load_alerts(r, &s, &total)) != 0) {
		free(buf);
		return resp_error(p, i == -EINVAL ? 400 : 500, i == -EINVAL ?
		    "bad cursor" : "no memory");
	}
	jb_init(&j, buf, OUT_CAP);
	jb_obj_open(&j, NULL);
	jb_i64(&j, "total", total);
	jb_arr_open(&j, "alerts");
	for (i = 0; i < s.n; i++) {
		struct al *x = &s.v[i];
		snprintf(key, sizeof(key), "%s:%lld", r->d->sensor[x->db],
		    (long long)x->a.id);
		state_triage_get(r->d->st, key, st, sizeof(st), as, sizeof(as));
		jb_obj_open(&j, NULL);
		js(&j, "key", key);
		jb_i64(&j, "id", x->a.id);
		js(&j, "sensor", r->d->sensor[x->db]);
		jb_u64(&j, "ts", x->a.ts / 1000000);
		for (k = 0; k < 11; k++)
			js(&j, al_keys[k], x->s[k]);
		if (x->a.bytes >= 0)
			jb_i64(&j, "bytes", x->a.bytes);
		js(&j, "status", st);
		js(&j, "assignee", as);
		jb_obj_close(&j);
	}
	jb_arr_close(&j);
	if (s.more && s.n > 0) {
		snprintf(key, sizeof(key), "%llu-%d-%lld",
		    (unsigned long long)s.v[s.n - 1].a.ts, s.v[s.n - 1].db,
		    (long long)s.v[s.n - 1].a.id);
		js(&j, "next", key);
	} else
		jb_null(&j, "next");
	jb_obj_close(&j);
	free(s.v);
	return out(p, &j, buf);
}

/* csv_field: quoted, quotes doubled; a cell starting with = + - @ tab or
 * CR is prefixed with ' so spreadsheets do not run it as a formula. */
static size_t
csv_field(char *o, size_t cap, const char *s)
{
	size_t n = 0;

	if (cap < 4)
		return 0;
	o[n++] = '"';
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
	    *s == '\r')
		o[n++] = '\'';
	for (; *s && n + 3 < cap; s++) {
		if (*s == '"')
			o[n++] = '"';
		o[n++] = *s;
	}
	o[n++] = '"';
	return n;
}

int
api_alerts_csv(struct req *r, struct resp *p)
{
	struct als s;
	int64_t total;
	size_t cap, n = 0;
	char *o, ts[40], idb[32];
	int i, k;

	if (load_alerts(r, &s, &total) != 0)
		return resp_error(p, 400, "bad request");
	/* 4 KiB per row holds the longest one (every field at its cap,
	 * quotes doubled), so no matching alert is left out of the file. */
	cap = ((size_t)s.n + 1) * 4096;
	if ((o = malloc(cap)) == NULL) {
		free(s.v);
		return resp_error(p, 500, "no memory");
	}
	n += (size_t)snprintf(o, cap, "sensor,id,time,client,zone,kind,"
	    "severity,rule,signature,service,verdict,dlp_class,evidence,"
	    "service_name\r\n");
	for (i = 0; i < s.n && n + 4096 < cap; i++) {
		struct al *x = &s.v[i];
		n += csv_field(o + n, cap - n, r->d->sensor[x->db]);
		snprintf(idb, sizeof(idb), ",%lld,", (long long)x->a.id);
		memcpy(o + n, idb, strlen(idb));
		n += strlen(idb);
		n += csv_field(o + n, cap - n, time_iso8601(x->a.ts, ts,
		    sizeof(ts)));
		for (k = 0; k < 11; k++) {
			o[n++] = ',';
			n += csv_field(o + n, cap - n, x->s[k]);
		}
		o[n++] = '\r';
		o[n++] = '\n';
	}
	free(s.v);
	state_audit(r->d->st, now_us(), r->user, r->src, "export",
	    "alerts.csv", NULL);
	p->status = 200;
	p->body = o;
	p->len = n;
	p->ctype = "text/csv; charset=utf-8";
	snprintf(p->disposition, sizeof(p->disposition),
	    "attachment; filename=\"alerts.csv\"");
	return 0;
}

int
api_triage(struct req *r, struct resp *p)
{
	char keys[4096], status[32], assignee[64], note[1024], *k, *save;
	int n = 0;

	if (r->role < ROLE_ANALYST)
		return resp_error(p, 403, "role analyst needed");
	if (form(r, "keys", keys, sizeof(keys)) != 0 ||
	    form(r, "status", status, sizeof(status)) != 0)
		return resp_error(p, 400, "keys and status required");
	if (strcmp(status, "new") && strcmp(status, "investigating") &&
	    strcmp(status, "handled") && strcmp(status, "false_positive"))
		return resp_error(p, 400, "bad status");
	if (form(r, "assignee", assignee, sizeof(assignee)) != 0)
		assignee[0] = '\0';
	if (form(r, "note", note, sizeof(note)) != 0)
		note[0] = '\0';
	for (k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (strlen(k) > 90)
			continue;
		if (state_triage_set(r->d->st, k, status, assignee[0] ?
		    assignee : NULL, note, r->user, now_us()) == 0) {
			state_audit(r->d->st, now_us(), r->user, r->src,
			    "triage", k, status);
			n++;
		}
	}
	{
		char b[64];
		snprintf(b, sizeof(b), "{\"updated\":%d}", n);
		return resp_json(p, 200, b);
	}
}

