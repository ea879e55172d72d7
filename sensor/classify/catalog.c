/* catalog.c - the catalog's vocabulary (categories, dates, ids) and its matchers:
 * names, HTTP requests, bodies and addresses against a loaded catalog. */
#include <errno.h>
#include <string.h>

#include "classify/catalog.h"
#include "common/vocab.h"

/* The names are lib/common/vocab's category table (one table). */
int
cat_category_bit(const char *name)
{
	return vocab_lookup(&vocab_category, name);
}

/*
 * cat_parse_date(s, days): YYYY-MM-DD -> days since 1970-01-01.
 * Returns 0 or -EINVAL.
 */
int
cat_parse_date(const char *s, int *days)
{
	int y, m, d, i;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -EINVAL;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -EINVAL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -EINVAL;
	if (days != NULL) {
		/* days since 1970-01-01 (civil-from-days inverse) */
		int yy = y - (m <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
		int yoe = yy - era * 400, mp = (m + 9) % 12;
		int doy = (153 * mp + 2) / 5 + d - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		*days = era * 146097 + doe - 719468;
	}
	return 0;
}

int
catalog_find_id(const struct catalog *c, const char *id)
{
	size_t i;

	if (c->ids != NULL)
		return nameset_get(c->ids, id);
	for (i = 0; i < c->nsvc; i++)
		if (strcmp(c->svc[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
catalog_match_name(const struct catalog *c, const char *name, int *kind)
{
	int v = nameset_find(c->names, name, (size_t)-1, NULL);

	if (v < 0)
		return -1;
	if (kind != NULL)
		*kind = v & 1;
	return v / 2;
}

static int
path_hit(const struct cat_service *s, const char *uri)
{
	size_t i;

	for (i = 0; i < s->npaths; i++)
		if (strncmp(uri, s->paths[i], strlen(s->paths[i])) == 0)
			return (int)i;
	return -1;
}

/* A path that identifies an API on its own: two or more segments
 * (/api/generate, /v1/chat/completions), not /info or /mcp. */
static int
path_specific(const char *p)
{
	int slashes = 0;

	for (; *p && *p != '?'; p++)
		if (*p == '/' && p[1] != '\0' && p[1] != '?')
			slashes++;
	return slashes >= 2;
}

/*
 * catalog_match_http(c, host, port, uri, conf):
 * See catalog.h.  Confidence: shared host + path 85, port + path 90,
 * specific path on another port 60.
 */
int
catalog_match_http(const struct catalog *c, const char *host, uint16_t port,
    const char *uri, int *conf)
{
	size_t i, j;
	int e, best = -1;

	if (host != NULL && host[0] &&
	    (e = nameset_find(c->shared, host, (size_t)-1, NULL)) >= 0) {
		for (; e >= 0; e = c->shared_ent[e].next)
			if (path_hit(&c->svc[c->shared_ent[e].svc], uri) >= 0) {
				*conf = 85;
				return c->shared_ent[e].svc;
			}
	}
	for (i = 0; i < c->nsvc; i++) {
		const struct cat_service *s = &c->svc[i];

		if (!s->self_hosted || s->npaths == 0 || path_hit(s, uri) < 0)
			continue;
		for (j = 0; j < s->nports; j++)
			if (s->ports[j] == port) {
				*conf = 90;
				return (int)i;
			}
		if (best < 0 && path_specific(uri))
			best = (int)i;
	}
	if (best >= 0)
		*conf = 60;
	return best;
}

/*
 * catalog_match_body(c, p, n):
 * First service whose marker occurs in the body.  Markers are stored
 * without whitespace and body whitespace is skipped while comparing, so
 * "method" : "tools/call" matches "method":"tools/call".
 */
int
catalog_match_body(const struct catalog *c, const uint8_t *p, size_t n)
{
	size_t i, k, pos, m;

	for (i = 0; i < c->nsvc; i++) {
		const struct cat_service *s = &c->svc[i];

		for (k = 0; k < s->nmarkers; k++) {
			const char *mk = s->markers[k];

			if (mk[0] == '\0')
				continue;
			for (pos = 0; pos < n; pos++) {
				size_t q = pos;

				for (m = 0; mk[m] != '\0' && q < n; q++) {
					if (p[q] == ' ' || p[q] == '\t' ||
					    p[q] == '\r' || p[q] == '\n') {
						if (m == 0)
							break;
						continue;
					}
					if ((char)p[q] != mk[m])
						break;
					m++;
				}
				if (mk[m] == '\0')
					return (int)i;
			}
		}
	}
	return -1;
}

int
catalog_match_ip(const struct catalog *c, const uint8_t *addr16)
{
	size_t i;

	for (i = 0; i < c->nranges; i++)
		if (cidr_contains(c->ranges[i].net, c->ranges[i].plen, addr16))
			return c->ranges[i].svc;
	return -1;
}
