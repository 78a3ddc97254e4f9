#include "session.h"

#include "log/recorder.h"
#include "logpath.h"
#include "pty.h"
#include "relay.h"
#include "termmode.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct identity {
	char user[64];
	char host[HOST_NAME_MAX + 1];
	char tty[PATH_MAX];
};

static void read_identity(struct identity *id)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(id->user, sizeof(id->user), "%s", pw ? pw->pw_name : "unknown");
	if (gethostname(id->host, sizeof(id->host)) < 0)
		snprintf(id->host, sizeof(id->host), "unknown");
	id->host[sizeof(id->host) - 1] = '\0';
	for (char *p = id->host; *p; p++)
		if (*p == '/')
			*p = '_';
	if (ttyname_r(STDIN_FILENO, id->tty, sizeof(id->tty)) != 0)
		id->tty[0] = '\0';
}

/* The pty starts with the operator's terminal settings and size. */
static int prepare_pty(struct pty *p, int in_is_tty, struct winsize *ws, struct error *err)
{
	ws->ws_col = 80;
	ws->ws_row = 24;
	if (!in_is_tty)
		return pty_set_data_mode(p, err);
	if (termmode_save(STDIN_FILENO, err) < 0)
		return -1;
	if (tcsetattr(p->slave, TCSANOW, termmode_saved()) < 0)
		return error_errno(err, "cannot copy terminal settings to %s", p->name);
	struct winsize outer;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &outer) == 0 && outer.ws_col > 0 && outer.ws_row > 0)
		*ws = outer;
	return 0;
}

static struct recorder *start_recording(const char *log_path, const struct recorder_options *keys,
					const struct command *cmd, const struct identity *id,
					const struct pty *p, const struct winsize *ws,
					struct error *err)
{
	char default_path[PATH_MAX];
	struct session_meta meta = {
	    .user = id->user,
	    .uid = getuid(),
	    .host = id->host,
	    .tty = id->tty[0] ? id->tty : NULL,
	    .pty = p->name,
	    .term = getenv("TERM"),
	    .origin = cmd->origin,
	    .argv = cmd->argv,
	    .ssh_connection = getenv("SSH_CONNECTION"),
	    .ssh_original_command = getenv("SSH_ORIGINAL_COMMAND"),
	    .cols = ws->ws_col,
	    .rows = ws->ws_row,
	};

	if (log_path == NULL) {
		logpath_default(default_path, sizeof(default_path), id->user, id->host);
		log_path = default_path;
	}
	return recorder_start(log_path, &meta, keys, err);
}

static int exec_failed(struct recorder *rec, const struct command *cmd, int exec_errno,
		       const struct error *spawn_err)
{
	struct session_result result = {.reason = "exec-failed"};
	char message[600];
	struct error err;

	termmode_restore();
	if (exec_errno == ENOENT) {
		snprintf(message, sizeof(message), "%s: command not found", cmd->file);
		result.exit_status = EXIT_NOT_FOUND;
	} else {
		snprintf(message, sizeof(message), "%s", spawn_err->msg);
		result.exit_status = exec_errno ? EXIT_CANNOT_EXECUTE : EXIT_ESCORT_FAILED;
	}
	fprintf(stderr, "escort: %s\n", message);
	result.error = message;
	if (recorder_finish(rec, &result, &err) < 0)
		fprintf(stderr, "escort: %s\n", err.msg);
	return result.exit_status;
}

static int relay_and_finish(struct recorder *rec, struct pty *p, pid_t child, int in_is_tty)
{
	struct relay_config rc = {
	    .in_fd = STDIN_FILENO,
	    .out_fd = STDOUT_FILENO,
	    .in_is_tty = in_is_tty,
	    .master = p->master,
	    .child = child,
	    .rec = rec,
	};
	struct session_result result = {.reason = "exit"};
	struct error err;

	relay_run(&rc, &result);
	termmode_restore();
	if (recorder_finish(rec, &result, &err) < 0) {
		fprintf(stderr, "escort: the end of the session was not recorded: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	return result.exit_status;
}

int session_run(const struct command *cmd, const char *log_path,
		const struct recorder_options *keys)
{
	int in_is_tty = isatty(STDIN_FILENO);
	struct identity id;
	struct winsize ws;
	struct recorder *rec;
	struct error err;
	struct pty p;
	int exec_errno, status;
	pid_t child;

	/* Signals wait until the relay can handle them: dying between raw mode
	 * and the handlers would leave the operator's terminal raw. */
	relay_block_signals();
	read_identity(&id);
	if (pty_open(&p, &err) < 0 || prepare_pty(&p, in_is_tty, &ws, &err) < 0 ||
	    ioctl(p.slave, TIOCSWINSZ, &ws) < 0) {
		fprintf(stderr, "escort: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	rec = start_recording(log_path, keys, cmd, &id, &p, &ws, &err);
	if (rec == NULL) {
		fprintf(stderr, "escort: refusing to start an unrecorded session: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	signal(SIGPIPE, SIG_IGN);
	atexit(termmode_restore);
	if (termmode_raw(&err) < 0)
		fprintf(stderr, "escort: %s\n", err.msg);
	child = pty_spawn(&p, cmd->file, cmd->argv, &exec_errno, &err);
	pty_close_slave(&p);
	if (child < 0)
		status = exec_failed(rec, cmd, exec_errno, &err);
	else
		status = relay_and_finish(rec, &p, child, in_is_tty);
	close(p.master);
	return status;
}
