/*
 * main.c - shadowtap-sensor: command line, configuration, signal handling
 * and the capture loop: capture -> decode -> flow -> dpi -> output.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ndpi/ndpi_api.h>
#include <pcap/pcap.h>
#include <zlib.h>

#include "capture/capture.h"
#include "classify/analyzer.h"
#include "conf.h"
#include "decode/decode.h"
#include "decode/defrag.h"
#include "dlp/inspect.h"
#include "dpi/dpi.h"
#include "flow/flow.h"
#include "output/output.h"
#include "privdrop.h"
#include "common/clock.h"
#include "common/log.h"

#define SENSOR_VERSION	"0.1.0"
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

static volatile sig_atomic_t got_stop, got_hup;

struct engine {
	struct sensor_conf	 conf;
	struct capture		*cap;
	struct flow_table	*flows;
	struct dpi		*dpi;
	struct output		*out;
	struct analyzer		*an;
	struct inspector	*insp;
	struct defrag		*defrag;
	struct dec_stats	 dec;
	int			 linktype;
	uint64_t		 pkt_now;	/* newest packet time, µs */
	uint64_t		 start_us;	/* first packet (file) or start (live) */
	uint64_t		 next_stats;
	uint64_t		 next_expire;
	const char		*cfg_path;	/* -c, re-read on SIGHUP */
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: shadowtap-sensor [-i IFACE | -r FILE] [-c CONFIG] [-R RULES_DIR]\n"
"                        [-e EVE_PATH|-] [-d DB_PATH] [-f BPF] [-T] [-v]\n"
"\n"
"Passive shadow-AI sensor: reads packets from an interface or a pcap/pcapng\n"
"file, extracts TLS/QUIC/DNS/HTTP metadata and writes EVE JSON and SQLite.\n"
"\n"
"  -i, --interface IFACE   capture live on IFACE (needs CAP_NET_RAW)\n"
"  -r, --read FILE         read a pcap/pcapng file ('-' = stdin)\n"
"  -c, --config FILE       sensor configuration (YAML)\n"
"  -R, --rules DIR         rules directory (catalog, policy, detectors)\n"
"  -e, --eve PATH          EVE JSON output file, '-' for stdout\n"
"  -d, --db PATH           SQLite database\n"
"  -k, --key PATH          pseudonym key file (default: next to the database)\n"
"  -f, --filter BPF        capture filter\n"
"      --all-flows         record every flow (default: flows with a name)\n"
"  -T, --test              check configuration and rules, then exit\n"
"  -v, --verbose           more logging (repeat for more)\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n"
"  -u, --user NAME         after opening, run as NAME with no capabilities\n"
"      --no-seccomp        do not install the seccomp allow-list\n"
"\n"
"Defaults when run as a service: config /etc/shadowtap/shadowtap.yaml and rules\n"
"/etc/shadowtap/rules when present; live capture without outputs writes EVE to\n"
"/var/log/shadowtap/eve.json and the database /var/lib/shadowtap/shadowtap.db.\n"
"A run with no output refuses; a run without rules warns: no AI matching.\n"
"\n"
"Exit status: 0 success, 1 runtime failure (also: an output lost data,\n"
"another sensor holds the EVE file or database), 2 bad usage or configuration.\n"
"Signals: INT/TERM flush and exit; HUP (or USR2) reopens the EVE file and reloads the rules.\n");
}

#define DEF_CONF	"/etc/shadowtap/shadowtap.yaml"
#define DEF_RULES	"/etc/shadowtap/rules"
#define DEF_EVE		"/var/log/shadowtap/eve.json"
#define DEF_DB		"/var/lib/shadowtap/shadowtap.db"

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --version: ours and the libraries', like suricata --build-info. */
static void
print_version(void)
{
	printf("shadowtap-sensor %s\n", SENSOR_VERSION);
	printf("libpcap: %s\n", pcap_lib_version());
	printf("nDPI: %s\n", ndpi_revision());
	printf("zlib: %s\n", zlibVersion());
	printf("defaults: config %s, rules %s, eve %s, db %s\n", DEF_CONF,
	    DEF_RULES, DEF_EVE, DEF_DB);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP || sig == SIGUSR2)
		got_hup = 1;
	else
		got_stop = 1;
}

