/*
 * ydoc.c - libyaml document loading, depth check and gcc-style
 * diagnostics shared by every YAML loader.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ydoc.h"

static void
ydoc_vmsg(struct ydoc *d, const yaml_node_t *n, const char *kind,
    const char *fmt, va_list ap)
{
	FILE *o = d->out ? d->out : stderr;

	/* a file full of errors must not cost one write per error */
	if (d->nerr + d->nwarn - d->hid_err - d->hid_warn >= YDOC_MAX_MSGS) {
		if (kind[0] == 'e')
			d->hid_err++;
		else
			d->hid_warn++;
		return;
	}
	if (n != NULL)
		fprintf(o, "%s:%zu:%zu: %s: ", d->path, n->start_mark.line + 1,
		    n->start_mark.column + 1, kind);
	else
		fprintf(o, "%s: %s: ", d->path, kind);
	vfprintf(o, fmt, ap);
	fputc('\n', o);
}

void
ydoc_err(struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ydoc_vmsg(d, n, "error", fmt, ap);
	va_end(ap);
	d->nerr++;
}

void
ydoc_warn(struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ydoc_vmsg(d, n, "warning", fmt, ap);
	va_end(ap);
	d->nwarn++;
}

yaml_node_t *
ydoc_node(struct ydoc *d, int id)
{
	return yaml_document_get_node(&d->doc, id);
}

