/*
 * decode.c - from a captured frame to struct pkt: link layer, 802.1Q/QinQ,
 * IPv4/IPv6 (extension headers, fragments counted), IP-in-IP/GRE/VXLAN
 * decapsulation and TCP/UDP headers.  Every length is checked first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "common/counters.h"
#include "common/str.h"
#include "decode/cursor.h"
#include "decode/decode.h"

#define MAX_TUNNEL_DEPTH	3
#define MAX_IPV6_EXT		8

/* pcap link types (DLT_* values as stored in files). */
#define LT_NULL		0
#define LT_EN10MB	1
#define LT_PPP		9
#define LT_PPP_SERIAL	50
#define LT_C_HDLC	104
#define LT_RAW_A	12
#define LT_RAW_B	14
#define LT_RAW		101
#define LT_LOOP		108
#define LT_SLL		113
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_SLL2		276

static const char *const dc_names[DC__COUNT] = {
	[DC_PKTS] = "pkts", [DC_BYTES] = "bytes", [DC_ETH] = "ethernet",
	[DC_VLAN] = "vlan", [DC_QINQ] = "vlan_qinq", [DC_IPV4] = "ipv4",
	[DC_IPV6] = "ipv6", [DC_TCP] = "tcp", [DC_UDP] = "udp",
	[DC_ICMP] = "icmp", [DC_OTHER_L4] = "other_l4", [DC_TUNNEL] = "tunnel",
	[DC_IPV4_FRAG] = "ipv4_frag", [DC_IPV6_FRAG] = "ipv6_frag",
	[DC_TRUNC_LINK] = "link_truncated", [DC_TRUNC_VLAN] = "vlan_truncated",
	[DC_VLAN_TOO_DEEP] = "vlan_too_deep", [DC_NON_IP] = "non_ip",
	[DC_UNKNOWN_LINKTYPE] = "unknown_linktype",
	[DC_TRUNC_IPV4] = "ipv4_truncated", [DC_IPV4_BAD_HLEN] = "ipv4_bad_hlen",
	[DC_IPV4_BAD_LEN] = "ipv4_bad_len", [DC_TRUNC_IPV6] = "ipv6_truncated",
	[DC_IPV6_EXT_TOO_MANY] = "ipv6_ext_too_many",
	[DC_IPV6_BAD_EXT] = "ipv6_bad_ext", [DC_TRUNC_TCP] = "tcp_truncated",
	[DC_TCP_BAD_HLEN] = "tcp_bad_hlen", [DC_TRUNC_UDP] = "udp_truncated",
	[DC_UDP_BAD_LEN] = "udp_bad_len", [DC_TUNNEL_TOO_DEEP] = "tunnel_too_deep",
	[DC_SNAPLEN_CUT] = "snaplen_cut",
};

const char *
decode_counter_name(enum dec_counter c)
{
	return (unsigned)c < DC__COUNT ? dc_names[c] : "?";
}

/* Decoder counters whose names Suricata's EVE schema has (stats.decoder);
 * the rest go to stats.shadowtap.decoder. */
static int
suri_decoder_name(const char *n)
{
	static const char *const suri[] = {
		"pkts", "bytes", "ethernet", "vlan", "vlan_qinq", "ipv4",
		"ipv6", "tcp", "udp", "icmpv4", "icmpv6", "sctp", "invalid",
		NULL
	};
	int i;

	for (i = 0; suri[i] != NULL; i++)
		if (strcmp(n, suri[i]) == 0)
			return 1;
	return 0;
}

void
decode_counters(const struct dec_stats *st, int suricata)
{
	char db[CTR_NAME_LEN];
	int i, k;

	for (i = 0; i < DC__COUNT; i++) {
		if (suri_decoder_name(dc_names[i]) != suricata)
			continue;
		snprintf(db, sizeof(db), "decoder.%s", dc_names[i]);
		k = ctr_add(CTR_OWN_ENGINE, suricata ? "decoder" :
		    "shadowtap.decoder", dc_names[i], db, CTR_COUNTER, &st->c[i],
		    "decoder counter");
		ctr_set_flags(k, CTR_DB_NONZERO);
	}
}

