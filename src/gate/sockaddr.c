#include "sockaddr.h"

#include "procmem.h"
#include "util/buf.h"
#include "util/visible.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#define SUN_PATH_AT offsetof(struct sockaddr_un, sun_path)

static uint16_t u16_at(const uint8_t *p, size_t at)
{
	uint16_t v;

	memcpy(&v, p + at, sizeof(v));
	return v;
}

static uint32_t u32_at(const uint8_t *p, size_t at)
{
	uint32_t v;

	memcpy(&v, p + at, sizeof(v));
	return v;
}

/* As unix_mkname: a path ends at its first NUL; an abstract name (after a
 * leading NUL) is every byte given, NULs included; no bytes: unnamed. */
static void decode_unix(const uint8_t *p, size_t len, struct sockaddr_info *a)
{
	size_t n = len - SUN_PATH_AT;

	if (n > SOCKADDR_PATH_MAX)
		n = SOCKADDR_PATH_MAX;
	if (n == 0) {
		a->kind = SA_UNIX_UNNAMED;
		return;
	}
	if (p[SUN_PATH_AT] == 0) {
		a->kind = SA_UNIX_ABSTRACT;
		a->path_len = n - 1;
		memcpy(a->path, p + SUN_PATH_AT + 1, a->path_len);
		return;
	}
	a->kind = SA_UNIX_PATH;
	a->path_len = strnlen((const char *)p + SUN_PATH_AT, n);
	memcpy(a->path, p + SUN_PATH_AT, a->path_len);
}

static void decode_inet(const uint8_t *p, size_t len, struct sockaddr_info *a)
{
	if (len < sizeof(struct sockaddr_in)) {
		a->kind = a->family == AF_UNSPEC ? SA_UNSPEC : SA_INVALID;
		return;
	}
	a->kind = SA_INET;
	a->port = ntohs(u16_at(p, offsetof(struct sockaddr_in, sin_port)));
	memcpy(a->ip, p + offsetof(struct sockaddr_in, sin_addr), 4);
}

static void decode_inet6(const uint8_t *p, size_t len, struct sockaddr_info *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t at = offsetof(struct sockaddr_in6, sin6_addr);

	if (len < at + 16) { /* the kernel's SIN6_LEN_RFC2133: no scope id */
		a->kind = SA_INVALID;
		return;
	}
	a->kind = SA_INET6;
	a->port = ntohs(u16_at(p, offsetof(struct sockaddr_in6, sin6_port)));
	memcpy(a->ip, p + at, 16);
	a->v4_mapped = memcmp(a->ip, mapped, sizeof(mapped)) == 0;
}

static void decode_netlink(const uint8_t *p, size_t len, struct sockaddr_info *a)
{
	if (len < sizeof(struct sockaddr_nl)) {
		a->kind = SA_INVALID;
		return;
	}
	a->kind = SA_NETLINK;
	a->nl_pid = u32_at(p, offsetof(struct sockaddr_nl, nl_pid));
	a->nl_groups = u32_at(p, offsetof(struct sockaddr_nl, nl_groups));
}

/* struct sockaddr_ll's protocol (network order) and interface index. */
static void decode_packet(const uint8_t *p, size_t len, struct sockaddr_info *a)
{
	if (len < 8) {
		a->kind = SA_INVALID;
		return;
	}
	a->kind = SA_PACKET;
	a->protocol = ntohs(u16_at(p, 2));
	a->ifindex = (int)u32_at(p, 4);
}

void sockaddr_decode(const void *data, size_t len, struct sockaddr_info *out)
{
	const uint8_t *p = data;

	memset(out, 0, sizeof(*out));
	if (len > sizeof(struct sockaddr_storage))
		len = sizeof(struct sockaddr_storage);
	memcpy(out->raw, data, len);
	out->raw_len = (uint32_t)len;
	if (len < sizeof(sa_family_t)) {
		out->kind = SA_INVALID;
		return;
	}
	out->family = u16_at(p, 0);
	switch (out->family) {
	case AF_UNIX:
		decode_unix(p, len, out);
		break;
	case AF_UNSPEC:
	case AF_INET:
		decode_inet(p, len, out);
		break;
	case AF_INET6:
		decode_inet6(p, len, out);
		break;
	case AF_NETLINK:
		decode_netlink(p, len, out);
		break;
	case AF_PACKET:
		decode_packet(p, len, out);
		break;
	default:
		out->kind = SA_OTHER;
	}
}

