#include "filter.h"

#include "change-calls.h"
#include "creds-cache.h"
#include "held-calls.h"
#include "ioctl-changes.h"
#include "terminal-settings.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dqblk_xfs.h>
#include <linux/quota.h>
#include <linux/sockios.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

#define SOCKET_TYPE_MASK 0xfu /* the kernel's SOCK_TYPE_MASK: the rest are flags */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The flags that make a namespace. CLONE_NEWTIME's bit is part of clone's
 * exit signal, so it counts for unshare only. */
static const unsigned long namespace_flags[] = {
    CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET, CLONE_NEWTIME,
};

static int trap_new_namespace(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	size_t n = sizeof(namespace_flags) / sizeof(namespace_flags[0]);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned long f = namespace_flags[i];
		if (f == CLONE_NEWTIME && strcmp(c->name, "unshare") != 0)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
	}
	return rc;
}

/* Socket kinds that see or forge every packet: AF_PACKET, raw IPv4 and IPv6,
 * and (AF_INET, SOCK_PACKET), which the kernel makes an AF_PACKET socket;
 * and SCTP sockets, which connect and bind through socket options
 * (SCTP_SOCKOPT_CONNECTX, BINDX_ADD) that the gate does not judge.
 * int arguments are compared on their low 32 bits, as the kernel reads them. */
static int trap_raw_socket(scmp_filter_ctx ctx, int nr)
{
	static const unsigned kinds[][2] = {
	    {AF_INET, SOCK_RAW}, {AF_INET, SOCK_PACKET}, {AF_INET6, SOCK_RAW}};
	static const unsigned ip_families[] = {AF_INET, AF_INET6};
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				  SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, AF_PACKET));

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, kinds[i][0]),
				      SCMP_A1(SCMP_CMP_MASKED_EQ, SOCKET_TYPE_MASK, kinds[i][1]));
	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, ip_families[i]),
				      SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, IPPROTO_SCTP));
	return rc;
}

/* ld.so maps every library with PROT_EXEC at every exec: only mappings of
 * code from a file leave the kernel (a JIT's anonymous memory does not). The
 * descriptor is an int: bit 31 set is -1 (or another invalid one). */
static int trap_exec_file(scmp_filter_ctx ctx, int nr)
{
	return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 3,
				SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC),
				SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0),
				SCMP_A4(SCMP_CMP_MASKED_EQ, 0x80000000u, 0));
}

/* ioctl-changes.h: always, and TIOCSCTTY when it may take the terminal
 * from another login (a nonzero argument). */
static int trap_ioctl_changes(scmp_filter_ctx ctx, int nr)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
				  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, IOCTL_CHANGES_FORCED),
				  SCMP_A2(SCMP_CMP_NE, 0, 0));

	for (size_t i = 0; i < terminal_settings_count && rc == 0; i++)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, terminal_settings_cmds[i]));
	for (size_t i = 0; i < ioctl_changes_count && rc == 0; i++)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, ioctl_changes_cmds[i]));
	return rc;
}

/* fcntl F_SETLEASE taking a lease (F_RDLCK, F_WRLCK; F_UNLCK gives one
 * back): every other process's open of the file waits for the holder. */
static int trap_lease(scmp_filter_ctx ctx, int nr)
{
	static const unsigned long kinds[] = {F_RDLCK, F_WRLCK};
	int rc = 0;

	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, F_SETLEASE),
				      SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, kinds[i]));
	return rc;
}

/* The commands that name who receives a descriptor's SIGIO and SIGURG, and
 * ioctl's that type into a terminal (terminal-input.h), fcntl's leases. An ioctl's command
 * is an unsigned int, fcntl's an int: low 32 bits. */
static int trap_owner(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	static const unsigned long fcntl_cmds[] = {F_SETOWN, F_SETOWN_EX};
	static const unsigned long ioctl_cmds[] = {FIOSETOWN, SIOCSPGRP, TIOCSTI, TIOCLINUX};
	int is_ioctl = strcmp(c->name, "ioctl") == 0;
	const unsigned long *cmds = is_ioctl ? ioctl_cmds : fcntl_cmds;
	size_t n = is_ioctl ? sizeof(ioctl_cmds) / sizeof(ioctl_cmds[0]) : 2;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, cmds[i]));
	if (rc == 0)
		rc = is_ioctl ? trap_ioctl_changes(ctx, nr) : trap_lease(ctx, nr);
	return rc;
}

/* fanotify_init's FAN_CLASS_CONTENT and FAN_CLASS_PRE_CONTENT: the classes
 * whose events wait for an answer (a notification class passes); and any
 * class whose events come with the file opened for writing (event_f_flags,
 * args[1], O_WRONLY or O_RDWR): the kernel opens each file a mark sees
 * (/etc/shadow, another account's) for the listener, with no open the file
 * gate sees. */
