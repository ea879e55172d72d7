/*
 * test_tls.c - unit tests for dpi/tls.c: ClientHello/ServerHello fields,
 * JA3/JA4 against tshark and the FoxIO spec, and the record walker.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/str.h"
#include "dpi/tls.h"
#include "test.h"

/*
 * Client's first TCP payload from tests/data/tls/
 * openssl-loopback-chat.openai.com.pcap (frame 4): `openssl s_client
 * -servername Chat.OpenAI.com -alpn h2,http/1.1` (OpenSSL 3.0) to an
 * `openssl s_server` on 127.0.0.1.  tshark 4.0 reports for it:
 * tls.handshake.ja3 = 5a1edc7f170af1014fc65c994878e63c.
 */
static const uint8_t real_ch_rec[339] = {
	0x16, 0x03, 0x01, 0x01, 0x4e, 0x01, 0x00, 0x01, 0x4a, 0x03, 0x03, 0x03,
	0x0f, 0xed, 0x1f, 0x8b, 0x89, 0x0d, 0xe9, 0x59, 0x4c, 0x4d, 0x39, 0x72,
	0x30, 0x0c, 0xba, 0xb1, 0x28, 0xb8, 0x72, 0x35, 0x10, 0x72, 0x6e, 0x3a,
	0xda, 0x73, 0xa6, 0x6c, 0x73, 0x2d, 0x47, 0x20, 0x3b, 0xc4, 0xc9, 0x6b,
	0x16, 0x23, 0x50, 0x9d, 0x7d, 0xaa, 0x4d, 0xb7, 0xc8, 0xb0, 0x8d, 0xc6,
	0xb6, 0x83, 0x4b, 0x08, 0x6f, 0xf1, 0x63, 0x5f, 0x66, 0x9b, 0xa7, 0x9e,
	0x5b, 0x04, 0x37, 0x84, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
	0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
	0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
	0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
	0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
	0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0xc3,
	0x00, 0x00, 0x00, 0x14, 0x00, 0x12, 0x00, 0x00, 0x0f, 0x43, 0x68, 0x61,
	0x74, 0x2e, 0x4f, 0x70, 0x65, 0x6e, 0x41, 0x49, 0x2e, 0x63, 0x6f, 0x6d,
	0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x16,
	0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18,
	0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00, 0x23,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08,
	0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00, 0x00,
	0x00, 0x17, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03,
	0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a,
	0x08, 0x0b, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01,
	0x06, 0x01, 0x03, 0x03, 0x03, 0x01, 0x03, 0x02, 0x04, 0x02, 0x05, 0x02,
	0x06, 0x02, 0x00, 0x2b, 0x00, 0x09, 0x08, 0x03, 0x04, 0x03, 0x03, 0x03,
	0x02, 0x03, 0x01, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x33, 0x00,
	0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x41, 0xd8, 0x5f, 0x25, 0x1c,
	0xcc, 0x26, 0x5c, 0xaa, 0x95, 0x23, 0x13, 0x4a, 0x0b, 0x71, 0xfd, 0x4e,
	0x0b, 0xa1, 0x28, 0xeb, 0x09, 0x7b, 0xed, 0xc6, 0x5e, 0x4c, 0x92, 0x7b,
	0xe3, 0xa8, 0x2b,
};

