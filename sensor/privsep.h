/*
 * privsep.h - the privsep message protocol and the writer process (owns:
 * the engine->writer event link, the parent's control messages to the
 * writer and the engine, the writer's loop).  The processes themselves
 * are started and supervised by sensor/parent.c.  The engine sends flat
 * events in batches (output/event.h) over a SOCK_SEQPACKET socketpair;
 * the writer keeps the outputs and the pseudonym key and writes EVE and
 * SQLite; the parent sends the writer a reopened EVE descriptor
 * (SCM_RIGHTS) and output settings, and the engine a reload.
 */
#ifndef ST_PRIVSEP_H
#define ST_PRIVSEP_H

#include <stdint.h>
#include <sys/types.h>

#include "output/event.h"
#include "output/output.h"

struct privdrop;

/* The engine's side. */
struct privsep {
	int		 fd;		/* events to the writer; -1: single process */
	int		 ctl;		/* reloads from the parent; -1: none */
	pid_t		 pid;		/* the writer (not our child) */
	struct ev_batch	*batch;
	uint64_t	 sent, batches;
	int		 broken;	/* the writer is gone */
};

/* What the parent tells the engine on SIGHUP (no path in it). */
struct ps_reload {
	uint32_t	 stats_interval_s;
	int32_t		 allow_empty_policy;
};

/* privsep_attach(ps, fd, ctl): the engine sends events on ${fd} and
 * takes reloads from ${ctl}.  0 or -ENOMEM. */
int	privsep_attach(struct privsep *ps, int fd, int ctl);
/* privsep_emit(ps, ev): queue one event; a full batch is sent. */
void	privsep_emit(struct privsep *ps, const struct event *ev);
/* privsep_flush(ps): send the queued events now. */
void	privsep_flush(struct privsep *ps);
/* privsep_control(ps, r): a reload from the parent, without waiting:
 * 1 (and ${r} filled), 0 nothing. */
int	privsep_control(struct privsep *ps, struct ps_reload *r);
/* privsep_finish(ps): flush and close the link (the writer drains and
 * exits); 2 when the writer went away before, else 0. */
int	privsep_finish(struct privsep *ps);

/* The parent's messages: 0 or -errno. */
int	privsep_send_eve(int ctl, int eve_fd);
int	privsep_send_apply(int ctl, const struct output_conf *c);
int	privsep_send_reload(int ctl, const struct ps_reload *r);

/* privsep_writer(fd, ctl, o, pd): the writer process: drop privileges
 * with ${pd}, write the events read from ${fd} to ${o}, take the parent's
 * messages from ${ctl}; at EOF sync, close, exit 1 when an output lost
 * data, else 0. */
void	privsep_writer(int fd, int ctl, struct output *o,
	    const struct privdrop *pd) __attribute__((noreturn));

#endif
