/*
 * body.c - HTTP request body decoding for DLP: zlib in a caller arena with
 * ratio/absolute caps, then multipart, urlencoded or JSON text extraction.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "dlp/body.h"
#include "common/str.h"

#define OBUF	4096

/* Decoded text collects here and goes to the sink in pieces. */
struct obuf {
	struct body_dec	*b;
	size_t		 n;
	uint8_t		 buf[OBUF];
};

enum { MP_PREAMBLE = 0, MP_AFTER, MP_AFTER_LF, MP_HDR, MP_BODY, MP_END };

#define MP_HDR_MAX	8192

static void
o_flush(struct obuf *o)
{
	if (o->n > 0) {
		if (o->b->route)
			o->b->dh->data(o->b->dh_arg, o->buf, o->n);
		else
			o->b->sink(o->b->arg, o->buf, o->n);
	}
	o->n = 0;
}

static void
o_put(struct obuf *o, uint8_t c)
{
	if (o->n == OBUF)
		o_flush(o);
	o->buf[o->n++] = c;
}

static void
o_puts(struct obuf *o, const void *p, size_t n)
{
	const uint8_t *s = p;

	while (n > 0) {
		size_t k;

		if (o->n == OBUF)
			o_flush(o);
		k = OBUF - o->n < n ? OBUF - o->n : n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
	}
}

