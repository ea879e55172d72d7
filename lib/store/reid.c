/*
 * reid.c - re-identification (see reid.h): role/reason checks, four-eyes,
 * opening a sealed identity, and the append-only, hash-chained audit DB.
 * The audit schema: triggers forbid UPDATE and DELETE; each row carries
 * hash = BLAKE2b(prev hash || fields), so a row changed or removed behind
 * SQLite's back (triggers dropped, file edited) breaks the chain.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "common/seal.h"
#include "store/reid.h"

#define HASH_LEN	32

static const char audit_sql[] =
"CREATE TABLE IF NOT EXISTS reid_audit ("
"  id INTEGER PRIMARY KEY,"
"  ts INTEGER NOT NULL,"
"  requester TEXT NOT NULL, role TEXT NOT NULL, approver TEXT NOT NULL,"
"  pseudo TEXT NOT NULL, reason TEXT NOT NULL,"
"  result TEXT NOT NULL,"	/* granted refused pending unknown error
					   approved rejected (decisions) */
"  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
"CREATE TRIGGER IF NOT EXISTS reid_audit_no_update BEFORE UPDATE ON"
"  reid_audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
"CREATE TRIGGER IF NOT EXISTS reid_audit_no_delete BEFORE DELETE ON"
"  reid_audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;";

struct arow {
	long long	 id, ts;
	const char	*requester, *role, *approver, *pseudo, *reason, *result;
};

static void
row_hash(const char *prev, const struct arow *r, char out[HASH_LEN * 2 + 1])
{
	crypto_generichash_state	st;
	uint8_t				h[HASH_LEN];
	char				num[64];
	const char			*f[7];
	int				i;

	f[0] = prev; f[1] = r->requester; f[2] = r->role; f[3] = r->approver;
	f[4] = r->pseudo; f[5] = r->reason; f[6] = r->result;
	crypto_generichash_init(&st, NULL, 0, HASH_LEN);
	snprintf(num, sizeof(num), "%lld|%lld|", r->id, r->ts);
	crypto_generichash_update(&st, (const uint8_t *)num, strlen(num));
	for (i = 0; i < 7; i++)	/* length-prefixed: no field confusion */ {
		snprintf(num, sizeof(num), "%zu:", strlen(f[i]));
		crypto_generichash_update(&st, (const uint8_t *)num,
		    strlen(num));
		crypto_generichash_update(&st, (const uint8_t *)f[i],
		    strlen(f[i]));
	}
	crypto_generichash_final(&st, h, HASH_LEN);
	sodium_bin2hex(out, HASH_LEN * 2 + 1, h, HASH_LEN);
}

