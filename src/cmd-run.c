/* escort run [--log PATH] [--] [COMMAND [ARGS...]] */
#include "commands.h"

#include "session/command.h"
#include "session/session.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void run_usage(FILE *out)
{
	fputs("usage: escort run [--log PATH] [--] [COMMAND [ARGS...]]\n"
	      "Runs COMMAND (default: your login shell, or the command ssh was asked to run)\n"
	      "on a new terminal, recording everything into PATH.\n",
	      out);
}

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
	    {"log", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *log_path = NULL;
	struct command cmd;
	struct error err;
	int opt, status;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+l:h", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			log_path = optarg;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (log_path != NULL && log_path[0] == '\0') {
		fputs("escort run: --log needs a file name\n", stderr);
		return EXIT_USAGE;
	}
	if (command_resolve(&cmd, optind < argc ? argv + optind : NULL, &err) < 0) {
		fprintf(stderr, "escort: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	status = session_run(&cmd, log_path);
	command_free(&cmd);
	return status;
}

int cmd_login_shell(const char *shell_string)
{
	struct command cmd;
	struct error err;
	int rc, status;

	if (shell_string != NULL)
		rc = command_shell_string(&cmd, shell_string, "login-shell-command", &err);
	else
		rc = command_resolve(&cmd, NULL, &err);
	if (rc < 0) {
		fprintf(stderr, "escort: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	status = session_run(&cmd, NULL);
	command_free(&cmd);
	return status;
}
