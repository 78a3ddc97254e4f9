/* Judging a socket address a session's process names: what connecting,
 * sending or binding there would do, for a non-engineer, and its level
 * (risk/rules.h). Allowed: loopback, DNS, local services that check their
 * callers; refused: other machines (medium: a later change lets an escort
 * approve them), services that grant root, escort's own socket, raw
 * packets. The verdict carries its own level and text so that whoever
 * decides on it (refusal now, an escort later) needs nothing else. */
#ifndef ESCORT_NET_RATE_H
#define ESCORT_NET_RATE_H

#include "sockaddr.h"

#include <sys/types.h>

enum net_op { NET_CONNECT, NET_SEND, NET_BIND };

struct net_verdict {
	int allow;
	int level;	    /* enum risk_level, when not allowed */
	const char *attack; /* MITRE ATT&CK technique, when not allowed */
	char what[512];	    /* what it would do, for a non-engineer */
	char where[300];    /* the address for people ("203.0.113.5 port 80") */
};

/* a: decoded from process pid's memory (pid resolves a relative Unix path
 * against its working directory). datagram: the socket is UDP (a bind to
 * port 0 on every interface is then a client waiting for its answers). */
void net_rate(pid_t pid, const struct sockaddr_info *a, enum net_op op, int datagram,
	      struct net_verdict *v);

/* Destinations allowed whatever their host: where a configured allow-list
 * plugs in. Today the embedded defaults only: loopback, and DNS (port 53). */
int net_allowed_by_config(const struct sockaddr_info *a, enum net_op op);

/* socket(domain, type, protocol): a packet or raw socket; allowed only for
 * ICMP (ping) whose sends are then judged by destination like any other. */
void net_rate_socket(int domain, int type, int protocol, struct net_verdict *v);

#endif
