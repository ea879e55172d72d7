/*
 * test_event.c - the flat event contract (output/event.h) and the counter
 * registry (common/counters.h): wire sizes, the receiver's check, a round
 * trip through a SOCK_SEQPACKET socketpair that formats byte-identically,
 * and EVE stats nested by registry section.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/counters.h"
#include "engine.h"
#include "flow/flow.h"
#include "output/output.h"
#include "test.h"

static void
mk_dns(struct event *ev, struct flow *f, int answers)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->id = 99;
	f->key.proto = 17;
	f->key.a.a[10] = f->key.a.a[11] = 0xff;
	f->key.b.a[10] = f->key.b.a[11] = 0xff;
	memcpy(f->key.a.a + 12, "\xc0\x00\x02\x07", 4);
	memcpy(f->key.b.a + 12, "\xcb\x00\x71\x35", 4);
	f->key.pa = 41000;
	f->key.pb = 53;
	f->cli_is_a = 1;
	f->meta.app = APP_DNS;
	snprintf(f->meta.host, sizeof(f->meta.host), "chat.example.com");
	f->meta.host_src = HOST_DNS;
	event_begin(ev, EV_DNS, 1700000000000000ULL, f, 1);
	memset(&ev->u.dns, 0, offsetof(struct dns_msg, answers));
	ev->u.dns.qr = 1;
	ev->u.dns.id = 0x1234;
	ev->u.dns.qtype = 1;
	snprintf(ev->u.dns.qname, sizeof(ev->u.dns.qname), "chat.example.com");
	ev->u.dns.n_answers = (uint16_t)answers;
	for (i = 0; i < answers; i++) {
		memset(&ev->u.dns.answers[i], 0, sizeof(ev->u.dns.answers[i]));
		snprintf(ev->u.dns.answers[i].name, DNS_NAME_MAX, "chat.example.com");
		snprintf(ev->u.dns.answers[i].data, DNS_DATA_MAX, "198.51.100.%d",
		    i + 1);
		ev->u.dns.answers[i].rrtype = 1;
		ev->u.dns.answers[i].ttl = 60;
	}
	ev->size = (uint32_t)event_wire_size(ev);
}

static void
mk_common(struct ev_common *cm)
{
	memset(cm, 0, sizeof(*cm));
	snprintf(cm->ts, sizeof(cm->ts), "2023-11-14T22:13:20.000000+0000");
	snprintf(cm->src_ip, sizeof(cm->src_ip), "192.0.2.7");
	snprintf(cm->dest_ip, sizeof(cm->dest_ip), "203.0.113.53");
	snprintf(cm->pseudo, sizeof(cm->pseudo), "c-0011223344556677");
	cm->src_port = 41000;
	cm->dest_port = 53;
	cm->proto = "UDP";
	cm->app_proto = "dns";
}

TEST(wire_size_follows_content)
{
	struct event *ev = malloc(sizeof(*ev));
	struct flow *f = calloc(1, sizeof(*f));
	size_t two, none;

	ASSERT(ev != NULL && f != NULL);
	mk_dns(ev, f, 2);
	two = event_wire_size(ev);
	mk_dns(ev, f, 0);
	none = event_wire_size(ev);
	ASSERT_EQ(two - none, 2 * sizeof(struct dns_answer));
	ASSERT(two < sizeof(*ev));
	ASSERT(sizeof(*ev) <= EV_MSG_MAX);
	/* The flow summary is a copy: changing the flow afterwards does
	 * not change the event. */
	snprintf(f->meta.host, sizeof(f->meta.host), "other.example.org");
	ASSERT_STR(ev->flow.meta.host, "chat.example.com");
	ASSERT_STR(ev->flow.app_proto, "dns");
	ASSERT_EQ(ev->flow.meta.dns, 1);
	free(ev);
	free(f);
}

