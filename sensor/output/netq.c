/*
 * netq.c - a non-blocking TCP connection with a bounded queue of whole
 * records (netq.h): the transport of the syslog and redis sinks.
 *
 * The queue is one linear buffer [start, end) plus a ring of record
 * lengths, so a record is sent whole or, after a broken connection, again
 * from its first byte on the next one (the collector never sees a record
 * spliced to another).  TCP has no application acknowledgement: records
 * the kernel accepted are counted sent, and what sits in the kernel's
 * socket buffer when the collector dies is lost uncounted (docs/OUTPUTS.md).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/counters.h"
#include "common/log.h"
#include "output/netq.h"

#define BACKOFF_MIN_US	(250ULL * 1000)
#define BACKOFF_MAX_US	(10ULL * 1000000)
#define LOG_MAX		20	/* down/up messages per run */
#define REC_MIN		32	/* bytes: sizes the ring of record lengths */
#define RX_BUF		4096

enum { NQ_DOWN = 0, NQ_CONNECTING, NQ_UP };

struct netq {
	char		 what[16];	/* "syslog", "redis" */
	char		 peer[300];	/* host:port for messages */
	struct sockaddr_storage sa;
	socklen_t	 salen;
	int		 fd;
	int		 state;
	int		 ever_up;	/* connected once: later ones are reconnects */
	unsigned	 logged;
	uint64_t	 next_try;	/* µs: next connection attempt */
	uint64_t	 backoff;
	uint64_t	 dropped_at_down;
	/* the queue */
	char		*buf;
	size_t		 cap, start, end, hsent;
	uint32_t	*lens;
	size_t		 lcap, lhead, lcount;
	netq_reader	 reader;
	void		*rarg;
	struct netq_stats st;
};

static void
nq_update(struct netq *q)
{
	q->st.buffered = q->end - q->start;
	q->st.connected = q->state == NQ_UP;
}

static void
nq_down(struct netq *q, const char *why, uint64_t now)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	if (q->state == NQ_UP || q->logged == 0) {
		q->dropped_at_down = q->st.dropped;
		if (q->logged++ < LOG_MAX)
			log_warnx("%s %s: %s; records are queued (%zu bytes) "
			    "and dropped when the queue is full; reconnecting",
			    q->what, q->peer, why, q->cap);
	}
	q->state = NQ_DOWN;
	q->hsent = 0;		/* the head record again, whole */
	q->backoff = q->backoff == 0 ? BACKOFF_MIN_US : q->backoff * 2;
	if (q->backoff > BACKOFF_MAX_US)
		q->backoff = BACKOFF_MAX_US;
	q->next_try = now + q->backoff;
	nq_update(q);
}

static void
nq_up(struct netq *q)
{
	q->state = NQ_UP;
	q->backoff = 0;
	if (q->ever_up)
		q->st.reconnects++;
	if (q->ever_up && q->logged < LOG_MAX)
		log_notice("%s %s: connected again; %llu records dropped "
		    "meanwhile", q->what, q->peer, (unsigned long long)
		    (q->st.dropped - q->dropped_at_down));
	else if (!q->ever_up)
		log_info("%s %s: connected", q->what, q->peer);
	q->ever_up = 1;
	nq_update(q);
}

static void
nq_connect(struct netq *q, uint64_t now)
{
	int one = 1;

	q->fd = socket(q->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (q->fd < 0) {
		nq_down(q, strerror(errno), now);
		return;
	}
	(void)setsockopt(q->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (connect(q->fd, (struct sockaddr *)&q->sa, q->salen) == 0)
		nq_up(q);
	else if (errno == EINPROGRESS || errno == EINTR)
		q->state = NQ_CONNECTING;
	else
		nq_down(q, strerror(errno), now);
}

/* An asynchronous connect finished?  Checked without waiting. */
static void
nq_connecting(struct netq *q, uint64_t now)
{
	struct pollfd p = { q->fd, POLLOUT, 0 };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&p, 1, 0) <= 0)
		return;
	if (getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0)
		nq_down(q, strerror(err), now);
	else
		nq_up(q);
}

