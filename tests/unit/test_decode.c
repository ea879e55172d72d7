/*
 * test_decode.c - unit tests for decode/decode.c and decode/cursor.h: link
 * types, VLAN/QinQ, IPv4/IPv6 (extension headers, fragments), tunnels, and
 * truncation at every length with hand-built frames (TEST-NET addresses).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/cursor.h"
#include "decode/decode.h"
#include "test.h"

#define LT_EN10MB	1

static const uint8_t A4[4] = { 192, 0, 2, 1 };
static const uint8_t B4[4] = { 198, 51, 100, 2 };
static const uint8_t C4[4] = { 203, 0, 113, 3 };
static const uint8_t D4[4] = { 203, 0, 113, 4 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 2 };

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* Each mk_* writes its header into ${o} followed by ${n} bytes of ${in}
 * and returns the total length. */
static size_t
mk_udp(uint8_t *o, uint16_t sp, uint16_t dp, const void *in, size_t n)
{
	put16(o, sp);
	put16(o + 2, dp);
	put16(o + 4, (uint16_t)(8 + n));
	put16(o + 6, 0);
	memcpy(o + 8, in, n);
	return 8 + n;
}

static size_t
mk_tcp(uint8_t *o, uint16_t sp, uint16_t dp, uint8_t flags, const void *in,
    size_t n)
{
	memset(o, 0, 20);
	put16(o, sp);
	put16(o + 2, dp);
	put32(o + 4, 0x01020304);
	put32(o + 8, 0x0a0b0c0d);
	o[12] = 5 << 4;
	o[13] = flags;
	put16(o + 14, 65535);
	memcpy(o + 20, in, n);
	return 20 + n;
}

static size_t
mk_ip4f(uint8_t *o, uint8_t proto, const uint8_t *s, const uint8_t *d,
    uint16_t id, uint16_t fragword, const void *in, size_t n)
{
	memset(o, 0, 20);
	o[0] = 0x45;
	put16(o + 2, (uint16_t)(20 + n));
	put16(o + 4, id);
	put16(o + 6, fragword);
	o[8] = 64;
	o[9] = proto;
	memcpy(o + 12, s, 4);
	memcpy(o + 16, d, 4);
	memcpy(o + 20, in, n);
	return 20 + n;
}

static size_t
mk_ip4(uint8_t *o, uint8_t proto, const uint8_t *s, const uint8_t *d,
    const void *in, size_t n)
{
	return mk_ip4f(o, proto, s, d, 0x1234, 0x4000, in, n);
}

static size_t
mk_ip6(uint8_t *o, uint8_t nh, const uint8_t *s, const uint8_t *d,
    const void *in, size_t n)
{
	memset(o, 0, 40);
	o[0] = 0x60;
	put16(o + 4, (uint16_t)n);
	o[6] = nh;
	o[7] = 64;
	memcpy(o + 8, s, 16);
	memcpy(o + 24, d, 16);
	memcpy(o + 40, in, n);
	return 40 + n;
}

/* IPv6 option header (hop-by-hop or destination options): 8 bytes, PadN. */
static size_t
mk_opt6(uint8_t *o, uint8_t nh, const void *in, size_t n)
{
	memset(o, 0, 8);
	o[0] = nh;
	o[1] = 0;
	o[2] = 1;	/* PadN */
	o[3] = 4;
	memcpy(o + 8, in, n);
	return 8 + n;
}

static size_t
mk_eth(uint8_t *o, uint16_t et, const void *in, size_t n)
{
	static const uint8_t mac[12] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2 };

	memcpy(o, mac, 12);
	put16(o + 12, et);
	memcpy(o + 14, in, n);
	return 14 + n;
}

/* A VLAN tag: TPID was written by the caller; TCI + inner ethertype. */
static size_t
mk_tag(uint8_t *o, uint16_t tci, uint16_t et, const void *in, size_t n)
{
	put16(o, tci);
	put16(o + 2, et);
	memcpy(o + 4, in, n);
	return 4 + n;
}

/* A plain Ethernet/IPv4/UDP frame 192.0.2.1:40000 -> 198.51.100.2:53. */
static size_t
frame_udp4(uint8_t *o)
{
	uint8_t l4[64], l3[128];
	size_t n;

	n = mk_udp(l4, 40000, 53, "hello", 5);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	return mk_eth(o, 0x0800, l3, n);
}

static uint64_t
anomalies(const struct dec_stats *st)
{
	uint64_t s = 0;
	int i;

	for (i = DC_TRUNC_LINK; i < DC__COUNT; i++)
		s += st->c[i];
	return s;
}

static int
addr_is(const struct ip_addr *a, const char *want)
{
	char b[64];

	return strcmp(ip_addr_str(a, b, sizeof(b)), want) == 0;
}

