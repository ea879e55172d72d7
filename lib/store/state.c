/*
 * state.c - the dashboard state database (state.h).
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store/state.h"

struct state {
	sqlite3		*db;
	pthread_mutex_t	 mu;
};

static const char state_schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY,"
    " hash TEXT NOT NULL, role TEXT NOT NULL, created INTEGER NOT NULL,"
    " disabled INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY,"
    " user TEXT NOT NULL, csrf TEXT NOT NULL, created INTEGER NOT NULL,"
    " last INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS triage (alert TEXT PRIMARY KEY,"
    " status TEXT NOT NULL, assignee TEXT, updated INTEGER NOT NULL,"
    " user TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY,"
    " alert TEXT NOT NULL, ts INTEGER NOT NULL, user TEXT NOT NULL,"
    " text TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY,"
    " ts INTEGER NOT NULL, user TEXT, source TEXT, action TEXT NOT NULL,"
    " target TEXT, detail TEXT);"
    "CREATE TABLE IF NOT EXISTS reid_req (id INTEGER PRIMARY KEY,"
    " ts INTEGER NOT NULL, sensor TEXT NOT NULL, pseudo TEXT NOT NULL,"
    " requester TEXT NOT NULL, reason TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'pending', approver TEXT,"
    " decision TEXT, decided INTEGER);";

static void
cpy(char *dst, size_t len, const unsigned char *src)
{
	if (len)
		snprintf(dst, len, "%s", src ? (const char *)src : "");
}

int
state_open(struct state **sp, const char *path)
{
	struct state *st;

	*sp = NULL;
	if (sodium_init() < 0)
		return -EIO;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -ENOMEM;
	pthread_mutex_init(&st->mu, NULL);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(st->db, state_schema, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "state: %s: %s\n", path,
		    st->db ? sqlite3_errmsg(st->db) : "open failed");
		state_close(st);
		return -EIO;
	}
	sqlite3_busy_timeout(st->db, 2000);
	/* Older state DBs have no users.disabled column; add it once. */
	if (sqlite3_exec(st->db, "SELECT disabled FROM users LIMIT 0", NULL,
	    NULL, NULL) != SQLITE_OK && sqlite3_exec(st->db, "ALTER TABLE users"
	    " ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0", NULL, NULL,
	    NULL) != SQLITE_OK) {
		fprintf(stderr, "state: %s: %s\n", path, sqlite3_errmsg(st->db));
		state_close(st);
		return -EIO;
	}
	*sp = st;
	return 0;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

