/*
 * dlp_int.h - internal types shared by the dlp_*.c files: the compiled
 * detector table, the regex wrapper (dlp_pcre.c) and the validators.
 */
#ifndef ST_DLP_INT_H
#define ST_DLP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dlp/dlp.h"

/* --- dlp_pcre.c: the only PCRE2 user ----------------------------------- */
struct dlp_re;
struct dlp_rx;

#define DLP_RE_ANCHORED	0x1
#define DLP_RE_NOTEOL	0x2
#define DLP_RE_PARTIAL	0x4	/* also JIT for hard partial matching */
#define DLP_RE_UNSET	((size_t)-1)

/* dlp_re_compile(pat, flags, err, errlen, erroff): compile + JIT; NULL on
 * error with PCRE2's message in ${err} and the offset in *${erroff}. */
struct dlp_re	*dlp_re_compile(const char *pat, int flags, char *err,
		    size_t errlen, size_t *erroff);
void		 dlp_re_free(struct dlp_re *re);
int		 dlp_re_ncaptures(const struct dlp_re *re);
/* dlp_rx_new(): match scratch (match data, match limits, JIT stack). */
struct dlp_rx	*dlp_rx_new(void);
void		 dlp_rx_free(struct dlp_rx *rx);
/* dlp_re_exec(re, rx, s, len, start, flags, ov, nov): 1 on a match with
 * ${nov} offset pairs in ${ov} (unset: DLP_RE_UNSET), 0 on no match, -1
 * on an error such as the match limit (counted in rx). */
int		 dlp_re_exec(const struct dlp_re *re, struct dlp_rx *rx,
		    const uint8_t *s, size_t len, size_t start, int flags,
		    size_t *ov, int nov);
unsigned long	 dlp_rx_errors(const struct dlp_rx *rx);
/* dlp_rx_budget(rx, units): work the following dlp_re_exec() calls may
 * use (dlp_pcre.c says how a call is charged); dlp_rx_left(): what is
 * left; dlp_rx_spent(): a call was refused since, the budget being gone. */
void		 dlp_rx_budget(struct dlp_rx *rx, uint64_t units);
uint64_t	 dlp_rx_left(const struct dlp_rx *rx);
int		 dlp_rx_spent(const struct dlp_rx *rx);
/* dlp_rx_begin(rx, st, def) / dlp_rx_end(rx, st, def): around one
 * dlp_scan() or dlp_stream_end() of ${st}: set what it may spend, then
 * charge it to the stream (flag DLP_ST_RX_SPENT when spent).  ${def}: the
 * engine's byte budget, for streams without their own. */
void		 dlp_rx_begin(struct dlp_rx *rx, const struct dlp_stream *st,
		    uint64_t def);
void		 dlp_rx_end(struct dlp_rx *rx, struct dlp_stream *st,
		    uint64_t def);
/* dlp_re_probe(re, rx, s, len, start): 1 when a match of ${re} may start
 * at ${start} given the ${len} bytes of ${s} (hard partial), else 0. */
int		 dlp_re_probe(const struct dlp_re *re, struct dlp_rx *rx,
		    const uint8_t *s, size_t len, size_t start);
int		 dlp_re_maxlookbehind(const struct dlp_re *re);

/* --- detector table ----------------------------------------------------- */
enum dlp_kind { DLP_K_REGEX, DLP_K_PEM, DLP_K_CODE, DLP_K_DICT };
enum dlp_pf { DLP_PF_NONE, DLP_PF_LITERALS, DLP_PF_DIGITS };

struct dlp_det {
	char		*id;
	enum dlp_class	 cls;
	enum dlp_kind	 kind;
	char		*pat;		/* dictionaries: kept for the union */
	struct dlp_re	*re;
	struct dlp_re	*kw;		/* keyword alternation or NULL */
	struct dlp_re	*kw_a;		/* the same, anchored (with kw_pf) */
	uint8_t		*kw_pf;		/* 65536-bit set of the keywords' first
					 * byte pairs (ASCII case-folded), or
					 * NULL: kw_a runs only at positions
					 * whose pair is in it */
	int		 validator;	/* index in dlp_validators[] */
	int		 value_group;	/* capture group holding the value */
	double		 entropy;	/* minimum, 0 = none */
	int		 need_digit;
	int		 conf;		/* without keyword; 0: keyword needed */
	int		 kw_conf;	/* with a keyword in proximity */
	int		 proximity;
	int		 group;		/* overlap group, 0 = none */
	int		 priority;	/* higher wins inside a group */
	enum dlp_pf	 pf;
	int		 dmin, dmax;	/* digits prefilter */
	int		 before, after;	/* window around the trigger */
	int		 anchored;	/* match starts at the trigger */
	int		 token;		/* digits: alnum token length, 0 any */
	int		 letters_before; /* digits: exactly N letters before */
	/* source code */
	int		 min_bytes, min_lines, window;
};