TEST(cursor_bounds)
{
	static const uint8_t b[5] = { 1, 2, 3, 4, 5 };
	struct cursor c;

	cur_init(&c, b, sizeof(b));
	ASSERT_EQ(cur_be16(&c), 0x0102);
	ASSERT_EQ(cur_be24(&c), 0x030405);
	ASSERT(!c.bad);
	ASSERT_EQ(c.left, 0);
	ASSERT_EQ(cur_u8(&c), 0);
	ASSERT(c.bad);
	/* Bad is sticky, even for a zero-length read. */
	ASSERT(cur_take(&c, 0) == NULL);
	cur_init(&c, b, sizeof(b));
	ASSERT_EQ(cur_be32(&c), 0x01020304);
	ASSERT_EQ(cur_be16(&c), 0);	/* 1 byte left: fails, consumes nothing */
	ASSERT(c.bad);
	ASSERT_EQ(c.left, 1);
	cur_init(&c, b, sizeof(b));
	ASSERT(cur_take(&c, 6) == NULL);
	cur_init(&c, b, sizeof(b));
	ASSERT(cur_take(&c, 5) == b);
	ASSERT(!cur_skip(&c, 1));
}

TEST(counter_names)
{
	int i, k;

	for (i = 0; i < DC__COUNT; i++) {
		const char *n = decode_counter_name((enum dec_counter)i);

		ASSERT(n != NULL && n[0] != '\0' && strcmp(n, "?") != 0);
		for (k = 0; k < i; k++)
			ASSERT(strcmp(n, decode_counter_name((enum dec_counter)k)) != 0);
	}
	ASSERT_STR(decode_counter_name(DC_SNAPLEN_CUT), "snaplen_cut");
	ASSERT_STR(decode_counter_name(DC_VLAN_TOO_DEEP), "vlan_too_deep");
	ASSERT_STR(decode_counter_name(DC__COUNT), "?");
}

TEST(eth_ipv4_tcp)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], fr[256];
	size_t n;

	n = mk_tcp(l4, 51000, 443, TH_SYN | TH_ACK, "abc", 3);
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, 1500, 7, &p), 0);
	ASSERT_EQ(p.ts_us, 7);
	ASSERT_EQ(p.wire_len, 1500);
	ASSERT_EQ(p.ipver, 4);
	ASSERT_EQ(p.proto, IPPROTO_TCP);
	ASSERT(addr_is(&p.src, "192.0.2.1"));
	ASSERT(addr_is(&p.dst, "198.51.100.2"));
	ASSERT_EQ(p.sport, 51000);
	ASSERT_EQ(p.dport, 443);
	ASSERT_EQ(p.seq, 0x01020304);
	ASSERT_EQ(p.ack, 0x0a0b0c0d);
	ASSERT_EQ(p.tcp_flags, TH_SYN | TH_ACK);
	ASSERT_EQ(p.payload_len, 3);
	ASSERT(memcmp(p.payload, "abc", 3) == 0);
	ASSERT(p.payload == fr + 14 + 20 + 20);
	ASSERT(p.l3 == fr + 14);
	ASSERT_EQ(p.l3_len, 43);
	ASSERT_EQ(p.frag, 0);
	ASSERT_EQ(p.tunnel, 0);
	ASSERT_EQ(p.nvlan, 0);
	ASSERT_EQ(st.c[DC_PKTS], 1);
	ASSERT_EQ(st.c[DC_BYTES], 1500);
	ASSERT_EQ(st.c[DC_ETH], 1);
	ASSERT_EQ(st.c[DC_IPV4], 1);
	ASSERT_EQ(st.c[DC_TCP], 1);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(eth_ipv4_udp)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t fr[256];
	size_t n = frame_udp4(fr);

	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.proto, IPPROTO_UDP);
	ASSERT_EQ(p.sport, 40000);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(p.payload_len, 5);
	ASSERT(memcmp(p.payload, "hello", 5) == 0);
	ASSERT_EQ(st.c[DC_UDP], 1);
	ASSERT_EQ(st.c[DC_TCP], 0);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(non_ip_and_bad_l4)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], fr[256], arp[28] = { 0 };
	size_t n;

	/* ARP is not for the flow layer. */
	n = mk_eth(fr, 0x0806, arp, sizeof(arp));
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_NON_IP], 1);

	/* TCP data offset 4 (16 bytes) is invalid. */
	n = mk_tcp(l4, 1, 2, TH_ACK, "", 0);
	l4[12] = 4 << 4;
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_TCP_BAD_HLEN], 1);

	/* TCP data offset beyond the segment. */
	n = mk_tcp(l4, 1, 2, TH_ACK, "", 0);
	l4[12] = 15 << 4;
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_TRUNC_TCP], 1);

	/* UDP length below the header size. */
	n = mk_udp(l4, 1, 2, "xy", 2);
	put16(l4 + 4, 7);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_UDP_BAD_LEN], 1);

	/* ICMP: an IP packet without ports, still returned. */
	n = mk_ip4(l3, IPPROTO_ICMP, A4, B4, "\x08\0\0\0\0\0\0\0", 8);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.proto, IPPROTO_ICMP);
	ASSERT_EQ(p.sport, 0);
	ASSERT_EQ(p.payload_len, 8);
	ASSERT_EQ(st.c[DC_ICMP], 1);
}

