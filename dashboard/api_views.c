/*
 * api_views.c - the API routes beside the main views: the vocabulary
 * (labels for the UI), a service's drill-down, sensor health, /metrics,
 * user administration (admin role) and alert notes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/vocab.h"
#include "store/store_query.h"
#include "store/state.h"
#include "dash.h"
#include "api.h"
#include "cache.h"

static char *
obuf(struct resp *p, struct jb *j)
{
	char *buf = malloc(OUT_CAP);

	if (buf == NULL) {
		resp_error(p, 500, "no memory");
		return NULL;
	}
	jb_init(j, buf, OUT_CAP);
	jb_obj_open(j, NULL);
	return buf;
}

/* ---- vocabulary: {"verdict": {"prohibited": {"nl":..,"en":..}}} ---- */
static int
vocab(struct resp *p)
{
	struct jb j;
	char *buf;
	int i, k;

	if ((buf = obuf(p, &j)) == NULL)
		return 0;
	for (i = 0; vocab_all[i] != NULL; i++) {
		const struct vocab *v = vocab_all[i];
		jb_obj_open(&j, v->concept);
		for (k = 0; k < v->count; k++) {
			jb_obj_open(&j, v->e[k].name);
			js(&j, "nl", v->e[k].nl);
			js(&j, "en", v->e[k].en);
			jb_obj_close(&j);
		}
		jb_obj_close(&j);
	}
	jb_obj_close(&j);
	return out(p, &j, buf);
}

/* ---- a service's drill-down: trend per day, DLP classes, alerts ---- */
struct day { uint64_t day; char verdict[32]; uint64_t flows, lookups; };
struct days { struct day v[400]; int n; };
struct cls { char name[48]; uint64_t n; };
struct clss { struct cls v[DLP_C__COUNT + 8]; int n; };

static int
day_cb(void *a, const struct sq_timeline *t)
{
	struct days *d = a;
	int i;

	for (i = 0; i < d->n && (d->v[i].day != t->hour ||
	    strcmp(d->v[i].verdict, t->verdict)); i++)
		;
	if (i == d->n) {
		if (d->n == (int)(sizeof(d->v) / sizeof(d->v[0])))
			return 0;
		d->n++;
		memset(&d->v[i], 0, sizeof(d->v[i]));
		d->v[i].day = t->hour;
		cp(d->v[i].verdict, sizeof(d->v[i].verdict), t->verdict);
	}
	d->v[i].flows += t->flows;
	d->v[i].lookups += t->lookups;
	return 0;
}

