/*
 * dlp_pcre.c - the only PCRE2 user: compile + JIT at load with match and
 * depth limits, and a no-allocation match wrapper for the scan path that
 * charges every call to a work budget (issue 15: PCRE2's match limit is
 * per call, and a detector is called at every prefilter hit).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/dlp_int.h"

#define RX_MATCH_LIMIT	100000	/* backtracking steps per match call */
/* A call first runs with this limit; one that needs more is run again
 * with RX_MATCH_LIMIT and charged both limits in full. */
#define RX_PROBE_LIMIT	2000
#define RX_DEPTH_LIMIT	1000
#define RX_JIT_STACK	(256 * 1024)
#define RX_OVEC		DLP_RE_OVEC

struct dlp_re {
	pcre2_code	*code;
	int		 jit;
};

struct dlp_rx {
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
	pcre2_jit_stack		*js;
	unsigned long		 errors;
	uint64_t		 left;	/* work units left (dlp_rx_budget) */
	uint32_t		 limit;	/* match limit now set in mc */
	uint8_t			 spent;	/* a call was refused: budget gone */
};

/*
 * The work of a call, deterministic (no clocks): a call that finishes
 * within RX_PROBE_LIMIT steps is charged its window length (the scan is
 * about linear there), one that needs more is charged RX_PROBE_LIMIT +
 * RX_MATCH_LIMIT, whatever it really used.  Backtracking traps such as
 * (a+)+$ hit the limits at every call and so spend the budget in a few
 * dozen calls.
 */
void
dlp_rx_budget(struct dlp_rx *rx, uint64_t units)
{
	rx->left = units;
	rx->spent = 0;
}

uint64_t
dlp_rx_left(const struct dlp_rx *rx)
{
	return rx->left;
}

int
dlp_rx_spent(const struct dlp_rx *rx)
{
	return rx->spent;
}

static void
set_limit(struct dlp_rx *rx, uint64_t lim)
{
	if (lim > RX_MATCH_LIMIT)
		lim = RX_MATCH_LIMIT;
	if (lim < 1)
		lim = 1;
	if (rx->limit != (uint32_t)lim) {
		pcre2_set_match_limit(rx->mc, (uint32_t)lim);
		rx->limit = (uint32_t)lim;
	}
}

static void
charge(struct dlp_rx *rx, uint64_t units)
{
	rx->left = units < rx->left ? rx->left - units : 0;
}

/*
 * dlp_re_compile(pat, flags, err, errlen, erroff):
 * DLP_RE_ANCHORED in ${flags} anchors at compile time (JIT cannot anchor
 * at match time).  Byte mode (no PCRE2_UTF): the input is arbitrary bytes, and matching
 * invalid UTF-8 with PCRE2_NO_UTF_CHECK would be undefined; patterns are
 * written byte-safe instead.  Returns NULL with a message on failure.
 */
struct dlp_re *
dlp_re_compile(const char *pat, int flags, char *err, size_t errlen,
    size_t *erroff)
{
	struct dlp_re *re;
	PCRE2_SIZE off = 0;
	int ec = 0;

	if ((re = calloc(1, sizeof(*re))) == NULL) {
		snprintf(err, errlen, "out of memory");
		*erroff = 0;
		return NULL;
	}
	re->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_DOLLAR_ENDONLY |
	    ((flags & DLP_RE_ANCHORED) ? PCRE2_ANCHORED : 0), &ec, &off, NULL);
	if (re->code == NULL) {
		pcre2_get_error_message(ec, (PCRE2_UCHAR *)err, errlen);
		*erroff = off;
		free(re);
		return NULL;
	}
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE |
	    ((flags & DLP_RE_PARTIAL) ? PCRE2_JIT_PARTIAL_HARD : 0)) == 0;
	return re;
}

void
dlp_re_free(struct dlp_re *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	free(re);
}

int
dlp_re_ncaptures(const struct dlp_re *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
	return (int)n;
}

struct dlp_rx *
dlp_rx_new(void)
{
	struct dlp_rx *rx;

	if ((rx = calloc(1, sizeof(*rx))) == NULL)
		return NULL;
	rx->md = pcre2_match_data_create(RX_OVEC, NULL);
	rx->mc = pcre2_match_context_create(NULL);
	rx->js = pcre2_jit_stack_create(32 * 1024, RX_JIT_STACK, NULL);
	if (rx->md == NULL || rx->mc == NULL || rx->js == NULL) {
		dlp_rx_free(rx);
		return NULL;
	}
	pcre2_set_match_limit(rx->mc, RX_MATCH_LIMIT);
	rx->limit = RX_MATCH_LIMIT;
	rx->left = UINT64_MAX;	/* load-time probes are not budgeted */
	pcre2_set_depth_limit(rx->mc, RX_DEPTH_LIMIT);
	pcre2_jit_stack_assign(rx->mc, NULL, rx->js);
	return rx;
}

void
dlp_rx_free(struct dlp_rx *rx)
{
	if (rx == NULL)
		return;
	pcre2_match_data_free(rx->md);
	pcre2_match_context_free(rx->mc);
	pcre2_jit_stack_free(rx->js);
	free(rx);
}

unsigned long
dlp_rx_errors(const struct dlp_rx *rx)
{
	return rx->errors;
}