TEST(vlan_8021q)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], tag[160], fr[256];
	size_t n;

	n = mk_udp(l4, 40000, 53, "q", 1);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	n = mk_tag(tag, 0xe064, 0x0800, l3, n);	/* PCP 7, VID 100 */
	n = mk_eth(fr, 0x8100, tag, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.nvlan, 1);
	ASSERT_EQ(p.vlan[0], 100);
	ASSERT_EQ(p.vlan[1], 0);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(st.c[DC_VLAN], 1);
	ASSERT_EQ(st.c[DC_QINQ], 0);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(vlan_qinq)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], t1[160], t2[200], fr[256];
	size_t n;

	n = mk_tcp(l4, 51000, 443, TH_SYN, "", 0);
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_tag(t1, 20, 0x0800, l3, n);
	n = mk_tag(t2, 10, 0x8100, t1, n);
	n = mk_eth(fr, 0x88a8, t2, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.nvlan, 2);
	ASSERT_EQ(p.vlan[0], 10);
	ASSERT_EQ(p.vlan[1], 20);
	ASSERT_EQ(p.dport, 443);
	ASSERT_EQ(st.c[DC_VLAN], 1);
	ASSERT_EQ(st.c[DC_QINQ], 1);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(vlan_too_deep)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], t1[160], t2[200], t3[240], fr[300];
	size_t n;

	n = mk_tcp(l4, 51000, 443, TH_SYN, "", 0);
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_tag(t1, 30, 0x0800, l3, n);
	n = mk_tag(t2, 20, 0x8100, t1, n);
	n = mk_tag(t3, 10, 0x8100, t2, n);
	n = mk_eth(fr, 0x88a8, t3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_VLAN_TOO_DEEP], 1);
	ASSERT_EQ(st.c[DC_TCP], 0);
}

TEST(ipv6_ext_headers)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], dst[128], hbh[160], l3[256], fr[300];
	size_t n;

	n = mk_tcp(l4, 51000, 443, TH_SYN, "x6", 2);
	n = mk_opt6(dst, IPPROTO_TCP, l4, n);
	n = mk_opt6(hbh, 60, dst, n);		/* hop-by-hop -> dest opts */
	n = mk_ip6(l3, 0, A6, B6, hbh, n);
	n = mk_eth(fr, 0x86dd, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.ipver, 6);
	ASSERT_EQ(p.proto, IPPROTO_TCP);
	ASSERT(addr_is(&p.src, "2001:db8::1"));
	ASSERT(addr_is(&p.dst, "2001:db8::2"));
	ASSERT(!ip_addr_is_v4(&p.src));
	ASSERT_EQ(p.sport, 51000);
	ASSERT_EQ(p.dport, 443);
	ASSERT_EQ(p.payload_len, 2);
	ASSERT(memcmp(p.payload, "x6", 2) == 0);
	ASSERT_EQ(st.c[DC_IPV6], 1);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(ipv6_ext_too_many)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t a[512], b[512], l3[600], fr[700];
	size_t n;
	int i;

	n = mk_udp(a, 1000, 53, "z", 1);
	for (i = 0; i < 9; i++) {
		n = mk_opt6(b, i == 0 ? IPPROTO_UDP : 60, a, n);
		memcpy(a, b, n);
	}
	n = mk_ip6(l3, 60, A6, B6, a, n);
	n = mk_eth(fr, 0x86dd, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_IPV6_EXT_TOO_MANY], 1);
	ASSERT_EQ(st.c[DC_UDP], 0);

	/* Eight are still fine. */
	memset(&st, 0, sizeof(st));
	n = mk_udp(a, 1000, 53, "z", 1);
	for (i = 0; i < 8; i++) {
		n = mk_opt6(b, i == 0 ? IPPROTO_UDP : 60, a, n);
		memcpy(a, b, n);
	}
	n = mk_ip6(l3, 60, A6, B6, a, n);
	n = mk_eth(fr, 0x86dd, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(anomalies(&st), 0);

	/* An extension header running past the payload. */
	memset(&st, 0, sizeof(st));
	n = mk_opt6(a, IPPROTO_UDP, "", 0);
	a[1] = 3;	/* claims 32 bytes */
	n = mk_ip6(l3, 60, A6, B6, a, n);
	ASSERT_EQ(decode_packet(&st, 101, l3, (uint32_t)n, (uint32_t)n, 0, &p),
	    -EINVAL);
	ASSERT_EQ(st.c[DC_IPV6_BAD_EXT], 1);
}

