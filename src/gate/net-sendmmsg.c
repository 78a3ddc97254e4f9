/* sendmmsg on an IP socket, made by the gate (net-made.h): the kernel
 * would read every message header again, and another thread may have given
 * one a destination (or put another socket on the descriptor) since the
 * gate looked. The vector is read once more here and every destination
 * rated on that copy; the messages go out one by one with sendmsg on the
 * gate's copy of the socket, and each one's msg_len is written back. A
 * blocking caller waits only for the first message; after that it gets the
 * count sent (as the kernel gives it when a later message fails). Before
 * each message the call is checked to be still waiting: a caller that died
 * or was interrupted by a signal meanwhile stops the batch there. */
#include "net-made.h"

#include "net-rate.h"
#include "net-unix.h"
#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MMSG_MAX UIO_MAXIOV /* the kernel sends at most this many per call */
#define MESSAGE_MAX 65536

struct batch {
	struct net_made *nm;
	uint64_t notif_id;
	pid_t tid;
	uint64_t vector;
	unsigned count, next;
	int flags, blocking, caller_as_gate;
	struct sockaddr_info approved; /* raw_len 0: none */
	int unix_socket;	       /* made by net-unix-send.c with the caller's rights */
	struct net_unix_caller caller;
	struct creds who;
	struct iovec parts[IOV_MAX];
	uint8_t control[NET_CONTROL_MAX];
	uint8_t data[MESSAGE_MAX];
};

/* The destination of h as read now, allowed (0) or not (-EPERM). */
static int destination(struct batch *b, const struct msghdr *h, struct sockaddr_info *to)
{
	struct net_verdict v;
	struct error err;

	memset(to, 0, sizeof(*to));
	if (h->msg_name == NULL || h->msg_namelen == 0)
		return 0;
	if (sockaddr_read(b->tid, (uint64_t)(uintptr_t)h->msg_name, h->msg_namelen, to, &err) < 0)
		return -EFAULT;
	if (b->approved.raw_len && to->raw_len == b->approved.raw_len &&
	    memcmp(to->raw, b->approved.raw, to->raw_len) == 0)
		return 0;
	net_rate(b->tid, to, NET_SEND, 0, &v);
	return v.allow ? 0 : -EPERM;
}

/* The list of the message's parts and its control data, read once into
 * b: 0 or -errno. */
