/*
 * pseudo.c - keyed client pseudonyms with libsodium's HMAC-SHA-256 and the
 * key file's creation with safe permissions.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/pseudo.h"
#include "common/str.h"

int
pseudo_load(struct pseudo *ps, const char *path)
{
	struct stat sb;
	uint8_t buf[PSEUDO_KEY_LEN + 1];	/* one more: a longer file is refused */
	ssize_t n;
	int fd, rc;

	if (sodium_init() < 0)
		return -EIO;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0) {
			log_warnx("%s: pseudonym key is accessible by group/others "
			    "(mode %03o); chmod 600 it", path, sb.st_mode & 0777);
			close(fd);
			return -EPERM;
		}
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n != (ssize_t)sizeof(ps->key)) {
			sodium_memzero(buf, sizeof(buf));
			log_warnx("%s: pseudonym key must be %d bytes", path,
			    PSEUDO_KEY_LEN);
			return -EINVAL;
		}
		memcpy(ps->key, buf, sizeof(ps->key));
		sodium_memzero(buf, sizeof(buf));
		return 0;
	}
	if (errno != ENOENT) {
		rc = -errno;
		log_warn("%s: cannot read pseudonym key", path);
		return rc;
	}
	randombytes_buf(ps->key, sizeof(ps->key));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		rc = -errno;
		log_warn("%s: cannot create pseudonym key", path);
		return rc;
	}
	if (write(fd, ps->key, sizeof(ps->key)) != (ssize_t)sizeof(ps->key) ||
	    fsync(fd) != 0) {
		rc = -errno;
		log_warn("%s: cannot write pseudonym key", path);
		close(fd);
		unlink(path);
		return rc;
	}
	close(fd);
	log_info("created pseudonym key %s", path);
	return 0;
}

void
pseudo_of(const struct pseudo *ps, const uint8_t addr[16],
    char out[PSEUDO_STR_LEN])
{
	uint8_t mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256(mac, addr, 16, ps->key);
	out[0] = 'c';
	out[1] = '-';
	str_hex(out + 2, mac, 8);
}
