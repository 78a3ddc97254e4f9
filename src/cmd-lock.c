/* escort lock USER [--reason TEXT]; escort unlock USER */
#include "commands.h"
#include "console/args.h"
#include "console/client.h"

#include <stdio.h>
#include <string.h>

static int lock_command(int argc, char **argv, Escort__Verb verb)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	int lock = verb == ESCORT__VERB__VERB_LOCK;
	struct console_args a;
	int rc;

	if ((rc = console_args_parse(
		 argc, argv,
		 lock ? "escort lock USER [--reason TEXT] [--socket PATH | --broker HOST:PORT]"
		      : "escort unlock USER [--socket PATH | --broker HOST:PORT]",
		 lock ? "r" : "", 1, &a)) >= 0)
		return rc;
	q.verb = verb;
	q.target = a.operands[0];
	q.note = (char *)a.note;
	return console_request_say(&a.where, &q);
}

int cmd_lock(int argc, char **argv)
{
	return lock_command(argc, argv, ESCORT__VERB__VERB_LOCK);
}

int cmd_unlock(int argc, char **argv)
{
	return lock_command(argc, argv, ESCORT__VERB__VERB_UNLOCK);
}
