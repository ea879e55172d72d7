/*
 * capture.c - libpcap live and file capture behind one small interface,
 * with error messages that say what to do (permissions, missing interface,
 * not a capture file) and pcap_stats-based drop counters.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "common/log.h"
#include "common/str.h"

#define CAPTURE_FILE_BUF	(1 << 20)

struct capture {
	pcap_t		*p;
	int		 fd;		/* live: selectable descriptor */
	int		 timeout_ms;	/* live: longest wait for packets */
	FILE		*fp;		/* file replay: closed by pcap_close */
	char		*fbuf;		/* its stdio buffer (freed after close) */
	int		 live;
	uint64_t	 delivered;
	off_t		 file_size;
	capture_cb	*cb;
	void		*cb_arg;
	char		 name[64];
};

void
capture_conf_defaults(struct capture_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->snaplen = 262144;
	c->promisc = 1;
	c->buffer_mb = 64;
	c->timeout_ms = 100;
}

static int
open_live(struct capture *c, const struct capture_conf *conf)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	int rc;

	if ((c->p = pcap_create(conf->iface, err)) == NULL) {
		log_warnx("%s: cannot open interface: %s", conf->iface, err);
		return -ENODEV;
	}
	pcap_set_snaplen(c->p, conf->snaplen);
	pcap_set_promisc(c->p, conf->promisc);
	/* Not immediate: libpcap (>= 1.5) maps a TPACKET_V3 ring of
	 * buffer_mb and hands over whole blocks, when full or after
	 * timeout_ms.  Immediate mode wakes us for every packet
	 * (docs/BENCHMARKS.md "Live capture" measures both). */
	pcap_set_timeout(c->p, conf->timeout_ms);
	pcap_set_buffer_size(c->p, conf->buffer_mb * 1024 * 1024);
	if (conf->immediate)
		pcap_set_immediate_mode(c->p, 1);
	rc = pcap_activate(c->p);
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
		log_warnx("%s: permission denied: capturing needs root or the "
		    "CAP_NET_RAW and CAP_NET_ADMIN capabilities (%s)", conf->iface,
		    pcap_geterr(c->p));
		return -EPERM;
	}
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
		log_warnx("%s: no such interface (see 'ip link')", conf->iface);
		return -ENODEV;
	}
	if (rc == PCAP_ERROR_IFACE_NOT_UP) {
		log_warnx("%s: interface is down ('ip link set %s up')",
		    conf->iface, conf->iface);
		return -ENETDOWN;
	}
	if (rc < 0) {
		log_warnx("%s: cannot capture: %s", conf->iface, pcap_geterr(c->p));
		return -EIO;
	}
	if (rc > 0)
		log_warnx("%s: warning: %s", conf->iface, pcap_geterr(c->p));
	/* Non-blocking reads behind our own poll(): libpcap's own wait
	 * retries on EINTR and may not return on an idle link, which would
	 * hold back signals, timeouts, stats and flushes. */
	if (pcap_setnonblock(c->p, 1, err) < 0 ||
	    (c->fd = pcap_get_selectable_fd(c->p)) < 0) {
		log_warnx("%s: cannot poll the capture: %s", conf->iface, err);
		return -EIO;
	}
	c->timeout_ms = conf->timeout_ms;
	c->live = 1;
	return 0;
}

static int
open_file(struct capture *c, const struct capture_conf *conf)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct stat sb;

	if (strcmp(conf->file, "-") != 0) {
		if (stat(conf->file, &sb) < 0) {
			int rc = -errno;

			log_warn("%s: cannot read capture file", conf->file);
			return rc;
		}
		if (S_ISDIR(sb.st_mode)) {
			log_warnx("%s: is a directory, not a capture file", conf->file);
			return -EISDIR;
		}
		c->file_size = sb.st_size;
	}
	/* Our own FILE with a 1 MiB buffer: libpcap's default stdio buffer
	 * costs one read(2) per 4 KiB, measurable on large replays. */
	if (strcmp(conf->file, "-") == 0)
		c->fp = stdin;
	else if ((c->fp = fopen(conf->file, "rb")) == NULL) {
		int rc = -errno;

		log_warn("%s: cannot read capture file", conf->file);
		return rc;
	}
	/* glibc ignores the size when setvbuf is given no buffer (it keeps
	 * st_blksize, 4 KiB): hand it one, or every 4 KiB costs a read(2). */
	if ((c->fbuf = malloc(CAPTURE_FILE_BUF)) != NULL)
		setvbuf(c->fp, c->fbuf, _IOFBF, CAPTURE_FILE_BUF);
	if ((c->p = pcap_fopen_offline_with_tstamp_precision(c->fp,
	    PCAP_TSTAMP_PRECISION_MICRO, err)) == NULL) {
		log_warnx("%s: not a readable pcap/pcapng file: %s", conf->file, err);
		if (c->fp != stdin)
			fclose(c->fp);
		c->fp = NULL;
		return -EINVAL;
	}
	return 0;
}

