/* sendmsg on an IP socket, made by the gate (net-made.h): the
 * destination is the copy it judged; the message's parts and control data
 * are read once. Control messages are passed on as they are only when they
 * ask for nothing the caller's own rights would not give: a list of IP,
 * IPv6 and UDP ones (plain_message), or any when the caller holds every
 * capability the gate does. A message with others (SO_MARK and such, from
 * an ordinary account) fails with EPERM: the kernel would read the message
 * and look the descriptor up again. A stream socket's message is sent by
 * net-stream.c; a Unix socket's by net-unix-send.c. */
#include "net-made.h"

#include "net-unix.h"
#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MESSAGE_MAX 65536 /* an IPv4 or IPv6 datagram's payload is less */

/* The message as the caller wrote it, read once: its header, parts and
 * control data. */
struct parts {
	struct msghdr h;
	struct iovec v[IOV_MAX];
	uint8_t control[NET_CONTROL_MAX];
};

struct message {
	struct sockaddr_info to;
	int flags, blocking;
	size_t len, control_len;
	uint8_t control[NET_CONTROL_MAX];
	uint8_t data[MESSAGE_MAX];
};

static int send_message(int sock, void *arg, int *result)
{
	struct message *m = arg;
	struct iovec iov = {m->data, m->len};
	struct msghdr h = {m->to.raw_len ? (void *)m->to.raw : NULL, m->to.raw_len,  &iov, 1,
			   m->control_len ? m->control : NULL,	     m->control_len, 0};
	ssize_t n = sendmsg(sock, &h, m->flags | MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && m->blocking)
		return 1;
	*result = n < 0 ? -errno : (int)n;
	return 0;
}

/* The bytes of every part, in order, into m (at most MESSAGE_MAX); -errno. */
static int gather(pid_t tid, const struct parts *p, struct message *m)
{
	struct error err;
	size_t at = 0;

	for (size_t i = 0; i < p->h.msg_iovlen; i++) {
		if (p->v[i].iov_len > MESSAGE_MAX - at)
			return -EMSGSIZE;
		if (p->v[i].iov_len && procmem_read(tid, (uint64_t)(uintptr_t)p->v[i].iov_base,
						    m->data + at, p->v[i].iov_len, &err) < 0)
			return -EFAULT;
		at += p->v[i].iov_len;
	}
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
int net_plain_control(const uint8_t *control, size_t len)
{
	size_t at = 0;

	while (len - at >= sizeof(struct cmsghdr)) {
		struct cmsghdr c;

		memcpy(&c, control + at, sizeof(c));
		if (c.cmsg_len < sizeof(c) || c.cmsg_len > len - at || !plain_message(&c))
			return 0;
		if (CMSG_ALIGN(c.cmsg_len) >= len - at)
			break;
		at += CMSG_ALIGN(c.cmsg_len);
	}
	return 1;
}

/* Reads the message's header, the list of its parts and its control data
 * once into p; -errno (-EPERM: control data the caller's rights may not
 * cover). */
static int read_parts(pid_t tid, uint64_t at, struct parts *p, int caller_as_gate)
{
	struct error err;
	size_t n;

	if (procmem_read(tid, at, &p->h, sizeof(p->h), &err) < 0)
		return -EFAULT;
	if ((n = p->h.msg_iovlen) > IOV_MAX)
		return -EMSGSIZE;
	if (n &&
	    procmem_read(tid, (uint64_t)(uintptr_t)p->h.msg_iov, p->v, n * sizeof(*p->v), &err) < 0)
		return -EFAULT;
	if (p->h.msg_controllen > NET_CONTROL_MAX)
		return -ENOBUFS;
	if (p->h.msg_controllen && procmem_read(tid, (uint64_t)(uintptr_t)p->h.msg_control,
						p->control, p->h.msg_controllen, &err) < 0)
		return -EFAULT;
	if (!caller_as_gate && !net_plain_control(p->control, p->h.msg_controllen))
		return -EPERM;
	return 0;
}

/* The datagram p, read whole; NULL with *result set. */
static struct message *message_of(pid_t tid, int sock, const struct parts *p,
				  const struct sockaddr_info *a, int flags, int *result)
{
	struct message *m = xmalloc(sizeof(*m));

	memset(m, 0, offsetof(struct message, data));
	m->to = *a;
	m->flags = flags;
	m->blocking = !(flags & MSG_DONTWAIT) && !(fcntl(sock, F_GETFL) & O_NONBLOCK);
	m->control_len = p->h.msg_controllen;
	memcpy(m->control, p->control, m->control_len);
	if ((*result = gather(tid, p, m)) == 0)
		return m;
	free(m);
	return NULL;
}

/* An IP socket's message: a stream's sent by net-stream.c, a datagram's
 * here, now or after a wait for room. */
static int ip_message(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		      const struct parts *p, const struct sockaddr_info *a, int flags)
{
	struct net_stream_call c = {p->v,	p->h.msg_iovlen,     flags, a,
				    p->control, p->h.msg_controllen, NULL};
	struct message *m;
	int result;

	if (net_made_socket_type(sock) == SOCK_STREAM)
		return flags & MSG_FASTOPEN /* as where Fast Open is off */
			   ? net_made_done(nm, notif_id, sock, -EOPNOTSUPP)
			   : net_stream_send(nm, tid, notif_id, sock, &c);
	if ((m = message_of(tid, sock, p, a, flags, &result)) == NULL)
		return net_made_done(nm, notif_id, sock, result);
	return net_made_try(nm, tid, notif_id, sock,
			    &(struct net_made_later){send_message, m, NULL, 0, 0});
}

/* A Unix socket's message, read once, made by net-unix-send.c. */
static int unix_message(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
			const uint64_t args[6], const struct sockaddr_info *a,
			const struct net_unix_caller *caller)
{
	struct parts *p = xmalloc(sizeof(*p));
	int result, made = 1;

	if ((result = read_parts(tid, args[1], p, 1)) == 0) {
		struct net_unix_send_call u = {p->v, p->h.msg_iovlen, (int)args[2], p->control,
					       p->h.msg_controllen};
		made = net_unix_send(nm, tid, notif_id, sock, a, &u, caller);
	} else
		made = net_made_done(nm, notif_id, sock, result);
	free(p);
	return made;
}

int net_sendmsg_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		      const struct sockaddr_info *a, int caller_as_gate,
		      const struct net_unix_caller *caller)
{
	int sock = net_made_take_any(nm, tid, notif_id, (int)args[0]), result, made;
	struct parts *p;

	if (sock < 0)
		return net_made_done(nm, notif_id, -1, sock);
	if (!net_made_ip(sock)) {
		if (net_made_domain(sock) == AF_UNIX)
			return unix_message(nm, tid, notif_id, sock, args, a, caller);
		close(sock);
		return 0; /* another family's: the kernel's, with the caller's rights */
	}
	p = xmalloc(sizeof(*p));
	made = (result = read_parts(tid, args[1], p, caller_as_gate)) < 0
		   ? net_made_done(nm, notif_id, sock, result)
		   : ip_message(nm, tid, notif_id, sock, p, a, (int)args[2]);
	free(p);
	return made;
}
