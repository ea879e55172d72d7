/*
 * fuzz_dlp.c - libFuzzer harness for the DLP engine: arbitrary bytes fed
 * in pieces whose sizes come from the input, with a small budget, so the
 * carry-over, PEM state machine and validators see hostile data.
 * Build: clang -fsanitize=fuzzer,address -Isensor tests/fuzz/fuzz_dlp.c
 *        sensor/dlp/dlp*.c lib/common/ydoc.c (+ pkg-config libs)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dlp/dlp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink(void *arg, const struct dlp_finding *f)
{
	(*(size_t *)arg) += f->length;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dlp_engine *e;
	struct dlp_stream st;
	size_t i, n, total = 0;
	uint8_t step;

	if (e == NULL) {
		const char *p = getenv("DLP_RULES");

		if (dlp_engine_load(p ? p : "rules/detectors.yaml", NULL, &e) != 0)
			abort();
	}
	if (size == 0)
		return 0;
	step = data[0];
	dlp_stream_init(&st);
	dlp_stream_set_budget(&st, 1 + (size_t)step * 64);
	for (i = 1; i < size; i += n) {
		n = 1 + (size_t)(step % 97);
		if (n > size - i)
			n = size - i;
		dlp_scan(e, &st, data + i, n, sink, &total);
		step = (uint8_t)(step * 31 + 7);
	}
	dlp_stream_end(e, &st, sink, &total);
	return 0;
}
