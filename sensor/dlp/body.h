/*
 * body.h - streaming decoder for HTTP request bodies on their way to the
 * DLP engine: Content-Encoding gzip/deflate (zlib, capped against bombs),
 * then multipart/form-data, x-www-form-urlencoded or JSON (string escapes
 * decoded) into plain text; files inside the body can go to a document
 * hook (dlp/doc.h).  No allocation: zlib works in a caller arena.
 */
#ifndef ST_BODY_H
#define ST_BODY_H

#include <stddef.h>
#include <stdint.h>

#define BODY_ARENA_MIN		(48u * 1024u)	/* zlib state + 32 KiB window */
#define BODY_RATIO_DEFAULT	200u		/* max decoded / encoded bytes */
#define BODY_OUT_MAX_DEFAULT	(16u << 20)	/* max decoded bytes per body */
#define BODY_BOUNDARY_MAX	70		/* RFC 2046 */

enum body_kind { BODY_RAW = 0, BODY_JSON, BODY_FORM, BODY_MULTIPART };
enum body_enc { BODY_ENC_IDENTITY = 0, BODY_ENC_GZIP, BODY_ENC_DEFLATE,
	BODY_ENC_OTHER };

/* Where decoded text goes; pieces are valid only during the call. */
typedef void	(*body_sink)(void *arg, const uint8_t *p, size_t n);

/*
 * Files inside a body (multipart parts with a filename, base64 file
 * content in JSON strings: "data:...;base64," or the base64 of a ZIP, PDF,
 * RTF or OLE header) go to a document hook instead of the text sink:
 * begin() (returns 1 to take the file; ${base64}: the bytes are base64
 * text), data() with the part's bytes as they are, end().
 */
struct body_doc_hook {
	int	(*begin)(void *arg, const char *name, const char *ctype,
		    int base64);
	void	(*data)(void *arg, const uint8_t *p, size_t n);
	void	(*end)(void *arg);
};
#define BODY_FNAME_MAX	96
#define BODY_SNIFF_MAX	96

/* Flags (body_dec.flags). */
#define BODY_F_BOMB	0x01	/* decompression cap hit: decoding stopped */
#define BODY_F_ZERR	0x02	/* corrupt compressed data: decoding stopped */
#define BODY_F_OPAQUE	0x04	/* unsupported encoding (br, zstd): not decoded */
#define BODY_F_STOP	(BODY_F_BOMB | BODY_F_ZERR | BODY_F_OPAQUE)

/* Decoder state; caller-owned, set up by body_init().  Fields are private. */
struct body_dec {
	body_sink	 sink;
	void		*arg;
	uint8_t		*arena;		/* for zlib, >= BODY_ARENA_MIN */
	size_t		 arena_cap;
	size_t		 arena_used;
	void		*zs;		/* z_stream inside the arena */
	uint64_t	 in_bytes;	/* encoded bytes fed */
	uint64_t	 out_bytes;	/* decompressed bytes */
	uint64_t	 out_max;
	uint32_t	 ratio;
	uint8_t		 kind;		/* enum body_kind */
	uint8_t		 enc;		/* enum body_enc */
	uint8_t		 flags;
	uint8_t		 zstarted;
	/* JSON */
	uint8_t		 j_str;		/* inside a string */
	uint8_t		 j_esc;		/* after a backslash */
	uint8_t		 j_un;		/* \u hex digits seen, 0..4 */
	uint8_t		 j_key;		/* the current string may be a key */
	uint16_t	 j_u;		/* \u value being read */
	uint16_t	 j_hi;		/* pending high surrogate, 0 if none */
	uint8_t		 j_sep;		/* a separator is due before the next text */
	/* urlencoded */
	uint8_t		 f_pct;		/* 0, or 1/2 hex digits seen after '%' */
	uint8_t		 f_val;		/* in a value (after '=') */
	uint8_t		 f_hex;
	/* multipart */
	uint8_t		 m_state;
	uint8_t		 m_dlen;	/* delimiter length ("\r\n--" + boundary) */
	uint8_t		 m_match;	/* delimiter bytes matched */
	uint8_t		 m_dash;	/* "--" after a delimiter */
	uint16_t	 m_hlen;	/* part header bytes (capped) */
	uint8_t		 m_line[256];	/* current part header line (prefix) */
	uint16_t	 m_llen;
	uint8_t		 m_delim[4 + BODY_BOUNDARY_MAX];
	uint8_t		 m_fail[4 + BODY_BOUNDARY_MAX];
	/* files to the document hook */
	const struct body_doc_hook *dh;
	void		*dh_arg;
	uint8_t		 route;		/* output goes to dh->data */
	uint8_t		 j_snd;		/* this JSON string: sniff decided */
	uint8_t		 j_sn;		/* sniffed bytes */
	uint8_t		 j_capn;	/* captured bytes (file name candidate) */
	char		 m_fname[BODY_FNAME_MAX];	/* part's filename */
	char		 m_ctype[64];	/* part's Content-Type */
	char		 j_fname[BODY_FNAME_MAX];	/* last name-like string */
	uint8_t		 j_cap[BODY_FNAME_MAX];
	uint8_t		 j_snbuf[BODY_SNIFF_MAX];
};

/*
 * body_init(b, content_type, content_encoding, arena, arena_cap, sink, arg):
 * Prepare ${b} for one body.  The kind comes from ${content_type} (JSON,
 * form, multipart with its boundary, else raw), the encoding from
 * ${content_encoding} (NULL or "" is identity).  ${arena} (>=
 * BODY_ARENA_MIN bytes, may be NULL when no compression is expected:
 * a compressed body then counts as BODY_F_OPAQUE) must stay valid until
 * body_end().  Returns 0, or -EINVAL for a multipart type without a
 * usable boundary (the body is then passed on raw).
 */
int	body_init(struct body_dec *b, const char *content_type,
	    const char *content_encoding, uint8_t *arena, size_t arena_cap,
	    body_sink sink, void *arg);
/* body_set_doc_hook(b, hook, arg): send files to ${hook} (NULL: off). */
void	body_set_doc_hook(struct body_dec *b, const struct body_doc_hook *hook,
	    void *arg);
/* body_set_caps(b, out_max, ratio): decompression caps (0: default). */
void	body_set_caps(struct body_dec *b, uint64_t out_max, uint32_t ratio);

/*
 * body_feed(b, p, n):
 * Decode the next ${n} body bytes and pass the text to the sink.  Returns
 * 0, -E2BIG once a decompression cap was hit (bomb), -EBADMSG for corrupt
 * compressed data, -ENOTSUP for an encoding we cannot decode; after an
 * error, later calls return it again without calling the sink.
 */
int	body_feed(struct body_dec *b, const uint8_t *p, size_t n);
/* body_end(b): flush what waits (a pending '%', half a JSON escape). */
void	body_end(struct body_dec *b);

#endif
