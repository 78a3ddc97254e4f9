/* The kernel side of the exec gate: a seccomp filter that hands every execve
 * and execveat of the session's process tree to the session host, and the
 * other calls the gate holds (held-calls.c). */
#ifndef ESCORT_FILTER_H
#define ESCORT_FILTER_H

#include "util/error.h"

/* Installs the filter on the calling process (and so on everything it will
 * start) and returns the listener descriptor the supervisor reads.
 * keep_privileges: do not set no_new_privs (needs CAP_SYS_ADMIN; set when
 * escort runs as root so that sudo keeps working inside, still trapped).
 * Calls of another architecture (32-bit syscalls) kill the process. */
int gate_filter_install(int keep_privileges, struct error *err);

#endif
