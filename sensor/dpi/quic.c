/*
 * quic.c - QUIC client Initial decryption (v1, v2, drafts) with OpenSSL and
 * CRYPTO-stream reassembly in caller scratch, any order, up to a ClientHello.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "decode/cursor.h"
#include "dpi/quic.h"

#define QUIC_PLAIN_MAX	65536	/* largest UDP payload, so any packet fits */
#define QUIC_TAG_LEN	16
#define QUIC_KEYS_AREA	48	/* scratch tail holding struct quic_keys */

/* Normalised long-header packet types (v2 permutes the wire bits). */
enum { PT_INITIAL, PT_0RTT, PT_HANDSHAKE, PT_RETRY, PT_OTHER };

/* One parsed long header, offsets relative to the packet start. */
struct lhdr {
	uint32_t	 version;
	int		 type;		/* PT_* */
	const uint8_t	*dcid;
	uint8_t		 dcid_len;
	size_t		 pn_off;	/* first (protected) packet-number byte */
	size_t		 pkt_len;	/* whole packet, for walking coalesced ones */
};

/* Where things live inside the caller's scratch. */
struct layout {
	uint8_t		*data;		/* CRYPTO bytes by stream offset */
	uint8_t		*bitmap;	/* 1 bit per data byte: received */
	struct quic_keys *keys;		/* cached keys (may be unaligned: memcpy) */
	size_t		 data_cap;
};

/*
 * Per-thread libcrypto objects, fetched once and re-keyed per packet
 * (passing a NULL cipher on re-init keeps the provider context, so the
 * packet path does not allocate).  Freed by quic_thread_cleanup().
 */
struct quic_crypto {
	EVP_CIPHER	*gcm, *ecb;
	EVP_CIPHER_CTX	*gcm_ctx, *ecb_ctx;
	EVP_MAC		*hmac;
	EVP_MAC_CTX	*mac_ctx;
	uint8_t		*plain;		/* QUIC_PLAIN_MAX decrypted payload */
	int		 ready;
};
static _Thread_local struct quic_crypto qc;

static const uint8_t salt_v1[20] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a };
static const uint8_t salt_v2[20] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 };
static const uint8_t salt_d29[20] = {	/* drafts 29..32 */
	0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
	0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99 };
static const uint8_t salt_d23[20] = {	/* drafts 23..28 */
	0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
	0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02 };

/* reserved_version(v): 0x?a?a?a?a, used to force version negotiation. */
static int
reserved_version(uint32_t v)
{
	return (v & 0x0f0f0f0fu) == 0x0a0a0a0au;
}

/*
 * version_salt(v): Initial salt for ${v}, NULL when we cannot decrypt it.
 * Clients that force version negotiation with a reserved version still
 * protect that Initial like v1 or draft-29 (both seen in captures; tshark
 * and nDPI decrypt them too); try_keys() tries both salts.
 */
static const uint8_t *
version_salt(uint32_t v)
{
	if (v == QUIC_V1 || reserved_version(v))
		return salt_v1;
	if (v == QUIC_V2)
		return salt_v2;
	if (v >= 0xff000017u && v <= 0xff00001cu)
		return salt_d23;
	if (v >= 0xff00001du && v <= 0xff000020u)
		return salt_d29;
	if (v == 0xff000021u || v == 0xff000022u)	/* drafts 33, 34 */
		return salt_v1;
	return NULL;
}

/* long_type(v, first): PT_* from the two type bits of ${first}. */
static int
long_type(uint32_t v, uint8_t first)
{
	static const int v1map[4] = { PT_INITIAL, PT_0RTT, PT_HANDSHAKE, PT_RETRY };
	static const int v2map[4] = { PT_RETRY, PT_INITIAL, PT_0RTT, PT_HANDSHAKE };
	unsigned int bits = (first >> 4) & 3u;

	if (v == QUIC_V2)
		return v2map[bits];
	if (version_salt(v) != NULL)
		return v1map[bits];
	return PT_OTHER;
}

