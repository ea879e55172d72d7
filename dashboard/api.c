/*
 * api.c - the JSON API (/api/v1/...), the CSV export and /metrics, over
 * every sensor database (merged, or one with ?sensor=NAME) through the
 * named queries of lib/store/store_query.h.  Role checks per route.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "store/store.h"
#include "store/store_query.h"
#include "store/state.h"
#include "dash.h"
#include "api.h"
#include "cache.h"
#include "formdec.h"

#define MAX_SVC		2048

/* js: a string member, null when absent (jb_str needs a string). */
void
js(struct jb *j, const char *key, const char *v)
{
	if (v == NULL)
		jb_null(j, key);
	else
		jb_str(j, key, v);
}


/* range(r, from, to): ?range=24h|7d|30d|all (default all) or ?from=&to=
 * in seconds (a custom range; from < to, else all).  Relative ranges end
 * at the next whole minute, so one minute's requests share a cache key. */
void
range(struct req *r, uint64_t *from, uint64_t *to)
{
	const char *v = arg(r, "range");
	int64_t f = secs(arg(r, "from")), t = secs(arg(r, "to"));
	uint64_t m = 60ULL * 1000000, now = (now_us() / m + 1) * m;
	uint64_t h = 3600ULL * 1000000;

	*from = 0;
	*to = UINT64_MAX >> 1;
	if (f >= 0 && t > f) {
		*from = (uint64_t)f * 1000000;
		*to = (uint64_t)t * 1000000;
	} else if (v && strcmp(v, "24h") == 0)
		*from = now - 24 * h, *to = now;
	else if (v && strcmp(v, "7d") == 0)
		*from = now - 7 * 24 * h, *to = now;
	else if (v && strcmp(v, "30d") == 0)
		*from = now - 30 * 24 * h, *to = now;
}

/* cached(r, p, view, one, fn): fn's response from the cache when the
 * selected databases allow (cache.h), else fn's and stored. */
int
cached(struct req *r, struct resp *p, const char *view, const char *one,
    int (*fn)(struct req *, struct resp *, const char *))
{
	char key[256];
	const char *sensor = arg(r, "sensor");
	uint64_t from, to, ver = 1469598103934665603ULL, now = now_us();
	int64_t dv;
	int i;

	range(r, &from, &to);
	if ((size_t)snprintf(key, sizeof(key), "%s|%s|%llu|%llu|%s", view,
	    one ? one : "", (unsigned long long)from, (unsigned long long)to,
	    sensor ? sensor : "*") >= sizeof(key))
		return fn(r, p, one);
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		pthread_mutex_lock(&r->d->dbmu[i]);
		dv = sq_data_version(r->d->db[i]);
		pthread_mutex_unlock(&r->d->dbmu[i]);
		ver = (ver ^ (uint64_t)dv ^ (uint64_t)i << 56) *
		    1099511628211ULL;
	}
	if (cache_get(key, ver, now, &p->body, &p->len) == 0) {
		p->status = 200;
		p->ctype = "application/json; charset=utf-8";
		return 0;
	}
	fn(r, p, one);
	if (p->status == 200 && p->body != NULL)
		cache_put(key, ver, now, p->body, p->len);
	return 0;
}

/* db_on(r, i): is database i selected by ?sensor=? */
int
db_on(struct req *r, int i)
{
	const char *s = arg(r, "sensor");

	return s == NULL || strcmp(s, r->d->sensor[i]) == 0;
}

int
out(struct resp *p, struct jb *j, char *buf)
{
	size_t n = jb_finish(j);

	if (n == 0) {
		free(buf);
		return resp_error(p, 500, "response too large");
	}
	p->status = 200;
	p->body = buf;
	p->len = n;
	p->ctype = "application/json; charset=utf-8";
	return 0;
}

/* ---- overview ---- */
struct vt { char verdict[32]; struct sq_verdict_total t; };
struct vts { struct vt v[16]; int n; };

static int
vt_cb(void *a, const struct sq_verdict_total *t)
{
	struct vts *s = a;
	int i;

	for (i = 0; i < s->n && strcmp(s->v[i].verdict, t->verdict); i++)
		;
	if (i == s->n) {
		if (s->n == 16)
			return 0;
		memset(&s->v[i], 0, sizeof(s->v[i]));
		snprintf(s->v[i].verdict, sizeof(s->v[i].verdict), "%s",
		    t->verdict);
		s->n++;
	}
	s->v[i].t.flows += t->flows; s->v[i].t.lookups += t->lookups;
	s->v[i].t.bytes_up += t->bytes_up; s->v[i].t.uploads += t->uploads;
	s->v[i].t.dlp += t->dlp; s->v[i].t.alerts += t->alerts;
	return 0;
}

