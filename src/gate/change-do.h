/* Doing an allowed change for the process, on what the gate decided: the
 * directory descriptor and name path-walk.c resolved (never the path in the
 * process's memory, which another thread may have changed since). An open's
 * descriptor is handed over with SECCOMP_IOCTL_NOTIF_ADDFD, which answers
 * the call. The gate's thread has taken the process's rights first
 * (caller-creds.h). */
#ifndef ESCORT_CHANGE_DO_H
#define ESCORT_CHANGE_DO_H

#include "change.h"

#include <stdint.h>

enum change_done {
	DONE_ANSWERED, /* the call was answered (an open's descriptor handed over) */
	DONE_RESULT,   /* answer the call with *result (0 or -errno) */
	DONE_WAIT,     /* a FIFO opened for writing has no reader yet: try again
			  later (change_do_fifo_again), never hand the path back to the
			  kernel, which would read it again from memory another thread or
			  process can change */
};

enum change_done change_do(int listener, uint64_t id, const struct change *c, int *result);

/* An open of the FIFO object (an O_PATH descriptor of the gate's) with the
 * caller's open_flags tried again; DONE_WAIT while it still has no reader. */
enum change_done change_do_fifo_again(int listener, uint64_t id, int object, int open_flags,
				      int *result);

#endif
