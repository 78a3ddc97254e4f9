/* connect and sends on a Unix socket, made by the gate on the socket it
 * took, to the socket file it resolved and judged (net-unix.c,
 * net-unix-send.c; THREAT-MODEL.md). */
#ifndef ESCORT_NET_UNIX_H
#define ESCORT_NET_UNIX_H

#include "caller-creds.h"
#include "net-made.h"

struct net_unix_caller {
	int root;		  /* the session's root (O_PATH), or -1 */
	const struct creds *ours; /* the gate thread's rights */
	const struct creds *who;  /* the caller's, or NULL when unreadable */
};

/* sock: the gate's copy of the caller's descriptor (closed here either
 * way). 1 when the call was made and answered; 0 when the kernel must make
 * it: not a Unix socket, or a caller whose effective user or group is not
 * the gate's (the peer would see the gate's), or whose rights the gate
 * cannot take. */
int net_unix_connect(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		     const struct sockaddr_info *a, const struct net_unix_caller *c);

/* The socket file path (SA_UNIX_PATH) leads to for thread tid, resolved in
 * its root and working directory with its rights, judged again, and
 * writable by it: an O_PATH descriptor, or -errno. */
int net_unix_resolve(pid_t tid, const struct net_unix_caller *c, const char *path);

/* A send on a Unix socket (sendto, sendmsg), made by the gate
 * (net-unix-send.c): the caller's parts, flags, and its control data as
 * read (NULL: none). */
struct net_unix_send_call {
	const struct iovec *parts;
	size_t nparts;
	int flags;
	const uint8_t *control;
	size_t control_len;
};
/* sock: the gate's copy (closed here either way). 1 when made and answered
 * (now or after a wait); 0 when the kernel must make it: the gate cannot
 * take the caller's rights. */
int net_unix_send(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		  const struct sockaddr_info *a, const struct net_unix_send_call *call,
		  const struct net_unix_caller *c);

/* One message of a sendmmsg on a Unix socket, made now without waiting
 * (net-sendmmsg.c): its length or -errno (-EAGAIN: no room). */
int net_unix_send_now(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		      const struct sockaddr_info *a, const struct net_unix_send_call *call,
		      const struct net_unix_caller *c);

/* bind on a Unix socket, made by the gate (net-unix-bind.c): sock is the
 * gate's copy (closed here either way); 1 when made and answered, 0 when
 * the kernel must make it (not a Unix socket, a caller whose rights the
 * gate cannot take, or a path when the gate may not take the caller's
 * root). */
int net_unix_bind(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		  const struct sockaddr_info *a, const struct net_unix_caller *c);

#endif
