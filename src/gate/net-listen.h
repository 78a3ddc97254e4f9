/* listen(2): on an IP socket never bound, the kernel binds it first to every
 * address of the machine on a port it picks, so the bind the gate judges
 * (net-effect.h) never happens. The gate takes the socket (pidfd_getfd),
 * looks at its own copy and, when it was bound (or is not an IP socket),
 * listens on that copy itself: a thread dup2()ing another socket onto the
 * descriptor after the look changes nothing. */
#ifndef ESCORT_NET_LISTEN_H
#define ESCORT_NET_LISTEN_H

#include "effect.h"

/* EFFECT_DONE with the socket in e->sock, EFFECT_REFUSE, or EFFECT_AS_KERNEL. */
enum effect_outcome net_listen_judge(const struct seccomp_notif *n, struct effect *e);
/* Listens on e->sock when o is EFFECT_DONE (the notification was still
 * valid), its result in e->error, and closes it. Returns o. */
enum effect_outcome net_listen_finish(const struct seccomp_notif *n, struct effect *e,
				      enum effect_outcome o);

#endif
