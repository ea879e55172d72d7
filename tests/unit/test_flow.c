/*
 * test_flow.c - unit tests for flow/flow.c: one flow for both directions,
 * client/server orientation (SYN, SYN+ACK, mid-stream pickup, UDP), VLAN in
 * the key, TCP state, idle timeouts per class, eviction at the cap, flush.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"
#include "flow/flow.h"
#include "test.h"

#define SEC	1000000ULL
#define MAXREC	64

/* What the end callback saw. */
struct ends {
	int		n;
	uint64_t	id[MAXREC];
	int		why[MAXREC];
	uint16_t	cport[MAXREC];
};

static void
on_end(void *arg, struct flow *f, enum flow_end why)
{
	struct ends *e = arg;

	if (e->n < MAXREC) {
		e->id[e->n] = f->id;
		e->why[e->n] = (int)why;
		e->cport[e->n] = flow_cli_port(f);
	}
	e->n++;
}

/* How many times the callback saw flow ${id}, and with which reason. */
static int
ended(const struct ends *e, uint64_t id, int *why)
{
	int i, c = 0;

	for (i = 0; i < e->n && i < MAXREC; i++)
		if (e->id[i] == id) {
			c++;
			if (why != NULL)
				*why = e->why[i];
		}
	return c;
}

static void
set4(struct ip_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a->a, 0, 10);
	a->a[10] = a->a[11] = 0xff;
	a->a[12] = x;
	a->a[13] = y;
	a->a[14] = z;
	a->a[15] = w;
}

/* Client 192.0.2.1, server 198.51.100.2. */
static struct pkt
mk(uint8_t proto, int from_client, uint16_t cport, uint16_t sport,
    uint8_t flags, uint64_t ts)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.ipver = 4;
	p.ts_us = ts;
	p.wire_len = 100;
	p.tcp_flags = flags;
	if (from_client) {
		set4(&p.src, 192, 0, 2, 1);
		set4(&p.dst, 198, 51, 100, 2);
		p.sport = cport;
		p.dport = sport;
	} else {
		set4(&p.src, 198, 51, 100, 2);
		set4(&p.dst, 192, 0, 2, 1);
		p.sport = sport;
		p.dport = cport;
	}
	return p;
}

static struct flow_table *
table(uint32_t max, struct ends *e)
{
	struct flow_conf c;

	flow_conf_defaults(&c);
	c.max_flows = max;
	memset(e, 0, sizeof(*e));
	return flow_table_new(&c, on_end, e);
}

static int
is_client(const struct flow *f, uint8_t last_octet, uint16_t port)
{
	return flow_cli_ip(f)->a[15] == last_octet && flow_cli_port(f) == port;
}

TEST(both_directions_one_flow)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f1, *f2, *f3;
	struct pkt p;
	int dir = -1;

	ASSERT(t != NULL);
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_SYN, 1);
	ASSERT((f1 = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 0);
	ASSERT_STR(flow_state_str(f1), "new");
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_SYN | TH_ACK, 2);
	ASSERT((f2 = flow_table_lookup(t, &p, &dir)) == f1);
	ASSERT_EQ(dir, 1);
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_ACK, 3);
	ASSERT((f3 = flow_table_lookup(t, &p, &dir)) == f1);
	ASSERT_EQ(dir, 0);
	ASSERT(is_client(f1, 1, 51000));
	ASSERT_EQ(flow_srv_ip(f1)->a[15], 2);
	ASSERT_EQ(flow_srv_port(f1), 443);
	ASSERT_EQ(f1->pkts[0], 2);
	ASSERT_EQ(f1->pkts[1], 1);
	ASSERT_EQ(f1->bytes[0], 200);
	ASSERT_EQ(f1->bytes[1], 100);
	ASSERT_EQ(f1->ts_first, 1);
	ASSERT_EQ(f1->ts_last, 3);
	ASSERT_EQ(f1->pickup, 0);
	ASSERT_STR(flow_state_str(f1), "established");
	ASSERT_EQ(flow_table_stats(t)->created, 1);
	ASSERT_EQ(flow_table_stats(t)->active, 1);
	ASSERT_EQ(flow_table_stats(t)->pickups, 0);
	flow_table_free(t);
	ASSERT_EQ(e.n, 1);
	ASSERT_EQ(e.why[0], FE_SHUTDOWN);
}

