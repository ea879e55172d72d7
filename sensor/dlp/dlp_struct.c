/*
 * dlp_struct.c - detectors that are state machines over the stream rather
 * than regexes: PEM/OpenSSH private-key blocks of any length, and source
 * code recognised by the density of code structure per line.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dlp/dlp_int.h"

#define FNV_OFF		0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define PEM_MAX_BODY	(1u << 20)	/* give up on longer bodies */
#define PEM_END_LINE	100		/* "-----END ... KEY-----" length cap */

enum { PEM_IDLE, PEM_BODY, PEM_END };

static int
b64_char(int c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=';
}

/*
 * dlp_pem_begin(st, det, start, body, hdr, hlen):
 * A "-----BEGIN ... PRIVATE KEY-----" header ${hdr} was matched at stream
 * offset ${start}; the body starts at ${body}.
 */
void
dlp_pem_begin(struct dlp_stream *st, int det, uint64_t start, uint64_t body,
    const uint8_t *hdr, size_t hlen)
{
	size_t i = 10, n = 0;		/* skip "-----BEGIN" */

	st->pem_state = PEM_BODY;
	st->pem_det = (uint16_t)det;
	st->pem_start = start;
	st->pem_done = body;
	st->pem_hash = FNV_OFF;
	st->pem_b64 = 0;
	st->pem_bad = 0;
	while (i < hlen && hdr[i] == ' ')
		i++;
	while (i < hlen && n < sizeof(st->pem_label) - 1 &&
	    (isupper(hdr[i]) || isdigit(hdr[i]) || hdr[i] == ' ')) {
		if (strncmp((const char *)hdr + i, "PRIVATE", 7) == 0 ||
		    (hdr[i] == ' ' && strncmp((const char *)hdr + i, " PRIVATE", 8) == 0))
			break;
		st->pem_label[n++] = (char)hdr[i++];
	}
	st->pem_label[n] = '\0';
}

static int
pem_finish(struct dlp_engine *e, struct dlp_stream *st, uint64_t end,
    struct dlp_finding *f)
{
	const struct dlp_det *d = &e->det[st->pem_det];
	uint8_t v[12];

	st->pem_state = PEM_IDLE;
	if (st->pem_b64 < 64 || st->pem_bad)
		return 0;
	memset(f, 0, sizeof(*f));
	f->cls = d->cls;
	f->detector = d->id;
	f->confidence = d->conf;
	f->offset = st->pem_start;
	f->length = (uint32_t)(end - st->pem_start);
	snprintf(f->evidence, sizeof(f->evidence),
	    "-----BEGIN %s%sPRIVATE KEY----- [%u base64 chars]", st->pem_label,
	    st->pem_label[0] ? " " : "", st->pem_b64);
	memcpy(v, &st->pem_hash, 8);
	memcpy(v + 8, &st->pem_b64, 4);
	dlp_fingerprint(e, v, sizeof(v), f->fp);
	return 1;
}

/* END state at s[i]: look for the closing "KEY-----" on this line.
 * Returns 1 finding, 0 gave up, -1 need more data. */
static int
pem_end(struct dlp_engine *e, struct dlp_stream *st, const uint8_t *s,
    size_t len, size_t i, uint64_t base, int final, struct dlp_finding *f)
{
	size_t j;

	for (j = i; j < len && j < i + PEM_END_LINE; j++) {
		if (s[j] == '\n')
			break;
		if (j + 5 <= len && memcmp(s + j, "-----", 5) == 0) {
			if ((j >= i + 3 && memcmp(s + j - 3, "KEY", 3) == 0) ||
			    (j >= i + 9 && memcmp(s + j - 9, "KEY BLOCK", 9) == 0))
				return pem_finish(e, st, base + j + 5, f);
			break;
		}
	}
	if (j >= len && !final && j < i + PEM_END_LINE)
		return -1;
	st->pem_state = PEM_IDLE;
	return 0;
}

/*
 * dlp_pem_feed(e, st, s, len, base, final, f):
 * Continue a key body over subject ${s} (stream offset ${base}).  Returns
 * 1 with ${f} filled when a valid block ended, else 0.
 */
int
dlp_pem_feed(struct dlp_engine *e, struct dlp_stream *st, const uint8_t *s,
    size_t len, uint64_t base, int final, struct dlp_finding *f)
{
	size_t i;
	int rc;

	if (st->pem_state == PEM_IDLE || st->pem_done > base + len)
		return 0;
	i = st->pem_done > base ? (size_t)(st->pem_done - base) : 0;
	for (; i < len && st->pem_state == PEM_BODY; i++) {
		int c = s[i];

		if (b64_char(c)) {
			st->pem_b64++;
			st->pem_hash = (st->pem_hash ^ (uint64_t)c) * FNV_PRIME;
		} else if (c == '-') {
			if (i + 8 > len && !final)
				break;
			if (i + 8 <= len && memcmp(s + i, "-----END", 8) == 0) {
				st->pem_state = PEM_END;
				i += 7;
			}
		} else if (c == '<' || c == '>' || c == '.' || c == '*' ||
		    c == '{' || c == '}' || c == '$' || c >= 0x80 ||
		    (c < 0x20 && c != '\n' && c != '\r' && c != '\t'))
			st->pem_bad = 1;
		if (st->pem_b64 > PEM_MAX_BODY) {
			st->pem_state = PEM_IDLE;
			return 0;
		}
	}
	st->pem_done = base + i;
	if (st->pem_state == PEM_END) {
		rc = pem_end(e, st, s, len, i, base, final, f);
		return rc > 0;
	}
	if (final)
		st->pem_state = PEM_IDLE;	/* no END line: not a key */
	return 0;
}

