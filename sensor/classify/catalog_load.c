/* catalog_load.c - loads rules/catalog (every .yaml) via ydoc into struct catalog,
 * checks it (schema, ids, names claimed twice, CIDRs) and frees it. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "classify/catalog.h"
#include "common/vocab.h"
#include "common/ydoc.h"

#define CAT_MAX_FILES	64
#define CAT_FILE_MAX	(4 << 20)

/* A name met while loading, checked once all files are in.  The name is
 * copied into the loader's arena and the position kept, so each file's
 * YAML document is freed as soon as it is read (memory stays at one file's
 * tree, not every file's). */
struct pending {
	size_t		 off;		/* name, NUL-terminated, in L->arena */
	yaml_mark_t	 mark;		/* the name's position, for messages */
	int		 doc;
	int		 svc;
	int		 kind;
};

/* An ip_ranges item and where it was written. */
struct rpos {
	struct cat_range r;
	yaml_mark_t	 mark;
	int		 doc;
};

struct loader {
	struct ydoc	 docs[CAT_MAX_FILES];
	int		 ndocs;
	struct catalog	*c;
	struct pending	*pend;
	size_t		 npend, cappend;
	struct rpos	*rpos;		/* ip_ranges, checked at the end */
	size_t		 nrpos, caprpos;
	char		*arena;		/* pending names */
	size_t		 alen, acap;
	FILE		*diag;
};

static const char *const svc_keys[] = {
	"id", "name", "vendor", "vendor_country", "eu_data_residency",
	"categories", "domains", "api_hosts", "paths", "shared_hosts",
	"ip_ranges", "ports", "body_markers", "tenant_ambiguous",
	"contracted_candidate", "override_of", "source", "verified", "notes",
	NULL
};

static int
name_ok(const char *s)
{
	size_t n = strlen(s), i, lab = 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0;
}

/* Service strings live in chunks freed together (catalog_free): one
 * malloc per 64 KiB instead of eight per service. */
#define CAT_CHUNK	65536

struct cat_chunk {
	struct cat_chunk *next;
	size_t		 used, cap;
	char		 data[];
};

static char *
dupstr(struct catalog *c, const char *s)
{
	struct cat_chunk *k = c->strs;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if (k == NULL || k->cap - k->used < n) {
		size_t cap = n > CAT_CHUNK ? n : CAT_CHUNK;

		if ((k = malloc(sizeof(*k) + cap)) == NULL)
			return NULL;
		k->next = c->strs;
		k->used = 0;
		k->cap = cap;
		c->strs = k;
	}
	memcpy(k->data + k->used, s, n);
	k->used += n;
	return k->data + k->used - n;
}

/* Required scalar; reports when missing or not a scalar. */
static const char *
req_str(struct ydoc *d, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = ydoc_get(d, map, key);
	const char *s = ydoc_str(d, n);

	if (n == NULL)
		ydoc_err(d, map, "missing required key '%s'", key);
	else if (s == NULL)
		ydoc_err(d, n, "'%s' must be a scalar", key);
	return s;
}

/* Optional list of scalars; NULL when absent, reports when malformed. */
static yaml_node_t *
str_list(struct ydoc *d, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = ydoc_get(d, map, key);
	yaml_node_item_t *it;

	if (n == NULL)
		return NULL;
	if (n->type != YAML_SEQUENCE_NODE) {
		ydoc_err(d, n, "'%s' must be a list", key);
		return NULL;
	}
	YDOC_SEQ_FOREACH(d, n, it) {
		yaml_node_t *x = ydoc_node(d, *it);

		if (ydoc_str(d, x) == NULL) {
			ydoc_err(d, x, "items of '%s' must be scalars", key);
			return NULL;
		}
	}
	return n;
}

static size_t
seq_len(const yaml_node_t *n)
{
	return n ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) : 0;
}

static char **
copy_list(struct catalog *c, struct ydoc *d, yaml_node_t *seq, size_t *n,
    int strip_ws)
{
	yaml_node_item_t *it;
	char **v;
	size_t i = 0;

	*n = 0;
	if (seq == NULL || seq_len(seq) == 0)
		return NULL;
	if ((v = calloc(seq_len(seq), sizeof(*v))) == NULL)
		return NULL;
	YDOC_SEQ_FOREACH(d, seq, it) {
		const char *s = ydoc_str(d, ydoc_node(d, *it));
		char *o, *w;

		if ((o = dupstr(c, s)) == NULL)
			break;
		if (strip_ws) {
			for (w = o; *s; s++)
				if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
					*w++ = *s;
			*w = '\0';
		}
		v[i++] = o;
	}
	*n = i;
	return v;
}

