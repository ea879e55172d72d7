/*
 * log.h - leveled logging to stderr (and syslog when daemonised).
 * log_warn appends strerror(errno); log_warnx does not.  fatal* exit(1).
 */
#ifndef ST_LOG_H
#define ST_LOG_H

#include <stdarg.h>

void	log_init(const char *progname, int verbosity);
int	log_verbosity(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
