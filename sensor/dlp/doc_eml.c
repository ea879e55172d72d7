/*
 * doc_eml.c - e-mail messages (.eml, message/rfc822): MIME read line by
 * line.  Header lines go out as text (except transport and signature
 * headers); text parts are decoded (base64, quoted-printable, 7/8bit),
 * text/html through the XML extractor; nested multiparts up to
 * DOC_EML_DEPTH boundaries; attachments are not opened (they are counted
 * as members only when text).  Lines longer than the line buffer pass on
 * in pieces and are never boundaries.
 */
#include <string.h>
#include <strings.h>

#include "dlp/doc.h"

enum { E_HDR = 0, E_BODY, E_SKIP };
enum { ENC_RAW = 0, ENC_B64, ENC_QP };

static int
starts(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && strncasecmp(s, pre, k) == 0;
}

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void
emit(struct doc_dec *d, struct doc_eml *m, const uint8_t *p, size_t n)
{
	if (m->html)
		doc_xml_feed(d, p, n);
	else
		doc_put(d, p, n);
}

static void
b64_line(struct doc_dec *d, struct doc_eml *m, const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	uint8_t out[400];
	size_t i, k = 0;
	const char *c;

	for (i = 0; i < n; i++) {
		if (p[i] == '\0' || (c = strchr(a, p[i])) == NULL)
			continue;
		m->b64v = m->b64v << 6 | (uint32_t)(c - a);
		if (++m->b64n == 4) {
			out[k++] = (uint8_t)(m->b64v >> 16);
			out[k++] = (uint8_t)(m->b64v >> 8);
			out[k++] = (uint8_t)m->b64v;
			m->b64n = 0;
			if (k + 3 > sizeof(out)) {
				emit(d, m, out, k);
				k = 0;
			}
		}
	}
	emit(d, m, out, k);
}

static void
qp_line(struct doc_dec *d, struct doc_eml *m, const uint8_t *p, size_t n,
    int eol)
{
	uint8_t out[512];
	size_t i, k = 0;
	int h, l;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++) {
		if (k + 2 > sizeof(out)) {
			emit(d, m, out, k);
			k = 0;
		}
		if (p[i] != '=') {
			out[k++] = p[i];
			continue;
		}
		if (i + 1 == n) {
			eol = 0;		/* soft line break */
			break;
		}
		if (i + 2 < n && (h = hexv(p[i + 1])) >= 0 &&
		    (l = hexv(p[i + 2])) >= 0) {
			out[k++] = (uint8_t)(h << 4 | l);
			i += 2;
		} else
			out[k++] = '=';
	}
	if (eol)
		out[k++] = '\n';
	emit(d, m, out, k);
}

/* Body bytes of the current part (a whole line, or a piece of a long one). */
static void
body(struct doc_dec *d, struct doc_eml *m, const uint8_t *p, size_t n, int eol)
{
	if (!m->text)
		return;
	if (m->enc == ENC_B64)
		b64_line(d, m, p, n);
	else if (m->enc == ENC_QP)
		qp_line(d, m, p, n, eol);
	else {
		emit(d, m, p, n);
		if (eol)
			emit(d, m, (const uint8_t *)"\n", 1);
	}
}

static void
header(struct doc_dec *d, struct doc_eml *m, const char *s, size_t n)
{
	static const char *const quiet[] = { "content-", "received", "dkim-",
	    "arc-", "x-", "authentication-results", "message-id",
	    "mime-version", "return-path", "references", "in-reply-to",
	    "delivered-to", "list-", NULL };
	const char *const *q;
	const char *b;
	size_t k;

	if (starts(s, n, "content-type:")) {
		for (k = 13; k < n && (s[k] == ' ' || s[k] == '\t'); k++)
			;
		m->ptext = starts(s + k, n - k, "text/");
		m->phtml = starts(s + k, n - k, "text/html");
		m->pmulti = starts(s + k, n - k, "multipart/");
	} else if (starts(s, n, "content-transfer-encoding:")) {
		for (k = 26; k < n && (s[k] == ' ' || s[k] == '\t'); k++)
			;
		m->penc = starts(s + k, n - k, "base64") ? ENC_B64 :
		    starts(s + k, n - k, "quoted-printable") ? ENC_QP : ENC_RAW;
	} else if (starts(s, n, "content-disposition:")) {
		for (k = 20; k < n && (s[k] == ' ' || s[k] == '\t'); k++)
			;
		if (starts(s + k, n - k, "attachment"))
			m->pattach = 1;
	}
	/* boundary= may sit on a continuation line. */
	if ((m->pmulti || s[0] == ' ' || s[0] == '\t') &&
	    (b = strcasestr(s, "boundary=")) != NULL && m->nb == 0) {
		b += 9;
		if (*b == '"')
			b++;
		for (k = 0; b[k] != '\0' && b[k] != '"' && b[k] != ';' &&
		    b[k] != ' ' && k + 1 < sizeof(m->bnd[0]); k++)
			;
		if (k > 0) {
			memcpy(m->newb, b, k);
			m->newb[k] = '\0';
			m->nb = (uint8_t)k;
		}
	}
	if (s[0] == ' ' || s[0] == '\t')
		return;
	for (q = quiet; *q != NULL; q++)
		if (starts(s, n, *q))
			return;
	doc_put(d, (const uint8_t *)s, n);
	doc_putc(d, '\n');
}

