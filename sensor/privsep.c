/*
 * privsep.c - the writer process and the engine's side of its socket
 * (privsep.h).  Messages on a SOCK_SEQPACKET socketpair, one record each:
 * a kind, then a batch of flat events (output/event.h) or the output
 * selection settings.  The writer commits on its own clock (poll timeout)
 * and ends at EOF: sync, close, exit 1 when an output lost data.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privdrop.h"
#include "privsep.h"
#include "common/clock.h"
#include "common/log.h"

enum { PS_BATCH = 1, PS_REOPEN, PS_APPLY };

#define PS_HDR		8	/* kind + padding */
#define SOCK_BUF	(1024 * 1024)
#define TICK_MS		100	/* the writer's commit clock */

static int
send_msg(struct privsep *ps, uint32_t kind, const void *p, size_t n)
{
	uint8_t hdr[PS_HDR] = { 0 };
	struct iovec iov[2];
	ssize_t w;

	if (ps->fd < 0 || ps->broken)
		return -EPIPE;
	memcpy(hdr, &kind, sizeof(kind));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)p;
	iov[1].iov_len = n;
	while ((w = writev(ps->fd, iov, n ? 2 : 1)) < 0 && errno == EINTR)
		;
	if (w < 0) {
		ps->broken = 1;
		log_warnx("writer process gone (%s): events are lost from now",
		    strerror(errno));
		return -EPIPE;
	}
	return 0;
}

void
privsep_flush(struct privsep *ps)
{
	if (ps->batch == NULL || ps->batch->count == 0)
		return;
	send_msg(ps, PS_BATCH, ps->batch->buf, ps->batch->len);
	ps->batches++;
	ev_batch_init(ps->batch);
}

void
privsep_emit(struct privsep *ps, const struct event *ev)
{
	if (ev_batch_add(ps->batch, ev) == -ENOSPC) {
		privsep_flush(ps);
		ev_batch_add(ps->batch, ev);
	}
	ps->sent++;
}

void
privsep_reopen(struct privsep *ps)
{
	privsep_flush(ps);
	send_msg(ps, PS_REOPEN, NULL, 0);
}

void
privsep_apply(struct privsep *ps, const struct output_conf *c)
{
	/* output_apply() reads only the numbers: the paths in ${c} are
	 * never used on the other side. */
	privsep_flush(ps);
	send_msg(ps, PS_APPLY, c, sizeof(*c));
}

/* The writer: events in, EVE and SQLite out. */
static void __attribute__((noreturn))
writer_main(int fd, struct output *o)
{
	static uint8_t buf[PS_HDR + EV_BATCH_MAX];
	const struct output_stats *st;
	struct output_conf c;
	struct event *ev;
	struct pollfd pfd;
	uint32_t kind;
	size_t off;
	ssize_t n;
	int rc;

	if ((ev = malloc(sizeof(*ev))) == NULL)
		_exit(1);
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		/* Commits on wall time: after each message, as the engine
		 * ticks after each dispatch, and when the link is idle. */
		if ((rc = poll(&pfd, 1, TICK_MS)) <= 0) {
			output_tick(o, clock_wall_us());
			continue;
		}
		if ((n = read(fd, buf, sizeof(buf))) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_warnx("writer: %s", strerror(errno));
			break;
		}
		if ((size_t)n < PS_HDR)
			continue;
		memcpy(&kind, buf, sizeof(kind));
		switch (kind) {
		case PS_BATCH:
			off = 0;
			while ((rc = ev_batch_next(buf + PS_HDR,
			    (size_t)n - PS_HDR, &off, ev)) == 1)
				output_emit(o, ev);
			if (rc < 0)
				log_warnx("writer: malformed batch dropped");
			break;
		case PS_REOPEN:
			output_reopen(o);
			break;
		case PS_APPLY:
			if ((size_t)n - PS_HDR == sizeof(c)) {
				memcpy(&c, buf + PS_HDR, sizeof(c));
				output_apply(o, &c);
			}
			break;
		default:
			break;
		}
		output_tick(o, clock_wall_us());
	}
	output_sync(o);
	st = output_stats(o);
	log_info("writer: %llu EVE lines, %llu database rows",
	    (unsigned long long)st->eve_lines, (unsigned long long)st->db_rows);
	if (st->eve_lost || st->db_errors || st->db_rows_lost || st->db_lost)
		log_warnx("data lost: %llu EVE lines, %llu database rows "
		    "(%llu database errors%s)", (unsigned long long)st->eve_lost,
		    (unsigned long long)(st->db_rows_lost + st->db_lost),
		    (unsigned long long)st->db_errors,
		    st->db_malformed ? ", database malformed" : "");
	rc = output_lost_data(o);
	output_close(o);
	free(ev);
	_exit(rc ? 1 : 0);
}

int
privsep_start(struct privsep *ps, struct output *o, const struct privdrop *pd)
{
	int sv[2], sz = SOCK_BUF;
	pid_t pid;

	memset(ps, 0, sizeof(*ps));
	ps->fd = -1;
	if ((ps->batch = malloc(sizeof(*ps->batch))) == NULL)
		return -ENOMEM;
	ev_batch_init(ps->batch);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* No open transaction (its locks belong to this process) and no
	 * buffered line may cross the fork: the writer starts clean. */
	output_sync(o);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		/* Signals are the engine's: it ends the writer by closing
		 * the socket, after the last batch. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
		close(sv[0]);
		log_init("shadowtap-writer", log_verbosity());
		if (privdrop_apply(pd) < 0)
			_exit(1);
		writer_main(sv[1], o);
	}
	close(sv[1]);
	ps->fd = sv[0];
	ps->pid = pid;
	output_forget(o);
	return 0;
}

int
privsep_finish(struct privsep *ps)
{
	int status = 0, rc = 0;

	if (ps->fd < 0)
		return 0;
	privsep_flush(ps);
	close(ps->fd);
	ps->fd = -1;
	if (waitpid(ps->pid, &status, 0) < 0)
		rc = 2;
	else if (WIFSIGNALED(status)) {
		log_warnx("writer process killed by signal %d: EVE and database "
		    "output stopped early", WTERMSIG(status));
		rc = 2;
	} else if (WEXITSTATUS(status) != 0)
		rc = 1;
	if (ps->broken && rc == 0)
		rc = 2;
	free(ps->batch);
	ps->batch = NULL;
	return rc;
}