static int read_header_parts(struct batch *b, const struct msghdr *h)
{
	struct error err;

	if (h->msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	if (h->msg_iovlen && procmem_read(b->tid, (uint64_t)(uintptr_t)h->msg_iov, b->parts,
					  h->msg_iovlen * sizeof(*b->parts), &err) < 0)
		return -EFAULT;
	if (h->msg_controllen > NET_CONTROL_MAX)
		return -ENOBUFS;
	if (h->msg_controllen && procmem_read(b->tid, (uint64_t)(uintptr_t)h->msg_control,
					      b->control, h->msg_controllen, &err) < 0)
		return -EFAULT;
	return 0;
}

/* The message's parts and control data, read once into b; its length. */
static ssize_t read_message(struct batch *b, const struct msghdr *h)
{
	struct error err;
	size_t at = 0;
	int rc;

	if ((rc = read_header_parts(b, h)) < 0)
		return rc;
	for (size_t i = 0; i < h->msg_iovlen; i++) {
		if (b->parts[i].iov_len > MESSAGE_MAX - at)
			return -EMSGSIZE;
		if (b->parts[i].iov_len &&
		    procmem_read(b->tid, (uint64_t)(uintptr_t)b->parts[i].iov_base, b->data + at,
				 b->parts[i].iov_len, &err) < 0)
			return -EFAULT;
		at += b->parts[i].iov_len;
	}
	if (!b->caller_as_gate && !net_plain_control(b->control, h->msg_controllen))
		return -EPERM;
	return (ssize_t)at;
}

/* A Unix socket's message h to to, made by net-unix-send.c. */
static ssize_t send_unix(int sock, struct batch *b, const struct msghdr *h,
			 const struct sockaddr_info *to)
{
	struct net_unix_send_call call = {b->parts, h->msg_iovlen, b->flags, b->control,
					  h->msg_controllen};
	int rc = read_header_parts(b, h);

	return rc < 0 ? rc
		      : net_unix_send_now(b->nm, b->tid, b->notif_id, sock, to, &call, &b->caller);
}

/* An IP socket's message, read into b (len bytes). */
static ssize_t send_ip(int sock, struct batch *b, const struct msghdr *mh,
		       const struct sockaddr_info *to, ssize_t len)
{
	struct iovec iov = {b->data, (size_t)len};
	struct msghdr h = {to->raw_len ? (void *)to->raw : NULL,   to->raw_len,	       &iov, 1,
			   mh->msg_controllen ? b->control : NULL, mh->msg_controllen, 0};

	len = sendmsg(sock, &h, b->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
	return len < 0 ? -errno : len;
}

/* Message i: sent (its length), or -errno. */
static ssize_t send_one(int sock, struct batch *b, unsigned i)
{
	uint64_t at = b->vector + (uint64_t)i * sizeof(struct mmsghdr);
	struct sockaddr_info to;
	struct mmsghdr mh;
	struct error err;
	ssize_t len;
	int rc;

	if (procmem_read(b->tid, at, &mh, sizeof(mh), &err) < 0)
		return -EFAULT;
	if ((rc = destination(b, &mh.msg_hdr, &to)) < 0)
		return rc;
	if (b->unix_socket)
		len = send_unix(sock, b, &mh.msg_hdr, &to);
	else if ((len = read_message(b, &mh.msg_hdr)) >= 0)
		len = send_ip(sock, b, &mh.msg_hdr, &to, len);
	if (len < 0)
		return len;
	mh.msg_len = (unsigned)len;
	if (procmem_write(b->tid, at + offsetof(struct mmsghdr, msg_len), &mh.msg_len,
			  sizeof(mh.msg_len), &err) < 0)
		return -EFAULT;
	return len;
}

/* net_made_retry: 1 while a blocking caller waits for room for the first. */
static int send_batch(int sock, void *arg, int *result)
{
	struct batch *b = arg;

	while (b->next < b->count) {
		ssize_t n;

		/* The caller may have died or been interrupted since the last
		 * one: what is left is not sent, nor anything written back. */
		if (b->next > 0 && !net_made_valid(b->nm, b->notif_id)) {
			*result = (int)b->next;
			return 0;
		}
		n = send_one(sock, b, b->next);

		if (n == -EAGAIN && b->next == 0 && b->blocking)
			return 1;
		if (n < 0) {
			*result = b->next ? (int)b->next : (int)n;
			return 0;
		}
		b->next++;
	}
	*result = (int)b->count;
	return 0;
}

/* Whether the gate makes this socket's calls: an IP one's, and a Unix
 * one's for a caller whose rights it can take (1, b->unix_socket set). */
static int made_here(int sock, struct batch *b, const struct net_unix_caller *caller)
{
	if (net_made_ip(sock))
		return 1;
	if (net_made_domain(sock) != AF_UNIX || caller->who == NULL ||
	    !creds_can_take(caller->ours, caller->who))
		return 0;
	b->unix_socket = 1;
	b->who = *caller->who;
	b->caller = *caller;
	b->caller.who = &b->who;
	return 1;
}

int net_sendmmsg_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		       const struct sockaddr_info *approved, int caller_as_gate,
		       const struct net_unix_caller *caller)
{
	int sock = net_made_take_any(nm, tid, notif_id, (int)args[0]);
	struct batch *b;

	if (sock < 0)
		return net_made_done(nm, notif_id, -1, sock);
	b = xmalloc(sizeof(*b));
	memset(b, 0, offsetof(struct batch, parts));
	if (!made_here(sock, b, caller)) {
		free(b);
		close(sock);
		return 0; /* the kernel's, with the caller's own rights */
	}
	b->nm = nm;
	b->notif_id = notif_id;
	b->tid = tid;
	b->vector = args[1];
	b->count = (unsigned)args[2] < MMSG_MAX ? (unsigned)args[2] : MMSG_MAX;
	b->flags = (int)args[3];
	b->blocking = !(b->flags & MSG_DONTWAIT) && !(fcntl(sock, F_GETFL) & O_NONBLOCK);
	b->caller_as_gate = caller_as_gate;
	if (approved)
		b->approved = *approved;
	if ((int)args[3] & MSG_FASTOPEN) {
		free(b);
		return net_made_done(nm, notif_id, sock, -EOPNOTSUPP); /* as where it is off */
	}
	/* A Unix datagram socket's poll says nothing of its receiver. */
	return net_made_try(
	    nm, tid, notif_id, sock,
	    &(struct net_made_later){send_batch, b, NULL, b->unix_socket ? 20 : 0, 0});
}
