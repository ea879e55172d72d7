/*
 * flow.c - the flow table: hash buckets over a preallocated pool, one LRU
 * list per timeout class (so expiry is O(expired)), eviction of the oldest
 * flow when the pool is empty, and client/server orientation.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/counters.h"
#include "flow/flow.h"
#include "common/hash.h"
#include "common/pool.h"

struct lru {
	struct flow	*head, *tail;	/* head = most recently used */
};

struct flow_table {
	struct flow_conf conf;
	struct flow	*pool;		/* conf.max_flows records */
	size_t		 pool_bytes;	/* mapped for pool */
	struct flow	*free;		/* free list through hnext */
	uint32_t	 pool_used;	/* records ever handed out (high-water mark) */
	struct flow	**bucket;
	uint32_t	 nbucket;	/* power of two */
	struct lru	 lru[TC__COUNT];
	uint64_t	 seed;		/* keyed hash against collision floods */
	uint64_t	 id_base;
	uint64_t	 id_hi;		/* flow_table_id_prefix() */
	uint64_t	 id_mask;
	uint64_t	 now;		/* newest packet time, µs */
	flow_end_cb	*cb;
	void		*cb_arg;
	struct flow_stats st;
};

void
flow_conf_defaults(struct flow_conf *c)
{
	c->max_flows = 262144;
	c->prefault = 0;
	c->timeout_s[TC_TCP_NEW] = 30;
	c->timeout_s[TC_TCP_EST] = 600;
	c->timeout_s[TC_TCP_CLOSED] = 10;
	c->timeout_s[TC_UDP] = 60;
	c->timeout_s[TC_OTHER] = 30;
}

static uint32_t
key_hash(const struct flow_table *t, const struct flow_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = t->seed, w;
	size_t i;

	for (i = 0; i + 8 <= sizeof(*k); i += 8) {
		memcpy(&w, p + i, 8);
		h = hash_mix64(h ^ w);
	}
	return (uint32_t)h;
}

/* Key equality without a library call: the key is 44 bytes, five 8-byte
 * words and a 4-byte tail, compared branch-free. */
static inline int
key_eq(const struct flow_key *x, const struct flow_key *y)
{
	const uint8_t *p = (const uint8_t *)x, *q = (const uint8_t *)y;
	uint64_t a, b, d = 0;
	uint32_t a4, b4;
	size_t i;

	_Static_assert(sizeof(struct flow_key) == 44, "flow_key layout");
	for (i = 0; i < 40; i += 8) {
		memcpy(&a, p + i, 8);
		memcpy(&b, q + i, 8);
		d |= a ^ b;
	}
	memcpy(&a4, p + 40, 4);
	memcpy(&b4, q + 40, 4);
	return (d | (a4 ^ b4)) == 0;
}

