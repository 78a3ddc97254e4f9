/* Network calls the gate makes for a caller, with the address it judged:
 * the caller's socket is taken with pidfd_getfd and the call is made on it
 * with the copy of the address read once, so a process sharing the page
 * cannot swap the address between the gate's look and the kernel's
 * (THREAT-MODEL.md). A call that would block waits for its socket in the
 * gate's event loop while the caller waits in the kernel; its answer is the
 * call's outcome. A Unix socket's calls are made with the caller's rights
 * (net-unix.h); any call on another family is left to the kernel: made
 * from the gate it would give the other side the gate's process and rights.
 * net-connect.c, net-send.c...: the calls. */
#ifndef ESCORT_NET_MADE_H
#define ESCORT_NET_MADE_H

#include "sockaddr.h"

#include <event2/event.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct net_made;
struct scm_passed;

/* answer(ctx, notif_id, result): result is the call's value or -errno. */
typedef void (*net_made_answer)(void *ctx, uint64_t notif_id, int result);
/* Tries the call again once the socket is ready: 1 to keep waiting, else
 * 0 with *result set. */
typedef int (*net_made_retry)(int sock, void *arg, int *result);

struct net_made *net_made_new(struct event_base *base, int listener, net_made_answer answer,
			      void *ctx);
/* Every call still waiting fails with EINTR (the session ended). */
void net_made_free(struct net_made *nm);

/* AF_UNIX, AF_INET...; -1 when it cannot be told. */
int net_made_domain(int sock);
/* Whether sock is an IPv4 or IPv6 socket, whose calls the gate makes. */
int net_made_ip(int sock);
/* Descriptor fd of tid's process as the gate's own (the same socket), or
 * -errno (-ESRCH when the call was given up meanwhile), or NET_MADE_NOT_IP
 * when it is not an IP socket: the kernel makes that call, with the caller's
 * rights. The decision is the socket's, not the address's: a Unix or
 * netlink address on an IP socket is made by the gate too (and fails as the
 * kernel fails it), so the kernel never reads an IP call's address again. */
#define NET_MADE_NOT_IP (-100000) /* not an errno */
int net_made_take(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd);
int net_made_take_any(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd);
/* SOCK_STREAM, SOCK_DGRAM...; -1 when it cannot be told. */
int net_made_socket_type(int sock);
void net_made_reply(struct net_made *nm, uint64_t notif_id, int result);
/* Whether the call still waits for its answer (not given up, not gone). */
int net_made_valid(const struct net_made *nm, uint64_t notif_id);
/* SIGPIPE, as the kernel sends it to a thread writing to a closed socket. */
void net_made_pipe_signal(pid_t tid);
/* Waits for sock to be writable, then calls retry(sock, arg): the socket
 * and arg (freed with free()) are the wait's; -errno when it cannot wait
 * (both stay the caller's; -EINTR at the limits on waiting calls, see
 * net-made.c). */
int net_made_wait(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock, net_made_retry retry,
		  void *arg);
/* The same, arg released by release (NULL: free()), and tried again every
 * every_ms instead of when the socket is writable (0: when writable): a
 * Unix listener's full queue says nothing poll could wait for.
 * descriptors: what else the wait holds open (a Unix send's passed
 * descriptors), counted apart: at most a quarter of the gate's limit for
 * every wait of the session (EINTR beyond). */
struct net_made_later {
	net_made_retry retry;
	void *arg;
	void (*release)(void *arg);
	int every_ms;
	int descriptors; /* the gate's it holds besides the socket (passed ones) */
};
int net_made_wait_later(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
			const struct net_made_later *later);
/* The call tried now (later->retry); when it must wait it waits as
 * net_made_wait_later says, else it is answered with its result, sock
 * closed and arg released. Returns 1: the call is the gate's. */
int net_made_try(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		 const struct net_made_later *later);
/* The call answered with result (its value or -errno; -ESRCH: given up,
 * or its process gone, not answered), sock closed (when >= 0). Returns 1:
 * the call is the gate's. */
int net_made_done(struct net_made *nm, uint64_t notif_id, int sock, int result);

/* connect, bind, sendto, sendmsg, sendmmsg: made now or after a wait, the
 * answer coming through the callback (1); or 0 when the kernel must make
 * the call (not an IP socket; for connect, sendto and sendmsg, not a Unix
 * one either, or a caller whose rights the gate cannot take). Every send
 * on an IP or Unix socket is the gate's, a stream socket's too: the kernel
 * would look the descriptor up again. caller: whose rights a Unix socket's
 * calls are made with (net-unix.h). */
struct net_unix_caller;
int net_connect_start(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd,
		      const struct sockaddr_info *a, const struct net_unix_caller *caller);
/* udp_only: allowed only for a UDP socket (EPERM on another); the caller's
 * rights (caller->who, not NULL) tell whether it may bind a low port. */
int net_bind_start(struct net_made *nm, pid_t tid, uint64_t notif_id, int fd,
		   const struct sockaddr_info *a, int udp_only,
		   const struct net_unix_caller *caller);
/* The datagram's bytes are read from the caller once (at most 64 KiB). */
int net_sendto_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		     const struct sockaddr_info *a, const struct net_unix_caller *caller);

#define NET_CONTROL_MAX 8192 /* control data the gate passes on (ENOBUFS beyond) */

/* Whether every control message in control asks for no rights, whoever
 * sends it (net-sendmsg.c): only then may the gate pass it on for a caller
 * that has fewer capabilities than the gate. */
int net_plain_control(const uint8_t *control, size_t len);

/* A send on a stream socket, to be made by the gate (net-stream.c): the
 * caller's parts (addresses in its memory, read as they are sent), flags,
 * the judged address (NULL: none) and control data already read. */
struct net_stream_call {
	const struct iovec *parts;
	size_t nparts;
	int flags;
	const struct sockaddr_info *to;
	const uint8_t *control;
	size_t control_len;
	struct scm_passed *passed; /* NULL, or the descriptors control passes:
				    * the stream's now, closed when it ends */
};
/* Sends on sock (the gate's copy, now the wait's or closed) and answers the
 * call, now or once there is room. */
int net_stream_send(struct net_made *nm, pid_t tid, uint64_t notif_id, int sock,
		    const struct net_stream_call *c);

/* The same for sendmsg (one message); caller_as_gate: the caller holds
 * every capability the gate does, so any control message may be passed. */
int net_sendmsg_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		      const struct sockaddr_info *a, int caller_as_gate,
		      const struct net_unix_caller *caller);

/* sendmmsg: every message's destination is read once more and rated on
 * that copy (approved: the one address an escort approved also passes);
 * the messages are sent by the gate one by one and their msg_len written
 * back into the caller's vector (net-sendmmsg.c). */
int net_sendmmsg_start(struct net_made *nm, pid_t tid, uint64_t notif_id, const uint64_t args[6],
		       const struct sockaddr_info *approved, int caller_as_gate,
		       const struct net_unix_caller *caller);

#endif
