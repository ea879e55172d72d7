/*
 * dlp_emit.c - what a finding carries out of the engine: class names,
 * keyed fingerprints, per-stream dedupe, the confidence floor, and the
 * masked evidence (context with digits hidden, never the value).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dlp/dlp_int.h"

#define CTX_BEFORE	12
#define CTX_AFTER	8
_Static_assert(DLP_EVIDENCE_MAX > CTX_BEFORE + CTX_AFTER + 16,
    "evidence must hold both contexts and a mask");

const char *
dlp_class_name(enum dlp_class c)
{
	return vocab_name(&vocab_dlp_class, (int)c);
}

int
dlp_class_lookup(const char *name)
{
	return vocab_lookup(&vocab_dlp_class, name);
}

/* dlp_fingerprint(e, v, n, out): keyed BLAKE2b-128 of the value. */
void
dlp_fingerprint(const struct dlp_engine *e, const void *v, size_t n,
    uint8_t out[DLP_FP_LEN])
{
	crypto_generichash(out, DLP_FP_LEN, v, n, e->fp_key, e->fp_keylen);
}

static int
seen(struct dlp_stream *st, int det, const uint8_t *fp)
{
	uint32_t k;
	int i;

	memcpy(&k, fp, sizeof(k));
	k ^= (uint32_t)(det + 1) * 0x9e3779b1u;
	if (k == 0)
		k = 1;
	for (i = 0; i < DLP_DEDUPE; i++)
		if (st->dedupe[i] == k)
			return 1;
	st->dedupe[st->dedupe_next] = k;
	st->dedupe_next = (uint8_t)((st->dedupe_next + 1) % DLP_DEDUPE);
	return 0;
}

void
dlp_emit(struct dlp_engine *e, struct dlp_stream *st, int det,
    struct dlp_finding *f, dlp_cb cb, void *arg)
{
	if (f->confidence < e->min_conf || seen(st, det, f->fp))
		return;
	f->class_name = dlp_class_name(f->cls);
	if (cb != NULL)
		cb(arg, f);
}

/* Context byte for evidence: printable, digits hidden. */
static char
ctx_char(int c)
{
	if (c >= '0' && c <= '9')
		return '#';
	return c >= 0x20 && c < 0x7f ? (char)c : '.';
}

/*
 * Append at most ${len} bytes of ${s} to o[0..cap) at *n, always leaving room
 * for the terminating NUL: returns the bytes written, never more than fit.
 * snprintf's return value is the would-be length, so it is never used as an
 * offset here (that was a stack write past f->evidence).
 */
static size_t
put_bytes(char *o, size_t cap, size_t n, const char *s, size_t len)
{
	size_t room = n + 1 < cap ? cap - n - 1 : 0;

	if (len > room)
		len = room;
	memcpy(o + n, s, len);
	return len;
}

static size_t
put_mask(char *o, size_t cap, const char *norm, size_t nlen, enum dlp_class c)
{
	size_t keep, stars, n = 0, i, shown;
	char len[24];
	int ln;

	if (cap == 0)
		return 0;
	switch (c) {
	case DLP_C_CLASSIFICATION:
	case DLP_C_SPECIAL_CATEGORY:
		n = put_bytes(o, cap, 0, norm, nlen);
		o[n] = '\0';
		return n;
	case DLP_C_API_KEY:
		shown = nlen / 3 < 8 ? nlen / 3 : 8;
		stars = nlen - shown < 12 ? nlen - shown : 12;
		n = put_bytes(o, cap, 0, norm, shown);
		for (i = 0; i < stars && n + 1 < cap; i++)
			o[n++] = '*';
		ln = snprintf(len, sizeof(len), "[%zu]", nlen);
		if (ln > 0)
			n += put_bytes(o, cap, n, len, (size_t)ln);
		o[n] = '\0';
		return n;
	case DLP_C_IBAN:
	case DLP_C_CREDIT_CARD:
	case DLP_C_VAT:
		keep = 4;
		break;
	default:
		keep = 2;
		break;
	}
	if (keep > nlen / 2)
		keep = nlen / 2;
	stars = nlen - keep;
	for (i = 0; i < stars && i < 24 && n + 1 < cap; i++)
		o[n++] = '*';
	for (i = nlen - keep; i < nlen && n + 1 < cap; i++)
		o[n++] = norm[i];
	o[n] = '\0';
	return n;
}

/* "<context>masked<context>": never the value itself. */
void
dlp_evidence(const struct scan *sc, struct dlp_finding *f, size_t vs, size_t ve,
    const char *norm, size_t nlen)
{
	char *o = f->evidence;
	size_t cap = sizeof(f->evidence), n = 0, b = vs, i;

	while (b > 0 && vs - b < CTX_BEFORE && sc->s[b - 1] != '\n')
		b--;
	for (i = b; i < vs; i++)
		o[n++] = ctx_char(sc->s[i]);
	/* The mask may use what the after-context leaves; never past cap. */
	n += put_mask(o + n, cap - n - CTX_AFTER - 1, norm, nlen, f->cls);
	if (f->cls != DLP_C_API_KEY && f->cls != DLP_C_PRIVATE_KEY)
		for (i = ve; i < sc->len && i < ve + CTX_AFTER &&
		    sc->s[i] != '\n' && n + 1 < cap; i++)
			o[n++] = ctx_char(sc->s[i]);
	o[n] = '\0';
}
