/* Subcommand verbs: what a program with subcommands is asked to do, as a
 * signal for any program (kubectl get, aws ec2 describe-instances, terraform
 * destroy), and what database clients are given to run (psql -c "SELECT
 * ...", mysql -e, redis-cli DEL, mongosh --eval). */
#ifndef ESCORT_VERBS_H
#define ESCORT_VERBS_H

#include "analyze.h"

/* The kinds, in rising order of concern; verb_kind_name gives their words
 * for the rules' "verbs" match key. */
enum verb_kind { VERB_NONE, VERB_READ, VERB_CHANGE, VERB_DESTROY };

const char *verb_kind_name(int kind);

/* The verb of c: its kind, and in *word the word that decided it (a pointer
 * into c's lists, or to a static string). */
int verb_of(const struct real_command *c, const char **word);

/* The kind of one subcommand word as it is ("delete", "get"; VERB_NONE for a
 * word that is no verb). */
int verb_of_word(const char *w);

/* The kind of a statement list (SQL, redis, mongo shell). */
int verb_of_query(const char *text);

#endif
