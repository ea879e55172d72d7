/*
 * defrag.c - fragment reassembly: a slot per datagram being rebuilt (key:
 * addresses, id, protocol, version), a coverage bitmap so overlaps keep
 * the first copy, and packet-time expiry.
 */
#include <stdlib.h>
#include <string.h>

#include "common/counters.h"
#include "decode/defrag.h"

#define DG_MAX		65535
#define HDR_ROOM	40	/* rebuilt IPv4 (20) or IPv6 (40) header */

struct slot {
	struct ip_addr	 src, dst;
	uint32_t	 id;
	uint8_t		 proto, ver, used, have_last;
	uint32_t	 total;		/* payload length, known from the last fragment */
	uint32_t	 got;		/* payload bytes covered */
	uint32_t	 hi;		/* end of the highest byte covered */
	uint64_t	 ts_first;
	uint8_t		*buf;		/* HDR_ROOM + DG_MAX */
	uint8_t		*map;		/* one bit per payload byte */
};

struct defrag {
	struct slot	*slot;
	uint8_t		*mem;
	uint32_t	 nslot;
	uint64_t	 timeout_us;
	struct defrag_stats st;
};

struct defrag *
defrag_new(uint32_t nslot, uint32_t timeout_s)
{
	struct defrag *d;
	size_t per = HDR_ROOM + DG_MAX + (DG_MAX + 8) / 8;
	uint32_t i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->nslot = nslot;
	d->timeout_us = (uint64_t)timeout_s * 1000000ULL;
	/* calloc'd pages stay untouched until a slot is first used. */
	if ((d->slot = calloc(nslot, sizeof(*d->slot))) == NULL ||
	    (d->mem = calloc(nslot, per)) == NULL) {
		defrag_free(d);
		return NULL;
	}
	for (i = 0; i < nslot; i++) {
		d->slot[i].buf = d->mem + (size_t)i * per;
		d->slot[i].map = d->slot[i].buf + HDR_ROOM + DG_MAX;
	}
	return d;
}

void
defrag_free(struct defrag *d)
{
	if (d == NULL)
		return;
	free(d->mem);
	free(d->slot);
	free(d);
}

const struct defrag_stats *
defrag_stats(const struct defrag *d)
{
	return &d->st;
}

/* EVE stats.shadowtap.defrag. */
void
defrag_counters(const struct defrag *d)
{
	static const char sect[] = "shadowtap.defrag";

	ctr_add(CTR_OWN_ENGINE, sect, "fragments", NULL, CTR_COUNTER,
	    &d->st.fragments, "fragments offered");
	ctr_add(CTR_OWN_ENGINE, sect, "reassembled", NULL, CTR_COUNTER,
	    &d->st.reassembled, "datagrams completed");
	ctr_add(CTR_OWN_ENGINE, sect, "timeouts", NULL, CTR_COUNTER,
	    &d->st.timeouts, "incomplete datagrams dropped");
	ctr_add(CTR_OWN_ENGINE, sect, "no_slot", NULL, CTR_COUNTER,
	    &d->st.no_slot, "fragments dropped: all slots busy");
	ctr_add(CTR_OWN_ENGINE, sect, "too_big", NULL, CTR_COUNTER,
	    &d->st.too_big, "datagrams beyond 65535 bytes");
}

static void
slot_clear(struct slot *s)
{
	uint32_t mapb = s->hi / 8 + 1;

	memset(s->map, 0, mapb > (DG_MAX + 8) / 8 ? (DG_MAX + 8) / 8 : mapb);
	s->used = 0;
	s->got = 0;
	s->total = 0;
	s->hi = 0;
	s->have_last = 0;
}

