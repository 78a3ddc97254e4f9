/* escort sessions [--json] [--socket PATH]: the sessions escortd knows. */
#include "commands.h"
#include "console/client.h"
#include "console/show.h"

#include <getopt.h>
#include <stdio.h>

int cmd_sessions(int argc, char **argv)
{
	static const struct option options[] = {{"json", no_argument, NULL, 'j'},
						{"socket", required_argument, NULL, 'S'},
						{"help", no_argument, NULL, 'h'},
						{0}};
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	const char *socket = NULL;
	int json = 0, opt, rc;
	struct buf out = {0};
	Frame *reply;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else if (opt == 'S')
			socket = optarg;
		else {
			fputs("usage: escort sessions [--json] [--socket PATH]\n",
			      opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
	}
	q.verb = "sessions";
	if ((rc = console_request_once("sessions", socket, &q, &reply)) != 0)
		return rc;
	if (json)
		show_sessions_json(&out, reply->reply->sessions, reply->reply->n_sessions);
	else
		show_sessions_text(&out, reply->reply->sessions, reply->reply->n_sessions);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	frame_free(reply);
	return 0;
}
