/*
 * test_dlp_dict.c - the dictionary pass's exact prefix set (dlp_dict.c,
 * dlp_load_dict.c): the shipped dictionaries get it, it names the right
 * dictionaries, and the findings with it equal those of the hashed filter
 * alone on synthetic text full of terms, case variants, word boundaries
 * and split points (a differential check, both ways of the same engine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/dlp_int.h"
#include "test.h"

#define RULES	"rules/detectors.yaml"

static struct dlp_engine *E;
static char out[2][1 << 16];
static size_t on[2];
static int who;

static void
cb(void *arg, const struct dlp_finding *f)
{
	(void)arg;
	if (on[who] + 200 < sizeof(out[0]))
		on[who] += (size_t)snprintf(out[who] + on[who],
		    sizeof(out[0]) - on[who], "%s %llu %u %d %s\n", f->detector,
		    (unsigned long long)f->offset, f->length, f->confidence,
		    f->evidence);
}

static int
group_of(const char *id)
{
	int g;

	for (g = 0; g < E->ndict; g++)
		if (strcmp(E->det[E->dict_det[g]].id, id) == 0)
			return g;
	return -1;
}

static uint32_t
groups(const char *four)
{
	uint32_t w, h;

	memcpy(&w, four, sizeof(w));
	for (h = DLP_Q4_HASH(w) & E->dict_q4_mask; E->dict_q4[h].key != 0;
	    h = (h + 1) & E->dict_q4_mask)
		if (E->dict_q4[h].key == w)
			return E->dict_q4[h].groups;
	return 0;
}

TEST(test_prefix_set)
{
	int health = group_of("GDPR-HEALTH"), pol = group_of("GDPR-POLITICAL");
	int crim = group_of("GDPR-CRIMINAL");

	ASSERT(E->dict_pf);
	ASSERT(E->dict_q4 != NULL);
	ASSERT(health >= 0 && pol >= 0 && crim >= 0);
	ASSERT_EQ(groups("depr"), 1u << health);
	ASSERT_EQ(groups("DePr"), 1u << health);	/* (?i) */
	ASSERT_EQ(groups("hiv "), 1u << health);
	/* politieke ... and police report: both, and no other */
	ASSERT_EQ(groups("poli"), (1u << pol) | (1u << crim));
	ASSERT(groups("vers") & (1u << health));	/* verslaving */
	ASSERT(groups("vers") & (1u << crim) || groups("vero") & (1u << crim));
	ASSERT_EQ(groups("hivx"), 0u);		/* inside a longer word */
	ASSERT_EQ(groups("proj"), 0u);
	ASSERT_EQ(groups("the "), 0u);
}

static const char *const words[] = { "depressie", "Diagnose", "DIABETES",
	"ggz", "hiv", "HIV-", "politieke overtuiging", "political", "policy",
	"versie", "verslaving", "lgbtq+", "LHBTI", "burn-out", "burnout",
	"arbo-arts", "dna-profiel", "fnv-lid", "BSN 999964070",
	"IBAN NL66TEST7008139766", "x", "\xc3\xa9", "9", ".", " ", "\n",
	"pati\xc3\xabntdossier", "pati\xebntdossier", "joods", "kanker",
	"Cancer", "strafblad", "verklaring omtrent het gedrag",
	"lid van de partij", "lid van partij" };

TEST(test_same_findings)
{
	struct dlp_stream st;
	static char buf[4096];
	unsigned seed = 1;
	int it, k, same = 0, terms = 0;

	for (it = 0; it < 1000; it++) {
		size_t n = 0, cut;

		while (n < 2000) {
			const char *s;
			size_t l;

			seed = seed * 1103515245u + 12345u;
			s = words[(seed >> 8) % (sizeof(words) / sizeof(words[0]))];
			l = strlen(s);
			memcpy(buf + n, s, l);
			n += l;
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 9) % 3)
				buf[n++] = " .,-\nx9"[(seed >> 12) % 7];
		}
		seed = seed * 1103515245u + 12345u;
		cut = (seed >> 8) % n;
		for (k = 0; k < 2; k++) {
			struct dlp_q4 *q = E->dict_q4;

			who = k;
			on[k] = 0;
			if (k == 1)
				E->dict_q4 = NULL;	/* the hashed filter only */
			dlp_stream_init(&st);
			dlp_scan(E, &st, buf, cut, cb, NULL);
			dlp_scan(E, &st, buf + cut, n - cut, cb, NULL);
			dlp_stream_end(E, &st, cb, NULL);
			E->dict_q4 = q;
		}
		same += on[0] == on[1] && memcmp(out[0], out[1], on[0]) == 0;
		terms += strstr(out[0], " near ") != NULL;
	}
	ASSERT_EQ(same, 1000);
	ASSERT(terms > 900);	/* the texts do exercise the pass */
}

/*
 * More dictionaries than the 4-byte prefix set takes (15): every one must
 * still report, and the match's groups must fit (a 21st dictionary once
 * read past a 16-pair ovector).
 */
TEST(test_many_dictionaries)
{
	static const char path[] = "/tmp/test_dlp_dict_many.yaml";
	static const char text[] = "klant BSN 999964070 zyxwterm20 einde";
	struct dlp_engine *m = NULL;
	struct dlp_stream st;
	FILE *in, *f;
	char line[4096];
	int i;

	ASSERT((in = fopen(RULES, "r")) != NULL);
	ASSERT((f = fopen(path, "w")) != NULL);
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line, f);
	fclose(in);
	for (i = 0; i < 12 + 9; i++)
		if (i >= 9)
			fprintf(f, "  - id: TEST-DICT-%d\n    class: special_category\n"
			    "    kind: dictionary\n    pattern: '(?i)(?<![a-z0-9])"
			    "zyxwterm%d(?![a-z0-9])'\n    confidence: 75\n", i, i);
	fclose(f);
	ASSERT_EQ(dlp_engine_load(path, NULL, &m), 0);
	ASSERT(m->ndict == 21);
	ASSERT(m->dict_q4 == NULL);	/* over the prefix set's limit */
	who = 0;
	on[0] = 0;
	dlp_stream_init(&st);
	dlp_scan(m, &st, text, sizeof(text) - 1, cb, NULL);
	dlp_stream_end(m, &st, cb, NULL);
	ASSERT(strstr(out[0], "TEST-DICT-20 ") != NULL);
	ASSERT(strstr(out[0], "zyxwterm20 near") != NULL);
	ASSERT(strstr(out[0], "TEST-DICT-19 ") == NULL);
	dlp_engine_free(m);
	remove(path);
}

int
main(void)
{
	if (dlp_engine_load(RULES, NULL, &E) != 0) {
		fprintf(stderr, "cannot load %s (run from the repository root)\n",
		    RULES);
		return 1;
	}
	RUN(test_prefix_set);
	RUN(test_same_findings);
	RUN(test_many_dictionaries);
	dlp_engine_free(E);
	return TEST_END();
}