TEST(syn_from_higher_address)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f;
	struct pkt p;
	int dir;

	/* The client has the larger address and port: orientation must not
	 * follow the key order. */
	ASSERT(t != NULL);
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_SYN, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 0);
	ASSERT(is_client(f, 2, 443));
	ASSERT_EQ(flow_srv_port(f), 51000);
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_SYN | TH_ACK, 2);
	ASSERT(flow_table_lookup(t, &p, &dir) == f);
	ASSERT_EQ(dir, 1);
	flow_table_free(t);
}

TEST(synack_first)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f;
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	/* SYN missed: the SYN+ACK sender is the server. */
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_SYN | TH_ACK, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 1);
	ASSERT(is_client(f, 1, 51000));
	ASSERT_EQ(f->pkts[1], 1);
	ASSERT_EQ(f->pickup, 0);
	/* Even with ports that would say otherwise. */
	p = mk(IPPROTO_TCP, 0, 80, 50000, TH_SYN | TH_ACK, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 1);
	ASSERT(is_client(f, 1, 80));
	/* The client's ACK completes the handshake. */
	p = mk(IPPROTO_TCP, 1, 80, 50000, TH_ACK, 2);
	ASSERT(flow_table_lookup(t, &p, &dir) == f);
	ASSERT_EQ(dir, 0);
	ASSERT_STR(flow_state_str(f), "established");
	flow_table_free(t);
}

TEST(midstream_pickup)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f;
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	/* First packet seen: server 443 -> client 51000, plain ACK. */
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_ACK | TH_PUSH, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 1);
	ASSERT(is_client(f, 1, 51000));
	ASSERT_EQ(f->pickup, 1);
	ASSERT_EQ(flow_table_stats(t)->pickups, 1);
	ASSERT_STR(flow_state_str(f), "new");
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_ACK, 2);
	ASSERT(flow_table_lookup(t, &p, &dir) == f);
	ASSERT_EQ(dir, 0);
	ASSERT_STR(flow_state_str(f), "established");
	/* Both ports high: the lower one is the server. */
	p = mk(IPPROTO_TCP, 0, 50000, 40000, TH_ACK, 3);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT(is_client(f, 1, 50000));
	ASSERT_EQ(flow_srv_port(f), 40000);
	/* Well-known alternatives (8443) count as server ports. */
	p = mk(IPPROTO_TCP, 1, 50001, 8443, TH_ACK, 4);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 0);
	ASSERT_EQ(flow_srv_port(f), 8443);
	ASSERT_EQ(flow_table_stats(t)->pickups, 3);
	flow_table_free(t);
}

TEST(udp_orientation)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f;
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	p = mk(IPPROTO_UDP, 1, 40000, 53, 0, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 0);
	ASSERT(is_client(f, 1, 40000));
	ASSERT_STR(flow_state_str(f), "new");
	p = mk(IPPROTO_UDP, 0, 40000, 53, 0, 2);
	ASSERT(flow_table_lookup(t, &p, &dir) == f);
	ASSERT_EQ(dir, 1);
	ASSERT_STR(flow_state_str(f), "established");
	/* The answer seen first (query missed): still oriented by port. */
	p = mk(IPPROTO_UDP, 0, 40001, 53, 0, 3);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 1);
	ASSERT(is_client(f, 1, 40001));
	/* Two high ports: the first sender is the client (QUIC to 4433). */
	p = mk(IPPROTO_UDP, 0, 4433, 50000, 0, 4);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(dir, 0);
	ASSERT(is_client(f, 2, 50000));
	ASSERT_EQ(f->pickup, 0);
	ASSERT_EQ(flow_table_stats(t)->pickups, 0);
	flow_table_free(t);
}

TEST(vlan_in_key)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f1, *f2;
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_SYN, 1);
	p.vlan[0] = 10;
	p.nvlan = 1;
	ASSERT((f1 = flow_table_lookup(t, &p, &dir)) != NULL);
	p.vlan[0] = 20;
	ASSERT((f2 = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT(f1 != f2);
	ASSERT(f1->id != f2->id);
	ASSERT_EQ(f1->key.vlan[0], 10);
	ASSERT_EQ(f2->key.vlan[0], 20);
	/* The reply on VLAN 10 finds the first. */
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_SYN | TH_ACK, 2);
	p.vlan[0] = 10;
	p.nvlan = 1;
	ASSERT(flow_table_lookup(t, &p, &dir) == f1);
	ASSERT_EQ(dir, 1);
	/* Inner tag too. */
	p.vlan[1] = 5;
	p.nvlan = 2;
	ASSERT(flow_table_lookup(t, &p, &dir) != f1);
	ASSERT_EQ(flow_table_stats(t)->created, 3);
	flow_table_free(t);
	ASSERT_EQ(e.n, 3);
}

