/*
 * hash.h - the one 64-bit mixing function for in-memory hash tables
 * (flows, catalog names, upload baselines); callers key it with a random
 * seed where attackers choose the input.
 */
#ifndef ST_HASH_H
#define ST_HASH_H

#include <stdint.h>

/* hash_mix64(h): MurmurHash3's 64-bit finaliser: every input bit affects
 * every output bit. */
static inline uint64_t
hash_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#endif
