/* Opening the session's pseudo-terminal and starting the program on it. */
#ifndef ESCORT_PTY_H
#define ESCORT_PTY_H

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

/* Forks; the child becomes a session leader with the pty as controlling
 * terminal and standard streams, then executes file with argv.
 * Returns the pid. When the program could not be executed, returns -1 and
 * sets *exec_errno (err names the program); other failures set exec_errno 0. */
pid_t pty_spawn(struct pty *p, const char *file, char *const argv[], int *exec_errno,
		struct error *err);

#endif
