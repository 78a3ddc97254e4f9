#include "path-grants.h"

#include "risk/rules.h"
#include "tree-grants.h"
#include "util/xmalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct path_grant {
	char *folder;
	struct tree_grants *tree; /* the process it was approved for, and its level */
	struct path_grant *next;
};

struct path_grants {
	struct event_base *base;
	struct path_grant *list;
};

struct path_grants *path_grants_new(struct event_base *base)
{
	struct path_grants *p = xcalloc(1, sizeof(*p));

	p->base = base;
	return p;
}

void path_grants_clear(struct path_grants *p)
{
	while (p->list) {
		struct path_grant *g = p->list;
		p->list = g->next;
		tree_grants_free(g->tree);
		free(g->folder);
		free(g);
	}
}

void path_grants_free(struct path_grants *p)
{
	if (p == NULL)
		return;
	path_grants_clear(p);
	free(p);
}

int path_inside(const char *path, const char *folder)
{
	size_t n = strlen(folder);

	return strncmp(path, folder, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Absolute, without "//", "." or ".." components, not "/" itself. */
static int plain_folder(const char *f)
{
	if (f[0] != '/' || f[1] == '\0' || strlen(f) >= PATH_MAX || f[strlen(f) - 1] == '/')
		return 0;
	return strstr(f, "//") == NULL && strstr(f, "/./") == NULL && strstr(f, "/../") == NULL &&
	       strcmp(f + strlen(f) - 2, "/.") != 0 && strcmp(f + strlen(f) - 3, "/..") != 0;
}

int path_grants_add(struct path_grants *p, pid_t root, const char *folder, int level,
		    uint64_t by_id)
{
	struct path_grant *g;

	if (!plain_folder(folder))
		return -1;
	g = xcalloc(1, sizeof(*g));
	g->tree = tree_grants_new(p->base);
	if (tree_grants_add(g->tree, root, level < LEVEL_CRITICAL ? level : LEVEL_HIGH, by_id) <
	    0) {
		tree_grants_free(g->tree);
		free(g);
		return -1;
	}
	g->folder = xstrdup(folder);
	g->next = p->list;
	p->list = g;
	return 0;
}

int path_grants_cover(struct path_grants *p, pid_t pid, const char *path, int level, uint64_t *by)
{
	if (level >= LEVEL_CRITICAL)
		return 0;
	for (struct path_grant *g = p->list; g; g = g->next)
		if (path_inside(path, g->folder) && tree_grants_cover(g->tree, pid, level, by))
			return 1;
	return 0;
}
