/*
 * sink_store.c - the SQLite sink: turns engine events into lib/store rows
 * (pseudonyms only, never a client address) and counts what the store
 * committed.  SQL lives in lib/store; this file only maps fields.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpi/quic.h"
#include "dlp/inspect.h"
#include "common/esc.h"
#include "dpi/tls.h"
#include "common/counters.h"
#include "common/json.h"
#include "common/log.h"
#include "common/minimise.h"
#include "output/output.h"
#include "store/store.h"

/* Device names in mDNS/LLMNR are withheld in every table: clients are
 * pseudonymous there (min_devname, lib/common/minimise.h). */
/* Answers as a compact JSON array [{"rrname","rrtype","ttl","rdata"}]. */
static size_t
answers_json(const struct dns_msg *d, unsigned port, char *buf, size_t cap,
    int64_t *ttl_min)
{
	char nb[DNS_NAME_MAX + 1], db[DNS_DATA_MAX + 1];
	struct jb j;
	uint16_t i;

	*ttl_min = -1;
	jb_init(&j, buf, cap);
	jb_arr_open(&j, NULL);
	for (i = 0; i < d->n_answers; i++) {
		const struct dns_answer *a = &d->answers[i];
		const char *t = dns_type_str(a->rrtype);

		jb_obj_open(&j, NULL);
		if (min_is_mdns(a->name, port))
			jb_str(&j, "rrname", min_devname(a->name, port, nb,
			    sizeof(nb)));
		else	/* length-delimited: a NUL in a label is escaped */
			jb_strn(&j, "rrname", a->name, a->name_len ? a->name_len :
			    strlen(a->name));
		if (t != NULL)
			jb_str(&j, "rrtype", t);
		else
			jb_u64(&j, "rrtype", a->rrtype);
		jb_u64(&j, "ttl", a->ttl);
		jb_str(&j, "rdata", a->addr_len ? a->data :
		    min_devname(a->data, port, db, sizeof(db)));
		jb_obj_close(&j);
		if (*ttl_min < 0 || a->ttl < (uint64_t)*ttl_min)
			*ttl_min = a->ttl;
	}
	jb_arr_close(&j);
	return jb_finish(&j);
}

/* An escaped name: six bytes per raw byte at most. */
#define NAME_ESC_MAX	(6 * 255 + 1)

/*
 * name_txt(s, n, buf, cap): the length-delimited name ${s}[0..${n}) as
 * TEXT.  Without a NUL the store's writer escapes it (a C string is
 * enough); with one it is escaped here, with the function EVE uses
 * (common/esc.h), so "evil\0hidden" is stored as "evil\u0000hidden"
 * instead of being cut to "evil".  ${n} 0: ${s} is a C string.
 */
static const char *
name_txt(const char *s, size_t n, char *buf, size_t cap)
{
	if (n == 0 || memchr(s, '\0', n) == NULL)
		return s;
	(void)esc_bytes(buf, cap, s, n, ESC_TEXT);
	return buf;
}

static void
put_flow(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct ev_flow *f = &ev->flow;
	const struct ev_flow_meta *m = &f->meta;
	const struct ai_info *ai = ev_flow_ai(f);
	struct st_flow r;
	char vb[16], hb[NAME_ESC_MAX], eb[NAME_ESC_MAX];

	memset(&r, 0, sizeof(r));
	r.flow_id = f->id;
	r.ts_start = f->ts_first;
	r.ts_end = f->ts_last;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = cm->dest_port;
	r.proto = cm->proto;
	r.app_proto = cm->app_proto;
	r.vlan = f->vlan[0] ? f->vlan[0] : -1;
	r.host = min_devname(name_txt(m->host, m->host_len, eb, sizeof(eb)),
	    cm->dest_port, hb, sizeof(hb));
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
	r.upload_bytes = f->upload_bytes;
	r.state = f->state;
	r.reason = vocab_name(&vocab_flow_end, ev->u.why);
	if (ai != NULL) {
		r.service = ai->service;
		r.verdict = vocab_name(&vocab_verdict, ai->verdict);
	}
	store_put_flow(s, &r);
}

