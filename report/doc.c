/*
 * doc.c - the report's content as a list of blocks (headings, paragraphs,
 * tables, the trend chart), built once from the model and drawn by the
 * PDF, HTML and CSV renderers alike, so the three carry the same numbers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vocab.h"
#include "report.h"

static struct blk *
add(struct doc *d, enum blk_type t)
{
	struct blk *b;

	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 32;
		void *p = realloc(d->b, (size_t)cap * sizeof(*d->b));

		if (p == NULL)
			return NULL;
		d->b = p;
		d->cap = cap;
	}
	b = &d->b[d->n++];
	memset(b, 0, sizeof(*b));
	b->type = t;
	return b;
}

static int
text(struct doc *d, enum blk_type t, const char *fmt, ...)
{
	struct blk *b = add(d, t);
	va_list ap;

	if (b == NULL)
		return -ENOMEM;
	va_start(ap, fmt);
	if (vasprintf(&b->text, fmt, ap) < 0)
		b->text = NULL;
	va_end(ap);
	return b->text ? 0 : -ENOMEM;
}

static struct blk *
table(struct doc *d, const char *csv, int ncol, ...)
{
	struct blk *b = add(d, BLK_TABLE);
	va_list ap;
	int i;

	if (b == NULL)
		return NULL;
	b->csv = csv;
	b->ncol = ncol;
	va_start(ap, ncol);
	for (i = 0; i < ncol; i++)
		b->hdr[i] = va_arg(ap, const char *);
	va_end(ap);
	return b;
}

/* row(b, fmt...): one string per column. */
static int
row(struct blk *b, ...)
{
	void *p;
	va_list ap;
	int i;

	if (b == NULL)
		return -ENOMEM;
	if ((p = realloc(b->cell, (size_t)(b->nrow + 1) * sizeof(*b->cell))) == NULL)
		return -ENOMEM;
	b->cell = p;
	va_start(ap, b);
	for (i = 0; i < b->ncol; i++)
		b->cell[b->nrow][i] = strdup(va_arg(ap, const char *));
	va_end(ap);
	b->nrow++;
	return 0;
}

/* An empty table is followed by "none", so it never looks cut off. */
static void
none_if_empty(const struct report *r, struct doc *d)
{
	if (d->n > 0 && d->b[d->n - 1].type == BLK_TABLE &&
	    d->b[d->n - 1].nrow == 0)
		text(d, BLK_P, "%s", T(r, "none"));
}

static void
kpi(struct blk *b, const char *label, uint64_t c, uint64_t p)
{
	char x[32], y[32], z[32];

	snprintf(x, sizeof(x), "%llu", (unsigned long long)c);
	snprintf(y, sizeof(y), "%llu", (unsigned long long)p);
	fmt_change(c, p, z, sizeof(z));
	row(b, label, x, y, z);
}

