/*
 * counters.c - the counter registry (counters.h): a fixed table filled at
 * start-up, read by every place that prints or stores counters.
 */
#include <errno.h>
#include <string.h>

#include "common/counters.h"

static struct ctr_def	reg[CTR_MAX];
static size_t		nreg;
static uint8_t		nstr;

static int
put(int owner, const char *sect, const char *name, const char *db, int kind)
{
	struct ctr_def *d;

	if (nreg >= CTR_MAX)
		return -ENOSPC;
	if (strlen(sect) >= CTR_NAME_LEN || strlen(name) >= CTR_NAME_LEN ||
	    (db != NULL && strlen(db) >= CTR_NAME_LEN) || owner < 0 ||
	    owner >= CTR_OWN__COUNT)
		return -EINVAL;
	d = &reg[nreg];
	memset(d, 0, sizeof(*d));
	memcpy(d->sect, sect, strlen(sect) + 1);
	memcpy(d->name, name, strlen(name) + 1);
	if (db != NULL)
		memcpy(d->db, db, strlen(db) + 1);
	d->kind = (uint8_t)kind;
	d->owner = (uint8_t)owner;
	return (int)nreg++;
}

int
ctr_add(int owner, const char *sect, const char *name, const char *db,
    int kind, const uint64_t *ptr, const char *help)
{
	int i;

	if (ptr == NULL || kind == CTR_SUM || kind == CTR_RATIO ||
	    kind == CTR_STR)
		return -EINVAL;
	if ((i = put(owner, sect, name, db, kind)) < 0)
		return i;
	reg[i].ptr = ptr;
	reg[i].help = help;
	return i;
}

int
ctr_add2(int owner, const char *sect, const char *name, const char *db,
    int kind, const uint64_t *a, const uint64_t *b, const char *help)
{
	int i;

	if (a == NULL || b == NULL || (kind != CTR_SUM && kind != CTR_RATIO))
		return -EINVAL;
	if ((i = put(owner, sect, name, db, kind)) < 0)
		return i;
	reg[i].ptr = a;
	reg[i].ptr2 = b;
	reg[i].help = help;
	return i;
}

int
ctr_add_str(int owner, const char *sect, const char *name, const char *s,
    const char *help)
{
	int i;

	if (s == NULL || nstr >= CTR_STR_MAX)
		return s == NULL ? -EINVAL : -ENOSPC;
	if ((i = put(owner, sect, name, NULL, CTR_STR)) < 0)
		return i;
	reg[i].str = s;
	reg[i].str_slot = nstr++;
	reg[i].help = help;
	return i;
}

void
ctr_set_flags(int i, int flags)
{
	if (i >= 0 && (size_t)i < nreg)
		reg[i].flags = (uint8_t)flags;
}

void
ctr_reset(void)
{
	memset(reg, 0, sizeof(reg));
	nreg = 0;
	nstr = 0;
}

size_t
ctr_count(void)
{
	return nreg;
}

const struct ctr_def *
ctr_def(size_t i)
{
	return i < nreg ? &reg[i] : NULL;
}

int
ctr_find(const char *sect, const char *name)
{
	size_t i;

	for (i = 0; i < nreg; i++)
		if (strcmp(reg[i].sect, sect) == 0 &&
		    strcmp(reg[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
one(struct ctr_snap *s, size_t i)
{
	const struct ctr_def *d = &reg[i];
	double r;
	size_t n;

	switch (d->kind) {
	case CTR_BOOL:
		s->v[i] = *d->ptr != 0;
		break;
	case CTR_SUM:
		s->v[i] = *d->ptr + *d->ptr2;
		break;
	case CTR_RATIO:
		r = *d->ptr2 ? (double)*d->ptr / (double)*d->ptr2 : 0.0;
		memcpy(&s->v[i], &r, sizeof(r));
		break;
	case CTR_STR:
		n = strnlen(d->str, CTR_STR_LEN - 1);
		memcpy(s->str[d->str_slot], d->str, n);
		s->str[d->str_slot][n] = '\0';
		s->v[i] = 0;
		break;
	default:
		s->v[i] = *d->ptr;
		break;
	}
}

void
ctr_snapshot(struct ctr_snap *s)
{
	size_t i;

	s->n = (uint32_t)nreg;
	for (i = 0; i < nreg; i++)
		one(s, i);
}

void
ctr_refresh(struct ctr_snap *s, int owner)
{
	size_t i;

	for (i = 0; i < nreg && i < s->n; i++)
		if (reg[i].owner == owner)
			one(s, i);
}

double
ctr_ratio(const struct ctr_snap *s, size_t i)
{
	double r = 0.0;

	if (i < s->n && reg[i].kind == CTR_RATIO)
		memcpy(&r, &s->v[i], sizeof(r));
	return r;
}

/* ---- several copies of one layout (the sensor's workers) ---- */

size_t
ctr_defs_copy(struct ctr_def *out, size_t max)
{
	size_t n = nreg < max ? nreg : max;

	memcpy(out, reg, n * sizeof(*out));
	return n;
}

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
ctr_snapshot_sum(const struct ctr_def *const *sets, size_t nsets, size_t n,
    struct ctr_snap *s)
{
	uint64_t a, b;
	double r;
	size_t i, k;

	ctr_snapshot(s);	/* names, strings and output entries: the registry's */
	if (n > s->n)
		n = s->n;
	for (i = 0; i < n; i++) {
		if (reg[i].owner != CTR_OWN_ENGINE || reg[i].kind == CTR_STR)
			continue;
		a = b = 0;
		for (k = 0; k < nsets; k++) {
			const struct ctr_def *d = &sets[k][i];

			switch (d->kind) {
			case CTR_BOOL:
				a |= ld(d->ptr) != 0;
				break;
			case CTR_SUM:
				a += ld(d->ptr) + ld(d->ptr2);
				break;
			case CTR_RATIO:
				a += ld(d->ptr);
				b += ld(d->ptr2);
				break;
			default:
				a += ld(d->ptr);
				break;
			}
		}
		if (reg[i].kind == CTR_RATIO) {
			r = b ? (double)a / (double)b : 0.0;
			memcpy(&s->v[i], &r, sizeof(r));
		} else
			s->v[i] = a;
	}
}
