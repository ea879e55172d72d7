/*
 * stream.c - one-direction TCP reassembly with a pooled out-of-order
 * window (ring indexed by sequence number, bitmap of present bytes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow/stream.h"

struct stream_pool {
	uint8_t			 *mem;		/* nblocks x (win + win / 8) */
	uint8_t			**free;		/* stack of free blocks */
	uint32_t		  nfree;
	uint32_t		  nblocks;
	uint32_t		  win;
	struct stream_stats	  st;
};

int
stream_pool_new(struct stream_pool **pp, uint32_t nblocks, uint32_t win)
{
	struct stream_pool *sp;
	size_t bsz;
	uint32_t k;

	if (win < 1024 || win > (16u << 20) || (win & (win - 1)) != 0 ||
	    nblocks == 0 || nblocks > 65536)
		return -EINVAL;
	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		goto err0;
	bsz = (size_t)win + win / 8;
	if ((sp->mem = calloc(nblocks, bsz)) == NULL)
		goto err1;
	if ((sp->free = calloc(nblocks, sizeof(*sp->free))) == NULL)
		goto err2;
	for (k = 0; k < nblocks; k++)
		sp->free[k] = sp->mem + (size_t)k * bsz;
	sp->nfree = sp->nblocks = nblocks;
	sp->win = win;
	*pp = sp;
	return 0;
err2:
	free(sp->mem);
err1:
	free(sp);
err0:
	return -ENOMEM;
}

void
stream_pool_free(struct stream_pool *sp)
{
	if (sp == NULL)
		return;
	free(sp->free);
	free(sp->mem);
	free(sp);
}

const struct stream_stats *
stream_pool_stats(const struct stream_pool *sp)
{
	return &sp->st;
}

uint32_t
stream_pool_window(const struct stream_pool *sp)
{
	return sp->win;
}

void
stream_init(struct tcp_stream *s)
{
	memset(s, 0, sizeof(*s));
}

void
stream_start(struct tcp_stream *s, uint32_t seq)
{
	s->next = seq;
	s->started = 1;
}

static int
bit_get(const uint8_t *map, uint32_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static void
put_block(struct stream_pool *sp, struct tcp_stream *s)
{
	if (s->win == NULL)
		return;
	/* A block goes back clean: the bitmap must be all zero. */
	memset(s->win + sp->win, 0, sp->win / 8);
	sp->free[sp->nfree++] = s->win;
	s->win = NULL;
	s->buffered = 0;
}

void
stream_release(struct stream_pool *sp, struct tcp_stream *s)
{
	put_block(sp, s);
}

/* Deliver the contiguous bytes at s->next from the window. */
static void
drain(struct stream_pool *sp, struct tcp_stream *s, const struct stream_cb *cb)
{
	uint32_t mask = sp->win - 1;
	uint8_t *map;

	if (s->win == NULL)
		return;
	map = s->win + sp->win;
	while (s->buffered > 0) {
		uint32_t pos = s->next & mask, run = 0, k;

		while (pos + run < sp->win && bit_get(map, pos + run))
			run++;
		if (run == 0)
			break;
		for (k = pos; k < pos + run; k++)
			map[k >> 3] &= (uint8_t)~(1u << (k & 7));
		cb->on_data(cb->arg, s->win + pos, run);
		s->next += run;
		s->delivered += run;
		s->buffered -= run;
	}
	if (s->buffered == 0)
		put_block(sp, s);
}

/* Give up the hole at s->next: jump to the first buffered byte. */
static void
skip_hole(struct stream_pool *sp, struct tcp_stream *s,
    const struct stream_cb *cb)
{
	uint32_t mask = sp->win - 1, d;
	const uint8_t *map = s->win + sp->win;

	for (d = 0; d < sp->win; d++)
		if (bit_get(map, (s->next + d) & mask))
			break;
	if (d == 0 || d == sp->win)
		return;
	sp->st.gaps++;
	sp->st.gap_bytes += d;
	if (cb->on_gap != NULL)
		cb->on_gap(cb->arg, d);
	s->next += d;
	s->delivered += d;
	drain(sp, s, cb);
}

/* Copy the bytes of a segment that are not present yet into the window. */
static void
store(struct stream_pool *sp, struct tcp_stream *s, uint32_t seq,
    const uint8_t *p, uint32_t n)
{
	uint32_t mask = sp->win - 1, i;
	uint8_t *map = s->win + sp->win;

	for (i = 0; i < n; i++) {
		uint32_t pos = (seq + i) & mask;
		uint8_t bit = (uint8_t)(1u << (pos & 7));

		if (map[pos >> 3] & bit) {
			sp->st.overlap_bytes++;
			continue;
		}
		map[pos >> 3] |= bit;
		s->win[pos] = p[i];
		s->buffered++;
	}
}

int
stream_segment(struct stream_pool *sp, struct tcp_stream *s, uint32_t seq,
    const uint8_t *p, size_t n, const struct stream_cb *cb)
{
	int32_t rel;
	uint32_t len;

	if (n == 0)
		return 0;
	if (n > 0x7fffffff)
		n = 0x7fffffff;
	sp->st.segments++;
	if (!s->started)
		stream_start(s, seq);
	rel = (int32_t)(seq - s->next);
	if (rel < 0) {
		uint32_t back = (uint32_t)-(int64_t)rel;

		if (back >= n) {
			sp->st.retrans++;
			return 0;
		}
		/* The start was delivered already: the first copy won. */
		sp->st.overlap_bytes += back;
		p += back;
		n -= back;
		seq = s->next;
		rel = 0;
	}
	if (rel == 0 && s->buffered == 0) {
		cb->on_data(cb->arg, p, n);
		s->next += (uint32_t)n;
		s->delivered += n;
		return 0;
	}
	if (rel > 0)
		sp->st.ooo++;
	if ((uint32_t)rel + n > sp->win && s->win != NULL) {
		/* Window full: the holes will not be filled in time.  Give
		 * them all up (O(window)), then place the segment afresh. */
		stream_flush(sp, s, cb);
		sp->st.segments--;
		return stream_segment(sp, s, seq, p, n, cb);
	}
	if ((uint32_t)rel >= sp->win) {
		sp->st.drop_bytes += n;
		return 0;
	}
	len = (uint32_t)n;
	if ((uint32_t)rel + len > sp->win) {
		sp->st.drop_bytes += (uint32_t)rel + len - sp->win;
		len = sp->win - (uint32_t)rel;
	}
	if (s->win == NULL) {
		if (sp->nfree == 0) {
			sp->st.pool_empty++;
			sp->st.drop_bytes += len;
			return 0;
		}
		s->win = sp->free[--sp->nfree];
	}
	store(sp, s, seq, p, len);
	if (rel == 0)
		drain(sp, s, cb);
	else if (s->buffered == 0)
		put_block(sp, s);
	return 0;
}

void
stream_flush(struct stream_pool *sp, struct tcp_stream *s,
    const struct stream_cb *cb)
{
	uint32_t guard = 0;

	while (s->win != NULL && s->buffered > 0 && guard++ < sp->win) {
		uint32_t before = s->buffered;

		drain(sp, s, cb);
		if (s->win == NULL || s->buffered == 0)
			break;
		skip_hole(sp, s, cb);
		if (s->win != NULL && s->buffered == before)
			break;
	}
	put_block(sp, s);
}
