/*
 * vocab.h - one table per concept of the product's vocabulary: the enum,
 * its wire name (EVE, SQLite, YAML, the API) and its Dutch and English
 * labels (dashboard, report).  Every program takes names from here, so the
 * sensor's EVE, the store, the rules loader and the UI cannot disagree.
 */
#ifndef ST_VOCAB_H
#define ST_VOCAB_H

/* VERDICT_INTEREST: a visit to an AI vendor's corporate or documentation
 * site (category vendor_site) - interest, not use; no alert by default. */
enum verdict {
	VERDICT_UNREVIEWED = 0, VERDICT_SANCTIONED, VERDICT_TOLERATED,
	VERDICT_PROHIBITED, VERDICT_INTEREST, VERDICT__COUNT
};

/* Which kind of client an AI flow is, for the upload tiers (thresholds per
 * client type and verdict): a browser on the service's web UI, an API/SDK
 * client on its api_hosts (or an API-category service), or a coding /
 * agent tool (services in category coding or agent). */
enum client_type {
	CT_WEB = 0, CT_API, CT_AGENT, CT__COUNT
};

/* Catalog categories (rules/catalog `categories:`), bit i of a service's
 * category mask; CAT_VENDOR_SITE is a vendor's own web/docs site. */
enum cat_category {
	CAT_CHAT = 0, CAT_API, CAT_CODING, CAT_IMAGE, CAT_VIDEO, CAT_AUDIO,
	CAT_WRITING, CAT_TRANSLATION, CAT_MEETING, CAT_SEARCH, CAT_AGENT,
	CAT_EMBEDDED, CAT_SELF_HOSTED, CAT_VENDOR_SITE, CAT__COUNT
};

/* How a flow or lookup was attributed to an AI service. */
enum matched_by {
	MB_NONE = 0, MB_TLS_SNI, MB_QUIC_SNI, MB_HTTP_HOST, MB_DNS_QUERY,
	MB_DNS_ANSWER, MB_IP, MB_PORT_PATH, MB_HTTP_BODY, MB__COUNT
};

/* Where a flow's server name came from. */
enum host_src {
	HOST_NONE = 0, HOST_TLS_SNI, HOST_QUIC_SNI, HOST_HTTP, HOST_DNS,
	HOST_NDPI, HOST__COUNT
};

enum ev_type {
	EV_FLOW = 0, EV_TLS, EV_QUIC, EV_DNS, EV_HTTP, EV_STATS,
	EV_AI, EV_ALERT, EV_VISIBILITY, EV_POLICY, EV__COUNT
};

/* Why a flow record was written. */
enum flow_end { FE_TIMEOUT = 0, FE_EVICTED, FE_SHUTDOWN, FE__COUNT };

/* What the sensor cannot see into (bit i of f->vis_flags). */
enum vis_kind {
	VIS_ECH = 0, VIS_DOH, VIS_DOT, VIS_CANARY, VIS_QUIC_NO_SNI,
	VIS_TLS_NO_SNI, VIS_VPN, VIS_NAME_NUL, VIS_DLP_BUDGET, VIS_DOC, VIS__COUNT
};

enum alert_kind {
	AK_ACCESS = 0, AK_UPLOAD, AK_DLP, AK_VISIBILITY, AK__COUNT
};

enum severity {
	SEV_NONE = 0, SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL,
	SEV__COUNT
};

enum dlp_class {
	DLP_C_BSN,		/* burgerservicenummer */
	DLP_C_RSIN,		/* RSIN / fiscaal nummer (tax id) */
	DLP_C_VAT,		/* NL btw-id */
	DLP_C_IBAN,
	DLP_C_CREDIT_CARD,
	DLP_C_PASSPORT,		/* NL passport document number */
	DLP_C_ID_CARD,		/* NL identity card document number */
	DLP_C_DRIVERS_LICENSE,
	DLP_C_PRIVATE_KEY,
	DLP_C_API_KEY,
	DLP_C_CLASSIFICATION,	/* "Dep. Vertrouwelijk", "STG Geheim", ... */
	DLP_C_SOURCE_CODE,
	DLP_C_SPECIAL_CATEGORY,	/* AVG art. 9: health, religion, ... */
	DLP_C__COUNT
};

struct vocab_entry {
	const char	*name;		/* wire name */
	const char	*nl;		/* Dutch label */
	const char	*en;		/* English label */
};

struct vocab {
	const char		 *concept;	/* "verdict", ... */
	int			  count;
	const struct vocab_entry *e;
};

extern const struct vocab vocab_verdict, vocab_matched_by, vocab_host_src,
    vocab_ev_type, vocab_flow_end, vocab_vis_kind, vocab_alert_kind,
    vocab_severity, vocab_dlp_class, vocab_category,
    vocab_client_type;

/* Every table, NULL-terminated (tests and the dashboard's /api/v1/vocab). */
extern const struct vocab *const vocab_all[];

/* vocab_name(v, i): the wire name, or "unknown" when i is out of range. */
const char	*vocab_name(const struct vocab *v, int i);
/* vocab_label(v, i, lang): "nl" (default) or "en" label. */
const char	*vocab_label(const struct vocab *v, int i, const char *lang);
/* vocab_lookup(v, name): the index of a wire name, or -1. */
int		 vocab_lookup(const struct vocab *v, const char *name);

#endif
