/*
 * minimise.c - URL, user-agent and device-name minimisation (minimise.h).
 * Inputs are NUL-terminated strings the parsers already bounded; every
 * write into ${buf} is length-checked.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/minimise.h"

const char *
min_url(const char *u, int keep, char *buf, size_t len)
{
	size_t n;

	if (u == NULL || keep || len == 0)
		return u;
	n = strcspn(u, "?#");
	if (u[n] == '\0')
		return u;
	if (n >= len)
		n = len - 1;
	memcpy(buf, u, n);
	buf[n] = '\0';
	return buf;
}

/* "name/1.2.3" in ${ua}: "label 1" (major version only) into ${buf}. */
static int
ua_tok(const char *ua, const char *name, const char *label, char *buf,
    size_t len)
{
	const char *p = strstr(ua, name);
	size_t n;

	if (p == NULL)
		return 0;
	p += strlen(name);
	n = strspn(p, "0123456789");
	if (n > 6)
		n = 6;
	snprintf(buf, len, "%s%s%.*s", label, n ? " " : "", (int)n, p);
	return 1;
}

const char *
min_ua(const char *ua, int full, char *buf, size_t len)
{
	size_t n, v;

	if (ua == NULL || full || ua[0] == '\0' || len == 0)
		return ua;
	if (ua_tok(ua, "Edg/", "Edge", buf, len) ||
	    ua_tok(ua, "OPR/", "Opera", buf, len) ||
	    ua_tok(ua, "Firefox/", "Firefox", buf, len) ||
	    ua_tok(ua, "Chrome/", "Chrome", buf, len) ||
	    (strstr(ua, "Safari/") && ua_tok(ua, "Version/", "Safari", buf,
	    len)))
		return buf;
	n = strcspn(ua, "/ ;(");
	if (n > 32)
		n = 32;
	if (ua[n] == '/') {
		v = strspn(ua + n + 1, "0123456789");
		snprintf(buf, len, "%.*s%s%.*s", (int)n, ua, v ? " " : "",
		    (int)(v > 6 ? 6 : v), ua + n + 1);
	} else
		snprintf(buf, len, "%.*s", (int)n, ua);
	return buf;
}

/* Does ${name} end in label ${suf} (case-insensitive, trailing dot ok)? */
static int
ends_label(const char *name, const char *suf)
{
	size_t n = strlen(name), s = strlen(suf);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n < s || strncasecmp(name + n - s, suf, s) != 0)
		return 0;
	return n == s || name[n - s - 1] == '.';
}

int
min_is_mdns(const char *name, unsigned port)
{
	if (name == NULL || name[0] == '\0' || ends_label(name, "arpa"))
		return 0;
	return port == 5353 || port == 5355 || ends_label(name, "local");
}

const char *
min_devname(const char *name, unsigned port, char *buf, size_t len)
{
	const char *p, *e;
	size_t o = 0, n, w = strlen(MIN_WITHHELD);
	int changed = 0, last;

	if (!min_is_mdns(name, port) || len == 0)
		return name;
	for (p = name; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '.');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		last = *e == '\0' || e[1] == '\0';
		if (o > 0) {
			if (o + 1 >= len)
				break;
			buf[o++] = '.';
		}
		/* Service labels and the zone itself stay. */
		if (n == 0 || p[0] == '_' || (last && n == 5 &&
		    strncasecmp(p, "local", 5) == 0)) {
			if (o + n >= len)
				break;
			memcpy(buf + o, p, n);
			o += n;
		} else {
			changed = 1;
			if (o + w >= len)
				break;
			memcpy(buf + o, MIN_WITHHELD, w);
			o += w;
		}
	}
	buf[o < len ? o : len - 1] = '\0';
	return changed ? buf : name;
}
