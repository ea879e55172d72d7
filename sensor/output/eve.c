/*
 * eve.c - Suricata-style EVE JSON lines: formatting of every event type and
 * the line writer: whole records only (a buffer of complete lines, flushed
 * every tick), a crash's torn last line repaired at open, losses counted,
 * the file reopened on SIGHUP for logrotate.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/analyzer.h"
#include "dlp/inspect.h"
#include "common/fileio.h"
#include "common/json.h"
#include "output/output.h"
#include "common/log.h"

struct eve {
	char	*path;
	int	 fd;
	int	 is_stdout;
	int	 created;	/* the file did not exist before eve_open */
	int	 flags;		/* FIO_FOLLOW, FIO_LOCK */
	int	 failing;	/* the last write failed (logged once) */
	unsigned logged;	/* failure/recovery messages (rate limit) */
	uint64_t lost_at_fail;	/* lost count when the failure began */
	struct eve_counts n;
	char	*buf;		/* whole lines only */
	size_t	 cap, len;
	size_t	 thresh;	/* flush when this much is buffered (0: each line) */
	uint64_t buf_lines;	/* lines in buf */
};

#define EVE_REC_MAX	(128 * 1024 + 1)	/* output.c EVE_LINE_MAX + newline */
#define EVE_LOG_MAX	20	/* failure/recovery pairs logged per run */

/* Open (or reopen) the file: refuse links unless allowed, 0640 when
 * created, instance lock, and a trailing partial line left by a crash
 * terminated before anything is appended. */
static int
eve_open_fd(struct eve *e, int *created)
{
	int fd, rc;

	if ((fd = fio_open_append(e->path, FIO_MODE_DATA, e->flags,
	    created)) < 0) {
		if (fd == -ELOOP)
			log_warnx("%s: EVE output is a symbolic link; refused "
			    "(output.follow_symlinks: true allows it)", e->path);
		else if (fd == -EBUSY)
			log_warnx("%s: EVE output is in use by another "
			    "shadowtap-sensor; refusing to share it", e->path);
		else
			log_warnx("%s: cannot open EVE output: %s", e->path,
			    strerror(-fd));
		return fd;
	}
	if ((rc = fio_repair_tail(fd)) < 0) {
		log_warnx("%s: cannot check the EVE file's last line: %s",
		    e->path, strerror(-rc));
		close(fd);
		return rc;
	}
	if (rc == 1) {
		e->n.repaired++;
		log_warnx("%s: the last line was incomplete (the sensor was "
		    "killed while writing?); terminated it, 1 torn record",
		    e->path);
	}
	return fd;
}

int
eve_open(struct eve **ep, const char *path, size_t bufsize, int flags)
{
	struct eve *e;
	int rc;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->flags = flags;
	if (strcmp(path, "-") == 0) {
		e->fd = STDOUT_FILENO;
		e->is_stdout = 1;
	} else if ((e->path = strdup(path)) == NULL) {
		rc = -ENOMEM;
		goto err;
	} else if ((e->fd = eve_open_fd(e, &e->created)) < 0) {
		rc = e->fd;
		goto err;
	}
	/* Room for the longest record whatever the flush threshold. */
	e->thresh = bufsize;
	e->cap = bufsize > EVE_REC_MAX ? bufsize : EVE_REC_MAX;
	if ((e->buf = malloc(e->cap)) == NULL) {
		rc = -ENOMEM;
		goto err1;
	}
	*ep = e;
	return 0;
err1:
	if (!e->is_stdout) {
		close(e->fd);
		if (e->created)
			unlink(e->path);
	}
err:
	free(e->path);
	free(e);
	return rc;
}

/* A write failed (rc < 0) or succeeded: log the first failure and the
 * recovery, a bounded number of times per run. */
static void
eve_note(struct eve *e, int rc)
{
	const char *name = e->is_stdout ? "stdout" : e->path;

	if (rc < 0 && !e->failing) {
		e->failing = 1;
		e->n.failures++;
		e->lost_at_fail = e->n.lost;
		if (e->logged++ < EVE_LOG_MAX)
			log_warnx("%s: EVE write failed: %s; events are being "
			    "lost (counted as eve_lost)", name, strerror(-rc));
	} else if (rc == 0 && e->failing) {
		e->failing = 0;
		if (e->logged < EVE_LOG_MAX)
			log_warnx("%s: EVE writes resumed; %llu lines lost "
			    "meanwhile", name, (unsigned long long)(e->n.lost -
			    e->lost_at_fail));
	}
}

