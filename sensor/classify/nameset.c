/*
 * nameset.c - host-name sets matched on label boundaries (open-addressing
 * hash of lower-cased names, probed once per label of the looked-up name,
 * hashing right to left so every suffix hash costs one step) and CIDRs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify/catalog.h"
#include "common/hash.h"

#define FNV_OFF		0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

struct ns_ent {
	uint64_t	 hash;
	char		*name;		/* lower-cased, no trailing dot; NULL: free */
	uint32_t	 len;
	int		 val;
};

/* Names live in chunks freed together: one malloc per 64 KiB of names
 * instead of one per name (a 100k-service catalog has ~300k names). */
#define NS_CHUNK	65536

struct ns_chunk {
	struct ns_chunk	*next;
	size_t		 used, cap;
	char		 data[];
};

struct nameset {
	struct ns_ent	*tab;
	size_t		 mask;
	size_t		 n;
	struct ns_chunk	*chunks;
};

static inline unsigned char
lc(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static inline uint64_t
step(uint64_t h, unsigned char c)
{
	return (h ^ lc(c)) * FNV_PRIME;
}

struct nameset *
nameset_new(size_t cap)
{
	struct nameset *s;
	size_t sz = 16;

	while (sz < cap * 2)
		sz <<= 1;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->tab = calloc(sz, sizeof(*s->tab))) == NULL) {
		free(s);
		return NULL;
	}
	s->mask = sz - 1;
	return s;
}

void
nameset_free(struct nameset *s)
{
	struct ns_chunk *c;

	if (s == NULL)
		return;
	while ((c = s->chunks) != NULL) {
		s->chunks = c->next;
		free(c);
	}
	free(s->tab);
	free(s);
}

static char *
ns_alloc(struct nameset *s, size_t len)
{
	struct ns_chunk *c = s->chunks;

	if (c == NULL || c->cap - c->used < len) {
		size_t cap = len > NS_CHUNK ? len : NS_CHUNK;

		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->next = s->chunks;
		c->used = 0;
		c->cap = cap;
		s->chunks = c;
	}
	c->used += len;
	return c->data + c->used - len;
}

static size_t
trim_len(const char *name, size_t len)
{
	if (len == (size_t)-1)
		len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	return len;
}

static struct ns_ent *
probe(const struct nameset *s, uint64_t h, const char *name, size_t len)
{
	size_t i = (size_t)hash_mix64(h) & s->mask;

	for (;; i = (i + 1) & s->mask) {
		struct ns_ent *e = &s->tab[i];

		if (e->name == NULL)
			return e;
		if (e->hash == h && e->len == len &&
		    strncasecmp(e->name, name, len) == 0)
			return e;
	}
}

static int
grow(struct nameset *s)
{
	struct nameset big;
	size_t i;

	big.mask = s->mask * 2 + 1;
	big.n = s->n;
	if ((big.tab = calloc(big.mask + 1, sizeof(*big.tab))) == NULL)
		return -ENOMEM;
	for (i = 0; i <= s->mask; i++)
		if (s->tab[i].name != NULL)
			*probe(&big, s->tab[i].hash, s->tab[i].name,
			    s->tab[i].len) = s->tab[i];
	free(s->tab);
	s->tab = big.tab;
	s->mask = big.mask;
	return 0;
}

/*
 * nameset_add(s, name, val, val_out):
 * Insert ${name} (lower-cased copy, trailing dot dropped) with ${val}.
 * Returns 0, -EEXIST when present (*${val_out} = its value), -ENOMEM.
 */
