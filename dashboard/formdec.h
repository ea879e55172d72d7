/*
 * formdec.h - the dashboard's parsing of request text that needs no
 * libmicrohttpd: urlencoded body fields, session-id cookies, numbers of
 * seconds and alert-page cursors.  Bounded by the given lengths (the body
 * need not be NUL-terminated); fuzzed by tests/fuzz/fuzz_dash_form.c.
 */
#ifndef DASH_FORMDEC_H
#define DASH_FORMDEC_H

#include <stddef.h>
#include <stdint.h>

/* form_field(body, blen, name, buf, len): the first ${name}= field of an
 * application/x-www-form-urlencoded body, decoded (+ and %XX; NUL bytes
 * dropped; truncated to len - 1) into buf.  0, or -ENOENT. */
int	form_field(const char *body, size_t blen, const char *name, char *buf,
	    size_t len);
/* sid_valid: 64 lowercase hex digits (a session id we could have made). */
int	sid_valid(const char *sid);
/* secs(v): a decimal number of seconds up to year 9999, or -1. */
int64_t	secs(const char *v);
/* cursor_parse(v, ts, db, id): "TS_US-DB-ID" (db below ndb), or -EINVAL. */
int	cursor_parse(const char *v, int ndb, uint64_t *ts, int *db,
	    int64_t *id);

#endif
