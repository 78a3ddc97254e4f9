/* escort lock USER [--reason TEXT]; escort unlock USER */
#include "commands.h"
#include "console/client.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static int lock_command(int argc, char **argv, const char *verb)
{
	static const struct option options[] = {{"reason", required_argument, NULL, 'r'},
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
		if (opt == 'r' && strcmp(verb, "lock") == 0)
			q.note = optarg;
		else if (opt == 'S')
			socket = optarg;
		else {
			fprintf(opt == 'h' ? stdout : stderr,
				"usage: escort %s USER%s [--socket PATH]\n", verb,
				strcmp(verb, "lock") == 0 ? " [--reason TEXT]" : "");
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: escort %s USER\n", verb);
		return EXIT_USAGE;
	}
	q.verb = (char *)verb;
	q.target = argv[optind];
	if ((rc = console_request_once(verb, socket, &q, &reply)) != 0)
		return rc;
	printf("%s\n", reply->reply->message);
	frame_free(reply);
	return 0;
}

int cmd_lock(int argc, char **argv)
{
	return lock_command(argc, argv, "lock");
}

int cmd_unlock(int argc, char **argv)
{
	return lock_command(argc, argv, "unlock");
}
