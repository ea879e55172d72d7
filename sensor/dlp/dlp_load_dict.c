/*
 * dlp_load_dict.c - the dictionaries at load time: one combined
 * alternation (a capture group per dictionary), and the start filter of
 * dlp_dict.c probed from it (dlp_int.h: byte before, hashed 2-4 byte
 * prefixes, the exact 4-byte prefixes with the dictionaries accepting each).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/dlp_int.h"
#include "common/ydoc.h"

/* All dictionaries in one alternation, one capture group each, so one
 * pass finds every special-category term near personal data. */
int
dlp_dict_build(struct dlp_engine *e, struct ydoc *y)
{
	size_t cap = 16, n = 0, off;
	char *pat, msg[256];
	int i;

	for (i = 0; i < e->ndet; i++)
		if (e->det[i].kind == DLP_K_DICT)
			cap += strlen(e->det[i].pat) + 4;
	if (cap == 16)
		return 0;
	if ((pat = malloc(cap)) == NULL)
		return -1;
	for (i = 0; i < e->ndet; i++) {
		if (e->det[i].kind != DLP_K_DICT)
			continue;
		n += (size_t)snprintf(pat + n, cap - n, "%s(%s)",
		    e->ndict ? "|" : "", e->det[i].pat);
		e->dict_det[e->ndict++] = (uint16_t)i;
	}
	e->dict = dlp_re_compile(pat, 0, msg, sizeof(msg), &off);
	if (e->dict == NULL) {
		ydoc_err(y, NULL, "dictionaries do not combine at offset "
		    "%zu: %s", off, msg);
		free(pat);
	} else
		e->dict_pat = pat;	/* for the anchored copy */
	return e->dict == NULL ? -1 : 0;
}

/*
 * The start filter below probes the regex with nothing before a 2- or
 * 3-byte prefix, which over-approximates only when a look-behind can only
 * forbid (a leading negative one) and nothing else depends on the bytes
 * before the match or on the start offset.  Otherwise the filter stays off.
 */
static int
dict_pf_safe(const struct dlp_engine *e)
{
	static const char *const bad[] = { "(?<=", "\\b", "\\B", "\\G",
	    "\\K", "(?(", "(*", "(?C", "\\g", "\\k", "\\1", "\\2", NULL };
	const char *p, *lb;
	int i, k;

	if (e->dict == NULL || dlp_re_maxlookbehind(e->dict) > 1)
		return 0;
	for (i = 0; i < e->ndict; i++) {
		p = e->det[e->dict_det[i]].pat;
		for (k = 0; bad[k] != NULL; k++)
			if (strstr(p, bad[k]) != NULL)
				return 0;
		if (strncmp(p, "(?i)", 4) == 0)
			p += 4;
		if ((lb = strstr(p, "(?<")) != NULL && (lb != p ||
		    strstr(lb + 3, "(?<") != NULL))
			return 0;
	}
	return 1;
}

#define SETBIT(set, k)	((set)[(k) >> 3] |= (uint8_t)(1u << ((k) & 7)))

struct q4list {
	uint32_t	*v;
	size_t		 n, cap;
	int		 oom;
};

static void
q4_add(struct q4list *q, const uint8_t b[4])
{
	uint32_t *nv;

	if (q->oom)
		return;
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 1024;
		if ((nv = realloc(q->v, q->cap * sizeof(*nv))) == NULL) {
			q->oom = 1;
			return;
		}
		q->v = nv;
	}
	memcpy(&q->v[q->n++], b, sizeof(q->v[0]));	/* host order */
}

/*
 * The exact set of accepted 4-byte prefixes, for dict_next(): the hashed
 * dict_quad bits let wrong prefixes through to the anchored alternation,
 * which costs ~1,700 instructions a call as it tries every term in turn.
 * Each prefix also records which dictionaries accept it, so dict_exec()
 * runs only those (each anchored on its own) at a candidate.
 */
