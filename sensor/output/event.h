/*
 * event.h - the event contract between the engine and the outputs.  An
 * event is a flat, size-checked message: no pointers, fixed-size arrays,
 * a copy of the flow's summary (struct ev_flow) and of the record (DNS
 * message, HTTP request, counters) taken when the engine built it.  The
 * same struct is handed to output_emit() in-process and can cross a
 * socketpair unchanged (event_wire_size() bytes of it).  Only the engine
 * (sensor/engine.c) builds events; docs/EVENTS.md describes the records.
 *
 * The *_info structs are also the facts the stages report through their
 * hooks (struct ev_hook); they too hold arrays and integers only.
 */
#ifndef ST_EVENT_H
#define ST_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/counters.h"
#include "common/vocab.h"
#include "decode/decode.h"
#include "dpi/dns.h"
#include "dpi/http.h"

/*
 * The attribution of a flow (or DNS lookup) to a catalog service and the
 * policy's verdict on it.  A copy, not pointers into the rules, so a rules
 * reload never leaves a flow pointing at freed memory.
 */
struct ai_info {
	char		service[48];	/* catalog id */
	char		name[64];	/* display name */
	char		vendor[64];
	char		category[24];	/* first category */
	char		host[256];	/* the name that matched (or was asked) */
	uint16_t	host_len;	/* bytes in host: it may hold a NUL */
	char		rule[64];	/* policy rule or default that decided */
	char		exception[64];	/* exception id applied, "" if none */
	char		policy_version[17];
	uint8_t		matched_by;	/* enum matched_by */
	uint8_t		confidence;	/* 0-100 */
	uint8_t		verdict;	/* enum verdict */
	uint8_t		tenant_ambiguous;
	uint8_t		exception_expired;	/* an exception matched but expired */
	uint8_t		logged;		/* the ai event was emitted */
	uint8_t		client_type;	/* enum client_type (upload tiers) */
};

/* alert_info.has: which optional strings are present ("" may be a value). */
#define AL_SEVERITY	0x01
#define AL_RULE		0x02
#define AL_SIGNATURE	0x04
#define AL_DLP		0x08	/* dlp_class (kind "dlp") */
#define AL_DETECTOR	0x10
#define AL_EVIDENCE	0x20
#define AL_FINGERPRINT	0x40

/* An alert: access to a service the policy forbids, a large upload, or a
 * content (DLP) finding.  Use alert_set() for the optional strings. */
struct alert_info {
	char		kind[16];	/* "access", "upload", "dlp" */
	char		severity[16];	/* "info", "low", "medium", "high", "critical" */
	char		rule[128];	/* policy rule / detector that raised it */
	char		signature[400];	/* one line for humans */
	/* kind "dlp" */
	char		dlp_class[24];	/* "bsn", "iban", ... */
	char		detector[128];
	char		evidence[96];	/* masked (DLP_EVIDENCE_MAX) */
	char		fingerprint[33];/* keyed hash, hex */
	uint8_t		has;		/* AL_* */
	int32_t		confidence;
	/* kind "upload" */
	uint64_t	bytes;
	uint64_t	threshold;
	/* kind "dlp" in a document (issue 14); "" when not in one */
	char		doc_file[96];	/* file name, masked if it is a finding */
	char		doc_type[8];	/* "docx", "pdf", "csv", ... */
	char		doc_member[64];	/* "word/document.xml", "Info", ... */
};

/* Something the sensor cannot see into (ECH, DoH, DoT, ...). */
struct visibility_info {
	char		kind[24];	/* "ech", "doh", "dot", "doh_canary", "quic_no_sni",
					 * "tls_no_sni", "vpn", "ai_shared_host",
					 * "doc_uninspectable" */
	char		detail[HTTP_URI_MAX + 1];
	uint16_t	detail_len;	/* bytes in detail (it may hold a NUL);
					 * 0: NUL-terminated */
	uint8_t		has_detail;
};

/* Rules (re)loads. */
struct policy_event {
	char		action[16];	/* "load", "reload", "reload_failed" */
	char		version[17];	/* hash of the loaded files */
	char		summary[512];	/* what changed, or the first error */
	uint8_t		has_summary;
	int32_t		errors;
};

/*
 * What the sinks print about a flow, copied from struct flow (flow/flow.h)
 * by the engine.  Field names follow flow_meta's, so a sink reads f->meta.
 */
struct ev_flow_meta {
	char		host[256];	/* lower-cased server name */
	uint16_t	host_len;	/* bytes in host (it may hold a NUL) */
	uint8_t		snap_cut;	/* a segment was cut by the snap length */
	char		alpn[64];
	char		ja3[33];
	char		ja4[40];
	char		http_method[16];
	uint64_t	dns_query_ts;	/* pending DNS query */
	uint32_t	quic_version;
	uint16_t	tls_version;
	uint16_t	dns_qtype;
	uint16_t	dns_id;
	uint8_t		host_src;	/* enum host_src */
	uint8_t		ech;
	uint8_t		dns;		/* our DNS parser owns the flow */
	uint8_t		dns_pending;	/* a query waits for its answer */
};

