/*
 * cache.h - the dashboard's response cache: JSON bodies of the aggregate
 * views (overview, services, service drill-down, clients) keyed by the
 * request (view, range, sensor) and the sensor databases' data_version.
 * An entry is served while the databases are unchanged (at most
 * CACHE_MAX_AGE seconds) or, when they changed, for the configured TTL
 * (a live sensor commits every half second, so a short staleness is what
 * makes the cache useful).  TTL 0 disables the cache.  Thread-safe.
 */
#ifndef DASH_CACHE_H
#define DASH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_MAX_AGE	300		/* seconds, unchanged databases */

void	cache_init(unsigned ttl_seconds);
/* cache_get: 0 and a malloc'd copy of the body on a hit, -ENOENT else. */
int	cache_get(const char *key, uint64_t version, uint64_t now_us,
	    char **body, size_t *len);
void	cache_put(const char *key, uint64_t version, uint64_t now_us,
	    const char *body, size_t len);
/* Counters for /metrics. */
void	cache_stats(uint64_t *hits, uint64_t *misses, size_t *bytes);

#endif
