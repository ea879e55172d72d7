/*
 * conf.c - sensor.yaml: a keyword table (section.key -> type, range,
 * target) drives parsing, validation and the documentation check, so a new
 * setting is one line here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "common/log.h"
#include "common/vocab.h"
#include "common/ydoc.h"
#include "output/netq.h"

enum ktype { K_U32, K_BOOL, K_STR, K_SEL, K_CLI, K_URLQ, K_UA, K_DAYS, K_LOG,
    K_FAC, K_RMODE, K_TYPES };

struct keyword {
	const char	*section;
	const char	*name;
	enum ktype	 type;
	long long	 min, max;
	size_t		 off;		/* offset in struct sensor_conf */
	const char	*help;
};

#define OFF(m)	offsetof(struct sensor_conf, m)

static const struct keyword keywords[] = {
	{ "capture", "interface", K_STR, 0, 0, OFF(cap.iface), "live interface (-i)" },
	{ "capture", "bpf", K_STR, 0, 0, OFF(cap.bpf), "BPF filter (-f)" },
	{ "capture", "snaplen", K_U32, 1500, 262144, OFF(cap.snaplen), "bytes captured per packet" },
	{ "capture", "promiscuous", K_BOOL, 0, 1, OFF(cap.promisc), "promiscuous mode" },
	{ "capture", "buffer_mb", K_U32, 1, 4096, OFF(cap.buffer_mb), "kernel capture buffer, MiB" },
	{ "capture", "block_timeout_ms", K_U32, 1, 1000, OFF(cap.timeout_ms), "longest wait before a partly filled ring block is read, ms" },
	{ "capture", "immediate", K_BOOL, 0, 1, OFF(cap.immediate), "deliver each packet at once (no ring blocks; more wake-ups)" },
	{ "flows", "max", K_U32, 1024, 50000000, OFF(flow.max_flows), "flow table cap; oldest evicted beyond" },
	{ "flows", "prefault", K_BOOL, 0, 1, OFF(flow.prefault), "touch the flow records at start-up (no first-touch faults later)" },
	{ "flows", "timeout_tcp_new", K_U32, 1, 86400, OFF(flow.timeout_s[TC_TCP_NEW]), "idle timeout of unestablished TCP, s" },
	{ "flows", "timeout_tcp", K_U32, 1, 86400, OFF(flow.timeout_s[TC_TCP_EST]), "idle timeout of established TCP, s" },
	{ "flows", "timeout_tcp_closed", K_U32, 1, 86400, OFF(flow.timeout_s[TC_TCP_CLOSED]), "linger after FIN/RST, s" },
	{ "flows", "timeout_udp", K_U32, 1, 86400, OFF(flow.timeout_s[TC_UDP]), "idle timeout of UDP, s" },
	{ "flows", "timeout_other", K_U32, 1, 86400, OFF(flow.timeout_s[TC_OTHER]), "idle timeout of ICMP/other, s" },
	{ "capture", "workers", K_U32, 1, 32, OFF(workers), "packet-path threads, flows hashed to them (1: one path, no threads)" },
	{ "capture", "defrag_slots", K_U32, 1, 65536, OFF(defrag_slots), "IP datagrams reassembled at once" },
	{ "dpi", "ndpi_flows", K_U32, 16, 10000000, OFF(dpi.ndpi_slots), "flows dissected by nDPI at once" },
	{ "dpi", "ndpi_max_packets", K_U32, 1, 255, OFF(dpi.ndpi_max_pkts), "packets per flow given to nDPI" },
	{ "dpi", "scratch_buffers", K_U32, 16, 1000000, OFF(dpi.scratch_slots), "reassembly buffers" },
	{ "dpi", "scratch_size", K_U32, 4096, 1048576, OFF(dpi.scratch_size), "bytes per reassembly buffer" },
	{ "dpi", "prefault", K_BOOL, 0, 1, OFF(dpi.prefault), "touch the nDPI and scratch pools at start-up" },
	{ "dpi", "ndpi_all_protocols", K_BOOL, 0, 1, OFF(dpi.ndpi_all), "every nDPI dissector (else only the names app_proto and visibility need)" },
	{ "output", "eve", K_STR, 0, 0, OFF(out.eve_path), "EVE JSON path, '-' for stdout (-e)" },
	{ "output", "database", K_STR, 0, 0, OFF(out.db_path), "SQLite path (-d)" },
	{ "output", "pseudonym_key", K_STR, 0, 0, OFF(out.key_path), "HMAC key file, created 0600" },
	{ "output", "eve_flows", K_SEL, 0, 3, OFF(out.eve_flows), "flow events in EVE: none|ai|named|all" },
	{ "output", "db_flows", K_SEL, 0, 3, OFF(out.db_flows), "flow rows in SQLite: none|ai|named|all" },
	{ "output", "eve_lookups", K_SEL, 0, 3, OFF(out.eve_meta), "dns/http events in EVE: none|ai|named|all" },
	{ "output", "db_lookups", K_SEL, 0, 3, OFF(out.db_meta), "dns/http rows in SQLite: none|ai|named|all" },
	{ "output", "eve_client_ip", K_BOOL, 0, 1, OFF(out.eve_client_ip), "write src_ip (else pseudonym only)" },
	{ "privacy", "eve_clients", K_CLI, 0, 1, OFF(out.eve_clients_addr), "client address in EVE: pseudonym (ULA-shaped) | address" },
	{ "privacy", "identity_key", K_STR, 0, 0, OFF(out.identity_key_path), "secretbox key sealing identities, created 0600; relative = beside the database" },
	{ "privacy", "url_query", K_URLQ, 0, 1, OFF(out.url_query_keep), "URL query strings in the http table: drop | keep" },
	{ "privacy", "user_agent", K_UA, 0, 1, OFF(out.user_agent_full), "user agent in the http table: family | full" },
	{ "privacy", "key_rotation", K_DAYS, 1, 3650, OFF(out.key_rotation_days), "pseudonym key epoch: Nd (e.g. 30d, 7d) or never" },
	{ "privacy", "audit_db", K_STR, 0, 0, OFF(out.audit_db), "re-identification audit DB; relative = beside the database" },
	{ "privacy", "four_eyes", K_BOOL, 0, 1, OFF(out.four_eyes), "re-identification needs a second officer" },
	{ "sensor", "name", K_STR, 0, 0, OFF(out.sensor_name), "host in every EVE record (default: the hostname)" },
	{ "log", "level", K_LOG, 0, 0, OFF(log_level), "error | warning | notice | info | debug (-v: debug)" },
	{ "retention", "ai_events", K_DAYS, 1, 36500, OFF(out.retention_days[RET_AI]), "days (Nd) or never" },
	{ "retention", "dns", K_DAYS, 1, 36500, OFF(out.retention_days[RET_DNS]), "days (Nd) or never" },
	{ "retention", "http", K_DAYS, 1, 36500, OFF(out.retention_days[RET_HTTP]), "days (Nd) or never" },
	{ "retention", "flows", K_DAYS, 1, 36500, OFF(out.retention_days[RET_FLOWS]), "days (Nd) or never" },
	{ "retention", "visibility", K_DAYS, 1, 36500, OFF(out.retention_days[RET_VIS]), "days (Nd) or never" },
	{ "retention", "alerts", K_DAYS, 1, 36500, OFF(out.retention_days[RET_ALERTS]), "days (Nd) or never" },
	{ "retention", "aggregates", K_DAYS, 1, 36500, OFF(out.retention_days[RET_AGG]), "days (Nd) or never" },
	{ "retention", "identities", K_DAYS, 1, 36500, OFF(out.retention_days[RET_IDENT]), "days (Nd) or never" },
	{ "retention", "stats", K_DAYS, 1, 36500, OFF(out.retention_days[RET_STATS]), "days (Nd) or never" },
	{ "output", "commit_ms", K_U32, 10, 1000, OFF(out.commit_ms), "SQLite batch interval, ms" },
	{ "output", "eve_buffer", K_U32, 0, 16777216, OFF(out.eve_buffer), "EVE bytes buffered (whole lines) before a write; 0: each line" },
	{ "output", "follow_symlinks", K_BOOL, 0, 1, OFF(out.follow_symlinks), "allow EVE/database paths that are symbolic links" },
	{ "output", "stats_interval", K_U32, 1, 86400, OFF(stats_interval_s), "stats event period, s" },
	{ "output", "syslog_server", K_STR, 0, 0, OFF(out.syslog_server), "syslog collector (RFC 5424 over TCP, octet counting); unset: off" },
	{ "output", "syslog_port", K_U32, 1, 65535, OFF(out.syslog_port), "syslog collector's TCP port" },
	{ "output", "syslog_facility", K_FAC, 0, 23, OFF(out.syslog_facility), "facility: local0..local7, user, daemon, ... or 0..23" },
	{ "output", "syslog_buffer", K_U32, 4096, 1073741824, OFF(out.syslog_buffer), "bytes queued while the collector is slow or away; newest dropped beyond" },
	{ "output", "syslog_types", K_TYPES, 0, 0, OFF(out.syslog_types), "event types sent (list; default all EVE types)" },
	{ "output", "redis_server", K_STR, 0, 0, OFF(out.redis_server), "Redis server; unset: off" },
	{ "output", "redis_port", K_U32, 1, 65535, OFF(out.redis_port), "Redis TCP port" },
	{ "output", "redis_mode", K_RMODE, 0, 0, OFF(out.redis_mode), "list|rpush, lpush, channel|publish, xadd|stream" },
	{ "output", "redis_key", K_STR, 0, 0, OFF(out.redis_key), "list, channel or stream name" },
	{ "output", "redis_maxlen", K_U32, 0, 1000000000, OFF(out.redis_maxlen), "stream: XADD MAXLEN ~ N; 0: uncapped" },
	{ "output", "redis_buffer", K_U32, 4096, 1073741824, OFF(out.redis_buffer), "bytes queued while Redis is slow or away; newest dropped beyond" },
	{ "output", "redis_types", K_TYPES, 0, 0, OFF(out.redis_types), "event types sent (list; default all EVE types)" },
	{ NULL, NULL, 0, 0, 0, 0, NULL }
};

