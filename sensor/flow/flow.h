/*
 * flow.h - bidirectional flow records and the flow table: 5-tuple + VLAN
 * key, client/server orientation, per-class idle timeouts, a hard cap with
 * eviction.  All records come from a pool allocated at start-up; the packet
 * path never calls malloc.  Also holds the per-flow protocol metadata that
 * dpi/ fills and the engine copies into events.  Parser state is not here:
 * dpi keeps it in a side table indexed by the record's slot (dpi/dpi.h).
 */
#ifndef ST_FLOW_H
#define ST_FLOW_H

#include <stdint.h>
#include <string.h>

#include "common/vocab.h"
#include "decode/decode.h"

/* Application protocols we parse ourselves; anything else is named by nDPI. */
enum app_proto {
	APP_UNKNOWN = 0, APP_TLS, APP_QUIC, APP_DNS, APP_HTTP, APP_OTHER
};


#define FLOW_HOST_MAX	255
#define FLOW_PROTO_NAME	24

struct flow_meta {
	char		host[FLOW_HOST_MAX + 1];	/* lower-cased server name */
	uint16_t	host_len;	/* bytes in host: it may hold a NUL */
	char		alpn[64];
	char		ja3[33];
	char		ja4[40];
	char		proto_name[FLOW_PROTO_NAME];	/* "tls", "ssh", ... */
	char		http_method[16];
	uint32_t	quic_version;
	uint16_t	tls_version;
	uint16_t	dns_qtype;	/* pending DNS query */
	uint16_t	dns_id;
	uint8_t		app;		/* enum app_proto */
	uint8_t		host_src;	/* enum host_src */
	uint8_t		ech;
	uint8_t		tls_hello;	/* ClientHello parsed */
	uint8_t		tls_server;	/* ServerHello parsed */
	uint8_t		dns_pending;	/* a query waits for its answer */
	uint8_t		dns_events;	/* DNS messages seen (queries+answers) */
	uint8_t		http_reqs;	/* requests logged (capped) */
	uint8_t		tls_logged;	/* tls/quic event emitted */
	uint8_t		recognised;	/* first payload looked at */
	uint8_t		app_gave_up;	/* our parser stopped (gap, bad bytes) */
	uint8_t		tls_up_state;	/* client TLS record walker's state (0: none) */
	uint8_t		snap_cut;	/* a segment was cut by the snap length */
	uint16_t	body_peek;	/* request body bytes shown to analyze_body */
	uint64_t	tls_up_bytes;	/* client TLS application-data bytes */
	uint64_t	dns_query_ts;
};

/* flow_host_len(f): bytes in f->meta.host.  host_len 0 with a non-empty
 * host means code that wrote host as a C string (tests, nDPI). */
static inline size_t
flow_host_len(const struct flow_meta *m)
{
	return m->host_len != 0 ? m->host_len : strnlen(m->host, sizeof(m->host));
}

enum flow_state { FS_NEW = 0, FS_ESTABLISHED, FS_CLOSED };

/* Key normalised so both directions hash alike: a < b. */
struct flow_key {
	struct ip_addr	a, b;
	uint16_t	pa, pb;
	uint16_t	vlan[2];
	uint8_t		proto;
	uint8_t		pad[3];
};

struct ai_info;		/* classify/: pooled, only for flows that hit the catalog */
struct flow_inspect;	/* dlp/inspect: pooled, only for inspected flows */

/*
 * One record per flow.  Hot fields first: the lookup reads key, hash and
 * hnext (56 contiguous bytes), then the per-packet accounting right after;
 * parser state and metadata follow.
 */
struct flow {
	struct flow_key	 key;
	uint32_t	 hash;		/* key_hash(key), checked before the key */
	struct flow	*hnext;		/* hash chain */
	struct flow	*prev, *next;	/* LRU list of its timeout class */
	uint64_t	 id;		/* flow_id in EVE */
	uint64_t	 ts_first, ts_last;	/* µs */
	uint64_t	 queued_at;	/* ts_last when put at its list's head */
	uint64_t	 pkts[2];	/* [0] to server, [1] to client */
	uint64_t	 bytes[2];
	uint8_t		 cli_is_a;	/* client is key.a */
	uint8_t		 state;		/* enum flow_state */
	uint8_t		 tclass;	/* timeout class / LRU list index */
	uint8_t		 tcp_flags[2];	/* flags seen per direction */
	uint8_t		 in_use;
	uint8_t		 pickup;	/* picked up mid-stream */
	uint32_t	 slot;		/* index in the pool: parser side tables */
	struct flow_meta meta;
	struct ai_info	*ai;		/* set by the analyzer; owned by its pool */
	struct flow_inspect *inspect;	/* set by the inspector; owned by its pool */
	uint64_t	 payload[2];	/* L4 payload bytes per direction */
	uint16_t	 vis_flags;	/* visibility kinds already reported */
	uint8_t		 alerted;	/* alert kinds already raised (bitmask) */
};

