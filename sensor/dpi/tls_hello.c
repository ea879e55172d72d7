/* tls_hello.c - ClientHello (SNI, ALPN, versions, ECH, JA3, JA4) and ServerHello
 * parsers: one bounded pass through a cursor; only libcrypto's EVP allocates. */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "decode/cursor.h"
#include "dpi/tls.h"
#include "dpi/tls_int.h"
#include "common/str.h"

#define JA4_CIPHERS_MAX	256		/* more than this: JA4 not computed */
#define JA4_EXTS_MAX	128

#define HS_CLIENT_HELLO	1
#define HS_SERVER_HELLO	2

#define EXT_SNI		0x0000
#define EXT_GROUPS	0x000a
#define EXT_POINT_FMTS	0x000b
#define EXT_SIGALGS	0x000d
#define EXT_ALPN	0x0010
#define EXT_SUPP_VERS	0x002b
#define EXT_ECH		0xfe0d

/* Views into one ClientHello, filled by the single validating pass. */
struct ch_view {
	const uint8_t	*ciphers;	/* cipher_suites body */
	size_t		 ciphers_len;
	const uint8_t	*exts;		/* whole extensions block */
	size_t		 exts_len;
	const uint8_t	*groups;	/* supported_groups list */
	size_t		 groups_len;
	const uint8_t	*pfmts;		/* ec_point_formats list */
	size_t		 pfmts_len;
	const uint8_t	*sigalgs;	/* signature_algorithms list */
	size_t		 sigalgs_len;
	const uint8_t	*alpn;		/* ALPN protocol_name_list */
	size_t		 alpn_len;
};

/* Streaming digest of a text built piecewise, flushed in chunks. */
struct hw {
	EVP_MD_CTX	*ctx;
	int		 ok;
	size_t		 len;		/* bytes pending in buf */
	char		 buf[256];
};

/* HelloRetryRequest.random (RFC 8446 4.1.3): SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
	0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static int
is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* ---- digest text writer ---------------------------------------------- */

/*
 * Per-thread digests and contexts, fetched once (as quic.c does): an
 * implicit EVP_md5()/EVP_sha256() fetch and a context allocation per hash
 * cost more than hashing the few hundred bytes of a JA3/JA4 text.  One
 * context per algorithm, so a JA4 hash may run while JA3's is open.
 */
enum { HW_MD5, HW_SHA256, HW__N };
static _Thread_local struct {
	EVP_MD		*md[HW__N];
	EVP_MD_CTX	*ctx[HW__N];
} hwc;

static void
hw_init(struct hw *h, int alg)
{
	static const char *const name[HW__N] = { "MD5", "SHA256" };

	h->len = 0;
	h->ok = 0;
	h->ctx = NULL;
	if (hwc.md[alg] == NULL &&
	    (hwc.md[alg] = EVP_MD_fetch(NULL, name[alg], NULL)) == NULL)
		return;
	if (hwc.ctx[alg] == NULL && (hwc.ctx[alg] = EVP_MD_CTX_new()) == NULL)
		return;
	h->ctx = hwc.ctx[alg];
	h->ok = EVP_DigestInit_ex2(h->ctx, hwc.md[alg], NULL) == 1;
}

static void
hw_flush(struct hw *h)
{
	if (h->ok && h->len > 0 &&
	    EVP_DigestUpdate(h->ctx, h->buf, h->len) != 1)
		h->ok = 0;
	h->len = 0;
}

static void
hw_put(struct hw *h, const char *s, size_t n)
{
	size_t k;

	while (n > 0) {
		if (h->len == sizeof(h->buf))
			hw_flush(h);
		k = sizeof(h->buf) - h->len;
		if (k > n)
			k = n;
		memcpy(h->buf + h->len, s, k);
		h->len += k;
		s += k;
		n -= k;
	}
}

static void
hw_dec(struct hw *h, unsigned v)
{
	char t[20];

	hw_put(h, t, str_udec(t, v));
}

static void
hw_hex4(struct hw *h, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	char t[5];

	str_hex(t, b, 2);
	hw_put(h, t, 4);
}

