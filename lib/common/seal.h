/*
 * seal.h - sealed identities: the identity key file (libsodium secretbox
 * key, created 0600 with O_EXCL) and sealing/opening of one client address.
 * Losing the key file means the pseudonym -> address mapping is gone.
 */
#ifndef ST_SEAL_H
#define ST_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_LEN	32
/* nonce (24) || MAC (16) || 16-byte address */
#define SEAL_BOX_LEN	(24 + 16 + 16)

struct seal_key {
	uint8_t	k[SEAL_KEY_LEN];
};

/* seal_key_load(sk, path, create): read the key (refused when group/other
 * may read it); with ${create}, make it (0600, O_EXCL) when missing.
 * 0 or -errno. */
int	seal_key_load(struct seal_key *sk, const char *path, int create);
/* seal_box(sk, addr16, out): encrypt a 16-byte address; 0 or -errno. */
int	seal_box(const struct seal_key *sk, const uint8_t addr[16],
	    uint8_t out[SEAL_BOX_LEN]);
/* seal_open(sk, in, len, addr16): 0, or -EBADMSG (wrong key, tampered). */
int	seal_open(const struct seal_key *sk, const uint8_t *in, size_t len,
	    uint8_t addr[16]);

#endif
