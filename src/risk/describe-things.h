/* What a program with subcommands works on when its things are option values
 * ("aws ec2 terminate-instances --instance-ids i-1", "az vm delete -n vm1
 * -g rg"), and the subcommand's words themselves, for the text only. */
#ifndef ESCORT_DESCRIBE_THINGS_H
#define ESCORT_DESCRIBE_THINGS_H

#include "analyze.h"
#include "util/buf.h"

/* The values of c's naming options (--instance-ids, --bucket, --name, -n,
 * -g...) in words: "the servers (instances) i-1 and i-2", "the servers
 * (instances) whose IDs are printed, when the line runs, by “...”".
 * Returns how many it named. */
size_t describe_named_values(struct buf *b, const struct real_command *c);

/* {action}: the subcommand's words between quotes (“ec2 terminate-instances”),
 * or nothing (returns 0). */
int describe_action(struct buf *b, const struct real_command *c);

#endif