struct ev_flow {
	uint64_t	id;		/* flow_id in EVE */
	uint64_t	ts_first, ts_last;	/* µs */
	uint64_t	pkts[2];	/* [0] to server, [1] to client */
	uint64_t	bytes[2];
	uint64_t	upload_bytes;	/* flow_upload_bytes() */
	struct ip_addr	cli, srv;
	uint16_t	cli_port, srv_port;
	uint16_t	vlan[2];
	uint8_t		proto;		/* IPPROTO_* */
	uint8_t		pickup;		/* picked up mid-stream */
	uint8_t		has_ai;		/* ai is the flow's attribution */
	char		state[12];	/* flow_state_str() */
	char		app_proto[24];	/* "tls", "dns", nDPI's name; "" unknown */
	struct ev_flow_meta meta;
	struct ai_info	ai;
};

static inline const struct ai_info *
ev_flow_ai(const struct ev_flow *f)
{
	return f != NULL && f->has_ai ? &f->ai : NULL;
}

/* EV_STATS: the counter registry's values (common/counters.h). */
struct ev_stats {
	uint64_t	uptime_us;
	struct ctr_snap	c;
};

#define EV_MAGIC	0x53544556u	/* "STEV" */

struct event {
	uint32_t	magic;		/* EV_MAGIC */
	uint32_t	size;		/* event_wire_size() when built */
	uint8_t		type;		/* enum ev_type */
	uint8_t		has_flow;	/* flow is valid (not for stats, policy) */
	uint8_t		dir;		/* 0: packet was client->server */
	uint8_t		pad[5];
	uint64_t	ts_us;
	struct ev_flow	flow;
	union {
		struct dns_msg		dns;	/* EV_DNS */
		struct http_req		http;	/* EV_HTTP */
		struct ev_stats		stats;	/* EV_STATS */
		uint8_t			why;	/* EV_FLOW: enum flow_end */
		struct ai_info		ai;	/* EV_AI */
		struct alert_info	alert;	/* EV_ALERT */
		struct visibility_info	vis;	/* EV_VISIBILITY */
		struct policy_event	policy;	/* EV_POLICY */
	} u;
};

/* The largest message a process boundary must carry. */
#define EV_MSG_MAX	(64 * 1024)
_Static_assert(sizeof(struct event) <= EV_MSG_MAX,
    "struct event must fit one message");

static inline const struct ev_flow *
ev_flow(const struct event *ev)
{
	return ev->has_flow ? &ev->flow : NULL;
}

/*
 * event_wire_size(ev): the bytes of ${ev} that carry meaning (header, flow
 * summary, the used part of the union; a DNS message up to its last
 * parsed answer).  A receiver checks it with event_check().
 */
size_t	event_wire_size(const struct event *ev);
/* event_check(ev, n): ${n} received bytes form a valid event (magic,
 * type, size); 0 or -EINVAL.  Strings are NUL-terminated afterwards. */
int	event_check(struct event *ev, size_t n);

/*
 * Batches: several events in one message, for a process boundary (one
 * write per batch instead of one per event).  A record is a 4-byte length
 * (== the event's size field) and the event's wire bytes, padded to 8.
 */
#define EV_BATCH_MAX	(128 * 1024)
struct ev_batch {
	uint32_t	len;		/* bytes used in buf */
	uint32_t	count;		/* events in buf */
	uint8_t		buf[EV_BATCH_MAX];
};
void	ev_batch_init(struct ev_batch *b);
/* ev_batch_add(b, ev): append ${ev} (its size field set); 0, or -ENOSPC
 * when it does not fit (send the batch, init, add again), -EINVAL when
 * ${ev} is not a valid event. */
int	ev_batch_add(struct ev_batch *b, const struct event *ev);
/* ev_batch_next(buf, len, off, out): the next event of a received batch
 * into ${out}, checked with event_check(); 1 one more, 0 at the end,
 * -EINVAL malformed (stop reading the batch). */
int	ev_batch_next(const uint8_t *buf, size_t len, size_t *off,
	    struct event *out);

/* alert_set(a, bit, field, cap, s): copy ${s} into one of ${a}'s strings
 * and mark it present (AL_*); NULL leaves it absent. */
void	alert_set(struct alert_info *a, int bit, char *field, size_t cap,
	    const char *s);
#define ALERT_SET(a, bit, field, s) \
	alert_set((a), (bit), (a)->field, sizeof((a)->field), (s))

/*
 * How a stage reports a fact (a record worth an event): the engine
 * (sensor/engine.c) installs one per stage.  ${data} is the fact for the
 * type: struct ai_info, alert_info, visibility_info, policy_event,
 * dns_msg, http_req, or NULL (tls, quic); valid for the call only.
 */
struct flow;
struct ev_hook {
	void	(*fact)(void *arg, enum ev_type t, const struct flow *f,
		    int dir, uint64_t ts, const void *data);
	void	*arg;
};

static inline void
ev_report(const struct ev_hook *h, enum ev_type t, const struct flow *f,
    int dir, uint64_t ts, const void *data)
{
	if (h != NULL && h->fact != NULL)
		h->fact(h->arg, t, f, dir, ts, data);
}

#endif
