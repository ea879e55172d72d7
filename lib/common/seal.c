/*
 * seal.c - identity key file and libsodium crypto_secretbox sealing of
 * client addresses (see seal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/seal.h"

static int
read_full(int fd, uint8_t *b, size_t n)
{
	size_t	off = 0;
	ssize_t	r;

	while (off < n) {
		r = read(fd, b + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		off += (size_t)r;
	}
	return 0;
}

int
seal_key_load(struct seal_key *sk, const char *path, int create)
{
	struct stat	st;
	int		fd, rc;

	if (sodium_init() < 0)
		return -EIO;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		randombytes_buf(sk->k, sizeof(sk->k));
		if (write(fd, sk->k, sizeof(sk->k)) != (ssize_t)sizeof(sk->k)
		    || fsync(fd) != 0) {
			close(fd);
			unlink(path);
			sodium_memzero(sk->k, sizeof(sk->k));
			return -EIO;
		}
		close(fd);
		return 0;
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0 ||
	    st.st_size != SEAL_KEY_LEN) {
		close(fd);
		return -EPERM;
	}
	rc = read_full(fd, sk->k, sizeof(sk->k));
	close(fd);
	return rc;
}

int
seal_box(const struct seal_key *sk, const uint8_t addr[16],
    uint8_t out[SEAL_BOX_LEN])
{
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	if (crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, addr, 16,
	    out, sk->k) != 0)
		return -EIO;
	return 0;
}

int
seal_open(const struct seal_key *sk, const uint8_t *in, size_t len,
    uint8_t addr[16])
{
	if (len != SEAL_BOX_LEN)
		return -EBADMSG;
	if (crypto_secretbox_open_easy(addr, in + crypto_secretbox_NONCEBYTES,
	    len - crypto_secretbox_NONCEBYTES, in, sk->k) != 0)
		return -EBADMSG;
	return 0;
}
