/* The lock a log's writer holds on its first segment for as long as it
 * writes: recovery refuses a log whose writer is still alive. */
#ifndef ESCORT_WRITER_LOCK_H
#define ESCORT_WRITER_LOCK_H

#include "util/error.h"

/* Takes the lock on the first segment at path without waiting. Returns the
 * descriptor that holds it (close it to let go), or -1 with err naming the
 * file, and saying so when another writer holds it. */
int writer_lock_take(const char *path, struct error *err);

#endif
