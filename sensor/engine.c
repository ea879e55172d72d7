/*
 * engine.c - the packet path and its wiring (engine.h).  The stages report
 * facts through hooks installed here; this file copies each fact and the
 * flow's summary into one flat event and hands it to output_emit(), the
 * only call of it in the sensor.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "classify/analyzer.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "dlp/inspect.h"
#include "dpi/dpi.h"
#include "engine.h"
#include "flow/flow.h"
#include "output/output.h"
#include "common/clock.h"
#include "common/counters.h"
#include "common/log.h"
#include "common/str.h"

/* ---- building events ---- */

static const char *
app_name(const struct flow *f)
{
	static const char *const ours[] = { NULL, "tls", "quic", "dns", "http" };

	if (f->meta.app > APP_UNKNOWN && f->meta.app < APP_OTHER)
		return ours[f->meta.app];
	if (f->meta.proto_name[0])
		return f->meta.proto_name;
	return "";
}

void
ev_flow_fill(struct ev_flow *d, const struct flow *f)
{
	const struct flow_meta *m = &f->meta;

	d->id = f->id;
	d->ts_first = f->ts_first;
	d->ts_last = f->ts_last;
	d->pkts[0] = f->pkts[0];
	d->pkts[1] = f->pkts[1];
	d->bytes[0] = f->bytes[0];
	d->bytes[1] = f->bytes[1];
	d->upload_bytes = flow_upload_bytes(f);
	d->cli = *flow_cli_ip(f);
	d->srv = *flow_srv_ip(f);
	d->cli_port = flow_cli_port(f);
	d->srv_port = flow_srv_port(f);
	d->vlan[0] = f->key.vlan[0];
	d->vlan[1] = f->key.vlan[1];
	d->proto = f->key.proto;
	d->pickup = f->pickup;
	str_lcpy(d->state, flow_state_str(f), sizeof(d->state));
	str_lcpy(d->app_proto, app_name(f), sizeof(d->app_proto));
	_Static_assert(sizeof(d->meta.host) == sizeof(m->host), "host");
	memcpy(d->meta.host, m->host, sizeof(d->meta.host));
	d->meta.host_len = (uint16_t)flow_host_len(m);
	d->meta.snap_cut = m->snap_cut;
	str_lcpy(d->meta.alpn, m->alpn, sizeof(d->meta.alpn));
	str_lcpy(d->meta.ja3, m->ja3, sizeof(d->meta.ja3));
	str_lcpy(d->meta.ja4, m->ja4, sizeof(d->meta.ja4));
	str_lcpy(d->meta.http_method, m->http_method, sizeof(d->meta.http_method));
	d->meta.dns_query_ts = m->dns_query_ts;
	d->meta.quic_version = m->quic_version;
	d->meta.tls_version = m->tls_version;
	d->meta.dns_qtype = m->dns_qtype;
	d->meta.dns_id = m->dns_id;
	d->meta.host_src = m->host_src;
	d->meta.ech = m->ech;
	d->meta.dns = m->app == APP_DNS;
	d->meta.dns_pending = m->dns_pending;
	d->has_ai = f->ai != NULL;
	if (f->ai != NULL)
		d->ai = *f->ai;
	else
		memset(&d->ai, 0, sizeof(d->ai));
}

void
event_begin(struct event *ev, enum ev_type t, uint64_t ts,
    const struct flow *f, int dir)
{
	memset(ev, 0, offsetof(struct event, u));
	ev->magic = EV_MAGIC;
	ev->type = (uint8_t)t;
	ev->ts_us = ts;
	ev->dir = (uint8_t)dir;
	if (f != NULL) {
		ev->has_flow = 1;
		ev_flow_fill(&ev->flow, f);
	}
}

/* The one door out. */
static void
emit(struct engine *e, struct event *ev)
{
	ev->size = (uint32_t)event_wire_size(ev);
	if (e->ps.fd >= 0)
		privsep_emit(&e->ps, ev);	/* the writer's output_emit */
	else
		output_emit(e->out, ev);
}

