/*
 * doc.c - document text extraction: sniffing by magic bytes (then file
 * name), base64 and UTF-16 input, the text buffer, problems and the zlib
 * helpers the container parsers share.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "dlp/doc.h"

static const char *const type_names[DOC_T__COUNT] = {
	[DOC_T_TEXT] = "text", [DOC_T_CSV] = "csv", [DOC_T_TSV] = "tsv",
	[DOC_T_UTF16] = "utf16", [DOC_T_RTF] = "rtf", [DOC_T_PDF] = "pdf",
	[DOC_T_ZIP] = "zip", [DOC_T_DOCX] = "docx", [DOC_T_XLSX] = "xlsx",
	[DOC_T_PPTX] = "pptx", [DOC_T_ODT] = "odt", [DOC_T_ODS] = "ods",
	[DOC_T_ODP] = "odp", [DOC_T_OLE] = "ole", [DOC_T_EML] = "eml",
};

static const char *const problem_names[DOC_P__COUNT] = {
	[DOC_P_TOO_LARGE] = "doc_too_large", [DOC_P_ENCRYPTED] = "doc_encrypted",
	[DOC_P_CORRUPT] = "doc_corrupt", [DOC_P_NO_TEXT] = "doc_no_text",
};

const char *
doc_type_name(int t)
{
	return t >= 0 && t < DOC_T__COUNT ? type_names[t] : "unknown";
}

const char *
doc_problem_name(int pb)
{
	return pb >= 0 && pb < DOC_P__COUNT ? problem_names[pb] : "unknown";
}

/* The extension of ${name} (after the last '.'), or "". */
static const char *
ext_of(const char *name)
{
	const char *dot;

	if (name == NULL || (dot = strrchr(name, '.')) == NULL ||
	    strchr(dot, '/') != NULL)
		return "";
	return dot + 1;
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(s, *list) == 0)
			return 1;
	return 0;
}

int
doc_is_code_name(const char *name, const char *ctype)
{
	static const char *const exts[] = { "c", "h", "cc", "cpp", "cxx",
	    "hpp", "hh", "cs", "java", "kt", "kts", "scala", "go", "rs", "py",
	    "pyw", "rb", "php", "pl", "pm", "js", "mjs", "cjs", "ts", "tsx",
	    "jsx", "swift", "m", "mm", "sh", "bash", "zsh", "ps1", "sql", "r",
	    "lua", "dart", "vb", "fs", "ex", "exs", "erl", "hs", "clj",
	    "groovy", "gradle", "tf", "vue", "svelte", "f90", "jl", NULL };
	static const char *const not_code[] = { "text/x-markdown",
	    "text/x-log", "text/x-vcard", "text/x-vcalendar", NULL };
	const char *e = ext_of(name);

	if (e[0] != '\0' && in_list(e, exts))
		return 1;
	if (ctype != NULL && strncasecmp(ctype, "text/x-", 7) == 0) {
		char t[40];
		size_t n = strcspn(ctype, "; ");

		if (n >= sizeof(t))
			return 1;
		memcpy(t, ctype, n);
		t[n] = '\0';
		return !in_list(t, not_code);
	}
	return 0;
}

/* ---- text out ---- */

void
doc_flush(struct doc_dec *d)
{
	if (d->on > 0 && d->cb.text != NULL)
		d->cb.text(d->cb.arg, d->obuf, d->on);
	d->on = 0;
}

void
doc_put(struct doc_dec *d, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k;

		if (d->on == sizeof(d->obuf))
			doc_flush(d);
		k = sizeof(d->obuf) - d->on;
		if (k > n)
			k = n;
		memcpy(d->obuf + d->on, p, k);
		d->on += (uint32_t)k;
		d->text_bytes += k;
		p += k;
		n -= k;
	}
}