int
netq_open(struct netq **qp, const char *what, const char *server,
    uint16_t port, size_t bufsize, uint64_t now_us)
{
	struct addrinfo hints, *res = NULL;
	struct netq *q;
	char ps[8];
	int rc;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return -ENOMEM;
	q->fd = -1;
	snprintf(q->what, sizeof(q->what), "%s", what);
	snprintf(q->peer, sizeof(q->peer), "%s:%u", server, port);
	snprintf(ps, sizeof(ps), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(server, ps, &hints, &res)) != 0 || res == NULL ||
	    res->ai_addrlen > sizeof(q->sa)) {
		log_warnx("%s %s: cannot resolve: %s", what, q->peer,
		    rc != 0 ? gai_strerror(rc) : "no address");
		rc = -EINVAL;
		goto err;
	}
	memcpy(&q->sa, res->ai_addr, res->ai_addrlen);
	q->salen = res->ai_addrlen;
	freeaddrinfo(res);
	q->cap = bufsize;
	q->lcap = bufsize / REC_MIN + 16;
	if ((q->buf = malloc(q->cap)) == NULL ||
	    (q->lens = calloc(q->lcap, sizeof(*q->lens))) == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	nq_connect(q, now_us);
	*qp = q;
	return 0;
err:
	free(q->buf);
	free(q);
	return rc;
}

void
netq_set_reader(struct netq *q, netq_reader fn, void *arg)
{
	q->reader = fn;
	q->rarg = arg;
}

int
netq_pushv(struct netq *q, const struct iovec *iov, int n)
{
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (q->buf == NULL || len == 0 || len > UINT32_MAX ||
	    q->lcount == q->lcap || len > q->cap - (q->end - q->start)) {
		q->st.dropped++;
		return -ENOBUFS;
	}
	if (len > q->cap - q->end) {	/* room only after moving down */
		memmove(q->buf, q->buf + q->start, q->end - q->start);
		q->end -= q->start;
		q->start = 0;
	}
	for (i = 0; i < n; i++) {
		memcpy(q->buf + q->end, iov[i].iov_base, iov[i].iov_len);
		q->end += iov[i].iov_len;
	}
	q->lens[(q->lhead + q->lcount++) % q->lcap] = (uint32_t)len;
	nq_update(q);
	return 0;
}

/* ${w} bytes left the queue: pop the records they completed. */
static void
nq_advance(struct netq *q, size_t w)
{
	size_t rem;

	while (w > 0 && q->lcount > 0) {
		rem = q->lens[q->lhead] - q->hsent;
		if (w < rem) {
			q->hsent += w;
			break;
		}
		w -= rem;
		q->start += q->lens[q->lhead];
		q->lhead = (q->lhead + 1) % q->lcap;
		q->lcount--;
		q->hsent = 0;
		q->st.sent++;
	}
	if (q->lcount == 0)
		q->start = q->end = 0;
}

