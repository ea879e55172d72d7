/*
 * pool.h - start-up allocation of the packet path's fixed pools (flow
 * records, nDPI flow state, reassembly scratch): zeroed anonymous memory,
 * optionally pre-faulted so the packet path takes no first-touch page
 * faults and the resident size is known at start-up.
 */
#ifndef ST_POOL_H
#define ST_POOL_H

#include <stddef.h>

/*
 * pool_map(bytes, prefault):
 * ${bytes} of zeroed, page-aligned memory; with ${prefault} every page is
 * populated now (MAP_POPULATE).  Returns NULL (errno set) on failure or
 * when ${bytes} is 0.  Free with pool_unmap(p, bytes).
 */
void	*pool_map(size_t bytes, int prefault);
/* pool_unmap(p, bytes): NULL-safe. */
void	 pool_unmap(void *p, size_t bytes);

#endif