int
decode_linktype_ok(int lt)
{
	switch (lt) {
	case LT_PPP: case LT_PPP_SERIAL: case LT_C_HDLC:
	case LT_NULL: case LT_EN10MB: case LT_RAW_A: case LT_RAW_B:
	case LT_RAW: case LT_LOOP: case LT_SLL: case LT_IPV4: case LT_IPV6:
	case LT_SLL2:
		return 1;
	}
	return 0;
}

int
ip_addr_is_v4(const struct ip_addr *a)
{
	static const uint8_t pfx[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

	return memcmp(a->a, pfx, 12) == 0;
}

const char *
ip_addr_str(const struct ip_addr *a, char *buf, size_t cap)
{
	size_t n;

	/* By hand (common/str.h), not inet_ntop: two per event. */
	if (ip_addr_is_v4(a))
		n = str_ip4(buf, cap, a->a + 12);
	else
		n = str_ip6(buf, cap, a->a);
	return n != 0 ? buf : NULL;
}

static void
set_v4(struct ip_addr *d, const uint8_t *s)
{
	memset(d->a, 0, 10);
	d->a[10] = d->a[11] = 0xff;
	memcpy(d->a + 12, s, 4);
}

/* Ethertype-level dispatch result. */
enum { NEXT_NONE, NEXT_IPV4, NEXT_IPV6, NEXT_ETH };

static int decode_ip(struct dec_stats *, const uint8_t *, size_t, int,
    struct pkt *, int);

/* Skip VLAN tags, a PPPoE session header and MPLS labels starting at
 * ethertype ${et}; leaves ${et} at the inner ethertype.  Bounded: two VLAN
 * tags, eight MPLS labels. */
static int
skip_vlans(struct dec_stats *st, struct cursor *c, uint16_t *et, struct pkt *p)
{
	int labels = 0;

	for (;;) {
		if (*et == 0x8100 || *et == 0x88a8 || *et == 0x9100) {
			uint16_t tci;

			if (p->nvlan >= 2) {
				st->c[DC_VLAN_TOO_DEEP]++;
				return -EINVAL;
			}
			tci = cur_be16(c);
			*et = cur_be16(c);
			if (c->bad) {
				st->c[DC_TRUNC_VLAN]++;
				return -EINVAL;
			}
			p->vlan[p->nvlan++] = tci & 0x0fff;
			st->c[p->nvlan == 1 ? DC_VLAN : DC_QINQ]++;
		} else if (*et == 0x8864) {	/* PPPoE session: 6 + PPP protocol */
			uint16_t proto;

			cur_skip(c, 6);
			proto = cur_be16(c);
			if (c->bad) {
				st->c[DC_TRUNC_LINK]++;
				return -EINVAL;
			}
			*et = proto == 0x0021 ? 0x0800 : proto == 0x0057 ? 0x86dd : 0;
			return 0;
		} else if (*et == 0x8847 || *et == 0x8848) {	/* MPLS */
			uint32_t l;

			do {
				l = cur_be32(c);
			} while (!c->bad && !(l & 0x100) && ++labels < 8);
			if (c->bad || !(l & 0x100) || c->left < 1) {
				st->c[DC_TRUNC_LINK]++;
				return -EINVAL;
			}
			/* No payload type in MPLS: trust the IP version. */
			*et = (c->p[0] >> 4) == 4 ? 0x0800 :
			    (c->p[0] >> 4) == 6 ? 0x86dd : 0;
			return 0;
		} else
			return 0;
	}
}

static int
ethertype_next(struct dec_stats *st, uint16_t et)
{
	if (et == 0x0800)
		return NEXT_IPV4;
	if (et == 0x86dd)
		return NEXT_IPV6;
	st->c[DC_NON_IP]++;
	return NEXT_NONE;
}

/* Ethernet header (possibly inner, from GRE/VXLAN) then IP. */
static int
decode_eth(struct dec_stats *st, const uint8_t *d, size_t len, struct pkt *p,
    int depth)
{
	struct cursor c;
	uint16_t et;
	int nx;

	cur_init(&c, d, len);
	cur_skip(&c, 12);
	et = cur_be16(&c);
	if (c.bad) {
		st->c[DC_TRUNC_LINK]++;
		return -EINVAL;
	}
	st->c[DC_ETH]++;
	if (skip_vlans(st, &c, &et, p) < 0)
		return -EINVAL;
	if ((nx = ethertype_next(st, et)) == NEXT_NONE)
		return -EINVAL;
	return decode_ip(st, c.p, c.left, nx == NEXT_IPV4 ? 4 : 6, p, depth);
}

/* TCP/UDP header at ${d}; sets ports and payload.  ${ip_cut}: the IP layer
 * already counted a snaplen cut of this packet. */
static int
decode_l4(struct dec_stats *st, const uint8_t *d, size_t len, struct pkt *p,
    int ip_cut)
{
	struct cursor c;

	cur_init(&c, d, len);
	if (p->proto == IPPROTO_TCP) {
		size_t hlen;

		st->c[DC_TCP]++;
		p->sport = cur_be16(&c);
		p->dport = cur_be16(&c);
		p->seq = cur_be32(&c);
		p->ack = cur_be32(&c);
		hlen = (size_t)(cur_u8(&c) >> 4) * 4;
		p->tcp_flags = cur_u8(&c);
		if (c.bad) {
			st->c[DC_TRUNC_TCP]++;
			return -EINVAL;
		}
		if (hlen < 20 || hlen > len) {
			st->c[hlen < 20 ? DC_TCP_BAD_HLEN : DC_TRUNC_TCP]++;
			return -EINVAL;
		}
		p->payload = d + hlen;
		p->payload_len = (uint32_t)(len - hlen);
	} else if (p->proto == IPPROTO_UDP) {
		uint16_t ulen;

		st->c[DC_UDP]++;
		p->sport = cur_be16(&c);
		p->dport = cur_be16(&c);
		ulen = cur_be16(&c);
		if (c.bad) {
			st->c[DC_TRUNC_UDP]++;
			return -EINVAL;
		}
		if (c.left < 2 || ulen < 8) {
			st->c[c.left < 2 ? DC_TRUNC_UDP : DC_UDP_BAD_LEN]++;
			return -EINVAL;
		}
		/* A UDP length beyond the IP payload: snaplen cut the
		 * datagram (counted once, by the IP layer) or the length is
		 * bogus.  Either way keep what we have. */
		p->payload = d + 8;
		p->payload_len = (uint32_t)(ulen <= len ? (size_t)ulen - 8 : len - 8);
		if (ulen > len && !ip_cut)
			st->c[DC_UDP_BAD_LEN]++;
	} else {
		st->c[p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6 ?
		    DC_ICMP : DC_OTHER_L4]++;
		p->payload = d;
		p->payload_len = (uint32_t)len;
	}
	return 0;
}

/* GTP-U (mobile core, UDP 2152): version 1 G-PDU carrying an IP packet;
 * optional sequence/N-PDU fields and a bounded extension-header chain. */
static int
decode_gtpu(struct dec_stats *st, struct pkt *p, int depth, int *handled)
{
	struct cursor c;
	uint8_t flags, type, next = 0;
	int n;

	cur_init(&c, p->payload, p->payload_len);
	flags = cur_u8(&c);
	type = cur_u8(&c);
	cur_skip(&c, 6);		/* length, TEID */
	if (c.bad || (flags >> 5) != 1 || type != 0xff)
		return 0;
	if (flags & 0x07) {
		cur_skip(&c, 3);	/* sequence, N-PDU */
		next = cur_u8(&c);
	}
	for (n = 0; next != 0 && n < 8 && !c.bad; n++) {
		uint8_t units = cur_u8(&c);

		if (units == 0 || !cur_skip(&c, (size_t)units * 4 - 2))
			return 0;
		next = cur_u8(&c);
	}
	if (c.bad || next != 0 || c.left < 1 ||
	    ((c.p[0] >> 4) != 4 && (c.p[0] >> 4) != 6))
		return 0;
	*handled = 1;
	st->c[DC_TUNNEL]++;
	p->tunnel = 1;
	return decode_ip(st, c.p, c.left, c.p[0] >> 4, p, depth + 1);
}

/* Tunnels: IP-in-IP, GRE (IP or transparent Ethernet), VXLAN, GTP-U. */
static int
decode_tunnel(struct dec_stats *st, const uint8_t *d, size_t len,
    struct pkt *p, int depth, int *handled)
{
	*handled = 0;
	if (depth >= MAX_TUNNEL_DEPTH) {
		if (p->proto == IPPROTO_IPIP || p->proto == IPPROTO_IPV6 ||
		    p->proto == IPPROTO_GRE)
			st->c[DC_TUNNEL_TOO_DEEP]++;
		return 0;
	}
	if (p->proto == IPPROTO_IPIP || p->proto == IPPROTO_IPV6) {
		*handled = 1;
		st->c[DC_TUNNEL]++;
		p->tunnel = 1;
		return decode_ip(st, d, len, p->proto == IPPROTO_IPIP ? 4 : 6, p,
		    depth + 1);
	}
	if (p->proto == IPPROTO_GRE) {
		struct cursor c;
		uint16_t flags, et;

		cur_init(&c, d, len);
		flags = cur_be16(&c);
		et = cur_be16(&c);
		if ((flags & 0x0007) != 0)	/* only GRE version 0 */
			return 0;
		if (flags & 0x8000)
			cur_skip(&c, 4);	/* checksum + reserved */
		if (flags & 0x2000)
			cur_skip(&c, 4);	/* key */
		if (flags & 0x1000)
			cur_skip(&c, 4);	/* sequence */
		if (c.bad)
			return 0;
		*handled = 1;
		st->c[DC_TUNNEL]++;
		p->tunnel = 1;
		if (et == 0x6558)
			return decode_eth(st, c.p, c.left, p, depth + 1);
		if (et == 0x0800 || et == 0x86dd)
			return decode_ip(st, c.p, c.left, et == 0x0800 ? 4 : 6, p,
			    depth + 1);
		st->c[DC_NON_IP]++;
		return -EINVAL;
	}
	if (p->proto == IPPROTO_UDP && (p->dport == 2152 || p->sport == 2152))
		return decode_gtpu(st, p, depth, handled);
	if (p->proto == IPPROTO_UDP && p->dport == 4789 && p->payload_len >= 8 &&
	    (p->payload[0] & 0x08)) {
		*handled = 1;
		st->c[DC_TUNNEL]++;
		p->tunnel = 1;
		p->nvlan = 0;
		return decode_eth(st, p->payload + 8, p->payload_len - 8, p,
		    depth + 1);
	}
	return 0;
}

static int
decode_ipv4(struct dec_stats *st, const uint8_t *d, size_t len, struct pkt *p,
    size_t *l4off, size_t *l4len)
{
	size_t hlen, tot;
	uint16_t off;

	if (len < 20) {
		st->c[DC_TRUNC_IPV4]++;
		return -EINVAL;
	}
	st->c[DC_IPV4]++;
	hlen = (size_t)(d[0] & 0x0f) * 4;
	tot = ((size_t)d[2] << 8) | d[3];
	if (hlen < 20 || hlen > len) {
		st->c[DC_IPV4_BAD_HLEN]++;
		return -EINVAL;
	}
	if (tot < hlen) {
		st->c[DC_IPV4_BAD_LEN]++;
		return -EINVAL;
	}
	if (tot > len) {
		/* Snaplen cut: decode what was captured. */
		st->c[DC_SNAPLEN_CUT]++;
		p->payload_cut = (uint32_t)(tot - len);
		tot = len;
	}
	off = (uint16_t)((d[6] << 8) | d[7]);
	p->ipver = 4;
	p->proto = d[9];
	set_v4(&p->src, d + 12);
	set_v4(&p->dst, d + 16);
	p->l3 = d;
	p->l3_len = (uint32_t)tot;
	if ((off & 0x3fff) != 0) {	/* MF set or offset != 0 */
		st->c[DC_IPV4_FRAG]++;
		p->frag = 1;
		p->frag_mf = (off & 0x2000) != 0;
		p->frag_off = (uint32_t)(off & 0x1fff) * 8;
		p->frag_id = (uint32_t)((d[4] << 8) | d[5]);
		p->frag_proto = d[9];
		p->frag_data = d + hlen;
		p->frag_len = (uint32_t)(tot - hlen);
	}
	*l4off = hlen;
	*l4len = tot - hlen;
	return 0;
}

static int
decode_ipv6(struct dec_stats *st, const uint8_t *d, size_t len, struct pkt *p,
    size_t *l4off, size_t *l4len)
{
	size_t plen, off = 40, end;
	uint8_t nh;
	int n;

	if (len < 40) {
		st->c[DC_TRUNC_IPV6]++;
		return -EINVAL;
	}
	st->c[DC_IPV6]++;
	plen = ((size_t)d[4] << 8) | d[5];
	end = 40 + plen;
	if (end > len) {
		st->c[DC_SNAPLEN_CUT]++;
		p->payload_cut = (uint32_t)(end - len);
		end = len;
	}
	nh = d[6];
	p->ipver = 6;
	memcpy(p->src.a, d + 8, 16);
	memcpy(p->dst.a, d + 24, 16);
	p->l3 = d;
	p->l3_len = (uint32_t)end;
	/* Walk extension headers, bounded in count and length. */
	for (n = 0;; n++) {
		if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 51)
			break;
		if (n >= MAX_IPV6_EXT) {
			st->c[DC_IPV6_EXT_TOO_MANY]++;
			return -EINVAL;
		}
		if (off + 8 > end) {
			st->c[DC_IPV6_BAD_EXT]++;
			return -EINVAL;
		}
		if (nh == 44) {		/* fragment header */
			uint16_t fo = (uint16_t)((d[off + 2] << 8) | d[off + 3]);

			st->c[DC_IPV6_FRAG]++;
			nh = d[off];
			if ((fo & 0xfff8) != 0 || (fo & 1)) {
				p->frag = 1;
				p->frag_mf = fo & 1;
				p->frag_off = fo & 0xfff8;
				p->frag_id = ((uint32_t)d[off + 4] << 24) |
				    ((uint32_t)d[off + 5] << 16) |
				    ((uint32_t)d[off + 6] << 8) | d[off + 7];
				p->frag_proto = nh;
				p->frag_data = d + off + 8;
				p->frag_len = (uint32_t)(end - off - 8);
				p->proto = nh;
				return 0;
			}
			off += 8;	/* atomic fragment: just skip it */
			continue;
		}
		{
			size_t elen = nh == 51 ? ((size_t)d[off + 1] + 2) * 4 :
			    ((size_t)d[off + 1] + 1) * 8;

			nh = d[off];
			off += elen;
			if (off > end) {
				st->c[DC_IPV6_BAD_EXT]++;
				return -EINVAL;
			}
		}
	}
	p->proto = nh;
	*l4off = off;
	*l4len = end - off;
	return 0;
}