static int trap_blocking_class(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	static const unsigned long classes[] = {FAN_CLASS_CONTENT, FAN_CLASS_PRE_CONTENT};
	int rc = 0;

	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_CMP((unsigned)c->target, SCMP_CMP_MASKED_EQ, classes[i], classes[i]));
	for (unsigned long mode = O_WRONLY; mode <= O_ACCMODE && rc == 0; mode++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE, mode));
	return rc;
}

/* shmat without SHM_RDONLY: the caller writes into the segment (held-calls.c
 * judges whose it is). */
static int trap_shm_write(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				SCMP_CMP((unsigned)c->target, SCMP_CMP_MASKED_EQ, SHM_RDONLY, 0));
}

/* setsockopt's (level, name) pairs that set the hops a packet goes through:
 * IP_OPTIONS (LSRR, SSRR), IPV6_RTHDR and the RFC 2292 forms (its
 * IPV6_2292PKTOPTIONS takes a routing header among its control messages).
 * Both are ints: low 32 bits. */
static int trap_route_option(scmp_filter_ctx ctx, int nr)
{
	static const unsigned long options[][2] = {
	    {IPPROTO_IP, IP_OPTIONS},
	    {IPPROTO_IPV6, IPV6_RTHDR},
	    {IPPROTO_IPV6, IPV6_2292RTHDR},
	    {IPPROTO_IPV6, IPV6_2292PKTOPTIONS},
	};
	int rc = 0;

	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, options[i][0]),
				      SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, options[i][1]));
	return rc;
}

/* madvise's MADV_HWPOISON and MADV_SOFT_OFFLINE (root's): advice is an int. */
static int trap_memory_failure(scmp_filter_ctx ctx, int nr)
{
	static const unsigned long advice[] = {MADV_HWPOISON, MADV_SOFT_OFFLINE};
	int rc = 0;

	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, advice[i]));
	return rc;
}

/* prctl(PR_SET_MM, PR_SET_MM_EXE_FILE or PR_SET_MM_MAP, ...): other
 * prctl options never leave the kernel (PR_SET_DUMPABLE has its own rule). */
static int trap_exe_link(scmp_filter_ctx ctx, int nr)
{
	static const unsigned long sub[] = {PR_SET_MM_EXE_FILE, PR_SET_MM_MAP};
	int rc = 0;

	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, PR_SET_MM),
				      SCMP_A1(SCMP_CMP_EQ, sub[i], 0));
	return rc;
}

/* syslog's actions 4 (read and clear), 5 (clear), 6 and 7 (console off and
 * on) and 8 (console level): the kernel's SYSLOG_ACTION_* numbers. */
static int trap_log_action(scmp_filter_ctx ctx, int nr)
{
	int rc = 0;

	for (unsigned action = 4; action <= 8 && rc == 0; action++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, action));
	return rc;
}

/* setpriority's PRIO_PROCESS is 0, ioprio_set's IOPRIO_WHO_PROCESS 1: the
 * caller itself is that kind with who 0. Compared on 64 bits: stray high
 * bits trap too, and the gate reads the ints the kernel will. */
static int trap_who(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	unsigned long process = strcmp(c->name, "ioprio_set") == 0 ? 1 : 0;
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1, SCMP_A0(SCMP_CMP_NE, process, 0));

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1, SCMP_A1(SCMP_CMP_NE, 0, 0));
	return rc;
}

/* IPC_RMID (0) and IPC_SET (1); the commands that read pass. */
/* IPC_RMID and IPC_SET; for semctl also SETVAL and SETALL, which change
 * what a service's semaphores count. */
static int trap_ipc_cmd(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	const unsigned cmds[] = {IPC_RMID, IPC_SET, SETVAL, SETALL};
	size_t n = strcmp(c->name, "semctl") == 0 ? 4 : 2;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_CMP((unsigned)c->target, SCMP_CMP_MASKED_EQ, 0xffffffffu, cmds[i]));
	return rc;
}

/* semget(key, nsems, flags), msgget(key, flags): a new object, never the
 * lookup of an existing one. */
static int trap_ipc_make(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				  SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, IPC_PRIVATE));

	if (rc == 0)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_CMP((unsigned)c->target, SCMP_CMP_MASKED_EQ, IPC_CREAT, IPC_CREAT));
	return rc;
}

/* quotactl's commands (QCMD: the subcommand above the low 8 bits, the
 * quota type in them) that change limits or turn quotas on or off: the
 * generic ones and XFS's (XQM_CMD). The command is an int: low 32 bits. */
