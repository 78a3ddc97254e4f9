/* escort run [--log PATH] [--] [COMMAND [ARGS...]] */
#include "commands.h"

#include "session/command.h"
#include "session/keyring.h"
#include "session/session.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_usage(FILE *out)
{
	fputs("usage: escort run [--log PATH] [--sign-key KEY] [--auditor-key PUB] [--]\n"
	      "                  [COMMAND [ARGS...]]\n"
	      "Runs COMMAND (default: your login shell, or the command ssh was asked to run)\n"
	      "on a new terminal, recording everything into a signed log at PATH.\n"
	      "  --sign-key KEY     checkpoint signing key (escort keygen); default\n"
	      "                     $ESCORT_SIGN_KEY, else the key directory, else a key made\n"
	      "                     for this session only\n"
	      "  --auditor-key PUB  auditor public key that MAC keys are sealed to; default\n"
	      "                     $ESCORT_AUDITOR_KEY, else the key directory, else none\n"
	      "  --epoch-seconds N  lifetime of each MAC key (default 10)\n"
	      "  --socket PATH      escortd's socket; default $ESCORT_SOCKET, else\n"
	      "                     /run/escort/escortd.sock when it exists, else no broker\n",
	      out);
}

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
	    {"log", required_argument, NULL, 'l'},
	    {"sign-key", required_argument, NULL, 's'},
	    {"auditor-key", required_argument, NULL, 'a'},
	    {"epoch-seconds", required_argument, NULL, 'e'},
	    {"socket", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *log_path = NULL, *sign_key = NULL, *auditor_key = NULL, *socket = NULL;
	unsigned long epoch_seconds = 0;
	char *end;
	struct keyring keys;
	struct command cmd;
	struct error err;
	int opt, status;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+l:h", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			log_path = optarg;
			break;
		case 's':
			sign_key = optarg;
			break;
		case 'a':
			auditor_key = optarg;
			break;
		case 'S':
			socket = optarg;
			break;
		case 'e':
			epoch_seconds = strtoul(optarg, &end, 10);
			if (*end != '\0' || epoch_seconds == 0 || epoch_seconds > 86400) {
				fputs("escort run: --epoch-seconds needs 1 to 86400\n", stderr);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			run_usage(stdout);
			return EXIT_OK;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (log_path != NULL && log_path[0] == '\0') {
		fputs("escort run: --log needs a file name\n", stderr);
		return EXIT_USAGE;
	}
	if (keyring_load(&keys, sign_key, auditor_key, &err) < 0) {
		fprintf(stderr, "escort: refusing to start an unrecorded session: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	keyring_warn(&keys, "escort");
	if (command_resolve(&cmd, optind < argc ? argv + optind : NULL, &err) < 0) {
		fprintf(stderr, "escort: %s\n", err.msg);
		keyring_wipe(&keys);
		return EXIT_ESCORT_FAILED;
	}
	keys.view.epoch_ms = (unsigned)epoch_seconds * 1000;
	status = session_run(&cmd, log_path, &keys, socket);
	command_free(&cmd);
	keyring_wipe(&keys);
	return status;
}

int cmd_login_shell(const char *shell_string)
{
	struct command cmd;
	struct keyring keys;
	struct error err;
	int rc, status;

	if (keyring_load(&keys, NULL, NULL, &err) < 0) {
		fprintf(stderr, "escort: refusing to start an unrecorded session: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	keyring_warn(&keys, "escort");
	if (shell_string != NULL)
		rc = command_shell_string(&cmd, shell_string, "login-shell-command", &err);
	else
		rc = command_resolve(&cmd, NULL, &err);
	if (rc < 0) {
		fprintf(stderr, "escort: %s\n", err.msg);
		keyring_wipe(&keys);
		return EXIT_ESCORT_FAILED;
	}
	status = session_run(&cmd, NULL, &keys, NULL);
	command_free(&cmd);
	keyring_wipe(&keys);
	return status;
}
