/*
 * test_ydoc.c - unit tests for util/ydoc.c: exact "file:line:col: error:"
 * diagnostics (captured with open_memstream) for unknown and duplicate
 * keys, bad and out-of-range integers, bad booleans, excessive nesting,
 * YAML syntax errors and missing files; every error is collected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ydoc.h"
#include "test.h"

static char dir[] = "/tmp/st-ydoc-XXXXXX";
static char fpath[128];

/* Diagnostics sink. */
static char *msg;
static size_t msglen;
static FILE *out;

static void
sink_open(void)
{
	free(msg);
	msg = NULL;
	msglen = 0;
	out = open_memstream(&msg, &msglen);
}

static const char *
sink_text(void)
{
	fflush(out);
	return msg ? msg : "";
}

static void
sink_close(void)
{
	if (out != NULL)
		fclose(out);
	out = NULL;
}

/* Write ${text} to a file named ${name} in the temp dir; sets fpath. */
static int
put_file(const char *name, const char *text)
{
	FILE *f;

	snprintf(fpath, sizeof(fpath), "%s/%s", dir, name);
	if ((f = fopen(fpath, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Expected message text with the file path substituted for "F". */
static const char *
want(const char *fmt)
{
	static char b[1024];
	size_t o = 0;

	for (; *fmt != '\0' && o + sizeof(fpath) + 2 < sizeof(b); fmt++) {
		if (*fmt == 'F' && (fmt[1] == ':' )) {
			o += (size_t)snprintf(b + o, sizeof(b) - o, "%s", fpath);
			continue;
		}
		b[o++] = *fmt;
	}
	b[o] = '\0';
	return b;
}

/* Load ${text} as ${name}: returns ydoc_load's result, diagnostics in the
 * sink. */
static int
load(struct ydoc *d, const char *name, const char *text)
{
	if (put_file(name, text) != 0)
		return -999;
	sink_open();
	return ydoc_load(d, fpath, out);
}

static const char *const allowed[] = { "port", "enabled", "name", "sub", NULL };

TEST(good_document)
{
	struct ydoc d;
	yaml_node_t *root;
	long long v = 0;
	int b = -1;

	ASSERT_EQ(load(&d, "good.yaml", "port: 0x1f90\nenabled: Yes\nname: x\n"
	    "sub: {port: -5}\n"), 0);
	ASSERT((root = ydoc_root(&d)) != NULL);
	ASSERT_EQ(ydoc_expect(&d, root, YAML_MAPPING_NODE, "config"), 0);
	ASSERT_EQ(ydoc_check_keys(&d, root, allowed, "config"), 0);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, root, "port"), 1, 65535, &v), 0);
	ASSERT_EQ(v, 8080);
	ASSERT_EQ(ydoc_bool(&d, ydoc_get(&d, root, "enabled"), &b), 0);
	ASSERT_EQ(b, 1);
	ASSERT_STR(ydoc_str(&d, ydoc_get(&d, root, "name")), "x");
	ASSERT(ydoc_str(&d, ydoc_get(&d, root, "sub")) == NULL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, ydoc_get(&d, root, "sub"), "port"),
	    -10, 10, &v), 0);
	ASSERT_EQ(v, -5);
	ASSERT(ydoc_get(&d, root, "missing") == NULL);
	ASSERT_EQ(d.nerr, 0);
	ASSERT_STR(sink_text(), "");
	ydoc_free(&d);
	ydoc_free(&d);		/* twice is fine */
	sink_close();
}

TEST(unknown_key)
{
	struct ydoc d;

	ASSERT_EQ(load(&d, "unknown.yaml", "port: 1\n  # c\nbogus: 2\n"), 0);
	ASSERT_EQ(ydoc_check_keys(&d, ydoc_root(&d), allowed, "sensor"), 1);
	ASSERT_STR(sink_text(), want("F:3:1: error: unknown key 'bogus' in sensor\n"));
	ASSERT_EQ(d.nerr, 1);
	ydoc_free(&d);
	sink_close();
}

TEST(duplicate_key)
{
	struct ydoc d;

	ASSERT_EQ(load(&d, "dup.yaml", "port: 1\nname: a\n    \nport: 2\n"), 0);
	ASSERT_EQ(ydoc_check_keys(&d, ydoc_root(&d), allowed, "sensor"), 1);
	ASSERT_STR(sink_text(), want("F:4:1: error: duplicate key 'port' in sensor\n"));
	ASSERT_EQ(d.nerr, 1);
	ydoc_free(&d);
	sink_close();
}

