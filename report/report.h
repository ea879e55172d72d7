/*
 * report.h - the weekly CISO report's model (filled from one or more
 * sensor databases by model.c) and the renderers (pdf.c, html.c, csv.c),
 * the strings (text.c), ISO weeks (week.c) and the privacy statement
 * (privacy.c).  Everything in the model is pseudonymous.
 */
#ifndef RP_REPORT_H
#define RP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "store/store_week.h"

#define RP_MAXDB	16
#define RP_MAXSVC	512
#define RP_TREND	8

struct rp_svc {
	char		 service[64], name[128], verdict[16];
	uint64_t	 clients, flows, bytes_up;
};

struct rp_row {
	char		 a[128], b[128], c[128], d[128], e[64];
	uint64_t	 n;
};

struct report {
	const char	*lang, *label;
	char		 week[16], prev_week[16];
	uint64_t	 from, to;		/* µs, local Monday 00:00 */
	int		 ndb;
	char		 sensors[256];
	struct sw_kpi	 cur, prev;
	struct sw_kpi	 trend[RP_TREND];	/* oldest first; last = cur */
	char		 trend_week[RP_TREND][16];
	struct rp_svc	 svc[RP_MAXSVC];	/* merged, this week */
	int		 nsvc;
	struct rp_svc	 first[64];
	int		 nfirst;
	struct rp_svc	 zone[64];
	int		 nzone;
	struct rp_row	 dlp[32];
	int		 ndlp;
	struct rp_row	 policy[64];
	int		 npolicy;
	struct rp_row	 expiring[64];
	int		 nexpiring;
	long		 reid;			/* < 0: not available */
	int		 empty;
};

/* week.c */
int	week_parse(const char *s, uint64_t *from);	/* "2026-W47" */
void	week_name(uint64_t from, char *buf, size_t len);
uint64_t week_last_complete(uint64_t now_us);
uint64_t week_add(uint64_t from, int weeks);		/* local, DST-safe */
void	rp_date(uint64_t us, char *buf, size_t len);	/* YYYY-MM-DD local */

/* model.c */
int	model_load(struct report *r, char **dbs, int ndb, const char *audit);
/* rank: sort svc by clients (0) or bytes (1); returns indexes in idx */
int	model_rank(const struct report *r, int by_bytes, int only_unrev,
	    int *idx, int max);

/* text.c */
const char *T(const struct report *r, const char *key);
int	text_meaning(const struct report *r, char *buf, size_t len);
void	fmt_num(uint64_t n, const char *lang, char *buf, size_t len);
void	fmt_change(uint64_t cur, uint64_t prev, char *buf, size_t len);
void	fmt_bytes(uint64_t n, char *buf, size_t len);
const char *verdict_label(const struct report *r, const char *v);
const char *rp_dlp_label(const struct report *r, const char *v);

/* renderers: 0 or -errno */
int	render_pdf(const struct report *r, const char *out);
int	render_html(const struct report *r, FILE *f);
int	render_csv(const struct report *r, const char *dir);

/* privacy.c */
int	privacy_statement(const char *config, const char *lang, FILE *out);

/* doc.c: the report as blocks, shared by every renderer. */
#define DOC_MAXCOL	6
enum blk_type { BLK_H1, BLK_H2, BLK_P, BLK_TABLE, BLK_CHART };
struct blk {
	enum blk_type	 type;
	const char	*csv;			/* table: CSV file stem */
	char		*text;			/* heading / paragraph */
	int		 ncol, nrow;
	const char	*hdr[DOC_MAXCOL];
	char		*(*cell)[DOC_MAXCOL];	/* nrow rows */
	int		 num[DOC_MAXCOL];	/* right-aligned numbers */
};
struct doc {
	struct blk	*b;
	int		 n, cap;
};
int	doc_build(const struct report *r, struct doc *d);
void	doc_free(struct doc *d);
#endif
