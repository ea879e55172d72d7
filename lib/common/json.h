/*
 * json.h - JSON builder into a fixed caller buffer with a hard cap.  Keys and
 * values are escaped; invalid UTF-8 bytes come out as the six characters
 * \\xNN (so hostile names never break a line and nothing is lost); control
 * characters as \\u00NN.  On overflow the builder stops and sets ->overflow.
 */
#ifndef ST_JSON_H
#define ST_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JB_MAX_DEPTH	16

struct jb {
	char		*buf;
	size_t		 cap;
	size_t		 len;
	int		 overflow;
	int		 depth;
	uint8_t		 first[JB_MAX_DEPTH];	/* no member written yet at this level */
};

void	jb_init(struct jb *j, char *buf, size_t cap);
/* Objects and arrays: ${key} is NULL inside arrays and at the top. */
void	jb_obj_open(struct jb *j, const char *key);
void	jb_obj_close(struct jb *j);
void	jb_arr_open(struct jb *j, const char *key);
void	jb_arr_close(struct jb *j);
void	jb_str(struct jb *j, const char *key, const char *val);
void	jb_strn(struct jb *j, const char *key, const char *val, size_t n);
void	jb_u64(struct jb *j, const char *key, uint64_t v);
void	jb_i64(struct jb *j, const char *key, int64_t v);
void	jb_bool(struct jb *j, const char *key, int v);
void	jb_null(struct jb *j, const char *key);
/* jb_raw(j, key, json): append pre-built JSON text as a value. */
void	jb_raw(struct jb *j, const char *key, const char *json, size_t n);
/* jb_finish(j): NUL-terminate; returns the length, or 0 after overflow. */
size_t	jb_finish(struct jb *j);

/* json_escape(dst, cap, src, n): escape into ${dst} without quotes;
 * returns the length or (size_t)-1 if it did not fit. */
size_t	json_escape(char *dst, size_t cap, const char *src, size_t n);

/* time_iso8601(ts_us, buf, cap): "2026-11-23T10:42:01.123456+0000". */
const char *time_iso8601(uint64_t ts_us, char *buf, size_t cap);

#endif
