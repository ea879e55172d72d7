/*
 * doctext.c - test and bench driver for the document extractor
 * (sensor/dlp/doc.h): reads a file, feeds it in pieces through
 * doc_feed() and prints one JSON object per line:
 *   {"member":"word/document.xml","type":"docx"}
 *   {"text":"..."}                   (the member's text, -x only)
 *   {"problem":"doc_encrypted","detail":"..."}
 *   {"finding":"bsn","detector":"NL-BSN","member":"...","confidence":85}
 *   {"stats":{...}}
 * Like the inspector, every member is its own detector stream, and a file
 * named or typed as source code sets the code hint.
 *
 *   doctext [-R rules.yaml] [-n name] [-t ctype] [-b] [-x] [-p piece]
 *           [-g] FILE
 * -b: FILE holds base64 text; -g: gzip body decoding on top (Content-
 * Encoding: gzip through body.c); -B N: benchmark, N passes, prints MB/s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dlp/body.h"
#include "dlp/dlp.h"
#include "dlp/doc.h"

static struct dlp_engine *eng;
static struct dlp_stream ds;
static int ds_open, xtext, code_name, quiet;
static char cur_member[DOC_MEMBER_NAME_MAX], cur_type[DOC_TYPE_MAX];
static struct doc_dec dd;
static uint64_t nfind;

static void
jstr(const char *k, const uint8_t *s, size_t n, int last)
{
	size_t i;

	printf("\"%s\":\"", k);
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			printf("\\%c", s[i]);
		else if (s[i] < 0x20)
			printf("\\u%04x", s[i]);
		else
			putchar(s[i]);
	}
	printf("\"%s", last ? "" : ",");
}

static void
on_finding(void *arg, const struct dlp_finding *f)
{
	(void)arg;
	nfind++;
	if (quiet)
		return;
	printf("{");
	jstr("finding", (const uint8_t *)f->class_name, strlen(f->class_name), 0);
	jstr("detector", (const uint8_t *)f->detector, strlen(f->detector), 0);
	jstr("member", (const uint8_t *)cur_member, strlen(cur_member), 0);
	jstr("type", (const uint8_t *)cur_type, strlen(cur_type), 0);
	printf("\"confidence\":%d}\n", f->confidence);
}

static void
ds_close(void)
{
	if (ds_open && eng != NULL)
		dlp_stream_end(eng, &ds, on_finding, NULL);
	ds_open = 0;
}

static void
cb_member(void *arg, const char *type, const char *member)
{
	(void)arg;
	ds_close();
	snprintf(cur_member, sizeof(cur_member), "%s", member);
	snprintf(cur_type, sizeof(cur_type), "%s", type);
	dlp_stream_init(&ds);
	dlp_stream_set_budget(&ds, 64u << 20);
	if (code_name || (member[0] && doc_is_code_name(member, NULL)))
		dlp_stream_set_code_hint(&ds);
	ds_open = 1;
	if (!quiet) {
		printf("{");
		jstr("member", (const uint8_t *)member, strlen(member), 0);
		jstr("type", (const uint8_t *)type, strlen(type), 1);
		printf("}\n");
	}
}

static void
cb_text(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	if (xtext && !quiet) {
		printf("{");
		jstr("text", p, n, 1);
		printf("}\n");
	}
	if (ds_open && eng != NULL)
		dlp_scan(eng, &ds, p, n, on_finding, NULL);
}

static void
cb_problem(void *arg, enum doc_problem pb, const char *detail)
{
	(void)arg;
	if (quiet)
		return;
	printf("{");
	jstr("problem", (const uint8_t *)doc_problem_name(pb),
	    strlen(doc_problem_name(pb)), 0);
	jstr("detail", (const uint8_t *)detail, strlen(detail), 1);
	printf("}\n");
}

static void
body_to_doc(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	doc_feed(&dd, p, n);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		if ((k = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += k;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void
run(const uint8_t *buf, size_t len, const char *name, const char *ctype,
    int flags, size_t piece, int gz, struct doc_stats *st)
{
	static uint8_t arena[64 * 1024], barena[64 * 1024];
	struct doc_cb cb = { cb_member, cb_text, cb_problem, NULL };
	struct body_dec bd;
	size_t i, k;

	doc_begin(&dd, name, ctype, flags, arena, sizeof(arena), &cb, st);
	if (gz)
		body_init(&bd, ctype, "gzip", barena, sizeof(barena),
		    body_to_doc, NULL);
	for (i = 0; i < len; i += k) {
		k = len - i < piece ? len - i : piece;
		if (gz)
			body_feed(&bd, buf + i, k);
		else
			doc_feed(&dd, buf + i, k);
	}
	if (gz)
		body_end(&bd);
	doc_end(&dd);
	ds_close();
}

int
main(int argc, char **argv)
{
	const char *rules = "rules/detectors.yaml", *name = NULL, *ctype = NULL;
	struct doc_stats st;
	struct dlp_opts o;
	size_t len, piece = 1460;
	uint8_t *buf;
	int c, flags = 0, gz = 0, bench = 0, k;

	while ((c = getopt(argc, argv, "R:n:t:bxp:gB:")) != -1) {
		switch (c) {
		case 'R': rules = optarg; break;
		case 'n': name = optarg; break;
		case 't': ctype = optarg; break;
		case 'b': flags |= DOC_F_BASE64; break;
		case 'x': xtext = 1; break;
		case 'p': piece = (size_t)strtoul(optarg, NULL, 10); break;
		case 'g': gz = 1; break;
		case 'B': bench = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: doctext [-R rules] [-n name] "
			    "[-t ctype] [-b] [-x] [-p piece] [-g] [-B n] FILE\n");
			return 2;
		}
	}
	if (optind >= argc || piece == 0)
		return 2;
	if ((buf = slurp(argv[optind], &len)) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	memset(&o, 0, sizeof(o));
	if (rules[0] != '\0' && dlp_engine_load(rules, &o, &eng) < 0) {
		fprintf(stderr, "doctext: cannot load %s\n", rules);
		return 1;
	}
	code_name = doc_is_code_name(name, ctype);
	memset(&st, 0, sizeof(st));
	if (bench > 0) {
		struct timespec t0, t1;
		double s;

		quiet = 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (k = 0; k < bench; k++)
			run(buf, len, name, ctype, flags, 65536, gz, &st);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		s = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		printf("%.1f %.1f %llu\n", (double)len * bench / 1e6 / s,
		    (double)st.inflated / 1e6 / s, (unsigned long long)nfind);
	} else {
		run(buf, len, name, ctype, flags, piece, gz, &st);
		printf("{\"stats\":{\"docs\":%llu,\"members\":%llu,"
		    "\"inflated\":%llu,\"doc_too_large\":%llu,"
		    "\"doc_encrypted\":%llu,\"doc_corrupt\":%llu,"
		    "\"doc_no_text\":%llu}}\n",
		    (unsigned long long)st.docs, (unsigned long long)st.members,
		    (unsigned long long)st.inflated,
		    (unsigned long long)st.problems[DOC_P_TOO_LARGE],
		    (unsigned long long)st.problems[DOC_P_ENCRYPTED],
		    (unsigned long long)st.problems[DOC_P_CORRUPT],
		    (unsigned long long)st.problems[DOC_P_NO_TEXT]);
	}
	dlp_engine_free(eng);
	free(buf);
	return 0;
}
