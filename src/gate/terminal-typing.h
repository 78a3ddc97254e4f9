/* TIOCSTI for a caller with CAP_SYS_ADMIN, done by the gate. Such a caller
 * may type into any terminal, so answering CONTINUE after looking at its
 * descriptor would let another thread swap the descriptor (dup2) for
 * another login's terminal before the kernel runs the call. The gate takes
 * the caller's very file (pidfd_getfd), judges that file and, when it is
 * the session's own terminal, types the byte into it itself. A caller
 * without CAP_SYS_ADMIN can type only into its controlling terminal, which
 * the kernel checks: its call goes on in the kernel. */
#ifndef ESCORT_TERMINAL_TYPING_H
#define ESCORT_TERMINAL_TYPING_H

#include <seccomp.h>

/* Whether the call must be done by the gate (its caller may type anywhere). */
int terminal_typing_needed(const struct seccomp_notif *n);

/* Takes the caller's descriptor args[0] into *fd (close it): 0 or -errno. */
int terminal_typing_take(const struct seccomp_notif *n, int *fd);

/* Types the byte at the caller's args[2] into fd: 0 or -errno. */
int terminal_typing_type(const struct seccomp_notif *n, int fd);

#endif
