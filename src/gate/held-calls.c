#include "held-calls.h"

#include "risk/rules.h"

#include <seccomp.h>

#define MOUNT_WHAT                                                                                 \
	"Attaches, moves or changes a file system in the machine's folders, which can hide or "    \
	"replace files for everyone"
#define CLOCK_WHAT "Changes the machine's clock, which every log and certificate check relies on"
#define NAMESPACE_WHAT                                                                             \
	"Makes a separate view of the machine (its files, processes, users or network) that "      \
	"escort does not watch"
#define MODULE_WHAT                                                                                \
	"Loads code into the running kernel, the core of the system that everything else trusts"
#define KEXEC_WHAT "Loads another kernel to replace the running one"
#define CODE_WHAT "Loads code that is not part of the system into a running program"
#define PORTS_WHAT                                                                                 \
	"Gives the program direct access to the machine's hardware ports, around every driver "    \
	"and permission: it can reset the machine or reprogram its devices"
#define SIGNAL_WHAT                                                                                \
	"Sends a signal (stop, interrupt, kill) to a process that is not part of this session"

#define SHARE_WHAT                                                                                 \
	"Changes how much processor or disk time a process that is not part of this session "      \
	"gets, or which processors it may use, which can starve it"

#define IPC_WHAT                                                                                   \
	"Removes or changes a System V semaphore set, message queue or shared memory segment "     \
	"that programs outside this session may be using"

#define IPC_USE_WHAT                                                                               \
	"Uses a System V semaphore set or message queue of programs outside this session: "        \
	"posts or takes their signals, sends them messages or takes theirs"

#define IPC_MAKE_WHAT "Makes a System V semaphore set or message queue"
#define MQUEUE_WHAT                                                                                \
	"Opens or removes a POSIX message queue that programs outside this session may use: "      \
	"messages put in it or taken from it are theirs"

#define QUOTA_WHAT                                                                                 \
	"Changes how much disk space an account may use on a file system, or turns those limits "  \
	"off for everyone"

#define CONNECT_WHAT "Opens a connection to another machine or to a local service"
#define SEND_WHAT "Sends data to an address it names (another machine or a local service)"

/* Signal calls: which argument names the target, which the signal. */
#define SIGNAL(call, check, target, sig)                                                           \
	{                                                                                          \
		call, check, TRAP_SIGNAL, target, sig, LEVEL_HIGH, SIGNAL_WHAT, "T1489"            \
	}
#define SYSTEM(call, level, what, attack)                                                          \
	{                                                                                          \
		call, HELD_ALWAYS, TRAP_ALL, 0, 0, level, what, attack                             \
	}

