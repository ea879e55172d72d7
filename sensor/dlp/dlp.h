/*
 * dlp.h - content detectors (BSN, IBAN, cards, keys, secrets, markings,
 * source code, special categories) over client->server byte streams.
 * This header is the whole contract; dlp_*.c are its implementation.
 */
#ifndef ST_DLP_H
#define ST_DLP_H

#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "common/vocab.h"

/*
 * Finding classes: a fixed, documented list.  Policy and output key on the
 * name (dlp_class_name()), never on the detector id.
 */

#define DLP_EVIDENCE_MAX	96	/* incl. NUL */
#define DLP_FP_LEN		16	/* keyed BLAKE2b-128 */
#define DLP_BUDGET_DEFAULT	(1024u * 1024u)

/*
 * A finding.  Valid only during the callback.  It never holds the value:
 * evidence is masked ("BSN: *******70.") and fp is a keyed hash of the
 * normalised value (digits only, upper-case IBAN, the raw secret, ...), so
 * repeats can be counted without keeping the value.
 */
struct dlp_finding {
	enum dlp_class	 cls;
	const char	*class_name;	/* dlp_class_name(cls) */
	const char	*detector;	/* detector id, engine-owned */
	int		 confidence;	/* 65 low, 75 medium, 85 high */
	uint64_t	 offset;	/* stream offset of the value's first byte */
	uint32_t	 length;	/* bytes in the stream (incl. separators) */
	char		 evidence[DLP_EVIDENCE_MAX];
	uint8_t		 fp[DLP_FP_LEN];
};

/*
 * Callback: called synchronously from dlp_scan()/dlp_stream_end(), at most
 * once per (detector, fingerprint) per stream (see DLP_DEDUPE).  It must
 * not call back into the same stream.
 */
typedef void	(*dlp_cb)(void *arg, const struct dlp_finding *f);

/* Engine options; a zeroed struct gives the defaults. */
struct dlp_opts {
	const uint8_t	*fp_key;	/* 16..64 bytes; NULL: random per load */
	size_t		 fp_keylen;
	uint64_t	 budget;	/* bytes scanned per stream; 0: 1 MiB */
	int		 min_confidence; /* drop findings below; 0: 65 */
	FILE		*diag;		/* load diagnostics; NULL: stderr */
};

/*
 * Per-stream state, caller-owned (embed it in the flow), no pointers, no
 * heap: <= 512 bytes.  Fields are private.  A value that crosses a
 * dlp_scan() boundary is found when it is at most DLP_HOLD - 8 bytes long;
 * keyword proximity across boundaries reaches back DLP_TAIL - DLP_HOLD
 * bytes.  Dedupe remembers the last DLP_DEDUPE distinct findings.
 */
#define DLP_TAIL	304
#define DLP_HOLD	176
#define DLP_DEDUPE	16

struct dlp_stream {
	uint64_t	pos;		/* bytes accepted so far */
	uint64_t	done;		/* match starts below this are decided */
	uint64_t	budget;		/* 0: engine default */
	uint32_t	rx_used;	/* regex work units spent (dlp_pcre.c) */
	uint32_t	dedupe[DLP_DEDUPE];
	uint16_t	tail_len;
	uint8_t		dedupe_next;
	uint8_t		flags;
	/* PEM private-key block in progress */
	uint64_t	pem_start;
	uint64_t	pem_done;
	uint64_t	pem_hash;
	uint32_t	pem_b64;
	uint8_t		pem_state;
	uint8_t		pem_bad;
	uint16_t	pem_det;
	char		pem_label[16];
	/* source-code statistics over the first bytes of the stream */
	uint64_t	code_hash;
	uint32_t	code_bytes;
	uint32_t	code_lines;	/* non-blank lines */
	uint32_t	code_hits;	/* code-like lines */
	uint8_t		code_ind;
	uint8_t		code_first;	/* first non-blank byte of the line */
	uint8_t		code_last;	/* last non-blank byte of the line */
	uint8_t		code_punct;
	uint8_t		code_tok_len;
	char		code_tok[7];
	uint8_t		tail[DLP_TAIL];
};

