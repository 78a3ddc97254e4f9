#include "net-listen.h"

#include "pidfd.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LISTEN_WHAT                                                                                \
	"Starts listening for connections from other machines on every address of this machine, "  \
	"on a port the kernel picks (the socket was never bound: bind it to an address first, "    \
	"which is judged)"

/* The caller's descriptor fd as the gate's own (the same socket), or -errno. */
static int take(pid_t tid, int fd)
{
	int pidfd = pidfd_of_thread(tid), got, saved;

	if (pidfd < 0)
		return pidfd;
	got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	saved = errno;
	close(pidfd);
	return got < 0 ? -saved : got;
}

/* An IP socket never bound: port 0 on the unspecified address (a bind with
 * IP_BIND_ADDRESS_NO_PORT to a given address was judged as that address). */
static int never_bound(int sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (getsockname(sock, (struct sockaddr *)&ss, &len) < 0)
		return 0; /* not a socket: listen says so */
	if (ss.ss_family == AF_INET)
		return in4->sin_port == 0 && in4->sin_addr.s_addr == htonl(INADDR_ANY);
	if (ss.ss_family == AF_INET6)
		return in6->sin6_port == 0 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
	return 0;
}

enum effect_outcome net_listen_judge(const struct seccomp_notif *n, struct effect *e)
{
	int sock = take((pid_t)n->pid, (int)(uint32_t)n->data.args[0]);

	if (sock == -EBADF) {
		e->error = EBADF;
		return EFFECT_AS_KERNEL;
	}
	if (sock < 0) /* the gate cannot take it: it cannot tell what it listens on */
		return EFFECT_REFUSE;
	if (never_bound(sock)) {
		close(sock);
		snprintf(e->what, sizeof(e->what), "%s", LISTEN_WHAT);
		snprintf(e->where, sizeof(e->where), "on every address, a port the kernel picks");
		return EFFECT_REFUSE;
	}
	e->sock = sock;
	return EFFECT_DONE;
}

enum effect_outcome net_listen_finish(const struct seccomp_notif *n, struct effect *e,
				      enum effect_outcome o)
{
	if (e->sock < 0)
		return o;
	if (o == EFFECT_DONE)
		e->error = listen(e->sock, (int)(uint32_t)n->data.args[1]) < 0 ? errno : 0;
	close(e->sock);
	e->sock = -1;
	return o;
}
