/* bind of a Unix socket, made by the gate (net-unix.h): the kernel would
 * read the address from the caller's memory again and look the descriptor
 * up again, where a thread may have put a TCP socket meanwhile (and the
 * address become every interface's). An abstract or unnamed address is
 * bound on the socket the gate took, with the caller's rights taken. A
 * path names a socket file the kernel creates, and the bound name is the
 * text as written, so it is bound as written, from the caller's root and
 * working directory, by a child of the gate that takes them and the
 * caller's rights and umask and keeps no other descriptor than the socket:
 * /proc/self in the path means that child, which holds nothing of the
 * gate's. */
#include "net-unix.h"

#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP_SYS_CHROOT_BIT (1ull << 18)

static int bind_as_caller(int sock, const struct sockaddr_info *a, const struct net_unix_caller *c)
{
	int rc;

	if (creds_take(c->ours, c->who, 1) < 0)
		return -EPERM;
	rc = bind(sock, (const struct sockaddr *)a->raw, a->raw_len) < 0 ? -errno : 0;
	creds_restore(c->ours, c->who);
	return rc;
}

/* Every descriptor but keep closed, in the child. */
static void close_others(int keep)
{
	if (keep > 0)
		(void)syscall(SYS_close_range, 0u, (unsigned)keep - 1, 0u);
	(void)syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u);
}

/* The child: in the caller's root and working directory, with its rights;
 * exits with the bind's errno (0: bound). */
static void bind_child(int sock, int root, int cwd, const struct sockaddr_info *a,
		       const struct net_unix_caller *c)
{
	if (fchdir(root) < 0 || chroot(".") < 0 || fchdir(cwd) < 0 ||
	    creds_take(c->ours, c->who, 1) < 0)
		_exit(EPERM);
	close_others(sock);
	_exit(bind(sock, (const struct sockaddr *)a->raw, a->raw_len) < 0 ? errno : 0);
}

static int bind_in_place(pid_t tid, int sock, const struct sockaddr_info *a,
			 const struct net_unix_caller *c)
{
	char path[64];
	int cwd, root = c->root, status = 0;
	pid_t child;

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)tid);
	if ((cwd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -ESRCH;
	if (root < 0) {
		snprintf(path, sizeof(path), "/proc/%d/root", (int)tid);
		root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	/* No exit signal: nothing but this waitpid (__WALL) reaps it, not the
	 * session host's waitpid(-1) on SIGCHLD. */
	if (root >= 0 && (child = (pid_t)syscall(SYS_clone, 0ul, 0ul, 0ul, 0ul, 0ul)) == 0)
		bind_child(sock, root, cwd, a, c);
	else if (root < 0 || child < 0)
		status = -1;
	while (status == 0 && waitpid(child, &status, __WALL) < 0 && errno == EINTR)
		;
	close(cwd);
	if (root != c->root && root >= 0)
		close(root);
	if (status < 0 || !WIFEXITED(status))
		return status < 0 && root < 0 ? -ESRCH : -ENOMEM;
	return -WEXITSTATUS(status);
}

int net_unix_bind(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		  const struct sockaddr_info *a, const struct net_unix_caller *c)
{
	int rc;

	if (net_made_domain(sock) != AF_UNIX || c->who == NULL ||
	    !creds_can_take(c->ours, c->who) ||
	    (a->kind == SA_UNIX_PATH && !(c->ours->cap_effective & CAP_SYS_CHROOT_BIT))) {
		close(sock);
		return 0; /* the kernel's, with the caller's own rights */
	}
	rc = a->kind == SA_UNIX_PATH ? bind_in_place(tid, sock, a, c) : bind_as_caller(sock, a, c);
	return net_made_done(nm, notif_id, sock, rc);
}
