/* ioctl's that change a file or another login's terminal through a
 * descriptor opened for reading only, so the file gate never sees them:
 * FS_IOC_SETFLAGS and FS_IOC_FSSETXATTR (`chattr +i /etc/passwd`, or taking
 * append-only off a log) and TIOCVHANGUP (hangs up a terminal: SIGHUP to the
 * login's shell, outside the session), and the commands that act on a whole
 * file system (FIFREEZE, FS_IOC_SHUTDOWN, a new label, UUID or size,
 * fs-verity), a btrfs subvolume (deleted, made, made read-only) or a block
 * device (made read-only, its partitions changed, a loop device detached or
 * given another file) and NVMe pass-through (any command to the disk). Those are
 * always refused: a check
 * followed by CONTINUE would let another thread swap the descriptor. chattr's
 * go to the file gate, which does them itself on the file it resolved. The filter also
 * traps TIOCSCTTY with a nonzero argument (it takes a terminal from the login
 * that has it): terminal-input.h judges that one. */
#ifndef ESCORT_IOCTL_CHANGES_H
#define ESCORT_IOCTL_CHANGES_H

#include "effect.h"

/* The commands the filter traps for this file, and TIOCSCTTY, trapped only
 * with a nonzero argument: without one it never takes a terminal. */
extern const unsigned long ioctl_changes_cmds[];
extern const size_t ioctl_changes_count;
#define IOCTL_CHANGES_FORCED TIOCSCTTY_CMD
#define TIOCSCTTY_CMD 0x540Eu

/* Whether ioctl command cmd is one of them. */
int ioctl_changes_command(unsigned cmd);
/* Whether it is one of chattr's (FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR): those
 * are changes to a file, rated and done by the file gate (change-calls.h). */
int ioctl_changes_file_flags(unsigned cmd);

enum effect_outcome ioctl_changes_judge(const struct seccomp_notif *n, struct effect *e);

#endif
