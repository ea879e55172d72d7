/*
 * sink_redis.c - EVE records to Redis, as Suricata's EVE redis output
 * does: RPUSH or LPUSH onto a list, PUBLISH on a channel, or XADD onto a
 * stream (capped with MAXLEN ~ N), all pipelined over netq.c's
 * non-blocking queue (netq.h).
 *
 * RESP is written by hand rather than with hiredis: hiredis's output
 * buffer (redisAppendCommand) grows without a bound and has no notion of
 * whole records to drop, and its reconnect means a new context; the
 * commands needed here are four fixed shapes of bulk strings.  Replies are
 * only scanned for errors ("-ERR ..." lines are counted, the first
 * logged); a reply is never waited for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "output/netq.h"

#define KEY_MAX		256
#define PFX_MAX		(KEY_MAX + 128)

struct redis_sink {
	struct netq	*q;
	int		 mode;
	char		 key[KEY_MAX];
	char		 maxlen[24];	/* XADD: "" when uncapped */
	/* reply scanner: at the start of a line?  in an error line? */
	int		 bol, in_err;
	size_t		 errlen;
	char		 err[128];
	int		 err_logged;
};

int
redis_mode(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "list") == 0 || strcmp(name, "rpush") == 0)
		return RM_RPUSH;
	if (strcmp(name, "lpush") == 0)
		return RM_LPUSH;
	if (strcmp(name, "channel") == 0 || strcmp(name, "publish") == 0)
		return RM_PUBLISH;
	if (strcmp(name, "xadd") == 0 || strcmp(name, "stream") == 0)
		return RM_XADD;
	return -1;
}

/* Replies arrive in any pieces: a line starting with '-' is an error. */
static void
redis_reader(void *arg, const char *p, size_t n)
{
	struct redis_sink *s = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s->bol && p[i] == '-') {
			s->in_err = 1;
			s->errlen = 0;
		}
		if (s->in_err && p[i] != '\r' && p[i] != '\n' &&
		    s->errlen < sizeof(s->err) - 1)
			s->err[s->errlen++] = p[i] >= ' ' && p[i] < 127 ?
			    p[i] : '?';
		s->bol = p[i] == '\n';
		if (s->bol && s->in_err) {
			s->in_err = 0;
			s->err[s->errlen] = '\0';
			netq_count_error(s->q);
			if (!s->err_logged++)
				log_warnx("redis: the server refused a command: "
				    "%s (counted as redis_errors; logged once)",
				    s->err);
		}
	}
}

int
redis_sink_open(struct redis_sink **sp, const struct output_conf *c,
    uint64_t now_us)
{
	struct redis_sink *s;
	int rc;

	if (c->redis_key == NULL || strlen(c->redis_key) == 0 ||
	    strlen(c->redis_key) >= KEY_MAX) {
		log_warnx("output.redis_key must be 1 to %d bytes", KEY_MAX - 1);
		return -EINVAL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->mode = c->redis_mode;
	s->bol = 1;
	snprintf(s->key, sizeof(s->key), "%s", c->redis_key);
	if (c->redis_maxlen > 0)
		snprintf(s->maxlen, sizeof(s->maxlen), "%u", c->redis_maxlen);
	if ((rc = netq_open(&s->q, "redis", c->redis_server, c->redis_port,
	    c->redis_buffer, now_us)) < 0) {
		free(s);
		return rc;
	}
	netq_set_reader(s->q, redis_reader, s);
	*sp = s;
	return 0;
}

/* One bulk string "$<len>\r\n<s>\r\n" appended to ${p}. */
static int
bulk(char *p, size_t cap, int at, const char *str)
{
	int n = snprintf(p + at, cap - (size_t)at, "$%zu\r\n%s\r\n",
	    strlen(str), str);

	return n < 0 || (size_t)n >= cap - (size_t)at ? -1 : at + n;
}

void
redis_sink_put(struct redis_sink *s, const char *line, size_t n)
{
	static const char *const verb[] = { "RPUSH", "LPUSH", "PUBLISH",
	    "XADD" };
	char pfx[PFX_MAX];
	struct iovec iov[3];
	int at, args;

	/* Every command ends with the record as its last argument. */
	if (s->mode == RM_XADD)
		args = s->maxlen[0] ? 8 : 5;
	else
		args = 3;
	at = snprintf(pfx, sizeof(pfx), "*%d\r\n", args);
	at = bulk(pfx, sizeof(pfx), at, verb[s->mode]);
	if (at > 0)
		at = bulk(pfx, sizeof(pfx), at, s->key);
	if (at > 0 && s->mode == RM_XADD && s->maxlen[0]) {
		at = bulk(pfx, sizeof(pfx), at, "MAXLEN");
		if (at > 0)
			at = bulk(pfx, sizeof(pfx), at, "~");
		if (at > 0)
			at = bulk(pfx, sizeof(pfx), at, s->maxlen);
	}
	if (at > 0 && s->mode == RM_XADD) {
		at = bulk(pfx, sizeof(pfx), at, "*");
		if (at > 0)
			at = bulk(pfx, sizeof(pfx), at, "eve");
	}
	if (at > 0) {
		int m = snprintf(pfx + at, sizeof(pfx) - (size_t)at,
		    "$%zu\r\n", n);

		at = m < 0 || (size_t)m >= sizeof(pfx) - (size_t)at ? -1 :
		    at + m;
	}
	if (at <= 0)
		return;
	iov[0].iov_base = pfx;
	iov[0].iov_len = (size_t)at;
	iov[1].iov_base = (void *)(uintptr_t)line;
	iov[1].iov_len = n;
	iov[2].iov_base = (void *)(uintptr_t)"\r\n";
	iov[2].iov_len = 2;
	netq_pushv(s->q, iov, 3);
}

struct netq *
redis_sink_q(struct redis_sink *s)
{
	return s != NULL ? s->q : NULL;
}

void
redis_sink_close(struct redis_sink *s)
{
	if (s == NULL)
		return;
	netq_close(s->q);
	free(s);
}
