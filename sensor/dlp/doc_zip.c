/*
 * doc_zip.c - ZIP containers read front to back (local headers, member
 * data, data descriptors, then the central directory, which is checked
 * against what the stream showed: overlapping or hidden members are
 * reported).  Members that carry text in OOXML (.docx/.xlsx/.pptx) and
 * OpenDocument go to the XML extractor, their metadata (docProps/core.xml,
 * custom.xml, meta.xml) too; in a plain zip, text and source files go out
 * as they are.  Raw inflate with per-member, per-document and ratio caps.
 */
#include <string.h>
#include <strings.h>

#include "dlp/doc.h"

enum { ZS_SIG = 0, ZS_LFH, ZS_NAME, ZS_EXTRA, ZS_DATA, ZS_DD, ZS_DD2,
	ZS_CD, ZS_CDVAR, ZS_EOCD, ZS_DONE };
enum { U_SKIP = 0, U_XML, U_META, U_TEXT, U_MIME };

#define SIG_LFH		0x04034b50u
#define SIG_CD		0x02014b50u
#define SIG_EOCD	0x06054b50u
#define SIG_DD		0x08074b50u

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Gather bytes into z->hdr until it holds ${want}; 1 when it does. */
static int
gather(struct doc_zip *z, const uint8_t **p, size_t *n, uint32_t want)
{
	while (*n > 0 && z->got < want) {
		z->hdr[z->got++] = *(*p)++;
		(*n)--;
		z->off++;
	}
	return z->got == want;
}

static int
prefix(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

static int
suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && strcasecmp(s + n - k, suf) == 0;
}

/* Is ${name} a numbered part "dir/baseN.xml"? */
static int
numbered(const char *name, const char *base)
{
	size_t k = strlen(base);

	if (strncmp(name, base, k) != 0)
		return 0;
	name += k;
	while (*name >= '0' && *name <= '9')
		name++;
	return strcmp(name, ".xml") == 0;
}

static int
member_use(struct doc_dec *d, const char *m)
{
	static const char *const text_ext[] = { ".txt", ".csv", ".tsv", ".md",
	    ".json", ".eml", ".log", ".ini", ".cfg", ".conf", ".env", ".pem",
	    ".key", NULL };
	const char *const *e;

	if (d->type == DOC_T_ZIP) {
		if (prefix(m, "word/"))
			d->type = DOC_T_DOCX;
		else if (prefix(m, "xl/"))
			d->type = DOC_T_XLSX;
		else if (prefix(m, "ppt/"))
			d->type = DOC_T_PPTX;
	}
	if (strcmp(m, "mimetype") == 0)
		return U_MIME;
	if (strcmp(m, "docProps/core.xml") == 0 ||
	    strcmp(m, "docProps/custom.xml") == 0 || strcmp(m, "meta.xml") == 0)
		return U_META;
	if (strcmp(m, "word/document.xml") == 0 ||
	    numbered(m, "word/header") || numbered(m, "word/footer") ||
	    strcmp(m, "word/footnotes.xml") == 0 ||
	    strcmp(m, "word/endnotes.xml") == 0 ||
	    strcmp(m, "word/comments.xml") == 0 ||
	    strcmp(m, "xl/sharedStrings.xml") == 0 ||
	    numbered(m, "xl/worksheets/sheet") ||
	    numbered(m, "ppt/slides/slide") ||
	    numbered(m, "ppt/notesSlides/notesSlide") ||
	    strcmp(m, "content.xml") == 0 || strcmp(m, "styles.xml") == 0)
		return U_XML;
	if (d->type != DOC_T_ZIP || suffix(m, "/"))
		return U_SKIP;
	for (e = text_ext; *e != NULL; e++)
		if (suffix(m, *e))
			return U_TEXT;
	return doc_is_code_name(m, NULL) ? U_TEXT : U_SKIP;
}

/* The local header is complete (fixed part in hdr, name in z->name). */
static void
member_start(struct doc_dec *d, struct doc_zip *z)
{
	z->m_in = z->m_out = 0;
	z->use = (uint8_t)member_use(d, z->name);
	z->got = 0;
	if ((z->flags & 0x0001) || z->method == 99) {
		doc_problem(d, DOC_P_ENCRYPTED, "encrypted ZIP member",
		    (z->flags & 0x0008) != 0);
		z->use = U_SKIP;
	} else if (z->method != 0 && z->method != 8) {
		doc_problem(d, DOC_P_CORRUPT, "ZIP member compressed with an "
		    "unsupported method", 0);
		z->use = U_SKIP;
	}
	if (z->csize == 0xffffffffu || z->usize == 0xffffffffu) {
		doc_problem(d, DOC_P_TOO_LARGE, "ZIP64 member", 1);
		return;
	}
	if ((z->flags & 0x0008) && z->method != 8) {
		/* Unknown size and nothing that marks the end. */
		doc_problem(d, DOC_P_CORRUPT, "ZIP member of unknown size", 1);
		return;
	}
	if (z->method == 8 && (z->use != U_SKIP || (z->flags & 0x0008)) &&
	    doc_inflate_init(d, -15) < 0) {
		doc_problem(d, DOC_P_TOO_LARGE, "no memory to inflate", 1);
		return;
	}
	if (z->use == U_XML || z->use == U_META) {
		doc_member(d, z->name);
		doc_xml_begin(d, z->use == U_META);
	} else if (z->use == U_TEXT)
		doc_member(d, z->name);
	z->st = ZS_DATA;
}