/* cur_varint(c): one QUIC variable-length integer (RFC 9000 16). */
static uint64_t
cur_varint(struct cursor *c)
{
	uint64_t v;
	size_t i, n;

	if (!cur_need(c, 1))
		return 0;
	n = (size_t)1 << (c->p[0] >> 6);
	if (!cur_need(c, n))
		return 0;
	v = c->p[0] & 0x3fu;
	for (i = 1; i < n; i++)
		v = (v << 8) | c->p[i];
	cur_skip(c, n);
	return v;
}

/*
 * parse_long(p, n, h): parse the long header at ${p}[0..${n}) into ${h}.
 * Packets of unknown versions (and Version Negotiation) extend to the end
 * of the datagram.  Returns 0, or -EINVAL when truncated or malformed.
 */
static int
parse_long(const uint8_t *p, size_t n, struct lhdr *h)
{
	struct cursor c;
	uint8_t first, scid_len;
	uint64_t tok_len, length;

	cur_init(&c, p, n);
	first = cur_u8(&c);
	h->version = cur_be32(&c);
	h->dcid_len = cur_u8(&c);
	h->dcid = cur_take(&c, h->dcid_len);
	scid_len = cur_u8(&c);
	cur_skip(&c, scid_len);
	if (c.bad || !(first & 0x80))
		return -EINVAL;
	h->type = long_type(h->version, first);
	h->pkt_len = n;
	h->pn_off = 0;
	if (h->type == PT_OTHER || h->type == PT_RETRY)
		return 0;
	if (h->dcid_len > 20 || scid_len > 20 || !(first & 0x40))
		return -EINVAL;
	if (h->type == PT_INITIAL) {
		tok_len = cur_varint(&c);
		if (c.bad || tok_len > c.left)
			return -EINVAL;
		cur_skip(&c, (size_t)tok_len);
	}
	length = cur_varint(&c);
	if (c.bad || length > c.left)
		return -EINVAL;
	h->pn_off = n - c.left;
	h->pkt_len = h->pn_off + (size_t)length;
	return 0;
}

void
quic_thread_cleanup(void)
{
	EVP_CIPHER_CTX_free(qc.gcm_ctx);
	EVP_CIPHER_CTX_free(qc.ecb_ctx);
	EVP_CIPHER_free(qc.gcm);
	EVP_CIPHER_free(qc.ecb);
	EVP_MAC_CTX_free(qc.mac_ctx);
	EVP_MAC_free(qc.hmac);
	OPENSSL_free(qc.plain);
	memset(&qc, 0, sizeof(qc));
}

/* crypto_init(): create this thread's contexts once.  0 or -ENOMEM. */
static int
crypto_init(void)
{
	OSSL_PARAM params[2];

	if (qc.ready)
		return 0;
	qc.gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	qc.ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	qc.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	qc.gcm_ctx = EVP_CIPHER_CTX_new();
	qc.ecb_ctx = EVP_CIPHER_CTX_new();
	qc.plain = OPENSSL_malloc(QUIC_PLAIN_MAX);
	if (qc.gcm == NULL || qc.ecb == NULL || qc.hmac == NULL ||
	    qc.gcm_ctx == NULL || qc.ecb_ctx == NULL || qc.plain == NULL)
		goto err;
	qc.mac_ctx = EVP_MAC_CTX_new(qc.hmac);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (qc.mac_ctx == NULL || !EVP_MAC_CTX_set_params(qc.mac_ctx, params))
		goto err;
	/* Bind the ciphers once; later inits pass NULL and only re-key. */
	if (!EVP_DecryptInit_ex2(qc.gcm_ctx, qc.gcm, NULL, NULL, NULL) ||
	    !EVP_EncryptInit_ex2(qc.ecb_ctx, qc.ecb, NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(qc.ecb_ctx, 0))
		goto err;
	qc.ready = 1;
	return 0;
err:
	quic_thread_cleanup();
	return -ENOMEM;
}

/* hmac256(key, klen, a, alen, b, blen, out): HMAC-SHA256(key, a || b). */
static int
hmac256(const uint8_t *key, size_t klen, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, uint8_t out[32])
{
	size_t outl = 0;

	if (!EVP_MAC_init(qc.mac_ctx, key, klen, NULL) ||
	    !EVP_MAC_update(qc.mac_ctx, a, alen) ||
	    (blen > 0 && !EVP_MAC_update(qc.mac_ctx, b, blen)) ||
	    !EVP_MAC_final(qc.mac_ctx, out, &outl, 32) || outl != 32)
		return -EIO;
	return 0;
}

/*
 * expand_label(secret, label, out, len): HKDF-Expand-Label (RFC 8446 7.1)
 * with an empty context and ${len} <= 32, so one HMAC block suffices.
 */
static int
expand_label(const uint8_t secret[32], const char *label, uint8_t *out,
    size_t len)
{
	uint8_t info[2 + 1 + 6 + 32 + 1 + 1], t[32];
	size_t llen = strlen(label), n = 0;

	if (llen > 32 || len > 32)
		return -EINVAL;
	info[n++] = (uint8_t)(len >> 8);
	info[n++] = (uint8_t)len;
	info[n++] = (uint8_t)(6 + llen);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;		/* context length */
	info[n++] = 1;		/* HKDF-Expand block counter T(1) */
	if (hmac256(secret, 32, info, n, NULL, 0, t) != 0)
		return -EIO;
	memcpy(out, t, len);
	return 0;
}

/*
 * quic_initial_keys(version, dcid, dcid_len, k):
 * Client Initial keys for ${version} from ${dcid}.  0 or negative errno.
 */
int
quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
    struct quic_keys *k)
{
	const uint8_t *salt = version_salt(version);
	int v2 = (version == QUIC_V2), rc;
	uint8_t initial[32], client[32];

