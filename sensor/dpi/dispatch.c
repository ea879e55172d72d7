/*
 * dispatch.c - recognises TLS, QUIC, DNS and HTTP on a flow's first payload
 * and feeds our own parsers in order, reporting names to classify and
 * tls/quic/dns/http records through the engine's hooks (dpi.h).
 * TCP bytes are delivered in sequence order: retransmitted bytes are
 * trimmed, and a gap stops our parsers for that direction (counted).
 */
#include <netinet/in.h>
#include <string.h>

#include "dpi/dpi.h"
#include "common/str.h"

/* Per-flow cap on HTTP events, against request floods on one connection. */
#define HTTP_EVENTS_MAX	255

/* A record for the engine to turn into an event. */
static void
emit(struct dpi_core *c, struct flow *f, enum ev_type t, const void *data)
{
	ev_report(&c->h.report, t, f, c->cur_dir, c->cur_ts, data);
}

static void	http_flush(struct dpi_core *, struct flow *);

static void
release_scratch(struct dpi_core *c)
{
	http_flush(c, c->cur_flow);
	dpi_scratch_put(c, c->fp->scratch[0]);
	dpi_scratch_put(c, c->fp->scratch[1]);
	c->fp->scratch[0] = c->fp->scratch[1] = NULL;
}

/* Our parser stops on this flow (a gap, bytes it cannot read): its
 * borrowed buffers go back to the pool now, not at the flow's end. */
static void
give_up(struct dpi_core *c, struct flow *f)
{
	f->meta.app_gave_up = 1;
	release_scratch(c);
}

static uint8_t *
scratch(struct dpi_core *c, int dir)
{
	if (c->fp->scratch[dir] == NULL)
		c->fp->scratch[dir] = dpi_scratch_get(c);
	return c->fp->scratch[dir];
}

/* Names are length-delimited: a NUL inside is kept (issue 15). */
static void
set_host(struct flow *f, const char *name, size_t len, enum host_src src)
{
	if (len == 0)
		return;
	if (len > sizeof(f->meta.host) - 1)
		len = sizeof(f->meta.host) - 1;
	memcpy(f->meta.host, name, len);
	f->meta.host[len] = '\0';
	f->meta.host_len = (uint16_t)len;
	f->meta.host_src = (uint8_t)src;
}

static void
take_hello(struct flow *f, const struct tls_hello *h, enum host_src src)
{
	if (h->has_sni)
		set_host(f, h->sni, h->sni_len, src);
	str_lcpy(f->meta.alpn, h->alpn, sizeof(f->meta.alpn));
	str_lcpy(f->meta.ja3, h->ja3, sizeof(f->meta.ja3));
	str_lcpy(f->meta.ja4, h->ja4, sizeof(f->meta.ja4));
	f->meta.ech = h->ech;
	f->meta.tls_version = h->max_version;
	f->meta.tls_hello = 1;
}

/* ---- TLS over TCP ---- */

static void
tls_bytes(struct dpi_core *c, struct flow *f, int dir, const uint8_t *p,
    size_t n)
{
	struct tls_dir *td = &c->fp->tls[dir];
	uint8_t *buf = NULL;
	size_t mlen = 0;
	int r;

	if (td->state == TLS_DIR_NOT_TLS)
		return;
	if (td->state != TLS_DIR_COUNTING &&
	    (buf = scratch(c, dir)) == NULL)
		return;
	r = tls_dir_feed(td, p, n, buf, buf ? c->scratch_size : 0, &mlen);
	if (dir == 0) {
		/* What the upload accounting reads (flow_upload_bytes). */
		f->meta.tls_up_state = td->state;
		f->meta.tls_up_bytes = td->app_bytes;
	}
	if (r == TLS_FEED_NOT_TLS) {
		dpi_scratch_put(c, c->fp->scratch[dir]);
		c->fp->scratch[dir] = NULL;
	}
	if (r != TLS_FEED_HELLO)
		return;
	if (dir == 0 && buf[0] == 1) {
		struct tls_hello h;

		memset(&h, 0, sizeof(h));
		if (tls_parse_client_hello(buf, mlen, 0, &h) == 0) {
			take_hello(f, &h, HOST_TLS_SNI);
			c->st.tls_hellos++;
			if (c->h.hello != NULL)
				c->h.hello(c->h.arg, f, c->cur_ts);
		}
	} else if (dir == 1 && buf[0] == 2) {
		uint16_t v;

		if (tls_parse_server_hello(buf, mlen, &v) == 0) {
			f->meta.tls_version = v;
			f->meta.tls_server = 1;
		}
	}
	dpi_scratch_put(c, c->fp->scratch[dir]);
	c->fp->scratch[dir] = NULL;
	/* Log once both hellos are in (the negotiated version needs the
	 * ServerHello); dispatch_flow_end logs a lone ClientHello. */
	if (f->meta.tls_hello && f->meta.tls_server && !f->meta.tls_logged) {
		f->meta.tls_logged = 1;
		emit(c, f, EV_TLS, NULL);
	}
}