/*
 * hw_final(h, hex, nbytes):
 * Finish the digest and write the hex of its first ${nbytes} bytes to ${hex}
 * (2*nbytes+1 bytes).  The context stays cached for the next hash.
 * Returns 0, or -1 (${hex} = "").
 */
static int
hw_final(struct hw *h, char *hex, size_t nbytes)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	hw_flush(h);
	if (h->ok && EVP_DigestFinal_ex(h->ctx, md, &mdlen) != 1)
		h->ok = 0;
	h->ctx = NULL;
	if (!h->ok || mdlen < nbytes) {
		hex[0] = '\0';
		return -1;
	}
	str_hex(hex, md, nbytes);
	return 0;
}

/* ---- ClientHello extensions ------------------------------------------ */

/* ext_sni(b, n, out): server_name body; first host_name entry wins. */
static int
ext_sni(const uint8_t *b, size_t n, struct tls_hello *out)
{
	struct cursor c;
	const uint8_t *name;
	uint16_t name_len;
	uint8_t type;

	cur_init(&c, b, n);
	if (cur_be16(&c) != n - 2 || c.bad)
		return -EINVAL;
	out->has_sni = 1;
	while (c.left > 0) {
		type = cur_u8(&c);
		name_len = cur_be16(&c);
		name = cur_take(&c, name_len);
		if (c.bad)
			return -EINVAL;
		if (type == 0 && out->sni_len == 0)
			out->sni_len = (uint16_t)str_name_copy(out->sni,
			    sizeof(out->sni), name, name_len);
	}
	return 0;
}

/*
 * ext_alpn(b, n, v, out): ALPN body; keep a view for JA4 and join the
 * names with ',' into out->alpn, cut at its capacity (mid-name if need be).
 */
static int
ext_alpn(const uint8_t *b, size_t n, struct ch_view *v, struct tls_hello *out)
{
	struct cursor c;
	const uint8_t *name;
	size_t at = 0;
	uint8_t name_len;

	cur_init(&c, b, n);
	if (cur_be16(&c) != n - 2 || c.bad)
		return -EINVAL;
	v->alpn = c.p;
	v->alpn_len = c.left;
	while (c.left > 0) {
		name_len = cur_u8(&c);
		name = cur_take(&c, name_len);
		if (c.bad)
			return -EINVAL;
		if (at > 0 && at < sizeof(out->alpn) - 1)
			out->alpn[at++] = ',';
		at += str_copy(out->alpn + at, sizeof(out->alpn) - at, name,
		    name_len);
	}
	return 0;
}

/* ext_list16(b, n, p, plen): body = 16-bit length + list of 16-bit values. */
static int
ext_list16(const uint8_t *b, size_t n, const uint8_t **p, size_t *plen)
{
	if (n < 2 || tls_be16(b) != n - 2 || (n & 1) != 0)
		return -EINVAL;
	*p = b + 2;
	*plen = n - 2;
	return 0;
}

/* ext_versions(b, n, out): supported_versions; highest non-GREASE value. */
static int
ext_versions(const uint8_t *b, size_t n, struct tls_hello *out)
{
	size_t i;
	uint16_t ver;

	if (n < 1 || b[0] != n - 1 || (b[0] & 1) != 0)
		return -EINVAL;
	for (i = 1; i + 1 < n; i += 2) {
		ver = tls_be16(b + i);
		if (!is_grease(ver) && ver > out->max_version)
			out->max_version = ver;
	}
	return 0;
}

/* ch_ext(type, b, n, v, out): dispatch one ClientHello extension. */
static int
ch_ext(uint16_t type, const uint8_t *b, size_t n, struct ch_view *v,
    struct tls_hello *out)
{
	switch (type) {
	case EXT_SNI:
		return ext_sni(b, n, out);
	case EXT_ALPN:
		return ext_alpn(b, n, v, out);
	case EXT_GROUPS:
		return ext_list16(b, n, &v->groups, &v->groups_len);
	case EXT_SIGALGS:
		return ext_list16(b, n, &v->sigalgs, &v->sigalgs_len);
	case EXT_POINT_FMTS:
		if (n < 1 || b[0] != n - 1)
			return -EINVAL;
		v->pfmts = b + 1;
		v->pfmts_len = n - 1;
		return 0;
	case EXT_SUPP_VERS:
		return ext_versions(b, n, out);
	case EXT_ECH:
		out->ech = 1;
		return 0;
	default:
		return 0;
	}
}

