/*
 * eve.c - Suricata-style EVE JSON records: the formatting of every event
 * type (one line per event); eve_file.c writes the lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dpi/quic.h"
#include "dpi/tls.h"
#include "common/counters.h"
#include "common/esc.h"
#include "common/json.h"
#include "common/minimise.h"
#include "output/output.h"

/* Set once at start (eve_settings): the sensor's name and capture
 * interface on every record, and the minimisation of http/dns in
 * pseudonym mode (the same functions as the store's). */
static struct {
	char	host[256];
	char	iface[64];
	int	url_keep, ua_full;
} es;

void
eve_settings(const char *host, const char *iface, int url_keep, int ua_full)
{
	snprintf(es.host, sizeof(es.host), "%s", host != NULL ? host : "");
	snprintf(es.iface, sizeof(es.iface), "%s", iface != NULL ? iface : "");
	es.url_keep = url_keep;
	es.ua_full = ua_full;
}

/* Suricata writes "TLS 1.3" / "TLS 1.2" / "SSLv3" and QUIC versions
 * without the "v" ("1", "2"); the internal names stay "TLSv1.3", "v1". */
static const char *
suri_tls_version(const char *s, char *b, size_t n)
{
	if (s != NULL && strncmp(s, "TLSv", 4) == 0) {
		snprintf(b, n, "TLS %s", s + 4);
		return b;
	}
	return s != NULL ? s : "UNDETERMINED";
}

/* nlen(s, n): a length-delimited name's bytes; 0 means a C string (a
 * field filled without its length, e.g. by a test). */
static size_t
nlen(const char *s, size_t n)
{
	return n != 0 ? n : strlen(s);
}

static const char *
suri_quic_version(const char *s)
{
	if (s != NULL && s[0] == 'v' && s[1] >= '0' && s[1] <= '9')
		return s + 1;
	return s != NULL ? s : "";
}

/* tls{} and quic{}: the ClientHello facts, from TLS over TCP or from a
 * decrypted QUIC Initial.  QUIC has its own version instead of TLS's. */
static void
fmt_hello(struct jb *j, const struct ev_flow *f, int quic)
{
	const struct ev_flow_meta *m = &f->meta;
	char vb[16], tv[24];

	jb_obj_open(j, quic ? "quic" : "tls");
	if (m->host_src == (quic ? HOST_QUIC_SNI : HOST_TLS_SNI))
		jb_strn(j, "sni", m->host, nlen(m->host, m->host_len));
	if (quic)
		jb_str(j, "version", suri_quic_version(quic_version_str(
		    m->quic_version, vb, sizeof(vb))));
	else
		jb_str(j, "version", suri_tls_version(
		    tls_version_str(m->tls_version), tv, sizeof(tv)));
	if (m->alpn[0])
		jb_str(j, "alpn", m->alpn);
	if (m->ja3[0]) {
		jb_obj_open(j, "ja3");
		jb_str(j, "hash", m->ja3);
		jb_obj_close(j);
	}
	if (m->ja4[0])
		jb_str(j, "ja4", m->ja4);
	jb_bool(j, "ech", m->ech);
	jb_obj_close(j);
}

static void
fmt_type(struct jb *j, const char *key, uint16_t t)
{
	const char *s = dns_type_str(t);

	if (s != NULL)
		jb_str(j, key, s);
	else {
		char b[12];

		snprintf(b, sizeof(b), "TYPE%u", t);
		jb_str(j, key, b);
	}
}

/* Is ${s} the text of a link-local address (169.254/16, fe80::/10)? */
static int
is_link_local(const char *s)
{
	if (strncmp(s, "169.254.", 8) == 0)
		return 1;
	return (s[0] == 'f' || s[0] == 'F') && (s[1] == 'e' || s[1] == 'E') &&
	    strchr("89abAB", s[2]) != NULL && s[2] != '\0' && s[3] != '\0' &&
	    strchr(s, ':') != NULL;
}

