#include "session-terminals.h"

#include "session-tree.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PTS_MAJOR_FIRST 136 /* UNIX98_PTY_SLAVE_MAJOR */
#define PTS_MAJORS 8	    /* UNIX98_PTY_MAJOR_COUNT */

int session_terminal_index(const struct stat *st)
{
	unsigned ma = major(st->st_rdev);

	if (!S_ISCHR(st->st_mode) || ma < PTS_MAJOR_FIRST || ma >= PTS_MAJOR_FIRST + PTS_MAJORS)
		return -1;
	return (int)((ma - PTS_MAJOR_FIRST) * 256 + minor(st->st_rdev));
}

static int numeric(const char *name)
{
	for (const char *c = name; *c; c++)
		if (!isdigit((unsigned char)*c))
			return 0;
	return name[0] != '\0';
}

/* fdinfo of a /dev/ptmx descriptor: "tty-index:\tN". */
static int master_index(int fdinfo_dir, const char *fd)
{
	char buf[512], *at;
	ssize_t n;
	int f = openat(fdinfo_dir, fd, O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	at = strstr(buf, "\ntty-index:");
	return at ? atoi(at + strlen("\ntty-index:")) : -1;
}

static int is_master(int fd_dir, const char *fd)
{
	char link[64];
	ssize_t n = readlinkat(fd_dir, fd, link, sizeof(link) - 1);

	if (n <= 0)
		return 0;
	link[n] = '\0';
	return strcmp(link, "/dev/ptmx") == 0 || strcmp(link, "/dev/pts/ptmx") == 0;
}

/* Whether pid holds the master of terminal index. */
static int holds_master(pid_t pid, int index)
{
	char path[64];
	int fds, infos, found = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((fds = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	infos = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (infos >= 0) {
		int copy = dup(fds);
		d = copy < 0 ? NULL : fdopendir(copy);
		if (d == NULL && copy >= 0)
			close(copy);
	} else {
		d = NULL;
	}
	while (d && !found && (e = readdir(d)) != NULL)
		found = numeric(e->d_name) && is_master(fds, e->d_name) &&
			master_index(infos, e->d_name) == index;
	if (d)
		closedir(d);
	if (infos >= 0)
		close(infos);
	close(fds);
	return found;
}

int session_terminal_created(pid_t first, int index)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		pid_t pid;
		if (!numeric(e->d_name))
			continue;
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		found = holds_master(pid, index) && session_tree_has(first, pid) == TREE_INSIDE;
	}
	closedir(d);
	return found;
}
