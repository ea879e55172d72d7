/*
 * dlp_dict.c - the special-category dictionary pass: within proximity of
 * every personal identifier, terms are looked for where the load-time
 * start filter (dlp_int.h: byte before, 2-4 byte prefixes, the exact
 * 4-byte set naming the dictionaries) lets one start, and confirmed by the
 * anchored regex of those dictionaries.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dlp/dlp_int.h"

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
	/* Most bytes cannot precede a term (letters inside words).  Word
	 * starts come every few bytes, unpredictably, so a branch per byte
	 * mispredicts at each: build a mask of the positions whose byte
	 * before may precede a term, 64 at a time without branches, then
	 * run the pair and prefix tests on its bits in order. */
	while (p + 4 <= hi) {
		size_t n = hi - 3 - p, j;
		uint64_t m = 0;

		if (n > 64)
			n = 64;
		for (j = 0; j < n; j++)
			m |= (uint64_t)e->dict_before[s[p + j - 1]] << j;
		for (; m != 0; m &= m - 1) {
			j = (size_t)__builtin_ctzll(m);
			if (dict_full_ok(e, s, p + j, sc->len)) {
				p += j;
				goto hit;
			}
		}
		p += n;
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
void
dlp_dict_near(struct scan *sc, size_t vs, size_t ve, enum dlp_class near)
{
	struct dlp_engine *e = sc->e;
	size_t ov[2 * DLP_RE_OVEC], lo, hi, ts, te, i;
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
		if (ts > 0 && (dlp_is_alnum(sc->s[ts - 1]) || sc->s[ts - 1] >= 0x80)) {
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
		dlp_emit(e, sc->st, e->dict_det[g], &f, sc->cb, sc->arg);
	}
	sc->dict_to = lo > sc->dict_to ? lo : sc->dict_to;
}
