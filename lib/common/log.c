/*
 * log.c - leveled logging (log.h): a threshold, and one line format for a
 * terminal or file (UTC timestamp, program, level) and one for the journal
 * (<N> priority prefix, sd-daemon(3)), chosen by JOURNAL_STREAM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

static const char *log_prog = "shadowtap";
static int log_thresh = LOG_L_INFO;
static int log_journal;

static const char *const level_names[8] = {
	NULL, NULL, NULL, "error", "warning", "notice", "info", "debug"
};

/* JOURNAL_STREAM is "DEV:INO" of the journal socket given as stdout/err;
 * only when stderr is still that very socket is it the journal. */
static int
journal_detect(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;
	char *end;

	if (js == NULL || *js == '\0')
		return 0;
	errno = 0;
	dev = strtoull(js, &end, 10);
	if (errno != 0 || end == js || *end != ':')
		return 0;
	js = end + 1;
	ino = strtoull(js, &end, 10);
	if (errno != 0 || end == js || *end != '\0')
		return 0;
	if (fstat(STDERR_FILENO, &sb) != 0)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_init(const char *progname, int verbosity)
{
	log_prog = progname;
	log_thresh = LOG_L_INFO + (verbosity > 0 ? verbosity : 0);
	if (log_thresh > LOG_L_DEBUG)
		log_thresh = LOG_L_DEBUG;
	log_journal = journal_detect();
}

int
log_verbosity(void)
{
	return log_thresh >= LOG_L_DEBUG;
}

void
log_set_level(int level)
{
	if (level >= LOG_L_ERROR && level <= LOG_L_DEBUG)
		log_thresh = level;
}

int
log_level(void)
{
	return log_thresh;
}

int
log_level_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = LOG_L_ERROR; i <= LOG_L_DEBUG; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

const char *
log_level_name(int level)
{
	return level >= LOG_L_ERROR && level <= LOG_L_DEBUG ?
	    level_names[level] : "";
}

int
log_to_journal(void)
{
	return log_journal;
}

static void
vlog(int level, const char *fmt, va_list ap, const char *suffix)
{
	char buf[1024], ts[32];
	struct tm tm;
	time_t now;

	if (level > log_thresh)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_journal) {
		/* One record per line: the journal reads <N> per line. */
		fprintf(stderr, "<%d>%s%s%s\n", level, buf,
		    suffix != NULL ? ": " : "", suffix != NULL ? suffix : "");
		return;
	}
	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		ts[0] = '\0';
	fprintf(stderr, "%s %s: %s: %s%s%s\n", ts, log_prog,
	    log_level_name(level), buf, suffix != NULL ? ": " : "",
	    suffix != NULL ? suffix : "");
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap, NULL);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_L_ERROR, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_L_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_L_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_L_NOTICE, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_L_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_L_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_L_ERROR, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_L_ERROR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
