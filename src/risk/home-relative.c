#include "risk.h"

#include <stdio.h>
#include <string.h>

const char *risk_home_relative(const char *path, const char *home, char *out, size_t size)
{
	size_t n = home ? strlen(home) : 0;

	if (n <= 1 || strncmp(path, home, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return NULL;
	if ((size_t)snprintf(out, size, "~%s", path + n) >= size)
		return NULL;
	return out;
}