/* ev_hook.fact for every stage: copy the fact into the event's union. */
static void
on_fact(void *arg, enum ev_type t, const struct flow *f, int dir,
    uint64_t ts, const void *data)
{
	struct engine *e = arg;
	struct event *ev = e->ev;
	const struct dns_msg *d;
	uint16_t n;

	if (t >= EV__COUNT || t == EV_FLOW || t == EV_STATS)
		return;
	event_begin(ev, t, ts, f, dir);
	switch (t) {
	case EV_DNS:
		d = data;
		n = d->n_answers <= DNS_MAX_ANSWERS ? d->n_answers :
		    DNS_MAX_ANSWERS;
		memcpy(&ev->u.dns, d, offsetof(struct dns_msg, answers) +
		    (size_t)n * sizeof(d->answers[0]));
		ev->u.dns.n_answers = n;
		break;
	case EV_HTTP:
		ev->u.http = *(const struct http_req *)data;
		break;
	case EV_AI:
		ev->u.ai = *(const struct ai_info *)data;
		break;
	case EV_ALERT:
		ev->u.alert = *(const struct alert_info *)data;
		break;
	case EV_VISIBILITY:
		ev->u.vis = *(const struct visibility_info *)data;
		break;
	case EV_POLICY:
		ev->u.policy = *(const struct policy_event *)data;
		break;
	default:	/* EV_TLS, EV_QUIC: the flow summary says it all */
		break;
	}
	emit(e, ev);
}

/* ---- dpi's classification hooks: the analyzer ---- */

static void
on_hello(void *arg, struct flow *f, uint64_t ts)
{
	analyze_hello(((struct engine *)arg)->an, f, ts);
}

static void
on_http(void *arg, struct flow *f, const struct http_req *r, uint64_t ts)
{
	analyze_http(((struct engine *)arg)->an, f, r, ts);
}

static void
on_body(void *arg, struct flow *f, const uint8_t *p, size_t n, uint64_t ts)
{
	analyze_body(((struct engine *)arg)->an, f, p, n, ts);
}

static void
on_dns(void *arg, struct flow *f, const struct dns_msg *d, uint64_t ts)
{
	analyze_dns(((struct engine *)arg)->an, f, d, ts);
}

/* ---- the inspector's view of the policy: the analyzer's ---- */

static const struct inspect_policy *
on_policy(void *arg)
{
	return analyzer_inspect_policy(((struct engine *)arg)->an);
}

static struct dlp_engine *
on_dlp(void *arg)
{
	return analyzer_dlp(((struct engine *)arg)->an);
}

/* ---- counters ---- */

/* The registry's order is EVE stats' layout: Suricata's sections first
 * (capture, decoder, flow), then ours under stats.shadowtap. */
static void
register_counters(struct engine *e)
{
	static const char cs[] = "capture";

	ctr_reset();
	ctr_add(CTR_OWN_ENGINE, cs, "kernel_packets", "capture.received",
	    CTR_COUNTER, &e->capst.received, "packets received (pcap_stats)");
	ctr_add(CTR_OWN_ENGINE, cs, "kernel_drops", "capture.dropped",
	    CTR_COUNTER, &e->capst.dropped, "dropped: kernel buffer full");
	ctr_add(CTR_OWN_ENGINE, cs, "kernel_ifdrops", "capture.if_dropped",
	    CTR_COUNTER, &e->capst.if_dropped, "dropped by the interface");
	decode_counters(&e->dec, 1);
	flow_counters(e->flows, 1);
	ctr_add_str(CTR_OWN_ENGINE, "shadowtap", "source", e->capst.iface,
	    "interface or file name");
	decode_counters(&e->dec, 0);
	defrag_counters(e->defrag);
	flow_counters(e->flows, 0);
	dpi_counters(e->dpi);
	output_counters(e->out);
	if (e->insp != NULL)
		inspector_counters(e->insp);
	if (e->an != NULL)
		analyzer_counters(e->an);
}

void
engine_register(struct engine *e)
{
	register_counters(e);
}

