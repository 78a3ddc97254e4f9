/* bind and sendto, made by the gate (net-made.h); a Unix socket's by
 * net-unix-bind.c and net-unix-send.c. */
#include "net-made.h"

#include "net-unix.h"
#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATAGRAM_MAX 65536 /* an IPv4 or IPv6 datagram's payload is less */

/* The first port an account without CAP_NET_BIND_SERVICE may bind. */
static unsigned unprivileged_start(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	unsigned start = 1024;

	if (f) {
		if (fscanf(f, "%u", &start) != 1)
			start = 1024;
		fclose(f);
	}
	return start;
}

#define CAP_NET_BIND_SERVICE_BIT (1ull << 10)

int net_bind_start(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd,
		   const struct sockaddr_info *a, int udp_only,
		   const struct net_unix_caller *caller)
{
	int sock = net_made_take_any(nm, tid, notif_id, fd), protocol = 0, can_bind_low;
	socklen_t len = sizeof(protocol);

	if (sock < 0)
		return net_made_done(nm, notif_id, -1, sock);
	if (!net_made_ip(sock))
		return net_unix_bind(nm, tid, notif_id, sock, a, caller);
	can_bind_low = (caller->who->cap_effective & CAP_NET_BIND_SERVICE_BIT) != 0;
	if (udp_only && (getsockopt(sock, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0 ||
			 (protocol != IPPROTO_UDP && protocol != IPPROTO_UDPLITE)))
		net_made_reply(nm, notif_id, -EPERM); /* swapped since the gate looked */
	/* The gate's own rights would pass the kernel's check: made here with
	 * the caller's. */
	else if (!can_bind_low && (a->kind == SA_INET || a->kind == SA_INET6) && a->port != 0 &&
		 a->port < unprivileged_start())
		net_made_reply(nm, notif_id, -EACCES);
	else
		net_made_reply(nm, notif_id,
			       bind(sock, (const struct sockaddr *)a->raw, a->raw_len) < 0 ? -errno
											   : 0);
	close(sock);
	return 1;
}

struct datagram {
	struct sockaddr_info to;
	int flags, blocking;
	size_t len;
	uint8_t data[];
};

/* 1 when a blocking caller must wait for room. */
static int send_now(int sock, void *arg, int *result)
{
	struct datagram *d = arg;
	ssize_t n = sendto(sock, d->data, d->len, d->flags | MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)d->to.raw, d->to.raw_len);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && d->blocking)
		return 1;
	*result = n < 0 ? -errno : (int)n;
	return 0;
}

static struct datagram *read_datagram(pid_t tid, const uint64_t args[6], int sock,
				      const struct sockaddr_info *a, int *result)
{
	size_t len = (size_t)args[2];
	struct datagram *d;
	struct error err;

	if (len > DATAGRAM_MAX) {
		*result = -EMSGSIZE;
		return NULL;
	}
	d = xcalloc(1, sizeof(*d) + len + 1);
	d->to = *a;
	d->len = len;
	d->flags = (int)args[3];
	d->blocking = !(d->flags & MSG_DONTWAIT) && !(fcntl(sock, F_GETFL) & O_NONBLOCK);
	if (len > 0 && procmem_read(tid, args[1], d->data, len, &err) < 0) {
		free(d);
		*result = -EFAULT;
		return NULL;
	}
	return d;
}

/* A stream socket's send, made by the gate too (net-stream.c): the kernel
 * would look the descriptor up again and might find a datagram socket.
 * MSG_FASTOPEN would connect it: refused as where TCP Fast Open is off. */
static int stream_send(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		       const uint64_t args[6], const struct sockaddr_info *a)
{
	struct iovec part = {(void *)(uintptr_t)args[1], (size_t)args[2]};
	struct net_stream_call c = {&part, 1, (int)args[3], a, NULL, 0, NULL};

	if ((int)args[3] & MSG_FASTOPEN)
		return net_made_done(nm, notif_id, sock, -EOPNOTSUPP);
	return net_stream_send(nm, tid, notif_id, sock, &c);
}

int net_sendto_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		     const struct sockaddr_info *a, const struct net_unix_caller *caller)
{
	int sock = net_made_take_any(nm, tid, notif_id, (int)args[0]), result = 0;
	struct datagram *d = NULL;

	if (sock < 0)
		return net_made_done(nm, notif_id, -1, sock);
	if (!net_made_ip(sock)) {
		struct iovec part = {(void *)(uintptr_t)args[1], (size_t)args[2]};
		struct net_unix_send_call u = {&part, 1, (int)args[3], NULL, 0};

		return net_unix_send(nm, tid, notif_id, sock, a, &u, caller);
	}
	if (net_made_socket_type(sock) == SOCK_STREAM)
		return stream_send(nm, tid, notif_id, sock, args, a);
	if ((d = read_datagram(tid, args, sock, a, &result)) == NULL)
		return net_made_done(nm, notif_id, sock, result);
	return net_made_try(nm, tid, notif_id, sock,
			    &(struct net_made_later){send_now, d, NULL, 0, 0});
}
