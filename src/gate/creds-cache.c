#include "creds-cache.h"

#include "pidfd.h"
#include "util/xmalloc.h"

#include <seccomp.h>
#include <stdlib.h>
#include <unistd.h>

#define CREDS_KEPT 64 /* threads; each holds a pidfd of the session host's */

struct kept {
	pid_t tid;
	int pidfd; /* readable once the thread has ended */
	struct creds c;
};

struct creds_cache {
	struct kept kept[CREDS_KEPT];
	int n;
	int next; /* the slot replaced when all are used */
};

const char *const creds_calls[] = {
    "setuid",	"setgid",   "setreuid",	 "setregid", "setresuid", "setresgid",
    "setfsuid", "setfsgid", "setgroups", "capset",   "umask",
};
const size_t creds_calls_count = sizeof(creds_calls) / sizeof(creds_calls[0]);

int creds_call_is(int nr)
{
	static int numbers[sizeof(creds_calls) / sizeof(creds_calls[0])];
	static int resolved;

	if (!resolved) {
		for (size_t i = 0; i < creds_calls_count; i++)
			numbers[i] = seccomp_syscall_resolve_name(creds_calls[i]);
		resolved = 1;
	}
	for (size_t i = 0; i < creds_calls_count; i++)
		if (numbers[i] == nr && nr >= 0)
			return 1;
	return 0;
}

struct creds_cache *creds_cache_new(void)
{
	return xcalloc(1, sizeof(struct creds_cache));
}

void creds_cache_forget(struct creds_cache *cc)
{
	for (int i = 0; i < cc->n; i++)
		close(cc->kept[i].pidfd);
	cc->n = 0;
	cc->next = 0;
}

void creds_cache_free(struct creds_cache *cc)
{
	if (cc == NULL)
		return;
	creds_cache_forget(cc);
	free(cc);
}

static void drop(struct creds_cache *cc, int i)
{
	close(cc->kept[i].pidfd);
	cc->kept[i] = cc->kept[--cc->n];
}

/* The pidfd is opened before the rights are read: if the thread ended in
 * between and its ID went to another, the pidfd already says so. */
static void keep(struct creds_cache *cc, pid_t tid, int fd, const struct creds *c)
{
	int i;

	if (pidfd_ended(fd)) {
		close(fd);
		return;
	}
	if (cc->n < CREDS_KEPT) {
		i = cc->n++;
	} else {
		i = cc->next;
		cc->next = (cc->next + 1) % CREDS_KEPT;
		close(cc->kept[i].pidfd);
	}
	cc->kept[i] = (struct kept){tid, fd, *c};
}

int creds_cache_get(struct creds_cache *cc, pid_t tid, struct creds *out)
{
	int fd;

	for (int i = 0; i < cc->n; i++) {
		if (cc->kept[i].tid != tid)
			continue;
		if (!pidfd_ended(cc->kept[i].pidfd)) {
			*out = cc->kept[i].c;
			return 0;
		}
		drop(cc, i);
		break;
	}
	fd = pidfd_of_thread(tid);
	if (creds_read(tid, out) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd >= 0) /* an older kernel has no thread pidfds: read every time */
		keep(cc, tid, fd, out);
	return 0;
}
