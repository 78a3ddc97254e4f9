/* Deciding what a session runs: the operator's command, the command ssh was
 * asked for, or the account's login shell (never escort itself). */
#ifndef ESCORT_COMMAND_H
#define ESCORT_COMMAND_H

#include "util/error.h"

struct command {
	char *file;  /* what to execute (searched in PATH when it has no slash) */
	char **argv; /* argv[0] may differ from file ("-bash" for a login shell) */
	const char *origin;
};

/* argv: the operator's command, or NULL for the default. */
int command_resolve(struct command *cmd, char *const *argv, struct error *err);
/* The account's shell run with -c string (escort as a login shell given -c). */
int command_shell_string(struct command *cmd, const char *string, const char *origin,
			 struct error *err);
void command_free(struct command *cmd);

/* The shell a session runs when escort itself is the account's login shell. */
const char *command_inner_shell(void);

#endif
