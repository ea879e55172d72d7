/*
 * sink_syslog.c - EVE records as RFC 5424 syslog messages over TCP with
 * RFC 6587 octet-counting framing ("LEN SP SYSLOG-MSG"), through netq.c's
 * non-blocking queue (netq.h).  The MSG is the EVE JSON line as formatted
 * once for every sink (output.c); nothing is formatted twice.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME shadowtap PROCID MSGID - {"timestamp":...}
 *
 * PRI = facility * 8 + severity: alerts of high/critical severity are
 * warning (4), other alerts notice (5), every other record info (6).
 * TIMESTAMP is the event's (RFC 3339, UTC "Z"), HOSTNAME sensor.name (or
 * the host name), MSGID the event_type.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/vocab.h"
#include "output/netq.h"

#define HDR_MAX	512	/* PRI, timestamp, host (<= 255), app, pid, msgid */

struct syslog_sink {
	struct netq	*q;
	int		 facility;
	char		 host[256];	/* PRINTUSASCII, no spaces */
	char		 procid[16];
};

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7",
};

int
syslog_facility(const char *name)
{
	char *end;
	long n;
	int i;

	if (name == NULL || *name == '\0')
		return -1;
	for (i = 0; i < 24; i++)
		if (strcmp(name, facilities[i]) == 0)
			return i;
	n = strtol(name, &end, 10);
	return *end == '\0' && n >= 0 && n <= 23 ? (int)n : -1;
}

int
syslog_sink_open(struct syslog_sink **sp, const struct output_conf *c,
    const char *host, uint64_t now_us)
{
	struct syslog_sink *s;
	size_t i, n = 0;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->facility = c->syslog_facility;
	/* HOSTNAME: 1*255PRINTUSASCII; anything else becomes '_'. */
	for (i = 0; host != NULL && host[i] != '\0' && n < sizeof(s->host) - 1;
	    i++)
		s->host[n++] = host[i] > ' ' && host[i] < 127 ? host[i] : '_';
	if (n == 0)
		s->host[n++] = '-';
	s->host[n] = '\0';
	snprintf(s->procid, sizeof(s->procid), "%ld", (long)getpid());
	if ((rc = netq_open(&s->q, "syslog", c->syslog_server, c->syslog_port,
	    c->syslog_buffer, now_us)) < 0) {
		free(s);
		return rc;
	}
	*sp = s;
	return 0;
}

/* "2026-12-03T14:00:00.123456+0000" -> "...123456Z" (RFC 3339). */
static size_t
ts_rfc3339(const char *ts, char *out, size_t cap)
{
	size_t n = strnlen(ts, 40);

	if (n < 20 || n + 2 > cap)
		return 0;
	memcpy(out, ts, n);
	if (n > 5 && strcmp(ts + n - 5, "+0000") == 0) {
		out[n - 5] = 'Z';
		n -= 4;
	} else if (n > 5 && (ts[n - 5] == '+' || ts[n - 5] == '-')) {
		out[n - 2] = ':';	/* +HHMM -> +HH:MM */
		out[n - 1] = ts[n - 2];
		out[n] = ts[n - 1];
		n++;
	}
	out[n] = '\0';
	return n;
}

static int
severity(const struct event *ev)
{
	const char *sv;

	if (ev->type != EV_ALERT)
		return 6;
	sv = ev->u.alert.severity;
	return strcmp(sv, "high") == 0 || strcmp(sv, "critical") == 0 ? 4 : 5;
}

void
syslog_sink_put(struct syslog_sink *s, const struct event *ev,
    const struct ev_common *cm, const char *line, size_t n)
{
	char ts[48], hdr[HDR_MAX], len[24];
	struct iovec iov[3];
	int h, l;

	if (ts_rfc3339(cm->ts, ts, sizeof(ts)) == 0)
		snprintf(ts, sizeof(ts), "-");
	h = snprintf(hdr, sizeof(hdr), "<%d>1 %s %s shadowtap %s %s - ",
	    s->facility * 8 + severity(ev), ts, s->host, s->procid,
	    vocab_name(&vocab_ev_type, ev->type));
	if (h <= 0 || (size_t)h >= sizeof(hdr))
		return;
	l = snprintf(len, sizeof(len), "%zu ", (size_t)h + n);
	iov[0].iov_base = len;
	iov[0].iov_len = (size_t)l;
	iov[1].iov_base = hdr;
	iov[1].iov_len = (size_t)h;
	iov[2].iov_base = (void *)(uintptr_t)line;
	iov[2].iov_len = n;
	netq_pushv(s->q, iov, 3);
}

struct netq *
syslog_sink_q(struct syslog_sink *s)
{
	return s != NULL ? s->q : NULL;
}

void
syslog_sink_close(struct syslog_sink *s)
{
	if (s == NULL)
		return;
	netq_close(s->q);
	free(s);
}