/* Accessors for the oriented view. */
static inline const struct ip_addr *
flow_cli_ip(const struct flow *f) { return f->cli_is_a ? &f->key.a : &f->key.b; }
static inline const struct ip_addr *
flow_srv_ip(const struct flow *f) { return f->cli_is_a ? &f->key.b : &f->key.a; }
static inline uint16_t
flow_cli_port(const struct flow *f) { return f->cli_is_a ? f->key.pa : f->key.pb; }
static inline uint16_t
flow_srv_port(const struct flow *f) { return f->cli_is_a ? f->key.pb : f->key.pa; }

/* Bytes the client sent as content: TLS application-data record bytes on
 * TLS flows (the handshake does not count), L4 payload otherwise.  The
 * measure the upload alert uses. */
static inline uint64_t
flow_upload_bytes(const struct flow *f)
{
	return f->meta.app == APP_TLS ? f->meta.tls_up_bytes : f->payload[0];
}

/* Timeout classes, each with its own LRU list. */
enum { TC_TCP_NEW = 0, TC_TCP_EST, TC_TCP_CLOSED, TC_UDP, TC_OTHER, TC__COUNT };

struct flow_conf {
	uint32_t	max_flows;		/* hard cap */
	int		prefault;		/* touch every record at start-up */
	uint32_t	timeout_s[TC__COUNT];	/* idle timeouts, seconds */
};

struct flow_stats {
	uint64_t	created;
	uint64_t	ended;		/* timed out or evicted or flushed */
	uint64_t	timed_out;
	uint64_t	evicted;	/* removed early because the table was full */
	uint64_t	active;
	uint64_t	active_max;
	uint64_t	pickups;	/* TCP flows first seen mid-stream */
	uint64_t	no_ports;	/* packets without a usable 5-tuple */
};

struct flow_table;

/* flow_end_cb: called exactly once for every flow that leaves the table,
 * before its record is reused. */
typedef void flow_end_cb(void *arg, struct flow *f, enum flow_end why);

void	flow_conf_defaults(struct flow_conf *c);

/*
 * flow_table_new(conf, cb, arg):
 * Allocate the table, its buckets and all ${conf}->max_flows records.
 * ${cb} is called for each flow that ends.  Returns NULL on ENOMEM.
 */
struct flow_table *flow_table_new(const struct flow_conf *conf,
	    flow_end_cb *cb, void *arg);
/* flow_table_free(t): end every flow (FE_SHUTDOWN) and free; NULL-safe. */
void	flow_table_free(struct flow_table *t);

/*
 * flow_table_lookup(t, p, dir):
 * Find or create the flow of packet ${p} and account the packet; sets
 * ${dir} to 0 (client to server) or 1.  Returns NULL for packets with no
 * 5-tuple (fragments, non TCP/UDP/ICMP).  When the table is full, the
 * least recently used flow is evicted (callback FE_EVICTED) first.
 */
struct flow *flow_table_lookup(struct flow_table *t, const struct pkt *p,
	    int *dir);

/* flow_table_id_prefix(t, w): flow ids carry ${w} (0..31) in bits 48-52,
 * so the tables of several workers never hand out the same id. */
void	flow_table_id_prefix(struct flow_table *t, uint32_t w);
/* flow_table_expire(t, now_us): end flows idle past their timeout. */
void	flow_table_expire(struct flow_table *t, uint64_t now_us);
/* flow_table_flush(t): end every flow (FE_SHUTDOWN). */
void	flow_table_flush(struct flow_table *t);
const struct flow_stats *flow_table_stats(const struct flow_table *t);
/* flow_counters(t, suricata): register stats.flow (${suricata}) or
 * stats.shadowtap.flows in the counter registry. */
void	flow_counters(const struct flow_table *t, int suricata);

const char *flow_state_str(const struct flow *f);

#endif
