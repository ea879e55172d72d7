/*
 * dpi.h - protocol metadata for a flow: our own TLS/QUIC/DNS/HTTP parsers
 * first, nDPI for naming everything else.  Reports what it learns through
 * the hooks the engine installs (struct dpi_hooks): facts to classify and
 * tls/quic/dns/http records; it calls no other stage by name.  nDPI state and parser scratch come from pools
 * sized at start-up and are released as soon as a flow's metadata is
 * complete, so most packets of a flow cost only a few branches here.
 */
#ifndef ST_DPI_H
#define ST_DPI_H

#include <string.h>

#include "decode/decode.h"
#include "dpi/dns.h"
#include "dpi/http.h"
#include "dpi/quic.h"
#include "dpi/tls.h"
#include "flow/flow.h"
#include "output/event.h"

/* Counters of the engine's own parsers and pools. */
struct dpi_stats {
	uint64_t	ndpi_calls;	/* packets handed to nDPI */
	uint64_t	ndpi_flows;	/* flows that got an nDPI state */
	uint64_t	ndpi_pool_empty;/* flows denied nDPI state (pool empty) */
	uint64_t	scratch_empty;	/* parser scratch denied (pool empty) */
	uint64_t	tls_hellos;
	uint64_t	quic_hellos;
	uint64_t	dns_msgs;
	uint64_t	dns_bad;
	uint64_t	http_reqs;
	uint64_t	http_anomalies;	/* requests with control bytes in the target */
	uint64_t	tcp_ooo;	/* out-of-order segments skipped by parsers */
	uint64_t	snap_cut;	/* segments (and HTTP datagrams) parsed although
					 * the snap length cut them */
};

/*
 * What dpi reports, installed by the engine (sensor/engine.c): names and
 * requests to classify (hello, http, body, dns, each before the record is
 * reported), and records worth an event (report: EV_TLS, EV_QUIC with no
 * data, EV_DNS with the dns_msg, EV_HTTP with the http_req).
 */
struct dpi_hooks {
	struct ev_hook	report;
	void	(*hello)(void *arg, struct flow *f, uint64_t ts);
	void	(*http)(void *arg, struct flow *f, const struct http_req *r,
		    uint64_t ts);
	void	(*body)(void *arg, struct flow *f, const uint8_t *p, size_t n,
		    uint64_t ts);
	void	(*dns)(void *arg, struct flow *f, const struct dns_msg *d,
		    uint64_t ts);
	void	*arg;
};

struct dpi_conf {
	uint32_t	ndpi_slots;	/* flows dissected by nDPI at once */
	uint32_t	ndpi_max_pkts;	/* packets per flow given to nDPI */
	uint32_t	scratch_slots;	/* reassembly buffers */
	uint32_t	scratch_size;	/* bytes per buffer */
	int		prefault;	/* touch the pools at start-up */
	int		ndpi_all;	/* every nDPI dissector, else the needed set */
};

struct dpi;

void	dpi_conf_defaults(struct dpi_conf *c);
/* dpi_new(d, conf, max_flows, h): init nDPI (~30 ms), the pools and the
 * parser side table for ${max_flows} flow records; ${h} is copied (NULL:
 * nothing reported).  0 or -errno. */
int	dpi_new(struct dpi **d, const struct dpi_conf *conf, uint32_t max_flows,
	    const struct dpi_hooks *h);
/* dpi_free(d): NULL-safe. */
void	dpi_free(struct dpi *d);
/* dpi_packet(d, f, p, dir): inspect one packet of flow ${f}. */
void	dpi_packet(struct dpi *d, struct flow *f, const struct pkt *p, int dir);
/* dpi_flow_end(d, f): emit what is still pending, release pooled state. */
void	dpi_flow_end(struct dpi *d, struct flow *f);
const struct dpi_stats *dpi_stats(const struct dpi *d);
/* dpi_counters(d): register shadowtap.dpi.* in the counter registry. */
void	dpi_counters(struct dpi *d);

/*
 * Per-flow parser state, kept out of struct flow in a side table of one
 * entry per flow record (indexed by f->slot), so the flow record stays
 * small.  An entry belongs to the flow whose id it carries; a new flow in
 * the same slot finds it zeroed.  Big buffers are borrowed from the
 * scratch pool.
 */
struct dpi_flow {
	uint64_t	 id;		/* flow id this entry belongs to */
	struct tls_dir	 tls[2];
	struct quic_state quic;
	struct http_stream http;
	struct dns_tcp	 dnstcp[2];
	uint8_t		*scratch[2];	/* borrowed scratch per direction */
	void		*ndpi;		/* nDPI flow while it dissects */
	uint32_t	 next_seq[2];	/* TCP: next expected sequence number */
	uint8_t		 seq_ok[2];	/* next_seq valid */
	uint8_t		 ndpi_pkts;	/* packets given to nDPI */
	uint8_t		 ndpi_done;	/* nDPI no longer fed */
	uint8_t		 ours_done;	/* our parsers have nothing more to learn */
	uint8_t		 ooo[2];	/* out-of-order segments dropped by parsers */
};

/* Internal split between dpi.c (nDPI) and dispatch.c (our parsers). */
struct dpi_core {
	struct dpi_hooks h;		/* installed by the engine */
	struct dpi_stats st;
	uint8_t		*scratch_mem;
	uint32_t	*scratch_free;	/* stack of free slot indices */
	uint32_t	 scratch_nfree;
	uint32_t	 scratch_used;	/* high-water mark */
	uint32_t	 scratch_slots;
	uint32_t	 scratch_size;
	struct dns_msg	 dns;		/* one parse buffer, reused */
	struct dpi_flow	*side;		/* parser state, one per flow slot */
	uint32_t	 nside;
	struct dpi_flow	*fp;		/* cur_flow's entry */
	struct flow	*cur_flow;	/* for parser callbacks */
	uint64_t	 cur_ts;
	int		 cur_dir;
};
struct dpi_core	*dpi_core(struct dpi *d);

/* dpi_flow_of(c, f): ${f}'s parser state, zeroed when the slot held
 * another flow before. */
static inline struct dpi_flow *
dpi_flow_of(struct dpi_core *c, const struct flow *f)
{
	struct dpi_flow *s = &c->side[f->slot < c->nside ? f->slot : 0];

	if (s->id != f->id) {
		memset(s, 0, sizeof(*s));
		s->id = f->id;
	}
	return s;
}
uint8_t	*dpi_scratch_get(struct dpi_core *c);
void	 dpi_scratch_put(struct dpi_core *c, uint8_t *p);
/* dispatch.c: returns 1 when our parsers own the flow (nDPI not needed). */
int	 dispatch_packet(struct dpi_core *c, struct flow *f, const struct pkt *p, int dir);
void	 dispatch_flow_end(struct dpi_core *c, struct flow *f);

#endif
