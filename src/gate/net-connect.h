/* A connection the gate allowed is made by the gate, to the address it
 * judged: the caller's socket is taken with pidfd_getfd and connected with
 * the copy read once, so a process sharing the page cannot swap the address
 * between the gate's look and the kernel's (THREAT-MODEL.md). A blocking
 * caller waits in the kernel while the connection is made without blocking
 * the gate's event loop; its answer is the connection's outcome. Unix
 * sockets are left to the kernel: connecting one from the gate would give
 * the other side the gate's process and rights (SO_PEERCRED). */
#ifndef ESCORT_NET_CONNECT_H
#define ESCORT_NET_CONNECT_H

#include "sockaddr.h"

#include <event2/event.h>
#include <stdint.h>
#include <sys/types.h>

struct net_connects;

/* answer(ctx, notif_id, result): result is 0 or -errno, as the call returns. */
typedef void (*net_connect_answer)(void *ctx, uint64_t notif_id, int result);

struct net_connects *net_connects_new(struct event_base *base, int listener,
				      net_connect_answer answer, void *ctx);
/* Every connection still being made fails with EINTR (the session ended). */
void net_connects_free(struct net_connects *nc);

/* Whether the gate makes this connection itself (not a Unix socket's). */
int net_connect_emulated(const struct sockaddr_info *a);
/* Connects descriptor fd of tid's process to a; the answer comes through
 * the callback, now or when the connection is made or fails. */
void net_connect_start(struct net_connects *nc, pid_t tid, uint64_t notif_id, int fd,
		       const struct sockaddr_info *a);

#endif
