/*
 * log.h - leveled logging to stderr.  Levels are syslog priorities:
 * error (3), warning (4), notice (5), info (6), debug (7); a message is
 * written when its level <= the threshold (default info; -v: debug;
 * sensor config log.level).  Lines are "TIMESTAMP PROG: LEVEL: message",
 * or, when stderr is the systemd journal (JOURNAL_STREAM names stderr's
 * device:inode, sd-daemon(3) convention), "<N>message" so journald
 * records the priority itself.  log_warn appends strerror(errno);
 * log_warnx does not.  fatal* log at error and exit(1).
 */
#ifndef ST_LOG_H
#define ST_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_L_ERROR = 3,
	LOG_L_WARNING = 4,
	LOG_L_NOTICE = 5,
	LOG_L_INFO = 6,
	LOG_L_DEBUG = 7,
};

/* log_init(progname, verbosity): threshold info + verbosity (max debug);
 * checks JOURNAL_STREAM against stderr. */
void	log_init(const char *progname, int verbosity);
/* log_verbosity(): 1 when debug messages are written, else 0. */
int	log_verbosity(void);
void	log_set_level(int level);
int	log_level(void);
/* log_level_parse(s): the level named ${s} ("error", "warning", "notice",
 * "info", "debug"), or -1. */
int	log_level_parse(const char *s);
/* log_level_name(level): "error" ... "debug" ("" for others). */
const char *log_level_name(int level);
/* log_to_journal(): are lines written with <N> journal prefixes? */
int	log_to_journal(void);

void	log_msg(int level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