/* ---- HTTP ---- */

/*
 * An http event waits for its response (status, length), as Suricata
 * logs a transaction: the request is kept in the flow's server-direction
 * scratch buffer (unused by HTTP otherwise) and emitted, with the
 * request's time, when the response's first segment arrives, or without
 * a status when the next request comes first, the parser stops, or the
 * flow ends.  Emitted at once, without a status, on a one-way tap (no
 * server packet seen) or when less than a quarter of the pool is free.
 */
struct http_wait {
	struct http_req	req;
	uint64_t	ts;
};

static void
http_emit_at(struct dpi_core *c, struct flow *f, const struct http_req *req,
    uint64_t ts)
{
	uint64_t now = c->cur_ts;
	int dir = c->cur_dir;

	c->cur_ts = ts;
	c->cur_dir = 0;
	emit(c, f, EV_HTTP, req);
	c->cur_ts = now;
	c->cur_dir = dir;
}

static void
http_flush(struct dpi_core *c, struct flow *f)
{
	struct dpi_flow *fp = dpi_flow_of(c, f);
	struct http_wait *w;

	if (!fp->http.resp_wait)
		return;
	fp->http.resp_wait = 0;
	w = (struct http_wait *)(void *)fp->scratch[1];
	fp->scratch[1] = NULL;
	if (w == NULL)
		return;
	http_emit_at(c, f, &w->req, w->ts);
	dpi_scratch_put(c, (uint8_t *)w);
}

static void
http_wait(struct dpi_core *c, struct flow *f, const struct http_req *req)
{
	struct dpi_flow *fp = dpi_flow_of(c, f);
	struct http_wait *w;

	http_flush(c, f);
	/* Not when no server packet was ever seen (a one-way tap: no
	 * response will come), and only while a quarter of the pool stays
	 * free for the header parsers. */
	if (c->scratch_size < sizeof(*w) || fp->scratch[1] != NULL ||
	    f->pkts[1] == 0 || c->scratch_nfree + (c->scratch_slots -
	    c->scratch_used) <= c->scratch_slots / 4 ||
	    (w = (struct http_wait *)(void *)dpi_scratch_get(c)) == NULL) {
		emit(c, f, EV_HTTP, req);
		return;
	}
	memcpy(&w->req, req, sizeof(w->req));
	w->ts = c->cur_ts;
	fp->scratch[1] = (uint8_t *)w;
	fp->http.resp_wait = 1;
}

/* Server bytes of an HTTP flow: only a segment that starts a response is
 * looked at, while a request waits; interim 1xx responses keep it waiting. */
static void
http_response(struct dpi_core *c, struct flow *f, const uint8_t *p, size_t n)
{
	struct dpi_flow *fp = dpi_flow_of(c, f);
	struct http_wait *w = (struct http_wait *)(void *)fp->scratch[1];
	struct http_resp r;

	if (!fp->http.resp_wait || w == NULL ||
	    http_parse_response(p, n, &r) != 0 || r.status < 200)
		return;
	w->req.status = r.status;
	w->req.length = r.length;
	http_flush(c, f);
}

