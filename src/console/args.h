/* The options the console commands share: --socket or --broker everywhere, and each
 * command's own few among --json, --note, --reason, --scope, --confirm. */
#ifndef ESCORT_CONSOLE_ARGS_H
#define ESCORT_CONSOLE_ARGS_H

#include "client.h"

struct console_args {
	struct console_where where; /* --socket, --broker */
	const char *note, *scope, *confirm;
	const char *path; /* --path: the folder of a path approval */
	int json;
	char **operands;
	int n_operands;
};

/* allowed: the letters of the options this command takes (j json, n note,
 * r reason, s scope, c confirm, p path). Returns -1 when the command should go on,
 * else the exit status to end with (0 after --help, EXIT_USAGE after an
 * error; usage printed either way). */
int console_args_parse(int argc, char **argv, const char *usage, const char *allowed, int operands,
		       struct console_args *out);

#endif
