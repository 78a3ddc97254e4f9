/* A root session's view of the machine without escort's own files: the
 * session's program starts in a mount namespace of its own (mounts made on
 * the host still appear in it) where each of escort's directories is an
 * empty read-only tmpfs and each of its files an empty read-only file. The
 * session host stays in the host's namespace and keeps writing its log. The
 * gate refuses mount and umount2, so the session cannot undo it. */
#ifndef ESCORT_HIDE_H
#define ESCORT_HIDE_H

#include "gate/own-files.h"
#include "util/error.h"

/* Run by the session's first process before the gate's filter is installed
 * (the filter refuses the mounts). Paths that do not exist are skipped. */
int hide_own_files(const struct own_files *o, struct error *err);

#endif
