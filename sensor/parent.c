/*
 * parent.c - the privileged parent of a privsep sensor (parent.h).
 *
 * Fork without exec: engine_open() ran here, as root, so the children
 * start as copies of this process.  What each must not have is closed or
 * wiped after the fork: the writer closes the capture descriptor and the
 * rules directory; the engine closes every output descriptor (EVE, the
 * database and its lock) and clears every path from its configuration;
 * the pseudonym and identity keys are wiped (output_forget) in the parent
 * before the engine is forked.  The parent keeps the paths, reopens EVE
 * on SIGHUP and passes the new descriptor to the writer (SCM_RIGHTS).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/capture.h"
#include "classify/analyzer.h"
#include "output/output.h"
#include "parent.h"
#include "privsep.h"
#include "common/fileio.h"
#include "common/log.h"

#define SOCK_BUF	(1024 * 1024)

static volatile sig_atomic_t p_stop, p_hup;

static void
on_parent_signal(int sig)
{
	if (sig == SIGHUP || sig == SIGUSR2)
		p_hup = 1;
	else if (sig == SIGINT || sig == SIGTERM)
		p_stop = 1;
}

void
fdset_snapshot(struct fdset *s)
{
	struct dirent *de;
	DIR *d;
	long fd;
	char *end;

	memset(s, 0, sizeof(*s));
	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		fd = strtol(de->d_name, &end, 10);
		if (*end != '\0' || end == de->d_name || fd < 0 ||
		    fd >= PARENT_MAX_FD || fd == dirfd(d))
			continue;
		s->w[fd / 64] |= 1ULL << (fd % 64);
	}
	closedir(d);
}

static int
fdset_has(const struct fdset *s, int fd)
{
	return fd >= 0 && fd < PARENT_MAX_FD &&
	    (s->w[fd / 64] >> (fd % 64) & 1);
}

/* What engine_open() opened, split: the capture's descriptors (the packet
 * socket or replayed file, and libpcap's eventfd) and the rest, the
 * outputs'. */
static void
split_fds(const struct engine *e, const struct fdset *before,
    struct fdset *cap, struct fdset *out)
{
	struct fdset now;
	char p[32], l[64];
	ssize_t n;
	int fd, cfd = capture_fd(e->cap);

	fdset_snapshot(&now);
	memset(cap, 0, sizeof(*cap));
	memset(out, 0, sizeof(*out));
	if (cfd >= 0 && cfd < PARENT_MAX_FD)
		cap->w[cfd / 64] |= 1ULL << (cfd % 64);
	for (fd = 3; fd < PARENT_MAX_FD; fd++) {
		if (!fdset_has(&now, fd) || fdset_has(before, fd) || fd == cfd)
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		n = readlink(p, l, sizeof(l) - 1);
		l[n > 0 ? n : 0] = '\0';
		if (strncmp(l, "anon_inode:", 11) == 0)
			cap->w[fd / 64] |= 1ULL << (fd % 64);
		else
			out->w[fd / 64] |= 1ULL << (fd % 64);
	}
}

static void
fdset_close(const struct fdset *s)
{
	int fd;

	for (fd = 0; fd < PARENT_MAX_FD; fd++)
		if (fdset_has(s, fd))
			close(fd);
}

/* A live capture's packet ring is a shared mapping of the packet socket
 * ("socket:[N]" in /proc/self/maps): the writer and the parent unmap it,
 * so only the engine sees packets.  munmap, not pcap_close (which would
 * tear the ring down for the engine too). */
static void
unmap_ring(void)
{
	unsigned long lo[16], hi[16];
	char line[512];
	FILE *f;
	int n = 0, i;

	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return;
	while (n < 16 && fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, " socket:[") != NULL &&
		    sscanf(line, "%lx-%lx", &lo[n], &hi[n]) == 2 && hi[n] > lo[n])
			n++;
	fclose(f);
	for (i = 0; i < n; i++)
		munmap((void *)lo[i], hi[i] - lo[i]);
}

static int
seqpacket(int sv[2])
{
	int sz = SOCK_BUF;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return 0;
}

