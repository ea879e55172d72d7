/*
 * json.c - bounded JSON builder and escaping with UTF-8 validation, plus
 * the ISO 8601 timestamp format used in every event.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/esc.h"
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

size_t
json_escape(char *dst, size_t cap, const char *src, size_t n)
{
	return esc_bytes(dst, cap, src, n, ESC_JSON);
}

static void
put_str(struct jb *j, const char *s, size_t n)
{
	size_t room, w, i;
	char *d;

	/* Fast path: the quoted string fits and its bytes are all plain
	 * (most names, every key): copied in the same pass that checks. */
	if (!j->overflow && j->len + n + 3 <= j->cap) {
		d = j->buf + j->len;
		d[0] = '"';
		for (i = 0; i < n && esc_json_plain[(unsigned char)s[i]]; i++)
			d[1 + i] = s[i];
		if (i == n) {
			d[1 + n] = '"';
			j->len += n + 2;
			return;
		}
	}
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
