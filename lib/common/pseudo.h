/*
 * pseudo.h - client pseudonyms: a keyed HMAC-SHA-256 of the address, so
 * later layers can show "c-3f9a..." instead of an employee's IP.  The key is
 * generated at first start (libsodium randombytes) and stored 0600.
 */
#ifndef ST_PSEUDO_H
#define ST_PSEUDO_H

#include <stddef.h>
#include <stdint.h>

#define PSEUDO_KEY_LEN	32
#define PSEUDO_STR_LEN	19	/* "c-" + 16 hex + NUL */

struct pseudo {
	uint8_t	key[PSEUDO_KEY_LEN];
};

/*
 * pseudo_load(ps, path):
 * Read the key from ${path}, or create it (mode 0600, O_EXCL) when missing.
 * Refuses a key file readable by group/others.  Returns 0 or -errno, with
 * the reason logged.
 */
int	pseudo_load(struct pseudo *ps, const char *path);
/* pseudo_of(ps, addr16, out): write "c-<16 hex>" for a 16-byte address. */
void	pseudo_of(const struct pseudo *ps, const uint8_t addr[16],
	    char out[PSEUDO_STR_LEN]);

#endif
