/* Processes and threads held by a pidfd, not by an ID that may be given to
 * another process once they end. */
#ifndef ESCORT_PIDFD_H
#define ESCORT_PIDFD_H

#include <sys/types.h>

/* A pidfd of one thread (Linux 6.9's PIDFD_THREAD; a process's leader on
 * older kernels), or -errno. */
int pidfd_of_thread(pid_t tid);
/* Whether the thread or process fd refers to has ended. */
int pidfd_ended(int fd);

#endif
