/*
 * doc_xml.c - text nodes out of an XML stream (OOXML, OpenDocument, XMP,
 * document metadata): tags dropped, the five predefined and numeric
 * entities decoded (no DTD, so no entity expansion at all), CDATA kept,
 * comments and processing instructions skipped.  Block-level elements
 * (paragraphs, rows, cells, line breaks) end in a separator so values in
 * neighbouring cells do not run together, while Word's runs inside a
 * paragraph do.  In metadata members every element ends a line and a
 * name="..." attribute labels the value ("Classification: ...").
 * Depth is capped (DOC_XML_DEPTH_MAX).
 */
#include <stdlib.h>
#include <string.h>

#include "dlp/doc.h"

enum { X_TEXT = 0, X_LT, X_NAME, X_TAG, X_AVAL, X_ENT, X_PI, X_BANG,
	X_COMMENT, X_CDATA, X_DECL, X_STOP };

void
doc_xml_begin(struct doc_dec *d, int meta)
{
	memset(&d->xml, 0, sizeof(d->xml));
	d->xml.meta = (uint8_t)meta;
}

static int
is_name_end(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' ||
	    c == '>';
}

static int
lname_in(const char *n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(n, *list) == 0)
			return 1;
	return 0;
}

/* Separator after element ${x}->lname ends (or is empty). */
static void
separator(struct doc_dec *d, struct doc_xml *x)
{
	static const char *const nl[] = { "p", "h", "tr", "row", "si", "br",
	    "cr", "table-row", "list-item", "line-break", "txbxContent",
	    "property", NULL };
	static const char *const tab[] = { "tc", "c", "tab", "table-cell",
	    NULL };

	if (lname_in(x->lname, nl))
		doc_putc(d, '\n');
	else if (lname_in(x->lname, tab))
		doc_putc(d, '\t');
	else if (strcmp(x->lname, "s") == 0)
		doc_putc(d, ' ');
	else if (x->meta && x->end)
		doc_putc(d, '\n');
}

static void
tag_done(struct doc_dec *d, struct doc_xml *x)
{
	if (x->end) {
		if (x->depth > 0)
			x->depth--;
		separator(d, x);
	} else if (x->slash) {
		separator(d, x);
	} else if (++x->depth > DOC_XML_DEPTH_MAX) {
		doc_problem(d, DOC_P_TOO_LARGE, "XML nested too deep", 0);
		x->st = X_STOP;
		return;
	}
	x->st = X_TEXT;
}

static void
entity(struct doc_dec *d, struct doc_xml *x)
{
	static const struct { const char *n; uint8_t c; } pre[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
		{ "apos", '\'' },
	};
	char *end;
	unsigned long v;
	size_t i;

	x->ent[x->elen] = '\0';
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (strcmp(x->ent, pre[i].n) == 0) {
			doc_putc(d, pre[i].c);
			return;
		}
	if (x->ent[0] == '#' && x->elen > 1) {
		if (x->ent[1] == 'x' || x->ent[1] == 'X')
			v = strtoul(x->ent + 2, &end, 16);
		else
			v = strtoul(x->ent + 1, &end, 10);
		if (*end == '\0' && end != x->ent + 1) {
			doc_put_utf8(d, v < 0x110000 ? (uint32_t)v : 0xfffd);
			return;
		}
	}
	doc_putc(d, '&');		/* unknown: as it was */
	doc_put(d, (const uint8_t *)x->ent, x->elen);
	doc_putc(d, ';');
}

static void
tag_byte(struct doc_dec *d, struct doc_xml *x, uint8_t c)
{
	static const char nm[] = " name=";

	if (c == '>') {
		tag_done(d, x);
		return;
	}
	if (c == '"' || c == '\'') {
		x->quote = c;
		x->aname = x->amatch == 6;
		x->amatch = 0;
		x->st = X_AVAL;
		return;
	}
	x->slash = c == '/';
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		x->amatch = 1;
	else if (x->amatch > 0 && x->amatch < 6 && c == (uint8_t)nm[x->amatch])
		x->amatch++;
	else
		x->amatch = 0;
}