TEST(bad_integers)
{
	struct ydoc d;
	yaml_node_t *r;
	long long v = 42;

	ASSERT_EQ(load(&d, "int.yaml", "a: 12x\nb: ''\nc: [1]\nd: 99999999999999999999\n"
	    "e: 1.5\n"), 0);
	r = ydoc_root(&d);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "a"), 0, 100, &v), -EINVAL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "b"), 0, 100, &v), -EINVAL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "c"), 0, 100, &v), -EINVAL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "d"), 0, 100, &v), -EINVAL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "e"), 0, 100, &v), -EINVAL);
	ASSERT_EQ(v, 42);	/* untouched on failure */
	ASSERT_STR(sink_text(), want(
	    "F:1:4: error: '12x' is not an integer\n"
	    "F:2:4: error: expected an integer\n"
	    "F:3:4: error: expected an integer\n"
	    "F:4:4: error: '99999999999999999999' is not an integer\n"
	    "F:5:4: error: '1.5' is not an integer\n"));
	ASSERT_EQ(d.nerr, 5);
	ydoc_free(&d);
	sink_close();
}

TEST(out_of_range)
{
	struct ydoc d;
	yaml_node_t *r;
	long long v = 0;

	ASSERT_EQ(load(&d, "range.yaml", "port: 70000\nlow: -1\nok: 65535\n"), 0);
	r = ydoc_root(&d);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "port"), 1, 65535, &v), -EINVAL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "low"), 0, 10, &v), -EINVAL);
	ASSERT_EQ(ydoc_int(&d, ydoc_get(&d, r, "ok"), 1, 65535, &v), 0);
	ASSERT_EQ(v, 65535);
	ASSERT_STR(sink_text(), want(
	    "F:1:7: error: 70000 is out of range [1, 65535]\n"
	    "F:2:6: error: -1 is out of range [0, 10]\n"));
	ASSERT_EQ(d.nerr, 2);
	ydoc_free(&d);
	sink_close();
}

TEST(bad_bools)
{
	struct ydoc d;
	yaml_node_t *r;
	int b = 7;

	ASSERT_EQ(load(&d, "bool.yaml", "a: maybe\nb: {x: 1}\nc: OFF\nd: 1\n"), 0);
	r = ydoc_root(&d);
	ASSERT_EQ(ydoc_bool(&d, ydoc_get(&d, r, "a"), &b), -EINVAL);
	ASSERT_EQ(ydoc_bool(&d, ydoc_get(&d, r, "b"), &b), -EINVAL);
	ASSERT_EQ(b, 7);
	ASSERT_EQ(ydoc_bool(&d, ydoc_get(&d, r, "c"), &b), 0);
	ASSERT_EQ(b, 0);
	ASSERT_EQ(ydoc_bool(&d, ydoc_get(&d, r, "d"), &b), -EINVAL);
	ASSERT_STR(sink_text(), want(
	    "F:1:4: error: expected true or false, got 'maybe'\n"
	    "F:2:4: error: expected true or false, got '(not a scalar)'\n"
	    "F:4:4: error: expected true or false, got '1'\n"));
	ASSERT_EQ(d.nerr, 3);
	ydoc_free(&d);
	sink_close();
}

TEST(expect_types)
{
	struct ydoc d;

	ASSERT_EQ(load(&d, "scalar.yaml", "just text\n"), 0);
	ASSERT_EQ(ydoc_expect(&d, ydoc_root(&d), YAML_MAPPING_NODE, "sensor"),
	    -EINVAL);
	ASSERT_EQ(ydoc_expect(&d, NULL, YAML_SEQUENCE_NODE, "rules"), -EINVAL);
	ydoc_warn(&d, ydoc_root(&d), "just %s", "saying");
	ASSERT_STR(sink_text(), want(
	    "F:1:1: error: sensor must be a mapping\n"
	    "F: error: rules must be a sequence\n"
	    "F:1:1: warning: just saying\n"));
	ASSERT_EQ(d.nerr, 2);
	ASSERT_EQ(d.nwarn, 1);
	ydoc_free(&d);
	sink_close();
}

/* "a:" followed by ${levels} nested flow sequences. */
static char *
nested(int levels)
{
	char *s = malloc((size_t)levels * 2 + 8);
	int i, o = 0;

	if (s == NULL)
		return NULL;
	s[o++] = '[';
	for (i = 1; i < levels; i++)
		s[o++] = '[';
	for (i = 0; i < levels; i++)
		s[o++] = ']';
	s[o++] = '\n';
	s[o] = '\0';
	return s;
}