/*
 * dlp_re_exec(re, rx, s, len, start, flags, ov, nov):
 * Match from ${start}; bytes before it are visible to look-behinds.  A
 * match-limit hit is "no match", counted in rx->errors.  Each call is
 * charged to the budget set by dlp_rx_budget(); with none left the call
 * is refused (-1, rx->spent set) without running.
 */
static int
run(const struct dlp_re *re, struct dlp_rx *rx, const uint8_t *s,
    size_t len, size_t start, uint32_t opt)
{
	if (re->jit)
		return pcre2_jit_match(re->code, s, len, start, opt, rx->md,
		    rx->mc);
	return pcre2_match(re->code, s, len, start, opt, rx->md, rx->mc);
}

int
dlp_re_exec(const struct dlp_re *re, struct dlp_rx *rx, const uint8_t *s,
    size_t len, size_t start, int flags, size_t *ov, int nov)
{
	uint32_t opt = 0;
	PCRE2_SIZE *v;
	int rc, i;

	if (rx->left == 0) {
		rx->spent = 1;
		return -1;
	}
	if (flags & DLP_RE_NOTEOL)
		opt |= PCRE2_NOTEOL;
	set_limit(rx, RX_PROBE_LIMIT < rx->left ? RX_PROBE_LIMIT : rx->left);
	rc = run(re, rx, s, len, start, opt);
	if (rc == PCRE2_ERROR_MATCHLIMIT) {
		charge(rx, RX_PROBE_LIMIT);
		if (rx->left == 0) {
			rx->spent = 1;
			return -1;
		}
		set_limit(rx, rx->left);
		rc = run(re, rx, s, len, start, opt);
		charge(rx, RX_MATCH_LIMIT);
		if (rc == PCRE2_ERROR_MATCHLIMIT && rx->left == 0)
			rx->spent = 1;
	} else
		charge(rx, len > start ? len - start : 1);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		rx->errors++;
		return -1;
	}
	v = pcre2_get_ovector_pointer(rx->md);
	if (nov > RX_OVEC)
		nov = RX_OVEC;
	for (i = 0; i < nov; i++) {
		if (i < rc) {
			ov[2 * i] = v[2 * i];
			ov[2 * i + 1] = v[2 * i + 1];
		} else
			ov[2 * i] = ov[2 * i + 1] = DLP_RE_UNSET;
	}
	return 1;
}

/*
 * dlp_re_probe(re, rx, s, len, start):
 * Can a match of ${re} start at ${start} of the ${len} bytes in ${s}, the
 * subject possibly continuing beyond them?  Hard-partial match of a
 * regex compiled with DLP_RE_ANCHORED | DLP_RE_PARTIAL (JIT when it
 * could be compiled); load time only.  1 yes (or an error such as the
 * match limit, which proves nothing), 0 no.
 */
int
dlp_re_probe(const struct dlp_re *re, struct dlp_rx *rx, const uint8_t *s,
    size_t len, size_t start)
{
	int rc;

	set_limit(rx, RX_MATCH_LIMIT);
	if (re->jit)	/* anchored at compile time, as JIT needs */
		rc = pcre2_jit_match(re->code, s, len, start,
		    PCRE2_PARTIAL_HARD, rx->md, rx->mc);
	else
		rc = pcre2_match(re->code, s, len, start, PCRE2_ANCHORED |
		    PCRE2_PARTIAL_HARD, rx->md, rx->mc);
	return rc == PCRE2_ERROR_NOMATCH ? 0 : 1;
}

/* dlp_re_maxlookbehind(re): longest look-behind in characters. */
int
dlp_re_maxlookbehind(const struct dlp_re *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re->code, PCRE2_INFO_MAXLOOKBEHIND, &n);
	return (int)n;
}

/*
 * The stream's regex work budget (dlp.h): DLP_RX_FLOW_BUDGET, or 8 units
 * per byte of its byte budget (${def} when the stream has none) when that
 * is larger: dense PII text costs about 3 units per byte.
 */
static uint64_t
rx_flow_budget(const struct dlp_stream *st, uint64_t def)
{
	uint64_t b = st->budget ? st->budget : def;

	if (b > (UINT32_MAX - 1) / 8)
		return UINT32_MAX - 1;
	return 8 * b > DLP_RX_FLOW_BUDGET ? 8 * b : DLP_RX_FLOW_BUDGET;
}

static uint64_t
rx_allowance(const struct dlp_stream *st, uint64_t def)
{
	uint64_t fb = rx_flow_budget(st, def);
	uint64_t left = st->rx_used < fb ? fb - st->rx_used : 0;

	return left < DLP_RX_PACKET_BUDGET ? left : DLP_RX_PACKET_BUDGET;
}

void
dlp_rx_begin(struct dlp_rx *rx, const struct dlp_stream *st, uint64_t def)
{
	dlp_rx_budget(rx, rx_allowance(st, def));
}

void
dlp_rx_end(struct dlp_rx *rx, struct dlp_stream *st, uint64_t def)
{
	uint64_t given = rx_allowance(st, def);

	st->rx_used += (uint32_t)(given - rx->left);
	if (rx->spent || st->rx_used >= rx_flow_budget(st, def))
		st->flags |= DLP_ST_RX_SPENT;
	dlp_rx_budget(rx, UINT64_MAX);
}