/* First record of the server's reply (frame 6): the ServerHello. */
static const uint8_t real_sh_rec[127] = {
	0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0x3d,
	0x1f, 0x9d, 0x09, 0x1a, 0xf1, 0xb6, 0xd8, 0xe5, 0x74, 0xc2, 0x13, 0x28,
	0x2f, 0xc7, 0x35, 0xc7, 0xb1, 0x19, 0x6e, 0xc2, 0x6f, 0x11, 0x33, 0xed,
	0xf2, 0x23, 0x4c, 0xc8, 0x2e, 0x0c, 0x4d, 0x20, 0x3b, 0xc4, 0xc9, 0x6b,
	0x16, 0x23, 0x50, 0x9d, 0x7d, 0xaa, 0x4d, 0xb7, 0xc8, 0xb0, 0x8d, 0xc6,
	0xb6, 0x83, 0x4b, 0x08, 0x6f, 0xf1, 0x63, 0x5f, 0x66, 0x9b, 0xa7, 0x9e,
	0x5b, 0x04, 0x37, 0x84, 0x13, 0x02, 0x00, 0x00, 0x2e, 0x00, 0x2b, 0x00,
	0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x0e,
	0xb3, 0x2a, 0xe6, 0x22, 0xca, 0xff, 0xaa, 0xaf, 0x13, 0x81, 0x18, 0x8d,
	0x02, 0xeb, 0x49, 0x6e, 0x05, 0x8f, 0xa8, 0xb0, 0xd7, 0x6a, 0x41, 0x0a,
	0xde, 0x94, 0x6e, 0x8d, 0x39, 0xdb, 0x22,
};

/* Offset of the extensions block length in real_ch_rec + 5. */
#define CH_EXTS_AT	(4 + 2 + 32 + 1 + 32 + 2 + 62 + 1 + 1)
#define REAL_JA3 "5a1edc7f170af1014fc65c994878e63c"
/* Computed independently (Python hashlib over tshark's decoded fields). */
#define REAL_JA4 "t13d3111h2_e8f1e7e78f70_1f22a2ca17c4"

/* ---- a tiny byte writer to craft hellos ------------------------------- */

struct bw {
	uint8_t	b[20000];
	size_t	n;
};

static void
put8(struct bw *w, size_t v)
{
	w->b[w->n++] = (uint8_t)v;
}

static void
put16(struct bw *w, size_t v)
{
	put8(w, v >> 8);
	put8(w, v & 0xff);
}