/* run(st, sql, n, args): one statement with text/NULL parameters. */
static int
run(struct state *st, const char *sql, int n, const char *const *args,
    const int64_t *ints, int ni)
{
	sqlite3_stmt *s;
	int i, rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	for (i = 0; i < n; i++)
		if (args[i])
			sqlite3_bind_text(s, i + 1, args[i], -1,
			    SQLITE_TRANSIENT);
	for (i = 0; i < ni; i++)
		sqlite3_bind_int64(s, n + i + 1, ints[i]);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int
state_user_add(struct state *st, const char *name, const char *role,
    const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	const char *a[3] = { name, hash, role };
	int64_t now = (int64_t)time(NULL) * 1000000;
	int rc;

	if (crypto_pwhash_str_alg(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -ENOMEM;
	pthread_mutex_lock(&st->mu);
	rc = run(st, "INSERT OR REPLACE INTO users (name, hash, role, created,"
	    " disabled) VALUES (?1, ?2, ?3, ?4, 0)", 3, a, &now, 1);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_user_check(struct state *st, const char *name, const char *password,
    char *role, size_t rolelen)
{
	/* A fixed hash of a random string so unknown users cost as much. */
	static char dummy[crypto_pwhash_STRBYTES];
	char hash[crypto_pwhash_STRBYTES] = "";
	sqlite3_stmt *s;
	int found = 0;

	pthread_mutex_lock(&st->mu);
	if (dummy[0] == '\0' && crypto_pwhash_str_alg(dummy, "x-unused-x",
	    10, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy[0] = '\0';
	if (sqlite3_prepare_v2(st->db, "SELECT hash, role FROM users"
	    " WHERE name = ?1 AND disabled = 0", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW) {
			cpy(hash, sizeof(hash), sqlite3_column_text(s, 0));
			cpy(role, rolelen, sqlite3_column_text(s, 1));
			found = 1;
		}
		sqlite3_finalize(s);
	}
	pthread_mutex_unlock(&st->mu);
	if (crypto_pwhash_str_verify(found ? hash : dummy, password,
	    strlen(password)) != 0 || !found)
		return -EACCES;
	return 0;
}

int
state_session_put(struct state *st, const char *id, const char *user,
    const char *csrf, uint64_t now)
{
	const char *a[3] = { id, user, csrf };
	int64_t t = (int64_t)now;
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "INSERT INTO sessions (id, user, csrf, created, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?4)", 3, a, &t, 1);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_session_get(struct state *st, const char *id, uint64_t now,
    uint64_t idle, uint64_t absolute, char *user, size_t ulen, char *role,
    size_t rlen, char *csrf, size_t clen)
{
	sqlite3_stmt *s;
	uint64_t created = 0, last = 0;
	int rc = -ENOENT;
	const char *a[1] = { id };
	int64_t t = (int64_t)now;

	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, "SELECT s.user, u.role, s.csrf,"
	    " s.created, s.last FROM sessions s JOIN users u ON u.name = s.user"
	    " WHERE s.id = ?1 AND u.disabled = 0", -1, &s, NULL) != SQLITE_OK) {
		pthread_mutex_unlock(&st->mu);
		return -EIO;
	}
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		cpy(user, ulen, sqlite3_column_text(s, 0));
		cpy(role, rlen, sqlite3_column_text(s, 1));
		cpy(csrf, clen, sqlite3_column_text(s, 2));
		created = (uint64_t)sqlite3_column_int64(s, 3);
		last = (uint64_t)sqlite3_column_int64(s, 4);
		rc = 0;
	}
	sqlite3_finalize(s);
	if (rc == 0 && (now - last > idle || now - created > absolute)) {
		run(st, "DELETE FROM sessions WHERE id = ?1", 1, a, NULL, 0);
		rc = -ENOENT;
	} else if (rc == 0)
		run(st, "UPDATE sessions SET last = ?2 WHERE id = ?1", 1, a,
		    &t, 1);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_session_del(struct state *st, const char *id)
{
	const char *a[1] = { id };
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "DELETE FROM sessions WHERE id = ?1", 1, a, NULL, 0);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_triage_set(struct state *st, const char *key, const char *status,
    const char *assignee, const char *note, const char *user, uint64_t now)
{
	const char *a[4] = { key, status, assignee, user };
	const char *n[3] = { key, user, note };
	int64_t t = (int64_t)now;
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "INSERT INTO triage (alert, status, assignee, user,"
	    " updated) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(alert) DO"
	    " UPDATE SET status = ?2, assignee = COALESCE(?3, assignee),"
	    " user = ?4, updated = ?5", 4, a, &t, 1);
	if (rc == 0 && note && *note)
		rc = run(st, "INSERT INTO notes (alert, user, text, ts)"
		    " VALUES (?1, ?2, ?3, ?4)", 3, n, &t, 1);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_triage_get(struct state *st, const char *key, char *status,
    size_t slen, char *assignee, size_t alen)
{
	sqlite3_stmt *s;
	int rc = -ENOENT;

	cpy(status, slen, (const unsigned char *)"new");
	cpy(assignee, alen, NULL);
	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, "SELECT status, assignee FROM triage"
	    " WHERE alert = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW) {
			cpy(status, slen, sqlite3_column_text(s, 0));
			cpy(assignee, alen, sqlite3_column_text(s, 1));
			rc = 0;
		}
		sqlite3_finalize(s);
	}
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_audit(struct state *st, uint64_t now, const char *user,
    const char *source, const char *action, const char *target,
    const char *detail)
{
	const char *a[5] = { user, source, action, target, detail };
	int64_t t = (int64_t)now;
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "INSERT INTO audit (user, source, action, target, detail,"
	    " ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", 5, a, &t, 1);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int64_t
state_audit_count(struct state *st, const char *action)
{
	sqlite3_stmt *s;
	int64_t n = -EIO;

	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, "SELECT COUNT(*) FROM audit"
	    " WHERE action = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, action, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	pthread_mutex_unlock(&st->mu);
	return n;
}

int
state_users(struct state *st, state_user_cb cb, void *arg)
{
	struct state_user u;
	sqlite3_stmt *s;
	int rc = 0;

	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, "SELECT name, role, created, disabled"
	    " FROM users ORDER BY name", -1, &s, NULL) != SQLITE_OK) {
		pthread_mutex_unlock(&st->mu);
		return -EIO;
	}
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		u.name = (const char *)sqlite3_column_text(s, 0);
		u.role = (const char *)sqlite3_column_text(s, 1);
		u.created = (uint64_t)sqlite3_column_int64(s, 2);
		u.disabled = sqlite3_column_int(s, 3);
		rc = cb(arg, &u);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_user_set(struct state *st, const char *name, const char *role,
    int disabled)
{
	const char *a[2] = { name, role };
	int64_t d = disabled;
	int rc;

	pthread_mutex_lock(&st->mu);
	if ((rc = run(st, "UPDATE users SET role = COALESCE(?2, role),"
	    " disabled = CASE WHEN ?3 < 0 THEN disabled ELSE ?3 END"
	    " WHERE name = ?1", 2, a, &d, 1)) == 0 &&
	    sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	/* A disabled user's sessions end now. */
	if (rc == 0 && disabled == 1)
		rc = run(st, "DELETE FROM sessions WHERE user = ?1", 1, a,
		    NULL, 0);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_notes(struct state *st, const char *key, state_note_cb cb, void *arg)
{
	struct state_note n;
	sqlite3_stmt *s;
	int rc = 0;

	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, "SELECT ts, user, text FROM notes"
	    " WHERE alert = ?1 ORDER BY ts, id", -1, &s, NULL) != SQLITE_OK) {
		pthread_mutex_unlock(&st->mu);
		return -EIO;
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		n.ts = (uint64_t)sqlite3_column_int64(s, 0);
		n.user = (const char *)sqlite3_column_text(s, 1);
		n.text = (const char *)sqlite3_column_text(s, 2);
		rc = cb(arg, &n);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_note_add(struct state *st, const char *key, const char *user,
    const char *text, uint64_t now)
{
	const char *a[3] = { key, user, text };
	int64_t t = (int64_t)now;
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "INSERT INTO notes (alert, user, text, ts)"
	    " VALUES (?1, ?2, ?3, ?4)", 3, a, &t, 1);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

/* ---- triage sets (alert list filtered by status before paging) ---- */
int
state_triage_ids(struct state *st, const char *sensor, const char *status,
    int neg, int64_t **ids, size_t *n)
{
	sqlite3_stmt *s;
	int64_t *v = NULL, *nv;
	size_t cap = 0, k = 0, pl = strlen(sensor);
	const char *key;
	char *end;
	int rc = 0, step;

	*ids = NULL;
	*n = 0;
	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, neg ? "SELECT alert FROM triage WHERE"
	    " status != ?1 AND substr(alert, 1, ?3) = ?2" : "SELECT alert FROM"
	    " triage WHERE status = ?1 AND substr(alert, 1, ?3) = ?2", -1, &s,
	    NULL) != SQLITE_OK) {
		pthread_mutex_unlock(&st->mu);
		return -EIO;
	}
	sqlite3_bind_text(s, 1, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, sensor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, (int64_t)pl);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		long long id;

		key = (const char *)sqlite3_column_text(s, 0);
		/* "sensor:ID" with ID all digits; anything else is not ours */
		if (key == NULL || strncmp(key, sensor, pl) != 0 ||
		    key[pl] != ':' || key[pl + 1] < '0' || key[pl + 1] > '9')
			continue;
		errno = 0;
		id = strtoll(key + pl + 1, &end, 10);
		if (errno || *end != '\0')
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[k++] = id;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -EIO;
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->mu);
	if (rc != 0) {
		free(v);
		return rc;
	}
	*ids = v;
	*n = k;
	return 0;
}

/* ---- four-eyes re-identification requests ---- */
int
state_reid_add(struct state *st, const char *sensor, const char *pseudo,
    const char *requester, const char *reason, uint64_t now, int64_t *id)
{
	const char *a[4] = { sensor, pseudo, requester, reason };
	int64_t t = (int64_t)now;
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "INSERT INTO reid_req (sensor, pseudo, requester, reason,"
	    " ts) VALUES (?1, ?2, ?3, ?4, ?5)", 4, a, &t, 1);
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(st->db);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

static void
reid_row(sqlite3_stmt *s, struct state_reid *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->ts = (uint64_t)sqlite3_column_int64(s, 1);
	r->sensor = (const char *)sqlite3_column_text(s, 2);
	r->pseudo = (const char *)sqlite3_column_text(s, 3);
	r->requester = (const char *)sqlite3_column_text(s, 4);
	r->reason = (const char *)sqlite3_column_text(s, 5);
	r->status = (const char *)sqlite3_column_text(s, 6);
	r->approver = (const char *)sqlite3_column_text(s, 7);
	r->decision = (const char *)sqlite3_column_text(s, 8);
	r->decided = (uint64_t)sqlite3_column_int64(s, 9);
}

#define REID_COLS "SELECT id, ts, sensor, pseudo, requester, reason, status," \
	" approver, decision, decided FROM reid_req"

int
state_reid_list(struct state *st, int limit, state_reid_cb cb, void *arg)
{
	sqlite3_stmt *s;
	struct state_reid r;
	int rc = 0, step;

	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, REID_COLS " ORDER BY id DESC LIMIT ?1",
	    -1, &s, NULL) != SQLITE_OK) {
		pthread_mutex_unlock(&st->mu);
		return -EIO;
	}
	sqlite3_bind_int(s, 1, limit > 0 ? limit : 100);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		reid_row(s, &r);
		rc = cb(arg, &r);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->mu);
	return rc < 0 ? rc : 0;
}

