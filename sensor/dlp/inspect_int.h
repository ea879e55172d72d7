/*
 * inspect_int.h - the inspector's private state, shared by inspect.c (the
 * packet path: reassembly, HTTP, bodies, DLP, upload accounting, alerts)
 * and inspect_api.c (set-up, teardown, stats and counters).
 */
#ifndef ST_INSPECT_INT_H
#define ST_INSPECT_INT_H

#include <stdint.h>

#include "dlp/body.h"
#include "dlp/dlp.h"
#include "dlp/inspect_doc.h"
#include "dlp/inspect.h"
#include "dlp/upload.h"
#include "dpi/http.h"
#include "flow/stream.h"
#include "output/event.h"


#define INSP_RECORDS	65536u	/* flows tracked at once (AI or scanned) */
#define INSP_SLOTS	128u	/* cleartext flows scanned at once */
#define INSP_HDR_CAP	8192u	/* HTTP header block gathering */
#define INSP_ARENA	(64u * 1024u)	/* zlib per slot */
#define INSP_ALERTS_MAX	32	/* dlp alerts per flow */
#define INSP_CLIENTS	16384u	/* baseline table */
#define INSP_FALLBACK_RULES	"rules/detectors.yaml"

enum { M_OFF = 0, M_HTTP, M_RAW, M_DETECT };

struct insp_slot {
	struct tcp_stream	 ts;
	struct http_stream	 hs;
	struct dlp_stream	 ds;
	struct body_dec		 bd;
	struct inspector	*in;
	struct flow		*f;
	struct dlp_engine	*eng;		/* engine ds belongs to */
	uint8_t			*hdr;		/* INSP_HDR_CAP bytes */
	uint8_t			*arena;		/* INSP_ARENA bytes */
	uint8_t			*doc_arena;	/* IDOC_ARENA bytes */
	struct insp_doc		 doc;		/* files in bodies */
	struct insp_slot	*next_free;
	uint64_t		 scanned;	/* decoded bytes scanned */
	uint64_t		 budget;
	uint8_t			 mode;
	uint8_t			 ds_open;	/* ds has unfinished data */
	uint8_t			 body_on;	/* bd decodes the current body */
	uint8_t			 truncated;
	uint8_t			 rx_spent;	/* regex budget ran out */
	uint16_t		 alerts;
};

struct flow_inspect {
	struct upload_flow	 up;
	struct insp_slot	*slot;
	struct flow_inspect	*next_free;
	uint32_t		 isn1;		/* client ISN + 1, from the SYN */
	uint8_t			 isn_ok;
	uint8_t			 decided;	/* scan decision made */
};

struct inspector {
	struct inspect_hooks	 h;		/* installed by the engine */
	struct dlp_engine	*own;		/* fallback engine */
	struct stream_pool	*sp;
	struct baseline		*bl;
	struct flow_inspect	*recs;
	struct flow_inspect	*rec_free;
	struct flow_inspect	 none;		/* shared: decided, nothing to do */
	struct insp_slot	*slots;
	struct insp_slot	*slot_free;
	uint8_t			*slot_mem;
	/* per packet */
	const struct inspect_policy *pol;
	struct dlp_engine	*eng;
	uint64_t		 now;
	int			 fallback;	/* no policy engine: scan all */
	struct inspect_stats	 st;
};

#endif