static int trap_quota_change(scmp_filter_ctx ctx, const struct held_call *c, int nr)
{
	static const unsigned subcmds[] = {Q_QUOTAON,  Q_QUOTAOFF,  Q_SETINFO,	Q_SETQUOTA,
					   Q_XQUOTAON, Q_XQUOTAOFF, Q_XSETQLIM, Q_XQUOTARM};
	int rc = 0;

	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_CMP((unsigned)c->target, SCMP_CMP_MASKED_EQ, 0xffffff00u,
					       (unsigned long)subcmds[i] << 8));
	return rc;
}

static int trap_held(scmp_filter_ctx ctx, const struct held_call *c)
{
	int nr = seccomp_syscall_resolve_name(c->name);

	if (nr < 0) /* unknown to this libseccomp or not on this architecture */
		return 0;
	switch (c->trap) {
	case TRAP_SIGNAL:
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					SCMP_CMP((unsigned)c->signal, SCMP_CMP_NE, 0, 0));
	case TRAP_NEW_NAMESPACE:
		return trap_new_namespace(ctx, c, nr);
	case TRAP_ADDRESS:
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					SCMP_CMP((unsigned)c->target, SCMP_CMP_NE, 0, 0));
	case TRAP_RAW_SOCKET:
		return trap_raw_socket(ctx, nr);
	case TRAP_EXEC_FILE:
		return trap_exec_file(ctx, nr);
	case TRAP_EXEC_PROT:
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	case TRAP_OWNER:
		return trap_owner(ctx, c, nr);
	case TRAP_SET_OTHER: /* prlimit64(pid, resource, new, old) */
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
					SCMP_CMP((unsigned)c->target, SCMP_CMP_NE, 0, 0),
					SCMP_A2(SCMP_CMP_NE, 0, 0));
	case TRAP_BLOCKING_CLASS:
		return trap_blocking_class(ctx, c, nr);
	case TRAP_OTHER:
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
					SCMP_CMP((unsigned)c->target, SCMP_CMP_NE, 0, 0));
	case TRAP_WHO:
		return trap_who(ctx, c, nr);
	case TRAP_IPC_CMD:
		return trap_ipc_cmd(ctx, c, nr);
	case TRAP_IPC_MAKE:
		return trap_ipc_make(ctx, c, nr);
	case TRAP_SHM_WRITE:
		return trap_shm_write(ctx, c, nr);
	case TRAP_ROUTE_OPTION:
		return trap_route_option(ctx, nr);
	case TRAP_LOG_ACTION:
		return trap_log_action(ctx, nr);
	case TRAP_MEMORY_FAILURE:
		return trap_memory_failure(ctx, nr);
	case TRAP_EXE_LINK:
		return trap_exe_link(ctx, nr);
	case TRAP_QUOTA_CHANGE:
		return trap_quota_change(ctx, c, nr);
	default:
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
	}
}

/* An open traps only with a flag that writes: plain reads never leave the
 * kernel. Other calls that change files trap always. */
static int trap_change(scmp_filter_ctx ctx, const struct change_call *c)
{
	int nr = change_call_number(c), rc = 0;

	if (nr < 0)
		return 0;
	if (c->kind != CHANGE_WRITE)
		return seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
	for (size_t i = 0; i < change_write_flags_count && rc == 0; i++) {
		unsigned long f = change_write_flags[i];
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				      SCMP_CMP((unsigned)c->flags, SCMP_CMP_MASKED_EQ, f, f));
	}
	return rc;
}

/* System calls newer than this C library that change the system or read
 * paths the gate would have to follow: they fail as if the kernel did not
 * have them, and programs fall back to the calls the gate sees. openat2 keeps
 * its flags in memory the filter cannot read. */
static const int unsupported_calls[] = {
#if defined(__x86_64__)
    437, /* openat2 */
    460, /* lsm_set_self_attr */
    463, /* setxattrat */
    466, /* removexattrat */
    467, /* open_tree_attr */
    469, /* file_setattr */
#endif
};
#define FIRST_UNKNOWN_CALL 470
#define LAST_UNKNOWN_CALL 511

/* userfaultfd lets a process answer the faults on its own memory whenever it
 * likes, and the gate reads the caller's memory (process_vm_readv) in its
 * event loop: a path on such a page would stop the session host in the
 * kernel for good, uninterruptible. The call fails as if the kernel did not
 * have it, and so does the way through /dev/userfaultfd (an ioctl on a
 * descriptor opened for reading, which the file gate does not see). */