static void
emit_stats(struct engine *e, uint64_t ts)
{
	struct stats_snapshot s;
	struct event ev;

	memset(&s, 0, sizeof(s));
	capture_stats(e->cap, &s.cap);
	s.uptime_us = ts > e->start_us ? ts - e->start_us : 0;
	s.dec = &e->dec;
	s.defrag = defrag_stats(e->defrag);
	s.flows = flow_table_stats(e->flows);
	s.dpi = dpi_stats(e->dpi);
	s.out = output_stats(e->out);
	s.insp = inspector_stats(e->insp);
	s.an = analyzer_stats(e->an);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_STATS;
	ev.ts_us = ts;
	ev.u.stats = &s;
	output_emit(e->out, &ev);
}

static void
on_flow_end(void *arg, struct flow *f, enum flow_end why)
{
	struct engine *e = arg;
	struct event ev;

	dpi_flow_end(e->dpi, f);
	inspect_flow_end(e->insp, f);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_FLOW;
	ev.ts_us = f->ts_last;
	ev.flow = f;
	ev.u.why = why;
	output_emit(e->out, &ev);
	analyze_flow_end(e->an, f);
}

static void
on_packet(void *arg, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    uint64_t ts_us)
{
	struct engine *e = arg;
	struct flow *f;
	struct pkt p;
	int dir;

	if (decode_packet(&e->dec, e->linktype, data, caplen, wirelen, ts_us, &p) < 0)
		return;
	if (p.frag) {
		const uint8_t *l3;
		uint32_t len;

		if (defrag_add(e->defrag, &p, &l3, &len) == 0 ||
		    decode_reassembled(&e->dec, l3, len, &p) < 0 || p.frag)
			return;
	}
	if (ts_us > e->pkt_now)
		e->pkt_now = ts_us;
	if ((f = flow_table_lookup(e->flows, &p, &dir)) == NULL)
		return;
	dpi_packet(e->dpi, f, &p, dir);
	inspect_packet(e->insp, f, &p, dir);
}

/* Periodic work.  Flow timeouts run on packet time for files (so a replay
 * gives the same flows however fast it runs) and on wall time live (so
 * they fire on an idle link); stats events always on wall time, like a
 * progress report. */
static void
housekeeping(struct engine *e, int live)
{
	uint64_t wall = clock_wall_us(), now = live ? wall : e->pkt_now;

	if (now == 0)
		return;
	if (e->start_us == 0)
		e->start_us = now;
	if (now >= e->next_expire) {
		flow_table_expire(e->flows, now);
		e->next_expire = now + 1000000;
	}
	if (e->next_stats == 0)
		e->next_stats = wall + (uint64_t)e->conf.stats_interval_s * 1000000;
	else if (wall >= e->next_stats) {
		emit_stats(e, now);
		e->next_stats = wall + (uint64_t)e->conf.stats_interval_s * 1000000;
	}
	output_tick(e->out, wall);
}

static void
progress(struct engine *e, uint64_t *next)
{
	uint64_t now = clock_wall_us();
	double fr;

	if (now < *next || (fr = capture_progress(e->cap)) < 0)
		return;
	*next = now + 2000000;
	fprintf(stderr, "\rshadowtap-sensor: %5.1f%%  %llu packets  %llu flows",
	    fr * 100.0, (unsigned long long)e->dec.c[DC_PKTS],
	    (unsigned long long)flow_table_stats(e->flows)->created);
	fflush(stderr);
}

/*
 * SIGHUP: re-read the configuration file.  Settings that only steer what
 * is recorded apply at once; those that size pools or open files need a
 * restart and are reported as such.  A file with errors changes nothing.
 */
