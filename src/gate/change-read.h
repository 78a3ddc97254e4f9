/* A trapped call of change-calls.c read into a struct change: its paths
 * read once from the process's memory and walked as the kernel would walk
 * them (path-walk.c), its flags, mode, owner and attribute. */
#ifndef ESCORT_CHANGE_READ_H
#define ESCORT_CHANGE_READ_H

#include "change-calls.h"
#include "change.h"

#include <seccomp.h>

/* 0, or -errno to fail the call with as the kernel would (EFAULT, ENOENT,
 * ENAMETOOLONG...). c is filled as far as it was read; change_free it. */
int change_read(const struct seccomp_notif *n, const struct change_call *call, struct change *c);

#endif
