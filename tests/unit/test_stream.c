/*
 * test_stream.c - TCP reassembly: in order, out of order, retransmission,
 * overlap (first copy wins), per-flow cap, holes skipped, pool exhaustion.
 */
#include <stdlib.h>
#include <string.h>

#include "flow/stream.h"
#include "test.h"

struct sink {
	uint8_t		buf[1 << 18];
	size_t		n;
	uint32_t	gaps;
	uint32_t	gap_bytes;
};

static void
on_data(void *arg, const uint8_t *p, size_t n)
{
	struct sink *s = arg;

	if (s->n + n <= sizeof(s->buf)) {
		memcpy(s->buf + s->n, p, n);
		s->n += n;
	}
}

static void
on_gap(void *arg, uint32_t n)
{
	struct sink *s = arg;

	s->gaps++;
	s->gap_bytes += n;
}

static struct sink S;
static const struct stream_cb CB = { on_data, on_gap, &S };

static void
seg(struct stream_pool *sp, struct tcp_stream *t, uint32_t seq, const char *p)
{
	stream_segment(sp, t, seq, (const uint8_t *)p, strlen(p), &CB);
}

TEST(in_order)
{
	struct stream_pool *sp;
	struct tcp_stream t;

	ASSERT_EQ(stream_pool_new(&sp, 4, 4096), 0);
	memset(&S, 0, sizeof(S));
	stream_init(&t);
	stream_start(&t, 1000);
	seg(sp, &t, 1000, "hello ");
	seg(sp, &t, 1006, "world");
	ASSERT_EQ(S.n, 11);
	ASSERT(memcmp(S.buf, "hello world", 11) == 0);
	ASSERT(t.win == NULL);
	stream_pool_free(sp);
}

TEST(out_of_order_and_wrap)
{
	struct stream_pool *sp;
	struct tcp_stream t;
	uint32_t base = 0xfffffff0u;	/* sequence numbers wrap */

	ASSERT_EQ(stream_pool_new(&sp, 4, 4096), 0);
	memset(&S, 0, sizeof(S));
	stream_init(&t);
	stream_start(&t, base);
	seg(sp, &t, base + 20, "CCCCCCCCCC");
	seg(sp, &t, base + 10, "BBBBBBBBBB");
	ASSERT_EQ(S.n, 0);
	ASSERT(t.win != NULL);
	seg(sp, &t, base, "AAAAAAAAAA");
	ASSERT_EQ(S.n, 30);
	ASSERT(memcmp(S.buf, "AAAAAAAAAABBBBBBBBBBCCCCCCCCCC", 30) == 0);
	ASSERT(t.win == NULL);		/* block back in the pool */
	ASSERT_EQ(stream_pool_stats(sp)->ooo, 2);
	stream_pool_free(sp);
}

TEST(retransmission_ignored)
{
	struct stream_pool *sp;
	struct tcp_stream t;

	ASSERT_EQ(stream_pool_new(&sp, 4, 4096), 0);
	memset(&S, 0, sizeof(S));
	stream_init(&t);
	stream_start(&t, 1);
	seg(sp, &t, 1, "abcdef");
	seg(sp, &t, 1, "abcdef");
	seg(sp, &t, 4, "defghi");	/* partial: only "ghi" is new */
	ASSERT_EQ(S.n, 9);
	ASSERT(memcmp(S.buf, "abcdefghi", 9) == 0);
	ASSERT_EQ(stream_pool_stats(sp)->retrans, 1);
	stream_pool_free(sp);
}

TEST(overlap_first_copy_wins)
{
	struct stream_pool *sp;
	struct tcp_stream t;

	ASSERT_EQ(stream_pool_new(&sp, 4, 4096), 0);
	memset(&S, 0, sizeof(S));
	stream_init(&t);
	stream_start(&t, 100);
	seg(sp, &t, 105, "XXXXX");	/* first copy of 105..109 */
	seg(sp, &t, 103, "yyyyyyyyyy");	/* overlaps it, different bytes */
	seg(sp, &t, 100, "zzz");
	ASSERT_EQ(S.n, 13);
	ASSERT(memcmp(S.buf, "zzzyyXXXXXyyy", 13) == 0);
	ASSERT_EQ(stream_pool_stats(sp)->overlap_bytes, 5);
	stream_pool_free(sp);
}

