/* sendto and sendmsg on a Unix socket, made by the gate (net-unix.h): the
 * kernel would read the message header and the path from the caller's
 * memory again and look the descriptor up again, where a thread may have
 * put a UDP socket meanwhile. A path is resolved with the caller's rights
 * and judged again (net-unix.c), the caller must be allowed to write to
 * the socket file it found, and the message goes to that very file through
 * /proc/thread-self/fd/N; an abstract name goes as the gate read it. The
 * control data is rewritten (scm-pass.h): the caller's descriptors copied,
 * its credentials only its own, and added when the gate may, so a receiver
 * with SO_PASSCRED sees the caller. A datagram (SOCK_DGRAM, SOCK_SEQPACKET)
 * is read whole, at most the socket's send buffer (EMSGSIZE beyond, as the
 * kernel fails it); a blocking caller whose receiver is full waits, tried
 * again every 20 ms (a Unix datagram socket's poll says nothing of an
 * unconnected receiver). A stream's bytes go through net-stream.c. */
#include "net-unix.h"

#include "pidfd.h"
#include "procmem.h"
#include "scm-pass.h"
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

#define RETRY_MS 20
#define DATAGRAM_MAX (16u << 20) /* beyond any send buffer the kernel allows */
#define CLAIM_CREDS ((1ull << 6) | (1ull << 7) | (1ull << 21)) /* SETGID, SETUID, SYS_ADMIN */

struct unix_datagram {
	pid_t tid;
	int flags, blocking;
	int object; /* the socket file sent to, or -1 */
	struct sockaddr_info to;
	struct scm_passed passed;
	size_t len;
	uint8_t data[];
};

static void datagram_free(void *arg)
{
	struct unix_datagram *d = arg;

	if (d->object >= 0)
		close(d->object);
	scm_passed_close(&d->passed);
	free(d);
}

/* net_made_retry: 1 while a blocking caller waits for room. */
static int send_datagram(int sock, void *arg, int *result)
{
	struct unix_datagram *d = arg;
	struct sockaddr_un via = {.sun_family = AF_UNIX};
	struct iovec iov = {d->data, d->len};
	struct msghdr h = {NULL,	  0, &iov, 1, d->passed.len ? d->passed.control : NULL,
			   d->passed.len, 0};
	ssize_t n;

	if (d->object >= 0) {
		snprintf(via.sun_path, sizeof(via.sun_path), "/proc/thread-self/fd/%d", d->object);
		h.msg_name = &via;
		h.msg_namelen = sizeof(via);
	} else if (d->to.raw_len) {
		h.msg_name = (void *)d->to.raw;
		h.msg_namelen = d->to.raw_len;
	}
	n = sendmsg(sock, &h, d->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && d->blocking)
		return 1;
	if (n < 0 && errno == EPIPE && !(d->flags & MSG_NOSIGNAL))
		net_made_pipe_signal(d->tid);
	*result = n < 0 ? -errno : (int)n;
	return 0;
}

/* The message's bytes, read once (at most the socket's send buffer). */
static struct unix_datagram *read_datagram(pid_t tid, int sock,
					   const struct net_unix_send_call *call, int *result)
{
	size_t total = 0, at = 0;
	int sndbuf = 0;
	socklen_t optlen = sizeof(sndbuf);
	struct unix_datagram *d;
	struct error err;

	if (getsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen) < 0 || sndbuf <= 0)
		sndbuf = (int)DATAGRAM_MAX;
	for (size_t i = 0; i < call->nparts; i++) {
		if (call->parts[i].iov_len > DATAGRAM_MAX - total) {
			*result = -EMSGSIZE;
			return NULL;
		}
		total += call->parts[i].iov_len;
	}
	if (total > (size_t)sndbuf) {
		*result = -EMSGSIZE;
		return NULL;
	}
	d = xcalloc(1, sizeof(*d) + total + 1);
	d->object = -1;
	for (size_t i = 0; i < call->nparts; at += call->parts[i++].iov_len)
		if (call->parts[i].iov_len &&
		    procmem_read(tid, (uint64_t)(uintptr_t)call->parts[i].iov_base, d->data + at,
				 call->parts[i].iov_len, &err) < 0) {
			free(d);
			*result = -EFAULT;
			return NULL;
		}
	d->len = total;
	return d;
}

struct fd_source {
	pid_t tid;
	int pidfd; /* opened at the first descriptor copied */
};

static int copy_fd(void *ctx, int fd)
{
	struct fd_source *f = ctx;
	int copy;

	if (f->pidfd < 0 && (f->pidfd = pidfd_of_thread(f->tid)) < 0)
		return -ESRCH;
	copy = (int)syscall(SYS_pidfd_getfd, f->pidfd, fd, 0);
	return copy < 0 ? -errno : copy;
}

