/*
 * esc.c - escaping of hostile bytes for EVE and SQLite (esc.h): UTF-8
 * validation, control bytes as \u00NN, invalid bytes as \xNN.
 */
#include <string.h>

#include "common/esc.h"

size_t
esc_utf8_len(const unsigned char *s, size_t n)
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
	if ((len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Bytes copied as they are: printable ASCII, in JSON except '"' and '\\'. */
const unsigned char esc_json_plain[256] = {
	[0x20 ... 0x21] = 1,	/* 0x22 is '"' */
	[0x23 ... 0x5b] = 1,	/* 0x5c is '\\' */
	[0x5d ... 0x7e] = 1,
};
static const unsigned char plain_text[256] = {
	[0x20 ... 0x7e] = 1,
};

int
esc_text_clean(const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, u;

	while (i < n) {
		if (plain_text[s[i]]) {
			i++;
			continue;
		}
		if (s[i] < 0x80 || (u = esc_utf8_len(s + i, n - i)) == 0)
			return 0;
		i += u;
	}
	return 1;
}

size_t
esc_bytes(char *dst, size_t cap, const char *src, size_t n,
    enum esc_mode mode)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	const unsigned char *plain = mode == ESC_JSON ? esc_json_plain : plain_text;
	size_t i = 0, o = 0;

	if (cap == 0)
		return (size_t)-1;
	dst[0] = '\0';
	while (i < n) {
		unsigned char c = s[i];
		char tmp[8];
		size_t tl, u, run;

		/* Fast path: a run of plain printable ASCII is copied at once. */
		for (run = i; run < n && plain[s[run]]; run++)
			;
		if (run > i) {
			if (o + (run - i) >= cap)
				goto full;
			memcpy(dst + o, s + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {	/* ESC_JSON only */
			tmp[0] = '\\'; tmp[1] = (char)c; tl = 2;
		} else if (mode == ESC_JSON && c == '\n') {
			tmp[0] = '\\'; tmp[1] = 'n'; tl = 2;
		} else if (mode == ESC_JSON && c == '\r') {
			tmp[0] = '\\'; tmp[1] = 'r'; tl = 2;
		} else if (mode == ESC_JSON && c == '\t') {
			tmp[0] = '\\'; tmp[1] = 't'; tl = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hx[c >> 4]; tmp[5] = hx[c & 15]; tl = 6;
		} else if ((u = esc_utf8_len(s + i, n - i)) > 0) {
			if (o + u >= cap)
				goto full;
			memcpy(dst + o, s + i, u);
			o += u;
			i += u;
			continue;
		} else if (mode == ESC_JSON) {
			/* Invalid UTF-8: keep the byte visible as \xNN (the
			 * backslash itself escaped, so JSON decodes to \xNN). */
			tmp[0] = '\\'; tmp[1] = '\\'; tmp[2] = 'x';
			tmp[3] = hx[c >> 4]; tmp[4] = hx[c & 15]; tl = 5;
		} else {
			tmp[0] = '\\'; tmp[1] = 'x';
			tmp[2] = hx[c >> 4]; tmp[3] = hx[c & 15]; tl = 4;
		}
		if (o + tl >= cap)
			goto full;
		memcpy(dst + o, tmp, tl);
		o += tl;
		i++;
	}
	dst[o] = '\0';
	return o;
full:
	dst[o] = '\0';
	return (size_t)-1;
}
