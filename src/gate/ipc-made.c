#include "ipc-made.h"

#include "util/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>

/* More than a session makes: past it, new objects are left to the kernel
 * (and their removal is refused, as a service's). */
#define IPC_MADE_MAX 4096

struct ipc_id {
	enum ipc_kind kind;
	int id;
};

struct ipc_made {
	struct ipc_id *ids;
	size_t n;
};

struct ipc_made *ipc_made_new(void)
{
	struct ipc_made *m = xmalloc(sizeof(*m));

	m->ids = xmalloc(IPC_MADE_MAX * sizeof(*m->ids));
	m->n = 0;
	return m;
}

void ipc_made_free(struct ipc_made *m)
{
	if (m == NULL)
		return;
	free(m->ids);
	free(m);
}

static size_t find(const struct ipc_made *m, enum ipc_kind kind, int id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->ids[i].kind == kind && m->ids[i].id == id)
			break;
	return i;
}

int ipc_made_has(const struct ipc_made *m, enum ipc_kind kind, int id)
{
	return find(m, kind, id) < m->n;
}

int ipc_made_add(struct ipc_made *m, enum ipc_kind kind, int id)
{
	if (m->n == IPC_MADE_MAX)
		return 0;
	if (!ipc_made_has(m, kind, id))
		m->ids[m->n++] = (struct ipc_id){kind, id};
	return 1;
}

void ipc_made_forget(struct ipc_made *m, enum ipc_kind kind, int id)
{
	size_t i = find(m, kind, id);

	if (i < m->n)
		m->ids[i] = m->ids[--m->n];
}

/* pid 0: the gate's own. */
static ino_t ipc_namespace(pid_t pid)
{
	char path[64];
	struct stat st;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/ns/ipc");
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* The caller would make the object as the gate's thread would: the same
 * owner and group (its effective ids), the same capabilities (IPC_OWNER
 * decides access to an existing key), the same namespace. */
static int as_the_caller(const struct seccomp_notif *n, const struct creds *self)
{
	struct creds c;
	ino_t ours = ipc_namespace(0);

	if (creds_read((pid_t)n->pid, &c) < 0)
		return 0;
	if (ours == 0 || ipc_namespace((pid_t)n->pid) != ours)
		return 0;
	return c.euid == self->euid && c.egid == self->egid &&
	       c.cap_effective == self->cap_effective;
}

static int make(enum ipc_kind kind, key_t key, int nsems, int flags)
{
	return kind == IPC_KIND_SEM ? semget(key, nsems, flags) : msgget(key, flags);
}

/* A new object, or (IPC_CREAT without IPC_EXCL, the key taken) the
 * existing one, which is not the session's. */
static int get(struct ipc_made *m, enum ipc_kind kind, key_t key, int nsems, int flags)
{
	int id = make(kind, key, nsems, key == IPC_PRIVATE ? flags : flags | IPC_EXCL);

	if (id >= 0) {
		m->ids[m->n++] = (struct ipc_id){kind, id};
		return id;
	}
	if (errno != EEXIST || (flags & IPC_EXCL) || key == IPC_PRIVATE)
		return -errno;
	id = make(kind, key, nsems, flags & ~IPC_CREAT);
	return id >= 0 ? id : -errno;
}

int ipc_made_get(struct ipc_made *m, const struct seccomp_notif *n, enum ipc_kind kind,
		 const struct creds *self, long *result)
{
	key_t key = (key_t)n->data.args[0];
	int flags = (int)n->data.args[kind == IPC_KIND_SEM ? 2 : 1];
	int nsems = kind == IPC_KIND_SEM ? (int)n->data.args[1] : 0;

	if (m->n == IPC_MADE_MAX || !as_the_caller(n, self))
		return 0;
	*result = get(m, kind, key, nsems, flags);
	return 1;
}