TEST(check_accepts_and_refuses)
{
	struct event *ev = malloc(sizeof(*ev));
	struct flow *f = calloc(1, sizeof(*f));
	size_t n;

	ASSERT(ev != NULL && f != NULL);
	mk_dns(ev, f, 3);
	n = event_wire_size(ev);
	ASSERT_EQ(event_check(ev, n), 0);
	/* short, long, wrong size field, bad magic, bad type */
	ASSERT_EQ(event_check(ev, n - 1), -EINVAL);
	ASSERT_EQ(event_check(ev, n + 1), -EINVAL);
	ASSERT_EQ(event_check(ev, 8), -EINVAL);
	ev->magic ^= 1;
	ASSERT_EQ(event_check(ev, n), -EINVAL);
	ev->magic ^= 1;
	ev->type = EV__COUNT;
	ASSERT_EQ(event_check(ev, n), -EINVAL);
	ev->type = EV_DNS;
	/* more answers claimed than a message holds */
	ev->u.dns.n_answers = DNS_MAX_ANSWERS + 1;
	ASSERT_EQ(event_check(ev, n), -EINVAL);
	ev->u.dns.n_answers = 3;
	/* an unterminated string is cut, not read past */
	memset(ev->u.dns.answers[2].data, 'x', sizeof(ev->u.dns.answers[2].data));
	memset(ev->flow.meta.host, 'y', sizeof(ev->flow.meta.host));
	ASSERT_EQ(event_check(ev, n), 0);
	ASSERT_EQ(strlen(ev->u.dns.answers[2].data), DNS_DATA_MAX);
	ASSERT_EQ(strlen(ev->flow.meta.host), sizeof(ev->flow.meta.host) - 1);
	free(ev);
	free(f);
}

/* What a writer process would receive formats like the original. */
TEST(socketpair_round_trip)
{
	static char a[16384], b[16384];
	struct event *ev = malloc(sizeof(*ev)), *rx = malloc(sizeof(*rx));
	struct flow *f = calloc(1, sizeof(*f));
	struct ev_common cm;
	size_t n, la, lb;
	ssize_t got;
	int sv[2];

	ASSERT(ev != NULL && rx != NULL && f != NULL);
	mk_dns(ev, f, 4);
	mk_common(&cm);
	n = event_wire_size(ev);
	ASSERT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	ASSERT(write(sv[0], ev, n) == (ssize_t)n);
	memset(rx, 0xa5, sizeof(*rx));
	got = read(sv[1], rx, sizeof(*rx));
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(got, (ssize_t)n);
	ASSERT_EQ(event_check(rx, (size_t)got), 0);
	la = eve_format(ev, &cm, 1, a, sizeof(a));
	lb = eve_format(rx, &cm, 1, b, sizeof(b));
	ASSERT(la > 0);
	ASSERT_EQ(la, lb);
	ASSERT(memcmp(a, b, la) == 0);
	ASSERT(strstr(a, "\"rdata\":\"198.51.100.4\"") != NULL);
	free(ev);
	free(rx);
	free(f);
}

