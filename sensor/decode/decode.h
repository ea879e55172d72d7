/*
 * decode.h - link, VLAN, IPv4/IPv6 (with extension headers and simple
 * tunnels) and TCP/UDP header decoding into a struct pkt that points into
 * the captured bytes.  Owns the decoder counters; never copies payload.
 */
#ifndef ST_DECODE_H
#define ST_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Decoder counters: totals by kind and named anomalies.  The names (see
 * decode_counter_name) are the keys of stats.decoder in EVE and SQLite. */
enum dec_counter {
	DC_PKTS = 0, DC_BYTES, DC_ETH, DC_VLAN, DC_QINQ, DC_IPV4, DC_IPV6,
	DC_TCP, DC_UDP, DC_ICMP, DC_OTHER_L4, DC_TUNNEL,
	DC_IPV4_FRAG, DC_IPV6_FRAG,
	/* anomalies */
	DC_TRUNC_LINK, DC_TRUNC_VLAN, DC_VLAN_TOO_DEEP, DC_NON_IP,
	DC_UNKNOWN_LINKTYPE, DC_TRUNC_IPV4, DC_IPV4_BAD_HLEN, DC_IPV4_BAD_LEN,
	DC_TRUNC_IPV6, DC_IPV6_EXT_TOO_MANY, DC_IPV6_BAD_EXT, DC_TRUNC_TCP,
	DC_TCP_BAD_HLEN, DC_TRUNC_UDP, DC_UDP_BAD_LEN, DC_TUNNEL_TOO_DEEP,
	DC_SNAPLEN_CUT, DC__COUNT
};

struct dec_stats {
	uint64_t	c[DC__COUNT];
};

const char	*decode_counter_name(enum dec_counter c);
/* decode_counters(st, suricata): register the decoder counters of ${st}
 * with Suricata's names (stats.decoder) or the others. */
void	decode_counters(const struct dec_stats *st, int suricata);

/* An address family-agnostic IP address: IPv4 is stored as ::ffff:a.b.c.d
 * so keys compare with one memcmp. */
struct ip_addr {
	uint8_t		a[16];
};

struct pkt {
	uint64_t	 ts_us;		/* capture time, µs since the epoch */
	const uint8_t	*l3;		/* innermost IP header */
	const uint8_t	*payload;	/* L4 payload */
	uint32_t	 l3_len;	/* IP header + payload, as captured */
	uint32_t	 payload_len;
	uint32_t	 wire_len;	/* original frame length */
	uint32_t	 payload_cut;	/* L4 payload bytes the snap length cut off
					 * (IP length minus what was captured) */
	uint32_t	 seq, ack;	/* TCP */
	struct ip_addr	 src, dst;
	uint16_t	 sport, dport;
	uint16_t	 vlan[2];	/* outer, inner; 0 = none */
	uint8_t		 nvlan;
	uint8_t		 ipver;		/* 4 or 6 */
	uint8_t		 proto;		/* IPPROTO_TCP/UDP/ICMP... */
	uint8_t		 tcp_flags;
	uint8_t		 frag;		/* an IP fragment: see frag_* and defrag.h */
	uint8_t		 tunnel;	/* decapsulated from IP-in-IP/GRE/VXLAN */
	uint8_t		 frag_mf;	/* more fragments follow */
	uint8_t		 frag_proto;	/* upper-layer protocol of the datagram */
	uint32_t	 frag_id;
	uint32_t	 frag_off;	/* byte offset of this fragment's data */
	const uint8_t	*frag_data;	/* this fragment's data */
	uint32_t	 frag_len;
};

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10

/*
 * decode_packet(st, linktype, data, caplen, wirelen, ts_us, p):
 * Decode one captured frame of pcap link type ${linktype}.  Fills ${p} and
 * returns 0 when an IP packet was found (p->proto tells whether ports are
 * valid: TCP/UDP and !p->frag); returns -EINVAL (counting the reason in
 * ${st}) when there is nothing for the flow layer.
 */
int	decode_packet(struct dec_stats *st, int linktype, const uint8_t *data,
	    uint32_t caplen, uint32_t wirelen, uint64_t ts_us, struct pkt *p);

/*
 * decode_reassembled(st, l3, len, p):
 * Decode a datagram rebuilt by defrag (IPv4 or IPv6 header without
 * fragmentation fields + whole payload) into ${p}, keeping ${p}'s time,
 * VLANs and wire length.  Returns 0 or -EINVAL like decode_packet().
 */
int	decode_reassembled(struct dec_stats *st, const uint8_t *l3, uint32_t len,
	    struct pkt *p);

/* decode_linktype_ok(lt): 1 when decode_packet knows link type ${lt}. */
int	decode_linktype_ok(int linktype);

/* ip_addr_str(a, buf, cap): presentation form (IPv4 for mapped addrs). */
const char *ip_addr_str(const struct ip_addr *a, char *buf, size_t cap);
int	ip_addr_is_v4(const struct ip_addr *a);

#endif
