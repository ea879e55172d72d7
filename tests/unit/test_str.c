/*
 * test_str.c - unit tests for lib/common/str.c's address formatting:
 * str_ip4 and str_ip6 must write exactly what inet_ntop(3) writes
 * (glibc is the reference here), and refuse a buffer that is too small.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "common/str.h"
#include "test.h"

/* Does str_ip6 agree with inet_ntop on ${a}? */
static int
same6(const uint8_t *a)
{
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	size_t n;

	if (inet_ntop(AF_INET6, a, want, sizeof(want)) == NULL)
		return 0;
	n = str_ip6(got, sizeof(got), a);
	if (n != strlen(want) || strcmp(got, want) != 0) {
		fprintf(stderr, "  str_ip6 \"%s\", inet_ntop \"%s\"\n", got, want);
		return 0;
	}
	return 1;
}

TEST(ip4_forms)
{
	static const uint8_t a[][4] = {
		{ 192, 0, 2, 1 }, { 198, 51, 100, 0 }, { 203, 0, 113, 255 },
		{ 127, 0, 0, 1 }, { 192, 0, 2, 10 }, { 203, 0, 113, 99 },
	};
	char want[INET_ADDRSTRLEN], got[INET_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		ASSERT(inet_ntop(AF_INET, a[i], want, sizeof(want)) != NULL);
		ASSERT_EQ(str_ip4(got, sizeof(got), a[i]), strlen(want));
		ASSERT_STR(got, want);
	}
	ASSERT_STR((str_ip4(got, sizeof(got), a[2]), got), "203.0.113.255");
}

/* Every pattern of zero groups after 2001:db8 (the runs, their ties and
 * the trailing "::"), with group values of each hex width. */
TEST(ip6_zero_runs)
{
	static const uint16_t val[] = { 0x1, 0x10, 0x100, 0x1000, 0xabcd, 0xffff };
	uint8_t a[16];
	unsigned mask, v, i;

	for (v = 0; v < sizeof(val) / sizeof(val[0]); v++)
		for (mask = 0; mask < 64; mask++) {
			a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = 0xb8;
			for (i = 2; i < 8; i++) {
				uint16_t w = (mask >> (i - 2) & 1) ? 0 :
				    (uint16_t)(val[v] + i - 2);

				a[2 * i] = (uint8_t)(w >> 8);
				a[2 * i + 1] = (uint8_t)w;
			}
			ASSERT(same6(a));
		}
}

/* The special forms: unspecified, loopback, IPv4-mapped and -compatible
 * (dotted), and near misses that must stay hex. */
TEST(ip6_special)
{
	uint8_t a[16];
	char got[INET6_ADDRSTRLEN];

	memset(a, 0, 16);
	ASSERT(same6(a));			/* :: */
	a[15] = 1;
	ASSERT(same6(a));			/* ::1 */
	ASSERT_STR((str_ip6(got, sizeof(got), a), got), "::1");
	a[10] = a[11] = 0xff; a[12] = 192; a[13] = 0; a[14] = 2; a[15] = 1;
	ASSERT(same6(a));			/* ::ffff:192.0.2.1 */
	ASSERT_STR((str_ip6(got, sizeof(got), a), got), "::ffff:192.0.2.1");
	a[10] = a[11] = 0;
	ASSERT(same6(a));			/* ::192.0.2.1 */
	a[11] = 0xfe;
	ASSERT(same6(a));			/* ::fe:c000:201, not dotted */
	a[10] = 0xff; a[11] = 0xff; a[9] = 1;
	ASSERT(same6(a));			/* ::1:ffff:c000:201 */
	memset(a, 0, 16);
	a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = 0xb8;
	ASSERT(same6(a));			/* 2001:db8:: */
	ASSERT_STR((str_ip6(got, sizeof(got), a), got), "2001:db8::");
}

TEST(too_small)
{
	static const uint8_t v4[4] = { 203, 0, 113, 255 };
	uint8_t a[16];
	char b[46];

	ASSERT_EQ(str_ip4(b, 13, v4), 0);	/* 13 chars need 14 */
	ASSERT_EQ(str_ip4(b, 14, v4), 13);
	memset(a, 0x20, 16);			/* 39 characters */
	ASSERT_EQ(str_ip6(b, 39, a), 0);
	ASSERT_EQ(str_ip6(b, 40, a), 39);
	ASSERT_EQ(str_ip6(b, 0, a), 0);
}

int
main(void)
{
	RUN(ip4_forms);
	RUN(ip6_zero_runs);
	RUN(ip6_special);
	RUN(too_small);
	return TEST_END();
}
