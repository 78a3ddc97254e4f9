#include "effect.h"

#include "code-map.h"
#include "ioctl-changes.h"
#include "mqueue-use.h"
#include "net-effect.h"
#include "net-listen.h"
#include "procmem.h"
#include "session-tree.h"
#include "terminal-input.h"
#include "terminal-settings.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <unistd.h>

#define FDINFO_MAX 2048

static int arg_int(const struct seccomp_notif *n, int i)
{
	return (int)(uint32_t)n->data.args[i]; /* the kernel reads int arguments so */
}

static void name_target(struct effect *e, pid_t pid)
{
	procfs_comm(pid, e->target_name, sizeof(e->target_name));
}

static enum effect_outcome by_answer(struct effect *e, enum tree_answer a, pid_t pid)
{
	if (a == TREE_INSIDE)
		return EFFECT_ALLOW;
	if (a == TREE_GONE) {
		e->error = ESRCH;
		return EFFECT_AS_KERNEL;
	}
	e->target = pid;
	if (pid > 0)
		name_target(e, pid);
	return EFFECT_REFUSE;
}

/* kill(2)'s pid: a process, 0 (the caller's group), -1 (all), -pgid. */
static enum effect_outcome judge_kill(const struct seccomp_notif *n, pid_t first, pid_t pid,
				      struct effect *e)
{
	pid_t group;

	if (pid > 0)
		return by_answer(e, session_tree_has(first, pid), pid);
	if (pid == -1) {
		e->every_process = 1;
		return EFFECT_REFUSE;
	}
	if (pid == INT_MIN) {
		e->error = ESRCH;
		return EFFECT_AS_KERNEL;
	}
	group = pid == 0 ? session_tree_group_of((pid_t)n->pid) : -pid;
	if (group <= 0)
		return EFFECT_GONE;
	return by_answer(e, session_tree_has_group(first, group), -group);
}

/* The process a pidfd refers to: the "Pid:" line of its fdinfo (-1 when it
 * has ended, 0 when it lives in a namespace the gate cannot see). */
static int pidfd_target(pid_t caller, int fd, pid_t *pid)
{
	char name[32], buf[FDINFO_MAX], *at;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (procfs_read(caller, name, buf, sizeof(buf)) < 0 || (at = strstr(buf, "\nPid:")) == NULL)
		return -1;
	*pid = (pid_t)strtol(at + strlen("\nPid:"), NULL, 10);
	return 0;
}

static enum effect_outcome judge_pidfd(const struct seccomp_notif *n, pid_t first, int fd,
				       struct effect *e)
{
	pid_t pid;

	if (fd < 0) {
		e->error = EBADF;
		return EFFECT_AS_KERNEL;
	}
	if (pidfd_target((pid_t)n->pid, fd, &pid) < 0)
		return EFFECT_REFUSE; /* not a pidfd (a /proc/PID directory?): cannot tell */
	if (pid == -1) {
		e->error = ESRCH;
		return EFFECT_AS_KERNEL;
	}
	if (pid == 0)
		return EFFECT_REFUSE;
	return by_answer(e, session_tree_has(first, pid), pid);
}

/* adjtimex and clock_adjtime only read the clock when struct timex's first
 * field, modes, is 0. */
static enum effect_outcome judge_clock(const struct seccomp_notif *n, uint64_t at)
{
	struct error err;
	uint32_t modes;

	if (procmem_read((pid_t)n->pid, at, &modes, sizeof(modes), &err) < 0)
		return EFFECT_REFUSE;
	return modes == 0 ? EFFECT_ALLOW : EFFECT_REFUSE;
}

static enum effect_outcome judge_process(const struct seccomp_notif *n, pid_t first,
					 struct effect *e)
{
	pid_t pid = arg_int(n, e->call->target);

	if (strcmp(e->call->name, "ptrace") == 0 && n->data.args[0] == PTRACE_TRACEME)
		return EFFECT_ALLOW;
	if (pid <= 0)
		return EFFECT_ALLOW; /* no such process: the kernel says so */
	return by_answer(e, session_tree_has(first, pid), pid);
}

/* A semaphore set or message queue is the session's when the gate made it
 * (ipc-made.h): removed, its id is no longer (the kernel may give it again). */
static enum effect_outcome judge_ipc_made(const struct seccomp_notif *n,
					  const struct effect_scope *s, struct effect *e)
{
	enum ipc_kind kind = strncmp(e->call->name, "sem", 3) == 0 ? IPC_KIND_SEM : IPC_KIND_MSG;
	int id = arg_int(n, 0);
	int removes =
	    strcmp(e->call->name + 3, "ctl") == 0 && arg_int(n, e->call->target) == IPC_RMID;

	if (s->ipc == NULL || !ipc_made_has(s->ipc, kind, id))
		return EFFECT_REFUSE;
	if (removes)
		ipc_made_forget(s->ipc, kind, id);
	return EFFECT_ALLOW;
}

