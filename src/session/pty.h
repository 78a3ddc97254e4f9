/* Opening the session's pseudo-terminal and starting the program on it. */
#ifndef ESCORT_PTY_H
#define ESCORT_PTY_H

#include "gate/own-files.h"
#include "util/error.h"

#include <sys/types.h>
#include <termios.h>

struct pty {
	int master;
	int slave;
	char name[64];
};

int pty_open(struct pty *p, struct error *err);

/* Settings for a session without an operator terminal: input passes as data
 * (no echo, no signal keys, no line editing), output is not rewritten. */
int pty_set_data_mode(struct pty *p, struct error *err);

void pty_close_slave(struct pty *p);

struct event_base;

struct spawned {
	pid_t pid;
	int report_fd; /* closes when the program has been executed */
	int listener;  /* the exec gate's seccomp listener, for the session host */
	const char *file;
};

/* Forks; the child becomes a session leader with the pty as controlling
 * terminal and standard streams, installs the exec gate's filter (passing
 * the listener back), then executes file with argv: that exec already waits
 * for the gate. keep_privileges: see gate_filter_install. hide (NULL: none):
 * files the program starts without (a mount namespace of its own, hide.h). */
int pty_spawn(struct pty *p, const char *file, char *const argv[], int keep_privileges,
	      const struct own_files *hide, struct spawned *out, struct error *err);

/* Runs base until the program has been executed (returns 0) or could not be
 * (returns -1: *exec_errno is the exec's errno, err names the program; other
 * failures set exec_errno 0). */
int pty_spawn_finish(struct spawned *s, struct event_base *base, int *exec_errno,
		     struct error *err);

#endif
