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

struct ctr_snap;
struct flow;

struct engine {
	struct sensor_conf	 conf;
	/* privsep: run in the engine child before it drops privileges
	 * (workers open their capture handles there); NULL: none */
	int			(*prep)(struct engine *);
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
	/* Several workers (workers.h): the counter snapshot is their sum. */
	void			(*snap)(void *arg, struct ctr_snap *s);
	void			*snap_arg;
	unsigned		 reload_gen;	/* a worker: the reload it did last */
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

/*
 * Workers (workers.h): each worker is an engine of its own stages (flow
 * table, dpi with nDPI, inspector, defrag, analyzer; pools sized total/n)
 * sharing ${m}'s outputs, writer socket and DNS answer cache.
 * engine_worker_open(w, m, id, n): build worker ${id} of ${n} from ${m}
 * (opened, writer started); 0 or -errno.  engine_packet(): one packet
 * through the stages.  engine_worker_tick(w, now, live): the worker's
 * housekeeping (flow timeouts at ${now}, on-demand counters, batch sent).
 * engine_worker_close(w): flush every flow, send the batch, free.
 */
int	engine_worker_open(struct engine *w, struct engine *m, unsigned id,
	    unsigned n);
void	engine_packet(void *arg, const uint8_t *data, uint32_t caplen,
	    uint32_t wirelen, uint64_t ts_us);
void	engine_worker_tick(struct engine *w, uint64_t now, int live);
void	engine_worker_finish(struct engine *w);
void	engine_worker_close(struct engine *w);
/* engine_register(e): the counter registry pointed at ${e}'s stages. */
void	engine_register(struct engine *e);

/* ev_flow_fill(dst, f): the flow summary a sink may print (tests build
 * events with it too). */
void	ev_flow_fill(struct ev_flow *dst, const struct flow *f);
/* event_begin(ev, t, ts, f, dir): header and flow summary of a new event;
 * the union is the caller's to fill. */
void	event_begin(struct event *ev, enum ev_type t, uint64_t ts,
	    const struct flow *f, int dir);

#endif
