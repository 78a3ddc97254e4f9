#include "net-effect.h"

#include "net-rate.h"
#include "procmem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/xattr.h>

#define MMSG_MAX UIO_MAXIOV /* the kernel sends at most this many per sendmmsg */

static enum effect_outcome as_kernel(struct effect *e, int error)
{
	e->error = error;
	return EFFECT_AS_KERNEL;
}

/* The verdict into the effect: "connect to 10.0.0.2 port 80". */
static enum effect_outcome settle(struct effect *e, const struct sockaddr_info *a,
				  const struct net_verdict *v)
{
	const char *prep = e->call->check == HELD_BIND ? "on" : "to";

	if (a) { /* kept even when allowed: what the gate connects to (net-connect.h) */
		e->address = *a;
		e->has_address = 1;
	}
	if (v->allow)
		return EFFECT_ALLOW;
	e->level = v->level;
	e->attack = v->attack;
	snprintf(e->what, sizeof(e->what), "%s", v->what);
	snprintf(e->where, sizeof(e->where), "%s %s", a ? prep : "", v->where);
	return EFFECT_REFUSE;
}

/* A UDP socket (its bind to port 0 everywhere is a client's): the socket's
 * protocol name, as /proc/PID/fd/N shows it to getxattr. */
static int is_datagram(pid_t pid, int fd)
{
	char path[64], proto[32] = "";
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = getxattr(path, "system.sockprotoname", proto, sizeof(proto) - 1);
	proto[n > 0 ? n : 0] = 0;
	return strncmp(proto, "UDP", 3) == 0;
}

/* The address at addr of len bytes, as connect, bind and sendto take it
 * (the kernel refuses a length beyond a struct sockaddr_storage). */
static enum effect_outcome judge_address(const struct seccomp_notif *n, uint64_t addr, uint64_t len,
					 enum net_op op, struct effect *e)
{
	pid_t pid = (pid_t)n->pid;
	int fd = (int)(uint32_t)n->data.args[0];
	struct sockaddr_info a;
	struct net_verdict v;
	struct error err;

	if ((int)(uint32_t)len < 0 || (uint32_t)len > sizeof(struct sockaddr_storage))
		return as_kernel(e, EINVAL);
	if (sockaddr_read(pid, addr, (uint32_t)len, &a, &err) < 0)
		return as_kernel(e, EFAULT);
	net_rate(pid, &a, op, op == NET_BIND && is_datagram(pid, fd), &v);
	return settle(e, &a, &v);
}

/* One message's destination (sendmsg caps a longer name, it does not fail). */
static enum effect_outcome judge_msghdr(pid_t pid, const struct msghdr *m, struct effect *e)
{
	struct sockaddr_info a;
	struct net_verdict v;
	struct error err;

	if (m->msg_name == NULL || m->msg_namelen == 0)
		return EFFECT_ALLOW; /* a connected socket: no destination */
	if (sockaddr_read(pid, (uint64_t)(uintptr_t)m->msg_name, m->msg_namelen, &a, &err) < 0)
		return as_kernel(e, EFAULT);
	net_rate(pid, &a, NET_SEND, 0, &v);
	return settle(e, &a, &v);
}

static enum effect_outcome judge_sendmsg(const struct seccomp_notif *n, struct effect *e)
{
	struct msghdr m;
	struct error err;

	if (procmem_read((pid_t)n->pid, n->data.args[1], &m, sizeof(m), &err) < 0)
		return as_kernel(e, EFAULT);
	return judge_msghdr((pid_t)n->pid, &m, e);
}

/* Every message's destination; the first that is not allowed decides. */
static enum effect_outcome judge_sendmmsg(const struct seccomp_notif *n, struct effect *e)
{
	unsigned count = (unsigned)n->data.args[2];
	enum effect_outcome o = EFFECT_ALLOW;
	struct mmsghdr *v;
	struct error err;

	if (count > MMSG_MAX)
		count = MMSG_MAX;
	if (count == 0)
		return EFFECT_ALLOW;
	v = calloc(count, sizeof(*v));
	if (v == NULL)
		return as_kernel(e, ENOMEM);
	if (procmem_read((pid_t)n->pid, n->data.args[1], v, count * sizeof(*v), &err) < 0)
		o = as_kernel(e, EFAULT);
	for (unsigned i = 0; i < count && o == EFFECT_ALLOW; i++)
		o = judge_msghdr((pid_t)n->pid, &v[i].msg_hdr, e);
	free(v);
	return o;
}

static enum effect_outcome judge_socket(const struct seccomp_notif *n, struct effect *e)
{
	struct net_verdict v;

	net_rate_socket((int)n->data.args[0], (int)n->data.args[1], (int)n->data.args[2], &v);
	return settle(e, NULL, &v);
}

enum effect_outcome net_effect_judge(const struct seccomp_notif *n, struct effect *e)
{
	const __u64 *args = n->data.args;

	switch (e->call->check) {
	case HELD_CONNECT:
		return judge_address(n, args[1], args[2], NET_CONNECT, e);
	case HELD_BIND:
		return judge_address(n, args[1], args[2], NET_BIND, e);
	case HELD_SENDTO:
		return judge_address(n, args[4], args[5], NET_SEND, e);
	case HELD_SENDMSG:
		return judge_sendmsg(n, e);
	case HELD_SENDMMSG:
		return judge_sendmmsg(n, e);
	default:
		return judge_socket(n, e);
	}
}
