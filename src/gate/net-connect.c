#include "net-connect.h"

#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD 0200 /* O_EXCL: a pidfd for one thread (Linux 6.9) */
#endif

#define CONNECTS_MAX 64 /* being made at once; each holds a socket */
#define CHECK_MS 250	/* how often a waiting caller is checked for giving up */

struct pending {
	struct net_connects *owner;
	uint64_t notif_id;
	int sock;
	struct event *ready;
	struct pending *next;
};

struct net_connects {
	struct event_base *base;
	int listener;
	net_connect_answer answer;
	void *ctx;
	struct pending *list;
	int n;
};

struct net_connects *net_connects_new(struct event_base *base, int listener,
				      net_connect_answer answer, void *ctx)
{
	struct net_connects *nc = xcalloc(1, sizeof(*nc));

	*nc = (struct net_connects){base, listener, answer, ctx, NULL, 0};
	return nc;
}

static void pending_free(struct net_connects *nc, struct pending *p)
{
	for (struct pending **at = &nc->list; *at; at = &(*at)->next)
		if (*at == p) {
			*at = p->next;
			break;
		}
	nc->n--;
	event_free(p->ready);
	close(p->sock);
	free(p);
}

void net_connects_free(struct net_connects *nc)
{
	if (nc == NULL)
		return;
	while (nc->list) {
		nc->answer(nc->ctx, nc->list->notif_id, -EINTR);
		pending_free(nc, nc->list);
	}
	free(nc);
}

int net_connect_emulated(const struct sockaddr_info *a)
{
	return a->kind != SA_UNIX_PATH && a->kind != SA_UNIX_ABSTRACT &&
	       a->kind != SA_UNIX_UNNAMED && a->family != AF_UNIX && a->raw_len > 0;
}

static int id_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The caller's descriptor fd, as the gate's own (the same socket). */
static int take_socket(pid_t tid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	int sock;

	if (pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (pidfd < 0)
		return -ESRCH;
	sock = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (sock < 0)
		sock = errno == EBADF ? -EBADF : -errno;
	close(pidfd);
	return sock;
}

/* The connection is made, failed, or the caller gave up (a signal). */
static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	struct net_connects *nc = p->owner;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)fd;
	if (!id_valid(nc->listener, p->notif_id)) {
		pending_free(nc, p); /* the kernel answered it: interrupted */
		return;
	}
	if (!(what & EV_WRITE))
		return; /* checked again in CHECK_MS */
	if (getsockopt(p->sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	nc->answer(nc->ctx, p->notif_id, -err);
	pending_free(nc, p);
}

static int wait_for(struct net_connects *nc, uint64_t notif_id, int sock)
{
	struct timeval check = {0, CHECK_MS * 1000};
	struct pending *p;

	if (nc->n >= CONNECTS_MAX)
		return -EAGAIN;
	p = xcalloc(1, sizeof(*p));
	*p = (struct pending){nc, notif_id, sock, NULL, nc->list};
	p->ready = event_new(nc->base, sock, EV_WRITE | EV_PERSIST, on_ready, p);
	if (p->ready == NULL || event_add(p->ready, &check) < 0) {
		if (p->ready)
			event_free(p->ready);
		free(p);
		return -ENOMEM;
	}
	nc->list = p;
	nc->n++;
	return 0;
}

/* connect() on the gate's copy of the socket, without blocking: the file
 * status flags are the caller's too, so O_NONBLOCK is set only for the
 * call and given back. 1 when a blocking caller must wait. */
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
	return blocking && *result == -EINPROGRESS;
}

void net_connect_start(struct net_connects *nc, pid_t tid, uint64_t notif_id, int fd,
		       const struct sockaddr_info *a)
{
	int sock = take_socket(tid, fd), result = 0;

	if (sock < 0 || !id_valid(nc->listener, notif_id)) {
		if (sock >= 0)
			close(sock);
		else if (id_valid(nc->listener, notif_id))
			nc->answer(nc->ctx, notif_id, sock);
		return;
	}
	if (connect_now(sock, a, &result) && (result = wait_for(nc, notif_id, sock)) == 0)
		return; /* answered when the connection is made */
	close(sock);
	nc->answer(nc->ctx, notif_id, result);
}