int
capture_open(struct capture **cp, const struct capture_conf *conf)
{
	struct bpf_program prog;
	struct capture *c;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	str_lcpy(c->name, conf->iface ? conf->iface : conf->file, sizeof(c->name));
	rc = conf->iface != NULL ? open_live(c, conf) : open_file(c, conf);
	if (rc < 0)
		goto err;
	if (conf->bpf != NULL && conf->bpf[0] != '\0') {
		if (pcap_compile(c->p, &prog, conf->bpf, 1,
		    PCAP_NETMASK_UNKNOWN) < 0) {
			log_warnx("bad BPF filter '%s': %s", conf->bpf,
			    pcap_geterr(c->p));
			rc = -EINVAL;
			goto err;
		}
		rc = pcap_setfilter(c->p, &prog);
		pcap_freecode(&prog);
		if (rc < 0) {
			log_warnx("%s: cannot install filter: %s", c->name,
			    pcap_geterr(c->p));
			rc = -EINVAL;
			goto err;
		}
	}
	*cp = c;
	return 0;
err:
	if (c->p != NULL)
		pcap_close(c->p);
	free(c->fbuf);		/* after the FILE that used it is closed */
	free(c);
	return rc;
}

int
capture_linktype(const struct capture *c)
{
	return pcap_datalink(c->p);
}

int
capture_is_live(const struct capture *c)
{
	return c->live;
}

int
capture_fd(const struct capture *c)
{
	if (c->live)
		return c->fd;
	return c->fp != NULL ? fileno(c->fp) : -1;
}

static void
on_pkt(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)(void *)arg;

	c->delivered++;
	c->cb(c->cb_arg, data, h->caplen, h->len,
	    (uint64_t)h->ts.tv_sec * 1000000ULL + (uint64_t)h->ts.tv_usec);
}

int
capture_dispatch(struct capture *c, int max, capture_cb *cb, void *arg)
{
	int n;

	c->cb = cb;
	c->cb_arg = arg;
	if (c->live) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		/* A signal or the timeout returns 0: the caller's loop runs. */
		if (poll(&pfd, 1, c->timeout_ms) <= 0)
			return 0;
	}
	n = pcap_dispatch(c->p, max, on_pkt, (u_char *)c);
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n < 0) {
		log_warnx("%s: %s (after %llu packets)", c->name, pcap_geterr(c->p),
		    (unsigned long long)c->delivered);
		return CAPTURE_ERR;
	}
	if (n == 0 && !c->live)
		return CAPTURE_EOF;
	return n;
}

int
capture_fanout(struct capture *c, unsigned group)
{
	int arg = (int)((group & 0xffff) |
	    ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16)), rc;

	if (!c->live)
		return -EINVAL;
	if (setsockopt(pcap_fileno(c->p), SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) < 0) {
		rc = -errno;
		log_warn("%s: cannot join fanout group %u", c->name, group);
		return rc;
	}
	return 0;
}

void
capture_break(struct capture *c)
{
	pcap_breakloop(c->p);
}

void
capture_stats(struct capture *c, struct capture_stats *st)
{
	struct pcap_stat ps;

	str_lcpy(st->iface, c->name, sizeof(st->iface));
	if (c->live && pcap_stats(c->p, &ps) == 0) {
		st->received = ps.ps_recv;
		st->dropped = ps.ps_drop;
		st->if_dropped = ps.ps_ifdrop;
	} else
		st->received = c->delivered;
}

double
capture_progress(struct capture *c)
{
	FILE *f;
	long pos;

	if (c->live || c->file_size <= 0 || (f = pcap_file(c->p)) == NULL ||
	    (pos = ftell(f)) < 0)
		return -1;
	return (double)pos / (double)c->file_size;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->p);
	free(c->fbuf);		/* after the FILE that used it is closed */
	free(c);
}
