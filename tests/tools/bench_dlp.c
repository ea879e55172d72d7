/*
 * bench_dlp.c - DLP engine throughput on synthetic clean and PII-dense
 * text versus a naive baseline (every detector regex in turn, JIT).
 * Usage: bench_dlp [rules.yaml] [MB]; prints a markdown table.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dlp/dlp.h"
#include "common/ydoc.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static const char *const words[] = { "de", "het", "een", "en", "van", "in",
	"is", "dat", "op", "te", "voor", "met", "niet", "zijn", "aan", "er",
	"gemeente", "burger", "aanvraag", "besluit", "the", "of", "and", "to",
	"report", "policy", "meeting", "project", "budget", "planning", "team",
	"afdeling", "beleid", "uitvoering", "wij", "u", "graag", "vragen",
	"informatie", "over", "werk", "week", "maand", "jaar", "overleg",
	"document", "versie", "concept", "samenvatting", "advies", "model" };

static size_t
prose(char *o, size_t cap)
{
	size_t n = 0;
	int w = 0;

	while (n + 24 < cap) {
		const char *s = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		size_t l = strlen(s);

		memcpy(o + n, s, l);
		if (w == 0)
			o[n] = (char)(o[n] - 32);
		n += l;
		if (++w > 6 + (int)(rnd() % 10)) {
			n += (size_t)snprintf(o + n, cap - n, rnd() % 8 ? ". " :
			    " op %u mei 20%02u.\n", rnd() % 28 + 1, rnd() % 30);
			w = 0;
		} else
			o[n++] = ' ';
	}
	return n;
}

static void
bsn(char *d)
{
	int i, s;

	do {
		for (i = 0, s = 0; i < 8; i++) {
			d[i] = (char)('0' + (i < 4 ? 9 : rnd() % 10));
			s += (9 - i) * (d[i] - '0');
		}
		d[8] = (char)('0' + s % 11);
	} while (s % 11 == 10);
	d[9] = '\0';
}

static void
iban(char *o)
{
	char b[32], t[64];
	unsigned r = 0;
	int i;

	for (i = 0; i < 10; i++)
		b[i] = (char)('0' + rnd() % 10);
	b[10] = '\0';
	snprintf(t, sizeof(t), "29142830%s232100", b);	/* TEST + digits + NL00 */
	for (i = 0; t[i]; i++)
		r = (r * 10 + (unsigned)(t[i] - '0')) % 97;
	snprintf(o, 48, "NL%02uTEST%.10s", 98 - r, b);
}

static size_t
dense(char *o, size_t cap)
{
	static const char *const extra[] = { "Bel 06-12345678 of mail.",
	    "Order 123456789 verzonden.", "Factuur 20240131 betaald.",
	    "Zaak 2024-0012345 geopend.", "Totaal 1.234.567,89 euro.",
	    "kaart 4242 4242 4242 4242 geldig tot 12/29",
	    "TLP:AMBER gemarkeerd", "Stg. GEHEIM", "geheim overleg",
	    "api_key = \"8ViQXWKnTUk8mm9SyLnQ\"", "AKIAE2MNHIKXHF7KIWO5",
	    "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LTAwMDEiLCJpYXQiOjE3MDAwMDAwMDB9.aBbnI_okuhTwqoS1_R44dJi7g-VZ9CD85mn09v3qtqu ",
	    "diagnose depressie" };
	char tmp[512], v[48];
	size_t n = 0, k;

	while (n + 600 < cap) {
		k = prose(tmp, 200 + rnd() % 200);
		memcpy(o + n, tmp, k);
		n += k;
		switch (rnd() % 4) {
		case 0:
			bsn(v);
			n += (size_t)snprintf(o + n, cap - n, " BSN %s. ", v);
			break;
		case 1:
			iban(v);
			n += (size_t)snprintf(o + n, cap - n, " IBAN %s. ", v);
			break;
		default:
			n += (size_t)snprintf(o + n, cap - n, " %s ",
			    extra[rnd() % (sizeof(extra) / sizeof(extra[0]))]);
			break;
		}
	}
	return n;
}

/* CPU time of this (single-threaded) process: on a shared machine wall
 * time also counts the other jobs' turns on the core.  BENCH_WALL=1 for
 * wall time. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(getenv("BENCH_WALL") != NULL ? CLOCK_MONOTONIC :
	    CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long nfind;
static uint64_t fsum;		/* order-sensitive digest of the findings */

static void
fsum_add(const void *v, size_t n)
{
	const unsigned char *b = v;
	size_t i;

	for (i = 0; i < n; i++)
		fsum = (fsum ^ b[i]) * 0x100000001b3ull;
}

