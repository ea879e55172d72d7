/*
 * event.h - the event contract between the engine and the outputs.  The
 * engine builds a struct event on its stack and hands it to output_emit();
 * sinks (EVE JSON, SQLite) format it.  Pointers inside are valid only for
 * the duration of the call.  docs/EVENTS.md describes the resulting records.
 */
#ifndef ST_EVENT_H
#define ST_EVENT_H

#include <stdint.h>

#include "decode/decode.h"
#include "decode/defrag.h"
#include "flow/flow.h"

enum ev_type {
	EV_FLOW = 0, EV_TLS, EV_QUIC, EV_DNS, EV_HTTP, EV_STATS, EV__COUNT
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

struct output_stats {
	uint64_t	events[EV__COUNT];
	uint64_t	eve_lines;
	uint64_t	eve_errors;
	uint64_t	db_rows;
	uint64_t	db_commits;
	uint64_t	db_errors;
	uint64_t	db_skipped;	/* flows not stored by policy (store.flows) */
};

struct capture_stats {
	uint64_t	received;	/* pcap_stats ps_recv (live) or packets read */
	uint64_t	dropped;	/* ps_drop: kernel buffer full */
	uint64_t	if_dropped;	/* ps_ifdrop */
	char		iface[64];	/* interface or file name */
};

struct stats_snapshot {
	uint64_t		 uptime_us;
	struct capture_stats	 cap;
	const struct dec_stats	*dec;
	const struct defrag_stats *defrag;
	const struct flow_stats	*flows;
	const struct dpi_stats	*dpi;
	const struct output_stats *out;
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
	} u;
};

const char *ev_type_name(enum ev_type t);

#endif
