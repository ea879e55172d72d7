/*
 * sink_store.c - the SQLite sink: turns engine events into lib/store rows
 * (pseudonyms only, never a client address) and counts what the store
 * committed.  SQL lives in lib/store; this file only maps fields.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "classify/analyzer.h"
#include "dlp/inspect.h"
#include "common/json.h"
#include "common/log.h"
#include "output/output.h"
#include "store/store.h"

/* Answers as a compact JSON array [{"rrname","rrtype","ttl","rdata"}]. */
static size_t
answers_json(const struct dns_msg *d, char *buf, size_t cap, int64_t *ttl_min)
{
	struct jb j;
	uint16_t i;

	*ttl_min = -1;
	jb_init(&j, buf, cap);
	jb_arr_open(&j, NULL);
	for (i = 0; i < d->n_answers; i++) {
		const struct dns_answer *a = &d->answers[i];
		const char *t = dns_type_str(a->rrtype);

		jb_obj_open(&j, NULL);
		jb_str(&j, "rrname", a->name);
		if (t != NULL)
			jb_str(&j, "rrtype", t);
		else
			jb_u64(&j, "rrtype", a->rrtype);
		jb_u64(&j, "ttl", a->ttl);
		jb_str(&j, "rdata", a->data);
		jb_obj_close(&j);
		if (*ttl_min < 0 || a->ttl < (uint64_t)*ttl_min)
			*ttl_min = a->ttl;
	}
	jb_arr_close(&j);
	return jb_finish(&j);
}

static void
put_flow(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct flow *f = ev->flow;
	const struct flow_meta *m = &f->meta;
	struct st_flow r;
	char vb[16];

	memset(&r, 0, sizeof(r));
	r.flow_id = f->id;
	r.ts_start = f->ts_first;
	r.ts_end = f->ts_last;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = cm->dest_port;
	r.proto = cm->proto;
	r.app_proto = cm->app_proto;
	r.vlan = f->key.vlan[0] ? f->key.vlan[0] : -1;
	r.host = m->host;
	r.host_source = m->host_src == HOST_NONE ? NULL :
	    vocab_name(&vocab_host_src, m->host_src);
	if (m->tls_version)
		r.tls_version = tls_version_str(m->tls_version);
	r.alpn = m->alpn;
	r.ja3 = m->ja3;
	r.ja4 = m->ja4;
	r.ech = m->ech;
	if (m->quic_version)
		r.quic_version = quic_version_str(m->quic_version, vb, sizeof(vb));
	r.http_method = m->http_method;
	r.pkts_toserver = f->pkts[0];
	r.pkts_toclient = f->pkts[1];
	r.bytes_toserver = f->bytes[0];
	r.bytes_toclient = f->bytes[1];
	r.upload_bytes = flow_upload_bytes(f);
	r.state = flow_state_str(f);
	r.reason = vocab_name(&vocab_flow_end, ev->u.why);
	if (f->ai != NULL) {
		r.service = f->ai->service;
		r.verdict = vocab_name(&vocab_verdict, f->ai->verdict);
	}
	store_put_flow(s, &r);
}

static void
dns_question(struct st_dns *r, uint64_t flow_id, uint64_t ts,
    const struct ev_common *cm, uint16_t id, const char *qname, uint16_t qtype,
    char *tbuf, size_t tlen)
{
	const char *t = dns_type_str(qtype);

	memset(r, 0, sizeof(*r));
	r->flow_id = flow_id;
	r->ts = ts;
	r->client = cm->pseudo;
	r->dest_ip = cm->dest_ip;
	r->proto = cm->proto;
	r->dns_id = id;
	r->rrname = qname;
	if (t == NULL) {
		snprintf(tbuf, tlen, "%u", qtype);
		t = tbuf;
	}
	r->rrtype = t;
	r->ttl_min = -1;
}

/*
 * One row per DNS transaction, written when the answer arrives; a query
 * still unanswered when its flow ends is written from the flow record.
 */
static void
put_dns(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct dns_msg *d = ev->u.dns;
	static char ans[128 * 1024];	/* 32 fully escaped answers fit */
	struct st_dns r;
	char tb[8];
	int64_t ttl_min = -1;

	if (!d->qr)
		return;
	if (answers_json(d, ans, sizeof(ans), &ttl_min) == 0)
		ans[0] = '\0';
	dns_question(&r, ev->flow->id, ev->ts_us, cm, d->id, d->qname,
	    d->qtype, tb, sizeof(tb));
	r.rcode = dns_rcode_str(d->rcode);
	r.answers = ans;
	r.ttl_min = ttl_min;
	r.answered = 1;
	store_put_dns(s, &r);
}

static void
put_dns_unanswered(struct store *s, const struct event *ev,
    const struct ev_common *cm)
{
	const struct flow *f = ev->flow;
	struct st_dns r;
	char tb[8];

	dns_question(&r, f->id, f->meta.dns_query_ts, cm, f->meta.dns_id,
	    f->meta.host_src == HOST_DNS ? f->meta.host : "", f->meta.dns_qtype,
	    tb, sizeof(tb));
	store_put_dns(s, &r);
}

