/*
 * auth.c - logins (argon2id via lib/store/state), sessions in the state
 * database with idle and absolute limits, CSRF tokens, per-source login
 * rate limiting, and the audit rows of logins and failed logins.
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "store/state.h"
#include "common/json.h"
#include "dash.h"
#include "formdec.h"

#define RL_SLOTS	256
#define RL_WINDOW	(60ULL * 1000000)
#define RL_MAX		5

static struct { char src[64]; uint64_t start; int fails; } rl[RL_SLOTS];
static pthread_mutex_t rlmu = PTHREAD_MUTEX_INITIALIZER;

void
auth_token(char *hex, size_t len)
{
	unsigned char b[32];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(hex, len, b, sizeof(b));
}

static int
rl_slot(const char *src)
{
	uint32_t h = 2166136261u;

	while (*src)
		h = (h ^ (unsigned char)*src++) * 16777619u;
	return (int)(h % RL_SLOTS);
}

/* rate_limited(src, fail): count a failure (fail) or test the limit. */
static int
rate_limited(const char *src, int fail)
{
	uint64_t t = now_us();
	int i, lim;

	pthread_mutex_lock(&rlmu);
	i = rl_slot(src);
	if (strcmp(rl[i].src, src) != 0 || t - rl[i].start > RL_WINDOW) {
		snprintf(rl[i].src, sizeof(rl[i].src), "%s", src);
		rl[i].start = t;
		rl[i].fails = 0;
	}
	if (fail)
		rl[i].fails++;
	lim = rl[i].fails >= RL_MAX;
	pthread_mutex_unlock(&rlmu);
	return lim;
}

int
auth_session(struct req *r)
{
	const char *sid;

	sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sid");
	if (!sid_valid(sid))
		return -ENOENT;
	if (state_session_get(r->d->st, sid, now_us(), r->d->idle_us,
	    r->d->absolute_us, r->user, sizeof(r->user), r->role_name,
	    sizeof(r->role_name), r->csrf, sizeof(r->csrf)) != 0)
		return -ENOENT;
	snprintf(r->sid, sizeof(r->sid), "%s", sid);
	r->role = role_of(r->role_name);
	return r->role == ROLE_NONE ? -EACCES : 0;
}

int
auth_csrf_ok(struct req *r)
{
	const char *h;

	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    "X-CSRF-Token");
	return h != NULL && r->csrf[0] != '\0' && strlen(h) == strlen(r->csrf)
	    && sodium_memcmp(h, r->csrf, strlen(h)) == 0;
}

static int
login(struct req *r, struct resp *p)
{
	char name[64], pw[256], role[32], sid[80], csrf[80], j[256];
	const char *old;
	struct dash *d = r->d;

	if (rate_limited(r->src, 0)) {
		state_audit(d->st, now_us(), NULL, r->src, "login_limited",
		    NULL, NULL);
		return resp_error(p, 429, "too many failed logins; wait");
	}
	if (form(r, "user", name, sizeof(name)) != 0 ||
	    form(r, "password", pw, sizeof(pw)) != 0)
		return resp_error(p, 400, "user and password required");
	if (state_user_check(d->st, name, pw, role, sizeof(role)) != 0) {
		sodium_memzero(pw, sizeof(pw));
		rate_limited(r->src, 1);
		__atomic_add_fetch(&d->login_failures, 1, __ATOMIC_RELAXED);
		state_audit(d->st, now_us(), name, r->src, "login_failed",
		    NULL, NULL);
		return resp_error(p, 401, "wrong user or password");
	}
	sodium_memzero(pw, sizeof(pw));
	/* Rotate: a session id presented before login is dropped. */
	old = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sid");
	if (old)
		state_session_del(d->st, old);
	auth_token(sid, sizeof(sid));
	auth_token(csrf, sizeof(csrf));
	if (state_session_put(d->st, sid, name, csrf, now_us()) != 0)
		return resp_error(p, 500, "session store failed");
	__atomic_add_fetch(&d->logins, 1, __ATOMIC_RELAXED);
	state_audit(d->st, now_us(), name, r->src, "login", NULL, role);
	snprintf(p->cookie, sizeof(p->cookie),
	    "sid=%s; Path=/; HttpOnly; SameSite=Strict%s", sid,
	    d->tls ? "; Secure" : "");
	{
		struct jb b;
		jb_init(&b, j, sizeof(j));
		jb_obj_open(&b, NULL);
		jb_str(&b, "user", name);
		jb_str(&b, "role", role);
		jb_str(&b, "csrf", csrf);
		jb_obj_close(&b);
		jb_finish(&b);
	}
	return resp_json(p, 200, j);
}

int
auth_route(struct req *r, struct resp *p)
{
	if (strcmp(r->url, "/api/v1/login") == 0) {
		if (strcmp(r->method, "POST") != 0)
			return resp_error(p, 405, "POST only"), 1;
		login(r, p);
		return 1;
	}
	if (strcmp(r->url, "/api/v1/logout") == 0) {
		if (strcmp(r->method, "POST") != 0)
			return resp_error(p, 405, "POST only"), 1;
		if (auth_session(r) != 0)
			return resp_error(p, 401, "not logged in"), 1;
		if (!auth_csrf_ok(r))
			return resp_error(p, 403, "CSRF token missing"), 1;
		state_session_del(r->d->st, r->sid);
		state_audit(r->d->st, now_us(), r->user, r->src, "logout",
		    NULL, NULL);
		snprintf(p->cookie, sizeof(p->cookie), "sid=; Path=/;"
		    " HttpOnly; SameSite=Strict; Max-Age=0%s",
		    r->d->tls ? "; Secure" : "");
		resp_json(p, 200, "{\"ok\":true}");
		return 1;
	}
	return 0;
}