TEST(nesting_limit)
{
	struct ydoc d;
	char *s;

	/* The root sequence counts as level 1: 32 levels load. */
	ASSERT((s = nested(YDOC_MAX_DEPTH)) != NULL);
	ASSERT_EQ(load(&d, "deep32.yaml", s), 0);
	free(s);
	ASSERT_EQ(d.nerr, 0);
	ASSERT_STR(sink_text(), "");
	ydoc_free(&d);
	sink_close();

	ASSERT((s = nested(YDOC_MAX_DEPTH + 1)) != NULL);
	ASSERT_EQ(load(&d, "deep33.yaml", s), -EINVAL);
	free(s);
	ASSERT_STR(sink_text(), want("F:1:33: error: nesting deeper than 32 levels\n"));
	ASSERT_EQ(d.nerr, 1);
	ydoc_free(&d);
	sink_close();

	/* Very deep input is refused without trouble. */
	ASSERT((s = nested(5000)) != NULL);
	ASSERT_EQ(load(&d, "deep5000.yaml", s), -EINVAL);
	free(s);
	ASSERT_EQ(d.nerr, 1);
	ydoc_free(&d);
	sink_close();
}

TEST(syntax_error)
{
	struct ydoc d;

	ASSERT_EQ(load(&d, "syntax.yaml", "a: 1\nb: [1, 2\nc: 3\n"), -EINVAL);
	ASSERT_EQ(d.nerr, 1);
	ASSERT_EQ(d.loaded, 0);
	ASSERT(ydoc_root(&d) == NULL);
	ASSERT_STR(sink_text(), want(
	    "F:3:2: error: did not find expected ',' or ']' while parsing a flow sequence\n"));
	ydoc_free(&d);
	sink_close();

	ASSERT_EQ(load(&d, "tab.yaml", "a:\n\t- 1\n"), -EINVAL);
	ASSERT_EQ(d.nerr, 1);
	ASSERT(strncmp(sink_text(), want("F:2:"), strlen(want("F:2:"))) == 0);
	ASSERT(strstr(sink_text(), ": error: ") != NULL);
	ydoc_free(&d);
	sink_close();
}

TEST(missing_file)
{
	struct ydoc d;

	snprintf(fpath, sizeof(fpath), "%s/nope.yaml", dir);
	sink_open();
	ASSERT_EQ(ydoc_load(&d, fpath, out), -ENOENT);
	ASSERT_STR(sink_text(), want("F: error: cannot open: No such file or directory\n"));
	ASSERT_EQ(d.nerr, 1);
	ASSERT(ydoc_root(&d) == NULL);
	ydoc_free(&d);
	sink_close();
}

TEST(empty_file)
{
	struct ydoc d;

	ASSERT_EQ(load(&d, "empty.yaml", ""), 0);
	ASSERT(ydoc_root(&d) == NULL);
	ASSERT_EQ(d.nerr, 0);
	ydoc_free(&d);
	sink_close();
}

TEST(all_errors_collected)
{
	struct ydoc d;
	yaml_node_t *r;
	long long v;
	int b, n = 0;
	const char *p;

	ASSERT_EQ(load(&d, "many.yaml", "port: abc\nenabled: perhaps\nextra: 1\n"
	    "port: 5\nother: 2\n"), 0);
	r = ydoc_root(&d);
	ASSERT_EQ(ydoc_check_keys(&d, r, allowed, "sensor"), 3);
	ydoc_int(&d, ydoc_get(&d, r, "port"), 1, 65535, &v);
	ydoc_bool(&d, ydoc_get(&d, r, "enabled"), &b);
	ASSERT_EQ(d.nerr, 5);
	ASSERT_STR(sink_text(), want(
	    "F:3:1: error: unknown key 'extra' in sensor\n"
	    "F:4:1: error: duplicate key 'port' in sensor\n"
	    "F:5:1: error: unknown key 'other' in sensor\n"
	    "F:1:7: error: 'abc' is not an integer\n"
	    "F:2:10: error: expected true or false, got 'perhaps'\n"));
	for (p = sink_text(); (p = strchr(p, '\n')) != NULL; p++)
		n++;
	ASSERT_EQ(n, d.nerr);
	ydoc_free(&d);
	sink_close();
}

static void
cleanup(void)
{
	static const char *const names[] = { "good.yaml", "unknown.yaml",
	    "dup.yaml", "int.yaml", "range.yaml", "bool.yaml", "scalar.yaml",
	    "deep32.yaml", "deep33.yaml", "deep5000.yaml", "syntax.yaml",
	    "tab.yaml", "empty.yaml", "many.yaml", NULL };
	char p[160];
	int i;

	for (i = 0; names[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(good_document);
	RUN(unknown_key);
	RUN(duplicate_key);
	RUN(bad_integers);
	RUN(out_of_range);
	RUN(bad_bools);
	RUN(expect_types);
	RUN(nesting_limit);
	RUN(syntax_error);
	RUN(missing_file);
	RUN(empty_file);
	RUN(all_errors_collected);
	cleanup();
	free(msg);
	return TEST_END();
}
