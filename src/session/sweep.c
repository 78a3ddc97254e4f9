#include "sweep.h"

#include "util/grow.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 400  /* after SIGHUP, before SIGKILL */
#define ROUNDS_MAX 50 /* of SIGKILL, for processes forking while they are killed */

struct pids {
	pid_t *v;
	size_t n, cap;
};

static void pids_add(struct pids *p, pid_t pid)
{
	p->v = grow_array_cap(p->v, &p->cap, p->n, sizeof(*p->v));
	p->v[p->n++] = pid;
}

static int pids_has(const struct pids *p, pid_t pid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i] == pid)
			return 1;
	return 0;
}

int sweep_adopt(struct error *err)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return error_errno(err, "cannot keep the session's orphaned jobs in the session");
	return 0;
}

/* The parent of pid from /proc/PID/stat (after the command name), or -1. */
static pid_t parent_of(pid_t pid)
{
	char name[64], buf[512], *close;
	FILE *f;
	size_t n;
	int ppid;

	snprintf(name, sizeof(name), "/proc/%d/stat", (int)pid);
	if ((f = fopen(name, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	close = strrchr(buf, ')');
	if (close == NULL || sscanf(close + 1, " %*c %d", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* Every process whose chain of parents reaches root (root excluded). */
static void descendants(pid_t root, struct pids *out)
{
	struct pids all = {0}, parents = {0};
	struct dirent *de;
	DIR *d = opendir("/proc");
	int grew = 1;

	out->n = 0;
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = isdigit((unsigned char)de->d_name[0]) ? atoi(de->d_name) : 0;
		pid_t ppid = pid > 0 ? parent_of(pid) : -1;
		if (ppid > 0) {
			pids_add(&all, pid);
			pids_add(&parents, ppid);
		}
	}
	closedir(d);
	pids_add(out, root);
	while (grew) {
		grew = 0;
		for (size_t i = 0; i < all.n; i++)
			if (!pids_has(out, all.v[i]) && pids_has(out, parents.v[i])) {
				pids_add(out, all.v[i]);
				grew = 1;
			}
	}
	memmove(out->v, out->v + 1, (out->n - 1) * sizeof(*out->v)); /* root is not swept */
	out->n--;
	free(all.v);
	free(parents.v);
}

/* Signals pid through a pidfd taken while it is still a descendant: a pid
 * reused by a process outside the session is never reached. */
static void signal_member(pid_t pid, const struct pids *members, int sig)
{
	int fd = pidfd_open(pid, 0);

	if (fd < 0)
		return;
	if (pids_has(members, parent_of(pid)) || parent_of(pid) == getpid())
		pidfd_send_signal(fd, sig, NULL, 0);
	close(fd);
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

/* Signals every descendant; counts the new ones in seen. Returns how many. */
static size_t signal_all(struct pids *members, struct pids *seen, int sig)
{
	descendants(getpid(), members);
	for (size_t i = 0; i < members->n; i++) {
		signal_member(members->v[i], members, sig);
		if (sig == SIGHUP)
			signal_member(members->v[i], members, SIGCONT);
		if (!pids_has(seen, members->v[i]))
			pids_add(seen, members->v[i]);
	}
	return members->n;
}

unsigned sweep_session(void)
{
	struct pids members = {0}, seen = {0};
	unsigned ended;

	if (signal_all(&members, &seen, SIGHUP) > 0) {
		for (int waited = 0; waited < GRACE_MS; waited += 20) {
			reap();
			descendants(getpid(), &members);
			if (members.n == 0)
				break;
			pause_ms(20);
		}
		for (int round = 0; round < ROUNDS_MAX && signal_all(&members, &seen, SIGKILL) > 0;
		     round++) {
			pause_ms(10);
			reap();
		}
	}
	reap();
	ended = (unsigned)seen.n;
	free(members.v);
	free(seen.v);
	return ended;
}
