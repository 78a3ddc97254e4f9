/* escort: supervised, recorded shell sessions. Dispatches to cmd-*.c. */
#include "commands.h"
#include "console-remote.h"
#include "setid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef ESCORT_VERSION
#define ESCORT_VERSION "unknown"
#endif

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
    {"run", cmd_run, "run a program (default: your shell) on a recorded terminal"},
    {"explain", cmd_explain, "rate a command line and explain it in plain words"},
    {"export", cmd_export, "print a session log as asciicast, text or JSON"},
    {"replay", cmd_replay, "play a recorded session in this terminal"},
    {"verify", cmd_verify, "check that session logs are whole and unaltered"},
    {"recover", cmd_recover, "close the log of a session whose writer died"},
    {"keygen", cmd_keygen, "make signing and auditor key pairs"},
    {"enroll", cmd_enroll, "join escortd's fleet: this host's key and certificate"},
    {"login", cmd_login, "sign in to escortd on another machine (its console over TLS)"},
    {"logout", cmd_logout, "revoke and forget the credential of escort login"},
    {"index", cmd_index, "index the system's programs for the exec gate"},
    {"sessions", cmd_sessions, "list the sessions escortd knows"},
    {"pending", cmd_pending, "list the commands waiting for an escort"},
    {"approve", cmd_approve, "let a waiting command run"},
    {"deny", cmd_deny, "refuse a waiting command"},
    {"terminate", cmd_terminate, "end a session now"},
    {"lock", cmd_lock, "end an operator's sessions and refuse new ones"},
    {"unlock", cmd_unlock, "let a locked operator work again"},
    {"watch", cmd_watch, "the escort's console: sessions, screens, approvals"},
};

static void usage(FILE *out)
{
	fputs("usage: escort COMMAND [ARGS...]\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\n'escort COMMAND --help' describes each one.\n", out);
}

/* With 0, 1 or 2 closed, the next file escort opens — the pty or the log —
 * would take its number and receive what belongs to another stream. */
static int sanitise_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int null = open("/dev/null", O_RDWR);
		if (null < 0)
			return -1;
		if (null != fd) {
			/* Lower numbers are open by now, so this cannot happen. */
			close(null);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (sanitise_standard_fds() < 0 || setid_enter(argc, argv) < 0)
		return EXIT_ESCORT_FAILED;
	console_dial_broker = console_remote_dial; /* --broker: TLS and escort login's credential */
	/* As a login shell: login(1) and sshd start "-escort"; sshd runs
	 * "escort -c STRING" for a command given on the ssh command line. */
	if (argc > 0 && argv[0][0] == '-' && argc == 1)
		return cmd_login_shell(NULL);
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return cmd_login_shell(argv[2]);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("escort %s\n", ESCORT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "escort: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
