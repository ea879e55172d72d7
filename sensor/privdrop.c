/*
 * privdrop.c - switch to an unprivileged user, drop every capability and
 * install a libseccomp allow-list: only what capture, output (EVE, SQLite),
 * reload and exit need.  Anything else kills the process (SIGSYS).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "privdrop.h"
#include "common/log.h"

#define DEFAULT_USER	"shadowtap"

/* The allow-list.  Grouped by who needs it. */
static const int allowed[] = {
	/* memory, threads, time (libc, SQLite, PCRE2 JIT, nDPI) */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(getrandom),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(uname), SCMP_SYS(sysinfo),
	SCMP_SYS(prlimit64), SCMP_SYS(membarrier), SCMP_SYS(capget),
	SCMP_SYS(getrusage),
	/* capture: packet socket reads, poll, pcap ioctls/sockopts */
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(ioctl),
	SCMP_SYS(getsockname),
	/* output.syslog_* / redis_* (output/netq.c): reconnecting over TCP */
	SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(shutdown),
	/* privsep links (events, SCM_RIGHTS control messages); netq too */
	SCMP_SYS(sendmsg), SCMP_SYS(sendto),
	/* output: EVE file, SQLite database (WAL, locks, journal) */
	SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(pwrite64), SCMP_SYS(lseek),
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(close), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
	SCMP_SYS(fcntl), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(getcwd),
	SCMP_SYS(readlink), SCMP_SYS(fchmod), SCMP_SYS(fchown),
	SCMP_SYS(getdents64), SCMP_SYS(mkdir), SCMP_SYS(flock),
	SCMP_SYS(fadvise64), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3),
	/* signals (HUP/USR2 reload, TERM stop), abort(), exit */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(tgkill), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(wait4),
};

/* Not for the privsep engine: it writes no file (open/openat are allowed
 * there read-only, for the rules reload: engine_opens()). */
static const int writer_only[] = {
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(pwrite64),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename),
	SCMP_SYS(renameat), SCMP_SYS(fchmod), SCMP_SYS(fchown),
	SCMP_SYS(mkdir), SCMP_SYS(flock),
	/* the collector sinks are the writer's: the engine makes no socket */
	SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(shutdown),
};

unsigned long long
privdrop_capeff(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return ~0ULL;
	return (unsigned long long)d[1].effective << 32 | d[0].effective;
}

static int
drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int c;

	/* The bounding set needs CAP_SETPCAP: drop what we may, ignore EPERM. */
	for (c = 0; c <= CAP_LAST_CAP; c++)
		(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return privdrop_capeff() == 0 ? 0 : -EPERM;
}

static int
switch_user(const char *name, int required)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		if (!required)
			return 0;
		log_warnx("user '%s': no such user", name);
		return -ENOENT;
	}
	if (pw->pw_uid == 0)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid,
	    pw->pw_gid) < 0 || setresuid(pw->pw_uid, pw->pw_uid,
	    pw->pw_uid) < 0) {
		int e = errno;
		log_warn("switching to user '%s'", name);
		return -e;
	}
	/* Paranoia: there is no way back. */
	if (setuid(0) == 0)
		return -EPERM;
	return 1;
}

static int
is_writer_only(int sc)
{
	size_t i;

	for (i = 0; i < sizeof(writer_only) / sizeof(writer_only[0]); i++)
		if (writer_only[i] == sc)
			return 1;
	return 0;
}

/* open(2)/openat(2) for the engine: read-only allowed, any flag that
 * writes, creates or truncates refused with EACCES. */
static int
engine_opens(scmp_filter_ctx ctx, int sc, unsigned arg)
{
	static const unsigned bad[] = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC,
	    O_APPEND };
	const unsigned mask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND;
	size_t i;
	int rc;

	if (sc < 0)
		return 0;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sc, 1,
	    SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, mask, 0))) < 0)
		return rc;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), sc, 1,
		    SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, bad[i], bad[i]))) < 0)
			return rc;
	return 0;
}

static int
load_filter(int engine)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		return -ENOMEM;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i] < 0)
			continue;	/* not on this architecture */
		if (engine && is_writer_only(allowed[i]))
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0)) < 0)
			goto err;
	}
	/* Worker threads (workers.c) start after the drop: clone only with
	 * CLONE_THREAD (no new process); clone3, whose flags a filter cannot
	 * read, says ENOSYS so glibc falls back to clone. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0)) < 0)
		goto err;
	if (engine && ((rc = engine_opens(ctx, SCMP_SYS(openat), 2)) < 0 ||
	    (rc = engine_opens(ctx, SCMP_SYS(open), 1)) < 0))
		goto err;
	rc = seccomp_load(ctx);
err:
	seccomp_release(ctx);
	return rc;
}

int
privdrop_seccomp(void)
{
	return load_filter(0);
}

int
privdrop_seccomp_engine(void)
{
	return load_filter(1);
}

int
privdrop_apply(const struct privdrop *p)
{
	int rc, dropped = 0;

	if (geteuid() == 0) {
		rc = switch_user(p->user ? p->user : DEFAULT_USER, p->user != NULL);
		if (rc < 0)
			return rc;
		dropped = rc;
	} else if (p->user != NULL) {
		struct passwd *pw = getpwnam(p->user);
		if (pw == NULL || pw->pw_uid != geteuid()) {
			log_warnx("--user %s needs root", p->user);
			return -EPERM;
		}
		dropped = 1;
	}
	if (dropped || geteuid() != 0) {
		if ((rc = drop_caps()) < 0) {
			log_warnx("cannot drop capabilities: %s", strerror(-rc));
			return rc;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (p->seccomp > 0 || (p->seccomp < 0 && dropped)) {
		if ((rc = load_filter(p->engine)) < 0) {
			log_warnx("seccomp filter: %s", strerror(-rc));
			return rc;
		}
		log_debug("seccomp allow-list installed (%s)", p->engine ?
		    "engine: no file opened for writing" : "full");
	}
	if (dropped)
		log_info("running as uid %u, capabilities %llx",
		    (unsigned)geteuid(), privdrop_capeff());
	return 0;
}
