/*
 * inspect.h - data leaving the network (issue 5): per-flow upload
 * accounting on encrypted flows (payload and TLS application-data bytes,
 * bursts, per-client daily baseline) and, for cleartext flows, TCP
 * reassembly -> HTTP request bodies (de-chunked, decompressed, multipart,
 * form and JSON decoded) -> DLP detectors.  Emits alert events of kind
 * "upload" and "dlp".  Pools sized at start-up; f->inspect set on demand
 * and released in inspect_flow_end().
 */
#ifndef ST_INSPECT_H
#define ST_INSPECT_H

#include <stdint.h>

#include "decode/decode.h"
#include "flow/flow.h"

struct inspector;
struct analyzer;
struct output;

int	inspector_new(struct inspector **ip, struct analyzer *an,
	    struct output *out);
void	inspector_free(struct inspector *i);
/* inspect_packet(i, f, p, dir): after dpi_packet(), every packet. */
void	inspect_packet(struct inspector *i, struct flow *f, const struct pkt *p,
	    int dir);
/* inspect_flow_end(i, f): before the flow event is emitted. */
void	inspect_flow_end(struct inspector *i, struct flow *f);

#endif
