/*
 * test_privsep.c - unit tests for privilege separation: the engine's
 * seccomp filter (no file opened for writing, created or truncated:
 * EACCES; read-only opens, also through a directory descriptor as the
 * rules reload does; unlink kills with SIGSYS) against the writer's full
 * list (writes allowed); the parent->engine reload message (one message,
 * then nothing; a malformed one ignored); the EVE file adopted from the
 * parent after a rename, and the same file not adopted twice.  Works in a
 * mkdtemp directory; filters are installed in forked children only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/output.h"
#include "privdrop.h"
#include "privsep.h"
#include "common/fileio.h"
#include "test.h"

static char dir[] = "/tmp/st-privsep-XXXXXX";
static char file[300], newfile[300];

/* Run ${fn} in a child after installing a filter; its wait status. */
static int
in_child(int engine, int (*fn)(void))
{
	int st;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if ((engine ? privdrop_seccomp_engine() : privdrop_seccomp()) < 0)
			_exit(100);
		_exit(fn());
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return st;
}

static int
try_opens(void)
{
	char p[64];
	int fd, d;

	errno = 0;
	if (open(file, O_WRONLY | O_APPEND) >= 0 || errno != EACCES)
		return 1;
	if (open(file, O_RDWR) >= 0 || errno != EACCES)
		return 2;
	if (open(newfile, O_WRONLY | O_CREAT, 0600) >= 0 || errno != EACCES)
		return 3;
	if (open(file, O_RDONLY | O_TRUNC) >= 0 || errno != EACCES)
		return 4;
	if ((fd = open(file, O_RDONLY)) < 0)
		return 5;
	close(fd);
	/* the rules reload: a path through a directory descriptor */
	if ((d = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return 6;
	snprintf(p, sizeof(p), "/proc/self/fd/%d/eve.json", d);
	if ((fd = open(p, O_RDONLY)) < 0)
		return 7;
	close(fd);
	return 0;
}

static int
try_write_open(void)
{
	int fd = open(file, O_WRONLY | O_APPEND);

	if (fd < 0)
		return 1;
	return write(fd, "x\n", 2) == 2 ? 0 : 2;
}

static int
try_unlink(void)
{
	unlink(file);
	return 0;		/* not reached with the engine's filter */
}

TEST(engine_filter_refuses_write_opens)
{
	int st = in_child(1, try_opens);

	ASSERT(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	ASSERT(access(newfile, F_OK) < 0);	/* nothing created */
}

TEST(engine_filter_kills_unlink)
{
	int st = in_child(1, try_unlink);

	ASSERT(WIFSIGNALED(st));
	ASSERT_EQ(WTERMSIG(st), SIGSYS);
	ASSERT(access(file, F_OK) == 0);
}

TEST(writer_filter_allows_writes)
{
	int st = in_child(0, try_write_open);
	struct stat sb;

	ASSERT(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	ASSERT(stat(file, &sb) == 0);
	ASSERT(sb.st_size >= 2);
	/* and the engine's filter refuses the same open */
	st = in_child(1, try_write_open);
	ASSERT(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 1);
}

TEST(reload_message)
{
	struct ps_reload r = { 42, 1 }, got;
	struct privsep ps;
	uint8_t junk[12] = { 4 };	/* PS_RELOAD, wrong length */
	int sv[2];

	ASSERT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	memset(&ps, 0, sizeof(ps));
	ASSERT_EQ(privsep_attach(&ps, -1, sv[1]), 0);
	ASSERT_EQ(privsep_control(&ps, &got), 0);	/* nothing yet */
	ASSERT(send(sv[0], junk, sizeof(junk), 0) == (ssize_t)sizeof(junk));
	ASSERT_EQ(privsep_control(&ps, &got), 0);	/* malformed: ignored */
	ASSERT_EQ(privsep_send_reload(sv[0], &r), 0);
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(privsep_control(&ps, &got), 1);
	ASSERT_EQ(got.stats_interval_s, 42);
	ASSERT_EQ(got.allow_empty_policy, 1);
	ASSERT_EQ(privsep_control(&ps, &got), 0);	/* one message, once */
	close(sv[0]);
	ASSERT_EQ(privsep_control(&ps, &got), 0);	/* parent gone */
	ASSERT_EQ(ps.ctl, -1);
	privsep_finish(&ps);
	free(ps.batch);
}

static long
lines(const char *p)
{
	FILE *f = fopen(p, "r");
	long n = 0;
	int c;

	if (f == NULL)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

TEST(eve_adopts_rotated_file)
{
	char eve[300], rot[300];
	struct eve *e;
	int fd;

	snprintf(eve, sizeof(eve), "%s/a.json", dir);
	snprintf(rot, sizeof(rot), "%s/a.json.1", dir);
	ASSERT_EQ(eve_open(&e, eve, 0, FIO_LOCK), 0);
	ASSERT_EQ(eve_write(e, "{\"n\":1}", 7), 0);
	/* not rotated: the same file is not adopted (fd closed, kept) */
	ASSERT((fd = fio_open_append(eve, FIO_MODE_DATA, 0, NULL)) >= 0);
	ASSERT_EQ(eve_adopt(e, fd), 0);
	ASSERT_EQ(eve_write(e, "{\"n\":2}", 7), 0);
	ASSERT_EQ(eve_flush(e), 0);
	ASSERT_EQ(lines(eve), 2);
	/* rotated: the parent opens the new file, the writer takes it */
	ASSERT(rename(eve, rot) == 0);
	ASSERT((fd = fio_open_append(eve, FIO_MODE_DATA, 0, NULL)) >= 0);
	ASSERT_EQ(eve_adopt(e, fd), 0);
	ASSERT_EQ(eve_write(e, "{\"n\":3}", 7), 0);
	ASSERT_EQ(eve_flush(e), 0);
	ASSERT_EQ(lines(rot), 2);
	ASSERT_EQ(lines(eve), 1);
	/* and it is locked now: a second sensor would be refused */
	ASSERT_EQ(fio_open_append(eve, FIO_MODE_DATA, FIO_LOCK, NULL), -EBUSY);
	eve_close(e);
}

int
main(void)
{
	int fd;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(file, sizeof(file), "%s/eve.json", dir);
	snprintf(newfile, sizeof(newfile), "%s/new.json", dir);
	if ((fd = open(file, O_WRONLY | O_CREAT, 0600)) < 0)
		return 2;
	close(fd);
	RUN(engine_filter_refuses_write_opens);
	RUN(engine_filter_kills_unlink);
	RUN(writer_filter_allows_writes);
	RUN(reload_message);
	RUN(eve_adopts_rotated_file);
	unlink(file);
	unlink(newfile);
	{
		char p[300];

		snprintf(p, sizeof(p), "%s/a.json", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/a.json.1", dir);
		unlink(p);
	}
	rmdir(dir);
	return TEST_END();
}