int
sensor_reload_conf(const char *path, const struct sensor_conf *cur,
    struct sensor_conf *n)
{
	conf_defaults(n);
	n->out.db_flows = n->out.db_meta = -1;	/* as at start: unset -> kept */
	if (conf_load(n, path, stderr) < 0) {
		log_warnx("%s: errors, keeping the running configuration", path);
		conf_free(n);
		return -EINVAL;
	}
	if (n->out.db_flows < 0)
		n->out.db_flows = cur->out.db_flows;
	if (n->out.db_meta < 0)
		n->out.db_meta = cur->out.db_meta;
	if (n->flow.max_flows != cur->flow.max_flows ||
	    n->dpi.ndpi_slots != cur->dpi.ndpi_slots ||
	    n->dpi.scratch_slots != cur->dpi.scratch_slots ||
	    n->cap.snaplen != cur->cap.snaplen ||
	    n->cap.buffer_mb != cur->cap.buffer_mb)
		log_warnx("%s: capture, flow and pool sizes take effect at the next "
		    "start", path);
	if (n->out.key_rotation_days != cur->out.key_rotation_days ||
	    n->log_level != cur->log_level)
		log_warnx("%s: privacy.key_rotation and log.level take effect at "
		    "the next start", path);
	return 0;
}

/* SIGHUP in the parent: EVE reopened here and passed to the writer, the
 * configuration re-read (output settings to the writer, the rest with a
 * reload order to the engine, which re-reads the rules through its
 * directory descriptor). */
static void
parent_reload(struct engine *e, int wctl, int ectl)
{
	const struct output_conf *oc = &e->conf.out;
	struct sensor_conf n;
	struct ps_reload r;
	int fd, created = 0;

	log_info("SIGHUP: reopening EVE, reloading configuration and rules");
	if (oc->eve_path != NULL && strcmp(oc->eve_path, "-") != 0) {
		/* No lock here: the writer locks the file it adopts. */
		fd = fio_open_append(oc->eve_path, FIO_MODE_DATA,
		    oc->follow_symlinks ? FIO_FOLLOW : 0, &created);
		if (fd < 0)
			log_warnx("%s: cannot reopen EVE output: %s; the writer "
			    "keeps the old file", oc->eve_path, strerror(-fd));
		else {
			if (privsep_send_eve(wctl, fd) < 0)
				log_warnx("cannot pass the EVE file to the writer");
			close(fd);
		}
	}
	if (e->cfg_path != NULL &&
	    sensor_reload_conf(e->cfg_path, &e->conf, &n) == 0) {
		e->conf.stats_interval_s = n.stats_interval_s;
		privsep_send_apply(wctl, &n.out);
		log_info("%s: configuration reloaded", e->cfg_path);
		conf_free(&n);
	}
	r.stats_interval_s = e->conf.stats_interval_s;
	r.allow_empty_policy = e->conf.allow_empty_policy;
	if (privsep_send_reload(ectl, &r) < 0)
		log_warnx("cannot tell the engine to reload");
}

/* A child's log name; the level stays (log.level, -v). */
static void
child_log(const char *name)
{
	int level = log_level();

	log_init(name, 0);
	log_set_level(level);
}

/* The engine child: nothing of the outputs, no path, no key. */
static void __attribute__((noreturn))
engine_child(struct engine *e, const struct privdrop *pd, pid_t parent,
    int evfd, int ctl, int rules_fd, const struct fdset *outfds,
    parent_engine_fn *run)
{
	struct privdrop epd = *pd;
	char dir[40];

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, "st-engine");
	child_log("shadowtap-engine");
	fdset_close(outfds);
	e->conf.out.eve_path = e->conf.out.db_path = NULL;
	e->conf.out.key_path = e->conf.out.identity_key_path = NULL;
	e->conf.out.audit_db = NULL;
	e->conf.cap.file = NULL;
	e->conf.rules_dir = NULL;
	e->cfg_path = NULL;
	if (rules_fd >= 0) {
		snprintf(dir, sizeof(dir), "/proc/self/fd/%d", rules_fd);
		if (analyzer_set_dir(e->an, dir) < 0)
			_exit(1);
	} else
		analyzer_set_dir(e->an, NULL);
	if (privsep_attach(&e->ps, evfd, ctl) < 0)
		_exit(1);
	if (e->prep != NULL && e->prep(e) < 0)
		_exit(1);
	epd.engine = 1;
	if (privdrop_apply(&epd) < 0)
		_exit(1);
	log_debug("engine: paths eve %s, db %s, key %s, config %s, rules %s",
	    e->conf.out.eve_path ? e->conf.out.eve_path : "(none)",
	    e->conf.out.db_path ? e->conf.out.db_path : "(none)",
	    e->conf.out.key_path ? e->conf.out.key_path : "(none)",
	    e->cfg_path ? e->cfg_path : "(none)",
	    e->conf.rules_dir ? e->conf.rules_dir : "(none)");
	_exit(run(e));
}

