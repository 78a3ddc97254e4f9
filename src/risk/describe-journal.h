/* {journal}: how much of the system's log journalctl's --vacuum-* options
 * delete ("every entry older than 1s — that is nearly the whole log"). */
#ifndef ESCORT_DESCRIBE_JOURNAL_H
#define ESCORT_DESCRIBE_JOURNAL_H

#include "analyze.h"
#include "util/buf.h"

/* Appends the clause and returns 1, or 0 for no --vacuum-* option. */
int describe_journal(struct buf *b, const struct real_command *c);

#endif
