/* escort terminate SESSION [--note TEXT]: end a session now. */
#include "commands.h"
#include "console/args.h"
#include "console/client.h"

#include <stdio.h>

int cmd_terminate(int argc, char **argv)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct console_args a;
	int rc;

	if ((rc = console_args_parse(
		 argc, argv,
		 "escort terminate SESSION [--note TEXT] [--socket PATH | --broker HOST:PORT]", "n",
		 1, &a)) >= 0)
		return rc;
	q.verb = ESCORT__VERB__VERB_TERMINATE;
	q.target = a.operands[0];
	q.note = (char *)a.note;
	return console_request_say(&a.where, &q);
}
