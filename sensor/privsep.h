/*
 * privsep.h - the writer process (owns: the fork, the engine->writer
 * message protocol, the writer's loop).  With privsep on, the sensor
 * forks after opening everything: the writer keeps the outputs and the
 * pseudonym key and writes EVE and SQLite; the engine wipes them and sends
 * flat events in batches (output/event.h) over a SOCK_SEQPACKET
 * socketpair.  A writer that dies is reported by the engine (log, exit 1).
 * Not yet: a separate privileged parent that keeps the paths, reopens
 * files after the drop and passes descriptors.
 */
#ifndef ST_PRIVSEP_H
#define ST_PRIVSEP_H

#include <stdint.h>
#include <sys/types.h>

#include "output/event.h"
#include "output/output.h"

struct privdrop;

struct privsep {
	int		 fd;		/* engine's end; -1: single process */
	pid_t		 pid;		/* the writer */
	struct ev_batch	*batch;
	uint64_t	 sent, batches;
	int		 broken;	/* the writer is gone */
};

/* privsep_start(ps, o, pd): fork the writer, which takes over ${o} (and
 * drops privileges with ${pd}); in the engine ${o} is forgotten.  0 or
 * -errno. */
int	privsep_start(struct privsep *ps, struct output *o,
	    const struct privdrop *pd);
/* privsep_emit(ps, ev): queue one event; a full batch is sent. */
void	privsep_emit(struct privsep *ps, const struct event *ev);
/* privsep_flush(ps): send the queued events now. */
void	privsep_flush(struct privsep *ps);
/* privsep_reopen(ps), privsep_apply(ps, c): SIGHUP work, done by the
 * writer. */
void	privsep_reopen(struct privsep *ps);
void	privsep_apply(struct privsep *ps, const struct output_conf *c);
/* privsep_finish(ps): flush, close, wait for the writer; its exit status
 * (0, 1 when it lost data or failed), logged when it died. */
int	privsep_finish(struct privsep *ps);

#endif
