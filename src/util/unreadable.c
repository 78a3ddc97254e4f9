#include "unreadable.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *unreadable_why(const char *path, char *buf, size_t size)
{
	if (access(path, R_OK) == 0)
		return NULL;
	if (errno == ENOENT || errno == ENOTDIR)
		return "is missing";
	if (errno == EACCES)
		return "cannot be read by this account (permission denied)";
	snprintf(buf, size, "cannot be read (%s)", strerror(errno));
	return buf;
}