TEST(tcp_states)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f;
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_SYN, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT_EQ(f->state, FS_NEW);
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_SYN | TH_ACK, 2);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_ESTABLISHED);
	p = mk(IPPROTO_TCP, 1, 51000, 443, TH_FIN | TH_ACK, 3);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_ESTABLISHED);	/* half closed */
	p = mk(IPPROTO_TCP, 0, 51000, 443, TH_FIN | TH_ACK, 4);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_CLOSED);
	ASSERT_STR(flow_state_str(f), "closed");
	ASSERT_EQ(f->tcp_flags[0], TH_SYN | TH_FIN | TH_ACK);
	/* RST closes at once. */
	p = mk(IPPROTO_TCP, 1, 51001, 443, TH_SYN, 5);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	p = mk(IPPROTO_TCP, 0, 51001, 443, TH_RST | TH_ACK, 6);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_CLOSED);
	/* A SYN alone never establishes. */
	p = mk(IPPROTO_TCP, 1, 51002, 443, TH_SYN, 7);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_NEW);
	flow_table_free(t);
}

TEST(timeouts_per_class)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct flow *f;
	struct pkt p;
	uint64_t id_new, id_est, id_closed, id_udp, id_icmp;
	int dir, why = -1;

	ASSERT(t != NULL);
	/* Defaults: TCP new 30, established 600, closed 10, UDP 60, other 30. */
	p = mk(IPPROTO_TCP, 1, 50001, 443, TH_SYN, 0);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id_new = f->id;
	p = mk(IPPROTO_TCP, 1, 50002, 443, TH_SYN, 0);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id_est = f->id;
	p = mk(IPPROTO_TCP, 0, 50002, 443, TH_SYN | TH_ACK, 0);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_ESTABLISHED);
	p = mk(IPPROTO_TCP, 1, 50003, 443, TH_SYN, 0);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id_closed = f->id;
	p = mk(IPPROTO_TCP, 0, 50003, 443, TH_RST, 0);
	flow_table_lookup(t, &p, &dir);
	ASSERT_EQ(f->state, FS_CLOSED);
	p = mk(IPPROTO_UDP, 1, 50004, 53, 0, 0);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id_udp = f->id;
	p = mk(IPPROTO_ICMP, 1, 0, 0, 0, 0);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id_icmp = f->id;
	ASSERT_EQ(flow_table_stats(t)->active, 5);

	flow_table_expire(t, 10 * SEC);		/* exactly the limit: kept */
	ASSERT_EQ(e.n, 0);
	flow_table_expire(t, 10 * SEC + 1);
	ASSERT_EQ(e.n, 1);
	ASSERT_EQ(ended(&e, id_closed, &why), 1);
	ASSERT_EQ(why, FE_TIMEOUT);
	flow_table_expire(t, 31 * SEC);
	ASSERT_EQ(e.n, 3);
	ASSERT_EQ(ended(&e, id_new, NULL), 1);
	ASSERT_EQ(ended(&e, id_icmp, NULL), 1);
	flow_table_expire(t, 59 * SEC);
	ASSERT_EQ(e.n, 3);
	flow_table_expire(t, 61 * SEC);
	ASSERT_EQ(e.n, 4);
	ASSERT_EQ(ended(&e, id_udp, NULL), 1);
	flow_table_expire(t, 599 * SEC);
	ASSERT_EQ(e.n, 4);
	flow_table_expire(t, 601 * SEC);
	ASSERT_EQ(e.n, 5);
	ASSERT_EQ(ended(&e, id_est, &why), 1);
	ASSERT_EQ(why, FE_TIMEOUT);
	/* Again: nothing more, each flow ended exactly once. */
	flow_table_expire(t, 10000 * SEC);
	ASSERT_EQ(e.n, 5);
	ASSERT_EQ(flow_table_stats(t)->timed_out, 5);
	ASSERT_EQ(flow_table_stats(t)->ended, 5);
	ASSERT_EQ(flow_table_stats(t)->active, 0);
	ASSERT_EQ(flow_table_stats(t)->active_max, 5);
	flow_table_free(t);
	ASSERT_EQ(e.n, 5);
}