static void
fmt_dns(struct jb *j, const struct dns_msg *d, const struct ev_common *cm)
{
	const char *rc = dns_rcode_str(d->rcode);
	char nb[DNS_NAME_MAX + 1], db[DNS_DATA_MAX + 1];
	/* Pseudonym mode: device names in mDNS/LLMNR withheld; port 0
	 * with a name outside .local leaves everything as sent. */
	unsigned port = cm->hide_addr != NULL ? cm->dest_port : 0;
	int hide = cm->hide_addr != NULL;
	uint16_t i;

	jb_obj_open(j, "dns");
	jb_u64(j, "version", 2);
	jb_str(j, "type", d->qr ? "answer" : "query");
	jb_u64(j, "id", d->id);
	/* length-delimited: a NUL inside a label is escaped, not a cut */
	if (hide && min_is_mdns(d->qname, port))
		jb_str(j, "rrname", min_devname(d->qname, port, nb, sizeof(nb)));
	else
		jb_strn(j, "rrname", d->qname, nlen(d->qname, d->qname_len));
	fmt_type(j, "rrtype", d->qtype);
	if (d->qr) {
		jb_str(j, "rcode", rc ? rc : "UNKNOWN");
	}
	if (d->qr && d->n_answers > 0) {
		/* Suricata omits "answers" when there are none. */
		jb_arr_open(j, "answers");
		for (i = 0; i < d->n_answers; i++) {
			const struct dns_answer *a = &d->answers[i];

			jb_obj_open(j, NULL);
			if (hide && min_is_mdns(a->name, port))
				jb_str(j, "rrname", min_devname(a->name, port,
				    nb, sizeof(nb)));
			else
				jb_strn(j, "rrname", a->name, nlen(a->name,
				    a->name_len));
			fmt_type(j, "rrtype", a->rrtype);
			jb_u64(j, "ttl", a->ttl);
			/* Pseudonym mode: a client announcing its own address
			 * (mDNS, LLMNR) must not reveal it, nor a link-local
			 * address, which only ever names a host on the LAN. */
			if (cm->hide_addr != NULL &&
			    strcmp(a->data, cm->hide_addr) == 0)
				jb_str(j, "rdata", cm->src_ip);
			else if (cm->hide_addr != NULL && is_link_local(a->data))
				jb_str(j, "rdata", MIN_WITHHELD);
			else if (hide && a->addr_len == 0)
				jb_str(j, "rdata", min_devname(a->data, port,
				    db, sizeof(db)));
			else
				jb_str(j, "rdata", a->data);
			if (a->has_ech)
				jb_bool(j, "ech", 1);
			jb_obj_close(j);
		}
		jb_arr_close(j);
	}
	if (d->qr) {
		if (d->answers_truncated)
			jb_bool(j, "answers_truncated", 1);
	}
	jb_obj_close(j);
}

/* Pseudonym mode: privacy.url_query and privacy.user_agent apply as in
 * the store; address mode writes the request as sent. */
static void
fmt_http(struct jb *j, const struct http_req *h, const struct ev_common *cm)
{
	char ub[HTTP_URI_MAX + 1], ab[MIN_UA_MAX];
	int hide = cm->hide_addr != NULL;

	jb_obj_open(j, "http");
	jb_strn(j, "hostname", h->host, nlen(h->host, h->host_len));
	if (!hide || es.url_keep)
		jb_strn(j, "url", h->uri, nlen(h->uri, h->uri_len));
	else	/* query dropped; a NUL in the target ends it here */
		jb_str(j, "url", min_url(h->uri, 0, ub, sizeof(ub)));
	if (h->anomaly & HTTP_ANOM_TARGET)
		jb_str(j, "anomaly", "invalid_target");
	else if (h->anomaly & HTTP_ANOM_CUT)
		jb_str(j, "anomaly", "snap_cut");
	jb_str(j, "http_method", h->method);
	jb_str(j, "protocol", h->protocol);
	if (h->user_agent[0])
		jb_str(j, "http_user_agent", min_ua(h->user_agent,
		    !hide || es.ua_full, ab, sizeof(ab)));
	if (h->content_type[0])
		jb_str(j, "http_content_type", h->content_type);
	if (h->status > 0)
		jb_u64(j, "status", h->status);
	if (h->length >= 0)
		jb_i64(j, "length", h->length);
	if (h->content_length >= 0)
		jb_i64(j, "request_content_length", h->content_length);
	if (h->chunked)
		jb_bool(j, "chunked", 1);
	jb_obj_close(j);
}

