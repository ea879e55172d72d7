/*
 * test_json.c - unit tests for output/json.c (escaping, UTF-8 validation,
 * the bounded builder, timestamps) and a strict JSON check of the lines
 * output/eve.c writes for flows carrying hostile names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "engine.h"
#include "flow/flow.h"
#include "output/output.h"
#include "test.h"

/* ---- a strict RFC 8259 validator (no trailing data, UTF-8 checked) ---- */

struct jp {
	const unsigned char *p, *end;
	int depth;
};

static int jp_value(struct jp *j);

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
jp_lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

/* One UTF-8 sequence (shortest form, no surrogates, <= U+10FFFF). */
static int
jp_utf8(struct jp *j)
{
	unsigned c = *j->p, cp, need, i;

	if (c < 0x80) {
		j->p++;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(j->end - j->p) <= need)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((j->p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (j->p[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	j->p += need + 1;
	return 1;
}

static int
jp_string(struct jp *j)
{
	if (j->p >= j->end || *j->p != '"')
		return 0;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = *j->p;

		if (c == '"') {
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;		/* raw control byte */
		if (c == '\\') {
			if (j->end - j->p < 2)
				return 0;
			c = j->p[1];
			if (c == 'u') {
				int i;

				if (j->end - j->p < 6)
					return 0;
				for (i = 2; i < 6; i++)
					if (!strchr("0123456789abcdefABCDEF",
					    j->p[i]) || j->p[i] == 0)
						return 0;
				j->p += 6;
			} else if (strchr("\"\\/bfnrt", c) && c != 0)
				j->p += 2;
			else
				return 0;
			continue;
		}
		if (!jp_utf8(j))
			return 0;
	}
	return 0;
}

static int
jp_number(struct jp *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return 0;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	return j->p > s;
}

static int
jp_container(struct jp *j, char close, int obj)
{
	j->p++;
	if (++j->depth > 64)
		return 0;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	for (;;) {
		jp_ws(j);
		if (obj) {
			if (!jp_string(j))
				return 0;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return 0;
			j->p++;
		}
		if (!jp_value(j))
			return 0;
		jp_ws(j);
		if (j->p >= j->end)
			return 0;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close)
			return 0;
		j->p++;
		j->depth--;
		return 1;
	}
}

static int
jp_value(struct jp *j)
{
	jp_ws(j);
	if (j->p >= j->end)
		return 0;
	switch (*j->p) {
	case '{':
		return jp_container(j, '}', 1);
	case '[':
		return jp_container(j, ']', 0);
	case '"':
		return jp_string(j);
	case 't':
		return jp_lit(j, "true");
	case 'f':
		return jp_lit(j, "false");
	case 'n':
		return jp_lit(j, "null");
	}
	return jp_number(j);
}

/* json_valid(s, n): 1 when ${s} is exactly one JSON value. */
static int
json_valid(const char *s, size_t n)
{
	struct jp j = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };

	if (!jp_value(&j))
		return 0;
	jp_ws(&j);
	return j.p == j.end;
}

/* ---- escaping ---- */

static const char *
esc(const char *s, size_t n)
{
	static char out[1024];

	if (json_escape(out, sizeof(out), s, n) == (size_t)-1)
		return "(overflow)";
	return out;
}

#define ESC(lit)	esc(lit, sizeof(lit) - 1)

#define JV(lit)	json_valid(lit, sizeof(lit) - 1)

TEST(validator_self_check)
{
	ASSERT(JV("{\"a\":[1,-2,true,null,\"x\\u0001\"]}"));
	ASSERT(!JV("{\"a\":1"));
	ASSERT(!JV("\"a\x01\""));
	ASSERT(!JV("\"a\"b\""));
	ASSERT(!JV("\"\\x41\""));
	ASSERT(!JV("\"\xc0\xaf\""));
	ASSERT(!JV("\"\xed\xa0\x80\""));
	ASSERT(JV("\"\xe2\x82\xac\""));
}

TEST(escape_quotes_backslash_controls)
{
	ASSERT_STR(ESC("a\"b\\c/d"), "a\\\"b\\\\c/d");
	ASSERT_STR(ESC("\n\r\t"), "\\n\\r\\t");
	ASSERT_STR(ESC("\x01\x08\x0c\x1f\x7f"),
	    "\\u0001\\u0008\\u000c\\u001f\\u007f");
	ASSERT_STR(ESC("a\0b"), "a\\u0000b");
	ASSERT_STR(ESC(""), "");
	ASSERT_STR(ESC("plain text 123"), "plain text 123");
}

TEST(escape_utf8_kept)
{
	/* 2, 3 and 4 byte sequences, including the extremes. */
	ASSERT_STR(ESC("caf\xc3\xa9"), "caf\xc3\xa9");
	ASSERT_STR(ESC("\xe2\x82\xac"), "\xe2\x82\xac");
	ASSERT_STR(ESC("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
	ASSERT_STR(ESC("\xc2\x80"), "\xc2\x80");
	ASSERT_STR(ESC("\xef\xbf\xbf"), "\xef\xbf\xbf");
	ASSERT_STR(ESC("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");
	ASSERT_STR(ESC("\xed\x9f\xbf"), "\xed\x9f\xbf");	/* U+D7FF */
}

TEST(escape_invalid_utf8)
{
	ASSERT_STR(ESC("\xff"), "\\\\xff");
	ASSERT_STR(ESC("a\x80z"), "a\\\\x80z");
	/* A lead byte cut short, at the end and before ASCII. */
	ASSERT_STR(ESC("\xc3"), "\\\\xc3");
	ASSERT_STR(ESC("\xe2\x82"), "\\\\xe2\\\\x82");
	ASSERT_STR(ESC("\xc3("), "\\\\xc3(");
	/* Overlong encodings of '/' and NUL. */
	ASSERT_STR(ESC("\xc0\xaf"), "\\\\xc0\\\\xaf");
	ASSERT_STR(ESC("\xc1\xbf"), "\\\\xc1\\\\xbf");
	ASSERT_STR(ESC("\xe0\x80\xaf"), "\\\\xe0\\\\x80\\\\xaf");
	ASSERT_STR(ESC("\xf0\x80\x80\xaf"), "\\\\xf0\\\\x80\\\\x80\\\\xaf");
	ASSERT_STR(ESC("\xf0\x8f\xbf\xbf"), "\\\\xf0\\\\x8f\\\\xbf\\\\xbf");
	/* UTF-16 surrogates encoded in UTF-8. */
	ASSERT_STR(ESC("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");
	ASSERT_STR(ESC("\xed\xbf\xbf"), "\\\\xed\\\\xbf\\\\xbf");
	/* Beyond U+10FFFF and bytes that never start a sequence. */
	ASSERT_STR(ESC("\xf4\x90\x80\x80"), "\\\\xf4\\\\x90\\\\x80\\\\x80");
	ASSERT_STR(ESC("\xf5\x80\x80\x80"), "\\\\xf5\\\\x80\\\\x80\\\\x80");
	/* Valid after invalid resynchronises. */
	ASSERT_STR(ESC("\xff\xc3\xa9"), "\\\\xff\xc3\xa9");
	/* Whatever the input, the result is a valid JSON string body. */
	{
		char in[256], out[2048], q[2100];
		size_t n;
		int i;

		for (i = 0; i < 256; i++)
			in[i] = (char)i;
		n = json_escape(out, sizeof(out), in, sizeof(in));
		ASSERT(n != (size_t)-1);
		q[0] = '"';
		memcpy(q + 1, out, n);
		q[n + 1] = '"';
		ASSERT(json_valid(q, n + 2));
	}
}

TEST(escape_capacity)
{
	char b[16];

	ASSERT_EQ(json_escape(b, 5, "abcd", 4), 4);
	ASSERT_STR(b, "abcd");
	ASSERT_EQ(json_escape(b, 4, "abcd", 4), (size_t)-1);
	ASSERT_EQ(json_escape(b, 3, "a\xc3\xa9", 3), (size_t)-1);
	ASSERT_EQ(json_escape(b, 4, "a\xc3\xa9", 3), 3);
	ASSERT_EQ(json_escape(b, 6, "\x01", 1), (size_t)-1);
	ASSERT_EQ(json_escape(b, 7, "\x01", 1), 6);
	ASSERT_EQ(json_escape(b, 5, "\xff", 1), (size_t)-1);
	ASSERT_EQ(json_escape(b, 6, "\xff", 1), 5);
	ASSERT_EQ(json_escape(b, 1, "", 0), 0);
}

/* ---- builder ---- */

TEST(builder_nesting)
{
	char buf[256];
	struct jb j;

	jb_init(&j, buf, sizeof(buf));
	jb_obj_open(&j, NULL);
	jb_obj_open(&j, "a");
	jb_arr_open(&j, "b");
	jb_u64(&j, NULL, 1);
	jb_i64(&j, NULL, -2);
	jb_obj_open(&j, NULL);
	jb_bool(&j, "c", 1);
	jb_obj_close(&j);
	jb_arr_open(&j, NULL);
	jb_arr_close(&j);
	jb_arr_close(&j);
	jb_null(&j, "d");
	jb_obj_close(&j);
	jb_str(&j, "k\"ey", "v\n");
	jb_raw(&j, "r", "[1]", 3);
	jb_u64(&j, "big", UINT64_MAX);
	jb_bool(&j, "f", 0);
	jb_obj_close(&j);
	ASSERT(jb_finish(&j) > 0);
	ASSERT_STR(buf, "{\"a\":{\"b\":[1,-2,{\"c\":true},[]],\"d\":null},"
	    "\"k\\\"ey\":\"v\\n\",\"r\":[1],\"big\":18446744073709551615,"
	    "\"f\":false}");
	ASSERT_EQ(jb_finish(&j), strlen(buf));
	ASSERT(json_valid(buf, strlen(buf)));
	ASSERT_EQ(j.overflow, 0);
}

TEST(builder_overflow)
{
	char buf[64];
	struct jb j;
	size_t need;

	/* Find the exact size, then check the boundary on both sides. */
	jb_init(&j, buf, sizeof(buf));
	jb_obj_open(&j, NULL);
	jb_str(&j, "name", "value");
	jb_obj_close(&j);
	need = jb_finish(&j);
	ASSERT_STR(buf, "{\"name\":\"value\"}");
	ASSERT_EQ(need, 16);

	jb_init(&j, buf, need + 1);
	jb_obj_open(&j, NULL);
	jb_str(&j, "name", "value");
	jb_obj_close(&j);
	ASSERT_EQ(jb_finish(&j), need);

	memset(buf, 'Z', sizeof(buf));
	jb_init(&j, buf, need);
	jb_obj_open(&j, NULL);
	jb_str(&j, "name", "value");
	jb_obj_close(&j);
	ASSERT_EQ(j.overflow, 1);
	ASSERT_EQ(jb_finish(&j), 0);
	ASSERT(buf[need] == 'Z');	/* nothing written past the cap */

	/* Overflow inside a string; later calls stay stopped. */
	jb_init(&j, buf, 8);
	jb_str(&j, NULL, "\xff\xff\xff");
	ASSERT_EQ(j.overflow, 1);
	jb_u64(&j, NULL, 1);
	ASSERT_EQ(jb_finish(&j), 0);

	jb_init(&j, buf, 0);
	ASSERT_EQ(j.overflow, 1);
	ASSERT_EQ(jb_finish(&j), 0);
}

TEST(builder_depth_limit)
{
	char buf[256];
	struct jb j;
	int i;

	jb_init(&j, buf, sizeof(buf));
	for (i = 0; i < JB_MAX_DEPTH - 1; i++)
		jb_arr_open(&j, NULL);
	for (i = 0; i < JB_MAX_DEPTH - 1; i++)
		jb_arr_close(&j);
	ASSERT(jb_finish(&j) > 0);
	ASSERT(json_valid(buf, strlen(buf)));

	jb_init(&j, buf, sizeof(buf));
	for (i = 0; i < JB_MAX_DEPTH + 2; i++)
		jb_arr_open(&j, NULL);
	ASSERT_EQ(j.overflow, 1);
	ASSERT_EQ(jb_finish(&j), 0);
}

TEST(timestamps)
{
	char b[40];

	ASSERT_STR(time_iso8601(0, b, sizeof(b)), "1970-01-01T00:00:00.000000+0000");
	ASSERT_STR(time_iso8601(1700000000123456ULL, b, sizeof(b)),
	    "2023-11-14T22:13:20.123456+0000");
	ASSERT_STR(time_iso8601(951782400000001ULL, b, sizeof(b)),
	    "2000-02-29T00:00:00.000001+0000");
	ASSERT_STR(time_iso8601(1999999999999999ULL, b, sizeof(b)),
	    "2033-05-18T03:33:19.999999+0000");
	ASSERT_EQ(strlen(b), 31);
	/* Too small a buffer: empty string, never a cut timestamp. */
	ASSERT_STR(time_iso8601(0, b, 10), "");
}

/* ---- EVE lines with hostile names ---- */

static void
hostile(char *dst, size_t cap)
{
	static const char bits[] = "\"\\\n\x01\x1b[31m\xff\xc0\xaf\xed\xa0\x80"
	    "\xe2\x82\x7f\x00";
	size_t i;

	for (i = 0; i + 1 < cap; i++) {
		char c = bits[i % (sizeof(bits) - 1)];

		dst[i] = c ? c : 'x';
	}
	dst[cap - 1] = '\0';
}

/* Every line: valid JSON, no raw control byte. */
static int
line_ok(const char *line, size_t n)
{
	size_t i;

	if (n == 0 || strlen(line) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			return 0;
	return json_valid(line, n);
}

TEST(eve_hostile_names)
{
	static char line[128 * 1024];
	struct flow *f = calloc(1, sizeof(*f));
	struct dns_msg *dm = calloc(1, sizeof(*dm));
	struct http_req *hr = calloc(1, sizeof(*hr));
	struct ai_info *ai = calloc(1, sizeof(*ai));
	struct ev_common cm;
	struct event ev;
	struct alert_info al;
	struct visibility_info vis;
	size_t n;
	int t, i;

	ASSERT(f != NULL && dm != NULL && hr != NULL && ai != NULL);
	memset(&cm, 0, sizeof(cm));
	memset(&ev, 0, sizeof(ev));
	f->id = 42;
	f->key.proto = 6;
	f->key.vlan[0] = 100;
	f->key.vlan[1] = 200;
	f->pkts[0] = 3;
	f->ts_first = 1700000000000000ULL;
	f->ts_last = 1700000005000000ULL;
	f->meta.app = APP_TLS;
	f->meta.host_src = HOST_TLS_SNI;
	f->meta.tls_version = 0x0304;
	f->pickup = 1;
	hostile(f->meta.host, sizeof(f->meta.host));
	ASSERT_EQ(strlen(f->meta.host), 255);
	hostile(f->meta.alpn, sizeof(f->meta.alpn));
	hostile(f->meta.ja3, sizeof(f->meta.ja3));
	hostile(f->meta.ja4, sizeof(f->meta.ja4));
	hostile(f->meta.proto_name, sizeof(f->meta.proto_name));
	time_iso8601(f->ts_last, cm.ts, sizeof(cm.ts));
	memcpy(cm.src_ip, "192.0.2.1", 10);
	memcpy(cm.dest_ip, "2001:db8::2", 12);
	memcpy(cm.pseudo, "c-0123456789abcdef", 19);
	cm.src_port = 51000;
	cm.dest_port = 443;
	cm.proto = "TCP";
	cm.app_proto = f->meta.proto_name;

	dm->qr = 1;
	dm->id = 0xbeef;
	dm->qtype = 1;
	hostile(dm->qname, sizeof(dm->qname));
	dm->n_answers = DNS_MAX_ANSWERS;
	for (i = 0; i < DNS_MAX_ANSWERS; i++) {
		hostile(dm->answers[i].name, sizeof(dm->answers[i].name));
		hostile(dm->answers[i].data, sizeof(dm->answers[i].data));
		dm->answers[i].rrtype = (uint16_t)(i % 2 ? 65 : 65280);
		dm->answers[i].has_ech = (uint8_t)(i % 2);
	}
	dm->answers_truncated = 1;
	hostile(hr->method, sizeof(hr->method));
	hostile(hr->host, sizeof(hr->host));
	hostile(hr->uri, sizeof(hr->uri));
	hostile(hr->user_agent, sizeof(hr->user_agent));
	hostile(hr->content_type, sizeof(hr->content_type));
	hostile(hr->protocol, sizeof(hr->protocol));
	hr->content_length = -1;
	hostile(ai->service, sizeof(ai->service));
	hostile(ai->name, sizeof(ai->name));
	hostile(ai->host, sizeof(ai->host));
	hostile(ai->rule, sizeof(ai->rule));
	hostile(ai->exception, sizeof(ai->exception));
	ai->tenant_ambiguous = 1;
	memset(&al, 0, sizeof(al));
	snprintf(al.kind, sizeof(al.kind), "dlp");
	ALERT_SET(&al, AL_SEVERITY, severity, "high");
	ALERT_SET(&al, AL_SIGNATURE, signature, f->meta.host);
	ALERT_SET(&al, AL_DLP, dlp_class, "iban");
	ALERT_SET(&al, AL_EVIDENCE, evidence, hr->uri);
	memset(&vis, 0, sizeof(vis));
	snprintf(vis.kind, sizeof(vis.kind), "ech");
	snprintf(vis.detail, sizeof(vis.detail), "%s", hr->user_agent);
	vis.has_detail = 1;

	ev.has_flow = 1;
	ev.ts_us = f->ts_last;
	for (t = 0; t <= 1; t++) {
		f->ai = t ? ai : NULL;
		ev_flow_fill(&ev.flow, f);
		ev.type = EV_FLOW;
		ev.u.why = FE_TIMEOUT;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ASSERT(strstr(line, "\"vlan\":[100,200]") != NULL);
		ASSERT(strstr(line, "\"midstream\":true") != NULL);
		ASSERT(t == 0 || strstr(line, "\"src_ip\":\"192.0.2.1\"") != NULL);
		ASSERT(t == 1 || strstr(line, "\"src_ip\"") == NULL);
		ASSERT(strstr(line, "\\\\xff") != NULL);
		ev.type = EV_TLS;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ev.type = EV_QUIC;
		f->meta.host_src = HOST_QUIC_SNI;
		ev_flow_fill(&ev.flow, f);
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ev.type = EV_DNS;
		ev.u.dns = *dm;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ev.type = EV_HTTP;
		ev.u.http = *hr;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ev.type = EV_AI;
		ev.u.ai = *ai;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ev.type = EV_ALERT;
		ev.u.alert = al;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
		ev.type = EV_VISIBILITY;
		ev.u.vis = vis;
		n = eve_format(&ev, &cm, t, line, sizeof(line));
		ASSERT(line_ok(line, n));
	}
	/* Too small a buffer: 0, never a cut line. */
	ev.type = EV_FLOW;
	ev.u.why = FE_EVICTED;
	ASSERT_EQ(eve_format(&ev, &cm, 1, line, 200), 0);
	free(f);
	free(dm);
	free(hr);
	free(ai);
}

/* The worst DNS answer the parser can produce (32 records, every name and
 * rdata byte escaping to 5 characters) still makes one valid EVE line
 * through the real output path. */
TEST(eve_worst_case_dns_fits)
{
	char dir[] = "/tmp/st-json-XXXXXX", path[64], *buf = NULL;
	struct flow *f = calloc(1, sizeof(*f));
	struct dns_msg *dm = calloc(1, sizeof(*dm));
	struct output_conf c;
	struct output *o = NULL;
	struct event ev;
	FILE *fp;
	size_t cap = 0;
	ssize_t n;
	int i, lines = 0;

	ASSERT(f != NULL && dm != NULL);
	ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	output_conf_defaults(&c);
	c.eve_path = path;
	c.eve_flows = SEL_ALL;
	ASSERT_EQ(output_open(&o, &c), 0);
	f->id = 7;
	f->key.proto = 17;
	f->key.a.a[10] = f->key.a.a[11] = 0xff;
	f->key.b.a[10] = f->key.b.a[11] = 0xff;
	memcpy(f->key.a.a + 12, "\xc0\x00\x02\x01", 4);
	memcpy(f->key.b.a + 12, "\xc6\x33\x64\x02", 4);
	f->key.pa = 40000;
	f->key.pb = 53;
	f->cli_is_a = 1;
	memset(f->meta.host, 0xff, FLOW_HOST_MAX);
	f->meta.host_src = HOST_DNS;
	dm->qr = 1;
	memset(dm->qname, 0xff, DNS_NAME_MAX);
	dm->n_answers = DNS_MAX_ANSWERS;
	for (i = 0; i < DNS_MAX_ANSWERS; i++) {
		memset(dm->answers[i].name, 0x01, DNS_NAME_MAX);
		memset(dm->answers[i].data, 0xc0, DNS_DATA_MAX);
		dm->answers[i].rrtype = 5;
		dm->answers[i].ttl = UINT32_MAX;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_DNS;
	ev.has_flow = 1;
	ev_flow_fill(&ev.flow, f);
	ev.u.dns = *dm;
	output_emit(o, &ev);
	ev.type = EV_FLOW;
	ev.u.why = FE_SHUTDOWN;
	output_emit(o, &ev);
	output_sync(o);	/* lines count once written */
	ASSERT_EQ(output_stats(o)->eve_errors, 0);
	ASSERT_EQ(output_stats(o)->eve_lines, 2);
	output_close(o);
	ASSERT((fp = fopen(path, "r")) != NULL);
	while ((n = getline(&buf, &cap, fp)) > 0) {
		ASSERT(buf[n - 1] == '\n');
		buf[n - 1] = '\0';
		if (!line_ok(buf, (size_t)n - 1)) {
			fclose(fp);
			free(buf);
			ASSERT(0);
		}
		lines++;
	}
	fclose(fp);
	free(buf);
	ASSERT_EQ(lines, 2);
	unlink(path);
	rmdir(dir);
	free(f);
	free(dm);
}

int
main(void)
{
	RUN(validator_self_check);
	RUN(escape_quotes_backslash_controls);
	RUN(escape_utf8_kept);
	RUN(escape_invalid_utf8);
	RUN(escape_capacity);
	RUN(builder_nesting);
	RUN(builder_overflow);
	RUN(builder_depth_limit);
	RUN(timestamps);
	RUN(eve_hostile_names);
	RUN(eve_worst_case_dns_fits);
	return TEST_END();
}
