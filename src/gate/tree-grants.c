#include "tree-grants.h"

#include "exec-check.h"
#include "pidfd.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct grant {
	struct tree_grants *owner;
	pid_t root;
	int pidfd; /* the approved process itself: readable once it has exited */
	int level; /* what was approved: descendants may run up to this */
	uint64_t exec_id;
	struct event *exited;
	struct grant *next;
};

/* A process found inside a grant's tree, kept so that its next change does
 * not walk up /proc again (a tar of 5,000 files asked 15,000 times). Bound
 * to the process by a pidfd; forgotten when any grant ends. A process stays
 * inside the tree it was found in while that grant lives, even if a parent
 * between them ends and it is given to another. */
#define MEMBERS_KEPT 32

struct member {
	pid_t pid;
	int pidfd;
	uint64_t exec_id; /* the grant's */
};

struct tree_grants {
	struct event_base *base;
	struct grant *list;
	struct member members[MEMBERS_KEPT];
	int nmembers, next_member;
};

struct tree_grants *tree_grants_new(struct event_base *base)
{
	struct tree_grants *t = xcalloc(1, sizeof(*t));

	t->base = base;
	return t;
}

static void grant_free(struct grant *g)
{
	if (g->exited)
		event_free(g->exited);
	close(g->pidfd);
	free(g);
}

static void forget_members(struct tree_grants *t)
{
	for (int i = 0; i < t->nmembers; i++)
		close(t->members[i].pidfd);
	t->nmembers = t->next_member = 0;
}

static void drop(struct tree_grants *t, struct grant *g)
{
	forget_members(t);
	for (struct grant **p = &t->list; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	grant_free(g);
}

/* The approved process has exited: its grant ends with it. */
static void on_exited(evutil_socket_t fd, short what, void *arg)
{
	struct grant *g = arg;

	(void)fd;
	(void)what;
	drop(g->owner, g);
}

static int has_exited(const struct grant *g)
{
	return pidfd_ended(g->pidfd);
}

int tree_grants_add(struct tree_grants *t, pid_t root, int level, uint64_t exec_id)
{
	int fd = (int)syscall(SYS_pidfd_open, root, 0);
	struct grant *g;

	if (fd < 0)
		return -1;
	g = xcalloc(1, sizeof(*g));
	*g = (struct grant){t, root, fd, level, exec_id, NULL, t->list};
	g->exited = event_new(t->base, fd, EV_READ, on_exited, g);
	if (g->exited == NULL || event_add(g->exited, NULL) < 0 || has_exited(g)) {
		grant_free(g);
		return -1;
	}
	t->list = g;
	return 0;
}

/* A live grant rooted at pid that covers level, or NULL. A grant whose
 * process has exited (its event not run yet) is dropped here: pid may
 * already be another process's. */
static struct grant *covering(struct tree_grants *t, pid_t pid, int level)
{
	for (struct grant *g = t->list, *next; g; g = next) {
		next = g->next;
		if (g->root != pid)
			continue;
		if (has_exited(g))
			drop(t, g);
		else if (level <= g->level)
			return g;
	}
	return NULL;
}

/* The live grant pid was found under before, or NULL. */
static struct grant *kept_member(struct tree_grants *t, pid_t pid, int level)
{
	for (int i = 0; i < t->nmembers; i++) {
		struct member *m = &t->members[i];
		if (m->pid != pid)
			continue;
		if (pidfd_ended(m->pidfd))
			return NULL; /* the ID may be another process's now */
		for (struct grant *g = t->list; g; g = g->next)
			if (g->exec_id == m->exec_id && level <= g->level && !has_exited(g))
				return g;
		return NULL;
	}
	return NULL;
}

/* The pidfd is opened first: if pid ended before, nothing is kept. */
static void keep_member(struct tree_grants *t, pid_t pid, int fd, uint64_t exec_id)
{
	int i;

	if (fd < 0)
		return;
	if (pidfd_ended(fd)) {
		close(fd);
		return;
	}
	for (i = 0; i < t->nmembers && t->members[i].pid != pid; i++)
		;
	if (i < t->nmembers) { /* found again under another grant */
		close(t->members[i].pidfd);
	} else if (t->nmembers < MEMBERS_KEPT) {
		i = t->nmembers++;
	} else {
		i = t->next_member;
		t->next_member = (t->next_member + 1) % MEMBERS_KEPT;
		close(t->members[i].pidfd);
	}
	t->members[i] = (struct member){pid, fd, exec_id};
}

static struct grant *walk_up(struct tree_grants *t, pid_t pid, int level)
{
	for (pid_t p = pid; p > 1;) {
		struct grant *g = covering(t, p, level);
		if (g)
			return g;
		if (exec_check_parent(p, &p) < 0)
			return NULL;
	}
	return NULL;
}

int tree_grants_cover(struct tree_grants *t, pid_t pid, int level, uint64_t *granted_by)
{
	struct grant *g;
	int fd;

	if (t->list == NULL)
		return 0;
	g = kept_member(t, pid, level);
	if (g == NULL) {
		fd = pidfd_of_thread(pid);
		g = walk_up(t, pid, level);
		if (g && g->root != pid)
			keep_member(t, pid, fd, g->exec_id);
		else if (fd >= 0)
			close(fd);
	}
	if (g)
		*granted_by = g->exec_id;
	return g != NULL;
}

void tree_grants_clear(struct tree_grants *t)
{
	while (t->list)
		drop(t, t->list);
	forget_members(t);
}

void tree_grants_free(struct tree_grants *t)
{
	if (t == NULL)
		return;
	tree_grants_clear(t);
	free(t);
}