/* The counters now: the registry's, or the workers' sum. */
static void
snapshot(struct engine *e, struct ctr_snap *s)
{
	if (e->snap != NULL) {
		e->snap(e->snap_arg, s);
		return;
	}
	/* Counters computed on demand are brought up to date first. */
	capture_stats(e->cap, &e->capst);
	if (e->insp != NULL)
		inspector_stats(e->insp);
	ctr_snapshot(s);
}

void
engine_stats(struct engine *e, uint64_t ts)
{
	struct event *ev = e->ev;

	event_begin(ev, EV_STATS, ts, NULL, 0);
	ev->u.stats.uptime_us = ts > e->start_us ? ts - e->start_us : 0;
	snapshot(e, &ev->u.stats.c);
	emit(e, ev);
}

/* ---- the packet path ---- */

static void
on_flow_end(void *arg, struct flow *f, enum flow_end why)
{
	struct engine *e = arg;
	struct event *ev = e->ev;

	dpi_flow_end(e->dpi, f);
	inspect_flow_end(e->insp, f);
	event_begin(ev, EV_FLOW, f->ts_last, f, 0);
	ev->u.why = (uint8_t)why;
	emit(e, ev);
	analyze_flow_end(e->an, f);
}

void
engine_packet(void *arg, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    uint64_t ts_us)
{
	struct engine *e = arg;
	struct flow *f;
	struct pkt p;
	int dir;

	if (decode_packet(&e->dec, e->linktype, data, caplen, wirelen, ts_us, &p) < 0)
		return;
	if (p.frag) {
		const uint8_t *l3;
		uint32_t len;

		if (defrag_add(e->defrag, &p, &l3, &len) == 0 ||
		    decode_reassembled(&e->dec, l3, len, &p) < 0 || p.frag)
			return;
	}
	if (ts_us > e->pkt_now)
		e->pkt_now = ts_us;
	if ((f = flow_table_lookup(e->flows, &p, &dir)) == NULL)
		return;
	dpi_packet(e->dpi, f, &p, dir);
	inspect_packet(e->insp, f, &p, dir);
}

int
engine_dispatch(struct engine *e, int max)
{
	return capture_dispatch(e->cap, max, engine_packet, e);
}

/* Periodic work.  Flow timeouts run on packet time for files (so a replay
 * gives the same flows however fast it runs) and on wall time live (so
 * they fire on an idle link); stats events always on wall time, like a
 * progress report. */
void
engine_housekeeping(struct engine *e, int live)
{
	uint64_t wall = clock_wall_us(), now = live ? wall : e->pkt_now;

	if (now == 0)
		return;
	if (e->start_us == 0)
		e->start_us = now;
	if (now >= e->next_expire) {
		flow_table_expire(e->flows, now);
		e->next_expire = now + 1000000;
	}
	if (e->next_stats == 0)
		e->next_stats = wall + (uint64_t)e->conf.stats_interval_s * 1000000;
	else if (wall >= e->next_stats) {
		engine_stats(e, now);
		e->next_stats = wall + (uint64_t)e->conf.stats_interval_s * 1000000;
	}
	if (e->ps.fd >= 0)
		privsep_flush(&e->ps);	/* the writer ticks on its own clock */
	else
		output_tick(e->out, wall);
}

void
engine_finish(struct engine *e)
{
	flow_table_flush(e->flows);
	engine_stats(e, capture_is_live(e->cap) ? clock_wall_us() : e->pkt_now);
	if (e->ps.fd >= 0)
		privsep_flush(&e->ps);
	else
		output_sync(e->out);
}

static uint64_t
value(const struct ctr_snap *s, const char *sect, const char *name)
{
	int i = ctr_find(sect, name);

	return i >= 0 ? s->v[i] : 0;
}

