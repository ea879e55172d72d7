/*
 * inspect.c - data leaving the network: upload bursts and daily baselines
 * for flows to AI services; TCP reassembly -> HTTP -> body decoding -> DLP
 * for cleartext client->server data; "upload" and "dlp" alerts, reported
 * through the engine's hook.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/body.h"
#include "dlp/inspect_int.h"
#include "dlp/upload.h"
#include "dpi/http.h"
#include "flow/stream.h"
#include "output/event.h"
#include "common/counters.h"
#include "common/str.h"
#include "common/log.h"

static const struct inspect_policy policy_defaults = {
	.upload_bytes = 65536,
	.baseline_factor = 10,
	.baseline_min_bytes = 1 << 20,
	.scan_budget = 1 << 20,
	.min_confidence = 65,
};

/* ---- events ---- */

static void
emit_alert(struct inspector *in, struct flow *f, const struct alert_info *a)
{
	ev_report(&in->h.report, EV_ALERT, f, 0, in->now, a);
}

static const char *
severity(const char *const *by_verdict, const char *non_ai,
    const struct flow *f, const char *const *defaults, const char *def_non_ai)
{
	const char *s;

	if (f->ai == NULL)
		return non_ai != NULL ? non_ai : def_non_ai;
	if (f->ai->verdict >= VERDICT__COUNT)
		return defaults[VERDICT_UNREVIEWED];
	s = by_verdict[f->ai->verdict];
	return s != NULL ? s : defaults[f->ai->verdict];
}

static const char *const dlp_sev_def[VERDICT__COUNT] = {
	[VERDICT_UNREVIEWED] = "high", [VERDICT_SANCTIONED] = "medium",
	[VERDICT_TOLERATED] = "high", [VERDICT_PROHIBITED] = "critical",
	[VERDICT_INTEREST] = "high",
};
static const char *const up_sev_def[VERDICT__COUNT] = {
	[VERDICT_UNREVIEWED] = "medium", [VERDICT_SANCTIONED] = "low",
	[VERDICT_TOLERATED] = "medium", [VERDICT_PROHIBITED] = "high",
	[VERDICT_INTEREST] = "medium",
};

static const char *
dest_name(const struct flow *f)
{
	if (f->ai != NULL)
		return f->ai->service;
	return f->meta.host[0] ? f->meta.host : "non-AI destination";
}

static void
on_finding(void *arg, const struct dlp_finding *fd)
{
	struct insp_slot *s = arg;
	struct inspector *in = s->in;
	struct alert_info a;
	char fp[DLP_FP_LEN * 2 + 1], sig[400];
	int k;

	in->st.findings++;
	if (fd->confidence < in->pol->min_confidence ||
	    s->alerts >= INSP_ALERTS_MAX)
		return;
	s->alerts++;
	for (k = 0; k < DLP_FP_LEN; k++)
		snprintf(fp + 2 * k, 3, "%02x", fd->fp[k]);
	snprintf(sig, sizeof(sig), "DLP: %s (%s) sent to %s", fd->class_name,
	    fd->detector, dest_name(s->f));
	memset(&a, 0, sizeof(a));
	str_lcpy(a.kind, "dlp", sizeof(a.kind));
	ALERT_SET(&a, AL_SEVERITY, severity, severity(in->pol->dlp_severity,
	    in->pol->dlp_severity_non_ai, s->f, dlp_sev_def, "medium"));
	ALERT_SET(&a, AL_RULE, rule, fd->detector);
	ALERT_SET(&a, AL_SIGNATURE, signature, sig);
	ALERT_SET(&a, AL_DLP, dlp_class, fd->class_name);
	ALERT_SET(&a, AL_DETECTOR, detector, fd->detector);
	ALERT_SET(&a, AL_EVIDENCE, evidence, fd->evidence);
	ALERT_SET(&a, AL_FINGERPRINT, fingerprint, fp);
	a.confidence = fd->confidence;
	idoc_alert(&s->doc, &a);
	in->st.alerts_dlp++;
	emit_alert(in, s->f, &a);
}

/* ---- scanning ---- */

