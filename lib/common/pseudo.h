/*
 * pseudo.h - client pseudonyms: a keyed HMAC-SHA-256 of the address, so
 * later layers can show "c-3f9a..." instead of an employee's IP.  The
 * master key is generated at first start (libsodium randombytes) and
 * stored 0600.  Key rotation (privacy.key_rotation): time is cut into
 * epochs of N local days; each epoch has its own key derived from the
 * master key and the epoch number, so the same client gets another
 * pseudonym in every epoch and nothing but the master key links them.
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

/*
 * Epochs.  An epoch is numbered by the local day (days since 1970-01-01 in
 * the process time zone) on which it starts; epochs of ${days} days start
 * on days (n * days + 4), so 7-day epochs start on Mondays (1970-01-05 was
 * one) and never split an ISO week.  ${days} 0 ("never"): one epoch, 0,
 * whose key is the master key itself (the pseudonyms of before rotation
 * existed).
 */
#define PSEUDO_EPOCH_ALIGN	4	/* day 4 = Monday 1970-01-05 */
/* pseudo_epoch_of(ts_us, days): the epoch containing ${ts_us}. */
int	pseudo_epoch_of(uint64_t ts_us, uint32_t days);
/* pseudo_epoch_start(epoch): the epoch's first microsecond (local
 * midnight); 0 for epoch 0. */
uint64_t pseudo_epoch_start(int epoch);
/* pseudo_derive(master, epoch, out): the key of ${epoch}: the master key
 * for epoch 0, else BLAKE2b keyed with the master key over
 * "shadowtap-pseudonym-epoch" || epoch (8 bytes little-endian). */
void	pseudo_derive(const struct pseudo *master, int epoch,
	    struct pseudo *out);

#endif