static void
o_utf8(struct obuf *o, uint32_t cp)
{
	if (cp < 0x80)
		o_put(o, (uint8_t)cp);
	else if (cp < 0x800) {
		o_put(o, (uint8_t)(0xc0 | (cp >> 6)));
		o_put(o, (uint8_t)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		o_put(o, (uint8_t)(0xe0 | (cp >> 12)));
		o_put(o, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
		o_put(o, (uint8_t)(0x80 | (cp & 0x3f)));
	} else {
		o_put(o, (uint8_t)(0xf0 | (cp >> 18)));
		o_put(o, (uint8_t)(0x80 | ((cp >> 12) & 0x3f)));
		o_put(o, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
		o_put(o, (uint8_t)(0x80 | (cp & 0x3f)));
	}
}

/* ---- JSON: strings unescaped, structure turned into separators ---- */

/* Base64 of the first bytes of a ZIP, PDF, RTF and OLE file. */
static const char *const b64_magic[] = { "UEsDB", "JVBERi0", "e1xydGY",
	"0M8R4KGx", NULL };

/* -1: not a file, 0: undecided, 1: a file (${*skip} bytes of the buffer
 * are a "data:" prefix, ${ct} its media type). */
static int
j_sniff(const struct body_dec *b, size_t *skip, char *ct, size_t ctcap)
{
	const uint8_t *s = b->j_snbuf;
	size_t n = b->j_sn, k, i;
	const char *const *m;
	int maybe = 0;

	for (m = b64_magic; *m != NULL; m++) {
		k = strlen(*m);
		if (memcmp(s, *m, n < k ? n : k) == 0) {
			if (n >= k) {
				*skip = 0;
				ct[0] = '\0';
				return 1;
			}
			maybe = 1;
		}
	}
	if (memcmp(s, "data:", n < 5 ? n : 5) != 0)
		return maybe ? 0 : -1;
	if (n < 5)
		return 0;
	for (i = 5; i < n; i++) {
		if (s[i] != ',')
			continue;
		if (i < 12 || memcmp(s + i - 7, ";base64", 7) != 0)
			return -1;
		k = i - 7 - 5 < ctcap - 1 ? i - 7 - 5 : ctcap - 1;
		memcpy(ct, s + 5, k);
		ct[k] = '\0';
		if ((i = strcspn(ct, ";")) < k)
			ct[i] = '\0';	/* ";name=..." parameters */
		*skip = n;
		return 1;
	}
	return 0;
}

/* The string's sniffed bytes were text after all. */
static void
j_unsniff(struct body_dec *b, struct obuf *o)
{
	if (!b->j_snd && b->j_sn > 0)
		o_puts(o, b->j_snbuf, b->j_sn);
	b->j_snd = 1;
}

/* One decoded byte of a JSON string. */
static void
j_out(struct body_dec *b, struct obuf *o, uint8_t c)
{
	char ct[64];
	size_t skip = 0;
	int r;

	if (b->j_capn < sizeof(b->j_cap))
		b->j_cap[b->j_capn++] = c;
	if (b->route || b->j_snd || b->dh == NULL) {
		o_put(o, c);
		return;
	}
	b->j_snbuf[b->j_sn++] = c;
	r = j_sniff(b, &skip, ct, sizeof(ct));
	if (r == 0 && b->j_sn < sizeof(b->j_snbuf))
		return;
	if (r <= 0) {
		j_unsniff(b, o);
		return;
	}
	b->j_snd = 1;
	o_flush(o);
	if (!b->dh->begin(b->dh_arg, b->j_fname, ct, 1)) {
		o_puts(o, b->j_snbuf, b->j_sn);
		return;
	}
	b->route = 1;
	o_puts(o, b->j_snbuf + skip, b->j_sn - skip);
}

/* A name-like string ("report.docx"): the name of base64 content that
 * follows it. */
static void
j_capture(struct body_dec *b)
{
	const uint8_t *s = b->j_cap, *dot;
	size_t n = b->j_capn, i;

	if (n == 0 || n >= sizeof(b->j_cap) ||
	    (dot = memrchr(s, '.', n)) == NULL || dot == s ||
	    (size_t)(s + n - dot) > 6 || (size_t)(s + n - dot) < 2)
		return;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] == '/' || s[i] == '\\')
			return;
	memcpy(b->j_fname, s, n);
	b->j_fname[n] = '\0';
}

static void
j_str_end(struct body_dec *b, struct obuf *o)
{
	if (b->route) {
		o_flush(o);
		b->dh->end(b->dh_arg);
		b->route = 0;
	} else
		j_unsniff(b, o);
	j_capture(b);
}

static void
json_uhex(struct body_dec *b, struct obuf *o)
{
	uint16_t u = b->j_u;

	if (!b->route)
		j_unsniff(b, o);
	if (u >= 0xd800 && u <= 0xdbff) {
		b->j_hi = u;		/* wait for the low half */
		return;
	}
	if (u >= 0xdc00 && u <= 0xdfff) {
		if (b->j_hi != 0)
			o_utf8(o, 0x10000 + (((uint32_t)b->j_hi - 0xd800) << 10) +
			    ((uint32_t)u - 0xdc00));
		b->j_hi = 0;
		return;
	}
	b->j_hi = 0;
	o_utf8(o, u);
}

static void
json_str_byte(struct body_dec *b, struct obuf *o, uint8_t c)
{
	static const char esc_from[] = "nrtbf/\\\"";
	static const char esc_to[] = "\n\r\t  /\\\"";
	const char *e;
	int h;

	if (b->j_un > 0) {
		if ((h = str_hexval(c)) >= 0) {
			b->j_u = (uint16_t)((b->j_u << 4) | (unsigned)h);
			if (++b->j_un == 5) {
				b->j_un = 0;
				json_uhex(b, o);
			}
			return;
		}
		b->j_un = 0;		/* broken \u: keep going with c */
	}
	if (b->j_esc) {
		b->j_esc = 0;
		if (c == 'u') {
			b->j_un = 1;
			b->j_u = 0;
		} else if ((e = strchr(esc_from, c)) != NULL && c != '\0')
			j_out(b, o, (uint8_t)esc_to[e - esc_from]);
		else
			j_out(b, o, c);
		return;
	}
	if (c == '\\')
		b->j_esc = 1;
	else if (c == '"') {
		b->j_str = 0;
		j_str_end(b, o);
	} else
		j_out(b, o, c);
}

static void
json_bytes(struct body_dec *b, struct obuf *o, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (b->j_str) {
			json_str_byte(b, o, c);
			continue;
		}
		switch (c) {
		case '"':
			if (b->j_sep)
				o_put(o, '\n');
			b->j_sep = 0;
			b->j_str = 1;
			b->j_sn = b->j_snd = b->j_capn = 0;
			break;
		case ':':
			o_puts(o, ": ", 2);
			b->j_sep = 0;
			break;
		case ',': case '{': case '}': case '[': case ']':
			b->j_sep = 1;
			break;
		case ' ': case '\t': case '\r': case '\n':
			break;
		default:
			if (b->j_sep)
				o_put(o, '\n');
			b->j_sep = 0;
			o_put(o, c);
			break;
		}
	}
}

