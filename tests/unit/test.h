/*
 * test.h - tiny unit-test harness.  Each TEST prints "ok - name" or
 * "not ok - name" (TAP-like, counted by tests/run.sh); main() runs the list
 * and exits non-zero when any test failed.
 */
#ifndef ST_TEST_H
#define ST_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failed_now;
static int test_npass, test_nfail;

#define TEST(name) static void name(void)

#define ASSERT(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "  %s:%d: assertion failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		test_failed_now = 1;					\
		return;							\
	}								\
} while (0)

#define ASSERT_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n",	\
		    __FILE__, __LINE__, #a, _a, _b);			\
		test_failed_now = 1;					\
		return;							\
	}								\
} while (0)

#define ASSERT_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a == NULL || strcmp(_a, _b) != 0) {			\
		fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, _a ? _a : "(null)", _b);	\
		test_failed_now = 1;					\
		return;							\
	}								\
} while (0)

#define RUN(name) do {							\
	test_failed_now = 0;						\
	name();								\
	if (test_failed_now) {						\
		printf("not ok - %s\n", #name);				\
		test_nfail++;						\
	} else {							\
		printf("ok - %s\n", #name);				\
		test_npass++;						\
	}								\
} while (0)

#define TEST_END() (printf("# %d passed, %d failed\n", test_npass, test_nfail), \
	test_nfail ? 1 : 0)

#endif
