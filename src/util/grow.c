#include "grow.h"

#include "xmalloc.h"

void *grow_array(void *p, size_t n, size_t size)
{
	return xreallocarray(p, n + 1, size);
}

void *grow_array_cap(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = n < 16 ? 16 : n * 2;
	return xreallocarray(p, *cap, size);
}
