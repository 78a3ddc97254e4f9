/* Whose a pipe is. A pipe has no name: a process reaches one it does not
 * hold only through another process's /proc/PID/fd/N (root may open any),
 * and what it writes there, that process reads as its own input (another
 * login's shell fed by a pipe, a service's commands). A pipe the caller, or
 * any process of the session, holds open is the session's. */
#ifndef ESCORT_SESSION_PIPES_H
#define ESCORT_SESSION_PIPES_H

#include <sys/stat.h>
#include <sys/types.h>

/* Whether the thread caller, or a process of the session whose first
 * process is first, holds the file st (by device and inode) open. */
int session_pipe_held(pid_t first, pid_t caller, const struct stat *st);

#endif