struct dlp_lit {
	const char	*s;		/* points into a detector's YAML copy */
	uint8_t		 len;
	uint8_t		 nocase;
	uint8_t		 anch;		/* offset of the prefilter byte pair */
	uint16_t	 det;
};

/* Per-detector, per-subject scratch (reset at every subject). */
struct dlp_dscr {
	size_t		 next_ok;	/* matches must start here or later */
	size_t		 kw_to;		/* keywords searched up to */
	size_t		 kw_last;	/* last keyword start + 1, 0 = none */
};

#define DLP_MAX_DET	128
/* Capture pairs a match reports: the whole match plus one group per
 * dictionary in the combined dictionary regex (at most DLP_MAX_DET). */
#define DLP_RE_OVEC	(DLP_MAX_DET + 1)
#define DLP_MAX_LIT	512
#define DLP_NORM_MAX	256

struct dlp_engine {
	struct dlp_det	 det[DLP_MAX_DET];
	int		 ndet;
	struct dlp_lit	 lit[DLP_MAX_LIT];
	int		 nlit;
	uint16_t	 lit_idx[257];	/* literals by folded first byte */
	uint8_t		 bigram[65536 / 8];
	uint8_t		 bigram8[65536];	/* the same, a byte per pair */
	uint8_t		 digit_det[DLP_MAX_DET];	/* digit-triggered */
	int		 ndigit;
	int		 digit_min;	/* smallest dmin of them */
	struct dlp_re	*dict;		/* all dictionaries, one group each */
	struct dlp_re	*dict_a;	/* the same, anchored (dict_pf) */
	char		*dict_pat;	/* their combined pattern, owned */
	uint16_t	 dict_det[DLP_MAX_DET];
	int		 ndict;
	/*
	 * Dictionary start filter (dict_pf): a match can start at p only if
	 * dict_prev has (s[p-1], s[p]) (or dict_first has s[p] at p == 0) and
	 * dict_bi has (s[p], s[p+1]) and dict_tri / dict_quad have the hashed
	 * 3- and 4-byte prefixes, as far as the subject reaches.  Built by
	 * probing the regex at load.
	 */
	int		 dict_pf;
	uint8_t		 dict_first[256 / 8];
	uint8_t		 dict_prev[65536 / 8];
	uint8_t		 dict_bi[65536 / 8];
	uint8_t		 dict_tri[65536 / 8];
	uint8_t		 dict_quad[65536 / 8];
	/* exact 4-byte prefixes the probe accepted (open addressing on the
	 * little-endian word of the 4 bytes, key 0 = empty slot, the all-NUL
	 * prefix in dict_q4_zero), each with the dictionaries (bit g: dict_g[g])
	 * whose own anchored regex accepts it: NULL when not built */
	struct dlp_q4 {
		uint32_t	 key;
		uint32_t	 groups;
	}		*dict_q4;
	uint32_t	 dict_q4_mask;
	uint32_t	 dict_q4_zero;	/* groups of the all-NUL prefix */
	struct dlp_re	*dict_g[32];	/* each dictionary anchored, or NULL */
	/* bytes that can precede a dictionary match start (from dict_prev) */
	uint8_t		 dict_before[256];
	int		 code_det;	/* -1: none */
	int		 pem_det;	/* -1: none */
	struct dlp_rx	*rx;
	struct dlp_dscr	 ds[DLP_MAX_DET];
	uint8_t		 fp_key[64];
	size_t		 fp_keylen;
	uint64_t	 budget;
	int		 min_conf;
	char		*strings;	/* owned copies of literals */
};

/* --- dlp_load_dict.c ----------------------------------------------------- */
struct ydoc;
/* dlp_dict_build(e, y): the combined dictionary regex; errors reported
 * through ${y}; -1 on an error. */
