/*
 * fuzz_decode.c - libFuzzer harness for packet decode and IP defrag: the
 * first byte picks the link type (every one decode_packet knows, plus an
 * unknown one), the second the snap length cut; the rest is the frame.
 * Fragments go through one long-lived defrag table so reassembly across
 * inputs is exercised, and a rebuilt datagram is decoded again.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/defrag.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = { 0, 1, 9, 50, 104, 12, 14, 101, 108, 113,
    228, 229, 276, 147 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct defrag *df;
	static uint64_t ts;
	struct dec_stats st;
	struct pkt p;
	const uint8_t *l3;
	uint32_t caplen, len;
	int lt;

	if (df == NULL && (df = defrag_new(64, 30)) == NULL)
		return 0;
	if (size < 2)
		return 0;
	lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	caplen = (uint32_t)(size - 2);
	if (data[1] & 0x80) {	/* a snap length cut: wire longer than caplen */
		uint32_t cut = (uint32_t)(data[1] & 0x7f) + caplen / 2;

		if (cut < caplen)
			caplen = cut;
	}
	memset(&st, 0, sizeof(st));
	memset(&p, 0, sizeof(p));
	ts += 1000;
	if (decode_packet(&st, lt, data + 2, caplen, (uint32_t)(size - 2) + 64,
	    ts, &p) != 0)
		return 0;
	if (p.frag && defrag_add(df, &p, &l3, &len) == 1)
		(void)decode_reassembled(&st, l3, len, &p);
	return 0;
}