/*
 * Write whole lines.  A short write (disk full) can leave the start of a
 * line: the file is cut back to the last complete line so no reader ever
 * sees a torn record; the lines not written are counted lost.
 */
static int
eve_put(struct eve *e, const char *p, size_t n, uint64_t lines)
{
	off_t before = -1;
	size_t done = 0, keep;
	int rc;

	if (!e->is_stdout)
		before = lseek(e->fd, 0, SEEK_END);
	if ((rc = fio_write_all(e->fd, p, n, &done)) == 0) {
		e->n.written += lines;
		eve_note(e, 0);
		return 0;
	}
	/* Lines fully written before the failure still count. */
	for (keep = done; keep > 0 && p[keep - 1] != '\n'; keep--)
		;
	if (keep < done && before >= 0 &&
	    ftruncate(e->fd, before + (off_t)keep) < 0)
		log_warnx("%s: cannot cut a torn EVE line", e->path);
	{
		uint64_t ok = 0;
		size_t i;

		for (i = 0; i < keep; i++)
			ok += p[i] == '\n';
		e->n.written += ok;
		e->n.lost += lines - ok;
	}
	eve_note(e, rc);
	return rc;
}

static int
eve_drain(struct eve *e)
{
	int rc = 0;

	if (e->len > 0)
		rc = eve_put(e, e->buf, e->len, e->buf_lines);
	e->len = 0;
	e->buf_lines = 0;
	return rc;
}

