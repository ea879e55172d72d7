/*
 * store_bits.c - exact distinct-client counts from bitmaps.  The table
 * clients numbers every client pseudonym densely (id, pseudo, last_day);
 * agg_day_clients holds per (local day, service, verdict) a bitmap with
 * bit `id` set for every client that agg_client_day has a row for under
 * that key (the same set, without the sums).  A reader ORs the rows of a
 * range and counts the bits (st_bits_count): 2,000 clients are 250 bytes
 * a row, a month of 300 services a few MB to OR, instead of a DISTINCT
 * over millions of agg_client_day rows.
 *
 * Owns: the SQL functions st_bit_set(bits, id) (bits with bit id set),
 * st_bits(id) (aggregate: the bitmap of the ids) and st_bits_count(bits)
 * (aggregate: bits set in the OR), registered on every connection the
 * store opens; the writer's memory of the bits it set (store_bits_seen,
 * store_bits_mark: a 64-bit key hash per slot, so a skipped update needs
 * a full 64-bit collision) and the fill from agg_client_day (migration,
 * bulk load).  Bit i is bit
 * (i % 8) of byte (i / 8).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "store/store_int.h"

/* Highest client id a bitmap holds (2 MiB blobs); a database that numbers
 * more clients is refused by the functions (the insert fails). */
#define BITS_MAX_ID	(1 << 24)
/* The writer's memory of (day, service, verdict, client) keys whose bit
 * is already set: direct mapped, 64-bit key hashes. */
#define BITS_SEEN	65536

const char store_bits_fill_sql[] =
	"DELETE FROM agg_day_clients; DELETE FROM clients;"
	"INSERT INTO clients (pseudo, last_day) SELECT client_pseudo, max(day)"
	" FROM agg_client_day GROUP BY client_pseudo ORDER BY min(day),"
	" client_pseudo;"
	"INSERT INTO agg_day_clients (day, service, verdict, bits)"
	" SELECT a.day, a.service, a.verdict, st_bits(c.id) FROM agg_client_day"
	" a JOIN clients c ON c.pseudo = a.client_pseudo GROUP BY 1, 2, 3;";

struct bits {
	uint8_t		*b;
	size_t		 len;
	int		 err;
};

/* grow(a, n): at least n bytes, new bytes zero. */
static int
grow(struct bits *a, size_t n)
{
	uint8_t *nb;
	size_t cap = a->len ? a->len : 64;

	if (n <= a->len)
		return 0;
	while (cap < n)
		cap *= 2;
	if ((nb = sqlite3_realloc64(a->b, cap)) == NULL)
		return -ENOMEM;
	memset(nb + a->len, 0, cap - a->len);
	a->b = nb;
	a->len = cap;
	return 0;
}

static int
valid_id(sqlite3_value *v, sqlite3_int64 *id)
{
	if (sqlite3_value_type(v) != SQLITE_INTEGER)
		return 0;
	*id = sqlite3_value_int64(v);
	return *id >= 0 && *id < BITS_MAX_ID;
}

static void
bit_set(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const uint8_t *old = NULL;
	sqlite3_int64 id;
	uint8_t *b;
	size_t n = 0, need;

	(void)argc;
	if (!valid_id(argv[1], &id)) {
		sqlite3_result_error(ctx, "st_bit_set: no valid client id", -1);
		return;
	}
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB) {
		old = sqlite3_value_blob(argv[0]);
		n = (size_t)sqlite3_value_bytes(argv[0]);
	}
	need = (size_t)id / 8 + 1;
	if (n > BITS_MAX_ID / 8) {
		sqlite3_result_error(ctx, "st_bit_set: bitmap too long", -1);
		return;
	}
	if ((b = sqlite3_malloc64(n > need ? n : need)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (n > 0)
		memcpy(b, old, n);
	if (need > n)
		memset(b + n, 0, need - n);
	b[id / 8] |= (uint8_t)(1u << (id % 8));
	sqlite3_result_blob64(ctx, b, n > need ? n : need, sqlite3_free);
}

static void
bits_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct bits *a = sqlite3_aggregate_context(ctx, sizeof(*a));
	sqlite3_int64 id;

	(void)argc;
	if (a == NULL || a->err)
		return;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (!valid_id(argv[0], &id) || grow(a, (size_t)id / 8 + 1) < 0) {
		a->err = 1;
		return;
	}
	a->b[id / 8] |= (uint8_t)(1u << (id % 8));
}