static void
putn(struct bw *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

/* patch a big-endian length of ${sz} bytes at ${at}: bytes after it. */
static void
patch(struct bw *w, size_t at, size_t sz)
{
	size_t len = w->n - at - sz, i;

	for (i = 0; i < sz; i++)
		w->b[at + i] = (uint8_t)(len >> (8 * (sz - 1 - i)));
}

static void
ext_empty(struct bw *w, unsigned type)
{
	put16(w, type);
	put16(w, 0);
}

static void
ext_sni(struct bw *w, const char *name, size_t len)
{
	put16(w, 0x0000);
	put16(w, len + 5);
	put16(w, len + 3);
	put8(w, 0);
	put16(w, len);
	putn(w, name, len);
}

/* ALPN from a NUL-separated list ending in an empty name. */
static void
ext_alpn(struct bw *w, const char *list)
{
	size_t at;

	put16(w, 0x0010);
	at = w->n;
	put16(w, 0);
	put16(w, 0);
	for (; *list != '\0'; list += strlen(list) + 1) {
		put8(w, (unsigned)strlen(list));
		putn(w, list, strlen(list));
	}
	patch(w, at + 2, 2);
	patch(w, at, 2);
}

/* Extension whose body is a 16-bit length + 16-bit values (u8len: 8-bit). */
static void
ext_u16s(struct bw *w, unsigned type, const uint16_t *v, size_t n, int u8len)
{
	size_t i;

	put16(w, type);
	put16(w, 2 * n + (u8len ? 1 : 2));
	if (u8len)
		put8(w, (unsigned)(2 * n));
	else
		put16(w, 2 * n);
	for (i = 0; i < n; i++)
		put16(w, v[i]);
}

/*
 * hello(w, ciphers, nc, exts, ext_len): handshake message ClientHello
 * (type + 24-bit length + body) with the given ciphers and extension bytes.
 */
static void
hello(struct bw *w, const uint16_t *ciphers, size_t nc, const struct bw *e)
{
	size_t i;

	w->n = 0;
	put8(w, 1);
	put8(w, 0);
	put16(w, 0);
	put16(w, 0x0303);
	for (i = 0; i < 32; i++)
		put8(w, i);
	put8(w, 0);			/* session id */
	put16(w, 2 * nc);
	for (i = 0; i < nc; i++)
		put16(w, ciphers[i]);
	put8(w, 1);
	put8(w, 0);			/* null compression */
	put16(w, e->n);
	putn(w, e->b, e->n);
	patch(w, 1, 3);
}

/* record(w, type, p, n): append one TLS record holding p[0..n). */
static void
record(struct bw *w, unsigned type, const uint8_t *p, size_t n)
{
	put8(w, type);
	put16(w, 0x0303);
	put16(w, n);
	if (p != NULL)
		putn(w, p, n);
	else {
		memset(w->b + w->n, 0, n);
		w->n += n;
	}
}

/* The FoxIO JA4 spec example (technical_details/JA4.md), plus GREASE. */
static const uint16_t spec_ciphers[] = {
	0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
	0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};
static const uint16_t spec_sigalgs[] = {
	0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
};

static void
spec_exts(struct bw *e, int grease, int ech)
{
	static const uint16_t vers[] = { 0x2a2a, 0x0304, 0x0303 };
	static const uint16_t groups[] = { 0x3a3a, 0x001d, 0x0017, 0x0018 };
	static const uint8_t pf[] = { 0x01, 0x00 };

	e->n = 0;
	if (grease)
		ext_empty(e, 0x1a1a);
	ext_empty(e, 0x001b);
	ext_sni(e, "www.Example.com", 15);
	ext_empty(e, 0x0033);
	ext_alpn(e, "h2\0http/1.1\0");
	ext_empty(e, 0x4469);
	ext_empty(e, 0x0017);
	ext_empty(e, 0x002d);
	ext_u16s(e, 0x000d, spec_sigalgs, 8, 0);
	ext_empty(e, 0x0005);
	ext_empty(e, 0x0023);
	ext_empty(e, 0x0012);
	ext_u16s(e, 0x002b, vers + !grease, 3 - !grease, 1);
	ext_empty(e, 0xff01);
	put16(e, 0x000b);
	put16(e, 2);
	putn(e, pf, 2);
	ext_u16s(e, 0x000a, groups + !grease, 4 - !grease, 0);
	if (ech) {
		put16(e, 0xfe0d);
		put16(e, 4);
		put16(e, 0);		/* outer ECHClientHello, cut short */
		put16(e, 0x0001);
	}
	ext_empty(e, 0x0015);
	if (grease)
		ext_empty(e, 0x2a2a);
}

static void
spec_hello(struct bw *w, int grease, int ech)
{
	struct bw e;

	spec_exts(&e, grease, ech);
	hello(w, spec_ciphers + !grease, 16 - !grease, &e);
}

/* ---- ClientHello ------------------------------------------------------ */

TEST(real_client_hello)
{
	struct tls_hello h;

	ASSERT_EQ(tls_parse_client_hello(real_ch_rec + 5,
	    sizeof(real_ch_rec) - 5, 0, &h), 0);
	ASSERT_STR(h.sni, "chat.openai.com");
	ASSERT_EQ(h.has_sni, 1);
	ASSERT_STR(h.alpn, "h2,http/1.1");
	ASSERT_EQ(h.legacy_version, 0x0303);
	ASSERT_EQ(h.max_version, 0x0304);
	ASSERT_EQ(h.ech, 0);
	ASSERT_STR(h.ja3, REAL_JA3);
	ASSERT_STR(h.ja4, REAL_JA4);
	ASSERT_STR(tls_version_str(h.max_version), "TLSv1.3");
}

TEST(real_client_hello_quic_prefix)
{
	struct tls_hello h;

	ASSERT_EQ(tls_parse_client_hello(real_ch_rec + 5,
	    sizeof(real_ch_rec) - 5, 1, &h), 0);
	ASSERT_EQ(h.ja4[0], 'q');
	ASSERT_STR(h.ja4 + 1, REAL_JA4 + 1);
	ASSERT_STR(h.ja3, REAL_JA3);
}

TEST(ja4_spec_example)
{
	struct tls_hello h;
	struct bw w;

	spec_hello(&w, 1, 0);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_STR(h.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	ASSERT_STR(h.sni, "www.example.com");
	ASSERT_STR(h.alpn, "h2,http/1.1");
	ASSERT_EQ(h.max_version, 0x0304);
}

TEST(ja3_grease_ignored)
{
	struct tls_hello a, b;
	struct bw w;

	spec_hello(&w, 0, 0);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &a), 0);
	spec_hello(&w, 1, 0);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &b), 0);
	/* md5 of "771,4865-...-53,27-0-51-...-21,29-23-24,0" (md5sum) */
	ASSERT_STR(a.ja3, "c000e2caf3a25423f9de6c8a4b12a975");
	ASSERT_STR(b.ja3, a.ja3);
	ASSERT_STR(b.ja4, a.ja4);
}

