/*
 * cache.c - the response cache (cache.h): a small table, oldest entry
 * replaced, bounded in entries and bytes, one lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

#define CACHE_N		64
#define CACHE_BYTES	(32u << 20)
#define KEY_MAX		256

struct entry {
	char		 key[KEY_MAX];
	uint64_t	 version, stored;
	char		*body;
	size_t		 len;
};

static struct entry tab[CACHE_N];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t ttl_us, hits, misses;
static size_t bytes;

void
cache_init(unsigned ttl)
{
	ttl_us = (uint64_t)ttl * 1000000;
}

static int
fresh(const struct entry *e, uint64_t version, uint64_t now)
{
	uint64_t age = now >= e->stored ? now - e->stored : 0;

	if (e->version == version)
		return age < (uint64_t)CACHE_MAX_AGE * 1000000;
	return age < ttl_us;
}

int
cache_get(const char *key, uint64_t version, uint64_t now, char **body,
    size_t *len)
{
	int i, rc = -ENOENT;

	if (ttl_us == 0 || strlen(key) >= KEY_MAX)
		return -ENOENT;
	pthread_mutex_lock(&mu);
	for (i = 0; i < CACHE_N; i++) {
		struct entry *e = &tab[i];
		if (e->body == NULL || strcmp(e->key, key) != 0)
			continue;
		if (fresh(e, version, now) && (*body = malloc(e->len + 1))) {
			memcpy(*body, e->body, e->len);
			(*body)[e->len] = '\0';
			*len = e->len;
			rc = 0;
		}
		break;
	}
	if (rc == 0)
		hits++;
	else
		misses++;
	pthread_mutex_unlock(&mu);
	return rc;
}

static void
drop(struct entry *e)
{
	bytes -= e->len;
	free(e->body);
	e->body = NULL;
	e->len = 0;
	e->key[0] = '\0';
}

void
cache_put(const char *key, uint64_t version, uint64_t now, const char *body,
    size_t len)
{
	struct entry *e = NULL;
	char *copy;
	int i;

	if (ttl_us == 0 || strlen(key) >= KEY_MAX || len > CACHE_BYTES / 4 ||
	    (copy = malloc(len)) == NULL)
		return;
	memcpy(copy, body, len);
	pthread_mutex_lock(&mu);
	for (i = 0; i < CACHE_N; i++)
		if (tab[i].body && strcmp(tab[i].key, key) == 0) {
			drop(&tab[i]);
			break;
		}
	/* Room: free slots first, else the oldest entries. */
	while (e == NULL || bytes + len > CACHE_BYTES) {
		struct entry *old = NULL;
		for (i = 0; i < CACHE_N; i++) {
			if (tab[i].body == NULL) {
				if (e == NULL)
					e = &tab[i];
				continue;
			}
			if (old == NULL || tab[i].stored < old->stored)
				old = &tab[i];
		}
		if (e != NULL && bytes + len <= CACHE_BYTES)
			break;
		if (old == NULL)
			break;
		drop(old);
		if (e == NULL)
			e = old;
	}
	if (e == NULL) {
		pthread_mutex_unlock(&mu);
		free(copy);
		return;
	}
	memcpy(e->key, key, strlen(key) + 1);
	e->version = version;
	e->stored = now;
	e->body = copy;
	e->len = len;
	bytes += len;
	pthread_mutex_unlock(&mu);
}

void
cache_stats(uint64_t *h, uint64_t *m, size_t *b)
{
	pthread_mutex_lock(&mu);
	*h = hits;
	*m = misses;
	*b = bytes;
	pthread_mutex_unlock(&mu);
}
