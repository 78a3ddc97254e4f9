/* Growing an array by one element. Allocation failure aborts (xmalloc.h):
 * escort cannot record or judge a session without memory, and stopping is
 * the fail-closed outcome. */
#ifndef ESCORT_GROW_H
#define ESCORT_GROW_H

#include <stddef.h>

/* Returns p resized to hold n + 1 elements of size bytes. */
void *grow_array(void *p, size_t n, size_t size);
/* The same for arrays that may grow large: *cap (0 at first) doubles, so
 * adding n elements one by one copies O(n) bytes, not O(n^2). */
void *grow_array_cap(void *p, size_t *cap, size_t n, size_t size);

#endif
