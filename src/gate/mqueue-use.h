/* POSIX message queues: which are the session's. A queue has no creator the
 * kernel tells, and every queue of the machine can be reached without an
 * mq_open of it: a mounted mqueue file system (/dev/mqueue, where systemd
 * mounts it) shows each as a file, and /proc/PID/fd/N of a service's queue
 * descriptor opens it again, both opens for reading, which the filter does
 * not trap; the descriptor they give is one the mq_ calls take (root's
 * session took a service's message that way). So the gate makes the queues
 * a process of the session makes new (mq_open with O_CREAT | O_EXCL), with
 * the caller's rights, keeps their inodes (ipc-made.h), and judges
 * mq_timedsend, mq_timedreceive and mq_notify by the queue the descriptor
 * is: the session's own pass, any other is refused. */
#ifndef ESCORT_MQUEUE_USE_H
#define ESCORT_MQUEUE_USE_H

#include "effect.h"

/* mq_open with O_CREAT | O_EXCL, made by the gate (EFFECT_DONE, the new
 * descriptor handed over) or left to the kernel (EFFECT_ALLOW: the queue is
 * then not the session's); any other mq_open is refused. */
enum effect_outcome mqueue_open_judge(int listener, const struct seccomp_notif *n,
				      const struct effect_scope *s, struct effect *e);
/* mq_timedsend, mq_timedreceive, mq_notify on descriptor args[0]. */
enum effect_outcome mqueue_use_judge(const struct seccomp_notif *n, const struct effect_scope *s,
				     struct effect *e);

#endif
