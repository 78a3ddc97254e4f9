#include "grow.h"

#include "xmalloc.h"

void *grow_array(void *p, size_t n, size_t size)
{
	return xreallocarray(p, n + 1, size);
}
