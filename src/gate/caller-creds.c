#include "caller-creds.h"

#include "procmem.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STATUS_MAX 4096

/* The value after "\nName:", or NULL. */
static const char *field(const char *status, const char *name)
{
	char key[32];
	const char *at;

	snprintf(key, sizeof(key), "\n%s:", name);
	at = strstr(status, key);
	return at ? at + strlen(key) : NULL;
}

/* "Uid:\treal\teffective\tsaved\tfs": the fourth number. */
/* The n-th number of a line of /proc/PID/status (Uid: real effective saved fs). */
static int nth(const char *at, int n, unsigned long *out)
{
	char *end;

	for (int i = 0; i < n && at; i++) {
		*out = strtoul(at, &end, 10);
		if (end == at)
			return -1;
		at = end;
	}
	return at ? 0 : -1;
}

static int parse_groups(const char *at, struct creds *c)
{
	char *end;

	c->ngroups = 0;
	while (at && *at != '\n' && *at != '\0') {
		unsigned long g = strtoul(at, &end, 10);
		if (end == at)
			break;
		if (c->ngroups == CREDS_MAX_GROUPS)
			return -1;
		c->groups[c->ngroups++] = (gid_t)g;
		at = end;
	}
	return 0;
}

int creds_read(pid_t tid, struct creds *c)
{
	char status[STATUS_MAX];
	unsigned long uid, gid, euid, egid;
	const char *cap, *mask, *threads;

	if (procfs_read(tid, "status", status, sizeof(status)) < 0)
		return -1;
	cap = field(status, "CapEff");
	mask = field(status, "Umask");
	threads = field(status, "Threads");
	if (nth(field(status, "Uid"), 4, &uid) < 0 || nth(field(status, "Gid"), 4, &gid) < 0 ||
	    nth(field(status, "Uid"), 2, &euid) < 0 || nth(field(status, "Gid"), 2, &egid) < 0 ||
	    cap == NULL || mask == NULL || threads == NULL ||
	    parse_groups(field(status, "Groups"), c) < 0)
		return -1;
	c->fsuid = (uid_t)uid;
	c->fsgid = (gid_t)gid;
	c->euid = (uid_t)euid;
	c->egid = (gid_t)egid;
	c->cap_effective = strtoull(cap, NULL, 16);
	c->umask = (mode_t)strtoul(mask, NULL, 8);
	c->threads = atoi(threads);
	return 0;
}

static int same_ids(const struct creds *a, const struct creds *b)
{
	return a->fsuid == b->fsuid && a->fsgid == b->fsgid && a->ngroups == b->ngroups &&
	       memcmp(a->groups, b->groups, sizeof(gid_t) * (size_t)a->ngroups) == 0;
}

static int same_identity(const struct creds *a, const struct creds *b)
{
	return same_ids(a, b) && a->cap_effective == b->cap_effective;
}

#define CAP_BIT(n) (1ull << (n))

int creds_can_take(const struct creds *ours, const struct creds *c)
{
	uint64_t need = CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID);

	if (same_identity(ours, c))
		return 1;
	/* Taking fewer capabilities than ours needs these three; more, never. */
	return (ours->cap_effective & need) == need &&
	       (c->cap_effective & ~ours->cap_effective) == 0;
}

static int set_effective(uint64_t effective)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].effective = (uint32_t)effective;
	d[1].effective = (uint32_t)(effective >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

static int set_ids(const struct creds *c)
{
	if (syscall(SYS_setgroups, (size_t)c->ngroups, c->groups) < 0)
		return -1;
	syscall(SYS_setfsgid, c->fsgid);
	syscall(SYS_setfsuid, c->fsuid);
	/* setfs*id says nothing on failure: ask again. */
	if ((uid_t)syscall(SYS_setfsuid, -1) != c->fsuid ||
	    (gid_t)syscall(SYS_setfsgid, -1) != c->fsgid)
		return -1;
	return 0;
}

/* Whether this thread has a caller's umask (taken only to create). */
static _Thread_local int umask_taken;

/* Changing the file-system IDs changes the effective capabilities too (the
 * kernel drops or restores the file-system ones): after new IDs, the
 * capabilities are always set; with the same IDs, only when they differ. */
int creds_take(const struct creds *ours, const struct creds *c, int creates)
{
	int ids = !same_ids(ours, c);

	if (creates && c->umask != ours->umask) { /* creds_restore sets ours back */
		umask(c->umask);
		umask_taken = 1;
	}
	if ((ids && set_ids(c) < 0) || ((ids || c->cap_effective != ours->cap_effective) &&
					set_effective(c->cap_effective) < 0)) {
		creds_restore(ours, c);
		return -1;
	}
	return 0;
}

void creds_restore(const struct creds *ours, const struct creds *c)
{
	int ids = !same_ids(ours, c);

	if (umask_taken) {
		umask(ours->umask);
		umask_taken = 0;
	}
	if (!ids && c->cap_effective == ours->cap_effective)
		return;
	if (set_effective(ours->cap_effective) < 0 || (ids && set_ids(ours) < 0))
		abort(); /* the gate would go on with another's rights */
}
