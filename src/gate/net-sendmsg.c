/* sendmsg on an IP socket, made by the gate (net-made.h): the
 * destination is the copy it judged; the message's bytes and control data
 * are read once. Control messages are passed on as they are only when they
 * ask for nothing the caller's own rights would not give: a list of IP,
 * IPv6 and UDP ones (plain_message), or any when the caller holds every
 * capability the gate does. Other messages (SO_MARK and such, from an ordinary account)
 * are left to the kernel. */
#include "net-made.h"

#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MESSAGE_MAX 65536 /* an IPv4 or IPv6 datagram's payload is less */
#define CONTROL_MAX 8192

struct message {
	struct sockaddr_info to;
	int flags, blocking;
	size_t len, control_len;
	uint8_t *control; /* inside data, after MESSAGE_MAX bytes */
	uint8_t data[];
};

static int send_message(int sock, void *arg, int *result)
{
	struct message *m = arg;
	struct iovec iov = {m->data, m->len};
	struct msghdr h = {(void *)m->to.raw, m->to.raw_len,  &iov, 1,
			   m->control,	      m->control_len, 0};
	ssize_t n = sendmsg(sock, &h, m->flags | MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && m->blocking)
		return 1;
	*result = n < 0 ? -errno : (int)n;
	return 0;
}

/* The bytes of every part of the message, in order; -errno. */
static int gather(pid_t tid, const struct msghdr *h, struct message *m)
{
	struct iovec *v;
	struct error err;
	size_t n = h->msg_iovlen, at = 0;

	if (n > IOV_MAX)
		return -EMSGSIZE;
	v = xcalloc(n + 1, sizeof(*v));
	if (n && procmem_read(tid, (uint64_t)(uintptr_t)h->msg_iov, v, n * sizeof(*v), &err) < 0) {
		free(v);
		return -EFAULT;
	}
	for (size_t i = 0; i < n && at <= m->len; i++) {
		if (v[i].iov_len > m->len - at) {
			free(v);
			return -EMSGSIZE;
		}
		if (v[i].iov_len && procmem_read(tid, (uint64_t)(uintptr_t)v[i].iov_base,
						 m->data + at, v[i].iov_len, &err) < 0) {
			free(v);
			return -EFAULT;
		}
		at += v[i].iov_len;
	}
	free(v);
	m->len = at;
	return 0;
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* A control message that asks for no rights, whoever sends it. Listed one
 * by one, not by level: IP_RETOPTS with an option the kernel does not know
 * (CIPSO, security), IPV6_HOPOPTS and IPV6_DSTOPTS need CAP_NET_RAW, which
 * the gate has. */
static int plain_message(const struct cmsghdr *c)
{
	switch (c->cmsg_level) {
	case IPPROTO_IP:
		return c->cmsg_type == IP_TTL || c->cmsg_type == IP_TOS ||
		       c->cmsg_type == IP_PKTINFO;
	case IPPROTO_IPV6:
		return c->cmsg_type == IPV6_PKTINFO || c->cmsg_type == IPV6_2292PKTINFO ||
		       c->cmsg_type == IPV6_HOPLIMIT || c->cmsg_type == IPV6_2292HOPLIMIT ||
		       c->cmsg_type == IPV6_TCLASS || c->cmsg_type == IPV6_DONTFRAG;
	case IPPROTO_UDP:
		return c->cmsg_type == UDP_SEGMENT;
	default:
		return 0;
	}
}

/* Whether every control message asks for no rights, walked as the kernel
 * walks them (for_each_cmsghdr, CMSG_OK): glibc's CMSG_NXTHDR stops before
 * a last message whose length, rounded up, passes the end, which the kernel
 * still reads; a malformed one is not plain (the kernel fails the call). */
static int plain_control(const struct message *m)
{
	size_t at = 0;

	while (m->control_len - at >= sizeof(struct cmsghdr)) {
		struct cmsghdr c;

		memcpy(&c, m->control + at, sizeof(c));
		if (c.cmsg_len < sizeof(c) || c.cmsg_len > m->control_len - at ||
		    !plain_message(&c))
			return 0;
		if (CMSG_ALIGN(c.cmsg_len) >= m->control_len - at)
			break;
		at += CMSG_ALIGN(c.cmsg_len);
	}
	return 1;
}

/* Reads the message as the caller wrote it into m: 0, 1 when it is for
 * the kernel (control messages the caller's rights may not cover), or
 * -errno. */
static int read_message(pid_t tid, const uint64_t args[6], struct message *m, int caller_as_gate)
{
	struct msghdr h;
	struct error err;
	int rc;

	if (procmem_read(tid, args[1], &h, sizeof(h), &err) < 0)
		return -EFAULT;
	if (h.msg_controllen > CONTROL_MAX)
		return -ENOBUFS;
	if ((rc = gather(tid, &h, m)) < 0 || h.msg_controllen == 0)
		return rc;
	m->control = m->data + MESSAGE_MAX;
	m->control_len = h.msg_controllen;
	if (procmem_read(tid, (uint64_t)(uintptr_t)h.msg_control, m->control, m->control_len,
			 &err) < 0)
		return -EFAULT;
	return !caller_as_gate && !plain_control(m);
}

static struct message *message_new(int sock, const uint64_t args[6], const struct sockaddr_info *a)
{
	struct message *m = xmalloc(sizeof(*m) + MESSAGE_MAX + CONTROL_MAX);

	memset(m, 0, sizeof(*m));
	m->to = *a;
	m->len = MESSAGE_MAX;
	m->flags = (int)args[2];
	m->blocking = !(m->flags & MSG_DONTWAIT) && !(fcntl(sock, F_GETFL) & O_NONBLOCK);
	return m;
}

int net_sendmsg_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		      const struct sockaddr_info *a, int caller_as_gate)
{
	int sock = net_made_take(nm, tid, notif_id, (int)args[0]), rc, result = 0;
	struct message *m;

	if (sock == NET_MADE_NOT_IP)
		return 0;
	if (sock < 0) {
		if (sock != -ESRCH)
			net_made_reply(nm, notif_id, sock);
		return 1;
	}
	if (net_made_socket_type(sock) == SOCK_STREAM) { /* the address is not used */
		close(sock);
		if (!((int)args[2] & MSG_FASTOPEN))
			return 0;			   /* the kernel sends */
		net_made_reply(nm, notif_id, -EOPNOTSUPP); /* as where Fast Open is off */
		return 1;
	}
	m = message_new(sock, args, a);
	if ((rc = read_message(tid, args, m, caller_as_gate)) == 1) {
		free(m);
		close(sock);
		return 0;
	}
	if (rc < 0)
		result = rc;
	else if (send_message(sock, m, &result) &&
		 (result = net_made_wait(nm, notif_id, sock, send_message, m)) == 0)
		return 1; /* answered when there is room; m is the wait's */
	free(m);
	close(sock);
	net_made_reply(nm, notif_id, result);
	return 1;
}
