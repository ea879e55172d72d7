/*
 * eve_file.c - the EVE line writer: whole records only (a buffer of
 * complete lines, flushed every tick), a crash's torn last line repaired at
 * open, losses counted, the file reopened on SIGHUP for logrotate.  The
 * records themselves are formatted in eve.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "output/output.h"

struct eve {
	char	*path;
	int	 fd;
	int	 is_stdout;
	int	 created;	/* the file did not exist before eve_open */
	int	 flags;		/* FIO_FOLLOW, FIO_LOCK */
	int	 failing;	/* the last write failed (logged once) */
	unsigned logged;	/* failure/recovery messages (rate limit) */
	uint64_t lost_at_fail;	/* lost count when the failure began */
	struct eve_counts n;
	char	*buf;		/* whole lines only */
	size_t	 cap, len;
	size_t	 thresh;	/* flush when this much is buffered (0: each line) */
	uint64_t buf_lines;	/* lines in buf */
};

#define EVE_REC_MAX	(128 * 1024 + 1)	/* output.c EVE_LINE_MAX + newline */
#define EVE_LOG_MAX	20	/* failure/recovery pairs logged per run */

/* Open (or reopen) the file: refuse links unless allowed, 0640 when
 * created, instance lock, and a trailing partial line left by a crash
 * terminated before anything is appended. */
static int
eve_open_fd(struct eve *e, int *created)
{
	int fd, rc;

	if ((fd = fio_open_append(e->path, FIO_MODE_DATA, e->flags,
	    created)) < 0) {
		if (fd == -ELOOP)
			log_warnx("%s: EVE output is a symbolic link; refused "
			    "(output.follow_symlinks: true allows it)", e->path);
		else if (fd == -EBUSY)
			log_warnx("%s: EVE output is in use by another "
			    "shadowtap-sensor; refusing to share it", e->path);
		else
			log_warnx("%s: cannot open EVE output: %s", e->path,
			    strerror(-fd));
		return fd;
	}
	if ((rc = fio_repair_tail(fd)) < 0) {
		log_warnx("%s: cannot check the EVE file's last line: %s",
		    e->path, strerror(-rc));
		close(fd);
		return rc;
	}
	if (rc == 1) {
		e->n.repaired++;
		log_warnx("%s: the last line was incomplete (the sensor was "
		    "killed while writing?); terminated it, 1 torn record",
		    e->path);
	}
	return fd;
}

int
eve_open(struct eve **ep, const char *path, size_t bufsize, int flags)
{
	struct eve *e;
	int rc;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	e->flags = flags;
	if (strcmp(path, "-") == 0) {
		e->fd = STDOUT_FILENO;
		e->is_stdout = 1;
	} else if ((e->path = strdup(path)) == NULL) {
		rc = -ENOMEM;
		goto err;
	} else if ((e->fd = eve_open_fd(e, &e->created)) < 0) {
		rc = e->fd;
		goto err;
	}
	/* Room for the longest record whatever the flush threshold. */
	e->thresh = bufsize;
	e->cap = bufsize > EVE_REC_MAX ? bufsize : EVE_REC_MAX;
	if ((e->buf = malloc(e->cap)) == NULL) {
		rc = -ENOMEM;
		goto err1;
	}
	*ep = e;
	return 0;
err1:
	if (!e->is_stdout) {
		close(e->fd);
		if (e->created)
			unlink(e->path);
	}
err:
	free(e->path);
	free(e);
	return rc;
}

/* A write failed (rc < 0) or succeeded: log the first failure and the
 * recovery, a bounded number of times per run. */
static void
eve_note(struct eve *e, int rc)
{
	const char *name = e->is_stdout ? "stdout" : e->path;

	if (rc < 0 && !e->failing) {
		e->failing = 1;
		e->n.failures++;
		e->lost_at_fail = e->n.lost;
		if (e->logged++ < EVE_LOG_MAX)
			log_warnx("%s: EVE write failed: %s; events are being "
			    "lost (counted as eve_lost)", name, strerror(-rc));
	} else if (rc == 0 && e->failing) {
		e->failing = 0;
		if (e->logged < EVE_LOG_MAX)
			log_warnx("%s: EVE writes resumed; %llu lines lost "
			    "meanwhile", name, (unsigned long long)(e->n.lost -
			    e->lost_at_fail));
	}
}

