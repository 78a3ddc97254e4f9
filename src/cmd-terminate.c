/* escort terminate SESSION [--note TEXT]: end a session now. */
#include "commands.h"
#include "console/client.h"

#include <getopt.h>
#include <stdio.h>

int cmd_terminate(int argc, char **argv)
{
	static const struct option options[] = {{"note", required_argument, NULL, 'n'},
						{"socket", required_argument, NULL, 'S'},
						{"help", no_argument, NULL, 'h'},
						{0}};
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	const char *socket = NULL;
	int opt, rc;
	Frame *reply;

	optind = 1;
	q.note = "";
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'n')
			q.note = optarg;
		else if (opt == 'S')
			socket = optarg;
		else {
			fputs("usage: escort terminate SESSION [--note TEXT] [--socket PATH]\n",
			      opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs("usage: escort terminate SESSION [--note TEXT] [--socket PATH]\n", stderr);
		return EXIT_USAGE;
	}
	q.verb = "terminate";
	q.target = argv[optind];
	if ((rc = console_request_once("terminate", socket, &q, &reply)) != 0)
		return rc;
	printf("%s\n", reply->reply->message);
	frame_free(reply);
	return 0;
}