static void
reload_conf(struct engine *e)
{
	struct sensor_conf n;

	if (e->cfg_path == NULL)
		return;
	conf_defaults(&n);
	n.out.db_flows = n.out.db_meta = -1;	/* as at start: unset -> resolved below */
	if (conf_load(&n, e->cfg_path, stderr) < 0) {
		log_warnx("%s: errors, keeping the running configuration", e->cfg_path);
		conf_free(&n);
		return;
	}
	if (n.out.db_flows < 0)
		n.out.db_flows = e->conf.out.db_flows;
	if (n.out.db_meta < 0)
		n.out.db_meta = e->conf.out.db_meta;
	e->conf.stats_interval_s = n.stats_interval_s;
	output_apply(e->out, &n.out);
	if (n.flow.max_flows != e->conf.flow.max_flows ||
	    n.dpi.ndpi_slots != e->conf.dpi.ndpi_slots ||
	    n.dpi.scratch_slots != e->conf.dpi.scratch_slots ||
	    n.cap.snaplen != e->conf.cap.snaplen ||
	    n.cap.buffer_mb != e->conf.cap.buffer_mb)
		log_warnx("%s: capture, flow and pool sizes take effect at the next "
		    "start", e->cfg_path);
	log_info("%s: configuration reloaded", e->cfg_path);
	conf_free(&n);
}

static int
run(struct engine *e)
{
	int live = capture_is_live(e->cap), n, rc = 0, show = isatty(2) && !live;
	uint64_t next_progress = clock_wall_us() + 2000000;

	for (;;) {
		if (got_stop)
			break;
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reopening outputs, reloading configuration and rules");
			output_reopen(e->out);
			reload_conf(e);
			analyzer_reload(e->an, live ? clock_wall_us() : e->pkt_now);
		}
		n = capture_dispatch(e->cap, 512, on_packet, e);
		if (n == CAPTURE_EOF)
			break;
		if (n == CAPTURE_ERR) {
			rc = EXIT_RUNTIME;
			break;
		}
		housekeeping(e, live);
		if (show)
			progress(e, &next_progress);
	}
	if (show && next_progress != 0)
		fputs("\r\033[K", stderr);
	return rc;
}

static void
summary(struct engine *e)
{
	const struct flow_stats *fs = flow_table_stats(e->flows);
	const struct output_stats *os = output_stats(e->out);
	const struct dpi_stats *ds = dpi_stats(e->dpi);
	struct capture_stats cs;

	memset(&cs, 0, sizeof(cs));
	capture_stats(e->cap, &cs);
	log_info("%llu packets (%llu dropped by the kernel), %llu flows "
	    "(%llu evicted), %llu TLS + %llu QUIC hellos, %llu DNS messages, "
	    "%llu HTTP requests, %llu EVE lines, %llu database rows",
	    (unsigned long long)e->dec.c[DC_PKTS], (unsigned long long)cs.dropped,
	    (unsigned long long)fs->created, (unsigned long long)fs->evicted,
	    (unsigned long long)ds->tls_hellos, (unsigned long long)ds->quic_hellos,
	    (unsigned long long)ds->dns_msgs, (unsigned long long)ds->http_reqs,
	    (unsigned long long)os->eve_lines, (unsigned long long)os->db_rows);
	if (os->eve_lost || os->db_errors || os->db_rows_lost || os->db_lost)
		log_warnx("data lost: %llu EVE lines, %llu database rows "
		    "(%llu database errors%s)", (unsigned long long)os->eve_lost,
		    (unsigned long long)(os->db_rows_lost + os->db_lost),
		    (unsigned long long)os->db_errors,
		    os->db_malformed ? ", database malformed" : "");
}

/* Default key path: beside the database, whose pseudonyms must stay
 * stable across restarts.  Without a database a per-run key is used. */
static char *
default_key_path(const struct output_conf *o)
{
	const char *base = o->db_path;
	const char *slash;
	char *k;
	size_t dl;

	slash = strrchr(base, '/');
	dl = slash ? (size_t)(slash - base) + 1 : 0;
	if ((k = malloc(dl + sizeof("pseudonym.key"))) == NULL)
		return NULL;
	memcpy(k, base, dl);
	memcpy(k + dl, "pseudonym.key", sizeof("pseudonym.key"));
	return k;
}

