/* Growing an array by one element. Allocation failure aborts (xmalloc.h):
 * escort cannot record or judge a session without memory, and stopping is
 * the fail-closed outcome. */
#ifndef ESCORT_GROW_H
#define ESCORT_GROW_H

#include <stddef.h>

/* Returns p resized to hold n + 1 elements of size bytes. */
void *grow_array(void *p, size_t n, size_t size);

#endif
