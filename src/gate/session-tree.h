/* Which processes belong to the session: those whose chain of parents
 * reaches the session's first process (the program escort started). Read
 * from /proc/PID/stat at the moment of asking. A process whose chain was cut
 * (a daemon that forked twice and was adopted by init) is outside: the
 * answer errs on the side of refusing. The process group and POSIX session
 * ids are not used: any process can leave them with setsid or setpgid. */
#ifndef ESCORT_SESSION_TREE_H
#define ESCORT_SESSION_TREE_H

#include <sys/types.h>

enum tree_answer {
	TREE_GONE = -1, /* no such process (or group) */
	TREE_OUTSIDE = 0,
	TREE_INSIDE = 1,
};

/* pid: a process or thread id. */
enum tree_answer session_tree_has(pid_t first, pid_t pid);

/* Every process of the process group pgid is inside. */
enum tree_answer session_tree_has_group(pid_t first, pid_t pgid);

/* The process group of pid, or -1. */
pid_t session_tree_group_of(pid_t pid);

#endif
