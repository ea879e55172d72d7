/*
 * api_reid.c - re-identification in the dashboard (privacy_officer only):
 * the request itself through reid_request() (lib/store/reid.h), and with
 * four-eyes on the pending requests in the state DB (lib/store/state.h):
 * a second officer approves or rejects (reid_decide(), audited in the
 * audit DB), then the requester alone opens the identity once.  Every
 * attempt is also audited in the state DB.  Errors carry a code
 * ({"error": CODE, "detail": TEXT}) that the UI translates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "store/state.h"
#ifdef HAVE_REID
#include "store/reid.h"
#endif
#include "dash.h"
#include "api.h"

#ifdef HAVE_REID
/* The audit DB and identity key sit beside sensor database ${i}. */
struct rpaths { char audit[600], key[600]; };

static void
conf_for(struct req *r, int i, struct reid_conf *rc, struct rpaths *rp)
{
	char dir[512], *sl;

	snprintf(dir, sizeof(dir), "%s", r->d->dbpath[i]);
	if ((sl = strrchr(dir, '/')) != NULL)
		*sl = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(rp->audit, sizeof(rp->audit), "%s/audit.db", dir);
	snprintf(rp->key, sizeof(rp->key), "%s/identity.key", dir);
	memset(rc, 0, sizeof(*rc));
	rc->db_path = r->d->dbpath[i];
	rc->audit_path = rp->audit;
	rc->identity_key_path = rp->key;
}

static int
db_by_name(struct req *r, const char *sensor)
{
	int i;

	for (i = 0; i < r->d->ndb; i++)
		if (sensor && strcmp(r->d->sensor[i], sensor) == 0)
			return i;
	return -1;
}

static int
status_of(int e, const char *code)
{
	if (e == 0)
		return 200;
	if (code && strcmp(code, "reid_pending") == 0)
		return 202;
	return e == -EACCES ? 403 : e == -ENOENT ? 404 : 500;
}

/* answer(p, e, code, msg, pseudo, addr, id): the JSON of one outcome. */
static int
answer(struct resp *p, int e, const char *code, const char *msg,
    const char *pseudo, const char *addr, int64_t id)
{
	char b[768];
	struct jb j;

	jb_init(&j, b, sizeof(b));
	jb_obj_open(&j, NULL);
	js(&j, "client", pseudo);
	if (e == 0 && addr)
		js(&j, "address", addr);
	if (id > 0)
		jb_i64(&j, "request", id);
	if (e == 0 || strcmp(code, "reid_pending") == 0)
		js(&j, "status", e == 0 ? "granted" : "pending");
	else
		js(&j, "error", code);
	js(&j, "detail", msg);
	jb_obj_close(&j);
	jb_finish(&j);
	return resp_json(p, status_of(e, code), b);
}
#endif

static int
reid(struct req *r, struct resp *p, const char *pseudo)
{
	char reason[512];

	if (form(r, "reason", reason, sizeof(reason)) != 0)
		reason[0] = '\0';
	state_audit(r->d->st, now_us(), r->user, r->src, "reid", pseudo,
	    reason);
	if (r->role != ROLE_PRIVACY)
		return resp_err(p, 403, "role_privacy_officer",
		    "role privacy_officer needed");
#ifdef HAVE_REID
	{
		struct reid_conf rc;
		struct rpaths rp;
		char addr[64] = "", msg[256] = "";
		const char *code = "reid_unknown";
		int64_t id = 0;
		int i, e = -ENOENT, at = -1;

		snprintf(msg, sizeof(msg), "no selected sensor database");
		for (i = 0; i < r->d->ndb && e == -ENOENT; i++) {
			if (!db_on(r, i))
				continue;
			conf_for(r, i, &rc, &rp);
			at = i;
			e = reid_request_code(&rc, pseudo, r->user,
			    r->role_name, reason, NULL, addr, sizeof(addr), msg,
			    sizeof(msg), &code);
		}
		if (at >= 0 && strcmp(code, "reid_pending") == 0 &&
		    state_reid_add(r->d->st, r->d->sensor[at], pseudo, r->user,
		    reason, now_us(), &id) == 0)
			state_audit(r->d->st, now_us(), r->user, r->src,
			    "reid_pending", pseudo, r->d->sensor[at]);
		return answer(p, e, code, msg, pseudo, addr, id);
	}
#else
	return resp_err(p, 501, "reid_not_built",
	    "re-identification not built in (no lib/store/reid.c)");
#endif
}