/* privacy.url_query / privacy.user_agent (sink_store_privacy) */
static int url_keep, ua_full;

void
sink_store_privacy(int keep_query, int full_ua)
{
	url_keep = keep_query;
	ua_full = full_ua;
}

/* The URL without query or fragment: scheme, host and path stay. */
static const char *
url_min(const char *u, char *buf, size_t len)
{
	size_t n = strcspn(u, "?#");

	if (url_keep || u[n] == '\0')
		return u;
	if (n >= len)
		n = len - 1;
	memcpy(buf, u, n);
	buf[n] = '\0';
	return buf;
}

/* "name/1.2.3" at ${p}: "Label 1" (major version only) into buf. */
static int
ua_tok(const char *ua, const char *name, const char *label, char *buf,
    size_t len)
{
	const char *p = strstr(ua, name);
	size_t n;

	if (p == NULL)
		return 0;
	p += strlen(name);
	n = strspn(p, "0123456789");
	if (n > 6)
		n = 6;
	snprintf(buf, len, "%s%s%.*s", label, n ? " " : "", (int)n, p);
	return 1;
}

/* User-agent family: "Chrome 131", "Firefox 133", "curl 8", else the
 * first product token without its version detail. */
static const char *
ua_family(const char *ua, char *buf, size_t len)
{
	size_t n;

	if (ua_full || ua[0] == '\0')
		return ua;
	if (ua_tok(ua, "Edg/", "Edge", buf, len) ||
	    ua_tok(ua, "OPR/", "Opera", buf, len) ||
	    ua_tok(ua, "Firefox/", "Firefox", buf, len) ||
	    ua_tok(ua, "Chrome/", "Chrome", buf, len) ||
	    (strstr(ua, "Safari/") && ua_tok(ua, "Version/", "Safari", buf, len)))
		return buf;
	n = strcspn(ua, "/ ;(");
	if (n > 32)
		n = 32;
	if (ua[n] == '/') {
		size_t v = strspn(ua + n + 1, "0123456789");

		snprintf(buf, len, "%.*s%s%.*s", (int)n, ua, v ? " " : "",
		    (int)(v > 6 ? 6 : v), ua + n + 1);
	} else
		snprintf(buf, len, "%.*s", (int)n, ua);
	return buf;
}

static void
put_http(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct http_req *h = ev->u.http;
	struct st_http r;
	char ubuf[HTTP_URI_MAX + 1], abuf[64];

	memset(&r, 0, sizeof(r));
	r.flow_id = ev->flow->id;
	r.ts = ev->ts_us;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = cm->dest_port;
	r.hostname = h->host;
	r.url = url_min(h->uri, ubuf, sizeof(ubuf));
	r.method = h->method;
	r.user_agent = ua_family(h->user_agent, abuf, sizeof(abuf));
	r.content_type = h->content_type;
	r.content_length = h->content_length;
	store_put_http(s, &r);
}

/* doc_uninspectable visibility events the inspector sent. */
static uint64_t
doc_events(const struct stats_snapshot *x)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < DOC_P__COUNT; i++)
		n += x->insp->doc.problems[i];
	return n;
}

static void
put_stats(struct store *s, const struct event *ev)
{
	const struct stats_snapshot *x = ev->u.stats;
	uint64_t t = ev->ts_us;
	char name[64];
	int i;

	store_put_stat(s, t, "capture.received", x->cap.received);
	store_put_stat(s, t, "capture.dropped", x->cap.dropped);
	store_put_stat(s, t, "capture.if_dropped", x->cap.if_dropped);
	store_put_stat(s, t, "flows.created", x->flows->created);
	store_put_stat(s, t, "flows.active", x->flows->active);
	store_put_stat(s, t, "flows.evicted", x->flows->evicted);
	store_put_stat(s, t, "dpi.tls_hellos", x->dpi->tls_hellos);
	store_put_stat(s, t, "dpi.quic_hellos", x->dpi->quic_hellos);
	store_put_stat(s, t, "dpi.dns_messages", x->dpi->dns_msgs);
	store_put_stat(s, t, "dpi.http_requests", x->dpi->http_reqs);
	if (x->an != NULL) {
		store_put_stat(s, t, "ai.flows", x->an->ai_flows);
		store_put_stat(s, t, "ai.lookups", x->an->ai_lookups);
		store_put_stat(s, t, "ai.alerts", x->an->alerts);
		store_put_stat(s, t, "ai.tls_quic_flows", x->an->tls_quic_flows);
		store_put_stat(s, t, "ai.blind_flows", x->an->blind_flows);
		for (i = 0; i < VIS__COUNT; i++) {
			snprintf(name, sizeof(name), "ai.visibility.%s",
			    vocab_name(&vocab_vis_kind, i));
			store_put_stat(s, t, name, x->an->vis[i] +
			    (i == VIS_DOC && x->insp != NULL ? doc_events(x) : 0));
		}
	}
	if (x->insp != NULL) {
		/* Documents (issue 14): dlp.docs, dlp.doc_too_large, ... */
		store_put_stat(s, t, "dlp.docs", x->insp->doc.docs);
		for (i = 0; i < DOC_P__COUNT; i++) {
			snprintf(name, sizeof(name), "dlp.%s", doc_problem_name(i));
			store_put_stat(s, t, name, x->insp->doc.problems[i]);
		}
	}
	for (i = 0; i < DC__COUNT; i++) {
		if (x->dec->c[i] == 0)
			continue;
		snprintf(name, sizeof(name), "decoder.%s",
		    decode_counter_name((enum dec_counter)i));
		store_put_stat(s, t, name, x->dec->c[i]);
	}
}