TEST(activity_defers_timeout)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	p = mk(IPPROTO_UDP, 1, 50004, 53, 0, 0);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	p.ts_us = 50 * SEC;
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	flow_table_expire(t, 100 * SEC);
	ASSERT_EQ(e.n, 0);
	flow_table_expire(t, 111 * SEC);
	ASSERT_EQ(e.n, 1);

	/* The older, touched flow sits at the tail: the idle one behind it
	 * still expires, the touched one does not. */
	p = mk(IPPROTO_UDP, 1, 50005, 53, 0, 200 * SEC);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	p = mk(IPPROTO_UDP, 1, 50006, 53, 0, 201 * SEC);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	p = mk(IPPROTO_UDP, 0, 50005, 53, 0, 250 * SEC);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	flow_table_expire(t, 262 * SEC);
	ASSERT_EQ(e.n, 2);
	ASSERT_EQ(e.cport[1], 50006);
	flow_table_expire(t, 309 * SEC);
	ASSERT_EQ(e.n, 2);
	flow_table_expire(t, 311 * SEC);
	ASSERT_EQ(e.n, 3);
	ASSERT_EQ(e.cport[2], 50005);
	flow_table_free(t);
}

TEST(cap_evicts_lru)
{
	struct ends e;
	struct flow_table *t = table(2, &e);
	struct flow *f;
	struct pkt p;
	uint64_t id1, id2;
	int dir, why = -1;

	ASSERT(t != NULL);
	p = mk(IPPROTO_UDP, 1, 50001, 53, 0, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id1 = f->id;
	p = mk(IPPROTO_UDP, 1, 50002, 53, 0, 2);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id2 = f->id;
	/* Touch the first: the second becomes least recently used. */
	p = mk(IPPROTO_UDP, 0, 50001, 53, 0, 3);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	p = mk(IPPROTO_UDP, 1, 50003, 53, 0, 4);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT(is_client(f, 1, 50003));
	ASSERT_EQ(e.n, 1);
	ASSERT_EQ(ended(&e, id2, &why), 1);
	ASSERT_EQ(why, FE_EVICTED);
	ASSERT_EQ(ended(&e, id1, NULL), 0);
	ASSERT_EQ(flow_table_stats(t)->evicted, 1);
	ASSERT_EQ(flow_table_stats(t)->active, 2);
	ASSERT_EQ(flow_table_stats(t)->timed_out, 0);
	/* The evicted flow comes back as a new one. */
	p = mk(IPPROTO_UDP, 1, 50002, 53, 0, 5);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	ASSERT(f->id != id2);
	ASSERT_EQ(f->pkts[0], 1);
	ASSERT_EQ(e.n, 2);
	ASSERT_EQ(ended(&e, id1, &why), 1);
	ASSERT_EQ(why, FE_EVICTED);
	flow_table_free(t);
	ASSERT_EQ(e.n, 4);
	ASSERT_EQ(e.why[2], FE_SHUTDOWN);
	ASSERT_EQ(e.why[3], FE_SHUTDOWN);
}

TEST(cap_prefers_udp_over_established)
{
	struct ends e;
	struct flow_table *t = table(2, &e);
	struct flow *f;
	struct pkt p;
	uint64_t id_tcp;
	int dir;

	ASSERT(t != NULL);
	p = mk(IPPROTO_TCP, 1, 50001, 443, TH_SYN, 1);
	ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
	id_tcp = f->id;
	p = mk(IPPROTO_TCP, 0, 50001, 443, TH_SYN | TH_ACK, 2);
	flow_table_lookup(t, &p, &dir);
	p = mk(IPPROTO_UDP, 1, 50002, 53, 0, 3);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	p = mk(IPPROTO_UDP, 1, 50003, 53, 0, 4);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	ASSERT_EQ(e.n, 1);
	ASSERT(e.id[0] != id_tcp);
	ASSERT_EQ(e.cport[0], 50002);
	flow_table_free(t);
}

TEST(flush_shutdown)
{
	struct ends e;
	struct flow_table *t = table(64, &e);
	struct pkt p;
	int dir, i;

	ASSERT(t != NULL);
	for (i = 0; i < 10; i++) {
		p = mk(i % 2 ? IPPROTO_UDP : IPPROTO_TCP, 1,
		    (uint16_t)(50000 + i), 443, TH_SYN, (uint64_t)i);
		ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	}
	flow_table_flush(t);
	ASSERT_EQ(e.n, 10);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(e.why[i], FE_SHUTDOWN);
		ASSERT_EQ(ended(&e, e.id[i], NULL), 1);
	}
	ASSERT_EQ(flow_table_stats(t)->active, 0);
	ASSERT_EQ(flow_table_stats(t)->ended, 10);
	/* Records are reusable after a flush. */
	p = mk(IPPROTO_TCP, 1, 50000, 443, TH_SYN, 20);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	flow_table_free(t);
	ASSERT_EQ(e.n, 11);
	ASSERT_STR(vocab_name(&vocab_flow_end, FE_TIMEOUT), "timeout");
	ASSERT_STR(vocab_name(&vocab_flow_end, FE_SHUTDOWN), "shutdown");
}