static void
part_start(struct doc_eml *m)
{
	m->st = E_HDR;
	m->ptext = 1;		/* RFC 2045: text/plain by default */
	m->phtml = m->pmulti = m->pattach = 0;
	m->penc = ENC_RAW;
	m->nb = 0;
	m->text = 0;
}

static void
headers_done(struct doc_dec *d, struct doc_eml *m)
{
	if (m->pmulti && m->nb > 0 && m->depth < DOC_EML_DEPTH) {
		memcpy(m->bnd[m->depth], m->newb, m->nb + 1);
		m->blen[m->depth++] = m->nb;
		m->st = E_SKIP;		/* preamble */
		m->text = 0;
		return;
	}
	m->st = E_BODY;
	m->text = (uint8_t)(m->ptext && !m->pattach);
	m->html = m->phtml;
	m->enc = m->penc;
	m->b64n = 0;
	m->b64v = 0;
	if (m->html)
		doc_xml_begin(d, 0);
}

/* "--boundary" or "--boundary--" of an open multipart: its level + 1
 * (negative when it closes), else 0. */
static int
boundary(const struct doc_eml *m, const char *s, size_t n)
{
	int i;

	if (n < 3 || s[0] != '-' || s[1] != '-')
		return 0;
	while (n > 2 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (i = m->depth - 1; i >= 0; i--) {
		size_t k = m->blen[i];

		if (n < 2 + k || memcmp(s + 2, m->bnd[i], k) != 0)
			continue;
		if (n == 2 + k)
			return i + 1;
		if (n == 4 + k && s[2 + k] == '-' && s[3 + k] == '-')
			return -(i + 1);
	}
	return 0;
}

static void
line_done(struct doc_dec *d, struct doc_eml *m, int eol)
{
	const char *s = m->line;
	size_t n = m->llen;
	int b;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	m->line[n] = '\0';
	if (!m->longl && (b = boundary(m, s, n)) != 0) {
		doc_flush(d);
		if (b > 0) {
			m->depth = (uint8_t)b;
			part_start(m);
		} else {
			m->depth = (uint8_t)(-b - 1);
			m->st = E_SKIP;		/* epilogue */
			m->text = 0;
		}
		return;
	}
	if (m->st == E_HDR && !m->longl) {
		if (n == 0)
			headers_done(d, m);
		else
			header(d, m, s, n);
		return;
	}
	if (m->st == E_BODY)
		body(d, m, (const uint8_t *)s, n, eol);
}

void
doc_eml_begin(struct doc_dec *d)
{
	memset(&d->u.eml, 0, sizeof(d->u.eml));
	part_start(&d->u.eml);
}

void
doc_eml_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	struct doc_eml *m = &d->u.eml;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			line_done(d, m, 1);
			m->llen = 0;
			m->longl = 0;
			continue;
		}
		if ((size_t)m->llen + 1 >= sizeof(m->line)) {
			/* A long line: pass it on in pieces. */
			line_done(d, m, 0);
			m->llen = 0;
			m->longl = 1;
		}
		m->line[m->llen++] = (char)p[i];
	}
}

void
doc_eml_end(struct doc_dec *d)
{
	struct doc_eml *m = &d->u.eml;

	if (m->llen > 0)
		line_done(d, m, 0);
	m->llen = 0;
}