TEST(ech_extension)
{
	struct tls_hello h;
	struct bw w;
	size_t n = sizeof(real_ch_rec) - 5;

	spec_hello(&w, 0, 1);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_EQ(h.ech, 1);
	ASSERT_EQ(memcmp(h.ja4, "t13d1517h2_", 11), 0);

	/* Real hello with 0xfe0d appended and all lengths patched. */
	memcpy(w.b, real_ch_rec + 5, n);
	w.n = n;
	put16(&w, 0xfe0d);
	put16(&w, 3);
	put8(&w, 1);			/* ECHClientHello type: inner */
	put16(&w, 0);
	patch(&w, 1, 3);
	patch(&w, CH_EXTS_AT, 2);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_EQ(h.ech, 1);
	ASSERT_STR(h.sni, "chat.openai.com");
	ASSERT(strcmp(h.ja3, REAL_JA3) != 0);
	ASSERT_EQ(memcmp(h.ja4, "t13d3112h2_e8f1e7e78f70_", 24), 0);
}

TEST(truncated_hello)
{
	struct tls_hello h;
	uint8_t buf[sizeof(real_ch_rec)];
	size_t n = sizeof(real_ch_rec) - 5, i;

	for (i = 0; i < n; i++)
		ASSERT_EQ(tls_parse_client_hello(real_ch_rec + 5, i, 0, &h),
		    -EINVAL);
	/*
	 * Prefixes whose handshake length claims exactly that prefix: only
	 * the cut right after compression_methods (no extensions) is valid.
	 */
	for (i = 4; i < n; i++) {
		memcpy(buf, real_ch_rec + 5, i);
		buf[1] = (uint8_t)((i - 4) >> 16);
		buf[2] = (uint8_t)((i - 4) >> 8);
		buf[3] = (uint8_t)(i - 4);
		ASSERT_EQ(tls_parse_client_hello(buf, i, 0, &h),
		    i == CH_EXTS_AT ? 0 : -EINVAL);
	}
	/* Wrong handshake type. */
	memcpy(buf, real_ch_rec + 5, n);
	buf[0] = 2;
	ASSERT_EQ(tls_parse_client_hello(buf, n, 0, &h), -EINVAL);
}

TEST(garbage_hello)
{
	static const uint8_t junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct tls_hello h;

	ASSERT_EQ(tls_parse_client_hello(junk, sizeof(junk) - 1, 0, &h),
	    -EINVAL);
	ASSERT_EQ(tls_parse_client_hello(junk, 0, 0, &h), -EINVAL);
}

TEST(long_sni_truncated)
{
	struct tls_hello h;
	struct bw w, e;
	char name[300];
	uint16_t c = 0x1301;
	size_t i;

	for (i = 0; i < sizeof(name); i++)
		name[i] = (char)('A' + i % 26);
	e.n = 0;
	ext_sni(&e, name, sizeof(name));
	hello(&w, &c, 1, &e);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_EQ(strlen(h.sni), TLS_SNI_MAX);
	ASSERT_EQ(h.sni[0], 'a');
	ASSERT_EQ(h.sni[254], 'a' + 254 % 26);
	ASSERT_EQ(h.has_sni, 1);
	ASSERT_STR(h.alpn, "");
	/* no ALPN and only TLS 1.2 */
	ASSERT_EQ(memcmp(h.ja4, "t12d010100_", 11), 0);
}