static int
audit_open(const char *path, sqlite3 **dbp)
{
	sqlite3	*db;

	if (sodium_init() < 0)
		return -EIO;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, audit_sql, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	*dbp = db;
	return 0;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* Append one row (in an IMMEDIATE transaction, so the chain is linear). */
static int
audit_append(sqlite3 *db, struct arow *r)
{
	sqlite3_stmt	*st = NULL;
	char		 prev[HASH_LEN * 2 + 1] = "", h[HASH_LEN * 2 + 1];
	struct timespec	 ts;
	int		 rc = -EIO;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_prepare_v2(db, "SELECT id, hash FROM reid_audit ORDER BY "
	    "id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		goto err;
	r->id = 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s",
		    (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	st = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->ts = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	row_hash(prev, r, h);
	if (sqlite3_prepare_v2(db, "INSERT INTO reid_audit (id, ts, requester,"
	    " role, approver, pseudo, reason, result, prev_hash, hash) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		goto err;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->ts);
	sqlite3_bind_text(st, 3, r->requester, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->approver, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->pseudo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->result, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, h, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto err;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto err;
	return 0;
err:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* A pending request by ${requester} for ${pseudo} with no grant or
 * rejection after it; ${approved} 1: an approved one counts too. */
static int
has_pending(sqlite3 *db, const char *pseudo, const char *requester,
    int approved)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 found = 0;

	if (sqlite3_prepare_v2(db, "SELECT result FROM reid_audit WHERE "
	    "pseudo = ? AND requester = ? AND result IN ('pending','granted',"
	    "'approved','rejected') ORDER BY id DESC LIMIT 1", -1, &st, NULL)
	    != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, pseudo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, requester, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    (strcmp(v, "pending") == 0 || (approved &&
	    strcmp(v, "approved") == 0)))
		found = 1;
	sqlite3_finalize(st);
	return found;
}

/* The sensor's privacy.four_eyes as recorded in the database's meta
 * table: 1 on, 0 off or unknown (no such row, older database). */
static int
db_four_eyes(const char *db_path)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	const unsigned char *v;
	int		 on = 0;

	if (db_path == NULL || sqlite3_open_v2(db_path, &db,
	    SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = "
	    "'privacy.four_eyes'", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = sqlite3_column_text(st, 0)) != NULL)
		on = strcmp((const char *)v, "1") == 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return on;
}

/* Open the sealed identity of ${pseudo}: 0, -ENOENT, -EIO, -EBADMSG. */
static int
resolve(const struct reid_conf *c, const char *pseudo, char *addr,
    size_t addrlen)
{
	struct seal_key	 sk;
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	uint8_t		 a[16];
	int		 rc;

	if ((rc = seal_key_load(&sk, c->identity_key_path, 0)) != 0)
		return -EIO;
	if (sqlite3_open_v2(c->db_path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "SELECT sealed FROM identities WHERE "
	    "pseudo = ?", -1, &st, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_text(st, 1, pseudo, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = -ENOENT;
		goto out;
	}
	rc = seal_open(&sk, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), a);
	if (rc != 0)
		goto out;
	if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
		rc = inet_ntop(AF_INET, a + 12, addr, addrlen) ? 0 : -EIO;
	else
		rc = inet_ntop(AF_INET6, a, addr, addrlen) ? 0 : -EIO;
	sodium_memzero(a, sizeof(a));
out:
	sodium_memzero(&sk, sizeof(sk));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int
reid_request(const struct reid_conf *c, const char *pseudo,
    const char *requester, const char *role, const char *reason,
    const char *approver, char *addr, size_t addrlen, char *msg,
    size_t msglen)
{
	return reid_request_code(c, pseudo, requester, role, reason, approver,
	    addr, addrlen, msg, msglen, NULL);
}

int
reid_request_code(const struct reid_conf *c, const char *pseudo,
    const char *requester, const char *role, const char *reason,
    const char *approver, char *addr, size_t addrlen, char *msg,
    size_t msglen, const char **codep)
{
	sqlite3		*db;
	struct arow	 r;
	const char	*code = NULL;
	int		 rc, arc, four;

	if (addrlen > 0)
		addr[0] = '\0';
	if (codep == NULL)
		codep = &code;
	/* Four-eyes when the caller asks for it or the sensor's configuration
	 * (recorded in the database) says so: no caller can switch it off. */
	four = c->four_eyes || db_four_eyes(c->db_path);
	if (audit_open(c->audit_path, &db) != 0) {
		snprintf(msg, msglen, "audit database %s cannot be opened: "
		    "nothing is resolved without an audit trail",
		    c->audit_path);
		*codep = "reid_no_audit";
		return -EIO;
	}
	memset(&r, 0, sizeof(r));
	r.requester = nz(requester);
	r.role = nz(role);
	r.approver = nz(approver);
	r.pseudo = nz(pseudo);
	r.reason = nz(reason);
	rc = -EACCES;
	if (*r.pseudo == '\0' || strlen(r.pseudo) > 64) {
		snprintf(msg, msglen, "refused: no pseudonym given");
		*codep = "reid_no_pseudonym";
	} else if (*r.requester == '\0') {
		snprintf(msg, msglen, "refused: no requester given");
		*codep = "reid_no_requester";
	} else if (strcmp(r.role, "privacy_officer") != 0) {
		snprintf(msg, msglen, "refused: role '%s' may not re-identify "
		    "(privacy_officer only)", r.role);
		*codep = "reid_role";
	} else if (strspn(r.reason, " \t\r\n") == strlen(r.reason)) {
		snprintf(msg, msglen, "refused: a written reason is required");
		*codep = "reid_no_reason";
	} else if (four && *r.approver == '\0') {
		r.result = "pending";
		snprintf(msg, msglen, "pending: four-eyes is on; a second "
		    "privacy_officer must approve (--approve-by)");
		*codep = "reid_pending";
	} else if (four && strcmp(r.approver, r.requester) == 0) {
		snprintf(msg, msglen, "refused: the approver must be a "
		    "different officer than the requester");
		*codep = "reid_self_approval";
	} else if (four && !has_pending(db, r.pseudo, r.requester, 1)) {
		snprintf(msg, msglen, "refused: no pending request by %s for "
		    "%s to approve", r.requester, r.pseudo);
		*codep = "reid_not_pending";
	} else {
		rc = resolve(c, r.pseudo, addr, addrlen);
		if (rc == 0) {
			r.result = "granted";
			snprintf(msg, msglen, "granted");
			*codep = "granted";
		} else if (rc == -ENOENT) {
			r.result = "unknown";
			snprintf(msg, msglen, "unknown pseudonym %s (never "
			    "seen, or past identity retention)", r.pseudo);
			*codep = "reid_unknown";
		} else {
			r.result = "error";
			snprintf(msg, msglen, "identity cannot be opened "
			    "(key file missing or wrong, or database error)");
			*codep = "reid_no_key";
			rc = -EIO;
		}
	}
	if (r.result == NULL)
		r.result = "refused";
	arc = audit_append(db, &r);
	sqlite3_close(db);
	if (arc != 0) {
		/* Never hand out an address that was not audited. */
		if (addrlen > 0)
			sodium_memzero(addr, addrlen);
		snprintf(msg, msglen, "audit write failed: nothing returned");
		*codep = "reid_audit_failed";
		return -EIO;
	}
	return rc;
}

int
reid_decide(const struct reid_conf *c, const char *pseudo,
    const char *requester, const char *approver, const char *role,
    const char *reason, int approve, char *msg, size_t msglen,
    const char **codep)
{
	sqlite3		*db;
	struct arow	 r;
	const char	*code = NULL;
	int		 rc = -EACCES;

	if (codep == NULL)
		codep = &code;
	if (audit_open(c->audit_path, &db) != 0) {
		snprintf(msg, msglen, "audit database %s cannot be opened",
		    c->audit_path);
		*codep = "reid_no_audit";
		return -EIO;
	}
	memset(&r, 0, sizeof(r));
	r.requester = nz(requester);
	r.role = nz(role);
	r.approver = nz(approver);
	r.pseudo = nz(pseudo);
	r.reason = nz(reason);
	r.result = "refused";
	if (*r.pseudo == '\0' || strlen(r.pseudo) > 64 ||
	    *r.requester == '\0' || *r.approver == '\0') {
		snprintf(msg, msglen, "refused: pseudonym, requester and "
		    "approver are required");
		*codep = "reid_bad_request";
	} else if (strcmp(r.role, "privacy_officer") != 0) {
		snprintf(msg, msglen, "refused: role '%s' may not decide "
		    "(privacy_officer only)", r.role);
		*codep = "reid_role";
	} else if (strspn(r.reason, " \t\r\n") == strlen(r.reason)) {
		snprintf(msg, msglen, "refused: a written reason is required");
		*codep = "reid_no_reason";
	} else if (strcmp(r.approver, r.requester) == 0) {
		snprintf(msg, msglen, "refused: the approver must be a "
		    "different officer than the requester");
		*codep = "reid_self_approval";
	} else if (!has_pending(db, r.pseudo, r.requester, 0)) {
		snprintf(msg, msglen, "refused: no pending request by %s for "
		    "%s to decide", r.requester, r.pseudo);
		*codep = "reid_not_pending";
	} else {
		r.result = approve ? "approved" : "rejected";
		snprintf(msg, msglen, "%s", r.result);
		*codep = r.result;
		rc = 0;
	}
	if (audit_append(db, &r) != 0) {
		snprintf(msg, msglen, "audit write failed");
		*codep = "reid_audit_failed";
		rc = -EIO;
	}
	sqlite3_close(db);
	return rc;
}

int
reid_audit_verify(const char *audit_path, char *msg, size_t msglen)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	char		 prev[HASH_LEN * 2 + 1] = "", h[HASH_LEN * 2 + 1];
	struct arow	 r;
	long long	 want = 1, n = 0;
	int		 rc = 0;

	if (sodium_init() < 0 || sqlite3_open_v2(audit_path, &db,
	    SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(msg, msglen, "%s: cannot open", audit_path);
		return -EIO;
	}
	if (sqlite3_prepare_v2(db, "SELECT id, ts, requester, role, approver,"
	    " pseudo, reason, result, prev_hash, hash FROM reid_audit ORDER BY"
	    " id", -1, &st, NULL) != SQLITE_OK) {
		snprintf(msg, msglen, "%s: no audit table", audit_path);
		rc = -EIO;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.ts = sqlite3_column_int64(st, 1);
		r.requester = nz((const char *)sqlite3_column_text(st, 2));
		r.role = nz((const char *)sqlite3_column_text(st, 3));
		r.approver = nz((const char *)sqlite3_column_text(st, 4));
		r.pseudo = nz((const char *)sqlite3_column_text(st, 5));
		r.reason = nz((const char *)sqlite3_column_text(st, 6));
		r.result = nz((const char *)sqlite3_column_text(st, 7));
		row_hash(prev, &r, h);
		if (r.id != want || strcmp(prev,
		    nz((const char *)sqlite3_column_text(st, 8))) != 0 ||
		    strcmp(h, nz((const char *)sqlite3_column_text(st, 9)))
		    != 0) {
			snprintf(msg, msglen, "audit row %lld: changed or a "
			    "row before it removed (hash chain broken)", want);
			rc = -EBADMSG;
			goto out;
		}
		memcpy(prev, h, sizeof(prev));
		want++;
		n++;
	}
	snprintf(msg, msglen, "audit chain intact: %lld rows", n);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

long
reid_audit_count(const char *audit_path, unsigned long long from_us,
    unsigned long long to_us)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	long		 n = -EIO;

	if (sqlite3_open_v2(audit_path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM reid_audit WHERE "
	    "ts >= ? AND ts < ? AND result NOT IN ('approved','rejected')", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)from_us);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)to_us);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}
