/*
 * fuzz_doc.c - libFuzzer harness for the document extractor (dlp/doc.h:
 * ZIP/OOXML/OpenDocument, XML, PDF, RTF, UTF-16, base64) and the body
 * hook that hands it files: the first byte picks the file name (and so
 * the type hint), base64 input, or a multipart / JSON body through
 * body.c with the hook; the second the piece size.  The sink checks that
 * every piece is within bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dlp/body.h"
#include "dlp/doc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t out_bytes;
static struct doc_dec dd;
static uint8_t arena[64 * 1024], barena[BODY_ARENA_MIN + 16384];

static void
t_member(void *arg, const char *type, const char *member)
{
	(void)arg;
	out_bytes += strlen(type) + strlen(member);
}

static void
t_text(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	if (n > 0)
		out_bytes += n + p[0] + p[n - 1];
}

static void
t_problem(void *arg, enum doc_problem pb, const char *detail)
{
	(void)arg;
	out_bytes += (size_t)pb + strlen(detail);
}

static const struct doc_cb cbs = { t_member, t_text, t_problem, NULL };

static int
h_begin(void *arg, const char *name, const char *ct, int b64)
{
	(void)arg;
	doc_begin(&dd, name, ct, b64 ? DOC_F_BASE64 : 0, arena, sizeof(arena),
	    &cbs, NULL);
	return 1;
}

static void
h_data(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	doc_feed(&dd, p, n);
}

static void
h_end(void *arg)
{
	(void)arg;
	doc_end(&dd);
}

static const struct body_doc_hook hook = { h_begin, h_data, h_end };

static void
b_sink(void *arg, const uint8_t *p, size_t n)
{
	t_text(arg, p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *names[] = { NULL, "a.docx", "a.pdf", "a.rtf",
	    "a.csv", "a.py", "a.zip", "a.odt" };
	struct body_dec b;
	size_t i, n, step;
	int mode;

	if (size < 2)
		return 0;
	mode = data[0] >> 4;
	step = (size_t)data[1] % 64 + 1;
	data += 2;
	size -= 2;
	if (mode < 12) {
		doc_begin(&dd, names[data[-2] & 7], NULL,
		    mode >= 8 ? DOC_F_BASE64 : 0, arena, sizeof(arena), &cbs,
		    NULL);
		for (i = 0; i < size; i += n) {
			n = size - i < step ? size - i : step;
			doc_feed(&dd, data + i, n);
		}
		doc_end(&dd);
		return 0;
	}
	body_init(&b, mode < 14 ? "multipart/form-data; boundary=xYz" :
	    "application/json", mode == 13 ? "gzip" : NULL, barena,
	    sizeof(barena), b_sink, NULL);
	body_set_doc_hook(&b, &hook, NULL);
	for (i = 0; i < size; i += n) {
		n = size - i < step ? size - i : step;
		body_feed(&b, data + i, n);
	}
	body_end(&b);
	return 0;
}
