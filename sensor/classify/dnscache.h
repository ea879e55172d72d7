/*
 * dnscache.h - per-client memory of DNS answers for AI names: which
 * addresses the resolver gave a client for which name, bounded by TTL and
 * by a preallocated entry count (oldest entries are overwritten).
 */
#ifndef ST_DNSCACHE_H
#define ST_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dpi/dns.h"

#define DNSC_NAME_MAX	127
#define DNSC_TTL_MIN	30	/* seconds: clients connect right after a TTL-0 answer */
#define DNSC_TTL_MAX	3600

struct dnscache;

struct dnscache_stats {
	uint64_t	inserted;
	uint64_t	overwritten;	/* live entries lost to the cap */
	uint64_t	hits;
	uint64_t	misses;
	uint64_t	expired;	/* found but past TTL */
};

/* dnscache_new(entries): all memory allocated here; NULL on ENOMEM. */
struct dnscache *dnscache_new(uint32_t entries);
void	dnscache_free(struct dnscache *c);
/* dnscache_share(c): from now on several threads may put and get (a mutex
 * per call; a get's name is then a per-thread copy).  0 or -errno. */
int	dnscache_share(struct dnscache *c);
/*
 * dnscache_put(c, cli, srv, name, ttl, now_us):
 * Remember that ${cli} (16-byte address) was given ${srv} for ${name}
 * (copied; names longer than DNSC_NAME_MAX are not kept).  No allocation.
 */
void	dnscache_put(struct dnscache *c, const uint8_t *cli, const uint8_t *srv,
	    const char *name, uint32_t ttl, uint64_t now_us);
/* dnscache_get(c, cli, srv, now_us): the name, or NULL (none or expired).
 * Valid until the next dnscache_put (shared: this thread's next get). */
const char *dnscache_get(struct dnscache *c, const uint8_t *cli,
	    const uint8_t *srv, uint64_t now_us);
/*
 * dnscache_answer(c, cli, d, is_ai, arg, now_us):
 * Walk the answers of response ${d}: follow the CNAME chain from the
 * question; the first name of the chain for which ${is_ai}(arg, name) is
 * true is remembered for every A/AAAA of the chain.  Returns the number of
 * addresses remembered.
 */
int	dnscache_answer(struct dnscache *c, const uint8_t *cli,
	    const struct dns_msg *d, int (*is_ai)(void *, const char *),
	    void *arg, uint64_t now_us);
const struct dnscache_stats *dnscache_stats(const struct dnscache *c);

#endif