void
engine_summary(struct engine *e)
{
	const struct output_stats *os = output_stats(e->out);
	struct ctr_snap *s;

	if ((s = malloc(sizeof(*s))) == NULL)
		return;
	snapshot(e, s);
	if (e->ps.pid != 0)	/* the writer logs what it wrote */
		log_info("%llu packets (%llu dropped by the kernel), %llu flows "
		    "(%llu evicted), %llu TLS + %llu QUIC hellos, %llu DNS "
		    "messages, %llu HTTP requests, %llu events to the writer in "
		    "%llu batches",
		    (unsigned long long)value(s, "decoder", "pkts"),
		    (unsigned long long)value(s, "capture", "kernel_drops"),
		    (unsigned long long)value(s, "shadowtap.flows", "created"),
		    (unsigned long long)value(s, "shadowtap.flows", "evicted"),
		    (unsigned long long)value(s, "shadowtap.dpi", "tls_hellos"),
		    (unsigned long long)value(s, "shadowtap.dpi", "quic_hellos"),
		    (unsigned long long)value(s, "shadowtap.dpi", "dns_messages"),
		    (unsigned long long)value(s, "shadowtap.dpi", "http_requests"),
		    (unsigned long long)e->ps.sent,
		    (unsigned long long)e->ps.batches);
	else
		log_info("%llu packets (%llu dropped by the kernel), %llu flows "
		    "(%llu evicted), %llu TLS + %llu QUIC hellos, %llu DNS messages, "
		    "%llu HTTP requests, %llu EVE lines, %llu database rows",
		    (unsigned long long)value(s, "decoder", "pkts"),
		    (unsigned long long)value(s, "capture", "kernel_drops"),
		    (unsigned long long)value(s, "shadowtap.flows", "created"),
		    (unsigned long long)value(s, "shadowtap.flows", "evicted"),
		    (unsigned long long)value(s, "shadowtap.dpi", "tls_hellos"),
		    (unsigned long long)value(s, "shadowtap.dpi", "quic_hellos"),
		    (unsigned long long)value(s, "shadowtap.dpi", "dns_messages"),
		    (unsigned long long)value(s, "shadowtap.dpi", "http_requests"),
		    (unsigned long long)os->eve_lines, (unsigned long long)os->db_rows);
	free(s);
	if (e->ps.pid != 0)
		return;		/* the writer reports what it wrote and lost */
	if (os->eve_lost || os->db_errors || os->db_rows_lost || os->db_lost)
		log_warnx("data lost: %llu EVE lines, %llu database rows "
		    "(%llu database errors%s)", (unsigned long long)os->eve_lost,
		    (unsigned long long)(os->db_rows_lost + os->db_lost),
		    (unsigned long long)os->db_errors,
		    os->db_malformed ? ", database malformed" : "");
}

/* ---- set-up ---- */

int
engine_open(struct engine *e)
{
	struct ev_hook report = { on_fact, e };
	struct dpi_hooks dh = { { on_fact, e }, on_hello, on_http, on_body,
	    on_dns, e };
	struct inspect_hooks ih = { { on_fact, e }, on_policy, on_dlp, e };
	int rc;

	e->ps.fd = e->ps.ctl = -1;
	if ((e->ev = malloc(sizeof(*e->ev))) == NULL)
		return -ENOMEM;
	if ((rc = capture_open(&e->cap, &e->conf.cap)) < 0)
		return rc;
	e->linktype = capture_linktype(e->cap);
	if (!decode_linktype_ok(e->linktype)) {
		log_warnx("%s: unsupported link type %d", e->conf.cap.iface ?
		    e->conf.cap.iface : e->conf.cap.file, e->linktype);
		return -ENOTSUP;
	}
	if ((rc = output_open(&e->out, &e->conf.out)) < 0)
		return rc;
	if ((rc = analyzer_new(&e->an, e->conf.rules_dir, &report, stderr)) < 0) {
		e->rules_failed = 1;
		return rc;
	}
	analyzer_allow_empty_policy(e->an, e->conf.allow_empty_policy);
	if ((rc = inspector_new(&e->insp, &ih)) < 0)
		return rc;
	if (dpi_new(&e->dpi, &e->conf.dpi, e->conf.flow.max_flows, &dh) < 0 ||
	    (e->flows = flow_table_new(&e->conf.flow, on_flow_end, e)) == NULL ||
	    (e->defrag = defrag_new(e->conf.defrag_slots, 30)) == NULL) {
		log_warnx("out of memory setting up %u flows", e->conf.flow.max_flows);
		return -ENOMEM;
	}
	capture_stats(e->cap, &e->capst);
	register_counters(e);
	return 0;
}

