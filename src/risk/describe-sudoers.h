/* {sudoers}: what a sudoers line that echo or printf writes gives ("it gives
 * deploy the right to run every command as the administrator (root),
 * without typing a password"). */
#ifndef ESCORT_DESCRIBE_SUDOERS_H
#define ESCORT_DESCRIBE_SUDOERS_H

#include "analyze.h"
#include "util/buf.h"

/* Appends the words and returns 1, or 0 when c writes no such line. */
int describe_sudoers(struct buf *b, const struct real_command *c);

#endif
