/*
 * test_defrag.c - unit tests for decode/defrag.c: IPv4 and IPv6 reassembly
 * in and out of order, duplicates and overlaps (first copy wins), expiry,
 * slot exhaustion and size limits; rebuilt datagrams decode again.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/defrag.h"
#include "test.h"

#define LT_RAW	101
#define SEC	1000000ULL

static const uint8_t A4[4] = { 192, 0, 2, 10 };
static const uint8_t B4[4] = { 203, 0, 113, 20 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0x10 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0x20 };

/* The datagram being fragmented: UDP 40000 -> 53, 8 + 40 bytes. */
#define DG_LEN	48
static uint8_t dg[DG_LEN];

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
make_dg(char fill)
{
	int i;

	put16(dg, 40000);
	put16(dg + 2, 53);
	put16(dg + 4, DG_LEN);
	put16(dg + 6, 0);
	for (i = 8; i < DG_LEN; i++)
		dg[i] = (uint8_t)(fill + i % 16);
}

/* IPv4 fragment of id ${id}: ${n} bytes of ${data} at byte ${off}. */
static size_t
frag4(uint8_t *o, uint16_t id, uint32_t off, int mf, const uint8_t *data,
    size_t n)
{
	memset(o, 0, 20);
	o[0] = 0x45;
	put16(o + 2, (uint16_t)(20 + n));
	put16(o + 4, id);
	put16(o + 6, (uint16_t)((mf ? 0x2000 : 0) | (off / 8)));
	o[8] = 64;
	o[9] = IPPROTO_UDP;
	memcpy(o + 12, A4, 4);
	memcpy(o + 16, B4, 4);
	memcpy(o + 20, data, n);
	return 20 + n;
}

static size_t
frag6(uint8_t *o, uint32_t id, uint32_t off, int mf, const uint8_t *data,
    size_t n)
{
	memset(o, 0, 48);
	o[0] = 0x60;
	put16(o + 4, (uint16_t)(8 + n));
	o[6] = 44;
	o[7] = 64;
	memcpy(o + 8, A6, 16);
	memcpy(o + 24, B6, 16);
	o[40] = IPPROTO_UDP;
	put16(o + 42, (uint16_t)(off | (mf ? 1 : 0)));
	o[44] = (uint8_t)(id >> 24);
	o[45] = (uint8_t)(id >> 16);
	o[46] = (uint8_t)(id >> 8);
	o[47] = (uint8_t)id;
	memcpy(o + 48, data, n);
	return 48 + n;
}

struct ctx {
	struct dec_stats st;
	struct defrag	*d;
	struct pkt	 p;		/* last decoded fragment / result */
	const uint8_t	*l3;
	uint32_t	 len;
};

/* Decode ${buf} and offer it: returns defrag_add's result, -1 when the
 * packet did not decode as a fragment. */
static int
offer(struct ctx *c, const uint8_t *buf, size_t n, uint64_t ts)
{
	if (decode_packet(&c->st, LT_RAW, buf, (uint32_t)n, (uint32_t)n, ts,
	    &c->p) != 0 || !c->p.frag)
		return -1;
	return defrag_add(c->d, &c->p, &c->l3, &c->len);
}

static int
offer4(struct ctx *c, uint16_t id, uint32_t off, int mf, const uint8_t *data,
    size_t n, uint64_t ts)
{
	uint8_t b[128];

	return offer(c, b, frag4(b, id, off, mf, data, n), ts);
}

/* After a completed datagram: decode it and compare with ${dg}. */
static int
check_result(struct ctx *c, int ver)
{
	if (c->len != (uint32_t)(ver == 4 ? 20 : 40) + DG_LEN)
		return 0;
	if (decode_reassembled(&c->st, c->l3, c->len, &c->p) != 0)
		return 0;
	return c->p.ipver == ver && c->p.frag == 0 &&
	    c->p.proto == IPPROTO_UDP && c->p.sport == 40000 &&
	    c->p.dport == 53 && c->p.payload_len == DG_LEN - 8 &&
	    memcmp(c->p.payload, dg + 8, DG_LEN - 8) == 0;
}

