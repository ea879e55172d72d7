/*
 * parent.h - the privileged parent of a privsep sensor (owns: starting
 * the writer and the engine, which descriptors each keeps, their
 * supervision, SIGHUP reload and EVE reopen, the exit status).  It keeps
 * the paths and its privileges; the children drop theirs (privdrop.h).
 */
#ifndef ST_PARENT_H
#define ST_PARENT_H

#include <stdint.h>

#include "conf.h"
#include "engine.h"
#include "privdrop.h"

/* The descriptors open in this process (below PARENT_MAX_FD). */
#define PARENT_MAX_FD	4096
struct fdset {
	uint64_t	w[PARENT_MAX_FD / 64];
};
void	fdset_snapshot(struct fdset *s);

/* The engine child's work once its privileges are dropped: the capture
 * loop, flush, summary; returns its exit status. */
typedef int parent_engine_fn(struct engine *e);

/*
 * parent_run(e, pd, rules_fd, before, run):
 * ${e} is open (engine_open, as root); ${before}: the descriptors open
 * before engine_open (what engine_open added is the capture's and the
 * outputs'); ${rules_fd} a directory descriptor of the rules or -1.
 * Starts the writer (takes the outputs) and the engine (takes the
 * capture), supervises them, reloads on SIGHUP/SIGUSR2, stops them on
 * SIGINT/SIGTERM.  Returns the sensor's exit status.  ${e} must not be
 * engine_close()d afterwards (its capture and outputs are the children's).
 */
int	parent_run(struct engine *e, const struct privdrop *pd, int rules_fd,
	    const struct fdset *before, parent_engine_fn *run);

/*
 * sensor_reload_conf(path, cur, n): re-read the configuration file into
 * ${n} (conf_free it), warning about settings that need a restart.
 * 0, or -EINVAL when the file has errors (the running one is kept).
 */
int	sensor_reload_conf(const char *path, const struct sensor_conf *cur,
	    struct sensor_conf *n);

#endif
