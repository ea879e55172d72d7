/*
 * formdec.c - request-text parsing without libmicrohttpd (formdec.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "formdec.h"

int
form_field(const char *body, size_t blen, const char *name, char *buf,
    size_t len)
{
	size_t nl = strlen(name), i, o;
	const char *p = body, *end = body ? body + blen : NULL;

	if (p == NULL || len == 0)
		return -ENOENT;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if ((size_t)(e - p) > nl && memcmp(p, name, nl) == 0 &&
		    p[nl] == '=') {
			for (i = nl + 1, o = 0; p + i < e && o + 1 < len; i++) {
				int c = (uint8_t)p[i];
				if (c == '+')
					c = ' ';
				else if (c == '%' && p + i + 2 < e &&
				    str_hexval((uint8_t)p[i + 1]) >= 0 &&
				    str_hexval((uint8_t)p[i + 2]) >= 0) {
					c = str_hexval((uint8_t)p[i + 1]) * 16 +
					    str_hexval((uint8_t)p[i + 2]);
					i += 2;
				}
				if (c == '\0')
					continue;
				buf[o++] = (char)c;
			}
			buf[o] = '\0';
			return 0;
		}
		if (amp == NULL)
			break;
		p = e + 1;
	}
	return -ENOENT;
}

int
sid_valid(const char *sid)
{
	return sid != NULL && strlen(sid) == 64 &&
	    strspn(sid, "0123456789abcdef") == 64;
}

int64_t
secs(const char *v)
{
	char *end;
	long long n;

	if (v == NULL || *v < '0' || *v > '9' || strlen(v) > 20)
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end != '\0' || n > 253402300799LL)	/* 9999-12-31 */
		return -1;
	return n;
}

int
cursor_parse(const char *v, int ndb, uint64_t *ts, int *db, int64_t *id)
{
	unsigned long long t;
	long long n;
	int d, used = 0;

	if (v == NULL || strlen(v) > 64 || strspn(v, "0123456789-") !=
	    strlen(v) || sscanf(v, "%llu-%d-%lld%n", &t, &d, &n, &used) != 3
	    || (size_t)used != strlen(v) || t == 0 || t > INT64_MAX ||
	    d < 0 || d >= ndb || n < 0)
		return -EINVAL;
	*ts = t;
	*db = d;
	*id = n;
	return 0;
}