static int
check_rules_dir(const char *dir)
{
	struct stat sb;

	if (dir == NULL)
		return 0;
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		log_warnx("%s: rules directory not found", dir);
		return -ENOENT;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "read", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "rules", required_argument, NULL, 'R' },
		{ "eve", required_argument, NULL, 'e' },
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "filter", required_argument, NULL, 'f' },
		{ "all-flows", no_argument, NULL, 'A' },
		{ "test", no_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-seccomp", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const char *iface = NULL, *file = NULL, *cfg = NULL, *rules = NULL,
	    *eve = NULL, *db = NULL, *key = NULL, *bpf = NULL;
	struct engine e;
	struct privdrop pd = { NULL, -1 };
	struct sigaction sa;
	char *keybuf = NULL;
	int ch, test = 0, verbose = 0, all_flows = 0, rc = EXIT_RUNTIME;
	int db_flows_def, db_meta_def;

	memset(&e, 0, sizeof(e));
	while ((ch = getopt_long(argc, argv, "i:r:c:R:e:d:k:f:TvhVu:", lopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'i': iface = optarg; break;
		case 'r': file = optarg; break;
		case 'c': cfg = optarg; break;
		case 'R': rules = optarg; break;
		case 'e': eve = optarg; break;
		case 'd': db = optarg; break;
		case 'k': key = optarg; break;
		case 'f': bpf = optarg; break;
		case 'A': all_flows = 1; break;
		case 'u': pd.user = optarg; break;
		case 'S': pd.seccomp = 0; break;
		case 'T': test = 1; break;
		case 'v': verbose++; break;
		case 'h': usage(stdout); return 0;
		case 'V': print_version(); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	log_init("shadowtap-sensor", verbose);
	if (optind < argc) {
		log_warnx("unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	conf_defaults(&e.conf);
	if (cfg == NULL && access(DEF_CONF, R_OK) == 0) {
		cfg = DEF_CONF;
		log_info("configuration: %s", DEF_CONF);
	}
	e.cfg_path = cfg;
	/* -1: "not set by the config file", resolved once -R is known. */
	db_flows_def = e.conf.out.db_flows;
	db_meta_def = e.conf.out.db_meta;
	e.conf.out.db_flows = e.conf.out.db_meta = -1;
	if (cfg != NULL && conf_load(&e.conf, cfg, stderr) < 0) {
		conf_free(&e.conf);
		return EXIT_USAGE;
	}
	if (iface) e.conf.cap.iface = iface;
	if (file) { e.conf.cap.file = file; e.conf.cap.iface = NULL; }
	if (bpf) e.conf.cap.bpf = bpf;
	if (rules) e.conf.rules_dir = (char *)(uintptr_t)rules;
	if (eve) e.conf.out.eve_path = eve;
	if (db) e.conf.out.db_path = db;
	if (key) e.conf.out.key_path = key;
	/* With rules, SQLite keeps AI flows and lookups unless configured. */
	if (e.conf.out.db_flows < 0)
		e.conf.out.db_flows = e.conf.rules_dir ? SEL_AI : db_flows_def;
	if (e.conf.out.db_meta < 0)
		e.conf.out.db_meta = e.conf.rules_dir ? SEL_AI : db_meta_def;
	if (all_flows) e.conf.out.eve_flows = e.conf.out.db_flows = SEL_ALL;
	/* Installed as a service: the usual places (docs/ARCHITECTURE.md). */
	if (e.conf.rules_dir == NULL && is_dir(DEF_RULES)) {
		e.conf.rules_dir = (char *)(uintptr_t)DEF_RULES;
		log_info("rules: %s", DEF_RULES);
	}
	if (e.conf.rules_dir == NULL)
		log_warnx("no rules (-R DIR or %s): NO AI matching happens, "
		    "only metadata is recorded", DEF_RULES);
	if (check_rules_dir(e.conf.rules_dir) < 0) {
		conf_free(&e.conf);
		return EXIT_USAGE;
	}
	if (test) {
		if (e.conf.rules_dir != NULL &&
		    analyzer_lint(e.conf.rules_dir, stderr) < 0) {
			conf_free(&e.conf);
			return EXIT_USAGE;
		}
		printf("configuration OK\n");
		conf_free(&e.conf);
		return 0;
	}
	if ((iface != NULL && file != NULL) ||
	    (e.conf.cap.iface == NULL && e.conf.cap.file == NULL)) {
		log_warnx("give exactly one of -i IFACE or -r FILE (see --help)");
		conf_free(&e.conf);
		return EXIT_USAGE;
	}
	if (e.conf.cap.iface != NULL && cfg == NULL && eve == NULL &&
	    db == NULL && e.conf.out.eve_path == NULL &&
	    e.conf.out.db_path == NULL) {
		e.conf.out.eve_path = DEF_EVE;
		e.conf.out.db_path = DEF_DB;
		log_info("live capture without outputs: EVE %s, database %s",
		    DEF_EVE, DEF_DB);
	}
	if (e.conf.out.eve_path == NULL && e.conf.out.db_path == NULL) {
		log_warnx("no output configured (-e EVE_PATH or -d DB_PATH): "
		    "this run would write nothing, refusing");
		conf_free(&e.conf);
		return EXIT_USAGE;
	}
	if (e.conf.out.key_path == NULL && e.conf.out.db_path != NULL) {
		if ((keybuf = default_key_path(&e.conf.out)) == NULL)
			goto out;
		e.conf.out.key_path = keybuf;
	}
	if (capture_open(&e.cap, &e.conf.cap) < 0)
		goto out;
	e.linktype = capture_linktype(e.cap);
	if (!decode_linktype_ok(e.linktype)) {
		log_warnx("%s: unsupported link type %d", e.conf.cap.iface ?
		    e.conf.cap.iface : e.conf.cap.file, e.linktype);
		goto out;
	}
	if (output_open(&e.out, &e.conf.out) < 0)
		goto out;
	if (analyzer_new(&e.an, e.conf.rules_dir, e.out, stderr) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	analyzer_allow_empty_policy(e.an, e.conf.allow_empty_policy);
	if (inspector_new(&e.insp, e.an, e.out) < 0)
		goto out;
	if (dpi_new(&e.dpi, &e.conf.dpi, e.out) < 0 ||
	    (e.flows = flow_table_new(&e.conf.flow, on_flow_end, &e)) == NULL ||
	    (e.defrag = defrag_new(e.conf.defrag_slots, 30)) == NULL) {
		log_warnx("out of memory setting up %u flows", e.conf.flow.max_flows);
		goto out;
	}
	dpi_set_analyzer(e.dpi, e.an);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* HUP must not abort a blocking read of a pcap file or pipe: the
	 * loop handles it between dispatches. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_flags = 0;
	signal(SIGPIPE, SIG_IGN);
	if (privdrop_apply(&pd) < 0)
		goto out;
	if (capture_is_live(e.cap))
		e.start_us = clock_wall_us();
	rc = run(&e);
	flow_table_flush(e.flows);
	emit_stats(&e, capture_is_live(e.cap) ? clock_wall_us() : e.pkt_now);
	output_sync(e.out);
	summary(&e);
	/* A replay whose outputs lost data did not do its job. */
	if (rc == 0 && !capture_is_live(e.cap) && output_lost_data(e.out)) {
		log_warnx("outputs lost data; exit 1");
		rc = EXIT_RUNTIME;
	}
out:
	flow_table_free(e.flows);
	defrag_free(e.defrag);
	dpi_free(e.dpi);
	inspector_free(e.insp);
	analyzer_free(e.an);
	output_close(e.out);
	capture_close(e.cap);
	conf_free(&e.conf);
	free(keybuf);
	return rc;
}
