#include "mqueue-use.h"

#include "procmem.h"
#include "risk/rules.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The caller makes the queue as the gate's thread would with its rights
 * taken: the same IPC namespace (the queues' file system is its). */
static int same_namespace(pid_t pid)
{
	char path[64];
	struct stat ours, theirs;

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	return stat("/proc/self/ns/ipc", &ours) == 0 && stat(path, &theirs) == 0 &&
	       ours.st_ino == theirs.st_ino;
}

/* The queue made, handed to the caller: its descriptor number there, or
 * -errno. */
static long make(int listener, const struct seccomp_notif *n, const struct effect_scope *s,
		 const struct creds *who)
{
	const __u64 *args = n->data.args;
	char name[NAME_MAX + 2];
	struct mq_attr attr, *a = NULL;
	struct seccomp_notif_addfd add = {.id = n->id};
	struct error err;
	struct stat st;
	long fd, rc;

	if (procmem_string((pid_t)n->pid, args[0], name, sizeof(name), &err) < 0)
		return err.code == ERR_TRUNCATED ? -ENAMETOOLONG : -EFAULT;
	if (args[3] != 0) {
		if (procmem_read((pid_t)n->pid, args[3], &attr, sizeof(attr), &err) < 0)
			return -EFAULT;
		a = &attr;
	}
	if (creds_take(s->self, who, 1) < 0)
		return -EPERM;
	fd = syscall(SYS_mq_open, name, (int)args[1] | O_CLOEXEC, (mode_t)args[2], a);
	rc = fd < 0 ? -errno : 0;
	creds_restore(s->self, who);
	if (fd < 0)
		return rc;
	if (fstat((int)fd, &st) < 0 || !ipc_made_add(s->ipc, IPC_KIND_MQUEUE, (int)st.st_ino)) {
		close((int)fd);
		return -ENOMEM;
	}
	add.srcfd = (uint32_t)fd;
	add.newfd_flags = (uint32_t)((int)args[1] & O_CLOEXEC);
	rc = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	close((int)fd);
	return rc < 0 ? -errno : rc;
}

enum effect_outcome mqueue_open_judge(int listener, const struct seccomp_notif *n,
				      const struct effect_scope *s, struct effect *e)
{
	int flags = (int)n->data.args[1];
	struct creds who;

	if ((flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
		return EFFECT_REFUSE;
	if (s->ipc == NULL || s->self == NULL || creds_read((pid_t)n->pid, &who) < 0 ||
	    !creds_can_take(s->self, &who) || !same_namespace((pid_t)n->pid))
		return EFFECT_ALLOW; /* the kernel makes it: not the session's to use */
	e->value = make(listener, n, s, &who);
	if (e->value < 0) {
		e->error = (int)-e->value;
		e->value = 0;
	}
	return EFFECT_DONE;
}

enum effect_outcome mqueue_use_judge(const struct seccomp_notif *n, const struct effect_scope *s,
				     struct effect *e)
{
	int fd = (int)(uint32_t)n->data.args[0];
	char link[64], file[PATH_MAX];
	struct stat st;
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)n->pid, fd);
	if (fd < 0 || stat(link, &st) < 0) {
		e->error = EBADF; /* no such descriptor, as the kernel says */
		return EFFECT_AS_KERNEL;
	}
	if (s->ipc && ipc_made_has(s->ipc, IPC_KIND_MQUEUE, (int)st.st_ino))
		return EFFECT_ALLOW;
	len = readlink(link, file, sizeof(file) - 1);
	file[len < 0 ? 0 : len] = '\0';
	snprintf(e->where, sizeof(e->where), "on %.300s", file);
	e->level = LEVEL_HIGH;
	e->attack = "T1489";
	snprintf(e->what, sizeof(e->what),
		 "Uses the POSIX message queue %.300s, which this session did not make: messages "
		 "put in it or taken from it are another program's",
		 file);
	return EFFECT_REFUSE;
}
