/*
 * workers.h - several packet paths on several cores (owns: the worker
 * threads, the file dispatcher and its per-worker rings, the fanout group
 * of a live capture, the sum of the workers' counters).
 *
 * Each worker is an engine of its own (engine_worker_open: flow table, dpi
 * and nDPI, inspector, defrag, analyzer; pools total/N).  Flows are hashed
 * symmetrically to workers: live, by the kernel (PACKET_FANOUT, FANOUT_HASH
 * with defragmentation, one pcap handle per worker); from a file, by the
 * dispatcher (the main thread: decode, hash of the client address, a copy
 * into the worker's single-producer single-consumer ring, published per
 * dispatch with a clock tick).  Events go to the one writer process
 * (privsep.h): each worker batches on its own and sends whole batches on
 * the shared SOCK_SEQPACKET socket (one message is atomic).  Nothing is
 * locked per packet; the DNS answer cache, shared, takes a mutex per DNS
 * answer and per unnamed hello.  docs/ARCHITECTURE.md, "Workers".
 */
#ifndef ST_WORKERS_H
#define ST_WORKERS_H

#include <signal.h>

struct engine;
struct workers;

/*
 * workers_open(wp, m, n): build ${n} workers from the opened engine ${m}
 * (writer started, privileges not yet dropped: a live capture opens a
 * handle per worker here and joins them to one fanout group).  Their
 * counters are registered, the registry is left as ${m}'s, and ${m}'s
 * snapshots become the workers' sum.  0 or -errno.
 */
int	workers_open(struct workers **wp, struct engine *m, unsigned n);
/*
 * workers_run(ws, stop, control): start the threads and run until the
 * end of the file or *stop; between dispatches call control(m), which
 * does a pending reload (outputs, configuration, ${m}'s rules) and returns
 * 1 after one: then every worker reloads its rules between two batches.  Returns when every worker has ended its flows and sent its
 * last batch: 0, or 1 after a capture error.
 */
int	workers_run(struct workers *ws, volatile sig_atomic_t *stop,
	    int (*control)(struct engine *));
/* workers_close(ws): free the workers; NULL-safe. */
void	workers_close(struct workers *ws);

#endif
