/*
 * dlp.c - the streaming scan: carry-over tail, literal/digit-run
 * prefilter, regex windows, validators, keyword proximity, overlap groups,
 * dedupe, masking and keyed fingerprints, and the per-stream budget.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "dlp/dlp_int.h"

#define JOIN_EXTRA	512	/* new bytes copied behind the tail */
#define TRIG_BACK	64	/* triggers this far before the accept range */
#define MAX_PEND	32
#define CTX_BEFORE	12
#define CTX_AFTER	8
_Static_assert(DLP_EVIDENCE_MAX > CTX_BEFORE + CTX_AFTER + 16,
    "evidence must hold both contexts and a mask");
#define KW_NEAR		40	/* keyword look-behind tried first */


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

static int
is_alnum_b(int c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* is_alnum_b() as a table, for the per-byte loops. */
#define A4(c)	[c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1
#define A8(c)	A4(c), A4(c + 4)
static const uint8_t alnum_tab[256] = {
	A8('0'), ['8'] = 1, ['9'] = 1,
	A8('A'), A8('A' + 8), A8('A' + 16), ['Y'] = 1, ['Z'] = 1,
	A8('a'), A8('a' + 8), A8('a' + 16), ['y'] = 1, ['z'] = 1,
};
#undef A4
#undef A8

static int
is_digit_b(int c)
{
	return c >= '0' && c <= '9';
}

/* Personal identifiers: special-category terms near them are reported. */
static int
personal(enum dlp_class c)
{
	return c == DLP_C_BSN || c == DLP_C_PASSPORT || c == DLP_C_ID_CARD ||
	    c == DLP_C_DRIVERS_LICENSE || c == DLP_C_IBAN || c == DLP_C_CREDIT_CARD;
}

/* dlp_fingerprint(e, v, n, out): keyed BLAKE2b-128 of the value. */
void
dlp_fingerprint(const struct dlp_engine *e, const void *v, size_t n,
    uint8_t out[DLP_FP_LEN])
{
	crypto_generichash(out, DLP_FP_LEN, v, n, e->fp_key, e->fp_keylen);
}

void
dlp_stream_init(struct dlp_stream *st)
{
	memset(st, 0, sizeof(*st));
}

void
dlp_stream_set_budget(struct dlp_stream *st, uint64_t bytes)
{
	st->budget = bytes;
}

struct pend {
	struct dlp_finding	 f;
	size_t			 vs, ve;	/* subject offsets */
	int			 det;
};

/* One subject (a contiguous buffer) being scanned. */
struct scan {
	struct dlp_engine	*e;
	struct dlp_stream	*st;
	const uint8_t		*s;
	size_t			 len;
	uint64_t		 base;		/* stream offset of s[0] */
	size_t			 alo, ahi;	/* accepted match starts */
	int			 final;
	dlp_cb			 cb;
	void			*arg;
	size_t			 dict_to;
	/* dictionary start filter cursor: no full (4-byte) candidate in
	 * [dc_from, dc_to); dc_to is one when dc_hit */
	size_t			 dc_from, dc_to;
	int			 dc_hit;
	struct pend		 pend[MAX_PEND];
	int			 npend;
};

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

static void
emit(struct dlp_engine *e, struct dlp_stream *st, int det,
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
static void
evidence(const struct scan *sc, struct dlp_finding *f, size_t vs, size_t ve,
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

/* May a dictionary match start at ${p}, judging by bytes below ${hi}? */
static int
dict_start_ok(const struct dlp_engine *e, const uint8_t *s, size_t p,
    size_t hi)
{
	unsigned k;

	if (p == 0 ? !DLP_BIT(e->dict_first, s[0]) :
	    !DLP_BIT(e->dict_prev, s[p - 1] | (unsigned)s[p] << 8))
		return 0;
	if (p + 1 == hi)
		return 1;
	k = s[p] | (unsigned)s[p + 1] << 8;
	if (!DLP_BIT(e->dict_bi, k))
		return 0;
	if (p + 2 == hi)
		return 1;
	k = DLP_TRI(s[p], s[p + 1], s[p + 2]);
	if (!DLP_BIT(e->dict_tri, k))
		return 0;
	if (p + 3 == hi)
		return 1;
	k = DLP_QUAD(s[p], s[p + 1], s[p + 2], s[p + 3]);
	return DLP_BIT(e->dict_quad, k) != 0;
}

/* The dictionaries (bit g: dict_g[g]) whose regex may start with the
 * 4 bytes at ${p}: 0 when none. */
static uint32_t
dict_q4_groups(const struct dlp_engine *e, const uint8_t *p)
{
	uint32_t w, h;

	memcpy(&w, p, sizeof(w));	/* host order, as at load */
	if (w == 0)
		return e->dict_q4_zero;
	for (h = DLP_Q4_HASH(w) & e->dict_q4_mask; e->dict_q4[h].key != 0;
	    h = (h + 1) & e->dict_q4_mask)
		if (e->dict_q4[h].key == w)
			return e->dict_q4[h].groups;
	return 0;
}

/* dict_start_ok() with four bytes ahead (the 2- and 3-byte prefixes of an
 * accepted 4-byte one are accepted), then the exact prefix set. */
static int
dict_full_ok(const struct dlp_engine *e, const uint8_t *s, size_t p,
    size_t len)
{
	if (e->dict_q4 == NULL)
		return dict_start_ok(e, s, p, len);
	if (p == 0 ? !DLP_BIT(e->dict_first, s[0]) :
	    !DLP_BIT(e->dict_prev, s[p - 1] | (unsigned)s[p] << 8))
		return 0;
	if (!DLP_BIT(e->dict_quad, DLP_QUAD(s[p], s[p + 1], s[p + 2], s[p + 3])))
		return 0;
	return dict_q4_groups(e, s + p) != 0;
}

/*
 * First position in [from, hi) where a dictionary match may start, or
 * ${hi}.  Positions with four bytes ahead are cached across calls (the
 * windows of neighbouring identifiers overlap); the last three are judged
 * against ${hi}, where the regex's subject ends.
 */
static size_t
dict_next(struct scan *sc, size_t from, size_t hi)
{
	const struct dlp_engine *e = sc->e;
	const uint8_t *s = sc->s;
	size_t p = from;

	if (sc->dc_from <= p && p <= sc->dc_to) {
		p = sc->dc_to;
		if (sc->dc_hit && p + 4 <= hi)
			return p;
		if (sc->dc_hit && p + 4 > hi)
			goto tail;
	} else {
		sc->dc_from = sc->dc_to = p;
		sc->dc_hit = 0;
	}
	if (p == 0 && p + 4 <= hi) {
		if (dict_full_ok(e, s, 0, sc->len))
			goto hit;
		p++;
	}
	/* Most bytes cannot precede a term (letters inside words): one
	 * table lookup rejects them before the pair and prefix tests. */
	for (; p + 4 <= hi; p++) {
		if (!e->dict_before[s[p - 1]])
			continue;
		if (dict_full_ok(e, s, p, sc->len))
			goto hit;
	}
	sc->dc_to = p;
	sc->dc_hit = 0;
	goto tail;
hit:
	sc->dc_to = p;
	sc->dc_hit = 1;
	return p;
tail:
	for (; p < hi; p++)
		if (dict_start_ok(e, s, p, hi))
			return p;
	return hi;
}

/*
 * At a candidate ${p} with four bytes ahead: the dictionaries that accept
 * its prefix, each anchored, in order.  The first that matches is the
 * group the combined alternation ((d0)|(d1)|...) would report at ${p}:
 * it tries its groups in that order.  ${ov} as from the combined regex.
 */
static int
dict_exec_groups(struct scan *sc, size_t p, size_t hi, int flags, size_t *ov)
{
	struct dlp_engine *e = sc->e;
	uint32_t gm = dict_q4_groups(e, sc->s + p);
	size_t m[2];
	int g, rc, i;

	for (g = 0; gm != 0; g++, gm >>= 1) {
		if (!(gm & 1))
			continue;
		rc = dlp_re_exec(e->dict_g[g], e->rx, sc->s, hi, p, flags, m, 1);
		if (rc == 0)
			continue;
		if (rc < 0)
			return rc;
		ov[0] = m[0];
		ov[1] = m[1];
		for (i = 0; i < e->ndict; i++)
			ov[2 * (i + 1)] = ov[2 * (i + 1) + 1] = i == g ?
			    m[0] : DLP_RE_UNSET;
		ov[2 * (g + 1) + 1] = m[1];
		return 1;
	}
	return 0;
}

/*
 * The dictionary regex from ${lo}: the leftmost match, as one unanchored
 * search would find it, but tried only where the filter lets one start.
 */
static int
dict_exec(struct scan *sc, size_t lo, size_t hi, int flags, size_t *ov)
{
	struct dlp_engine *e = sc->e;
	int rc;

	if (!e->dict_pf)
		return dlp_re_exec(e->dict, e->rx, sc->s, hi, lo, flags, ov,
		    e->ndict + 1);
	for (;;) {
		if ((lo = dict_next(sc, lo, hi)) >= hi)
			return 0;
		if (e->dict_q4 != NULL && lo + 4 <= hi) {
			if ((rc = dict_exec_groups(sc, lo, hi, flags, ov)) != 0)
				return rc;
			lo++;
			continue;
		}
		rc = dlp_re_exec(e->dict_a, e->rx, sc->s, hi, lo, flags, ov,
		    e->ndict + 1);
		if (rc != 0)
			return rc;
		lo++;
	}
}

/* Special-category terms within proximity of a personal identifier. */
static void
dict_near(struct scan *sc, size_t vs, size_t ve, enum dlp_class near)
{
	struct dlp_engine *e = sc->e;
	size_t ov[2 * 16], lo, hi, ts, te, i;
	struct dlp_finding f;
	char term[64];
	int g;

	if (e->dict == NULL)
		return;
	lo = vs > 300 ? vs - 300 : 0;
	hi = ve + 300 < sc->len ? ve + 300 : sc->len;
	if (lo < sc->dict_to)
		lo = sc->dict_to;
	while (lo < hi && dict_exec(sc, lo, hi,
	    sc->final && hi == sc->len ? 0 : DLP_RE_NOTEOL, ov) > 0) {
		ts = ov[0];
		te = ov[1];
		lo = te > ts ? te : ts + 1;
		if (ts > 0 && (is_alnum_b(sc->s[ts - 1]) || sc->s[ts - 1] >= 0x80)) {
			lo = ts + 1;		/* inside a word */
			continue;
		}
		if (te >= hi && !(sc->final && hi == sc->len))
			break;
		for (g = 0; g < e->ndict && ov[2 * (g + 1)] == DLP_RE_UNSET; g++)
			;
		if (g == e->ndict || te - ts >= sizeof(term))
			continue;
		for (i = 0; i < te - ts; i++)
			term[i] = (char)tolower(sc->s[ts + i]);
		term[te - ts] = '\0';
		memset(&f, 0, sizeof(f));
		f.cls = e->det[e->dict_det[g]].cls;
		f.detector = e->det[e->dict_det[g]].id;
		f.confidence = e->det[e->dict_det[g]].conf;
		f.offset = sc->base + ts;
		f.length = (uint32_t)(te - ts);
		snprintf(f.evidence, sizeof(f.evidence), "%s near %s", term,
		    dlp_class_name(near));
		dlp_fingerprint(e, term, te - ts, f.fp);
		emit(e, sc->st, e->dict_det[g], &f, sc->cb, sc->arg);
	}
	sc->dict_to = lo > sc->dict_to ? lo : sc->dict_to;
}

static void
flush(struct scan *sc)
{
	struct pend *p;
	int i;

	for (i = 0; i < sc->npend; i++) {
		p = &sc->pend[i];
		emit(sc->e, sc->st, p->det, &p->f, sc->cb, sc->arg);
		if (personal(p->f.cls))
			dict_near(sc, p->vs, p->ve, p->f.cls);
	}
	sodium_memzero(sc->pend, sizeof(sc->pend[0]) * (size_t)sc->npend);
	sc->npend = 0;
}

/* Overlapping findings of one group: the higher priority, then the
 * higher confidence, then the earlier detector wins. */
static void
add_pending(struct scan *sc, int det, size_t vs, size_t ve,
    const struct dlp_finding *f)
{
	const struct dlp_det *d = &sc->e->det[det], *o;
	struct pend *p;
	int i;

	for (i = 0; i < sc->npend; i++) {
		p = &sc->pend[i];
		o = &sc->e->det[p->det];
		if (d->group == 0 || o->group != d->group ||
		    vs >= p->ve || p->vs >= ve)
			continue;
		if (d->priority > o->priority || (d->priority == o->priority &&
		    f->confidence > p->f.confidence)) {
			p->f = *f;
			p->det = det;
			p->vs = vs;
			p->ve = ve;
		}
		return;
	}
	if (sc->npend == MAX_PEND)
		flush(sc);
	p = &sc->pend[sc->npend++];
	p->f = *f;
	p->det = det;
	p->vs = vs;
	p->ve = ve;
}

/*
 * kw_find(sc, d, from, slim, len, ov):
 * The first keyword match of ${d} that starts in [from, slim), in the
 * subject's first ${len} bytes, and not inside a word (no letter or digit
 * before it).  1 with its offsets in ${ov}, else 0.
 *
 * The literal prefilter: every keyword is a literal of two bytes or more,
 * so a match can only start where the byte pair is in kw_pf; the anchored
 * alternation runs at those positions only, in order.  The leftmost match
 * is the one the unanchored search would find (PCRE2 tries start positions
 * left to right with the same alternation at each), so the findings are
 * the same; the search no longer scans the rest of the window per call.
 */
static int
kw_find(struct scan *sc, const struct dlp_det *d, size_t from, size_t slim,
    size_t len, size_t *ov)
{
	const uint8_t *s = sc->s, *pf = d->kw_pf;
	size_t p, lim = len < slim + 1 ? len : slim + 1;

	if (pf == NULL || d->kw_a == NULL) {
		while (from < slim && dlp_re_exec(d->kw, sc->e->rx, s, len, from,
		    0, ov, 1) > 0 && ov[0] < slim) {
			if (ov[0] == 0 || !is_alnum_b(s[ov[0] - 1]))
				return 1;
			from = ov[0] + 1;
		}
		return 0;
	}
	p = from;
	if (p == 0 && p + 1 < lim) {
		unsigned k = s[0] | (unsigned)s[1] << 8;

		if ((pf[k >> 3] & (1u << (k & 7))) &&
		    dlp_re_exec(d->kw_a, sc->e->rx, s, len, 0, 0, ov, 1) > 0)
			return 1;
		p++;
	}
	/* Word starts first (one table lookup), then the byte pair. */
	for (; p + 1 < lim; p++) {
		unsigned k;

		if (alnum_tab[s[p - 1]])
			continue;
		k = s[p] | (unsigned)s[p + 1] << 8;
		if (!(pf[k >> 3] & (1u << (k & 7))))
			continue;
		if (dlp_re_exec(d->kw_a, sc->e->rx, s, len, p, 0, ov, 1) > 0)
			return 1;
	}
	return 0;
}

/*
 * A keyword of detector ${det} within its proximity of [ms, me)?  Each
 * detector's keyword search only moves forward through the subject, so a
 * keyword-dense text costs one pass per detector, not one per candidate.
 */
static int
kw_near(struct scan *sc, int det, size_t ms, size_t me)
{
	const struct dlp_det *d = &sc->e->det[det];
	struct dlp_dscr *ds = &sc->e->ds[det];
	size_t prox = (size_t)d->proximity, lo, hi, from, sl, ov[2];

	lo = ms > prox ? ms - prox : 0;
	hi = me + prox < sc->len ? me + prox : sc->len;
	if (ds->kw_last > lo && ds->kw_last <= hi)
		return 1;
	/* Most keywords sit right before the value ("BSN: ..."): look there
	 * first, without moving the forward cursor. */
	from = ms > lo + KW_NEAR ? ms - KW_NEAR : lo;
	if (kw_find(sc, d, from, ms, ms, ov))
		return 1;
	from = ds->kw_to > lo ? ds->kw_to : lo;
	sl = hi + 48 < sc->len ? hi + 48 : sc->len;
	while (from < hi && kw_find(sc, d, from, hi, sl, ov)) {
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		ds->kw_last = ov[0] + 1;
		if (ov[0] >= lo) {
			ds->kw_to = from;
			return 1;
		}
	}
	if (hi > ds->kw_to)
		ds->kw_to = hi;
	return 0;
}

/* A pending finding of the same group over this span that ${conf} cannot
 * beat: skip the keyword search and the fingerprint. */
static int
outranked(const struct scan *sc, int det, size_t vs, size_t ve, int conf)
{
	const struct dlp_det *d = &sc->e->det[det], *o;
	int i;

	if (d->group == 0)
		return 0;
	for (i = 0; i < sc->npend; i++) {
		o = &sc->e->det[sc->pend[i].det];
		if (o->group != d->group || vs >= sc->pend[i].ve ||
		    sc->pend[i].vs >= ve)
			continue;
		if (o->priority > d->priority || (o->priority == d->priority &&
		    sc->pend[i].f.confidence >= conf))
			return 1;
	}
	return 0;
}

static void
candidate(struct scan *sc, int det, struct dlp_vctx *v)
{
	const struct dlp_det *d = &sc->e->det[det];
	struct dlp_finding f;
	int conf, kwc;

	conf = v->conf >= 0 ? v->conf : d->conf;
	kwc = v->kw_conf > 0 ? v->kw_conf : d->kw_conf;
	if (outranked(sc, det, v->vs, v->ve, kwc > conf ? kwc : conf))
		return;
	if (d->kw != NULL && kwc > conf && kw_near(sc, det, v->ms, v->me))
		conf = kwc;
	if (conf == 0 || conf < sc->e->min_conf)
		return;
	memset(&f, 0, sizeof(f));
	f.cls = d->cls;
	f.detector = d->id;
	f.confidence = conf;
	f.offset = sc->base + v->vs;
	f.length = (uint32_t)(v->ve - v->vs);
	dlp_fingerprint(sc->e, v->norm, v->nlen, f.fp);
	evidence(sc, &f, v->vs, v->ve, v->norm, v->nlen);
	add_pending(sc, det, v->vs, v->ve, &f);
}

static void
pem_emit(struct scan *sc, size_t len, int final)
{
	struct dlp_finding f;

	if (dlp_pem_feed(sc->e, sc->st, sc->s, len, sc->base, final, &f))
		emit(sc->e, sc->st, sc->e->pem_det, &f, sc->cb, sc->arg);
}

/*
 * Run detector ${det}'s regex over the window [ws, we) of the subject for
 * the trigger at ${trig}: the match must start at or before the trigger,
 * inside the accept range, and end clear of the window's edge.
 */
static void
try_window(struct scan *sc, int det, size_t trig, size_t ws, size_t we)
{
	struct dlp_engine *e = sc->e;
	const struct dlp_det *d = &e->det[det];
	struct dlp_dscr *ds = &e->ds[det];
	struct dlp_vctx v;
	size_t ov[16], g;
	int edge = sc->final && we == sc->len;

	if (trig < ds->next_ok)
		return;
	if (ws < ds->next_ok)
		ws = ds->next_ok;
	if (dlp_re_exec(d->re, e->rx, sc->s, we, d->anchored ? trig : ws,
	    edge ? 0 : DLP_RE_NOTEOL, ov, 8) <= 0)
		return;
	if (ov[0] > trig || (ov[1] + 2 > we && !edge))
		return;
	ds->next_ok = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	if (ov[0] < sc->alo || ov[0] >= sc->ahi)
		return;
	v.d = d;
	v.s = sc->s;
	v.len = sc->len;
	v.ms = ov[0];
	v.me = ov[1];
	g = 2 * (size_t)d->value_group;
	v.vs = ov[g] != DLP_RE_UNSET ? ov[g] : ov[0];
	v.ve = ov[g] != DLP_RE_UNSET ? ov[g + 1] : ov[1];
	v.conf = -1;
	v.kw_conf = 0;
	v.nlen = 0;
	if (d->kind == DLP_K_PEM) {
		if (sc->st->pem_state != 0)
			pem_emit(sc, v.ms, 0);
		if (sc->st->pem_state == 0)
			dlp_pem_begin(sc->st, det, sc->base + v.ms, sc->base + v.me,
			    sc->s + v.ms, v.me - v.ms);
		return;
	}
	if (dlp_validators[d->validator].fn(&v) == 0)
		candidate(sc, det, &v);
	sodium_memzero(v.norm, sizeof(v.norm));
}


/* A run of digits with single [ .-] separators starts at ${i}: offer it
 * to the digit-triggered detectors whose shape fits.  Returns its end. */
static size_t
digit_run(struct scan *sc, size_t i)
{
	struct dlp_engine *e = sc->e;
	const uint8_t *s = sc->s;
	size_t j = i, len = sc->len, tb = i, te, ws, we;
	int nd = 0, k, lb;

	while (j < len) {
		if (is_digit_b(s[j])) {
			nd++;
			j++;
		} else if ((s[j] == ' ' || s[j] == '.' || s[j] == '-') &&
		    j + 1 < len && is_digit_b(s[j + 1]))
			j++;
		else
			break;
	}
	if (nd < e->digit_min)
		return j;
	while (tb > 0 && i - tb < 16 && is_alnum_b(s[tb - 1]))
		tb--;
	for (te = i; te < len && te - i < 64 && is_alnum_b(s[te]); te++)
		;
	lb = i >= 2 && !is_digit_b(s[i - 1]) && is_alnum_b(s[i - 1]) &&
	    !is_digit_b(s[i - 2]) && is_alnum_b(s[i - 2]) &&
	    (i == 2 || !is_alnum_b(s[i - 3])) ? 2 : 0;
	for (k = 0; k < e->ndigit; k++) {
		const struct dlp_det *d = &e->det[e->digit_det[k]];

		if (nd < d->dmin || nd > d->dmax ||
		    (d->token && te - tb != (size_t)d->token) ||
		    (d->letters_before && lb != d->letters_before))
			continue;
		ws = i > (size_t)d->before ? i - (size_t)d->before : 0;
		we = j + (size_t)d->after < len ? j + (size_t)d->after : len;
		try_window(sc, e->digit_det[k], i, ws, we);
	}
	return j;
}

static int
lit_eq(const struct dlp_lit *l, const uint8_t *p)
{
	size_t i;

	if (!l->nocase)
		return memcmp(l->s, p, l->len) == 0;
	for (i = 0; i < l->len; i++)
		if (tolower(p[i]) != tolower((unsigned char)l->s[i]))
			return 0;
	return 1;
}

/* Literals whose anchor pair sits at ${a}. */
static void
literals_at(struct scan *sc, size_t a)
{
	struct dlp_engine *e = sc->e;
	int k, fb = tolower(sc->s[a]);
	size_t ws, we, i;

	for (k = e->lit_idx[fb]; k < e->lit_idx[fb + 1]; k++) {
		const struct dlp_lit *l = &e->lit[k];
		const struct dlp_det *d = &e->det[l->det];

		if (a < l->anch)
			continue;
		i = a - l->anch;
		if (i + l->len > sc->len || !lit_eq(l, sc->s + i))
			continue;
		ws = i > (size_t)d->before ? i - (size_t)d->before : 0;
		we = i + (size_t)d->after < sc->len ? i + (size_t)d->after : sc->len;
		try_window(sc, l->det, i, ws, we);
	}
}

/* The hot loop: one bigram-bitset test per byte. */
static void
scan_subject(struct scan *sc)
{
	struct dlp_engine *e = sc->e;
	const uint8_t *s = sc->s, *bg = e->bigram;
	size_t i, end, len = sc->len;
	unsigned k;

	memset(e->ds, 0, sizeof(e->ds[0]) * (size_t)e->ndet);
	sc->dict_to = 0;
	sc->dc_from = sc->dc_to = 0;
	sc->dc_hit = 0;
	sc->npend = 0;
	i = sc->alo > TRIG_BACK ? sc->alo - TRIG_BACK : 0;
	end = sc->ahi + TRIG_BACK < len ? sc->ahi + TRIG_BACK : len;
	if (sc->alo >= sc->ahi)
		end = i;
	while (i < end) {
		/* Fast path: skip bytes whose pair starts nothing, four
		 * independent tests per step for instruction-level parallelism. */
		while (i + 5 <= end && i + 5 <= len) {
			unsigned k0 = s[i] | (unsigned)s[i + 1] << 8;
			unsigned k1 = s[i + 1] | (unsigned)s[i + 2] << 8;
			unsigned k2 = s[i + 2] | (unsigned)s[i + 3] << 8;
			unsigned k3 = s[i + 3] | (unsigned)s[i + 4] << 8;

			if ((bg[k0 >> 3] & (1u << (k0 & 7))) |
			    (bg[k1 >> 3] & (1u << (k1 & 7))) |
			    (bg[k2 >> 3] & (1u << (k2 & 7))) |
			    (bg[k3 >> 3] & (1u << (k3 & 7))))
				break;
			i += 4;
		}
		while (i + 1 < end) {
			k = s[i] | (unsigned)s[i + 1] << 8;
			if (bg[k >> 3] & (1u << (k & 7)))
				break;
			i++;
		}
		k = s[i] | (i + 1 < len ? (unsigned)s[i + 1] << 8 : 0);
		if (!(bg[k >> 3] & (1u << (k & 7)))) {
			i++;
			continue;
		}
		if (is_digit_b(s[i]) && e->ndigit > 0) {
			size_t j = digit_run(sc, i);

			i = j > i ? j : i + 1;
			continue;
		}
		literals_at(sc, i);
		i++;
	}
	flush(sc);
	pem_emit(sc, len, sc->final);
}

static void
subject(struct scan *sc, const uint8_t *s, size_t len, uint64_t base,
    uint64_t alo, uint64_t ahi, int final)
{
	sc->s = s;
	sc->len = len;
	sc->base = base;
	sc->alo = alo > base ? (size_t)(alo - base) : 0;
	sc->ahi = ahi > base ? (size_t)(ahi - base) : 0;
	sc->final = final;
	scan_subject(sc);
}

static void
tail_update(struct dlp_stream *st, const uint8_t *p, size_t n)
{
	size_t tl = st->tail_len, drop;

	if (tl + n <= DLP_TAIL) {
		memcpy(st->tail + tl, p, n);
		st->tail_len = (uint16_t)(tl + n);
	} else if (n >= DLP_TAIL) {
		memcpy(st->tail, p + n - DLP_TAIL, DLP_TAIL);
		st->tail_len = DLP_TAIL;
	} else {
		drop = tl + n - DLP_TAIL;
		memmove(st->tail, st->tail + drop, tl - drop);
		memcpy(st->tail + tl - drop, p, n);
		st->tail_len = DLP_TAIL;
	}
}

static void
code_step(struct dlp_engine *e, struct dlp_stream *st, const uint8_t *p,
    size_t n, dlp_cb cb, void *arg)
{
	struct dlp_finding f;

	if (e->code_det < 0 || (st->flags & DLP_ST_CODE_DONE))
		return;
	dlp_code_feed(e, st, p, n);
	if (st->code_bytes >= (uint32_t)e->det[e->code_det].window &&
	    dlp_code_decide(e, st, &f))
		emit(e, st, e->code_det, &f, cb, arg);
}

static int
scan_rc(const struct dlp_stream *st)
{
	if (st->flags & DLP_ST_RX_SPENT)
		return DLP_RX_BUDGET;
	return st->flags & DLP_ST_TRUNCATED ? DLP_TRUNCATED : 0;
}

/*
 * dlp_scan(e, st, p, n, cb, arg):
 * The stream is tail || p.  The first JOIN_EXTRA bytes of ${p} are scanned
 * joined to the tail (values across the boundary), the rest in place.
 * Match starts are decided once they are DLP_HOLD bytes from the end of
 * what is known, so every value is seen whole, exactly once.
 */
int
dlp_scan(struct dlp_engine *e, struct dlp_stream *st, const void *p, size_t n,
    dlp_cb cb, void *arg)
{
	uint8_t join[DLP_TAIL + JOIN_EXTRA];
	const uint8_t *b = p;
	uint64_t budget = st->budget ? st->budget : e->budget, base, mid, end;
	struct scan sc;
	size_t k, tl = st->tail_len;

	if (st->flags & DLP_ST_ENDED)
		return scan_rc(st);
	if (st->flags & DLP_ST_RX_SPENT)
		return DLP_RX_BUDGET;
	if (st->pos + n > budget) {
		st->flags |= DLP_ST_TRUNCATED;
		n = st->pos < budget ? (size_t)(budget - st->pos) : 0;
	}
	if (n == 0)
		return st->flags & DLP_ST_TRUNCATED ? DLP_TRUNCATED : 0;
	dlp_rx_begin(e->rx, st, e->budget);
	code_step(e, st, b, n, cb, arg);
	sc.e = e;
	sc.st = st;
	sc.cb = cb;
	sc.arg = arg;
	k = n < JOIN_EXTRA ? n : JOIN_EXTRA;
	memcpy(join, st->tail, tl);
	memcpy(join + tl, b, k);
	base = st->pos - tl;
	end = st->pos + n;
	mid = st->pos + k;
	mid = mid > DLP_HOLD ? mid - DLP_HOLD : 0;
	subject(&sc, join, tl + k, base, st->done, mid, 0);
	if (mid > st->done)
		st->done = mid;
	if (k < n) {
		end = end > DLP_HOLD ? end - DLP_HOLD : 0;
		subject(&sc, b, n, st->pos, st->done, end, 0);
		if (end > st->done)
			st->done = end;
	}
	sodium_memzero(join, tl + k);
	tail_update(st, b, n);
	st->pos += n;
	dlp_rx_end(e->rx, st, e->budget);
	return scan_rc(st);
}

/*
 * dlp_stream_end(e, st, cb, arg):
 * Decide the held-back tail with end-of-input semantics, then the
 * source-code detector.
 */
int
dlp_stream_end(struct dlp_engine *e, struct dlp_stream *st, dlp_cb cb,
    void *arg)
{
	struct dlp_finding f;
	struct scan sc;

	if (st->flags & DLP_ST_ENDED)
		return scan_rc(st);
	sc.e = e;
	sc.st = st;
	sc.cb = cb;
	sc.arg = arg;
	if (!(st->flags & DLP_ST_RX_SPENT)) {
		dlp_rx_begin(e->rx, st, e->budget);
		subject(&sc, st->tail, st->tail_len, st->pos - st->tail_len,
		    st->done, st->pos, 1);
		dlp_rx_end(e->rx, st, e->budget);
	}
	st->done = st->pos;
	if (dlp_code_decide(e, st, &f))
		emit(e, st, e->code_det, &f, cb, arg);
	sodium_memzero(st->tail, sizeof(st->tail));
	st->tail_len = 0;
	st->flags |= DLP_ST_ENDED;
	return scan_rc(st);
}

_Static_assert(sizeof(struct dlp_stream) <= 512, "dlp_stream must stay small");