TEST(ipv4_bad_hlen)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], fr[256];
	size_t n;

	n = mk_udp(l4, 1, 2, "", 0);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	l3[0] = 0x44;		/* IHL 16 bytes */
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_IPV4_BAD_HLEN], 1);

	fr[14] = 0x4f;		/* IHL 60 bytes, only 28 there */
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_IPV4_BAD_HLEN], 2);

	fr[14] = 0x45;
	put16(fr + 14 + 2, 19);	/* total length below the header */
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_IPV4_BAD_LEN], 1);
	ASSERT_EQ(st.c[DC_UDP], 0);

	/* Version nibble neither 4 nor 6. */
	fr[14] = 0x55;
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), -EINVAL);
	ASSERT_EQ(st.c[DC_NON_IP], 1);
}

/* Decode every prefix of ${fr} from a heap copy of exactly that size (so
 * ASan sees any over-read): each cut frame either fails with -EINVAL or
 * decodes within bounds, and always counts an anomaly. */
static int
check_prefixes(int lt, const uint8_t *fr, size_t full)
{
	size_t n;

	for (n = 0; n < full; n++) {
		struct dec_stats st = { { 0 } };
		struct pkt p;
		uint8_t *b = malloc(n ? n : 1);
		int rc;

		if (b == NULL)
			return -1;
		memcpy(b, fr, n);
		rc = decode_packet(&st, lt, b, (uint32_t)n, (uint32_t)full, 0, &p);
		if (rc != 0 && rc != -EINVAL) {
			fprintf(stderr, "  len %zu: rc %d\n", n, rc);
			free(b);
			return -1;
		}
		if (anomalies(&st) == 0) {
			fprintf(stderr, "  len %zu: rc %d, no anomaly counted\n", n, rc);
			free(b);
			return -1;
		}
		if (rc == 0 && p.payload != NULL &&
		    (p.payload < b || p.payload + p.payload_len > b + n)) {
			fprintf(stderr, "  len %zu: payload out of bounds\n", n);
			free(b);
			return -1;
		}
		if (rc == 0 && (p.l3 < b || p.l3 + p.l3_len > b + n)) {
			fprintf(stderr, "  len %zu: l3 out of bounds\n", n);
			free(b);
			return -1;
		}
		free(b);
	}
	return 0;
}

TEST(truncated_every_length)
{
	uint8_t l4[64], dst[128], hbh[160], l3[256], t1[300], fr[400];
	size_t n;

	/* VLAN + IPv4 + TCP with payload. */
	n = mk_tcp(l4, 51000, 443, TH_ACK, "payload", 7);
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_tag(t1, 5, 0x0800, l3, n);
	n = mk_eth(fr, 0x8100, t1, n);
	ASSERT_EQ(check_prefixes(LT_EN10MB, fr, n), 0);

	/* IPv6 + hop-by-hop + destination options + UDP. */
	n = mk_udp(l4, 40000, 53, "dnsq", 4);
	n = mk_opt6(dst, IPPROTO_UDP, l4, n);
	n = mk_opt6(hbh, 60, dst, n);
	n = mk_ip6(l3, 0, A6, B6, hbh, n);
	n = mk_eth(fr, 0x86dd, l3, n);
	ASSERT_EQ(check_prefixes(LT_EN10MB, fr, n), 0);

	/* Linux SLL2 + IPv4 + UDP. */
	n = mk_udp(l4, 40000, 53, "dnsq", 4);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	memset(fr, 0, 20);
	put16(fr, 0x0800);
	memcpy(fr + 20, l3, n);
	ASSERT_EQ(check_prefixes(276, fr, n + 20), 0);
}

TEST(snaplen_cut_udp)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t pl[200], l4[256], l3[300], fr[400];
	size_t n;

	memset(pl, 'D', sizeof(pl));
	n = mk_udp(l4, 40000, 53, pl, sizeof(pl));
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	/* Captured 14 + 20 + 8 + 50 of the frame. */
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, 92, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.proto, IPPROTO_UDP);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(p.payload_len, 50);
	ASSERT_EQ(p.wire_len, n);
	ASSERT_EQ(p.l3_len, 78);
	/* One cut packet, counted once; the payload bytes cut off are
	 * reported (issue 15: the stream layer skips them). */
	ASSERT_EQ(st.c[DC_SNAPLEN_CUT], 1);
	ASSERT_EQ(p.payload_cut, 150);
	ASSERT_EQ(st.c[DC_UDP_BAD_LEN], 0);
}

TEST(udp_len_beyond_ip)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], fr[256];
	size_t n;

	/* Whole packet captured, but the UDP length claims more than the IP
	 * payload: malformed, not a snaplen cut; what is there is kept. */
	n = mk_udp(l4, 40000, 53, "abcd", 4);
	put16(l4 + 4, 100);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.payload_len, 4);
	ASSERT_EQ(p.payload_cut, 0);
	ASSERT_EQ(st.c[DC_SNAPLEN_CUT], 0);
	ASSERT_EQ(st.c[DC_UDP_BAD_LEN], 1);
}

