#include "scm-pass.h"

#include "procmem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CAP_SETGID_BIT (1ull << 6)
#define CAP_SETUID_BIT (1ull << 7)
#define CAP_SYS_ADMIN_BIT (1ull << 21)

/* The value after "\nKey:" in a /proc status text, or NULL. */
static const char *field(const char *status, const char *key)
{
	const char *at = strstr(status, key);

	return at ? at + strlen(key) : NULL;
}

static int same_ns(pid_t tid, const char *name)
{
	char theirs[64], ours[64], link[64];
	ssize_t a, b;

	snprintf(link, sizeof(link), "/proc/%d/ns/%s", (int)tid, name);
	a = readlink(link, theirs, sizeof(theirs) - 1);
	snprintf(link, sizeof(link), "/proc/self/ns/%s", name);
	b = readlink(link, ours, sizeof(ours) - 1);
	return a > 0 && a == b && memcmp(theirs, ours, (size_t)a) == 0;
}

/* The last number of an NSpid line: the pid as its own namespace names it. */
static pid_t last_number(const char *at)
{
	pid_t last = -1;
	char *end;

	for (;;) {
		long v = strtol(at, &end, 10);
		if (end == at)
			return last;
		last = (pid_t)v;
		at = end;
		if (*at == '\n' || *at == 0)
			return last;
	}
}

int scm_caller_read(pid_t tid, int namespaces, struct scm_caller *c)
{
	char status[4096];
	const char *tgid, *nspid, *uid, *gid, *cap;
	unsigned long long caps = 0;

	memset(c, 0, sizeof(*c));
	if (procfs_read(tid, "status", status, sizeof(status)) < 0 ||
	    (tgid = field(status, "\nTgid:")) == NULL ||
	    (nspid = field(status, "\nNSpid:")) == NULL ||
	    (uid = field(status, "\nUid:")) == NULL || (gid = field(status, "\nGid:")) == NULL ||
	    (cap = field(status, "\nCapEff:")) == NULL ||
	    sscanf(uid, "%u %u %u", &c->uid[0], &c->uid[1], &c->uid[2]) != 3 ||
	    sscanf(gid, "%u %u %u", &c->gid[0], &c->gid[1], &c->gid[2]) != 3 ||
	    sscanf(cap, "%llx", &caps) != 1)
		return -ESRCH;
	c->tgid = (pid_t)atoi(tgid);
	c->own_pid = last_number(nspid);
	c->cap_effective = caps;
	c->same_pid_ns = namespaces && same_ns(tid, "pid");
	c->same_user_ns = namespaces && same_ns(tid, "user");
	return c->tgid > 0 ? 0 : -ESRCH;
}

static int one_of(unsigned v, const unsigned ids[3])
{
	return v == ids[0] || v == ids[1] || v == ids[2];
}

/* Credentials the caller gives, as the gate must send them (its pid in the
 * gate's namespace), when the kernel would let the caller claim them
 * (scm_check_creds); -EPERM otherwise. */
static int check_creds(const struct scm_caller *c, struct ucred *u)
{
	if (!c->same_user_ns)
		return -EPERM; /* ids in another user namespace: not mapped here */
	if (u->pid == c->own_pid)
		u->pid = c->tgid;
	else if (!(c->cap_effective & CAP_SYS_ADMIN_BIT) || !c->same_pid_ns)
		return -EPERM;
	if (!one_of(u->uid, c->uid) && !(c->cap_effective & CAP_SETUID_BIT))
		return -EPERM;
	if (!one_of(u->gid, c->gid) && !(c->cap_effective & CAP_SETGID_BIT))
		return -EPERM;
	return 0;
}

/* Appends a control message to out; -ENOBUFS when it does not fit. */
static int append(struct scm_passed *out, int type, const void *data, size_t len)
{
	struct cmsghdr h = {.cmsg_len = CMSG_LEN(len), .cmsg_level = SOL_SOCKET, .cmsg_type = type};

	if (CMSG_SPACE(len) > sizeof(out->control) - out->len)
		return -ENOBUFS;
	memset(out->control + out->len, 0, CMSG_SPACE(len));
	memcpy(out->control + out->len, &h, sizeof(h));
	memcpy(out->control + out->len + CMSG_LEN(0), data, len);
	out->len += CMSG_SPACE(len);
	return 0;
}

/* SCM_RIGHTS: every descriptor copied from the caller (at most
 * SCM_PASS_FDS_MAX in all, as the kernel's EINVAL). */
static int rights(const uint8_t *data, size_t n, scm_copy_fd copy, void *ctx,
		  struct scm_passed *out)
{
	int mine[SCM_PASS_FDS_MAX];

	if (n == 0)
		return 0;
	if (n > SCM_PASS_FDS_MAX - out->nfds)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int fd, copied;

		memcpy(&fd, data + i * sizeof(int), sizeof(int));
		if ((copied = copy(ctx, fd)) < 0)
			return copied == -ESRCH ? -ESRCH : -EBADF;
		out->fds[out->nfds++] = copied;
		mine[i] = copied;
	}
	return append(out, SCM_RIGHTS, mine, n * sizeof(int));
}

/* One SOL_SOCKET message; *creds gets the last credentials given. */
static int one(const struct cmsghdr *h, const uint8_t *data, const struct scm_caller *c,
	       scm_copy_fd copy, void *ctx, struct scm_passed *out, struct ucred *creds,
	       int *has_creds)
{
	size_t n = h->cmsg_len - CMSG_LEN(0);

	if (h->cmsg_type == SCM_RIGHTS)
		return rights(data, n / sizeof(int), copy, ctx, out);
	if (h->cmsg_type != SCM_CREDENTIALS || h->cmsg_len != CMSG_LEN(sizeof(struct ucred)))
		return -EINVAL;
	memcpy(creds, data, sizeof(*creds));
	*has_creds = 1;
	return check_creds(c, creds);
}

int scm_pass(const uint8_t *in, size_t len, const struct scm_caller *c, int add_creds,
	     scm_copy_fd copy, void *ctx, struct scm_passed *out)
{
	struct ucred creds = {c->tgid, c->uid[0], c->gid[0]};
	int has_creds = 0, rc;
	size_t at = 0;

	out->len = out->nfds = 0;
	if (len > SCM_PASS_CONTROL_MAX)
		return -ENOBUFS;
	/* Walked as the kernel walks it (for_each_cmsghdr, CMSG_OK). */
	while (len - at >= sizeof(struct cmsghdr)) {
		struct cmsghdr h;

		memcpy(&h, in + at, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > len - at)
			return -EINVAL;
		if (h.cmsg_level == SOL_SOCKET && (rc = one(&h, in + at + CMSG_LEN(0), c, copy, ctx,
							    out, &creds, &has_creds)) < 0)
			return rc;
		if (CMSG_ALIGN(h.cmsg_len) >= len - at)
			break;
		at += CMSG_ALIGN(h.cmsg_len);
	}
	if (has_creds || add_creds)
		return append(out, SCM_CREDENTIALS, &creds, sizeof(creds));
	return 0;
}

void scm_passed_close(struct scm_passed *p)
{
	for (size_t i = 0; i < p->nfds; i++)
		close(p->fds[i]);
	p->nfds = 0;
}
