/* Socket addresses decoded as the kernel reads them, described for people,
 * and read from a process's memory within their bounds. */
#include "check.h"
#include "gate/sockaddr.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/un.h>
#include <unistd.h>

static struct sockaddr_info decode(const void *p, size_t len)
{
	struct sockaddr_info a;

	sockaddr_decode(p, len, &a);
	return a;
}

static const char *describe(const struct sockaddr_info *a)
{
	static char text[400];

	sockaddr_describe(a, text, sizeof(text));
	return text;
}

static void test_inet(void)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(80)};
	struct sockaddr_info a;

	inet_pton(AF_INET, "203.0.113.5", &in.sin_addr);
	a = decode(&in, sizeof(in));
	CHECK(a.kind == SA_INET && a.port == 80);
	CHECK_STR(describe(&a), "203.0.113.5 port 80");
	CHECK(!sockaddr_is_loopback(&a) && !sockaddr_is_wildcard(&a));
	CHECK(decode(&in, sizeof(in) - 1).kind == SA_INVALID);
	inet_pton(AF_INET, "127.8.9.10", &in.sin_addr);
	a = decode(&in, sizeof(in));
	CHECK(sockaddr_is_loopback(&a));
	in.sin_addr.s_addr = 0;
	a = decode(&in, sizeof(in));
	CHECK(sockaddr_is_wildcard(&a) && sockaddr_is_loopback(&a));
	/* IPv4 sockets send to and bind AF_UNSPEC as if it were AF_INET. */
	in.sin_family = AF_UNSPEC;
	inet_pton(AF_INET, "10.1.2.3", &in.sin_addr);
	a = decode(&in, sizeof(in));
	CHECK(a.kind == SA_INET && a.family == AF_UNSPEC && !sockaddr_is_loopback(&a));
	CHECK(decode(&in, 4).kind == SA_UNSPEC);
}

static void test_inet6(void)
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
	struct sockaddr_info a;

	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	a = decode(&in6, sizeof(in6));
	CHECK(a.kind == SA_INET6 && !a.v4_mapped && a.port == 443);
	CHECK_STR(describe(&a), "2001:db8::1 port 443");
	CHECK(decode(&in6, 24).kind == SA_INET6); /* no scope id: still valid */
	CHECK(decode(&in6, 23).kind == SA_INVALID);
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	a = decode(&in6, sizeof(in6));
	CHECK(sockaddr_is_loopback(&a));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	a = decode(&in6, sizeof(in6));
	CHECK(a.v4_mapped && sockaddr_is_loopback(&a));
	inet_pton(AF_INET6, "::ffff:10.0.0.7", &in6.sin6_addr);
	a = decode(&in6, sizeof(in6));
	CHECK(a.v4_mapped && !sockaddr_is_loopback(&a));
	CHECK_STR(describe(&a), "::ffff:10.0.0.7 port 443");
	inet_pton(AF_INET6, "::", &in6.sin6_addr);
	a = decode(&in6, sizeof(in6));
	CHECK(sockaddr_is_wildcard(&a));
}

static void test_unix(void)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	size_t at = offsetof(struct sockaddr_un, sun_path);
	struct sockaddr_info a;

	strcpy(un.sun_path, "/run/docker.sock");
	a = decode(&un, sizeof(un));
	CHECK(a.kind == SA_UNIX_PATH && a.path_len == strlen("/run/docker.sock"));
	CHECK_STR(describe(&a), "the local socket /run/docker.sock");
	/* Without a NUL within the length: the bytes given, no more. */
	a = decode(&un, at + 4);
	CHECK(a.kind == SA_UNIX_PATH && a.path_len == 4);
	CHECK(decode(&un, at).kind == SA_UNIX_UNNAMED);
	CHECK_STR(describe(&a), "the local socket /run");
	/* Abstract: every byte after the leading NUL, NULs and escapes shown. */
	memcpy(un.sun_path, "\0bus\0\x1b[2J", 10);
	a = decode(&un, at + 9);
	CHECK(a.kind == SA_UNIX_ABSTRACT && a.path_len == 8);
	CHECK_STR(describe(&a), "the abstract local socket @bus\\x00\\x1b[2J");
}

static void test_other_families(void)
{
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = 7, .nl_groups = 0x10};
	unsigned char packet[20] = {AF_PACKET, 0, 0x08, 0x00, 2, 0, 0, 0};
	unsigned char vsock[16] = {40, 0};
	struct sockaddr_info a;
	char name[16];

	a = decode(&nl, sizeof(nl));
	CHECK(a.kind == SA_NETLINK && a.nl_pid == 7 && a.nl_groups == 0x10);
	a = decode(packet, sizeof(packet));
	CHECK(a.kind == SA_PACKET && a.ifindex == 2 && a.protocol == 0x0800);
	CHECK_STR(describe(&a), "packet interface 2 protocol 0x0800");
	a = decode(vsock, sizeof(vsock));
	CHECK(a.kind == SA_OTHER && a.family == 40);
	CHECK_STR(describe(&a), "address family 40");
	sockaddr_family_name(&a, name, sizeof(name));
	CHECK_STR(name, "40");
	CHECK(decode(vsock, 1).kind == SA_INVALID);
	CHECK(decode(vsock, 0).kind == SA_INVALID);
}

/* From memory: a length beyond a struct sockaddr_storage is read no further. */
static void test_read(void)
{
	struct {
		struct sockaddr_in in;
		char after[1024];
	} big = {.in = {.sin_family = AF_INET, .sin_port = htons(9)}};
	struct sockaddr_info a;
	struct error err;

	inet_pton(AF_INET, "192.0.2.1", &big.in.sin_addr);
	CHECK(sockaddr_read(getpid(), (uintptr_t)&big, sizeof(big), &a, &err) == 0);
	CHECK(a.kind == SA_INET && a.port == 9);
	CHECK(sockaddr_read(getpid(), 8, sizeof(big.in), &a, &err) == -1);
}

int main(void)
{
	test_inet();
	test_inet6();
	test_unix();
	test_other_families();
	test_read();
	CHECK_DONE();
}
