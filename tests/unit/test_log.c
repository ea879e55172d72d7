/*
 * test_log.c - unit tests for lib/common/log.c: the level threshold
 * (error..debug, -v), level names, the plain line format with timestamp
 * and level, and <N> priority prefixes when stderr is the journal
 * (JOURNAL_STREAM naming stderr's device:inode), not when it names
 * another file.  stderr is redirected into temporary files.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "test.h"

static char path[] = "/tmp/st-log-XXXXXX";
static int saved_err = -1;

/* stderr -> a fresh temporary file; returns its fd. */
static int
capture(void)
{
	int fd;

	fflush(stderr);
	if ((fd = mkstemp(path)) < 0)
		return -1;
	unlink(path);
	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	if (saved_err < 0)
		saved_err = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	return fd;
}

/* stderr back; the captured text into ${buf}. */
static void
release(int fd, char *buf, size_t len)
{
	ssize_t n;

	fflush(stderr);
	dup2(saved_err, STDERR_FILENO);
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static void
journal_env(int fd)
{
	struct stat sb;
	char v[64];

	fstat(fd, &sb);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)sb.st_dev,
	    (unsigned long long)sb.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
}

TEST(level_names)
{
	ASSERT_EQ(log_level_parse("error"), LOG_L_ERROR);
	ASSERT_EQ(log_level_parse("warning"), LOG_L_WARNING);
	ASSERT_EQ(log_level_parse("notice"), LOG_L_NOTICE);
	ASSERT_EQ(log_level_parse("info"), LOG_L_INFO);
	ASSERT_EQ(log_level_parse("debug"), LOG_L_DEBUG);
	ASSERT_EQ(log_level_parse("warn"), -1);
	ASSERT_EQ(log_level_parse(""), -1);
	ASSERT_EQ(log_level_parse(NULL), -1);
	ASSERT_STR(log_level_name(LOG_L_NOTICE), "notice");
}

TEST(threshold)
{
	char b[2048];
	int fd;

	unsetenv("JOURNAL_STREAM");
	ASSERT((fd = capture()) >= 0);
	log_init("st-test", 0);
	log_debug("hidden-debug");
	log_info("shown-info");
	log_set_level(LOG_L_WARNING);
	log_notice("hidden-notice");
	log_warnx("shown-warning");
	log_error("shown-error");
	log_init("st-test", 1);		/* -v */
	log_debug("shown-debug");
	release(fd, b, sizeof(b));
	ASSERT(strstr(b, "hidden") == NULL);
	ASSERT(strstr(b, "st-test: info: shown-info\n") != NULL);
	ASSERT(strstr(b, "st-test: warning: shown-warning\n") != NULL);
	ASSERT(strstr(b, "st-test: error: shown-error\n") != NULL);
	ASSERT(strstr(b, "st-test: debug: shown-debug\n") != NULL);
	/* not the journal: every line starts with a UTC timestamp */
	ASSERT(b[0] == '2' && b[4] == '-' && b[10] == 'T' && b[19] == 'Z');
	ASSERT(strchr(b, '<') == NULL);
}

TEST(journal_prefixes)
{
	char b[2048];
	int fd;

	ASSERT((fd = capture()) >= 0);
	journal_env(fd);
	log_init("st-test", 0);
	ASSERT(log_to_journal());
	log_error("e1");
	log_warnx("w1");
	log_notice("n1");
	log_info("i1");
	log_debug("d1");
	release(fd, b, sizeof(b));
	ASSERT_STR(b, "<3>e1\n<4>w1\n<5>n1\n<6>i1\n");
}

TEST(journal_stream_of_another_file)
{
	char b[512];
	int fd, other;

	ASSERT((other = capture()) >= 0);
	release(other, b, sizeof(b));
	ASSERT((other = open("/dev/null", O_RDONLY)) >= 0);
	journal_env(other);
	close(other);
	ASSERT((fd = capture()) >= 0);
	log_init("st-test", 0);
	ASSERT(!log_to_journal());
	log_warnx("w2");
	release(fd, b, sizeof(b));
	ASSERT(strstr(b, "st-test: warning: w2\n") != NULL);
	ASSERT(strstr(b, "<4>") == NULL);
	setenv("JOURNAL_STREAM", "garbage", 1);
	log_init("st-test", 0);
	ASSERT(!log_to_journal());
	unsetenv("JOURNAL_STREAM");
}

int
main(void)
{
	RUN(level_names);
	RUN(threshold);
	RUN(journal_prefixes);
	RUN(journal_stream_of_another_file);
	return TEST_END();
}