static void
fmt_flow(struct jb *j, const struct ev_flow *f, enum flow_end why,
    const struct ev_common *cm)
{
	char ts[40], hb[sizeof(f->meta.host)];

	jb_obj_open(j, "flow");
	jb_u64(j, "pkts_toserver", f->pkts[0]);
	jb_u64(j, "pkts_toclient", f->pkts[1]);
	jb_u64(j, "bytes_toserver", f->bytes[0]);
	jb_u64(j, "bytes_toclient", f->bytes[1]);
	jb_u64(j, "upload_bytes", f->upload_bytes);
	jb_str(j, "start", time_iso8601(f->ts_first, ts, sizeof(ts)));
	jb_str(j, "end", time_iso8601(f->ts_last, ts, sizeof(ts)));
	jb_u64(j, "age", (f->ts_last - f->ts_first) / 1000000);
	jb_str(j, "state", f->state);
	jb_str(j, "reason", vocab_name(&vocab_flow_end, why));
	if (f->pickup)
		jb_bool(j, "midstream", 1);
	jb_obj_close(j);
	if (nlen(f->meta.host, f->meta.host_len) != 0) {
		/* The name the flow was attributed to, whatever its source:
		 * later layers (catalog) match on it.  Not "metadata": that
		 * is Suricata's flowbits/flowvars object. */
		jb_obj_open(j, "shadowtap");
		if (cm->hide_addr != NULL && min_is_mdns(f->meta.host,
		    cm->dest_port))
			jb_str(j, "host", min_devname(f->meta.host,
			    cm->dest_port, hb, sizeof(hb)));
		else
			jb_strn(j, "host", f->meta.host, nlen(f->meta.host,
			    f->meta.host_len));
		jb_str(j, "host_source", f->meta.host_src == HOST_NONE ? "" :
		    vocab_name(&vocab_host_src, f->meta.host_src));
		jb_obj_close(j);
	}
}

static void
fmt_ai(struct jb *j, const struct ai_info *a)
{
	jb_obj_open(j, "ai");
	jb_str(j, "service", a->service);
	jb_str(j, "name", a->name);
	jb_str(j, "vendor", a->vendor);
	jb_str(j, "category", a->category);
	jb_strn(j, "host", a->host, nlen(a->host, a->host_len));
	jb_str(j, "matched_by", vocab_name(&vocab_matched_by, a->matched_by));
	jb_u64(j, "confidence", a->confidence);
	jb_str(j, "verdict", vocab_name(&vocab_verdict, a->verdict));
	jb_str(j, "rule", a->rule);
	if (a->exception[0])
		jb_str(j, "exception", a->exception);
	if (a->exception_expired)
		jb_bool(j, "exception_expired", 1);
	jb_str(j, "policy_version", a->policy_version);
	jb_bool(j, "tenant_ambiguous", a->tenant_ambiguous);
	if (a->tenant_ambiguous)
		jb_str(j, "note", "needs inline verification: contracted tenant "
		    "and personal account look the same on the wire");
	jb_obj_close(j);
}

/*
 * Suricata-style alert identity.  gid 1, signature_id in the local-use
 * range 1000000-1999999, block 1910000-1910999 (docs/EVENTS.md):
 *   1910000 + verdict		access to an AI service (per verdict)
 *   1910100 / 1910101		upload-threshold / upload-baseline
 *   1910200 + dlp class	DLP finding (per class, vocab_dlp_class order)
 *   1910999			any other kind
 */
#define EVE_GID		1
#define EVE_SID_BASE	1910000
#define EVE_REV		1

static int
alert_sid(const struct alert_info *a, const struct ai_info *ai)
{
	int c;

	if (strcmp(a->kind, "access") == 0)
		return EVE_SID_BASE + (ai != NULL ? ai->verdict : 0);
	if (strcmp(a->kind, "upload") == 0)
		return EVE_SID_BASE + 100 + ((a->has & AL_RULE) &&
		    strcmp(a->rule, "upload-baseline") == 0);
	if (strcmp(a->kind, "dlp") == 0 && (a->has & AL_DLP) &&
	    (c = vocab_lookup(&vocab_dlp_class, a->dlp_class)) >= 0)
		return EVE_SID_BASE + 200 + c;
	return EVE_SID_BASE + 999;
}

/* Named severity -> Suricata's 1 (high) .. 3 (low). */
static int
alert_prio(const char *sev)
{
	if (sev == NULL)
		return 3;
	if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
		return 1;
	if (strcmp(sev, "medium") == 0)
		return 2;
	return 3;
}

static const char *
alert_category(const char *kind)
{
	if (strcmp(kind, "access") == 0)
		return "Shadow AI Service Access";
	if (strcmp(kind, "upload") == 0)
		return "Shadow AI Data Upload";
	if (strcmp(kind, "dlp") == 0)
		return "Sensitive Data Sent to AI Service";
	return "Shadow AI Activity";
}

/* "shadowtap: prohibited AI service ChatGPT (chatgpt.com)": the host only
 * when the name does not already hold it. */
