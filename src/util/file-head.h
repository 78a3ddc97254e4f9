/* The first bytes of a regular file, for callers of the risk engine that may
 * read the scripts a command names (the engine reads no file itself). */
#ifndef ESCORT_FILE_HEAD_H
#define ESCORT_FILE_HEAD_H

#include "buf.h"

#include <stddef.h>

/* Appends at most max bytes of the regular file path to out: 0, or -1 when
 * it cannot be opened or is not a regular file (a FIFO is never waited on). */
int file_head_read(const char *path, struct buf *out, size_t max);

#endif
