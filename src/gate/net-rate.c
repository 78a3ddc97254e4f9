#include "net-rate.h"

#include "caller-creds.h"
#include "local-services.h"
#include "others-files.h"
#include "risk/rules.h"
#include "util/buf.h"
#include "util/visible.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DNS_PORT 53
#define FIRST_UNPRIVILEGED_PORT 1024
#define SCTP_WHAT                                                                                  \
	"Opens an SCTP socket, which connects to other machines and listens for them through "     \
	"its options rather than the calls escort judges: data could leave the machine unseen"
#define PACKET_WHAT                                                                                \
	"Opens a raw network socket that captures or forges the machine's network traffic "        \
	"(anyone's connections, passwords sent in clear)"

static int allow(struct net_verdict *v)
{
	v->allow = 1;
	return 0;
}

static void refuse(struct net_verdict *v, int level, const char *attack)
{
	v->allow = 0;
	v->level = level;
	v->attack = attack;
}

int net_allowed_by_config(const struct sockaddr_info *a, enum net_op op)
{
	if (op == NET_BIND)
		return 0;
	/* Configured destinations (a site's package mirror, its monitoring)
	 * would be matched here; the session host reads no configuration yet. */
	return sockaddr_is_loopback(a) || a->port == DNS_PORT;
}

static int rate_inet_bind(const struct sockaddr_info *a, int datagram, struct net_verdict *v)
{
	int loopback = sockaddr_is_loopback(a) && !sockaddr_is_wildcard(a);

	if (a->port == 0 && (loopback || datagram))
		return allow(v); /* a client's port, chosen by the kernel */
	if (loopback && a->port >= FIRST_UNPRIVILEGED_PORT)
		return allow(v);
	refuse(v, LEVEL_MEDIUM, "T1571");
	if (loopback)
		snprintf(v->what, sizeof(v->what),
			 "Takes port %u on this machine, a port reserved for system services, "
			 "where other programs expect a trusted service",
			 a->port);
	else
		snprintf(v->what, sizeof(v->what),
			 "Starts listening for connections from other machines on port %u "
			 "(%s): someone outside could reach this session through it",
			 a->port, v->where);
	return 0;
}

static int rate_inet(const struct sockaddr_info *a, enum net_op op, int datagram,
		     struct net_verdict *v)
{
	if (op == NET_BIND)
		return rate_inet_bind(a, datagram, v);
	if (op == NET_CONNECT && a->family == AF_UNSPEC)
		return allow(v); /* ends the socket's connection, whatever follows */
	if (net_allowed_by_config(a, op))
		return allow(v);
	refuse(v, LEVEL_MEDIUM, "T1048");
	snprintf(v->what, sizeof(v->what),
		 op == NET_SEND ? "Sends data to another machine, %s: data can be sent out"
				: "Opens a connection to another machine, %s: data can be sent out",
		 v->where);
	return 0;
}

/* Whether name is the service's path, or in the service's directory. */
static int named_so(const char *name, const char *path)
{
	size_t n = strlen(path);

	if (n > 0 && path[n - 1] == '/')
		return strncmp(name, path, n) == 0;
	return strcmp(name, path) == 0;
}

/* "the local socket /tmp/x (which is /run/docker.sock)": the name as the
 * process gave it, made visible, and the service's own when they differ. */
static void name_socket(const char *absolute, const struct local_service *s, struct net_verdict *v)
{
	struct buf b = {0};

	buf_append_str(&b, "the local socket ");
	visible_append(&b, absolute, strlen(absolute) < 200 ? strlen(absolute) : 200);
	if (!named_so(absolute, s->path))
		buf_printf(&b, " (which is %.60s)", s->path);
	snprintf(v->where, sizeof(v->where), "%s", buf_cstr(&b));
	buf_free(&b);
}

/* Another account's socket in its private folder, reached with root's
 * rights (others-files.h); *owner gets its account. The session host runs
 * as the session's own account. */
static int others_socket(pid_t pid, const char *path, uid_t *owner)
{
	struct stat sock, dir;
	struct creds who;

	if (local_socket_stat(pid, path, &sock, &dir) < 0 || creds_read(pid, &who) < 0)
		return 0;
	*owner = sock.st_uid;
	return others_private_socket(&sock, &dir, &who, getuid());
}

