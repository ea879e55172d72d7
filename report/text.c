/*
 * text.c - the report's strings in Dutch and English, number formats and
 * the "what this means" paragraph built from fixed sentence templates.
 */
#include <stdio.h>
#include <string.h>

#include "common/vocab.h"
#include "report.h"

static const struct { const char *k, *nl, *en; } str[] = {
	{ "title", "Wekelijks rapport generatieve AI", "Weekly generative AI report" },
	{ "week", "Week", "Week" },
	{ "sensors", "Sensoren", "Sensors" },
	{ "summary", "Samenvatting", "Summary" },
	{ "kpi", "Kengetal", "Indicator" },
	{ "this", "Deze week", "This week" },
	{ "prev", "Vorige week", "Previous week" },
	{ "change", "Verschil", "Change" },
	{ "clients", "Clients met AI-gebruik (pseudoniem)", "Clients using AI (pseudonymous)" },
	{ "flows_prohibited", "Verbindingen verboden diensten", "Flows to prohibited services" },
	{ "flows_tolerated", "Verbindingen gedoogde diensten", "Flows to tolerated services" },
	{ "flows_sanctioned", "Verbindingen toegestane diensten", "Flows to sanctioned services" },
	{ "flows_unreviewed", "Verbindingen niet-beoordeelde diensten", "Flows to unreviewed services" },
	{ "flows_interest", "Bezoeken aan sites van AI-leveranciers (belangstelling, geen gebruik)", "Visits to AI vendors' sites (interest, not use)" },
	{ "lookups", "DNS-opvragingen AI-namen", "DNS lookups of AI names" },
	{ "uploads", "Uploads boven de drempel", "Uploads above the threshold" },
	{ "dlp", "DLP-bevindingen", "DLP findings" },
	{ "bytes_up", "Verzonden bytes", "Bytes uploaded" },
	{ "blind", "Blind aandeel (ECH, DoH/DoT, geen SNI)", "Blind share (ECH, DoH/DoT, no SNI)" },
	{ "uptime", "Sensor-uptime", "Sensor uptime" },
	{ "loss", "Pakketverlies", "Packet loss" },
	{ "reid", "Heridentificaties", "Re-identifications" },
	{ "na", "niet beschikbaar", "not available" },
	{ "empty", "Geen gegevens voor deze week: de sensor registreerde geen AI-verkeer.", "No data for this week: the sensor recorded no AI traffic." },
	{ "top_clients", "Top 10 diensten naar clients", "Top 10 services by clients" },
	{ "top_bytes", "Top 10 diensten naar verzonden bytes", "Top 10 services by bytes uploaded" },
	{ "service", "Dienst", "Service" },
	{ "verdict", "Oordeel", "Verdict" },
	{ "nclients", "Clients", "Clients" },
	{ "nflows", "Verbindingen", "Flows" },
	{ "first", "Voor het eerst gezien deze week", "First seen this week" },
	{ "trend", "Trend over 8 weken (verbindingen per oordeel)", "8-week trend (flows by verdict)" },
	{ "zones", "Per zone (afdeling)", "By zone (department)" },
	{ "zone", "Zone", "Zone" },
	{ "dlp_class", "DLP-klasse", "DLP class" },
	{ "findings", "Bevindingen", "Findings" },
	{ "policy", "Beleid", "Policy" },
	{ "versions", "Beleidsversies geladen deze week", "Policy versions loaded this week" },
	{ "date", "Datum", "Date" },
	{ "version", "Versie", "Version" },
	{ "action", "Actie", "Action" },
	{ "what", "Wijziging", "Change" },
	{ "expiring", "Uitzonderingen die binnen 30 dagen verlopen", "Exceptions expiring within 30 days" },
	{ "id", "Kenmerk", "Id" },
	{ "owner", "Eigenaar", "Owner" },
	{ "reference", "DPIA/IAMA", "DPIA/IAMA" },
	{ "until", "Geldig tot", "Valid until" },
	{ "unreviewed", "Niet-beoordeelde diensten die een besluit vragen", "Unreviewed services that need a decision" },
	{ "meaning", "Wat dit betekent", "What this means" },
	{ "appendix", "Bijlage: methode en grenzen", "Appendix: method and limits" },
	{ "none", "geen", "none" },
	{ "page", "Pagina", "Page" },
	{ "merged", "Samengevoegd uit %d sensoren: clients zijn per sensor geteld en opgeteld (een client die twee sensoren zien telt twee keer).", "Merged from %d sensors: clients are counted per sensor and summed (a client seen by two sensors counts twice)." },
	{ "rotation", "De pseudoniemsleutel is in deze periode gewisseld: dezelfde client krijgt na de wissel een nieuw pseudoniem, dus een client die voor en na de wissel actief was telt twee keer; het verschil met vorige week is daardoor overschat.", "The pseudonym key rotated in this period: the same client gets a new pseudonym after the rotation, so a client active before and after it counts twice; the week-over-week change is overstated." },
	{ "method", "De sensor luistert passief mee op een spiegelpoort en herkent AI-diensten aan DNS-namen, TLS-servernamen (SNI), QUIC en onversleutelde HTTP. Clients zijn pseudoniemen (HMAC met een roterende sleutel); adressen staan versleuteld in een aparte tabel en worden alleen via een gelogde heridentificatie geopend. Alle cijfers komen uit de uur- en dagaggregaten van de sensordatabase.", "The sensor listens passively on a mirror port and recognises AI services by DNS names, TLS server names (SNI), QUIC and cleartext HTTP. Clients are pseudonyms (HMAC with a rotating key); addresses are stored encrypted in a separate table and opened only through an audited re-identification. All figures come from the hourly and daily aggregates of the sensor database." },
	{ "limits", "Wat een passieve sensor niet kan weten: of een dienst met zowel persoonlijke als zakelijke accounts (tenant-ambigu) via een zakelijk account werd gebruikt; de inhoud binnen TLS (DLP ziet alleen onversleuteld verkeer of verkeer via een inspecterende proxy); de servernaam bij ECH; namen die via DoH/DoT zijn opgevraagd; verkeer dat de spiegelpoort niet bereikt (thuiswerken zonder VPN, mobiele netwerken).", "What a passive sensor cannot know: whether a service offering both personal and enterprise accounts (tenant-ambiguous) was used with an enterprise account; content inside TLS (DLP sees only cleartext traffic or traffic through an inspecting proxy); the server name under ECH; names resolved over DoH/DoT; traffic that never reaches the mirror port (home working without VPN, mobile networks)." },
	{ "generated", "Gegenereerd door shadowtap-report op het apparaat, zonder cloud.", "Generated by shadowtap-report on the appliance, offline." },
	{ NULL, NULL, NULL }
};

