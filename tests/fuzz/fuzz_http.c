/*
 * fuzz_http.c - libFuzzer harness for the streaming HTTP/1.x request
 * parser: the input is split at sizes taken from its first bytes.
 * Build: clang -fsanitize=fuzzer,address -Isensor tests/fuzz/fuzz_http.c
 *        sensor/dpi/http.c lib/common/str.c
 */
#include <stddef.h>
#include <stdint.h>

#include "dpi/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t body_bytes;

static void
on_req(void *arg, const struct http_req *r)
{
	(void)arg;
	body_bytes += r->method[0] != '\0';
}

static void
on_body(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	if (n > 0)
		body_bytes += p[0] + p[n - 1];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t scratch[8192];
	struct http_stream s = { 0 };
	struct http_cb cb = { on_req, on_body, NULL, NULL };
	size_t i, n;
	uint8_t step;

	struct http_resp r;

	if (size < 1)
		return 0;
	/* The same bytes as a response (server side, dispatch.c). */
	if (http_parse_response(data, size, &r) == 0 && r.status < 100)
		__builtin_trap();
	step = (uint8_t)(data[0] | 1);
	data++;
	size--;
	for (i = 0; i < size; i += n) {
		n = size - i < step ? size - i : step;
		if (http_feed(&s, data + i, n, scratch, sizeof(scratch), &cb) !=
		    HTTP_FEED_OK)
			break;
	}
	return 0;
}
