/*
 * policy_int.h - private declarations shared by policy_load.c (parsing,
 * checks) and policy.c (evaluation).  Not for use outside sensor/policy.
 */
#ifndef ST_POLICY_INT_H
#define ST_POLICY_INT_H

#include "policy/policy.h"

/*
 * policy_match_covers(cat, a, b):
 * 1 when every flow that match ${b} accepts is also accepted by ${a} (so a
 * rule with ${b} after one with ${a} never applies), else 0.  ${cat}
 * resolves the categories of the services ${b} names.  Pure; no failure.
 */
int	policy_match_covers(const struct catalog *cat, const struct pol_match *a,
	    const struct pol_match *b);

#endif
