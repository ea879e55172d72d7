/*
 * str.h - small bounded string helpers shared by the parsers.
 * Nothing here allocates; every function takes the destination's capacity.
 */
#ifndef ST_STR_H
#define ST_STR_H

#include <stddef.h>
#include <stdint.h>

/*
 * str_name_copy(dst, cap, src, len):
 * Copy the host/domain name ${src}[0..${len}) into ${dst} lower-cased (ASCII
 * only), without a trailing dot, NUL-terminated and truncated to ${cap}-1
 * bytes.  Other bytes (control, non-ASCII, NUL included) are copied
 * unchanged: names are length-delimited and the outputs escape them
 * (common/esc.h).  Returns the length written, which is what the caller
 * must keep beside ${dst}: strlen() stops at an embedded NUL.
 */
size_t	str_name_copy(char *dst, size_t cap, const uint8_t *src, size_t len);

/*
 * str_name_tail(s, len): the part of the name ${s}[0..${len}) after its
 * last NUL byte (${s} itself when there is none).  ${s}[len] must be NUL,
 * so the tail is a C string.  A name with a NUL is not a valid host name;
 * the classifier attributes it by this tail, leading dots dropped (what a C resolver or a
 * server that reads past the NUL sees) and reports it (docs/SECURITY.md).
 */
const char *str_name_tail(const char *s, size_t len);

/*
 * str_copy(dst, cap, src, len):
 * Copy ${len} raw bytes (stopping at a NUL) into ${dst}, NUL-terminated,
 * truncated to ${cap}-1.  Returns the length written.
 */
size_t	str_copy(char *dst, size_t cap, const void *src, size_t len);

/* str_lcpy(dst, src, cap): strlcpy; returns strlen(src). */
size_t	str_lcpy(char *dst, const char *src, size_t cap);

/* str_hexval(c): value of the hex digit ${c}, or -1. */
int	str_hexval(uint8_t c);

/* str_udec(buf, v): write ${v} in decimal (no NUL) into ${buf}, which must
 * hold 20 bytes; returns the number of digits. */
size_t	str_udec(char *buf, uint64_t v);

/* str_hex(dst, src, n): write 2n lower-case hex digits and a NUL. */
void	str_hex(char *dst, const uint8_t *src, size_t n);

/*
 * str_ip4(dst, cap, a), str_ip6(dst, cap, a):
 * The presentation form of the IPv4 address a[0..4) or the IPv6 address
 * a[0..16), exactly as inet_ntop(3) writes it (RFC 5952 compression,
 * ::ffff:a.b.c.d), without stdio.  Returns the length written (a NUL
 * follows), or 0 when ${cap} is too small (16 and 46 always suffice).
 */
size_t	str_ip4(char *dst, size_t cap, const uint8_t *a);
size_t	str_ip6(char *dst, size_t cap, const uint8_t *a);

#endif