/* ---- four-eyes requests ---- */
struct rq { struct jb *j; const char *user; };

static int
rq_cb(void *a, const struct state_reid *x)
{
	struct rq *q = a;

	jb_obj_open(q->j, NULL);
	jb_i64(q->j, "id", x->id);
	jb_u64(q->j, "ts", x->ts / 1000000);
	js(q->j, "sensor", x->sensor);
	js(q->j, "client", x->pseudo);
	js(q->j, "requester", x->requester);
	js(q->j, "reason", x->reason);
	js(q->j, "status", x->status);
	js(q->j, "approver", x->approver);
	js(q->j, "decision", x->decision);
	if (x->decided)
		jb_u64(q->j, "decided", x->decided / 1000000);
	else
		jb_null(q->j, "decided");
	jb_bool(q->j, "mine", strcmp(x->requester, q->user) == 0);
	jb_obj_close(q->j);
	return 0;
}

static int
requests(struct req *r, struct resp *p)
{
	char *buf;
	struct jb j;
	struct rq q;

	if (r->role != ROLE_PRIVACY)
		return resp_err(p, 403, "role_privacy_officer",
		    "role privacy_officer needed");
	if ((buf = malloc(OUT_CAP)) == NULL)
		return resp_err(p, 500, "no_memory", "no memory");
	jb_init(&j, buf, OUT_CAP);
	jb_obj_open(&j, NULL);
	jb_arr_open(&j, "requests");
	q.j = &j;
	q.user = r->user;
	state_reid_list(r->d->st, 200, rq_cb, &q);
	jb_arr_close(&j);
	jb_obj_close(&j);
	return out(p, &j, buf);
}

/* one request's fields, copied out of the state DB's callback */
struct one {
	char	sensor[64], pseudo[80], requester[64], reason[512];
	char	status[16], approver[64];
};

static void
cpz(char *d, size_t n, const char *s)
{
	snprintf(d, n, "%s", s ? s : "");
}

static int
one_cb(void *a, const struct state_reid *x)
{
	struct one *o = a;

	cpz(o->sensor, sizeof(o->sensor), x->sensor);
	cpz(o->pseudo, sizeof(o->pseudo), x->pseudo);
	cpz(o->requester, sizeof(o->requester), x->requester);
	cpz(o->reason, sizeof(o->reason), x->reason);
	cpz(o->status, sizeof(o->status), x->status);
	cpz(o->approver, sizeof(o->approver), x->approver);
	return 0;
}

