/*
 * esc.h - the one escaping function for hostile bytes (names, URLs, user
 * agents) on their way out of the sensor.  EVE (through json.h) and the
 * SQLite writer (lib/store) both call it, so a name reads the same in both:
 * valid UTF-8 is kept, control bytes (NUL included) become \u00NN and bytes
 * that are not valid UTF-8 become \xNN.  ESC_JSON also escapes '"' and
 * '\\' and writes \n, \r, \t short; ESC_TEXT leaves '"' and '\\' alone, so
 * escaping text already escaped changes nothing (idempotent) and the
 * result is always valid UTF-8 without control bytes.
 */
#ifndef ST_ESC_H
#define ST_ESC_H

#include <stddef.h>

enum esc_mode {
	ESC_JSON,	/* inside a JSON string literal (without the quotes) */
	ESC_TEXT,	/* a SQLite TEXT value: valid UTF-8, no control bytes */
};

/*
 * esc_bytes(dst, cap, src, n, mode):
 * Escape ${src}[0..${n}) (any bytes, NUL included) into ${dst} and
 * NUL-terminate it.  Returns the length written, or (size_t)-1 if it did
 * not fit in ${cap} (then ${dst} holds a NUL-terminated prefix that ends
 * on a whole escape).
 */
size_t	esc_bytes(char *dst, size_t cap, const char *src, size_t n,
	    enum esc_mode mode);

/*
 * esc_text_clean(src, n): 1 when ${src}[0..${n}) is valid UTF-8 without
 * control bytes, i.e. esc_bytes(..., ESC_TEXT) would return it unchanged.
 */
int	esc_text_clean(const char *src, size_t n);

/* esc_utf8_len(s, n): length of the valid UTF-8 sequence at ${s} (at most
 * ${n} bytes), 0 if it is not one (overlong, surrogate, > U+10FFFF). */
size_t	esc_utf8_len(const unsigned char *s, size_t n);

/* esc_json_plain[c]: 1 when byte ${c} is copied into JSON as it is
 * (printable ASCII except '"' and '\\'); the builder's fast path. */
extern const unsigned char esc_json_plain[256];

#endif
