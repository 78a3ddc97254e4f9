/* What connecting, sending and binding to an address is rated: loopback and
 * DNS allowed, other machines medium, sockets that grant root high, matched
 * by the socket file itself (a symlink, a hard link, a relative name). */
#include "check.h"
#include "gate/local-services.h"
#include "gate/net-rate.h"
#include "risk/rules.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static struct net_verdict rate_inet(const char *host, unsigned port, enum net_op op, int udp)
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct sockaddr_info a;
	struct net_verdict v;

	if (inet_pton(AF_INET, host, &in.sin_addr) == 1)
		sockaddr_decode(&in, sizeof(in), &a);
	else if (inet_pton(AF_INET6, host, &in6.sin6_addr) == 1)
		sockaddr_decode(&in6, sizeof(in6), &a);
	else
		abort();
	net_rate(getpid(), &a, op, udp, &v);
	return v;
}

static struct net_verdict rate_unix(const char *path, enum net_op op)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct sockaddr_info a;
	struct net_verdict v;

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	sockaddr_decode(&un, sizeof(un), &a);
	net_rate(getpid(), &a, op, 0, &v);
	return v;
}

static void test_other_machines(void)
{
	struct net_verdict v = rate_inet("203.0.113.5", 80, NET_CONNECT, 0);

	CHECK(!v.allow && v.level == LEVEL_MEDIUM);
	CHECK_STR(v.what, "Opens a connection to another machine, 203.0.113.5 port 80: data can be "
			  "sent out");
	v = rate_inet("10.0.0.2", 9, NET_SEND, 1);
	CHECK(!v.allow && strstr(v.what, "Sends data to another machine, 10.0.0.2 port 9"));
	CHECK(!rate_inet("::ffff:10.0.0.2", 443, NET_CONNECT, 0).allow);
	CHECK(!rate_inet("2001:db8::1", 443, NET_CONNECT, 0).allow);
	CHECK(rate_inet("127.0.0.1", 5432, NET_CONNECT, 0).allow);
	CHECK(rate_inet("::1", 80, NET_CONNECT, 0).allow);
	CHECK(rate_inet("::ffff:127.0.0.1", 80, NET_SEND, 0).allow);
	CHECK(rate_inet("0.0.0.0", 80, NET_CONNECT, 0).allow); /* this machine */
	CHECK(rate_inet("198.51.100.53", 53, NET_SEND, 1).allow);
	CHECK(rate_inet("198.51.100.53", 53, NET_CONNECT, 0).allow);
}

static void test_bind(void)
{
	struct net_verdict v = rate_inet("0.0.0.0", 8080, NET_BIND, 0);

	CHECK(!v.allow && v.level == LEVEL_MEDIUM);
	CHECK(strstr(v.what, "Starts listening for connections from other machines on port 8080"));
	CHECK(!rate_inet("10.0.0.1", 8080, NET_BIND, 0).allow);
	CHECK(!rate_inet("::", 0, NET_BIND, 0).allow);	   /* a listener on any port */
	CHECK(rate_inet("0.0.0.0", 0, NET_BIND, 1).allow); /* a UDP client's port */
	CHECK(!rate_inet("127.0.0.1", 80, NET_BIND, 0).allow);
	CHECK(rate_inet("127.0.0.1", 8080, NET_BIND, 0).allow);
	CHECK(rate_inet("::1", 0, NET_BIND, 0).allow);
	CHECK(rate_unix("/tmp/x.sock", NET_BIND).allow);
}

