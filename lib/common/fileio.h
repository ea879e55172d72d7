/*
 * fileio.h - safe opening of the files that hold staff behaviour (EVE,
 * database): created with restrictive modes, symbolic links refused unless
 * allowed (a dangling link never creates its target), an exclusive
 * instance lock (flock) held for as long as the file is written, and the
 * repair of a trailing partial line left by a crash.
 */
#ifndef ST_FILEIO_H
#define ST_FILEIO_H

#include <sys/types.h>

#define FIO_MODE_DATA	0640	/* EVE, database: group for the readers */
#define FIO_MODE_SECRET	0600	/* keys */

enum {
	FIO_FOLLOW	= 1 << 0,	/* a symlink as last component is allowed */
	FIO_LOCK	= 1 << 1,	/* take an exclusive flock (no wait) */
};

/*
 * fio_open_append(path, mode, flags, created):
 * Open ${path} for appending (read-write, O_APPEND), creating it with ${mode} (exactly, whatever
 * the umask) when absent.  A symlink is refused with -ELOOP unless
 * FIO_FOLLOW; even then a dangling link is -ENOENT, never created.  With
 * FIO_LOCK a file another process holds is -EBUSY.  *created (may be NULL)
 * says whether this call made the file.  Returns the fd or -errno; logs
 * nothing (the caller names the role of the file).
 */
int	fio_open_append(const char *path, mode_t mode, int flags, int *created);
/* fio_lock(fd): exclusive flock without waiting: 0, -EBUSY or -errno. */
int	fio_lock(int fd);
/*
 * fio_repair_tail(fd): if the file's last byte is not '\n' (a writer was
 * killed mid-line), append one.  Returns 1 when it repaired, 0 when the
 * file was empty or complete, -errno on error.
 */
int	fio_repair_tail(int fd);
/* fio_write_all(fd, buf, n, done): write all of ${buf}; *done = bytes
 * written even on error.  0 or -errno (-ENOSPC, -EIO, ...). */
int	fio_write_all(int fd, const void *buf, size_t n, size_t *done);

#endif
