/* Steps that only matter together in one line: a file downloaded and then
 * run, a named pipe joining a shell to a network connection, a function that
 * starts copies of itself (a fork bomb). Each is added to the analysis as a
 * command named "(chain)" whose first operand says which, so that rules
 * (the rules files, command "(chain)") rate and explain it. */
#ifndef ESCORT_CHAINS_H
#define ESCORT_CHAINS_H

#include "analyze.h"

#define CHAIN_COMMAND "(chain)"

void chains_find(struct analysis *a, const char *line, size_t len);

/* Files a line sends to another computer (chains-send.c): "(chain)
 * send-out DESTINATION", the files as its values. */
void chains_find_sends(struct analysis *a);

#endif