TEST(ipv4_in_order)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	make_dg('a');
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	ASSERT_EQ(offer4(&c, 7, 0, 1, dg, 16, 1), 0);
	ASSERT_EQ(offer4(&c, 7, 16, 1, dg + 16, 16, 2), 0);
	ASSERT_EQ(offer4(&c, 7, 32, 0, dg + 32, 16, 3), 1);
	ASSERT(check_result(&c, 4));
	ASSERT_EQ(c.p.ts_us, 3);
	{
		char b[64];

		ASSERT_STR(ip_addr_str(&c.p.src, b, sizeof(b)), "192.0.2.10");
		ASSERT_STR(ip_addr_str(&c.p.dst, b, sizeof(b)), "203.0.113.20");
	}
	ASSERT_EQ(defrag_stats(c.d)->fragments, 3);
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 1);
	ASSERT_EQ(defrag_stats(c.d)->timeouts, 0);
	/* The slot is free again: the same id starts a new datagram. */
	ASSERT_EQ(offer4(&c, 7, 32, 0, dg + 32, 16, 4), 0);
	defrag_free(c.d);
	defrag_free(NULL);
}

TEST(ipv4_reverse_order)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	make_dg('k');
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	ASSERT_EQ(offer4(&c, 9, 32, 0, dg + 32, 16, 1), 0);
	ASSERT_EQ(offer4(&c, 9, 16, 1, dg + 16, 16, 2), 0);
	ASSERT_EQ(offer4(&c, 9, 0, 1, dg, 16, 3), 1);
	ASSERT(check_result(&c, 4));
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 1);
	defrag_free(c.d);
}

TEST(ipv4_duplicate_and_overlap)
{
	struct ctx c;
	uint8_t bad[32];

	memset(&c, 0, sizeof(c));
	make_dg('A');
	memset(bad, 'X', sizeof(bad));
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	ASSERT_EQ(offer4(&c, 11, 0, 1, dg, 16, 1), 0);
	ASSERT_EQ(offer4(&c, 11, 16, 1, dg + 16, 16, 2), 0);
	/* Duplicate of the second fragment with other bytes: ignored. */
	ASSERT_EQ(offer4(&c, 11, 16, 1, bad, 16, 3), 0);
	/* Overlapping 8..24, across the first two: ignored too. */
	ASSERT_EQ(offer4(&c, 11, 8, 1, bad, 16, 4), 0);
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 0);
	ASSERT_EQ(offer4(&c, 11, 32, 0, dg + 32, 16, 5), 1);
	ASSERT(memcmp(c.l3 + 20, dg, DG_LEN) == 0);
	ASSERT(check_result(&c, 4));
	ASSERT_EQ(defrag_stats(c.d)->fragments, 5);
	defrag_free(c.d);
}

TEST(ipv4_overlap_first_copy_wins)
{
	struct ctx c;
	uint8_t first[48], later[48];
	int i;

	memset(&c, 0, sizeof(c));
	make_dg('A');
	memcpy(first, dg, 48);
	memcpy(later, dg, 48);
	for (i = 8; i < 48; i++)
		later[i] = 'Z';
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	/* 0..24 from the first copy, then 16..48 from a later one: bytes
	 * 16..23 must keep the first copy. */
	ASSERT_EQ(offer4(&c, 12, 0, 1, first, 24, 1), 0);
	ASSERT_EQ(offer4(&c, 12, 16, 0, later + 16, 32, 2), 1);
	ASSERT_EQ(c.len, 20 + 48);
	ASSERT(memcmp(c.l3 + 20, first, 24) == 0);
	ASSERT(memcmp(c.l3 + 20 + 24, later + 24, 24) == 0);
	/* And the other way round: last fragment first, then one that
	 * overlaps it. */
	ASSERT_EQ(offer4(&c, 13, 16, 0, first + 16, 32, 3), 0);
	ASSERT_EQ(offer4(&c, 13, 0, 1, later, 24, 4), 1);
	ASSERT(memcmp(c.l3 + 20, later, 16) == 0);
	ASSERT(memcmp(c.l3 + 20 + 16, first + 16, 32) == 0);
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 2);
	defrag_free(c.d);
}

