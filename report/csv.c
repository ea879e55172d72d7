/*
 * csv.c - the report's tables as CSV, one file per table in a directory
 * (RFC 4180 quoting; cells starting with = + - @ TAB CR get a leading
 * apostrophe so spreadsheets do not run them as formulas).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

static void
cell(FILE *f, const char *s, int num)
{
	if (s == NULL)
		s = "";
	fputc('"', f);
	if (!num && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r'))
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int
render_csv(const struct report *r, const char *dir)
{
	struct doc d;
	char path[4096];
	FILE *f;
	int i, j, k, rc = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "shadowtap-report: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	if (doc_build(r, &d) != 0)
		return -ENOMEM;
	for (i = 0; i < d.n && rc == 0; i++) {
		struct blk *b = &d.b[i];

		if (b->type != BLK_TABLE || b->csv == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s.csv", dir, b->csv);
		if ((f = fopen(path, "w")) == NULL) {
			fprintf(stderr, "shadowtap-report: %s: %s\n", path,
			    strerror(errno));
			rc = -errno;
			break;
		}
		for (k = 0; k < b->ncol; k++) {
			if (k)
				fputc(',', f);
			cell(f, b->hdr[k], 0);
		}
		fputs("\r\n", f);
		for (j = 0; j < b->nrow; j++) {
			for (k = 0; k < b->ncol; k++) {
				if (k)
					fputc(',', f);
				/* "+12%" change cells are numbers, not formulas */
				cell(f, b->cell[j][k], b->num[k]);
			}
			fputs("\r\n", f);
		}
		if (fclose(f) != 0)
			rc = -EIO;
	}
	doc_free(&d);
	return rc;
}