/* The detector stream ${s}->ds: (re)open it on the current engine. */
static int
ds_ready(struct insp_slot *s)
{
	uint64_t left;

	if (s->in->eng == NULL)
		return 0;
	if (s->ds_open && s->eng != s->in->eng)
		s->ds_open = 0;		/* rules reloaded: old engine is gone */
	if (!s->ds_open) {
		left = s->scanned < s->budget ? s->budget - s->scanned : 0;
		if (left == 0)
			return 0;
		dlp_stream_init(&s->ds);
		dlp_stream_set_budget(&s->ds, left);
		if (idoc_code_hint(&s->doc))
			dlp_stream_set_code_hint(&s->ds);
		s->eng = s->in->eng;
		s->ds_open = 1;
	}
	return 1;
}

/*
 * What dlp_scan()/dlp_stream_end() said: the byte budget ran out
 * (truncated), or the regex work budget did (dlp.h DLP_RX_BUDGET: a
 * backtracking detector on hostile text); the latter once per flow as
 * dlp.budget_exhausted and a dlp_budget visibility event.
 */
static void
scan_result(struct insp_slot *s, int rc)
{
	if (rc == DLP_TRUNCATED && !s->truncated) {
		s->truncated = 1;
		s->in->st.truncated++;
	}
	if (rc == DLP_RX_BUDGET && !s->rx_spent) {
		struct visibility_info v;

		s->rx_spent = 1;
		s->in->st.budget_exhausted++;
		memset(&v, 0, sizeof(v));
		str_lcpy(v.kind, vocab_name(&vocab_vis_kind, VIS_DLP_BUDGET),
		    sizeof(v.kind));
		str_lcpy(v.detail, "regex work budget spent: the rest of this "
		    "flow is not scanned", sizeof(v.detail));
		v.has_detail = 1;
		ev_report(&s->in->h.report, EV_VISIBILITY, s->f, 0, s->in->now,
		    &v);
	}
}

static void
ds_close(struct insp_slot *s)
{
	if (!s->ds_open)
		return;
	if (s->eng == s->in->eng)
		scan_result(s, dlp_stream_end(s->eng, &s->ds, on_finding, s));
	s->ds_open = 0;
}

static void
scan_text(void *arg, const uint8_t *p, size_t n)
{
	struct insp_slot *s = arg;
	uint64_t left;

	if (!ds_ready(s))
		return;
	left = s->budget - s->scanned;
	if (n > left)
		n = (size_t)left;
	s->scanned += n;
	s->in->st.bytes_scanned += n;
	scan_result(s, dlp_scan(s->eng, &s->ds, p, n, on_finding, s));
	if (s->scanned >= s->budget && !s->truncated) {
		s->truncated = 1;
		s->in->st.truncated++;
	}
}

/* ---- documents (inspect_doc.c) ---- */

static void
idoc_restart(void *arg)
{
	ds_close(arg);
}

static void
idoc_problem(void *arg, const char *detail)
{
	struct insp_slot *s = arg;
	struct visibility_info v;

	memset(&v, 0, sizeof(v));
	str_lcpy(v.kind, vocab_name(&vocab_vis_kind, VIS_DOC), sizeof(v.kind));
	if (detail != NULL) {
		str_lcpy(v.detail, detail, sizeof(v.detail));
		v.has_detail = 1;
	}
	s->f->vis_flags |= (uint16_t)(1u << VIS_DOC);
	s->in->st.vis_doc++;
	ev_report(&s->in->h.report, EV_VISIBILITY, s->f, 0, s->in->now, &v);
}

static int
idoc_more(void *arg)
{
	const struct insp_slot *s = arg;

	return s->scanned < s->budget;
}

static const struct insp_doc_ops idoc_ops = { idoc_restart, scan_text,
	idoc_problem, idoc_more };

static void
body_stop(struct insp_slot *s)
{
	if (s->body_on) {
		body_end(&s->bd);
		s->body_on = 0;
	}
	idoc_stop(&s->doc);
}

static int
may_scan(const struct inspector *in, const struct flow *f)
{
	return f->ai != NULL || in->pol->scan_non_ai || in->fallback;
}

/* The request target's query is form data too ("?q=...&x=..."): decode
 * it like an urlencoded body and scan it as its own detector stream.  The
 * parser keeps the first HTTP_URI_MAX bytes of the target. */
