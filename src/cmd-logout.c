/* escort logout --broker HOST:PORT: escortd revokes the credential of
 * escort login (VERB_LOGOUT on a console that came with it), and it is
 * forgotten here even when escortd cannot be reached (it then lasts on
 * escortd until it expires, or a lock). */
#include "commands.h"
#include "console/client.h"
#include "login-file.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* escortd revokes the credential this console came with. */
static int revoke_credential(const char *broker, struct error *err)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct console_where where = {NULL, broker};
	struct console c;
	Frame *reply;
	int rc;

	if (console_connect(&c, &where, err) < 0)
		return -1;
	q.verb = ESCORT__VERB__VERB_LOGOUT;
	reply = console_ask(&c, &q, err);
	console_close(&c);
	if (reply == NULL)
		return -1;
	rc = reply->reply->ok ? 0 : error_set(err, "%s", reply->reply->error);
	frame_free(reply);
	return rc;
}

int cmd_logout(int argc, char **argv)
{
	static const struct option options[] = {{"broker", required_argument, NULL, 'b'},
						{NULL, 0, NULL, 0}};
	const char *broker = NULL;
	struct error err, gone;
	int opt, rc, bad = 0;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fputs("usage: escort logout --broker HOST:PORT\n", stdout);
		return EXIT_OK;
	}
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'b')
			broker = optarg;
		else
			bad = 1;
	}
	if (bad || broker == NULL || optind != argc) {
		fputs("usage: escort logout --broker HOST:PORT\n", stderr);
		return EXIT_USAGE;
	}
	rc = revoke_credential(broker, &err);
	if (login_file_remove(broker, &gone) < 0)
		fprintf(stderr, "escort logout: %s\n", gone.msg);
	if (rc < 0) {
		fprintf(stderr,
			"escort logout: escortd did not revoke the credential (%s); it was "
			"forgotten here\n",
			err.msg);
		return EXIT_FAILED;
	}
	printf("logged out of %s\n", broker);
	return EXIT_OK;
}