static int
tl_cb(void *a, const struct sq_timeline *t)
{
	struct jb *j = ((struct ctx *)a)->j;

	jb_obj_open(j, NULL);
	jb_u64(j, "hour", t->hour / 1000000);
	js(j, "verdict", t->verdict);
	jb_u64(j, "flows", t->flows);
	jb_u64(j, "lookups", t->lookups);
	jb_obj_close(j);
	return 0;
}

static int
dlpclass_cb(void *a, const struct sq_dlp *t)
{
	struct jb *j = ((struct ctx *)a)->j;

	jb_obj_open(j, NULL);
	js(j, "class", t->dlp_class);
	jb_u64(j, "findings", t->findings);
	js(j, "sensor", ((struct ctx *)a)->r->d->sensor[((struct ctx *)a)->db]);
	jb_obj_close(j);
	return 0;
}

static int
stat_cb(void *a, const struct sq_stat *t)
{
	struct ctx *c = a;

	jb_obj_open(c->j, NULL);
	js(c->j, "name", t->name);
	jb_u64(c->j, "value", t->value);
	jb_u64(c->j, "ts", t->ts / 1000000);
	js(c->j, "sensor", c->r->d->sensor[c->db]);
	jb_obj_close(c->j);
	return 0;
}

static int
overview(struct req *r, struct resp *p, const char *unused)
{
	char *buf = malloc(OUT_CAP);
	struct jb j;
	struct vts v;
	struct ctx c = { r, &j, 0 };
	uint64_t from, to;
	int64_t proh = 0, n;
	int i;

	(void)unused;
	if (buf == NULL)
		return resp_error(p, 500, "no memory");
	range(r, &from, &to);
	memset(&v, 0, sizeof(v));
	jb_init(&j, buf, OUT_CAP);
	jb_obj_open(&j, NULL);
	jb_u64(&j, "from", from / 1000000);
	jb_u64(&j, "to", to / 1000000);
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_verdict_totals(r->d->db[i], from, to, vt_cb, &v);
		n = sq_clients_with_verdict(r->d->db[i], from, to, "prohibited");
		pthread_mutex_unlock(&r->d->dbmu[i]);
		if (n > 0)
			proh += n;
	}
	jb_i64(&j, "prohibited_clients", proh);
	jb_arr_open(&j, "verdicts");
	for (i = 0; i < v.n; i++) {
		jb_obj_open(&j, NULL);
		js(&j, "verdict", v.v[i].verdict);
		jb_u64(&j, "flows", v.v[i].t.flows);
		jb_u64(&j, "lookups", v.v[i].t.lookups);
		jb_u64(&j, "bytes_up", v.v[i].t.bytes_up);
		jb_u64(&j, "uploads", v.v[i].t.uploads);
		jb_u64(&j, "dlp", v.v[i].t.dlp);
		jb_u64(&j, "alerts", v.v[i].t.alerts);
		jb_obj_close(&j);
	}
	jb_arr_close(&j);
	jb_arr_open(&j, "timeline");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_timeline(r->d->db[i], from, to, tl_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	jb_arr_close(&j);
	jb_arr_open(&j, "dlp");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_dlp_classes(r->d->db[i], from, to, dlpclass_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	jb_arr_close(&j);
	jb_arr_open(&j, "visibility");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_visibility(r->d->db[i], from, to, stat_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	jb_arr_close(&j);
	jb_arr_open(&j, "sensors");
	for (i = 0; i < r->d->ndb; i++)
		js(&j, NULL, r->d->sensor[i]);
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

/* ---- services ---- */
struct svc { char id[128], name[128], vendor[96], category[64], country[16],
	verdict[32]; int eu, amb; struct sq_service t; };
struct svcs { struct svc *v; int n; };

void
cp(char *d, size_t n, const char *s)
{
	snprintf(d, n, "%s", s ? s : "");
}

static int
svc_cb(void *a, const struct sq_service *t)
{
	struct svcs *s = a;
	struct svc *x;
	int i;

	for (i = 0; i < s->n && strcmp(s->v[i].id, t->service); i++)
		;
	if (i == s->n) {
		if (s->n == MAX_SVC)
			return 0;
		x = &s->v[s->n++];
		memset(x, 0, sizeof(*x));
		cp(x->id, sizeof(x->id), t->service);
		cp(x->name, sizeof(x->name), t->name);
		cp(x->vendor, sizeof(x->vendor), t->vendor);
		cp(x->category, sizeof(x->category), t->category);
		cp(x->country, sizeof(x->country), t->country);
		cp(x->verdict, sizeof(x->verdict), t->verdict);
		x->eu = t->eu_residency;
		x->amb = t->tenant_ambiguous;
		x->t.first_seen = t->first_seen;
	}
	x = &s->v[i];
	if (t->first_seen < x->t.first_seen)
		x->t.first_seen = t->first_seen;
	if (t->last_seen > x->t.last_seen)
		x->t.last_seen = t->last_seen;
	x->t.flows += t->flows; x->t.lookups += t->lookups;
	x->t.bytes_up += t->bytes_up; x->t.alerts += t->alerts;
	x->t.clients += t->clients;
	return 0;
}

static int
svc_cmp(const void *a, const void *b)
{
	const struct svc *x = a, *y = b;
	int ux = strcmp(x->verdict, "unreviewed") == 0;
	int uy = strcmp(y->verdict, "unreviewed") == 0;

	if (ux != uy)
		return uy - ux;
	if (x->t.clients != y->t.clients)
		return x->t.clients < y->t.clients ? 1 : -1;
	return strcmp(x->id, y->id);
}

int
api_services(struct req *r, struct resp *p, const char *one)
{
	char *buf = malloc(OUT_CAP);
	struct jb j;
	struct svcs s;
	uint64_t from, to;
	int i;

	s.v = calloc(MAX_SVC, sizeof(*s.v));
	s.n = 0;
	if (buf == NULL || s.v == NULL) {
		free(buf);
		free(s.v);
		return resp_error(p, 500, "no memory");
	}
	range(r, &from, &to);
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_services(r->d->db[i], from, to, one, svc_cb, &s);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	if (one && s.n == 0) {
		free(buf);
		free(s.v);
		return resp_error(p, 404, "no such service in range");
	}
	qsort(s.v, (size_t)s.n, sizeof(*s.v), svc_cmp);
	jb_init(&j, buf, OUT_CAP);
	jb_obj_open(&j, NULL);
	jb_arr_open(&j, "services");
	for (i = 0; i < s.n; i++) {
		struct svc *x = &s.v[i];
		jb_obj_open(&j, NULL);
		js(&j, "id", x->id);
		js(&j, "name", x->name);
		js(&j, "vendor", x->vendor);
		js(&j, "category", x->category);
		js(&j, "country", x->country);
		js(&j, "verdict", x->verdict);
		if (x->eu < 0)
			jb_null(&j, "eu_residency");
		else
			jb_bool(&j, "eu_residency", x->eu);
		jb_bool(&j, "tenant_ambiguous", x->amb);
		jb_bool(&j, "unreviewed", strcmp(x->verdict, "unreviewed") == 0);
		jb_u64(&j, "first_seen", x->t.first_seen / 1000000);
		jb_u64(&j, "last_seen", x->t.last_seen / 1000000 + 3600);
		jb_u64(&j, "clients", x->t.clients);
		jb_u64(&j, "flows", x->t.flows);
		jb_u64(&j, "lookups", x->t.lookups);
		jb_u64(&j, "bytes_up", x->t.bytes_up);
		jb_u64(&j, "alerts", x->t.alerts);
		jb_obj_close(&j);
	}
	jb_arr_close(&j);
	jb_obj_close(&j);
	free(s.v);
	return out(p, &j, buf);
}

/* ---- clients ---- */
static int
cl_cb(void *a, const struct sq_client *t)
{
	struct ctx *c = a;

	jb_obj_open(c->j, NULL);
	js(c->j, "client", t->client);
	js(c->j, "sensor", c->r->d->sensor[c->db]);
	jb_u64(c->j, "flows", t->flows);
	jb_u64(c->j, "bytes_up", t->bytes_up);
	jb_u64(c->j, "alerts", t->alerts);
	jb_u64(c->j, "services", t->services);
	jb_u64(c->j, "prohibited_flows", t->prohibited_flows);
	jb_obj_close(c->j);
	return 0;
}

static int
clients(struct req *r, struct resp *p, const char *unused)
{
	char *buf = malloc(OUT_CAP);
	struct jb j;
	struct ctx c = { r, &j, 0 };
	uint64_t from, to;
	int i;

	(void)unused;
	if (buf == NULL)
		return resp_error(p, 500, "no memory");
	range(r, &from, &to);
	jb_init(&j, buf, OUT_CAP);
	jb_obj_open(&j, NULL);
	jb_arr_open(&j, "clients");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_clients(r->d->db[i], from, to, 500, cl_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

/* ---- policy, health, metrics ---- */
static int
pol_cb(void *a, const struct sq_policy *t)
{
	struct ctx *c = a;

	jb_obj_open(c->j, NULL);
	js(c->j, "sensor", c->r->d->sensor[c->db]);
	jb_u64(c->j, "ts", t->ts / 1000000);
	js(c->j, "version", t->version);
	js(c->j, "action", t->action);
	js(c->j, "summary", t->summary);
	jb_i64(c->j, "errors", t->errors);
	js(c->j, "detail", t->detail);
	jb_obj_close(c->j);
	return 0;
}

static int
exc_cb(void *a, const struct sq_exception *t)
{
	struct ctx *c = a;
	uint64_t now = now_us();

	jb_obj_open(c->j, NULL);
	js(c->j, "sensor", c->r->d->sensor[c->db]);
	js(c->j, "id", t->id);
	js(c->j, "service", t->service);
	js(c->j, "zone", t->zone);
	js(c->j, "verdict", t->verdict);
	js(c->j, "owner", t->owner);
	js(c->j, "reference", t->reference);
	jb_u64(c->j, "valid_from", t->valid_from / 1000000);
	jb_u64(c->j, "valid_until", t->valid_until / 1000000);
	jb_bool(c->j, "expired", t->valid_until && t->valid_until < now);
	jb_bool(c->j, "expiring", t->valid_until && t->valid_until >= now &&
	    t->valid_until < now + 30ULL * 86400 * 1000000);
	jb_obj_close(c->j);
	return 0;
}

static int
policy(struct req *r, struct resp *p)
{
	char *buf = malloc(OUT_CAP);
	struct jb j;
	struct ctx c = { r, &j, 0 };
	int i;

	if (buf == NULL)
		return resp_error(p, 500, "no memory");
	jb_init(&j, buf, OUT_CAP);
	jb_obj_open(&j, NULL);
	jb_arr_open(&j, "history");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_policy_history(r->d->db[i], 50, pol_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	jb_arr_close(&j);
	jb_arr_open(&j, "exceptions");
	for (i = 0; i < r->d->ndb; i++) {
		if (!db_on(r, i))
			continue;
		c.db = i;
		pthread_mutex_lock(&r->d->dbmu[i]);
		sq_exceptions(r->d->db[i], exc_cb, &c);
		pthread_mutex_unlock(&r->d->dbmu[i]);
	}
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

static int
session(struct req *r, struct resp *p)
{
	char b[512];
	struct jb j;

	jb_init(&j, b, sizeof(b));
	jb_obj_open(&j, NULL);
	js(&j, "user", r->user);
	js(&j, "role", r->role_name);
	js(&j, "csrf", r->csrf);
	jb_obj_close(&j);
	jb_finish(&j);
	return resp_json(p, 200, b);
}

int
api_route(struct req *r, struct resp *p)
{
	const char *u = r->url;
	int get = strcmp(r->method, "GET") == 0;
	int post = strcmp(r->method, "POST") == 0;
	char id[128];

	if (get && strcmp(u, "/metrics") == 0)
		return api_metrics(r, p), 1;
	if (strncmp(u, "/api/v1/", 8) != 0)
		return 0;
	u += 8;
	if (get && strcmp(u, "session") == 0)
		return session(r, p), 1;
	if (get && strcmp(u, "overview") == 0)
		return cached(r, p, "overview", NULL, overview), 1;
	if (get && strcmp(u, "services") == 0)
		return cached(r, p, "services", NULL, api_services), 1;
	if (get && strncmp(u, "services/", 9) == 0 && strlen(u + 9) > 0 &&
	    strlen(u + 9) < sizeof(id))
		return cached(r, p, "service", u + 9, api_services), 1;
	if (get && strcmp(u, "alerts") == 0)
		return api_alerts(r, p), 1;
	if (get && strcmp(u, "alerts.csv") == 0)
		return api_alerts_csv(r, p), 1;
	if (post && strcmp(u, "alerts/triage") == 0)
		return api_triage(r, p), 1;
	if (get && strcmp(u, "clients") == 0)
		return cached(r, p, "clients", NULL, clients), 1;
	if (api_reid_route(r, p, u))
		return 1;
	if (get && strcmp(u, "policy") == 0)
		return policy(r, p), 1;
	if (get && strcmp(u, "health") == 0)
		return api_health(r, p), 1;
	return api_views_route(r, p, u);
}
