/* The one interface the session relay records through. It knows what a
 * session is; the writer underneath knows the on-disk format. */
#ifndef ESCORT_RECORDER_H
#define ESCORT_RECORDER_H

#include "util/error.h"

#include <stddef.h>
#include <sys/types.h>

struct session_meta {
	const char *user;
	uid_t uid;
	const char *host;
	const char *tty;    /* the operator's terminal, or NULL without one */
	const char *pty;    /* the session's own pseudo-terminal */
	const char *term;   /* TERM of the operator's terminal */
	const char *origin; /* "command", "login-shell" or "ssh-forced-command" */
	char *const *argv;  /* what runs, as a list */
	const char *ssh_connection;
	const char *ssh_original_command;
	unsigned cols, rows;
};

struct session_result {
	int exit_status;    /* what escort exits with */
	int signal;	    /* signal that ended the program, or 0 */
	const char *reason; /* "exit", "signal", "hangup", "record-failed", "exec-failed" */
	const char *error;  /* message for the operator, or NULL */
};

struct recorder;

/* Creates the log at path and records the start of the session durably.
 * Returns NULL with err when the log cannot be written: the caller must
 * then refuse to start the session. */
struct recorder *recorder_start(const char *path, const struct session_meta *meta,
				struct error *err);

/* These buffer; they fail only after an earlier write failed. */
int recorder_input(struct recorder *rec, const void *data, size_t len, struct error *err);
int recorder_output(struct recorder *rec, const void *data, size_t len, struct error *err);
int recorder_window(struct recorder *rec, unsigned cols, unsigned rows, struct error *err);

/* Writes buffered records when enough have gathered (or always when force). */
int recorder_flush(struct recorder *rec, int force, struct error *err);

/* Records the end durably and frees rec, whatever the outcome. */
int recorder_finish(struct recorder *rec, const struct session_result *result, struct error *err);

const char *recorder_path(const struct recorder *rec);

#endif