#define DLP_ST_TRUNCATED	0x01	/* budget exhausted */
#define DLP_ST_ENDED		0x02
#define DLP_ST_CODE_DONE	0x04
#define DLP_ST_RX_SPENT		0x08	/* regex work budget exhausted */

/*
 * Regex work budget (issue 15): PCRE2's match limit bounds one call, but
 * a detector runs at every prefilter hit.  Each stream may spend
 * DLP_RX_FLOW_BUDGET work units (or 8 per byte of its byte budget, if
 * more: 8 MiB units for the default 1 MiB), each dlp_scan() call at most
 * DLP_RX_PACKET_BUDGET (dlp_pcre.c: a call within 2,000 steps costs its
 * window length, one beyond costs 102,000).  Spent, the stream is no
 * longer scanned: dlp_scan() and dlp_stream_end() return DLP_RX_BUDGET.
 */
#define DLP_RX_FLOW_BUDGET	8000000u
#define DLP_RX_PACKET_BUDGET	2000000u
#define DLP_ST_CODE_HINT	0x10	/* file name / type says source code */

struct dlp_engine;

/*
 * dlp_engine_load(path, opts, out):
 * Load, check and compile (PCRE2 + JIT, with match limits) the detectors
 * in ${path}.  All problems are reported to opts->diag as
 * "file:line:col: error: message".  Returns 0 and sets *${out}; -EINVAL
 * when the file has errors, -ENOENT etc. when it cannot be read, -ENOMEM.
 * The engine is read-only after load except for its match scratch: use
 * one engine per thread.
 */
int		 dlp_engine_load(const char *path, const struct dlp_opts *opts,
		    struct dlp_engine **out);
/* dlp_engine_free(e): release; NULL is a no-op. */
void		 dlp_engine_free(struct dlp_engine *e);
/* dlp_engine_ndetectors(e): number of loaded detectors. */
int		 dlp_engine_ndetectors(const struct dlp_engine *e);
/* dlp_engine_detector(e, i): id of detector ${i}, or NULL. */
const char	*dlp_engine_detector(const struct dlp_engine *e, int i);

/* dlp_stream_init(st): reset ${st} for a new stream. */
void		 dlp_stream_init(struct dlp_stream *st);
/* dlp_stream_set_budget(st, bytes): per-stream budget (0: engine's). */
void		 dlp_stream_set_budget(struct dlp_stream *st, uint64_t bytes);
/* dlp_stream_set_code_hint(st): the stream is a file whose name or type
 * says source code (doc_is_code_name()): the source-code detector's size
 * floor drops to an eighth (min_bytes) and 5 lines, 35 % code-like lines
 * suffice, and >= 50 % gives the high confidence (name and content agree). */
void		 dlp_stream_set_code_hint(struct dlp_stream *st);

/*
 * dlp_scan(e, st, p, n, cb, arg):
 * Feed the next ${n} bytes of the stream.  Findings whose value ends close
 * to the end of ${p} are held back until more data or dlp_stream_end().
 * Does not allocate.  Returns 0, or DLP_TRUNCATED once the budget is used
 * up (the bytes beyond it are ignored, and every later call returns it).
 */
#define DLP_TRUNCATED	1
#define DLP_RX_BUDGET	2	/* regex work budget spent: scanning stopped */
int		 dlp_scan(struct dlp_engine *e, struct dlp_stream *st,
		    const void *p, size_t n, dlp_cb cb, void *arg);

/*
 * dlp_stream_end(e, st, cb, arg):
 * End of stream: decide held-back values and the source-code detector.
 * Returns 0 or DLP_TRUNCATED as dlp_scan().  Later calls are no-ops.
 */
int		 dlp_stream_end(struct dlp_engine *e, struct dlp_stream *st,
		    dlp_cb cb, void *arg);

/* dlp_class_name(c): "bsn", "iban", ... or "unknown". */
const char	*dlp_class_name(enum dlp_class c);
/* dlp_class_lookup(name): class for ${name}, or -1. */
int		 dlp_class_lookup(const char *name);

#endif