static void
http_on_request(void *arg, const struct http_req *req)
{
	struct dpi_core *c = arg;
	struct flow *f = c->cur_flow;

	c->st.http_reqs++;
	if (req->anomaly)
		c->st.http_anomalies++;
	f->meta.body_peek = 0;
	if (f->meta.host_src == HOST_NONE || f->meta.host_src == HOST_NDPI)
		set_host(f, req->host, req->host_len, HOST_HTTP);
	if (f->meta.http_method[0] == '\0')
		str_lcpy(f->meta.http_method, req->method, sizeof(f->meta.http_method));
	if (c->h.http != NULL)
		c->h.http(c->h.arg, f, req, c->cur_ts);
	if (f->meta.http_reqs < HTTP_EVENTS_MAX) {
		f->meta.http_reqs++;
		http_wait(c, f, req);
	}
}

/* Body markers (MCP JSON-RPC method names) sit at the top of a request
 * body: only its first bytes are looked at, and only while the flow is not
 * yet attributed.  A marker cut by a segment boundary is missed. */
#define BODY_PEEK_MAX	1024

static void
http_on_body(void *arg, const uint8_t *p, size_t n)
{
	struct dpi_core *c = arg;
	struct flow *f = c->cur_flow;

	if (f->ai != NULL || f->meta.body_peek >= BODY_PEEK_MAX)
		return;
	if (n > (size_t)(BODY_PEEK_MAX - f->meta.body_peek))
		n = (size_t)(BODY_PEEK_MAX - f->meta.body_peek);
	f->meta.body_peek = (uint16_t)(f->meta.body_peek + n);
	if (c->h.body != NULL)
		c->h.body(c->h.arg, f, p, n, c->cur_ts);
}

static void
http_bytes(struct dpi_core *c, struct flow *f, const uint8_t *p, size_t n)
{
	struct http_cb cb = { http_on_request, http_on_body, NULL, c };
	uint8_t *buf;
	int r;

	if ((buf = scratch(c, 0)) == NULL)
		return;
	r = http_feed(&c->fp->http, p, n, buf, c->scratch_size, &cb);
	if (r < 0)
		f->meta.app_gave_up = 1;
	/* Header bytes are only buffered between segments of one header
	 * block; otherwise the buffer goes back to the pool. */
	if (c->fp->http.hdr_have == 0 || r < 0) {
		dpi_scratch_put(c, c->fp->scratch[0]);
		c->fp->scratch[0] = NULL;
	}
}

/*
 * A snap length cut the segment just fed: report the request whose header
 * block was cut (http_cut), then stop this request.  Unlike a real gap,
 * the next segment is in sequence (tcp_in_order), so late_start may
 * restart the parser at the next request on a keep-alive connection.
 */
static void
http_snap_cut(struct dpi_core *c, struct flow *f, int dir)
{
	struct http_cb cb = { http_on_request, NULL, NULL, c };

	c->st.snap_cut++;
	if (dir != 0)		/* responses are not parsed */
		return;
	f->meta.snap_cut = 1;
	if (!f->meta.app_gave_up)
		(void)http_cut(&c->fp->http, c->fp->scratch[0],
		    c->fp->scratch[0] ? c->scratch_size : 0, &cb);
	give_up(c, f);
}

