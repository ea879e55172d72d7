/*
 * doc_pdf.c - text out of a PDF read front to back, without rendering:
 * the text-showing operators (Tj, TJ, ', ") between BT and ET in content
 * streams (FlateDecode or unfiltered), literal strings of dictionaries
 * outside streams (the Info dictionary: /Title, /Subject, /Keywords,
 * custom keys such as /Classification; form values), and the XMP metadata
 * stream through the XML extractor.  Images, fonts, object and xref
 * streams are skipped unread.  Caps: objects, streams, inflated bytes per
 * stream and per document, the inflate ratio.  /Encrypt and image-only
 * files are reported.
 */
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "dlp/doc.h"

enum { P_TOP = 0, P_COMMENT, P_LT, P_NAME, P_WORD, P_LSTR, P_HSTR,
	P_STREAM };
enum { SM_SKIP = 0, SM_INFLATE, SM_PLAIN };
enum { SD_CONTENT = 0, SD_XMP };
enum { CUR_NONE = 0, CUR_INFO, CUR_CONTENT, CUR_XMP };
enum { C_TOP = 0, C_LSTR, C_HSTR, C_NAME, C_TOK, C_COMMENT, C_INLINE };

static int
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\0';
}

static int
is_delim(uint8_t c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	    c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static void
announce(struct doc_dec *d, struct doc_pdf *q, int cur)
{
	static const char *const names[] = { "", "Info", "page content",
	    "XMP" };

	if (q->cur == cur)
		return;
	q->cur = (uint8_t)cur;
	doc_member(d, names[cur]);
	if (cur == CUR_XMP)
		doc_xml_begin(d, 1);
}

/* ---- string bytes: PDFDocEncoding/Latin-1, or UTF-16BE after a BOM ---- */

static void
str_start(struct doc_pdf *q)
{
	q->u16 = 0;
	q->nb = 0;
	q->u16b = 0;
}

static void
latin1(struct doc_dec *d, struct doc_pdf *q, uint8_t c)
{
	if (q->cur == CUR_CONTENT && c > ' ')
		q->ntext++;
	if (c < 0x80)
		doc_putc(d, c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
	else
		doc_put_utf8(d, c);
}

static void
str_byte(struct doc_dec *d, struct doc_pdf *q, uint8_t c)
{
	if (q->nb == 0 && c == 0xfe) {
		q->hold = c;
		q->nb = 1;
		return;
	}
	if (q->nb == 1) {
		q->nb = 2;
		if (c == 0xff) {
			q->u16 = 1;
			return;
		}
		latin1(d, q, q->hold);
	}
	q->nb = 2;
	if (!q->u16) {
		latin1(d, q, c);
		return;
	}
	if (q->u16b == 0) {
		q->hold = c;
		q->u16b = 1;
		return;
	}
	q->u16b = 0;
	if (q->cur == CUR_CONTENT)
		q->ntext++;
	doc_put_utf8(d, (uint32_t)q->hold << 8 | c);
}

static void
str_end(struct doc_dec *d, struct doc_pdf *q)
{
	if (q->nb == 1)
		latin1(d, q, q->hold);
	q->nb = 0;
}

/* One byte of a literal string after its '('; 1 at its closing ')'. */
static int
lit_byte(struct doc_dec *d, struct doc_pdf *q, uint8_t c, int emit)
{
	static const char from[] = "nrtbf()\\";
	static const char to[] = "\n\r\t  ()\\";
	const char *e;

	if (q->oct > 0) {
		if (c >= '0' && c <= '7' && q->oct < 3) {
			q->octv = (uint8_t)(q->octv << 3 | (c - '0'));
			q->oct++;
			return 0;
		}
		if (emit)
			str_byte(d, q, q->octv);
		q->oct = 0;
	}
	if (q->esc) {
		q->esc = 0;
		if (c >= '0' && c <= '7') {
			q->oct = 1;
			q->octv = (uint8_t)(c - '0');
		} else if ((e = strchr(from, c)) != NULL && c != '\0') {
			if (emit)
				str_byte(d, q, (uint8_t)to[e - from]);
		} else if (c != '\r' && c != '\n' && emit)
			str_byte(d, q, c);
		return 0;
	}
	if (c == '\\') {
		q->esc = 1;
		return 0;
	}
	if (c == '(')
		q->paren++;
	else if (c == ')' && --q->paren == 0)
		return 1;
	if (emit)
		str_byte(d, q, c);
	return 0;
}

/* One byte of a hex string after its '<'; 1 at its '>'. */
static int
hex_byte(struct doc_dec *d, struct doc_pdf *q, uint8_t c, int emit)
{
	int v;

	if (c == '>') {
		if (q->hexhi && emit)
			str_byte(d, q, (uint8_t)((q->hexhi - 1) << 4));
		q->hexhi = 0;
		return 1;
	}
	if ((v = str_hexval(c)) < 0)
		return 0;
	if (q->hexhi == 0) {
		q->hexhi = (uint8_t)(v + 1);
		return 0;
	}
	if (emit)
		str_byte(d, q, (uint8_t)((q->hexhi - 1) << 4 | v));
	q->hexhi = 0;
	return 0;
}

/* ---- content streams ---- */

static void
c_operator(struct doc_dec *d, struct doc_pdf *q)
{
	const char *t = q->c_tok;

	if (strcmp(t, "BT") == 0)
		q->bt = 1;
	else if (strcmp(t, "ET") == 0) {
		if (q->bt)
			doc_putc(d, '\n');
		q->bt = 0;
	} else if (!q->bt)
		;
	else if (strcmp(t, "T*") == 0 || strcmp(t, "'") == 0 ||
	    strcmp(t, "\"") == 0 || strcmp(t, "Tm") == 0)
		doc_putc(d, '\n');
	else if (strcmp(t, "Td") == 0 || strcmp(t, "TD") == 0)
		doc_putc(d, q->nonzero ? '\n' : ' ');
	if (strcmp(t, "ID") == 0) {
		q->ei = 0;
		q->c_st = C_INLINE;
	}
}

/* A PDF number ("-12.5", ".3")?  ${*nz}: not zero, ${*gap}: < -200. */
static int
number(const char *t, int *nz, int *gap)
{
	long ip = 0;
	int neg = 0, digits = 0, frac = 0;

	if (*t == '-' || *t == '+')
		neg = *t++ == '-';
	for (; *t >= '0' && *t <= '9'; t++, digits++)
		if (ip < 1000000)
			ip = ip * 10 + (*t - '0');
	if (*t == '.')
		for (t++; *t >= '0' && *t <= '9'; t++, digits++)
			frac |= *t != '0';
	if (*t != '\0' || digits == 0)
		return 0;
	*nz = ip != 0 || frac;
	*gap = neg && ip >= 200 && (ip > 200 || frac);
	return 1;
}

static void
c_token_done(struct doc_dec *d, struct doc_pdf *q)
{
	int nz, gap;

	q->c_tok[q->c_tlen] = '\0';
	q->c_tlen = 0;
	q->c_st = C_TOP;
	if (number(q->c_tok, &nz, &gap)) {
		q->nonzero = (uint8_t)nz;
		if (q->arr && q->bt && gap)
			doc_putc(d, ' ');	/* a word gap inside TJ */
		return;
	}
	c_operator(d, q);
}

static void
content_feed(struct doc_dec *d, struct doc_pdf *q, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		switch (q->c_st) {
		case C_LSTR:
			if (q->bt && !q->esc && !q->oct && !q->u16 && q->nb == 2 &&
			    c >= 0x20 && c < 0x80 && c != '(' && c != ')' &&
			    c != '\\') {
				/* A run of plain characters at once. */
				size_t k = i + 1;

				while (k < n && p[k] >= 0x20 && p[k] < 0x80 &&
				    p[k] != '(' && p[k] != ')' && p[k] != '\\')
					k++;
				doc_put(d, p + i, k - i);
				if (q->cur == CUR_CONTENT)
					q->ntext += k - i;
				i = k - 1;
				continue;
			}
			if (lit_byte(d, q, c, q->bt)) {
				str_end(d, q);
				q->c_st = C_TOP;
			}
			continue;
		case C_HSTR:
			if (c == '<') {		/* "<<": a dictionary */
				q->c_st = C_TOP;
				continue;
			}
			if (hex_byte(d, q, c, q->bt)) {
				str_end(d, q);
				q->c_st = C_TOP;
			}
			continue;
		case C_COMMENT:
			if (c == '\r' || c == '\n')
				q->c_st = C_TOP;
			continue;
		case C_INLINE:
			/* inline image data up to "EI" */
			if (q->ei == 0 && is_ws(c))
				q->ei = 1;
			else if (q->ei == 1 && c == 'E')
				q->ei = 2;
			else if (q->ei == 2 && c == 'I')
				q->ei = 3;
			else if (q->ei == 3 && (is_ws(c) || is_delim(c))) {
				q->c_st = C_TOP;
				i--;
			} else
				q->ei = is_ws(c) ? 1 : 0;
			continue;
		case C_NAME:
		case C_TOK:
			if (!is_ws(c) && !is_delim(c)) {
				if (q->c_st == C_TOK &&
				    (size_t)q->c_tlen + 1 < sizeof(q->c_tok))
					q->c_tok[q->c_tlen++] = (char)c;
				continue;
			}
			if (q->c_st == C_TOK)
				c_token_done(d, q);
			else
				q->c_st = C_TOP;
			if (q->c_st == C_INLINE) {
				i--;		/* ID: inline image data */
				continue;
			}
			break;
		default:
			break;
		}
		if (is_ws(c))
			continue;
		switch (c) {
		case '(':
			q->paren = 1;
			q->esc = q->oct = 0;
			str_start(q);
			q->c_st = C_LSTR;
			break;
		case '<':
			q->hexhi = 0;
			str_start(q);
			q->c_st = C_HSTR;
			break;
		case '[':
			q->arr = 1;
			break;
		case ']':
			q->arr = 0;
			break;
		case '/':
			q->c_st = C_NAME;
			break;
		case '%':
			q->c_st = C_COMMENT;
			break;
		case '>': case '{': case '}': case ')':
			break;
		default:
			q->c_tlen = 0;
			q->c_tok[q->c_tlen++] = (char)c;
			q->c_st = C_TOK;
			break;
		}
	}
}

static void
stream_text(struct doc_dec *d, struct doc_pdf *q, const uint8_t *p, size_t n)
{
	if (q->sdest == SD_XMP)
		doc_xml_feed(d, p, n);
	else
		content_feed(d, q, p, n);
}

/* ---- streams ---- */

static void
stream_start(struct doc_dec *d, struct doc_pdf *q)
{
	if (++q->nstreams > DOC_PDF_STREAMS_MAX) {
		doc_problem(d, DOC_P_TOO_LARGE, "too many PDF streams", 1);
		return;
	}
	q->st = P_STREAM;
	q->seol = 0;
	q->em = 0;
	q->s_in = q->s_out = 0;
	q->s_left = q->slen;
	if (q->s_image)
		q->nimages++;
	q->sdest = q->s_meta ? SD_XMP : SD_CONTENT;
	if (q->s_image || q->s_other)
		q->smode = SM_SKIP;
	else if (q->s_flate) {
		q->smode = SM_INFLATE;
		if (doc_inflate_init(d, 15 + 32) < 0) {
			doc_problem(d, DOC_P_TOO_LARGE, "no memory to inflate",
			    1);
			return;
		}
	} else
		q->smode = SM_PLAIN;
	if (q->smode != SM_SKIP) {
		announce(d, q, q->sdest == SD_XMP ? CUR_XMP : CUR_CONTENT);
		q->c_st = C_TOP;
		q->bt = q->arr = 0;
	}
}

static void
stream_done(struct doc_pdf *q)
{
	q->st = P_TOP;
	q->tlen = 0;
	q->s_flate = q->s_image = q->s_other = q->s_meta = 0;
	q->slen = 0;
	q->len_st = 0;
}

/* Stream data; returns the bytes of ${p} used. */
static size_t
stream_data(struct doc_dec *d, struct doc_pdf *q, const uint8_t *p, size_t n)
{
	static const char es[] = "endstream";
	uint8_t out[4096];
	size_t i, k, used = 0, got;
	int r;

	if (!q->seol) {
		if (p[0] == '\r' && q->em == 0) {
			q->em = 1;		/* CR of CRLF */
			return 1;
		}
		q->seol = 1;
		q->em = 0;
		if (p[0] == '\n')
			return 1;
	}
	if (q->slen > 0) {
		k = q->s_left < n ? (size_t)q->s_left : n;
		n = k;
	}
	if (q->smode == SM_INFLATE) {
		while (used < n) {
			r = doc_inflate(d, p + used, n - used, &k, out,
			    sizeof(out), &got);
			used += k;
			q->s_in += k;
			q->s_out += got;
			if (q->s_out > DOC_MEMBER_OUT_MAX ||
			    d->out_bytes > d->out_max ||
			    q->s_out > (uint64_t)DOC_RATIO_MAX * q->s_in + 65536) {
				doc_problem(d, DOC_P_TOO_LARGE, "PDF stream "
				    "inflates beyond the caps", 1);
				return n;
			}
			stream_text(d, q, out, got);
			if (r != 0) {
				if (r < 0)
					q->zerr++;
				q->smode = SM_SKIP;	/* rest until endstream */
				break;
			}
			if (k == 0 && got == 0)
				break;
		}
		if (q->slen > 0) {
			q->s_left -= used;
			if (q->s_left == 0)
				stream_done(q);
		} else if (q->smode == SM_SKIP && q->s_out > 0)
			stream_done(q);		/* deflate end: back to tokens */
		return used;
	}
	if (q->slen > 0) {
		if (q->smode == SM_PLAIN)
			stream_text(d, q, p, n);
		q->s_left -= n;
		if (q->s_left == 0)
			stream_done(q);
		return n;
	}
	/* Unknown length: up to "endstream". */
	for (i = 0; i < n; i++) {
		if (p[i] == (uint8_t)es[q->em]) {
			if (++q->em == sizeof(es) - 1) {
				if (q->smode == SM_PLAIN)
					stream_text(d, q, p, i + 1);
				stream_done(q);
				return i + 1;
			}
		} else
			q->em = p[i] == 'e' ? 1 : 0;
	}
	if (q->smode == SM_PLAIN)
		stream_text(d, q, p, n);
	return n;
}

/* ---- top level ---- */

static void
name_done(struct doc_dec *d, struct doc_pdf *q)
{
	static const char *const other[] = { "DCTDecode", "JPXDecode",
	    "CCITTFaxDecode", "JBIG2Decode", "LZWDecode", "ASCII85Decode",
	    "ASCIIHexDecode", "RunLengthDecode", "Crypt", "ObjStm", "XRef",
	    "Length1", "Length2", "Length3", "EmbeddedFile", "Type1C",
	    "CIDFontType0C", "OpenType", "ICCBased", NULL };
	const char *const *o;
	const char *t = q->tok;

	if (strcmp(t, "FlateDecode") == 0 || strcmp(t, "Fl") == 0)
		q->s_flate = 1;
	else if (strcmp(t, "Image") == 0)
		q->s_image = 1;
	else if (strcmp(t, "Metadata") == 0)
		q->s_meta = 1;
	else if (strcmp(t, "Length") == 0)
		q->len_st = 1;
	else if (strcmp(t, "Encrypt") == 0)
		q->encrypt = 1;
	for (o = other; *o != NULL; o++)
		if (strcmp(t, *o) == 0)
			q->s_other = 1;
	memcpy(q->key, q->tok, sizeof(q->key));
	q->last_name = 1;
	(void)d;
}

static void
word_done(struct doc_dec *d, struct doc_pdf *q)
{
	const char *t = q->tok;
	char *end;
	unsigned long long v;

	q->last_name = 0;
	if (t[0] >= '0' && t[0] <= '9') {
		v = strtoull(t, &end, 10);
		if (q->len_st == 1 && *end == '\0') {
			q->slen = v;
			q->len_st = 2;
		} else if (q->len_st == 2)
			q->len_st = 3;
		else
			q->len_st = 0;
		return;
	}
	if (strcmp(t, "R") == 0 && q->len_st == 3)
		q->slen = 0;		/* indirect length: unknown */
	q->len_st = 0;
	if (strcmp(t, "obj") == 0) {
		if (++q->nobj > DOC_PDF_OBJ_MAX) {
			doc_problem(d, DOC_P_TOO_LARGE, "too many PDF objects",
			    1);
			return;
		}
		q->s_flate = q->s_image = q->s_other = q->s_meta = 0;
		q->slen = 0;
	} else if (strcmp(t, "stream") == 0)
		stream_start(d, q);
}

/* A literal or hex string outside streams: "Key: value" under "Info". */
static void
top_string_start(struct doc_dec *d, struct doc_pdf *q)
{
	announce(d, q, CUR_INFO);
	if (q->last_name && q->key[0] != '\0') {
		doc_put(d, (const uint8_t *)q->key, strnlen(q->key,
		    sizeof(q->key)));
		doc_put(d, (const uint8_t *)": ", 2);
	}
	str_start(q);
	q->last_name = 0;
}

void
doc_pdf_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	struct doc_pdf *q = &d->u.pdf;
	size_t i, k;

	for (i = 0; i < n && !d->stopped; i++) {
		uint8_t c = p[i];

		switch (q->st) {
		case P_STREAM:
			k = stream_data(d, q, p + i, n - i);
			i += k - 1;
			continue;
		case P_COMMENT:
			if (c == '\r' || c == '\n')
				q->st = P_TOP;
			continue;
		case P_LSTR:
			if (lit_byte(d, q, c, 1)) {
				str_end(d, q);
				doc_putc(d, '\n');
				q->st = P_TOP;
			}
			continue;
		case P_HSTR:
			if (hex_byte(d, q, c, 1)) {
				str_end(d, q);
				doc_putc(d, '\n');
				q->st = P_TOP;
			}
			continue;
		case P_LT:
			if (c == '<') {		/* dictionary */
				q->st = P_TOP;
				continue;
			}
			top_string_start(d, q);
			q->hexhi = 0;
			q->st = P_HSTR;
			i--;
			continue;
		case P_NAME:
		case P_WORD:
			if (!is_ws(c) && !is_delim(c)) {
				if ((size_t)q->tlen + 1 < sizeof(q->tok))
					q->tok[q->tlen++] = (char)c;
				continue;
			}
			q->tok[q->tlen] = '\0';
			if (q->st == P_NAME)
				name_done(d, q);
			else
				word_done(d, q);
			if (q->st == P_STREAM) {
				/* c is the EOL after "stream" */
				i--;
				continue;
			}
			q->st = P_TOP;
			break;
		default:
			break;
		}
		if (is_ws(c))
			continue;
		q->tlen = 0;
		switch (c) {
		case '%':
			q->st = P_COMMENT;
			break;
		case '(':
			top_string_start(d, q);
			q->paren = 1;
			q->esc = q->oct = 0;
			q->st = P_LSTR;
			break;
		case '<':
			q->st = P_LT;
			break;
		case '/':
			q->st = P_NAME;
			break;
		case '>': case '[': case ']': case '{': case '}': case ')':
			q->last_name = 0;
			break;
		default:
			q->tok[q->tlen++] = (char)c;
			q->st = P_WORD;
			break;
		}
	}
}

void
doc_pdf_end(struct doc_dec *d)
{
	struct doc_pdf *q = &d->u.pdf;

	if (q->encrypt)
		doc_problem(d, DOC_P_ENCRYPTED, "encrypted PDF (/Encrypt)", 0);
	else if (q->zerr > 0)
		doc_problem(d, DOC_P_CORRUPT, "corrupt PDF stream", 0);
	if (q->ntext == 0 && !q->encrypt)
		doc_problem(d, DOC_P_NO_TEXT, q->nimages > 0 ? "PDF with "
		    "images and no text (scanned?)" : "PDF without text", 0);
}
