/* The program's standard streams without a terminal: three pipes, as sshd
 * gives a command run without a pty. Bytes pass unchanged; end of input is
 * the pipe closing; standard error stays apart. */
#ifndef ESCORT_PIPES_H
#define ESCORT_PIPES_H

#include "spawn.h"
#include "util/error.h"

struct pipes {
	struct child_stdio child; /* the program's ends */
	int to_stdin;		  /* ours: writes the program's input */
	int from_stdout;	  /* ours: reads its output */
	int from_stderr;	  /* ours: reads its standard error */
};

int pipes_open(struct pipes *p, struct error *err);
/* After the fork: the program's ends are the program's alone. */
void pipes_close_child(struct pipes *p);
void pipes_close(struct pipes *p);

#endif
