/* A send on an IP stream socket, made by the gate (net-made.h): the kernel
 * would look the descriptor up again, and another thread may have put a
 * datagram socket there meanwhile. The bytes are read from the caller a
 * chunk at a time as they are sent (the caller waits in the kernel); the
 * judged address is the one passed. A blocking caller waits until the
 * first byte can be sent, then gets the count sent without waiting again (a
 * short count, as a signal gives one): waiting on with bytes already sent
 * would send them twice if a signal restarted the call. */
#include "net-made.h"

#include "pidfd.h"
#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHUNK 65536
#define SEND_MAX (INT_MAX & ~4095) /* the kernel's cap on one call (MAX_RW_COUNT) */

struct stream {
	pid_t tid;
	int flags, blocking;
	struct sockaddr_info to; /* raw_len 0: none */
	struct iovec parts[IOV_MAX];
	size_t nparts, part, part_at, left;
	uint8_t control[NET_CONTROL_MAX];
	size_t control_len;
	size_t sent, have, at; /* bytes sent; buf[at, have) read, not yet sent */
	uint8_t buf[CHUNK];
};

/* The next bytes from the caller's memory into buf; -errno. */
static int fill(struct stream *s)
{
	struct error err;

	s->have = s->at = 0;
	while (s->have < CHUNK && s->part < s->nparts && s->left > 0) {
		const struct iovec *p = &s->parts[s->part];
		size_t n = p->iov_len - s->part_at;

		if (n > CHUNK - s->have)
			n = CHUNK - s->have;
		if (n > s->left)
			n = s->left;
		if (n && procmem_read(s->tid, (uint64_t)(uintptr_t)p->iov_base + s->part_at,
				      s->buf + s->have, n, &err) < 0)
			return -EFAULT;
		s->have += n;
		s->left -= n;
		s->part_at += n;
		if (s->part_at == p->iov_len) {
			s->part++;
			s->part_at = 0;
		}
	}
	return 0;
}

/* SIGPIPE, as the kernel sends it to a thread writing to a closed stream. */
static void pipe_signal(pid_t tid)
{
	int pidfd = pidfd_of_thread(tid);

	if (pidfd < 0)
		return;
	(void)syscall(SYS_pidfd_send_signal, pidfd, SIGPIPE, NULL, 0);
	close(pidfd);
}

static ssize_t send_some(int sock, struct stream *s)
{
	struct iovec iov = {s->buf + s->at, s->have - s->at};
	struct msghdr h = {s->to.raw_len ? (void *)s->to.raw : NULL,
			   s->to.raw_len,
			   &iov,
			   1,
			   s->sent == 0 && s->control_len ? s->control : NULL,
			   s->sent == 0 ? s->control_len : 0,
			   0};

	return sendmsg(sock, &h, s->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
}

static int failed(struct stream *s, int error, int *result)
{
	if (error == EPIPE && !(s->flags & MSG_NOSIGNAL))
		pipe_signal(s->tid);
	*result = s->sent ? (int)s->sent : -error;
	return 0;
}

/* net_made_retry: 1 while a blocking caller must wait for room. */
static int send_stream(int sock, void *arg, int *result)
{
	struct stream *s = arg;
	int rc;

	for (;;) {
		ssize_t n;

		if (s->at == s->have && (rc = fill(s)) < 0)
			return failed(s, -rc, result);
		if (s->have == 0 && s->sent > 0) {
			*result = (int)s->sent;
			return 0;
		}
		n = send_some(sock, s);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return s->sent == 0 && s->blocking ? 1 : failed(s, EAGAIN, result);
		if (n < 0)
			return failed(s, errno, result);
		s->sent += (size_t)n;
		s->at += (size_t)n;
		if (s->have == 0) { /* nothing to send: the kernel's answer */
			*result = (int)n;
			return 0;
		}
	}
}

int net_stream_send(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		    const struct net_stream_call *c)
{
	struct stream *s = xmalloc(sizeof(*s));
	int result = 0;
	size_t total = 0;

	memset(s, 0, offsetof(struct stream, buf));
	s->tid = tid;
	s->flags = c->flags;
	if (c->to)
		s->to = *c->to;
	s->blocking = !(c->flags & MSG_DONTWAIT) && !(fcntl(sock, F_GETFL) & O_NONBLOCK);
	s->nparts = c->nparts < IOV_MAX ? c->nparts : IOV_MAX;
	if (s->nparts)
		memcpy(s->parts, c->parts, s->nparts * sizeof(*s->parts));
	for (size_t i = 0; i < s->nparts && total < SEND_MAX; i++)
		total += c->parts[i].iov_len < SEND_MAX ? c->parts[i].iov_len : SEND_MAX;
	s->left = total < SEND_MAX ? total : SEND_MAX;
	s->control_len = c->control_len < NET_CONTROL_MAX ? c->control_len : NET_CONTROL_MAX;
	if (s->control_len)
		memcpy(s->control, c->control, s->control_len);
	if (send_stream(sock, s, &result) &&
	    (result = net_made_wait(nm, tid, notif_id, sock, send_stream, s)) == 0)
		return 1; /* answered when there is room; s is the wait's */
	free(s);
	close(sock);
	net_made_reply(nm, notif_id, result);
	return 1;
}