int
eve_reopen(struct eve *e)
{
	int fd, created;

	struct stat a, b;

	if (e == NULL || e->is_stdout)
		return 0;
	eve_drain(e);
	/* Not rotated: the file we hold (and lock) is still the one named. */
	if (lstat(e->path, &a) == 0 && fstat(e->fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	if ((fd = eve_open_fd(e, &created)) < 0) {
		log_warnx("%s: cannot reopen EVE output; keeping the old file",
		    e->path);
		return fd;
	}
	close(e->fd);
	e->fd = fd;
	return 0;
}

int
eve_flush(struct eve *e)
{
	return e != NULL ? eve_drain(e) : 0;
}

void
eve_discard(struct eve *e)
{
	if (e == NULL)
		return;
	if (!e->is_stdout) {
		close(e->fd);
		if (e->created)
			unlink(e->path);
	}
	free(e->buf);
	free(e->path);
	free(e);
}

void
eve_close(struct eve *e)
{
	if (e == NULL)
		return;
	eve_drain(e);
	if (!e->is_stdout && close(e->fd) != 0)
		log_warn("%s: error closing EVE output", e->path);
	free(e->buf);
	free(e->path);
	free(e);
}

const struct eve_counts *
eve_counts(const struct eve *e)
{
	return &e->n;
}

int
eve_write(struct eve *e, const char *line, size_t n)
{
	int rc = 0;

	if (n + 1 > e->cap - e->len)
		rc = eve_drain(e);
	if (n + 1 > e->cap) {
		e->n.lost++;
		return -EMSGSIZE;
	}
	memcpy(e->buf + e->len, line, n);
	e->buf[e->len + n] = '\n';
	e->len += n + 1;
	e->buf_lines++;
	if (e->len >= e->thresh)
		rc = eve_drain(e);
	return rc;
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
fmt_hello(struct jb *j, const struct flow *f, int quic)
{
	const struct flow_meta *m = &f->meta;
	char vb[16], tv[24];

	jb_obj_open(j, quic ? "quic" : "tls");
	if (m->host_src == (quic ? HOST_QUIC_SNI : HOST_TLS_SNI))
		jb_str(j, "sni", m->host);
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
	uint16_t i;

	jb_obj_open(j, "dns");
	jb_u64(j, "version", 2);
	jb_str(j, "type", d->qr ? "answer" : "query");
	jb_u64(j, "id", d->id);
	jb_str(j, "rrname", d->qname);
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
			jb_str(j, "rrname", a->name);
			fmt_type(j, "rrtype", a->rrtype);
			jb_u64(j, "ttl", a->ttl);
			/* Pseudonym mode: a client announcing its own address
			 * (mDNS, LLMNR) must not reveal it, nor a link-local
			 * address, which only ever names a host on the LAN. */
			if (cm->hide_addr != NULL &&
			    strcmp(a->data, cm->hide_addr) == 0)
				jb_str(j, "rdata", cm->src_ip);
			else if (cm->hide_addr != NULL && is_link_local(a->data))
				jb_str(j, "rdata", "withheld");
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

static void
fmt_http(struct jb *j, const struct http_req *h)
{
	jb_obj_open(j, "http");
	jb_str(j, "hostname", h->host);
	jb_str(j, "url", h->uri);
	jb_str(j, "http_method", h->method);
	jb_str(j, "protocol", h->protocol);
	if (h->user_agent[0])
		jb_str(j, "http_user_agent", h->user_agent);
	if (h->content_type[0])
		jb_str(j, "http_content_type", h->content_type);
	if (h->content_length >= 0)
		jb_i64(j, "request_content_length", h->content_length);
	if (h->chunked)
		jb_bool(j, "chunked", 1);
	jb_obj_close(j);
}

static void
fmt_flow(struct jb *j, const struct flow *f, enum flow_end why)
{
	char ts[40];

	jb_obj_open(j, "flow");
	jb_u64(j, "pkts_toserver", f->pkts[0]);
	jb_u64(j, "pkts_toclient", f->pkts[1]);
	jb_u64(j, "bytes_toserver", f->bytes[0]);
	jb_u64(j, "bytes_toclient", f->bytes[1]);
	jb_u64(j, "upload_bytes", flow_upload_bytes(f));
	jb_str(j, "start", time_iso8601(f->ts_first, ts, sizeof(ts)));
	jb_str(j, "end", time_iso8601(f->ts_last, ts, sizeof(ts)));
	jb_u64(j, "age", (f->ts_last - f->ts_first) / 1000000);
	jb_str(j, "state", flow_state_str(f));
	jb_str(j, "reason", vocab_name(&vocab_flow_end, why));
	if (f->pickup)
		jb_bool(j, "midstream", 1);
	jb_obj_close(j);
	if (f->meta.host[0]) {
		/* The name the flow was attributed to, whatever its source:
		 * later layers (catalog) match on it.  Not "metadata": that
		 * is Suricata's flowbits/flowvars object. */
		jb_obj_open(j, "shadowtap");
		jb_str(j, "host", f->meta.host);
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
	jb_str(j, "host", a->host);
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
		return EVE_SID_BASE + 100 + (a->rule != NULL &&
		    strcmp(a->rule, "upload-baseline") == 0);
	if (strcmp(a->kind, "dlp") == 0 && a->dlp_class != NULL &&
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

		if (ai->host[0] && strcasecmp(ai->host, ai->name) != 0 &&
		    strstr(ai->name, ai->host) == NULL)
			snprintf(b, n, "shadowtap: %s AI service %s (%s)", v,
			    ai->name, ai->host);
		else
			snprintf(b, n, "shadowtap: %s AI service %s", v,
			    ai->name);
	} else
		snprintf(b, n, "shadowtap: %s", a->signature != NULL ?
		    a->signature : a->kind);
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
	jb_u64(j, "severity", (uint64_t)alert_prio(a->severity));
	jb_obj_open(j, "shadowtap");
	jb_str(j, "kind", a->kind);
	jb_str(j, "severity", a->severity != NULL ? a->severity : "");
	if (a->rule)
		jb_str(j, "rule", a->rule);
	if (a->signature)
		jb_str(j, "description", a->signature);
	if (a->dlp_class) {
		jb_str(j, "class", a->dlp_class);
		if (a->detector)
			jb_str(j, "detector", a->detector);
		jb_u64(j, "confidence", (uint64_t)a->confidence);
		if (a->evidence)
			jb_str(j, "evidence", a->evidence);
		if (a->fingerprint)
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

/* stats.ai: attribution, alerts, visibility and the blind share (TLS/QUIC
 * flows whose server name stayed unknown). */
static void
fmt_stats_ai(struct jb *j, const struct analyzer_stats *a)
{
	char share[32];
	int i, n;

	jb_obj_open(j, "ai");
	jb_u64(j, "flows", a->ai_flows);
	jb_u64(j, "lookups", a->ai_lookups);
	jb_u64(j, "alerts", a->alerts);
	jb_u64(j, "pool_empty", a->pool_empty);
	jb_obj_open(j, "visibility");
	for (i = 0; i < VIS__COUNT; i++)
		jb_u64(j, vocab_name(&vocab_vis_kind, i), a->vis[i]);
	jb_obj_close(j);
	jb_u64(j, "tls_quic_flows", a->tls_quic_flows);
	jb_u64(j, "blind_flows", a->blind_flows);
	n = snprintf(share, sizeof(share), "%.4f", a->tls_quic_flows ?
	    (double)a->blind_flows / (double)a->tls_quic_flows : 0.0);
	jb_raw(j, "blind_share", share, (size_t)n);
	jb_u64(j, "dns_remembered", a->dns_remembered);
	jb_u64(j, "dns_attributed", a->dns_attributed);
	jb_u64(j, "reloads", a->reloads);
	jb_u64(j, "reload_failures", a->reload_failures);
	jb_str(j, "policy_version", a->version);
	jb_obj_close(j);
}

/* stats.decoder keeps the counters whose names Suricata's schema has;
 * the rest go to stats.shadowtap.decoder. */
static int
suri_decoder_name(const char *n)
{
	static const char *const suri[] = {
		"pkts", "bytes", "ethernet", "vlan", "vlan_qinq", "ipv4",
		"ipv6", "tcp", "udp", "icmpv4", "icmpv6", "sctp", "invalid",
		NULL
	};
	int i;

	for (i = 0; suri[i] != NULL; i++)
		if (strcmp(n, suri[i]) == 0)
			return 1;
	return 0;
}

static void
fmt_stats(struct jb *j, const struct stats_snapshot *s)
{
	int i;

	jb_obj_open(j, "stats");
	jb_u64(j, "uptime", s->uptime_us / 1000000);
	jb_obj_open(j, "capture");
	jb_u64(j, "kernel_packets", s->cap.received);
	jb_u64(j, "kernel_drops", s->cap.dropped);
	jb_u64(j, "kernel_ifdrops", s->cap.if_dropped);
	jb_obj_close(j);
	jb_obj_open(j, "decoder");
	for (i = 0; i < DC__COUNT; i++)
		if (suri_decoder_name(decode_counter_name((enum dec_counter)i)))
			jb_u64(j, decode_counter_name((enum dec_counter)i),
			    s->dec->c[i]);
	jb_obj_close(j);
	jb_obj_open(j, "flow");
	jb_u64(j, "total", s->flows->created);
	jb_u64(j, "active", s->flows->active);
	jb_obj_close(j);
	/* Everything Suricata has no name for. */
	jb_obj_open(j, "shadowtap");
	jb_str(j, "source", s->cap.iface);
	jb_obj_open(j, "decoder");
	for (i = 0; i < DC__COUNT; i++)
		if (!suri_decoder_name(decode_counter_name((enum dec_counter)i)))
			jb_u64(j, decode_counter_name((enum dec_counter)i),
			    s->dec->c[i]);
	jb_obj_close(j);
	jb_obj_open(j, "defrag");
	jb_u64(j, "fragments", s->defrag->fragments);
	jb_u64(j, "reassembled", s->defrag->reassembled);
	jb_u64(j, "timeouts", s->defrag->timeouts);
	jb_u64(j, "no_slot", s->defrag->no_slot);
	jb_u64(j, "too_big", s->defrag->too_big);
	jb_obj_close(j);
	jb_obj_open(j, "flows");
	jb_u64(j, "created", s->flows->created);
	jb_u64(j, "active", s->flows->active);
	jb_u64(j, "active_max", s->flows->active_max);
	jb_u64(j, "ended", s->flows->ended);
	jb_u64(j, "timed_out", s->flows->timed_out);
	jb_u64(j, "evicted", s->flows->evicted);
	jb_u64(j, "midstream", s->flows->pickups);
	jb_u64(j, "no_flow", s->flows->no_ports);
	jb_obj_close(j);
	jb_obj_open(j, "dpi");
	jb_u64(j, "ndpi_packets", s->dpi->ndpi_calls);
	jb_u64(j, "ndpi_flows", s->dpi->ndpi_flows);
	jb_u64(j, "ndpi_pool_empty", s->dpi->ndpi_pool_empty);
	jb_u64(j, "scratch_empty", s->dpi->scratch_empty);
	jb_u64(j, "tls_hellos", s->dpi->tls_hellos);
	jb_u64(j, "quic_hellos", s->dpi->quic_hellos);
	jb_u64(j, "dns_messages", s->dpi->dns_msgs);
	jb_u64(j, "dns_malformed", s->dpi->dns_bad);
	jb_u64(j, "http_requests", s->dpi->http_reqs);
	jb_u64(j, "tcp_out_of_order", s->dpi->tcp_ooo);
	jb_obj_close(j);
	jb_obj_open(j, "output");
	for (i = 0; i < EV__COUNT; i++)
		jb_u64(j, vocab_name(&vocab_ev_type, (enum ev_type)i), s->out->events[i]);
	jb_u64(j, "eve_errors", s->out->eve_errors);
	jb_u64(j, "db_rows", s->out->db_rows);
	jb_u64(j, "db_errors", s->out->db_errors);
	jb_u64(j, "eve_lost", s->out->eve_lost);
	jb_u64(j, "db_rows_lost", s->out->db_rows_lost + s->out->db_lost);
	jb_u64(j, "db_busy", s->out->db_busy);
	jb_u64(j, "db_malformed", s->out->db_malformed != 0);
	jb_obj_close(j);
	if (s->insp != NULL) {
		jb_obj_open(j, "inspect");
		jb_u64(j, "bytes_scanned", s->insp->bytes_scanned);
		jb_u64(j, "bodies", s->insp->bodies);
		jb_u64(j, "findings", s->insp->findings);
		jb_u64(j, "alerts_dlp", s->insp->alerts_dlp);
		jb_u64(j, "alerts_upload", s->insp->alerts_upload);
		jb_u64(j, "truncated", s->insp->truncated);
		jb_u64(j, "reassembly_drops", s->insp->reasm_drops);
		jb_u64(j, "reassembly_gaps", s->insp->reasm_gaps);
		jb_u64(j, "reassembly_ooo", s->insp->reasm_ooo);
		jb_u64(j, "bomb_aborts", s->insp->bomb_aborts);
		jb_u64(j, "decode_errors", s->insp->decode_errors);
		jb_u64(j, "no_slot", s->insp->no_slot);
		jb_u64(j, "no_record", s->insp->no_record);
		jb_u64(j, "docs", s->insp->doc.docs);
		jb_u64(j, "doc_members", s->insp->doc.members);
		jb_u64(j, "doc_inflated", s->insp->doc.inflated);
		for (i = 0; i < DOC_P__COUNT; i++)
			jb_u64(j, doc_problem_name((int)i),
			    s->insp->doc.problems[i]);
		jb_obj_close(j);
	}
	if (s->an != NULL)
		fmt_stats_ai(j, s->an);
	jb_obj_close(j);	/* shadowtap */
	jb_obj_close(j);
}

size_t
eve_format(const struct event *ev, const struct ev_common *cm, int ip,
    char *buf, size_t cap)
{
	const struct flow *f = ev->flow;
	struct jb j;

	jb_init(&j, buf, cap);
	jb_obj_open(&j, NULL);
	jb_str(&j, "timestamp", cm->ts);
	if (f != NULL)
		jb_u64(&j, "flow_id", f->id);
	jb_str(&j, "event_type", vocab_name(&vocab_ev_type, ev->type));
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
		if (f->key.vlan[0]) {
			jb_arr_open(&j, "vlan");
			jb_u64(&j, NULL, f->key.vlan[0]);
			if (f->key.vlan[1])
				jb_u64(&j, NULL, f->key.vlan[1]);
			jb_arr_close(&j);
		}
	}
	switch (ev->type) {
	case EV_FLOW:
		fmt_flow(&j, f, ev->u.why);
		if (f->ai != NULL)
			fmt_ai(&j, f->ai);
		break;
	case EV_TLS:
	case EV_QUIC:
		fmt_hello(&j, f, ev->type == EV_QUIC);
		break;
	case EV_DNS:
		fmt_dns(&j, ev->u.dns, cm);
		break;
	case EV_HTTP:
		fmt_http(&j, ev->u.http);
		break;
	case EV_STATS:
		fmt_stats(&j, ev->u.stats);
		break;
	case EV_AI:
		fmt_ai(&j, ev->u.ai);
		break;
	case EV_ALERT:
		fmt_alert(&j, ev->u.alert, f != NULL ? f->ai : NULL);
		if (f != NULL && f->ai != NULL)
			fmt_ai(&j, f->ai);
		break;
	case EV_VISIBILITY:
		jb_obj_open(&j, "visibility");
		jb_str(&j, "kind", ev->u.vis->kind);
		if (ev->u.vis->detail)
			jb_str(&j, "detail", ev->u.vis->detail);
		jb_obj_close(&j);
		break;
	case EV_POLICY:
		jb_obj_open(&j, "policy");
		jb_str(&j, "action", ev->u.policy->action);
		jb_str(&j, "version", ev->u.policy->version);
		if (ev->u.policy->summary)
			jb_str(&j, "summary", ev->u.policy->summary);
		jb_u64(&j, "errors", (uint64_t)ev->u.policy->errors);
		jb_obj_close(&j);
		break;
	default:
		break;
	}
	jb_obj_close(&j);
	return jb_finish(&j);
}
