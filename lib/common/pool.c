/*
 * pool.c - zeroed, optionally pre-faulted anonymous mappings for pools.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "common/pool.h"

void *
pool_map(size_t bytes, int prefault)
{
	void *p;

	if (bytes == 0 || bytes > SIZE_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | (prefault ? MAP_POPULATE : 0), -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void
pool_unmap(void *p, size_t bytes)
{
	if (p != NULL && bytes > 0)
		munmap(p, bytes);
}