int
nameset_add(struct nameset *s, const char *name, int val, int *val_out)
{
	size_t len = trim_len(name, (size_t)-1), i;
	uint64_t h = FNV_OFF;
	struct ns_ent *e;

	for (i = len; i > 0; i--)
		h = step(h, (unsigned char)name[i - 1]);
	e = probe(s, h, name, len);
	if (e->name != NULL) {
		if (val_out != NULL)
			*val_out = e->val;
		return -EEXIST;
	}
	if ((s->n + 1) * 2 > s->mask + 1) {
		if (grow(s) < 0)
			return -ENOMEM;
		e = probe(s, h, name, len);
	}
	if ((e->name = ns_alloc(s, len + 1)) == NULL)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		e->name[i] = (char)lc((unsigned char)name[i]);
	e->name[len] = '\0';
	e->hash = h;
	e->len = (uint32_t)len;
	e->val = val;
	s->n++;
	return 0;
}

/* Walk ${name} right to left; at each label start probe the suffix.  The
 * longest hit (leftmost start) wins.  ${proper}: skip the whole name. */
static int
find(const struct nameset *s, const char *name, size_t len, size_t *matched,
    int proper)
{
	uint64_t h = FNV_OFF;
	int val = -1;
	size_t i;

	len = trim_len(name, len);
	if (s == NULL || len == 0)
		return -1;
	for (i = len; i > 0; i--) {
		h = step(h, (unsigned char)name[i - 1]);
		if (i - 1 == 0 ? !proper : name[i - 2] == '.') {
			const struct ns_ent *e = probe(s, h, name + i - 1,
			    len - (i - 1));

			if (e->name != NULL) {
				val = e->val;
				if (matched != NULL)
					*matched = i - 1;
			}
		}
	}
	return val;
}

/*
 * nameset_find(s, name, len, matched):
 * Value of the longest entry equal to ${name} or a label-boundary suffix
 * of it, or -1.  No allocation; one probe per label.
 */
int
nameset_find(const struct nameset *s, const char *name, size_t len,
    size_t *matched)
{
	return find(s, name, len, matched, 0);
}

int
nameset_get(const struct nameset *s, const char *name)
{
	size_t len = trim_len(name, (size_t)-1), i;
	uint64_t h = FNV_OFF;
	const struct ns_ent *e;

	if (s == NULL)
		return -1;
	for (i = len; i > 0; i--)
		h = step(h, (unsigned char)name[i - 1]);
	e = probe(s, h, name, len);
	return e->name != NULL ? e->val : -1;
}

int
nameset_find_parent(const struct nameset *s, const char *name, size_t *matched)
{
	return find(s, name, (size_t)-1, matched, 1);
}

/*
 * parse_cidr(s, net, plen):
 * "a.b.c.d/n" or "x:y::/n" (a bare address is a host route) into the
 * 16-byte form (IPv4 as ::ffff:a.b.c.d, prefix + 96).  Host bits must be
 * zero.  Returns 0 or -EINVAL.
 */
int
parse_cidr(const char *s, uint8_t net[16], uint8_t *plen)
{
	char buf[64], *slash, *end;
	unsigned long p;
	int v6, i;
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	v6 = strchr(buf, ':') != NULL;
	p = v6 ? 128 : 32;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		p = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || p > (v6 ? 128UL : 32UL))
			return -EINVAL;
	}
	memset(net, 0, 16);
	if (v6) {
		if (inet_pton(AF_INET6, buf, net) != 1)
			return -EINVAL;
	} else {
		net[10] = net[11] = 0xff;
		if (inet_pton(AF_INET, buf, net + 12) != 1)
			return -EINVAL;
		p += 96;
	}
	*plen = (uint8_t)p;
	for (i = (int)p; i < 128; i++)
		if (net[i / 8] & (0x80 >> (i % 8)))
			return -EINVAL;
	return 0;
}

int
cidr_contains(const uint8_t net[16], uint8_t plen, const uint8_t addr[16])
{
	size_t full = plen / 8;
	uint8_t m;

	if (memcmp(net, addr, full) != 0)
		return 0;
	if (plen % 8 == 0)
		return 1;
	m = (uint8_t)(0xff << (8 - plen % 8));
	return (net[full] & m) == (addr[full] & m);
}