/* One request per datagram (SSDP M-SEARCH/NOTIFY); replies are ignored. */
static void
http_datagram(struct dpi_core *c, const uint8_t *p, size_t n, int cut)
{
	struct http_req req;
	size_t i;

	/* The header block ends at the first empty line. */
	for (i = 0; i + 3 < n; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' &&
		    p[i + 3] == '\n')
			break;
	if (!http_looks_like_request(p, n))
		return;
	if (i + 3 >= n) {
		/* Cut by the snap length: its complete lines (http_cut). */
		struct http_cb cb = { http_on_request, NULL, NULL, c };
		struct http_stream hs;
		uint8_t *buf;

		if (!cut || (buf = scratch(c, 0)) == NULL)
			return;
		memset(&hs, 0, sizeof(hs));
		c->st.snap_cut++;
		if (http_feed(&hs, p, n, buf, c->scratch_size, &cb) ==
		    HTTP_FEED_OK)
			(void)http_cut(&hs, buf, c->scratch_size, &cb);
		dpi_scratch_put(c, c->fp->scratch[0]);
		c->fp->scratch[0] = NULL;
		return;
	}
	memset(&req, 0, sizeof(req));
	if (http_parse_request(p, i + 4, &req) == 0) {
		http_on_request(c, &req);
		http_flush(c, c->cur_flow);	/* datagrams: no response kept */
	}
}

/* ---- DNS ---- */

static void
dns_message(void *arg, const uint8_t *msg, size_t len)
{
	struct dpi_core *c = arg;
	struct flow *f = c->cur_flow;
	struct dns_msg *d = &c->dns;

	if (dns_parse(msg, len, d) < 0) {
		c->st.dns_bad++;
		return;
	}
	c->st.dns_msgs++;
	if (d->qr == 0) {
		if (f->meta.host_src == HOST_NONE || f->meta.host_src == HOST_DNS)
			set_host(f, d->qname, d->qname_len, HOST_DNS);
		f->meta.dns_pending = 1;
		f->meta.dns_id = d->id;
		f->meta.dns_qtype = d->qtype;
		f->meta.dns_query_ts = c->cur_ts;
	} else {
		if (f->meta.host_len == 0)
			set_host(f, d->qname, d->qname_len, HOST_DNS);
		if (f->meta.dns_pending && f->meta.dns_id == d->id)
			f->meta.dns_pending = 0;
	}
	if (c->h.dns != NULL)
		c->h.dns(c->h.arg, f, d, c->cur_ts);
	emit(c, f, EV_DNS, d);
}

static void
dns_bytes(struct dpi_core *c, struct flow *f, int dir, const uint8_t *p,
    size_t n, int tcp)
{
	uint8_t *buf;

	if (!tcp) {
		dns_message(c, p, n);
		return;
	}
	if ((buf = scratch(c, dir)) == NULL)
		return;
	if (dns_tcp_feed(&c->fp->dnstcp[dir], p, n, buf, c->scratch_size,
	    dns_message, c) < 0) {
		give_up(c, f);
		return;
	}
	if (c->fp->dnstcp[dir].have == 0) {
		dpi_scratch_put(c, c->fp->scratch[dir]);
		c->fp->scratch[dir] = NULL;
	}
}

/* ---- QUIC ---- */

static void
quic_bytes(struct dpi_core *c, struct flow *f, const uint8_t *p, size_t n)
{
	struct tls_hello h;
	uint8_t *buf;
	int r;

	if (c->fp->quic.done || (buf = scratch(c, 0)) == NULL)
		return;
	memset(&h, 0, sizeof(h));
	r = quic_feed_client(&c->fp->quic, p, n, buf, c->scratch_size, &h);
	f->meta.quic_version = c->fp->quic.version;
	if (r == QUIC_FEED_MORE)
		return;
	if (r == QUIC_FEED_HELLO) {
		take_hello(f, &h, HOST_QUIC_SNI);
		c->st.quic_hellos++;
		if (c->h.hello != NULL)
			c->h.hello(c->h.arg, f, c->cur_ts);
		emit(c, f, EV_QUIC, NULL);
		f->meta.tls_logged = 1;
	}
	c->fp->quic.done = 1;
	c->fp->ours_done = 1;
	release_scratch(c);
}

/* ---- recognition and TCP ordering ---- */

static int
is_dns_port(uint16_t a, uint16_t b)
{
	return a == 53 || b == 53 || a == 5353 || b == 5353 || a == 5355 ||
	    b == 5355;
}

/* A DNS query on a port that is not DNS's (DNSCrypt certificate queries,
 * resolvers on 443): accept only a strict single-question query, so random
 * UDP payloads do not pass. */
