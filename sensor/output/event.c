/*
 * event.c - the flat event's size and check (event.h): what a process
 * boundary sends and what a receiver accepts.
 */
#include <errno.h>
#include <string.h>

#include "output/event.h"
#include "common/str.h"

#define UNION_OFF	offsetof(struct event, u)

size_t
event_wire_size(const struct event *ev)
{
	size_t n;

	switch (ev->type) {
	case EV_DNS:
		n = offsetof(struct dns_msg, answers) + (size_t)(ev->u.dns.n_answers <=
		    DNS_MAX_ANSWERS ? ev->u.dns.n_answers : DNS_MAX_ANSWERS) *
		    sizeof(struct dns_answer);
		break;
	case EV_HTTP: n = sizeof(ev->u.http); break;
	case EV_STATS: n = sizeof(ev->u.stats); break;
	case EV_AI: n = sizeof(ev->u.ai); break;
	case EV_ALERT: n = sizeof(ev->u.alert); break;
	case EV_VISIBILITY: n = sizeof(ev->u.vis); break;
	case EV_POLICY: n = sizeof(ev->u.policy); break;
	default: n = sizeof(ev->u.why); break;
	}
	return UNION_OFF + n;
}

static void
term(char *s, size_t cap)
{
	s[cap - 1] = '\0';
}
#define TERM(x)	term((x), sizeof(x))

int
event_check(struct event *ev, size_t n)
{
	struct ev_flow *f = &ev->flow;
	uint16_t i;

	if (n < UNION_OFF || n > sizeof(*ev) || ev->magic != EV_MAGIC ||
	    ev->type >= EV__COUNT || ev->size != n ||
	    event_wire_size(ev) != n)
		return -EINVAL;
	TERM(f->state); TERM(f->app_proto); TERM(f->meta.host);
	TERM(f->meta.alpn); TERM(f->meta.ja3); TERM(f->meta.ja4);
	TERM(f->meta.http_method);
	TERM(f->ai.service); TERM(f->ai.name); TERM(f->ai.vendor);
	TERM(f->ai.category); TERM(f->ai.host); TERM(f->ai.rule);
	TERM(f->ai.exception); TERM(f->ai.policy_version);
	switch (ev->type) {
	case EV_DNS:
		if (ev->u.dns.n_answers > DNS_MAX_ANSWERS)
			return -EINVAL;
		TERM(ev->u.dns.qname);
		for (i = 0; i < ev->u.dns.n_answers; i++) {
			TERM(ev->u.dns.answers[i].name);
			TERM(ev->u.dns.answers[i].data);
		}
		break;
	case EV_HTTP:
		TERM(ev->u.http.method); TERM(ev->u.http.host);
		TERM(ev->u.http.uri); TERM(ev->u.http.user_agent);
		TERM(ev->u.http.content_type);
		TERM(ev->u.http.content_encoding); TERM(ev->u.http.protocol);
		break;
	case EV_STATS:
		if (ev->u.stats.c.n > CTR_MAX)
			return -EINVAL;
		for (i = 0; i < CTR_STR_MAX; i++)
			TERM(ev->u.stats.c.str[i]);
		break;
	case EV_AI:
		TERM(ev->u.ai.service); TERM(ev->u.ai.name);
		TERM(ev->u.ai.vendor); TERM(ev->u.ai.category);
		TERM(ev->u.ai.host); TERM(ev->u.ai.rule);
		TERM(ev->u.ai.exception); TERM(ev->u.ai.policy_version);
		break;
	case EV_ALERT:
		TERM(ev->u.alert.kind); TERM(ev->u.alert.severity);
		TERM(ev->u.alert.rule); TERM(ev->u.alert.signature);
		TERM(ev->u.alert.dlp_class); TERM(ev->u.alert.detector);
		TERM(ev->u.alert.evidence); TERM(ev->u.alert.fingerprint);
		break;
	case EV_VISIBILITY:
		TERM(ev->u.vis.kind); TERM(ev->u.vis.detail);
		break;
	case EV_POLICY:
		TERM(ev->u.policy.action); TERM(ev->u.policy.version);
		TERM(ev->u.policy.summary);
		break;
	default:
		break;
	}
	return 0;
}

void
alert_set(struct alert_info *a, int bit, char *field, size_t cap,
    const char *s)
{
	if (s == NULL) {
		field[0] = '\0';
		a->has &= (uint8_t)~bit;
		return;
	}
	str_lcpy(field, s, cap);
	a->has |= (uint8_t)bit;
}

#define PAD8(n)	(((n) + 7) & ~(size_t)7)

void
ev_batch_init(struct ev_batch *b)
{
	b->len = 0;
	b->count = 0;
}

int
ev_batch_add(struct ev_batch *b, const struct event *ev)
{
	size_t n = event_wire_size(ev), need = PAD8(4 + n);
	uint32_t len = (uint32_t)n;

	if (ev->magic != EV_MAGIC || ev->size != n)
		return -EINVAL;
	if (need > sizeof(b->buf) - b->len)
		return -ENOSPC;
	memcpy(b->buf + b->len, &len, 4);
	memcpy(b->buf + b->len + 4, ev, n);
	memset(b->buf + b->len + 4 + n, 0, need - 4 - n);
	b->len += (uint32_t)need;
	b->count++;
	return 0;
}

int
ev_batch_next(const uint8_t *buf, size_t len, size_t *off, struct event *out)
{
	uint32_t n;

	if (*off == len)
		return 0;
	if (*off > len || len - *off < 4)
		return -EINVAL;
	memcpy(&n, buf + *off, 4);
	if (n > sizeof(*out) || n > len - *off - 4 ||
	    PAD8(4 + (size_t)n) > len - *off)
		return -EINVAL;
	memcpy(out, buf + *off + 4, n);
	if (event_check(out, n) < 0)
		return -EINVAL;
	*off += PAD8(4 + (size_t)n);
	return 1;
}
