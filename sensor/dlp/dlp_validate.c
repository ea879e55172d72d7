/*
 * dlp_validate.c - validators run on a regex match: checksums (elfproef,
 * mod 97, Luhn, GitHub CRC32), entropy and placeholder tests, and the
 * confidence rules of dlp-detectors.md that depend on the value's shape.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "dlp/dlp_int.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return isalnum(c) != 0;
}

static int
not_space(int c)
{
	return c != ' ' && c != '\t' && c != '\r' && c != '\n';
}

/* Copy the value into v->norm keeping bytes for which keep() holds,
 * upper-cased when ${up}.  Returns the length. */
static size_t
norm_copy(struct dlp_vctx *v, int (*keep)(int), int up)
{
	size_t i, n = 0;

	for (i = v->vs; i < v->ve && n < DLP_NORM_MAX - 1; i++) {
		int c = v->s[i];

		if (keep != NULL && !keep(c))
			continue;
		v->norm[n++] = (char)(up ? toupper(c) : c);
	}
	v->norm[n] = '\0';
	v->nlen = n;
	return n;
}

static int
all_same(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

static int
num_n(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* dlp_elfproef(d9): the BSN weighted sum of 9 digits, mod 11. */
int
dlp_elfproef(const char *d9)
{
	int i, sum = 0;

	for (i = 0; i < 8; i++)
		sum += (9 - i) * (d9[i] - '0');
	sum -= d9[8] - '0';
	return ((sum % 11) + 11) % 11;
}

static int
is_date8(const char *d)
{
	int a = num_n(d, 4), b = num_n(d + 4, 2), c = num_n(d + 6, 2);

	if (a >= 1900 && a <= 2099 && b >= 1 && b <= 12 && c >= 1 && c <= 31)
		return 1;
	a = num_n(d, 2), b = num_n(d + 2, 2), c = num_n(d + 4, 4);
	return a >= 1 && a <= 31 && b >= 1 && b <= 12 && c >= 1900 && c <= 2099;
}

/* Does the raw value use the 4.2.3 grouping (1234.56.789)? */
static int
grouped_423(const struct dlp_vctx *v)
{
	return v->ve - v->vs == 11 && !is_digit(v->s[v->vs + 4]) &&
	    !is_digit(v->s[v->vs + 7]);
}

/* NL-BSN / NL-FISCAAL: elfproef, stop-list, 8-digit rules. */
static int
v_elfproef(struct dlp_vctx *v)
{
	char d[10];

	norm_copy(v, is_digit, 0);
	if (v->nlen == 8) {
		if (is_date8(v->norm))
			return -1;
		d[0] = '0';
		memcpy(d + 1, v->norm, 8);
		memcpy(v->norm, d, 9);
		v->norm[9] = '\0';
		v->nlen = 9;
		v->conf = 0;		/* 8 digits: only with a keyword */
	} else if (v->nlen != 9)
		return -1;
	if (all_same(v->norm, 9) || dlp_elfproef(v->norm) != 0)
		return -1;
	if (strcmp(v->norm, "123456782") == 0 || strcmp(v->norm, "111222333") == 0)
		return -1;
	if (v->conf != 0 && grouped_423(v))
		v->conf = 75;
	return 0;
}

static const struct { char cc[3]; uint8_t len; } iban_len[] = {
	{"AD",24},{"AE",23},{"AL",28},{"AT",20},{"AZ",28},{"BA",20},{"BE",16},
	{"BG",22},{"BH",22},{"BR",29},{"BY",28},{"CH",21},{"CR",22},{"CY",28},
	{"CZ",24},{"DE",22},{"DK",18},{"DO",28},{"EE",20},{"EG",29},{"ES",24},
	{"FI",18},{"FO",18},{"FR",27},{"GB",22},{"GE",22},{"GI",23},{"GL",18},
	{"GR",27},{"GT",28},{"HR",21},{"HU",28},{"IE",22},{"IL",23},{"IQ",23},
	{"IS",26},{"IT",27},{"JO",30},{"KW",30},{"KZ",20},{"LB",28},{"LC",32},
	{"LI",21},{"LT",20},{"LU",20},{"LV",21},{"MC",27},{"MD",24},{"ME",22},
	{"MK",19},{"MR",27},{"MT",31},{"MU",30},{"NL",18},{"NO",15},{"PK",24},
	{"PL",28},{"PS",29},{"PT",25},{"QA",29},{"RO",24},{"RS",22},{"SA",24},
	{"SC",31},{"SE",24},{"SI",19},{"SK",24},{"SM",27},{"ST",25},{"SV",28},
	{"TL",23},{"TN",24},{"TR",26},{"UA",29},{"VA",22},{"VG",24},{"XK",20},
};

/* Running mod 97 over the decimal expansion of ${s} (letters 10..35). */
static unsigned
mod97_str(const char *s, size_t n, unsigned r)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (is_digit(c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else if (c >= 'A' && c <= 'Z')
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return 1000;
	}
	return r;
}

static size_t
iban_want(const char *cc)
{
	size_t i;

	for (i = 0; i < sizeof(iban_len) / sizeof(iban_len[0]); i++)
		if (memcmp(cc, iban_len[i].cc, 2) == 0)
			return iban_len[i].len;
	return 0;
}

/* dlp_iban_ok(iban, n): upper-case, no spaces; country length + mod 97. */
int
dlp_iban_ok(const char *iban, size_t n)
{
	if (n < 15 || iban_want(iban) != n)
		return 0;
	return mod97_str(iban, 4, mod97_str(iban + 4, n - 4, 0)) == 1;
}

static int
v_iban(struct dlp_vctx *v)
{
	static const char *stop[] = { "NL91ABNA0417164300",
	    "GB82WEST12345698765432", "DE89370400440532013000", NULL };
	size_t want, i, k;

	norm_copy(v, is_alnum, 1);
	/* A grouped IBAN followed by a word: the regex took the word as a
	 * group; cut the value at the country's length when a space is there. */
	if (v->nlen > 2 && (want = iban_want(v->norm)) != 0 && v->nlen > want) {
		for (i = v->vs, k = 0; i < v->ve && k < want; i++)
			k += is_alnum(v->s[i]) != 0;
		if (i < v->ve && v->s[i] == ' ') {
			v->ve = v->me = i;
			v->norm[want] = '\0';
			v->nlen = want;
		}
	}
	if (!dlp_iban_ok(v->norm, v->nlen))
		return -1;
	for (i = 0; stop[i] != NULL; i++)
		if (strcmp(v->norm, stop[(int)i]) == 0)
			return -1;
	return 0;
}

/* dlp_luhn_ok(d, n): ${n} ASCII digits pass the Luhn check. */
int
dlp_luhn_ok(const char *d, size_t n)
{
	int sum = 0, dbl = 0;
	size_t i;

	for (i = n; i-- > 0; dbl = !dbl) {
		int x = d[i] - '0';

		if (dbl && (x *= 2) > 9)
			x -= 9;
		sum += x;
	}
	return sum % 10 == 0;
}

static int
card_issuer_ok(const char *d)
{
	int p2 = num_n(d, 2), p3 = num_n(d, 3), p4 = num_n(d, 4);

	if (d[0] == '4')
		return 1;				/* Visa */
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return 1;				/* Mastercard */
	if (p2 == 34 || p2 == 37 || p2 == 36 || p2 == 38 || p2 == 62 ||
	    p2 == 65 || p2 == 50 || (p2 >= 56 && p2 <= 69))
		return 1;		/* Amex, Diners, UnionPay, Maestro, Discover */
	if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || (p3 >= 300 && p3 <= 305))
		return 1;
	return p4 >= 3528 && p4 <= 3589;		/* JCB */
}

/* An expiry date MM/YY (or MM/YYYY) near the match. */
static int
near_expiry(const struct dlp_vctx *v, size_t prox)
{
	size_t lo = v->ms > prox ? v->ms - prox : 0;
	size_t hi = v->me + prox < v->len ? v->me + prox : v->len;
	size_t i;

	for (i = lo + 1; i + 4 < hi; i++) {
		const uint8_t *p = v->s + i;

		if (p[2] != '/' || is_digit(p[-1]) || !is_digit(p[0]) ||
		    !is_digit(p[1]) || !is_digit(p[3]) || !is_digit(p[4]))
			continue;
		if (num_n((const char *)p, 2) >= 1 && num_n((const char *)p, 2) <= 12 &&
		    (i + 5 >= hi || !is_digit(p[5]) ||
		    (i + 7 < hi && is_digit(p[6]) && !is_digit(p[7]))))
			return 1;
	}
	return 0;
}

static int
v_luhn(struct dlp_vctx *v)
{
	norm_copy(v, is_digit, 0);
	if (v->nlen < 14 || v->nlen > 19 || all_same(v->norm, v->nlen))
		return -1;
	if (!card_issuer_ok(v->norm) || !dlp_luhn_ok(v->norm, v->nlen))
		return -1;
	if (near_expiry(v, (size_t)v->d->proximity))
		v->conf = 85;
	return 0;
}

/* NL-BTW-ID: NL + 9 digits + B + 2 digits; elfproef or mod 97-10. */
static int
v_btw(struct dlp_vctx *v)
{
	norm_copy(v, is_alnum, 1);
	if (v->nlen != 14 || v->norm[11] != 'B' || memcmp(v->norm + 12, "00", 2) == 0)
		return -1;
	if (dlp_elfproef(v->norm + 2) == 0)
		return 0;
	return mod97_str(v->norm, v->nlen, 0) == 1 ? 0 : -1;
}

/* A passport-style date "26 MAA/MAR 2012" near the match. */
static int
near_pp_date(const struct dlp_vctx *v, size_t prox)
{
	size_t lo = v->ms > prox ? v->ms - prox : 0;
	size_t hi = v->me + prox < v->len ? v->me + prox : v->len;
	size_t i;

	for (i = lo; i + 15 <= hi; i++) {
		const uint8_t *p = v->s + i;

		if (is_digit(p[0]) && is_digit(p[1]) && p[2] == ' ' &&
		    isupper(p[3]) && isupper(p[5]) && p[6] == '/' &&
		    isupper(p[7]) && isupper(p[9]) && p[10] == ' ' &&
		    is_digit(p[11]) && is_digit(p[14]))
			return 1;
	}
	return 0;
}

static int
v_docnum(struct dlp_vctx *v)
{
	norm_copy(v, is_alnum, 0);
	if (v->nlen != 9 || memchr(v->norm, 'O', 9) != NULL)
		return -1;
	if (near_pp_date(v, (size_t)v->d->proximity))
		v->kw_conf = 85;
	return 0;
}

static int
v_drivers(struct dlp_vctx *v)
{
	norm_copy(v, is_digit, 0);
	if (v->nlen != 10 || v->norm[0] == '0' || all_same(v->norm, v->nlen))
		return -1;
	return 0;
}

/* dlp_entropy(s, n): Shannon entropy in bits per byte. */
double
dlp_entropy(const char *s, size_t n)
{
	unsigned cnt[256] = { 0 };
	double h = 0;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		cnt[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++)
		if (cnt[i] != 0) {
			double p = (double)cnt[i] / (double)n;

			h -= p * log2(p);
		}
	return h;
}

/* dlp_placeholder(s, n): documentation values and template holes. */
int
dlp_placeholder(const char *s, size_t n)
{
	static const char *bad[] = { "xxxx", "****", "....", "<", ">", "${",
	    "{{", "example", "changeme", "redacted", "placeholder", "your_",
	    "your-", "insert", "dummy", NULL };
	char low[DLP_NORM_MAX];
	size_t i;
	int k;

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[n] = '\0';
	for (k = 0; bad[k] != NULL; k++)
		if (strstr(low, bad[k]) != NULL)
			return 1;
	return strcmp(low, "password") == 0 || strcmp(low, "wachtwoord") == 0 ||
	    strcmp(low, "secret") == 0;
}

static int
has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_digit((unsigned char)s[i]))
			return 1;
	return 0;
}

