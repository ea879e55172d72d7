/*
 * inspect_doc.c - files in request bodies for the inspector: one detector
 * stream per member, the alert context, the per-flow caps.
 */
#include <stdio.h>
#include <string.h>

#include "dlp/dlp.h"
#include "dlp/inspect_doc.h"
#include "output/event.h"

static void
on_member(void *arg, const char *type, const char *member)
{
	struct insp_doc *d = arg;

	d->ops->restart(d->arg);	/* one detector stream per member */
	snprintf(d->type, sizeof(d->type), "%s", type);
	snprintf(d->member, sizeof(d->member), "%s", member);
	d->hint = (uint8_t)(d->doc.code ||
	    (member[0] != '\0' && doc_is_code_name(member, NULL)));
	d->ctx = 1;
}

static void
on_text(void *arg, const uint8_t *p, size_t n)
{
	struct insp_doc *d = arg;

	d->ops->text(d->arg, p, n);
}

static void
on_problem(void *arg, enum doc_problem pb, const char *detail)
{
	struct insp_doc *d = arg;
	char buf[300];

	if (d->vis >= IDOC_VIS)
		return;
	d->vis++;
	snprintf(buf, sizeof(buf), "%s (%s): %s: %s", d->file[0] ? d->file :
	    "unnamed file", doc_type_name(d->doc.type), doc_problem_name(pb),
	    detail);
	d->ops->problem(d->arg, buf);
}

static void
name_found(void *arg, const struct dlp_finding *fd)
{
	(void)fd;
	*(int *)arg = 1;
}

/* The file name for alerts: masked (extension kept) when the name itself
 * holds a finding, e.g. "BSN 999964070.docx" -> "*************.docx". */
static void
set_name(struct insp_doc *d, const char *name)
{
	struct dlp_stream st;
	char *dot, *c;
	int hit = 0;

	snprintf(d->file, sizeof(d->file), "%s", name != NULL ? name : "");
	if (d->file[0] == '\0' || d->eng == NULL)
		return;
	dlp_stream_init(&st);
	dlp_scan(d->eng, &st, d->file, strlen(d->file), name_found, &hit);
	dlp_stream_end(d->eng, &st, name_found, &hit);
	if (!hit)
		return;
	dot = strrchr(d->file, '.');
	for (c = d->file; *c != '\0' && c != dot; c++)
		*c = '*';
}

void
idoc_init(struct insp_doc *d, uint8_t *arena, const struct insp_doc_ops *ops,
    void *arg, struct doc_stats *stats)
{
	/* The decoder's 16 KB output buffer is scratch (only [0, on) is
	 * ever read): not zeroed per flow, which cost ~10k instructions
	 * for each inspected flow. */
	memset(&d->doc, 0, offsetof(struct doc_dec, obuf));
	memset((char *)d + offsetof(struct insp_doc, ops), 0,
	    offsetof(struct insp_doc, file) - offsetof(struct insp_doc, ops));
	d->arena = arena;
	d->ops = ops;
	d->arg = arg;
	d->stats = stats;
	d->file[0] = d->type[0] = d->member[0] = '\0';
	d->out = 0;
	d->on = d->ctx = d->hint = d->vis = 0;
}

void
idoc_start(struct insp_doc *d, const char *name, const char *ctype, int flags)
{
	struct doc_cb cb = { on_member, on_text, on_problem, NULL };

	idoc_stop(d);
	d->ops->restart(d->arg);
	cb.arg = d;
	doc_begin(&d->doc, name, ctype, flags, d->arena, IDOC_ARENA, &cb,
	    d->stats);
	doc_set_cap(&d->doc, d->out < IDOC_OUT ? IDOC_OUT - d->out : 1);
	set_name(d, name);
	d->type[0] = d->member[0] = '\0';
	d->ctx = 0;
	d->on = 1;
}

/* Does [b, e) end in a file extension: 1-5 characters, a letter among
 * them ("report.pdf", not "gpt-4.1" or "v1")? */
static int
ext_ok(const char *b, const char *e)
{
	const char *dot = NULL, *c;
	int alpha = 0;

	for (c = b; c < e; c++)
		if (*c == '.')
			dot = c;
	if (dot == NULL || dot == b || e - dot < 2 || e - dot > 6)
		return 0;
	for (c = dot + 1; c < e; c++) {
		if ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z')
			alpha = 1;
		else if (*c < '0' || *c > '9')
			return 0;
	}
	return alpha;
}

/* The last path segment of the request target, when it looks like a file
 * name ("/upload/report.pdf?x=1" -> "report.pdf"). */
void
idoc_raw(struct insp_doc *d, const char *uri, const char *ctype)
{
	const char *b = uri, *e = uri + strcspn(uri, "?#"), *sl;
	char name[DOC_NAME_MAX];

	name[0] = '\0';
	for (sl = b; sl < e; sl++)
		if (*sl == '/')
			b = sl + 1;
	if (e - b >= 3 && (size_t)(e - b) < sizeof(name) && ext_ok(b, e)) {
		memcpy(name, b, (size_t)(e - b));
		name[e - b] = '\0';
	}
	idoc_start(d, name, ctype, 0);
}

void
idoc_sink(void *arg, const uint8_t *p, size_t n)
{
	struct insp_doc *d = arg;

	if (d->on && d->ops->more(d->arg))
		doc_feed(&d->doc, p, n);
}

void
idoc_stop(struct insp_doc *d)
{
	if (!d->on)
		return;
	doc_end(&d->doc);
	d->out += d->doc.out_bytes;
	d->on = 0;
	d->ops->restart(d->arg);
	d->ctx = 0;
	d->hint = 0;
}

int
idoc_code_hint(const struct insp_doc *d)
{
	return d->ctx && d->hint;
}

void
idoc_alert(const struct insp_doc *d, struct alert_info *a)
{
	if (!d->ctx || (d->file[0] == '\0' && strcmp(d->type, "text") == 0))
		return;
	snprintf(a->doc_file, sizeof(a->doc_file), "%s", d->file);
	snprintf(a->doc_type, sizeof(a->doc_type), "%s", d->type);
	snprintf(a->doc_member, sizeof(a->doc_member), "%s", d->member);
}

static int
hk_begin(void *arg, const char *name, const char *ctype, int base64)
{
	idoc_start(arg, name, ctype, base64 ? DOC_F_BASE64 : 0);
	return 1;
}

static void
hk_end(void *arg)
{
	idoc_stop(arg);
}

const struct body_doc_hook idoc_hook = { hk_begin, idoc_sink, hk_end };
