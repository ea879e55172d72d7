/*
 * dash.h - what the dashboard's files share: the process-wide context
 * (sensor databases, state database, settings), one request and its
 * response, and the entry points of httpd.c, auth.c and api.c.
 */
#ifndef DASH_H
#define DASH_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define DASH_MAX_DB	8
#define DASH_VERSION	"0.1.0"

struct store;
struct state;

struct dash {
	struct store	*db[DASH_MAX_DB];
	char		 sensor[DASH_MAX_DB][64];
	char		 dbpath[DASH_MAX_DB][512];
	pthread_mutex_t	 dbmu[DASH_MAX_DB];
	int		 ndb;
	struct state	*st;
	int		 tls;
	const char	*webroot, *chartjs;
	uint64_t	 idle_us, absolute_us;
	/* counters for /metrics */
	uint64_t	 requests, refused, logins, login_failures;
};

enum role { ROLE_NONE = 0, ROLE_VIEWER, ROLE_ANALYST, ROLE_PRIVACY,
	ROLE_ADMIN };

struct req {
	struct dash	*d;
	void		*conn;		/* struct MHD_Connection */
	const char	*url, *method;
	char		 src[64];
	char		 sid[80];
	char		 user[64], role_name[32], csrf[80];
	enum role	 role;
	char		*body;
	size_t		 blen;
};

struct resp {
	int		 status;
	char		*body;		/* malloc'd */
	size_t		 len;
	const char	*ctype;
	char		 cookie[256];
	char		 disposition[128];
};

uint64_t	now_us(void);
enum role	role_of(const char *name);
/* arg(r, name): a query-string argument or NULL. */
const char	*arg(struct req *r, const char *name);
/* form(r, name, buf, len): a urlencoded body field; 0 or -ENOENT. */
int		 form(struct req *r, const char *name, char *buf, size_t len);
int		 resp_json(struct resp *p, int status, const char *json);
int		 resp_error(struct resp *p, int status, const char *msg);
/* resp_err(p, status, code, detail): {"error": CODE, "detail": TEXT}; the
 * UI shows its own nl/en text for CODE, the detail only as a tooltip. */
int		 resp_err(struct resp *p, int status, const char *code,
		    const char *detail);

int	httpd_run(struct dash *d, const char *listen, const char *cert,
	    const char *key, int insecure);

/* auth.c: login/logout/session routes and the session check. */
int	auth_route(struct req *r, struct resp *p);	/* 1 when handled */
int	auth_session(struct req *r);			/* 0 when logged in */
int	auth_csrf_ok(struct req *r);
void	auth_token(char *hex, size_t len);		/* 32 random bytes */

/* api.c: /api/v1/... and /metrics for a logged-in request. */
int	api_route(struct req *r, struct resp *p);	/* 1 when handled */

#endif
