/* THE table of system calls other than exec that the gate holds: what each
 * would do, in plain words for whoever reads the refusal, its level and its
 * MITRE ATT&CK technique, and how the gate judges it (always refused, or
 * refused only when it reaches a process outside the session). The filter
 * (filter.c) and the supervisor (effect.c) both read it; nothing else lists
 * these calls. */
#ifndef ESCORT_HELD_CALLS_H
#define ESCORT_HELD_CALLS_H

#include <stddef.h>

/* How a trapped call is judged. */
enum held_check {
	HELD_ALWAYS,	   /* changes the system: refused whatever its arguments */
	HELD_KILL,	   /* signal to args[target]: a pid, 0 (own group), -1 (all), -pgid */
	HELD_THREAD,	   /* signal to args[target], a thread group or thread id */
	HELD_PROCESS,	   /* acts on the process args[target] (ptrace: not PTRACE_TRACEME) */
	HELD_PIDFD,	   /* acts on the process the pidfd args[target] refers to */
	HELD_CLOCK_MODES,  /* changes the clock unless struct timex at args[target] only reads */
	HELD_CODE_MAP,	   /* maps the file args[target] (a descriptor) as code (code-map.c) */
	HELD_CODE_PROTECT, /* makes the memory at args[target] code (code-map.c) */
	HELD_CONNECT,	   /* the address at args[target], args[target + 1] bytes (net-effect.c) */
	HELD_BIND,	   /* the address a socket is bound to, as HELD_CONNECT */
	HELD_SENDTO,	   /* the destination at args[target], args[target + 1] bytes */
	HELD_SENDMSG,	   /* the destination in the struct msghdr at args[target] */
	HELD_SENDMMSG,	   /* the destinations in the struct mmsghdr array at args[target] */
	HELD_SOCKET,	   /* a raw or packet socket: the kind in args[0..2] */
	HELD_LISTEN,	   /* listen on the socket args[target]: made by the gate unless it
			    * was never bound (net-listen.h) */
	HELD_OWNER,	   /* fcntl F_SETOWN(_EX), ioctl FIOSETOWN/SIOCSPGRP: who gets SIGIO */
	HELD_IPC,	   /* System V object args[0] removed or changed, or a segment
			    * attached for writing: shm judged by its creator, semaphores
			    * and queues by whether the session made them */
	HELD_WHO,	   /* setpriority, ioprio_set: args[0] says what args[1] is (a process,
			    * a group, an account) */
	HELD_IPC_MAKE,	   /* semget, msgget making an object (flags in args[target]): made by
			    * the gate, so that the session may remove it (ipc-made.h) */
	HELD_MQUEUE_OPEN,  /* mq_open: made by the gate when new (flags args[target] with
			    * O_CREAT | O_EXCL), refused otherwise (mqueue-use.h) */
	HELD_MQUEUE,	   /* mq_timedsend, mq_timedreceive, mq_notify on the descriptor
			    * args[0]: refused unless its queue is one the gate made */
};

/* Which calls the filter traps: all of them, or only some arguments. */
enum held_trap {
	TRAP_ALL,
	TRAP_SIGNAL,	     /* only when the signal args[signal] is not 0 (an existence check) */
	TRAP_NEW_NAMESPACE,  /* only when the flags args[0] create a namespace */
	TRAP_EXEC_FILE,	     /* mmap: only PROT_EXEC of a file (not anonymous, descriptor >= 0) */
	TRAP_EXEC_PROT,	     /* mprotect: only when args[2] adds PROT_EXEC */
	TRAP_ADDRESS,	     /* only when the pointer args[target] is not NULL (sendto's address) */
	TRAP_RAW_SOCKET,     /* only a packet socket, or a raw one of IPv4 or IPv6 */
	TRAP_OWNER,	     /* fcntl F_SETOWN/F_SETOWN_EX, ioctl FIOSETOWN/SIOCSPGRP only */
	TRAP_SET_OTHER,	     /* prlimit64: only another process (args[target]) and a new limit */
	TRAP_BLOCKING_CLASS, /* fanotify_init: only a class with permission events, or
			      * events whose files come opened for writing */
	TRAP_OTHER,	     /* only when args[target], a pid, is not 0 (the caller itself) */
	TRAP_WHO,	     /* only when args[0] is not "a process" or args[1] is not 0 */
	TRAP_IPC_CMD,	     /* only IPC_RMID and IPC_SET in args[target] */
	TRAP_IPC_MAKE,	     /* only IPC_PRIVATE in args[0] or IPC_CREAT in args[target] */
	TRAP_SHM_WRITE,	     /* shmat: only without SHM_RDONLY in args[target] */
	TRAP_ROUTE_OPTION,   /* setsockopt: only the options that set a packet's route */
	TRAP_MEMORY_FAILURE, /* madvise: only MADV_HWPOISON and MADV_SOFT_OFFLINE */
	TRAP_EXE_LINK,	     /* prctl: only PR_SET_MM's PR_SET_MM_EXE_FILE and PR_SET_MM_MAP */
	TRAP_QUOTA_CHANGE,   /* quotactl: only the commands in args[target] that change quotas */
	TRAP_LOG_ACTION,     /* syslog: only actions that clear the kernel's log or change
			      * what reaches the console (reading it passes) */
};

struct held_call {
	const char *name; /* the system call, as libseccomp names it */
	enum held_check check;
	enum held_trap trap;
	int target;	  /* the argument check looks at */
	int signal;	  /* TRAP_SIGNAL: the argument holding the signal */
	int level;	  /* enum risk_level */
	const char *what; /* what it would have done, for a non-engineer */
	const char *attack;
};

extern const struct held_call held_calls[];
extern const size_t held_calls_count;

/* The entry for the native system call number nr, or NULL. */
const struct held_call *held_call_find(int nr);

#endif