/* Many events in one SOCK_SEQPACKET message; a damaged batch is refused. */
TEST(batch_round_trip)
{
	static char a[16384], b[16384];
	static struct ev_batch bt, rxb;
	struct event *ev = malloc(sizeof(*ev)), *rx = malloc(sizeof(*rx));
	struct flow *f = calloc(1, sizeof(*f));
	struct ev_common cm;
	size_t off = 0;
	ssize_t got;
	int i, n = 0, rc, sv[2];

	ASSERT(ev != NULL && rx != NULL && f != NULL);
	mk_common(&cm);
	ev_batch_init(&bt);
	for (i = 0; i < 40; i++) {
		mk_dns(ev, f, i % 5);
		if ((rc = ev_batch_add(&bt, ev)) == -ENOSPC)
			break;
		ASSERT_EQ(rc, 0);
	}
	ASSERT_EQ(bt.count, 40);
	/* full: the next one is refused, the batch unchanged */
	mk_dns(ev, f, DNS_MAX_ANSWERS);
	while ((rc = ev_batch_add(&bt, ev)) == 0)
		;
	ASSERT_EQ(rc, -ENOSPC);
	ASSERT(bt.len <= EV_BATCH_MAX);
	ev->size ^= 8;
	ev_batch_init(&rxb);
	ASSERT_EQ(ev_batch_add(&rxb, ev), -EINVAL);	/* size field wrong */
	ASSERT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	ASSERT(write(sv[0], bt.buf, bt.len) == (ssize_t)bt.len);
	got = read(sv[1], rxb.buf, sizeof(rxb.buf));
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(got, (ssize_t)bt.len);
	while ((rc = ev_batch_next(rxb.buf, (size_t)got, &off, rx)) == 1) {
		if (n < 40) {
			mk_dns(ev, f, n % 5);
			ASSERT_EQ(eve_format(ev, &cm, 1, a, sizeof(a)),
			    eve_format(rx, &cm, 1, b, sizeof(b)));
			ASSERT_STR(b, a);
		}
		n++;
	}
	ASSERT_EQ(rc, 0);
	ASSERT_EQ((uint32_t)n, bt.count);
	/* cut short, or a length pointing past the end: refused */
	off = 0;
	ASSERT_EQ(ev_batch_next(rxb.buf, 100, &off, rx), -EINVAL);
	off = 0;
	memset(rxb.buf, 0xff, 4);
	ASSERT_EQ(ev_batch_next(rxb.buf, (size_t)got, &off, rx), -EINVAL);
	free(ev);
	free(rx);
	free(f);
}

TEST(registry_snapshot_and_refresh)
{
	uint64_t x = 5, y = 7, z = 0, w = 2;
	char src[] = "eth0";
	struct ctr_snap *s = calloc(1, sizeof(*s));
	int i, k;

	ASSERT(s != NULL);
	ctr_reset();
	ASSERT_EQ(ctr_add(CTR_OWN_ENGINE, "a", "x", "a.x", CTR_COUNTER, &x, NULL), 0);
	ASSERT_EQ(ctr_add(CTR_OWN_OUTPUT, "b", "y", NULL, CTR_COUNTER, &y, NULL), 1);
	ASSERT_EQ(ctr_add(CTR_OWN_ENGINE, "b", "z", NULL, CTR_BOOL, &w, NULL), 2);
	ASSERT_EQ(ctr_add2(CTR_OWN_ENGINE, "b", "r", NULL, CTR_RATIO, &w, &x,
	    NULL), 3);
	ASSERT_EQ(ctr_add2(CTR_OWN_ENGINE, "b", "s", NULL, CTR_SUM, &x, &y,
	    NULL), 4);
	ASSERT_EQ(ctr_add_str(CTR_OWN_ENGINE, "b", "src", src, NULL), 5);
	ASSERT_EQ(ctr_count(), 6);
	ASSERT_EQ(ctr_find("b", "z"), 2);
	ASSERT_EQ(ctr_find("b", "nope"), -1);
	/* refused: wrong kind for the call, NULL pointer, too long a name */
	ASSERT_EQ(ctr_add(CTR_OWN_ENGINE, "a", "q", NULL, CTR_SUM, &x, NULL),
	    -EINVAL);
	ASSERT_EQ(ctr_add(CTR_OWN_ENGINE, "a", "q", NULL, CTR_COUNTER, NULL,
	    NULL), -EINVAL);
	ASSERT_EQ(ctr_add(CTR_OWN_ENGINE, "a", "a-name-much-longer-than-the-"
	    "registry-allows-for-one-key", NULL, CTR_COUNTER, &x, NULL), -EINVAL);
	ASSERT_EQ(ctr_count(), 6);
	ctr_snapshot(s);
	ASSERT_EQ(s->n, 6);
	ASSERT_EQ(s->v[0], 5);
	ASSERT_EQ(s->v[1], 7);
	ASSERT_EQ(s->v[2], 1);
	ASSERT(ctr_ratio(s, 3) > 0.39 && ctr_ratio(s, 3) < 0.41);
	ASSERT_EQ(s->v[4], 12);
	ASSERT_STR(s->str[ctr_def(5)->str_slot], "eth0");
	/* refresh touches only the owner's entries */
	x = 50;
	y = 70;
	ctr_refresh(s, CTR_OWN_OUTPUT);
	ASSERT_EQ(s->v[0], 5);
	ASSERT_EQ(s->v[1], 70);
	ctr_refresh(s, CTR_OWN_ENGINE);
	ASSERT_EQ(s->v[0], 50);
	ASSERT_EQ(s->v[4], 120);
	/* the table is bounded */
	ctr_reset();
	for (i = 0, k = 0; i < CTR_MAX + 5; i++)
		if (ctr_add(CTR_OWN_ENGINE, "a", "n", NULL, CTR_COUNTER, &z,
		    NULL) >= 0)
			k++;
	ASSERT_EQ(k, CTR_MAX);
	ASSERT_EQ(ctr_add(CTR_OWN_ENGINE, "a", "n", NULL, CTR_COUNTER, &z, NULL),
	    -ENOSPC);
	ctr_reset();
	ASSERT_EQ(ctr_count(), 0);
	free(s);
}

