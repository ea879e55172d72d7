/*
 * cursor.h - bounds-checked reader over untrusted bytes.  Every read checks
 * the remaining length first; a failed read leaves the cursor "bad" so a
 * parser can chain reads and test once (like curl's strparse).
 */
#ifndef ST_CURSOR_H
#define ST_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t	*p;	/* next byte */
	size_t		 left;	/* bytes remaining */
	int		 bad;	/* set once any read ran past the end */
};

static inline void
cur_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->left = len;
	c->bad = 0;
}

static inline int
cur_need(struct cursor *c, size_t n)
{
	if (c->bad || c->left < n) {
		c->bad = 1;
		return 0;
	}
	return 1;
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	uint8_t v;

	if (!cur_need(c, 1))
		return 0;
	v = c->p[0];
	c->p++;
	c->left--;
	return v;
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return v;
}

static inline uint32_t
cur_be24(struct cursor *c)
{
	uint32_t v;

	if (!cur_need(c, 3))
		return 0;
	v = ((uint32_t)c->p[0] << 16) | ((uint32_t)c->p[1] << 8) | c->p[2];
	c->p += 3;
	c->left -= 3;
	return v;
}

static inline uint32_t
cur_be32(struct cursor *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) |
	    ((uint32_t)c->p[2] << 8) | c->p[3];
	c->p += 4;
	c->left -= 4;
	return v;
}

/* cur_take(c, n): return a pointer to the next n bytes and skip them. */
static inline const uint8_t *
cur_take(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (!cur_need(c, n))
		return NULL;
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

static inline int
cur_skip(struct cursor *c, size_t n)
{
	return cur_take(c, n) != NULL;
}

#endif
