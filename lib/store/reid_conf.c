/*
 * reid_conf.c - where re-identification finds its files and whether
 * four-eyes is on, from the sensor's YAML configuration (reid.h
 * reid_conf_load), so shadowtap-reid and the sensor read one file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/ydoc.h"
#include "store/reid.h"

/* ${name} relative to the directory of ${db} (absolute names as given). */
static void
beside(char *out, size_t len, const char *db, const char *name)
{
	const char *sl = db != NULL ? strrchr(db, '/') : NULL;

	if (name[0] == '/' || sl == NULL)
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%.*s%s", (int)(sl - db + 1), db, name);
}

static const char *
scalar(struct ydoc *d, const yaml_node_t *map, const char *key)
{
	const yaml_node_t *n;

	if (map == NULL || map->type != YAML_MAPPING_NODE ||
	    (n = ydoc_get(d, map, key)) == NULL)
		return NULL;
	return ydoc_str(d, n);
}

int
reid_conf_load(struct reid_conf *c, struct reid_paths *p, const char *yaml,
    FILE *errout)
{
	const char *db = NULL, *audit = NULL, *key = NULL;
	yaml_node_t *root, *pv = NULL, *out = NULL, *n;
	struct ydoc d;
	int rc = 0, fe = 0, loaded = 0;

	memset(&d, 0, sizeof(d));
	if (yaml != NULL) {
		if ((rc = ydoc_load(&d, yaml, errout)) < 0)
			return -EINVAL;
		loaded = 1;
		if ((root = ydoc_root(&d)) != NULL &&
		    root->type == YAML_MAPPING_NODE) {
			pv = ydoc_get(&d, root, "privacy");
			out = ydoc_get(&d, root, "output");
		}
		db = scalar(&d, out, "database");
		audit = scalar(&d, pv, "audit_db");
		key = scalar(&d, pv, "identity_key");
		if (pv != NULL && pv->type == YAML_MAPPING_NODE &&
		    (n = ydoc_get(&d, pv, "four_eyes")) != NULL &&
		    ydoc_bool(&d, n, &fe) < 0)
			rc = -EINVAL;
		if (d.nerr > 0)
			rc = -EINVAL;
	}
	if (c->db_path == NULL && db != NULL) {
		snprintf(p->db, sizeof(p->db), "%s", db);
		c->db_path = p->db;
	}
	if (c->audit_path == NULL && (audit != NULL || c->db_path != NULL)) {
		beside(p->audit, sizeof(p->audit), c->db_path,
		    audit != NULL ? audit : "audit.db");
		c->audit_path = p->audit;
	}
	if (c->identity_key_path == NULL && (key != NULL || c->db_path != NULL)) {
		beside(p->key, sizeof(p->key), c->db_path,
		    key != NULL ? key : "identity.key");
		c->identity_key_path = p->key;
	}
	c->four_eyes = c->four_eyes || fe;
	if (loaded)
		ydoc_free(&d);
	return rc;
}