TEST(sni_control_bytes)
{
	static const char name[] = "a\x01" "B\x7f\xff.Example.COM.";
	static const char nul[] = "evil.com\0.good.com";
	struct tls_hello h;
	struct bw w, e;
	uint16_t c = 0x1301;

	e.n = 0;
	ext_sni(&e, name, sizeof(name) - 1);
	hello(&w, &c, 1, &e);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_STR(h.sni, "a\x01" "b\x7f\xff.example.com");
	e.n = 0;
	ext_sni(&e, nul, sizeof(nul) - 1);
	hello(&w, &c, 1, &e);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	/* Length-delimited: the NUL and what follows it are kept (issue 15). */
	ASSERT_EQ(h.sni_len, sizeof(nul) - 1);
	ASSERT_EQ(memcmp(h.sni, nul, sizeof(nul)), 0);
	ASSERT_STR(str_name_tail(h.sni, h.sni_len), "good.com");
	/* SNI list length that disagrees with the extension length. */
	w.b[4 + 2 + 32 + 1 + 2 + 2 + 2 + 2 + 2 + 1] ^= 1;
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), -EINVAL);
}

TEST(alpn_truncated_and_ja4_edges)
{
	static const uint8_t odd[] = { 0x00, 0x03, 0x02, 0x30, 0xab };
	struct tls_hello h;
	struct bw w, e;
	char list[12 * 41 + 1];
	uint16_t c = 0x1301;
	size_t i;

	/* 12 names of 40 chars: joined they would need 491 bytes */
	for (i = 0; i < 12; i++) {
		memset(list + 41 * i, 'a' + (int)i, 40);
		list[41 * i + 40] = '\0';
	}
	list[12 * 41] = '\0';
	e.n = 0;
	ext_alpn(&e, list);
	hello(&w, &c, 1, &e);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_EQ(strlen(h.alpn), TLS_ALPN_MAX);
	ASSERT_EQ(h.alpn[40], ',');
	ASSERT_EQ(h.alpn[41], 'b');
	/* no SNI -> 'i'; ALPN first and last char */
	ASSERT_EQ(memcmp(h.ja4, "t12i0101aa_", 11), 0);
	/* first ALPN {0x30,0xab} -> "3b" (JA4 spec) */
	e.n = 0;
	put16(&e, 0x0010);
	put16(&e, sizeof(odd));
	putn(&e, odd, sizeof(odd));
	hello(&w, &c, 1, &e);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_EQ(memcmp(h.ja4, "t12i01013b_", 11), 0);
	/* no extensions at all: "000000000000" for JA4_c */
	e.n = 0;
	hello(&w, &c, 1, &e);
	w.n -= 2;			/* drop the empty extensions block */
	patch(&w, 1, 3);
	ASSERT_EQ(tls_parse_client_hello(w.b, w.n, 0, &h), 0);
	ASSERT_EQ(h.max_version, 0x0303);
	ASSERT_EQ(memcmp(h.ja4 + 10, "_", 1), 0);
	ASSERT_STR(h.ja4 + 23, "_000000000000");
}

/* ---- ServerHello ------------------------------------------------------ */

static void
server_hello(struct bw *w, int hrr, int with_sv)
{
	size_t i;

	w->n = 0;
	put8(w, 2);
	put8(w, 0);
	put16(w, 0);
	put16(w, 0x0303);
	if (hrr) {
		static const uint8_t r[32] = {
			0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
			0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
			0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
			0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
		};
		putn(w, r, 32);
	} else {
		for (i = 0; i < 32; i++)
			put8(w, 0x40 + i);
	}
	put8(w, 0);
	put16(w, 0x1301);
	put8(w, 0);
	if (with_sv) {
		put16(w, 6);
		put16(w, 0x002b);
		put16(w, 2);
		put16(w, 0x0304);
	}
	patch(w, 1, 3);
}