TEST(no_flow_packets)
{
	struct ends e;
	struct flow_table *t = table(16, &e);
	struct pkt p;
	int dir;

	ASSERT(t != NULL);
	p = mk(IPPROTO_UDP, 1, 0, 0, 0, 1);
	p.frag = 1;
	ASSERT(flow_table_lookup(t, &p, &dir) == NULL);
	p = mk(IPPROTO_GRE, 1, 0, 0, 0, 1);
	ASSERT(flow_table_lookup(t, &p, &dir) == NULL);
	p = mk(IPPROTO_ESP, 1, 0, 0, 0, 1);
	ASSERT(flow_table_lookup(t, &p, &dir) == NULL);
	ASSERT_EQ(flow_table_stats(t)->no_ports, 3);
	ASSERT_EQ(flow_table_stats(t)->created, 0);
	p = mk(IPPROTO_ICMP, 1, 0, 0, 0, 1);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	p = mk(IPPROTO_ICMPV6, 1, 0, 0, 0, 1);
	ASSERT(flow_table_lookup(t, &p, &dir) != NULL);
	ASSERT_EQ(flow_table_stats(t)->created, 2);
	flow_table_free(t);
	flow_table_free(NULL);
}

TEST(ids_unique)
{
	struct ends e;
	struct flow_table *t = table(8, &e);
	uint64_t ids[200];
	struct flow *f;
	struct pkt p;
	int dir, i, k;

	ASSERT(t != NULL);
	/* 200 flows through 8 records: ids stay unique while recycled. */
	for (i = 0; i < 200; i++) {
		p = mk(IPPROTO_UDP, 1, (uint16_t)(20000 + i), 53, 0, (uint64_t)i);
		ASSERT((f = flow_table_lookup(t, &p, &dir)) != NULL);
		ids[i] = f->id;
		ASSERT(ids[i] < (1ULL << 53));	/* exact in a JSON double */
		for (k = 0; k < i; k++)
			ASSERT(ids[k] != ids[i]);
	}
	ASSERT_EQ(flow_table_stats(t)->evicted, 192);
	ASSERT_EQ(flow_table_stats(t)->active, 8);
	flow_table_free(t);
	ASSERT_EQ(e.n, 200);
}

TEST(zero_cap_refused)
{
	struct flow_conf c;

	flow_conf_defaults(&c);
	c.max_flows = 0;
	ASSERT(flow_table_new(&c, NULL, NULL) == NULL);
}

int
main(void)
{
	RUN(both_directions_one_flow);
	RUN(syn_from_higher_address);
	RUN(synack_first);
	RUN(midstream_pickup);
	RUN(udp_orientation);
	RUN(vlan_in_key);
	RUN(tcp_states);
	RUN(timeouts_per_class);
	RUN(activity_defers_timeout);
	RUN(cap_evicts_lru);
	RUN(cap_prefers_udp_over_established);
	RUN(flush_shutdown);
	RUN(no_flow_packets);
	RUN(ids_unique);
	RUN(zero_cap_refused);
	return TEST_END();
}
