/*
 * defrag.h - IPv4 and IPv6 fragment reassembly over a fixed set of slots
 * allocated at start-up: overlapping data keeps the first copy, incomplete
 * datagrams expire, and every refusal is counted.
 */
#ifndef ST_DEFRAG_H
#define ST_DEFRAG_H

#include <stdint.h>

#include "decode/decode.h"

struct defrag_stats {
	uint64_t	fragments;	/* fragments offered */
	uint64_t	reassembled;	/* datagrams completed */
	uint64_t	timeouts;	/* incomplete datagrams dropped */
	uint64_t	no_slot;	/* all slots busy: fragment dropped */
	uint64_t	too_big;	/* beyond 65535 bytes */
};

struct defrag;

/* defrag_new(slots, timeout_s): NULL on ENOMEM. */
struct defrag *defrag_new(uint32_t slots, uint32_t timeout_s);
void	defrag_free(struct defrag *d);

/*
 * defrag_add(d, p, l3, len):
 * Add fragment ${p} (decoded with p->frag set).  When this completes its
 * datagram, returns 1 and points ${l3}/${len} at a rebuilt IP packet
 * without fragmentation, valid until the next call; otherwise returns 0.
 */
int	defrag_add(struct defrag *d, const struct pkt *p, const uint8_t **l3,
	    uint32_t *len);
const struct defrag_stats *defrag_stats(const struct defrag *d);
/* defrag_counters(d): register stats.shadowtap.defrag. */
void	defrag_counters(const struct defrag *d);

#endif
