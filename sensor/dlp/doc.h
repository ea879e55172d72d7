/*
 * doc.h - document text extraction for DLP (issue 14): a streaming,
 * bounded decoder that takes the bytes of one uploaded file (a multipart
 * file part, a raw PUT/POST body, base64 file content inside JSON) and
 * hands plain UTF-8 text to a sink, one "member" at a time (e.g.
 * word/document.xml, docProps/custom.xml, a PDF content stream).
 *
 * This module owns: sniffing (magic bytes, then file name / Content-Type),
 * base64 and UTF-16 (BOM) transcoding, the caps and the problem reports.
 * doc_zip.c owns ZIP (OOXML, OpenDocument, plain zip), doc_xml.c the XML
 * text-node extractor, doc_pdf.c PDF, doc_rtf.c RTF, doc_eml.c e-mail
 * (MIME) messages.  No allocation: all
 * state lives in struct doc_dec, zlib in a caller arena.
 */
#ifndef ST_DOC_H
#define ST_DOC_H

#include <stddef.h>
#include <stdint.h>

#define DOC_ARENA_MIN		(48u * 1024u)	/* zlib state + 32 KiB window */
#define DOC_MEMBERS_MAX		1024u		/* ZIP members per archive */
#define DOC_MEMBER_OUT_MAX	(8u << 20)	/* inflated bytes per member */
#define DOC_OUT_MAX_DEFAULT	(32u << 20)	/* inflated bytes per document */
#define DOC_RATIO_MAX		200u		/* inflated / compressed */
#define DOC_XML_DEPTH_MAX	256u
#define DOC_PDF_OBJ_MAX		100000u		/* "obj" keywords per PDF */
#define DOC_PDF_STREAMS_MAX	4096u		/* streams per PDF */
#define DOC_NAME_MAX		96		/* file name kept (incl. NUL) */
#define DOC_MEMBER_NAME_MAX	64		/* member name kept (incl. NUL) */
#define DOC_TYPE_MAX		8		/* container name (incl. NUL) */
#define DOC_EML_DEPTH		4		/* nested MIME multiparts */

enum doc_type {
	DOC_T_TEXT = 0, DOC_T_CSV, DOC_T_TSV, DOC_T_UTF16, DOC_T_RTF,
	DOC_T_PDF, DOC_T_ZIP, DOC_T_DOCX, DOC_T_XLSX, DOC_T_PPTX, DOC_T_ODT,
	DOC_T_ODS, DOC_T_ODP, DOC_T_OLE, DOC_T_EML, DOC_T__COUNT
};

/* Why a document (or part of it) could not be inspected. */
enum doc_problem {
	DOC_P_TOO_LARGE = 0,	/* a cap: members, inflated bytes, ratio, depth */
	DOC_P_ENCRYPTED,	/* encrypted ZIP member, PDF /Encrypt, OLE */
	DOC_P_CORRUPT,		/* bad structure, overlapping members, zip64 */
	DOC_P_NO_TEXT,		/* nothing to extract (image-only PDF) */
	DOC_P__COUNT
};

struct doc_cb {
	/* A new text unit starts: ${type} is the container name ("docx"),
	 * ${member} the part inside it ("" for a plain file). */
	void	(*member)(void *arg, const char *type, const char *member);
	/* Extracted text; valid only during the call. */
	void	(*text)(void *arg, const uint8_t *p, size_t n);
	/* Something could not be inspected (once per problem kind). */
	void	(*problem)(void *arg, enum doc_problem pb, const char *detail);
	void	*arg;
};

/* Counters, kept by the caller across documents. */
struct doc_stats {
	uint64_t	docs;		/* documents (containers) seen */
	uint64_t	members;	/* members / streams extracted */
	uint64_t	inflated;	/* bytes inflated */
	uint64_t	problems[DOC_P__COUNT];
};

#define DOC_F_BASE64	0x01	/* input is base64 text (JSON file content) */

struct doc_zip {
	uint8_t		 st;		/* state */
	uint8_t		 use;		/* current member: 0 skip, 1 xml, 2 meta,
					 * 3 text, 4 mimetype */
	uint16_t	 flags;		/* general purpose flags */
	uint16_t	 method;
	uint16_t	 nlen, xlen, clen;	/* name, extra, comment lengths */
	uint32_t	 need;		/* bytes still wanted in this state */
	uint32_t	 csize, usize;
	uint32_t	 got;		/* bytes gathered into hdr */
	uint32_t	 nlocal;	/* local headers seen */
	uint32_t	 ncentral;	/* central directory entries seen */
	uint64_t	 off;		/* archive offset of the next byte */
	uint64_t	 m_in, m_out;	/* current member in/out bytes */
	uint8_t		 hdr[46];
	char		 name[DOC_MEMBER_NAME_MAX];
	uint32_t	 loff[DOC_MEMBERS_MAX];	/* local header offsets */
	uint8_t		 cref[DOC_MEMBERS_MAX / 8];	/* referenced by the CD */
};