static void
build_dict_q4(struct dlp_engine *e, struct q4list *q)
{
	uint32_t size = 1024, h, gm;
	char msg[256];
	size_t i, off;
	uint8_t b[4];
	int g;

	if (q->oom || q->n > (1u << 20) || e->ndict > 15)	/* ovector */
		return;
	for (g = 0; g < e->ndict; g++)
		if ((e->dict_g[g] = dlp_re_compile(e->det[e->dict_det[g]].pat,
		    DLP_RE_ANCHORED | DLP_RE_PARTIAL, msg, sizeof(msg),
		    &off)) == NULL)
			goto err;
	while (size < 2 * q->n)
		size *= 2;
	if ((e->dict_q4 = calloc(size, sizeof(e->dict_q4[0]))) == NULL)
		goto err;
	e->dict_q4_mask = size - 1;
	for (i = 0; i < q->n; i++) {
		memcpy(b, &q->v[i], sizeof(b));
		for (g = 0, gm = 0; g < e->ndict; g++)
			if (dlp_re_probe(e->dict_g[g], e->rx, b, 4, 0))
				gm |= 1u << g;
		if (gm == 0)	/* the union accepts it: keep it whole */
			gm = (1u << e->ndict) - 1;
		if (q->v[i] == 0) {
			e->dict_q4_zero = gm;
			continue;
		}
		for (h = DLP_Q4_HASH(q->v[i]) & e->dict_q4_mask;
		    e->dict_q4[h].key != 0 && e->dict_q4[h].key != q->v[i];
		    h = (h + 1) & e->dict_q4_mask)
			;
		e->dict_q4[h].key = q->v[i];
		e->dict_q4[h].groups = gm;
	}
	return;
err:
	for (g = 0; g < e->ndict; g++) {
		dlp_re_free(e->dict_g[g]);
		e->dict_g[g] = NULL;
	}
}

/*
 * Fill the dictionary start filter (see dlp_int.h) by probing: first
 * bytes with nothing and with each byte before, then 2-, 3- and 4-byte
 * prefixes extending viable ones.  Load time only, a few tens of ms.
 */
void
dlp_dict_build_pf(struct dlp_engine *e)
{
	struct q4list q = { NULL, 0, 0, 0 };
	uint8_t b[4];
	unsigned a, x, c, d, t;
	char msg[256];
	size_t off;

	if (!dict_pf_safe(e))
		return;
	if ((e->dict_a = dlp_re_compile(e->dict_pat, DLP_RE_ANCHORED |
	    DLP_RE_PARTIAL, msg, sizeof(msg), &off)) == NULL)
		return;
	for (a = 0; a < 256; a++) {
		b[0] = (uint8_t)a;
		if (!dlp_re_probe(e->dict_a, e->rx, b, 1, 0))
			continue;
		SETBIT(e->dict_first, a);
		for (x = 0; x < 256; x++) {
			b[0] = (uint8_t)x;
			b[1] = (uint8_t)a;
			if (dlp_re_probe(e->dict_a, e->rx, b, 2, 1)) {
				SETBIT(e->dict_prev, x | a << 8);
				e->dict_before[x] = 1;
			}
		}
		for (c = 0; c < 256; c++) {
			b[0] = (uint8_t)a;
			b[1] = (uint8_t)c;
			if (!dlp_re_probe(e->dict_a, e->rx, b, 2, 0))
				continue;
			SETBIT(e->dict_bi, a | c << 8);
			for (x = 0; x < 256; x++) {
				b[2] = (uint8_t)x;
				if (!dlp_re_probe(e->dict_a, e->rx, b, 3, 0))
					continue;
				t = DLP_TRI(a, c, x);
				SETBIT(e->dict_tri, t);
				for (d = 0; d < 256; d++) {
					b[3] = (uint8_t)d;
					if (!dlp_re_probe(e->dict_a, e->rx, b, 4,
					    0))
						continue;
					t = DLP_QUAD(a, c, x, d);
					SETBIT(e->dict_quad, t);
					q4_add(&q, b);
				}
			}
		}
	}
	build_dict_q4(e, &q);
	free(q.v);
	e->dict_pf = 1;
}
