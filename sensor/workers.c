/*
 * workers.c - worker threads, the file dispatcher and its rings, the sum
 * of the workers' counters (workers.h).
 *
 * A ring is a byte buffer of records (header + packet bytes, 8-aligned)
 * with a producer position (head) and a consumer position (tail) that only
 * grow.  The dispatcher writes records at a private position and publishes
 * it once per dispatch (or before it waits for room); a worker frees room
 * every RELEASE_EVERY records.  Sleeping is on a condition variable, only
 * when a ring is empty (worker) or full (dispatcher), announced by a flag
 * so the other side signals only then: no lock while packets flow.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "classify/analyzer.h"
#include "decode/decode.h"
#include "engine.h"
#include "workers.h"
#include "common/clock.h"
#include "common/counters.h"
#include "common/log.h"

#define RING_BYTES	(16u << 20)	/* per worker; >= 2 records of 256 KiB */
#define RELEASE_EVERY	256
#define DISPATCH_MAX	512		/* packets per dispatch, as run() */

enum { R_PKT = 1, R_TICK, R_PAD };

struct rec {
	uint32_t	len;		/* whole record, 8-aligned */
	uint32_t	kind;
	uint32_t	caplen, wirelen;
	uint64_t	ts;		/* packet time; R_TICK: the watermark */
};

struct ring {
	uint8_t		*buf;
	uint64_t	 head;		/* published by the dispatcher */
	uint64_t	 tail;		/* released by the worker */
	uint64_t	 whead;		/* dispatcher: written, not published */
	int		 eof;
	int		 cwait, pwait;	/* worker / dispatcher asleep */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_c, cv_p;
};

struct worker {
	struct engine	 e;
	struct ring	 r;
	struct workers	*ws;
	unsigned	 id;
	pthread_t	 th;
	int		 started;
	uint64_t	 dispatched;
	struct ctr_def	 defs[CTR_MAX];
};

struct workers {
	struct engine	*m;
	unsigned	 n;
	int		 live;
	int		 stop;		/* live: end the workers */
	int		 cap_err;
	unsigned	 reload_gen;
	size_t		 ndefs;
	struct worker	*w;
	const struct ctr_def **sets;
	struct dec_stats dec;		/* the dispatcher's decode, not counted */
};

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* ---- the ring ---- */

static int
ring_init(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	if ((r->buf = malloc(RING_BYTES)) == NULL)
		return -ENOMEM;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv_c, NULL);
	pthread_cond_init(&r->cv_p, NULL);
	return 0;
}

static void
ring_free(struct ring *r)
{
	if (r->buf == NULL)
		return;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv_c);
	pthread_cond_destroy(&r->cv_p);
	free(r->buf);
	r->buf = NULL;
}

static void
wake(struct ring *r, int *flag, pthread_cond_t *cv)
{
	if (LOAD(flag)) {
		pthread_mutex_lock(&r->mu);
		pthread_cond_signal(cv);
		pthread_mutex_unlock(&r->mu);
	}
}

static void
ring_publish(struct ring *r)
{
	if (LOAD(&r->head) == r->whead)
		return;
	STORE(&r->head, r->whead);
	wake(r, &r->cwait, &r->cv_c);
}

static uint64_t
ring_room(struct ring *r)
{
	return RING_BYTES - (r->whead - LOAD(&r->tail));
}

static void
ring_wait_room(struct ring *r, uint64_t need)
{
	if (ring_room(r) >= need)
		return;
	ring_publish(r);
	pthread_mutex_lock(&r->mu);
	STORE(&r->pwait, 1);
	while (ring_room(r) < need)
		pthread_cond_wait(&r->cv_p, &r->mu);
	STORE(&r->pwait, 0);
	pthread_mutex_unlock(&r->mu);
}

static void
ring_put(struct ring *r, uint32_t kind, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, uint64_t ts)
{
	uint64_t need = (sizeof(struct rec) + caplen + 7) & ~(uint64_t)7;
	uint64_t pos = r->whead % RING_BYTES, end = RING_BYTES - pos;
	struct rec *h;

	/* A record never wraps: the rest of the buffer is skipped (a pad
	 * record when a header fits, else by the same rule on both sides). */
	ring_wait_room(r, end < need ? end + need : need);
	if (end < need) {
		if (end >= sizeof(struct rec)) {
			h = (struct rec *)(void *)(r->buf + pos);
			h->len = (uint32_t)end;
			h->kind = R_PAD;
		}
		r->whead += end;
		pos = 0;
	}
	h = (struct rec *)(void *)(r->buf + pos);
	h->len = (uint32_t)need;
	h->kind = kind;
	h->caplen = caplen;
	h->wirelen = wirelen;
	h->ts = ts;
	if (caplen > 0)
		memcpy(h + 1, data, caplen);
	r->whead += need;
}

/* ---- the file dispatcher's hash: the same worker for both directions ---- */

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * By the client's address: its DNS lookups and the connections they name
 * land on one worker, in packet order, so a replay names flows exactly as
 * one path does (and per-client state stays whole).  The client is the
 * end with the higher port (the ephemeral one); equal ports or no ports
 * (ICMP, fragments): the lower address.  A function of the unordered pair,
 * so both directions of a flow agree.
 */
