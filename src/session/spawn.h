/* Starting the session's program under the exec gate, on the pty or on
 * pipes. */
#ifndef ESCORT_SPAWN_H
#define ESCORT_SPAWN_H

#include "gate/own-files.h"
#include "util/error.h"

#include <sys/types.h>

struct event_base;

/* The program's standard input, output and error. */
struct child_stdio {
	int fd[3];
	int terminal; /* fd[0] is a pty slave: it becomes the controlling terminal */
};

struct spawned {
	pid_t pid;
	int report_fd; /* closes when the program has been executed */
	int listener;  /* the exec gate's seccomp listener, for the session host */
	const char *file;
};

/* Forks; the child becomes a session leader with io as its standard streams
 * (and the pty as controlling terminal), installs the exec gate's filter
 * (passing the listener back), then executes file with argv: that exec
 * already waits for the gate. keep_privileges: see gate_filter_install. hide
 * (NULL: none): files the program starts without (a mount namespace of its
 * own, hide.h). */
int spawn_start(const struct child_stdio *io, const char *file, char *const argv[],
		int keep_privileges, const struct own_files *hide, struct spawned *out,
		struct error *err);

/* Runs base until the program has been executed (returns 0) or could not be
 * (returns -1: *exec_errno is the exec's errno, err names the program; other
 * failures set exec_errno 0). */
int spawn_finish(struct spawned *s, struct event_base *base, int *exec_errno, struct error *err);

#endif