static int
decode_ip(struct dec_stats *st, const uint8_t *d, size_t len, int ver,
    struct pkt *p, int depth)
{
	size_t l4off = 0, l4len = 0;
	uint64_t cut0 = st->c[DC_SNAPLEN_CUT];
	int rc, handled;

	/* An inner (tunnelled) packet must not inherit the outer L4 fields:
	 * the UDP tunnel checks below read ports and payload. */
	p->sport = p->dport = 0;
	p->seq = p->ack = 0;
	p->tcp_flags = 0;
	p->payload = NULL;
	p->payload_len = 0;
	p->payload_cut = 0;
	if (len >= 1 && (d[0] >> 4) != ver) {
		/* Raw link types do not say the version; trust the header. */
		ver = d[0] >> 4;
	}
	if (ver == 4)
		rc = decode_ipv4(st, d, len, p, &l4off, &l4len);
	else if (ver == 6)
		rc = decode_ipv6(st, d, len, p, &l4off, &l4len);
	else {
		st->c[DC_NON_IP]++;
		return -EINVAL;
	}
	if (rc < 0)
		return rc;
	if (p->frag) {
		/* Fragments are counted, not reassembled: the flow layer
		 * sees no ports for them (documented in ARCHITECTURE.md). */
		p->payload = NULL;
		p->payload_len = 0;
		return 0;
	}
	if ((rc = decode_tunnel(st, d + l4off, l4len, p, depth, &handled)) < 0 ||
	    handled)
		return rc;
	if ((rc = decode_l4(st, d + l4off, l4len, p,
	    st->c[DC_SNAPLEN_CUT] != cut0)) < 0)
		return rc;
	/* VXLAN is recognised only after the UDP header is known. */
	if (p->proto == IPPROTO_UDP &&
	    (rc = decode_tunnel(st, d + l4off, l4len, p, depth, &handled)) < 0)
		return rc;
	return 0;
}