/* ---- application/x-www-form-urlencoded ---- */

static void
form_bytes(struct body_dec *b, struct obuf *o, const uint8_t *p, size_t n)
{
	size_t i;
	int h;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (b->f_pct > 0) {
			if ((h = str_hexval(c)) >= 0) {
				if (b->f_pct == 1) {
					b->f_hex = (uint8_t)h;
					b->f_pct = 2;
				} else {
					o_put(o, (uint8_t)(b->f_hex << 4 | h));
					b->f_pct = 0;
				}
				continue;
			}
			/* Not an escape: pass the bytes on as they were. */
			o_put(o, '%');
			if (b->f_pct == 2)
				o_put(o, (uint8_t)"0123456789ABCDEF"[b->f_hex]);
			b->f_pct = 0;
		}
		if (c == '%')
			b->f_pct = 1;
		else if (c == '+')
			o_put(o, ' ');
		else if (c == '&') {
			o_put(o, '\n');
			b->f_val = 0;
		} else if (c == '=' && !b->f_val) {
			o_puts(o, ": ", 2);
			b->f_val = 1;
		} else
			o_put(o, c);
	}
}

/* ---- multipart (any subtype): parts' bodies, each after its field name ---- */

/* Copy the value of ${key}="..." (or unquoted) out of a header line. */
static size_t
hdr_param(const uint8_t *line, size_t len, const char *key, uint8_t *out,
    size_t cap)
{
	size_t kl = strlen(key), i, n = 0;

	for (i = 0; i + kl + 1 < len; i++) {
		if ((i > 0 && line[i - 1] != ' ' && line[i - 1] != ';') ||
		    strncasecmp((const char *)line + i, key, kl) != 0 ||
		    line[i + kl] != '=')
			continue;
		i += kl + 1;
		if (i < len && line[i] == '"') {
			for (i++; i < len && line[i] != '"' && n < cap; i++)
				out[n++] = line[i];
		} else {
			for (; i < len && line[i] != ';' && line[i] != ' ' &&
			    n < cap; i++)
				out[n++] = line[i];
		}
		return n;
	}
	return 0;
}

static void
mp_header_line(struct body_dec *b, struct obuf *o)
{
	uint8_t v[128];
	size_t n, i;

	if (b->m_llen >= 13 && strncasecmp((const char *)b->m_line,
	    "content-type:", 13) == 0) {
		for (i = 13; i < b->m_llen && b->m_line[i] == ' '; i++)
			;
		n = b->m_llen - i < sizeof(b->m_ctype) - 1 ? b->m_llen - i :
		    sizeof(b->m_ctype) - 1;
		memcpy(b->m_ctype, b->m_line + i, n);
		b->m_ctype[n] = '\0';
		return;
	}
	if (b->m_llen < 20 || strncasecmp((const char *)b->m_line,
	    "content-disposition:", 20) != 0)
		return;
	if ((n = hdr_param(b->m_line, b->m_llen, "name", v, sizeof(v))) > 0) {
		o_puts(o, v, n);
		o_puts(o, ": ", 2);
	}
	if ((n = hdr_param(b->m_line, b->m_llen, "filename", v, sizeof(v))) > 0) {
		o_puts(o, v, n);
		o_put(o, '\n');
		if (n > sizeof(b->m_fname) - 1)
			n = sizeof(b->m_fname) - 1;
		memcpy(b->m_fname, v, n);
		b->m_fname[n] = '\0';
	}
}