void
engine_close(struct engine *e)
{
	flow_table_free(e->flows);
	e->flows = NULL;
	defrag_free(e->defrag);
	e->defrag = NULL;
	dpi_free(e->dpi);
	e->dpi = NULL;
	inspector_free(e->insp);
	e->insp = NULL;
	analyzer_free(e->an);
	e->an = NULL;
	output_close(e->out);
	e->out = NULL;
	capture_close(e->cap);
	e->cap = NULL;
	free(e->ev);
	e->ev = NULL;
}

/* ---- workers (workers.h) ---- */

static uint32_t
share(uint32_t total, unsigned n, uint32_t min)
{
	uint32_t v = total / n;

	return v < min ? min : v;
}

int
engine_worker_open(struct engine *w, struct engine *m, unsigned id, unsigned n)
{
	struct ev_hook report = { on_fact, w };
	struct dpi_hooks dh = { { on_fact, w }, on_hello, on_http, on_body,
	    on_dns, w };
	struct inspect_hooks ih = { { on_fact, w }, on_policy, on_dlp, w };
	int rc;

	memset(w, 0, sizeof(*w));
	w->conf = m->conf;	/* strings stay the main engine's */
	w->conf.flow.max_flows = share(m->conf.flow.max_flows, n, 1024);
	w->conf.dpi.ndpi_slots = share(m->conf.dpi.ndpi_slots, n, 16);
	w->conf.dpi.scratch_slots = share(m->conf.dpi.scratch_slots, n, 16);
	w->conf.defrag_slots = share(m->conf.defrag_slots, n, 1);
	w->linktype = m->linktype;
	w->out = m->out;	/* counters only: events go to the writer */
	w->capst = m->capst;
	w->ps.fd = m->ps.fd;
	w->ps.ctl = -1;		/* reloads come to the main engine */
	if ((w->ev = malloc(sizeof(*w->ev))) == NULL ||
	    (w->ps.batch = malloc(sizeof(*w->ps.batch))) == NULL)
		return -ENOMEM;
	ev_batch_init(w->ps.batch);
	if ((rc = analyzer_new(&w->an,
	    m->an != NULL ? analyzer_dir(m->an) : w->conf.rules_dir, NULL, stderr)) < 0 ||
	    (rc = analyzer_share(w->an, m->an, &report)) < 0)
		return rc;
	analyzer_allow_empty_policy(w->an, w->conf.allow_empty_policy);
	if ((rc = inspector_new(&w->insp, &ih)) < 0)
		return rc;
	if (dpi_new(&w->dpi, &w->conf.dpi, w->conf.flow.max_flows, &dh) < 0 ||
	    (w->flows = flow_table_new(&w->conf.flow, on_flow_end, w)) == NULL ||
	    (w->defrag = defrag_new(w->conf.defrag_slots, 30)) == NULL) {
		log_warnx("worker %u: out of memory setting up %u flows", id,
		    w->conf.flow.max_flows);
		return -ENOMEM;
	}
	flow_table_id_prefix(w->flows, id);
	return 0;
}

void
engine_worker_tick(struct engine *w, uint64_t now, int live)
{
	if (now != 0 && now >= w->next_expire) {
		flow_table_expire(w->flows, now);
		w->next_expire = now + 1000000;
	}
	inspector_stats(w->insp);
	if (live && w->cap != NULL)
		capture_stats(w->cap, &w->capst);
	privsep_flush(&w->ps);
}

void
engine_worker_finish(struct engine *w)
{
	flow_table_flush(w->flows);
	inspector_stats(w->insp);
	if (w->cap != NULL && capture_is_live(w->cap))
		capture_stats(w->cap, &w->capst);
	privsep_flush(&w->ps);
}

void
engine_worker_close(struct engine *w)
{
	flow_table_free(w->flows);
	defrag_free(w->defrag);
	dpi_free(w->dpi);
	inspector_free(w->insp);
	analyzer_free(w->an);
	capture_close(w->cap);
	free(w->ps.batch);
	free(w->ev);
	memset(w, 0, sizeof(*w));
}
