/*
 * dpi.h - protocol metadata for a flow: our own TLS/QUIC/DNS/HTTP parsers
 * first, nDPI for naming everything else.  Emits tls/quic/dns/http events
 * through the output stage.  nDPI state and parser scratch come from pools
 * sized at start-up and are released as soon as a flow's metadata is
 * complete, so most packets of a flow cost only a few branches here.
 */
#ifndef ST_DPI_H
#define ST_DPI_H

#include "decode/decode.h"
#include "flow/flow.h"
#include "output/event.h"

struct output;
struct analyzer;

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
/* dpi_new(d, conf, out): init nDPI (~30 ms) and the pools.  0 or -errno. */
int	dpi_new(struct dpi **d, const struct dpi_conf *conf, struct output *out);
/* dpi_free(d): NULL-safe. */
void	dpi_free(struct dpi *d);
/* dpi_packet(d, f, p, dir): inspect one packet of flow ${f}. */
void	dpi_packet(struct dpi *d, struct flow *f, const struct pkt *p, int dir);
/* dpi_flow_end(d, f): emit what is still pending, release pooled state. */
void	dpi_flow_end(struct dpi *d, struct flow *f);
const struct dpi_stats *dpi_stats(const struct dpi *d);
/* dpi_set_analyzer(d, an): where metadata goes to be classified. */
void	dpi_set_analyzer(struct dpi *d, struct analyzer *an);

/* Internal split between dpi.c (nDPI) and dispatch.c (our parsers). */
struct dpi_core {
	struct output	*out;
	struct analyzer	*an;		/* classification hooks (may be a no-op) */
	struct dpi_stats st;
	uint8_t		*scratch_mem;
	uint32_t	*scratch_free;	/* stack of free slot indices */
	uint32_t	 scratch_nfree;
	uint32_t	 scratch_used;	/* high-water mark */
	uint32_t	 scratch_slots;
	uint32_t	 scratch_size;
	struct dns_msg	 dns;		/* one parse buffer, reused */
	struct flow	*cur_flow;	/* for parser callbacks */
	uint64_t	 cur_ts;
	int		 cur_dir;
};
struct dpi_core	*dpi_core(struct dpi *d);
uint8_t	*dpi_scratch_get(struct dpi_core *c);
void	 dpi_scratch_put(struct dpi_core *c, uint8_t *p);
/* dispatch.c: returns 1 when our parsers own the flow (nDPI not needed). */
int	 dispatch_packet(struct dpi_core *c, struct flow *f, const struct pkt *p, int dir);
void	 dispatch_flow_end(struct dpi_core *c, struct flow *f);

#endif