static int
day_cmp(const void *a, const void *b)
{
	const struct day *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

static int
cls_cb(void *a, const struct sq_dlp *t)
{
	struct clss *c = a;
	int i;

	for (i = 0; i < c->n && strcmp(c->v[i].name, t->dlp_class); i++)
		;
	if (i == c->n) {
		if (c->n == (int)(sizeof(c->v) / sizeof(c->v[0])))
			return 0;
		c->n++;
		cp(c->v[i].name, sizeof(c->v[i].name), t->dlp_class);
		c->v[i].n = 0;
	}
	c->v[i].n += t->findings;
	return 0;
}

static int
kind_cb(void *a, const struct sq_stat *t)
{
	int k = vocab_lookup(&vocab_alert_kind, t->name);

	if (k >= 0)
		((int64_t *)a)[k] += (int64_t)t->value;
	return 0;
}

static int
service_detail(struct req *r, struct resp *p, const char *id)
{
	struct jb j;
	struct days *d;
	struct clss c;
	struct sq_alert_filter f;
	int64_t kinds[AK__COUNT];
	char *buf;
	int i, k;

	if (id == NULL || strlen(id) >= 128)
		return resp_error(p, 400, "id required");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return resp_error(p, 500, "no memory");
	memset(&c, 0, sizeof(c));
	memset(&f, 0, sizeof(f));
	memset(kinds, 0, sizeof(kinds));
	range(r, &f.from, &f.to);
	f.service = id;
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_service_days(r->d->db[i], f.from, f.to, id, day_cb, d);
		sq_service_dlp(r->d->db[i], f.from, f.to, id, cls_cb, &c);
		sq_alert_kinds(r->d->db[i], f.from, f.to, id, kind_cb, kinds);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	qsort(d->v, (size_t)d->n, sizeof(d->v[0]), day_cmp);
	if ((buf = obuf(p, &j)) == NULL) {
		free(d);
		return 0;
	}
	js(&j, "id", id);
	jb_arr_open(&j, "days");
	for (i = 0; i < d->n; i++) {
		jb_obj_open(&j, NULL);
		jb_u64(&j, "day", d->v[i].day / 1000000);
		js(&j, "verdict", d->v[i].verdict);
		jb_u64(&j, "flows", d->v[i].flows);
		jb_u64(&j, "lookups", d->v[i].lookups);
		jb_obj_close(&j);
	}
	jb_arr_close(&j);
	jb_arr_open(&j, "dlp");
	for (i = 0; i < c.n; i++) {
		jb_obj_open(&j, NULL);
		js(&j, "class", c.v[i].name);
		jb_u64(&j, "findings", c.v[i].n);
		jb_obj_close(&j);
	}
	jb_arr_close(&j);
	jb_obj_open(&j, "alerts");
	for (k = 0; k < AK__COUNT; k++)
		jb_i64(&j, vocab_name(&vocab_alert_kind, k), kinds[k]);
	jb_obj_close(&j);
	jb_obj_close(&j);
	free(d);
	return out(p, &j, buf);
}

/* ---- sensor health ---- */
struct hs {
	struct jb	*j;
	uint64_t	 packets, drops, pk_ts[2], pk_v[2];
	int		 npk, have_pk, have_dr;
};

static int
is_fault(const char *n)
{
	return strstr(n, "lost") || strstr(n, "malformed") ||
	    strstr(n, "busy") || strstr(n, "error") || strstr(n, "fail");
}

static int
hstat_cb(void *a, const struct sq_stat *t)
{
	struct hs *h = a;

	if (strcmp(t->name, "capture.received") == 0 ||
	    strcmp(t->name, "capture.kernel_packets") == 0)
		h->packets = t->value, h->have_pk = 1;
	else if (strcmp(t->name, "capture.dropped") == 0 ||
	    strcmp(t->name, "capture.if_dropped") == 0 ||
	    strcmp(t->name, "capture.kernel_drops") == 0)
		h->drops += t->value, h->have_dr = 1;
	return 0;
}

static int
fault_cb(void *a, const struct sq_stat *t)
{
	struct hs *h = a;

	if (!is_fault(t->name))
		return 0;
	jb_obj_open(h->j, NULL);
	js(h->j, "name", t->name);
	jb_u64(h->j, "value", t->value);
	jb_u64(h->j, "ts", t->ts / 1000000);
	jb_obj_close(h->j);
	return 0;
}

static int
raw_cb(void *a, const struct sq_stat *t)
{
	struct jb *j = a;

	jb_obj_open(j, NULL);
	js(j, "name", t->name);
	jb_u64(j, "value", t->value);
	jb_u64(j, "ts", t->ts / 1000000);
	jb_obj_close(j);
	return 0;
}

static int
sample_cb(void *a, const struct sq_stat *t)
{
	struct hs *h = a;

	if (h->npk < 2) {
		h->pk_ts[h->npk] = t->ts;
		h->pk_v[h->npk] = t->value;
		h->npk++;
	}
	return 0;
}

static int
reload_cb(void *a, const struct sq_policy *t)
{
	struct jb *j = a;

	jb_obj_open(j, NULL);
	jb_u64(j, "ts", t->ts / 1000000);
	js(j, "version", t->version);
	js(j, "action", t->action);
	js(j, "summary", t->summary);
	jb_i64(j, "errors", t->errors);
	jb_obj_close(j);
	return 0;
}

struct evs { uint64_t n; };

static int
ev_cb(void *a, const struct sq_timeline *t)
{
	((struct evs *)a)->n += t->flows + t->lookups;
	return 0;
}

int
api_health(struct req *r, struct resp *p)
{
	struct jb j;
	struct hs h;
	struct evs e;
	char *buf;
	int64_t last, bytes;
	uint64_t hr = 3600ULL * 1000000, lh;
	int i;

	if ((buf = obuf(p, &j)) == NULL)
		return 0;
	jb_u64(&j, "now", now_us() / 1000000);
	jb_arr_open(&j, "sensors");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		memset(&h, 0, sizeof(h));
		memset(&e, 0, sizeof(e));
		h.j = &j;
		jb_obj_open(&j, NULL);
		js(&j, "sensor", r->d->sensor[i]);
		pthread_mutex_lock(&r->d->dbmu[i]);
		last = sq_last_event(r->d->db[i]);
		bytes = sq_db_bytes(r->d->db[i]);
		sq_stats_latest(r->d->db[i], hstat_cb, &h);
		if (sq_stat_samples(r->d->db[i], "capture.received", 2,
		    sample_cb, &h) != 0 || h.npk == 0)
			sq_stat_samples(r->d->db[i], "capture.kernel_packets",
			    2, sample_cb, &h);
		/* Events per second over the last whole hour of data. */
		lh = last > 0 ? (uint64_t)last / hr * hr : 0;
		if (lh >= hr)
			sq_timeline(r->d->db[i], lh - hr, lh, ev_cb, &e);
		jb_i64(&j, "db_bytes", bytes);
		jb_u64(&j, "last_event", last > 0 ? (uint64_t)last / 1000000 :
		    0);
		jb_u64(&j, "events_last_hour", e.n);
		jb_u64(&j, "events_per_s_x100", e.n * 100 / 3600);
		if (h.have_pk)
			jb_u64(&j, "packets", h.packets);
		else
			jb_null(&j, "packets");
		if (h.have_dr)
			jb_u64(&j, "drops", h.drops);
		else
			jb_null(&j, "drops");
		if (h.npk == 2 && h.pk_ts[0] > h.pk_ts[1] &&
		    h.pk_v[0] >= h.pk_v[1])
			jb_u64(&j, "packets_per_s", (h.pk_v[0] - h.pk_v[1]) *
			    1000000 / (h.pk_ts[0] - h.pk_ts[1]));
		else
			jb_null(&j, "packets_per_s");
		jb_arr_open(&j, "faults");
		sq_stats_latest(r->d->db[i], fault_cb, &h);
		jb_arr_close(&j);
		jb_arr_open(&j, "reloads");
		sq_policy_history(r->d->db[i], 10, reload_cb, &j);
		jb_arr_close(&j);
		jb_arr_open(&j, "stats");
		sq_stats_latest(r->d->db[i], raw_cb, &j);
		jb_arr_close(&j);
		pthread_mutex_unlock(&r->d->dbmu[i]);
		jb_obj_close(&j);
	}
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

/* ---- /metrics: Prometheus text, every sensor counter ---- */
struct mctx { char *o; size_t n, cap; char sensor[160]; };

static void
mput(struct mctx *m, const char *metric, unsigned long long v)
{
	int k;

	if (m->n + 512 >= m->cap)
		return;
	k = snprintf(m->o + m->n, m->cap - m->n, "%s{sensor=\"%s\"} %llu\n",
	    metric, m->sensor, v);
	if (k > 0 && (size_t)k < m->cap - m->n)
		m->n += (size_t)k;
}

static int
met_cb(void *a, const struct sq_stat *t)
{
	struct mctx *m = a;
	char name[96];
	size_t i;
	int k;

	for (i = 0; t->name[i] && i + 1 < sizeof(name); i++)
		name[i] = (t->name[i] >= 'a' && t->name[i] <= 'z') ||
		    (t->name[i] >= '0' && t->name[i] <= '9') ? t->name[i] : '_';
	name[i] = '\0';
	if (m->n + 512 < m->cap) {
		k = snprintf(m->o + m->n, m->cap - m->n,
		    "shadowtap_sensor_%s{sensor=\"%s\"} %llu\n", name,
		    m->sensor, (unsigned long long)t->value);
		if (k > 0 && (size_t)k < m->cap - m->n)
			m->n += (size_t)k;
	}
	return 0;
}

/* label: a Prometheus label value (backslash, quote, newline escaped). */
static void
label(char *d, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < cap; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			d[o++] = '\\';
			d[o++] = *s == '\n' ? 'n' : *s;
		} else
			d[o++] = *s;
	}
	d[o] = '\0';
}

