/* The System V semaphore sets and message queues the session made. The
 * kernel does not say who made one (a shared memory segment has shm_cpid;
 * these do not), so the gate makes them itself when a process of the
 * session asks for a new one (semget, msgget with IPC_CREAT or IPC_PRIVATE)
 * and keeps their ids here: the session may remove or change what it made,
 * never a service's (effect.c). */
#ifndef ESCORT_IPC_MADE_H
#define ESCORT_IPC_MADE_H

#include "caller-creds.h"

#include <linux/seccomp.h>

/* IPC_KIND_MQUEUE: a POSIX message queue, kept by its inode number
 * (mqueue-use.h). */
enum ipc_kind { IPC_KIND_SEM, IPC_KIND_MSG, IPC_KIND_MQUEUE };

struct ipc_made;

struct ipc_made *ipc_made_new(void);
void ipc_made_free(struct ipc_made *m);
/* Whether the session made object id of this kind (and has not removed it). */
int ipc_made_has(const struct ipc_made *m, enum ipc_kind kind, int id);
/* Keeps id as the session's; 0 when the table is full. */
int ipc_made_add(struct ipc_made *m, enum ipc_kind kind, int id);
/* It is being removed: the id is no longer the session's. */
void ipc_made_forget(struct ipc_made *m, enum ipc_kind kind, int id);

/* semget or msgget trapped with IPC_CREAT or IPC_PRIVATE: made by the gate
 * for the caller when the gate's thread has the caller's rights (the owner
 * an object gets is its maker's) and the same IPC namespace; a new object is
 * remembered. Returns 1 and sets *result (the id or -errno) when made, 0
 * when the kernel must make the call itself (it is then not the session's). */
int ipc_made_get(struct ipc_made *m, const struct seccomp_notif *n, enum ipc_kind kind,
		 const struct creds *self, long *result);

#endif