static void
pct(char *buf, size_t len, uint64_t a, uint64_t b)
{
	if (b == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", (double)a * 100.0 / (double)b);
}

static uint64_t
allflows(const struct sw_kpi *k)
{
	return k->flows[0] + k->flows[1] + k->flows[2] + k->flows[3];
}

static void
svc_table(const struct report *r, struct doc *d, const char *csv,
    const char *title, const int *idx, int n, const struct rp_svc *v)
{
	struct blk *b;
	char c[32], f[32], y[32];
	int i;

	text(d, BLK_H2, "%s", title);
	b = table(d, csv, 5, T(r, "service"), T(r, "verdict"), T(r, "nclients"),
	    T(r, "nflows"), T(r, "bytes_up"));
	if (b == NULL)
		return;
	b->num[2] = b->num[3] = b->num[4] = 1;
	for (i = 0; i < n; i++) {
		const struct rp_svc *s = idx ? &v[idx[i]] : &v[i];

		snprintf(c, sizeof(c), "%llu", (unsigned long long)s->clients);
		snprintf(f, sizeof(f), "%llu", (unsigned long long)s->flows);
		snprintf(y, sizeof(y), "%llu", (unsigned long long)s->bytes_up);
		row(b, s->name, verdict_label(r, s->verdict), c, f, y);
	}
	none_if_empty(r, d);
}

int
doc_build(const struct report *r, struct doc *d)
{
	const struct sw_kpi *c = &r->cur, *p = &r->prev;
	struct blk *b;
	char x[64], y[64], z[64], para[4096];
	int idx[10], n, i;
	static const char *vk[4] = { "flows_unreviewed", "flows_sanctioned",
	    "flows_tolerated", "flows_prohibited" };
	static const int vorder[4] = { VERDICT_PROHIBITED, VERDICT_TOLERATED,
	    VERDICT_SANCTIONED, VERDICT_UNREVIEWED };

	memset(d, 0, sizeof(*d));
	text(d, BLK_H1, "%s %s", T(r, "title"), r->week);
	text(d, BLK_P, "%s: %s. %s: %s.", T(r, "week"), r->week,
	    T(r, "sensors"), r->sensors);
	if (r->ndb > 1)
		text(d, BLK_P, T(r, "merged"), r->ndb);
	if (r->empty)
		text(d, BLK_P, "%s", T(r, "empty"));
	text(d, BLK_H2, "%s", T(r, "summary"));
	if ((b = table(d, "summary", 4, T(r, "kpi"), T(r, "this"),
	    T(r, "prev"), T(r, "change"))) == NULL)
		return -ENOMEM;
	b->num[1] = b->num[2] = b->num[3] = 1;
	kpi(b, T(r, "clients"), c->clients, p->clients);
	for (i = 0; i < 4; i++)
		kpi(b, T(r, vk[vorder[i]]), c->flows[vorder[i]],
		    p->flows[vorder[i]]);
	kpi(b, T(r, "flows_interest"), c->interest, p->interest);
	kpi(b, T(r, "lookups"), c->lookups, p->lookups);
	kpi(b, T(r, "uploads"), c->uploads, p->uploads);
	kpi(b, T(r, "dlp"), c->dlp, p->dlp);
	kpi(b, T(r, "bytes_up"), c->bytes_up, p->bytes_up);
	pct(x, sizeof(x), c->vis, allflows(c) + c->vis);
	pct(y, sizeof(y), p->vis, allflows(p) + p->vis);
	row(b, T(r, "blind"), x, y, "");
	pct(x, sizeof(x), c->stat_hours, (r->to - r->from) / 3600000000ULL *
	    (uint64_t)(r->ndb ? r->ndb : 1));
	/* The previous week's own length: 167 or 169 h across a DST change. */
	pct(y, sizeof(y), p->stat_hours, (r->from - week_add(r->from, -1)) /
	    3600000000ULL * (uint64_t)(r->ndb ? r->ndb : 1));
	row(b, T(r, "uptime"), x, y, "");
	pct(x, sizeof(x), c->drops, c->packets + c->drops);
	pct(y, sizeof(y), p->drops, p->packets + p->drops);
	row(b, T(r, "loss"), x, y, "");
	if (r->reid < 0)
		row(b, T(r, "reid"), T(r, "na"), "", "");
	else {
		snprintf(x, sizeof(x), "%ld", r->reid);
		row(b, T(r, "reid"), x, "", "");
	}
	if (c->epochs || p->epochs)
		text(d, BLK_P, "%s", T(r, "rotation"));

	text(d, BLK_H2, "%s", T(r, "dlp"));
	if ((b = table(d, "dlp", 2, T(r, "dlp_class"), T(r, "findings"))) == NULL)
		return -ENOMEM;
	b->num[1] = 1;
	for (i = 0; i < r->ndlp; i++) {
		snprintf(x, sizeof(x), "%llu", (unsigned long long)r->dlp[i].n);
		row(b, rp_dlp_label(r, r->dlp[i].a), x);
	}

	none_if_empty(r, d);
	text(d, BLK_H2, "%s", T(r, "meaning"));
	text_meaning(r, para, sizeof(para));
	text(d, BLK_P, "%s", para);

	n = model_rank(r, 0, 0, idx, 10);
	svc_table(r, d, "top_clients", T(r, "top_clients"), idx, n, r->svc);
	n = model_rank(r, 1, 0, idx, 10);
	svc_table(r, d, "top_bytes", T(r, "top_bytes"), idx, n, r->svc);
	svc_table(r, d, "first_seen", T(r, "first"), NULL, r->nfirst, r->first);

	text(d, BLK_H2, "%s", T(r, "trend"));
	add(d, BLK_CHART);
	if ((b = table(d, "trend", 6, T(r, "week"), T(r, "nclients"),
	    verdict_label(r, "prohibited"), verdict_label(r, "tolerated"),
	    verdict_label(r, "sanctioned"), verdict_label(r, "unreviewed"))) == NULL)
		return -ENOMEM;
	for (i = 1; i < 6; i++)
		b->num[i] = 1;
	for (i = 0; i < RP_TREND; i++) {
		const struct sw_kpi *k = &r->trend[i];
		char a[24], e[24], f[24], g[24];

		snprintf(x, sizeof(x), "%llu", (unsigned long long)k->clients);
		snprintf(a, sizeof(a), "%llu", (unsigned long long)k->flows[VERDICT_PROHIBITED]);
		snprintf(e, sizeof(e), "%llu", (unsigned long long)k->flows[VERDICT_TOLERATED]);
		snprintf(f, sizeof(f), "%llu", (unsigned long long)k->flows[VERDICT_SANCTIONED]);
		snprintf(g, sizeof(g), "%llu", (unsigned long long)k->flows[VERDICT_UNREVIEWED]);
		row(b, r->trend_week[i], x, a, e, f, g);
	}

	text(d, BLK_H2, "%s", T(r, "zones"));
	if ((b = table(d, "zones", 4, T(r, "zone"), T(r, "nclients"),
	    T(r, "nflows"), T(r, "bytes_up"))) == NULL)
		return -ENOMEM;
	b->num[1] = b->num[2] = b->num[3] = 1;
	for (i = 0; i < r->nzone; i++) {
		snprintf(x, sizeof(x), "%llu", (unsigned long long)r->zone[i].clients);
		snprintf(y, sizeof(y), "%llu", (unsigned long long)r->zone[i].flows);
		snprintf(z, sizeof(z), "%llu", (unsigned long long)r->zone[i].bytes_up);
		row(b, r->zone[i].name[0] ? r->zone[i].name : "-", x, y, z);
	}
	none_if_empty(r, d);

	text(d, BLK_H1, "%s", T(r, "policy"));
	text(d, BLK_H2, "%s", T(r, "versions"));
	if ((b = table(d, "policy_versions", 4, T(r, "date"), T(r, "version"),
	    T(r, "action"), T(r, "what"))) == NULL)
		return -ENOMEM;
	for (i = 0; i < r->npolicy; i++)
		row(b, r->policy[i].a, r->policy[i].b, r->policy[i].c,
		    r->policy[i].d);
	none_if_empty(r, d);
	text(d, BLK_H2, "%s", T(r, "expiring"));
	if ((b = table(d, "exceptions_expiring", 5, T(r, "id"), T(r, "service"),
	    T(r, "owner"), T(r, "reference"), T(r, "until"))) == NULL)
		return -ENOMEM;
	for (i = 0; i < r->nexpiring; i++)
		row(b, r->expiring[i].a, r->expiring[i].b, r->expiring[i].c,
		    r->expiring[i].d, r->expiring[i].e);
	none_if_empty(r, d);
	n = model_rank(r, 0, 1, idx, 10);
	svc_table(r, d, "unreviewed", T(r, "unreviewed"), idx, n, r->svc);

	text(d, BLK_H1, "%s", T(r, "appendix"));
	text(d, BLK_P, "%s", T(r, "method"));
	text(d, BLK_P, "%s", T(r, "limits"));
	text(d, BLK_P, "%s", T(r, "generated"));
	return 0;
}

void
doc_free(struct doc *d)
{
	int i, j, k;

	for (i = 0; i < d->n; i++) {
		free(d->b[i].text);
		for (j = 0; j < d->b[i].nrow; j++)
			for (k = 0; k < d->b[i].ncol; k++)
				free(d->b[i].cell[j][k]);
		free(d->b[i].cell);
	}
	free(d->b);
	memset(d, 0, sizeof(*d));
}