int
api_metrics(struct req *r, struct resp *p)
{
	struct mctx m;
	struct dash *d = r->d;
	uint64_t hits, misses;
	size_t cb;
	int64_t v;
	int i;

	m.cap = 256 * 1024;
	if ((m.o = malloc(m.cap)) == NULL)
		return resp_error(p, 500, "no memory");
	cache_stats(&hits, &misses, &cb);
	m.n = (size_t)snprintf(m.o, m.cap,
	    "# TYPE shadowtap_dashboard_requests_total counter\n"
	    "shadowtap_dashboard_requests_total %llu\n"
	    "# TYPE shadowtap_dashboard_refused_total counter\n"
	    "shadowtap_dashboard_refused_total %llu\n"
	    "# TYPE shadowtap_dashboard_logins_total counter\n"
	    "shadowtap_dashboard_logins_total %llu\n"
	    "# TYPE shadowtap_dashboard_login_failures_total counter\n"
	    "shadowtap_dashboard_login_failures_total %llu\n"
	    "# TYPE shadowtap_dashboard_cache_hits_total counter\n"
	    "shadowtap_dashboard_cache_hits_total %llu\n"
	    "# TYPE shadowtap_dashboard_cache_misses_total counter\n"
	    "shadowtap_dashboard_cache_misses_total %llu\n"
	    "# TYPE shadowtap_dashboard_cache_bytes gauge\n"
	    "shadowtap_dashboard_cache_bytes %zu\n",
	    (unsigned long long)d->requests, (unsigned long long)d->refused,
	    (unsigned long long)d->logins,
	    (unsigned long long)d->login_failures,
	    (unsigned long long)hits, (unsigned long long)misses, cb);
	for (i = 0; i < d->ndb; i++) {
		label(m.sensor, sizeof(m.sensor), d->sensor[i]);
		pthread_mutex_lock(&d->dbmu[i]);
		sq_stats_latest(d->db[i], met_cb, &m);
		v = sq_last_event(d->db[i]);
		mput(&m, "shadowtap_sensor_last_event_seconds", v > 0 ?
		    (unsigned long long)v / 1000000 : 0);
		v = sq_db_bytes(d->db[i]);
		mput(&m, "shadowtap_sensor_db_bytes", v > 0 ?
		    (unsigned long long)v : 0);
		pthread_mutex_unlock(&d->dbmu[i]);
	}
	p->status = 200;
	p->body = m.o;
	p->len = m.n;
	p->ctype = "text/plain; version=0.0.4";
	return 0;
}

