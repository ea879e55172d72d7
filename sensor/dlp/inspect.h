/*
 * inspect.h - data leaving the network (issue 5): per-flow upload
 * accounting on encrypted flows (payload and TLS application-data bytes,
 * bursts, per-client daily baseline) and, for cleartext flows, TCP
 * reassembly -> HTTP request bodies (de-chunked, decompressed, multipart,
 * form and JSON decoded; files in them through the document extractor,
 * dlp/doc.h) -> DLP detectors.  Reports alerts of kind "upload" and
 * "dlp", and "doc_uninspectable"/"dlp_budget" visibility events, through
 * the engine's hooks (struct inspect_hooks).  Pools sized at start-up; f->inspect set on demand
 * and released in inspect_flow_end().
 */
#ifndef ST_INSPECT_H
#define ST_INSPECT_H

#include <stdint.h>

#include "decode/decode.h"
#include "dlp/doc.h"
#include "flow/flow.h"
#include "output/event.h"

struct inspector;
struct dlp_engine;

/*
 * What the inspector needs from the policy.  Owned by the analyzer's
 * current rules; valid until the next analyzer_reload() call, so read it
 * per packet, do not keep the pointer.
 */
struct inspect_policy {
	uint64_t	upload_bytes;		/* alert when a flow to an AI service sends more */
	/* per client type and verdict (thresholds.upload_tiers); 0: not set,
	 * use upload_bytes; UPLOAD_OFF: never alert on size */
	uint64_t	upload_tier[CT__COUNT][VERDICT__COUNT];
	uint32_t	baseline_factor;	/* daily upload > factor x own baseline -> alert */
	uint64_t	baseline_min_bytes;	/* ignore days below this */
	uint32_t	scan_budget;		/* DLP bytes per direction per flow */
	uint8_t		scan_non_ai;		/* also scan cleartext to non-AI destinations */
	uint8_t		min_confidence;		/* DLP findings below are not alerted */
	const char	*dlp_severity[VERDICT__COUNT];	/* by verdict; [VERDICT__COUNT-1]... */
	const char	*dlp_severity_non_ai;
	const char	*upload_severity[VERDICT__COUNT];
};
#define UPLOAD_OFF	UINT64_MAX

/* inspect_upload_threshold(ip, ct, verdict): the burst size above which an
 * upload to an AI flow of client type ${ct} and ${verdict} is alerted. */
static inline uint64_t
inspect_upload_threshold(const struct inspect_policy *ip, unsigned ct,
    unsigned verdict)
{
	uint64_t t = ct < CT__COUNT && verdict < VERDICT__COUNT ?
	    ip->upload_tier[ct][verdict] : 0;

	return t != 0 ? t : ip->upload_bytes;
}

/*
 * What the inspector reports and asks, installed by the engine: alerts
 * (report, EV_ALERT with a struct alert_info), and per packet the current
 * policy and detector engine (NULL: built-in defaults, own detectors).
 */
struct inspect_hooks {
	struct ev_hook	report;
	const struct inspect_policy *(*policy)(void *arg);
	struct dlp_engine *(*dlp)(void *arg);
	void	*arg;
};

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
	uint64_t	budget_exhausted; /* flows whose regex work budget ran out */
	uint64_t	reasm_drops;	/* segments/bytes the reassembly gave up */
	uint64_t	reasm_gaps;	/* holes skipped */
	uint64_t	reasm_ooo;	/* out-of-order segments buffered */
	uint64_t	bomb_aborts;	/* decompression caps hit */
	uint64_t	decode_errors;	/* corrupt compressed bodies, bad HTTP */
	uint64_t	no_slot;	/* flows not scanned: scan pool empty */
	uint64_t	no_record;	/* flows not tracked: record pool empty */
	uint64_t	vis_doc;	/* doc_uninspectable visibility events */
	struct doc_stats doc;		/* documents: docs, members, inflated,
					 * problems[] (doc_too_large, ...) */
};

/* inspector_new(ip, h): ${h} is copied (NULL: no policy, alerts go
 * nowhere). */
int	inspector_new(struct inspector **ip, const struct inspect_hooks *h);
void	inspector_free(struct inspector *i);
/* inspect_packet(i, f, p, dir): after dpi_packet(), every packet. */
void	inspect_packet(struct inspector *i, struct flow *f, const struct pkt *p,
	    int dir);
/* inspect_flow_end(i, f): before the flow event is emitted. */
void	inspect_flow_end(struct inspector *i, struct flow *f);
/* inspector_stats(i): counters, valid until inspector_free(). */
const struct inspect_stats *inspector_stats(struct inspector *i);

/* inspector_set_hook(i, h): where alerts are reported from now on (a
 * test); NULL: nowhere. */
void	inspector_set_hook(struct inspector *i, const struct ev_hook *h);
/* inspector_counters(i): register shadowtap.inspect.* (the reassembly
 * counters are refreshed by inspector_stats()). */
void	inspector_counters(struct inspector *i);

#endif
