/*
 * json.c - bounded JSON builder and escaping with UTF-8 validation, plus
 * the ISO 8601 timestamp format used in every event.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/str.h"

void
jb_init(struct jb *j, char *buf, size_t cap)
{
	j->buf = buf;
	j->cap = cap;
	j->len = 0;
	j->overflow = cap == 0;
	j->depth = 0;
	j->first[0] = 1;
}

static void
put(struct jb *j, const char *s, size_t n)
{
	if (j->overflow)
		return;
	if (j->len + n + 1 > j->cap) {
		j->overflow = 1;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

/* Length of a valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlongs, surrogates and > U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Bytes copied as they are: printable ASCII except '"' and '\\'. */
static const uint8_t json_plain[256] = {
	[0x20 ... 0x21] = 1,	/* 0x22 is '"' */
	[0x23 ... 0x5b] = 1,	/* 0x5c is '\\' */
	[0x5d ... 0x7e] = 1,
};

size_t
json_escape(char *dst, size_t cap, const char *src, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = s[i];
		char tmp[8];
		size_t tl, u, run;

		/* Fast path: a run of plain printable ASCII is copied at once. */
		for (run = i; run < n && json_plain[s[run]]; run++)
			;
		if (run > i) {
			if (o + (run - i) >= cap)
				return (size_t)-1;
			memcpy(dst + o, s + i, run - i);
			o += run - i;
			i = run;
			continue;
		}

		if (c == '"' || c == '\\') {
			tmp[0] = '\\'; tmp[1] = (char)c; tl = 2;
		} else if (c == '\n') {
			tmp[0] = '\\'; tmp[1] = 'n'; tl = 2;
		} else if (c == '\r') {
			tmp[0] = '\\'; tmp[1] = 'r'; tl = 2;
		} else if (c == '\t') {
			tmp[0] = '\\'; tmp[1] = 't'; tl = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hx[c >> 4]; tmp[5] = hx[c & 15]; tl = 6;
		} else if (c < 0x80) {
			tmp[0] = (char)c; tl = 1;
		} else if ((u = utf8_len(s + i, n - i)) > 0) {
			if (o + u >= cap)
				return (size_t)-1;
			memcpy(dst + o, s + i, u);
			o += u;
			i += u;
			continue;
		} else {
			/* Invalid UTF-8: keep the byte visible as \xNN. */
			tmp[0] = '\\'; tmp[1] = '\\'; tmp[2] = 'x';
			tmp[3] = hx[c >> 4]; tmp[4] = hx[c & 15]; tl = 5;
		}
		if (o + tl >= cap)
			return (size_t)-1;
		memcpy(dst + o, tmp, tl);
		o += tl;
		i++;
	}
	if (o < cap)
		dst[o] = '\0';
	return o;
}

static void
put_str(struct jb *j, const char *s, size_t n)
{
	size_t room, w;

	put(j, "\"", 1);
	if (j->overflow)
		return;
	room = j->cap - j->len;
	w = json_escape(j->buf + j->len, room, s, n);
	if (w == (size_t)-1) {
		j->overflow = 1;
		return;
	}
	j->len += w;
	put(j, "\"", 1);
}

static void
member(struct jb *j, const char *key)
{
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = 0;
	if (key != NULL) {
		put_str(j, key, strlen(key));
		put(j, ":", 1);
	}
}

static void
open_c(struct jb *j, const char *key, char c)
{
	member(j, key);
	put(j, &c, 1);
	if (j->depth + 1 >= JB_MAX_DEPTH) {
		j->overflow = 1;
		return;
	}
	j->first[++j->depth] = 1;
}

static void
close_c(struct jb *j, char c)
{
	put(j, &c, 1);
	if (j->depth > 0)
		j->depth--;
}

void jb_obj_open(struct jb *j, const char *key) { open_c(j, key, '{'); }
void jb_obj_close(struct jb *j) { close_c(j, '}'); }
void jb_arr_open(struct jb *j, const char *key) { open_c(j, key, '['); }
void jb_arr_close(struct jb *j) { close_c(j, ']'); }

void
jb_strn(struct jb *j, const char *key, const char *val, size_t n)
{
	member(j, key);
	put_str(j, val, n);
}

void
jb_str(struct jb *j, const char *key, const char *val)
{
	jb_strn(j, key, val, strlen(val));
}

void
jb_u64(struct jb *j, const char *key, uint64_t v)
{
	char b[24];
	size_t n = str_udec(b, v);	/* no printf: numbers are most fields */

	member(j, key);
	put(j, b, n);
}

void
jb_i64(struct jb *j, const char *key, int64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", (long long)v);

	member(j, key);
	put(j, b, (size_t)n);
}

void
jb_bool(struct jb *j, const char *key, int v)
{
	member(j, key);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
jb_null(struct jb *j, const char *key)
{
	member(j, key);
	put(j, "null", 4);
}

void
jb_raw(struct jb *j, const char *key, const char *json, size_t n)
{
	member(j, key);
	put(j, json, n);
}

size_t
jb_finish(struct jb *j)
{
	if (j->overflow)
		return 0;
	j->buf[j->len] = '\0';
	return j->len;
}

const char *
time_iso8601(uint64_t ts_us, char *buf, size_t cap)
{
	/* Events come in bursts within one second: format the date part
	 * once per second (single-threaded sensor, so a static cache). */
	static time_t last_t = -1;
	static char last[24];
	static size_t last_n;
	time_t t = (time_t)(ts_us / 1000000);
	uint32_t us = (uint32_t)(ts_us % 1000000);
	struct tm tm;
	int i;

	if (cap < last_n + 13 || cap < 32)
		return "";
	if (t != last_t) {
		gmtime_r(&t, &tm);
		last_n = strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%S", &tm);
		if (last_n == 0)
			return "";
		last_t = t;
	}
	memcpy(buf, last, last_n);
	buf[last_n] = '.';
	for (i = 6; i >= 1; i--) {
		buf[last_n + (size_t)i] = (char)('0' + us % 10);
		us /= 10;
	}
	memcpy(buf + last_n + 7, "+0000", 6);
	return buf;
}
