/*
 * quic.h - QUIC Initial packet decryption (RFC 9001 / RFC 9369 initial
 * keys via OpenSSL libcrypto) and CRYPTO-frame reassembly across Initial
 * packets, so a ClientHello spread over several datagrams or shuffled
 * (Chromium, ML-KEM key shares) still yields SNI and ALPN.
 */
#ifndef ST_QUIC_H
#define ST_QUIC_H

#include <stddef.h>
#include <stdint.h>

#include "dpi/tls.h"

#define QUIC_V1		0x00000001u
#define QUIC_V2		0x6b3343cfu
#define QUIC_DRAFT29	0xff00001du

#define QUIC_SCRATCH_MIN	8192	/* smallest ${cap} quic_feed_client() takes */
#define QUIC_SCRATCH_MAX	(128 * 1024) /* bytes beyond this are not used */
#define QUIC_MAX_INITIALS	16	/* client Initial packets tried per flow */
#define QUIC_MAX_DGRAMS		32	/* datagrams fed before giving up */

/*
 * Small per-flow state (48 bytes); zero it before the first call.  The
 * reassembly buffer, the received-byte bitmap and the cached Initial keys
 * live in caller-owned scratch that must be kept, unchanged and with the
 * same ${cap}, between the calls of one flow until the flow is done.
 */
struct quic_state {
	uint32_t	version;	/* of the decrypted Initials, else of the
					   first long header; 0 = none */
	uint32_t	hs_len;		/* ClientHello length incl. its 4-byte
					   header once seen, 0 before */
	uint32_t	have;		/* contiguous CRYPTO bytes from offset 0 in scratch */
	uint32_t	pn_next;	/* largest client Initial packet number + 1 */
	uint32_t	cap;		/* ${cap} of the first call (clamped to QUIC_SCRATCH_MAX) */
	uint8_t		dcid[20];	/* client's original DCID (keys derive from it) */
	uint8_t		dcid_len;	/* 0 until an Initial decrypted */
	uint8_t		done;		/* 1 = ClientHello parsed, 2 = gave up */
	uint8_t		n_initial;	/* Initial packets seen from the client */
	uint8_t		n_dgram;	/* datagrams fed */
	uint8_t		keys_ok;	/* scratch holds the keys for (version, dcid) */
};

enum {
	QUIC_FEED_MORE = 0,	/* Initial seen, ClientHello incomplete */
	QUIC_FEED_HELLO = 1,	/* ${out} filled */
	QUIC_FEED_NOT_QUIC = -1,/* not a QUIC long-header Initial we can read */
};

/* Client Initial packet protection keys (AES-128-GCM suite). */
struct quic_keys {
	uint8_t		key[16];
	uint8_t		iv[12];
	uint8_t		hp[16];
};

/*
 * quic_looks_like(p, n, version): cheap test used for protocol guessing.
 * True (1) when ${p} starts with a long header (form and fixed bit set)
 * whose version is v1, v2, an IETF draft (0xff0000xx), a reserved
 * 0x?a?a?a?a "force version negotiation" value, or 0 (Version Negotiation,
 * fixed bit not required).  Stores the version in ${version} (may be NULL).
 * Returns 0 otherwise.  No crypto.
 */
int	quic_looks_like(const uint8_t *p, size_t n, uint32_t *version);

/*
 * quic_feed_client(st, dgram, len, scratch, cap, out):
 * Feed one client->server UDP payload.  Coalesced packets in one datagram
 * are walked; Initial packets are decrypted (v1, v2, drafts 23..34) and
 * their CRYPTO frames placed by offset into ${scratch} (capacity ${cap}, at
 * least QUIC_SCRATCH_MIN; about 8/9 of it holds CRYPTO bytes, the rest a
 * bitmap and the cached keys).  Datagrams may arrive in any order;
 * duplicate or overlapping CRYPTO bytes keep their first copy.  When the
 * ClientHello is complete it is parsed with tls_parse_client_hello(quic=1)
 * into ${out}, the message is left at ${scratch}[0..st->hs_len), and
 * QUIC_FEED_HELLO is returned.
 * Returns QUIC_FEED_MORE while the hello is incomplete (undecryptable,
 * truncated, short-header or non-Initial packets are ignored), and
 * QUIC_FEED_NOT_QUIC when giving up: the first datagram is not a QUIC long
 * header, the CRYPTO stream does not start a ClientHello or does not fit,
 * the ClientHello does not parse, or more than QUIC_MAX_INITIALS Initials /
 * QUIC_MAX_DGRAMS datagrams came without a complete hello.  After HELLO or
 * NOT_QUIC (st->done != 0) stop feeding: further calls return -EALREADY.
 * -EINVAL for bad arguments (or a ${cap} that changed), -ENOMEM if the
 * per-thread crypto contexts cannot be created.  Never allocates per packet.
 */
int	quic_feed_client(struct quic_state *st, const uint8_t *dgram,
	    size_t len, uint8_t *scratch, size_t cap, struct tls_hello *out);

/*
 * quic_initial_keys(version, dcid, dcid_len, k):
 * Derive the client Initial keys (RFC 9001 section 5.2, RFC 9369 section
 * 3.3) for ${version} from the client's original ${dcid} into ${k}.
 * Returns 0, -ENOTSUP for a version without known Initial salt, -EINVAL for
 * a DCID longer than 20 bytes, -ENOMEM/-EIO on libcrypto failure.
 */
int	quic_initial_keys(uint32_t version, const uint8_t *dcid,
	    size_t dcid_len, struct quic_keys *k);

/*
 * quic_thread_cleanup(): free this thread's cached libcrypto contexts and
 * plaintext buffer (created on first use).  Safe to call at any time; the
 * next feed re-creates them.
 */
void	quic_thread_cleanup(void);

/*
 * quic_version_str(v, buf, cap): "v1", "v2", "draft-29" (any 0xff0000NN as
 * "draft-NN"), else "0x%08x", written into ${buf} (capacity ${cap}) and
 * returned.
 */
const char *quic_version_str(uint32_t v, char *buf, size_t cap);

#endif