/* A child ended: log how; *rc becomes 1 when the run failed. */
static void
reap(pid_t pid, int status, int writer, int *rc, int live)
{
	const char *who = writer ? "writer" : "engine";

	if (WIFSIGNALED(status)) {
		log_warnx("%s process (pid %d) killed by signal %d (%s): %s", who,
		    (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
		    writer ? "EVE and database output stopped early" :
		    "capture stopped");
		*rc = 1;
	} else if (WEXITSTATUS(status) != 0) {
		log_debug("%s process exited %d", who, WEXITSTATUS(status));
		/* A writer that lost data fails a replay, not a live run. */
		if (!writer || !live)
			*rc = 1;
	}
}

int
parent_run(struct engine *e, const struct privdrop *pd, int rules_fd,
    const struct fdset *before, parent_engine_fn *run)
{
	struct fdset capfds, outfds;
	struct sigaction sa;
	sigset_t block, old;
	pid_t me = getpid(), writer, engine, pid;
	int ev[2], wctl[2], ectl[2], status, rc = 0, live;
	int engine_done = 0, writer_done = 0, stop_sent = 0;

	live = capture_is_live(e->cap);
	split_fds(e, before, &capfds, &outfds);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_parent_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (seqpacket(ev) < 0 || seqpacket(wctl) < 0 || seqpacket(ectl) < 0) {
		log_warn("privsep socketpair");
		return 1;
	}
	/* No open transaction (its locks belong to this process) and no
	 * buffered line may cross the fork: the writer starts clean. */
	output_sync(e->out);
	if ((writer = fork()) < 0) {
		log_warn("fork (writer)");
		return 1;
	}
	if (writer == 0) {
		prctl(PR_SET_NAME, "st-writer");
		/* Ended by EOF on the event link, after the last batch. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
		signal(SIGCHLD, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(ev[0]);
		close(wctl[0]);
		close(ectl[0]);
		close(ectl[1]);
		/* close(2), never pcap_close: that would tear down the
		 * engine's ring or move the shared file offset. */
		fdset_close(&capfds);
		unmap_ring();
		if (rules_fd >= 0)
			close(rules_fd);
		child_log("shadowtap-writer");
		privsep_writer(ev[1], wctl[1], e->out, pd);
	}
	close(ev[1]);
	close(wctl[1]);
	output_forget(e->out);	/* keys wiped before the engine exists */
	e->ps.pid = writer;
	if ((engine = fork()) < 0) {
		log_warn("fork (engine)");
		close(ev[0]);
		kill(writer, SIGKILL);
		waitpid(writer, &status, 0);
		return 1;
	}
	if (engine == 0) {
		close(wctl[0]);
		close(ectl[0]);
		engine_child(e, pd, me, ev[0], ectl[1], rules_fd, &outfds, run);
	}
	close(ev[0]);
	close(ectl[1]);
	fdset_close(&capfds);
	unmap_ring();
	fdset_close(&outfds);
	if (rules_fd >= 0)
		close(rules_fd);
	log_debug("privsep: writer pid %d, engine pid %d", (int)writer,
	    (int)engine);
	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == engine) {
				engine_done = 1;
				reap(pid, status, 0, &rc, live);
			} else if (pid == writer) {
				writer_done = 1;
				reap(pid, status, 1, &rc, live);
				/* No one writes what the engine sees: stop. */
				if (!engine_done && !stop_sent) {
					kill(engine, SIGTERM);
					stop_sent = 1;
				}
			}
		}
		if (engine_done && writer_done)
			break;
		if (pid < 0 && errno == ECHILD)
			break;
		if (p_stop && !stop_sent) {
			if (!engine_done)
				kill(engine, SIGTERM);
			stop_sent = 1;
		}
		if (p_hup) {
			p_hup = 0;
			if (!engine_done && !writer_done)
				parent_reload(e, wctl[0], ectl[0]);
		}
		sigsuspend(&old);
	}
	close(wctl[0]);
	close(ectl[0]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