void
doc_xml_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	struct doc_xml *x = &d->xml;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		switch (x->st) {
		case X_TEXT:
			if (c >= 0x20 && c != '<' && c != '&') {
				/* A run of plain text at once. */
				size_t k = i + 1;

				while (k < n && p[k] >= 0x20 && p[k] != '<' &&
				    p[k] != '&')
					k++;
				doc_put(d, p + i, k - i);
				i = k - 1;
				break;
			}
			if (c == '<')
				x->st = X_LT;
			else if (c == '&') {
				x->elen = 0;
				x->st = X_ENT;
			} else if (c >= 0x20 || c == '\t' || c == '\n' ||
			    c == '\r')
				doc_putc(d, c);
			break;
		case X_ENT:
			if (c == ';') {
				entity(d, x);
				x->st = X_TEXT;
			} else if ((size_t)x->elen + 1 < sizeof(x->ent) && c != '<' &&
			    c != '&') {
				x->ent[x->elen++] = (char)c;
			} else {
				doc_putc(d, '&');
				doc_put(d, (const uint8_t *)x->ent, x->elen);
				x->st = X_TEXT;
				i--;		/* look at c again */
			}
			break;
		case X_LT:
			x->end = 0;
			x->slash = 0;
			x->nlen = 0;
			x->amatch = 0;
			if (c == '?') {
				x->cdm = 0;
				x->st = X_PI;
			} else if (c == '!') {
				x->nlen = 0;
				x->st = X_BANG;
			} else if (c == '/') {
				x->end = 1;
				x->st = X_NAME;
			} else {
				x->st = X_NAME;
				i--;
			}
			break;
		case X_NAME:
			if (is_name_end(c)) {
				x->lname[x->nlen] = '\0';
				x->st = X_TAG;
				i--;
			} else if (c == ':')
				x->nlen = 0;	/* keep the local name */
			else if ((size_t)x->nlen + 1 < sizeof(x->lname))
				x->lname[x->nlen++] = (char)c;
			break;
		case X_TAG:
			tag_byte(d, x, c);
			break;
		case X_AVAL:
			if (c == x->quote) {
				if (x->aname && x->meta)
					doc_put(d, (const uint8_t *)": ", 2);
				x->aname = 0;
				x->st = X_TAG;
			} else if (x->aname && x->meta)
				doc_putc(d, c);
			break;
		case X_PI:
			if (c == '>' && x->cdm)
				x->st = X_TEXT;
			x->cdm = c == '?';
			break;
		case X_BANG:
			if (x->nlen == 0) {
				if (c == '-' || c == '[') {
					x->lname[0] = (char)c;
					x->nlen = 1;
				} else
					x->st = c == '>' ? X_TEXT : X_DECL;
			} else if (x->lname[0] == '-') {
				x->cdm = 0;
				x->st = c == '-' ? X_COMMENT : X_DECL;
			} else if (c == (uint8_t)"[CDATA["[x->nlen]) {
				if (++x->nlen == 7) {
					x->cdm = 0;
					x->st = X_CDATA;
				}
			} else
				x->st = c == '>' ? X_TEXT : X_DECL;
			break;
		case X_COMMENT:
			if (c == '-')
				x->cdm = x->cdm < 2 ? x->cdm + 1 : 2;
			else if (c == '>' && x->cdm == 2)
				x->st = X_TEXT;
			else
				x->cdm = 0;
			break;
		case X_CDATA:
			if (c == ']' && x->cdm < 2)
				x->cdm++;
			else if (c == ']')
				doc_putc(d, ']');	/* "]]]": one is text */
			else if (c == '>' && x->cdm == 2)
				x->st = X_TEXT;
			else {
				while (x->cdm > 0) {
					doc_putc(d, ']');
					x->cdm--;
				}
				doc_putc(d, c);
			}
			break;
		case X_DECL:
			/* <!DOCTYPE ...>: skipped; an internal subset's '>'
			 * ends it early, which only drops markup. */
			if (c == '>')
				x->st = X_TEXT;
			break;
		default:
			return;		/* X_STOP */
		}
	}
}
