/* libFuzzer target: the socket address a session's process names in a
 * connect, bind, sendto or sendmsg is hostile bytes. Decoding, describing
 * and rating it must never crash, every description must be printable (no
 * control byte reaches the operator's terminal), and every refusal must say
 * what and how risky. The same bytes as a sendmsg's control data: walking
 * them as the kernel does (net_plain_control) must stay inside them. */
#include "gate/net-made.h"
#include "gate/net-rate.h"
#include "gate/sockaddr.h"
#include "risk/rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

static void check_verdict(const struct net_verdict *v)
{
	check_printable(v->where);
	if (v->allow)
		return;
	check_printable(v->what);
	if (v->what[0] == '\0' || v->level < LEVEL_MEDIUM || v->level > LEVEL_CRITICAL ||
	    v->attack == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum net_op ops[] = {NET_CONNECT, NET_SEND, NET_BIND};
	struct sockaddr_info a;
	struct net_verdict v;
	char text[400];

	if (size <= NET_CONTROL_MAX) { /* a copy of its size: ASan sees a read past it */
		uint8_t *control = malloc(size ? size : 1);
		memcpy(control, data, size);
		(void)net_plain_control(control, size);
		free(control);
	}
	sockaddr_decode(data, size, &a);
	if (a.path_len > SOCKADDR_PATH_MAX)
		abort();
	sockaddr_describe(&a, text, sizeof(text));
	check_printable(text);
	sockaddr_family_name(&a, text, sizeof(text));
	sockaddr_host(&a, text, sizeof(text));
	(void)sockaddr_is_loopback(&a);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		net_rate(getpid(), &a, ops[i], (int)(size & 1), &v);
		check_verdict(&v);
	}
	if (size >= 3) {
		net_rate_socket(data[0], data[1], data[2], &v);
		check_verdict(&v);
	}
	return 0;
}
