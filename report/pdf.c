/*
 * pdf.c - the report as an A4 PDF drawn with cairo and pango: headings,
 * wrapped paragraphs, tables that break across pages with their header
 * repeated, the 8-week trend as a stacked bar chart, and on every page a
 * footer with the classification label and the page number.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "common/vocab.h"
#include "report.h"

#define PW	595.28
#define PH	841.89
#define M	50.0
#define BOT	(PH - 60.0)

struct pdf {
	const struct report *r;
	cairo_surface_t	*sf;
	cairo_t		*cr;
	double		 y;
	int		 page;
};

static double
draw(struct pdf *p, const char *text, const char *font, double x, double y,
    double w, int right, int doit)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int tw, th;

	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (right)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, text ? text : "", -1);
	pango_layout_get_pixel_size(l, &tw, &th);
	if (doit) {
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, l);
	}
	pango_font_description_free(fd);
	g_object_unref(l);
	return th;
}

static void
footer(struct pdf *p)
{
	char b[64];

	cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
	cairo_move_to(p->cr, M, PH - 45);
	cairo_line_to(p->cr, PW - M, PH - 45);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	draw(p, p->r->label, "DejaVu Sans Bold 8", M, PH - 40, 300, 0, 1);
	snprintf(b, sizeof(b), "%s %d · %s", T(p->r, "page"), p->page,
	    p->r->week);
	draw(p, b, "DejaVu Sans 8", PW - M - 200, PH - 40, 200, 1, 1);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void
newpage(struct pdf *p)
{
	if (p->page > 0) {
		footer(p);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = M;
}

static void
ensure(struct pdf *p, double h)
{
	if (p->y + h > BOT)
		newpage(p);
}

static void
para(struct pdf *p, const char *t, const char *font, double gap)
{
	double h = draw(p, t, font, M, 0, PW - 2 * M, 0, 0);

	ensure(p, h);
	draw(p, t, font, M, p->y, PW - 2 * M, 0, 1);
	p->y += h + gap;
}

static double
natural(struct pdf *p, const char *t, const char *font)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int tw, th;

	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, t ? t : "", -1);
	pango_layout_get_pixel_size(l, &tw, &th);
	pango_font_description_free(fd);
	g_object_unref(l);
	return tw;
}

/* Number columns as wide as their widest cell or header; text columns
 * share the rest. */
static void
widths(struct pdf *p, const struct blk *b, double *w)
{
	double rest = PW - 2 * M, t;
	int j, k, nt = 0;

	for (k = 0; k < b->ncol; k++) {
		if (!b->num[k]) {
			nt++;
			continue;
		}
		w[k] = natural(p, b->hdr[k], "DejaVu Sans Bold 8") + 10;
		for (j = 0; j < b->nrow; j++)
			if ((t = natural(p, b->cell[j][k], "DejaVu Sans 8") + 10) > w[k])
				w[k] = t;
		if (w[k] > 130)
			w[k] = 130;
		rest -= w[k];
	}
	for (k = 0; k < b->ncol; k++)
		if (!b->num[k])
			w[k] = rest / (nt ? nt : 1);
}

static double
rowh(struct pdf *p, const struct blk *b, const double *w, int j,
    const char *font)
{
	double h = 0, t;
	int k;

	for (k = 0; k < b->ncol; k++) {
		t = draw(p, j < 0 ? b->hdr[k] : b->cell[j][k], font, 0, 0,
		    w[k] - 6, 0, 0);
		if (t > h)
			h = t;
	}
	return h + 4;
}

