/*
 * catalog.h - the AI-service catalog (rules/catalog (every .yaml)) in compact,
 * read-only form, and its matchers: names on label boundaries (a hash of
 * lower-cased suffixes, O(labels), no allocation), self-hosted port+path,
 * shared host+path, request-body markers and vendor IP ranges.
 */
#ifndef ST_CATALOG_H
#define ST_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum residency { RES_UNKNOWN = 0, RES_YES, RES_NO, RES_OPTIONAL };

/* A set of names matched on label boundaries; each carries a value. */
struct nameset;

struct nameset	*nameset_new(size_t cap);
void		 nameset_free(struct nameset *s);
/* nameset_add(s, name, val): 0, -EEXIST (same name; *val_out holds the
 * existing value when non-NULL) or -ENOSPC. */
int		 nameset_add(struct nameset *s, const char *name, int val,
		    int *val_out);
/*
 * nameset_find(s, name, len, matched):
 * The value of the longest entry equal to ${name} or to one of its
 * label-boundary suffixes (case-insensitive; a trailing dot is ignored;
 * ${len} may be (size_t)-1 for a NUL-terminated name), or -1.  When
 * ${matched} is non-NULL it gets the offset in ${name} where the matched
 * suffix starts.
 */
int		 nameset_find(const struct nameset *s, const char *name,
		    size_t len, size_t *matched);
/* nameset_find_parent(s, name, matched): like nameset_find but only
 * proper suffixes of ${name} (not ${name} itself). */
int		 nameset_find_parent(const struct nameset *s, const char *name,
		    size_t *matched);
/* nameset_get(s, name): the value of the entry equal to ${name} (no suffix
 * matching), or -1.  O(length of name). */
int		 nameset_get(const struct nameset *s, const char *name);

struct cat_service {
	char		*id, *name, *vendor, *country, *category;
	char		*override_of;
	const char	*file;		/* for diagnostics; points into catalog.paths */
	int		 line;
	uint32_t	 cats;		/* bitmask of enum cat_category */
	uint8_t		 residency;	/* enum residency */
	uint8_t		 tenant_ambiguous;
	uint8_t		 contracted_candidate;
	uint8_t		 self_hosted;
	char		**paths;
	size_t		 npaths;
	char		**markers;	/* body markers, whitespace removed */
	size_t		 nmarkers;
	uint16_t	*ports;
	size_t		 nports;
	size_t		 ndomains;	/* domains + api_hosts (for summaries) */
};

#define CAT_KIND_DOMAIN	0
#define CAT_KIND_API	1

struct catalog {
	struct cat_service *svc;
	size_t		 nsvc;
	struct nameset	*ids;		/* value: svc index (catalog_find_id) */
	struct nameset	*names;		/* value: svc index * 2 + kind */
	struct nameset	*shared;	/* value: first index into shared_ent */
	struct cat_shared *shared_ent;
	size_t		 nshared;
	struct cat_range *ranges;
	size_t		 nranges;
	uint32_t	 nfiles;
	char		**paths;	/* the nfiles files read, as "dir/name" */
	struct cat_chunk *strs;		/* service strings (catalog_load.c) */
};

struct cat_chunk;

struct cat_shared {
	int		svc;
	int		next;		/* next service with the same host, -1 */
};

struct cat_range {
	uint8_t		net[16];	/* IPv4 as ::ffff:a.b.c.d */
	uint8_t		plen;		/* on the 128-bit form */
	int		svc;
};

/* Bit of a category name (vocab_category's index), -1 if unknown. */
int		 cat_category_bit(const char *name);

/*
 * catalog_load(dir, diag, hash, out, nerr):
 * Load every .yaml file in ${dir} (sorted by name) and check it: schema, unknown
 * keys, duplicate ids, names claimed twice or nested without override_of,
 * bad CIDRs.  Problems go to ${diag} as "file:line:col: error: ...".
 * ${hash} (a libsodium generichash state, may be NULL) absorbs every file's
 * bytes.  Returns 0 and *${out}, -EINVAL (errors; *${out} NULL), -errno.
 */
int		 catalog_load(const char *dir, FILE *diag, void *hash,
		    struct catalog **out, int *nerr);
void		 catalog_free(struct catalog *c);
int		 catalog_find_id(const struct catalog *c, const char *id);

/*
 * catalog_match_name(c, name, kind):
 * Service index for ${name} (domains and api_hosts on label boundaries),
 * or -1; *${kind} gets CAT_KIND_DOMAIN or CAT_KIND_API.
 */
int		 catalog_match_name(const struct catalog *c, const char *name,
		    int *kind);
/*
 * catalog_match_http(c, host, port, uri, conf):
 * Shared host + path, then self-hosted port + path, then a specific path
 * alone.  Returns a service index and *${conf} (confidence), or -1.
 */
int		 catalog_match_http(const struct catalog *c, const char *host,
		    uint16_t port, const char *uri, int *conf);
/* catalog_match_body(c, p, n): service whose body marker occurs in
 * ${p}[0..${n}) ignoring whitespace outside of it, or -1. */
int		 catalog_match_body(const struct catalog *c, const uint8_t *p,
		    size_t n);
/* catalog_match_ip(c, addr16): service owning the address, or -1. */
int		 catalog_match_ip(const struct catalog *c, const uint8_t *addr16);

int		 cat_parse_date(const char *s, int *days);
/* parse_cidr(s, net, plen): "a.b.c.d/n" or "x::/n" into 16-byte form. */
int		 parse_cidr(const char *s, uint8_t net[16], uint8_t *plen);
int		 cidr_contains(const uint8_t net[16], uint8_t plen,
		    const uint8_t addr[16]);

#endif