const struct held_call held_calls[] = {
    SYSTEM("mount", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("umount2", LEVEL_HIGH, "Detaches a file system from the machine's folders", "T1611"),
    SYSTEM("fsopen", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("fsconfig", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("fsmount", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("fspick", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("move_mount", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("open_tree", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("mount_setattr", LEVEL_HIGH, MOUNT_WHAT, "T1611"),
    SYSTEM("pivot_root", LEVEL_HIGH, "Replaces the root folder every program sees", "T1611"),
    SYSTEM("chroot", LEVEL_HIGH, "Makes programs see another folder as the whole machine", "T1611"),
    SYSTEM("swapon", LEVEL_HIGH, "Starts using a file or disk as extra memory (swap)", "T1499"),
    SYSTEM("swapoff", LEVEL_HIGH,
	   "Stops using swap space, which can make the machine run out of memory", "T1499"),
    SYSTEM("reboot", LEVEL_CRITICAL,
	   "Restarts or powers off the machine (or changes what Ctrl-Alt-Del does)", "T1529"),
    SYSTEM("init_module", LEVEL_CRITICAL, MODULE_WHAT, "T1547.006"),
    SYSTEM("finit_module", LEVEL_CRITICAL, MODULE_WHAT, "T1547.006"),
    SYSTEM("delete_module", LEVEL_CRITICAL,
	   "Removes code from the running kernel (a driver or a security feature)", "T1562.001"),
    SYSTEM("kexec_load", LEVEL_CRITICAL, KEXEC_WHAT, "T1542"),
    SYSTEM("kexec_file_load", LEVEL_CRITICAL, KEXEC_WHAT, "T1542"),
    /* Port I/O (kernels with CONFIG_X86_IOPL_IOPERM): outb to 0xcf9 resets
     * the machine, and any device can be reprogrammed past its driver. */
    SYSTEM("iopl", LEVEL_CRITICAL, PORTS_WHAT, "T1529"),
    SYSTEM("ioperm", LEVEL_CRITICAL, PORTS_WHAT, "T1529"),
    /* A page poisoned (kernels with CONFIG_MEMORY_FAILURE) is taken from
     * every process that maps it, with SIGBUS: a page of the C library's
     * code, mapped read-only, is every program's, escortd's too. */
    /* /proc/PID/exe is what the exec gate checks after an exec: a root
     * process that points it at another file (CRIU's calls) would pass for
     * the program the gate saw. */
    {"prctl", HELD_ALWAYS, TRAP_EXE_LINK, 0, 0, LEVEL_HIGH,
     "Changes which program file this process says it runs (/proc/PID/exe), which escort "
     "checks after every program start",
     "T1036"},
    {"madvise", HELD_ALWAYS, TRAP_MEMORY_FAILURE, 0, 0, LEVEL_CRITICAL,
     "Marks a page of memory as broken hardware: every program that shares it (the system's "
     "libraries are shared by all) is killed when it touches it",
     "T1499"},
    SYSTEM("settimeofday", LEVEL_HIGH, CLOCK_WHAT, "T1070"),
    SYSTEM("clock_settime", LEVEL_HIGH, CLOCK_WHAT, "T1070"),
    {"clock_adjtime", HELD_CLOCK_MODES, TRAP_ALL, 1, 0, LEVEL_HIGH, CLOCK_WHAT, "T1070"},
    {"adjtimex", HELD_CLOCK_MODES, TRAP_ALL, 0, 0, LEVEL_HIGH, CLOCK_WHAT, "T1070"},
    /* The kernel opens the file itself and appends a record to it at every
     * process exit: no open the file gate sees. acct(NULL) stops it. */
    SYSTEM("acct", LEVEL_HIGH,
	   "Makes the kernel write a record into a file it names each time a program ends "
	   "(or stops the machine's process accounting)",
	   "T1565.001"),
    /* dmesg -C, dmesg -c, dmesg -D/-E/-n: the record of what the kernel
     * said, or what it says from now on, is gone. */
    {"syslog", HELD_ALWAYS, TRAP_LOG_ACTION, 0, 0, LEVEL_HIGH,
     "Empties the kernel's message log, or changes which kernel messages reach the console",
     "T1070"},
    /* Limits raised, lowered or dropped for an account, quotas turned off
     * (the file system's limits stop holding for everyone) or a quota file
     * the kernel then writes itself. Reading limits passes (quota, repquota). */
    {"quotactl", HELD_ALWAYS, TRAP_QUOTA_CHANGE, 0, 0, LEVEL_HIGH, QUOTA_WHAT, "T1499"},
    {"quotactl_fd", HELD_ALWAYS, TRAP_QUOTA_CHANGE, 1, 0, LEVEL_HIGH, QUOTA_WHAT, "T1499"},
    SYSTEM("sethostname", LEVEL_HIGH, "Changes the machine's host name", "T1036"),
    SYSTEM("setdomainname", LEVEL_HIGH, "Changes the machine's domain name", "T1036"),
    SYSTEM("bpf", LEVEL_CRITICAL,
	   "Loads a program into the running kernel (eBPF) that can watch or change what the "
	   "whole system does",
	   "T1014"),
    SYSTEM("io_uring_setup", LEVEL_HIGH,
	   "Sets up io_uring, whose operations the kernel runs without passing them through "
	   "escort's checks",
	   "T1562.001"),
    SYSTEM("open_by_handle_at", LEVEL_HIGH,
	   "Opens a file by its internal handle, around folder permissions (a known way out of "
	   "containers)",
	   "T1611"),
    {"unshare", HELD_ALWAYS, TRAP_NEW_NAMESPACE, 0, 0, LEVEL_HIGH, NAMESPACE_WHAT, "T1611"},
    {"clone", HELD_ALWAYS, TRAP_NEW_NAMESPACE, 0, 0, LEVEL_HIGH, NAMESPACE_WHAT, "T1611"},
    SYSTEM("setns", LEVEL_HIGH,
	   "Enters another view of the machine (a container's or the host's namespaces)", "T1611"),
    SIGNAL("kill", HELD_KILL, 0, 1),
    SIGNAL("rt_sigqueueinfo", HELD_KILL, 0, 1),
    SIGNAL("tkill", HELD_THREAD, 0, 1),
    SIGNAL("tgkill", HELD_THREAD, 0, 2),
    SIGNAL("rt_tgsigqueueinfo", HELD_THREAD, 0, 2),
    SIGNAL("pidfd_send_signal", HELD_PIDFD, 0, 1),
    {"ptrace", HELD_PROCESS, TRAP_ALL, 1, 0, LEVEL_HIGH,
     "Takes control of a process that is not part of this session (reads and changes its "
     "memory and what it does)",
     "T1055.008"},
    {"process_vm_writev", HELD_PROCESS, TRAP_ALL, 0, 0, LEVEL_HIGH,
     "Writes into the memory of a process that is not part of this session", "T1055"},
    {"mmap", HELD_CODE_MAP, TRAP_EXEC_FILE, 4, 0, LEVEL_HIGH, CODE_WHAT, "T1129"},
    {"mprotect", HELD_CODE_PROTECT, TRAP_EXEC_PROT, 0, 0, LEVEL_HIGH, CODE_WHAT, "T1129"},
    {"pkey_mprotect", HELD_CODE_PROTECT, TRAP_EXEC_PROT, 0, 0, LEVEL_HIGH, CODE_WHAT, "T1129"},
    /* Who receives SIGIO or SIGURG from a descriptor: the signal reaches the
     * owner without kill(2) (SIGIO ends a process that does not expect it). */
    {"fcntl", HELD_OWNER, TRAP_OWNER, 2, 0, LEVEL_HIGH, SIGNAL_WHAT, "T1489"},
    {"ioctl", HELD_OWNER, TRAP_OWNER, 2, 0, LEVEL_HIGH, SIGNAL_WHAT, "T1489"},
    /* Another process's limits: RLIMIT_FSIZE, RLIMIT_CPU or RLIMIT_NOFILE end
     * or cripple it (the session host's log writes are killed by SIGXFSZ). */
    {"prlimit64", HELD_PROCESS, TRAP_SET_OTHER, 0, 0, LEVEL_HIGH,
     "Changes the limits (file size, processor time, open files) of a process that is not "
     "part of this session, which can end it",
     "T1499"},
    /* Another process's share of the processor or the disk: SCHED_IDLE or
     * nice 19 starves the session host or escortd on a busy machine. The
     * caller's own (pid 0) never leaves the kernel. */
    {"setpriority", HELD_WHO, TRAP_WHO, 1, 0, LEVEL_HIGH, SHARE_WHAT, "T1499"},
    {"ioprio_set", HELD_WHO, TRAP_WHO, 1, 0, LEVEL_HIGH, SHARE_WHAT, "T1499"},
    {"sched_setscheduler", HELD_PROCESS, TRAP_OTHER, 0, 0, LEVEL_HIGH, SHARE_WHAT, "T1499"},
    {"sched_setparam", HELD_PROCESS, TRAP_OTHER, 0, 0, LEVEL_HIGH, SHARE_WHAT, "T1499"},
    {"sched_setattr", HELD_PROCESS, TRAP_OTHER, 0, 0, LEVEL_HIGH, SHARE_WHAT, "T1499"},
    {"sched_setaffinity", HELD_PROCESS, TRAP_OTHER, 0, 0, LEVEL_HIGH, SHARE_WHAT, "T1499"},
    /* A System V object that a service outside the session uses: removed,
     * its waiting processes fail with EIDRM; its owner or mode changed. */
    {"semctl", HELD_IPC, TRAP_IPC_CMD, 2, 0, LEVEL_HIGH, IPC_WHAT, "T1489"},
    {"msgctl", HELD_IPC, TRAP_IPC_CMD, 1, 0, LEVEL_HIGH, IPC_WHAT, "T1489"},
    {"shmctl", HELD_IPC, TRAP_IPC_CMD, 1, 0, LEVEL_HIGH, IPC_WHAT, "T1489"},
    /* Making one: the gate makes it, and knows it is the session's. */
    /* Used: a service's semaphores posted or waited on, its messages sent or
     * taken. The session's own (ipc-made.h) pass. */
    {"semop", HELD_IPC, TRAP_ALL, 0, 0, LEVEL_HIGH, IPC_USE_WHAT, "T1489"},
    {"semtimedop", HELD_IPC, TRAP_ALL, 0, 0, LEVEL_HIGH, IPC_USE_WHAT, "T1489"},
    {"msgsnd", HELD_IPC, TRAP_ALL, 0, 0, LEVEL_HIGH, IPC_USE_WHAT, "T1489"},
    {"msgrcv", HELD_IPC, TRAP_ALL, 0, 0, LEVEL_HIGH, IPC_USE_WHAT, "T1489"},
    {"semget", HELD_IPC_MAKE, TRAP_IPC_MAKE, 2, 0, LEVEL_INFO, IPC_MAKE_WHAT, NULL},
    {"msgget", HELD_IPC_MAKE, TRAP_IPC_MAKE, 1, 0, LEVEL_INFO, IPC_MAKE_WHAT, NULL},
    /* Attached for writing, a service's segment is its memory: what the
     * session writes there, the service reads as its own data. */
    {"shmat", HELD_IPC, TRAP_SHM_WRITE, 2, 0, LEVEL_HIGH,
     "Writes into memory that a program outside this session uses (a System V shared memory "
     "segment): it reads what is written there as its own data",
     "T1055"},
    /* Permission events make every open or read of the files it marks, by
     * any process of the machine, wait for this program's answer; events
     * with files opened for writing hand it every file it marks, writable,
     * with no open the file gate sees. */
    {"fanotify_init", HELD_ALWAYS, TRAP_BLOCKING_CLASS, 0, 0, LEVEL_HIGH,
     "Makes every program of the machine wait for this one's permission before it opens or "
     "reads the files it watches, or has the kernel open those files for it to change",
     "T1562.001"},
    {"pidfd_getfd", HELD_PIDFD, TRAP_ALL, 0, 0, LEVEL_HIGH,
     "Takes an open file or connection from a process that is not part of this session", "T1055"},
    /* IPv4 source routing (LSRR, SSRR in IP_OPTIONS) and IPv6 routing
     * headers send a packet to the first hop they name, whatever address
     * the connect or send gave: a send to loopback went to another machine.
     * Refused (only root may set them); IP_OPTIONS also holds record-route
     * and timestamps (ping -R), refused with them. */
    {"setsockopt", HELD_ALWAYS, TRAP_ROUTE_OPTION, 0, 0, LEVEL_HIGH,
     "Sends the socket's packets through another machine it names (IP source routing), "
     "whatever address they are sent to: data for this machine would go to that one",
     "T1048"},
    /* A POSIX message queue has no creator to judge: opening a service's
     * queue sends it messages (or takes its messages away), and removing
     * it leaves the service without one. Only a queue the caller makes
     * new (O_CREAT | O_EXCL) passes, made by the gate, which keeps it as
     * the session's (mqueue-use.h); removing any is refused. */
    {"mq_open", HELD_MQUEUE_OPEN, TRAP_ALL, 1, 0, LEVEL_HIGH, MQUEUE_WHAT, "T1489"},
    {"mq_unlink", HELD_ALWAYS, TRAP_ALL, 0, 0, LEVEL_HIGH, MQUEUE_WHAT, "T1489"},
    /* A queue opened for reading through /dev/mqueue or /proc/PID/fd/N (the
     * file gate does not see reads): its messages taken, its one
     * notification slot held. Only the session's own pass (mqueue-use.h). */
    {"mq_timedsend", HELD_MQUEUE, TRAP_ALL, 0, 0, LEVEL_HIGH, MQUEUE_WHAT, "T1489"},
    {"mq_timedreceive", HELD_MQUEUE, TRAP_ALL, 0, 0, LEVEL_HIGH, MQUEUE_WHAT, "T1489"},
    {"mq_notify", HELD_MQUEUE, TRAP_ALL, 0, 0, LEVEL_HIGH, MQUEUE_WHAT, "T1489"},
    /* Connections and listeners: judged by the address (net-rate.c). A plain
     * read, write or send on a connected socket never leaves the kernel:
     * sendto is trapped only with an address. sendmsg and sendmmsg keep the
     * address in memory the filter cannot read, so every call is trapped
     * (one notification each; most programs write() to connected sockets,
     * and a UDP or ICMP sendmsg to any host would otherwise pass). */
    {"connect", HELD_CONNECT, TRAP_ALL, 1, 0, LEVEL_MEDIUM, CONNECT_WHAT, "T1048"},
    {"bind", HELD_BIND, TRAP_ALL, 1, 0, LEVEL_MEDIUM,
     "Starts listening for connections from other machines", "T1571"},
    /* An IP socket never bound listens on every address: bound first by
     * the kernel, with no bind the gate sees. */
    {"listen", HELD_LISTEN, TRAP_ALL, 0, 0, LEVEL_MEDIUM,
     "Starts listening for connections from other machines", "T1571"},
    {"sendto", HELD_SENDTO, TRAP_ADDRESS, 4, 0, LEVEL_MEDIUM, SEND_WHAT, "T1048"},
    {"sendmsg", HELD_SENDMSG, TRAP_ALL, 1, 0, LEVEL_MEDIUM, SEND_WHAT, "T1048"},
    {"sendmmsg", HELD_SENDMMSG, TRAP_ALL, 1, 0, LEVEL_MEDIUM, SEND_WHAT, "T1048"},
    {"socket", HELD_SOCKET, TRAP_RAW_SOCKET, 0, 0, LEVEL_HIGH,
     "Opens a raw network socket that captures or forges the machine's network traffic", "T1040"},
};

const size_t held_calls_count = sizeof(held_calls) / sizeof(held_calls[0]);

const struct held_call *held_call_find(int nr)
{
	static int numbers[sizeof(held_calls) / sizeof(held_calls[0])];
	static int resolved;

	if (!resolved) {
		for (size_t i = 0; i < held_calls_count; i++)
			numbers[i] = seccomp_syscall_resolve_name(held_calls[i].name);
		resolved = 1;
	}
	for (size_t i = 0; i < held_calls_count; i++)
		if (numbers[i] == nr && nr >= 0)
			return &held_calls[i];
	return NULL;
}