static unsigned
pick(const struct pkt *p, unsigned n)
{
	int ports = !p->frag && (p->proto == 6 || p->proto == 17 ||
	    p->proto == 132);
	const struct ip_addr *c;
	uint64_t x, y, h;

	if (ports && p->sport != p->dport)
		c = p->sport > p->dport ? &p->src : &p->dst;
	else
		c = memcmp(p->src.a, p->dst.a, 16) <= 0 ? &p->src : &p->dst;
	memcpy(&x, c->a, 8);
	memcpy(&y, c->a + 8, 8);
	h = mix(x ^ mix(y));
	return (unsigned)(((h >> 32) * n) >> 32);
}

static void
on_dispatch(void *arg, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    uint64_t ts)
{
	struct workers *ws = arg;
	struct worker *w = &ws->w[0];
	struct pkt p;

	/* Undecodable frames go to worker 0, whose decoder counts why. */
	if (decode_packet(&ws->dec, ws->m->linktype, data, caplen, wirelen, ts,
	    &p) == 0) {
		w = &ws->w[pick(&p, ws->n)];
		if (!p.frag && ts > ws->m->pkt_now)
			ws->m->pkt_now = ts;
	}
	w->dispatched++;
	ring_put(&w->r, R_PKT, data, caplen, wirelen, ts);
}

/* ---- the workers ---- */

static void
maybe_reload(struct worker *w, uint64_t ts)
{
	unsigned g = LOAD(&w->ws->reload_gen);

	if (g != w->e.reload_gen) {
		w->e.reload_gen = g;
		analyzer_reload(w->e.an, ts);
	}
}

static void
release(struct ring *r, uint64_t t)
{
	STORE(&r->tail, t);
	wake(r, &r->pwait, &r->cv_p);
}

/* File: records from the ring until the dispatcher's end. */
static void
consume(struct worker *w)
{
	struct ring *r = &w->r;
	uint64_t t = 0, h, pos;
	const struct rec *rc;
	unsigned k = 0;

	for (;;) {
		if ((h = LOAD(&r->head)) == t) {
			release(r, t);
			if (LOAD(&r->eof) && LOAD(&r->head) == t)
				break;
			pthread_mutex_lock(&r->mu);
			STORE(&r->cwait, 1);
			while (LOAD(&r->head) == t && !LOAD(&r->eof))
				pthread_cond_wait(&r->cv_c, &r->mu);
			STORE(&r->cwait, 0);
			pthread_mutex_unlock(&r->mu);
			continue;
		}
		while (t != h) {
			pos = t % RING_BYTES;
			if (RING_BYTES - pos < sizeof(struct rec)) {
				t += RING_BYTES - pos;
				continue;
			}
			rc = (const struct rec *)(const void *)(r->buf + pos);
			if (rc->kind == R_PKT)
				engine_packet(&w->e, (const uint8_t *)(rc + 1),
				    rc->caplen, rc->wirelen, rc->ts);
			else if (rc->kind == R_TICK) {
				maybe_reload(w, rc->ts);
				engine_worker_tick(&w->e, rc->ts, 0);
			}
			t += rc->len;
			if (++k % RELEASE_EVERY == 0)
				release(r, t);
		}
		release(r, t);
	}
}