static int refuse_others_socket(const char *absolute, uid_t owner, struct net_verdict *v)
{
	struct buf b = {0};

	buf_append_str(&b, "the local socket ");
	visible_append(&b, absolute, strlen(absolute) < 200 ? strlen(absolute) : 200);
	snprintf(v->where, sizeof(v->where), "%s", buf_cstr(&b));
	buf_free(&b);
	refuse(v, LEVEL_MEDIUM, "T1563");
	snprintf(v->what, sizeof(v->what),
		 "Uses a socket that account %d keeps in its private folder (an agent holding "
		 "its keys, its session's bus), with root's rights: it acts as that account",
		 (int)owner);
	return 0;
}

/* Connecting to a socket file: refused for the services of
 * local-services.c and for another account's private sockets. Binding one
 * makes a socket file (a file change). */
static int rate_unix_path(pid_t pid, const struct sockaddr_info *a, enum net_op op,
			  struct net_verdict *v)
{
	char absolute[4096];
	const struct local_service *s;
	uid_t owner;

	if (op == NET_BIND)
		return allow(v);
	s = local_service_at(pid, a->path, absolute, sizeof(absolute));
	if (s == NULL && others_socket(pid, a->path, &owner))
		return refuse_others_socket(absolute, owner, v);
	if (s == NULL)
		return allow(v);
	name_socket(absolute, s, v);
	refuse(v, s->level, "T1068");
	snprintf(v->what, sizeof(v->what), "%s", s->what);
	return 0;
}

static int rate_other(const struct sockaddr_info *a, enum net_op op, struct net_verdict *v)
{
	/* AF_ALG binds name a kernel cipher: nothing leaves the machine. */
	if (op == NET_BIND && a->family == AF_ALG)
		return allow(v);
	refuse(v, LEVEL_MEDIUM, "T1095");
	snprintf(v->what, sizeof(v->what),
		 "Uses an unusual kind of network (address family %d) that escort cannot judge: "
		 "data could leave the machine",
		 a->family);
	return 0;
}

static int rate(pid_t pid, const struct sockaddr_info *a, enum net_op op, int datagram,
		struct net_verdict *v)
{
	switch (a->kind) {
	case SA_INET:
	case SA_INET6:
		return rate_inet(a, op, datagram, v);
	case SA_UNIX_PATH:
		return rate_unix_path(pid, a, op, v);
	case SA_PACKET:
		refuse(v, LEVEL_HIGH, "T1040");
		snprintf(v->what, sizeof(v->what), "%s", PACKET_WHAT);
		return 0;
	case SA_OTHER:
		return rate_other(a, op, v);
	default:
		/* Abstract and unnamed local sockets (everyday programs' own),
		 * netlink (ip, ss: the kernel checks what needs privileges),
		 * AF_UNSPEC (a disconnect) and what the kernel fails as malformed. */
		return allow(v);
	}
}

void net_rate(pid_t pid, const struct sockaddr_info *a, enum net_op op, int datagram,
	      struct net_verdict *v)
{
	memset(v, 0, sizeof(*v));
	sockaddr_describe(a, v->where, sizeof(v->where));
	(void)rate(pid, a, op, datagram, v);
}

static int is_ping(int domain, int protocol)
{
	return (domain == AF_INET && protocol == IPPROTO_ICMP) ||
	       (domain == AF_INET6 && protocol == IPPROTO_ICMPV6);
}

void net_rate_socket(int domain, int type, int protocol, struct net_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if ((type & 0xf) == SOCK_RAW && is_ping(domain, protocol)) {
		allow(v);
		return;
	}
	if ((type & 0xf) != SOCK_RAW && protocol == IPPROTO_SCTP) {
		refuse(v, LEVEL_HIGH, "T1095");
		snprintf(v->what, sizeof(v->what), "%s", SCTP_WHAT);
		snprintf(v->where, sizeof(v->where), "of family %d, protocol SCTP", domain);
		return;
	}
	refuse(v, LEVEL_HIGH, "T1040");
	snprintf(v->what, sizeof(v->what), "%s", PACKET_WHAT);
	snprintf(v->where, sizeof(v->where), "of family %d, type %d, protocol %d", domain,
		 type & 0xf, protocol);
}
