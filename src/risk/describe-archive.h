/* {tar}: what tar does, by its mode (pack, unpack, list), with its archive
 * file and folder. */
#ifndef ESCORT_DESCRIBE_ARCHIVE_H
#define ESCORT_DESCRIBE_ARCHIVE_H

#include "analyze.h"
#include "util/buf.h"

/* Appends the sentence's start ("Packs ... into one archive file: F") and
 * returns 1, or 0 when the mode is not known. */
int describe_tar(struct buf *b, const struct real_command *c);

#endif