struct flow_table *
flow_table_new(const struct flow_conf *conf, flow_end_cb *cb, void *arg)
{
	struct flow_table *t;
	if (conf->max_flows == 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto err0;
	t->conf = *conf;
	t->cb = cb;
	t->cb_arg = arg;
	for (t->nbucket = 1024; t->nbucket < conf->max_flows * 2 &&
	    t->nbucket < (1u << 30); t->nbucket <<= 1)
		;
	/* Pre-faulted unless told not to, so the packet path takes no
	 * first-touch faults and the resident size is known at start-up. */
	t->pool_bytes = (size_t)conf->max_flows * sizeof(struct flow);
	if ((t->pool = pool_map(t->pool_bytes, conf->prefault)) == NULL)
		goto err1;
	if ((t->bucket = calloc(t->nbucket, sizeof(struct flow *))) == NULL)
		goto err2;
	/* Records are handed out by high-water mark (zeroed by the mapping),
	 * then recycled through the free list (zeroed when reused). */
	if (getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		t->seed = 0x9e3779b97f4a7c15ULL;
	if (getrandom(&t->id_base, sizeof(t->id_base), 0) != sizeof(t->id_base))
		t->id_base = 1;
	t->id_mask = (1ULL << 53) - 1;
	return t;
err2:
	pool_unmap(t->pool, t->pool_bytes);
err1:
	free(t);
err0:
	return NULL;
}

static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	struct lru *l = &t->lru[f->tclass];

	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
}

static void
lru_push(struct flow_table *t, struct flow *f)
{
	struct lru *l = &t->lru[f->tclass];

	f->prev = NULL;
	f->next = l->head;
	if (l->head != NULL)
		l->head->prev = f;
	else
		l->tail = f;
	l->head = f;
}

/* Remove ${f} from the table, tell the owner, return it to the pool. */
static void
flow_end(struct flow_table *t, struct flow *f, enum flow_end why)
{
	struct flow **pp = &t->bucket[f->hash & (t->nbucket - 1)];

	while (*pp != NULL && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp == f)
		*pp = f->hnext;
	lru_unlink(t, f);
	if (t->cb != NULL)
		t->cb(t->cb_arg, f, why);
	t->st.ended++;
	if (why == FE_TIMEOUT)
		t->st.timed_out++;
	else if (why == FE_EVICTED)
		t->st.evicted++;
	t->st.active--;
	/* Zeroed once, when taken from the free list again. */
	f->in_use = 0;
	f->hnext = t->free;
	t->free = f;
}

/* The least recently used flow of class ${c}, or NULL: tails touched since
 * they were queued get their second chance first (lists are reordered
 * lazily, see flow_table_lookup), so a busy flow is never taken for idle. */
static struct flow *
lru_oldest(struct flow_table *t, int c)
{
	struct flow *f;

	while ((f = t->lru[c].tail) != NULL && f->ts_last != f->queued_at) {
		lru_unlink(t, f);
		f->queued_at = f->ts_last;
		lru_push(t, f);
	}
	return f;
}

/* Pool empty: evict the least recently used flow, preferring classes whose
 * flows are cheapest to lose (closed TCP, UDP) over established TCP. */
static void
evict_one(struct flow_table *t)
{
	static const int order[] = { TC_TCP_CLOSED, TC_OTHER, TC_UDP,
	    TC_TCP_NEW, TC_TCP_EST };
	struct flow *victim = NULL;
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct flow *c = lru_oldest(t, order[i]);

		/* Among the non-empty tails, take the globally oldest of the
		 * first two candidate classes; good enough and O(1). */
		if (c != NULL && (victim == NULL || c->ts_last < victim->ts_last))
			victim = c;
		if (victim != NULL && i >= 1)
			break;
	}
	if (victim != NULL)
		flow_end(t, victim, FE_EVICTED);
}

static int
well_known(uint16_t port)
{
	return port < 1024 || port == 1433 || port == 3306 || port == 3389 ||
	    port == 5432 || port == 8080 || port == 8443 || port == 11434;
}

/*
 * Orientation: the client is the sender of the first packet, except that
 * (1) a first TCP packet with SYN+ACK comes from the server, and (2) a flow
 * picked up mid-stream (TCP without SYN) or a UDP flow whose first packet
 * comes from a well-known port to a high port is oriented by ports: the
 * well-known (or lower) port is the server.
 */
