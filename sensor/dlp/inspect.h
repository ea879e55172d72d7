/*
 * inspect.h - data leaving the network (issue 5): per-flow upload
 * accounting on encrypted flows (payload and TLS application-data bytes,
 * bursts, per-client daily baseline) and, for cleartext flows, TCP
 * reassembly -> HTTP request bodies (de-chunked, decompressed, multipart,
 * form and JSON decoded; files in them through the document extractor,
 * dlp/doc.h) -> DLP detectors.  Emits alert events of kind "upload" and
 * "dlp", and "doc_uninspectable" visibility events.  Pools sized at start-up; f->inspect set on demand
 * and released in inspect_flow_end().
 */
#ifndef ST_INSPECT_H
#define ST_INSPECT_H

#include <stdint.h>

#include "decode/decode.h"
#include "dlp/doc.h"
#include "flow/flow.h"

struct inspector;
struct analyzer;
struct output;

/* f->alerted bits used by the inspector (0x01 is the analyzer's). */
#define INSPECT_ALERTED_UPLOAD		0x02
#define INSPECT_ALERTED_BASELINE	0x04

/* Counters for stats.inspect (EVE) */
struct inspect_stats {
	uint64_t	bytes_scanned;	/* decoded bytes given to the detectors */
	uint64_t	bodies;		/* request bodies scanned */
	uint64_t	findings;	/* DLP findings (before the per-flow cap) */
	uint64_t	alerts_dlp;
	uint64_t	alerts_upload;	/* incl. baseline alerts */
	uint64_t	truncated;	/* flows whose scan budget ran out */
	uint64_t	reasm_drops;	/* segments/bytes the reassembly gave up */
	uint64_t	reasm_gaps;	/* holes skipped */
	uint64_t	reasm_ooo;	/* out-of-order segments buffered */
	uint64_t	bomb_aborts;	/* decompression caps hit */
	uint64_t	decode_errors;	/* corrupt compressed bodies, bad HTTP */
	uint64_t	no_slot;	/* flows not scanned: scan pool empty */
	uint64_t	no_record;	/* flows not tracked: record pool empty */
	struct doc_stats doc;		/* documents: docs, members, inflated,
					 * problems[] (doc_too_large, ...) */
};

int	inspector_new(struct inspector **ip, struct analyzer *an,
	    struct output *out);
void	inspector_free(struct inspector *i);
/* inspect_packet(i, f, p, dir): after dpi_packet(), every packet. */
void	inspect_packet(struct inspector *i, struct flow *f, const struct pkt *p,
	    int dir);
/* inspect_flow_end(i, f): before the flow event is emitted. */
void	inspect_flow_end(struct inspector *i, struct flow *f);
/* inspector_stats(i): counters, valid until inspector_free(). */
const struct inspect_stats *inspector_stats(struct inspector *i);

struct event;
/* inspector_set_alert_cb(i, cb, arg): also hand every alert event to
 * ${cb} (tests, other sinks); NULL removes it. */
void	inspector_set_alert_cb(struct inspector *i,
	    void (*cb)(void *arg, const struct event *ev), void *arg);

#endif