struct doc_xml {
	uint8_t		 st;
	uint8_t		 meta;		/* metadata member: newline per element */
	uint8_t		 end;		/* tag is an end tag */
	uint8_t		 nlen;		/* local name bytes */
	uint8_t		 elen;		/* entity bytes */
	uint8_t		 quote;		/* attribute quote char */
	uint8_t		 amatch;	/* bytes of ' name="' matched */
	uint8_t		 aname;		/* in a name="..." value */
	uint8_t		 cdm;		/* CDATA / comment end bytes matched */
	uint8_t		 slash;		/* last tag byte was '/' */
	uint16_t	 depth;
	char		 lname[16];
	char		 ent[12];
};

struct doc_pdf {
	uint8_t		 st;		/* top-level tokenizer */
	uint8_t		 smode;		/* stream: skip, inflate, plain */
	uint8_t		 sdest;		/* stream text: content parser, XMP */
	uint8_t		 s_flate, s_image, s_other, s_meta;	/* dict flags */
	uint8_t		 len_st;	/* /Length N [0 R] */
	uint8_t		 cur;		/* member announced: Info, content, XMP */
	uint8_t		 paren;		/* literal string nesting */
	uint8_t		 esc;		/* after '\' in a literal string */
	uint8_t		 oct;		/* octal digits seen */
	uint8_t		 octv;
	uint8_t		 hexhi;		/* hex string: high nibble + 1 */
	uint8_t		 u16;		/* string is UTF-16BE (BOM) */
	uint8_t		 nb;		/* string bytes so far (0..2) */
	uint8_t		 hold;		/* first string byte, held */
	uint8_t		 u16b;		/* UTF-16: first byte of a unit */
	uint8_t		 tlen;		/* token bytes */
	uint8_t		 last_name;	/* the last token was a name */
	uint8_t		 encrypt;	/* /Encrypt seen */
	uint8_t		 em;		/* "endstream" bytes matched */
	uint8_t		 seol;		/* EOL after "stream" */
	/* content-stream parser */
	uint8_t		 c_st;
	uint8_t		 c_tlen;
	uint8_t		 bt;		/* inside BT .. ET */
	uint8_t		 arr;		/* inside [ ] */
	uint8_t		 nonzero;	/* last number was nonzero */
	uint8_t		 ei;		/* inline image: "EI" bytes matched */
	uint32_t	 nobj, nstreams, nimages, zerr;
	uint64_t	 ntext;
	uint64_t	 slen;		/* /Length of the dict, 0 unknown */
	uint64_t	 s_left;	/* stream bytes left (known length) */
	uint64_t	 s_in, s_out;
	char		 tok[24];
	char		 c_tok[16];
	char		 key[24];	/* last name token */
};

struct doc_rtf {
	uint8_t		 st;
	uint8_t		 wlen;
	uint8_t		 hex;		/* \'hh digits seen */
	uint8_t		 hexv;
	uint8_t		 uc_skip;	/* fallback chars to skip after \u */
	uint8_t		 nparam;
	uint8_t		 neg;
	uint8_t		 star;		/* \* seen in this group */
	uint16_t	 depth;
	uint16_t	 info_depth;	/* group of an \info field, 0 none */
	int32_t		 param;
	uint64_t	 skip;		/* bit i: group depth i is skipped */
	char		 word[32];
};

struct doc_eml {
	uint8_t		 st;		/* headers, body, skip */
	uint8_t		 text;		/* the current part's body is text */
	uint8_t		 html;		/* ... HTML: through the XML extractor */
	uint8_t		 enc;		/* raw, base64, quoted-printable */
	uint8_t		 ptext, phtml, pmulti, pattach, penc;	/* part headers */
	uint8_t		 nb;		/* boundary length found in headers */
	uint8_t		 depth;		/* open multiparts */
	uint8_t		 longl;		/* in the rest of a long line */
	uint8_t		 b64n;
	uint32_t	 b64v;
	uint16_t	 llen;
	uint8_t		 blen[DOC_EML_DEPTH];
	char		 bnd[DOC_EML_DEPTH][72];
	char		 newb[72];
	char		 line[512];
};