static int
dns_query_plausible(struct dpi_core *c, const uint8_t *d, size_t n)
{
	if (n < 17 || n > 4096 || (d[2] & 0xf8) != 0 || d[4] != 0 || d[5] != 1 ||
	    d[6] || d[7] || d[8] || d[9] || d[10] || d[11] > 1)
		return 0;
	if (dns_parse(d, n, &c->dns) < 0)
		return 0;
	return c->dns.qclass == 1 && c->dns.qtype != 0 && c->dns.qname[0] != '\0' &&
	    dns_type_str(c->dns.qtype) != NULL;
}

/* Decide which of our parsers owns the flow from its first payload. */
static void
recognise(struct dpi_core *c, struct flow *f, const struct pkt *p, int dir)
{
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	uint32_t v;

	if (p->proto == IPPROTO_UDP) {
		int netbios = p->sport == 137 || p->dport == 137;

		if (is_dns_port(p->sport, p->dport))
			f->meta.app = APP_DNS;
		else if (dir == 0 && quic_looks_like(d, n, &v))
			f->meta.app = APP_QUIC;
		else if (http_looks_like_request(d, n))
			f->meta.app = APP_HTTP;	/* SSDP and other HTTP-over-UDP */
		else if (!netbios && dns_query_plausible(c, d, n))
			f->meta.app = APP_DNS;
	} else if (p->proto == IPPROTO_TCP) {
		if (n >= 3 && d[0] == 0x16 && d[1] == 3 && dir == 0)
			f->meta.app = APP_TLS;
		else if (dir == 0 && http_looks_like_request(d, n))
			f->meta.app = APP_HTTP;
		else if (is_dns_port(p->sport, p->dport) && p->sport != 5353 &&
		    p->dport != 5353)
			f->meta.app = APP_DNS;
	}
	f->meta.recognised = 1;
}

/* Trim a TCP segment to the bytes not yet delivered in this direction.
 * Returns the number of new in-order bytes, 0 for pure retransmissions,
 * and -1 for a gap (bytes missing before this segment). */
static long
tcp_in_order(struct dpi_core *c, struct flow *f, const struct pkt *p, int dir,
    const uint8_t **data)
{
	struct dpi_flow *fp = c->fp;
	uint32_t seq = p->seq, len = p->payload_len;
	int32_t delta;

	if (p->tcp_flags & TH_SYN) {
		fp->next_seq[dir] = seq + 1;
		fp->seq_ok[dir] = 1;
		seq++;
	}
	*data = p->payload;
	if (len == 0)
		return 0;
	if (!fp->seq_ok[dir]) {		/* mid-stream: start here */
		fp->next_seq[dir] = seq;
		fp->seq_ok[dir] = 1;
	}
	delta = (int32_t)(seq - fp->next_seq[dir]);
	if (delta > 0) {
		c->st.tcp_ooo++;
		fp->ooo[dir]++;
		if (f->meta.app == APP_UNKNOWN || f->meta.app == APP_OTHER) {
			/* Nothing parsed yet: resynchronise, so a protocol that
			 * starts later (STARTTLS) can still be recognised. */
			fp->next_seq[dir] = seq + len;
		}
		return -1;
	}
	if ((uint32_t)-delta >= len)
		return 0;
	*data += (uint32_t)-delta;
	len -= (uint32_t)-delta;
	/* The snap length cut this segment: the sequence space of the bytes
	 * not captured is skipped too (dispatch_packet stops the parser), so
	 * the next segment is not a gap: a new request may start there. */
	fp->next_seq[dir] += len + p->payload_cut;
	return len;
}

/*
 * A protocol that starts after something else on the same connection:
 * TLS after STARTTLS, an HTTP CONNECT, a SOCKS or PROXY-protocol header;
 * HTTP after a SOCKS handshake.  Only the client's first bytes of a
 * segment are looked at, so this costs a few compares per packet.
 */
