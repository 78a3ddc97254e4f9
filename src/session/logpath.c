#include "logpath.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef ESCORT_LOGDIR
#define ESCORT_LOGDIR "/var/log/escort"
#endif

void logpath_default(char *out, size_t size, const char *user, const char *host)
{
	const char *dir = getenv("ESCORT_LOG_DIR");
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	if (dir == NULL || dir[0] == '\0')
		dir = ESCORT_LOGDIR;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(out, size, "%s/%s-%s-%s-%ld.eslog", dir, user, stamp, host, (long)getpid());
}
