/*
 * mkfixture.c - the one fixture database generator (issue 8): writes a
 * schema-v2 sensor database through lib/store's writer with a deterministic
 * mix of AI flows, lookups, alerts, visibility events, policy versions and
 * stats, and prints what it wrote as JSON (per ISO week in local time) so
 * the dashboard, report and store tests compare their numbers with it.
 *
 *   mkfixture -o DB [-s SENSOR] [-e END_MONDAY_YYYY-MM-DD] [-w WEEKS]
 *             [-n EVENTS_PER_WEEK] [-c CLIENTS] [-S SERVICES] [-x SEED]
 *             [-E EMPTY_WEEK_INDEX] [-R ROTATE_WEEK_INDEX] [-H] [-j JSON]
 *
 * Weeks are ISO weeks in local time (TZ, default Europe/Amsterdam),
 * numbered 0 (oldest) .. WEEKS-1 (the week starting on the END Monday,
 * which must be a Monday); a week across a DST change is 167 or 169 hours
 * long.  -H mixes hostile names (<script>, CSV formulas, quotes) into
 * hosts and service names.  Counts in the JSON are exact.
 *
 * Speed: the rows go in through lib/store's bulk mode (no journal, no
 * fsync, large batches; the aggregates are computed once at the end from
 * the raw rows), so 10 million events take minutes, not hours.  The
 * random sequence, and so the rows and the JSON, are the same as with the
 * row-by-row writer for the same arguments (tests/scripts/suite-fixture.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/vocab.h"
#include "store/store.h"

#define MAXW	60
#define MAXC	100000
#define MAXS	2000
#define WEEK_US	(7ULL * 86400 * 1000000)
#define HOUR_US	3600000000ULL
#define BATCH	(1L << 18)	/* events per commit */

struct week {
	uint64_t	 start;		/* local Monday 00:00, µs */
	uint64_t	 len;		/* to the next local Monday, µs */
	uint64_t	 flows[VERDICT__COUNT], lookups, uploads, alerts;
	uint64_t	 dlp[DLP_C__COUNT], bytes_up, vis;
	unsigned char	*seen;		/* per client (x epoch) */
	uint64_t	 clients;
};

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const hostile[] = {
	"<script>alert(1)</script>.example", "\"><img src=x onerror=alert(2)>",
	"=cmd|' /C calc'!A0", "+SUM(1,2)", "@evil", "-2+3", "a'b\"c\\d",
};

/* Parse END (YYYY-MM-DD, a Monday) into ${tm}; 0 or -1. */
static int
parse_monday(const char *ymd, struct tm *tm)
{
	const char *e;
	struct tm t;

	memset(tm, 0, sizeof(*tm));
	if ((e = strptime(ymd, "%Y-%m-%d", tm)) == NULL || *e != '\0')
		return -1;
	t = *tm;
	t.tm_isdst = -1;
	if (mktime(&t) == (time_t)-1 || t.tm_wday != 1)
		return -1;
	return 0;
}

/* Local midnight ${weeks} weeks after the Monday ${end} (negative: before),
 * in µs: mktime normalises the day and finds the offset of that date. */
