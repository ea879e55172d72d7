/*
 * test_http_method.c - dpi/http.c's request-method check against the
 * straightforward reference it replaced (every name compared with
 * strlen+memcmp): the same answer for each method, its prefixes, case and
 * separator changes, and random bytes over the method alphabet.
 */
#include <stdlib.h>

#include "dpi/http.h"
#include "test.h"

static const char *const names[] = {
	"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT",
	"TRACE", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK",
	"UNLOCK", "SEARCH", "REPORT", "MKCALENDAR", "MKACTIVITY", "CHECKOUT",
	"MERGE", "ACL", "BIND", "UNBIND", "REBIND", "LINK", "UNLINK", "PURGE",
	"NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "M-SEARCH", "QUERY",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static int
reference(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		size_t l = strlen(names[i]);

		if (n > l && memcmp(p, names[i], l) == 0 && p[l] == ' ')
			return 1;
	}
	return 0;
}

static int
same(const char *s, size_t n)
{
	return http_looks_like_request((const uint8_t *)s, n) ==
	    reference((const uint8_t *)s, n);
}

TEST(every_method_and_prefix)
{
	char buf[64];
	size_t i, k;

	for (i = 0; i < NNAMES; i++) {
		size_t l = strlen(names[i]);

		snprintf(buf, sizeof(buf), "%s / HTTP/1.1\r\n", names[i]);
		ASSERT(http_looks_like_request((const uint8_t *)buf, strlen(buf)));
		for (k = 0; k <= strlen(buf); k++)
			ASSERT(same(buf, k));
		/* Lower case, another separator, one letter more: not requests. */
		buf[0] = (char)(buf[0] | 0x20);
		ASSERT(!http_looks_like_request((const uint8_t *)buf, strlen(buf)));
		buf[0] = names[i][0];
		buf[l] = '\t';
		ASSERT(!http_looks_like_request((const uint8_t *)buf, strlen(buf)));
		snprintf(buf, sizeof(buf), "%sX / HTTP/1.1\r\n", names[i]);
		ASSERT(!http_looks_like_request((const uint8_t *)buf, strlen(buf)));
	}
	ASSERT(!http_looks_like_request((const uint8_t *)" GET /", 6));
	ASSERT(!http_looks_like_request((const uint8_t *)"UNSUBSCRIBEX /", 14));
}

TEST(random_over_alphabet)
{
	static const char alpha[] = "ACDEGHIKLMNOPRSTUBFQY- x";
	char buf[24];
	unsigned seed = 17;
	int i, k, n;

	for (i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		n = (int)((seed >> 16) % sizeof(buf));
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		/* Half the time start with a real name, so hits are common. */
		if (n > 12 && (seed & 0x100)) {
			const char *m = names[(seed >> 9) % NNAMES];

			memcpy(buf, m, strlen(m));
		}
		ASSERT(same(buf, (size_t)n));
	}
}

int
main(void)
{
	RUN(every_method_and_prefix);
	RUN(random_over_alphabet);
	return TEST_END();
}