yaml_node_t *
ydoc_root(struct ydoc *d)
{
	return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

/* Iterative depth check: libyaml itself has no nesting limit, and a
 * hostile file must not make later walkers recurse deeply.  Each node is
 * pushed at most once (documents are trees of node ids; aliases are
 * references to earlier ids, so a visited flag bounds the walk). */
static int
ydoc_depth_ok(struct ydoc *d)
{
	size_t nn = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
	int *stack, *depth, sp = 0, ok = 1;
	unsigned char *seen;

	if (ydoc_root(d) == NULL)
		return 1;
	stack = calloc(nn + 1, sizeof(int));
	depth = calloc(nn + 1, sizeof(int));
	seen = calloc(nn + 2, 1);
	if (stack == NULL || depth == NULL || seen == NULL) {
		ok = 0;
		goto out;
	}
	stack[sp] = 1;
	depth[sp++] = 1;
	seen[1] = 1;
	while (sp > 0 && ok) {
		int id = stack[--sp], dep = depth[sp];
		yaml_node_t *n = ydoc_node(d, id);
		yaml_node_item_t *it;
		yaml_node_pair_t *pr;
		int child;

		if (n == NULL)
			continue;
		if (dep > YDOC_MAX_DEPTH) {
			ydoc_err(d, n, "nesting deeper than %d levels", YDOC_MAX_DEPTH);
			ok = 0;
			break;
		}
		if (n->type == YAML_SEQUENCE_NODE) {
			for (it = n->data.sequence.items.start;
			    it < n->data.sequence.items.top; it++) {
				child = *it;
				if (child > 0 && (size_t)child <= nn && !seen[child]) {
					seen[child] = 1;
					stack[sp] = child;
					depth[sp++] = dep + 1;
				}
			}
		} else if (n->type == YAML_MAPPING_NODE) {
			for (pr = n->data.mapping.pairs.start;
			    pr < n->data.mapping.pairs.top; pr++) {
				child = pr->value;
				if (child > 0 && (size_t)child <= nn && !seen[child]) {
					seen[child] = 1;
					stack[sp] = child;
					depth[sp++] = dep + 1;
				}
			}
		}
	}
out:
	free(stack);
	free(depth);
	free(seen);
	return ok;
}

FILE *
ydoc_open_regular(const char *path, int *err)
{
	struct stat sb;
	FILE *f;
	int fd, fl;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(fd, &sb) != 0) {
		*err = -errno;
		goto err;
	}
	if (!S_ISREG(sb.st_mode)) {
		*err = -EINVAL;
		goto err;
	}
	if (sb.st_size > YDOC_MAX_FILE) {
		*err = -EFBIG;
		goto err;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if ((f = fdopen(fd, "rb")) == NULL) {
		*err = -errno;
		goto err;
	}
	*err = 0;
	return f;
err:
	close(fd);
	return NULL;
}

const char *
ydoc_strerror(int err)
{
	if (err == -EINVAL)
		return "not a regular file";
	if (err == -EFBIG)
		return "file too large";
	return strerror(-err);
}

int
ydoc_load(struct ydoc *d, const char *path, FILE *out)
{
	yaml_parser_t parser;
	FILE *f;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->out = out;
	if ((f = ydoc_open_regular(path, &rc)) == NULL) {
		fprintf(out ? out : stderr, rc == -EFBIG ? "%s: error: file is "
		    "larger than 8388608 bytes\n" : "%s: error: cannot open: %s\n",
		    path, ydoc_strerror(rc));
		d->nerr++;
		return rc;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &d->doc)) {
		fprintf(out ? out : stderr, "%s:%zu:%zu: error: %s%s%s\n", path,
		    parser.problem_mark.line + 1, parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "YAML syntax error",
		    parser.context ? " " : "", parser.context ? parser.context : "");
		d->nerr++;
		rc = -EINVAL;
		goto err;
	}
	d->loaded = 1;
	if (!ydoc_depth_ok(d))
		rc = -EINVAL;
	if (rc == 0 && yaml_document_get_root_node(&d->doc) != NULL) {
		yaml_document_t more;

		/* A second document would be silently ignored: refuse it. */
		if (!yaml_parser_load(&parser, &more)) {
			fprintf(out ? out : stderr, "%s:%zu:%zu: error: %s\n", path,
			    parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1,
			    parser.problem ? parser.problem : "YAML syntax error");
			d->nerr++;
			rc = -EINVAL;
		} else {
			if (yaml_document_get_root_node(&more) != NULL) {
				fprintf(out ? out : stderr, "%s:%zu:%zu: error: "
				    "a second YAML document is not allowed\n",
				    path, more.start_mark.line + 1,
				    more.start_mark.column + 1);
				d->nerr++;
				rc = -EINVAL;
			}
			yaml_document_delete(&more);
		}
	}
err:
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

void
ydoc_release(struct ydoc *d)
{
	if (d == NULL || !d->loaded)
		return;
	yaml_document_delete(&d->doc);
	d->loaded = 0;
}

void
ydoc_free(struct ydoc *d)
{
	if (d == NULL)
		return;
	ydoc_release(d);
	if (d->hid_err + d->hid_warn > 0 && d->path != NULL)
		fprintf(d->out ? d->out : stderr, "%s: note: and %d more "
		    "error(s), %d more warning(s) not shown\n", d->path,
		    d->hid_err, d->hid_warn);
	d->hid_err = d->hid_warn = 0;
}

const char *
ydoc_str(struct ydoc *d, const yaml_node_t *n)
{
	(void)d;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

yaml_node_t *
ydoc_get(struct ydoc *d, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	YDOC_MAP_FOREACH(d, map, p) {
		const char *k = ydoc_str(d, ydoc_node(d, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return ydoc_node(d, p->value);
	}
	return NULL;
}

int
ydoc_expect(struct ydoc *d, const yaml_node_t *n, yaml_node_type_t type,
    const char *what)
{
	static const char *names[] = { "nothing", "a scalar", "a sequence", "a mapping" };

	if (n != NULL && n->type == type)
		return 0;
	ydoc_err(d, n, "%s must be %s", what, names[type <= 3 ? type : 0]);
	return -EINVAL;
}

int
ydoc_check_keys(struct ydoc *d, const yaml_node_t *map,
    const char *const *allowed, const char *what)
{
	yaml_node_pair_t *p;
	unsigned char seen[64];
	int bad = 0;
	size_t i;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return 0;
	/* Duplicates are looked up by allowed-key index (an unknown key is
	 * reported anyway), so a map with many keys costs O(keys), not
	 * O(keys^2). */
	memset(seen, 0, sizeof(seen));
	YDOC_MAP_FOREACH(d, map, p) {
		yaml_node_t *kn = ydoc_node(d, p->key);
		const char *k = ydoc_str(d, kn);

		if (k == NULL) {
			ydoc_err(d, kn, "keys in %s must be plain words", what);
			bad++;
			continue;
		}
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (allowed[i] == NULL) {
			ydoc_err(d, kn, "unknown key '%s' in %s", k, what);
			bad++;
		} else if (i < sizeof(seen) && seen[i]) {
			ydoc_err(d, kn, "duplicate key '%s' in %s", k, what);
			bad++;
		} else if (i < sizeof(seen))
			seen[i] = 1;
	}
	return bad;
}

int
ydoc_int(struct ydoc *d, const yaml_node_t *n, long long min, long long max,
    long long *out)
{
	const char *s = ydoc_str(d, n);
	char *end;
	long long v;

	if (s == NULL || *s == '\0') {
		ydoc_err(d, n, "expected an integer");
		return -EINVAL;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno != 0 || *end != '\0') {
		ydoc_err(d, n, "'%s' is not an integer", s);
		return -EINVAL;
	}
	if (v < min || v > max) {
		ydoc_err(d, n, "%lld is out of range [%lld, %lld]", v, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int
ydoc_bool(struct ydoc *d, const yaml_node_t *n, int *out)
{
	const char *s = ydoc_str(d, n);

	if (s != NULL && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
	    strcasecmp(s, "on") == 0)) {
		*out = 1;
		return 0;
	}
	if (s != NULL && (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
	    strcasecmp(s, "off") == 0)) {
		*out = 0;
		return 0;
	}
	ydoc_err(d, n, "expected true or false, got '%s'", s ? s : "(not a scalar)");
	return -EINVAL;
}
