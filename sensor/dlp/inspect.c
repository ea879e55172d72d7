/*
 * inspect.c - placeholder until upload and content inspection land
 * (issue 5): counts payload bytes only.
 */
#include <errno.h>
#include <stdlib.h>

#include "dlp/inspect.h"

struct inspector {
	struct output	*out;
};

int
inspector_new(struct inspector **ip, struct analyzer *an, struct output *out)
{
	(void)an;
	if ((*ip = calloc(1, sizeof(**ip))) == NULL)
		return -ENOMEM;
	(*ip)->out = out;
	return 0;
}

void
inspector_free(struct inspector *i)
{
	free(i);
}

void
inspect_packet(struct inspector *i, struct flow *f, const struct pkt *p, int dir)
{
	(void)i;
	f->payload[dir] += p->payload_len;
}

void
inspect_flow_end(struct inspector *i, struct flow *f)
{
	(void)i;
	(void)f;
}
