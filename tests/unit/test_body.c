/*
 * test_body.c - request body decoding: JSON escapes (incl. surrogate
 * pairs), urlencoded, multipart with a file part, gzip/deflate (zlib and
 * raw), the bomb caps, and everything fed in 7-byte and 1-byte pieces.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dlp/body.h"
#include "test.h"

static uint8_t OUT[1 << 20];
static size_t OUTN;
static uint8_t ARENA[BODY_ARENA_MIN + 16384];

static void
sink(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	if (OUTN + n <= sizeof(OUT)) {
		memcpy(OUT + OUTN, p, n);
		OUTN += n;
	}
	OUT[OUTN < sizeof(OUT) ? OUTN : sizeof(OUT) - 1] = '\0';
}

/* Decode ${p} fed in ${piece}-byte pieces (0: at once); returns the rc of
 * the last body_feed. */
static int
decode(const char *ct, const char *ce, const uint8_t *p, size_t n,
    size_t piece)
{
	struct body_dec b;
	size_t i, k;
	int rc = 0;

	OUTN = 0;
	OUT[0] = '\0';
	body_init(&b, ct, ce, ARENA, sizeof(ARENA), sink, NULL);
	if (piece == 0)
		piece = n ? n : 1;
	for (i = 0; i < n; i += k) {
		k = n - i < piece ? n - i : piece;
		rc = body_feed(&b, p + i, k);
	}
	body_end(&b);
	return rc;
}

static int
has(const char *needle)
{
	return memmem(OUT, OUTN, needle, strlen(needle)) != NULL;
}

TEST(json_escapes)
{
	static const char j[] = "{\"messages\":[{\"role\":\"user\",\"content\":"
	    "\"Caf\\u00e9 \\ud83d\\ude00\\nBSN: 111222333\\tok \\\"q\\\" a\\/b\"}],"
	    "\"n\":123456789}";
	size_t piece;

	for (piece = 0; piece <= 7; piece += 1) {
		ASSERT_EQ(decode("application/json; charset=utf-8", NULL,
		    (const uint8_t *)j, strlen(j), piece), 0);
		ASSERT(has("Caf\xc3\xa9 \xf0\x9f\x98\x80\nBSN: 111222333\tok \"q\" a/b"));
		ASSERT(has("content: "));
		ASSERT(has("n: 123456789"));
	}
}

TEST(form_urlencoded)
{
	static const char f[] = "name=Jan+de+Vries&bsn=111%20222%20333&iban="
	    "NL91%41BNA0417164300&bad=%zz%4";
	size_t piece;

	for (piece = 0; piece <= 7; piece++) {
		decode("application/x-www-form-urlencoded", "", (const uint8_t *)f,
		    strlen(f), piece);
		ASSERT(has("name: Jan de Vries\nbsn: 111 222 333\n"));
		ASSERT(has("iban: NL91ABNA0417164300"));
		ASSERT(has("bad: %zz%4"));
	}
}

TEST(multipart_with_file)
{
	static const char m[] =
	    "--XyZb0und\r\n"
	    "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
	    "assistants\r\n"
	    "--XyZb0und\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"dossier.txt\"\r\n"
	    "Content-Type: text/plain\r\n\r\n"
	    "Client dossier\r\n--XyZb0un not yet\r\nBSN 111222333\r\n"
	    "--XyZb0und--\r\nepilogue BSN 999999999\r\n";
	size_t piece;

	for (piece = 0; piece <= 7; piece++) {
		decode("multipart/form-data; boundary=XyZb0und", NULL,
		    (const uint8_t *)m, strlen(m), piece);
		ASSERT(has("purpose: assistants\n"));
		ASSERT(has("file: dossier.txt\n"));
		ASSERT(has("Client dossier\r\n--XyZb0un not yet\r\nBSN 111222333\n"));
		ASSERT(!has("XyZb0und"));
		ASSERT(!has("999999999"));
	}
	ASSERT_EQ(decode("multipart/form-data", NULL, (const uint8_t *)"x", 1, 0), 0);
	ASSERT(has("x"));		/* no boundary: raw */
}

static size_t
zcompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int wbits)
{
	z_stream z;
	size_t got;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	got = cap - z.avail_out;
	deflateEnd(&z);
	return got;
}

TEST(gzip_and_deflate)
{
	static const char j[] = "{\"prompt\":\"Patient BSN 111222333, IBAN "
	    "NL91ABNA0417164300\"}";
	static uint8_t z[4096];
	static const int wb[3] = { 15 + 16, 15, -15 };
	static const char *ce[3] = { "gzip", "deflate", "deflate" };
	size_t n, piece;
	int k;

	for (k = 0; k < 3; k++) {
		n = zcompress((const uint8_t *)j, strlen(j), z, sizeof(z), wb[k]);
		ASSERT(n > 0);
		for (piece = 0; piece <= 7; piece += 7) {
			ASSERT_EQ(decode("application/json", ce[k], z, n, piece), 0);
			ASSERT(has("prompt: Patient BSN 111222333, IBAN NL91ABNA0417164300"));
		}
	}
	/* Corrupt data is reported, not decoded. */
	memset(z, 0xff, 64);
	ASSERT_EQ(decode("text/plain", "gzip", z, 64, 0), -EBADMSG);
	/* Brotli is not decoded. */
	ASSERT_EQ(decode("text/plain", "br", z, 64, 0), -ENOTSUP);
	ASSERT_EQ(OUTN, 0);
}

TEST(bomb_capped)
{
	static uint8_t z[64 * 1024];
	uint8_t *zeros;
	size_t n, zn = 32u << 20;
	int rc;

	zeros = calloc(1, zn);
	ASSERT(zeros != NULL);
	n = zcompress(zeros, zn, z, sizeof(z), 15 + 16);
	free(zeros);
	ASSERT(n > 0 && n < sizeof(z));		/* ~1000:1 */
	rc = decode("text/plain", "gzip", z, n, 1460);
	ASSERT_EQ(rc, -E2BIG);
	ASSERT(OUTN < (uint64_t)BODY_RATIO_DEFAULT * n + 70000);
}

TEST(absolute_cap)
{
	struct body_dec b;
	static uint8_t z[16384];
	static uint8_t txt[200000];
	size_t n, i;

	for (i = 0; i < sizeof(txt); i++)
		txt[i] = (uint8_t)("lorem ipsum dolor sit amet "[i % 27]);
	n = zcompress(txt, sizeof(txt), z, sizeof(z), 15 + 16);
	OUTN = 0;
	body_init(&b, "text/plain", "gzip", ARENA, sizeof(ARENA), sink, NULL);
	body_set_caps(&b, 100000, 100000);
	ASSERT_EQ(body_feed(&b, z, n), -E2BIG);
	ASSERT(OUTN <= 100000);
	body_end(&b);
}

TEST(raw_passthrough)
{
	ASSERT_EQ(decode("text/plain", NULL, (const uint8_t *)"abc", 3, 1), 0);
	ASSERT_EQ(OUTN, 3);
	ASSERT(has("abc"));
}

int
main(void)
{
	RUN(json_escapes);
	RUN(form_urlencoded);
	RUN(multipart_with_file);
	RUN(gzip_and_deflate);
	RUN(bomb_capped);
	RUN(absolute_cap);
	RUN(raw_passthrough);
	return TEST_END();
}