int
state_reid_get(struct state *st, int64_t id, state_reid_cb cb, void *arg)
{
	sqlite3_stmt *s;
	struct state_reid r;
	int rc = -ENOENT;

	pthread_mutex_lock(&st->mu);
	if (sqlite3_prepare_v2(st->db, REID_COLS " WHERE id = ?1", -1, &s,
	    NULL) != SQLITE_OK) {
		pthread_mutex_unlock(&st->mu);
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		reid_row(s, &r);
		rc = cb(arg, &r);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_reid_decide(struct state *st, int64_t id, const char *approver,
    int approve, const char *reason, uint64_t now)
{
	const char *a[3] = { approve ? "approved" : "rejected", approver,
	    reason };
	int64_t v[2] = { (int64_t)now, id };
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "UPDATE reid_req SET status = ?1, approver = ?2,"
	    " decision = ?3, decided = ?4 WHERE id = ?5 AND status = 'pending'"
	    " AND requester != ?2", 3, a, v, 2);
	if (rc == 0 && sqlite3_changes(st->db) != 1)
		rc = -EACCES;
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
state_reid_open(struct state *st, int64_t id, const char *requester,
    uint64_t now)
{
	const char *a[1] = { requester };
	int64_t v[2] = { (int64_t)now, id };
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = run(st, "UPDATE reid_req SET status = 'opened', decided ="
	    " MAX(COALESCE(decided, 0), ?2) WHERE id = ?3 AND status ="
	    " 'approved' AND requester = ?1", 1, a, v, 2);
	if (rc == 0 && sqlite3_changes(st->db) != 1)
		rc = -EACCES;
	pthread_mutex_unlock(&st->mu);
	return rc;
}