static void
bits_final(sqlite3_context *ctx)
{
	struct bits *a = sqlite3_aggregate_context(ctx, 0);
	size_t n;

	if (a != NULL && a->err) {
		sqlite3_free(a->b);
		sqlite3_result_error(ctx, "st_bits: bad client id", -1);
		return;
	}
	if (a == NULL || a->b == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	n = a->len;
	while (n > 0 && a->b[n - 1] == 0)
		n--;
	sqlite3_result_blob64(ctx, a->b, n, sqlite3_free);
}

static void
count_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct bits *a = sqlite3_aggregate_context(ctx, sizeof(*a));
	const uint8_t *v;
	size_t n, i;

	(void)argc;
	if (a == NULL || a->err || sqlite3_value_type(argv[0]) != SQLITE_BLOB)
		return;
	v = sqlite3_value_blob(argv[0]);
	n = (size_t)sqlite3_value_bytes(argv[0]);
	if (n > BITS_MAX_ID / 8 || grow(a, n) < 0) {
		a->err = 1;
		return;
	}
	for (i = 0; i < n; i++)
		a->b[i] |= v[i];
}

static void
count_final(sqlite3_context *ctx)
{
	struct bits *a = sqlite3_aggregate_context(ctx, 0);
	sqlite3_int64 c = 0;
	size_t i;

	if (a != NULL && a->err) {
		sqlite3_free(a->b);
		sqlite3_result_error(ctx, "st_bits_count: bitmap too long", -1);
		return;
	}
	if (a != NULL) {
		for (i = 0; i < a->len; i++)
			c += __builtin_popcount(a->b[i]);
		sqlite3_free(a->b);
	}
	sqlite3_result_int64(ctx, c);
}

int
store_bits_register(sqlite3 *db)
{
	int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(db, "st_bit_set", 2, f, NULL, bit_set,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "st_bits", 1, f, NULL, NULL,
	    bits_step, bits_final) != SQLITE_OK ||
	    sqlite3_create_function(db, "st_bits_count", 1, f, NULL, NULL,
	    count_step, count_final) != SQLITE_OK)
		return -EIO;
	return 0;
}

static uint64_t
hstr(uint64_t h, const char *v)
{
	for (; v != NULL && *v != '\0'; v++)
		h = (h ^ (uint8_t)*v) * 0x100000001b3ULL;
	return hash_mix64(h ^ 0xff);
}

/* store_bits_seen: 1 when the bit of (day, client, service, verdict) is
 * known to be set already (the writer skips the two statements), else 0
 * with *hp the key for store_bits_mark once the statements ran. */
int
store_bits_seen(struct store *s, uint64_t *hp, uint64_t day,
    const char *client, const char *service, const char *verdict)
{
	uint64_t h;

	/* Rows lost since the last call may have held bits we remember. */
	if (s->seen != NULL && s->seen_lost != s->stats.rows_lost)
		memset(s->seen, 0, BITS_SEEN * sizeof(*s->seen));
	s->seen_lost = s->stats.rows_lost;
	if (s->seen == NULL)
		s->seen = calloc(BITS_SEEN, sizeof(*s->seen));
	h = hstr(hstr(hstr(hash_mix64(day), client), service), verdict) | 1;
	*hp = h;
	return s->seen != NULL && s->seen[h % BITS_SEEN] == h;
}

void
store_bits_mark(struct store *s, uint64_t h)
{
	if (s->seen != NULL)
		s->seen[h % BITS_SEEN] = h;
}
