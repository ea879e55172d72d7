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
	cleanup();
	return TEST_END();
}
