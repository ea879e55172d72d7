/*
 * api.h - what the API files (api.c, api_alerts.c) share: the walk context
 * and the small helpers for ranges, sensor selection and JSON output.
 */
#ifndef DASH_API_H
#define DASH_API_H

#include <stdint.h>

#include "common/json.h"
#include "dash.h"

#define OUT_CAP		(4u << 20)

struct ctx {
	struct req	*r;
	struct jb	*j;
	int		 db;
};

void	js(struct jb *j, const char *key, const char *v);
void	range(struct req *r, uint64_t *from, uint64_t *to);
int	db_on(struct req *r, int i);
int	out(struct resp *p, struct jb *j, char *buf);
int	cached(struct req *r, struct resp *p, const char *view,
	    const char *one, int (*fn)(struct req *, struct resp *,
	    const char *));
void	cp(char *d, size_t n, const char *s);
int	api_alerts(struct req *r, struct resp *p);
int	api_alerts_csv(struct req *r, struct resp *p);
int	api_triage(struct req *r, struct resp *p);
int	api_services(struct req *r, struct resp *p, const char *one);
int	api_health(struct req *r, struct resp *p);
int	api_metrics(struct req *r, struct resp *p);
/* api_views.c: vocab, service drill-down, users, notes; 1 when handled. */
/* api_reid.c: re-identification and four-eyes requests; 1 when handled. */
int	api_reid_route(struct req *r, struct resp *p, const char *u);
int	api_views_route(struct req *r, struct resp *p, const char *u);

#endif