static int
en(const struct report *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

const char *
T(const struct report *r, const char *key)
{
	int i;

	for (i = 0; str[i].k != NULL; i++)
		if (strcmp(str[i].k, key) == 0)
			return en(r) ? str[i].en : str[i].nl;
	return key;
}

const char *
verdict_label(const struct report *r, const char *v)
{
	int i = vocab_lookup(&vocab_verdict, v);

	return i < 0 ? v : vocab_label(&vocab_verdict, i, en(r) ? "en" : "nl");
}

const char *
rp_dlp_label(const struct report *r, const char *v)
{
	int i = vocab_lookup(&vocab_dlp_class, v);

	return i < 0 ? v : vocab_label(&vocab_dlp_class, i, en(r) ? "en" : "nl");
}

/* Plain digits: pdftotext and scripts compare them exactly. */
void
fmt_num(uint64_t n, const char *lang, char *buf, size_t len)
{
	(void)lang;
	snprintf(buf, len, "%llu", (unsigned long long)n);
}

void
fmt_change(uint64_t cur, uint64_t prev, char *buf, size_t len)
{
	if (prev == 0)
		snprintf(buf, len, cur ? "+%llu" : "0", (unsigned long long)cur);
	else
		snprintf(buf, len, "%+.0f%%", ((double)cur - (double)prev) * 100.0 /
		    (double)prev);
}

void
fmt_bytes(uint64_t n, char *buf, size_t len)
{
	if (n >= 10ULL * 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", (double)n / 1048576.0);
	else if (n >= 10ULL * 1024)
		snprintf(buf, len, "%.1f KiB", (double)n / 1024.0);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)n);
}

static uint64_t
flows(const struct sw_kpi *k)
{
	return k->flows[0] + k->flows[1] + k->flows[2] + k->flows[3];
}

/* The fixed templates; numbers only, no free text. */
int
text_meaning(const struct report *r, char *buf, size_t len)
{
	const struct sw_kpi *c = &r->cur, *p = &r->prev;
	uint64_t f = flows(c), out = c->flows[VERDICT_PROHIBITED] +
	    c->flows[VERDICT_UNREVIEWED];
	size_t n = 0;
	int e = en(r);

#define ADD(...) do { if (n < len) n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	if (r->empty) {
		ADD("%s", T(r, "empty"));
		return 0;
	}
	ADD(e ? "This week %llu clients used generative AI (%s last week). " :
	    "Deze week gebruikten %llu clients generatieve AI (%s vorige week). ",
	    (unsigned long long)c->clients, c->clients > p->clients ?
	    (e ? "more than" : "meer dan") : c->clients < p->clients ?
	    (e ? "fewer than" : "minder dan") : (e ? "as many as" :
	    "evenveel als"));
	ADD(e ? "%.0f%% of %llu flows went to prohibited or unreviewed services. " :
	    "%.0f%% van %llu verbindingen ging naar verboden of niet-beoordeelde diensten. ",
	    f ? (double)out * 100.0 / (double)f : 0.0, (unsigned long long)f);
	if (c->dlp)
		ADD(e ? "%llu DLP findings show that sensitive data left the network. " :
		    "%llu DLP-bevindingen laten zien dat gevoelige gegevens het netwerk verlieten. ",
		    (unsigned long long)c->dlp);
	if (c->flows[VERDICT_UNREVIEWED])
		ADD(e ? "%llu flows went to services without a verdict: deciding on the ranked list below reduces that. " :
		    "%llu verbindingen gingen naar diensten zonder oordeel: een besluit over de gerangschikte lijst hieronder verkleint dat. ",
		    (unsigned long long)c->flows[VERDICT_UNREVIEWED]);
	if (r->nexpiring)
		ADD(e ? "%d exception(s) expire within 30 days. " :
		    "%d uitzondering(en) verlopen binnen 30 dagen. ", r->nexpiring);
	if (f + c->vis)
		ADD(e ? "The sensor could not see the destination of %.1f%% of the AI traffic (blind share)." :
		    "Van %.1f%% van het AI-verkeer kon de sensor de bestemming niet zien (blind aandeel).",
		    (double)c->vis * 100.0 / (double)(f + c->vis));
#undef ADD
	return 0;
}
