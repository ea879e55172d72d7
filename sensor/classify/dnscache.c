/*
 * dnscache.c - DNS-answer correlation: a fixed array of entries used as a
 * ring (the oldest insert is overwritten when full) with a chained hash
 * index on (client, server address).  No allocation after dnscache_new.
 * Shared by several workers (dnscache_share): one mutex around each put and
 * get, taken on DNS answers and on hellos without a usable name, never per
 * packet; a get copies the name out under it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "classify/dnscache.h"
#include "common/str.h"

#define NIL	UINT32_MAX

struct dc_ent {
	uint8_t		cli[16], srv[16];
	uint64_t	expires_us;
	uint32_t	next;		/* hash chain */
	uint32_t	bucket;		/* NIL: unused */
	char		name[DNSC_NAME_MAX + 1];
};

struct dnscache {
	struct dc_ent	*ent;
	uint32_t	*head;
	uint32_t	 n, mask, ring;
	int		 shared;
	pthread_mutex_t	 mu;
	struct dnscache_stats st;
};

static void
lock(struct dnscache *c)
{
	if (c->shared)
		pthread_mutex_lock(&c->mu);
}

static void
unlock(struct dnscache *c)
{
	if (c->shared)
		pthread_mutex_unlock(&c->mu);
}

int
dnscache_share(struct dnscache *c)
{
	int rc;

	if (c->shared)
		return 0;
	if ((rc = pthread_mutex_init(&c->mu, NULL)) != 0)
		return -rc;
	c->shared = 1;
	return 0;
}

struct dnscache *
dnscache_new(uint32_t entries)
{
	struct dnscache *c;
	uint32_t nb = 16, i;

	if (entries < 16)
		entries = 16;
	while (nb < entries)
		nb <<= 1;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->ent = calloc(entries, sizeof(*c->ent));
	c->head = malloc(nb * sizeof(*c->head));
	if (c->ent == NULL || c->head == NULL) {
		dnscache_free(c);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		c->head[i] = NIL;
	for (i = 0; i < entries; i++)
		c->ent[i].bucket = NIL;
	c->n = entries;
	c->mask = nb - 1;
	return c;
}

void
dnscache_free(struct dnscache *c)
{
	if (c == NULL)
		return;
	if (c->shared)
		pthread_mutex_destroy(&c->mu);
	free(c->ent);
	free(c->head);
	free(c);
}

static uint32_t
bucket_of(const struct dnscache *c, const uint8_t *cli, const uint8_t *srv)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL, x;
	int i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&x, cli + i, 8);
		h = (h ^ x) * 0xff51afd7ed558ccdULL;
		memcpy(&x, srv + i, 8);
		h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 29;
	return (uint32_t)h & c->mask;
}

static struct dc_ent *
lookup(struct dnscache *c, uint32_t b, const uint8_t *cli, const uint8_t *srv)
{
	uint32_t i;

	for (i = c->head[b]; i != NIL; i = c->ent[i].next)
		if (memcmp(c->ent[i].srv, srv, 16) == 0 &&
		    memcmp(c->ent[i].cli, cli, 16) == 0)
			return &c->ent[i];
	return NULL;
}

static void
unlink_ent(struct dnscache *c, uint32_t idx)
{
	uint32_t *pp = &c->head[c->ent[idx].bucket];

	while (*pp != NIL && *pp != idx)
		pp = &c->ent[*pp].next;
	if (*pp == idx)
		*pp = c->ent[idx].next;
	c->ent[idx].bucket = NIL;
}