static void
scan_query(struct insp_slot *s, const char *uri)
{
	const char *q = strchr(uri, '?');

	if (q == NULL || *++q == '\0')
		return;
	body_init(&s->bd, "application/x-www-form-urlencoded", NULL, s->arena,
	    INSP_ARENA, scan_text, s);
	body_feed(&s->bd, (const uint8_t *)q, strlen(q));
	body_end(&s->bd);
	ds_close(s);
}

static void
h_request(void *arg, const struct http_req *req)
{
	struct insp_slot *s = arg;

	if (!may_scan(s->in, s->f) || s->scanned >= s->budget)
		return;
	scan_query(s, req->uri);
	body_init(&s->bd, req->content_type, req->content_encoding, s->arena,
	    INSP_ARENA, scan_text, s);
	s->doc.eng = s->in->eng;
	if (s->bd.kind == BODY_RAW) {
		/* The whole body may be a file (PUT, raw POST). */
		body_init(&s->bd, req->content_type, req->content_encoding,
		    s->arena, INSP_ARENA, idoc_sink, &s->doc);
		idoc_raw(&s->doc, req->uri, req->content_type);
	} else
		body_set_doc_hook(&s->bd, &idoc_hook, &s->doc);
	s->body_on = 1;
	s->in->st.bodies++;
}

static void
h_body(void *arg, const uint8_t *p, size_t n)
{
	struct insp_slot *s = arg;
	int r;

	if (!s->body_on || s->scanned >= s->budget)
		return;
	if (s->bd.flags & BODY_F_STOP)
		return;
	if ((r = body_feed(&s->bd, p, n)) == -E2BIG)
		s->in->st.bomb_aborts++;
	else if (r == -EBADMSG)
		s->in->st.decode_errors++;
	if (r == -E2BIG || r == -EBADMSG) {
		idoc_stop(&s->doc);
		ds_close(s);
	}
}

static void
h_end(void *arg)
{
	struct insp_slot *s = arg;

	if (!s->body_on)
		return;
	body_stop(s);
	ds_close(s);		/* one detector stream per body */
}

static const struct http_cb http_cbs = { h_request, h_body, h_end, NULL };

static void
to_raw_or_off(struct insp_slot *s)
{
	body_stop(s);
	s->mode = may_scan(s->in, s->f) && s->f->ai != NULL ? M_RAW :
	    (may_scan(s->in, s->f) && s->hs.requests > 0 ? M_RAW : M_OFF);
}

static void
st_data(void *arg, const uint8_t *p, size_t n)
{
	struct insp_slot *s = arg;
	struct http_cb cb = http_cbs;
	int r;

	if (s->mode == M_DETECT) {
		if (http_looks_like_request(p, n))
			s->mode = M_HTTP;
		else if (s->f->ai != NULL && p[0] != 0x16)
			s->mode = M_RAW;	/* self-hosted runtimes etc. */
		else
			s->mode = M_OFF;
	}
	if (s->mode == M_HTTP) {
		cb.arg = s;
		r = http_feed(&s->hs, p, n, s->hdr, INSP_HDR_CAP, &cb);
		if (r != HTTP_FEED_OK) {
			if (r == HTTP_FEED_ERROR)
				s->in->st.decode_errors++;
			ds_close(s);
			to_raw_or_off(s);
		}
		return;
	}
	if (s->mode == M_RAW)
		scan_text(s, p, n);
}

static void
st_gap(void *arg, uint32_t n)
{
	struct insp_slot *s = arg;

	(void)n;
	s->in->st.reasm_gaps++;
	if (s->mode == M_HTTP)
		to_raw_or_off(s);	/* the HTTP framing is lost */
}

/* ---- pools ---- */

static struct flow_inspect *
rec_get(struct inspector *in, struct flow *f)
{
	struct flow_inspect *r;
	int decided = 0;

	if (f->inspect == &in->none) {
		if (f->ai == NULL)
			return NULL;
		decided = 1;	/* classified late: now track uploads */
	} else if (f->inspect != NULL)
		return f->inspect;
	if ((r = in->rec_free) == NULL) {
		in->st.no_record++;
		return NULL;
	}
	in->rec_free = r->next_free;
	memset(r, 0, sizeof(*r));
	r->decided = (uint8_t)decided;
	f->inspect = r;
	return r;
}

