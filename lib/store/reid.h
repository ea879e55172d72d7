/*
 * reid.h - re-identification: the one call that turns a pseudonym back
 * into a client address.  It takes the requester, role and a written
 * reason, refuses without a reason or with a role other than
 * privacy_officer, optionally needs a second officer (four-eyes), opens the
 * sealed identity with the identity key, and appends an audit row (who,
 * when, which pseudonym, why, result) to an append-only, hash-chained
 * audit database in every case, refusals included.
 * Used by shadowtap-reid (CLI) and the dashboard's privacy_officer view.
 */
#ifndef ST_REID_H
#define ST_REID_H

#include <stddef.h>
#include <stdio.h>

struct reid_conf {
	const char	*db_path;		/* sensor database (read-only) */
	const char	*audit_path;		/* audit database (append-only) */
	const char	*identity_key_path;	/* 0600 secretbox key */
	int		 four_eyes;		/* a second officer must approve */
};

/*
 * reid_conf_load(c, paths, yaml, errout):
 * Complete ${c} from the sensor configuration file ${yaml}: the database
 * (output.database), identity key (privacy.identity_key), audit database
 * (privacy.audit_db; both relative = beside the database, defaults
 * identity.key and audit.db) and privacy.four_eyes.  Precedence: what ${c}
 * already holds (command-line flags) wins; four_eyes is on when either
 * says so.  ${yaml} NULL: only the defaults beside ${c}->db_path.  Paths
 * are built in ${paths}.  Returns 0, or -EINVAL (a message on ${errout}).
 */
struct reid_paths {
	char	db[1024], audit[1024], key[1024];
};
int	reid_conf_load(struct reid_conf *c, struct reid_paths *paths,
	    const char *yaml, FILE *errout);

/*
 * reid_request(c, pseudo, requester, role, reason, approver, addr, addrlen,
 *     msg, msglen):
 * Returns 0 with the address in ${addr}; -EACCES when refused (no reason,
 * wrong role, four-eyes without a distinct approving officer; four-eyes is
 * on when ${c} says so or when the database's meta row privacy.four_eyes,
 * written by the sensor from its configuration, is 1), -ENOENT for
 * an unknown pseudonym, -EIO on a database or key error.  ${msg} always
 * says why, for the user.  Every call is audited before it returns.
 */
int	reid_request(const struct reid_conf *c, const char *pseudo,
	    const char *requester, const char *role, const char *reason,
	    const char *approver, char *addr, size_t addrlen, char *msg,
	    size_t msglen);

/*
 * reid_request_code: reid_request, and *${code} (when not NULL) set to a
 * stable code for the UI to translate: granted, reid_pending,
 * reid_no_pseudonym, reid_no_requester, reid_role, reid_no_reason,
 * reid_self_approval, reid_not_pending, reid_unknown, reid_no_key,
 * reid_no_audit, reid_audit_failed.
 */
int	reid_request_code(const struct reid_conf *c, const char *pseudo,
	    const char *requester, const char *role, const char *reason,
	    const char *approver, char *addr, size_t addrlen, char *msg,
	    size_t msglen, const char **code);

/*
 * reid_decide(c, pseudo, requester, approver, role, reason, approve, msg,
 *     msglen, code):
 * A second officer's decision on ${requester}'s pending request (four-eyes
 * in the dashboard): appends an audit row with result approved or
 * rejected (requester, approver, the approver's role and reason).  Refused
 * (-EACCES, audited as refused) without a reason, with a role other than
 * privacy_officer, when approver = requester, or when no request is
 * pending.  After an approval, reid_request() with the same approver
 * resolves once; a rejection ends the request.  *${code} as above
 * (approved, rejected, reid_bad_request, ...).  Returns 0 or -errno.
 */
int	reid_decide(const struct reid_conf *c, const char *pseudo,
	    const char *requester, const char *approver, const char *role,
	    const char *reason, int approve, char *msg, size_t msglen,
	    const char **code);

/* reid_audit_verify(audit_path, msg, msglen): walk the hash chain; 0 when
 * intact, -EBADMSG when a row was changed or removed. */
int	reid_audit_verify(const char *audit_path, char *msg, size_t msglen);

/* reid_audit_count(audit_path, from_us, to_us): re-identifications
 * requested in [from, to) (decision rows not counted), for the weekly
 * report; -errno on error. */
long	reid_audit_count(const char *audit_path, unsigned long long from_us,
	    unsigned long long to_us);

#endif