static void
put_locked(struct dnscache *c, const uint8_t *cli, const uint8_t *srv,
    const char *name, uint32_t ttl, uint64_t now_us)
{
	uint32_t b = bucket_of(c, cli, srv), idx;
	struct dc_ent *e;

	if (strlen(name) > DNSC_NAME_MAX)
		return;
	if (ttl < DNSC_TTL_MIN)
		ttl = DNSC_TTL_MIN;
	if (ttl > DNSC_TTL_MAX)
		ttl = DNSC_TTL_MAX;
	if ((e = lookup(c, b, cli, srv)) == NULL) {
		idx = c->ring;
		c->ring = (c->ring + 1) % c->n;
		e = &c->ent[idx];
		if (e->bucket != NIL) {
			if (e->expires_us > now_us)
				c->st.overwritten++;
			unlink_ent(c, idx);
		}
		memcpy(e->cli, cli, 16);
		memcpy(e->srv, srv, 16);
		e->bucket = b;
		e->next = c->head[b];
		c->head[b] = idx;
	}
	str_lcpy(e->name, name, sizeof(e->name));
	e->expires_us = now_us + (uint64_t)ttl * 1000000;
	c->st.inserted++;
}

void
dnscache_put(struct dnscache *c, const uint8_t *cli, const uint8_t *srv,
    const char *name, uint32_t ttl, uint64_t now_us)
{
	lock(c);
	put_locked(c, cli, srv, name, ttl, now_us);
	unlock(c);
}

const char *
dnscache_get(struct dnscache *c, const uint8_t *cli, const uint8_t *srv,
    uint64_t now_us)
{
	static _Thread_local char copy[DNSC_NAME_MAX + 1];
	const char *name = NULL;
	struct dc_ent *e;

	lock(c);
	e = lookup(c, bucket_of(c, cli, srv), cli, srv);
	if (e == NULL)
		c->st.misses++;
	else if (e->expires_us <= now_us)
		c->st.expired++;
	else {
		c->st.hits++;
		name = e->name;
		if (c->shared) {
			memcpy(copy, e->name, sizeof(copy));
			name = copy;
		}
	}
	unlock(c);
	return name;
}

static int
in_chain(const char (*chain)[DNS_NAME_MAX + 1], int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(chain[i], name) == 0)
			return 1;
	return 0;
}

int
dnscache_answer(struct dnscache *c, const uint8_t *cli, const struct dns_msg *d,
    int (*is_ai)(void *, const char *), void *arg, uint64_t now_us)
{
	/* The chain: question name, then CNAME targets (any order in the
	 * answer section, so iterate until nothing is added). */
	static _Thread_local char chain[DNS_MAX_ANSWERS + 1][DNS_NAME_MAX + 1];
	int nchain = 1, added = 1, i, ai = -1, n = 0;
	uint8_t srv[16];

	if (d->qr == 0 || d->n_answers == 0)
		return 0;
	str_lcpy(chain[0], d->qname, sizeof(chain[0]));
	while (added) {
		added = 0;
		for (i = 0; i < d->n_answers; i++) {
			const struct dns_answer *a = &d->answers[i];

			if (a->rrtype == 5 && in_chain((const char (*)[DNS_NAME_MAX + 1])chain,
			    nchain, a->name) && !in_chain((const char (*)[DNS_NAME_MAX + 1])chain,
			    nchain, a->data) && nchain <= DNS_MAX_ANSWERS) {
				str_lcpy(chain[nchain++], a->data, sizeof(chain[0]));
				added = 1;
			}
		}
	}
	for (i = 0; i < nchain && ai < 0; i++)
		if (is_ai(arg, chain[i]))
			ai = i;
	if (ai < 0)
		return 0;
	for (i = 0; i < d->n_answers; i++) {
		const struct dns_answer *a = &d->answers[i];

		if ((a->addr_len != 4 && a->addr_len != 16) ||
		    !in_chain((const char (*)[DNS_NAME_MAX + 1])chain, nchain, a->name))
			continue;
		memset(srv, 0, sizeof(srv));
		if (a->addr_len == 4) {
			srv[10] = srv[11] = 0xff;
			memcpy(srv + 12, a->addr, 4);
		} else
			memcpy(srv, a->addr, 16);
		if (n == 0)
			lock(c);
		put_locked(c, cli, srv, chain[ai], a->ttl, now_us);
		n++;
	}
	if (n > 0)
		unlock(c);
	return n;
}

const struct dnscache_stats *
dnscache_stats(const struct dnscache *c)
{
	return &c->st;
}