/* A TCP segment cut by the snap length: decoded as captured, never read
 * past caplen, the missing payload reported in payload_cut. */
TEST(snaplen_cut_tcp)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t pl[300], l4[400], l3[500], fr[600];
	size_t n;

	memset(pl, 'H', sizeof(pl));
	n = mk_tcp(l4, 40000, 80, TH_ACK | TH_PUSH, pl, sizeof(pl));
	n = mk_ip4(l3, IPPROTO_TCP, A4, B4, l4, n);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, 128, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.proto, IPPROTO_TCP);
	ASSERT_EQ(p.payload_len, 128 - 14 - 20 - 20);
	ASSERT_EQ(p.payload_cut, 300 - (128 - 14 - 20 - 20));
	ASSERT(p.payload + p.payload_len == fr + 128);
	ASSERT_EQ(st.c[DC_SNAPLEN_CUT], 1);
	/* negative: captured whole */
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.payload_cut, 0);
	ASSERT_EQ(p.payload_len, 300);
	ASSERT_EQ(st.c[DC_SNAPLEN_CUT], 1);
}

TEST(ipv4_fragments)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t data[64], l3[128], fr[256];
	size_t n;

	memset(data, 'F', 24);
	/* First fragment: MF, offset 0. */
	n = mk_ip4f(l3, IPPROTO_UDP, A4, B4, 0xbeef, 0x2000, data, 24);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.frag, 1);
	ASSERT_EQ(p.frag_mf, 1);
	ASSERT_EQ(p.frag_off, 0);
	ASSERT_EQ(p.frag_id, 0xbeef);
	ASSERT_EQ(p.frag_proto, IPPROTO_UDP);
	ASSERT(p.frag_data == fr + 14 + 20);
	ASSERT_EQ(p.frag_len, 24);
	ASSERT(p.payload == NULL);
	ASSERT_EQ(p.sport, 0);
	ASSERT_EQ(p.dport, 0);
	ASSERT_EQ(st.c[DC_IPV4_FRAG], 1);
	ASSERT_EQ(st.c[DC_UDP], 0);

	/* Last fragment: offset 3 * 8 = 24, no MF, DF bit ignored. */
	n = mk_ip4f(l3, IPPROTO_UDP, A4, B4, 0xbeef, 0x4003, data, 16);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.frag, 1);
	ASSERT_EQ(p.frag_mf, 0);
	ASSERT_EQ(p.frag_off, 24);
	ASSERT_EQ(p.frag_len, 16);
	ASSERT_EQ(st.c[DC_IPV4_FRAG], 2);

	/* DF alone is not a fragment. */
	n = frame_udp4(fr);
	ASSERT_EQ(decode_packet(&st, LT_EN10MB, fr, (uint32_t)n, (uint32_t)n, 0,
	    &p), 0);
	ASSERT_EQ(p.frag, 0);
	ASSERT_EQ(st.c[DC_IPV4_FRAG], 2);
}