static int refuse_userfaultfd(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(userfaultfd), 0);

	if (rc == 0)
		rc =
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, USERFAULTFD_IOC_NEW));
	return rc;
}

static int refuse_unsupported(scmp_filter_ctx ctx)
{
	size_t n = sizeof(unsupported_calls) / sizeof(unsupported_calls[0]);
	int rc = refuse_userfaultfd(ctx);

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), unsupported_calls[i], 0);
	for (int nr = FIRST_UNKNOWN_CALL; n > 0 && nr <= LAST_UNKNOWN_CALL && rc == 0; nr++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	return rc;
}

/* READ_IMPLIES_EXEC makes the kernel add PROT_EXEC to every mapping
 * with PROT_READ: a file's code mapped with no PROT_EXEC in the call the
 * filter reads. Setting it fails with EPERM; a query (0xffffffff) and every
 * other persona pass. With bit 31 set, a persona is a query only if no
 * other bit is clear: one rule per bit that may be. */
#define PERSONA_TOP 0x80000000u
static int refuse_read_implies_exec(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(
	    ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, PERSONA_TOP | READ_IMPLIES_EXEC, READ_IMPLIES_EXEC));

	for (unsigned bit = 0; bit < 31 && rc == 0; bit++) {
		unsigned both = PERSONA_TOP | READ_IMPLIES_EXEC;
		if ((1u << bit) == READ_IMPLIES_EXEC)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, both | (1u << bit), both));
	}
	return rc;
}

/* A process that makes itself non-dumpable (sftp-server and ssh-agent do)
 * cannot have its calls read by a session host that is not root: every
 * change to files it asked for would fail. It is told it succeeded and stays
 * readable by the gate (THREAT-MODEL.md, "Processes stay readable"). */
static int keep_readable(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(prctl), 2,
				SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, PR_SET_DUMPABLE),
				SCMP_A1(SCMP_CMP_MASKED_EQ, ~0ull, 0));
}

/* A core file is written by the kernel itself, where the process runs (a
 * folder of /srv, /etc/cron.d), with the process's memory as its content
 * and replacing a file of that name: no open the file gate sees. The session
 * starts with RLIMIT_CORE at 0 (session/spawn.c); setting it for oneself is
 * told it succeeded and changes nothing (0 stays 0, as lowering it would),
 * so that sudo, which sets it to 0, runs as usual. prlimit64 of a pid is
 * judged by the gate (effect.c), disjoint from this rule on args[0]. */
static int keep_no_core(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(setrlimit), 1,
				  SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, RLIMIT_CORE));

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(prlimit64), 3,
				      SCMP_A0(SCMP_CMP_EQ, 0, 0),
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, RLIMIT_CORE),
				      SCMP_A2(SCMP_CMP_NE, 0, 0));
	return rc;
}

/* A call that changes the caller's rights or umask: the gate forgets the
 * rights it kept (creds-cache.h) and lets it go on. */
static int trap_creds(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	return nr < 0 ? 0 : seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
}

/* Every exec, and the calls of held-calls.c and change-calls.c. clone3 keeps its flags in
 * memory the filter cannot read: it fails with ENOSYS, and the C library
 * falls back to clone, whose flags it can. */
static int add_rules(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0);

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	for (size_t i = 0; i < held_calls_count && rc == 0; i++)
		rc = trap_held(ctx, &held_calls[i]);
	for (size_t i = 0; i < change_calls_count && rc == 0; i++)
		rc = trap_change(ctx, &change_calls[i]);
	for (size_t i = 0; i < creds_calls_count && rc == 0; i++)
		rc = trap_creds(ctx, creds_calls[i]);
	if (rc == 0)
		rc = refuse_unsupported(ctx);
	if (rc == 0)
		rc = keep_readable(ctx);
	if (rc == 0)
		rc = keep_no_core(ctx);
	if (rc == 0)
		rc = refuse_read_implies_exec(ctx);
	return rc;
}

int gate_filter_install(int keep_privileges, struct error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc, fd;

	if (ctx == NULL)
		return error_set(err, "cannot create the seccomp filter");
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, keep_privileges ? 0 : 1);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* Every system call of the session runs the filter: a binary tree of
	 * the ~150 rules instead of a list of them. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = add_rules(ctx);
	if (rc < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return error_errno(err, "cannot build the seccomp filter");
	}
	rc = seccomp_load(ctx);
	if (rc < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return error_errno(err, "the kernel refused the exec gate's seccomp filter");
	}
	fd = seccomp_notify_fd(ctx);
	seccomp_release(ctx);
	if (fd < 0) {
		errno = -fd;
		return error_errno(err, "no seccomp listener descriptor");
	}
	return fd;
}
