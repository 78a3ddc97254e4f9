#include "session-tree.h"
#include "procmem.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deeper chains than this are not real (a loop, or a chain being rebuilt). */
#define MAX_DEPTH 4096
#define STAT_MAX 1024

/* The parent and process group of pid from /proc/PID/stat: "pid (comm)
 * state ppid pgrp ..."; comm may hold anything, so parse after its last ')'. */
static int read_stat(pid_t pid, pid_t *ppid, pid_t *pgrp)
{
	char buf[STAT_MAX], *at;
	int parent, group;

	if (procfs_read(pid, "stat", buf, sizeof(buf)) < 0)
		return -1;
	at = strrchr(buf, ')');
	if (at == NULL || sscanf(at + 1, " %*c %d %d", &parent, &group) != 2)
		return -1;
	*ppid = parent;
	*pgrp = group;
	return 0;
}

enum tree_answer session_tree_has(pid_t first, pid_t pid)
{
	pid_t p = pid, parent, group;

	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		if (p == first)
			return TREE_INSIDE;
		if (p <= 1)
			return TREE_OUTSIDE;
		if (read_stat(p, &parent, &group) < 0)
			return p == pid ? TREE_GONE : TREE_OUTSIDE;
		p = parent;
	}
	return TREE_OUTSIDE;
}

pid_t session_tree_group_of(pid_t pid)
{
	pid_t parent, group;

	return read_stat(pid, &parent, &group) < 0 ? -1 : group;
}

static int numeric(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!isdigit((unsigned char)*c))
			return 0;
	return name[0] != '\0';
}

enum tree_answer session_tree_has_group(pid_t first, pid_t pgid)
{
	enum tree_answer answer = TREE_GONE;
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return TREE_OUTSIDE;
	while (answer != TREE_OUTSIDE && (e = readdir(d)) != NULL) {
		pid_t pid, parent, group;
		if (!numeric(e->d_name))
			continue;
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		if (read_stat(pid, &parent, &group) < 0 || group != pgid)
			continue;
		answer = session_tree_has(first, pid) == TREE_OUTSIDE ? TREE_OUTSIDE : TREE_INSIDE;
	}
	closedir(d);
	return answer;
}
