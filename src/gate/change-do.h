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
	DONE_CONTINUE, /* only the kernel can do it without waiting (a FIFO with no
			  reader yet): let it run, when nothing can change the path */
};

enum change_done change_do(int listener, uint64_t id, const struct change *c, int *result);

#endif
