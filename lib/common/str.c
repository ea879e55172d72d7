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

/* One IPv4 octet in decimal, no leading zeros; returns the digits. */
static size_t
put_octet(char *p, unsigned v)
{
	if (v >= 100) {
		p[0] = (char)('0' + v / 100);
		p[1] = (char)('0' + v / 10 % 10);
		p[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		p[0] = (char)('0' + v / 10);
		p[1] = (char)('0' + v % 10);
		return 2;
	}
	p[0] = (char)('0' + v);
	return 1;
}

size_t
str_ip4(char *dst, size_t cap, const uint8_t *a)
{
	char t[16];
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			t[n++] = '.';
		n += put_octet(t + n, a[i]);
	}
	if (n + 1 > cap)
		return 0;
	memcpy(dst, t, n);
	dst[n] = '\0';
	return n;
}

/*
 * RFC 5952 text, byte for byte what glibc's inet_ntop(AF_INET6) writes:
 * the first longest run of two or more zero groups becomes "::", groups
 * in lower-case hex without leading zeros, and ::a.b.c.d / ::ffff:a.b.c.d
 * with the IPv4 part dotted.
 */
size_t
str_ip6(char *dst, size_t cap, const uint8_t *a)
{
	static const char hx[] = "0123456789abcdef";
	char t[48];
	unsigned w[8];
	int i, best = -1, blen = 0, cur = -1, clen = 0;
	size_t n = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				clen = 0;
			}
			if (++clen > blen) {
				best = cur;
				blen = clen;
			}
		} else
			cur = -1;
	}
	if (blen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + blen) {
			if (i == best)
				t[n++] = ':';
			continue;
		}
		if (i != 0)
			t[n++] = ':';
		if (i == 6 && best == 0 && (blen == 6 ||
		    (blen == 5 && w[5] == 0xffff))) {
			n += str_ip4(t + n, sizeof(t) - n, a + 12);
			break;
		}
		if (w[i] >= 0x1000)
			t[n++] = hx[w[i] >> 12];
		if (w[i] >= 0x100)
			t[n++] = hx[w[i] >> 8 & 15];
		if (w[i] >= 0x10)
			t[n++] = hx[w[i] >> 4 & 15];
		t[n++] = hx[w[i] & 15];
	}
	if (best >= 0 && best + blen == 8)
		t[n++] = ':';
	if (n + 1 > cap)
		return 0;
	memcpy(dst, t, n);
	dst[n] = '\0';
	return n;
}
