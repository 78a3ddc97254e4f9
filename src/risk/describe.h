/* The things a command acts on, in words for a reader who does not know
 * Linux: "/" is "the whole machine", "{}" is "each file the search finds",
 * "$(docker ps -aq)" is "every container"; option values and subcommand words
 * ("-n 50", "systemctl stop") are not things it acts on. Text only: the rules
 * match the command's own operands, never these words. */
#ifndef ESCORT_DESCRIBE_H
#define ESCORT_DESCRIBE_H

#include "analyze.h"
#include "util/buf.h"

/* The command's objects (operands that are neither an option's value nor a
 * subcommand word), at most max, in order; returns how many. */
size_t describe_objects(const struct real_command *c, const char **out, size_t max);

/* One object in words. finder: the find command whose -exec runs c, or NULL. */
void describe_word(struct buf *b, const char *word, const struct real_command *finder);

/* The name of the command whose operand is a path the kernel resolved (the
 * gate's change, risk_rate_change): it is shown as it is, not read as a
 * pattern or a variable. */
#define DESCRIBE_RESOLVED "change"

/* One object of c in words: as describe_word, and a number given to kill is
 * a running program. */
void describe_object(struct buf *b, const struct real_command *c, const char *word,
		     const struct real_command *finder);

/* What c acts on when it names nothing: "every name that ls lists" (xargs),
 * "the account in use" (passwd). Returns 0 when there are no such words. */
int describe_none(struct buf *b, const struct real_command *c);

/* The words of c's subcommand ("docker frobnicate", "aws rds
 * delete-db-cluster"), at most max; returns how many. */
size_t describe_subcommand(const struct real_command *c, const char **out, size_t max);

/* c's first thing is a kind and the next its name (kubectl delete namespace x). */
int describe_kind_first(const struct real_command *c);

/* What a find command selects: "every file in /srv named "*.log" last changed
 * more than 30 days ago, in every folder below it". */
void describe_found(struct buf *b, const struct real_command *find);

#endif
