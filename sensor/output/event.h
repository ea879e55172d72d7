/*
 * event.h - the event contract between the engine and the outputs.  The
 * engine builds a struct event on its stack and hands it to output_emit();
 * sinks (EVE JSON, SQLite) format it.  Pointers inside are valid only for
 * the duration of the call.  docs/EVENTS.md describes the resulting records.
 */
#ifndef ST_EVENT_H
#define ST_EVENT_H

#include <stdint.h>

#include "common/vocab.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "flow/flow.h"




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
	char		rule[64];	/* policy rule or default that decided */
	char		exception[64];	/* exception id applied, "" if none */
	char		policy_version[17];
	uint8_t		matched_by;	/* enum matched_by */
	uint8_t		confidence;	/* 0-100 */
	uint8_t		verdict;	/* enum verdict */
	uint8_t		tenant_ambiguous;
	uint8_t		exception_expired;	/* an exception matched but expired */
	uint8_t		logged;		/* the ai event was emitted */
};

/* An alert: access to a service the policy forbids, a large upload, or a
 * content (DLP) finding.  Strings are borrowed for the call. */
struct alert_info {
	const char	*kind;		/* "access", "upload", "dlp" */
	const char	*severity;	/* "info", "low", "medium", "high", "critical" */
	const char	*rule;		/* policy rule / detector that raised it */
	const char	*signature;	/* one line for humans */
	/* kind "dlp" */
	const char	*dlp_class;	/* "bsn", "iban", ... */
	const char	*detector;
	const char	*evidence;	/* masked */
	const char	*fingerprint;	/* keyed hash, hex */
	int		 confidence;
	/* kind "upload" */
	uint64_t	 bytes;
	uint64_t	 threshold;
	/* kind "dlp" in a document (issue 14); "" when not in one */
	char		 doc_file[96];	/* file name, masked if it is a finding */
	char		 doc_type[8];	/* "docx", "pdf", "csv", ... */
	char		 doc_member[64];	/* "word/document.xml", "Info", ... */
};

/* Something the sensor cannot see into (ECH, DoH, DoT, ...). */
struct visibility_info {
	const char	*kind;		/* "ech", "doh", "dot", "doh_canary", "quic_no_sni",
					 * "tls_no_sni", "vpn", "ai_shared_host",
					 * "doc_uninspectable" */
	const char	*detail;
};

/* Rules (re)loads. */
struct policy_event {
	const char	*action;	/* "load", "reload", "reload_failed" */
	const char	*version;	/* hash of the loaded files */
	const char	*summary;	/* what changed, or the first error */
	int		 errors;
};

/* Counters of the engine's own parsers and pools. */
struct dpi_stats {
	uint64_t	ndpi_calls;	/* packets handed to nDPI */
	uint64_t	ndpi_flows;	/* flows that got an nDPI state */
	uint64_t	ndpi_pool_empty;/* flows denied nDPI state (pool empty) */
	uint64_t	scratch_empty;	/* parser scratch denied (pool empty) */
	uint64_t	tls_hellos;
	uint64_t	quic_hellos;
	uint64_t	dns_msgs;
	uint64_t	dns_bad;
	uint64_t	http_reqs;
	uint64_t	tcp_ooo;	/* out-of-order segments skipped by parsers */
};

struct inspect_stats;

struct output_stats {
	uint64_t	events[EV__COUNT];
	uint64_t	eve_lines;
	uint64_t	eve_errors;
	uint64_t	db_rows;
	uint64_t	db_commits;
	uint64_t	db_errors;
	uint64_t	db_skipped;	/* flows not stored by policy (store.flows) */
	/* faults: what each sink lost, counted once known */
	uint64_t	eve_lost;	/* lines not written (disk full, too long) */
	uint64_t	eve_failures;	/* episodes of failing EVE writes */
	uint64_t	eve_repaired;	/* torn last line terminated at start */
	uint64_t	db_rows_lost;	/* rows in batches that failed to commit */
	uint64_t	db_lost;	/* events not stored: database malformed */
	uint64_t	db_busy;	/* commits deferred: database locked */
	uint64_t	db_malformed;	/* alarm: 1 once the file is malformed */
};

struct capture_stats {
	uint64_t	received;	/* pcap_stats ps_recv (live) or packets read */
	uint64_t	dropped;	/* ps_drop: kernel buffer full */
	uint64_t	if_dropped;	/* ps_ifdrop */
	char		iface[64];	/* interface or file name */
};

struct analyzer_stats;

struct stats_snapshot {
	uint64_t		 uptime_us;
	struct capture_stats	 cap;
	const struct dec_stats	*dec;
	const struct defrag_stats *defrag;
	const struct flow_stats	*flows;
	const struct dpi_stats	*dpi;
	const struct output_stats *out;
	const struct inspect_stats *insp;	/* dlp/inspect.h; may be NULL */
	const struct analyzer_stats *an;	/* classify/analyzer.h; may be NULL */
};

struct event {
	enum ev_type		 type;
	uint64_t		 ts_us;
	const struct flow	*flow;		/* NULL for stats */
	int			 dir;		/* 0: packet was client->server */
	union {
		const struct dns_msg	*dns;	/* EV_DNS */
		const struct http_req	*http;	/* EV_HTTP */
		const struct stats_snapshot *stats;
		enum flow_end		 why;	/* EV_FLOW */
		const struct ai_info	*ai;	/* EV_AI */
		const struct alert_info	*alert;	/* EV_ALERT */
		const struct visibility_info *vis; /* EV_VISIBILITY */
		const struct policy_event *policy; /* EV_POLICY */
	} u;
};


#endif
