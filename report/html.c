/*
 * html.c - the report as one self-contained HTML file: inline CSS, the
 * trend chart as inline SVG, no script, every string escaped.
 */
#include <stdio.h>
#include <string.h>

#include "common/vocab.h"
#include "report.h"

static void
esc(FILE *f, const char *s)
{
	for (; s != NULL && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

static const char *const colour[4] = { "#9e9e9e", "#2e7d32", "#f9a825",
    "#c62828" };	/* by verdict index: unreviewed sanctioned tolerated prohibited */

static void
svg_chart(const struct report *r, FILE *f)
{
	uint64_t max = 1, t;
	int w, v, W = 640, H = 220, bw = 56;
	double y;

	for (w = 0; w < RP_TREND; w++) {
		t = r->trend[w].flows[0] + r->trend[w].flows[1] +
		    r->trend[w].flows[2] + r->trend[w].flows[3];
		if (t > max)
			max = t;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" role=\"img\">\n", W, H + 40);
	fprintf(f, "<line x1=\"40\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
	    H, W, H);
	for (w = 0; w < RP_TREND; w++) {
		y = H;
		for (v = 3; v >= 0; v--) {
			double h = (double)r->trend[w].flows[v] * (H - 20) /
			    (double)max;

			y -= h;
			fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height="
			    "\"%.1f\" fill=\"%s\"/>\n", 50 + w * 74, y, bw, h,
			    colour[v]);
		}
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor="
		    "\"middle\">", 50 + w * 74 + bw / 2, H + 16);
		esc(f, r->trend_week[w]);
		fputs("</text>\n", f);
	}
	for (v = 3; v >= 0; v--) {
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		    "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">",
		    50 + (3 - v) * 150, H + 26, colour[v], 64 + (3 - v) * 150,
		    H + 35);
		esc(f, verdict_label(r, vocab_name(&vocab_verdict, v)));
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}

int
render_html(const struct report *r, FILE *f)
{
	struct doc d;
	int i, j, k;

	if (doc_build(r, &d) != 0)
		return -1;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset="
	    "\"utf-8\"><title>", strcmp(r->lang, "en") == 0 ? "en" : "nl");
	esc(f, d.b[0].text);
	fputs("</title>\n<style>body{font-family:'DejaVu Sans',sans-serif;"
	    "max-width:60em;margin:2em auto;color:#222}h1{border-bottom:2px "
	    "solid #234;padding-bottom:.2em}table{border-collapse:collapse;"
	    "margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.2em .6em;"
	    "text-align:left}td.n{text-align:right;font-variant-numeric:"
	    "tabular-nums}th{background:#eef}footer{margin-top:3em;color:#666;"
	    "border-top:1px solid #ccc}.label{font-weight:bold}</style>\n"
	    "</head><body>\n", f);
	if (r->label) {
		fputs("<p class=\"label\">", f);
		esc(f, r->label);
		fputs("</p>\n", f);
	}
	for (i = 0; i < d.n; i++) {
		struct blk *b = &d.b[i];

		switch (b->type) {
		case BLK_H1: fputs("<h1>", f); esc(f, b->text); fputs("</h1>\n", f); break;
		case BLK_H2: fputs("<h2>", f); esc(f, b->text); fputs("</h2>\n", f); break;
		case BLK_P: fputs("<p>", f); esc(f, b->text); fputs("</p>\n", f); break;
		case BLK_CHART: svg_chart(r, f); break;
		case BLK_TABLE:
			fputs("<table><tr>", f);
			for (k = 0; k < b->ncol; k++) {
				fputs("<th>", f);
				esc(f, b->hdr[k]);
				fputs("</th>", f);
			}
			fputs("</tr>\n", f);
			for (j = 0; j < b->nrow; j++) {
				fputs("<tr>", f);
				for (k = 0; k < b->ncol; k++) {
					fputs(b->num[k] ? "<td class=\"n\">" : "<td>", f);
					esc(f, b->cell[j][k]);
					fputs("</td>", f);
				}
				fputs("</tr>\n", f);
			}
			fputs("</table>\n", f);
			break;
		}
	}
	fputs("<footer>", f);
	if (r->label) {
		esc(f, r->label);
		fputs(" &middot; ", f);
	}
	esc(f, T(r, "generated"));
	fputs("</footer>\n</body></html>\n", f);
	doc_free(&d);
	return ferror(f) ? -1 : 0;
}