static int
add_pending(struct loader *L, const char *name, const yaml_node_t *node,
    int svc, int kind)
{
	size_t len;

	if (L->npend == L->cappend) {
		size_t nc = L->cappend ? L->cappend * 2 : 1024;
		struct pending *p = realloc(L->pend, nc * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		L->pend = p;
		L->cappend = nc;
	}
	len = strlen(name) + 1;
	if (L->alen + len > L->acap) {
		size_t nc = L->acap ? L->acap * 2 : 65536;
		char *a;

		while (nc < L->alen + len)
			nc *= 2;
		if ((a = realloc(L->arena, nc)) == NULL)
			return -ENOMEM;
		L->arena = a;
		L->acap = nc;
	}
	memcpy(L->arena + L->alen, name, len);
	L->pend[L->npend++] = (struct pending){ L->alen, node->start_mark,
	    L->ndocs - 1, svc, kind };
	L->alen += len;
	return 0;
}

/* A node standing for a remembered position (the document may be freed). */
static const yaml_node_t *
pend_at(const struct pending *p, yaml_node_t *at)
{
	memset(at, 0, sizeof(*at));
	at->start_mark = p->mark;
	return at;
}
static int
load_names(struct loader *L, struct ydoc *d, yaml_node_t *map, int si,
    const char *key, int kind)
{
	yaml_node_t *seq = str_list(d, map, key);
	yaml_node_item_t *it;

	if (seq == NULL)
		return 0;
	YDOC_SEQ_FOREACH(d, seq, it) {
		yaml_node_t *x = ydoc_node(d, *it);
		const char *s = ydoc_str(d, x);

		if (!name_ok(s)) {
			ydoc_err(d, x, "'%s' is not a lower-case host name", s);
			continue;
		}
		if (kind >= 0)
			L->c->svc[si].ndomains++;
		if (add_pending(L, s, x, si, kind) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void
load_ports(struct ydoc *d, yaml_node_t *map, struct cat_service *s)
{
	yaml_node_t *seq = str_list(d, map, "ports");
	yaml_node_item_t *it;
	long long v;

	if (seq == NULL || seq_len(seq) == 0)
		return;
	if ((s->ports = calloc(seq_len(seq), sizeof(*s->ports))) == NULL)
		return;
	YDOC_SEQ_FOREACH(d, seq, it)
		if (ydoc_int(d, ydoc_node(d, *it), 1, 65535, &v) == 0)
			s->ports[s->nports++] = (uint16_t)v;
}

static int
load_ranges(struct loader *L, struct ydoc *d, yaml_node_t *map, int si)
{
	static const char *const rkeys[] = { "cidr", "source", NULL };
	yaml_node_t *seq = ydoc_get(d, map, "ip_ranges");
	yaml_node_item_t *it;

	if (seq == NULL || ydoc_expect(d, seq, YAML_SEQUENCE_NODE, "'ip_ranges'") < 0)
		return 0;
	YDOC_SEQ_FOREACH(d, seq, it) {
		yaml_node_t *r = ydoc_node(d, *it), *cn;
		struct cat_range cr;
		const char *s;

		if (ydoc_expect(d, r, YAML_MAPPING_NODE, "an ip_ranges item") < 0)
			continue;
		ydoc_check_keys(d, r, rkeys, "ip_ranges item");
		req_str(d, r, "source");
		if ((s = req_str(d, r, "cidr")) == NULL)
			continue;
		cn = ydoc_get(d, r, "cidr");
		memset(&cr, 0, sizeof(cr));
		if (parse_cidr(s, cr.net, &cr.plen) < 0) {
			ydoc_err(d, cn, "bad CIDR '%s'", s);
			continue;
		}
		cr.svc = si;
		/* overlaps are checked once all files are in (check_ranges) */
		if (L->nrpos == L->caprpos) {
			size_t nc = L->caprpos ? L->caprpos * 2 : 64;
			struct rpos *np = realloc(L->rpos, nc * sizeof(*np));

			if (np == NULL)
				return -ENOMEM;
			L->rpos = np;
			L->caprpos = nc;
		}
		L->rpos[L->nrpos++] = (struct rpos){ cr, cn->start_mark,
		    L->ndocs - 1 };
	}
	return 0;
}

/* "a.b.c.d/n" or "x::/n" back from the 16-byte form. */
static void
range_str(const struct cat_range *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int v4 = r->plen >= 96 && memcmp(r->net,
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;

	if (inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? r->net + 12 : r->net, a,
	    sizeof(a)) == NULL)
		a[0] = '\0';
	snprintf(buf, len, "%s/%d", a, v4 ? r->plen - 96 : r->plen);
}

static int
rposcmp(const void *a, const void *b)
{
	const struct rpos *x = a, *y = b;
	int r = memcmp(x->r.net, y->r.net, 16);

	if (r != 0)
		return r;
	return (int)x->r.plen - (int)y->r.plen;
}

/*
 * Ranges may not overlap between services.  Sorted by (network, prefix
 * length), a range's enclosing ranges precede it and form a stack, so one
 * pass finds every range lying inside another service's: O(n log n)
 * instead of comparing every pair.
 */
static int
check_ranges(struct loader *L)
{
	struct catalog *c = L->c;
	size_t i, sp = 0, *stack;
	char txt[INET6_ADDRSTRLEN + 8];
	yaml_node_t at;

	if (L->nrpos == 0)
		return 0;
	qsort(L->rpos, L->nrpos, sizeof(*L->rpos), rposcmp);
	if ((stack = calloc(L->nrpos, sizeof(*stack))) == NULL ||
	    (c->ranges = calloc(L->nrpos, sizeof(*c->ranges))) == NULL) {
		free(stack);
		return -ENOMEM;
	}
	for (i = 0; i < L->nrpos; i++) {
		const struct rpos *p = &L->rpos[i], *o;

		while (sp > 0 && !cidr_contains(L->rpos[stack[sp - 1]].r.net,
		    L->rpos[stack[sp - 1]].r.plen, p->r.net))
			sp--;
		if (sp > 0 && (o = &L->rpos[stack[sp - 1]])->r.svc != p->r.svc) {
			range_str(&p->r, txt, sizeof(txt));
			memset(&at, 0, sizeof(at));
			at.start_mark = p->mark;
			ydoc_err(&L->docs[p->doc], &at, "CIDR '%s' overlaps a "
			    "range of service '%s'", txt, c->svc[o->r.svc].id);
		}
		stack[sp++] = i;
		c->ranges[c->nranges++] = p->r;
	}
	free(stack);
	return 0;
}

static void
load_meta(struct catalog *c, struct ydoc *d, yaml_node_t *map,
    struct cat_service *s)
{
	static const char *const res[] = { "unknown", "yes", "no", "optional", NULL };
	yaml_node_t *n, *seq;
	yaml_node_item_t *it;
	const char *v;
	int i, b;

	if ((v = req_str(d, map, "vendor_country")) != NULL &&
	    (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z'))
		ydoc_err(d, ydoc_get(d, map, "vendor_country"),
		    "vendor_country '%s' is not an ISO 3166 alpha-2 code", v);
	s->country = dupstr(c, v);
	if ((v = req_str(d, map, "eu_data_residency")) != NULL) {
		for (i = 0; res[i] != NULL && strcmp(res[i], v) != 0; i++)
			;
		if (res[i] == NULL)
			ydoc_err(d, ydoc_get(d, map, "eu_data_residency"),
			    "eu_data_residency must be yes, no, optional or unknown");
		else
			s->residency = (uint8_t)i;
	}
	seq = ydoc_get(d, map, "categories");
	if (seq == NULL)
		ydoc_err(d, map, "missing required key 'categories'");
	else if ((seq = str_list(d, map, "categories")) != NULL) {
		if (seq_len(seq) == 0)
			ydoc_err(d, seq, "'categories' must not be empty");
		YDOC_SEQ_FOREACH(d, seq, it) {
			n = ydoc_node(d, *it);
			v = ydoc_str(d, n);
			if ((b = cat_category_bit(v)) < 0) {
				ydoc_err(d, n, "unknown category '%s'", v);
				continue;
			}
			s->cats |= 1u << b;
			if (s->category == NULL)
				s->category = dupstr(c, v);
		}
	}
	s->self_hosted = (s->cats >> cat_category_bit("self-hosted")) & 1;
	if ((n = ydoc_get(d, map, "tenant_ambiguous")) != NULL &&
	    ydoc_bool(d, n, &i) == 0)
		s->tenant_ambiguous = (uint8_t)i;
	if ((n = ydoc_get(d, map, "contracted_candidate")) != NULL &&
	    ydoc_bool(d, n, &i) == 0)
		s->contracted_candidate = (uint8_t)i;
	if ((v = req_str(d, map, "verified")) != NULL && cat_parse_date(v, NULL) < 0)
		ydoc_err(d, ydoc_get(d, map, "verified"),
		    "bad date '%s' (want YYYY-MM-DD)", v);
	req_str(d, map, "source");
	if ((n = ydoc_get(d, map, "notes")) != NULL && ydoc_str(d, n) == NULL)
		ydoc_err(d, n, "'notes' must be a scalar");
}

static int
load_service(struct loader *L, struct ydoc *d, yaml_node_t *map)
{
	struct catalog *c = L->c;
	struct cat_service *s;
	const char *id, *v;
	size_t j;
	int si = (int)c->nsvc, dup, rc;

	if (ydoc_expect(d, map, YAML_MAPPING_NODE, "a service") < 0)
		return 0;
	ydoc_check_keys(d, map, svc_keys, "a service");
	if ((id = req_str(d, map, "id")) == NULL)
		return 0;
	for (j = 0; id[j]; j++)
		if (!((id[j] >= 'a' && id[j] <= 'z') || (id[j] >= '0' && id[j] <= '9') ||
		    id[j] == '-'))
			break;
	if (id[j] != '\0' || j == 0)
		ydoc_err(d, ydoc_get(d, map, "id"), "id '%s' must be [a-z0-9-]", id);
	/* hashed: a linear scan per service made large catalogs quadratic */
	if ((rc = nameset_add(c->ids, id, si, &dup)) == -EEXIST) {
		ydoc_err(d, ydoc_get(d, map, "id"), "duplicate id '%s' (first at %s:%d)",
		    id, c->svc[dup].file, c->svc[dup].line);
		return 0;
	}
	if (rc < 0)
		return rc;
	s = &c->svc[c->nsvc++];
	s->id = dupstr(c, id);
	s->file = d->path;	/* owned by c->paths */
	s->line = (int)map->start_mark.line + 1;
	s->name = dupstr(c, (v = req_str(d, map, "name")) ? v : id);
	s->vendor = dupstr(c, (v = req_str(d, map, "vendor")) ? v : "");
	s->override_of = dupstr(c, ydoc_str(d, ydoc_get(d, map, "override_of")));
	load_meta(c, d, map, s);
	if (s->category == NULL)
		s->category = dupstr(c, "chat");
	if (ydoc_get(d, map, "domains") == NULL)
		ydoc_err(d, map, "missing required key 'domains' (use [] when none)");
	s->paths = copy_list(c, d, str_list(d, map, "paths"), &s->npaths, 0);
	for (j = 0; j < s->npaths; j++)
		if (s->paths[j][0] != '/')
			ydoc_err(d, ydoc_get(d, map, "paths"),
			    "path '%s' must start with '/'", s->paths[j]);
	s->markers = copy_list(c, d, str_list(d, map, "body_markers"), &s->nmarkers, 1);
	load_ports(d, map, s);
	if (s->nports > 0 && s->npaths == 0)
		ydoc_err(d, ydoc_get(d, map, "ports"),
		    "'ports' without 'paths': a port alone never counts");
	if (load_names(L, d, map, si, "domains", CAT_KIND_DOMAIN) < 0 ||
	    load_names(L, d, map, si, "api_hosts", CAT_KIND_API) < 0 ||
	    load_names(L, d, map, si, "shared_hosts", -1) < 0 ||
	    load_ranges(L, d, map, si) < 0)
		return -ENOMEM;
	if (ydoc_get(d, map, "shared_hosts") != NULL && s->npaths == 0)
		ydoc_err(d, ydoc_get(d, map, "shared_hosts"),
		    "'shared_hosts' need 'paths'");
	return 0;
}

static int
load_file(struct loader *L, const char *path, void *hash)
{
	static const char *const top[] = { "services", NULL };
	struct ydoc *d = &L->docs[L->ndocs];
	yaml_node_t *root, *seq;
	yaml_node_item_t *it;
	struct cat_service *ns;
	int rc;

	if (hash != NULL) {
		unsigned char buf[8192];
		size_t n, total = 0;
		FILE *f = ydoc_open_regular(path, &rc);

		if (f != NULL) {
			/* the name relative to the rules dir, not the path as
			 * spelled: policy_version is independent of it */
			const char *base = strrchr(path, '/');

			base = base != NULL ? base + 1 : path;
			crypto_generichash_update(hash,
			    (const unsigned char *)"catalog/", 8);
			crypto_generichash_update(hash,
			    (const unsigned char *)base, strlen(base) + 1);
			while (total < YDOC_MAX_FILE &&
			    (n = fread(buf, 1, sizeof(buf), f)) > 0) {
				crypto_generichash_update(hash, buf, n);
				total += n;
			}
			fclose(f);
		}
	}
	rc = ydoc_load(d, path, L->diag);
	L->ndocs++;
	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	if ((root = ydoc_root(d)) == NULL) {
		ydoc_err(d, NULL, "empty file");
		return 0;
	}
	if (ydoc_expect(d, root, YAML_MAPPING_NODE, "the top level") < 0)
		return 0;
	ydoc_check_keys(d, root, top, "the top level");
	if ((seq = ydoc_get(d, root, "services")) == NULL ||
	    ydoc_expect(d, seq, YAML_SEQUENCE_NODE, "'services'") < 0)
		return 0;
	ns = realloc(L->c->svc, (L->c->nsvc + seq_len(seq) + 1) * sizeof(*ns));
	if (ns == NULL)
		return -ENOMEM;
	L->c->svc = ns;
	memset(ns + L->c->nsvc, 0, (seq_len(seq) + 1) * sizeof(*ns));
	YDOC_SEQ_FOREACH(d, seq, it)
		if ((rc = load_service(L, d, ydoc_node(d, *it))) < 0)
			return rc;
	/* everything needed later was copied: free the tree now */
	ydoc_release(d);
	return 0;
}

static int
add_shared(struct catalog *c, const char *name, int svc)
{
	struct cat_shared *e = c->shared_ent;
	int first, rc, idx = (int)c->nshared;

	/* capacity doubles at each power of two (amortised O(1) appends) */
	if ((c->nshared & (c->nshared - 1)) == 0) {
		size_t cap = c->nshared ? c->nshared * 2 : 16;

		if ((e = realloc(c->shared_ent, cap * sizeof(*e))) == NULL)
			return -ENOMEM;
		c->shared_ent = e;
	}
	e[idx] = (struct cat_shared){ svc, -1 };
	c->nshared++;
	rc = nameset_add(c->shared, name, idx, &first);
	if (rc == -EEXIST) {
		while (e[first].next >= 0)
			first = e[first].next;
		e[first].next = idx;
		rc = 0;
	}
	return rc;
}

/* All names in: one name, one service; nesting needs override_of. */
static int
check_names(struct loader *L)
{
	struct catalog *c = L->c;
	yaml_node_t at;
	size_t i, off;
	int v, rc;

	/* sized once for every name: no rehashing while adding */
	nameset_free(c->names);
	if ((c->names = nameset_new(L->npend)) == NULL)
		return -ENOMEM;
	for (i = 0; i < L->npend; i++) {
		struct pending *p = &L->pend[i];
		const char *name = L->arena + p->off;

		if (p->kind < 0) {
			if (add_shared(c, name, p->svc) < 0)
				return -ENOMEM;
			continue;
		}
		rc = nameset_add(c->names, name, p->svc * 2 + p->kind, &v);
		if (rc == -ENOMEM)
			return rc;
		if (rc == -EEXIST && v / 2 != p->svc)
			ydoc_err(&L->docs[p->doc], pend_at(p, &at), "host '%s' "
			    "also claimed by service '%s' (%s:%d)", name,
			    c->svc[v / 2].id, c->svc[v / 2].file,
			    c->svc[v / 2].line);
	}
	for (i = 0; i < L->npend; i++) {
		struct pending *p = &L->pend[i];
		const char *name = L->arena + p->off;
		const struct cat_service *s = &c->svc[p->svc], *o;

		if (p->kind < 0 ||
		    (v = nameset_find_parent(c->names, name, &off)) < 0 ||
		    v / 2 == p->svc)
			continue;
		o = &c->svc[v / 2];
		if (s->override_of != NULL && strcmp(s->override_of, o->id) == 0)
			continue;
		/* A vendor's site is the fallback for its whole domain: the
		 * product hosts under it are more specific by design. */
		if (o->cats & (1u << CAT_VENDOR_SITE))
			continue;
		ydoc_err(&L->docs[p->doc], pend_at(p, &at), "host '%s' lies "
		    "under '%s' of service '%s'; set override_of: %s if this "
		    "is intended", name, name + off, o->id, o->id);
	}
	return 0;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of *.yaml in ${dir}; returns count or -errno. */
static int
list_yaml(const char *dir, char **names, int max)
{
	DIR *dp;
	struct dirent *de;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -errno;
	while ((de = readdir(dp)) != NULL && n < max) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0 &&
		    de->d_name[0] != '.')
			if ((names[n] = strdup(de->d_name)) != NULL)
				n++;
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof(*names), namecmp);
	return n;
}

static void
check_overrides(struct loader *L)
{
	struct catalog *c = L->c;
	size_t i;

	for (i = 0; i < c->nsvc; i++) {
		const struct cat_service *s = &c->svc[i];
		int j;

		if (s->override_of == NULL)
			continue;
		for (j = 0; j < L->ndocs; j++)
			if (strcmp(L->docs[j].path, s->file) == 0)
				break;
		if (catalog_find_id(c, s->override_of) < 0 && j < L->ndocs)
			ydoc_err(&L->docs[j], NULL, "service '%s' (line %d): "
			    "override_of names unknown service '%s'", s->id,
			    s->line, s->override_of);
	}
}

/*
 * catalog_load(dir, diag, hash, out, nerr):
 * See catalog.h.  *${nerr} gets the number of errors reported.
 */
int
catalog_load(const char *dir, FILE *diag, void *hash, struct catalog **out,
    int *nerr)
{
	struct loader *L;
	char *files[CAT_MAX_FILES], path[4096];
	int nf, i, rc = 0, errs = 0;

	*out = NULL;
	*nerr = 0;
	if ((nf = list_yaml(dir, files, CAT_MAX_FILES)) < 0) {
		fprintf(diag, "%s: error: cannot read catalog directory: %s\n",
		    dir, strerror(-nf));
		*nerr = 1;
		return nf;
	}
	if ((L = calloc(1, sizeof(*L))) == NULL)
		goto err0;
	L->diag = diag;
	if ((L->c = calloc(1, sizeof(*L->c))) == NULL ||
	    (L->c->ids = nameset_new(1024)) == NULL ||
	    (L->c->paths = calloc((size_t)nf + 1, sizeof(char *))) == NULL ||
	    (L->c->names = nameset_new(2048)) == NULL ||
	    (L->c->shared = nameset_new(64)) == NULL) {
		rc = -ENOMEM;
		goto err1;
	}
	for (i = 0; i < nf && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		/* ydoc keeps the path pointer: hand it the owned name. */
		free(files[i]);
		files[i] = NULL;
		if ((L->c->paths[i] = strdup(path)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		rc = load_file(L, L->c->paths[i], hash);
	}
	if (nf == 0) {
		fprintf(diag, "%s: error: no *.yaml files in the catalog\n", dir);
		errs++;
	}
	L->c->nfiles = (uint32_t)nf;
	if (rc == 0)
		rc = check_ranges(L);
	if (rc == 0)
		rc = check_names(L);
	if (rc == 0)
		check_overrides(L);
	for (i = 0; i < L->ndocs; i++) {
		errs += L->docs[i].nerr;
		ydoc_free(&L->docs[i]);
	}
	*nerr = errs;
	if (rc == 0 && errs > 0)
		rc = -EINVAL;
	if (rc == 0) {
		*out = L->c;
		L->c = NULL;
	}
err1:
	catalog_free(L->c);
	free(L->pend);
	free(L->arena);
	free(L->rpos);
	free(L);
	for (i = 0; i < nf; i++)
		free(files[i]);
	return rc;
err0:
	for (i = 0; i < nf; i++)
		free(files[i]);
	return -ENOMEM;
}

void
catalog_free(struct catalog *c)
{
	struct cat_chunk *k;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsvc; i++) {
		/* the strings are in c->strs */
		free(c->svc[i].paths);
		free(c->svc[i].markers);
		free(c->svc[i].ports);
	}
	while ((k = c->strs) != NULL) {
		c->strs = k->next;
		free(k);
	}
	free(c->svc);
	for (i = 0; c->paths != NULL && i < c->nfiles; i++)
		free(c->paths[i]);
	free(c->paths);
	nameset_free(c->ids);
	nameset_free(c->names);
	nameset_free(c->shared);
	free(c->shared_ent);
	free(c->ranges);
	free(c);
}