static const char *
alert_text(const struct alert_info *a, const struct ai_info *ai, char *b,
    size_t n)
{
	if (strcmp(a->kind, "access") == 0 && ai != NULL && ai->name[0]) {
		const char *v = vocab_name(&vocab_verdict, ai->verdict);
		char h[200];	/* a NUL must not cut the host; long ones are */

		(void)esc_bytes(h, sizeof(h), ai->host,
		    nlen(ai->host, ai->host_len), ESC_TEXT);
		if (h[0] && strcasecmp(h, ai->name) != 0 &&
		    strstr(ai->name, h) == NULL)
			snprintf(b, n, "shadowtap: %s AI service %s (%s)", v,
			    ai->name, h);
		else
			snprintf(b, n, "shadowtap: %s AI service %s", v,
			    ai->name);
	} else {
		/* cut to ${n} like before; the precision keeps -Wformat quiet */
		int room = n > 12 ? (int)n - 12 : 0;

		snprintf(b, n, "shadowtap: %.*s", room, (a->has & AL_SIGNATURE) ?
		    a->signature : a->kind);
	}
	return b;
}

/* alert{}: the Suricata keys first, then ours under alert.shadowtap. */
static void
fmt_alert(struct jb *j, const struct alert_info *a, const struct ai_info *ai)
{
	char sig[384];

	jb_obj_open(j, "alert");
	jb_str(j, "action", "allowed");
	jb_u64(j, "gid", EVE_GID);
	jb_u64(j, "signature_id", (uint64_t)alert_sid(a, ai));
	jb_u64(j, "rev", EVE_REV);
	jb_str(j, "signature", alert_text(a, ai, sig, sizeof(sig)));
	jb_str(j, "category", alert_category(a->kind));
	jb_u64(j, "severity", (uint64_t)alert_prio((a->has & AL_SEVERITY) ?
	    a->severity : NULL));
	jb_obj_open(j, "shadowtap");
	jb_str(j, "kind", a->kind);
	jb_str(j, "severity", a->severity);
	if (a->has & AL_RULE)
		jb_str(j, "rule", a->rule);
	if (a->has & AL_SIGNATURE)
		jb_str(j, "description", a->signature);
	if (a->has & AL_DLP) {
		jb_str(j, "class", a->dlp_class);
		if (a->has & AL_DETECTOR)
			jb_str(j, "detector", a->detector);
		jb_u64(j, "confidence", (uint64_t)a->confidence);
		if (a->has & AL_EVIDENCE)
			jb_str(j, "evidence", a->evidence);
		if (a->has & AL_FINGERPRINT)
			jb_str(j, "fingerprint", a->fingerprint);
		if (a->doc_type[0] != '\0') {
			jb_obj_open(j, "document");
			jb_str(j, "file", a->doc_file);
			jb_str(j, "type", a->doc_type);
			jb_str(j, "member", a->doc_member);
			jb_obj_close(j);
		}
	}
	if (a->bytes) {
		jb_u64(j, "bytes", a->bytes);
		jb_u64(j, "threshold", a->threshold);
	}
	jb_obj_close(j);
	jb_obj_close(j);
}

/* Length of the common leading path components of sections ${a}, ${b}
 * ("shadowtap.ai" and "shadowtap.ai.visibility": "shadowtap.ai"). */
static size_t
common_prefix(const char *a, const char *b)
{
	size_t i, last = 0;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		if (a[i] == '.')
			last = i;
	if ((a[i] == '\0' || a[i] == '.') && (b[i] == '\0' || b[i] == '.'))
		return i;
	return last;
}

static int
depth(const char *s, size_t n)
{
	size_t i;
	int d = n > 0;

	for (i = 0; i < n; i++)
		d += s[i] == '.';
	return d;
}

/* Open the components of ${sect} after its first ${from} bytes. */
static void
open_path(struct jb *j, const char *sect, size_t from)
{
	char part[CTR_NAME_LEN];
	const char *p = sect + from, *e;
	size_t n;

	while (*p != '\0') {
		if (*p == '.')
			p++;
		e = strchr(p, '.');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(part))
			n = sizeof(part) - 1;
		memcpy(part, p, n);
		part[n] = '\0';
		jb_obj_open(j, part);
		p += n;
	}
}

/*
 * stats{}: every registered counter (common/counters.h), nested by its
 * section in registration order, so Suricata's names (capture, decoder,
 * flow) come first and ours follow under stats.shadowtap.
 */
