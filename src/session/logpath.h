/* Where a session's log goes when the operator does not say. */
#ifndef ESCORT_LOGPATH_H
#define ESCORT_LOGPATH_H

#include <stddef.h>

/* ESCORT_LOG_DIR, else the built-in directory (meson option logdir), with a
 * name made of the user, the UTC start time, the host and the pid. */
void logpath_default(char *out, size_t size, const char *user, const char *host);

#endif
