/* tls.c - TLS version names and the per-direction record walker that collects
 * the first handshake message and counts application_data records. */
#include <string.h>

#include "dpi/tls.h"
#include "dpi/tls_int.h"

#define TLS_REC_MAX	(16384 + 2048)	/* longest record body we accept */
#define TLS_HS_HDR	4		/* handshake type + 24-bit length */
#define REC_CCS		20
#define REC_HANDSHAKE	22
#define REC_APP_DATA	23
#define REC_HEARTBEAT	24

/* Known versions: JA4 code and the nDPI-style name. */
static const struct tls_ver tls_vers[] = {
	{ 0x0002, "s2", "SSLv2" },	{ 0x0300, "s3", "SSLv3" },
	{ 0x0301, "10", "TLSv1" },	{ 0x0302, "11", "TLSv1.1" },
	{ 0x0303, "12", "TLSv1.2" },	{ 0x0304, "13", "TLSv1.3" },
	{ 0xfb1a, "00", "TLSv1.3 (Fizz)" },
	{ 0xfeff, "d1", "DTLSv1.0" },	{ 0xfefd, "d2", "DTLSv1.2" },
	{ 0xfefc, "d3", "DTLSv1.3" },
};

/* tls_ver_find(v): the table entry for version ${v}, or NULL if unknown. */
const struct tls_ver *
tls_ver_find(uint16_t v)
{
	size_t i;

	for (i = 0; i < sizeof(tls_vers) / sizeof(tls_vers[0]); i++)
		if (tls_vers[i].v == v)
			return &tls_vers[i];
	return NULL;
}

/*
 * tls_version_str(v): nDPI-style name of a TLS version, "UNDETERMINED"
 * when unknown.
 */
const char *
tls_version_str(uint16_t v)
{
	const struct tls_ver *vp = tls_ver_find(v);

	if (vp != NULL)
		return vp->name;
	if ((v & 0xff00) == 0x7f00)
		return "TLSv1.3 (draft)";
	return "UNDETERMINED";
}

/* ---- record walker ---------------------------------------------------- */

/*
 * dir_header(d, p, n): gather the 5-byte record header (it may be split
 * across calls) and check it.  Returns 1 when a header was taken, 0 when
 * more bytes are needed, -1 when it is not a TLS record header.
 */
static int
dir_header(struct tls_dir *d, const uint8_t **p, size_t *n)
{
	size_t k = sizeof(d->hdr) - d->hdr_len;
	uint16_t rec_len;

	if (k > *n)
		k = *n;
	memcpy(d->hdr + d->hdr_len, *p, k);
	d->hdr_len = (uint8_t)(d->hdr_len + k);
	*p += k;
	*n -= k;
	/* Reject on the first byte already: cheap on non-TLS flows. */
	if (d->hdr[0] < REC_CCS || d->hdr[0] > REC_HEARTBEAT ||
	    (d->hdr_len >= 2 && d->hdr[1] != 3) ||
	    (d->hdr_len >= 3 && d->hdr[2] > 4))
		return -1;
	if (d->hdr_len < sizeof(d->hdr))
		return 0;
	rec_len = tls_be16(d->hdr + 3);
	if (rec_len > TLS_REC_MAX)
		return -1;
	d->hdr_len = 0;
	d->rec_type = d->hdr[0];
	d->rec_left = rec_len;
	return 1;
}

/*
 * dir_record(d): a record header was taken; decide what its body is for.
 * Returns 0, or -1 when the record cannot occur here.
 */
static int
dir_record(struct tls_dir *d)
{
	if (d->state == TLS_DIR_INIT)
		d->state = TLS_DIR_HANDSHAKE;
	if (d->rec_type != REC_APP_DATA)
		return 0;
	if (d->state == TLS_DIR_HANDSHAKE) {
		/* Handshake fragments must not be interleaved (RFC 8446 5.1). */
		if (d->hs_len > 0)
			return -1;
		d->state = TLS_DIR_COUNTING;	/* picked up mid-stream */
	}
	d->app_records++;
	return 0;
}

/*
 * dir_collect(d, src, k, scratch, cap): append handshake bytes until the
 * first message is complete.  Returns how many of the ${k} bytes were used,
 * sets d->state to COUNTING when the message is complete and to NOT_TLS
 * when it cannot fit in ${cap}.
 */
static size_t
dir_collect(struct tls_dir *d, const uint8_t *src, size_t k,
    uint8_t *scratch, size_t cap)
{
	size_t used = 0, want, m;

	if (scratch == NULL || cap < TLS_HS_HDR) {
		d->state = TLS_DIR_NOT_TLS;
		return k;
	}
	if (d->hs_len < TLS_HS_HDR) {
		m = TLS_HS_HDR - d->hs_len;
		used = k < m ? k : m;
		memcpy(scratch + d->hs_len, src, used);
		d->hs_len += (uint32_t)used;
		if (d->hs_len < TLS_HS_HDR)
			return used;
	}
	/* Header known: refuse a message too big before buffering it. */
	want = TLS_HS_HDR + (((size_t)scratch[1] << 16) |
	    ((size_t)scratch[2] << 8) | scratch[3]);
	if (want > cap) {
		d->state = TLS_DIR_NOT_TLS;
		return k;
	}
	m = want - d->hs_len;
	if (m > k - used)
		m = k - used;
	memcpy(scratch + d->hs_len, src + used, m);
	d->hs_len += (uint32_t)m;
	if (d->hs_len == want)
		d->state = TLS_DIR_COUNTING;
	return used + m;
}

/*
 * tls_dir_feed(d, p, n, scratch, cap, msg_len):
 * Walk ${n} in-order payload bytes of one direction.  The first handshake
 * message is copied to ${scratch}; the call that completes it returns
 * TLS_FEED_HELLO with ${msg_len} set (bytes after it in the same call are
 * already walked).  Afterwards only application_data records are counted.
 * Returns TLS_FEED_MORE, TLS_FEED_HELLO or TLS_FEED_NOT_TLS.
 */
int
tls_dir_feed(struct tls_dir *d, const uint8_t *p, size_t n,
    uint8_t *scratch, size_t cap, size_t *msg_len)
{
	int hello = 0, rc;
	size_t k;

	while (n > 0 && d->state != TLS_DIR_NOT_TLS) {
		if (d->rec_left == 0) {
			if ((rc = dir_header(d, &p, &n)) < 0 ||
			    (rc == 1 && dir_record(d) < 0))
				d->state = TLS_DIR_NOT_TLS;
			continue;
		}
		k = n < d->rec_left ? n : d->rec_left;
		if (d->state == TLS_DIR_HANDSHAKE &&
		    d->rec_type == REC_HANDSHAKE) {
			k = dir_collect(d, p, k, scratch, cap);
			if (d->state == TLS_DIR_COUNTING) {
				*msg_len = d->hs_len;
				hello = 1;
			}
		} else if (d->rec_type == REC_APP_DATA) {
			d->app_bytes += k;
		}
		d->rec_left = (uint16_t)(d->rec_left - k);
		p += k;
		n -= k;
	}
	if (hello)
		return TLS_FEED_HELLO;
	return d->state == TLS_DIR_NOT_TLS ? TLS_FEED_NOT_TLS : TLS_FEED_MORE;
}