static void
slot_put(struct inspector *in, struct flow_inspect *r)
{
	struct insp_slot *s = r->slot;

	if (s == NULL)
		return;
	stream_release(in->sp, &s->ts);
	s->next_free = in->slot_free;
	in->slot_free = s;
	r->slot = NULL;
}

static struct insp_slot *
slot_get(struct inspector *in, struct flow_inspect *r, struct flow *f,
    int mode)
{
	struct insp_slot *s;
	uint8_t *hdr, *arena, *doc_arena;

	if ((s = in->slot_free) == NULL) {
		in->st.no_slot++;
		return NULL;
	}
	in->slot_free = s->next_free;
	hdr = s->hdr;
	arena = s->arena;
	doc_arena = s->doc_arena;
	memset(s, 0, sizeof(*s));
	s->hdr = hdr;
	s->arena = arena;
	s->doc_arena = doc_arena;
	idoc_init(&s->doc, doc_arena, &idoc_ops, s, &in->st.doc);
	s->in = in;
	s->f = f;
	s->mode = (uint8_t)mode;
	s->budget = in->pol->scan_budget ? in->pol->scan_budget :
	    DLP_BUDGET_DEFAULT;
	stream_init(&s->ts);
	r->slot = s;
	return s;
}

static void
rec_put(struct inspector *in, struct flow *f)
{
	struct flow_inspect *r = f->inspect;

	if (r != &in->none) {
		r->next_free = in->rec_free;
		in->rec_free = r;
	}
	f->inspect = NULL;
}

/* First client payload of a TCP flow: is it cleartext worth scanning? */
static void
decide(struct inspector *in, struct flow *f, struct flow_inspect *r,
    const struct pkt *p)
{
	r->decided = 1;
	if (in->eng == NULL || f->meta.app == APP_TLS ||
	    f->meta.app == APP_QUIC ||
	    ((!r->isn_ok || p->seq == r->isn1) && p->payload[0] == 0x16))
		return;
	/* The protocol is decided on the first bytes in stream order
	 * (st_data), which need not be this segment's. */
	if (slot_get(in, r, f, M_DETECT) != NULL && r->isn_ok)
		stream_start(&r->slot->ts, r->isn1);
}

/* ---- uploads ---- */

static void
upload_alert(struct inspector *in, struct flow *f, const char *rule,
    uint64_t bytes, uint64_t threshold, const char *sig)
{
	struct alert_info a;

	memset(&a, 0, sizeof(a));
	str_lcpy(a.kind, "upload", sizeof(a.kind));
	ALERT_SET(&a, AL_SEVERITY, severity, severity(in->pol->upload_severity,
	    NULL, f, up_sev_def, "low"));
	ALERT_SET(&a, AL_RULE, rule, rule);
	ALERT_SET(&a, AL_SIGNATURE, signature, sig);
	a.bytes = bytes;
	a.threshold = threshold;
	in->st.alerts_upload++;
	emit_alert(in, f, &a);
}

