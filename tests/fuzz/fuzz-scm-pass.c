/* libFuzzer target: the control data of a send on a Unix socket is hostile
 * bytes the gate rewrites before it sends them as its own (scm-pass.h).
 * Walking them must stay inside them; what comes out must be well formed
 * (every message inside the output, SOL_SOCKET only), name only descriptors
 * the copier gave, claim only the caller's own credentials (it has no
 * capability here), and every copy must be counted for closing. */
#include "gate/scm-pass.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define FIRST_COPY 1000 /* the "copies" the copier hands out: never opened */

struct copier {
	int next;
};

static int copy(void *ctx, int fd)
{
	struct copier *c = ctx;

	if (fd < 0 || fd > 4096)
		return -EBADF;
	return c->next++;
}

static void check_output(const struct scm_passed *p, const struct scm_caller *who)
{
	size_t at = 0;

	if (p->len > sizeof(p->control) || p->nfds > SCM_PASS_FDS_MAX)
		abort();
	while (at < p->len) {
		struct cmsghdr h;
		struct ucred u;

		if (p->len - at < sizeof(h))
			abort();
		memcpy(&h, p->control + at, sizeof(h));
		if (h.cmsg_len < CMSG_LEN(0) || CMSG_ALIGN(h.cmsg_len) > p->len - at ||
		    h.cmsg_level != SOL_SOCKET)
			abort();
		if (h.cmsg_type == SCM_CREDENTIALS) {
			memcpy(&u, p->control + at + CMSG_LEN(0), sizeof(u));
			if (u.pid != who->tgid || u.uid != who->uid[0] || u.gid != who->gid[0])
				abort();
		} else if (h.cmsg_type == SCM_RIGHTS) {
			for (size_t i = 0; i < (h.cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
				int fd;
				memcpy(&fd, p->control + at + CMSG_LEN(0) + i * sizeof(int),
				       sizeof(fd));
				if (fd < FIRST_COPY || fd >= FIRST_COPY + (int)p->nfds)
					abort();
			}
		} else
			abort();
		at += CMSG_ALIGN(h.cmsg_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Its own process is 4321 (1234 as it names it); ids 1000 and 1001. */
	struct scm_caller who = {4321, 1234, 1, 1, {1000, 1000, 1000}, {1001, 1001, 1001}, 0};
	struct scm_passed *out = malloc(sizeof(*out));
	struct copier c = {FIRST_COPY};
	uint8_t *in;

	if (size > SCM_PASS_CONTROL_MAX + 1) {
		free(out);
		return 0;
	}
	in = malloc(size ? size : 1); /* a copy of its size: ASan sees a read past it */
	memcpy(in, data, size);
	if (scm_pass(in, size, &who, size & 1, copy, &c, out) == 0)
		check_output(out, &who);
	if (out->nfds != (size_t)(c.next - FIRST_COPY))
		abort();
	out->nfds = 0; /* nothing was opened */
	free(in);
	free(out);
	return 0;
}