int sockaddr_read(pid_t pid, uint64_t addr, uint64_t len, struct sockaddr_info *out,
		  struct error *err)
{
	struct sockaddr_storage ss;
	size_t n = len > sizeof(ss) ? sizeof(ss) : (size_t)len;

	if (procmem_read(pid, addr, &ss, n, err) < 0)
		return -1;
	sockaddr_decode(&ss, n, out);
	return 0;
}

/* The IPv4 address of SA_INET or of a v4-mapped SA_INET6, or NULL. */
static const uint8_t *ipv4_of(const struct sockaddr_info *a)
{
	if (a->kind == SA_INET)
		return a->ip;
	if (a->kind == SA_INET6 && a->v4_mapped)
		return a->ip + 12;
	return NULL;
}

int sockaddr_is_wildcard(const struct sockaddr_info *a)
{
	static const uint8_t zero[16];
	const uint8_t *v4 = ipv4_of(a);

	if (v4)
		return memcmp(v4, zero, 4) == 0;
	return a->kind == SA_INET6 && memcmp(a->ip, zero, 16) == 0;
}

int sockaddr_is_loopback(const struct sockaddr_info *a)
{
	static const uint8_t one[16] = {[15] = 1};
	const uint8_t *v4 = ipv4_of(a);

	if (sockaddr_is_wildcard(a))
		return 1;
	if (v4)
		return v4[0] == 127;
	return a->kind == SA_INET6 && memcmp(a->ip, one, 16) == 0;
}

void sockaddr_host(const struct sockaddr_info *a, char *out, size_t size)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (a->kind == SA_INET)
		inet_ntop(AF_INET, a->ip, text, sizeof(text));
	else if (a->kind == SA_INET6)
		inet_ntop(AF_INET6, a->ip, text, sizeof(text));
	snprintf(out, size, "%s", text);
}

static void describe_unix(const struct sockaddr_info *a, char *out, size_t size)
{
	struct buf b = {0};

	buf_append_str(&b, a->kind == SA_UNIX_ABSTRACT ? "the abstract local socket @"
						       : "the local socket ");
	visible_append(&b, a->path, a->path_len);
	snprintf(out, size, "%s", buf_cstr(&b));
	buf_free(&b);
}

void sockaddr_describe(const struct sockaddr_info *a, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	switch (a->kind) {
	case SA_INET:
	case SA_INET6:
		sockaddr_host(a, host, sizeof(host));
		snprintf(out, size, "%s port %u", host, a->port);
		break;
	case SA_UNIX_PATH:
	case SA_UNIX_ABSTRACT:
		describe_unix(a, out, size);
		break;
	case SA_UNIX_UNNAMED:
		snprintf(out, size, "an unnamed local socket");
		break;
	case SA_NETLINK:
		snprintf(out, size, "netlink (the kernel) port %u groups 0x%x", a->nl_pid,
			 a->nl_groups);
		break;
	case SA_PACKET:
		snprintf(out, size, "packet interface %d protocol 0x%04x", a->ifindex,
			 (unsigned)a->protocol);
		break;
	case SA_UNSPEC:
		snprintf(out, size, "no address (AF_UNSPEC)");
		break;
	case SA_INVALID:
		snprintf(out, size, "a malformed address of family %d", a->family);
		break;
	default:
		snprintf(out, size, "address family %d", a->family);
	}
}

void sockaddr_family_name(const struct sockaddr_info *a, char *out, size_t size)
{
	static const char *const names[] = {
	    [AF_UNSPEC] = "unspec", [AF_UNIX] = "unix",	      [AF_INET] = "inet",
	    [AF_INET6] = "inet6",   [AF_NETLINK] = "netlink", [AF_PACKET] = "packet",
	};

	if (a->family >= 0 && (size_t)a->family < sizeof(names) / sizeof(names[0]) &&
	    names[a->family])
		snprintf(out, size, "%s", names[a->family]);
	else
		snprintf(out, size, "%d", a->family);
}