static int
first_sender_is_client(const struct pkt *p, uint8_t *pickup)
{
	*pickup = 0;
	if (p->proto == IPPROTO_TCP) {
		if ((p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN)
			return 1;
		if ((p->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
			return 0;
		*pickup = 1;
	}
	if (well_known(p->sport) && !well_known(p->dport))
		return 0;
	if (well_known(p->dport) && !well_known(p->sport))
		return 1;
	if (*pickup)
		return p->sport > p->dport;
	return 1;
}

static void
make_key(const struct pkt *p, struct flow_key *k, int *src_is_a)
{
	int c;

	memset(k, 0, sizeof(*k));
	c = memcmp(p->src.a, p->dst.a, 16);
	*src_is_a = c < 0 || (c == 0 && p->sport <= p->dport);
	if (*src_is_a) {
		k->a = p->src; k->b = p->dst; k->pa = p->sport; k->pb = p->dport;
	} else {
		k->a = p->dst; k->b = p->src; k->pa = p->dport; k->pb = p->sport;
	}
	k->vlan[0] = p->vlan[0];
	k->vlan[1] = p->vlan[1];
	k->proto = p->proto;
}

static uint8_t
tclass_of(const struct flow *f)
{
	if (f->key.proto == IPPROTO_TCP)
		return f->state == FS_CLOSED ? TC_TCP_CLOSED :
		    f->state == FS_ESTABLISHED ? TC_TCP_EST : TC_TCP_NEW;
	return f->key.proto == IPPROTO_UDP ? TC_UDP : TC_OTHER;
}

static void
tcp_state(struct flow *f, const struct pkt *p, int dir)
{
	f->tcp_flags[dir] |= p->tcp_flags;
	if (p->tcp_flags & (TH_RST | TH_FIN)) {
		if ((p->tcp_flags & TH_RST) ||
		    ((f->tcp_flags[0] & TH_FIN) && (f->tcp_flags[1] & TH_FIN)))
			f->state = FS_CLOSED;
	} else if (f->state == FS_NEW && (f->tcp_flags[1] & TH_SYN) &&
	    (p->tcp_flags & TH_ACK) &&
	    ((f->tcp_flags[0] & TH_SYN) || dir == 0))
		/* Both SYNs, or (SYN missed) the client ACKs the SYN+ACK. */
		f->state = FS_ESTABLISHED;
	else if (f->state == FS_NEW && f->pickup && f->pkts[0] && f->pkts[1])
		f->state = FS_ESTABLISHED;
}

struct flow *
flow_table_lookup(struct flow_table *t, const struct pkt *p, int *dir)
{
	struct flow_key k;
	struct flow *f;
	uint32_t h;
	int src_is_a;
	uint8_t tc;

	if (p->frag || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP &&
	    p->proto != IPPROTO_ICMP && p->proto != IPPROTO_ICMPV6)) {
		t->st.no_ports++;
		return NULL;
	}
	if (p->ts_us > t->now)
		t->now = p->ts_us;
	make_key(p, &k, &src_is_a);
	h = key_hash(t, &k);
	for (f = t->bucket[h & (t->nbucket - 1)]; f != NULL; f = f->hnext)
		if (f->hash == h && key_eq(&f->key, &k))
			break;
	if (f == NULL) {
		uint8_t pickup;

		if (t->free == NULL && t->pool_used == t->conf.max_flows)
			evict_one(t);
		if ((f = t->free) != NULL) {
			t->free = f->hnext;
			memset(f, 0, sizeof(*f));
		} else if (t->pool_used < t->conf.max_flows)
			f = &t->pool[t->pool_used++];	/* still zero */
		else
			return NULL;
		f->slot = (uint32_t)(f - t->pool);
		f->key = k;
		f->hash = h;
		f->in_use = 1;
		f->id = t->id_hi | ((t->id_base + t->st.created) & t->id_mask);
		f->ts_first = p->ts_us;
		f->cli_is_a = first_sender_is_client(p, &pickup) ? (uint8_t)src_is_a :
		    (uint8_t)!src_is_a;
		f->pickup = pickup;
		t->st.pickups += pickup;
		f->hnext = t->bucket[h & (t->nbucket - 1)];
		t->bucket[h & (t->nbucket - 1)] = f;
		f->tclass = tclass_of(f);
		f->queued_at = p->ts_us;
		lru_push(t, f);
		t->st.created++;
		if (++t->st.active > t->st.active_max)
			t->st.active_max = t->st.active;
	}
	*dir = (src_is_a == f->cli_is_a) ? 0 : 1;
	f->ts_last = p->ts_us > f->ts_last ? p->ts_us : f->ts_last;
	f->pkts[*dir]++;
	f->bytes[*dir] += p->wire_len;
	if (p->proto == IPPROTO_TCP)
		tcp_state(f, p, *dir);
	else if (f->pkts[0] && f->pkts[1])
		f->state = FS_ESTABLISHED;
	/* Lists are only reordered when the class changes; a flow touched
	 * since it was queued gets a second chance in flow_table_expire().
	 * That keeps the per-packet path off its neighbours' cache lines. */
	if ((tc = tclass_of(f)) != f->tclass) {
		lru_unlink(t, f);
		f->tclass = tc;
		f->queued_at = f->ts_last;
		lru_push(t, f);
	}
	return f;
}

void
flow_table_expire(struct flow_table *t, uint64_t now_us)
{
	int c;

	if (now_us > t->now)
		t->now = now_us;
	for (c = 0; c < TC__COUNT; c++) {
		uint64_t limit = (uint64_t)t->conf.timeout_s[c] * 1000000ULL;
		struct flow *f;

		/*
		 * lru_oldest() gives touched tails their second chance, so the
		 * loop stops at an untouched flow that is not idle; every flow
		 * ahead of it was queued later and so was seen later, so none
		 * of them is idle either.
		 */
		while ((f = lru_oldest(t, c)) != NULL && f->ts_last + limit < t->now)
			flow_end(t, f, FE_TIMEOUT);
	}
}

void
flow_table_flush(struct flow_table *t)
{
	int c;

	for (c = 0; c < TC__COUNT; c++)
		while (t->lru[c].tail != NULL)
			flow_end(t, t->lru[c].tail, FE_SHUTDOWN);
}

void
flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	flow_table_flush(t);
	free(t->bucket);
	pool_unmap(t->pool, t->pool_bytes);
	free(t);
}

const struct flow_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->st;
}

