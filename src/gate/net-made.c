#include "net-made.h"

#include "pidfd.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WAITS_MAX 64 /* calls waiting at once; each holds a socket */
#define CHECK_MS 250 /* how often a waiting caller is checked for giving up */

struct waiting {
	struct net_made *owner;
	uint64_t notif_id;
	int sock;
	net_made_retry retry;
	void *arg;
	struct event *ready;
	struct waiting *next;
};

struct net_made {
	struct event_base *base;
	int listener;
	net_made_answer answer;
	void *ctx;
	struct waiting *list;
	int n;
};

struct net_made *net_made_new(struct event_base *base, int listener, net_made_answer answer,
			      void *ctx)
{
	struct net_made *nm = xcalloc(1, sizeof(*nm));

	*nm = (struct net_made){base, listener, answer, ctx, NULL, 0};
	return nm;
}

static void waiting_free(struct net_made *nm, struct waiting *w)
{
	for (struct waiting **at = &nm->list; *at; at = &(*at)->next)
		if (*at == w) {
			*at = w->next;
			break;
		}
	nm->n--;
	event_free(w->ready);
	close(w->sock);
	free(w->arg);
	free(w);
}

void net_made_free(struct net_made *nm)
{
	if (nm == NULL)
		return;
	while (nm->list) {
		nm->answer(nm->ctx, nm->list->notif_id, -EINTR);
		waiting_free(nm, nm->list);
	}
	free(nm);
}

int net_made_socket_type(int sock)
{
	int type = 0;
	socklen_t len = sizeof(type);

	return getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ? -1 : type;
}

int net_made_ip(int sock)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return 0;
	return domain == AF_INET || domain == AF_INET6;
}

static int id_valid(const struct net_made *nm, uint64_t id)
{
	return ioctl(nm->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

void net_made_reply(struct net_made *nm, uint64_t notif_id, int result)
{
	if (id_valid(nm, notif_id))
		nm->answer(nm->ctx, notif_id, result);
}

int net_made_take(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd)
{
	int sock = net_made_take_any(nm, tid, notif_id, fd);

	/* Any other family's call is the kernel's, made with the caller's
	 * rights: the gate's would pass checks the caller's fail (netlink
	 * multicast groups, vsock's low ports...). */
	if (sock >= 0 && !net_made_ip(sock)) {
		close(sock);
		return NET_MADE_NOT_IP;
	}
	return sock;
}

int net_made_take_any(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd)
{
	int pidfd = pidfd_of_thread(tid);
	int sock;

	if (pidfd < 0)
		return -ESRCH;
	sock = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (sock < 0)
		sock = -errno;
	close(pidfd);
	/* The descriptor number is the caller's only while it still waits. */
	if (sock >= 0 && !id_valid(nm, notif_id)) {
		close(sock);
		return -ESRCH;
	}
	return sock;
}

/* The socket is ready, or CHECK_MS passed: the caller may have given up. */
static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	struct waiting *w = arg;
	struct net_made *nm = w->owner;
	int result = 0;

	(void)fd;
	if (!id_valid(nm, w->notif_id)) {
		waiting_free(nm, w); /* answered by the kernel: interrupted */
		return;
	}
	if (!(what & EV_WRITE) || w->retry(w->sock, w->arg, &result))
		return;
	nm->answer(nm->ctx, w->notif_id, result);
	waiting_free(nm, w);
}

int net_made_wait(struct net_made *nm, uint64_t notif_id, int sock, net_made_retry retry, void *arg)
{
	struct timeval check = {0, CHECK_MS * 1000};
	struct waiting *w;

	if (nm->n >= WAITS_MAX)
		return -EAGAIN;
	w = xcalloc(1, sizeof(*w));
	*w = (struct waiting){nm, notif_id, sock, retry, arg, NULL, nm->list};
	w->ready = event_new(nm->base, sock, EV_WRITE | EV_PERSIST, on_ready, w);
	if (w->ready == NULL || event_add(w->ready, &check) < 0) {
		if (w->ready)
			event_free(w->ready);
		free(w);
		return -ENOMEM;
	}
	nm->list = w;
	nm->n++;
	return 0;
}
