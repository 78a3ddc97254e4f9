/* Why a file escort needs cannot be read, said so that "missing" and
 * "permission denied" are never confused in a message. */
#ifndef ESCORT_UNREADABLE_H
#define ESCORT_UNREADABLE_H

#include <stddef.h>

/* NULL when path can be read by this process's account; else a phrase to
 * follow the path: "is missing", "cannot be read by this account (permission
 * denied)" or "cannot be read (<reason>)", in buf when it needs one. */
const char *unreadable_why(const char *path, char *buf, size_t size);

#endif
