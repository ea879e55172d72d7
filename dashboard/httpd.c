/*
 * httpd.c - the HTTP side: libmicrohttpd with its internal thread pool,
 * connection limits and timeouts, optional TLS; request bodies bounded;
 * static files from the web root and Chart.js from Debian's path; the
 * security headers on every response; the login wall in front of every
 * route but the login page, static assets and /healthz.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/json.h"
#include "common/str.h"
#include "dash.h"
#include "formdec.h"

#define BODY_MAX	16384

static volatile sig_atomic_t stop;

uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

enum role
role_of(const char *n)
{
	if (strcmp(n, "viewer") == 0)
		return ROLE_VIEWER;
	if (strcmp(n, "analyst") == 0)
		return ROLE_ANALYST;
	if (strcmp(n, "privacy_officer") == 0)
		return ROLE_PRIVACY;
	if (strcmp(n, "admin") == 0)
		return ROLE_ADMIN;
	return ROLE_NONE;
}

const char *
arg(struct req *r, const char *name)
{
	const char *v;

	v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

int
form(struct req *r, const char *name, char *buf, size_t len)
{
	return form_field(r->body, r->blen, name, buf, len);
}

int
resp_json(struct resp *p, int status, const char *json)
{
	p->status = status;
	p->len = strlen(json);
	p->body = strdup(json);
	p->ctype = "application/json; charset=utf-8";
	return 0;
}

int
resp_error(struct resp *p, int status, const char *msg)
{
	char b[512];

	snprintf(b, sizeof(b), "{\"error\":\"%s\"}", msg);	/* fixed text */
	return resp_json(p, status, b);
}

int
resp_err(struct resp *p, int status, const char *code, const char *detail)
{
	char b[768];
	struct jb j;

	jb_init(&j, b, sizeof(b));
	jb_obj_open(&j, NULL);
	jb_str(&j, "error", code);
	jb_str(&j, "detail", detail ? detail : code);
	jb_obj_close(&j);
	if (jb_finish(&j) == 0)
		snprintf(b, sizeof(b), "{\"error\":\"internal\"}");
	return resp_json(p, status, b);
}

static const struct { const char *ext, *type; } types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
};

/* serve_file: a regular file under a root; names are checked first. */
static int
serve_file(struct resp *p, const char *root, const char *name)
{
	char path[1024];
	struct stat sb;
	size_t i, n = strlen(name);
	int fd;
	ssize_t got;

	if (n == 0 || n > 128 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n || name[0] == '.')
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", root, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -ENOENT;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > 8 * 1024 * 1024 ||
	    (p->body = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return -ENOENT;
	}
	got = read(fd, p->body, (size_t)sb.st_size);
	close(fd);
	if (got != sb.st_size) {
		free(p->body);
		p->body = NULL;
		return -EIO;
	}
	p->len = (size_t)got;
	p->status = 200;
	p->ctype = "application/octet-stream";
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t el = strlen(types[i].ext);
		if (n > el && strcmp(name + n - el, types[i].ext) == 0)
			p->ctype = types[i].type;
	}
	return 0;
}

static void
route(struct req *r, struct resp *p)
{
	struct dash *d = r->d;
	const char *u = r->url;

	if (strcmp(u, "/healthz") == 0) {
		resp_json(p, 200, "{\"status\":\"ok\"}");
		return;
	}
	if (strcmp(u, "/") == 0)
		u = "/index.html";
	if (strcmp(r->method, "GET") == 0 && strncmp(u, "/api/", 5) != 0 &&
	    strcmp(u, "/metrics") != 0) {
		if (strncmp(u, "/vendor/", 8) == 0) {
			if (strcmp(u + 8, "chart.umd.js") == 0 &&
			    serve_file(p, d->chartjs, "chart.min.js") == 0)
				return;
		} else if (strchr(u + 1, '/') == NULL &&
		    serve_file(p, d->webroot, u + 1) == 0)
			return;
		resp_error(p, 404, "not found");
		return;
	}
	if (auth_route(r, p))
		return;
	if (auth_session(r) != 0) {
		__atomic_add_fetch(&d->refused, 1, __ATOMIC_RELAXED);
		resp_error(p, 401, "login required");
		return;
	}
	if (strcmp(r->method, "GET") != 0 && !auth_csrf_ok(r)) {
		__atomic_add_fetch(&d->refused, 1, __ATOMIC_RELAXED);
		resp_error(p, 403, "CSRF token missing or wrong");
		return;
	}
	if (!api_route(r, p))
		resp_error(p, 404, "not found");
}