static void test_families(void)
{
	struct sockaddr_in unspec = {.sin_family = AF_UNSPEC, .sin_port = htons(80)};
	unsigned char packet[20] = {AF_PACKET, 0, 0x08, 0x00, 2};
	unsigned char vsock[16] = {40, 0};
	struct sockaddr_info a;
	struct net_verdict v;

	inet_pton(AF_INET, "203.0.113.5", &unspec.sin_addr);
	sockaddr_decode(&unspec, sizeof(unspec), &a);
	net_rate(getpid(), &a, NET_CONNECT, 0, &v);
	CHECK(v.allow); /* a disconnect */
	net_rate(getpid(), &a, NET_SEND, 1, &v);
	CHECK(!v.allow); /* sent to 203.0.113.5 by an IPv4 socket */
	sockaddr_decode(packet, sizeof(packet), &a);
	net_rate(getpid(), &a, NET_BIND, 0, &v);
	CHECK(!v.allow && v.level == LEVEL_HIGH);
	sockaddr_decode(vsock, sizeof(vsock), &a);
	net_rate(getpid(), &a, NET_CONNECT, 0, &v);
	CHECK(!v.allow && v.level == LEVEL_MEDIUM && strstr(v.what, "address family 40"));
	net_rate_socket(AF_PACKET, SOCK_RAW, 0, &v);
	CHECK(!v.allow && v.level == LEVEL_HIGH);
	net_rate_socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP, &v);
	CHECK(!v.allow);
	net_rate_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP, &v);
	CHECK(v.allow); /* ping: its sends are judged by destination */
}

static int listen_at(const char *path)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	CHECK(bind(fd, (struct sockaddr *)&un, sizeof(un)) == 0);
	return fd;
}

static void test_local_services(void)
{
	char dir[] = "/tmp/escort-net-XXXXXX", sock[128], link_[128], hard[128], other[128];
	struct net_verdict v;
	int fd, fd2;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock, sizeof(sock), "%s/escortd.sock", dir);
	snprintf(link_, sizeof(link_), "%s/innocent", dir);
	snprintf(hard, sizeof(hard), "%s/hard", dir);
	snprintf(other, sizeof(other), "%s/other.sock", dir);
	fd = listen_at(sock);
	fd2 = listen_at(other);
	CHECK(symlink(sock, link_) == 0);
	CHECK(link(sock, hard) == 0);
	local_services_protect(sock);
	v = rate_unix(sock, NET_CONNECT);
	CHECK(!v.allow && v.level == LEVEL_HIGH && strstr(v.what, "escortd"));
	CHECK(!rate_unix(link_, NET_CONNECT).allow);
	CHECK(!rate_unix(hard, NET_CONNECT).allow);
	CHECK(chdir(dir) == 0);
	CHECK(!rate_unix("./sub/../escortd.sock", NET_CONNECT).allow);
	CHECK(!rate_unix("escortd.sock", NET_CONNECT).allow);
	CHECK(rate_unix("other.sock", NET_CONNECT).allow);
	CHECK(rate_unix("/run/dbus/system_bus_socket", NET_CONNECT).allow);
	v = rate_unix("/var/run//docker.sock", NET_CONNECT);
	CHECK(!v.allow && v.level == LEVEL_HIGH && strstr(v.what, "Docker"));
	CHECK(!rate_unix("/run/systemd/private", NET_CONNECT).allow);
	CHECK(!rate_unix("/run/escort/anything", NET_CONNECT).allow);
	/* The name is the process's: shown visibly (found by fuzz-sockaddr). */
	v = rate_unix("/run/escort/\x01\x1b[2J", NET_CONNECT);
	CHECK_STR(v.where, "the local socket /run/escort/\\x01\\x1b[2J");
	local_services_protect(NULL);
	CHECK(rate_unix(sock, NET_CONNECT).allow);
	unlink(sock);
	unlink(link_);
	unlink(hard);
	unlink(other);
	rmdir(dir);
	close(fd);
	close(fd2);
}

static void test_normalize(void)
{
	char out[64];

	local_services_normalize("/var/run/../run/./docker.sock", out, sizeof(out));
	CHECK_STR(out, "/run/docker.sock");
	local_services_normalize("//run///x/", out, sizeof(out));
	CHECK_STR(out, "/run/x");
	local_services_normalize("/..", out, sizeof(out));
	CHECK_STR(out, "/");
}

int main(void)
{
	test_other_machines();
	test_bind();
	test_families();
	test_local_services();
	test_normalize();
	CHECK_DONE();
}
