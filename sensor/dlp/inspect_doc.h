/*
 * inspect_doc.h - the inspector's side of document extraction (issue 14):
 * for one scanned flow, the file being decoded (dlp/doc.h), its context
 * for alerts (file name, masked when the name is itself a finding;
 * container; member), the hook that takes files out of request bodies
 * (dlp/body.h), raw bodies as files, and the per-flow inflate budget.
 * inspect.c owns the detector stream: ops->restart() closes it when a new
 * member starts, ops->text() scans, ops->problem() emits the visibility
 * event.
 */
#ifndef ST_INSPECT_DOC_H
#define ST_INSPECT_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "dlp/body.h"
#include "dlp/doc.h"

#define IDOC_ARENA	(64u * 1024u)	/* zlib for documents, per slot */
#define IDOC_OUT	(64u << 20)	/* inflated document bytes per flow */
#define IDOC_VIS	8		/* visibility events per flow */

struct dlp_engine;
struct alert_info;

struct insp_doc_ops {
	void	(*restart)(void *arg);	/* close the detector stream */
	void	(*text)(void *arg, const uint8_t *p, size_t n);
	void	(*problem)(void *arg, const char *detail);
	int	(*more)(void *arg);	/* 0 once the scan budget is spent */
};

struct insp_doc {
	struct doc_dec	 doc;
	const struct insp_doc_ops *ops;
	void		*arg;
	struct doc_stats *stats;
	struct dlp_engine *eng;		/* for the file-name check */
	uint8_t		*arena;		/* IDOC_ARENA bytes */
	char		 file[DOC_NAME_MAX];
	char		 type[DOC_TYPE_MAX];
	char		 member[DOC_MEMBER_NAME_MAX];
	uint64_t	 out;		/* inflated so far, this flow */
	uint8_t		 on;		/* a file is being decoded */
	uint8_t		 ctx;		/* file/type/member describe the text */
	uint8_t		 hint;		/* the member is named as source code */
	uint8_t		 vis;		/* visibility events sent */
};

/* The hook for body_set_doc_hook(); its arg is the struct insp_doc. */
extern const struct body_doc_hook idoc_hook;

/* idoc_init(d, arena, ops, arg, stats): a fresh flow. */
void	idoc_init(struct insp_doc *d, uint8_t *arena,
	    const struct insp_doc_ops *ops, void *arg, struct doc_stats *stats);
/* idoc_start(d, name, ctype, flags): a new file (DOC_F_BASE64). */
void	idoc_start(struct insp_doc *d, const char *name, const char *ctype,
	    int flags);
/* idoc_raw(d, uri, ctype): the whole request body is the file; its name
 * is the target's last path segment when that has an extension. */
void	idoc_raw(struct insp_doc *d, const char *uri, const char *ctype);
/* idoc_sink: a body_sink feeding the file (arg: the struct insp_doc). */
void	idoc_sink(void *arg, const uint8_t *p, size_t n);
/* idoc_stop(d): the file ended (or was cut short). */
void	idoc_stop(struct insp_doc *d);
/* idoc_code_hint(d): the current member or file is named as code. */
int	idoc_code_hint(const struct insp_doc *d);
/* idoc_alert(d, a): copy the document context into alert ${a}. */
void	idoc_alert(const struct insp_doc *d, struct alert_info *a);

#endif
