/*
 * upload.c - per-flow bursts and the per-client daily upload baseline
 * (open addressing, bounded probe, stalest entry replaced when full).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dlp/upload.h"
#include "common/hash.h"

#define DAY_US		(86400ULL * 1000000ULL)
#define PROBE		8

struct bl_ent {
	uint64_t	key;		/* 0: empty */
	uint32_t	day;		/* newest day seen */
	uint32_t	alerted_day;	/* day an alert was raised, +1 */
	uint32_t	dday[BASELINE_DAYS];	/* day of each slot */
	uint64_t	bytes[BASELINE_DAYS];
};

struct baseline {
	struct bl_ent	*e;
	uint32_t	 mask;
	uint64_t	 k0, k1;	/* pseudonym key */
};

void
upload_client(struct upload_flow *u, uint64_t n, uint64_t ts_us)
{
	if (n == 0)
		return;
	if (u->bursts == 0 || u->srv_since >= UPLOAD_TURN_BYTES ||
	    ts_us >= u->last_cli_us + UPLOAD_PAUSE_US) {
		u->bursts++;
		u->burst = 0;
	}
	u->burst += n;
	u->total += n;
	if (u->burst > u->burst_max)
		u->burst_max = u->burst;
	u->last_cli_us = ts_us;
	u->srv_since = 0;
}

void
upload_server(struct upload_flow *u, uint64_t n)
{
	u->srv_since += n;
}

int
baseline_new(struct baseline **bp, uint32_t nclients)
{
	struct baseline *b;
	uint32_t cap = 16;

	if (nclients == 0 || nclients > (1u << 24))
		return -EINVAL;
	while (cap < nclients)
		cap <<= 1;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		goto err0;
	if ((b->e = calloc(cap, sizeof(*b->e))) == NULL)
		goto err1;
	b->mask = cap - 1;
	if (getrandom(&b->k0, sizeof(b->k0), 0) != sizeof(b->k0) ||
	    getrandom(&b->k1, sizeof(b->k1), 0) != sizeof(b->k1)) {
		b->k0 = (uint64_t)(uintptr_t)b ^ 0x9e3779b97f4a7c15ULL;
		b->k1 = (uint64_t)(uintptr_t)b->e * 0xbf58476d1ce4e5b9ULL;
	}
	*bp = b;
	return 0;
err1:
	free(b);
err0:
	return -ENOMEM;
}

void
baseline_free(struct baseline *b)
{
	if (b == NULL)
		return;
	free(b->e);
	free(b);
}

uint64_t
baseline_key(const struct baseline *b, const uint8_t addr[16])
{
	uint64_t w0, w1, h;

	memcpy(&w0, addr, 8);
	memcpy(&w1, addr + 8, 8);
	h = hash_mix64(b->k0 ^ w0);
	h = hash_mix64(h ^ b->k1 ^ w1);
	return h ? h : 1;
}

static struct bl_ent *
find(struct baseline *b, uint64_t key, uint32_t day)
{
	struct bl_ent *stale = NULL;
	uint32_t i;

	for (i = 0; i < PROBE; i++) {
		struct bl_ent *e = &b->e[(key + i) & b->mask];

		if (e->key == key)
			return e;
		if (e->key == 0) {
			stale = e;
			break;
		}
		if (stale == NULL || e->day < stale->day)
			stale = e;
	}
	memset(stale, 0, sizeof(*stale));
	stale->key = key;
	stale->day = day;
	return stale;
}

int
baseline_add(struct baseline *b, uint64_t key, uint64_t n, uint64_t ts_us,
    uint32_t factor, uint64_t min_bytes, uint64_t *today, uint64_t *base)
{
	uint32_t day = (uint32_t)(ts_us / DAY_US), k, active = 0;
	struct bl_ent *e;
	uint64_t sum = 0;
	int slot;

	if (n == 0)
		return 0;
	e = find(b, key, day);
	if (day > e->day)
		e->day = day;
	slot = (int)(day % BASELINE_DAYS);
	if (e->dday[slot] != day) {
		e->dday[slot] = day;
		e->bytes[slot] = 0;
	}
	e->bytes[slot] += n;
	*today = e->bytes[slot];
	for (k = 0; k < BASELINE_DAYS; k++) {
		if (e->dday[k] >= day || e->dday[k] + BASELINE_DAYS < day ||
		    e->bytes[k] == 0)
			continue;
		sum += e->bytes[k];
		active++;
	}
	if (active < BASELINE_MIN_DAYS || e->alerted_day == day + 1)
		return 0;
	*base = sum / active;
	if (*today < min_bytes || *today <= (uint64_t)factor * *base)
		return 0;
	e->alerted_day = day + 1;
	return 1;
}