static void
drawrow(struct pdf *p, const struct blk *b, const double *w, int j,
    const char *font, double h)
{
	double x = M;
	int k;

	if (j < 0) {
		cairo_set_source_rgb(p->cr, 0.91, 0.92, 0.97);
		cairo_rectangle(p->cr, M, p->y, PW - 2 * M, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	for (k = 0; k < b->ncol; k++) {
		draw(p, j < 0 ? b->hdr[k] : b->cell[j][k], font, x + 3,
		    p->y + 2, w[k] - 6, b->num[k], 1);
		x += w[k];
	}
	cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
	cairo_move_to(p->cr, M, p->y + h);
	cairo_line_to(p->cr, PW - M, p->y + h);
	cairo_set_line_width(p->cr, 0.4);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += h;
}

static void
table(struct pdf *p, const struct blk *b)
{
	double w[DOC_MAXCOL], hh, h;
	int j;

	widths(p, b, w);
	hh = rowh(p, b, w, -1, "DejaVu Sans Bold 8");
	ensure(p, hh + (b->nrow ? rowh(p, b, w, 0, "DejaVu Sans 8") : 0));
	drawrow(p, b, w, -1, "DejaVu Sans Bold 8", hh);
	for (j = 0; j < b->nrow; j++) {
		h = rowh(p, b, w, j, "DejaVu Sans 8");
		if (p->y + h > BOT) {
			newpage(p);
			drawrow(p, b, w, -1, "DejaVu Sans Bold 8", hh);
		}
		drawrow(p, b, w, j, "DejaVu Sans 8", h);
	}
	p->y += 10;
}

static const double rgb[4][3] = {
	{ 0.62, 0.62, 0.62 }, { 0.18, 0.49, 0.20 }, { 0.98, 0.66, 0.15 },
	{ 0.78, 0.16, 0.16 } };

static void
chart(struct pdf *p)
{
	const struct report *r = p->r;
	double H = 150, x0 = M + 30, bw, y, h, top;
	uint64_t max = 0, t;
	char b[32];
	int w, v;

	ensure(p, H + 50);
	top = p->y;
	for (w = 0; w < RP_TREND; w++) {
		t = r->trend[w].flows[0] + r->trend[w].flows[1] +
		    r->trend[w].flows[2] + r->trend[w].flows[3];
		if (t > max)
			max = t;
	}
	snprintf(b, sizeof(b), "%llu", (unsigned long long)max);
	draw(p, b, "DejaVu Sans 7", M - 10, top - 2, 38, 1, 1);
	draw(p, "0", "DejaVu Sans 7", M - 10, top + H - 8, 38, 1, 1);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, x0, top);
	cairo_line_to(p->cr, x0, top + H);
	cairo_line_to(p->cr, PW - M, top + H);
	cairo_stroke(p->cr);
	bw = (PW - M - x0) / RP_TREND;
	for (w = 0; w < RP_TREND; w++) {
		y = top + H;
		for (v = 3; v >= 0 && max > 0; v--) {
			h = (double)r->trend[w].flows[v] * (H - 4) / (double)max;
			y -= h;
			cairo_set_source_rgb(p->cr, rgb[v][0], rgb[v][1], rgb[v][2]);
			cairo_rectangle(p->cr, x0 + w * bw + 6, y, bw - 12, h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		draw(p, r->trend_week[w], "DejaVu Sans 7", x0 + w * bw,
		    top + H + 3, bw, 0, 1);
	}
	y = top + H + 18;
	for (v = 3; v >= 0; v--) {
		double lx = x0 + (3 - v) * 115;

		cairo_set_source_rgb(p->cr, rgb[v][0], rgb[v][1], rgb[v][2]);
		cairo_rectangle(p->cr, lx, y + 2, 8, 8);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		draw(p, verdict_label(r, vocab_name(&vocab_verdict, v)),
		    "DejaVu Sans 7", lx + 11, y, 100, 0, 1);
	}
	if (max == 0)
		draw(p, T(r, "empty"), "DejaVu Sans Oblique 8", x0 + 10,
		    top + H / 2, PW - M - x0 - 20, 0, 1);
	p->y = y + 22;
}

int
render_pdf(const struct report *r, const char *out)
{
	struct pdf p;
	struct doc d;
	cairo_status_t st;
	int i, rc = 0;

	memset(&p, 0, sizeof(p));
	p.r = r;
	if (doc_build(r, &d) != 0)
		return -ENOMEM;
	p.sf = cairo_pdf_surface_create(out, PW, PH);
	if (cairo_surface_status(p.sf) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "shadowtap-report: %s: cannot write\n", out);
		cairo_surface_destroy(p.sf);
		doc_free(&d);
		return -EIO;
	}
	cairo_pdf_surface_set_metadata(p.sf, CAIRO_PDF_METADATA_TITLE,
	    d.b[0].text);
	p.cr = cairo_create(p.sf);
	newpage(&p);
	for (i = 0; i < d.n; i++) {
		const struct blk *b = &d.b[i];

		switch (b->type) {
		case BLK_H1:
			if (i > 0)
				newpage(&p);
			para(&p, b->text, "DejaVu Sans Bold 14", 8);
			break;
		case BLK_H2:
			/* keep a heading with what follows it */
			ensure(&p, i + 1 < d.n && d.b[i + 1].type == BLK_CHART ?
			    260 : 60);
			para(&p, b->text, "DejaVu Sans Bold 11", 4);
			break;
		case BLK_P:
			para(&p, b->text, "DejaVu Sans 9", 8);
			break;
		case BLK_TABLE:
			table(&p, b);
			break;
		case BLK_CHART:
			chart(&p);
			break;
		}
	}
	footer(&p);
	cairo_show_page(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.sf);
	st = cairo_surface_status(p.sf);
	cairo_surface_destroy(p.sf);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "shadowtap-report: %s: %s\n", out,
		    cairo_status_to_string(st));
		rc = -EIO;
	}
	doc_free(&d);
	return rc;
}
