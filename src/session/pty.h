/* Opening the session's pseudo-terminal (sessions on a terminal). */
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

void pty_close_slave(struct pty *p);

#endif
