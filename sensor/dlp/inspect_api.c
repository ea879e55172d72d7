/*
 * inspect_api.c - the inspector's life cycle: inspector_new() (record and
 * slot pools, reassembly pool, baselines, the fallback detector engine),
 * inspector_free(), its stats and its counters in the registry.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/inspect_int.h"
#include "common/counters.h"

int
inspector_new(struct inspector **ip, const struct inspect_hooks *h)
{
	struct inspector *in;
	size_t per = INSP_HDR_CAP + INSP_ARENA + IDOC_ARENA;
	uint32_t k;
	int rc = -ENOMEM;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		goto err0;
	if (h != NULL)
		in->h = *h;
	if ((in->recs = calloc(INSP_RECORDS, sizeof(*in->recs))) == NULL ||
	    (in->slots = calloc(INSP_SLOTS, sizeof(*in->slots))) == NULL ||
	    (in->slot_mem = calloc(INSP_SLOTS, per)) == NULL)
		goto err1;
	for (k = 0; k < INSP_RECORDS; k++) {
		in->recs[k].next_free = in->rec_free;
		in->rec_free = &in->recs[k];
	}
	for (k = 0; k < INSP_SLOTS; k++) {
		in->slots[k].hdr = in->slot_mem + (size_t)k * per;
		in->slots[k].arena = in->slots[k].hdr + INSP_HDR_CAP;
		in->slots[k].doc_arena = in->slots[k].arena + INSP_ARENA;
		in->slots[k].next_free = in->slot_free;
		in->slot_free = &in->slots[k];
	}
	if ((rc = stream_pool_new(&in->sp, STREAM_BLOCKS_DEFAULT,
	    STREAM_WIN_DEFAULT)) < 0 ||
	    (rc = baseline_new(&in->bl, INSP_CLIENTS)) < 0)
		goto err1;
	if (in->h.dlp == NULL || in->h.dlp(in->h.arg) == NULL) {
		struct dlp_opts o;
		FILE *devnull = fopen("/dev/null", "w");

		/* No detectors from the policy (yet): our own copy. */
		memset(&o, 0, sizeof(o));
		o.diag = devnull;
		if (dlp_engine_load(INSP_FALLBACK_RULES, &o, &in->own) < 0)
			in->own = NULL;
		if (devnull != NULL)
			fclose(devnull);
	}
	*ip = in;
	return 0;
err1:
	inspector_free(in);
err0:
	return rc;
}

void
inspector_free(struct inspector *in)
{
	if (in == NULL)
		return;
	dlp_engine_free(in->own);
	baseline_free(in->bl);
	stream_pool_free(in->sp);
	free(in->slot_mem);
	free(in->slots);
	free(in->recs);
	free(in);
}

const struct inspect_stats *
inspector_stats(struct inspector *in)
{
	const struct stream_stats *ss = stream_pool_stats(in->sp);

	in->st.reasm_drops = ss->drop_bytes + ss->pool_empty;
	in->st.reasm_ooo = ss->ooo;
	return &in->st;
}

void
inspector_set_hook(struct inspector *in, const struct ev_hook *h)
{
	if (h != NULL)
		in->h.report = *h;
	else
		memset(&in->h.report, 0, sizeof(in->h.report));
}

/* EVE stats.shadowtap.inspect. */
void
inspector_counters(struct inspector *in)
{
	static const struct { const char *name; size_t off; } c[] = {
		{ "bytes_scanned", offsetof(struct inspect_stats, bytes_scanned) },
		{ "bodies", offsetof(struct inspect_stats, bodies) },
		{ "findings", offsetof(struct inspect_stats, findings) },
		{ "alerts_dlp", offsetof(struct inspect_stats, alerts_dlp) },
		{ "alerts_upload", offsetof(struct inspect_stats, alerts_upload) },
		{ "truncated", offsetof(struct inspect_stats, truncated) },
		{ "reassembly_drops", offsetof(struct inspect_stats, reasm_drops) },
		{ "reassembly_gaps", offsetof(struct inspect_stats, reasm_gaps) },
		{ "reassembly_ooo", offsetof(struct inspect_stats, reasm_ooo) },
		{ "bomb_aborts", offsetof(struct inspect_stats, bomb_aborts) },
		{ "decode_errors", offsetof(struct inspect_stats, decode_errors) },
		{ "no_slot", offsetof(struct inspect_stats, no_slot) },
		{ "no_record", offsetof(struct inspect_stats, no_record) },
	};
	const uint8_t *base = (const uint8_t *)&in->st;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ctr_add(CTR_OWN_ENGINE, "shadowtap.inspect", c[i].name, NULL,
		    CTR_COUNTER, (const uint64_t *)(const void *)(base + c[i].off),
		    NULL);
	/* also in the stats table: the dashboard shows flows left unscanned */
	ctr_add(CTR_OWN_ENGINE, "shadowtap.inspect", "budget_exhausted",
	    "dlp.budget_exhausted", CTR_COUNTER, &in->st.budget_exhausted, NULL);
	/* documents (issue 14): dlp.docs, dlp.doc_too_large, ... */
	ctr_add(CTR_OWN_ENGINE, "shadowtap.inspect", "docs", "dlp.docs",
	    CTR_COUNTER, &in->st.doc.docs, "documents seen in bodies");
	ctr_add(CTR_OWN_ENGINE, "shadowtap.inspect", "doc_members", NULL,
	    CTR_COUNTER, &in->st.doc.members, "members/streams extracted");
	ctr_add(CTR_OWN_ENGINE, "shadowtap.inspect", "doc_inflated", NULL,
	    CTR_COUNTER, &in->st.doc.inflated, "document bytes inflated");
	for (i = 0; i < DOC_P__COUNT; i++) {
		char db[CTR_NAME_LEN];

		snprintf(db, sizeof(db), "dlp.%s", doc_problem_name((int)i));
		ctr_add(CTR_OWN_ENGINE, "shadowtap.inspect",
		    doc_problem_name((int)i), db, CTR_COUNTER,
		    &in->st.doc.problems[i], "documents not inspected, by cause");
	}
	/* the visibility kinds the inspector raises (the analyzer has the rest) */
	ctr_add(CTR_OWN_ENGINE, "shadowtap.ai.visibility", "doc_uninspectable",
	    "ai.visibility.doc_uninspectable", CTR_COUNTER, &in->st.vis_doc,
	    "flows the sensor cannot see into, by kind");
	ctr_add(CTR_OWN_ENGINE, "shadowtap.ai.visibility", "dlp_budget",
	    "ai.visibility.dlp_budget", CTR_COUNTER, &in->st.budget_exhausted,
	    "flows the sensor cannot see into, by kind");
}
