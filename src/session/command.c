#include "command.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ESCORT_INNER_SHELL
#define ESCORT_INNER_SHELL "/bin/bash"
#endif

const char *command_inner_shell(void)
{
	return access(ESCORT_INNER_SHELL, X_OK) == 0 ? ESCORT_INNER_SHELL : "/bin/sh";
}

static int is_escort_itself(const char *path)
{
	char self[PATH_MAX], other[PATH_MAX];

	if (realpath("/proc/self/exe", self) == NULL || realpath(path, other) == NULL)
		return 0;
	return strcmp(self, other) == 0;
}

/* The account's shell from the password database, never escort itself. */
static int account_shell(char **out, struct error *err)
{
	struct passwd *pw;
	const char *shell;

	errno = 0;
	pw = getpwuid(getuid());
	if (pw == NULL) {
		if (errno == 0)
			return error_set(err, "uid %lu has no entry in the password database",
					 (unsigned long)getuid());
		return error_errno(err, "cannot read the password database");
	}
	shell = pw->pw_shell;
	if (shell == NULL || shell[0] == '\0')
		shell = "/bin/sh";
	if (is_escort_itself(shell))
		shell = command_inner_shell();
	*out = xstrdup(shell);
	return 0;
}

int command_shell_string(struct command *cmd, const char *string, const char *origin,
			 struct error *err)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->origin = origin;
	if (account_shell(&cmd->file, err) < 0)
		return -1;
	cmd->argv = xcalloc(4, sizeof(char *));
	cmd->argv[0] = xstrdup(cmd->file);
	cmd->argv[1] = xstrdup("-c");
	cmd->argv[2] = xstrdup(string);
	return 0;
}

static int login_shell(struct command *cmd, struct error *err)
{
	char *copy;

	if (account_shell(&cmd->file, err) < 0)
		return -1;
	copy = xstrdup(cmd->file);
	cmd->argv = xcalloc(2, sizeof(char *));
	cmd->argv[0] = xasprintf("-%s", basename(copy));
	free(copy);
	return 0;
}

int command_resolve(struct command *cmd, char *const *argv, struct error *err)
{
	const char *forced = getenv("SSH_ORIGINAL_COMMAND");
	size_t n = 0;

	memset(cmd, 0, sizeof(*cmd));
	if (argv != NULL && argv[0] != NULL) {
		while (argv[n] != NULL)
			n++;
		cmd->argv = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			cmd->argv[i] = xstrdup(argv[i]);
		cmd->file = xstrdup(argv[0]);
		cmd->origin = "command";
		return 0;
	}
	if (forced != NULL && forced[0] != '\0') {
		return command_shell_string(cmd, forced, "ssh-forced-command", err);
	}
	cmd->origin = "login-shell";
	return login_shell(cmd, err);
}

void command_free(struct command *cmd)
{
	if (cmd->argv)
		for (size_t i = 0; cmd->argv[i]; i++)
			free(cmd->argv[i]);
	free(cmd->argv);
	free(cmd->file);
	memset(cmd, 0, sizeof(*cmd));
}