/* Find the slot of ${p}'s datagram, or a free one; expire old slots. */
static struct slot *
lookup(struct defrag *d, const struct pkt *p)
{
	struct slot *free_s = NULL;
	uint32_t i;

	for (i = 0; i < d->nslot; i++) {
		struct slot *s = &d->slot[i];

		if (s->used && s->ts_first + d->timeout_us < p->ts_us) {
			d->st.timeouts++;
			slot_clear(s);
		}
		if (!s->used) {
			if (free_s == NULL)
				free_s = s;
			continue;
		}
		if (s->id == p->frag_id && s->proto == p->frag_proto &&
		    s->ver == p->ipver && memcmp(&s->src, &p->src, 16) == 0 &&
		    memcmp(&s->dst, &p->dst, 16) == 0)
			return s;
	}
	if (free_s != NULL) {
		free_s->used = 1;
		free_s->src = p->src;
		free_s->dst = p->dst;
		free_s->id = p->frag_id;
		free_s->proto = p->frag_proto;
		free_s->ver = p->ipver;
		free_s->ts_first = p->ts_us;
	}
	return free_s;
}

/* Rebuild a minimal header in front of the payload; returns its start. */
static uint8_t *
rebuild(struct slot *s, const struct pkt *p, uint32_t *len)
{
	uint8_t *h;

	if (s->ver == 4) {
		h = s->buf + HDR_ROOM - 20;
		memcpy(h, p->l3, 20);
		h[0] = 0x45;
		h[2] = (uint8_t)((s->total + 20) >> 8);
		h[3] = (uint8_t)(s->total + 20);
		h[6] = h[7] = 0;
		h[9] = s->proto;
		*len = s->total + 20;
	} else {
		h = s->buf;
		memcpy(h, p->l3, 8);
		memcpy(h + 8, s->src.a, 16);
		memcpy(h + 24, s->dst.a, 16);
		h[4] = (uint8_t)(s->total >> 8);
		h[5] = (uint8_t)s->total;
		h[6] = s->proto;
		*len = s->total + 40;
	}
	return h;
}

int
defrag_add(struct defrag *d, const struct pkt *p, const uint8_t **l3,
    uint32_t *len)
{
	struct slot *s;
	uint32_t i, end = p->frag_off + p->frag_len;

	d->st.fragments++;
	if (end > DG_MAX - HDR_ROOM || (p->frag_mf && (p->frag_len & 7) != 0)) {
		d->st.too_big++;
		return 0;
	}
	if ((s = lookup(d, p)) == NULL) {
		d->st.no_slot++;
		return 0;
	}
	/* Data must stay below the end: bytes past it would count towards
	 * completion and leave a hole in the rebuilt datagram. */
	if (!p->frag_mf) {
		if ((s->have_last && s->total != end) || s->hi > end)
			return 0;	/* conflicting ends: keep the first */
		s->have_last = 1;
		s->total = end;
	} else if (s->have_last && end > s->total)
		return 0;		/* past the known end: keep the first */
	if (end > s->hi)
		s->hi = end;
	/* First copy wins: only bytes not yet covered are taken.  Whole
	 * map bytes that are empty are copied in bulk (the common case:
	 * fragments do not overlap and start on 8-byte boundaries). */
	for (i = p->frag_off; i < end;) {
		if ((i & 7) == 0 && i + 8 <= end && s->map[i >> 3] == 0) {
			uint32_t j = i;

			while (j + 8 <= end && s->map[j >> 3] == 0) {
				s->map[j >> 3] = 0xff;
				j += 8;
			}
			memcpy(s->buf + HDR_ROOM + i, p->frag_data + (i - p->frag_off),
			    j - i);
			s->got += j - i;
			i = j;
			continue;
		}
		if (!(s->map[i >> 3] & (1u << (i & 7)))) {
			s->map[i >> 3] |= (uint8_t)(1u << (i & 7));
			s->buf[HDR_ROOM + i] = p->frag_data[i - p->frag_off];
			s->got++;
		}
		i++;
	}
	if (!s->have_last || s->got < s->total)
		return 0;
	*l3 = rebuild(s, p, len);
	d->st.reassembled++;
	/* The rebuilt packet lives in the slot until the next call. */
	s->used = 0;
	slot_clear(s);
	return 1;
}