struct conn_ctx {
	char	*body;
	size_t	 len;
	int	 toolarge;
};

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **con_cls)
{
	struct dash *d = cls;
	struct conn_ctx *cc = *con_cls;
	struct req r;
	struct resp p;
	struct MHD_Response *mr;
	const union MHD_ConnectionInfo *ci;
	enum MHD_Result ret;

	(void)version;
	if (cc == NULL) {
		if ((cc = calloc(1, sizeof(*cc))) == NULL)
			return MHD_NO;
		*con_cls = cc;
		return MHD_YES;
	}
	if (*size) {
		if (cc->len + *size > BODY_MAX)
			cc->toolarge = 1;
		else {
			char *nb = realloc(cc->body, cc->len + *size + 1);
			if (nb == NULL)
				return MHD_NO;
			memcpy(nb + cc->len, data, *size);
			cc->body = nb;
			cc->len += *size;
			cc->body[cc->len] = '\0';
		}
		*size = 0;
		return MHD_YES;
	}
	__atomic_add_fetch(&d->requests, 1, __ATOMIC_RELAXED);
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.d = d;
	r.conn = c;
	r.url = url;
	r.method = method;
	r.body = cc->body;
	r.blen = cc->len;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->
			    sin_addr, r.src, sizeof(r.src));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->
			    sin6_addr, r.src, sizeof(r.src));
	}
	if (cc->toolarge)
		resp_error(&p, 413, "request body too large");
	else
		route(&r, &p);
	mr = MHD_create_response_from_buffer(p.len, p.body ? p.body : (void *)"",
	    p.body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (mr == NULL) {
		free(p.body);
		return MHD_NO;
	}
	MHD_add_response_header(mr, "Content-Type", p.ctype ? p.ctype :
	    "text/plain");
	MHD_add_response_header(mr, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data:; object-src 'none';"
	    " base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
	MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(mr, "Cache-Control", "no-store");
	if (d->tls)
		MHD_add_response_header(mr, "Strict-Transport-Security",
		    "max-age=31536000");
	if (p.cookie[0])
		MHD_add_response_header(mr, "Set-Cookie", p.cookie);
	if (p.disposition[0])
		MHD_add_response_header(mr, "Content-Disposition",
		    p.disposition);
	ret = MHD_queue_response(c, (unsigned)p.status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *cc = *con_cls;

	(void)cls; (void)c; (void)toe;
	if (cc) {
		free(cc->body);
		free(cc);
	}
	*con_cls = NULL;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static char *
slurp(const char *path)
{
	FILE *f;
	char *b;
	long n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1 << 20 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = calloc(1, (size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* parse_listen("127.0.0.1:8080" | "[::1]:8080") into a sockaddr. */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, int *loopback)
{
	char host[128];
	const char *colon;
	long port;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if ((colon = strrchr(s, ':')) == NULL ||
	    (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port > 65535)
		return -EINVAL;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -EINVAL;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		return 0;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -EINVAL;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	return 0;
}

int
httpd_run(struct dash *d, const char *listen, const char *cert,
    const char *key, int insecure)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *md;
	char *certpem = NULL, *keypem = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	int loopback = 0;

	if (parse_listen(listen, &ss, &loopback) != 0) {
		fprintf(stderr, "shadowtap-dashboard: bad --listen %s\n", listen);
		return -EINVAL;
	}
	if ((cert == NULL) != (key == NULL)) {
		fprintf(stderr, "shadowtap-dashboard: --tls-cert and --tls-key"
		    " go together\n");
		return -EINVAL;
	}
	if (cert) {
		if ((certpem = slurp(cert)) == NULL ||
		    (keypem = slurp(key)) == NULL) {
			fprintf(stderr, "shadowtap-dashboard: cannot read TLS"
			    " certificate or key\n");
			free(certpem);
			return -EINVAL;
		}
		flags |= MHD_USE_TLS;
		d->tls = 1;
	} else if (!loopback && !insecure) {
		fprintf(stderr, "shadowtap-dashboard: refusing to listen on"
		    " non-loopback %s without TLS (give --tls-cert/--tls-key,"
		    " or --insecure)\n", listen);
		return -EPERM;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	md = MHD_start_daemon(flags, 0, NULL, NULL, handler, d,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)128,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)32,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, certpem,
	    MHD_OPTION_HTTPS_MEM_KEY, keypem,
	    MHD_OPTION_END);
	if (md == NULL) {
		fprintf(stderr, "shadowtap-dashboard: cannot listen on %s\n",
		    listen);
		free(certpem);
		free(keypem);
		return -EADDRINUSE;
	}
	fprintf(stderr, "shadowtap-dashboard: serving %s://%s/\n",
	    d->tls ? "https" : "http", listen);
	while (!stop)
		pause();
	MHD_stop_daemon(md);
	free(certpem);
	free(keypem);
	return 0;
}
