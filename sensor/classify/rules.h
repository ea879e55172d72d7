/*
 * rules.h - one loaded rules directory: catalog, policy and DLP detectors,
 * loaded and checked together, identified by a short hash of the files.
 * The analyzer swaps whole bundles on reload.
 */
#ifndef ST_RULES_H
#define ST_RULES_H

#include <stdint.h>
#include <stdio.h>

#include "classify/catalog.h"
#include "policy/policy.h"

struct dlp_engine;

struct rules {
	struct catalog		*cat;
	struct policy		*pol;
	struct dlp_engine	*dlp;		/* NULL: no detectors.yaml */
	char			 version[17];	/* 16 hex of BLAKE2b */
};

/*
 * rules_load(dir, diag, today, out, nerr):
 * Load ${dir}/catalog/, ${dir}/policy.yaml and ${dir}/detectors.yaml;
 * every problem goes to ${diag} ("file:line:col: error: ...").  Returns 0
 * and *${out}; -EINVAL when anything has errors (*${nerr} counts them;
 * nothing is kept); -errno.
 */
int	rules_load(const char *dir, FILE *diag, int today, struct rules **out,
	    int *nerr);
/* rules_free(r): NULL-safe. */
void	rules_free(struct rules *r);
/* rules_summary(old, r, buf, cap): "N services, ..." and, with ${old},
 * what changed. */
void	rules_summary(const struct rules *old, const struct rules *r, char *buf,
	    size_t cap);
/* rules_today(ts_us): days since the epoch (UTC) of a µs timestamp. */
int	rules_today(uint64_t ts_us);

#endif
