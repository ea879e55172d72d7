/*
 * privsep.c - the privsep links and the writer process (privsep.h).
 * Messages on SOCK_SEQPACKET socketpairs, one record each: a kind, then
 * a batch of flat events (output/event.h), the output selection settings,
 * a reload, or nothing but a descriptor (SCM_RIGHTS).  The writer commits
 * on its own clock (poll timeout) and ends at EOF of the event link: sync,
 * close, exit 1 when an output lost data.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "privdrop.h"
#include "privsep.h"
#include "common/clock.h"
#include "common/log.h"

enum { PS_BATCH = 1, PS_EVE, PS_APPLY, PS_RELOAD };

#define PS_HDR		8	/* kind + padding */
#define TICK_MS		100	/* the writer's commit clock */

static int
send_kind(int fd, uint32_t kind, const void *p, size_t n, int pass_fd)
{
	uint8_t hdr[PS_HDR] = { 0 };
	union {
		struct cmsghdr	c;
		char		b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr m;
	struct iovec iov[2];
	ssize_t w;

	memcpy(hdr, &kind, sizeof(kind));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)p;
	iov[1].iov_len = n;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = n ? 2 : 1;
	if (pass_fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		m.msg_control = cm.b;
		m.msg_controllen = sizeof(cm.b);
		cm.c.cmsg_level = SOL_SOCKET;
		cm.c.cmsg_type = SCM_RIGHTS;
		cm.c.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.c), &pass_fd, sizeof(int));
	}
	while ((w = sendmsg(fd, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return w < 0 ? -errno : 0;
}

static int
send_msg(struct privsep *ps, uint32_t kind, const void *p, size_t n)
{
	int rc;

	if (ps->fd < 0 || ps->broken)
		return -EPIPE;
	if ((rc = send_kind(ps->fd, kind, p, n, -1)) < 0) {
		ps->broken = 1;
		log_warnx("writer process gone (%s): events are lost from now",
		    strerror(-rc));
	}
	return rc;
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

int
privsep_control(struct privsep *ps, struct ps_reload *r)
{
	uint8_t buf[PS_HDR + sizeof(*r)];
	uint32_t kind;
	ssize_t n;

	if (ps->ctl < 0)
		return 0;
	while ((n = recv(ps->ctl, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		memcpy(&kind, buf, sizeof(kind));
		if (kind == PS_RELOAD && (size_t)n == sizeof(buf)) {
			memcpy(r, buf + PS_HDR, sizeof(*r));
			return 1;
		}
	}
	if (n == 0) {		/* the parent is gone: SIGTERM follows */
		close(ps->ctl);
		ps->ctl = -1;
	}
	return 0;
}

int
privsep_send_eve(int ctl, int eve_fd)
{
	return send_kind(ctl, PS_EVE, NULL, 0, eve_fd);
}

int
privsep_send_apply(int ctl, const struct output_conf *c)
{
	/* output_apply() reads only the numbers: the paths in ${c} are
	 * never used on the other side. */
	return send_kind(ctl, PS_APPLY, c, sizeof(*c), -1);
}

int
privsep_send_reload(int ctl, const struct ps_reload *r)
{
	return send_kind(ctl, PS_RELOAD, r, sizeof(*r), -1);
}

int
privsep_attach(struct privsep *ps, int fd, int ctl)
{
	pid_t pid = ps->pid;

	memset(ps, 0, sizeof(*ps));
	ps->fd = ps->ctl = -1;
	ps->pid = pid;
	if ((ps->batch = malloc(sizeof(*ps->batch))) == NULL)
		return -ENOMEM;
	ev_batch_init(ps->batch);
	ps->fd = fd;
	ps->ctl = ctl;
	return 0;
}

int
privsep_finish(struct privsep *ps)
{
	int rc = ps->broken ? 2 : 0;

	if (ps->fd < 0)
		return 0;
	privsep_flush(ps);
	if (ps->broken)
		rc = 2;
	close(ps->fd);
	ps->fd = -1;
	if (ps->ctl >= 0)
		close(ps->ctl);
	ps->ctl = -1;
	free(ps->batch);
	ps->batch = NULL;
	return rc;
}

/* One message from the parent: a reopened EVE file or output settings. */
static void
writer_control(int ctl, struct output *o, uint8_t *buf, size_t cap)
{
	union {
		struct cmsghdr	c;
		char		b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct output_conf c;
	struct cmsghdr *h;
	struct msghdr m;
	struct iovec iov;
	uint32_t kind;
	ssize_t n;
	int fd = -1;

	iov.iov_base = buf;
	iov.iov_len = cap;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cm.b;
	m.msg_controllen = sizeof(cm.b);
	if ((n = recvmsg(ctl, &m, MSG_CMSG_CLOEXEC)) < PS_HDR)
		return;
	for (h = CMSG_FIRSTHDR(&m); h != NULL; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(h), sizeof(int));
	memcpy(&kind, buf, sizeof(kind));
	if (kind == PS_EVE && fd >= 0) {
		output_adopt_eve(o, fd);
		fd = -1;
	} else if (kind == PS_APPLY && (size_t)n - PS_HDR == sizeof(c)) {
		memcpy(&c, buf + PS_HDR, sizeof(c));
		c.eve_path = c.db_path = c.key_path = NULL;
		c.identity_key_path = c.audit_db = NULL;
		c.sensor_name = c.in_iface = NULL;
		output_apply(o, &c);
	}
	if (fd >= 0)
		close(fd);
}

void
privsep_writer(int fd, int ctl, struct output *o, const struct privdrop *pd)
{
	static uint8_t buf[PS_HDR + EV_BATCH_MAX];
	const struct output_stats *st;
	struct event *ev;
	struct pollfd pfd[2];
	uint32_t kind;
	size_t off;
	ssize_t n;
	int rc;

	if (privdrop_apply(pd) < 0 || (ev = malloc(sizeof(*ev))) == NULL)
		_exit(1);
	for (;;) {
		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = ctl;	/* -1 once the parent is gone */
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		/* Commits on wall time: after each message, as the engine
		 * ticks after each dispatch, and when the link is idle. */
		if ((rc = poll(pfd, 2, TICK_MS)) <= 0) {
			output_tick(o, clock_wall_us());
			continue;
		}
		if (pfd[1].revents & POLLIN)
			writer_control(ctl, o, buf, sizeof(buf));
		else if (pfd[1].revents & (POLLHUP | POLLERR)) {
			close(ctl);
			ctl = -1;
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((n = read(fd, buf, sizeof(buf))) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			log_warnx("writer: %s", strerror(errno));
			break;
		}
		if ((size_t)n < PS_HDR)
			continue;
		memcpy(&kind, buf, sizeof(kind));
		if (kind == PS_BATCH) {
			off = 0;
			while ((rc = ev_batch_next(buf + PS_HDR,
			    (size_t)n - PS_HDR, &off, ev)) == 1)
				output_emit(o, ev);
			if (rc < 0)
				log_warnx("writer: malformed batch dropped");
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
