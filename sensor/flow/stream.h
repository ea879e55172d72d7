/*
 * stream.h - TCP reassembly for one direction of a flow: in-order bytes
 * are handed on without a copy; out-of-order segments wait in a window
 * (a block from a pool preallocated at start-up); retransmissions and
 * overlaps are resolved first-copy-wins.  Holes that never fill are
 * skipped when the window overflows or the stream is flushed.
 */
#ifndef ST_STREAM_H
#define ST_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define STREAM_WIN_DEFAULT	(64u * 1024u)	/* per-flow out-of-order cap */
#define STREAM_BLOCKS_DEFAULT	256u		/* windows in the global pool */

struct stream_stats {
	uint64_t	segments;	/* segments with payload */
	uint64_t	ooo;		/* segments that arrived ahead of a hole */
	uint64_t	retrans;	/* segments entirely already seen */
	uint64_t	overlap_bytes;	/* bytes already present (first copy kept) */
	uint64_t	drop_bytes;	/* bytes beyond the per-flow cap */
	uint64_t	pool_empty;	/* out-of-order segments dropped: no window */
	uint64_t	gaps;		/* holes skipped */
	uint64_t	gap_bytes;
};

struct stream_pool;

/*
 * Per-direction state; caller-owned, zero-initialise (stream_init).  The
 * window block is borrowed from the pool only while out-of-order bytes
 * are buffered and goes back as soon as the hole fills.
 */
struct tcp_stream {
	uint32_t	 next;		/* next expected sequence number */
	uint32_t	 buffered;	/* bytes held in the window */
	uint64_t	 delivered;	/* bytes handed on (stream offset) */
	uint8_t		*win;		/* pool block: data, then bitmap */
	uint8_t		 started;
};

/* Consumer callbacks: data in stream order; a hole of ${n} bytes skipped. */
struct stream_cb {
	void	(*on_data)(void *arg, const uint8_t *p, size_t n);
	void	(*on_gap)(void *arg, uint32_t n);
	void	*arg;
};

/*
 * stream_pool_new(pp, nblocks, win):
 * Allocate ${nblocks} windows of ${win} bytes (a power of two, 1 KiB ..
 * 16 MiB).  Returns 0, -EINVAL or -ENOMEM.
 */
int	stream_pool_new(struct stream_pool **pp, uint32_t nblocks, uint32_t win);
/* stream_pool_free(sp): release; NULL is a no-op. */
void	stream_pool_free(struct stream_pool *sp);
const struct stream_stats *stream_pool_stats(const struct stream_pool *sp);
/* stream_pool_window(sp): the per-flow cap in bytes. */
uint32_t stream_pool_window(const struct stream_pool *sp);

/* stream_init(s): reset ${s}; it starts at the first stream_start/segment. */
void	stream_init(struct tcp_stream *s);
/* stream_start(s, seq): the next byte expected is ${seq} (ISN + 1). */
void	stream_start(struct tcp_stream *s, uint32_t seq);

/*
 * stream_segment(sp, s, seq, p, n, cb):
 * Add a segment of ${n} bytes at ${seq}.  Calls cb->on_data for every
 * byte range that becomes contiguous (pointers valid during the call) and
 * cb->on_gap when a hole is given up.  The callbacks must not call back
 * into ${s}.  Never allocates.  Returns 0.
 */
int	stream_segment(struct stream_pool *sp, struct tcp_stream *s,
	    uint32_t seq, const uint8_t *p, size_t n, const struct stream_cb *cb);

/* stream_flush(sp, s, cb): end of flow: skip holes, deliver what waits. */
void	stream_flush(struct stream_pool *sp, struct tcp_stream *s,
	    const struct stream_cb *cb);
/* stream_release(sp, s): give the window back without delivering. */
void	stream_release(struct stream_pool *sp, struct tcp_stream *s);

#endif
