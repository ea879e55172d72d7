/*
 * vocab.c - the vocabulary tables of vocab.h.  Wire names are stable (they
 * are in EVE, in the database and in rules YAML); labels may change.
 */
#include <string.h>

#include "common/vocab.h"

#define TABLE(var, concept, n, ...)					\
	static const struct vocab_entry var##_e[n] = { __VA_ARGS__ };	\
	const struct vocab var = { concept, n, var##_e }

TABLE(vocab_verdict, "verdict", VERDICT__COUNT,
	[VERDICT_UNREVIEWED] = { "unreviewed", "niet beoordeeld", "unreviewed" },
	[VERDICT_SANCTIONED] = { "sanctioned", "toegestaan", "sanctioned" },
	[VERDICT_TOLERATED] = { "tolerated", "gedoogd", "tolerated" },
	[VERDICT_PROHIBITED] = { "prohibited", "verboden", "prohibited" },
	[VERDICT_INTEREST] = { "interest", "belangstelling", "interest" });

TABLE(vocab_client_type, "client_type", CT__COUNT,
	[CT_WEB] = { "web", "webchat", "web chat" },
	[CT_API] = { "api", "API/SDK", "API/SDK" },
	[CT_AGENT] = { "agent", "agent of programmeerhulp", "agent or coding tool" });

TABLE(vocab_category, "category", CAT__COUNT,
	[CAT_CHAT] = { "chat", "chatassistent", "chat assistant" },
	[CAT_API] = { "api", "model-API", "model API" },
	[CAT_CODING] = { "coding", "programmeerhulp", "coding assistant" },
	[CAT_IMAGE] = { "image", "beeldgeneratie", "image generation" },
	[CAT_VIDEO] = { "video", "videogeneratie", "video generation" },
	[CAT_AUDIO] = { "audio", "spraak en audio", "voice and audio" },
	[CAT_WRITING] = { "writing", "schrijfhulp", "writing assistant" },
	[CAT_TRANSLATION] = { "translation", "vertaling", "translation" },
	[CAT_MEETING] = { "meeting", "vergaderen en notities", "meetings and notes" },
	[CAT_SEARCH] = { "search", "AI-zoeken", "AI search" },
	[CAT_AGENT] = { "agent", "agents en automatisering", "agents and automation" },
	[CAT_EMBEDDED] = { "embedded", "AI in bestaande software", "AI inside existing software" },
	[CAT_SELF_HOSTED] = { "self-hosted", "zelf gehost", "self-hosted" },
	[CAT_VENDOR_SITE] = { "vendor_site", "website van AI-leverancier", "AI vendor website" });

TABLE(vocab_matched_by, "matched_by", MB__COUNT,
	[MB_NONE] = { "none", "geen", "none" },
	[MB_TLS_SNI] = { "tls_sni", "TLS-servernaam", "TLS server name" },
	[MB_QUIC_SNI] = { "quic_sni", "QUIC-servernaam", "QUIC server name" },
	[MB_HTTP_HOST] = { "http_host", "HTTP-host", "HTTP host" },
	[MB_DNS_QUERY] = { "dns_query", "DNS-vraag", "DNS query" },
	[MB_DNS_ANSWER] = { "dns_answer", "DNS-antwoord", "DNS answer" },
	[MB_IP] = { "ip", "IP-adresbereik", "IP range" },
	[MB_PORT_PATH] = { "port_path", "poort en pad", "port and path" },
	[MB_HTTP_BODY] = { "http_body", "inhoud HTTP-verzoek", "HTTP request body" });

TABLE(vocab_host_src, "host_source", HOST__COUNT,
	[HOST_NONE] = { "none", "geen", "none" },
	[HOST_TLS_SNI] = { "tls_sni", "TLS-servernaam", "TLS server name" },
	[HOST_QUIC_SNI] = { "quic_sni", "QUIC-servernaam", "QUIC server name" },
	[HOST_HTTP] = { "http_host", "HTTP-host", "HTTP host" },
	[HOST_DNS] = { "dns_query", "DNS-vraag", "DNS query" },
	[HOST_NDPI] = { "ndpi", "nDPI", "nDPI" });

TABLE(vocab_ev_type, "event_type", EV__COUNT,
	[EV_FLOW] = { "flow", "verbinding", "flow" },
	[EV_TLS] = { "tls", "TLS", "TLS" },
	[EV_QUIC] = { "quic", "QUIC", "QUIC" },
	[EV_DNS] = { "dns", "DNS", "DNS" },
	[EV_HTTP] = { "http", "HTTP", "HTTP" },
	[EV_STATS] = { "stats", "statistiek", "statistics" },
	[EV_AI] = { "ai", "AI-gebruik", "AI use" },
	[EV_ALERT] = { "alert", "melding", "alert" },
	[EV_VISIBILITY] = { "visibility", "zichtbaarheid", "visibility" },
	[EV_POLICY] = { "policy", "beleid", "policy" });

TABLE(vocab_flow_end, "end_reason", FE__COUNT,
	[FE_TIMEOUT] = { "timeout", "verlopen", "timed out" },
	[FE_EVICTED] = { "forced", "verdrongen", "evicted" },
	[FE_SHUTDOWN] = { "shutdown", "afgesloten", "shutdown" });

TABLE(vocab_vis_kind, "visibility", VIS__COUNT,
	[VIS_ECH] = { "ech", "versleutelde servernaam (ECH)", "encrypted server name (ECH)" },
	[VIS_DOH] = { "doh", "DNS over HTTPS", "DNS over HTTPS" },
	[VIS_DOT] = { "dot", "DNS over TLS", "DNS over TLS" },
	[VIS_CANARY] = { "doh_canary", "DoH-canarydomein", "DoH canary domain" },
	[VIS_QUIC_NO_SNI] = { "quic_no_sni", "QUIC zonder servernaam", "QUIC without server name" },
	[VIS_TLS_NO_SNI] = { "tls_no_sni", "TLS zonder servernaam", "TLS without server name" },
	[VIS_VPN] = { "vpn", "VPN of tunnel", "VPN or tunnel" },
	[VIS_NAME_NUL] = { "name_nul", "servernaam met NUL-byte", "server name with a NUL byte" },
	[VIS_DLP_BUDGET] = { "dlp_budget", "DLP-rekenbudget op", "DLP regex budget spent" },

	[VIS_DOC] = { "doc_uninspectable", "document niet te inspecteren (te groot, versleuteld, beschadigd of zonder tekst)",
	    "document not inspectable (too large, encrypted, corrupt or without text)" });

TABLE(vocab_alert_kind, "alert_kind", AK__COUNT,
	[AK_ACCESS] = { "access", "toegang", "access" },
	[AK_UPLOAD] = { "upload", "upload", "upload" },
	[AK_DLP] = { "dlp", "gevoelige gegevens", "sensitive data" },
	[AK_VISIBILITY] = { "visibility", "zichtbaarheid", "visibility" });

TABLE(vocab_severity, "severity", SEV__COUNT,
	[SEV_NONE] = { "none", "geen", "none" },
	[SEV_INFO] = { "info", "informatie", "info" },
	[SEV_LOW] = { "low", "laag", "low" },
	[SEV_MEDIUM] = { "medium", "middel", "medium" },
	[SEV_HIGH] = { "high", "hoog", "high" },
	[SEV_CRITICAL] = { "critical", "kritiek", "critical" });

TABLE(vocab_dlp_class, "dlp_class", DLP_C__COUNT,
	[DLP_C_BSN] = { "bsn", "burgerservicenummer", "citizen service number (BSN)" },
	[DLP_C_RSIN] = { "rsin", "RSIN/fiscaal nummer", "RSIN/tax number" },
	[DLP_C_VAT] = { "vat", "btw-nummer", "VAT number" },
	[DLP_C_IBAN] = { "iban", "IBAN", "IBAN" },
	[DLP_C_CREDIT_CARD] = { "credit_card", "creditcardnummer", "credit card number" },
	[DLP_C_PASSPORT] = { "passport", "paspoortnummer", "passport number" },
	[DLP_C_ID_CARD] = { "id_card", "identiteitskaartnummer", "identity card number" },
	[DLP_C_DRIVERS_LICENSE] = { "drivers_license", "rijbewijsnummer", "driving licence number" },
	[DLP_C_PRIVATE_KEY] = { "private_key", "privésleutel", "private key" },
	[DLP_C_API_KEY] = { "api_key", "API-sleutel", "API key" },
	[DLP_C_CLASSIFICATION] = { "classification", "rubricering", "classification marking" },
	[DLP_C_SOURCE_CODE] = { "source_code", "broncode", "source code" },
	[DLP_C_SPECIAL_CATEGORY] = { "special_category", "bijzondere persoonsgegevens", "special category data" });

const struct vocab *const vocab_all[] = {
	&vocab_verdict, &vocab_matched_by, &vocab_host_src, &vocab_ev_type,
	&vocab_flow_end, &vocab_vis_kind, &vocab_alert_kind, &vocab_severity,
	&vocab_dlp_class, &vocab_category, &vocab_client_type, NULL
};

const char *
vocab_name(const struct vocab *v, int i)
{
	return i >= 0 && i < v->count ? v->e[i].name : "unknown";
}

const char *
vocab_label(const struct vocab *v, int i, const char *lang)
{
	if (i < 0 || i >= v->count)
		return lang != NULL && strcmp(lang, "en") == 0 ? "unknown" : "onbekend";
	return lang != NULL && strcmp(lang, "en") == 0 ? v->e[i].en : v->e[i].nl;
}

int
vocab_lookup(const struct vocab *v, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < v->count; i++)
		if (strcmp(v->e[i].name, name) == 0)
			return i;
	return -1;
}