/* ---- JA3 -------------------------------------------------------------- */

static void
ja3_list16(struct hw *h, const uint8_t *p, size_t n)
{
	size_t i;
	int first = 1;

	for (i = 0; i + 1 < n; i += 2) {
		if (is_grease(tls_be16(p + i)))
			continue;
		hw_put(h, "-", first ? 0 : 1);
		first = 0;
		hw_dec(h, tls_be16(p + i));
	}
}

/*
 * ja3(v, legacy, out): Salesforce JA3 "version,ciphers,extensions,groups,
 * point_formats" in decimal, GREASE left out, MD5 hex into out->ja3.
 */
static void
ja3(const struct ch_view *v, uint16_t legacy, struct tls_hello *out)
{
	struct hw h;
	struct cursor c;
	uint16_t type;
	size_t i;
	int first = 1;

	hw_init(&h, HW_MD5);
	hw_dec(&h, legacy);
	hw_put(&h, ",", 1);
	ja3_list16(&h, v->ciphers, v->ciphers_len);
	hw_put(&h, ",", 1);
	cur_init(&c, v->exts, v->exts_len);
	while (c.left > 0 && !c.bad) {
		type = cur_be16(&c);
		cur_skip(&c, cur_be16(&c));
		if (c.bad || is_grease(type))
			continue;
		hw_put(&h, "-", first ? 0 : 1);
		first = 0;
		hw_dec(&h, type);
	}
	hw_put(&h, ",", 1);
	ja3_list16(&h, v->groups, v->groups_len);
	hw_put(&h, ",", 1);
	for (i = 0; i < v->pfmts_len; i++) {
		hw_put(&h, "-", i > 0 ? 1 : 0);
		hw_dec(&h, v->pfmts[i]);
	}
	hw_final(&h, out->ja3, 16);
}

/* ---- JA4 -------------------------------------------------------------- */

