/*
 * conf.h - the sensor's configuration: built-in defaults, overridden by
 * the YAML file given with -c, overridden by command-line flags.  Every
 * key is in one table (conf.c) with its type, range and help text.
 */
#ifndef ST_CONF_H
#define ST_CONF_H

#include <stdio.h>

#include "capture/capture.h"
#include "dpi/dpi.h"
#include "flow/flow.h"
#include "output/output.h"

struct sensor_conf {
	struct capture_conf	cap;
	struct flow_conf	flow;
	struct dpi_conf		dpi;
	struct output_conf	out;
	char			*rules_dir;
	uint8_t			 allow_empty_policy;	/* rules.allow_empty_policy */
	uint32_t		 stats_interval_s;
	uint32_t		 defrag_slots;	/* datagrams reassembled at once */
	uint32_t		 workers;	/* capture.workers: packet threads */
	int			 log_level;	/* log.level; 0: unset (info, -v debug) */

	/* strings owned by the conf (from the YAML file) */
	char			*owned[16];
	int			 nowned;
};

void	conf_defaults(struct sensor_conf *c);
/*
 * conf_load(c, path, errout):
 * Apply ${path} on top of ${c}.  Reports every problem as
 * "file:line:col: error: ..." on ${errout}.  Returns 0 or -EINVAL/-errno.
 */
int	conf_load(struct sensor_conf *c, const char *path, FILE *errout);
void	conf_free(struct sensor_conf *c);

#endif