static enum effect_outcome judge_ipc_make(const struct seccomp_notif *n,
					  const struct effect_scope *s, struct effect *e)
{
	enum ipc_kind kind = strcmp(e->call->name, "semget") == 0 ? IPC_KIND_SEM : IPC_KIND_MSG;
	long result;

	if (s->ipc == NULL || s->self == NULL || !ipc_made_get(s->ipc, n, kind, s->self, &result))
		return EFFECT_ALLOW; /* the kernel makes it: not the session's to remove */
	if (result < 0)
		e->error = (int)-result;
	else
		e->value = result;
	return EFFECT_DONE;
}

/* A shared memory segment made by a process of the session is the
 * session's (to remove, change or attach for writing); semaphore sets and
 * message queues by ipc-made.h. */
static enum effect_outcome judge_ipc(const struct seccomp_notif *n, const struct effect_scope *s,
				     struct effect *e)
{
	struct shmid_ds ds;
	pid_t first = s->first;

	if (strcmp(e->call->name, "shmctl") != 0 && strcmp(e->call->name, "shmat") != 0)
		return judge_ipc_made(n, s, e);
	if (shmctl(arg_int(n, 0), IPC_STAT, &ds) < 0) {
		e->error = errno;
		return EFFECT_AS_KERNEL;
	}
	return session_tree_has(first, ds.shm_cpid) == TREE_INSIDE ? EFFECT_ALLOW : EFFECT_REFUSE;
}

/* setpriority's and ioprio_set's (which, who): a process (0: the caller), a
 * process group (0: the caller's), judged like kill(2); an account's every
 * process is refused (escortd's and the session host's among them). */
static enum effect_outcome judge_who(const struct seccomp_notif *n, pid_t first, struct effect *e)
{
	int kind = arg_int(n, 0) - (strcmp(e->call->name, "ioprio_set") == 0 ? 1 : 0);
	pid_t who = arg_int(n, 1);

	if (kind == 0)
		return who == 0 ? EFFECT_ALLOW : by_answer(e, session_tree_has(first, who), who);
	if (kind == 1)
		return judge_kill(n, first, who == 0 ? 0 : -who, e);
	if (kind == 2) {
		snprintf(e->what, sizeof(e->what),
			 "Changes the processor or disk share of every process of an account, "
			 "escort's own among them");
		return EFFECT_REFUSE;
	}
	e->error = EINVAL;
	return EFFECT_AS_KERNEL;
}

/* Who a descriptor's SIGIO and SIGURG go to (fcntl F_SETOWN's pid: a
 * process, -pgid a group, 0 nobody; F_SETOWN_EX's struct f_owner_ex; the int
 * FIOSETOWN and SIOCSPGRP point at): judged like kill(2) of that signal. The
 * memory is read before the kernel reads it again, as sendmsg's. */
static enum effect_outcome judge_owner(const struct seccomp_notif *n, pid_t first, struct effect *e)
{
	unsigned cmd = (unsigned)n->data.args[1];
	struct f_owner_ex ex = {0};
	struct error err;
	int32_t owner;

	e->signal = SIGIO;
	if (strcmp(e->call->name, "fcntl") == 0 && cmd == F_SETOWN) {
		owner = arg_int(n, 2);
	} else if (strcmp(e->call->name, "fcntl") == 0) { /* F_SETOWN_EX */
		if (procmem_read((pid_t)n->pid, n->data.args[2], &ex, sizeof(ex), &err) < 0) {
			e->error = EFAULT;
			return EFFECT_AS_KERNEL;
		}
		if (ex.pid == 0)
			return EFFECT_ALLOW;
		if (ex.pid < 0)
			return EFFECT_REFUSE;
		if (ex.type != F_OWNER_PGRP)
			return by_answer(e, session_tree_has(first, ex.pid), ex.pid);
		owner = -ex.pid;
	} else if (procmem_read((pid_t)n->pid, n->data.args[2], &owner, sizeof(owner), &err) < 0) {
		e->error = EFAULT;
		return EFFECT_AS_KERNEL;
	}
	if (owner == 0)
		return EFFECT_ALLOW; /* no owner: nobody is signalled */
	return judge_kill(n, first, owner, e);
}

/* fcntl F_SETLEASE: while a lease is held, every other process's open of
 * the file (a read too, for a write lease) waits for the holder to give it
 * back, up to lease-break-time (45 s), and a holder that ignores SIGIO can
 * take it again at once: root's lease on /etc/ld.so.cache would stall every
 * program the machine starts, escortd's too. The file is named only for the
 * record: a lease is refused on every file (a check followed by CONTINUE
 * would let another thread swap the descriptor). */
static enum effect_outcome judge_lease(const struct seccomp_notif *n, struct effect *e)
{
	char fd[64], file[PATH_MAX];
	ssize_t len;

	snprintf(fd, sizeof(fd), "/proc/%d/fd/%d", (int)n->pid, arg_int(n, 0));
	len = readlink(fd, file, sizeof(file) - 1);
	file[len < 0 ? 0 : len] = '\0';
	snprintf(e->where, sizeof(e->where), "on %.300s", file);
	e->attack = "T1499";
	snprintf(e->what, sizeof(e->what),
		 "Takes a lease on %.300s: every program of the machine that opens it waits for "
		 "this one, up to 45 seconds each time",
		 file);
	return EFFECT_REFUSE;
}