static void
late_start(struct dpi_core *c, struct flow *f, const struct pkt *p, int dir,
    const uint8_t *d, size_t n)
{
	int tunnel = f->meta.app == APP_HTTP && http_may_tunnel(&c->fp->http);

	if (p->proto != IPPROTO_TCP || dir != 0 || f->meta.tls_hello ||
	    (f->meta.app != APP_UNKNOWN && f->meta.app != APP_OTHER && !tunnel &&
	    !f->meta.app_gave_up))
		return;
	if (n >= 6 && d[0] == 0x16 && d[1] == 3 && d[2] <= 4 && d[5] == 1) {
		memset(c->fp->tls, 0, sizeof(c->fp->tls));
		f->meta.tls_up_state = 0;
		f->meta.tls_up_bytes = 0;
		f->meta.app = APP_TLS;
		f->meta.app_gave_up = 0;
	} else if (!tunnel && (f->meta.app != APP_HTTP || f->meta.snap_cut) &&
	    http_looks_like_request(d, n)) {
		memset(&c->fp->http, 0, sizeof(c->fp->http));
		f->meta.app = APP_HTTP;
		f->meta.app_gave_up = 0;
	}
}

int
dispatch_packet(struct dpi_core *c, struct flow *f, const struct pkt *p,
    int dir)
{
	const uint8_t *data = p->payload;
	long n = p->payload_len;

	c->cur_flow = f;
	c->fp = dpi_flow_of(c, f);
	c->cur_ts = p->ts_us;
	c->cur_dir = dir;
	if (p->proto == IPPROTO_TCP) {
		n = tcp_in_order(c, f, p, dir, &data);
		if (n < 0) {
			/* A hole: our parsers would misread what follows. */
			if (f->meta.recognised && f->meta.app != APP_UNKNOWN &&
			    f->meta.app != APP_OTHER)
				give_up(c, f);
			return f->meta.app != APP_UNKNOWN && f->meta.app != APP_OTHER;
		}
	}
	if (n == 0 || data == NULL)
		return f->meta.app != APP_UNKNOWN && f->meta.app != APP_OTHER;
	if (!f->meta.recognised)
		recognise(c, f, p, dir);
	else {
		late_start(c, f, p, dir, data, (size_t)n);
		if (f->meta.app != APP_HTTP)
			http_flush(c, f);	/* a tunnel began */
	}
	if (f->meta.app_gave_up)
		return f->meta.app != APP_UNKNOWN && f->meta.app != APP_OTHER;
	switch (f->meta.app) {
	case APP_TLS:
		tls_bytes(c, f, dir, data, (size_t)n);
		break;
	case APP_HTTP:
		if (p->proto == IPPROTO_UDP)
			http_datagram(c, data, (size_t)n, p->payload_cut != 0);
		else if (dir == 0)
			http_bytes(c, f, data, (size_t)n);
		if (p->proto == IPPROTO_TCP && p->payload_cut)
			http_snap_cut(c, f, dir);
		else
			http_response(c, f, data, (size_t)n);
		break;
	case APP_DNS:
		dns_bytes(c, f, dir, data, (size_t)n, p->proto == IPPROTO_TCP);
		break;
	case APP_QUIC:
		if (dir == 0)
			quic_bytes(c, f, data, (size_t)n);
		break;
	default:
		return 0;
	}
	if (p->proto == IPPROTO_TCP && p->payload_cut && !f->meta.app_gave_up &&
	    f->meta.app != APP_HTTP) {
		/* TLS, DNS over TCP: a record cut short cannot be framed. */
		c->st.snap_cut++;
		f->meta.snap_cut = 1;
		give_up(c, f);
	}
	return 1;
}

void
dispatch_flow_end(struct dpi_core *c, struct flow *f)
{
	c->cur_flow = f;
	c->fp = dpi_flow_of(c, f);
	c->cur_ts = f->ts_last;
	c->cur_dir = 0;
	if (f->meta.app == APP_TLS && f->meta.tls_hello && !f->meta.tls_logged) {
		f->meta.tls_logged = 1;
		emit(c, f, EV_TLS, NULL);
	}
	release_scratch(c);
}