static void
member_text(struct doc_dec *d, struct doc_zip *z, const uint8_t *p, size_t n)
{
	switch (z->use) {
	case U_XML:
	case U_META:
		doc_xml_feed(d, p, n);
		break;
	case U_TEXT:
		doc_put(d, p, n);
		break;
	case U_MIME:
		while (n > 0 && z->got < sizeof(z->hdr)) {
			z->hdr[z->got++] = *p++;
			n--;
		}
		break;
	default:
		break;
	}
}

static void
member_done(struct doc_dec *d, struct doc_zip *z)
{
	if (z->use == U_MIME) {
		const char *m = (const char *)z->hdr;
		size_t k = z->got;

		if (k > 35 && memcmp(m, "application/vnd.oasis.opendocument.",
		    35) == 0) {
			if (k >= 39 && memcmp(m + 35, "text", 4) == 0)
				d->type = DOC_T_ODT;
			else if (k >= 46 && memcmp(m + 35, "spreadsheet", 11) == 0)
				d->type = DOC_T_ODS;
			else if (k >= 47 && memcmp(m + 35, "presentation", 12) == 0)
				d->type = DOC_T_ODP;
		}
	}
	doc_flush(d);
	z->use = U_SKIP;
	z->got = 0;
	z->st = (z->flags & 0x0008) ? ZS_DD : ZS_SIG;
}

/* Member data; returns bytes used of ${p}. */
static size_t
member_data(struct doc_dec *d, struct doc_zip *z, const uint8_t *p, size_t n)
{
	uint8_t out[4096];
	size_t used = 0, got, k;
	int r;

	if (z->method != 8 || (z->use == U_SKIP && !(z->flags & 0x0008))) {
		/* Stored, or compressed and not wanted: count the bytes. */
		k = z->csize - z->m_in < n ? (size_t)(z->csize - z->m_in) : n;
		if (z->method == 0)
			member_text(d, z, p, k);
		z->m_in += k;
		z->off += k;
		if (z->m_in == z->csize)
			member_done(d, z);
		return k;
	}
	while (used < n) {
		k = n - used;
		if (!(z->flags & 0x0008) && k > z->csize - z->m_in)
			k = (size_t)(z->csize - z->m_in);
		r = doc_inflate(d, p + used, k, &k, out, sizeof(out), &got);
		used += k;
		z->m_in += k;
		z->off += k;
		z->m_out += got;
		if (z->m_out > DOC_MEMBER_OUT_MAX || d->out_bytes > d->out_max ||
		    z->m_out > (uint64_t)DOC_RATIO_MAX * z->m_in + 65536) {
			doc_problem(d, DOC_P_TOO_LARGE, "ZIP member inflates "
			    "beyond the caps (zip bomb?)", 1);
			return n;
		}
		if (z->use != U_SKIP)
			member_text(d, z, out, got);
		if (r < 0) {
			doc_problem(d, DOC_P_CORRUPT, "corrupt deflate data in "
			    "a ZIP member", 1);
			return n;
		}
		if (r == 1) {
			if (!(z->flags & 0x0008) && z->m_in < z->csize) {
				/* Trailing bytes inside the member: skip. */
				z->method = 0xffff;
				z->use = U_SKIP;
				k = z->csize - z->m_in < n - used ?
				    (size_t)(z->csize - z->m_in) : n - used;
				z->m_in += k;
				z->off += k;
				used += k;
				if (z->m_in < z->csize) {
					z->method = 0;	/* count the rest */
					return used;
				}
			}
			member_done(d, z);
			return used;
		}
		if (!(z->flags & 0x0008) && z->m_in == z->csize && got == 0) {
			doc_problem(d, DOC_P_CORRUPT, "ZIP member ends inside "
			    "its deflate stream", 0);
			member_done(d, z);
			return used;
		}
	}
	return used;
}

