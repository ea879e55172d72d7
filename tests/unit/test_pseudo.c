/*
 * test_pseudo.c - unit tests for util/pseudo.c: the key file is created
 * 0600, pseudonyms are stable per key and differ across keys, and unsafe or
 * malformed key files are refused.  Works in a mkdtemp directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/pseudo.h"
#include "test.h"

static char dir[] = "/tmp/st-pseudo-XXXXXX";

/* 192.0.2.7 as ::ffff:192.0.2.7, and 2001:db8::7. */
static const uint8_t addr4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    192, 0, 2, 7 };
static const uint8_t addr6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 7 };

static const char *
path(const char *name)
{
	static char b[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%s/%s", dir, name);
	return b[i];
}

/* Write ${n} bytes of ${c} to ${name} with ${mode}. */
static int
write_key(const char *name, int c, size_t n, mode_t mode)
{
	uint8_t buf[64];
	int fd;

	memset(buf, c, sizeof(buf));
	unlink(path(name));
	if ((fd = open(path(name), O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return -1;
	if (write(fd, buf, n) != (ssize_t)n || fchmod(fd, mode) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int
well_formed(const char *s)
{
	size_t i;

	if (strlen(s) != PSEUDO_STR_LEN - 1 || s[0] != 'c' || s[1] != '-')
		return 0;
	for (i = 2; i < PSEUDO_STR_LEN - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

TEST(creates_key_0600)
{
	struct pseudo ps;
	struct stat sb;

	ASSERT_EQ(pseudo_load(&ps, path("new.key")), 0);
	ASSERT_EQ(stat(path("new.key"), &sb), 0);
	ASSERT_EQ(sb.st_mode & 0777, 0600);
	ASSERT(S_ISREG(sb.st_mode));
	ASSERT_EQ(sb.st_size, PSEUDO_KEY_LEN);
	/* Created even under a permissive umask. */
	{
		mode_t old = umask(0);

		ASSERT_EQ(pseudo_load(&ps, path("umask.key")), 0);
		umask(old);
		ASSERT_EQ(stat(path("umask.key"), &sb), 0);
		ASSERT_EQ(sb.st_mode & 0777, 0600);
	}
}

TEST(stable_across_loads)
{
	struct pseudo a, b;
	char s1[PSEUDO_STR_LEN], s2[PSEUDO_STR_LEN], s3[PSEUDO_STR_LEN];

	ASSERT_EQ(pseudo_load(&a, path("stable.key")), 0);
	ASSERT_EQ(pseudo_load(&b, path("stable.key")), 0);
	ASSERT(memcmp(a.key, b.key, PSEUDO_KEY_LEN) == 0);
	pseudo_of(&a, addr4, s1);
	pseudo_of(&b, addr4, s2);
	ASSERT(well_formed(s1));
	ASSERT_STR(s1, s2);
	pseudo_of(&a, addr6, s3);
	ASSERT(well_formed(s3));
	ASSERT(strcmp(s1, s3) != 0);
}

TEST(known_key_value)
{
	struct pseudo ps;
	char s1[PSEUDO_STR_LEN], s2[PSEUDO_STR_LEN];

	/* A key of 32 x 0x01 read back from disk gives the same pseudonym
	 * as the same key set in memory. */
	ASSERT_EQ(write_key("ones.key", 1, PSEUDO_KEY_LEN, 0600), 0);
	ASSERT_EQ(pseudo_load(&ps, path("ones.key")), 0);
	pseudo_of(&ps, addr4, s1);
	memset(ps.key, 1, sizeof(ps.key));
	pseudo_of(&ps, addr4, s2);
	ASSERT_STR(s1, s2);
}

TEST(different_key_different_pseudonym)
{
	struct pseudo a, b;
	char s1[PSEUDO_STR_LEN], s2[PSEUDO_STR_LEN];

	ASSERT_EQ(write_key("k1.key", 0x11, PSEUDO_KEY_LEN, 0600), 0);
	ASSERT_EQ(write_key("k2.key", 0x22, PSEUDO_KEY_LEN, 0600), 0);
	ASSERT_EQ(pseudo_load(&a, path("k1.key")), 0);
	ASSERT_EQ(pseudo_load(&b, path("k2.key")), 0);
	pseudo_of(&a, addr4, s1);
	pseudo_of(&b, addr4, s2);
	ASSERT(strcmp(s1, s2) != 0);
	/* Two freshly generated keys differ too. */
	ASSERT_EQ(pseudo_load(&a, path("r1.key")), 0);
	ASSERT_EQ(pseudo_load(&b, path("r2.key")), 0);
	ASSERT(memcmp(a.key, b.key, PSEUDO_KEY_LEN) != 0);
}

TEST(refuses_group_or_world_readable)
{
	struct pseudo ps;

	ASSERT_EQ(write_key("0644.key", 0x33, PSEUDO_KEY_LEN, 0644), 0);
	ASSERT_EQ(pseudo_load(&ps, path("0644.key")), -EPERM);
	ASSERT_EQ(write_key("0640.key", 0x33, PSEUDO_KEY_LEN, 0640), 0);
	ASSERT_EQ(pseudo_load(&ps, path("0640.key")), -EPERM);
	ASSERT_EQ(write_key("0602.key", 0x33, PSEUDO_KEY_LEN, 0602), 0);
	ASSERT_EQ(pseudo_load(&ps, path("0602.key")), -EPERM);
	ASSERT_EQ(write_key("0400.key", 0x33, PSEUDO_KEY_LEN, 0400), 0);
	ASSERT_EQ(pseudo_load(&ps, path("0400.key")), 0);
}

TEST(wrong_size_rejected)
{
	struct pseudo ps;

	ASSERT_EQ(write_key("short.key", 0x44, PSEUDO_KEY_LEN - 1, 0600), 0);
	ASSERT_EQ(pseudo_load(&ps, path("short.key")), -EINVAL);
	ASSERT_EQ(write_key("empty.key", 0x44, 0, 0600), 0);
	ASSERT_EQ(pseudo_load(&ps, path("empty.key")), -EINVAL);
	ASSERT_EQ(write_key("long.key", 0x44, PSEUDO_KEY_LEN + 1, 0600), 0);
	ASSERT_EQ(pseudo_load(&ps, path("long.key")), -EINVAL);
}

TEST(unusable_paths)
{
	struct pseudo ps;

	/* Missing directory: cannot create. */
	ASSERT_EQ(pseudo_load(&ps, path("nodir/x.key")), -ENOENT);
	/* A directory is not a key file. */
	ASSERT(mkdir(path("adir"), 0700) == 0);
	ASSERT(pseudo_load(&ps, path("adir")) < 0);
	rmdir(path("adir"));
}

/* Epochs in UTC (TZ set in main): 2026-12-03 is day 20790, a Thursday;
 * 7-day epochs start on Mondays, 2026-11-30 = day 20787. */
#define DAY_US		(86400ULL * 1000000)
#define T_THU		(20790ULL * DAY_US + 12ULL * 3600 * 1000000)

TEST(epoch_weekly_starts_monday)
{
	int e = pseudo_epoch_of(T_THU, 7);

	ASSERT_EQ(e, 20787);
	ASSERT_EQ(pseudo_epoch_start(e), 20787ULL * DAY_US);
	/* Sunday 23:59:59 is the same epoch, Monday 00:00 the next. */
	ASSERT_EQ(pseudo_epoch_of(20794ULL * DAY_US - 1000000, 7), 20787);
	ASSERT_EQ(pseudo_epoch_of(20794ULL * DAY_US, 7), 20794);
	ASSERT_EQ(pseudo_epoch_of(20787ULL * DAY_US - 1, 7), 20780);
}

TEST(epoch_never_is_zero)
{
	ASSERT_EQ(pseudo_epoch_of(T_THU, 0), 0);
	ASSERT_EQ(pseudo_epoch_of(T_THU + 400 * DAY_US, 0), 0);
	ASSERT_EQ(pseudo_epoch_start(0), 0);
}

TEST(epoch_30_days)
{
	int e = pseudo_epoch_of(T_THU, 30);

	/* (20790 - 4) / 30 = 692 -> 692 * 30 + 4 = 20764 */
	ASSERT_EQ(e, 20764);
	ASSERT_EQ(pseudo_epoch_of((uint64_t)(e + 30) * DAY_US - 1, 30), e);
	ASSERT_EQ(pseudo_epoch_of((uint64_t)(e + 30) * DAY_US, 30), e + 30);
}

TEST(epoch_keys_differ)
{
	struct pseudo m, k0, k1, k2, k1b;
	char s0[PSEUDO_STR_LEN], s1[PSEUDO_STR_LEN], s2[PSEUDO_STR_LEN];
	char s1b[PSEUDO_STR_LEN];

	memset(m.key, 0x42, sizeof(m.key));
	pseudo_derive(&m, 0, &k0);
	ASSERT(memcmp(k0.key, m.key, sizeof(m.key)) == 0);
	pseudo_derive(&m, 20787, &k1);
	pseudo_derive(&m, 20794, &k2);
	pseudo_derive(&m, 20787, &k1b);
	ASSERT(memcmp(k1.key, m.key, sizeof(m.key)) != 0);
	ASSERT(memcmp(k1.key, k2.key, sizeof(m.key)) != 0);
	ASSERT(memcmp(k1.key, k1b.key, sizeof(m.key)) == 0);
	pseudo_of(&k0, addr4, s0);
	pseudo_of(&k1, addr4, s1);
	pseudo_of(&k2, addr4, s2);
	pseudo_of(&k1b, addr4, s1b);
	ASSERT(strcmp(s0, s1) != 0);
	ASSERT(strcmp(s1, s2) != 0);
	ASSERT_STR(s1, s1b);
	/* Another master key: another epoch key for the same epoch. */
	memset(m.key, 0x43, sizeof(m.key));
	pseudo_derive(&m, 20787, &k2);
	ASSERT(memcmp(k1.key, k2.key, sizeof(m.key)) != 0);
}

static void
cleanup(void)
{
	static const char *const names[] = { "new.key", "umask.key",
	    "stable.key", "ones.key", "k1.key", "k2.key", "r1.key", "r2.key",
	    "0644.key", "0640.key", "0602.key", "0400.key", "short.key",
	    "empty.key", "long.key", NULL };
	int i;

	for (i = 0; names[i] != NULL; i++)
		unlink(path(names[i]));
	rmdir(dir);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(creates_key_0600);
	RUN(stable_across_loads);
	RUN(known_key_value);
	RUN(different_key_different_pseudonym);
	RUN(refuses_group_or_world_readable);
	RUN(wrong_size_rejected);
	RUN(unusable_paths);
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(epoch_weekly_starts_monday);
	RUN(epoch_never_is_zero);
	RUN(epoch_30_days);
	RUN(epoch_keys_differ);
	cleanup();
	return TEST_END();
}
