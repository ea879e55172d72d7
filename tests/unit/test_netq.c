/*
 * test_netq.c - unit tests for sensor/output/netq.c and the sinks over it
 * against the test's own listening socket on 127.0.0.1, with a fake clock
 * for the backoff: records queued while nothing listens, the bounded queue
 * dropping (and counting) the newest, whole records in order once
 * connected, a closed collector noticed and reconnected (reconnects
 * counted), RFC 6587 octet counting and the RFC 5424 header of
 * sink_syslog.c, RESP of sink_redis.c and its error-reply count.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "output/netq.h"
#include "test.h"

static int
listener(uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(*port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A port nothing listens on (bound, then closed). */
static uint16_t
dead_port(void)
{
	uint16_t p = 0;
	int fd = listener(&p);

	close(fd);
	return p;
}

static int
accept_wait(int lfd)
{
	struct pollfd p = { lfd, POLLIN, 0 };

	if (poll(&p, 1, 2000) <= 0)
		return -1;
	return accept(lfd, NULL, NULL);
}

/* Read until ${want} bytes or 2 s of silence. */
static size_t
read_all(int fd, char *buf, size_t cap, size_t want)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;

	while (n < want && poll(&p, 1, 2000) > 0 &&
	    (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	return n;
}

static int
push(struct netq *q, const char *s)
{
	struct iovec iov = { (void *)(uintptr_t)s, strlen(s) };

	return netq_pushv(q, &iov, 1);
}

TEST(queue_bounded_while_down)
{
	struct netq *q;
	char rec[1000];
	int i, ok = 0;

	memset(rec, 'x', sizeof(rec) - 1);
	rec[sizeof(rec) - 1] = '\0';
	ASSERT_EQ(netq_open(&q, "test", "127.0.0.1", dead_port(), 4096,
	    1000000), 0);
	ASSERT_EQ(netq_stats(q)->connected, 0);
	for (i = 0; i < 6; i++)
		ok += push(q, rec) == 0;
	ASSERT_EQ(ok, 4);		/* 4 x 999 bytes fit 4096 */
	ASSERT_EQ(netq_stats(q)->dropped, 2);
	ASSERT_EQ(netq_stats(q)->buffered, 4 * 999);
	ASSERT_EQ(netq_stats(q)->sent, 0);
	netq_service(q, 1000001);	/* within the backoff: no attempt */
	ASSERT_EQ(netq_stats(q)->connected, 0);
	ASSERT_EQ(push(q, ""), -ENOBUFS);	/* empty record refused */
	netq_close(q);			/* leftovers counted at exit */
}

TEST(connect_send_reconnect)
{
	struct netq *q;
	uint16_t port = 0;
	int lfd, cfd;
	char buf[256];
	uint64_t now = 5000000;
	size_t n;

	ASSERT((lfd = listener(&port)) >= 0);
	ASSERT_EQ(netq_open(&q, "test", "127.0.0.1", port, 65536, now), 0);
	ASSERT_EQ(push(q, "one\n"), 0);
	ASSERT_EQ(push(q, "two\n"), 0);
	ASSERT((cfd = accept_wait(lfd)) >= 0);
	netq_service(q, now);
	n = read_all(cfd, buf, sizeof(buf), 8);
	ASSERT_EQ(n, 8);
	ASSERT(memcmp(buf, "one\ntwo\n", 8) == 0);
	ASSERT_EQ(netq_stats(q)->sent, 2);
	ASSERT_EQ(netq_stats(q)->connected, 1);
	ASSERT_EQ(netq_stats(q)->reconnects, 0);
	/* The collector goes away: noticed before anything more is sent. */
	close(cfd);
	usleep(50000);
	ASSERT_EQ(push(q, "three\n"), 0);
	netq_service(q, now += 1000);
	ASSERT_EQ(netq_stats(q)->connected, 0);
	ASSERT_EQ(netq_stats(q)->sent, 2);
	ASSERT_EQ(netq_stats(q)->buffered, 6);
	/* Backoff: not before 250 ms of the (fake) clock, then again. */
	netq_service(q, now + 1000);
	ASSERT_EQ(netq_stats(q)->reconnects, 0);
	netq_service(q, now += 300000);
	ASSERT((cfd = accept_wait(lfd)) >= 0);
	netq_service(q, now);
	n = read_all(cfd, buf, sizeof(buf), 6);
	ASSERT_EQ(n, 6);
	ASSERT(memcmp(buf, "three\n", 6) == 0);
	ASSERT_EQ(netq_stats(q)->reconnects, 1);
	ASSERT_EQ(netq_stats(q)->sent, 3);
	ASSERT_EQ(netq_stats(q)->dropped, 0);
	netq_close(q);
	close(cfd);
	close(lfd);
}

TEST(syslog_frame)
{
	struct output_conf c;
	struct syslog_sink *s;
	struct event *ev;
	struct ev_common cm;
	uint16_t port = 0;
	int lfd, cfd;
	char buf[1024], *sp;
	const char *json = "{\"event_type\":\"alert\"}";
	size_t n, len;

	ASSERT((lfd = listener(&port)) >= 0);
	output_conf_defaults(&c);
	c.syslog_server = "127.0.0.1";
	c.syslog_port = port;
	ASSERT_EQ(syslog_facility("local5"), 21);
	ASSERT_EQ(syslog_facility("7"), 7);
	ASSERT_EQ(syslog_facility("local9"), -1);
	ASSERT_EQ(syslog_facility("24"), -1);
	ASSERT_EQ(syslog_sink_open(&s, &c, "sensor a", 1), 0);
	ASSERT((ev = calloc(1, sizeof(*ev))) != NULL);
	memset(&cm, 0, sizeof(cm));
	snprintf(cm.ts, sizeof(cm.ts), "2026-12-03T14:00:00.123456+0000");
	ev->type = EV_ALERT;
	snprintf(ev->u.alert.severity, sizeof(ev->u.alert.severity), "high");
	syslog_sink_put(s, ev, &cm, json, strlen(json));
	ev->type = EV_FLOW;
	syslog_sink_put(s, ev, &cm, json, strlen(json));
	ASSERT((cfd = accept_wait(lfd)) >= 0);
	netq_service(syslog_sink_q(s), 2);
	n = read_all(cfd, buf, sizeof(buf) - 1, 2 * 100);
	buf[n] = '\0';
	/* octet counting: LEN SP MSG, LEN = the bytes of MSG */
	len = strtoul(buf, &sp, 10);
	ASSERT(*sp == ' ');
	ASSERT(len > 0 && (size_t)(sp + 1 - buf) + len < n);
	ASSERT(strncmp(sp + 1, "<172>1 2026-12-03T14:00:00.123456Z sensor_a "
	    "shadowtap ", 50) == 0);
	ASSERT(memcmp(sp + 1 + len - strlen(json) - 2, "- ", 2) == 0);
	ASSERT(memcmp(sp + 1 + len - strlen(json), json, strlen(json)) == 0);
	sp = sp + 1 + len;
	ASSERT(strstr(sp, " <174>1 ") != NULL);	/* flow: local5.info */
	ASSERT(strstr(sp, " flow - {") != NULL);
	syslog_sink_close(s);
	close(cfd);
	close(lfd);
	free(ev);
}

TEST(redis_resp)
{
	static const char want[] =
	    "*8\r\n$4\r\nXADD\r\n$3\r\neve\r\n$6\r\nMAXLEN\r\n$1\r\n~\r\n"
	    "$2\r\n10\r\n$1\r\n*\r\n$3\r\neve\r\n$2\r\n{}\r\n"
	    "*8\r\n";
	struct output_conf c;
	struct redis_sink *s;
	uint16_t port = 0;
	int lfd, cfd;
	char buf[1024];
	size_t n;

	ASSERT_EQ(redis_mode("list"), RM_RPUSH);
	ASSERT_EQ(redis_mode("lpush"), RM_LPUSH);
	ASSERT_EQ(redis_mode("channel"), RM_PUBLISH);
	ASSERT_EQ(redis_mode("stream"), RM_XADD);
	ASSERT_EQ(redis_mode("zadd"), -1);
	ASSERT((lfd = listener(&port)) >= 0);
	output_conf_defaults(&c);
	c.redis_server = "127.0.0.1";
	c.redis_port = port;
	c.redis_mode = RM_XADD;
	c.redis_key = "eve";
	c.redis_maxlen = 10;
	ASSERT_EQ(redis_sink_open(&s, &c, 1), 0);
	redis_sink_put(s, "{}", 2);
	redis_sink_put(s, "{}", 2);
	ASSERT((cfd = accept_wait(lfd)) >= 0);
	netq_service(redis_sink_q(s), 2);
	n = read_all(cfd, buf, sizeof(buf), 2 * (sizeof(want) - 5));
	ASSERT_EQ(n, 2 * (sizeof(want) - 5));
	ASSERT(memcmp(buf, want, sizeof(want) - 1) == 0);
	/* replies: one id, one error split over two reads */
	ASSERT(write(cfd, "$15\r\n1700000000000-0\r\n-ERR wr", 29) == 29);
	usleep(50000);
	netq_service(redis_sink_q(s), 3);
	ASSERT(write(cfd, "ong type\r\n", 10) == 10);
	usleep(50000);
	netq_service(redis_sink_q(s), 4);
	ASSERT_EQ(netq_stats(redis_sink_q(s))->errors, 1);
	c.redis_key = "";
	ASSERT_EQ(redis_sink_open(&s, &c, 1) == -EINVAL, 1);
	redis_sink_close(s);
	close(cfd);
	close(lfd);
}

int
main(void)
{
	RUN(queue_bounded_while_down);
	RUN(connect_send_reconnect);
	RUN(syslog_frame);
	RUN(redis_resp);
	return TEST_END();
}