TEST(ipv4_conflicting_last)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	make_dg('c');
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	ASSERT_EQ(offer4(&c, 14, 32, 0, dg + 32, 16, 1), 0);
	/* Another "last" fragment ending at 24: refused, the first end
	 * (48) stays. */
	ASSERT_EQ(offer4(&c, 14, 16, 0, dg + 16, 8, 2), 0);
	ASSERT_EQ(offer4(&c, 14, 0, 1, dg, 16, 3), 0);
	ASSERT_EQ(offer4(&c, 14, 16, 1, dg + 16, 16, 4), 1);
	ASSERT(check_result(&c, 4));
	defrag_free(c.d);
}

TEST(ipv4_fragment_beyond_end_leaves_hole)
{
	struct ctx c;
	uint8_t junk[16];

	memset(&c, 0, sizeof(c));
	make_dg('h');
	memset(junk, 'J', sizeof(junk));
	ASSERT((c.d = defrag_new(1, 30)) != NULL);
	/* Last fragment: 16..24, so the datagram is 24 bytes. */
	ASSERT_EQ(offer4(&c, 15, 16, 0, dg + 16, 8, 1), 0);
	/* A fragment past the end adds 16 bytes of coverage but not the
	 * missing 0..16: the datagram must not complete with a hole. */
	ASSERT_EQ(offer4(&c, 15, 24, 1, junk, 16, 2), 0);
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 0);
	ASSERT_EQ(offer4(&c, 15, 0, 1, dg, 16, 3), 1);
	ASSERT_EQ(c.len, 20 + 24);
	ASSERT(memcmp(c.l3 + 20, dg, 24) == 0);

	/* The single slot is reused: no coverage left over from the bytes
	 * past the old end (24..40). */
	make_dg('n');
	ASSERT_EQ(offer4(&c, 16, 0, 1, dg, 16, 4), 0);
	ASSERT_EQ(offer4(&c, 16, 16, 1, dg + 16, 16, 5), 0);
	ASSERT_EQ(offer4(&c, 16, 32, 0, dg + 32, 16, 6), 1);
	ASSERT(check_result(&c, 4));

	/* Data first, then a "last" fragment ending below it: refused. */
	make_dg('o');
	ASSERT_EQ(offer4(&c, 17, 0, 1, dg, 16, 7), 0);
	ASSERT_EQ(offer4(&c, 17, 16, 1, dg + 16, 16, 8), 0);
	ASSERT_EQ(offer4(&c, 17, 16, 0, dg + 16, 8, 9), 0);
	ASSERT_EQ(offer4(&c, 17, 32, 0, dg + 32, 16, 10), 1);
	ASSERT(check_result(&c, 4));
	defrag_free(c.d);
}

TEST(ipv6_fragments)
{
	struct ctx c;
	uint8_t b[128];
	char s[64];

	memset(&c, 0, sizeof(c));
	make_dg('6');
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	ASSERT_EQ(offer(&c, b, frag6(b, 0xabcdef01, 16, 1, dg + 16, 16), 1), 0);
	ASSERT_EQ(c.p.ipver, 6);
	ASSERT_EQ(c.p.frag_id, 0xabcdef01);
	ASSERT_EQ(offer(&c, b, frag6(b, 0xabcdef01, 0, 1, dg, 16), 2), 0);
	/* A fragment with another id does not mix in. */
	ASSERT_EQ(offer(&c, b, frag6(b, 0xabcdef02, 32, 0, dg + 32, 16), 3), 0);
	ASSERT_EQ(offer(&c, b, frag6(b, 0xabcdef01, 32, 0, dg + 32, 16), 4), 1);
	ASSERT(check_result(&c, 6));
	ASSERT_STR(ip_addr_str(&c.p.src, s, sizeof(s)), "2001:db8:1::10");
	ASSERT_STR(ip_addr_str(&c.p.dst, s, sizeof(s)), "2001:db8:2::20");
	ASSERT_EQ(defrag_stats(c.d)->fragments, 4);
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 1);
	defrag_free(c.d);
}

