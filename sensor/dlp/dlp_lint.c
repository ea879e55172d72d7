/*
 * dlp_lint.c - lint for detector patterns: the backtracking traps that
 * PCRE2 cannot bound per call (nested quantifiers, overlapping repeated
 * alternatives, adjacent wildcards).  Warnings only; the engine's regex
 * work budget (dlp_pcre.c) is what bounds the CPU.
 */
#include <stdint.h>
#include <string.h>

#include "dlp/dlp_int.h"

#define LINT_DEPTH	64

struct lint_grp {
	size_t		open;		/* offset of '(' */
	uint8_t		unbounded;	/* holds an unbounded quantifier */
	uint8_t		alts;		/* top-level alternatives so far */
	uint8_t		overlap;	/* two alternatives may start alike */
	uint8_t		wild;		/* an alternative starts with . or is empty */
	uint8_t		need_first;	/* next atom starts an alternative */
	uint8_t		first[32];	/* bitmap of first bytes seen */
};

/* Is ${q} (at the byte after an atom or group) an unbounded quantifier:
 * +, * or {n,}? */
static int
unbounded_at(const char *q)
{
	const char *c;

	if (*q == '+' || *q == '*')
		return 1;
	if (*q != '{')
		return 0;
	for (c = q + 1; *c >= '0' && *c <= '9'; c++)
		;
	return c > q + 1 && c[0] == ',' && c[1] == '}';
}

static void
lint_first(struct lint_grp *g, int c, int wild)
{
	if (!g->need_first)
		return;
	g->need_first = 0;
	if (wild) {
		if (g->wild || g->alts > 0)
			g->overlap = 1;
		g->wild = 1;
		return;
	}
	if (g->wild || (g->first[(uint8_t)c >> 3] & (1u << (c & 7))))
		g->overlap = 1;
	g->first[(uint8_t)c >> 3] |= (uint8_t)(1u << (c & 7));
}

/*
 * dlp_lint_regex(pat, off): the first backtracking trap in ${pat}, as a
 * message, with its byte offset in *${off}; NULL when none is seen.  A
 * syntactic check, not a proof: a repeated group that holds an unbounded
 * quantifier ((a+)+, (.*)*), a repeated alternation whose alternatives can
 * start with the same byte ((a|a)*, (a|ab)+, (|x)*), and two adjacent
 * unbounded wildcards (.*.*).  Escapes and [...] classes are skipped as
 * atoms (a class's bytes are not compared).
 */
const char *
dlp_lint_regex(const char *pat, size_t *off)
{
	struct lint_grp g[LINT_DEPTH];
	int depth = 0;
	const char *q;

	memset(&g[0], 0, sizeof(g[0]));
	g[0].need_first = 1;
	for (q = pat; *q != '\0'; q++) {
		size_t at = (size_t)(q - pat);

		if (*q == '\\' && q[1] != '\0') {
			lint_first(&g[depth], q[1] == 'd' || q[1] == 'w' ||
			    q[1] == 's' ? 256 + q[1] : (uint8_t)q[1], 0);
			q++;
		} else if (*q == '[') {
			lint_first(&g[depth], 0, 1);
			for (q++; *q != '\0' && *q != ']'; q++)
				if (*q == '\\' && q[1] != '\0')
					q++;
			if (*q == '\0')
				break;
		} else if (*q == '(') {
			if (depth >= LINT_DEPTH - 1)
				return NULL;
			lint_first(&g[depth], 0, 1);
			memset(&g[++depth], 0, sizeof(g[0]));
			g[depth].open = at;
			g[depth].need_first = 1;
			/* (?:  (?i)  (?<!  (?=  ... : skip the group's prefix */
			if (q[1] == '?') {
				q++;
				while (q[1] != '\0' && q[1] != ':' && q[1] != ')' &&
				    (q[1] == '<' || q[1] == '=' || q[1] == '!' ||
				    q[1] == '>' || (q[1] >= 'a' && q[1] <= 'z') ||
				    q[1] == '-' || q[1] == '^'))
					q++;
				if (q[1] == ':')
					q++;
			}
		} else if (*q == '|') {
			g[depth].alts++;
			if (g[depth].need_first)	/* empty alternative */
				lint_first(&g[depth], 0, 1);
			g[depth].need_first = 1;
		} else if (*q == ')' && depth > 0) {
			struct lint_grp *in = &g[depth--];

			if (in->need_first && in->alts > 0)	/* (x|) */
				lint_first(in, 0, 1);
			if (unbounded_at(q + 1)) {
				*off = in->open;
				if (in->unbounded)
					return "nested unbounded quantifier (like "
					    "(a+)+): catastrophic backtracking";
				if (in->alts > 0 && in->overlap)
					return "repeated alternatives that can "
					    "match alike (like (a|a)*): "
					    "catastrophic backtracking";
			}
			if (in->unbounded || unbounded_at(q + 1))
				g[depth].unbounded = 1;
		} else if (unbounded_at(q)) {
			g[depth].unbounded = 1;
			if (at >= 1 && pat[at - 1] == '.' &&
			    (at < 2 || pat[at - 2] != '\\') &&
			    q[1] == '.' && (q[2] == '*' || q[2] == '+')) {
				*off = at - 1;
				return "adjacent unbounded wildcards (like .*.*): "
				    "polynomial backtracking";
			}
		} else if (*q == '.') {
			lint_first(&g[depth], 0, 1);
		} else if (*q != '?' && *q != '{' && *q != '^' && *q != '$') {
			lint_first(&g[depth], (uint8_t)*q, 0);
		}
	}
	return NULL;
}
