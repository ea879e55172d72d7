/*
 * tls_int.h - private declarations shared by tls_hello.c (hello parsers,
 * JA3/JA4) and tls.c (record walker, version names).  Not for outside use.
 */
#ifndef ST_TLS_INT_H
#define ST_TLS_INT_H

#include <stdint.h>

/* One known TLS/DTLS version: JA4 code and the nDPI-style name. */
struct tls_ver {
	uint16_t	 v;
	char		 ja4[3];
	const char	*name;
};

/* tls_ver_find(v): the table entry for version ${v}, or NULL if unknown. */
const struct tls_ver *tls_ver_find(uint16_t v);

/* tls_be16(p): big-endian 16-bit value at ${p} (caller checked 2 bytes). */
static inline uint16_t
tls_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

#endif
