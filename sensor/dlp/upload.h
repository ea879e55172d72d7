/*
 * upload.h - upload accounting for the inspector: client->server bytes per
 * flow split into bursts (one prompt or file each, also inside long-lived
 * HTTP/2 and QUIC connections), and a per-client daily baseline kept in a
 * bounded in-memory table keyed by a pseudonym of the client address.
 */
#ifndef ST_UPLOAD_H
#define ST_UPLOAD_H

#include <stdint.h>

/* A burst ends when the server has answered (>= UPLOAD_TURN_BYTES since
 * the client's last bytes) or the client paused >= UPLOAD_PAUSE_US. */
#define UPLOAD_TURN_BYTES	1024u
#define UPLOAD_PAUSE_US		2000000u

struct upload_flow {
	uint64_t	total;		/* client bytes counted */
	uint64_t	burst;		/* bytes of the current burst */
	uint64_t	burst_max;	/* largest burst so far */
	uint64_t	last_cli_us;	/* time of the client's last bytes */
	uint64_t	srv_since;	/* server bytes since then */
	uint64_t	tls_seen;	/* TLS application-data bytes counted */
	uint32_t	bursts;
};

/* upload_client(u, n, ts_us): ${n} client bytes at ${ts_us}. */
void	upload_client(struct upload_flow *u, uint64_t n, uint64_t ts_us);
/* upload_server(u, n): ${n} server payload bytes (a response turn). */
void	upload_server(struct upload_flow *u, uint64_t n);

#define BASELINE_DAYS		7	/* history kept per client */
#define BASELINE_MIN_DAYS	3	/* active days needed to judge */

struct baseline;

/* baseline_new(bp, nclients): table for ${nclients} clients (bounded; the
 * stalest client is replaced when full).  Returns 0, -EINVAL or -ENOMEM. */
int	baseline_new(struct baseline **bp, uint32_t nclients);
/* baseline_free(b): NULL is a no-op. */
void	baseline_free(struct baseline *b);
/* baseline_key(b, addr16): keyed pseudonym of a client address (random
 * key per process, never written anywhere). */
uint64_t baseline_key(const struct baseline *b, const uint8_t addr[16]);

/*
 * baseline_add(b, key, n, ts_us, factor, min_bytes, today, base):
 * Add ${n} upload bytes to client ${key}'s day (UTC day of ${ts_us}).
 * Returns 1 the first time that day the total exceeds ${factor} times the
 * mean of the client's active days among the previous BASELINE_DAYS (at
 * least BASELINE_MIN_DAYS of them) and is at least ${min_bytes}; sets
 * ${today} and ${base}.  Returns 0 otherwise.
 */
int	baseline_add(struct baseline *b, uint64_t key, uint64_t n,
	    uint64_t ts_us, uint32_t factor, uint64_t min_bytes,
	    uint64_t *today, uint64_t *base);

#endif