/* Replies, and the collector closing: 0, or -1 when the link is gone. */
static int
nq_read(struct netq *q, uint64_t now)
{
	char rx[RX_BUF];
	ssize_t r;
	int i;

	for (i = 0; i < 16; i++) {
		r = recv(q->fd, rx, sizeof(rx), MSG_DONTWAIT);
		if (r > 0) {
			if (q->reader != NULL)
				q->reader(q->rarg, rx, (size_t)r);
			continue;
		}
		if (r == 0) {
			nq_down(q, "collector closed the connection", now);
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		nq_down(q, strerror(errno), now);
		return -1;
	}
	return 0;
}

static void
nq_send(struct netq *q, uint64_t now)
{
	ssize_t w;
	size_t off;

	while (q->lcount > 0) {
		off = q->start + q->hsent;
		w = send(q->fd, q->buf + off, q->end - off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0) {
			nq_advance(q, (size_t)w);
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			break;
		nq_down(q, w < 0 ? strerror(errno) : "send returned 0", now);
		break;
	}
	nq_update(q);
}

void
netq_service(struct netq *q, uint64_t now_us)
{
	if (q == NULL || q->buf == NULL)
		return;
	if (q->state == NQ_DOWN && now_us >= q->next_try)
		nq_connect(q, now_us);
	if (q->state == NQ_CONNECTING)
		nq_connecting(q, now_us);
	if (q->state != NQ_UP)
		return;
	/* A closed collector is noticed before more is sent into a dead
	 * socket, where it would be lost uncounted. */
	if (nq_read(q, now_us) < 0)
		return;
	nq_send(q, now_us);
}

void
netq_drain(struct netq *q, int ms)
{
	uint64_t until, now;
	struct pollfd p;

	if (q == NULL || q->buf == NULL)
		return;
	until = clock_mono_us() + (uint64_t)ms * 1000;
	while ((now = clock_mono_us()) < until) {
		netq_service(q, clock_wall_us());
		if (q->lcount == 0)
			break;
		if (q->state == NQ_DOWN) {
			struct timespec ts = { 0, 20 * 1000000L };

			if (q->next_try > clock_wall_us() + (until - now))
				break;	/* next attempt past the deadline */
			nanosleep(&ts, NULL);
			continue;
		}
		p.fd = q->fd;
		p.events = q->state == NQ_UP ? POLLOUT | POLLIN : POLLOUT;
		p.revents = 0;
		(void)poll(&p, 1, 50);
	}
	/* Read the replies of what was just sent (redis), briefly. */
	if (q->state == NQ_UP && q->reader != NULL) {
		p.fd = q->fd;
		p.events = POLLIN;
		p.revents = 0;
		while (poll(&p, 1, 200) > 0 && nq_read(q, clock_wall_us()) == 0)
			;
	}
}

const struct netq_stats *
netq_stats(const struct netq *q)
{
	return &q->st;
}

void
netq_count_error(struct netq *q)
{
	q->st.errors++;
}

void
netq_counters(struct netq *q, const char *prefix)
{
	static const char sect[] = "shadowtap.output";
	static const struct {
		const char *name;
		int kind;
		size_t off;
		const char *help;
	} c[] = {
		{ "sent", CTR_COUNTER, offsetof(struct netq_stats, sent),
		    "records handed to the collector's connection" },
		{ "dropped", CTR_COUNTER, offsetof(struct netq_stats, dropped),
		    "records dropped: queue full, or left unsent at exit" },
		{ "reconnects", CTR_COUNTER, offsetof(struct netq_stats,
		    reconnects), "connections re-established" },
		{ "buffered", CTR_GAUGE, offsetof(struct netq_stats, buffered),
		    "bytes queued for the collector" },
		{ "connected", CTR_BOOL, offsetof(struct netq_stats, connected),
		    "1 while connected to the collector" },
		{ "errors", CTR_COUNTER, offsetof(struct netq_stats, errors),
		    "error replies from the collector" },
	};
	char name[CTR_NAME_LEN], db[CTR_NAME_LEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (strcmp(c[i].name, "errors") == 0 &&
		    strcmp(prefix, "redis") != 0)
			continue;
		snprintf(name, sizeof(name), "%s_%s", prefix, c[i].name);
		snprintf(db, sizeof(db), "output.%s_%s", prefix, c[i].name);
		ctr_add(CTR_OWN_OUTPUT, sect, name, db, c[i].kind,
		    (uint64_t *)(void *)((char *)&q->st + c[i].off), c[i].help);
	}
}

void
netq_forget(struct netq *q)
{
	if (q == NULL)
		return;
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->buf);
	free(q->lens);
	q->buf = NULL;
	q->lens = NULL;
	q->lcount = 0;
}

#define CLOSE_WAIT_MS	3000	/* at exit: how long the queue may drain */

void
netq_close(struct netq *q)
{
	if (q == NULL)
		return;
	if (q->buf != NULL) {
		netq_drain(q, CLOSE_WAIT_MS);
		q->st.dropped += q->lcount;
		log_info("%s %s: %llu records sent, %llu dropped, %llu "
		    "reconnects", q->what, q->peer,
		    (unsigned long long)q->st.sent,
		    (unsigned long long)q->st.dropped,
		    (unsigned long long)q->st.reconnects);
	}
	netq_forget(q);
	free(q);
}
