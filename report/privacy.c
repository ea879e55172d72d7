/*
 * privacy.c - the generated privacy statement (--privacy-statement): what
 * is recorded, for what purpose, for how long, who sees what, how
 * pseudonymisation and re-identification work, where the data lives and
 * what is never recorded, written from the actual sensor configuration
 * (privacy: and retention: keys, output.database, rules.directory), the
 * rules directory and the schema's table list.  Dutch or English.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/ydoc.h"
#include "store/store.h"
#include "report.h"

#define DEFAULT_CONFIG	"/etc/shadowtap/sensor.yaml"

struct pconf {
	char	eve_clients[32], key_rotation[32], identity_key[256];
	char	audit_db[256], url_query[16], user_agent[16], database[256];
	char	rules[256];
	int	four_eyes;
	char	ret[9][16];
};

static const char *const ret_keys[9] = { "ai_events", "dns", "http", "flows",
    "visibility", "alerts", "aggregates", "identities", "stats" };
static const char *const ret_def[9] = { "30d", "30d", "30d", "30d", "30d",
    "180d", "395d", "60d", "395d" };

static void
scalar(struct ydoc *d, yaml_node_t *map, const char *key, char *buf, size_t len)
{
	yaml_node_t *n;
	const char *s;

	if (map == NULL || (n = ydoc_get(d, map, key)) == NULL ||
	    (s = ydoc_str(d, n)) == NULL)
		return;
	snprintf(buf, len, "%s", s);
}

/* "never" or 1-5 digits and a d suffix (privacy-keys.txt). */
static int
valid_period(const char *v)
{
	size_t n = strspn(v, "0123456789");

	return strcmp(v, "never") == 0 || (n >= 1 && n <= 5 && v[n] == 'd' &&
	    v[n + 1] == '\0');
}

static int
load(const char *path, struct pconf *c, int required)
{
	struct ydoc d;
	yaml_node_t *root, *pv, *rt, *out, *ru, *n;
	int i, rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->eve_clients, sizeof(c->eve_clients), "pseudonym");
	snprintf(c->key_rotation, sizeof(c->key_rotation), "30d");
	snprintf(c->identity_key, sizeof(c->identity_key), "identity.key");
	snprintf(c->audit_db, sizeof(c->audit_db), "audit.db");
	snprintf(c->url_query, sizeof(c->url_query), "drop");
	snprintf(c->user_agent, sizeof(c->user_agent), "family");
	snprintf(c->database, sizeof(c->database), "/var/lib/shadowtap/shadowtap.db");
	snprintf(c->rules, sizeof(c->rules), "/etc/shadowtap/rules");
	for (i = 0; i < 9; i++)
		snprintf(c->ret[i], sizeof(c->ret[i]), "%s", ret_def[i]);
	memset(&d, 0, sizeof(d));
	if (!required && access(path, R_OK) != 0)
		return 1;		/* no configuration: the defaults */
	if ((rc = ydoc_load(&d, path, stderr)) != 0)
		return rc;
	if ((root = ydoc_root(&d)) != NULL && root->type == YAML_MAPPING_NODE) {
		pv = ydoc_get(&d, root, "privacy");
		rt = ydoc_get(&d, root, "retention");
		out = ydoc_get(&d, root, "output");
		ru = ydoc_get(&d, root, "rules");
		if (pv && pv->type == YAML_MAPPING_NODE) {
			scalar(&d, pv, "eve_clients", c->eve_clients, sizeof(c->eve_clients));
			scalar(&d, pv, "key_rotation", c->key_rotation, sizeof(c->key_rotation));
			scalar(&d, pv, "identity_key", c->identity_key, sizeof(c->identity_key));
			scalar(&d, pv, "audit_db", c->audit_db, sizeof(c->audit_db));
			scalar(&d, pv, "url_query", c->url_query, sizeof(c->url_query));
			scalar(&d, pv, "user_agent", c->user_agent, sizeof(c->user_agent));
			if ((n = ydoc_get(&d, pv, "four_eyes")) != NULL)
				ydoc_bool(&d, n, &c->four_eyes);
		}
		if (rt && rt->type == YAML_MAPPING_NODE)
			for (i = 0; i < 9; i++)
				scalar(&d, rt, ret_keys[i], c->ret[i], sizeof(c->ret[i]));
		if (out && out->type == YAML_MAPPING_NODE)
			scalar(&d, out, "database", c->database, sizeof(c->database));
		if (ru && ru->type == YAML_MAPPING_NODE)
			scalar(&d, ru, "directory", c->rules, sizeof(c->rules));
	}
	ydoc_free(&d);
	for (i = 0; i < 9; i++)
		if (!valid_period(c->ret[i])) {
			fprintf(stderr, "%s: retention.%s: '%s' is not a period "
			    "(e.g. 30d) or never\n", path, ret_keys[i], c->ret[i]);
			return -EINVAL;
		}
	if (!valid_period(c->key_rotation)) {
		fprintf(stderr, "%s: privacy.key_rotation: '%s' is not a period "
		    "(e.g. 30d) or never\n", path, c->key_rotation);
		return -EINVAL;
	}
	return 0;
}

