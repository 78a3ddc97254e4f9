#include "grow.h"

#include <stdio.h>
#include <stdlib.h>

void *grow_array(void *p, size_t n, size_t size)
{
	p = realloc(p, (n + 1) * size);
	if (p == NULL) {
		fputs("escort: out of memory\n", stderr);
		abort();
	}
	return p;
}
