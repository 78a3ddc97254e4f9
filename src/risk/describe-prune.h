/* {prune}: what a docker or podman prune deletes ("Deletes every stopped
 * container, ..."), or nothing for another command. */
#ifndef ESCORT_DESCRIBE_PRUNE_H
#define ESCORT_DESCRIBE_PRUNE_H

#include "analyze.h"
#include "util/buf.h"

/* Appends the sentence's start and returns 1, or 0. */
int describe_prune(struct buf *b, const struct real_command *c);

#endif
