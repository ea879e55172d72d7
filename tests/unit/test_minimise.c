/*
 * test_minimise.c - unit tests for lib/common/minimise.c: URL query
 * stripping, user-agent families, mDNS/LLMNR device names withheld, and
 * ordinary names, service labels and reverse names left alone.
 */
#include <string.h>

#include "common/minimise.h"
#include "test.h"

TEST(url_query_dropped)
{
	char b[64];

	ASSERT_STR(min_url("/v1/chat?key=sk-test&x=1", 0, b, sizeof(b)),
	    "/v1/chat");
	ASSERT_STR(min_url("http://203.0.113.5/a/b#frag", 0, b, sizeof(b)),
	    "http://203.0.113.5/a/b");
	ASSERT_STR(min_url("/plain/path", 0, b, sizeof(b)), "/plain/path");
	ASSERT_STR(min_url("/v1/chat?key=sk-test", 1, b, sizeof(b)),
	    "/v1/chat?key=sk-test");
	/* truncated to the buffer, never past it */
	ASSERT_STR(min_url("/abcdefgh?q", 0, b, 5), "/abc");
}

TEST(ua_family)
{
	char b[MIN_UA_MAX];
	const char *chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36";
	const char *edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
	    "Safari/537.36 Edg/131.0.2903.70";
	const char *safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 "
	    "Safari/605.1.15";

	ASSERT_STR(min_ua(chrome, 0, b, sizeof(b)), "Chrome 131");
	ASSERT_STR(min_ua(edge, 0, b, sizeof(b)), "Edge 131");
	ASSERT_STR(min_ua(safari, 0, b, sizeof(b)), "Safari 17");
	ASSERT_STR(min_ua("Mozilla/5.0 (X11; rv:133.0) Gecko/20100101 "
	    "Firefox/133.0", 0, b, sizeof(b)), "Firefox 133");
	ASSERT_STR(min_ua("curl/8.5.0", 0, b, sizeof(b)), "curl 8");
	ASSERT_STR(min_ua("python-requests/2.31.0", 0, b, sizeof(b)),
	    "python-requests 2");
	ASSERT_STR(min_ua("Wget", 0, b, sizeof(b)), "Wget");
	ASSERT_STR(min_ua(chrome, 1, b, sizeof(b)), chrome);
	ASSERT_STR(min_ua("", 0, b, sizeof(b)), "");
}

TEST(mdns_device_names_withheld)
{
	char b[256];

	ASSERT_STR(min_devname("janes-iphone.local", 5353, b, sizeof(b)),
	    "withheld.local");
	ASSERT_STR(min_devname("Janes-iMac.local.", 0, b, sizeof(b)),
	    "withheld.local");
	ASSERT_STR(min_devname("Jane's MacBook._airplay._tcp.local", 5353, b,
	    sizeof(b)), "withheld._airplay._tcp.local");
	ASSERT_STR(min_devname("JANES-PC", 5355, b, sizeof(b)), "withheld");
	ASSERT(strstr(min_devname("janes-iphone.local", 5353, b, sizeof(b)),
	    "jane") == NULL);
	/* short buffer: bounded, still no name */
	ASSERT(strstr(min_devname("janes-iphone.local", 5353, b, 6), "jane")
	    == NULL);
}

TEST(other_names_kept)
{
	char b[256];

	ASSERT_STR(min_devname("_airplay._tcp.local", 5353, b, sizeof(b)),
	    "_airplay._tcp.local");
	ASSERT_STR(min_devname("chatgpt.com", 53, b, sizeof(b)), "chatgpt.com");
	ASSERT_STR(min_devname("localhost.example", 53, b, sizeof(b)),
	    "localhost.example");
	ASSERT_STR(min_devname("7.2.0.192.in-addr.arpa", 5353, b, sizeof(b)),
	    "7.2.0.192.in-addr.arpa");
	ASSERT_STR(min_devname("", 5353, b, sizeof(b)), "");
	ASSERT(min_is_mdns("x.local", 53));
	ASSERT(!min_is_mdns("x.localdomain", 53));
	ASSERT(!min_is_mdns("api.openai.com", 443));
}

int
main(void)
{
	RUN(url_query_dropped);
	RUN(ua_family);
	RUN(mdns_device_names_withheld);
	RUN(other_names_kept);
	return TEST_END();
}