/*
 * Write whole lines.  A short write (disk full) can leave the start of a
 * line: the file is cut back to the last complete line so no reader ever
 * sees a torn record; the lines not written are counted lost.
 */
static int
eve_put(struct eve *e, const char *p, size_t n, uint64_t lines)
{
	off_t before = -1;
	size_t done = 0, keep;
	int rc;

	if (!e->is_stdout)
		before = lseek(e->fd, 0, SEEK_END);
	if ((rc = fio_write_all(e->fd, p, n, &done)) == 0) {
		e->n.written += lines;
		eve_note(e, 0);
		return 0;
	}
	/* Lines fully written before the failure still count. */
	for (keep = done; keep > 0 && p[keep - 1] != '\n'; keep--)
		;
	if (keep < done && before >= 0 &&
	    ftruncate(e->fd, before + (off_t)keep) < 0)
		log_warnx("%s: cannot cut a torn EVE line", e->path);
	{
		uint64_t ok = 0;
		size_t i;

		for (i = 0; i < keep; i++)
			ok += p[i] == '\n';
		e->n.written += ok;
		e->n.lost += lines - ok;
	}
	eve_note(e, rc);
	return rc;
}

static int
eve_drain(struct eve *e)
{
	int rc = 0;

	if (e->len > 0)
		rc = eve_put(e, e->buf, e->len, e->buf_lines);
	e->len = 0;
	e->buf_lines = 0;
	return rc;
}

int
eve_reopen(struct eve *e)
{
	int fd, created;

	struct stat a, b;

	if (e == NULL || e->is_stdout)
		return 0;
	eve_drain(e);
	/* Not rotated: the file we hold (and lock) is still the one named. */
	if (lstat(e->path, &a) == 0 && fstat(e->fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	if ((fd = eve_open_fd(e, &created)) < 0) {
		log_warnx("%s: cannot reopen EVE output; keeping the old file",
		    e->path);
		return fd;
	}
	close(e->fd);
	e->fd = fd;
	return 0;
}

int
eve_adopt(struct eve *e, int fd)
{
	struct stat a, b;
	int rc;

	if (e == NULL || e->is_stdout) {
		close(fd);
		return 0;
	}
	eve_drain(e);
	/* Not rotated: keep the file we hold (and lock). */
	if (fstat(fd, &a) == 0 && fstat(e->fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		close(fd);
		return 0;
	}
	if ((e->flags & FIO_LOCK) && (rc = fio_lock(fd)) < 0) {
		log_warnx("%s: reopened EVE output is in use by another "
		    "shadowtap-sensor; keeping the old file", e->path);
		close(fd);
		return rc;
	}
	if ((rc = fio_repair_tail(fd)) == 1) {
		e->n.repaired++;
		log_warnx("%s: the last line was incomplete; terminated it, "
		    "1 torn record", e->path);
	}
	close(e->fd);
	e->fd = fd;
	return 0;
}

int
eve_flush(struct eve *e)
{
	return e != NULL ? eve_drain(e) : 0;
}

void
eve_discard(struct eve *e)
{
	if (e == NULL)
		return;
	if (!e->is_stdout) {
		close(e->fd);
		if (e->created)
			unlink(e->path);
	}
	free(e->buf);
	free(e->path);
	free(e);
}

void
eve_close(struct eve *e)
{
	if (e == NULL)
		return;
	eve_drain(e);
	if (!e->is_stdout && close(e->fd) != 0)
		log_warn("%s: error closing EVE output", e->path);
	free(e->buf);
	free(e->path);
	free(e);
}

const struct eve_counts *
eve_counts(const struct eve *e)
{
	return &e->n;
}

int
eve_write(struct eve *e, const char *line, size_t n)
{
	int rc = 0;

	if (n + 1 > e->cap - e->len)
		rc = eve_drain(e);
	if (n + 1 > e->cap) {
		e->n.lost++;
		return -EMSGSIZE;
	}
	memcpy(e->buf + e->len, line, n);
	e->buf[e->len + n] = '\n';
	e->len += n + 1;
	e->buf_lines++;
	if (e->len >= e->thresh)
		rc = eve_drain(e);
	return rc;
}
