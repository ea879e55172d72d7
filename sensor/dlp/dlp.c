/*
 * dlp.c - the streaming scan: carry-over tail, literal/digit-run
 * prefilter, regex windows, validators, keyword proximity, overlap groups
 * and the per-stream budget.  Findings leave through dlp_emit.c; the
 * special-category dictionary pass is dlp_dict.c.
 */
#include <ctype.h>
#include <endian.h>
#include <string.h>

#include <sodium.h>

#include "dlp/dlp_int.h"

#define JOIN_EXTRA	512	/* new bytes copied behind the tail */
#define TRIG_BACK	64	/* triggers this far before the accept range */
#define KW_NEAR		40	/* keyword look-behind tried first */


/* dlp_is_alnum() as a table, for the per-byte loops. */
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


static void
flush(struct scan *sc)
{
	struct pend *p;
	int i;

	for (i = 0; i < sc->npend; i++) {
		p = &sc->pend[i];
		dlp_emit(sc->e, sc->st, p->det, &p->f, sc->cb, sc->arg);
		if (personal(p->f.cls))
			dlp_dict_near(sc, p->vs, p->ve, p->f.cls);
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
			if (ov[0] == 0 || !dlp_is_alnum(s[ov[0] - 1]))
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
	/* Word starts whose byte pair is in the set: a mask of 64
	 * positions at a time built without branches (word starts come
	 * unpredictably every few bytes), then the regex at its bits. */
	while (p + 1 < lim) {
		size_t n = lim - 1 - p, j;
		uint64_t m = 0;

		if (n > 64)
			n = 64;
		for (j = 0; j < n; j++) {
			unsigned k = s[p + j] | (unsigned)s[p + j + 1] << 8;

			m |= (uint64_t)((pf[k >> 3] >> (k & 7)) & 1u &
			    ~(unsigned)alnum_tab[s[p + j - 1]]) << j;
		}
		for (; m != 0; m &= m - 1) {
			j = (size_t)__builtin_ctzll(m);
			if (dlp_re_exec(d->kw_a, sc->e->rx, s, len, p + j, 0,
			    ov, 1) > 0)
				return 1;
		}
		p += n;
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
	dlp_evidence(sc, &f, v->vs, v->ve, v->norm, v->nlen);
	add_pending(sc, det, v->vs, v->ve, &f);
}

static void
pem_emit(struct scan *sc, size_t len, int final)
{
	struct dlp_finding f;

	if (dlp_pem_feed(sc->e, sc->st, sc->s, len, sc->base, final, &f))
		dlp_emit(sc->e, sc->st, sc->e->pem_det, &f, sc->cb, sc->arg);
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
	while (tb > 0 && i - tb < 16 && dlp_is_alnum(s[tb - 1]))
		tb--;
	for (te = i; te < len && te - i < 64 && dlp_is_alnum(s[te]); te++)
		;
	lb = i >= 2 && !is_digit_b(s[i - 1]) && dlp_is_alnum(s[i - 1]) &&
	    !is_digit_b(s[i - 2]) && dlp_is_alnum(s[i - 2]) &&
	    (i == 2 || !dlp_is_alnum(s[i - 3])) ? 2 : 0;
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
		/* Fast path: skip bytes whose pair starts nothing, eight
		 * independent byte-table tests on one 64-bit load per step,
		 * then four bit tests, for instruction-level parallelism. */
		while (i + 9 <= end && i + 9 <= len) {
			const uint8_t *b8 = e->bigram8;
			uint64_t w;

			memcpy(&w, s + i, sizeof(w));
			w = le64toh(w);
			if (b8[w & 0xffff] | b8[(w >> 8) & 0xffff] |
			    b8[(w >> 16) & 0xffff] | b8[(w >> 24) & 0xffff] |
			    b8[(w >> 32) & 0xffff] | b8[(w >> 40) & 0xffff] |
			    b8[(w >> 48) & 0xffff] |
			    b8[(w >> 56) | (unsigned)s[i + 8] << 8])
				break;
			i += 8;
		}
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
		dlp_emit(e, st, e->code_det, &f, cb, arg);
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
		dlp_emit(e, st, e->code_det, &f, cb, arg);
	sodium_memzero(st->tail, sizeof(st->tail));
	st->tail_len = 0;
	st->flags |= DLP_ST_ENDED;
	return scan_rc(st);
}

_Static_assert(sizeof(struct dlp_stream) <= 512, "dlp_stream must stay small");
