/* connect on a Unix socket, made by the gate (net-made.h): the kernel
 * would read the path from the caller's memory again and look the
 * descriptor up again. The path is resolved as the kernel resolves it, in
 * the caller's root and working directory with its rights (path-walk.c),
 * the socket file found is judged again (local-services.c: a symlink or a
 * swapped path leads elsewhere), and the socket the gate took is connected
 * to that very file through /proc/thread-self/fd/N, with the caller's
 * rights taken by the gate's thread: the kernel checks write permission on
 * the socket file as the caller's, and the peer sees the caller's user,
 * group and groups (SO_PEERCRED, SO_PEERGROUPS) but the session host's
 * process id. Only for a caller whose effective user and group are the
 * gate's own: the peer's uid is the thread's effective one, which the gate
 * does not change. A blocking caller whose listener's queue is full waits,
 * tried again every 20 ms on the same file. */
#include "net-unix.h"

#include "local-services.h"
#include "others-files.h"
#include "path-walk.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int domain_of(int sock)
{
	int domain = -1;
	socklen_t len = sizeof(domain);

	return getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ? -1 : domain;
}

#define RETRY_MS 20 /* a blocking caller whose listener's queue is full tries again */

/* connect() without blocking (the file status flags are the caller's too:
 * O_NONBLOCK only for the call): 0 or -errno. A listener whose queue is
 * full gives EAGAIN: a blocking caller then waits (unix_wait). */
static int connect_once(int sock, const void *addr, socklen_t len)
{
	int flags = fcntl(sock, F_GETFL), r;

	if (flags < 0)
		return -errno;
	if (!(flags & O_NONBLOCK))
		(void)fcntl(sock, F_SETFL, flags | O_NONBLOCK);
	r = connect(sock, addr, len) < 0 ? -errno : 0;
	if (!(flags & O_NONBLOCK))
		(void)fcntl(sock, F_SETFL, flags);
	return r;
}

static int connect_object(int sock, int object)
{
	struct sockaddr_un to = {.sun_family = AF_UNIX};

	snprintf(to.sun_path, sizeof(to.sun_path), "/proc/thread-self/fd/%d", object);
	return connect_once(sock, &to, sizeof(to));
}

/* Another account's private socket (others-files.h), found where the
 * judged path led elsewhere. */
static int others(const struct walked *w, const struct creds *who)
{
	struct stat dir;

	return who && w->dir >= 0 && fstat(w->dir, &dir) == 0 &&
	       others_private_socket(&w->st, &dir, who, getuid());
}

/* The socket file path leads to, walked and judged again: 0 or -errno. */
static int walk_judged(const struct walk_start *s, const char *path, const struct creds *who,
		       struct walked *w)
{
	int rc = path_walk(s, path, WALK_FOLLOW, w);

	if (rc == 0 && w->object < 0)
		rc = -ENOENT;
	else if (rc == 0 && !S_ISSOCK(w->st.st_mode))
		rc = -ECONNREFUSED; /* as the kernel answers a file that is not a socket */
	else if (rc == 0 && (local_service_file(w->path, &w->st) || others(w, who)))
		rc = -EPERM; /* not what was judged: swapped since, or a link made since */
	return rc;
}

/* The socket file the path leads to, connected to: 0 or -errno. Runs with
 * the caller's rights taken. On EAGAIN *kept is a descriptor of the file,
 * to try again. */
static int connect_file(int sock, const struct walk_start *s, const char *path,
			const struct creds *who, int *kept)
{
	struct walked w;
	int rc = walk_judged(s, path, who, &w);

	if (rc == 0 && (rc = connect_object(sock, w.object)) == -EAGAIN)
		*kept = fcntl(w.object, F_DUPFD_CLOEXEC, 0);
	walked_close(&w);
	return rc;
}

/* The connect, with the caller's rights taken: a path resolved first; an
 * abstract name (in the socket's network namespace) or what the kernel
 * fails as it is. */