/* Vendor secrets: entropy floor, digit rule, placeholders. */
static int
v_secret(struct dlp_vctx *v)
{
	norm_copy(v, NULL, 0);
	if (dlp_placeholder(v->norm, v->nlen))
		return -1;
	if (v->d->entropy > 0 && dlp_entropy(v->norm, v->nlen) < v->d->entropy)
		return -1;
	if (v->d->need_digit && !has_digit(v->norm, v->nlen))
		return -1;
	return 0;
}

static int
v_aws_secret(struct dlp_vctx *v)
{
	size_t i;

	if (v_secret(v) != 0)
		return -1;
	for (i = 0; i < v->nlen; i++)
		if (!isxdigit((unsigned char)v->norm[i]) ||
		    isupper((unsigned char)v->norm[i]))
			return 0;
	return -1;			/* lower-case hex: a git SHA-1 */
}

/* dlp_github_crc_ok(tok, n): ghp_-style token whose last 6 characters are
 * the base62 CRC32 of the 30 random ones (community-documented). */
int
dlp_github_crc_ok(const char *tok, size_t n)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz";
	unsigned long crc;
	char enc[6];
	int i;

	if (n != 40 || tok[3] != '_')
		return 0;
	crc = crc32(0L, (const Bytef *)tok + 4, 30);
	for (i = 5; i >= 0; i--) {
		enc[i] = b62[crc % 62];
		crc /= 62;
	}
	return memcmp(enc, tok + 34, 6) == 0;
}