TEST(server_hello_versions)
{
	uint16_t v = 0;
	struct bw w;
	size_t i, n = sizeof(real_sh_rec) - 5;

	ASSERT_EQ(tls_parse_server_hello(real_sh_rec + 5, n, &v), 0);
	ASSERT_EQ(v, 0x0304);
	server_hello(&w, 0, 0);
	ASSERT_EQ(tls_parse_server_hello(w.b, w.n, &v), 0);
	ASSERT_EQ(v, 0x0303);
	server_hello(&w, 1, 1);		/* HelloRetryRequest */
	ASSERT_EQ(tls_parse_server_hello(w.b, w.n, &v), 0);
	ASSERT_EQ(v, 0x0304);
	server_hello(&w, 1, 0);		/* HRR must carry supported_versions */
	ASSERT_EQ(tls_parse_server_hello(w.b, w.n, &v), -EINVAL);
	for (i = 0; i < n; i++)
		ASSERT_EQ(tls_parse_server_hello(real_sh_rec + 5, i, &v),
		    -EINVAL);
	ASSERT_EQ(tls_parse_server_hello(real_ch_rec + 5,
	    sizeof(real_ch_rec) - 5, &v), -EINVAL);
}

TEST(version_names)
{
	ASSERT_STR(tls_version_str(0x0303), "TLSv1.2");
	ASSERT_STR(tls_version_str(0x0301), "TLSv1");
	ASSERT_STR(tls_version_str(0x7f1c), "TLSv1.3 (draft)");
	ASSERT_STR(tls_version_str(0x1234), "UNDETERMINED");
}

/* ---- record walker ---------------------------------------------------- */

/* The real hello re-framed as two records (cut at byte ${cut}). */
static void
two_records(struct bw *w, size_t cut)
{
	const uint8_t *m = real_ch_rec + 5;
	size_t n = sizeof(real_ch_rec) - 5;

	w->n = 0;
	record(w, 22, m, cut);
	record(w, 22, m + cut, n - cut);
}

/* feed(d, p, n, chunk, ...): feed in ${chunk}-byte segments. */
static int
feed(struct tls_dir *d, const uint8_t *p, size_t n, size_t chunk,
    uint8_t *scratch, size_t cap, size_t *msg_len, int *hellos)
{
	size_t k;
	int rc = TLS_FEED_MORE;

	*hellos = 0;
	while (n > 0 && rc != TLS_FEED_NOT_TLS) {
		k = n < chunk ? n : chunk;
		rc = tls_dir_feed(d, p, k, scratch, cap, msg_len);
		*hellos += rc == TLS_FEED_HELLO;
		p += k;
		n -= k;
	}
	return rc;
}

TEST(dir_single_segment)
{
	struct tls_dir d;
	struct tls_hello h;
	uint8_t scratch[2048];
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec, sizeof(real_ch_rec),
	    scratch, sizeof(scratch), &len), TLS_FEED_HELLO);
	ASSERT_EQ(len, sizeof(real_ch_rec) - 5);
	ASSERT_EQ(d.state, TLS_DIR_COUNTING);
	ASSERT_EQ(tls_parse_client_hello(scratch, len, 0, &h), 0);
	ASSERT_STR(h.ja3, REAL_JA3);
}

TEST(dir_two_records)
{
	struct tls_dir d;
	uint8_t scratch[2048];
	struct bw w;
	size_t len = 0, cut;
	int hellos;

	/* cuts inside the handshake header and inside the body */
	for (cut = 1; cut < sizeof(real_ch_rec) - 5; cut += 37) {
		two_records(&w, cut);
		memset(&d, 0, sizeof(d));
		ASSERT_EQ(feed(&d, w.b, w.n, w.n, scratch, sizeof(scratch),
		    &len, &hellos), TLS_FEED_HELLO);
		ASSERT_EQ(len, sizeof(real_ch_rec) - 5);
		ASSERT_EQ(memcmp(scratch, real_ch_rec + 5, len), 0);
	}
}

