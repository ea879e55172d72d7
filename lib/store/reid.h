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

struct reid_conf {
	const char	*db_path;		/* sensor database (read-only) */
	const char	*audit_path;		/* audit database (append-only) */
	const char	*identity_key_path;	/* 0600 secretbox key */
	int		 four_eyes;		/* a second officer must approve */
};

/*
 * reid_request(c, pseudo, requester, role, reason, approver, addr, addrlen,
 *     msg, msglen):
 * Returns 0 with the address in ${addr}; -EACCES when refused (no reason,
 * wrong role, four-eyes without a distinct approving officer), -ENOENT for
 * an unknown pseudonym, -EIO on a database or key error.  ${msg} always
 * says why, for the user.  Every call is audited before it returns.
 */
int	reid_request(const struct reid_conf *c, const char *pseudo,
	    const char *requester, const char *role, const char *reason,
	    const char *approver, char *addr, size_t addrlen, char *msg,
	    size_t msglen);

/* reid_audit_verify(audit_path, msg, msglen): walk the hash chain; 0 when
 * intact, -EBADMSG when a row was changed or removed. */
int	reid_audit_verify(const char *audit_path, char *msg, size_t msglen);

/* reid_audit_count(audit_path, from_us, to_us): re-identifications
 * requested in [from, to), for the weekly report; -errno on error. */
long	reid_audit_count(const char *audit_path, unsigned long long from_us,
	    unsigned long long to_us);

#endif
