/*
 * fuzz_dns.c - libFuzzer harness for DNS: the input is parsed as one UDP
 * message, then fed as a TCP byte stream (length-prefixed framing) in
 * pieces whose size comes from the first byte, each framed message parsed.
 */
#include <stddef.h>
#include <stdint.h>

#include "dpi/dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_msg(void *arg, const uint8_t *msg, size_t len)
{
	struct dns_msg m;

	(void)arg;
	(void)dns_parse(msg, len, &m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t scratch[2 + 4096];
	struct dns_msg m;
	struct dns_tcp t = { 0 };
	size_t i, n, step;

	if (size < 1)
		return 0;
	(void)dns_parse(data + 1, size - 1, &m);
	step = (size_t)data[0] + 1;
	for (i = 1; i < size; i += n) {
		n = size - i < step ? size - i : step;
		if (dns_tcp_feed(&t, data + i, n, scratch, sizeof(scratch),
		    on_msg, NULL) != 0)
			break;
	}
	return 0;
}
