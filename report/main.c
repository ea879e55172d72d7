/*
 * main.c - shadowtap-report: the weekly CISO report (PDF, HTML or CSV,
 * Dutch or English) from one or more sensor databases, offline; and the
 * generated privacy statement (--privacy-statement).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "report.h"

#define VERSION	"0.2"

static void
usage(FILE *f)
{
	fprintf(f, "usage: shadowtap-report --db PATH [--db PATH ...] "
	    "[--week YYYY-Www] [--lang nl|en]\n"
	    "         [--format pdf|html|csv] [--out FILE|DIR] [--label TEXT] "
	    "[--audit PATH]\n"
	    "       shadowtap-report --privacy-statement [--lang nl|en] "
	    "[--config PATH]\n"
	    "Default: the last complete ISO week (Europe/Amsterdam), Dutch, PDF.\n");
}

static struct report rep;

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "week", required_argument, NULL, 'w' },
		{ "lang", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'L' },
		{ "audit", required_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "privacy-statement", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *dbs[RP_MAXDB];
	const char *week = NULL, *lang = "nl", *format = "pdf", *out = NULL;
	const char *label = NULL, *audit = NULL, *config = NULL;
	int ndb = 0, priv = 0, c, rc;
	char path[4096];
	struct stat sb;
	FILE *f;

	setenv("TZ", getenv("TZ") && getenv("TZ")[0] ? getenv("TZ") :
	    "Europe/Amsterdam", 1);
	tzset();
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1)
		switch (c) {
		case 'd':
			if (ndb >= RP_MAXDB) {
				fprintf(stderr, "shadowtap-report: at most %d "
				    "--db\n", RP_MAXDB);
				return 2;
			}
			dbs[ndb++] = optarg;
			break;
		case 'w': week = optarg; break;
		case 'l': lang = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'L': label = optarg; break;
		case 'a': audit = optarg; break;
		case 'c': config = optarg; break;
		case 'P': priv = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("shadowtap-report %s\n", VERSION); return 0;
		default: usage(stderr); return 2;
		}
	if (optind != argc || (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)) {
		usage(stderr);
		return 2;
	}
	if (priv) {
		f = out ? fopen(out, "w") : stdout;
		if (f == NULL) {
			fprintf(stderr, "shadowtap-report: %s: %s\n", out,
			    strerror(errno));
			return 2;
		}
		rc = privacy_statement(config, lang, f);
		if (f != stdout && fclose(f) != 0)
			rc = -EIO;
		return rc == 0 ? 0 : 2;
	}
	if (ndb == 0 || (strcmp(format, "pdf") != 0 && strcmp(format, "html") != 0
	    && strcmp(format, "csv") != 0)) {
		usage(stderr);
		return 2;
	}
	rep.lang = lang;
	rep.label = label ? label : strcmp(lang, "en") == 0 ?
	    "Dep. Confidential" : "Dep. Vertrouwelijk";
	if (week != NULL) {
		if (week_parse(week, &rep.from) != 0) {
			fprintf(stderr, "shadowtap-report: malformed week '%s': "
			    "expected YYYY-Www, e.g. 2026-W47\n", week);
			return 2;
		}
	} else
		rep.from = week_last_complete((uint64_t)time(NULL) * 1000000ULL);
	rep.to = week_add(rep.from, 1);
	if (model_load(&rep, dbs, ndb, audit) != 0)
		return 2;
	/* --out DIR (an existing directory; the timer's case) for PDF and
	 * HTML: DIR/shadowtap-WEEK.pdf|html. */
	if (out != NULL && strcmp(format, "csv") != 0 && stat(out, &sb) == 0 &&
	    S_ISDIR(sb.st_mode)) {
		snprintf(path, sizeof(path), "%s%sshadowtap-%s.%s", out,
		    out[strlen(out) - 1] == '/' ? "" : "/", rep.week, format);
		out = path;
	}
	if (strcmp(format, "csv") == 0) {
		if (out == NULL)
			out = "report-csv";
		rc = render_csv(&rep, out);
	} else if (strcmp(format, "html") == 0) {
		f = out ? fopen(out, "w") : stdout;
		if (f == NULL) {
			fprintf(stderr, "shadowtap-report: %s: %s\n", out,
			    strerror(errno));
			return 2;
		}
		rc = render_html(&rep, f);
		if (f != stdout && fclose(f) != 0)
			rc = -EIO;
	} else {
		char def[64];

		if (out == NULL) {
			snprintf(def, sizeof(def), "shadowtap-%s.pdf", rep.week);
			out = def;
		}
		rc = render_pdf(&rep, out);
	}
	if (rc != 0) {
		fprintf(stderr, "shadowtap-report: writing the report failed\n");
		return 1;
	}
	return 0;
}
