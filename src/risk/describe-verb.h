/* {verb}: what the word that decided a command's verb does, in plain words
 * ("Deletes", "Stops", "Deletes for good (terminates)"). Text only. */
#ifndef ESCORT_DESCRIBE_VERB_H
#define ESCORT_DESCRIBE_VERB_H

#include "analyze.h"
#include "util/buf.h"

/* Appends the words and returns 1, or 0 when the verb word is not known. */
int describe_verb(struct buf *b, const struct real_command *c);

#endif
