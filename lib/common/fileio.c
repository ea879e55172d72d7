/*
 * fileio.c - safe opening, instance locks and tail repair of output files.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"

int
fio_lock(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	return errno == EWOULDBLOCK ? -EBUSY : -errno;
}

int
fio_open_append(const char *path, mode_t mode, int flags, int *created)
{
	int base = O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY, fd, rc, made = 0;
	struct stat sb;

	if (created != NULL)
		*created = 0;
	/* O_EXCL never follows a symlink: a dangling link gives EEXIST and
	 * falls through to the open below, which does not create. */
	if ((fd = open(path, base | O_CREAT | O_EXCL, mode)) >= 0)
		made = 1;
	else if (errno != EEXIST)
		return -errno;
	else if ((fd = open(path, base | ((flags & FIO_FOLLOW) ? 0 :
	    O_NOFOLLOW))) < 0)
		return -errno;	/* ELOOP: a link; ENOENT: dangling link */
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
		goto err;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = -EINVAL;
		goto err;
	}
	if (made && fchmod(fd, mode) < 0) {	/* whatever the umask */
		rc = -errno;
		goto err;
	}
	if ((flags & FIO_LOCK) && (rc = fio_lock(fd)) < 0)
		goto err;
	if (created != NULL)
		*created = made;
	return fd;
err:
	close(fd);
	if (made)
		unlink(path);
	return rc;
}

int
fio_repair_tail(int fd)
{
	struct stat sb;
	char c;
	size_t done;
	int rc;

	if (fstat(fd, &sb) < 0)
		return -errno;
	if (sb.st_size == 0)
		return 0;
	errno = 0;
	if (pread(fd, &c, 1, sb.st_size - 1) != 1)
		return errno ? -errno : -EIO;
	if (c == '\n')
		return 0;
	if ((rc = fio_write_all(fd, "\n", 1, &done)) < 0)
		return rc;
	return 1;
}

int
fio_write_all(int fd, const void *buf, size_t n, size_t *done)
{
	const char *p = buf;
	ssize_t w;

	*done = 0;
	while (*done < n) {
		if ((w = write(fd, p + *done, n - *done)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		*done += (size_t)w;
	}
	return 0;
}
