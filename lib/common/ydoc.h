/*
 * ydoc.h - libyaml document loading with gcc-style diagnostics.  Every
 * loader (sensor config, catalog, policy, detectors) reports problems as
 * "file:line:col: error: message" through one ydoc, collecting all of them
 * rather than stopping at the first (all are counted; the first
 * YDOC_MAX_MSGS per file are printed, then one "N more" line).
 */
#ifndef ST_YDOC_H
#define ST_YDOC_H

#include <stdio.h>
#include <yaml.h>

#define YDOC_MAX_DEPTH	32	/* nesting cap against hostile files */
#define YDOC_MAX_FILE	(8 << 20)	/* bytes; rule and config files are far smaller */
#define YDOC_MAX_MSGS	100	/* messages printed per file; the rest are counted */

struct ydoc {
	yaml_document_t	 doc;
	const char	*path;		/* as given; used in messages */
	FILE		*out;		/* where diagnostics go (stderr by default) */
	int		 loaded;	/* doc is valid and must be deleted */
	int		 nerr;
	int		 nwarn;
	int		 hid_err;	/* counted but not printed (over YDOC_MAX_MSGS) */
	int		 hid_warn;
};

/*
 * ydoc_open_regular(path, err):
 * Open ${path} for reading without blocking (O_NONBLOCK, so a FIFO cannot
 * hang the caller) and only when it is a regular file of at most
 * YDOC_MAX_FILE bytes.  Returns the stream, or NULL with *${err} set to
 * -errno, -EINVAL (not a regular file: FIFO, device, directory) or -EFBIG.
 */
FILE		*ydoc_open_regular(const char *path, int *err);
/* ydoc_strerror(err): message for ydoc_open_regular's error codes. */
const char	*ydoc_strerror(int err);

/*
 * ydoc_load(d, path, out):
 * Parse ${path} into ${d}.  Diagnostics go to ${out} (stderr if NULL).
 * Returns 0; -ENOENT/-EACCES/... when the file cannot be read (reported);
 * -EINVAL on a YAML syntax error or excessive nesting (reported with
 * line:col).  An empty file loads as a document with no root.
 */
int		 ydoc_load(struct ydoc *d, const char *path, FILE *out);
/* ydoc_free(d): release, and print "path: N more error(s) ... not shown"
 * when messages were held back; safe on a zeroed or already-freed ydoc. */
void		 ydoc_free(struct ydoc *d);
/* ydoc_release(d): free the parsed tree only; path, counts and later
 * messages (at remembered positions) stay usable until ydoc_free. */
void		 ydoc_release(struct ydoc *d);
yaml_node_t	*ydoc_root(struct ydoc *d);

void		 ydoc_err(struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 ydoc_warn(struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* ydoc_str(d, n): scalar text or NULL when ${n} is not a scalar. */
const char	*ydoc_str(struct ydoc *d, const yaml_node_t *n);
/* ydoc_get(d, map, key): value node for ${key} in mapping ${map}, or NULL. */
yaml_node_t	*ydoc_get(struct ydoc *d, const yaml_node_t *map, const char *key);
yaml_node_t	*ydoc_node(struct ydoc *d, int id);

/* ydoc_expect(d, n, type, what): report "<what> must be a mapping|sequence|
 * scalar" unless ${n} has ${type}; returns 0 when it does. */
int		 ydoc_expect(struct ydoc *d, const yaml_node_t *n,
		    yaml_node_type_t type, const char *what);
/* ydoc_check_keys(d, map, allowed, what): report every key of ${map} not in
 * the NULL-terminated ${allowed} list as "unknown key 'k' in <what>", and
 * duplicate keys.  Returns the number of problems. */
int		 ydoc_check_keys(struct ydoc *d, const yaml_node_t *map,
		    const char *const *allowed, const char *what);
/* Typed scalars: return 0 and store, or report and return -EINVAL. */
int		 ydoc_int(struct ydoc *d, const yaml_node_t *n, long long min,
		    long long max, long long *out);
int		 ydoc_bool(struct ydoc *d, const yaml_node_t *n, int *out);

/* Iterate a mapping's pairs / a sequence's items. */
#define YDOC_MAP_FOREACH(d, map, pair)					\
	for ((pair) = (map)->data.mapping.pairs.start;			\
	    (pair) < (map)->data.mapping.pairs.top; (pair)++)
#define YDOC_SEQ_FOREACH(d, seq, item)					\
	for ((item) = (seq)->data.sequence.items.start;			\
	    (item) < (seq)->data.sequence.items.top; (item)++)

#endif