	if (salt == NULL)
		return -ENOTSUP;
	if (dcid_len > 20 || k == NULL || (dcid == NULL && dcid_len > 0))
		return -EINVAL;
	if ((rc = crypto_init()) != 0)
		return rc;
	/* HKDF-Extract(salt, dcid) is HMAC(salt, dcid). */
	if (hmac256(salt, 20, dcid, dcid_len, NULL, 0, initial) != 0 ||
	    expand_label(initial, "client in", client, 32) != 0 ||
	    expand_label(client, v2 ? "quicv2 key" : "quic key", k->key, 16) ||
	    expand_label(client, v2 ? "quicv2 iv" : "quic iv", k->iv, 12) ||
	    expand_label(client, v2 ? "quicv2 hp" : "quic hp", k->hp, 16))
		return -EIO;
	return 0;
}

/* decode_pn(expected, trunc, nbits): full packet number (RFC 9000 A.3). */
static uint64_t
decode_pn(uint64_t expected, uint64_t trunc, unsigned int nbits)
{
	uint64_t win = (uint64_t)1 << nbits, hwin = win / 2;
	uint64_t cand = (expected & ~(win - 1)) | trunc;

	if (cand + hwin <= expected && cand < ((uint64_t)1 << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

/*
 * open_initial(k, pkt, h, expected, plain_len, pn):
 * Remove header protection and AEAD-decrypt the Initial ${pkt} described
 * by ${h} into qc.plain.  Returns 0 with ${plain_len} and ${pn} set, or
 * -EINVAL (too short) / -EBADMSG (authentication failed).
 */
static int
open_initial(const struct quic_keys *k, const uint8_t *pkt,
    const struct lhdr *h, uint64_t expected, size_t *plain_len, uint64_t *pn)
{
	uint8_t mask[16], first, pnb[4], nonce[12], tag[QUIC_TAG_LEN];
	size_t pn_len, i, clen;
	uint64_t trunc = 0;
	int outl;

	/* The HP sample starts 4 bytes after the packet-number offset. */
	if (h->pn_off + 4 + 16 > h->pkt_len)
		return -EINVAL;
	if (!EVP_EncryptInit_ex2(qc.ecb_ctx, NULL, k->hp, NULL, NULL) ||
	    !EVP_EncryptUpdate(qc.ecb_ctx, mask, &outl, pkt + h->pn_off + 4,
	    16) || outl != 16)
		return -EIO;
	first = (uint8_t)(pkt[0] ^ (mask[0] & 0x0f));
	pn_len = (size_t)(first & 3) + 1;
	for (i = 0; i < pn_len; i++) {
		pnb[i] = pkt[h->pn_off + i] ^ mask[1 + i];
		trunc = (trunc << 8) | pnb[i];
	}
	if (h->pkt_len - h->pn_off - pn_len < QUIC_TAG_LEN + 1)
		return -EINVAL;
	clen = h->pkt_len - h->pn_off - pn_len - QUIC_TAG_LEN;
	if (clen > QUIC_PLAIN_MAX)
		return -EINVAL;
	*pn = decode_pn(expected, trunc, (unsigned int)(8 * pn_len));
	memcpy(nonce, k->iv, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(*pn >> (8 * i));
	memcpy(tag, pkt + h->pkt_len - QUIC_TAG_LEN, QUIC_TAG_LEN);
	/* AAD is the unprotected header: fed in pieces, no header copy. */
	if (!EVP_DecryptInit_ex2(qc.gcm_ctx, NULL, k->key, nonce, NULL) ||
	    !EVP_DecryptUpdate(qc.gcm_ctx, NULL, &outl, &first, 1) ||
	    !EVP_DecryptUpdate(qc.gcm_ctx, NULL, &outl, pkt + 1,
	    (int)h->pn_off - 1) ||
	    !EVP_DecryptUpdate(qc.gcm_ctx, NULL, &outl, pnb, (int)pn_len) ||
	    !EVP_DecryptUpdate(qc.gcm_ctx, qc.plain, &outl,
	    pkt + h->pn_off + pn_len, (int)clen) ||
	    !EVP_CIPHER_CTX_ctrl(qc.gcm_ctx, EVP_CTRL_AEAD_SET_TAG,
	    QUIC_TAG_LEN, tag))
		return -EIO;
	if (EVP_DecryptFinal_ex(qc.gcm_ctx, qc.plain + clen, &outl) <= 0)
		return -EBADMSG;
	*plain_len = clen;
	return 0;
}

/* scratch_layout(cap, scratch, l): split ${scratch} (see quic.h). */
static void
scratch_layout(uint8_t *scratch, size_t cap, struct layout *l)
{
	size_t usable = cap - QUIC_KEYS_AREA;

	l->data_cap = (usable * 8 / 9) & ~(size_t)7;
	l->data = scratch;
	l->bitmap = scratch + l->data_cap;
	l->keys = (struct quic_keys *)(void *)(scratch + usable);
}

/*
 * crypto_put(st, l, off, src, n): store CRYPTO bytes [off, off+n) that
 * are not there yet (first copy wins); bytes past data_cap are dropped
 * (a hello that long is rejected by check_hello()).
 */
static void
crypto_put(struct quic_state *st, const struct layout *l, uint64_t off,
    const uint8_t *src, uint64_t n)
{
	size_t i, o;

	if (off >= l->data_cap)
		return;
	if (n > l->data_cap - off)
		n = l->data_cap - off;
	for (i = 0; i < n; i++) {
		o = (size_t)off + i;
		if (!(l->bitmap[o >> 3] & (1u << (o & 7)))) {
			l->data[o] = src[i];
			l->bitmap[o >> 3] |= (uint8_t)(1u << (o & 7));
		}
	}
	o = st->have;
	while (o < l->data_cap) {
		if ((o & 7) == 0 && l->bitmap[o >> 3] == 0xff && o + 8 <= l->data_cap)
			o += 8;
		else if (l->bitmap[o >> 3] & (1u << (o & 7)))
			o++;
		else
			break;
	}
	st->have = (uint32_t)o;
}

/* skip_ack(c, type): skip the body of an ACK (0x02) / ACK_ECN (0x03). */
static void
skip_ack(struct cursor *c, uint64_t type)
{
	uint64_t count, i;

	cur_varint(c);			/* largest acknowledged */
	cur_varint(c);			/* ack delay */
	count = cur_varint(c);		/* ack range count */
	cur_varint(c);			/* first ack range */
	if (count > c->left / 2)	/* each range needs >= 2 bytes */
		c->bad = 1;
	for (i = 0; i < count && !c->bad; i++) {
		cur_varint(c);		/* gap */
		cur_varint(c);		/* ack range length */
	}
	if (type == 0x03) {
		cur_varint(c);		/* ECT0, ECT1, ECN-CE counts */
		cur_varint(c);
		cur_varint(c);
	}
}

/*
 * walk_frames(st, l, p, n): walk the frames of one decrypted Initial
 * payload, storing CRYPTO data.  Stops at CONNECTION_CLOSE, at a frame
 * not allowed in Initial packets, or at malformed bytes.
 */
static void
walk_frames(struct quic_state *st, const struct layout *l, const uint8_t *p,
    size_t n)
{
	struct cursor c;
	uint64_t type, off, len;

	cur_init(&c, p, n);
	while (c.left > 0 && !c.bad) {
		type = cur_varint(&c);
		switch (type) {
		case 0x00:		/* PADDING: skip the whole run */
			while (c.left > 0 && c.p[0] == 0)
				cur_skip(&c, 1);
			break;
		case 0x01:		/* PING */
			break;
		case 0x02:
		case 0x03:
			skip_ack(&c, type);
			break;
		case 0x06:		/* CRYPTO */
			off = cur_varint(&c);
			len = cur_varint(&c);
			if (c.bad || len > c.left)
				return;
			crypto_put(st, l, off, c.p, len);
			cur_skip(&c, (size_t)len);
			break;
		case 0x1c:		/* CONNECTION_CLOSE: the client aborts */
		case 0x1d:
		default:
			return;
		}
	}
}

/* give_up(st): mark the flow finished without a hello. */
static int
give_up(struct quic_state *st)
{
	st->done = 2;
	return QUIC_FEED_NOT_QUIC;
}

/*
 * check_hello(st, l, out): once the reassembled stream holds the whole
 * ClientHello, parse it.  HELLO, MORE or NOT_QUIC (via give_up()).
 */
static int
check_hello(struct quic_state *st, const struct layout *l,
    struct tls_hello *out)
{
	uint32_t body;

	if (st->have >= 1 && l->data[0] != 1)	/* not a ClientHello */
		return give_up(st);
	if (st->hs_len == 0 && st->have >= 4) {
		body = ((uint32_t)l->data[1] << 16) |
		    ((uint32_t)l->data[2] << 8) | l->data[3];
		if (body + 4 > l->data_cap)
			return give_up(st);
		st->hs_len = body + 4;
	}
	if (st->hs_len == 0 || st->have < st->hs_len)
		return QUIC_FEED_MORE;
	if (tls_parse_client_hello(l->data, st->hs_len, 1, out) != 0)
		return give_up(st);
	st->done = 1;
	return QUIC_FEED_HELLO;
}

/*
 * try_keys(st, l, pkt, h, use_state, k, plain_len, pn):
 * Decrypt with the keys of (packet version, st->dcid) when ${use_state},
 * else of (packet version, packet DCID), left in ${k}.  Keys cached in
 * scratch are used when they match.  A reserved version is tried with the
 * v1 and then the draft-29 salt (both occur in captures).  0 or -errno.
 */
static int
try_keys(struct quic_state *st, const struct layout *l, const uint8_t *pkt,
    const struct lhdr *h, int use_state, struct quic_keys *k,
    size_t *plain_len, uint64_t *pn)
{
	uint32_t kv[2] = { h->version, QUIC_DRAFT29 };
	size_t i, n = reserved_version(h->version) ? 2 : 1;
	int rc = -EBADMSG;

	if (use_state && st->keys_ok && h->version == st->version) {
		memcpy(k, l->keys, sizeof(*k));
		return open_initial(k, pkt, h, st->pn_next, plain_len, pn);
	}
	for (i = 0; i < n && rc != 0; i++) {
		rc = quic_initial_keys(kv[i], use_state ? st->dcid : h->dcid,
		    use_state ? st->dcid_len : h->dcid_len, k);
		if (rc != 0)
			return rc;
		rc = open_initial(k, pkt, h, st->pn_next, plain_len, pn);
	}
	return rc;
}

/*
 * do_initial(st, l, pkt, h, out): decrypt one client Initial and absorb
 * its frames.  The first packet that decrypts fixes the original DCID;
 * later ones try its keys first, then their own DCID (a capture that began
 * after the first Initial, or an Initial after Retry).
 */
static int
do_initial(struct quic_state *st, const struct layout *l, const uint8_t *pkt,
    const struct lhdr *h, struct tls_hello *out)
{
	struct quic_keys k;
	size_t plain_len = 0;
	uint64_t pn = 0;
	int rc = -EBADMSG;

	if (++st->n_initial > QUIC_MAX_INITIALS)
		return give_up(st);
	if (st->dcid_len > 0)
		rc = try_keys(st, l, pkt, h, 1, &k, &plain_len, &pn);
	if (rc != 0 && (st->dcid_len == 0 || st->dcid_len != h->dcid_len ||
	    memcmp(st->dcid, h->dcid, h->dcid_len) != 0))
		rc = try_keys(st, l, pkt, h, 0, &k, &plain_len, &pn);
	if (rc == -ENOMEM)
		return rc;
	if (rc != 0)
		return QUIC_FEED_MORE;	/* not ours to read: ignore */
	if (st->dcid_len == 0) {
		memcpy(st->dcid, h->dcid, h->dcid_len);
		st->dcid_len = h->dcid_len;
		st->version = h->version;
		memset(l->bitmap, 0, l->data_cap / 8);
		memcpy(l->keys, &k, sizeof(k));
		st->keys_ok = 1;
	}
	if (pn + 1 > st->pn_next && pn < UINT32_MAX)
		st->pn_next = (uint32_t)(pn + 1);
	walk_frames(st, l, qc.plain, plain_len);
	return check_hello(st, l, out);
}

/*
 * quic_feed_client(st, dgram, len, scratch, cap, out):
 * Feed one client->server datagram; see quic.h for the return codes.
 */
int
quic_feed_client(struct quic_state *st, const uint8_t *dgram, size_t len,
    uint8_t *scratch, size_t cap, struct tls_hello *out)
{
	struct layout l;
	struct lhdr h;
	size_t off = 0;
	uint32_t v;
	int rc;

	if (st == NULL || (dgram == NULL && len > 0) || scratch == NULL ||
	    out == NULL || cap < QUIC_SCRATCH_MIN)
		return -EINVAL;
	if (st->done)
		return -EALREADY;
	if (cap > QUIC_SCRATCH_MAX)
		cap = QUIC_SCRATCH_MAX;
	if (st->cap != 0 && st->cap != cap)
		return -EINVAL;
	if ((rc = crypto_init()) != 0)
		return rc;
	st->cap = (uint32_t)cap;
	scratch_layout(scratch, cap, &l);
	if (++st->n_dgram > QUIC_MAX_DGRAMS)
		return give_up(st);
	if (st->n_dgram == 1) {
		if (!quic_looks_like(dgram, len, &v))
			return give_up(st);
		st->version = v;
	}
	/* Coalesced packets: long headers chained by Length; a short header
	 * or datagram padding (first byte without the form bit) ends it. */
	while (off < len && (dgram[off] & 0x80)) {
		if (parse_long(dgram + off, len - off, &h) != 0)
			break;
		if (h.type == PT_INITIAL) {
			rc = do_initial(st, &l, dgram + off, &h, out);
			if (rc != QUIC_FEED_MORE)
				return rc;
		}
		off += h.pkt_len;
	}
	return QUIC_FEED_MORE;
}

int
quic_looks_like(const uint8_t *p, size_t n, uint32_t *version)
{
	uint32_t v;

	if (p == NULL || n < 7 || !(p[0] & 0x80))
		return 0;
	v = ((uint32_t)p[1] << 24) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[3] << 8) | p[4];
	if (v != 0) {
		if (!(p[0] & 0x40) || p[5] > 20 || n < 7u + p[5])
			return 0;
		if (version_salt(v) == NULL &&
		    (v & 0xffffff00u) != 0xff000000u)
			return 0;
	}
	if (version != NULL)
		*version = v;
	return 1;
}

const char *
quic_version_str(uint32_t v, char *buf, size_t cap)
{
	if (buf == NULL || cap == 0)
		return "";
	if (v == QUIC_V1)
		snprintf(buf, cap, "v1");
	else if (v == QUIC_V2)
		snprintf(buf, cap, "v2");
	else if ((v & 0xffffff00u) == 0xff000000u)
		snprintf(buf, cap, "draft-%u", (unsigned int)(v & 0xff));
	else
		snprintf(buf, cap, "0x%08x", (unsigned int)v);
	return buf;
}