static int connect_as_caller(int sock, const struct net_unix_caller *c, pid_t tid,
			     const struct sockaddr_info *a, int *kept)
{
	struct walk_start s;
	int rc = 0;

	if (a->kind == SA_UNIX_PATH &&
	    (rc = walk_start_open(tid, tid, c->root, AT_FDCWD, a->path, &s)) < 0)
		return rc;
	s.not_gate_own = 1; /* the gate makes the connect: its own links are not lent */
	if (creds_take(c->ours, c->who, 0) < 0)
		rc = -EPERM;
	else {
		rc = a->kind == SA_UNIX_PATH ? connect_file(sock, &s, a->path, c->who, kept)
					     : connect_once(sock, a->raw, a->raw_len);
		creds_restore(c->ours, c->who);
	}
	if (a->kind == SA_UNIX_PATH)
		walk_start_close(&s);
	return rc;
}

/* The file, walked with the caller's rights, which must also be allowed to
 * write to it (the kernel's check on a send, made here as the gate sends
 * with its own). */
static int resolve_file(const struct walk_start *s, const char *path, const struct creds *who)
{
	struct walked w;
	int rc = walk_judged(s, path, who, &w);

	if (rc == 0 && syscall(SYS_faccessat2, w.object, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		rc = -errno;
	if (rc == 0 && (rc = fcntl(w.object, F_DUPFD_CLOEXEC, 0)) < 0)
		rc = -errno;
	walked_close(&w);
	return rc;
}

int net_unix_resolve(pid_t tid, const struct net_unix_caller *c, const char *path)
{
	struct walk_start s;
	int rc;

	if ((rc = walk_start_open(tid, tid, c->root, AT_FDCWD, path, &s)) < 0)
		return rc;
	s.not_gate_own = 1;
	if (creds_take(c->ours, c->who, 0) < 0)
		rc = -EPERM;
	else {
		rc = resolve_file(&s, path, c->who);
		creds_restore(c->ours, c->who);
	}
	walk_start_close(&s);
	return rc;
}

/* A blocking caller's connect waiting for room in the listener's queue:
 * tried again on the very file (object) or abstract name, with its rights. */
struct unix_wait {
	int object; /* -1: the abstract name in to */
	struct sockaddr_info to;
	struct creds ours, who;
};

static int try_again(int sock, void *arg, int *result)
{
	struct unix_wait *u = arg;

	if (creds_take(&u->ours, &u->who, 0) < 0) {
		*result = -EPERM;
		return 0;
	}
	*result = u->object >= 0 ? connect_object(sock, u->object)
				 : connect_once(sock, u->to.raw, u->to.raw_len);
	creds_restore(&u->ours, &u->who);
	return *result == -EAGAIN;
}

static void unix_wait_free(void *arg)
{
	struct unix_wait *u = arg;

	if (u->object >= 0)
		close(u->object);
	free(u);
}

/* 0 when the call now waits (sock is the wait's), else -errno. */
static int wait_for_room(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
			 const struct sockaddr_info *a, const struct net_unix_caller *c, int *kept)
{
	struct unix_wait *u = xcalloc(1, sizeof(*u));
	struct net_made_later later = {try_again, u, unix_wait_free, RETRY_MS, 0};
	int rc;

	*u = (struct unix_wait){*kept, *a, *c->ours, *c->who};
	*kept = -1;
	if ((rc = net_made_wait_later(nm, tid, notif_id, sock, &later)) < 0)
		unix_wait_free(u);
	return rc;
}

static int same_peer(const struct net_unix_caller *c)
{
	return c->who && c->who->euid == c->ours->euid && c->who->egid == c->ours->egid &&
	       creds_can_take(c->ours, c->who);
}

int net_unix_connect(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		     const struct sockaddr_info *a, const struct net_unix_caller *c)
{
	int rc, kept = -1, flags;

	if (domain_of(sock) != AF_UNIX || !same_peer(c)) {
		close(sock);
		return 0; /* the kernel's, with the caller's own rights */
	}
	rc = connect_as_caller(sock, c, tid, a, &kept);
	flags = fcntl(sock, F_GETFL);
	if (rc == -EAGAIN && flags >= 0 && !(flags & O_NONBLOCK) &&
	    (a->kind != SA_UNIX_PATH || kept >= 0) &&
	    (rc = wait_for_room(nm, tid, notif_id, sock, a, c, &kept)) == 0)
		return 1; /* answered when the listener takes it */
	if (kept >= 0)
		close(kept);
	return net_made_done(nm, notif_id, sock, rc);
}
