/* connect, made by the gate (net-made.h). */
#include "net-made.h"
#include "net-unix.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/* The connection is made or failed: its error, if any. */
static int connected(int sock, void *arg, int *result)
{
	int err = 0;
	socklen_t len = sizeof(err);

	(void)arg;
	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	*result = -err;
	return 0;
}

/* connect() on the gate's copy of the socket, without blocking: the file
 * status flags are the caller's too, so O_NONBLOCK is set only for the
 * call and given back. 1 when a blocking caller must wait (as the kernel
 * waits for a connection under way, its own or one a signal interrupted). */
static int connect_now(int sock, const struct sockaddr_info *a, int *result)
{
	int flags = fcntl(sock, F_GETFL), blocking, r;

	if (flags < 0) {
		*result = -errno;
		return 0;
	}
	blocking = !(flags & O_NONBLOCK);
	if (blocking)
		(void)fcntl(sock, F_SETFL, flags | O_NONBLOCK);
	r = connect(sock, (const struct sockaddr *)a->raw, a->raw_len);
	*result = r < 0 ? -errno : 0;
	if (blocking)
		(void)fcntl(sock, F_SETFL, flags);
	/* EALREADY: a blocking connect restarted after a signal (SA_RESTART)
	 * finds its socket still connecting; the kernel waits on. */
	return blocking && (*result == -EINPROGRESS || *result == -EALREADY);
}

int net_connect_start(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd,
		      const struct sockaddr_info *a, const struct net_unix_caller *caller)
{
	int sock = net_made_take_any(nm, tid, notif_id, fd), result = 0;

	if (sock < 0)
		return net_made_done(nm, notif_id, -1, sock);
	if (!net_made_ip(sock)) /* a Unix socket's is made in net-unix.c; another's, the kernel's */
		return net_unix_connect(nm, tid, notif_id, sock, a, caller);
	if (connect_now(sock, a, &result) &&
	    (result = net_made_wait(nm, tid, notif_id, sock, connected, NULL)) == 0)
		return 1; /* answered when the connection is made */
	return net_made_done(nm, notif_id, sock, result);
}
