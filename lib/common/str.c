/*
 * str.c - bounded string helpers: name normalisation (lower-case, no
 * trailing dot), raw copies with a cap, strlcpy, hex and decimal digits.
 */
#include <string.h>

#include "common/str.h"

size_t
str_name_copy(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t i, n;

	if (cap == 0)
		return 0;
	while (len > 0 && src[len - 1] == '.')
		len--;
	n = len < cap - 1 ? len : cap - 1;
	for (i = 0; i < n; i++) {
		uint8_t c = src[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + ('a' - 'A'));
		dst[i] = (char)c;
	}
	dst[i] = '\0';
	return i;
}

const char *
str_name_tail(const char *s, size_t len)
{
	const char *z, *t = s;

	while ((z = memchr(t, '\0', len)) != NULL) {
		len -= (size_t)(z - t) + 1;
		t = z + 1;
	}
	/* "evil\0.chat.openai.com": the tail starts at a label, not a dot. */
	while (t != s && len > 0 && *t == '.') {
		t++;
		len--;
	}
	return t;
}

size_t
str_copy(char *dst, size_t cap, const void *src, size_t len)
{
	const char *s = src;
	size_t i;

	if (cap == 0)
		return 0;
	for (i = 0; i < len && i < cap - 1 && s[i] != '\0'; i++)
		dst[i] = s[i];
	dst[i] = '\0';
	return i;
}

size_t
str_lcpy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);

	if (cap > 0) {
		size_t m = n < cap - 1 ? n : cap - 1;

		memcpy(dst, src, m);
		dst[m] = '\0';
	}
	return n;
}

void
str_hex(char *dst, const uint8_t *src, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = hx[src[i] >> 4];
		dst[2 * i + 1] = hx[src[i] & 15];
	}
	dst[2 * n] = '\0';
}

int
str_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
str_udec(char *buf, uint64_t v)
{
	char t[20];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	return n;
}
