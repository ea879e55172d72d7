/*
 * state.h - the dashboard's own database (users, sessions, triage, notes,
 * four-eyes re-identification requests, audit), separate from the
 * read-only sensor databases.  Passwords are argon2id strings (libsodium
 * crypto_pwhash_str).  Thread-safe: every call holds the handle's lock.
 * Calls return 0 or -errno.
 */
#ifndef ST_STATE_H
#define ST_STATE_H

#include <stddef.h>
#include <stdint.h>

struct state;

int	state_open(struct state **sp, const char *path);
void	state_close(struct state *st);

/* state_user_add(st, name, role, password): create or replace a user. */
int	state_user_add(struct state *st, const char *name, const char *role,
	    const char *password);
/* state_user_check(st, name, password, role, rolelen): 0 when the password
 * verifies, -EACCES otherwise (unknown users cost a hash too). */
int	state_user_check(struct state *st, const char *name,
	    const char *password, char *role, size_t rolelen);

/* Sessions: ${id} and ${csrf} are 64 hex characters made by the caller. */
int	state_session_put(struct state *st, const char *id, const char *user,
	    const char *csrf, uint64_t now);
/* state_session_get: -ENOENT when missing or past the idle or absolute
 * limit (then deleted); touches last-used otherwise. */
int	state_session_get(struct state *st, const char *id, uint64_t now,
	    uint64_t idle, uint64_t absolute, char *user, size_t ulen,
	    char *role, size_t rlen, char *csrf, size_t clen);
int	state_session_del(struct state *st, const char *id);

/* Triage of alert ${key} ("sensor:id"): status new|investigating|
 * handled|false_positive, assignee optional, note optional. */
int	state_triage_set(struct state *st, const char *key, const char *status,
	    const char *assignee, const char *note, const char *user,
	    uint64_t now);
/* state_triage_get: -ENOENT when never triaged (status "new"). */
int	state_triage_get(struct state *st, const char *key, char *status,
	    size_t slen, char *assignee, size_t alen);

/* Users (admin page): listed without hashes; state_user_set changes the
 * role (NULL: keep) and/or disabled (1, 0; -1: keep), -ENOENT when there
 * is no such user.  Disabling ends the user's sessions and refuses their
 * logins. */
struct state_user {
	const char	*name, *role;
	uint64_t	 created;
	int		 disabled;
};
typedef int (*state_user_cb)(void *, const struct state_user *);
int	state_users(struct state *st, state_user_cb cb, void *arg);
int	state_user_set(struct state *st, const char *name, const char *role,
	    int disabled);

/* Notes on alert ${key}, oldest first; strings valid in the callback. */
struct state_note {
	uint64_t	 ts;
	const char	*user, *text;
};
typedef int (*state_note_cb)(void *, const struct state_note *);
int	state_notes(struct state *st, const char *key, state_note_cb cb,
	    void *arg);
int	state_note_add(struct state *st, const char *key, const char *user,
	    const char *text, uint64_t now);

/* state_triage_ids(st, sensor, status, neg, ids, n): the alert ids of
 * ${sensor} ("sensor:ID" keys) triaged with ${status} (neg 0) or with any
 * other status (neg 1), malloc'd in *ids (caller frees), *n of them. */
int	state_triage_ids(struct state *st, const char *sensor,
	    const char *status, int neg, int64_t **ids, size_t *n);

/* Four-eyes re-identification requests: a pending request (made when
 * reid_request() answers "pending") is approved or rejected by a second
 * privacy officer (never the requester: -EACCES), then opened once by its
 * requester (approved -> opened; anything else -EACCES).  The address is
 * never stored here: opening asks reid_request() again, with the approver.
 * Strings are valid in the callback only. */
struct state_reid {
	int64_t		 id;
	uint64_t	 ts, decided;
	const char	*sensor, *pseudo, *requester, *reason;
	const char	*status;	/* pending approved rejected opened */
	const char	*approver, *decision;	/* NULL while pending */
};
typedef int (*state_reid_cb)(void *, const struct state_reid *);
int	state_reid_add(struct state *st, const char *sensor, const char *pseudo,
	    const char *requester, const char *reason, uint64_t now,
	    int64_t *id);
/* newest first, at most ${limit} (<= 0: 100) */
int	state_reid_list(struct state *st, int limit, state_reid_cb cb,
	    void *arg);
/* state_reid_get: cb's result, or -ENOENT */
int	state_reid_get(struct state *st, int64_t id, state_reid_cb cb,
	    void *arg);
int	state_reid_decide(struct state *st, int64_t id, const char *approver,
	    int approve, const char *reason, uint64_t now);
int	state_reid_open(struct state *st, int64_t id, const char *requester,
	    uint64_t now);

int	state_audit(struct state *st, uint64_t now, const char *user,
	    const char *source, const char *action, const char *target,
	    const char *detail);
int64_t	state_audit_count(struct state *st, const char *action);

#endif