/* GitHub: the checksum raises confidence, it never rejects (reference). */
static int
v_github(struct dlp_vctx *v)
{
	if (v_secret(v) != 0)
		return -1;
	if (v->nlen == 40)
		v->conf = dlp_github_crc_ok(v->norm, v->nlen) ? 85 : 75;
	return 0;
}

static size_t
b64url_decode(const char *s, size_t n, char *out, size_t cap)
{
	uint32_t acc = 0;
	size_t o = 0, i;
	int bits = 0;

	for (i = 0; i < n && o < cap; i++) {
		int c = (unsigned char)s[i], x;

		if (c >= 'A' && c <= 'Z')
			x = c - 'A';
		else if (c >= 'a' && c <= 'z')
			x = c - 'a' + 26;
		else if (is_digit(c))
			x = c - '0' + 52;
		else if (c == '-' || c == '+')
			x = 62;
		else if (c == '_' || c == '/')
			x = 63;
		else
			break;
		acc = (acc << 6) | (uint32_t)x;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

/* JWT: header decodes to a JSON object with "alg"; expired -> 75. */
static int
v_jwt(struct dlp_vctx *v)
{
	char hdr[192], pay[192];
	const char *dot, *dot2, *exp;
	size_t hn, pn;

	if (v_secret(v) != 0)
		return -1;
	if ((dot = memchr(v->norm, '.', v->nlen)) == NULL)
		return -1;
	hn = b64url_decode(v->norm, (size_t)(dot - v->norm), hdr, sizeof(hdr) - 1);
	hdr[hn] = '\0';
	if (hn < 2 || hdr[0] != '{' || strstr(hdr, "\"alg\"") == NULL)
		return -1;
	dot2 = memchr(dot + 1, '.', v->nlen - (size_t)(dot + 1 - v->norm));
	pn = b64url_decode(dot + 1, dot2 ? (size_t)(dot2 - dot - 1) :
	    v->nlen - (size_t)(dot + 1 - v->norm), pay, sizeof(pay) - 1);
	pay[pn] = '\0';
	if ((exp = strstr(pay, "\"exp\":")) != NULL &&
	    strtoll(exp + 6, NULL, 10) < (long long)time(NULL))
		v->conf = 75;
	return 0;
}

/* Generic assignment: gitleaks generic-api-key rules plus ours. */
static int
v_generic(struct dlp_vctx *v)
{
	size_t i;
	double h;

	norm_copy(v, NULL, 0);
	if (dlp_placeholder(v->norm, v->nlen))
		return -1;
	for (i = 0; i < v->nlen; i++)
		if (!isalpha((unsigned char)v->norm[i]) && strchr("_.-", v->norm[i]) == NULL)
			break;
	if (i == v->nlen)
		return -1;		/* letters and _.- only: an identifier */
	if ((h = dlp_entropy(v->norm, v->nlen)) < 3.0)
		return -1;
	if (h < 3.5)
		v->conf = 65;
	return 0;
}

/* Password in a URL: not a placeholder; database schemes are high. */
static int
v_url_creds(struct dlp_vctx *v)
{
	static const char *db[] = { "postgres", "postgresql", "mysql", "mongodb",
	    "mongodb+srv", "redis", "amqp", "amqps", "mssql", "jdbc", NULL };
	const uint8_t *sch = v->s + v->ms;
	size_t sl = 0;
	int i;

	norm_copy(v, NULL, 0);
	if (dlp_placeholder(v->norm, v->nlen) || v->nlen < 3)
		return -1;
	while (v->ms + sl < v->me && sch[sl] != ':')
		sl++;
	for (i = 0; db[i] != NULL; i++)
		if (strlen(db[i]) == sl && strncasecmp((const char *)sch, db[i], sl) == 0)
			v->conf = 85;
	return 0;
}

static int
v_stripe(struct dlp_vctx *v)
{
	if (v_secret(v) != 0)
		return -1;
	if (strstr(v->norm, "_test_") != NULL)
		v->conf = 65;
	return 0;
}

/* Markings: normalise to upper case with single spaces. */
static void
norm_marking(struct dlp_vctx *v)
{
	size_t i, n = 0;
	int sp = 0;

	for (i = v->ms; i < v->me && n < DLP_NORM_MAX - 1; i++) {
		int c = v->s[i];

		if (c == ' ' || c == '\t') {
			sp = 1;
			continue;
		}
		if (sp && n > 0)
			v->norm[n++] = ' ';
		sp = 0;
		if (n < DLP_NORM_MAX - 1)
			v->norm[n++] = (char)toupper(c);
	}
	v->norm[n] = '\0';
	v->nlen = n;
}

static int
v_canonical(struct dlp_vctx *v, const char *pfx, const char *const *forms)
{
	size_t n = v->me - v->ms;
	int i;

	norm_marking(v);
	v->conf = 75;
	if (strncmp((const char *)v->s + v->ms, pfx, strlen(pfx)) != 0)
		return 0;
	for (i = 0; forms[i] != NULL; i++)
		if (strlen(forms[i]) == n && memcmp(v->s + v->ms, forms[i], n) == 0)
			v->conf = 85;
	return 0;
}

static int
v_stg(struct dlp_vctx *v)
{
	static const char *const f[] = { "Stg. ZEER GEHEIM", "Stg. GEHEIM",
	    "Stg. CONFIDENTIEEL", "STAATSGEHEIM - GEHEIM",
	    "STAATSGEHEIM - ZEER GEHEIM", "STAATSGEHEIM - CONFIDENTIEEL", NULL };

	return v_canonical(v, "S", f);
}

static int
v_depv(struct dlp_vctx *v)
{
	static const char *const f[] = { "Dep. VERTROUWELIJK",
	    "Departementaal VERTROUWELIJK", "DEP.VERTROUWELIJK",
	    "DEP. VERTROUWELIJK", NULL };

	return v_canonical(v, "D", f);
}

/* EU marking: French and English halves must name the same level. */
static int
v_eu_pair(struct dlp_vctx *v)
{
	static const char *fr[] = { "RESTREINT", "CONFIDENTIEL", "SECRET", "TR", NULL };
	static const char *en[] = { "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP", NULL };
	const char *f = (const char *)v->s + v->ms;
	const char *sl = memchr(f, '/', v->me - v->ms);
	const char *e;
	int i, a = -1, b = -1;

	if (sl == NULL)
		return -1;
	e = sl + 1;
	while (*e == ' ' || *e == '\t')
		e++;
	e += 2;					/* "EU" */
	while (*e == ' ' || *e == '\t')
		e++;
	for (i = 0; fr[i] != NULL; i++) {
		if (a < 0 && strncasecmp(f, fr[i], strlen(fr[i])) == 0)
			a = i;
		if (b < 0 && strncasecmp(e, en[i], strlen(en[i])) == 0)
			b = i;
	}
	if (a < 0 || a != b)
		return -1;
	norm_marking(v);
	return 0;
}

/* TLP: RED and AMBER+STRICT high, AMBER medium, the rest info only. */
static int
v_tlp(struct dlp_vctx *v)
{
	norm_marking(v);
	if (strstr(v->norm, "RED") != NULL || strstr(v->norm, "STRICT") != NULL)
		v->conf = 85;
	else if (strstr(v->norm, "AMBER") != NULL)
		v->conf = 75;
	else
		return -1;
	return 0;
}

static int
v_marking(struct dlp_vctx *v)
{
	norm_marking(v);
	return 0;
}

static int
v_none(struct dlp_vctx *v)
{
	norm_copy(v, not_space, 0);
	return 0;
}

const struct dlp_validator dlp_validators[] = {
	{ "none",		v_none },
	{ "elfproef",		v_elfproef },
	{ "iban",		v_iban },
	{ "luhn",		v_luhn },
	{ "btw",		v_btw },
	{ "document_number",	v_docnum },
	{ "drivers_license",	v_drivers },
	{ "secret",		v_secret },
	{ "aws_secret",		v_aws_secret },
	{ "github",		v_github },
	{ "jwt",		v_jwt },
	{ "generic_secret",	v_generic },
	{ "url_credentials",	v_url_creds },
	{ "stripe",		v_stripe },
	{ "stg",		v_stg },
	{ "depv",		v_depv },
	{ "eu_pair",		v_eu_pair },
	{ "tlp",		v_tlp },
	{ "marking",		v_marking },
	{ NULL,			NULL }
};

int
dlp_validator_lookup(const char *name)
{
	int i;

	for (i = 0; dlp_validators[i].name != NULL; i++)
		if (strcmp(dlp_validators[i].name, name) == 0)
			return i;
	return -1;
}
