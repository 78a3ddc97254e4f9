#include "own-files.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ESCORT_KEYDIR
#define ESCORT_KEYDIR "/etc/escort"
#endif
#ifndef ESCORT_LOGDIR
#define ESCORT_LOGDIR "/var/log/escort"
#endif
#ifndef ESCORT_RULESDIR
#define ESCORT_RULESDIR "/usr/local/share/escort/rules"
#endif
#ifndef ESCORT_INDEX_PATH
#define ESCORT_INDEX_PATH "/var/lib/escort/programs.index"
#endif
#define ESCORT_STATEDIR "/var/lib/escort" /* escortd --state's default */
#define ESCORT_RUNDIR "/run/escort"	  /* escortd's socket, by default */

void own_files_free(struct own_files *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->paths[i].path);
	free(o->paths);
	memset(o, 0, sizeof(*o));
}

/* The longest existing ancestor resolved, the rest appended as written
 * (without "." or ".." parts, which are refused). */
static int resolve(const char *path, char *out, size_t size)
{
	char abs[PATH_MAX], head[PATH_MAX];
	char *cut;

	if (path[0] == '/')
		snprintf(abs, sizeof(abs), "%s", path);
	else if (getcwd(head, sizeof(head)) == NULL ||
		 snprintf(abs, sizeof(abs), "%s/%s", head, path) >= (int)sizeof(abs))
		return -1;
	if (realpath(abs, out) != NULL)
		return 0;
	cut = strrchr(abs, '/');
	if (cut == NULL || strcmp(cut, "/.") == 0 || strcmp(cut, "/..") == 0)
		return -1;
	*cut = '\0';
	if (resolve(abs[0] ? abs : "/", head, sizeof(head)) < 0)
		return -1;
	return snprintf(out, size, "%s/%s", strcmp(head, "/") == 0 ? "" : head, cut + 1) < (int)size
		   ? 0
		   : -1;
}

int own_files_add(struct own_files *o, const char *path, enum own_kind kind)
{
	char real[PATH_MAX];

	if (path == NULL || path[0] == '\0')
		return 0;
	if (resolve(path, real, sizeof(real)) < 0 || strcmp(real, "/") == 0)
		return -1; /* "/" would be everything */
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->paths[i].path, real) == 0 && o->paths[i].kind == kind)
			return 0;
	o->paths = grow_array_cap(o->paths, &o->cap, o->n, sizeof(*o->paths));
	o->paths[o->n++] = (struct own_path){xstrdup(real), kind};
	return 0;
}

void own_files_add_defaults(struct own_files *o)
{
	own_files_add(o, ESCORT_KEYDIR, OWN_TREE);
	own_files_add(o, ESCORT_STATEDIR, OWN_TREE);
	own_files_add(o, ESCORT_RUNDIR, OWN_TREE);
	own_files_add(o, ESCORT_LOGDIR, OWN_TREE);
	own_files_add(o, ESCORT_RULESDIR, OWN_TREE);
	own_files_add(o, ESCORT_INDEX_PATH, OWN_FILE);
}

/* ".3" after a log's name: one of its later segments. */
static int segment_suffix(const char *s)
{
	if (*s++ != '.' || *s == '\0')
		return 0;
	return strspn(s, "0123456789") == strlen(s);
}

static int covers(const struct own_path *p, const char *path)
{
	size_t len = strlen(p->path);

	if (strncmp(path, p->path, len) != 0)
		return 0;
	switch (p->kind) {
	case OWN_TREE:
		return path[len] == '\0' || path[len] == '/';
	case OWN_LOG:
		return path[len] == '\0' || segment_suffix(path + len);
	default:
		return path[len] == '\0';
	}
}

int own_files_within(const struct own_files *o, const char *resolved_path)
{
	size_t len = strlen(resolved_path);

	if (len > 0 && resolved_path[len - 1] == '/') /* "/": everything */
		return o->n > 0;
	for (size_t i = 0; i < o->n; i++)
		if (strncmp(o->paths[i].path, resolved_path, len) == 0 &&
		    o->paths[i].path[len] == '/')
			return 1;
	return 0;
}

int own_files_contains(const struct own_files *o, const char *resolved_path)
{
	for (size_t i = 0; i < o->n; i++)
		if (covers(&o->paths[i], resolved_path))
			return 1;
	return 0;
}