TEST(dir_two_records_7byte_segments)
{
	struct tls_dir d;
	struct tls_hello h;
	uint8_t scratch[2048];
	struct bw w;
	size_t len = 0, i;
	int hellos;

	two_records(&w, 100);
	memset(&d, 0, sizeof(d));
	/* three 7-byte segments: record header split, nothing complete */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(tls_dir_feed(&d, w.b + 7 * i, 7, scratch,
		    sizeof(scratch), &len), TLS_FEED_MORE);
	ASSERT_EQ(d.state, TLS_DIR_HANDSHAKE);
	ASSERT_EQ(d.hs_len, 16);
	ASSERT_EQ(feed(&d, w.b + 21, w.n - 21, 7, scratch, sizeof(scratch),
	    &len, &hellos), TLS_FEED_HELLO);
	ASSERT_EQ(hellos, 1);
	ASSERT_EQ(tls_parse_client_hello(scratch, len, 0, &h), 0);
	ASSERT_STR(h.sni, "chat.openai.com");
	ASSERT_STR(h.ja4, REAL_JA4);
	/* byte by byte, too */
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(feed(&d, w.b, w.n, 1, scratch, sizeof(scratch), &len,
	    &hellos), TLS_FEED_HELLO);
	ASSERT_EQ(hellos, 1);
	ASSERT_EQ(memcmp(scratch, real_ch_rec + 5, len), 0);
}

TEST(dir_header_split)
{
	struct tls_dir d;
	uint8_t scratch[2048];
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec, 3, scratch, sizeof(scratch),
	    &len), TLS_FEED_MORE);
	ASSERT_EQ(d.hdr_len, 3);
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec + 3, 2, scratch,
	    sizeof(scratch), &len), TLS_FEED_MORE);
	ASSERT_EQ(d.hdr_len, 0);
	ASSERT_EQ(d.rec_left, sizeof(real_ch_rec) - 5);
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec + 5, sizeof(real_ch_rec) - 5,
	    scratch, sizeof(scratch), &len), TLS_FEED_HELLO);
	ASSERT_EQ(len, sizeof(real_ch_rec) - 5);
}

/*
 * Server flight as captured: ServerHello, ChangeCipherSpec and four
 * application_data records of 32, 801, 281 and 69 bytes (tshark
 * tls.record.length); bodies zeroed here.
 */
TEST(dir_app_counting)
{
	static const size_t app[] = { 32, 801, 281, 69 };
	static const uint8_t ccs = 1;
	struct tls_dir d;
	uint8_t scratch[2048];
	struct bw w;
	size_t len = 0, i;
	uint16_t v = 0;
	int hellos;

	w.n = 0;
	putn(&w, real_sh_rec, sizeof(real_sh_rec));
	record(&w, 20, &ccs, 1);
	for (i = 0; i < 4; i++)
		record(&w, 23, NULL, app[i]);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, w.b, w.n, scratch, sizeof(scratch), &len),
	    TLS_FEED_HELLO);
	ASSERT_EQ(tls_parse_server_hello(scratch, len, &v), 0);
	ASSERT_EQ(v, 0x0304);
	ASSERT_EQ(d.app_records, 4);
	ASSERT_EQ(d.app_bytes, 32 + 801 + 281 + 69);
	/* more app data in odd segments, scratch no longer needed */
	w.n = 0;
	record(&w, 23, NULL, 16000);
	record(&w, 21, NULL, 2);
	record(&w, 23, NULL, 0);
	ASSERT_EQ(feed(&d, w.b, w.n, 1000, NULL, 0, &len, &hellos),
	    TLS_FEED_MORE);
	ASSERT_EQ(hellos, 0);
	ASSERT_EQ(d.app_records, 6);
	ASSERT_EQ(d.app_bytes, 1183 + 16000);
	/* Another feed in one go gives no second HELLO. */
	ASSERT_EQ(tls_dir_feed(&d, w.b, 5 + 16000, NULL, 0, &len),
	    TLS_FEED_MORE);
	ASSERT_EQ(d.app_records, 7);
}