static void
fmt_stats(struct jb *j, const struct ev_stats *s)
{
	const char *cur = "";
	char share[32];
	size_t i, k;
	int d, n;

	jb_obj_open(j, "stats");
	jb_u64(j, "uptime", s->uptime_us / 1000000);
	for (i = 0; i < s->c.n && i < ctr_count(); i++) {
		const struct ctr_def *c = ctr_def(i);

		k = common_prefix(cur, c->sect);
		for (d = depth(cur, strlen(cur)) - depth(cur, k); d > 0; d--)
			jb_obj_close(j);
		open_path(j, c->sect, k);
		cur = c->sect;
		switch (c->kind) {
		case CTR_STR:
			jb_str(j, c->name, s->c.str[c->str_slot]);
			break;
		case CTR_RATIO:
			n = snprintf(share, sizeof(share), "%.4f",
			    ctr_ratio(&s->c, i));
			jb_raw(j, c->name, share, (size_t)n);
			break;
		default:
			jb_u64(j, c->name, s->c.v[i]);
			break;
		}
	}
	for (d = depth(cur, strlen(cur)); d > 0; d--)
		jb_obj_close(j);
	jb_obj_close(j);
}

size_t
eve_format(const struct event *ev, const struct ev_common *cm, int ip,
    char *buf, size_t cap)
{
	const struct ev_flow *f = ev_flow(ev);
	struct jb j;

	jb_init(&j, buf, cap);
	jb_obj_open(&j, NULL);
	jb_str(&j, "timestamp", cm->ts);
	if (f != NULL)
		jb_u64(&j, "flow_id", f->id);
	jb_str(&j, "event_type", vocab_name(&vocab_ev_type, ev->type));
	if (es.host[0])
		jb_str(&j, "host", es.host);
	if (es.iface[0])
		jb_str(&j, "in_iface", es.iface);
	if (f != NULL) {
		if (ip)
			jb_str(&j, "src_ip", cm->src_ip);
		jb_str(&j, "client_pseudo", cm->pseudo);
		jb_u64(&j, "src_port", cm->src_port);
		jb_str(&j, "dest_ip", cm->dest_ip);
		jb_u64(&j, "dest_port", cm->dest_port);
		jb_str(&j, "proto", cm->proto);
		if (cm->app_proto != NULL)
			jb_str(&j, "app_proto", cm->app_proto);
		if (f->vlan[0]) {
			jb_arr_open(&j, "vlan");
			jb_u64(&j, NULL, f->vlan[0]);
			if (f->vlan[1])
				jb_u64(&j, NULL, f->vlan[1]);
			jb_arr_close(&j);
		}
	}
	switch (ev->type) {
	case EV_FLOW:
		fmt_flow(&j, f, ev->u.why, cm);
		if (ev_flow_ai(f) != NULL)
			fmt_ai(&j, ev_flow_ai(f));
		break;
	case EV_TLS:
	case EV_QUIC:
		fmt_hello(&j, f, ev->type == EV_QUIC);
		break;
	case EV_DNS:
		fmt_dns(&j, &ev->u.dns, cm);
		break;
	case EV_HTTP:
		fmt_http(&j, &ev->u.http, cm);
		break;
	case EV_STATS:
		fmt_stats(&j, &ev->u.stats);
		break;
	case EV_AI:
		fmt_ai(&j, &ev->u.ai);
		break;
	case EV_ALERT:
		fmt_alert(&j, &ev->u.alert, ev_flow_ai(f));
		if (ev_flow_ai(f) != NULL)
			fmt_ai(&j, ev_flow_ai(f));
		break;
	case EV_VISIBILITY:
		jb_obj_open(&j, "visibility");
		jb_str(&j, "kind", ev->u.vis.kind);
		if (ev->u.vis.has_detail)
			jb_strn(&j, "detail", ev->u.vis.detail,
			    nlen(ev->u.vis.detail, ev->u.vis.detail_len));
		jb_obj_close(&j);
		break;
	case EV_POLICY:
		jb_obj_open(&j, "policy");
		jb_str(&j, "action", ev->u.policy.action);
		jb_str(&j, "version", ev->u.policy.version);
		if (ev->u.policy.has_summary)
			jb_str(&j, "summary", ev->u.policy.summary);
		jb_u64(&j, "errors", (uint64_t)ev->u.policy.errors);
		jb_obj_close(&j);
		break;
	default:
		break;
	}
	jb_obj_close(&j);
	return jb_finish(&j);
}