/* EVE stats: nested objects by section, in registration order; leaving
 * a subsection returns to its parent. */
TEST(stats_nested_by_section)
{
	static char line[4096];
	uint64_t one = 1, two = 2, three = 3, four = 4;
	char src[] = "test.pcap";
	struct event *ev = malloc(sizeof(*ev));
	struct ev_common cm;
	size_t n;

	ASSERT(ev != NULL);
	ctr_reset();
	ctr_add(CTR_OWN_ENGINE, "capture", "kernel_packets", NULL, CTR_COUNTER,
	    &one, NULL);
	ctr_add_str(CTR_OWN_ENGINE, "shadowtap", "source", src, NULL);
	ctr_add(CTR_OWN_ENGINE, "shadowtap.ai", "flows", NULL, CTR_COUNTER,
	    &two, NULL);
	ctr_add(CTR_OWN_ENGINE, "shadowtap.ai.visibility", "ech", NULL,
	    CTR_COUNTER, &three, NULL);
	ctr_add2(CTR_OWN_ENGINE, "shadowtap.ai", "blind_share", NULL, CTR_RATIO,
	    &one, &four, NULL);
	ctr_add(CTR_OWN_ENGINE, "shadowtap.dpi", "tls_hellos", NULL,
	    CTR_COUNTER, &four, NULL);
	event_begin(ev, EV_STATS, 1700000000000000ULL, NULL, 0);
	ev->u.stats.uptime_us = 3000000;
	ctr_snapshot(&ev->u.stats.c);
	memset(&cm, 0, sizeof(cm));
	snprintf(cm.ts, sizeof(cm.ts), "2023-11-14T22:13:20.000000+0000");
	n = eve_format(ev, &cm, 1, line, sizeof(line));
	ASSERT(n > 0);
	ASSERT_STR(line, "{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\","
	    "\"event_type\":\"stats\",\"stats\":{\"uptime\":3,"
	    "\"capture\":{\"kernel_packets\":1},"
	    "\"shadowtap\":{\"source\":\"test.pcap\",\"ai\":{\"flows\":2,"
	    "\"visibility\":{\"ech\":3},\"blind_share\":0.2500},"
	    "\"dpi\":{\"tls_hellos\":4}}}}");
	ctr_reset();
	free(ev);
}

int
main(void)
{
	RUN(wire_size_follows_content);
	RUN(check_accepts_and_refuses);
	RUN(socketpair_round_trip);
	RUN(batch_round_trip);
	RUN(registry_snapshot_and_refresh);
	RUN(stats_nested_by_section);
	return TEST_END();
}