/* Live: this worker's own handle in the fanout group. */
static void
capture_loop(struct worker *w)
{
	uint64_t now;
	int n;

	while (!LOAD(&w->ws->stop)) {
		n = engine_dispatch(&w->e, DISPATCH_MAX);
		if (n == CAPTURE_ERR) {
			STORE(&w->ws->cap_err, 1);
			break;
		}
		now = clock_wall_us();
		maybe_reload(w, now);
		engine_worker_tick(&w->e, now, 1);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t all;

	/* Signals are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (w->ws->live)
		capture_loop(w);
	else
		consume(w);
	engine_worker_finish(&w->e);
	return NULL;
}

/* The counters of ${m}: the workers' sum (capture: the dispatcher's). */
static void
snap(void *arg, struct ctr_snap *s)
{
	struct workers *ws = arg;

	if (!ws->live) {
		capture_stats(ws->m->cap, &ws->m->capst);
		ws->w[0].e.capst = ws->m->capst;
	}
	ctr_snapshot_sum(ws->sets, ws->n, ws->ndefs, s);
}

int
workers_open(struct workers **wp, struct engine *m, unsigned n)
{
	struct workers *ws;
	unsigned i;
	int rc = -ENOMEM;

	*wp = NULL;
	if ((ws = calloc(1, sizeof(*ws))) == NULL)
		return -ENOMEM;
	ws->m = m;
	ws->live = capture_is_live(m->cap);
	if ((ws->w = calloc(n, sizeof(*ws->w))) == NULL ||
	    (ws->sets = calloc(n, sizeof(*ws->sets))) == NULL)
		goto err;
	ws->n = n;	/* workers_close() frees what was built */
	for (i = 0; i < n; i++) {
		struct worker *w = &ws->w[i];

		w->ws = ws;
		w->id = i;
		if ((rc = engine_worker_open(&w->e, m, i, n)) < 0)
			goto err;
		if (ws->live) {
			w->e.cap = m->cap;	/* worker 0: the engine's handle */
			if (i > 0 && (rc = capture_open(&w->e.cap,
			    &m->conf.cap)) < 0) {
				w->e.cap = NULL;
				goto err;
			}
			if ((rc = capture_fanout(w->e.cap,
			    (unsigned)getpid() & 0xffff)) < 0)
				goto err;
		} else if ((rc = ring_init(&w->r)) < 0)
			goto err;
		engine_register(&w->e);
		ws->ndefs = ctr_defs_copy(w->defs, CTR_MAX);
		ws->sets[i] = w->defs;
	}
	engine_register(m);
	m->snap = snap;
	m->snap_arg = ws;
	log_info("%u workers, flows hashed to them %s", n, ws->live ?
	    "by the kernel (PACKET_FANOUT)" : "by the dispatcher");
	*wp = ws;
	return 0;
err:
	engine_register(m);
	workers_close(ws);
	return rc;
}

static void
nap(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);	/* a signal ends it early */
}

static int
run_file(struct workers *ws, volatile sig_atomic_t *stop,
    int (*control)(struct engine *))
{
	struct engine *m = ws->m;
	unsigned i;
	int n, rc = 0;

	for (;;) {
		if (*stop)
			break;
		if (control(m) == 1)	/* a reload: every worker follows */
			__atomic_add_fetch(&ws->reload_gen, 1, __ATOMIC_SEQ_CST);
		n = capture_dispatch(m->cap, DISPATCH_MAX, on_dispatch, ws);
		if (n == CAPTURE_EOF)
			break;
		if (n == CAPTURE_ERR) {
			rc = 1;
			break;
		}
		/* Every worker's clock: flows expire on packet time in each,
		 * at the same points as on one path. */
		for (i = 0; i < ws->n; i++) {
			ring_put(&ws->w[i].r, R_TICK, NULL, 0, 0, m->pkt_now);
			ring_publish(&ws->w[i].r);
		}
		engine_housekeeping(m, 0);
	}
	for (i = 0; i < ws->n; i++) {
		struct ring *r = &ws->w[i].r;

		ring_publish(r);
		pthread_mutex_lock(&r->mu);
		STORE(&r->eof, 1);
		pthread_cond_signal(&r->cv_c);
		pthread_mutex_unlock(&r->mu);
	}
	return rc;
}

static int
run_live(struct workers *ws, volatile sig_atomic_t *stop,
    int (*control)(struct engine *))
{
	struct engine *m = ws->m;

	while (!*stop && !LOAD(&ws->cap_err)) {
		if (control(m) == 1)	/* a reload: every worker follows */
			__atomic_add_fetch(&ws->reload_gen, 1, __ATOMIC_SEQ_CST);
		engine_housekeeping(m, 1);	/* stats events, main's batch */
		nap(100);
	}
	STORE(&ws->stop, 1);
	return LOAD(&ws->cap_err) ? 1 : 0;
}

int
workers_run(struct workers *ws, volatile sig_atomic_t *stop,
    int (*control)(struct engine *))
{
	unsigned i;
	int rc, err;

	for (i = 0; i < ws->n; i++) {
		if ((err = pthread_create(&ws->w[i].th, NULL, worker_main,
		    &ws->w[i])) != 0) {
			log_warnx("worker %u: %s", i, strerror(err));
			*stop = 1;
			break;
		}
		ws->w[i].started = 1;
	}
	rc = ws->live ? run_live(ws, stop, control) :
	    run_file(ws, stop, control);
	for (i = 0; i < ws->n; i++) {
		if (!ws->w[i].started)
			continue;
		pthread_join(ws->w[i].th, NULL);
		ws->w[i].started = 0;
		ws->m->ps.sent += ws->w[i].e.ps.sent;
		ws->m->ps.batches += ws->w[i].e.ps.batches;
		if (ws->w[i].e.ps.broken)
			ws->m->ps.broken = 1;
		log_debug("worker %u: %llu packets", i, (unsigned long long)
		    (ws->live ? ws->w[i].e.capst.received : ws->w[i].dispatched));
	}
	if (i < ws->n || ws->n == 0)
		rc = 1;
	return rc;
}

void
workers_close(struct workers *ws)
{
	unsigned i;

	if (ws == NULL)
		return;
	if (ws->m->snap_arg == ws) {
		ws->m->snap = NULL;
		ws->m->snap_arg = NULL;
	}
	for (i = 0; ws->w != NULL && i < ws->n; i++) {
		if (ws->live && ws->w[i].e.cap == ws->m->cap)
			ws->w[i].e.cap = NULL;	/* the engine closes it */
		engine_worker_close(&ws->w[i].e);
		ring_free(&ws->w[i].r);
	}
	free(ws->sets);
	free(ws->w);
	free(ws);
}
