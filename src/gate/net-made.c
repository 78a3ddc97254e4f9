#include "net-made.h"

#include "pidfd.h"
#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Calls waiting at once, each holding a socket (and a Unix connect's the
 * socket file it waits for: two descriptors): at most PROCESS_WAITS of one
 * process, and of the session as many as half the gate's descriptors allow
 * at two each (session_waits). A call beyond either is answered EINTR, as if a
 * signal had interrupted it (a connect goes on being made: the program
 * sees it with poll or EALREADY / EISCONN when it tries again; nothing was
 * sent). At the session's limit the process waiting the most gives up its
 * oldest call instead, when it has more than the caller's process: one
 * program cannot take every wait from the others. */
#define PROCESS_WAITS 256
#define SESSION_WAITS_MIN 64
#define CHECK_MS 250 /* how often a waiting caller is checked for giving up */

struct waiting {
	struct net_made *owner;
	uint64_t notif_id;
	pid_t tgid;
	int sock;
	net_made_retry retry;
	void *arg;
	void (*release)(void *arg); /* NULL: free() */
	int every_ms;		    /* tried again on a timer, not when writable */
	struct event *ready;
	struct waiting *next;
};

struct net_made {
	struct event_base *base;
	int listener;
	net_made_answer answer;
	void *ctx;
	struct waiting *list;
	int n, max;
};

/* Half the descriptors the gate may open, at two a wait (a Unix connect's
 * socket and socket file): the other half is its work's. Counted one a
 * wait, waiting Unix connects took every descriptor the gate had. */
static int session_waits(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur / 4 < SESSION_WAITS_MIN)
		return SESSION_WAITS_MIN;
	return r.rlim_cur / 4 > INT_MAX ? INT_MAX : (int)(r.rlim_cur / 4);
}

struct net_made *net_made_new(struct event_base *base, int listener, net_made_answer answer,
			      void *ctx)
{
	struct net_made *nm = xcalloc(1, sizeof(*nm));

	*nm = (struct net_made){base, listener, answer, ctx, NULL, 0, session_waits()};
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
	if (w->release)
		w->release(w->arg);
	else
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
	if (!(what & EV_WRITE) && !w->every_ms)
		return;
	if (w->retry(w->sock, w->arg, &result))
		return;
	nm->answer(nm->ctx, w->notif_id, result);
	waiting_free(nm, w);
}

/* The thread group (process) of thread tid, or -1 when it is gone. */
static pid_t tgid_of(pid_t tid)
{
	char status[1024];
	const char *at;

	if (procfs_read(tid, "status", status, sizeof(status)) < 0 ||
	    (at = strstr(status, "\nTgid:")) == NULL)
		return -1;
	return (pid_t)atoi(at + 6);
}

static int waits_of(const struct net_made *nm, pid_t tgid, struct waiting **oldest)
{
	int n = 0;

	for (struct waiting *w = nm->list; w; w = w->next)
		if (w->tgid == tgid) {
			n++;
			if (oldest)
				*oldest = w; /* the list is newest first */
		}
	return n;
}

static int tgid_order(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The process with the most calls waiting, and how many (sorted: at the
 * limit there may be thousands). */
static pid_t most_waiting(const struct net_made *nm, int *count)
{
	pid_t *all = xcalloc((size_t)nm->n + 1, sizeof(*all)), most = -1;
	int i = 0;

	for (struct waiting *w = nm->list; w && i < nm->n; w = w->next)
		all[i++] = w->tgid;
	qsort(all, (size_t)i, sizeof(*all), tgid_order);
	*count = 0;
	for (int at = 0, run = 1; at < i; at++, run++)
		if (at + 1 == i || all[at + 1] != all[at]) {
			if (run > *count) {
				*count = run;
				most = all[at];
			}
			run = 0;
		}
	free(all);
	return most;
}

/* At the session's limit: the oldest call of the process waiting the most
 * gives way, when that process waits for more than mine + 1 calls. */
static int make_room(struct net_made *nm, int mine)
{
	struct waiting *oldest = NULL;
	int most_n;
	pid_t most = most_waiting(nm, &most_n);

	if (most < 0 || most_n <= mine + 1)
		return -EINTR;
	(void)waits_of(nm, most, &oldest);
	nm->answer(nm->ctx, oldest->notif_id, -EINTR);
	waiting_free(nm, oldest);
	return 0;
}

int net_made_wait(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock, net_made_retry retry,
		  void *arg)
{
	struct net_made_later later = {retry, arg, NULL, 0};

	return net_made_wait_later(nm, tid, notif_id, sock, &later);
}

int net_made_wait_later(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
			const struct net_made_later *later)
{
	int every = later->every_ms ? later->every_ms : CHECK_MS;
	struct timeval check = {every / 1000, (every % 1000) * 1000};
	pid_t tgid = tgid_of(tid);
	struct waiting *w;
	int mine;

	if (tgid < 0)
		return -ESRCH;
	if ((mine = waits_of(nm, tgid, NULL)) >= PROCESS_WAITS)
		return -EINTR;
	if (nm->n >= nm->max && make_room(nm, mine) < 0)
		return -EINTR;
	w = xcalloc(1, sizeof(*w));
	*w = (struct waiting){nm,	    notif_id,	tgid,		sock,
			      later->retry, later->arg, later->release, later->every_ms,
			      NULL,	    nm->list};
	w->ready = later->every_ms ? event_new(nm->base, -1, EV_PERSIST, on_ready, w)
				   : event_new(nm->base, sock, EV_WRITE | EV_PERSIST, on_ready, w);
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