static void
sort16(uint16_t *a, size_t n)
{
	size_t i, j;
	uint16_t x;

	for (i = 1; i < n; i++) {
		x = a[i];
		for (j = i; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

static int
is_alnum(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' &&
	    (ch | 0x20) <= 'z');
}

/*
 * ja4_alpn(v, dst): first and last character of the first ALPN name; the
 * first and last hex digit of it when either byte is not alphanumeric;
 * "00" when there is none.
 */
static void
ja4_alpn(const struct ch_view *v, char *dst)
{
	static const char hx[] = "0123456789abcdef";
	const uint8_t *name;
	uint8_t n;

	dst[0] = dst[1] = '0';
	if (v->alpn_len < 2 || v->alpn[0] == 0)
		return;
	n = v->alpn[0];		/* ext_alpn checked it fits */
	name = v->alpn + 1;
	if (is_alnum(name[0]) && is_alnum(name[n - 1])) {
		dst[0] = (char)name[0];
		dst[1] = (char)name[n - 1];
	} else {
		dst[0] = hx[name[0] >> 4];
		dst[1] = hx[name[n - 1] & 15];
	}
}

static void
two_digits(char *dst, size_t n)
{
	if (n > 99)
		n = 99;
	dst[0] = (char)('0' + n / 10);
	dst[1] = (char)('0' + n % 10);
}

/*
 * ja4_hash(a, n, sig, sig_len, dst):
 * Write the first 12 hex digits of SHA-256("a0,a1,...[_s0,s1,...]") to
 * ${dst}, or "000000000000" when ${n} is 0.  GREASE in ${sig} is skipped.
 */
static void
ja4_hash(const uint16_t *a, size_t n, const uint8_t *sig, size_t sig_len,
    char *dst)
{
	struct hw h;
	size_t i;
	int first = 1;

	if (n == 0) {
		str_lcpy(dst, "000000000000", 13);
		return;
	}
	hw_init(&h, HW_SHA256);
	for (i = 0; i < n; i++) {
		if (i > 0)
			hw_put(&h, ",", 1);
		hw_hex4(&h, a[i]);
	}
	for (i = 0; i + 1 < sig_len; i += 2) {
		if (is_grease(tls_be16(sig + i)))
			continue;
		hw_put(&h, first ? "_" : ",", 1);
		first = 0;
		hw_hex4(&h, tls_be16(sig + i));
	}
	hw_final(&h, dst, 6);
}

/*
 * ja4_exts(v, list, n_all, n_hash): non-GREASE extension types; ${n_all}
 * counts them all, ${list} keeps all but SNI and ALPN.  Returns -1 when
 * there are more than JA4_EXTS_MAX.
 */
static int
ja4_exts(const struct ch_view *v, uint16_t *list, size_t *n_all,
    size_t *n_hash)
{
	struct cursor c;
	uint16_t type;

	*n_all = *n_hash = 0;
	cur_init(&c, v->exts, v->exts_len);
	while (c.left > 0) {
		type = cur_be16(&c);
		cur_skip(&c, cur_be16(&c));
		if (c.bad)
			return -1;
		if (is_grease(type))
			continue;
		(*n_all)++;
		if (type == EXT_SNI || type == EXT_ALPN)
			continue;
		if (*n_hash == JA4_EXTS_MAX)
			return -1;
		list[(*n_hash)++] = type;
	}
	return 0;
}

/*
 * ja4(v, quic, out): FoxIO JA4 "a_b_c" into out->ja4; left "" when the
 * hello has more ciphers or extensions than we keep.
 */
static void
ja4(const struct ch_view *v, int quic, struct tls_hello *out)
{
	uint16_t ciphers[JA4_CIPHERS_MAX];
	uint16_t exts[JA4_EXTS_MAX];
	size_t i, nc = 0, n_all, n_hash;
	const struct tls_ver *vp;
	char *s = out->ja4;
	uint16_t x;

	for (i = 0; i + 1 < v->ciphers_len; i += 2) {
		x = tls_be16(v->ciphers + i);
		if (is_grease(x))
			continue;
		if (nc == JA4_CIPHERS_MAX)
			return;
		ciphers[nc++] = x;
	}
	if (ja4_exts(v, exts, &n_all, &n_hash) != 0)
		return;
	sort16(ciphers, nc);
	sort16(exts, n_hash);
	s[0] = quic ? 'q' : 't';
	vp = tls_ver_find(out->max_version);
	memcpy(s + 1, vp != NULL ? vp->ja4 : "00", 2);
	s[3] = out->has_sni ? 'd' : 'i';
	two_digits(s + 4, nc);
	two_digits(s + 6, n_all);
	ja4_alpn(v, s + 8);
	s[10] = '_';
	ja4_hash(ciphers, nc, NULL, 0, s + 11);
	s[23] = '_';
	ja4_hash(exts, n_hash, v->sigalgs, v->sigalgs_len, s + 24);
	if (s[11] == '\0' || s[24] == '\0')
		s[0] = '\0';
}

/* ---- hello parsers ---------------------------------------------------- */

/*
 * hs_body(c, msg, len, type):
 * Check the handshake header of ${msg} and point ${c} at the body.
 * Bytes after the message are ignored.  Returns 0 or -EINVAL.
 */
static int
hs_body(struct cursor *c, const uint8_t *msg, size_t len, uint8_t type)
{
	uint32_t body_len;

	cur_init(c, msg, len);
	if (cur_u8(c) != type)
		return -EINVAL;
	body_len = cur_be24(c);
	if (c->bad || body_len > c->left)
		return -EINVAL;
	c->left = body_len;
	return 0;
}

/* hs_exts(c, blk, blk_len): optional extensions block filling the rest. */
static int
hs_exts(struct cursor *c, const uint8_t **blk, size_t *blk_len)
{
	*blk = NULL;
	*blk_len = 0;
	if (c->left == 0)
		return 0;	/* no extensions (SSLv3-era hello) */
	*blk_len = cur_be16(c);
	if (c->bad || *blk_len != c->left)
		return -EINVAL;
	*blk = c->p;
	return 0;
}

/* ch_fixed(c, v, out): legacy_version .. extensions block. */
static int
ch_fixed(struct cursor *c, struct ch_view *v, struct tls_hello *out)
{
	uint8_t sid_len, comp_len;

	out->legacy_version = cur_be16(c);
	cur_skip(c, 32);			/* random */
	sid_len = cur_u8(c);
	if (sid_len > 32)
		return -EINVAL;
	cur_skip(c, sid_len);
	v->ciphers_len = cur_be16(c);
	v->ciphers = cur_take(c, v->ciphers_len);
	comp_len = cur_u8(c);
	cur_skip(c, comp_len);
	if (c->bad || v->ciphers_len < 2 || (v->ciphers_len & 1) != 0 ||
	    comp_len < 1)
		return -EINVAL;
	return hs_exts(c, &v->exts, &v->exts_len);
}

/* ch_walk(v, out): validate every extension and feed ch_ext(). */
static int
ch_walk(struct ch_view *v, struct tls_hello *out)
{
	struct cursor c;
	const uint8_t *body;
	uint16_t type, n;
	int rc;

	cur_init(&c, v->exts, v->exts_len);
	while (c.left > 0) {
		type = cur_be16(&c);
		n = cur_be16(&c);
		body = cur_take(&c, n);
		if (c.bad)
			return -EINVAL;
		if ((rc = ch_ext(type, body, n, v, out)) != 0)
			return rc;
	}
	return 0;
}

/*
 * tls_parse_client_hello(msg, len, quic, out):
 * Parse the ClientHello handshake message ${msg}[0..${len}) into ${out};
 * ${quic} gives JA4 its "q" prefix.  Returns 0, or -EINVAL when the bytes
 * are not a well-formed ClientHello (${out} is then partly filled).
 */
int
tls_parse_client_hello(const uint8_t *msg, size_t len, int quic,
    struct tls_hello *out)
{
	struct ch_view v;
	struct cursor c;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	if ((rc = hs_body(&c, msg, len, HS_CLIENT_HELLO)) != 0 ||
	    (rc = ch_fixed(&c, &v, out)) != 0 ||
	    (rc = ch_walk(&v, out)) != 0)
		return rc;
	if (out->max_version == 0)
		out->max_version = out->legacy_version;
	ja3(&v, out->legacy_version, out);
	ja4(&v, quic, out);
	return 0;
}

/*
 * tls_parse_server_hello(msg, len, version):
 * Store the version a ServerHello selects in ${version}: supported_versions
 * when present, else legacy_version.  A HelloRetryRequest (ServerHello with
 * the special random) parses the same way and yields its selected version
 * (0x0304).  Returns 0 or -EINVAL.
 */
int
tls_parse_server_hello(const uint8_t *msg, size_t len, uint16_t *version)
{
	struct cursor c, e;
	const uint8_t *random, *blk;
	size_t blk_len;
	uint16_t legacy, type, n, sel = 0;
	uint8_t sid_len;
	int rc;

	if ((rc = hs_body(&c, msg, len, HS_SERVER_HELLO)) != 0)
		return rc;
	legacy = cur_be16(&c);
	random = cur_take(&c, 32);
	sid_len = cur_u8(&c);
	cur_skip(&c, sid_len);
	cur_skip(&c, 2 + 1);		/* cipher_suite, compression */
	if (c.bad || sid_len > 32 || hs_exts(&c, &blk, &blk_len) != 0)
		return -EINVAL;
	cur_init(&e, blk, blk_len);
	while (e.left > 0) {
		type = cur_be16(&e);
		n = cur_be16(&e);
		if (type == EXT_SUPP_VERS && n == 2)
			sel = cur_be16(&e);
		else
			cur_skip(&e, n);
		if (e.bad)
			return -EINVAL;
	}
	/* An HRR without supported_versions is malformed (RFC 8446 4.1.4). */
	if (memcmp(random, hrr_random, sizeof(hrr_random)) == 0 && sel == 0)
		return -EINVAL;
	*version = sel != 0 ? sel : legacy;
	return 0;
}