void
conf_defaults(struct sensor_conf *c)
{
	memset(c, 0, sizeof(*c));
	capture_conf_defaults(&c->cap);
	flow_conf_defaults(&c->flow);
	dpi_conf_defaults(&c->dpi);
	output_conf_defaults(&c->out);
	c->stats_interval_s = 30;
	c->defrag_slots = 256;
	c->workers = 1;
}

static int
set_value(struct sensor_conf *c, struct ydoc *d, const struct keyword *k,
    const yaml_node_t *v)
{
	void *dst = (char *)c + k->off;
	long long n;
	int b;
	const char *s;

	switch (k->type) {
	case K_U32:
		if (ydoc_int(d, v, k->min, k->max, &n) < 0)
			return -EINVAL;
		if (k->off == OFF(cap.snaplen) || k->off == OFF(cap.buffer_mb) ||
		    k->off == OFF(cap.timeout_ms))
			*(int *)dst = (int)n;
		else
			*(uint32_t *)dst = (uint32_t)n;
		return 0;
	case K_BOOL:
		if (ydoc_bool(d, v, &b) < 0)
			return -EINVAL;
		*(int *)dst = b;
		return 0;
	case K_SEL:
		s = ydoc_str(d, v);
		if (s != NULL && strcmp(s, "none") == 0)
			*(int *)dst = SEL_NONE;
		else if (s != NULL && strcmp(s, "named") == 0)
			*(int *)dst = SEL_NAMED;
		else if (s != NULL && strcmp(s, "all") == 0)
			*(int *)dst = SEL_ALL;
		else if (s != NULL && strcmp(s, "ai") == 0)
			*(int *)dst = SEL_AI;
		else {
			ydoc_err(d, v, "%s.%s must be none, ai, named or all",
			    k->section, k->name);
			return -EINVAL;
		}
		return 0;
	case K_CLI:
		s = ydoc_str(d, v);
		if (s != NULL && strcmp(s, "pseudonym") == 0)
			*(int *)dst = 0;
		else if (s != NULL && strcmp(s, "address") == 0)
			*(int *)dst = 1;
		else {
			ydoc_err(d, v, "%s.%s must be pseudonym or address",
			    k->section, k->name);
			return -EINVAL;
		}
		return 0;
	case K_URLQ:
	case K_UA:
		s = ydoc_str(d, v);
		if (s != NULL && strcmp(s, k->type == K_URLQ ? "drop" :
		    "family") == 0)
			*(int *)dst = 0;
		else if (s != NULL && strcmp(s, k->type == K_URLQ ? "keep" :
		    "full") == 0)
			*(int *)dst = 1;
		else {
			ydoc_err(d, v, "%s.%s must be %s", k->section, k->name,
			    k->type == K_URLQ ? "drop or keep" :
			    "family or full");
			return -EINVAL;
		}
		return 0;
	case K_DAYS: {
		char *end;
		unsigned long dd;

		s = ydoc_str(d, v);
		if (s != NULL && strcmp(s, "never") == 0) {
			*(uint32_t *)dst = 0;
			return 0;
		}
		dd = s != NULL ? strtoul(s, &end, 10) : 0;
		if (s == NULL || end == s || strcmp(end, "d") != 0 ||
		    dd < (unsigned long)k->min || dd > (unsigned long)k->max) {
			ydoc_err(d, v, "%s.%s must be Nd (%lldd..%lldd) or never",
			    k->section, k->name, k->min, k->max);
			return -EINVAL;
		}
		*(uint32_t *)dst = (uint32_t)dd;
		return 0;
	}
	case K_LOG:
		s = ydoc_str(d, v);
		if ((b = log_level_parse(s)) < 0) {
			ydoc_err(d, v, "%s.%s must be error, warning, notice, "
			    "info or debug", k->section, k->name);
			return -EINVAL;
		}
		*(int *)dst = b;
		return 0;
	case K_FAC:
		if ((b = syslog_facility(ydoc_str(d, v))) < 0) {
			ydoc_err(d, v, "%s.%s must be a facility name (local5, "
			    "user, daemon, ...) or 0..23", k->section, k->name);
			return -EINVAL;
		}
		*(int *)dst = b;
		return 0;
	case K_RMODE:
		if ((b = redis_mode(ydoc_str(d, v))) < 0) {
			ydoc_err(d, v, "%s.%s must be list, rpush, lpush, "
			    "channel, publish, xadd or stream", k->section,
			    k->name);
			return -EINVAL;
		}
		*(int *)dst = b;
		return 0;
	case K_TYPES: {
		yaml_node_item_t *it;
		uint32_t mask = 0;

		if (ydoc_expect(d, v, YAML_SEQUENCE_NODE, k->name) < 0)
			return -EINVAL;
		YDOC_SEQ_FOREACH(d, v, it) {
			yaml_node_t *t = ydoc_node(d, *it);

			s = ydoc_str(d, t);
			for (b = 0; s != NULL && b < EV__COUNT; b++)
				if (strcmp(s, vocab_name(&vocab_ev_type, b)) == 0)
					break;
			if (s == NULL || b == EV__COUNT) {
				ydoc_err(d, t, "%s.%s: unknown event type",
				    k->section, k->name);
				return -EINVAL;
			}
			mask |= 1U << b;
		}
		*(uint32_t *)dst = mask;
		return 0;
	}
	case K_STR:
		if ((s = ydoc_str(d, v)) == NULL) {
			ydoc_err(d, v, "%s.%s must be a string", k->section, k->name);
			return -EINVAL;
		}
		if (c->nowned >= (int)(sizeof(c->owned) / sizeof(c->owned[0])) ||
		    (c->owned[c->nowned] = strdup(s)) == NULL)
			return -ENOMEM;
		*(const char **)dst = c->owned[c->nowned++];
		return 0;
	}
	return -EINVAL;
}

