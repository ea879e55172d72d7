/*
 * pseudo.c - keyed client pseudonyms with libsodium's HMAC-SHA-256 and the
 * key file's creation with safe permissions.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* The UTC offset in force at ${t} (process time zone), seconds. */
static long
utc_offset(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int
pseudo_epoch_of(uint64_t ts_us, uint32_t days)
{
	time_t t = (time_t)(ts_us / 1000000);
	int64_t day;

	if (days == 0)
		return 0;
	day = floor_div((int64_t)t + utc_offset(t), 86400);
	return (int)(floor_div(day - PSEUDO_EPOCH_ALIGN, days) * days +
	    PSEUDO_EPOCH_ALIGN);
}

uint64_t
pseudo_epoch_start(int epoch)
{
	int64_t t;

	if (epoch <= 0)
		return 0;
	/* Local midnight: the offset at the UTC guess, then once more at
	 * the corrected time (a DST change near midnight). */
	t = (int64_t)epoch * 86400;
	t -= utc_offset((time_t)t);
	t = (int64_t)epoch * 86400 - utc_offset((time_t)t);
	return t > 0 ? (uint64_t)t * 1000000 : 0;
}

void
pseudo_derive(const struct pseudo *master, int epoch, struct pseudo *out)
{
	static const char label[] = "shadowtap-pseudonym-epoch";
	uint8_t msg[sizeof(label) - 1 + 8];
	uint64_t e = (uint64_t)(int64_t)epoch;
	int i;

	if (epoch == 0) {
		if (out != master)
			memcpy(out->key, master->key, sizeof(out->key));
		return;
	}
	memcpy(msg, label, sizeof(label) - 1);
	for (i = 0; i < 8; i++)
		msg[sizeof(label) - 1 + i] = (uint8_t)(e >> (8 * i));
	crypto_generichash(out->key, sizeof(out->key), msg, sizeof(msg),
	    master->key, sizeof(master->key));
	sodium_memzero(msg, sizeof(msg));
}
