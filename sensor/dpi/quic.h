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

/* Small per-flow state; the reassembly buffer is caller-owned scratch. */
struct quic_state {
	uint32_t	version;	/* from the first long header, 0 = none */
	uint8_t		dcid[20];	/* client's original DCID (keys derive from it) */
	uint8_t		dcid_len;
	uint8_t		done;		/* ClientHello parsed (or gave up) */
	uint8_t		n_initial;	/* Initial packets seen from the client */
	uint32_t	hs_len;		/* ClientHello length once the 4-byte header is seen, 0 before */
	uint32_t	have;		/* contiguous CRYPTO bytes from offset 0 in scratch */
	/* bitmap or range list of received CRYPTO bytes is kept in scratch too */
};

enum {
	QUIC_FEED_MORE = 0,	/* Initial seen, ClientHello incomplete */
	QUIC_FEED_HELLO = 1,	/* ${out} filled */
	QUIC_FEED_NOT_QUIC = -1,/* not a QUIC long-header Initial we can read */
};

/* quic_is_long_header(p, n): cheap test used for protocol guessing. */
int	quic_looks_like(const uint8_t *p, size_t n, uint32_t *version);

/*
 * quic_feed_client(st, dgram, len, scratch, cap, out):
 * Feed one client->server UDP payload.  Coalesced packets in one datagram
 * are walked; Initial packets are decrypted (v1, v2, draft-29) and their
 * CRYPTO frames placed by offset into ${scratch} (capacity ${cap}, at least
 * 8 KiB).  When the ClientHello is complete it is parsed with
 * tls_parse_client_hello(quic=1) into ${out} and QUIC_FEED_HELLO returned.
 */
int	quic_feed_client(struct quic_state *st, const uint8_t *dgram,
	    size_t len, uint8_t *scratch, size_t cap, struct tls_hello *out);

/* quic_version_str(v, buf, cap): "v1", "v2", "draft-29", "0x....". */
const char *quic_version_str(uint32_t v, char *buf, size_t cap);

#endif