TEST(ipv6_fragment_header)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t fh[128], l4[64], l3[256];
	size_t n;

	memset(fh, 0, 8);
	fh[0] = IPPROTO_UDP;
	put16(fh + 2, (uint16_t)(2 << 3 | 1));	/* offset 16, M */
	put32(fh + 4, 0xdeadbeef);
	memset(fh + 8, 'G', 32);
	n = mk_ip6(l3, 44, A6, B6, fh, 40);
	ASSERT_EQ(decode_packet(&st, 101, l3, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.ipver, 6);
	ASSERT_EQ(p.frag, 1);
	ASSERT_EQ(p.frag_mf, 1);
	ASSERT_EQ(p.frag_off, 16);
	ASSERT_EQ(p.frag_id, 0xdeadbeef);
	ASSERT_EQ(p.frag_proto, IPPROTO_UDP);
	ASSERT(p.frag_data == l3 + 48);
	ASSERT_EQ(p.frag_len, 32);
	ASSERT(p.payload == NULL);
	ASSERT_EQ(st.c[DC_IPV6_FRAG], 1);

	/* Atomic fragment (offset 0, no M): skipped, the UDP inside decodes. */
	n = mk_udp(l4, 5353, 53, "a", 1);
	memset(fh, 0, 8);
	fh[0] = IPPROTO_UDP;
	put32(fh + 4, 7);
	memcpy(fh + 8, l4, n);
	n = mk_ip6(l3, 44, A6, B6, fh, 8 + n);
	ASSERT_EQ(decode_packet(&st, 101, l3, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.frag, 0);
	ASSERT_EQ(p.proto, IPPROTO_UDP);
	ASSERT_EQ(p.sport, 5353);
	ASSERT_EQ(p.payload_len, 1);
}

/* Decode ${fr} with link type ${lt} and check the plain UDP inside. */
static int
is_udp4(int lt, const uint8_t *fr, size_t n, struct dec_stats *st)
{
	struct pkt p;

	if (decode_packet(st, lt, fr, (uint32_t)n, (uint32_t)n, 0, &p) != 0)
		return 0;
	return p.ipver == 4 && p.proto == IPPROTO_UDP && p.sport == 40000 &&
	    p.dport == 53 && p.payload_len == 5 &&
	    memcmp(p.payload, "hello", 5) == 0 && addr_is(&p.src, "192.0.2.1") &&
	    addr_is(&p.dst, "198.51.100.2") && anomalies(st) == 0;
}

TEST(linktypes)
{
	struct dec_stats st = { { 0 } };
	uint8_t eth[256], fr[300];
	const uint8_t *l3;
	size_t n, ln;

	n = frame_udp4(eth);
	l3 = eth + 14;
	ln = n - 14;

	/* 101: raw IP. */
	ASSERT(is_udp4(101, l3, ln, &st));
	/* 113: Linux cooked (16-byte header, protocol at 14). */
	memset(fr, 0, 16);
	put16(fr + 14, 0x0800);
	memcpy(fr + 16, l3, ln);
	ASSERT(is_udp4(113, fr, ln + 16, &st));
	/* 276: Linux cooked v2 (20 bytes, protocol first). */
	memset(fr, 0, 20);
	put16(fr, 0x0800);
	memcpy(fr + 20, l3, ln);
	ASSERT(is_udp4(276, fr, ln + 20, &st));
	/* 0: BSD loopback, AF in host order; 108: OpenBSD loop, network. */
	memcpy(fr, "\x02\0\0\0", 4);
	memcpy(fr + 4, l3, ln);
	ASSERT(is_udp4(0, fr, ln + 4, &st));
	memcpy(fr, "\0\0\0\x02", 4);
	ASSERT(is_udp4(108, fr, ln + 4, &st));
	/* 9: PPP with address/control, then without. */
	memcpy(fr, "\xff\x03\x00\x21", 4);
	memcpy(fr + 4, l3, ln);
	ASSERT(is_udp4(9, fr, ln + 4, &st));
	memcpy(fr, "\x00\x21", 2);
	memcpy(fr + 2, l3, ln);
	ASSERT(is_udp4(9, fr, ln + 2, &st));
	ASSERT(decode_linktype_ok(0) && decode_linktype_ok(1) &&
	    decode_linktype_ok(9) && decode_linktype_ok(101) &&
	    decode_linktype_ok(108) && decode_linktype_ok(113) &&
	    decode_linktype_ok(276));
}

TEST(unknown_linktype)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t fr[256];
	size_t n = frame_udp4(fr);

	ASSERT_EQ(decode_linktype_ok(147), 0);
	ASSERT_EQ(decode_packet(&st, 147, fr, (uint32_t)n, (uint32_t)n, 0, &p),
	    -EINVAL);
	ASSERT_EQ(st.c[DC_UNKNOWN_LINKTYPE], 1);
	ASSERT_EQ(st.c[DC_PKTS], 1);
	ASSERT_EQ(st.c[DC_IPV4], 0);
}

TEST(pppoe_session)
{
	struct dec_stats st = { { 0 } };
	uint8_t eth[256], ses[300], fr[400];
	size_t n, ln;

	n = frame_udp4(eth);
	ln = n - 14;
	ses[0] = 0x11;		/* version 1, type 1 */
	ses[1] = 0x00;		/* session data */
	put16(ses + 2, 0x0042);	/* session id */
	put16(ses + 4, (uint16_t)(ln + 2));
	put16(ses + 6, 0x0021);	/* PPP: IPv4 */
	memcpy(ses + 8, eth + 14, ln);
	n = mk_eth(fr, 0x8864, ses, ln + 8);
	ASSERT(is_udp4(1, fr, n, &st));

	/* PPP LCP inside the session is not IP. */
	put16(fr + 14 + 6, 0xc021);
	memset(&st, 0, sizeof(st));
	ASSERT(!is_udp4(1, fr, n, &st));
	ASSERT_EQ(st.c[DC_NON_IP], 1);
}

TEST(mpls)
{
	struct dec_stats st = { { 0 } };
	uint8_t eth[256], lab[300], fr[400];
	size_t n, ln;

	n = frame_udp4(eth);
	ln = n - 14;
	put32(lab, (100u << 12) | 64);			/* label 100 */
	put32(lab + 4, (200u << 12) | 0x100 | 64);	/* label 200, bottom */
	memcpy(lab + 8, eth + 14, ln);
	n = mk_eth(fr, 0x8847, lab, ln + 8);
	ASSERT(is_udp4(1, fr, n, &st));

	/* No bottom-of-stack label before the end: truncated. */
	memset(&st, 0, sizeof(st));
	put32(lab + 4, (200u << 12) | 64);
	n = mk_eth(fr, 0x8847, lab, 8);
	ASSERT(!is_udp4(1, fr, n, &st));
	ASSERT_EQ(st.c[DC_TRUNC_LINK], 1);
}

