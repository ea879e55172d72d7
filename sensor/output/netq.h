/*
 * netq.h - the network sinks' transport (netq.c) and the two sinks over it
 * (sink_syslog.c: RFC 5424 over TCP with RFC 6587 octet counting;
 * sink_redis.c: RESP LPUSH/RPUSH/PUBLISH/XADD).  Owns: one non-blocking TCP
 * connection per sink, its bounded queue of whole records, reconnection
 * with backoff and the counters (sent, dropped, reconnects, buffered).
 *
 * Never blocks capture: the socket is O_NONBLOCK, every send is
 * MSG_DONTWAIT, connect is asynchronous; a record that does not fit the
 * queue is dropped (the newest: the queue keeps the oldest, so a collector
 * that comes back receives the start of the outage) and counted.  Only
 * netq_close() waits, bounded, for the queue to drain at exit.
 */
#ifndef ST_NETQ_H
#define ST_NETQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "output/output.h"

struct netq_stats {
	uint64_t	sent;		/* records handed whole to the kernel */
	uint64_t	dropped;	/* records refused (queue full) or left at exit */
	uint64_t	reconnects;	/* connections made after the first */
	uint64_t	buffered;	/* gauge: bytes queued, not yet sent */
	uint64_t	connected;	/* bool: the connection is up */
	uint64_t	errors;		/* collector error replies (redis) */
};

struct netq;
/* A sink's reply reader: bytes the collector sent back. */
typedef void	(*netq_reader)(void *arg, const char *p, size_t n);

/* netq_open(q, what, server, port, bufsize): resolve ${server} (name or
 * address, now: later reconnects reuse the address) and allocate the
 * queue; the first connection is attempted at once (a refusal is a
 * warning, not an error).  0 or -errno. */
int	netq_open(struct netq **q, const char *what, const char *server,
	    uint16_t port, size_t bufsize, uint64_t now_us);
void	netq_set_reader(struct netq *q, netq_reader fn, void *arg);
/* netq_pushv(q, iov, n): queue one record made of ${n} pieces; 0, or
 * -ENOBUFS when it was dropped (counted). */
int	netq_pushv(struct netq *q, const struct iovec *iov, int n);
/* netq_service(q, now_us): connect when due, send what the socket takes,
 * read replies, notice a collector that went away.  Never waits. */
void	netq_service(struct netq *q, uint64_t now_us);
/* netq_drain(q, ms): at the end: wait up to ${ms} for the queue to empty. */
void	netq_drain(struct netq *q, int ms);
const struct netq_stats *netq_stats(const struct netq *q);
/* netq_count_error(q): the sink's reader saw an error reply. */
void	netq_count_error(struct netq *q);
/* netq_counters(q, prefix): register "<prefix>_sent" ... in the registry
 * (EVE stats.shadowtap.output, stats table output.<prefix>_...). */
void	netq_counters(struct netq *q, const char *prefix);
/* netq_forget(q): in the engine once the writer owns the sinks: close the
 * socket (the writer's copy stays), free the queue; counters stay valid. */
void	netq_forget(struct netq *q);
/* netq_close(q): drain (bounded), count what is left as dropped, log a
 * summary, free.  NULL-safe. */
void	netq_close(struct netq *q);

/* syslog sink (sink_syslog.c) */
struct syslog_sink;
int	syslog_sink_open(struct syslog_sink **s, const struct output_conf *c,
	    const char *host, uint64_t now_us);
/* syslog_sink_put(s, ev, cm, line, n): one EVE line as one frame. */
void	syslog_sink_put(struct syslog_sink *s, const struct event *ev,
	    const struct ev_common *cm, const char *line, size_t n);
struct netq *syslog_sink_q(struct syslog_sink *s);
void	syslog_sink_close(struct syslog_sink *s);
/* syslog_facility(name): "local5", "user", ... or "0".."23" -> code, -1. */
int	syslog_facility(const char *name);

/* redis sink (sink_redis.c) */
enum redis_mode { RM_RPUSH = 0, RM_LPUSH, RM_PUBLISH, RM_XADD };
struct redis_sink;
int	redis_sink_open(struct redis_sink **s, const struct output_conf *c,
	    uint64_t now_us);
void	redis_sink_put(struct redis_sink *s, const char *line, size_t n);
struct netq *redis_sink_q(struct redis_sink *s);
void	redis_sink_close(struct redis_sink *s);
/* redis_mode(name): list|rpush, lpush, channel|publish, xadd|stream; -1. */
int	redis_mode(const char *name);

#endif
