#include "session-pipes.h"

#include "session-tree.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int numeric(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!isdigit((unsigned char)*c))
			return 0;
	return name[0] != '\0';
}

/* Whether pid has a descriptor of st. */
static int holds(pid_t pid, const struct stat *st)
{
	char path[64];
	struct dirent *e;
	struct stat s;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL)
		found = numeric(e->d_name) && fstatat(dirfd(d), e->d_name, &s, 0) == 0 &&
			s.st_dev == st->st_dev && s.st_ino == st->st_ino;
	closedir(d);
	return found;
}

int session_pipe_held(pid_t first, pid_t caller, const struct stat *st)
{
	DIR *d;
	struct dirent *e;
	int found;

	if (holds(caller, st))
		return 1;
	if ((d = opendir("/proc")) == NULL)
		return 0;
	found = 0;
	while (!found && (e = readdir(d)) != NULL) {
		pid_t pid;
		if (!numeric(e->d_name))
			continue;
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		found = holds(pid, st) && session_tree_has(first, pid) == TREE_INSIDE;
	}
	closedir(d);
	return found;
}
