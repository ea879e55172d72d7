/*
 * main.c - shadowtap-sensor: command line, configuration, signal handling
 * and the capture loop; the packet path itself is engine.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ndpi/ndpi_api.h>
#include <pcap/pcap.h>
#include <zlib.h>

#include "capture/capture.h"
#include "classify/analyzer.h"
#include "conf.h"
#include "engine.h"
#include "flow/flow.h"
#include "output/output.h"
#include "parent.h"
#include "privdrop.h"
#include "workers.h"
#include "common/clock.h"
#include "common/log.h"

#define SENSOR_VERSION	"0.1.0"
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

static volatile sig_atomic_t got_stop, got_hup;

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
"      --no-privsep        one process (default: a privileged parent, an\n"
"                          unprivileged engine and a writer process)\n"
"      --workers N         N packet-path threads in the engine, flows hashed\n"
"                          to them (default capture.workers, 1; needs privsep)\n"
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

	if (e->cfg_path == NULL ||
	    sensor_reload_conf(e->cfg_path, &e->conf, &n) < 0)
		return;
	e->conf.stats_interval_s = n.stats_interval_s;
	output_apply(e->out, &n.out);
	log_info("%s: configuration reloaded", e->cfg_path);
	conf_free(&n);
}

/*
 * A pending reload, between two dispatches: SIGHUP in one process, the
 * parent's order under privsep (it read the configuration; the rules are
 * re-read through the directory descriptor).  1 after a reload.
 */
static int
engine_control(struct engine *e)
{
	int live = capture_is_live(e->cap);
	struct ps_reload r;

	if (got_hup) {
		got_hup = 0;
		log_info("SIGHUP: reopening outputs, reloading configuration and rules");
		output_reopen(e->out);
		reload_conf(e);
		analyzer_reload(e->an, live ? clock_wall_us() : e->pkt_now);
		return 1;
	}
	if (privsep_control(&e->ps, &r) == 1) {
		log_info("reload ordered by the parent: rules and settings");
		e->conf.stats_interval_s = r.stats_interval_s;
		analyzer_allow_empty_policy(e->an, r.allow_empty_policy);
		analyzer_reload(e->an, live ? clock_wall_us() : e->pkt_now);
		return 1;
	}
	return 0;
}

static struct workers *workers;

/* In the engine child before its drop: a live capture's workers open
 * their handles (and join the fanout group) while that is allowed. */
static int
engine_prep(struct engine *e)
{
	if (e->conf.workers <= 1)
		return 0;
	if (workers_open(&workers, e, e->conf.workers) < 0) {
		log_warnx("cannot start %u workers", e->conf.workers);
		return -1;
	}
	return 0;
}

static int
run(struct engine *e)
{
	int live = capture_is_live(e->cap), n, rc = 0, show = isatty(2) && !live;
	uint64_t next_progress = clock_wall_us() + 2000000;

	for (;;) {
		if (got_stop)
			break;
		engine_control(e);
		n = engine_dispatch(e, 512);
		if (n == CAPTURE_EOF)
			break;
		if (n == CAPTURE_ERR) {
			/* A stop signal interrupting a blocked read of a
			 * pipe is a stop, not a failure. */
			if (!got_stop)
				rc = EXIT_RUNTIME;
			break;
		}
		engine_housekeeping(e, live);
		if (show)
			progress(e, &next_progress);
	}
	if (show && next_progress != 0)
		fputs("\r\033[K", stderr);
	return rc;
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

/* The privsep engine, after its drop (sensor/parent.c). */
static int
engine_main(struct engine *e)
{
	struct sigaction sa;
	struct rusage ru;
	sigset_t none;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* HUP/USR2 are the parent's: it orders the reload. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (capture_is_live(e->cap))
		e->start_us = clock_wall_us();
	rc = workers != NULL ? workers_run(workers, &got_stop, engine_control) :
	    run(e);
	engine_finish(e);
	engine_summary(e);
	if (privsep_finish(&e->ps) == 2)
		rc = EXIT_RUNTIME;	/* the writer died: output stopped */
	if (getrusage(RUSAGE_SELF, &ru) == 0)	/* make bench's engine column */
		log_debug("engine: cpu %.3f s user+sys",
		    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return rc;
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
		{ "privsep", no_argument, NULL, 'P' },
		{ "no-privsep", no_argument, NULL, 'N' },
		{ "workers", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	const char *iface = NULL, *file = NULL, *cfg = NULL, *rules = NULL,
	    *eve = NULL, *db = NULL, *key = NULL, *bpf = NULL;
	struct engine e;
	struct privdrop pd = { NULL, -1, 0 };
	struct sigaction sa;
	char *keybuf = NULL;
	int ch, test = 0, verbose = 0, all_flows = 0, rc = EXIT_RUNTIME;
	int privsep = 1, rules_fd = -1;
	struct fdset before;
	long nworkers = 0;
	char *end;
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
		case 'P': privsep = 1; break;
		case 'N': privsep = 0; break;
		case 'W':
			nworkers = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || nworkers < 1 ||
			    nworkers > 32) {
				log_init("shadowtap-sensor", 0);
				log_warnx("--workers: a number from 1 to 32");
				return EXIT_USAGE;
			}
			break;
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
	if (nworkers > 0) e.conf.workers = (uint32_t)nworkers;
	if (rules) e.conf.rules_dir = (char *)(uintptr_t)rules;
	if (eve) e.conf.out.eve_path = eve;
	if (db) e.conf.out.db_path = db;
	if (key) e.conf.out.key_path = key;
	/* log.level from the file; -v wins (debug). */
	if (e.conf.log_level > 0 && verbose == 0)
		log_set_level(e.conf.log_level);
	e.conf.out.in_iface = e.conf.cap.iface;	/* EVE in_iface: live only */
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
	/* Several workers write through the one writer process. */
	if (e.conf.workers > 1 && !privsep) {
		log_warnx("--workers %u needs the writer process: drop --no-privsep",
		    e.conf.workers);
		rc = EXIT_USAGE;
		goto out;
	}
	e.prep = engine_prep;
	if (privsep) {
		/* The engine re-reads the rules through this descriptor. */
		if (e.conf.rules_dir != NULL && (rules_fd = open(e.conf.rules_dir,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			log_warn("%s: rules directory", e.conf.rules_dir);
			rc = EXIT_USAGE;
			goto out;
		}
		fdset_snapshot(&before);
	}
	if (engine_open(&e) < 0) {
		if (e.rules_failed)
			rc = EXIT_USAGE;
		goto out;
	}
	if (privsep) {
		/* The children own the capture and the outputs: the
		 * parent's copies are never closed here (pcap_close or
		 * sqlite3_close would act on the children's descriptors)
		 * but left to _exit. */
		rc = parent_run(&e, &pd, rules_fd, &before, engine_main);
		fflush(NULL);
		_exit(rc);
	}
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
	engine_finish(&e);
	engine_summary(&e);
	/* A replay whose outputs lost data did not do its job. */
	if (rc == 0 && !capture_is_live(e.cap) &&
	    output_lost_data(e.out)) {
		log_warnx("outputs lost data; exit 1");
		rc = EXIT_RUNTIME;
	}
out:
	if (rules_fd >= 0)
		close(rules_fd);
	engine_close(&e);
	conf_free(&e.conf);
	free(keybuf);
	return rc;
}
