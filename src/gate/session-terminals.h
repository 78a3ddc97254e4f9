/* Which pseudo-terminals are the session's own: its own terminal, and those
 * a process of the session created (it holds the master: /dev/ptmx, whose
 * /proc/PID/fdinfo names the terminal's number as "tty-index"). Another
 * login's terminal is none of these, even when root may open it, and even
 * when a process of the session holds its other side (/dev/pts/N) open. */
#ifndef ESCORT_SESSION_TERMINALS_H
#define ESCORT_SESSION_TERMINALS_H

#include <sys/stat.h>
#include <sys/types.h>

/* The number N of /dev/pts/N that st (a character device) is, or -1. */
int session_terminal_index(const struct stat *st);

/* Whether a process of the session first created pseudo-terminal index
 * (holds its master). */
int session_terminal_created(pid_t first, int index);

#endif