/* Decoder state: caller-owned, set up by doc_begin(). Fields are private. */
struct doc_dec {
	struct doc_cb	 cb;
	struct doc_stats *stats;
	uint8_t		*arena;
	size_t		 arena_cap;
	size_t		 arena_used;
	void		*zs;		/* z_stream inside the arena */
	uint8_t		 zinit;		/* 1: inflate set up */
	uint8_t		 type;		/* enum doc_type */
	uint8_t		 flags;
	uint8_t		 sniffed;
	uint8_t		 stopped;	/* a fatal problem: ignore the rest */
	uint8_t		 reported;	/* bit per enum doc_problem */
	uint8_t		 code;		/* the name or type says source code */
	uint8_t		 nsniff;
	uint8_t		 sniff[8];
	/* base64 */
	uint8_t		 b64n;
	uint32_t	 b64v;
	/* UTF-16 */
	uint8_t		 u16be;
	uint8_t		 u16n;
	uint8_t		 u16b;
	uint16_t	 u16hi;
	uint64_t	 in_bytes;	/* raw document bytes */
	uint64_t	 out_bytes;	/* inflated bytes, whole document */
	uint64_t	 out_max;
	uint64_t	 text_bytes;	/* text handed to the sink */
	char		 name[DOC_NAME_MAX];
	char		 ctype[64];
	union {
		struct doc_zip	 zip;
		struct doc_pdf	 pdf;
		struct doc_rtf	 rtf;
		struct doc_eml	 eml;
	} u;
	struct doc_xml	 xml;
	uint32_t	 on;
	uint8_t		 obuf[16384];
};

/*
 * doc_begin(d, name, ctype, flags, arena, arena_cap, cb, stats):
 * Start one document called ${name} (file name, may be NULL) with
 * Content-Type ${ctype} (may be NULL).  ${arena} (>= DOC_ARENA_MIN) holds
 * zlib; without it compressed containers are reported DOC_P_TOO_LARGE.
 * ${stats} may be NULL.
 */
void	doc_begin(struct doc_dec *d, const char *name, const char *ctype,
	    int flags, uint8_t *arena, size_t arena_cap, const struct doc_cb *cb,
	    struct doc_stats *stats);
/* doc_set_cap(d, out_max): inflated bytes allowed for this document. */
void	doc_set_cap(struct doc_dec *d, uint64_t out_max);
/* doc_feed(d, p, n): the next bytes.  Returns 0, or -E2BIG / -EPERM /
 * -EBADMSG once a fatal problem stopped the document (later calls too). */
int	doc_feed(struct doc_dec *d, const uint8_t *p, size_t n);
/* doc_end(d): end of the file; flushes text, may report DOC_P_NO_TEXT. */
void	doc_end(struct doc_dec *d);

/* doc_type_name(t): "docx", "pdf", ... */
const char *doc_type_name(int t);
/* doc_problem_name(pb): "doc_too_large", "doc_encrypted", ... */
const char *doc_problem_name(int pb);
/* doc_is_code_name(name, ctype): 1 when the file name's extension or the
 * Content-Type (text/x-*) says source code. */
int	doc_is_code_name(const char *name, const char *ctype);
/* doc_is_doc_type(ctype): 1 for Content-Types of documents we extract. */
int	doc_is_doc_type(const char *ctype);

/* ---- between the doc_*.c files only ---- */
void	doc_flush(struct doc_dec *d);
void	doc_put(struct doc_dec *d, const uint8_t *p, size_t n);
static inline void
doc_putc(struct doc_dec *d, uint8_t c)
{
	if (d->on == sizeof(d->obuf))
		doc_flush(d);
	d->obuf[d->on++] = c;
	d->text_bytes++;
}
void	doc_put_utf8(struct doc_dec *d, uint32_t cp);
void	doc_flush(struct doc_dec *d);
void	doc_member(struct doc_dec *d, const char *member);
void	doc_problem(struct doc_dec *d, enum doc_problem pb, const char *detail,
	    int fatal);
int	doc_inflate_init(struct doc_dec *d, int wbits);
/* doc_inflate(d, p, n, used, out, cap, got): one inflate() call; returns
 * 1 at the end of the deflate stream, 0 to go on, -1 on corrupt data. */
int	doc_inflate(struct doc_dec *d, const uint8_t *p, size_t n, size_t *used,
	    uint8_t *out, size_t cap, size_t *got);
void	doc_xml_begin(struct doc_dec *d, int meta);
void	doc_xml_feed(struct doc_dec *d, const uint8_t *p, size_t n);
void	doc_zip_feed(struct doc_dec *d, const uint8_t *p, size_t n);
void	doc_zip_end(struct doc_dec *d);
void	doc_pdf_feed(struct doc_dec *d, const uint8_t *p, size_t n);
void	doc_pdf_end(struct doc_dec *d);
void	doc_rtf_feed(struct doc_dec *d, const uint8_t *p, size_t n);
void	doc_eml_begin(struct doc_dec *d);
void	doc_eml_feed(struct doc_dec *d, const uint8_t *p, size_t n);
void	doc_eml_end(struct doc_dec *d);

#endif
