/*
 * capture.h - the only libpcap user: live interfaces (promiscuous, kernel
 * buffer size, BPF filter compiled at start) and pcap/pcapng files, with
 * capture-health counters from pcap_stats.
 */
#ifndef ST_CAPTURE_H
#define ST_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture_stats {
	uint64_t	received;	/* pcap_stats ps_recv (live) or packets read */
	uint64_t	dropped;	/* ps_drop: kernel buffer full */
	uint64_t	if_dropped;	/* ps_ifdrop */
	char		iface[64];	/* interface or file name */
};

struct capture_conf {
	const char	*iface;		/* live interface, or NULL */
	const char	*file;		/* pcap/pcapng file, or NULL ("-" = stdin) */
	const char	*bpf;		/* filter expression, or NULL */
	int		 snaplen;
	int		 promisc;
	int		 buffer_mb;	/* kernel ring size (live) */
	int		 timeout_ms;	/* TPACKET_V3 block timeout (live) */
	int		 immediate;	/* live: each packet at once (no ring
					 * blocks: one wake-up per packet) */
};

struct capture;

/* Called for each packet: caplen bytes at data, wire length, time in µs. */
typedef void capture_cb(void *arg, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, uint64_t ts_us);

void	capture_conf_defaults(struct capture_conf *c);
/*
 * capture_open(cp, conf):
 * Open the interface or file and install the filter.  Returns 0, or
 * -errno with a message naming the interface/file and the reason (e.g. a
 * missing CAP_NET_RAW) already logged.
 */
int	capture_open(struct capture **cp, const struct capture_conf *conf);
int	capture_linktype(const struct capture *c);
int	capture_is_live(const struct capture *c);
/* capture_fd(c): the descriptor packets come from (the packet socket, or
 * the file or pipe being replayed); -1 if none.  Privsep closes it in the
 * processes that must not read packets (sensor/parent.c). */
int	capture_fd(const struct capture *c);
/*
 * capture_dispatch(c, max, cb, arg):
 * Deliver up to ${max} packets.  Returns the number delivered (0 on a live
 * read timeout), CAPTURE_EOF at the end of a file, or CAPTURE_ERR (logged;
 * for files this includes a truncated last record).
 */
int	capture_dispatch(struct capture *c, int max, capture_cb *cb, void *arg);
#define CAPTURE_EOF	(-1000)
#define CAPTURE_ERR	(-1001)
/* capture_fanout(c, group): a live handle joins PACKET_FANOUT group
 * ${group} (FANOUT_HASH, defragmented first): the kernel hashes each flow,
 * both directions alike, to one member.  0 or -errno (logged). */
int	capture_fanout(struct capture *c, unsigned group);
void	capture_break(struct capture *c);
void	capture_stats(struct capture *c, struct capture_stats *st);
/* capture_progress(c): fraction of a file read so far, or -1. */
double	capture_progress(struct capture *c);
void	capture_close(struct capture *c);

#endif