static void
load_section(struct sensor_conf *c, struct ydoc *d, const char *sec,
    yaml_node_t *map)
{
	const char *allowed[32];
	yaml_node_pair_t *p;
	int n = 0, i;

	for (i = 0; keywords[i].name != NULL; i++)
		if (strcmp(keywords[i].section, sec) == 0 && n < 31)
			allowed[n++] = keywords[i].name;
	allowed[n] = NULL;
	if (ydoc_expect(d, map, YAML_MAPPING_NODE, sec) < 0)
		return;
	ydoc_check_keys(d, map, allowed, sec);
	YDOC_MAP_FOREACH(d, map, p) {
		const char *k = ydoc_str(d, ydoc_node(d, p->key));

		for (i = 0; k != NULL && keywords[i].name != NULL; i++)
			if (strcmp(keywords[i].section, sec) == 0 &&
			    strcmp(keywords[i].name, k) == 0)
				set_value(c, d, &keywords[i], ydoc_node(d, p->value));
	}
}

int
conf_load(struct sensor_conf *c, const char *path, FILE *errout)
{
	static const char *const sections[] = { "capture", "flows", "dpi",
	    "output", "privacy", "retention", "rules", "sensor", "log", NULL };
	struct ydoc d;
	yaml_node_t *root;
	yaml_node_pair_t *p;
	int rc;

	if ((rc = ydoc_load(&d, path, errout)) < 0)
		return rc;
	if ((root = ydoc_root(&d)) == NULL)
		goto out;		/* empty file: defaults */
	if (ydoc_expect(&d, root, YAML_MAPPING_NODE, "the configuration") < 0)
		goto out;
	ydoc_check_keys(&d, root, sections, "the configuration");
	YDOC_MAP_FOREACH(&d, root, p) {
		const char *k = ydoc_str(&d, ydoc_node(&d, p->key));
		yaml_node_t *v = ydoc_node(&d, p->value);

		if (k == NULL)
			continue;
		if (strcmp(k, "rules") == 0) {
			const char *s = ydoc_str(&d, ydoc_get(&d, v, "directory"));
			static const char *const rk[] = { "directory",
			    "allow_empty_policy", NULL };
			yaml_node_t *ae = ydoc_get(&d, v, "allow_empty_policy");
			int b;

			ydoc_check_keys(&d, v, rk, "rules");
			if (ae != NULL && ydoc_bool(&d, ae, &b) == 0)
				c->allow_empty_policy = (uint8_t)b;
			if (s != NULL && c->nowned < 16 &&
			    (c->owned[c->nowned] = strdup(s)) != NULL)
				c->rules_dir = c->owned[c->nowned++];
		} else if (strcmp(k, "capture") == 0 || strcmp(k, "flows") == 0 ||
		    strcmp(k, "dpi") == 0 || strcmp(k, "output") == 0 ||
		    strcmp(k, "privacy") == 0 || strcmp(k, "retention") == 0 ||
		    strcmp(k, "sensor") == 0 || strcmp(k, "log") == 0)
			load_section(c, &d, k, v);
	}
out:
	rc = d.nerr > 0 ? -EINVAL : 0;
	ydoc_free(&d);
	return rc;
}

void
conf_free(struct sensor_conf *c)
{
	int i;

	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	c->nowned = 0;
}
