/* A trapped call of change-calls.c read into a struct change: its paths
 * read once from the process's memory and walked as the kernel would walk
 * them (path-walk.c), its flags, mode, owner and attribute. */
#ifndef ESCORT_CHANGE_READ_H
#define ESCORT_CHANGE_READ_H

#include "change-calls.h"
#include "change.h"

#include <seccomp.h>

/* Reads the call's arguments from the process's memory and opens where its
 * paths start, with the gate's own rights. 0, or -errno to fail the call with
 * as the kernel would (EFAULT, ENOENT, ENAMETOOLONG...). c is filled as far
 * as it was read; change_free it. */
int change_read(const struct seccomp_notif *n, const struct change_call *call, struct change *c);
/* Walks the paths read, with the process's rights taken (caller-creds.h). */
int change_resolve(struct change *c);

#endif