/* Binary search of the local header offsets (ascending). */
static int
find_local(const struct doc_zip *z, uint32_t off)
{
	uint32_t lo = 0, hi = z->nlocal < DOC_MEMBERS_MAX ? z->nlocal :
	    DOC_MEMBERS_MAX;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (z->loff[mid] == off)
			return (int)mid;
		if (z->loff[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void
central_entry(struct doc_dec *d, struct doc_zip *z)
{
	uint32_t off = le32(z->hdr + 42);
	int k;

	z->ncentral++;
	z->nlen = le16(z->hdr + 28);
	z->xlen = le16(z->hdr + 30);
	z->clen = le16(z->hdr + 32);
	if ((k = find_local(z, off)) < 0 || (z->cref[k / 8] & (1u << (k % 8))))
		doc_problem(d, DOC_P_CORRUPT, "central directory names a member "
		    "the archive did not show (overlapping members)", 0);
	else
		z->cref[k / 8] |= (uint8_t)(1u << (k % 8));
	z->need = (uint32_t)z->nlen + z->xlen + z->clen;
	z->st = ZS_CDVAR;
}

static void
signature(struct doc_dec *d, struct doc_zip *z)
{
	uint32_t sig = le32(z->hdr);

	z->got = 0;
	switch (sig) {
	case SIG_LFH:
		if (z->nlocal >= DOC_MEMBERS_MAX) {
			doc_problem(d, DOC_P_TOO_LARGE, "too many ZIP members", 1);
			return;
		}
		z->loff[z->nlocal++] = (uint32_t)(z->off - 4);
		z->st = ZS_LFH;
		break;
	case SIG_CD:
		z->st = ZS_CD;
		break;
	case SIG_EOCD:
		z->st = ZS_EOCD;
		break;
	case 0x06064b50u: case 0x07064b50u: case 0x05054b50u:
		z->st = ZS_DONE;	/* zip64 end records, signature */
		break;
	default:
		doc_problem(d, DOC_P_CORRUPT, "not a ZIP record", 1);
		break;
	}
}

void
doc_zip_feed(struct doc_dec *d, const uint8_t *p, size_t n)
{
	struct doc_zip *z = &d->u.zip;
	size_t k, i;

	while (n > 0 && !d->stopped) {
		switch (z->st) {
		case ZS_SIG:
			if (gather(z, &p, &n, 4))
				signature(d, z);
			break;
		case ZS_LFH:
			if (!gather(z, &p, &n, 26))
				break;
			z->flags = le16(z->hdr + 2);
			z->method = le16(z->hdr + 4);
			z->csize = le32(z->hdr + 14);
			z->usize = le32(z->hdr + 18);
			z->nlen = le16(z->hdr + 22);
			z->xlen = le16(z->hdr + 24);
			z->need = z->nlen;
			z->got = 0;
			z->st = ZS_NAME;
			break;
		case ZS_NAME:
			while (n > 0 && z->need > 0) {
				if (z->got + 1 < sizeof(z->name))
					z->name[z->got++] = (char)(*p < 0x20 ?
					    '_' : *p);
				p++;
				n--;
				z->need--;
				z->off++;
			}
			if (z->need > 0)
				break;
			z->name[z->got] = '\0';
			z->need = z->xlen;
			z->st = ZS_EXTRA;
			/* FALLTHROUGH */
		case ZS_EXTRA:
			k = z->need < n ? z->need : n;
			p += k;
			n -= k;
			z->need -= (uint32_t)k;
			z->off += k;
			if (z->need == 0)
				member_start(d, z);
			break;
		case ZS_DATA:
			k = member_data(d, z, p, n);
			p += k;
			n -= k;
			break;
		case ZS_DD:
			if (!gather(z, &p, &n, 4))
				break;
			/* The descriptor's signature is optional. */
			z->st = ZS_DD2;
			if (le32(z->hdr) != SIG_DD)
				z->got = 4 + 4;	/* crc was read: 8 to go */
			else
				z->got = 4;
			break;
		case ZS_DD2:
			if (!gather(z, &p, &n, 16))
				break;
			z->got = 0;
			z->st = ZS_SIG;
			break;
		case ZS_CD:
			if (!gather(z, &p, &n, 42))
				break;
			/* hdr[0..3] is overwritten: shift by the signature. */
			memmove(z->hdr + 4, z->hdr, 42);
			central_entry(d, z);
			break;
		case ZS_CDVAR:
			k = z->need < n ? z->need : n;
			p += k;
			n -= k;
			z->off += k;
			z->need -= (uint32_t)k;
			if (z->need == 0) {
				z->got = 0;
				z->st = ZS_SIG;
			}
			break;
		case ZS_EOCD:
			if (!gather(z, &p, &n, 18))
				break;
			if (z->ncentral > 0 && z->ncentral != z->nlocal)
				doc_problem(d, DOC_P_CORRUPT, "central directory "
				    "and local headers disagree", 0);
			z->st = ZS_DONE;
			break;
		default:
			i = n;		/* comment, trailing bytes */
			p += i;
			n -= i;
			break;
		}
	}
}

void
doc_zip_end(struct doc_dec *d)
{
	struct doc_zip *z = &d->u.zip;

	if (z->st != ZS_DONE)
		doc_problem(d, DOC_P_CORRUPT, "ZIP archive ends early (cut "
		    "short or corrupt)", 0);
	doc_flush(d);
}