TEST(gre_ip)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t eth[256], gre[300], l3[400], fr[500];
	size_t n, ln;

	n = frame_udp4(eth);
	ln = n - 14;
	put16(gre, 0x2000);	/* key present */
	put16(gre + 2, 0x0800);
	put32(gre + 4, 99);
	memcpy(gre + 8, eth + 14, ln);
	n = mk_ip4(l3, IPPROTO_GRE, C4, D4, gre, ln + 8);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, 1, fr, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.tunnel, 1);
	ASSERT(addr_is(&p.src, "192.0.2.1"));
	ASSERT(addr_is(&p.dst, "198.51.100.2"));
	ASSERT_EQ(p.proto, IPPROTO_UDP);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(st.c[DC_TUNNEL], 1);
	ASSERT_EQ(st.c[DC_IPV4], 2);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(ip_in_ip)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t eth[256], l3[300], fr[400];
	size_t n, ln;

	n = frame_udp4(eth);
	ln = n - 14;
	n = mk_ip4(l3, IPPROTO_IPIP, C4, D4, eth + 14, ln);
	n = mk_eth(fr, 0x0800, l3, n);
	ASSERT_EQ(decode_packet(&st, 1, fr, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.tunnel, 1);
	ASSERT(addr_is(&p.src, "192.0.2.1"));
	ASSERT_EQ(p.sport, 40000);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(st.c[DC_TUNNEL], 1);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(tunnel_too_deep)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t a[512], b[512];
	size_t n;
	int i;

	n = frame_udp4(a);
	memmove(a, a + 14, n - 14);
	n -= 14;
	for (i = 0; i < 4; i++) {
		n = mk_ip4(b, IPPROTO_IPIP, C4, D4, a, n);
		memcpy(a, b, n);
	}
	ASSERT_EQ(decode_packet(&st, 101, a, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(st.c[DC_TUNNEL_TOO_DEEP], 1);
	ASSERT_EQ(st.c[DC_UDP], 0);
	ASSERT(p.proto == IPPROTO_IPIP);
}

TEST(vxlan)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], in[256], vx[300], u[400], o3[500], fr[600];
	size_t n;

	/* Inner: VLAN-less Ethernet/IPv4/UDP 192.0.2.1:40000 -> :53. */
	n = mk_udp(l4, 40000, 53, "hello", 5);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	n = mk_eth(in, 0x0800, l3, n);
	memset(vx, 0, 8);
	vx[0] = 0x08;
	vx[6] = 0x01;		/* VNI 1 */
	memcpy(vx + 8, in, n);
	n = mk_udp(u, 51515, 4789, vx, n + 8);
	n = mk_ip4(o3, IPPROTO_UDP, C4, D4, u, n);
	{
		uint8_t tag[600];

		n = mk_tag(tag, 300, 0x0800, o3, n);
		n = mk_eth(fr, 0x8100, tag, n);
	}
	ASSERT_EQ(decode_packet(&st, 1, fr, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.tunnel, 1);
	ASSERT(addr_is(&p.src, "192.0.2.1"));
	ASSERT(addr_is(&p.dst, "198.51.100.2"));
	ASSERT_EQ(p.sport, 40000);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(p.payload_len, 5);
	ASSERT(memcmp(p.payload, "hello", 5) == 0);
	/* The outer VLAN belongs to the underlay. */
	ASSERT_EQ(p.nvlan, 0);
	ASSERT_EQ(st.c[DC_TUNNEL], 1);
	ASSERT_EQ(st.c[DC_UDP], 2);
	ASSERT_EQ(anomalies(&st), 0);
}

TEST(gtpu)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128], g[256], u[300], o3[400], fr[500];
	size_t n;

	n = mk_udp(l4, 40000, 53, "hello", 5);
	n = mk_ip4(l3, IPPROTO_UDP, A4, B4, l4, n);
	g[0] = 0x30;		/* version 1, PT 1, no options */
	g[1] = 0xff;		/* G-PDU */
	put16(g + 2, (uint16_t)n);
	put32(g + 4, 0x11223344);
	memcpy(g + 8, l3, n);
	n = mk_udp(u, 2152, 2152, g, n + 8);
	n = mk_ip4(o3, IPPROTO_UDP, C4, D4, u, n);
	n = mk_eth(fr, 0x0800, o3, n);
	ASSERT_EQ(decode_packet(&st, 1, fr, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.tunnel, 1);
	ASSERT(addr_is(&p.src, "192.0.2.1"));
	ASSERT_EQ(p.sport, 40000);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(p.payload_len, 5);
	ASSERT_EQ(st.c[DC_TUNNEL], 1);
	ASSERT_EQ(st.c[DC_IPV4], 2);
	ASSERT_EQ(anomalies(&st), 0);

	/* GTP-U carrying ICMP: no ports leak from the outer UDP header. */
	memset(&st, 0, sizeof(st));
	n = mk_ip4(l3, IPPROTO_ICMP, A4, B4, "\x08\0\0\0\0\0\0\0", 8);
	put16(g + 2, (uint16_t)n);
	memcpy(g + 8, l3, n);
	n = mk_udp(u, 2152, 2152, g, n + 8);
	n = mk_ip4(o3, IPPROTO_UDP, C4, D4, u, n);
	ASSERT_EQ(decode_packet(&st, 101, o3, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.proto, IPPROTO_ICMP);
	ASSERT_EQ(p.sport, 0);
	ASSERT_EQ(p.dport, 0);
	ASSERT_EQ(st.c[DC_TUNNEL], 1);

	/* A GTP control message (echo request) is just UDP. */
	memset(&st, 0, sizeof(st));
	g[1] = 0x01;
	n = mk_udp(u, 2152, 2152, g, 8);
	n = mk_ip4(o3, IPPROTO_UDP, C4, D4, u, n);
	ASSERT_EQ(decode_packet(&st, 101, o3, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT_EQ(p.tunnel, 0);
	ASSERT_EQ(p.dport, 2152);
	ASSERT_EQ(st.c[DC_TUNNEL], 0);
}

TEST(reassembled_keeps_link_fields)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	uint8_t l4[64], l3[128];
	size_t n;

	memset(&p, 0xaa, sizeof(p));
	p.ts_us = 99;
	p.wire_len = 1000;
	p.vlan[0] = 7;
	p.vlan[1] = 0;
	p.nvlan = 1;
	n = mk_udp(l4, 40000, 53, "hello", 5);
	n = mk_ip4f(l3, IPPROTO_UDP, A4, B4, 1, 0, l4, n);
	ASSERT_EQ(decode_reassembled(&st, l3, (uint32_t)n, &p), 0);
	ASSERT_EQ(p.ts_us, 99);
	ASSERT_EQ(p.wire_len, 1000);
	ASSERT_EQ(p.nvlan, 1);
	ASSERT_EQ(p.vlan[0], 7);
	ASSERT_EQ(p.frag, 0);
	ASSERT_EQ(p.dport, 53);
	ASSERT_EQ(decode_reassembled(&st, l3, 0, &p), -EINVAL);
}

TEST(addr_str)
{
	struct dec_stats st = { { 0 } };
	struct pkt p;
	struct ip_addr a;
	uint8_t fr[256];
	char b[64];
	size_t n = frame_udp4(fr);

	ASSERT_EQ(decode_packet(&st, 1, fr, (uint32_t)n, (uint32_t)n, 0, &p), 0);
	ASSERT(ip_addr_is_v4(&p.src));
	ASSERT_STR(ip_addr_str(&p.src, b, sizeof(b)), "192.0.2.1");
	ASSERT_STR(ip_addr_str(&p.dst, b, sizeof(b)), "198.51.100.2");
	memcpy(a.a, A6, 16);
	ASSERT(!ip_addr_is_v4(&a));
	ASSERT_STR(ip_addr_str(&a, b, sizeof(b)), "2001:db8::1");
	a.a[15] = 0;
	a.a[2] = 0xff;
	ASSERT_STR(ip_addr_str(&a, b, sizeof(b)), "2001:ffb8::");
	/* Too small a buffer: NULL, no overflow. */
	ASSERT(ip_addr_str(&p.src, b, 4) == NULL);
}

int
main(void)
{
	RUN(cursor_bounds);
	RUN(counter_names);
	RUN(eth_ipv4_tcp);
	RUN(eth_ipv4_udp);
	RUN(non_ip_and_bad_l4);
	RUN(vlan_8021q);
	RUN(vlan_qinq);
	RUN(vlan_too_deep);
	RUN(ipv6_ext_headers);
	RUN(ipv6_ext_too_many);
	RUN(ipv4_bad_hlen);
	RUN(truncated_every_length);
	RUN(snaplen_cut_udp);
	RUN(snaplen_cut_tcp);
	RUN(udp_len_beyond_ip);
	RUN(ipv4_fragments);
	RUN(ipv6_fragment_header);
	RUN(linktypes);
	RUN(unknown_linktype);
	RUN(pppoe_session);
	RUN(mpls);
	RUN(gre_ip);
	RUN(ip_in_ip);
	RUN(tunnel_too_deep);
	RUN(vxlan);
	RUN(gtpu);
	RUN(reassembled_keeps_link_fields);
	RUN(addr_str);
	return TEST_END();
}