static void
count(void *arg, const struct dlp_finding *f)
{
	(void)arg;
	fsum_add(f->detector, strlen(f->detector));
	fsum_add(&f->offset, sizeof(f->offset));
	fsum_add(&f->length, sizeof(f->length));
	fsum_add(&f->confidence, sizeof(f->confidence));
	fsum_add(f->evidence, strlen(f->evidence));
	fsum_add(f->fp, sizeof(f->fp));
	nfind++;
}

static double
run_engine(struct dlp_engine *e, const char *t, size_t n)
{
	struct dlp_stream st;
	size_t i, c = 65536;
	double t0;

	dlp_stream_init(&st);
	dlp_stream_set_budget(&st, UINT64_MAX);
	t0 = now();
	for (i = 0; i < n; i += c)
		dlp_scan(e, &st, t + i, n - i < c ? n - i : c, count, NULL);
	dlp_stream_end(e, &st, count, NULL);
	return (double)n / 1e6 / (now() - t0);
}

static pcre2_code *pats[256];
static int npats;

static int
load_patterns(const char *path)
{
	struct ydoc y;
	yaml_node_t *dets;
	yaml_node_item_t *it;
	PCRE2_SIZE off;
	int ec;

	if (ydoc_load(&y, path, NULL) != 0)
		return -1;
	dets = ydoc_get(&y, ydoc_root(&y), "detectors");
	YDOC_SEQ_FOREACH(&y, dets, it) {
		const char *p = ydoc_str(&y, ydoc_get(&y, ydoc_node(&y, *it), "pattern"));

		if (p == NULL || npats == 256)
			continue;
		pats[npats] = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, 0,
		    &ec, &off, NULL);
		if (pats[npats] != NULL && pcre2_jit_compile(pats[npats],
		    PCRE2_JIT_COMPLETE) == 0)
			npats++;
	}
	ydoc_free(&y);
	return 0;
}

/* Every pattern over the whole text, all matches (no validation). */
static double
run_naive(const char *t, size_t n, unsigned long *matches)
{
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	double t0 = now();
	size_t start;
	int i;

	for (i = 0; i < npats; i++)
		for (start = 0; start < n &&
		    pcre2_jit_match(pats[i], (PCRE2_SPTR)t, n, start, 0, md, NULL) > 0;
		    start = ov[1] > ov[0] ? ov[1] : ov[0] + 1)
			(*matches)++;
	pcre2_match_data_free(md);
	return (double)n / 1e6 / (now() - t0);
}

int
main(int argc, char **argv)
{
	const char *rules = argc > 1 ? argv[1] : "rules/detectors.yaml";
	size_t mb = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100;
	size_t cap = mb * 1000 * 1000, nc, nd;
	struct dlp_engine *e;
	struct dlp_opts o;
	unsigned long fc, fd, mc = 0, md = 0;
	double ec, ed, bc, bd;
	char *clean, *pii;

	memset(&o, 0, sizeof(o));
	o.fp_key = (const uint8_t *)"bench-dlp fixed key, digest only";
	o.fp_keylen = 32;
	if (dlp_engine_load(rules, &o, &e) != 0 || load_patterns(rules) != 0)
		return 1;
	if ((clean = malloc(cap)) == NULL || (pii = malloc(cap)) == NULL)
		return 1;
	nc = prose(clean, cap);
	nd = dense(pii, cap);
	/* BENCH_DENSE_ONLY=1: skip the clean corpus (profiling the dense one) */
	ec = getenv("BENCH_DENSE_ONLY") != NULL ? 0 : run_engine(e, clean, nc);
	fc = nfind;
	nfind = 0;
	ed = run_engine(e, pii, nd);
	fd = nfind;
	if (getenv("BENCH_ENGINE_ONLY") != NULL) {
		printf("engine clean %.0f MB/s (%lu), dense %.0f MB/s (%lu), "
		    "digest %016llx\n", ec, fc, ed, fd, (unsigned long long)fsum);
		return 0;
	}
	bc = run_naive(clean, nc, &mc);
	bd = run_naive(pii, nd, &md);
	printf("| corpus | size | engine MB/s | findings | naive MB/s (%d regexes) | raw matches |\n",
	    npats);
	printf("|---|---|---|---|---|---|\n");
	printf("| clean prose | %zu MB | %.0f | %lu | %.1f | %lu |\n", nc / 1000000,
	    ec, fc, bc, mc);
	printf("| PII-dense | %zu MB | %.0f | %lu | %.1f | %lu |\n", nd / 1000000,
	    ed, fd, bd, md);
	dlp_engine_free(e);
	free(clean);
	free(pii);
	return 0;
}