/* The control data rewritten into *out: 0 or -errno. */
static int pass_control(struct net_made *nm, pid_t tid, uint64_t notif_id,
			const struct net_unix_send_call *call, const struct net_unix_caller *c,
			struct scm_passed *out)
{
	struct scm_caller who;
	struct fd_source src = {tid, -1};
	int rc;

	/* Namespaces matter only to credentials the caller gives. */
	if (scm_caller_read(tid, call->control_len > 0, &who) < 0)
		rc = -ESRCH;
	else
		rc = scm_pass(call->control, call->control_len, &who,
			      (c->ours->cap_effective & CLAIM_CREDS) == CLAIM_CREDS, copy_fd, &src,
			      out);
	if (src.pidfd >= 0)
		close(src.pidfd);
	/* The descriptor numbers were the caller's only while it still waits. */
	if (rc == 0 && !net_made_valid(nm, notif_id))
		rc = -ESRCH;
	return rc;
}

static int stream(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		  const struct sockaddr_info *a, const struct net_unix_send_call *call,
		  struct scm_passed *passed)
{
	struct net_stream_call s = {call->parts,     call->nparts, call->flags, a,
				    passed->control, passed->len,  passed};

	/* A name on a stream socket fails (EISCONN, EOPNOTSUPP) before any
	 * file is looked up: passed as read. */
	return net_stream_send(nm, tid, notif_id, sock, &s);
}

/* The datagram for call to a, read and prepared (control rewritten, path
 * resolved), or NULL with *result set. */
static struct unix_datagram *prepare(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
				     const struct sockaddr_info *a,
				     const struct net_unix_send_call *call,
				     const struct net_unix_caller *c, int *result)
{
	struct scm_passed *passed = xcalloc(1, sizeof(*passed));
	struct unix_datagram *d = NULL;

	if ((*result = pass_control(nm, tid, notif_id, call, c, passed)) == 0 &&
	    (d = read_datagram(tid, sock, call, result)) != NULL) {
		d->tid = tid;
		d->flags = call->flags;
		d->blocking = !(call->flags & MSG_DONTWAIT) && !(fcntl(sock, F_GETFL) & O_NONBLOCK);
		int type = net_made_socket_type(sock);

		if (type != SOCK_SEQPACKET)
			d->to = *a; /* a sequenced packet's name is ignored, as the kernel's */
		d->passed = *passed;
		passed->nfds = 0; /* d's now */
		/* A stream's name fails before any file is looked up: passed. */
		if (type == SOCK_DGRAM && d->to.kind == SA_UNIX_PATH && d->to.raw_len &&
		    (d->object = net_unix_resolve(tid, c, a->path)) < 0) {
			*result = d->object;
			datagram_free(d);
			d = NULL;
		}
	}
	scm_passed_close(passed);
	free(passed);
	return d;
}

int net_unix_send_now(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		      const struct sockaddr_info *a, const struct net_unix_send_call *call,
		      const struct net_unix_caller *c)
{
	int result;
	struct unix_datagram *d = prepare(nm, tid, notif_id, sock, a, call, c, &result);

	if (d == NULL)
		return result;
	d->blocking = 0;
	(void)send_datagram(sock, d, &result);
	datagram_free(d);
	return result;
}

static int can_take(int sock, const struct net_unix_caller *c)
{
	return net_made_domain(sock) == AF_UNIX && c->who && creds_can_take(c->ours, c->who);
}

int net_unix_send(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		  const struct sockaddr_info *a, const struct net_unix_send_call *call,
		  const struct net_unix_caller *c)
{
	struct scm_passed *passed;
	struct unix_datagram *d;
	int result;

	if (!can_take(sock, c)) {
		close(sock);
		return 0; /* the kernel's, with the caller's own rights */
	}
	if (net_made_socket_type(sock) == SOCK_STREAM) {
		passed = xcalloc(1, sizeof(*passed));
		if ((result = pass_control(nm, tid, notif_id, call, c, passed)) == 0)
			return stream(nm, tid, notif_id, sock, a, call, passed);
		scm_passed_close(passed);
		free(passed);
		return net_made_done(nm, notif_id, sock, result);
	}
	if ((d = prepare(nm, tid, notif_id, sock, a, call, c, &result)) == NULL)
		return net_made_done(nm, notif_id, sock, result);
	/* answered when the receiver has room */
	return net_made_try(nm, tid, notif_id, sock,
			    &(struct net_made_later){send_datagram, d, datagram_free, RETRY_MS,
						     (int)d->passed.nfds + (d->object >= 0)});
}
