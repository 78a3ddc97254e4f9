/* escort sessions [--json] [--socket PATH | --broker HOST:PORT]: the sessions escortd knows. */
#include "commands.h"
#include "console/args.h"
#include "console/client.h"
#include "console/show.h"

#include <stdio.h>

int cmd_sessions(int argc, char **argv)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct console_args a;
	struct buf out = {0};
	Frame *reply;
	int rc;

	if ((rc = console_args_parse(
		 argc, argv, "escort sessions [--json] [--socket PATH | --broker HOST:PORT]", "j",
		 0, &a)) >= 0)
		return rc;
	q.verb = ESCORT__VERB__VERB_SESSIONS;
	if ((rc = console_request_once(&a.where, &q, &reply)) != 0)
		return rc;
	if (a.json)
		show_sessions_json(&out, reply->reply->sessions, reply->reply->n_sessions);
	else
		show_sessions_text(&out, reply->reply->sessions, reply->reply->n_sessions);
	if (reply->reply->omitted)
		fprintf(stderr, "escort sessions: %u more sessions are not shown\n",
			reply->reply->omitted);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	frame_free(reply);
	return EXIT_OK;
}