void
doc_put_utf8(struct doc_dec *d, uint32_t cp)
{
	if (cp < 0x80)
		doc_putc(d, (uint8_t)cp);
	else if (cp < 0x800) {
		doc_putc(d, (uint8_t)(0xc0 | (cp >> 6)));
		doc_putc(d, (uint8_t)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		doc_putc(d, (uint8_t)(0xe0 | (cp >> 12)));
		doc_putc(d, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
		doc_putc(d, (uint8_t)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x110000) {
		doc_putc(d, (uint8_t)(0xf0 | (cp >> 18)));
		doc_putc(d, (uint8_t)(0x80 | ((cp >> 12) & 0x3f)));
		doc_putc(d, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
		doc_putc(d, (uint8_t)(0x80 | (cp & 0x3f)));
	} else
		doc_put_utf8(d, 0xfffd);
}

void
doc_member(struct doc_dec *d, const char *member)
{
	doc_flush(d);
	if (d->stats != NULL)
		d->stats->members++;
	if (d->cb.member != NULL)
		d->cb.member(d->cb.arg, doc_type_name(d->type), member);
}

void
doc_problem(struct doc_dec *d, enum doc_problem pb, const char *detail,
    int fatal)
{
	doc_flush(d);
	if (!(d->reported & (1u << pb))) {
		d->reported |= (uint8_t)(1u << pb);
		if (d->stats != NULL)
			d->stats->problems[pb]++;
		if (d->cb.problem != NULL)
			d->cb.problem(d->cb.arg, pb, detail);
	}
	if (fatal && !d->stopped)
		d->stopped = (uint8_t)(pb + 1);
}

/* ---- zlib in the arena ---- */

static void *
z_alloc(void *opaque, unsigned items, unsigned size)
{
	struct doc_dec *d = opaque;
	size_t need;

	if (size != 0 && items > SIZE_MAX / size)
		return NULL;
	need = ((size_t)items * size + 15) & ~(size_t)15;
	if (need > d->arena_cap - d->arena_used)
		return NULL;
	d->arena_used += need;
	return d->arena + d->arena_used - need;
}

static void
z_free(void *opaque, void *p)
{
	(void)opaque;
	(void)p;		/* the arena is reset per document */
}

int
doc_inflate_init(struct doc_dec *d, int wbits)
{
	z_stream *zs;

	if (d->zinit)
		return inflateReset2(d->zs, wbits) == Z_OK ? 0 : -ENOMEM;
	if (d->arena == NULL || d->arena_cap < DOC_ARENA_MIN)
		return -ENOMEM;
	d->arena_used = 0;
	if ((zs = z_alloc(d, 1, sizeof(*zs))) == NULL)
		return -ENOMEM;
	memset(zs, 0, sizeof(*zs));
	zs->zalloc = z_alloc;
	zs->zfree = z_free;
	zs->opaque = d;
	if (inflateInit2(zs, wbits) != Z_OK)
		return -ENOMEM;
	d->zs = zs;
	d->zinit = 1;
	return 0;
}

int
doc_inflate(struct doc_dec *d, const uint8_t *p, size_t n, size_t *used,
    uint8_t *out, size_t cap, size_t *got)
{
	z_stream *zs = d->zs;
	int r;

	zs->next_in = (Bytef *)(uintptr_t)p;
	zs->avail_in = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	zs->next_out = out;
	zs->avail_out = (uInt)cap;
	r = inflate(zs, Z_NO_FLUSH);
	*used = (size_t)(zs->next_in - (const Bytef *)p);
	*got = cap - zs->avail_out;
	d->out_bytes += *got;
	if (d->stats != NULL)
		d->stats->inflated += *got;
	if (r == Z_STREAM_END)
		return 1;
	if (r == Z_OK || (r == Z_BUF_ERROR && *used == n))
		return 0;
	return -1;
}

/* ---- UTF-16 with a BOM ---- */

static void
u16_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint16_t u;

		if (d->u16n == 0) {
			d->u16b = p[i];
			d->u16n = 1;
			continue;
		}
		d->u16n = 0;
		u = d->u16be ? (uint16_t)(d->u16b << 8 | p[i]) :
		    (uint16_t)(p[i] << 8 | d->u16b);
		if (u >= 0xd800 && u <= 0xdbff) {
			d->u16hi = u;
			continue;
		}
		if (u >= 0xdc00 && u <= 0xdfff) {
			if (d->u16hi != 0)
				doc_put_utf8(d, 0x10000 +
				    (((uint32_t)d->u16hi - 0xd800) << 10) +
				    ((uint32_t)u - 0xdc00));
			d->u16hi = 0;
			continue;
		}
		d->u16hi = 0;
		doc_put_utf8(d, u);
	}
}

/* ---- sniffing ---- */

static int
type_from_name(const char *name)
{
	static const struct { const char *ext; int t; } map[] = {
		{ "csv", DOC_T_CSV }, { "tsv", DOC_T_TSV },
		{ "docx", DOC_T_DOCX }, { "docm", DOC_T_DOCX },
		{ "xlsx", DOC_T_XLSX }, { "xlsm", DOC_T_XLSX },
		{ "pptx", DOC_T_PPTX }, { "odt", DOC_T_ODT },
		{ "ods", DOC_T_ODS }, { "odp", DOC_T_ODP },
		{ "eml", DOC_T_EML },
	};
	const char *e = ext_of(name);
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(e, map[i].ext) == 0)
			return map[i].t;
	return -1;
}

static void body_feed_typed(struct doc_dec *d, const uint8_t *p, size_t n);

/* Decide the type from the first bytes; ${n} may be short at the end. */
static void
sniff_decide(struct doc_dec *d)
{
	const uint8_t *s = d->sniff;
	size_t n = d->nsniff, skip = 0;
	int t;

	d->sniffed = 1;
	t = type_from_name(d->name);
	if (n >= 4 && memcmp(s, "PK\003\004", 4) == 0)
		d->type = t >= DOC_T_DOCX && t <= DOC_T_ODP ? (uint8_t)t :
		    DOC_T_ZIP;
	else if (n >= 4 && memcmp(s, "PK\005\006", 4) == 0)
		d->type = DOC_T_ZIP;
	else if (n >= 5 && memcmp(s, "%PDF-", 5) == 0)
		d->type = DOC_T_PDF;
	else if (n >= 5 && memcmp(s, "{\\rtf", 5) == 0)
		d->type = DOC_T_RTF;
	else if (n >= 8 && memcmp(s, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		d->type = DOC_T_OLE;
	else if (t == DOC_T_EML ||
	    strncasecmp(d->ctype, "message/rfc822", 14) == 0 ||
	    (n >= 8 && (memcmp(s, "Received", 8) == 0 ||
	    memcmp(s, "Return-P", 8) == 0 || memcmp(s, "MIME-Ver", 8) == 0 ||
	    memcmp(s, "Delivere", 8) == 0))) {
		d->type = DOC_T_EML;
		doc_eml_begin(d);
	} else if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
	    (s[0] == 0xfe && s[1] == 0xff))) {
		d->type = DOC_T_UTF16;
		d->u16be = s[0] == 0xfe;
		skip = 2;
	} else {
		d->type = t == DOC_T_CSV || t == DOC_T_TSV ? (uint8_t)t :
		    DOC_T_TEXT;
		if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
	}
	if (d->stats != NULL && d->type != DOC_T_TEXT)
		d->stats->docs++;
	switch (d->type) {
	case DOC_T_OLE:
		doc_member(d, "");
		doc_problem(d, DOC_P_ENCRYPTED, "OLE compound file (legacy "
		    "Office format, .msg or password-protected OOXML)", 1);
		return;
	case DOC_T_ZIP: case DOC_T_DOCX: case DOC_T_XLSX: case DOC_T_PPTX:
	case DOC_T_ODT: case DOC_T_ODS: case DOC_T_ODP:
		break;		/* members announce themselves */
	case DOC_T_PDF:
		break;
	default:
		doc_member(d, "");
		break;
	}
	body_feed_typed(d, s + skip, n - skip);
}

static void
body_feed_typed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	if (n == 0 || d->stopped)
		return;
	switch (d->type) {
	case DOC_T_UTF16:
		u16_feed(d, p, n);
		break;
	case DOC_T_RTF:
		doc_rtf_feed(d, p, n);
		break;
	case DOC_T_EML:
		doc_eml_feed(d, p, n);
		break;
	case DOC_T_PDF:
		doc_pdf_feed(d, p, n);
		break;
	case DOC_T_ZIP: case DOC_T_DOCX: case DOC_T_XLSX: case DOC_T_PPTX:
	case DOC_T_ODT: case DOC_T_ODS: case DOC_T_ODP:
		doc_zip_feed(d, p, n);
		break;
	case DOC_T_OLE:
		break;
	default:
		/* Plain text goes on as it is, without a copy. */
		doc_flush(d);
		d->text_bytes += n;
		if (d->cb.text != NULL)
			d->cb.text(d->cb.arg, p, n);
		break;
	}
}

