/*
 * fuzz_body.c - libFuzzer harness for the body decoders: the first byte
 * picks the content type and encoding (gzip/deflate through zlib with the
 * bomb caps, multipart, urlencoded, JSON), the second the piece size.
 * Build: clang -fsanitize=fuzzer,address -Isensor tests/fuzz/fuzz_body.c
 *        sensor/dlp/body.c -lz
 */
#include <stddef.h>
#include <stdint.h>

#include "dlp/body.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t out_bytes;

static void
sink(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	if (n > 0)
		out_bytes += n + p[n - 1];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *ct[] = { "text/plain", "application/json",
	    "application/x-www-form-urlencoded",
	    "multipart/form-data; boundary=xYz", "multipart/mixed; boundary=\"a\"",
	    "multipart/form-data" };
	static const char *ce[] = { NULL, "gzip", "deflate", "br" };
	static uint8_t arena[BODY_ARENA_MIN + 16384];
	struct body_dec b;
	size_t i, n, step;

	if (size < 2)
		return 0;
	body_init(&b, ct[data[0] % 6], ce[(data[0] >> 4) % 4], arena,
	    sizeof(arena), sink, NULL);
	body_set_caps(&b, 1u << 20, 50);
	step = (size_t)data[1] + 1;
	data += 2;
	size -= 2;
	for (i = 0; i < size; i += n) {
		n = size - i < step ? size - i : step;
		if (body_feed(&b, data + i, n) < 0)
			break;
	}
	body_end(&b);
	return 0;
}