int
decode_reassembled(struct dec_stats *st, const uint8_t *l3, uint32_t len,
    struct pkt *p)
{
	uint64_t ts = p->ts_us;
	uint32_t wire = p->wire_len;
	uint16_t v0 = p->vlan[0], v1 = p->vlan[1];
	uint8_t nv = p->nvlan;

	memset(p, 0, sizeof(*p));
	p->ts_us = ts;
	p->wire_len = wire;
	p->vlan[0] = v0;
	p->vlan[1] = v1;
	p->nvlan = nv;
	if (len < 1)
		return -EINVAL;
	return decode_ip(st, l3, len, l3[0] >> 4, p, 0);
}

int
decode_packet(struct dec_stats *st, int lt, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen, uint64_t ts_us, struct pkt *p)
{
	struct cursor c;
	uint16_t et;
	int nx;

	memset(p, 0, sizeof(*p));
	p->ts_us = ts_us;
	p->wire_len = wirelen;
	st->c[DC_PKTS]++;
	st->c[DC_BYTES] += wirelen;
	cur_init(&c, data, caplen);
	switch (lt) {
	case LT_EN10MB:
		return decode_eth(st, data, caplen, p, 0);
	case LT_RAW: case LT_RAW_A: case LT_RAW_B: case LT_IPV4: case LT_IPV6:
		if (caplen < 1) {
			st->c[DC_TRUNC_LINK]++;
			return -EINVAL;
		}
		return decode_ip(st, data, caplen, data[0] >> 4, p, 0);
	case LT_NULL: case LT_LOOP: {
		/* 4-byte address family, host order (NULL) or network (LOOP);
		 * IPv6 values differ per BSD, so trust the IP version nibble. */
		if (!cur_skip(&c, 4) || c.left < 1) {
			st->c[DC_TRUNC_LINK]++;
			return -EINVAL;
		}
		return decode_ip(st, c.p, c.left, c.p[0] >> 4, p, 0);
	}
	case LT_SLL:
		cur_skip(&c, 14);
		et = cur_be16(&c);
		break;
	case LT_PPP: case LT_PPP_SERIAL: {
		/* Optional address/control (ff 03), then the PPP protocol. */
		uint16_t proto;

		if (c.left >= 2 && c.p[0] == 0xff && c.p[1] == 0x03)
			cur_skip(&c, 2);
		proto = cur_be16(&c);
		et = proto == 0x0021 ? 0x0800 : proto == 0x0057 ? 0x86dd : 0;
		break;
	}
	case LT_C_HDLC:
		cur_skip(&c, 2);
		et = cur_be16(&c);
		break;
	case LT_SLL2:
		et = cur_be16(&c);
		cur_skip(&c, 18);
		break;
	default:
		st->c[DC_UNKNOWN_LINKTYPE]++;
		return -EINVAL;
	}
	if (c.bad) {
		st->c[DC_TRUNC_LINK]++;
		return -EINVAL;
	}
	if (skip_vlans(st, &c, &et, p) < 0)
		return -EINVAL;
	if ((nx = ethertype_next(st, et)) == NEXT_NONE)
		return -EINVAL;
	return decode_ip(st, c.p, c.left, nx == NEXT_IPV4 ? 4 : 6, p, 0);
}
