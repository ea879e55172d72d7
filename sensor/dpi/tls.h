/*
 * tls.h - our own TLS handshake parser: ClientHello (SNI, ALPN, versions,
 * JA3, JA4, ECH) and ServerHello (selected version), with a record walker
 * that reassembles handshake messages spanning records and TCP segments.
 * Pure functions over bytes; no allocation; no nDPI.
 */
#ifndef ST_TLS_H
#define ST_TLS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_SNI_MAX	255	/* longest DNS name */
#define TLS_ALPN_MAX	127	/* comma-separated list, truncated */

/*
 * What a ClientHello (TLS over TCP, or QUIC CRYPTO) tells us.  Strings are
 * NUL-terminated and may hold control or non-ASCII bytes (the JSON writer
 * escapes them).  sni: first host_name entry, lower-cased, trailing dot
 * dropped, cut at TLS_SNI_MAX; length-delimited by sni_len, since it may
 * hold NUL bytes (a hostile "evil\0hidden.example").  alpn: names joined by ',',
 * cut (possibly mid-name) at TLS_ALPN_MAX.  ja3: Salesforce JA3 (GREASE
 * left out).  ja4: FoxIO JA4; "" when the hello carries more than 256
 * ciphers or 128 extensions.  ja3/ja4 are also "" if libcrypto fails.
 */
struct tls_hello {
	char		sni[TLS_SNI_MAX + 1];	/* lower-cased; "" if absent */
	char		alpn[TLS_ALPN_MAX + 1];	/* "h2,http/1.1"; "" if none */
	char		ja3[33];		/* MD5 hex of the JA3 string */
	char		ja4[40];		/* JA4 (a_b_c), "" if not computed */
	uint16_t	sni_len;		/* bytes in sni (NULs counted) */
	uint16_t	legacy_version;		/* ClientHello.legacy_version */
	uint16_t	max_version;		/* highest non-GREASE supported_versions, else legacy */
	uint8_t		ech;			/* encrypted_client_hello (0xfe0d) present */
	uint8_t		has_sni;		/* server_name extension present (JA4 'd') */
};

/*
 * tls_parse_client_hello(msg, len, quic, out):
 * Parse one complete handshake message ${msg}[0..${len}) that starts with
 * the handshake type byte (1 = ClientHello) and its 24-bit length.  ${quic}
 * selects JA4's "q" prefix instead of "t".  Fills ${out}.  Returns 0, or
 * -EINVAL when the bytes are not a well-formed ClientHello (${out} may then
 * be partly filled and must not be used).  Bytes after the message are
 * ignored.  No static state (thread-safe); libcrypto allocates a digest
 * context per call, we allocate nothing.
 */
int	tls_parse_client_hello(const uint8_t *msg, size_t len, int quic,
	    struct tls_hello *out);

/*
 * tls_parse_server_hello(msg, len, version):
 * Parse a complete ServerHello handshake message (type 2) and store the
 * negotiated version (supported_versions extension, else legacy_version) in
 * ${version}.  A HelloRetryRequest is accepted the same way and yields its
 * selected version (0x0304); one without supported_versions is -EINVAL.
 * Returns 0 or -EINVAL.
 */
int	tls_parse_server_hello(const uint8_t *msg, size_t len,
	    uint16_t *version);

/*
 * tls_version_str(v): nDPI-style names: "SSLv3", "TLSv1", "TLSv1.1",
 * "TLSv1.2", "TLSv1.3", "TLSv1.3 (draft)", "TLSv1.3 (Fizz)", "DTLSv1.2",
 * ..., else "UNDETERMINED".  Static strings.
 */
const char *tls_version_str(uint16_t v);

/*
 * Per-direction record walker.  Fits in a few dozen bytes so it can live in
 * the flow; the handshake bytes being reassembled go to a caller-owned
 * scratch buffer (from a pool) that is only needed until the hello is seen.
 */
struct tls_dir {
	uint8_t		hdr[5];		/* partial record header */
	uint8_t		hdr_len;
	uint8_t		rec_type;	/* content type of the current record */
	uint8_t		state;		/* TLS_DIR_* */
	uint16_t	rec_left;	/* body bytes left in the current record */
	uint32_t	hs_len;		/* bytes of handshake data buffered */
	uint64_t	app_bytes;	/* application_data record body bytes seen */
	uint32_t	app_records;	/* application_data records seen */
};

enum {
	TLS_DIR_INIT = 0,	/* nothing seen yet */
	TLS_DIR_HANDSHAKE,	/* collecting the first handshake message */
	TLS_DIR_COUNTING,	/* hello parsed: only walking record headers */
	TLS_DIR_NOT_TLS,	/* bytes are not TLS; stop */
};

/* Result of tls_dir_feed(). */
enum {
	TLS_FEED_MORE = 0,	/* need more bytes */
	TLS_FEED_HELLO = 1,	/* the first handshake message is complete in scratch */
	TLS_FEED_NOT_TLS = -1,
};

/*
 * tls_dir_feed(d, p, n, scratch, cap, msg_len):
 * Feed ${n} in-order TCP payload bytes of one direction.  Until the first
 * handshake message is complete its bytes are copied to ${scratch} (capacity
 * ${cap}); when complete returns TLS_FEED_HELLO and sets ${msg_len} (the
 * message is at scratch[0..msg_len)).  After that the walker only counts
 * application_data records (${scratch} may be NULL).  A hello larger than
 * ${cap} or bytes that are not TLS records return TLS_FEED_NOT_TLS.
 *
 * Zero ${d} before the first call (TLS_DIR_INIT == 0).  Until the hello is
 * complete, pass the same ${scratch} every call (it holds the partial
 * message).  Browser hellos with post-quantum key shares are about 2 KB,
 * so a 4 KiB scratch leaves headroom.  Bytes after the hello in the
 * completing call are walked too, so HELLO is returned once and counting
 * continues seamlessly; if they turn out not to be TLS, that call still
 * returns HELLO and the next one NOT_TLS.  NOT_TLS is sticky.
 * Record types 20..24, version 3.0..3.4, length <= 2^14+2048 are accepted;
 * SSLv2-framed hellos are NOT_TLS.  CCS, alert and heartbeat records are
 * skipped.  With TLS 1.3 the encrypted handshake (server certificate,
 * Finished) travels in application_data records and is counted as such.
 * A flow picked up mid-stream whose first record is application_data goes
 * straight to counting without a HELLO.  There is no resync: after a TCP
 * gap the walker most likely reports NOT_TLS.
 */
int	tls_dir_feed(struct tls_dir *d, const uint8_t *p, size_t n,
	    uint8_t *scratch, size_t cap, size_t *msg_len);

#endif
