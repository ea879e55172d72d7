/*
 * minimise.h - evidence minimisation shared by every output (EVE and the
 * store): URLs without query string, user agents reduced to a family,
 * device names in mDNS/LLMNR withheld.  One implementation, so EVE in
 * pseudonym mode and the SQLite tables can never disagree
 * (docs/PRIVACY.md, "Minimisation").
 */
#ifndef ST_MINIMISE_H
#define ST_MINIMISE_H

#include <stddef.h>

#define MIN_UA_MAX	64	/* room for a user-agent family */
#define MIN_WITHHELD	"withheld"

/*
 * min_url(u, keep, buf, len):
 * ${u} without its query string and fragment (scheme, host and path stay),
 * or ${u} itself when ${keep} or when there is none.  The result is ${u}
 * or ${buf} (truncated to ${len} - 1 bytes).
 */
const char *min_url(const char *u, int keep, char *buf, size_t len);

/*
 * min_ua(ua, full, buf, len):
 * The family of a user agent: "Chrome 131", "Firefox 133", "Edge 131",
 * "Opera 114", "Safari 17", else the first product token with its major
 * version ("curl 8", "python-requests 2").  ${ua} itself when ${full} or
 * empty.  ${len} >= MIN_UA_MAX keeps every family whole.
 */
const char *min_ua(const char *ua, int full, char *buf, size_t len);

/*
 * min_devname(name, port, buf, len):
 * A DNS name as it may be recorded when clients are pseudonymous.  In
 * multicast DNS (${port} 5353, or a name under .local) and LLMNR (${port}
 * 5355) the labels that are not service labels ("_airplay", "_tcp") are
 * chosen by people ("Janes-iPhone", "Jan's MacBook Pro") and are replaced by
 * "withheld": "Janes-iPhone.local" -> "withheld.local",
 * "Jan._airplay._tcp.local" -> "withheld._airplay._tcp.local", "JANES-PC"
 * (LLMNR) -> "withheld".  Reverse names (.arpa) and every other name are
 * returned as given.  Returns ${name} or ${buf}.
 */
const char *min_devname(const char *name, unsigned port, char *buf,
	    size_t len);

/* min_is_mdns(name, port): does min_devname treat ${name} as mDNS/LLMNR? */
int	min_is_mdns(const char *name, unsigned port);

#endif
