/* A Unix bind to a path makes a socket file, and a program that expects a
 * service at that name (a database's socket while the database is down, a
 * service's under /run) connects to the session's program instead and sends
 * it what it would send the service: passwords, queries, commands. In a
 * folder for scratch work (those of the rules' "changes.scratch": /tmp, the
 * home, /run/user/UID...) the bind passes; anywhere else it is held like a
 * connection (medium: an escort decides; refused without escortd). */
#ifndef ESCORT_SOCKET_FILE_H
#define ESCORT_SOCKET_FILE_H

#include "effect.h"
#include "gate-internal.h"

/* For an allowed bind e of thread tid: whether the socket file it makes is
 * outside the folders for scratch work. If so, e is filled as a refusal
 * (level, what, where) for change_gate_network to decide. A path that cannot
 * be resolved is left to the kernel, which fails the bind the same way. */
int socket_file_outside_scratch(struct gate *g, pid_t tid, struct effect *e);

#endif
