/*
 * engine.h - the sensor's packet engine: wires the stages together
 * (capture -> decode -> defrag -> flow -> dpi -> classify -> inspect) by
 * installing their hooks, turns the facts they report into flat events
 * (output/event.h) and is the one caller of output_emit().  Owns the
 * counter registry's layout (which counters, in which order).
 */
#ifndef ST_ENGINE_H
#define ST_ENGINE_H

#include <stdint.h>

#include "capture/capture.h"
#include "conf.h"
#include "decode/decode.h"
#include "output/event.h"
#include "privsep.h"

struct flow;

struct engine {
	struct sensor_conf	 conf;
	struct capture		*cap;
	struct flow_table	*flows;
	struct dpi		*dpi;
	struct output		*out;
	struct analyzer		*an;
	struct inspector	*insp;
	struct defrag		*defrag;
	struct dec_stats	 dec;
	struct capture_stats	 capst;		/* refreshed before a snapshot */
	int			 linktype;
	uint64_t		 pkt_now;	/* newest packet time, µs */
	uint64_t		 start_us;	/* first packet (file) or start (live) */
	uint64_t		 next_stats;
	uint64_t		 next_expire;
	const char		*cfg_path;	/* -c, re-read on SIGHUP */
	struct event		*ev;		/* the one event being built */
	int			 rules_failed;	/* engine_open: rules had errors */
	struct privsep		 ps;		/* ps.fd >= 0: events go to the writer */
};

/*
 * engine_open(e): with e->conf resolved, open the capture and the outputs,
 * build the stages, install their hooks and register every counter.
 * Returns 0 or -errno (e->rules_failed set when the rules had errors: a
 * usage error); what was opened is closed by engine_close().
 */
int	engine_open(struct engine *e);
/* engine_close(e): free every stage and close the outputs; idempotent. */
void	engine_close(struct engine *e);
/* engine_dispatch(e, max): read up to ${max} packets through the stages;
 * capture_dispatch()'s result. */
int	engine_dispatch(struct engine *e, int max);
/* engine_housekeeping(e, live): timeouts, stats events, output ticks. */
void	engine_housekeeping(struct engine *e, int live);
/* engine_finish(e): end every flow, emit the last stats, sync outputs. */
void	engine_finish(struct engine *e);
/* engine_stats(e, ts): emit a stats event (counter snapshot) now. */
void	engine_stats(struct engine *e, uint64_t ts);
/* engine_summary(e): the one-line log summary at exit. */
void	engine_summary(struct engine *e);

/* ev_flow_fill(dst, f): the flow summary a sink may print (tests build
 * events with it too). */
void	ev_flow_fill(struct ev_flow *dst, const struct flow *f);
/* event_begin(ev, t, ts, f, dir): header and flow summary of a new event;
 * the union is the caller's to fill. */
void	event_begin(struct event *ev, enum ev_type t, uint64_t ts,
	    const struct flow *f, int dir);

#endif