static void
put_ai(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct ai_info *a = ev->u.ai;
	struct st_ai r;

	memset(&r, 0, sizeof(r));
	r.flow_id = ev->flow ? ev->flow->id : 0;
	r.ts = ev->ts_us;
	r.kind = ev->flow && ev->flow->meta.app == APP_DNS ? "lookup" : "flow";
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = cm->dest_port;
	r.proto = cm->proto;
	r.app_proto = cm->app_proto;
	r.service = a->service;
	r.name = a->name;
	r.vendor = a->vendor;
	r.category = a->category;
	r.host = a->host;
	r.matched_by = vocab_name(&vocab_matched_by, a->matched_by);
	r.confidence = a->confidence;
	r.verdict = vocab_name(&vocab_verdict, a->verdict);
	r.rule = a->rule;
	r.exception = a->exception;
	r.exception_expired = a->exception_expired;
	r.policy_version = a->policy_version;
	r.tenant_ambiguous = a->tenant_ambiguous;
	r.bytes_up = ev->flow ? flow_upload_bytes(ev->flow) : 0;
	store_put_ai(s, &r);
}

static void
put_alert(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct alert_info *a = ev->u.alert;
	const struct ai_info *ai = ev->flow ? ev->flow->ai : NULL;
	struct st_alert r;
	struct jb j;
	char detail[512];

	memset(&r, 0, sizeof(r));
	r.flow_id = ev->flow ? ev->flow->id : 0;
	r.ts = ev->ts_us;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = ev->flow ? cm->dest_port : 0;
	r.kind = a->kind;
	r.severity = a->severity;
	r.rule = a->rule;
	r.signature = a->signature;
	if (ai != NULL) {
		r.service = ai->service;
		r.verdict = vocab_name(&vocab_verdict, ai->verdict);
	}
	r.dlp_class = a->dlp_class;
	r.detector = a->detector;
	r.confidence = a->dlp_class != NULL ? a->confidence : -1;
	r.evidence = a->evidence;
	r.fingerprint = a->fingerprint;
	r.bytes = a->bytes ? (int64_t)a->bytes : -1;
	if (a->doc_type[0] != '\0') {
		/* Document context (issue 14) in the detail JSON. */
		jb_init(&j, detail, sizeof(detail));
		jb_obj_open(&j, NULL);
		jb_obj_open(&j, "document");
		jb_str(&j, "file", a->doc_file);
		jb_str(&j, "type", a->doc_type);
		jb_str(&j, "member", a->doc_member);
		jb_obj_close(&j);
		jb_obj_close(&j);
		if (jb_finish(&j) > 0)
			r.detail = detail;
	}
	store_put_alert(s, &r);
}

static void
put_vis(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	struct st_vis r;

	memset(&r, 0, sizeof(r));
	r.flow_id = ev->flow ? ev->flow->id : 0;
	r.ts = ev->ts_us;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = ev->flow ? cm->dest_port : 0;
	r.kind = ev->u.vis->kind;
	r.detail = ev->u.vis->detail;
	store_put_vis(s, &r);
}

static void
put_policy(struct store *s, const struct event *ev)
{
	const struct policy_event *p = ev->u.policy;
	struct st_policy r;

	memset(&r, 0, sizeof(r));
	r.ts = ev->ts_us;
	r.version = p->version;
	r.action = p->action;
	r.summary = p->summary;
	r.errors = p->errors;
	store_put_policy(s, &r);
}

void
sink_store_emit(struct store *s, const struct event *ev,
    const struct ev_common *cm)
{
	switch (ev->type) {
	case EV_FLOW:
		put_flow(s, ev, cm);
		if (ev->flow->meta.app == APP_DNS && ev->flow->meta.dns_pending)
			put_dns_unanswered(s, ev, cm);
		break;
	case EV_DNS:
		put_dns(s, ev, cm);
		break;
	case EV_HTTP:
		put_http(s, ev, cm);
		break;
	case EV_STATS:
		put_stats(s, ev);
		break;
	case EV_AI:
		put_ai(s, ev, cm);
		break;
	case EV_ALERT:
		put_alert(s, ev, cm);
		break;
	case EV_VISIBILITY:
		put_vis(s, ev, cm);
		break;
	case EV_POLICY:
		put_policy(s, ev);
		break;
	default:
		break;
	}
}

void
sink_store_sync(const struct store *s, struct output_stats *st)
{
	const struct store_stats *x;

	if (s == NULL)
		return;
	x = store_stats(s);
	st->db_rows = x->rows;
	st->db_commits = x->commits;
	st->db_errors = x->errors;
}
