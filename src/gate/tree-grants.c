#include "tree-grants.h"

#include "exec-check.h"
#include "util/xmalloc.h"

#include <poll.h>
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

struct tree_grants {
	struct event_base *base;
	struct grant *list;
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

static void drop(struct tree_grants *t, struct grant *g)
{
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
	struct pollfd pfd = {.fd = g->pidfd, .events = POLLIN};

	return poll(&pfd, 1, 0) != 0;
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

int tree_grants_cover(struct tree_grants *t, pid_t pid, int level, uint64_t *granted_by)
{
	if (t->list == NULL)
		return 0;
	for (pid_t p = pid; p > 1;) {
		struct grant *g = covering(t, p, level);
		if (g) {
			*granted_by = g->exec_id;
			return 1;
		}
		if (exec_check_parent(p, &p) < 0)
			return 0;
	}
	return 0;
}

void tree_grants_clear(struct tree_grants *t)
{
	while (t->list)
		drop(t, t->list);
}

void tree_grants_free(struct tree_grants *t)
{
	if (t == NULL)
		return;
	tree_grants_clear(t);
	free(t);
}