TEST(dir_not_tls)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	/* SSLv2-framed ClientHello (2-byte header, msg type 1) */
	static const uint8_t sslv2[] = { 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00 };
	static const uint8_t badver[] = { 0x16, 0x02, 0x00, 0x00, 0x10 };
	static const uint8_t toolong[] = { 0x16, 0x03, 0x01, 0x48, 0x01 };
	static const uint8_t ssh[] = "SSH-2.0-OpenSSH_9.2\r\n";
	struct tls_dir d;
	uint8_t scratch[2048];
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, http, 1, scratch, sizeof(scratch), &len),
	    TLS_FEED_NOT_TLS);
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec, sizeof(real_ch_rec), scratch,
	    sizeof(scratch), &len), TLS_FEED_NOT_TLS);	/* sticky */
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, sslv2, sizeof(sslv2), scratch,
	    sizeof(scratch), &len), TLS_FEED_NOT_TLS);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, badver, sizeof(badver), scratch,
	    sizeof(scratch), &len), TLS_FEED_NOT_TLS);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, toolong, sizeof(toolong), scratch,
	    sizeof(scratch), &len), TLS_FEED_NOT_TLS);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, ssh, sizeof(ssh) - 1, scratch,
	    sizeof(scratch), &len), TLS_FEED_NOT_TLS);
	ASSERT_EQ(d.state, TLS_DIR_NOT_TLS);
}

TEST(dir_hello_too_big)
{
	struct tls_dir d;
	uint8_t scratch[64];
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec, sizeof(real_ch_rec), scratch,
	    sizeof(scratch), &len), TLS_FEED_NOT_TLS);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(tls_dir_feed(&d, real_ch_rec, sizeof(real_ch_rec), NULL, 0,
	    &len), TLS_FEED_NOT_TLS);
}

TEST(dir_garbage_sweep)
{
	struct tls_dir d;
	uint8_t scratch[512], junk[600];
	size_t len = 0, i, j;
	uint32_t x = 12345;

	/* pseudo-random input that starts like a handshake record */
	for (j = 0; j < 200; j++) {
		for (i = 0; i < sizeof(junk); i++) {
			x = x * 1103515245u + 12345u;
			junk[i] = (uint8_t)(x >> 16);
		}
		junk[0] = 22;
		junk[1] = 3;
		junk[2] = 1;
		junk[3] = (uint8_t)(j & 1);
		memset(&d, 0, sizeof(d));
		(void)tls_dir_feed(&d, junk, sizeof(junk), scratch,
		    sizeof(scratch), &len);
		ASSERT(d.state <= TLS_DIR_NOT_TLS);
		ASSERT(d.hs_len <= sizeof(scratch));
	}
}

int
main(void)
{
	RUN(real_client_hello);
	RUN(real_client_hello_quic_prefix);
	RUN(ja4_spec_example);
	RUN(ja3_grease_ignored);
	RUN(ech_extension);
	RUN(truncated_hello);
	RUN(garbage_hello);
	RUN(long_sni_truncated);
	RUN(sni_control_bytes);
	RUN(alpn_truncated_and_ja4_edges);
	RUN(server_hello_versions);
	RUN(version_names);
	RUN(dir_single_segment);
	RUN(dir_two_records);
	RUN(dir_two_records_7byte_segments);
	RUN(dir_header_split);
	RUN(dir_app_counting);
	RUN(dir_not_tls);
	RUN(dir_hello_too_big);
	RUN(dir_garbage_sweep);
	printf("# sizeof(struct tls_hello) = %zu, sizeof(struct tls_dir) = %zu\n",
	    sizeof(struct tls_hello), sizeof(struct tls_dir));
	return TEST_END();
}