/* prlimit64 of RLIMIT_CORE on a process named by its pid: a core file is
 * written by the kernel itself, so the limit stays 0 in a session. On a
 * process of the session it is told it succeeded and changes nothing, as
 * the filter does for one's own (filter.c, keep_no_core); on another, it is
 * judged as any prlimit64. */
static enum effect_outcome judge_core_limit(const struct seccomp_notif *n, pid_t first,
					    struct effect *e)
{
	enum effect_outcome o = judge_process(n, first, e);

	if (o != EFFECT_ALLOW)
		return o;
	e->value = 0;
	return EFFECT_DONE;
}

static enum effect_outcome judge(const struct seccomp_notif *n, const struct effect_scope *s,
				 struct effect *e)
{
	const struct held_call *c = e->call;
	pid_t first = s->first;
	int id = arg_int(n, c->target);

	if (c->trap == TRAP_SIGNAL)
		e->signal = arg_int(n, c->signal);
	switch (c->check) {
	case HELD_KILL:
		return judge_kill(n, first, id, e);
	case HELD_THREAD:
		return id <= 0 ? EFFECT_ALLOW : by_answer(e, session_tree_has(first, id), id);
	case HELD_PROCESS:
		if (strcmp(c->name, "prlimit64") == 0 && (unsigned)n->data.args[1] == RLIMIT_CORE)
			return judge_core_limit(n, first, e);
		return judge_process(n, first, e);
	case HELD_PIDFD:
		return judge_pidfd(n, first, id, e);
	case HELD_IPC:
		return judge_ipc(n, s, e);
	case HELD_IPC_MAKE:
		return judge_ipc_make(n, s, e);
	case HELD_WHO:
		return judge_who(n, first, e);
	case HELD_CLOCK_MODES:
		return judge_clock(n, n->data.args[c->target]);
	case HELD_OWNER:
		if (strcmp(c->name, "fcntl") == 0 && (unsigned)n->data.args[1] == F_SETLEASE)
			return judge_lease(n, e);
		if (strcmp(c->name, "ioctl") == 0 &&
		    terminal_settings_command((unsigned)n->data.args[1]))
			return terminal_settings_judge(n, s, e);
		if (strcmp(c->name, "ioctl") == 0 &&
		    ioctl_changes_command((unsigned)n->data.args[1]))
			return ioctl_changes_judge(n, e);
		if (strcmp(c->name, "ioctl") == 0 &&
		    terminal_input_command((unsigned)n->data.args[1]))
			return terminal_input_judge(n, s, e);
		return judge_owner(n, first, e);
	case HELD_CODE_MAP:
	case HELD_CODE_PROTECT:
		return code_map_judge(s->ids, s->index, n, e);
	case HELD_CONNECT:
	case HELD_BIND:
	case HELD_SENDTO:
	case HELD_SENDMSG:
	case HELD_SENDMMSG:
	case HELD_SOCKET:
		return net_effect_judge(n, e);
	case HELD_LISTEN:
		return net_listen_judge(n, e);
	case HELD_MQUEUE:
		return mqueue_use_judge(n, s, e);
	default:
		return EFFECT_REFUSE;
	}
}

enum effect_outcome effect_judge(int listener, const struct seccomp_notif *n,
				 const struct effect_scope *s, struct effect *e)
{
	enum effect_outcome o;

	memset(e, 0, sizeof(*e));
	e->sock = -1;
	e->call = held_call_find(n->data.nr);
	if (e->call == NULL) { /* the filter traps nothing else */
		e->error = ENOSYS;
		return EFFECT_AS_KERNEL;
	}
	e->level = e->call->level;
	e->attack = e->call->attack;
	snprintf(e->what, sizeof(e->what), "%s", e->call->what);
	/* mq_open hands over the queue the gate made: the listener's. */
	o = e->call->check == HELD_MQUEUE_OPEN ? mqueue_open_judge(listener, n, s, e)
					       : judge(n, s, e);
	/* What was read (the caller's memory, descriptors, group) was the caller's. */
	if (e->call->check != HELD_ALWAYS && seccomp_notify_id_valid(listener, n->id) != 0)
		o = EFFECT_GONE;
	return net_listen_finish(n, e, o); /* the socket taken is the caller's */
}

void effect_describe(const struct effect *e, char *out, size_t size)
{
	const char *name = e->call ? e->call->name : "?";

	if (e->where[0])
		snprintf(out, size, "%s %s", name, e->where);
	else if (e->file[0])
		snprintf(out, size, "%s of code from %s", name, e->file);
	else if (e->every_process)
		snprintf(out, size, "%s signal %d to every process it may signal", name, e->signal);
	else if (e->target < 0)
		snprintf(out, size, "%s signal %d to process group %d", name, e->signal,
			 (int)-e->target);
	else if (e->target > 0 && e->signal)
		snprintf(out, size, "%s signal %d to process %d (%s)", name, e->signal,
			 (int)e->target, e->target_name);
	else if (e->target > 0)
		snprintf(out, size, "%s on process %d (%s)", name, (int)e->target, e->target_name);
	else
		snprintf(out, size, "%s", name);
}
