/* Socket addresses a trapped connect, bind, sendto or sendmsg names: read
 * from the caller's memory (bounded by its length, at most a struct
 * sockaddr_storage) and decoded the way the kernel reads them. The decoding
 * is a pure function of the bytes, so it can be fuzzed; what the caller
 * wrote there is hostile and may change after it is read (THREAT-MODEL.md). */
#ifndef ESCORT_SOCKADDR_H
#define ESCORT_SOCKADDR_H

#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

enum sockaddr_kind {
	SA_UNSPEC,	  /* AF_UNSPEC too short for an IPv4 address (connect: disconnects) */
	SA_UNIX_PATH,	  /* a socket file */
	SA_UNIX_ABSTRACT, /* a name in the abstract namespace (no file) */
	SA_UNIX_UNNAMED,  /* no name at all (bind: the kernel picks an abstract one) */
	SA_INET,
	SA_INET6,
	SA_NETLINK,
	SA_PACKET,
	SA_OTHER,   /* another family, known by its number */
	SA_INVALID, /* shorter than its family needs: the kernel fails the call */
};

#define SOCKADDR_PATH_MAX 108 /* sizeof(sun_path) */

struct sockaddr_info {
	enum sockaddr_kind kind;
	int family;	/* as written: AF_UNSPEC read as IPv4 keeps AF_UNSPEC here */
	uint8_t ip[16]; /* SA_INET: the first 4 bytes; SA_INET6: all 16 */
	int v4_mapped;	/* SA_INET6 ::ffff:a.b.c.d: ip[0..4) holds a.b.c.d */
	unsigned port;	/* SA_INET, SA_INET6 */
	char path[SOCKADDR_PATH_MAX + 1]; /* SA_UNIX_*: abstract names may hold NULs */
	size_t path_len;
	uint32_t nl_pid, nl_groups; /* SA_NETLINK */
	int ifindex, protocol;	    /* SA_PACKET: interface and ethernet protocol */
	/* The bytes decoded, as read once: what the gate connects to itself
	 * (net-connect.h), never read from the caller's memory again. */
	uint8_t raw[sizeof(struct sockaddr_storage)];
	uint32_t raw_len;
};

/* Decodes len bytes of an address. AF_UNSPEC of IPv4 size decodes as
 * SA_INET: IPv4 sockets send to and bind such an address as if it were
 * AF_INET (only connect reads AF_UNSPEC as "disconnect"). Never fails:
 * what the kernel would refuse is SA_INVALID. */
void sockaddr_decode(const void *data, size_t len, struct sockaddr_info *out);

/* Reads the address of len bytes at addr in pid (len is capped at a struct
 * sockaddr_storage, as the kernel caps it) and decodes it; -1 with err when
 * the memory cannot be read. */
int sockaddr_read(pid_t pid, uint64_t addr, uint64_t len, struct sockaddr_info *out,
		  struct error *err);

/* A loopback destination: 127.0.0.0/8, ::1, ::ffff:127.x.y.z, and the
 * unspecified addresses a connect sends to this machine (0.0.0.0, ::). */
int sockaddr_is_loopback(const struct sockaddr_info *a);
/* The wildcard 0.0.0.0 or :: (a bind there listens on every interface). */
int sockaddr_is_wildcard(const struct sockaddr_info *a);

/* The address for a person: "203.0.113.5 port 80", "2001:db8::1 port 443",
 * "the local socket /run/docker.sock", "the abstract local socket @name"
 * (control bytes and NULs shown visibly), "an unnamed local socket",
 * "netlink (kernel) port 0", "packet interface 2", "address family 40". */
void sockaddr_describe(const struct sockaddr_info *a, char *out, size_t size);
/* "inet", "inet6", "unix", "netlink", "packet", "unspec" or the number. */
void sockaddr_family_name(const struct sockaddr_info *a, char *out, size_t size);
/* The host alone ("203.0.113.5", "2001:db8::1") for SA_INET and SA_INET6. */
void sockaddr_host(const struct sockaddr_info *a, char *out, size_t size);

#endif