static uint64_t
monday_plus(const struct tm *end, int weeks)
{
	struct tm tm = *end;

	tm.tm_mday += 7 * weeks;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (uint64_t)mktime(&tm) * 1000000ULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mkfixture -o DB [-s SENSOR] [-e YYYY-MM-DD] "
	    "[-w WEEKS] [-n EVENTS] [-c CLIENTS] [-S SERVICES] [-x SEED] "
	    "[-E EMPTY] [-R ROTATE] [-H] [-j JSON]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *sensor = "sensor-1", *end = "2026-11-16";
	const char *json = NULL;
	int weeks = 4, clients = 40, services = 12, empty = -1, rot = -1;
	int hostile_names = 0, c, w, i, k;
	long events = 500;
	struct week wk[MAXW];
	struct store *s;
	FILE *jf;
	uint64_t t0, total = 0;
	static char svc[MAXS][64], name[MAXS][96], host[MAXS][128];
	static int verdict_of[MAXS];
	struct tm end_tm;

	setenv("TZ", getenv("TZ") ? getenv("TZ") : "Europe/Amsterdam", 1);
	tzset();
	while ((c = getopt(argc, argv, "o:s:e:w:n:c:S:x:E:R:Hj:")) != -1)
		switch (c) {
		case 'o': out = optarg; break;
		case 's': sensor = optarg; break;
		case 'e': end = optarg; break;
		case 'w': weeks = atoi(optarg); break;
		case 'n': events = atol(optarg); break;
		case 'c': clients = atoi(optarg); break;
		case 'S': services = atoi(optarg); break;
		case 'x': rng = strtoull(optarg, NULL, 0) * 2654435761ULL + 1; break;
		case 'E': empty = atoi(optarg); break;
		case 'R': rot = atoi(optarg); break;
		case 'H': hostile_names = 1; break;
		case 'j': json = optarg; break;
		default: usage();
		}
	if (out == NULL || weeks < 1 || weeks > MAXW || clients < 1 ||
	    clients > MAXC || services < 1 || services > MAXS || events < 0)
		usage();
	if (parse_monday(end, &end_tm) != 0) {
		fprintf(stderr, "mkfixture: -e %s: not a Monday (YYYY-MM-DD)\n",
		    end);
		return 2;
	}
	t0 = monday_plus(&end_tm, 0);
	memset(wk, 0, sizeof(wk));
	for (w = 0; w < weeks; w++) {
		wk[w].start = monday_plus(&end_tm, w - (weeks - 1));
		wk[w].len = monday_plus(&end_tm, w - (weeks - 1) + 1) -
		    wk[w].start;
	}
	unlink(out);
	if (store_open(&s, out, STORE_RW) != 0 || store_bulk_begin(s) != 0)
		return 1;
	store_meta_set(s, "sensor", sensor);
	store_meta_set(s, "timezone", getenv("TZ"));
	store_meta_set(s, "generator", "mkfixture");

	/* Services: a fixed verdict mix; some hostile names under -H. */
	store_catalog_begin(s, t0);
	for (i = 0; i < services; i++) {
		struct st_catalog cr;

		snprintf(svc[i], sizeof(svc[i]), "svc%03d", i);
		if (hostile_names && i < (int)(sizeof(hostile) / sizeof(hostile[0])))
			snprintf(name[i], sizeof(name[i]), "%s", hostile[i]);
		else
			snprintf(name[i], sizeof(name[i]), "Service %03d", i);
		if (hostile_names && i < 3)
			snprintf(host[i], sizeof(host[i]), "%s", hostile[i]);
		else
			snprintf(host[i], sizeof(host[i]), "api.svc%03d.example", i);
		verdict_of[i] = i % 4 == 0 ? VERDICT_PROHIBITED : i % 4 == 1 ?
		    VERDICT_SANCTIONED : i % 4 == 2 ? VERDICT_TOLERATED :
		    VERDICT_UNREVIEWED;
		memset(&cr, 0, sizeof(cr));
		cr.service = svc[i];
		cr.name = name[i];
		cr.vendor = i % 3 ? "Vendor B.V." : "Vendor Inc.";
		cr.category = i % 2 ? "chat" : "coding";
		cr.country = i % 3 ? "NL" : "US";
		cr.eu_residency = i % 3 ? 1 : 0;
		cr.tenant_ambiguous = i % 5 == 1;
		cr.client_type = i % 2 ? "web" : "api";
		cr.verdict = vocab_name(&vocab_verdict, verdict_of[i]);
		store_put_catalog(s, &cr);
	}
	{
		struct st_exception ex = { "exc-1", svc[0], "finance",
		    "tolerated", "CIO office", "DPIA-2026-017", t0 - WEEK_US,
		    t0 + 3 * 7 * 86400ULL * 1000000 };
		store_put_exception(s, &ex);
	}
	store_put_epoch(s, 0, wk[0].start, "k0");
	for (w = 0; w < weeks; w++) {
		struct st_policy pv;
		char ver[17];
		int epoch = rot >= 0 && w >= rot ? 1 : 0;

		if ((wk[w].seen = calloc((size_t)clients, 1)) == NULL)
			return 1;
		if (w == rot)
			store_put_epoch(s, 1, wk[w].start, "k1");
		snprintf(ver, sizeof(ver), "%016llx", 0x1000ULL + (unsigned)w);
		memset(&pv, 0, sizeof(pv));
		pv.ts = wk[w].start + 3600000000ULL;
		pv.version = ver;
		pv.action = w == 0 ? "load" : "reload";
		pv.summary = w == 0 ? "404 services, 12 rules" : "1 rule changed";
		store_put_policy(s, &pv);
		if (w == empty)
			continue;
		for (i = 0; i < events; i++) {
			struct st_ai a;
			char pseudo[24], dip[48];
			int cl = (int)(next() % (uint64_t)clients);
			int sv = (int)(next() % (uint64_t)services);
			uint64_t ts = wk[w].start + next() % wk[w].len;
			int lookup = next() % 4 == 0;
			uint64_t up = lookup ? 0 : next() % 20000;

			snprintf(pseudo, sizeof(pseudo), "c-%08x%08x",
			    (unsigned)(cl * 2654435761u), (unsigned)(epoch ?
			    0x5eed0000u + (unsigned)cl : (unsigned)cl));
			snprintf(dip, sizeof(dip), "203.0.113.%d", sv % 250 + 1);
			memset(&a, 0, sizeof(a));
			a.flow_id = ++total;
			a.ts = ts;
			a.kind = lookup ? "lookup" : "flow";
			a.client = pseudo;
			a.zone = cl % 3 == 0 ? "finance" : cl % 3 == 1 ? "hr" : "it";
			a.dest_ip = lookup ? "192.0.2.53" : dip;
			a.dest_port = lookup ? 53 : 443;
			a.proto = lookup ? "UDP" : "TCP";
			a.app_proto = lookup ? "dns" : "tls";
			a.service = svc[sv];
			a.name = name[sv];
			a.vendor = "Vendor";
			a.category = sv % 2 ? "chat" : "coding";
			a.host = host[sv];
			a.matched_by = lookup ? "dns_query" : "tls_sni";
			a.confidence = 90;
			a.verdict = vocab_name(&vocab_verdict, verdict_of[sv]);
			a.rule = "default";
			a.policy_version = "0000000000001000";
			a.tenant_ambiguous = sv % 5 == 1;
			a.bytes_up = up;
			store_put_ai(s, &a);
			if (lookup)
				wk[w].lookups++;
			else {
				wk[w].flows[verdict_of[sv]]++;
				wk[w].bytes_up += up;
				if (!wk[w].seen[cl]) {
					wk[w].seen[cl] = 1;
					wk[w].clients++;
				}
			}
			/* Alerts: access on prohibited flows, some uploads,
			 * some DLP findings. */
			if (!lookup && (verdict_of[sv] == VERDICT_PROHIBITED ||
			    next() % 10 == 0)) {
				struct st_alert al;
				int kind = verdict_of[sv] == VERDICT_PROHIBITED ?
				    AK_ACCESS : (next() % 2 ? AK_UPLOAD : AK_DLP);
				int cls = (int)(next() % 4);
				static const int classes[4] = { DLP_C_BSN,
				    DLP_C_IBAN, DLP_C_API_KEY,
				    DLP_C_CLASSIFICATION };
				char sig[160];

				memset(&al, 0, sizeof(al));
				al.flow_id = a.flow_id;
				al.ts = ts + 1000;
				al.client = pseudo;
				al.zone = a.zone;
				al.dest_ip = dip;
				al.dest_port = 443;
				al.kind = vocab_name(&vocab_alert_kind, kind);
				al.severity = kind == AK_DLP ? "high" : "medium";
				al.service = svc[sv];
				al.verdict = a.verdict;
				al.confidence = -1;
				al.bytes = -1;
				if (kind == AK_DLP) {
					al.dlp_class = vocab_name(&vocab_dlp_class,
					    classes[cls]);
					al.detector = al.dlp_class;
					al.evidence = "BSN ******070";
					al.confidence = 80;
					wk[w].dlp[classes[cls]]++;
				} else if (kind == AK_UPLOAD) {
					al.bytes = 70000 + (int64_t)(next() % 100000);
					wk[w].uploads++;
				}
				snprintf(sig, sizeof(sig), "shadowtap: %s %s (%s)",
				    al.kind, name[sv], host[sv]);
				al.signature = sig;
				store_put_alert(s, &al);
				wk[w].alerts++;
			}
			if (i % 50 == 0) {
				struct st_vis v = { 0, ts, pseudo, a.zone, dip,
				    443, i % 100 ? "ech" : "doh", NULL };
				store_put_vis(s, &v);
				wk[w].vis++;
			}
			if (i % BATCH == BATCH - 1 && store_commit(s) != 0)
				return 1;
		}
		/* Hourly stats: packets and drops (uptime comes from them). */
		for (k = 0; (uint64_t)k < wk[w].len / HOUR_US; k++) {
			uint64_t ts = wk[w].start + (uint64_t)k * HOUR_US;

			store_put_stat(s, ts, "capture.kernel_packets",
			    (uint64_t)(w * 168 + k + 1) * 10000);
			store_put_stat(s, ts, "capture.kernel_drops",
			    (uint64_t)(w * 168 + k + 1));
		}
		store_commit(s);
	}
	if (store_bulk_end(s) != 0 || store_stats(s)->rows_lost != 0) {
		fprintf(stderr, "mkfixture: rows lost\n");
		return 1;
	}
	store_close(s);
	jf = json ? fopen(json, "w") : stdout;
	if (jf == NULL)
		return 1;
	fprintf(jf, "{\"sensor\": \"%s\", \"weeks\": [\n", sensor);
	for (w = 0; w < weeks; w++) {
		char d[16];
		time_t tt = (time_t)(wk[w].start / 1000000);
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(d, sizeof(d), "%G-W%V", &tm);
		fprintf(jf, " {\"week\": \"%s\", \"start_us\": %llu, \"clients\": %llu,"
		    " \"lookups\": %llu, \"uploads\": %llu, \"alerts\": %llu,"
		    " \"visibility\": %llu, \"bytes_up\": %llu, \"flows\": {", d,
		    (unsigned long long)wk[w].start,
		    (unsigned long long)wk[w].clients,
		    (unsigned long long)wk[w].lookups,
		    (unsigned long long)wk[w].uploads,
		    (unsigned long long)wk[w].alerts,
		    (unsigned long long)wk[w].vis,
		    (unsigned long long)wk[w].bytes_up);
		/* the four use verdicts: the fixture makes no vendor-site
		 * (interest) flows, and the golden files predate that verdict */
		for (i = 0; i <= VERDICT_PROHIBITED; i++)
			fprintf(jf, "%s\"%s\": %llu", i ? ", " : "",
			    vocab_name(&vocab_verdict, i),
			    (unsigned long long)wk[w].flows[i]);
		fprintf(jf, "}, \"dlp\": {");
		for (i = 0, k = 0; i < DLP_C__COUNT; i++)
			if (wk[w].dlp[i])
				fprintf(jf, "%s\"%s\": %llu", k++ ? ", " : "",
				    vocab_name(&vocab_dlp_class, i),
				    (unsigned long long)wk[w].dlp[i]);
		fprintf(jf, "}}%s\n", w + 1 < weeks ? "," : "");
		free(wk[w].seen);
	}
	fprintf(jf, "]}\n");
	if (jf != stdout)
		fclose(jf);
	return 0;
}
