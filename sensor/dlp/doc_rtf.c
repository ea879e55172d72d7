/*
 * doc_rtf.c - text out of RTF: control words dropped (\par, \line, \tab,
 * \cell, \row become separators; \'hh and \uN decoded), groups that hold
 * no text (font and colour tables, style sheets, pictures, objects, "\*"
 * destinations) skipped; the \info group (title, subject, keywords) is
 * kept, one line per field.  Group depth beyond 64 inherits the skip.
 */
#include <stdlib.h>
#include <string.h>

#include "dlp/doc.h"

enum { R_TEXT = 0, R_BS, R_WORD, R_PARAM, R_HEX };

static int
skipped(const struct doc_rtf *r)
{
	uint16_t k = r->depth < 64 ? r->depth : 63;

	return (r->skip >> k) & 1;
}

static void
set_skip(struct doc_rtf *r)
{
	uint16_t k = r->depth < 64 ? r->depth : 63;

	r->skip |= (uint64_t)1 << k;
}

/* Windows-1252 0x80..0x9f; the rest of the range is Latin-1. */
static uint32_t
cp1252(uint8_t c)
{
	static const uint16_t hi[32] = {
		0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
		0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
	};

	return c >= 0x80 && c < 0xa0 ? hi[c - 0x80] : c;
}

static void
out(struct doc_dec *d, struct doc_rtf *r, uint32_t cp)
{
	if (skipped(r))
		return;
	if (r->uc_skip > 0) {
		r->uc_skip--;		/* the \uN fallback character */
		return;
	}
	doc_put_utf8(d, cp);
}

static void
word_done(struct doc_dec *d, struct doc_rtf *r)
{
	static const char *const dest_skip[] = { "fonttbl", "colortbl",
	    "stylesheet", "pict", "object", "themedata", "colorschememapping",
	    "datastore", "latentstyles", "listtable", "listoverridetable",
	    "rsidtbl", "generator", "xmlnstbl", "mmathPr", "filetbl",
	    "revtbl", "bin", "fldinst", "objdata", "wgrffmtfilter", NULL };
	static const char *const info[] = { "title", "subject", "author",
	    "keywords", "comment", "doccomm", "category", "company", NULL };
	const char *const *w;
	const char *t = r->word;
	int32_t v = r->neg ? -r->param : r->param;

	r->word[r->wlen] = '\0';
	if (strcmp(t, "par") == 0 || strcmp(t, "line") == 0 ||
	    strcmp(t, "row") == 0 || strcmp(t, "page") == 0 ||
	    strcmp(t, "sect") == 0) {
		r->uc_skip = 0;
		out(d, r, '\n');
		return;
	}
	if (strcmp(t, "tab") == 0 || strcmp(t, "cell") == 0) {
		r->uc_skip = 0;
		out(d, r, '\t');
		return;
	}
	if (strcmp(t, "u") == 0 && r->nparam > 0) {
		r->uc_skip = 0;
		out(d, r, (uint32_t)(v < 0 ? v + 65536 : v) & 0xffff);
		r->uc_skip = 1;
		return;
	}
	for (w = dest_skip; *w != NULL; w++)
		if (strcmp(t, *w) == 0) {
			set_skip(r);
			return;
		}
	if (r->star) {
		set_skip(r);		/* an unknown "\*" destination */
		return;
	}
	for (w = info; *w != NULL; w++)
		if (strcmp(t, *w) == 0 && !skipped(r)) {
			out(d, r, '\n');
			doc_put(d, (const uint8_t *)t, strlen(t));
			doc_put(d, (const uint8_t *)": ", 2);
			r->info_depth = r->depth;
			return;
		}
}

void
doc_rtf_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	struct doc_rtf *r = &d->u.rtf;
	size_t i;
	int h;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		switch (r->st) {
		case R_BS:
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				r->wlen = 0;
				r->word[r->wlen++] = (char)c;
				r->nparam = 0;
				r->param = 0;
				r->neg = 0;
				r->st = R_WORD;
			} else if (c == '\'') {
				r->hex = 0;
				r->hexv = 0;
				r->st = R_HEX;
			} else {
				r->st = R_TEXT;
				if (c == '*')
					r->star = 1;
				else if (c == '~')
					out(d, r, ' ');
				else if (c == '\\' || c == '{' || c == '}')
					out(d, r, c);
				else if (c == '\n' || c == '\r')
					out(d, r, '\n');	/* = \par */
			}
			continue;
		case R_HEX:
			if ((h = (c >= '0' && c <= '9') ? c - '0' :
			    (c >= 'a' && c <= 'f') ? c - 'a' + 10 :
			    (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1) < 0) {
				r->st = R_TEXT;
				i--;
				continue;
			}
			r->hexv = (uint8_t)(r->hexv << 4 | h);
			if (++r->hex == 2) {
				out(d, r, cp1252(r->hexv));
				r->st = R_TEXT;
			}
			continue;
		case R_WORD:
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				if ((size_t)r->wlen + 1 < sizeof(r->word))
					r->word[r->wlen++] = (char)c;
				continue;
			}
			if (c == '-' && r->nparam == 0 && !r->neg) {
				r->neg = 1;
				r->st = R_PARAM;
				continue;
			}
			r->st = R_PARAM;
			/* FALLTHROUGH */
		case R_PARAM:
			if (c >= '0' && c <= '9') {
				if (r->param < 100000000)
					r->param = r->param * 10 + (c - '0');
				r->nparam++;
				continue;
			}
			word_done(d, r);
			r->st = R_TEXT;
			if (c == ' ')
				continue;	/* the delimiter belongs to it */
			break;
		default:
			break;
		}
		switch (c) {
		case '\\':
			r->st = R_BS;
			break;
		case '{':
			r->depth++;
			if (skipped(&(struct doc_rtf){ .depth =
			    (uint16_t)(r->depth - 1), .skip = r->skip }))
				set_skip(r);
			else if (r->depth < 64)
				r->skip &= ~((uint64_t)1 << r->depth);
			r->star = 0;
			break;
		case '}':
			if (r->info_depth != 0 && r->info_depth == r->depth) {
				r->info_depth = 0;
				out(d, r, '\n');	/* one line per field */
			}
			if (r->depth < 64)
				r->skip &= ~((uint64_t)1 << r->depth);
			if (r->depth > 0)
				r->depth--;
			r->star = 0;
			r->uc_skip = 0;
			break;
		case '\r': case '\n':
			break;
		default:
			out(d, r, c >= 0x80 ? cp1252(c) : c);
			break;
		}
	}
}