static void
raw_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	if (!d->sniffed) {
		while (n > 0 && d->nsniff < sizeof(d->sniff)) {
			d->sniff[d->nsniff++] = *p++;
			n--;
		}
		if (d->nsniff < sizeof(d->sniff))
			return;
		sniff_decide(d);
	}
	body_feed_typed(d, p, n);
}

/* ---- base64 (JSON file content) ---- */

static int
b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

static void
b64_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	uint8_t out[768];
	size_t i, k = 0;
	int v;

	for (i = 0; i < n; i++) {
		if ((v = b64val(p[i])) < 0)
			continue;	/* '=', line breaks, junk */
		d->b64v = d->b64v << 6 | (uint32_t)v;
		if (++d->b64n == 4) {
			out[k++] = (uint8_t)(d->b64v >> 16);
			out[k++] = (uint8_t)(d->b64v >> 8);
			out[k++] = (uint8_t)d->b64v;
			d->b64n = 0;
			d->b64v = 0;
			if (k + 3 > sizeof(out)) {
				raw_feed(d, out, k);
				k = 0;
			}
		}
	}
	raw_feed(d, out, k);
}

static void
b64_end(struct doc_dec *d)
{
	uint8_t out[2];

	if (d->b64n == 2) {
		out[0] = (uint8_t)(d->b64v >> 4);
		raw_feed(d, out, 1);
	} else if (d->b64n == 3) {
		out[0] = (uint8_t)(d->b64v >> 10);
		out[1] = (uint8_t)(d->b64v >> 2);
		raw_feed(d, out, 2);
	}
	d->b64n = 0;
}