/* EVE stats.flow (Suricata's names) and stats.shadowtap.flows. */
void
flow_counters(const struct flow_table *t, int suricata)
{
	const struct flow_stats *s = &t->st;
	static const char sect[] = "shadowtap.flows";

	if (suricata) {
		ctr_add(CTR_OWN_ENGINE, "flow", "total", "flows.created",
		    CTR_COUNTER, &s->created, "flows created");
		ctr_add(CTR_OWN_ENGINE, "flow", "active", "flows.active",
		    CTR_GAUGE, &s->active, "flows in the table");
		return;
	}
	ctr_add(CTR_OWN_ENGINE, sect, "created", NULL, CTR_COUNTER, &s->created,
	    "flows created");
	ctr_add(CTR_OWN_ENGINE, sect, "active", NULL, CTR_GAUGE, &s->active,
	    "flows in the table");
	ctr_add(CTR_OWN_ENGINE, sect, "active_max", NULL, CTR_GAUGE,
	    &s->active_max, "most flows in the table at once");
	ctr_add(CTR_OWN_ENGINE, sect, "ended", NULL, CTR_COUNTER, &s->ended,
	    "flows timed out, evicted or flushed");
	ctr_add(CTR_OWN_ENGINE, sect, "timed_out", NULL, CTR_COUNTER,
	    &s->timed_out, "flows ended by their idle timeout");
	ctr_add(CTR_OWN_ENGINE, sect, "evicted", "flows.evicted", CTR_COUNTER,
	    &s->evicted, "flows removed early: table full");
	ctr_add(CTR_OWN_ENGINE, sect, "midstream", NULL, CTR_COUNTER,
	    &s->pickups, "TCP flows first seen mid-stream");
	ctr_add(CTR_OWN_ENGINE, sect, "no_flow", NULL, CTR_COUNTER,
	    &s->no_ports, "packets without a usable 5-tuple");
}

const char *
flow_state_str(const struct flow *f)
{
	static const char *const s[] = { "new", "established", "closed" };

	return f->state <= FS_CLOSED ? s[f->state] : "unknown";
}

void
flow_table_id_prefix(struct flow_table *t, uint32_t w)
{
	t->id_hi = (uint64_t)(w & 0x1f) << 48;
	t->id_mask = (1ULL << 48) - 1;
}
