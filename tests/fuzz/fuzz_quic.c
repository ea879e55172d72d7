/*
 * fuzz_quic.c - libFuzzer harness for QUIC client Initials with real
 * protection applied (issue 15): the fuzzer writes the plaintext frames,
 * the harness encrypts them as a client would (RFC 9001 5: keys derived
 * from a fixed DCID, AES-128-GCM, header protection), so every input
 * decrypts and the parser reaches frame walking, CRYPTO reassembly across
 * packets and the ClientHello parser.
 *
 * Input: byte 0 selects the version (v1, v2, draft-29) and the packet
 * number length; then chunks of [len_hi, len_lo, frames...]: one Initial
 * packet (one datagram) per chunk, packet numbers counting up; a chunk
 * longer than what is left takes the rest.
 */
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dpi/quic.h"
#include "dpi/tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRAMES_MAX	1200

static uint8_t scratch[QUIC_SCRATCH_MIN * 2];

/* protect(ver, dcid, dlen, pn, pn_len, frames, flen, out): one Initial. */
static size_t
protect(uint32_t ver, const uint8_t *dcid, size_t dlen, uint32_t pn,
    size_t pn_len, const uint8_t *frames, size_t flen, uint8_t *out)
{
	static EVP_CIPHER_CTX *ctx;
	struct quic_keys k;
	uint8_t nonce[12], mask[16];
	size_t hl = 0, plen = flen < 4 ? 4 : flen, i;
	int outl, ok;

	if (quic_initial_keys(ver, dcid, dlen, &k) != 0)
		return 0;
	if (ctx == NULL && (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	out[hl++] = (uint8_t)(0xc0 | (ver == QUIC_V2 ? 0x10 : 0) |
	    (pn_len - 1));
	for (i = 0; i < 4; i++)
		out[hl++] = (uint8_t)(ver >> (24 - 8 * i));
	out[hl++] = (uint8_t)dlen;
	memcpy(out + hl, dcid, dlen);
	hl += dlen;
	out[hl++] = 0;			/* SCID length */
	out[hl++] = 0;			/* token length */
	out[hl++] = (uint8_t)(0x40 | ((pn_len + plen + 16) >> 8));
	out[hl++] = (uint8_t)(pn_len + plen + 16);
	for (i = 0; i < pn_len; i++)
		out[hl++] = (uint8_t)(pn >> (8 * (pn_len - 1 - i)));
	memcpy(out + hl, frames, flen);
	memset(out + hl + flen, 0, plen - flen);	/* PADDING frames */
	memcpy(nonce, k.iv, 12);
	for (i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce) &&
	    EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)hl) &&
	    EVP_EncryptUpdate(ctx, out + hl, &outl, out + hl, (int)plen) &&
	    EVP_EncryptFinal_ex(ctx, out + hl + plen, &outl) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16,
	    out + hl + plen) &&
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k.hp, NULL) &&
	    EVP_EncryptUpdate(ctx, mask, &outl, out + hl - pn_len + 4, 16);
	if (!ok)
		return 0;
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < pn_len; i++)
		out[hl - pn_len + i] ^= mask[1 + i];
	return hl + plen + 16;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51,
	    0x57, 0x08 };
	static const uint32_t vers[3] = { QUIC_V1, QUIC_V2, QUIC_DRAFT29 };
	uint8_t pkt[FRAMES_MAX + 64];
	struct quic_state st;
	struct tls_hello h;
	uint32_t ver, pn = 0;
	size_t off = 1, pn_len, n, len;

	if (size < 1)
		return 0;
	ver = vers[data[0] % 3];
	pn_len = 1 + (data[0] >> 2) % 4;
	memset(&st, 0, sizeof(st));
	while (off < size) {
		if (size - off >= 2) {
			n = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
		} else
			n = size - off;
		if (n > size - off)
			n = size - off;
		if (n > FRAMES_MAX)
			n = FRAMES_MAX;
		len = protect(ver, dcid, sizeof(dcid), pn++, pn_len, data + off,
		    n, pkt);
		off += n;
		if (len == 0)
			break;
		if (quic_feed_client(&st, pkt, len, scratch, sizeof(scratch),
		    &h) != QUIC_FEED_MORE)
			break;
	}
	return 0;
}