/* act(r, p, id, what): approve, reject or open request ${id}. */
static int
act(struct req *r, struct resp *p, int64_t id, const char *what)
{
	struct one o;
	char reason[512], tgt[32];
	int e;

	if (form(r, "reason", reason, sizeof(reason)) != 0)
		reason[0] = '\0';
	snprintf(tgt, sizeof(tgt), "%lld", (long long)id);
	state_audit(r->d->st, now_us(), r->user, r->src, strcmp(what, "open")
	    == 0 ? "reid_open" : strcmp(what, "approve") == 0 ?
	    "reid_approve" : "reid_reject", tgt, reason);
	if (r->role != ROLE_PRIVACY)
		return resp_err(p, 403, "role_privacy_officer",
		    "role privacy_officer needed");
	memset(&o, 0, sizeof(o));
	if (state_reid_get(r->d->st, id, one_cb, &o) != 0)
		return resp_err(p, 404, "reid_no_request",
		    "no such re-identification request");
#ifdef HAVE_REID
	{
		struct reid_conf rc;
		struct rpaths rp;
		char addr[64] = "", msg[256] = "";
		const char *code = "reid_no_request";
		int i = db_by_name(r, o.sensor);

		if (i < 0)
			return resp_err(p, 404, "reid_no_sensor",
			    "the request's sensor database is not served");
		conf_for(r, i, &rc, &rp);
		if (strcmp(what, "open") == 0) {
			if (strcmp(o.requester, r->user) != 0)
				return resp_err(p, 403, "reid_not_requester",
				    "only the requester opens an approved "
				    "request");
			if (state_reid_open(r->d->st, id, r->user, now_us())
			    != 0)
				return resp_err(p, 409, "reid_not_approved",
				    "the request is not approved, or was "
				    "opened already");
			e = reid_request_code(&rc, o.pseudo, r->user,
			    r->role_name, o.reason, o.approver, addr,
			    sizeof(addr), msg, sizeof(msg), &code);
			return answer(p, e, code, msg, o.pseudo, addr, id);
		}
		if (strcmp(o.requester, r->user) == 0) {
			/* audited as refused in the audit DB too */
			reid_decide(&rc, o.pseudo, o.requester, r->user,
			    r->role_name, reason, 0, msg, sizeof(msg), &code);
			return resp_err(p, 403, "reid_self_approval",
			    "the approver must be a different officer than "
			    "the requester");
		}
		if (strcmp(o.status, "pending") != 0)
			return resp_err(p, 409, "reid_not_pending",
			    "the request was decided already");
		e = reid_decide(&rc, o.pseudo, o.requester, r->user,
		    r->role_name, reason, strcmp(what, "approve") == 0, msg,
		    sizeof(msg), &code);
		if (e != 0)
			return resp_err(p, e == -EACCES ? 403 : 500, code, msg);
		if (state_reid_decide(r->d->st, id, r->user, strcmp(what,
		    "approve") == 0, reason, now_us()) != 0)
			return resp_err(p, 409, "reid_not_pending",
			    "the request was decided already");
		{
			char b[128];
			snprintf(b, sizeof(b), "{\"request\":%lld,\"status\":"
			    "\"%s\"}", (long long)id, code);
			return resp_json(p, 200, b);
		}
	}
#else
	(void)e;
	return resp_err(p, 501, "reid_not_built",
	    "re-identification not built in (no lib/store/reid.c)");
#endif
}

/* /api/v1/clients/PSEUDONYM/reid, /api/v1/reid/requests[/ID/ACTION] */
int
api_reid_route(struct req *r, struct resp *p, const char *u)
{
	int get = strcmp(r->method, "GET") == 0;
	int post = strcmp(r->method, "POST") == 0;
	const char *rest, *act_s;
	char id[128], *end;
	long long n;

	if (post && strncmp(u, "clients/", 8) == 0 &&
	    (rest = strstr(u + 8, "/reid")) != NULL && strcmp(rest, "/reid") == 0
	    && rest - (u + 8) > 0 && (size_t)(rest - (u + 8)) < sizeof(id)) {
		memcpy(id, u + 8, (size_t)(rest - (u + 8)));
		id[rest - (u + 8)] = '\0';
		return reid(r, p, id), 1;
	}
	if (get && strcmp(u, "reid/requests") == 0)
		return requests(r, p), 1;
	if (!post || strncmp(u, "reid/requests/", 14) != 0)
		return 0;
	u += 14;
	if (*u < '1' || *u > '9')
		return 0;
	errno = 0;
	n = strtoll(u, &end, 10);
	if (errno || *end != '/')
		return 0;
	act_s = end + 1;
	if (strcmp(act_s, "approve") && strcmp(act_s, "reject") &&
	    strcmp(act_s, "open"))
		return 0;
	return act(r, p, (int64_t)n, act_s), 1;
}