TEST(timeout)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	make_dg('t');
	ASSERT((c.d = defrag_new(4, 30)) != NULL);
	ASSERT_EQ(offer4(&c, 21, 0, 1, dg, 16, 1 * SEC), 0);
	ASSERT_EQ(offer4(&c, 21, 16, 1, dg + 16, 16, 20 * SEC), 0);
	/* Within the timeout nothing expires. */
	ASSERT_EQ(offer4(&c, 22, 0, 1, dg, 16, 31 * SEC), 0);
	ASSERT_EQ(defrag_stats(c.d)->timeouts, 0);
	/* 40 s after its first fragment, datagram 21 is dropped ... */
	ASSERT_EQ(offer4(&c, 23, 0, 1, dg, 16, 41 * SEC), 0);
	ASSERT_EQ(defrag_stats(c.d)->timeouts, 1);
	/* ... so its last fragment starts a new, incomplete datagram. */
	ASSERT_EQ(offer4(&c, 21, 32, 0, dg + 32, 16, 42 * SEC), 0);
	ASSERT_EQ(defrag_stats(c.d)->reassembled, 0);
	defrag_free(c.d);
}

TEST(no_slot)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	make_dg('s');
	ASSERT((c.d = defrag_new(2, 30)) != NULL);
	ASSERT_EQ(offer4(&c, 31, 0, 1, dg, 16, 1), 0);
	ASSERT_EQ(offer4(&c, 32, 0, 1, dg, 16, 2), 0);
	ASSERT_EQ(offer4(&c, 33, 0, 1, dg, 16, 3), 0);
	ASSERT_EQ(defrag_stats(c.d)->no_slot, 1);
	/* The datagrams that got a slot still complete. */
	ASSERT_EQ(offer4(&c, 31, 16, 1, dg + 16, 16, 4), 0);
	ASSERT_EQ(offer4(&c, 31, 32, 0, dg + 32, 16, 5), 1);
	ASSERT(check_result(&c, 4));
	/* A slot is free again for a newcomer. */
	ASSERT_EQ(offer4(&c, 33, 0, 1, dg, 16, 6), 0);
	ASSERT_EQ(defrag_stats(c.d)->no_slot, 1);
	defrag_free(c.d);
}

TEST(too_big)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	make_dg('b');
	ASSERT((c.d = defrag_new(2, 30)) != NULL);
	/* Offset 65528 + 16 bytes: past 65535. */
	ASSERT_EQ(offer4(&c, 41, 65528, 0, dg, 16, 1), 0);
	ASSERT_EQ(defrag_stats(c.d)->too_big, 1);
	/* A non-final fragment whose length is not a multiple of 8. */
	ASSERT_EQ(offer4(&c, 42, 0, 1, dg, 12, 2), 0);
	ASSERT_EQ(defrag_stats(c.d)->too_big, 2);
	ASSERT_EQ(defrag_stats(c.d)->no_slot, 0);
	ASSERT_EQ(defrag_stats(c.d)->fragments, 2);
	defrag_free(c.d);
}

int
main(void)
{
	RUN(ipv4_in_order);
	RUN(ipv4_reverse_order);
	RUN(ipv4_duplicate_and_overlap);
	RUN(ipv4_overlap_first_copy_wins);
	RUN(ipv4_conflicting_last);
	RUN(ipv4_fragment_beyond_end_leaves_hole);
	RUN(ipv6_fragments);
	RUN(timeout);
	RUN(no_slot);
	RUN(too_big);
	return TEST_END();
}
