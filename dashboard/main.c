/*
 * main.c - shadowtap-dashboard: options, opening the sensor databases
 * read-only and the state database, --add-user, then the HTTP server.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/state.h"
#include "dash.h"
#include "cache.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: shadowtap-dashboard --db PATH [--db PATH ...]"
	    " --state PATH\n"
	    "           [--listen 127.0.0.1:8080] [--tls-cert F --tls-key F]"
	    " [--insecure]\n"
	    "           [--web DIR] [--chartjs DIR] [--cache-ttl SECONDS]\n"
	    "       shadowtap-dashboard --state PATH --add-user NAME --role"
	    " viewer|analyst|privacy_officer|admin\n"
	    "           (password from stdin; generated and printed once when"
	    " stdin is a terminal or empty)\n");
}

static int
add_user(struct state *st, const char *name, const char *role)
{
	char pw[256] = "", gen[40];
	unsigned char b[15];
	size_t n;

	if (role == NULL || role_of(role) == ROLE_NONE) {
		fprintf(stderr, "shadowtap-dashboard: --role must be viewer,"
		    " analyst, privacy_officer or admin\n");
		return 2;
	}
	if (strlen(name) == 0 || strlen(name) > 63) {
		fprintf(stderr, "shadowtap-dashboard: bad user name\n");
		return 2;
	}
	if (!isatty(0) && fgets(pw, sizeof(pw), stdin) != NULL) {
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
	}
	if (pw[0] == '\0') {
		randombytes_buf(b, sizeof(b));
		sodium_bin2base64(gen, sizeof(gen), b, sizeof(b),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		snprintf(pw, sizeof(pw), "%s", gen);
		printf("user %s (%s) password: %s\n", name, role, pw);
	} else if (strlen(pw) < 10) {
		fprintf(stderr, "shadowtap-dashboard: password shorter than"
		    " 10 characters\n");
		return 2;
	}
	if (state_user_add(st, name, role, pw) != 0) {
		fprintf(stderr, "shadowtap-dashboard: cannot store user\n");
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "insecure", no_argument, NULL, 'I' },
		{ "add-user", required_argument, NULL, 'u' },
		{ "role", required_argument, NULL, 'r' },
		{ "web", required_argument, NULL, 'w' },
		{ "chartjs", required_argument, NULL, 'j' },
		{ "cache-ttl", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct dash d;
	const char *statep = NULL, *listen = "127.0.0.1:8080", *cert = NULL;
	const char *key = NULL, *user = NULL, *role = NULL, *dbs[DASH_MAX_DB];
	int ndb = 0, insecure = 0, c, i, rc;
	unsigned long ttl = 10;
	char *end;

	d.webroot = "dashboard/web";
	d.chartjs = "/usr/share/javascript/chart.js";
	d.idle_us = 30ULL * 60 * 1000000;
	d.absolute_us = 12ULL * 3600 * 1000000;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (ndb == DASH_MAX_DB) {
				fprintf(stderr, "shadowtap-dashboard: at most"
				    " %d --db\n", DASH_MAX_DB);
				return 2;
			}
			dbs[ndb++] = optarg;
			break;
		case 's': statep = optarg; break;
		case 'l': listen = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'I': insecure = 1; break;
		case 'u': user = optarg; break;
		case 'r': role = optarg; break;
		case 'w': d.webroot = optarg; break;
		case 'j': d.chartjs = optarg; break;
		case 'C':
			if (optarg[0] < '0' || optarg[0] > '9' ||
			    (ttl = strtoul(optarg, &end, 10)) > 3600 ||
			    *end != '\0') {
				fprintf(stderr, "shadowtap-dashboard:"
				    " --cache-ttl: 0..3600 seconds\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("shadowtap-dashboard %s\n", DASH_VERSION);
			return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || statep == NULL || (user == NULL && ndb == 0)) {
		usage(stderr);
		return 2;
	}
	if ((rc = state_open(&d.st, statep)) != 0) {
		fprintf(stderr, "shadowtap-dashboard: cannot open state %s\n",
		    statep);
		return 1;
	}
	if (user) {
		rc = add_user(d.st, user, role);
		state_close(d.st);
		return rc;
	}
	for (i = 0; i < ndb; i++) {
		char name[64];
		const char *b;

		if ((rc = store_open(&d.db[i], dbs[i], STORE_RO)) != 0) {
			fprintf(stderr, "shadowtap-dashboard: cannot open %s"
			    " read-only: %s\n", dbs[i], strerror(-rc));
			return 1;
		}
		if (store_meta_get(d.db[i], "sensor", name, sizeof(name)) != 0) {
			b = strrchr(dbs[i], '/');
			snprintf(name, sizeof(name), "%s", b ? b + 1 : dbs[i]);
		}
		snprintf(d.sensor[i], sizeof(d.sensor[i]), "%s", name);
		snprintf(d.dbpath[i], sizeof(d.dbpath[i]), "%s", dbs[i]);
		pthread_mutex_init(&d.dbmu[i], NULL);
		d.ndb++;
	}
	cache_init((unsigned)ttl);
	rc = httpd_run(&d, listen, cert, key, insecure);
	for (i = 0; i < d.ndb; i++)
		store_close(d.db[i]);
	state_close(d.st);
	return rc == 0 ? 0 : 1;
}