/* ---- users (admin) ---- */
static int
user_cb(void *a, const struct state_user *u)
{
	struct jb *j = a;

	jb_obj_open(j, NULL);
	js(j, "name", u->name);
	js(j, "role", u->role);
	jb_u64(j, "created", u->created / 1000000);
	jb_bool(j, "disabled", u->disabled);
	jb_obj_close(j);
	return 0;
}

static int
users_get(struct req *r, struct resp *p)
{
	struct jb j;
	char *buf;

	if (r->role != ROLE_ADMIN)
		return resp_error(p, 403, "role admin needed");
	if ((buf = obuf(p, &j)) == NULL)
		return 0;
	jb_arr_open(&j, "users");
	state_users(r->d->st, user_cb, &j);
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

static int
users_post(struct req *r, struct resp *p)
{
	char act[16], name[64], role[32], pw[256], dis[8];
	int rc, d = -1;

	if (r->role != ROLE_ADMIN)
		return resp_error(p, 403, "role admin needed");
	if (form(r, "action", act, sizeof(act)) != 0 ||
	    form(r, "name", name, sizeof(name)) != 0 || name[0] == '\0' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-@") != strlen(name))
		return resp_error(p, 400, "action and a plain user name needed");
	if (form(r, "role", role, sizeof(role)) != 0)
		role[0] = '\0';
	if (role[0] && role_of(role) == ROLE_NONE)
		return resp_error(p, 400, "unknown role");
	if (strcmp(act, "add") == 0) {
		if (role[0] == '\0' || form(r, "password", pw, sizeof(pw)) != 0
		    || strlen(pw) < 10)
			return resp_error(p, 400, "role and a password of at"
			    " least 10 characters needed");
		rc = state_user_add(r->d->st, name, role, pw);
		memset(pw, 0, sizeof(pw));
	} else if (strcmp(act, "set") == 0) {
		if (form(r, "disabled", dis, sizeof(dis)) == 0)
			d = strcmp(dis, "1") == 0 ? 1 : 0;
		if (d == 1 && strcmp(name, r->user) == 0)
			return resp_error(p, 400, "you cannot disable yourself");
		if (strcmp(name, r->user) == 0 && role[0] &&
		    strcmp(role, "admin") != 0)
			return resp_error(p, 400, "you cannot drop your own"
			    " admin role");
		rc = state_user_set(r->d->st, name, role[0] ? role : NULL, d);
	} else
		return resp_error(p, 400, "action must be add or set");
	if (rc == -ENOENT)
		return resp_error(p, 404, "no such user");
	if (rc != 0)
		return resp_error(p, 500, "state store failed");
	state_audit(r->d->st, now_us(), r->user, r->src, strcmp(act, "add") ?
	    "user_set" : "user_add", name, role[0] ? role : d == 1 ?
	    "disabled" : d == 0 ? "enabled" : NULL);
	return resp_json(p, 200, "{\"ok\":true}");
}

/* ---- notes on an alert ---- */
static int
note_cb(void *a, const struct state_note *n)
{
	struct jb *j = a;

	jb_obj_open(j, NULL);
	jb_u64(j, "ts", n->ts / 1000000);
	js(j, "user", n->user);
	js(j, "text", n->text);
	jb_obj_close(j);
	return 0;
}

static int
notes_get(struct req *r, struct resp *p)
{
	const char *key = arg(r, "key");
	struct jb j;
	char *buf;

	if (key == NULL || strlen(key) > 90)
		return resp_error(p, 400, "key required");
	if ((buf = obuf(p, &j)) == NULL)
		return 0;
	js(&j, "key", key);
	jb_arr_open(&j, "notes");
	state_notes(r->d->st, key, note_cb, &j);
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

static int
note_post(struct req *r, struct resp *p)
{
	char key[96], text[1024];

	if (r->role < ROLE_ANALYST)
		return resp_error(p, 403, "role analyst needed");
	if (form(r, "key", key, sizeof(key)) != 0 || key[0] == '\0' ||
	    strlen(key) > 90 || form(r, "text", text, sizeof(text)) != 0 ||
	    text[0] == '\0')
		return resp_error(p, 400, "key and text required");
	if (state_note_add(r->d->st, key, r->user, text, now_us()) != 0)
		return resp_error(p, 500, "state store failed");
	state_audit(r->d->st, now_us(), r->user, r->src, "note", key, NULL);
	return resp_json(p, 200, "{\"ok\":true}");
}

static int
detail_fn(struct req *r, struct resp *p, const char *id)
{
	return service_detail(r, p, id);
}

int
api_views_route(struct req *r, struct resp *p, const char *u)
{
	int get = strcmp(r->method, "GET") == 0;
	int post = strcmp(r->method, "POST") == 0;
	const char *id;

	if (get && strcmp(u, "vocab") == 0)
		return vocab(p), 1;
	if (get && strcmp(u, "service") == 0) {
		if ((id = arg(r, "id")) == NULL || strlen(id) >= 128)
			return resp_error(p, 400, "id required"), 1;
		return cached(r, p, "detail", id, detail_fn), 1;
	}
	if (get && strcmp(u, "users") == 0)
		return users_get(r, p), 1;
	if (post && strcmp(u, "users") == 0)
		return users_post(r, p), 1;
	if (get && strcmp(u, "alerts/notes") == 0)
		return notes_get(r, p), 1;
	if (post && strcmp(u, "alerts/note") == 0)
		return note_post(r, p), 1;
	return 0;
}