/* One byte against the delimiter (KMP).  Returns 1 on a full match;
 * bytes that turn out not to be delimiter go to ${o} when ${emit}. */
static int
mp_match(struct body_dec *b, struct obuf *o, uint8_t c, int emit)
{
	while (b->m_match > 0 && b->m_delim[b->m_match] != c) {
		uint8_t nm = b->m_fail[b->m_match - 1];

		if (emit)
			o_puts(o, b->m_delim, (size_t)(b->m_match - nm));
		b->m_match = nm;
	}
	if (b->m_delim[b->m_match] == c) {
		if (++b->m_match == b->m_dlen) {
			b->m_match = 0;
			return 1;
		}
		return 0;
	}
	if (emit)
		o_put(o, c);
	return 0;
}

static void
mp_byte(struct body_dec *b, struct obuf *o, uint8_t c)
{
	switch (b->m_state) {
	case MP_PREAMBLE:
	case MP_BODY:
		if (mp_match(b, o, c, b->m_state == MP_BODY)) {
			if (b->route) {
				o_flush(o);
				b->dh->end(b->dh_arg);
				b->route = 0;
			} else if (b->m_state == MP_BODY)
				o_put(o, '\n');
			b->m_state = MP_AFTER;
			b->m_dash = 0;
		}
		break;
	case MP_AFTER:
		if (c == '-' && ++b->m_dash == 2)
			b->m_state = MP_END;
		else if (c == '\n') {
			b->m_state = MP_HDR;
			b->m_llen = 0;
			b->m_hlen = 0;
			b->m_fname[0] = '\0';
			b->m_ctype[0] = '\0';
		}
		break;
	case MP_HDR:
		if (++b->m_hlen > MP_HDR_MAX) {
			b->m_state = MP_BODY;	/* not headers: scan as body */
			break;
		}
		if (c == '\n') {
			if (b->m_llen == 0) {
				b->m_state = MP_BODY;
				b->m_match = 0;
				if (b->dh != NULL && b->m_fname[0] != '\0') {
					o_flush(o);
					b->route = (uint8_t)b->dh->begin(
					    b->dh_arg, b->m_fname, b->m_ctype, 0);
				}
			} else
				mp_header_line(b, o);
			b->m_llen = 0;
		} else if (c != '\r' && b->m_llen < sizeof(b->m_line))
			b->m_line[b->m_llen++] = c;
		break;
	default:
		break;
	}
}

static void
mp_bytes(struct body_dec *b, struct obuf *o, const uint8_t *p, size_t n)
{
	size_t i;

	if (b->m_state == MP_END)
		return;
	for (i = 0; i < n; i++)
		mp_byte(b, o, p[i]);
}

static int
mp_init(struct body_dec *b, const char *ct)
{
	uint8_t bnd[BODY_BOUNDARY_MAX + 1];
	size_t n, k;
	uint8_t j;

	n = hdr_param((const uint8_t *)ct, strlen(ct), "boundary", bnd,
	    sizeof(bnd));
	if (n == 0 || n > BODY_BOUNDARY_MAX)
		return -EINVAL;
	memcpy(b->m_delim, "\r\n--", 4);
	memcpy(b->m_delim + 4, bnd, n);
	b->m_dlen = (uint8_t)(4 + n);
	/* KMP failure function. */
	b->m_fail[0] = 0;
	for (k = 1, j = 0; k < b->m_dlen; k++) {
		while (j > 0 && b->m_delim[k] != b->m_delim[j])
			j = b->m_fail[j - 1];
		if (b->m_delim[k] == b->m_delim[j])
			j++;
		b->m_fail[k] = j;
	}
	/* The first delimiter has no CRLF before it. */
	b->m_match = 2;
	b->m_state = MP_PREAMBLE;
	return 0;
}