static int
count_catalog(const char *rules)
{
	char p[512];
	DIR *dp;
	struct dirent *e;
	int n = 0;

	snprintf(p, sizeof(p), "%s/catalog", rules);
	if ((dp = opendir(p)) == NULL)
		return -1;
	while ((e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0)
			n++;
	}
	closedir(dp);
	return n;
}

static const char *
period(const char *v, int en)
{
	static char b[64];

	if (strcmp(v, "never") == 0)
		return en ? "kept indefinitely (never deleted)" :
		    "onbeperkt bewaard (nooit verwijderd)";
	snprintf(b, sizeof(b), "%.*s %s", (int)strcspn(v, "d"), v,
	    en ? "days" : "dagen");
	return b;
}

int
privacy_statement(const char *config, const char *lang, FILE *f)
{
	struct pconf c;
	int en = lang != NULL && strcmp(lang, "en") == 0, i, n, rc;
	static const char *const what_nl[9] = {
	    "AI-gebeurtenissen (dienst, oordeel, pseudoniem, zone, tijd, bytes)",
	    "DNS-opvragingen (naam, antwoord, pseudoniem)",
	    "HTTP-metadata (host, pad, methode, browserfamilie)",
	    "verbindingen (servers, poorten, protocol, bytes)",
	    "zichtbaarheid (ECH, DoH/DoT, geen SNI)",
	    "meldingen (DLP gemaskeerd, uploads, toegang)",
	    "uur- en dagaggregaten (agg_hour, agg_client_day, agg_dlp_day)",
	    "verzegelde identiteiten (pseudoniem -> versleuteld adres)",
	    "sensorstatistieken (pakketten, verlies)" };
	static const char *const what_en[9] = {
	    "AI events (service, verdict, pseudonym, zone, time, bytes)",
	    "DNS lookups (name, answer, pseudonym)",
	    "HTTP metadata (host, path, method, browser family)",
	    "flows (servers, ports, protocol, bytes)",
	    "visibility (ECH, DoH/DoT, no SNI)",
	    "alerts (DLP masked, uploads, access)",
	    "hourly and daily aggregates (agg_hour, agg_client_day, agg_dlp_day)",
	    "sealed identities (pseudonym -> encrypted address)",
	    "sensor statistics (packets, loss)" };

	if ((rc = load(config ? config : DEFAULT_CONFIG, &c, config != NULL)) < 0) {
		fprintf(stderr, "shadowtap-report: %s: cannot read the sensor "
		    "configuration\n", config);
		return -EINVAL;
	}
	n = count_catalog(c.rules);
#define P(nl, en_) fprintf(f, "%s", en ? (en_) : (nl))
	P("# Privacyverklaring shadowtap\n\n", "# shadowtap privacy statement\n\n");
	if (rc > 0)
		P("Geen sensorconfiguratie gevonden in " DEFAULT_CONFIG ": deze "
		    "tekst beschrijft de standaardinstellingen.\n\n",
		    "No sensor configuration found at " DEFAULT_CONFIG ": this "
		    "text describes the defaults.\n\n");
	fprintf(f, en ? "Generated from the configuration %s, the rules in %s "
	    "and database schema version %d.\n\n" : "Gegenereerd uit de "
	    "configuratie %s, de regels in %s en databaseschema versie %d.\n\n",
	    rc > 0 ? "(defaults)" : config ? config : DEFAULT_CONFIG, c.rules,
	    STORE_SCHEMA_VERSION);
	P("## Doel\n\nshadowtap stelt vast welke diensten voor generatieve AI "
	    "vanuit het netwerk worden gebruikt, of dat binnen het beleid valt "
	    "en of gevoelige gegevens (DLP-klassen) het netwerk verlaten, zodat "
	    "de organisatie beleid kan maken en risico's kan beperken. Het is "
	    "geen middel om individuele medewerkers te beoordelen.\n\n",
	    "## Purpose\n\nshadowtap determines which generative AI services are "
	    "used from the network, whether that use is within policy and "
	    "whether sensitive data (DLP classes) leaves the network, so the "
	    "organisation can set policy and reduce risk. It is not a means to "
	    "assess individual employees.\n\n");
	if (n >= 0)
		fprintf(f, en ? "The catalog holds %d service files.\n\n" :
		    "De catalogus bevat %d dienstbestanden.\n\n", n);
	P("## Wat wordt vastgelegd en hoe lang\n\n",
	    "## What is recorded and for how long\n\n");
	for (i = 0; i < 9; i++)
		fprintf(f, "- %s (`%s`): %s\n", en ? what_en[i] : what_nl[i],
		    ret_keys[i], period(c.ret[i], en));
	P("- heridentificatie-auditlog: nooit verwijderd (alleen toevoegen)\n\n",
	    "- re-identification audit log: never deleted (append-only)\n\n");
	fprintf(f, en ? "URL query strings: %s. User agents: %s.\n\n" :
	    "Querystrings in URL's: %s. User agents: %s.\n\n",
	    strcmp(c.url_query, "keep") == 0 ? (en ? "kept" : "bewaard") :
	    (en ? "dropped" : "weggelaten"),
	    strcmp(c.user_agent, "full") == 0 ? (en ? "kept in full" :
	    "volledig bewaard") : (en ? "only the family (e.g. \"Chrome 131\")" :
	    "alleen de familie (bijv. \"Chrome 131\")"));
	P("## Pseudonimisering\n\n", "## Pseudonymisation\n\n");
	fprintf(f, en ? "Client addresses are replaced at ingest by a keyed "
	    "pseudonym (HMAC, \"c-\" + 16 hex). Key rotation: %s. After a "
	    "rotation the same client gets a new pseudonym, so long-term "
	    "profiles cannot be built; weekly client counts across a rotation "
	    "count such a client twice.\n" : "Clientadressen worden bij "
	    "binnenkomst vervangen door een pseudoniem met sleutel (HMAC, "
	    "\"c-\" + 16 hex). Sleutelwissel: %s. Na een wissel krijgt dezelfde "
	    "client een nieuw pseudoniem, zodat geen langetermijnprofielen "
	    "ontstaan; weektellingen over een wissel heen tellen zo'n client "
	    "twee keer.\n", strcmp(c.key_rotation, "never") == 0 ? (en ?
	    "never (pseudonyms stay stable)" : "nooit (pseudoniemen blijven gelijk)") :
	    period(c.key_rotation, en));
	fprintf(f, en ? "EVE output for the SIEM carries: %s.\n\n" :
	    "EVE-uitvoer voor de SIEM bevat: %s.\n\n",
	    strcmp(c.eve_clients, "address") == 0 ? (en ? "the real client "
	    "addresses (configured deliberately: eve_clients: address)" :
	    "de echte clientadressen (bewust ingesteld: eve_clients: address)") :
	    (en ? "address-shaped pseudonyms, no client addresses" :
	    "pseudoniemen in adresvorm, geen clientadressen"));
	P("## Heridentificatie\n\n", "## Re-identification\n\n");
	fprintf(f, en ? "Addresses are stored only in the `identities` table, "
	    "encrypted with the identity key %s (0600; losing it makes the "
	    "mapping unrecoverable). Only the privacy_officer role can request "
	    "a re-identification, always with a written reason; every request, "
	    "refusals included, is written to the append-only, hash-chained "
	    "audit database %s. Four-eyes approval: %s.\n\n" :
	    "Adressen staan alleen in de tabel `identities`, versleuteld met de "
	    "identiteitssleutel %s (0600; bij verlies is de koppeling "
	    "onherstelbaar weg). Alleen de rol privacy_officer kan een "
	    "heridentificatie aanvragen, altijd met een schriftelijke reden; "
	    "elke aanvraag, ook een weigering, komt in de alleen-toevoegen, "
	    "hash-geketende auditdatabase %s. Vier-ogen-goedkeuring: %s.\n\n",
	    c.identity_key, c.audit_db, c.four_eyes ? (en ? "on" : "aan") :
	    (en ? "off" : "uit"));
	P("## Wie ziet wat\n\n- viewer: aggregaten en pseudoniemen in "
	    "dashboard en weekrapport\n- analyst: daarnaast meldingen met "
	    "gemaskeerd bewijs\n- admin: beleid en configuratie\n- "
	    "privacy_officer: heridentificatie met reden, gelogd\n\n",
	    "## Who sees what\n\n- viewer: aggregates and pseudonyms in the "
	    "dashboard and weekly report\n- analyst: also alerts with masked "
	    "evidence\n- admin: policy and configuration\n- privacy_officer: "
	    "re-identification with a reason, audited\n\n");
	P("## Waar de gegevens staan\n\n", "## Where the data lives\n\n");
	fprintf(f, en ? "On the appliance only, in %s (SQLite); nothing is "
	    "sent to a cloud service. Reports are made on the box.\n\n" :
	    "Alleen op het apparaat, in %s (SQLite); niets gaat naar een "
	    "clouddienst. Rapporten worden op het apparaat gemaakt.\n\n",
	    c.database);
	P("## Wat nooit wordt vastgelegd\n\n- inhoud van berichten of "
	    "bestanden (geen payloadbytes)\n- de waarde van gevonden gevoelige "
	    "gegevens (alleen gemaskeerd bewijs en een sleutel-hash)\n- "
	    "clientadressen buiten de verzegelde tabel\n- wachtwoorden, cookies, "
	    "inhoud binnen TLS\n",
	    "## What is never recorded\n\n- content of messages or files (no "
	    "payload bytes)\n- the value of sensitive data found (only masked "
	    "evidence and a keyed hash)\n- client addresses outside the sealed "
	    "table\n- passwords, cookies, content inside TLS\n");
#undef P
	return ferror(f) ? -EIO : 0;
}
