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
 * does not change. */
#include "net-unix.h"

#include "local-services.h"
#include "path-walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int domain_of(int sock)
{
	int domain = -1;
	socklen_t len = sizeof(domain);

	return getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ? -1 : domain;
}

/* connect() without blocking (the file status flags are the caller's too:
 * O_NONBLOCK only for the call): 0 or -errno. A listener whose queue is
 * full gives EAGAIN, where the kernel would make a blocking caller wait. */
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

/* The socket file the path leads to, connected to: 0 or -errno. Runs with
 * the caller's rights taken. */
static int connect_file(int sock, const struct walk_start *s, const char *path)
{
	struct sockaddr_un to = {.sun_family = AF_UNIX};
	struct walked w;
	int rc = path_walk(s, path, WALK_FOLLOW, &w);

	if (rc == 0 && w.object < 0)
		rc = -ENOENT;
	else if (rc == 0 && !S_ISSOCK(w.st.st_mode))
		rc = -ECONNREFUSED; /* as the kernel answers a file that is not a socket */
	else if (rc == 0 && local_service_file(w.path, &w.st))
		rc = -EPERM; /* not what was judged: swapped since, or a link made since */
	if (rc == 0) {
		snprintf(to.sun_path, sizeof(to.sun_path), "/proc/thread-self/fd/%d", w.object);
		rc = connect_once(sock, &to, sizeof(to));
	}
	walked_close(&w);
	return rc;
}

/* The connect, with the caller's rights taken: a path resolved first; an
 * abstract name (in the socket's network namespace) or what the kernel
 * fails as it is. */
static int connect_as_caller(int sock, const struct net_unix_caller *c, pid_t tid,
			     const struct sockaddr_info *a)
{
	struct walk_start s;
	int rc = 0;

	if (a->kind == SA_UNIX_PATH &&
	    (rc = walk_start_open(tid, tid, c->root, AT_FDCWD, a->path, &s)) < 0)
		return rc;
	if (creds_take(c->ours, c->who, 0) < 0)
		rc = -EPERM;
	else {
		rc = a->kind == SA_UNIX_PATH ? connect_file(sock, &s, a->path)
					     : connect_once(sock, a->raw, a->raw_len);
		creds_restore(c->ours, c->who);
	}
	if (a->kind == SA_UNIX_PATH)
		walk_start_close(&s);
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
	int rc;

	if (domain_of(sock) != AF_UNIX || !same_peer(c)) {
		close(sock);
		return 0; /* the kernel's, with the caller's own rights */
	}
	rc = connect_as_caller(sock, c, tid, a);
	close(sock);
	net_made_reply(nm, notif_id, rc);
	return 1;
}
