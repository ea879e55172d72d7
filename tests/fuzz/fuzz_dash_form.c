/*
 * fuzz_dash_form.c - libFuzzer harness for the dashboard's request-text
 * parsing (dashboard/formdec.c): urlencoded body fields (the body is an
 * exact-size heap copy, not NUL-terminated, so a read past it is an ASan
 * error), session-id cookies, seconds and alert-page cursors.  Input: the
 * first line is the field name, the rest the body; the whole input, as a
 * string, also goes to sid_valid, secs and cursor_parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../dashboard/formdec.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char name[64], out[256], small[4], *body, *str;
	size_t n = nl ? (size_t)(nl - data) : 0, blen;
	uint64_t ts;
	int64_t id;
	int db;

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, data, n);
	name[n] = '\0';
	if (memchr(name, '\0', n) != NULL || n == 0)
		snprintf(name, sizeof(name), "user");
	blen = nl ? size - (size_t)(nl - data) - 1 : size;
	if ((body = malloc(blen ? blen : 1)) == NULL)
		return 0;
	memcpy(body, nl ? nl + 1 : data, blen);
	if (form_field(body, blen, name, out, sizeof(out)) == 0 &&
	    strlen(out) >= sizeof(out))
		abort();
	if (form_field(body, blen, name, small, sizeof(small)) == 0 &&
	    strlen(small) >= sizeof(small))
		abort();
	free(body);
	if ((str = malloc(size + 1)) == NULL)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';
	if (sid_valid(str) && strlen(str) != 64)
		abort();
	(void)secs(str);
	if (cursor_parse(str, 8, &ts, &db, &id) == 0 &&
	    (db < 0 || db >= 8 || id < 0 || ts == 0))
		abort();
	free(str);
	return 0;
}
