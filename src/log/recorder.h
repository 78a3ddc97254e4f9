/* The one interface the session relay records through. It knows what a
 * session is; the journal underneath knows the on-disk format. */
#ifndef ESCORT_RECORDER_H
#define ESCORT_RECORDER_H

#include "gate-counters.h"
#include "keys.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct session_meta {
	const char *user;
	uid_t uid;
	const char *host;
	const char *tty;  /* the operator's terminal, or NULL without one */
	const char *pty;  /* the session's own pseudo-terminal */
	const char *term; /* TERM of the operator's terminal */
	const char
	    *origin; /* "command", "login-shell", "login-shell-command", "ssh-forced-command" */
	char *const *argv; /* what runs, as a list */
	const char *ssh_connection;
	const char *ssh_original_command;
	unsigned cols, rows;
	const char *host_log; /* escortd's copy: how the session host signs its own log */
};

struct session_result {
	int exit_status;	   /* what escort exits with */
	int signal;		   /* signal that ended the program, or 0 */
	const char *reason;	   /* "exit", "signal", "hangup", "record-failed", "exec-failed" */
	const char *error;	   /* message for the operator, or NULL */
	struct gate_counters gate; /* all 0 when the gate did not start */
	unsigned processes_ended;  /* left running when the session ended, and ended */
};

struct recorder_options {
	const struct signing_key *signer; /* with its secret part */
	int signer_ephemeral;
	const char *signer_why;		   /* why the key is ephemeral, for the log */
	const struct auditor_key *auditor; /* NULL: MAC keys are not sealed */
	unsigned epoch_ms;		   /* MAC key lifetime; 0: the default */
	const char *notes_path;		   /* checkpoints kept apart here (journal.h) */
};

struct recorder;

/* Creates the log at path and records the start of the session durably.
 * Returns NULL with err when the log cannot be written: the caller must
 * then refuse to start the session. */
struct recorder *recorder_start(const char *path, const struct session_meta *meta,
				const struct recorder_options *keys, struct error *err);

/* Continues the log at path whose writer died (escortd restarted in the
 * middle of a session): the torn tail is kept aside, a recovery record and a
 * new segment follow, and recording goes on. */
struct recorder *recorder_resume(const char *path, const struct recorder_options *keys,
				 struct error *err);
/* Waits until everything queued is durable. */
int recorder_sync(struct recorder *rec, struct error *err);
/* See journal_tickets. */
void recorder_tickets(struct recorder *rec, uint64_t *queued, uint64_t *durable);
/* Every record the session makes is also handed to fn (the broker link). */
typedef void (*recorder_tee_fn)(void *arg, uint16_t type, const void *data, size_t len, int urgent);
void recorder_set_tee(struct recorder *rec, recorder_tee_fn fn, void *arg);
/* These queue; they fail once the log cannot be written any more. */
int recorder_input(struct recorder *rec, const void *data, size_t len, struct error *err);
int recorder_output(struct recorder *rec, const void *data, size_t len, struct error *err);
/* The program's standard error, when it is not the terminal (pipes). */
int recorder_error_output(struct recorder *rec, const void *data, size_t len, struct error *err);
int recorder_window(struct recorder *rec, unsigned cols, unsigned rows, struct error *err);

/* A structured record (fields.h) of another type: exec, decision, approval,
 * lock. Urgent ones are followed at once by a signed checkpoint. */
int recorder_event(struct recorder *rec, uint16_t type, const void *payload, size_t len, int urgent,
		   struct error *err);

/* Returns -1 with err once writing the log has failed. */
int recorder_check(struct recorder *rec, struct error *err);

/* Records the end durably (signed at once) and hands the checkpoints made
 * so far to the tee: before the session's end is sent to escortd. */
int recorder_end(struct recorder *rec, const struct session_result *result, struct error *err);

/* Records the end durably unless recorder_end did, seals the log and frees
 * rec, whatever the outcome. */
int recorder_finish(struct recorder *rec, const struct session_result *result, struct error *err);

#endif
