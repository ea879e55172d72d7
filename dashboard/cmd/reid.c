/*
 * reid.c - shadowtap-reid: the command-line face of reid_request() and
 * reid_audit_verify() (lib/store/reid.h).  Every request is audited.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/reid.h"

static void
usage(void)
{
	fprintf(stderr,
"usage: shadowtap-reid [-c|--config YAML] [--db DB] [--audit AUDIT]\n"
"           [--identity-key KEY] --pseudonym c-... --requester NAME\n"
"           --role ROLE --reason TEXT [--four-eyes] [--approve-by NAME]\n"
"       shadowtap-reid [--config YAML] [--audit AUDIT] --verify\n"
"--config: the sensor's YAML (output.database, privacy.identity_key,\n"
"privacy.audit_db, privacy.four_eyes); flags win over it, four-eyes is on\n"
"when the flag, the file or the database's recorded setting says so.\n"
"exit: 0 address printed, 3 refused/pending, 4 unknown, 1 error,\n"
"      5 audit chain broken\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "audit", required_argument, NULL, 'a' },
		{ "identity-key", required_argument, NULL, 'k' },
		{ "pseudonym", required_argument, NULL, 'p' },
		{ "requester", required_argument, NULL, 'u' },
		{ "role", required_argument, NULL, 'r' },
		{ "reason", required_argument, NULL, 'w' },
		{ "approve-by", required_argument, NULL, 'A' },
		{ "four-eyes", no_argument, NULL, 'F' },
		{ "verify", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct reid_conf c;
	struct reid_paths paths;
	const char *cfg = NULL, *pseudo = NULL, *req = NULL, *role = NULL, *reason = NULL;
	const char *appr = NULL;
	char addr[64], msg[256];
	int ch, verify = 0, rc;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': cfg = optarg; break;
		case 'd': c.db_path = optarg; break;
		case 'a': c.audit_path = optarg; break;
		case 'k': c.identity_key_path = optarg; break;
		case 'p': pseudo = optarg; break;
		case 'u': req = optarg; break;
		case 'r': role = optarg; break;
		case 'w': reason = optarg; break;
		case 'A': appr = optarg; break;
		case 'F': c.four_eyes = 1; break;
		case 'V': verify = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (reid_conf_load(&c, &paths, cfg, stderr) < 0)
		return 1;
	if (c.audit_path == NULL)
		usage();
	if (verify) {
		rc = reid_audit_verify(c.audit_path, msg, sizeof(msg));
		fprintf(rc == 0 ? stdout : stderr, "%s\n", msg);
		return rc == 0 ? 0 : rc == -EBADMSG ? 5 : 1;
	}
	if (c.db_path == NULL || c.identity_key_path == NULL)
		usage();
	rc = reid_request(&c, pseudo, req, role, reason, appr, addr,
	    sizeof(addr), msg, sizeof(msg));
	if (rc == 0) {
		printf("%s\n", addr);
		return 0;
	}
	fprintf(stderr, "shadowtap-reid: %s\n", msg);
	return rc == -EACCES ? 3 : rc == -ENOENT ? 4 : 1;
}
