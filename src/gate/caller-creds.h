/* Acting for a trapped process with its own rights: the gate's thread takes
 * the process's file-system user and group, its supplementary groups, its
 * effective capabilities and its umask for the time of one change, so the
 * kernel checks permissions exactly as it would for the process. Only the
 * gate's thread changes (raw system calls are per thread; gate_start gives
 * the thread its own umask with unshare(CLONE_FS)). */
#ifndef ESCORT_CALLER_CREDS_H
#define ESCORT_CALLER_CREDS_H

#include <stdint.h>
#include <sys/types.h>

#define CREDS_MAX_GROUPS 64

struct creds {
	uid_t fsuid, euid; /* euid, egid: what a Unix socket's peer sees (SO_PEERCRED) */
	gid_t fsgid, egid;
	gid_t groups[CREDS_MAX_GROUPS];
	int ngroups;
	uint64_t cap_effective;
	mode_t umask;
	int threads; /* of the process: 1 = nobody else can change its memory */
};

/* The thread tid's rights, from /proc/TID/status; -1 when it is gone. */
int creds_read(pid_t tid, struct creds *c);
/* Whether the gate's thread can take c: equal to its own, or the gate has
 * the capabilities to change to them. */
int creds_can_take(const struct creds *ours, const struct creds *c);
/* Takes c for the gate's thread (its umask too when the change creates
 * files); creds_restore goes back to ours. */
int creds_take(const struct creds *ours, const struct creds *c, int creates);
void creds_restore(const struct creds *ours, const struct creds *c);

#endif