int		 dlp_dict_build(struct dlp_engine *e, struct ydoc *y);
/* dlp_dict_build_pf(e): the start filter (after e->rx exists); left off
 * (e->dict_pf 0) when the dictionaries are not safe to probe. */
void		 dlp_dict_build_pf(struct dlp_engine *e);

/* --- dlp_lint.c ----------------------------------------------------------- */
/* dlp_lint_regex(pat, off): a backtracking trap in ${pat} (a message, its
 * byte offset in *${off}) or NULL.  Lint warns; the engine's work budget
 * (dlp.h DLP_RX_BUDGET) is what bounds the CPU. */
const char	*dlp_lint_regex(const char *pat, size_t *off);

/* --- dlp_validate.c ------------------------------------------------------ */
struct dlp_vctx {
	const struct dlp_det *d;
	const uint8_t	*s;		/* subject */
	size_t		 len;
	size_t		 ms, me;	/* whole match */
	size_t		 vs, ve;	/* the value (group 1, else the match) */
	char		 norm[DLP_NORM_MAX]; /* out: normalised value */
	size_t		 nlen;
	int		 conf;		/* out: override of d->conf, -1: none */
	int		 kw_conf;	/* out: override of d->kw_conf */
};

typedef int	(*dlp_vfn)(struct dlp_vctx *v);	/* 0 accept, -1 reject */

struct dlp_validator {
	const char	*name;
	dlp_vfn		 fn;
};

extern const struct dlp_validator dlp_validators[];
int		 dlp_validator_lookup(const char *name);

int		 dlp_elfproef(const char *d9);	/* weighted sum mod 11 */
int		 dlp_iban_ok(const char *iban, size_t n);
int		 dlp_luhn_ok(const char *d, size_t n);
double		 dlp_entropy(const char *s, size_t n);
int		 dlp_placeholder(const char *s, size_t n);
int		 dlp_github_crc_ok(const char *tok, size_t n);

/* --- dlp_struct.c: streaming structural detectors ---------------------- */
struct dlp_emit;
void		 dlp_code_feed(struct dlp_engine *e, struct dlp_stream *st,
		    const uint8_t *p, size_t n);
int		 dlp_code_decide(struct dlp_engine *e, struct dlp_stream *st,
		    struct dlp_finding *f);
void		 dlp_pem_begin(struct dlp_stream *st, int det, uint64_t start,
		    uint64_t body, const uint8_t *hdr, size_t hlen);
/* dlp_pem_feed(): 1 when a finding was completed into ${f}. */
int		 dlp_pem_feed(struct dlp_engine *e, struct dlp_stream *st,
		    const uint8_t *s, size_t len, uint64_t base, int final,
		    struct dlp_finding *f);

/* DLP_TRI(a, b, c): the dict_tri bit of a trigram. */
#define DLP_TRI(a, b, c) \
	((((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16) * \
	    0x9e3779b1u) >> 16)
#define DLP_QUAD(a, b, c, d) \
	((((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
	    (uint32_t)(d) << 24) * 0x9e3779b1u) >> 16)
#define DLP_BIT(set, k)	((set)[(k) >> 3] & (1u << ((k) & 7)))
#define DLP_Q4_HASH(w)	(((uint32_t)(w) * 0x9e3779b1u) >> 7)

/* --- the scan of one subject (dlp.c, dlp_emit.c, dlp_dict.c) ---------- */
#define MAX_PEND	32

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

static inline int
dlp_is_alnum(int c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* dlp_emit(): the confidence floor and dedupe, then the callback. */
void		 dlp_emit(struct dlp_engine *e, struct dlp_stream *st, int det,
		    struct dlp_finding *f, dlp_cb cb, void *arg);
/* dlp_evidence(): "<context>masked<context>" into f->evidence. */
void		 dlp_evidence(const struct scan *sc, struct dlp_finding *f,
		    size_t vs, size_t ve, const char *norm, size_t nlen);
/* dlp_dict_near(): special-category terms near [vs, ve), reported as
 * "TERM near CLASS". */
void		 dlp_dict_near(struct scan *sc, size_t vs, size_t ve,
		    enum dlp_class near);

/* --- dlp.c helpers used by dlp_struct.c ---------------------------------- */
void		 dlp_fingerprint(const struct dlp_engine *e, const void *v,
		    size_t n, uint8_t out[DLP_FP_LEN]);

#endif