/* ---- dispatch by kind ---- */

static void
text_bytes(struct body_dec *b, struct obuf *o, const uint8_t *p, size_t n)
{
	switch (b->kind) {
	case BODY_JSON:
		json_bytes(b, o, p, n);
		break;
	case BODY_FORM:
		form_bytes(b, o, p, n);
		break;
	case BODY_MULTIPART:
		mp_bytes(b, o, p, n);
		break;
	default:
		o_puts(o, p, n);
		break;
	}
}

/* ---- zlib in the arena ---- */

static void *
z_alloc(void *opaque, unsigned items, unsigned size)
{
	struct body_dec *b = opaque;
	size_t need = ((size_t)items * size + 15) & ~(size_t)15;

	if (size != 0 && items > SIZE_MAX / size)
		return NULL;
	if (need > b->arena_cap - b->arena_used)
		return NULL;
	b->arena_used += need;
	return b->arena + b->arena_used - need;
}

static void
z_free(void *opaque, void *p)
{
	(void)opaque;
	(void)p;		/* the arena is reset per body */
}

static int
z_start(struct body_dec *b, uint8_t first)
{
	z_stream *zs;
	int wbits;

	b->arena_used = 0;
	if ((zs = z_alloc(b, 1, sizeof(*zs))) == NULL)
		return -ENOMEM;
	memset(zs, 0, sizeof(*zs));
	zs->zalloc = z_alloc;
	zs->zfree = z_free;
	zs->opaque = b;
	if (b->enc == BODY_ENC_GZIP)
		wbits = 15 + 16;
	else if ((first & 0x0f) == 8 && (first >> 4) <= 7)
		wbits = 15;		/* zlib-wrapped, as RFC 9110 says */
	else
		wbits = -15;		/* raw deflate, as some clients send */
	if (inflateInit2(zs, wbits) != Z_OK)
		return -ENOMEM;
	b->zs = zs;
	b->zstarted = 1;
	return 0;
}

static int
z_feed(struct body_dec *b, struct obuf *o, const uint8_t *p, size_t n)
{
	z_stream *zs = b->zs;
	uint8_t out[4096];
	int r;

	zs->next_in = (Bytef *)(uintptr_t)p;
	zs->avail_in = (uInt)n;
	do {
		size_t got;

		zs->next_out = out;
		zs->avail_out = sizeof(out);
		r = inflate(zs, Z_NO_FLUSH);
		got = sizeof(out) - zs->avail_out;
		b->out_bytes += got;
		if (b->out_bytes > b->out_max ||
		    b->out_bytes > (uint64_t)b->ratio * b->in_bytes + 65536) {
			b->flags |= BODY_F_BOMB;
			return -E2BIG;
		}
		text_bytes(b, o, out, got);
		if (r == Z_STREAM_END) {
			b->enc = BODY_ENC_IDENTITY;	/* ignore what trails */
			zs->avail_in = 0;
			b->zstarted = 2;
			return 0;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			b->flags |= BODY_F_ZERR;
			return -EBADMSG;
		}
	} while (zs->avail_out == 0 || (zs->avail_in > 0 && r == Z_OK));
	return 0;
}

/* ---- API ---- */

