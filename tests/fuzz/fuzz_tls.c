/*
 * fuzz_tls.c - libFuzzer harness for the TLS hello parsers: the first byte
 * selects ClientHello (TCP or QUIC flavour of JA4) or ServerHello; the rest
 * is the handshake message.
 */
#include <stddef.h>
#include <stdint.h>

#include "dpi/tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_hello h;
	uint16_t v;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
	case 1:
		(void)tls_parse_client_hello(data + 1, size - 1, data[0] % 3,
		    &h);
		break;
	default:
		(void)tls_parse_server_hello(data + 1, size - 1, &v);
		break;
	}
	return 0;
}