/* ---- API ---- */

static void
copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	if (src != NULL) {
		for (; src[n] != '\0' && n + 1 < cap; n++)
			dst[n] = (char)((uint8_t)src[n] < 0x20 ? '_' : src[n]);
	}
	dst[n] = '\0';
}

void
doc_begin(struct doc_dec *d, const char *name, const char *ctype, int flags,
    uint8_t *arena, size_t arena_cap, const struct doc_cb *cb,
    struct doc_stats *stats)
{
	memset(d, 0, offsetof(struct doc_dec, on));
	d->on = 0;
	d->cb = *cb;
	d->stats = stats;
	d->arena = arena;
	d->arena_cap = arena != NULL ? arena_cap : 0;
	d->flags = (uint8_t)flags;
	d->out_max = DOC_OUT_MAX_DEFAULT;
	copy_str(d->name, sizeof(d->name), name);
	copy_str(d->ctype, sizeof(d->ctype), ctype);
	d->code = (uint8_t)doc_is_code_name(name, ctype);
}

void
doc_set_cap(struct doc_dec *d, uint64_t out_max)
{
	d->out_max = out_max ? out_max : DOC_OUT_MAX_DEFAULT;
}

static int
stop_rc(const struct doc_dec *d)
{
	switch (d->stopped - 1) {
	case DOC_P_TOO_LARGE:
		return -E2BIG;
	case DOC_P_ENCRYPTED:
		return -EPERM;
	default:
		return -EBADMSG;
	}
}

int
doc_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	if (d->stopped)
		return stop_rc(d);
	d->in_bytes += n;
	if (d->flags & DOC_F_BASE64)
		b64_feed(d, p, n);
	else
		raw_feed(d, p, n);
	doc_flush(d);
	return d->stopped ? stop_rc(d) : 0;
}

void
doc_end(struct doc_dec *d)
{
	if (d->flags & DOC_F_BASE64)
		b64_end(d);
	if (!d->sniffed && (d->nsniff > 0 || d->name[0] != '\0'))
		sniff_decide(d);
	if (!d->stopped) {
		if (d->type == DOC_T_PDF)
			doc_pdf_end(d);
		else if (d->type == DOC_T_EML)
			doc_eml_end(d);
		else if (d->type >= DOC_T_ZIP && d->type <= DOC_T_ODP)
			doc_zip_end(d);
	}
	doc_flush(d);
	if (d->zinit)
		inflateEnd(d->zs);
	d->zinit = 0;
	d->stopped = d->stopped ? d->stopped : DOC_P_CORRUPT + 1;
}