/* Lower-case first tokens that start a line of code. */
static const char *const code_kw[] = { "#include", "#define", "#if", "#ifdef",
	"#endif", "#pragma", "def", "class", "return", "import", "from", "func",
	"function", "public", "private", "static", "const", "let", "var", "if",
	"for", "while", "else", "elif", "try", "catch", "except", "package",
	"use", "using", "int", "void", "char", "struct", "fn", "export", "async",
	"switch", "case", "break", "end", "enum", "typedef", "local", "pub",
	"impl", "package", "namespace", "begin", "select", "with", NULL };

static int
code_kw_line(const struct dlp_stream *st)
{
	size_t n = st->code_tok_len & 0x7f, k;
	int i;

	for (i = 0; code_kw[i] != NULL; i++) {
		k = strlen(code_kw[i]);
		if (k > sizeof(st->code_tok))
			k = sizeof(st->code_tok);
		if (k == n && memcmp(code_kw[i], st->code_tok, n) == 0)
			return 1;
	}
	return 0;
}

static void
code_eol(struct dlp_stream *st)
{
	int score = 0;

	if (st->code_first != 0) {
		st->code_lines++;
		if (strchr(";{}", st->code_last) != NULL)
			score += 2;
		else if (strchr(")(,[", st->code_last) != NULL)
			score++;
		if (code_kw_line(st) || st->code_first == '}')
			score += 2;
		if (st->code_punct >= 3)
			score++;
		if (st->code_ind >= 2)
			score++;
		if (score >= 2)
			st->code_hits++;
	}
	st->code_first = st->code_last = 0;
	st->code_ind = st->code_punct = st->code_tok_len = 0;
}

/*
 * dlp_code_feed(e, st, p, n):
 * Per-line statistics over the first `window` bytes of the stream: the
 * last character, a leading keyword, punctuation density, indentation.
 */
void
dlp_code_feed(struct dlp_engine *e, struct dlp_stream *st, const uint8_t *p,
    size_t n)
{
	const struct dlp_det *d;
	size_t i;

	if (e->code_det < 0 || (st->flags & DLP_ST_CODE_DONE))
		return;
	d = &e->det[e->code_det];
	if (st->code_bytes + n > (uint64_t)d->window)
		n = (size_t)d->window - st->code_bytes;
	for (i = 0; i < n; i++) {
		int c = p[i];

		st->code_hash = (st->code_hash ^ (uint64_t)c) * FNV_PRIME;
		if (c == '\n') {
			code_eol(st);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			if (st->code_first == 0 && st->code_ind < 200)
				st->code_ind += c == '\t' ? 4 : (c == ' ');
			else if (st->code_first != 0)
				st->code_tok_len |= 0x80;	/* token closed */
			continue;
		}
		if (st->code_first == 0)
			st->code_first = (uint8_t)c;
		if (!(st->code_tok_len & 0x80)) {
			if (islower(c) || (c == '#' && st->code_tok_len == 0)) {
				if (st->code_tok_len < sizeof(st->code_tok))
					st->code_tok[st->code_tok_len++] = (char)c;
			} else
				st->code_tok_len |= 0x80;
		}
		st->code_last = (uint8_t)c;
		if (strchr("{}();=[]<>", c) != NULL && st->code_punct < 255)
			st->code_punct++;
	}
	st->code_bytes += (uint32_t)n;
}

/*
 * dlp_code_decide(e, st, f):
 * Decide once: returns 1 with ${f} filled when the analysed bytes are
 * mostly code-like lines, above the size floor.
 */
void
dlp_stream_set_code_hint(struct dlp_stream *st)
{
	st->flags |= DLP_ST_CODE_HINT;
}

int
dlp_code_decide(struct dlp_engine *e, struct dlp_stream *st,
    struct dlp_finding *f)
{
	const struct dlp_det *d;
	uint32_t pct;

	if (e->code_det < 0 || (st->flags & DLP_ST_CODE_DONE))
		return 0;
	st->flags |= DLP_ST_CODE_DONE;
	d = &e->det[e->code_det];
	code_eol(st);
	if (st->flags & DLP_ST_CODE_HINT) {
		/* Named or typed as code: a small file is enough. */
		if (st->code_bytes < (uint32_t)d->min_bytes / 8 ||
		    st->code_lines < 5)
			return 0;
		pct = st->code_hits * 100 / st->code_lines;
		if (pct < 35)
			return 0;
	} else {
		if (st->code_bytes < (uint32_t)d->min_bytes ||
		    st->code_lines < (uint32_t)d->min_lines)
			return 0;
		pct = st->code_hits * 100 / st->code_lines;
		if (pct < 50)
			return 0;
	}
	memset(f, 0, sizeof(*f));
	f->cls = d->cls;
	f->detector = d->id;
	f->confidence = pct >= 70 && st->code_lines >= 20 ? d->kw_conf : d->conf;
	if ((st->flags & DLP_ST_CODE_HINT) && pct >= 50)
		f->confidence = d->kw_conf;
	f->offset = 0;
	f->length = st->code_bytes;
	snprintf(f->evidence, sizeof(f->evidence),
	    "%u of %u lines code-like in the first %u bytes", st->code_hits,
	    st->code_lines, st->code_bytes);
	dlp_fingerprint(e, &st->code_hash, sizeof(st->code_hash), f->fp);
	return 1;
}