int
body_init(struct body_dec *b, const char *ct, const char *ce, uint8_t *arena,
    size_t arena_cap, body_sink sink, void *arg)
{
	int rc = 0;

	memset(b, 0, sizeof(*b));
	b->sink = sink;
	b->arg = arg;
	b->arena = arena;
	b->arena_cap = arena != NULL ? arena_cap : 0;
	b->out_max = BODY_OUT_MAX_DEFAULT;
	b->ratio = BODY_RATIO_DEFAULT;
	if (ct == NULL)
		ct = "";
	if (ce == NULL || ce[0] == '\0' || strcasecmp(ce, "identity") == 0)
		b->enc = BODY_ENC_IDENTITY;
	else if (strcasecmp(ce, "gzip") == 0 || strcasecmp(ce, "x-gzip") == 0)
		b->enc = BODY_ENC_GZIP;
	else if (strcasecmp(ce, "deflate") == 0)
		b->enc = BODY_ENC_DEFLATE;
	else
		b->enc = BODY_ENC_OTHER;
	if ((b->enc == BODY_ENC_GZIP || b->enc == BODY_ENC_DEFLATE) &&
	    b->arena_cap < BODY_ARENA_MIN)
		b->enc = BODY_ENC_OTHER;
	if (b->enc == BODY_ENC_OTHER)
		b->flags |= BODY_F_OPAQUE;
	if (strncasecmp(ct, "multipart/", 10) == 0) {
		b->kind = BODY_MULTIPART;
		if ((rc = mp_init(b, ct)) < 0)
			b->kind = BODY_RAW;
	} else if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		b->kind = BODY_FORM;
	else if (strncasecmp(ct, "application/json", 16) == 0 ||
	    strncasecmp(ct, "application/x-ndjson", 20) == 0 ||
	    strstr(ct, "+json") != NULL)
		b->kind = BODY_JSON;
	else
		b->kind = BODY_RAW;
	return rc;
}

void
body_set_doc_hook(struct body_dec *b, const struct body_doc_hook *hook,
    void *arg)
{
	b->dh = hook;
	b->dh_arg = arg;
}

void
body_set_caps(struct body_dec *b, uint64_t out_max, uint32_t ratio)
{
	b->out_max = out_max ? out_max : BODY_OUT_MAX_DEFAULT;
	b->ratio = ratio ? ratio : BODY_RATIO_DEFAULT;
}

static int
stop_code(const struct body_dec *b)
{
	if (b->flags & BODY_F_BOMB)
		return -E2BIG;
	if (b->flags & BODY_F_ZERR)
		return -EBADMSG;
	return -ENOTSUP;
}

int
body_feed(struct body_dec *b, const uint8_t *p, size_t n)
{
	struct obuf o;
	int rc = 0;

	if (b->flags & BODY_F_STOP)
		return stop_code(b);
	if (n == 0)
		return 0;
	o.b = b;
	o.n = 0;
	b->in_bytes += n;
	if (b->enc == BODY_ENC_GZIP || b->enc == BODY_ENC_DEFLATE) {
		if (!b->zstarted && (rc = z_start(b, p[0])) < 0) {
			b->flags |= BODY_F_ZERR;
			return -EBADMSG;
		}
		rc = z_feed(b, &o, p, n);
	} else if (b->zstarted != 2)
		text_bytes(b, &o, p, n);
	if (!(b->flags & BODY_F_BOMB))
		o_flush(&o);
	return rc;
}

void
body_end(struct body_dec *b)
{
	struct obuf o;

	o.b = b;
	o.n = 0;
	if (!(b->flags & BODY_F_STOP)) {
		if (b->kind == BODY_FORM && b->f_pct > 0) {
			o_put(&o, '%');
			if (b->f_pct == 2)
				o_put(&o, (uint8_t)"0123456789ABCDEF"[b->f_hex]);
		}
		if (b->kind == BODY_MULTIPART && b->m_state == MP_BODY &&
		    b->m_match > 0)
			o_puts(&o, b->m_delim, b->m_match);
		if (b->kind == BODY_JSON && b->j_str && !b->route)
			j_unsniff(b, &o);
		o_flush(&o);
	}
	if (b->route) {
		b->dh->end(b->dh_arg);	/* a file cut short */
		b->route = 0;
	}
	if (b->zstarted == 1)
		inflateEnd(b->zs);
	b->zstarted = 0;
	b->flags |= BODY_F_OPAQUE;	/* ended: later feeds are refused */
}