TEST(cap_and_hole_skipped)
{
	struct stream_pool *sp;
	struct tcp_stream t;
	char big[1500];

	ASSERT_EQ(stream_pool_new(&sp, 4, 1024), 0);
	memset(&S, 0, sizeof(S));
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	stream_init(&t);
	stream_start(&t, 0);
	seg(sp, &t, 5000, "far");	/* beyond the window: dropped */
	ASSERT_EQ(stream_pool_stats(sp)->drop_bytes, 3);
	seg(sp, &t, 10, "0123456789");	/* hole 0..9 */
	ASSERT_EQ(S.n, 0);
	/* Does not fit behind the hole: the hole is given up. */
	stream_segment(sp, &t, 20, (const uint8_t *)big, 1200, &CB);
	ASSERT_EQ(S.gaps, 1);
	ASSERT_EQ(S.gap_bytes, 10);
	ASSERT(S.n >= 10 + 1024 - 10);
	ASSERT(memcmp(S.buf, "0123456789qqq", 13) == 0);
	stream_pool_free(sp);
}

TEST(flush_skips_holes)
{
	struct stream_pool *sp;
	struct tcp_stream t;

	ASSERT_EQ(stream_pool_new(&sp, 4, 4096), 0);
	memset(&S, 0, sizeof(S));
	stream_init(&t);
	stream_start(&t, 0);
	seg(sp, &t, 0, "ab");
	seg(sp, &t, 4, "ef");
	seg(sp, &t, 10, "kl");
	stream_flush(sp, &t, &CB);
	ASSERT_EQ(S.n, 6);
	ASSERT(memcmp(S.buf, "abefkl", 6) == 0);
	ASSERT_EQ(S.gaps, 2);
	ASSERT(t.win == NULL);
	stream_pool_free(sp);
}

TEST(pool_empty_counted)
{
	struct stream_pool *sp;
	struct tcp_stream a, b;

	ASSERT_EQ(stream_pool_new(&sp, 1, 4096), 0);
	memset(&S, 0, sizeof(S));
	stream_init(&a);
	stream_init(&b);
	stream_start(&a, 0);
	stream_start(&b, 0);
	seg(sp, &a, 5, "x");
	seg(sp, &b, 5, "y");		/* no window left */
	ASSERT_EQ(stream_pool_stats(sp)->pool_empty, 1);
	stream_release(sp, &a);
	seg(sp, &b, 5, "y");
	ASSERT(b.win != NULL);
	stream_release(sp, &b);
	stream_pool_free(sp);
	ASSERT_EQ(stream_pool_new(&sp, 1, 1000), -22);	/* not a power of 2 */
	stream_pool_free(NULL);
}

TEST(seven_byte_segments_shuffled)
{
	struct stream_pool *sp;
	struct tcp_stream t;
	char msg[700];
	size_t i, k, n;

	ASSERT_EQ(stream_pool_new(&sp, 4, 4096), 0);
	memset(&S, 0, sizeof(S));
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	stream_init(&t);
	stream_start(&t, 77);
	n = sizeof(msg) / 7;
	/* Odd pieces first, then even ones, each twice. */
	for (k = 0; k < 2; k++)
		for (i = 1 - k; i < n; i += 2) {
			stream_segment(sp, &t, 77 + (uint32_t)(i * 7),
			    (const uint8_t *)msg + i * 7, 7, &CB);
			stream_segment(sp, &t, 77 + (uint32_t)(i * 7),
			    (const uint8_t *)msg + i * 7, 7, &CB);
		}
	ASSERT_EQ(S.n, sizeof(msg));
	ASSERT(memcmp(S.buf, msg, sizeof(msg)) == 0);
	stream_pool_free(sp);
}

int
main(void)
{
	RUN(in_order);
	RUN(out_of_order_and_wrap);
	RUN(retransmission_ignored);
	RUN(overlap_first_copy_wins);
	RUN(cap_and_hole_skipped);
	RUN(flush_skips_holes);
	RUN(pool_empty_counted);
	RUN(seven_byte_segments_shuffled);
	return TEST_END();
}