static void
account(struct inspector *in, struct flow *f, struct flow_inspect *r,
    const struct pkt *p, int dir)
{
	uint64_t n = p->payload_len, today = 0, base = 0, thr;
	char sig[400];

	if (dir == 1) {
		upload_server(&r->up, n);
		return;
	}
	if (f->meta.app == APP_TLS && f->meta.tls_up_state != 0 &&
	    !f->meta.app_gave_up && f->meta.tls_up_bytes >= r->up.tls_seen) {
		/* TLS: application data only, not the handshake. */
		n = f->meta.tls_up_bytes - r->up.tls_seen;
		r->up.tls_seen = f->meta.tls_up_bytes;
	}
	upload_client(&r->up, n, in->now);
	/* the tier of the flow's client type and verdict (upload tiers) */
	thr = f->ai != NULL ? inspect_upload_threshold(in->pol,
	    f->ai->client_type, f->ai->verdict) : in->pol->upload_bytes;
	if (n > 0 && !(f->alerted & INSPECT_ALERTED_UPLOAD) &&
	    thr != UPLOAD_OFF && r->up.burst > thr) {
		f->alerted |= INSPECT_ALERTED_UPLOAD;
		snprintf(sig, sizeof(sig), "Upload: %llu bytes in one request "
		    "to %s (threshold %llu, %s %s)",
		    (unsigned long long)r->up.burst, dest_name(f),
		    (unsigned long long)thr,
		    f->ai != NULL ? vocab_name(&vocab_client_type,
		    f->ai->client_type) : "non-AI",
		    f->ai != NULL ? vocab_name(&vocab_verdict,
		    f->ai->verdict) : "");
		upload_alert(in, f, "upload-threshold", r->up.burst, thr, sig);
	}
	if (n > 0 && in->bl != NULL && in->pol->baseline_factor > 0 &&
	    baseline_add(in->bl, baseline_key(in->bl, flow_cli_ip(f)->a), n,
	    in->now, in->pol->baseline_factor, in->pol->baseline_min_bytes,
	    &today, &base) == 1) {
		f->alerted |= INSPECT_ALERTED_BASELINE;
		snprintf(sig, sizeof(sig), "Upload: client sent %llu bytes to AI "
		    "services today, more than %u x its baseline of %llu",
		    (unsigned long long)today, in->pol->baseline_factor,
		    (unsigned long long)base);
		upload_alert(in, f, "upload-baseline", today,
		    (uint64_t)in->pol->baseline_factor * base, sig);
	}
}

static void
refresh(struct inspector *in, uint64_t ts)
{
	const struct inspect_policy *pol = NULL;
	struct dlp_engine *eng = NULL;

	if (in->h.policy != NULL)
		pol = in->h.policy(in->h.arg);
	if (in->h.dlp != NULL)
		eng = in->h.dlp(in->h.arg);
	in->pol = pol != NULL ? pol : &policy_defaults;
	in->fallback = eng == NULL;
	in->eng = eng != NULL ? eng : in->own;
	if (ts > in->now)
		in->now = ts;
}

void
inspect_packet(struct inspector *in, struct flow *f, const struct pkt *p,
    int dir)
{
	struct flow_inspect *r = f->inspect;
	struct stream_cb cb;

	f->payload[dir] += p->payload_len;
	refresh(in, p->ts_us);
	if ((r == NULL || r == &in->none) && (f->ai != NULL || (dir == 0 &&
	    p->proto == IPPROTO_TCP && (p->payload_len > 0 ||
	    (p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN))))
		r = rec_get(in, f);
	if (r == NULL || r == &in->none)
		return;
	if (f->ai != NULL && p->payload_len > 0)
		account(in, f, r, p, dir);
	if (dir != 0 || p->proto != IPPROTO_TCP)
		return;
	if ((p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN && !r->decided) {
		/* The SYN fixes the start, so a first segment that comes
		 * out of order is still placed right. */
		r->isn1 = p->seq + 1;
		r->isn_ok = 1;
	}
	if (p->payload_len == 0)
		return;
	if (!r->decided)
		decide(in, f, r, p);
	if (r->slot == NULL) {
		if (f->ai == NULL) {
			rec_put(in, f);	/* nothing to track */
			f->inspect = &in->none;
		}
		return;
	}
	cb.on_data = st_data;
	cb.on_gap = st_gap;
	cb.arg = r->slot;
	stream_segment(in->sp, &r->slot->ts, p->seq, p->payload,
	    p->payload_len, &cb);
	if (r->slot->mode == M_OFF)
		slot_put(in, r);
}

void
inspect_flow_end(struct inspector *in, struct flow *f)
{
	struct flow_inspect *r = f->inspect;
	struct insp_slot *s;
	struct stream_cb cb;

	if (r == NULL)
		return;
	if (r == &in->none) {
		f->inspect = NULL;
		return;
	}
	refresh(in, f->ts_last);
	if ((s = r->slot) != NULL) {
		cb.on_data = st_data;
		cb.on_gap = st_gap;
		cb.arg = s;
		stream_flush(in->sp, &s->ts, &cb);
		/* A body cut short (capture ended, flow evicted) still counts. */
		body_stop(s);
		ds_close(s);
		slot_put(in, r);
	}
	rec_put(in, f);
}