static void
dns_question(struct st_dns *r, uint64_t flow_id, uint64_t ts,
    const struct ev_common *cm, uint16_t id, const char *qname, uint16_t qtype,
    char *tbuf, size_t tlen, char *nbuf, size_t nlen)
{
	const char *t = dns_type_str(qtype);

	memset(r, 0, sizeof(*r));
	r->flow_id = flow_id;
	r->ts = ts;
	r->client = cm->pseudo;
	r->dest_ip = cm->dest_ip;
	r->proto = cm->proto;
	r->dns_id = id;
	r->rrname = min_devname(qname, cm->dest_port, nbuf, nlen);
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
	const struct dns_msg *d = &ev->u.dns;
	static char ans[128 * 1024];	/* 32 fully escaped answers fit */
	struct st_dns r;
	char tb[8], nb[NAME_ESC_MAX], eb[NAME_ESC_MAX];
	int64_t ttl_min = -1;

	if (!d->qr)
		return;
	if (answers_json(d, cm->dest_port, ans, sizeof(ans), &ttl_min) == 0)
		ans[0] = '\0';
	dns_question(&r, ev->flow.id, ev->ts_us, cm, d->id,
	    name_txt(d->qname, d->qname_len, eb, sizeof(eb)),
	    d->qtype, tb, sizeof(tb), nb, sizeof(nb));
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
	const struct ev_flow *f = &ev->flow;
	struct st_dns r;
	char tb[8], nb[NAME_ESC_MAX], eb[NAME_ESC_MAX];

	dns_question(&r, f->id, f->meta.dns_query_ts, cm, f->meta.dns_id,
	    f->meta.host_src == HOST_DNS ?
	    name_txt(f->meta.host, f->meta.host_len, eb, sizeof(eb)) : "",
	    f->meta.dns_qtype, tb, sizeof(tb), nb, sizeof(nb));
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

static void
put_http(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct http_req *h = &ev->u.http;
	struct st_http r;
	char ubuf[HTTP_URI_MAX + 1], abuf[MIN_UA_MAX], hb[NAME_ESC_MAX];
	static char uesc[6 * HTTP_URI_MAX + 1];

	memset(&r, 0, sizeof(r));
	r.flow_id = ev->flow.id;
	r.ts = ev->ts_us;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = cm->dest_port;
	r.hostname = name_txt(h->host, h->host_len, hb, sizeof(hb));
	r.url = min_url(name_txt(h->uri, h->uri_len, uesc, sizeof(uesc)),
	    url_keep, ubuf, sizeof(ubuf));
	r.method = h->method;
	r.user_agent = min_ua(h->user_agent, ua_full, abuf, sizeof(abuf));
	r.content_type = h->content_type;
	r.content_length = h->content_length;
	r.status = h->status;
	r.length = h->length;
	store_put_http(s, &r);
}

/* One row per registered counter with a db name (common/counters.h). */
static void
put_stats(struct store *s, const struct event *ev)
{
	const struct ctr_snap *c = &ev->u.stats.c;
	size_t i;

	for (i = 0; i < c->n && i < ctr_count(); i++) {
		const struct ctr_def *d = ctr_def(i);

		if (d->db[0] == '\0' || d->kind == CTR_STR ||
		    d->kind == CTR_RATIO ||
		    ((d->flags & CTR_DB_NONZERO) && c->v[i] == 0))
			continue;
		store_put_stat(s, ev->ts_us, d->db, c->v[i]);
	}
}

static void
put_ai(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct ai_info *a = &ev->u.ai;
	const struct ev_flow *f = ev_flow(ev);
	struct st_ai r;
	char hb[NAME_ESC_MAX];

	memset(&r, 0, sizeof(r));
	r.flow_id = f ? f->id : 0;
	r.ts = ev->ts_us;
	r.kind = f && f->meta.dns ? "lookup" : "flow";
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = cm->dest_port;
	r.proto = cm->proto;
	r.app_proto = cm->app_proto;
	r.service = a->service;
	r.name = a->name;
	r.vendor = a->vendor;
	r.category = a->category;
	r.host = name_txt(a->host, a->host_len, hb, sizeof(hb));
	r.matched_by = vocab_name(&vocab_matched_by, a->matched_by);
	r.confidence = a->confidence;
	r.verdict = vocab_name(&vocab_verdict, a->verdict);
	r.rule = a->rule;
	r.exception = a->exception;
	r.exception_expired = a->exception_expired;
	r.policy_version = a->policy_version;
	r.tenant_ambiguous = a->tenant_ambiguous;
	r.bytes_up = f ? f->upload_bytes : 0;
	store_put_ai(s, &r);
}

static void
put_alert(struct store *s, const struct event *ev, const struct ev_common *cm)
{
	const struct alert_info *a = &ev->u.alert;
	const struct ai_info *ai = ev_flow_ai(ev_flow(ev));
	struct st_alert r;
	struct jb j;
	char detail[512];

#define OPT(bit, field)	((a->has & (bit)) ? a->field : NULL)
	memset(&r, 0, sizeof(r));
	r.flow_id = ev->has_flow ? ev->flow.id : 0;
	r.ts = ev->ts_us;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = ev->has_flow ? cm->dest_port : 0;
	r.kind = a->kind;
	r.severity = OPT(AL_SEVERITY, severity);
	r.rule = OPT(AL_RULE, rule);
	r.signature = OPT(AL_SIGNATURE, signature);
	if (ai != NULL) {
		r.service = ai->service;
		r.verdict = vocab_name(&vocab_verdict, ai->verdict);
	}
	r.dlp_class = OPT(AL_DLP, dlp_class);
	r.detector = OPT(AL_DETECTOR, detector);
	r.confidence = (a->has & AL_DLP) ? a->confidence : -1;
	r.evidence = OPT(AL_EVIDENCE, evidence);
	r.fingerprint = OPT(AL_FINGERPRINT, fingerprint);
#undef OPT
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
	r.flow_id = ev->has_flow ? ev->flow.id : 0;
	r.ts = ev->ts_us;
	r.client = cm->pseudo;
	r.dest_ip = cm->dest_ip;
	r.dest_port = ev->has_flow ? cm->dest_port : 0;
	char hb[NAME_ESC_MAX];
	r.kind = ev->u.vis.kind;
	r.detail = ev->u.vis.has_detail ? name_txt(ev->u.vis.detail,
	    ev->u.vis.detail_len, hb, sizeof(hb)) : NULL;
	store_put_vis(s, &r);
}

static void
put_policy(struct store *s, const struct event *ev)
{
	const struct policy_event *p = &ev->u.policy;
	struct st_policy r;

	memset(&r, 0, sizeof(r));
	r.ts = ev->ts_us;
	r.version = p->version;
	r.action = p->action;
	r.summary = p->has_summary ? p->summary : NULL;
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
		if (ev->flow.meta.dns && ev->flow.meta.dns_pending)
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
