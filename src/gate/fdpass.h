/* Handing the gate's listener from the child that installed the filter to
 * the session host. The filter holds sendmsg, so the child cannot send the
 * descriptor (SCM_RIGHTS) to a supervisor that does not have it yet: it
 * writes the descriptor's number and waits; the host takes the descriptor
 * out of the child with pidfd_getfd (the same ptrace right the gate needs to
 * read the session's memory) and answers. */
#ifndef ESCORT_FDPASS_H
#define ESCORT_FDPASS_H

#include "util/error.h"

#include <sys/types.h>

/* In the child: offers fd over sock and returns once the host has it. */
int fdpass_offer(int sock, int fd, struct error *err);
/* In the host: takes the descriptor process pid offers over sock; returns it
 * (close-on-exec), or -1 with err. */
int fdpass_take(int sock, pid_t pid, struct error *err);

#endif
