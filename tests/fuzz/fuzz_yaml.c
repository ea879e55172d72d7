/*
 * fuzz_yaml.c - libFuzzer harness for the YAML loaders: the first byte
 * selects the catalog loader (a directory holding one file), the policy
 * loader (checked against the shipped catalog) or the DLP detector loader;
 * the rest is written to a file in a private temporary directory and
 * loaded.  Diagnostics go to /dev/null.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/catalog.h"
#include "dlp/dlp.h"
#include "policy/policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char	 dir[64], file[96];
static FILE	*devnull;
static struct catalog *base;

static int
setup(void)
{
	int nerr = 0;

	snprintf(dir, sizeof(dir), "/tmp/fuzz_yaml.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(file, sizeof(file), "%s/in.yaml", dir);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		return -1;
	if (catalog_load("rules/catalog", devnull, NULL, &base, &nerr) != 0)
		base = NULL;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog *c = NULL;
	struct policy *p = NULL;
	struct dlp_engine *e = NULL;
	FILE *f;
	int nerr = 0;

	if (devnull == NULL && setup() != 0)
		abort();
	if (size < 1)
		return 0;
	if ((f = fopen(file, "w")) == NULL)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	switch (data[0] % 3) {
	case 0:
		if (catalog_load(dir, devnull, NULL, &c, &nerr) == 0)
			catalog_free(c);
		break;
	case 1:
		if (base != NULL && policy_load(file, base, devnull, 20000, &p,
		    &nerr) == 0)
			policy_free(p);
		break;
	default:
		if (dlp_engine_load(file, NULL, &e) == 0)
			dlp_engine_free(e);
		break;
	}
	return 0;
}
