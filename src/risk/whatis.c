#include "whatis.h"

#include "util/xmalloc.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct entry {
	char *name, *summary;
	struct entry *next;
};

#define CACHE_MAX 1024

static struct entry *cache;
static size_t cached;

/* Only plain program names are looked up: nothing the operator typed reaches
 * whatis as an option or a pattern. */
static int plain_name(const char *name)
{
	if (name[0] == '\0' || name[0] == '-' || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("._+-", *p))
			return 0;
	return 1;
}

static void run_whatis(const char *name, char *out, size_t size)
{
	char *const argv[] = {"whatis", "-l", "--", (char *)name, NULL};
	char buf[1024];
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	char *dash, *nl;

	out[0] = '\0';
	if (pipe(pipefd) < 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	if (posix_spawnp(&pid, "whatis", &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	while (pid > 0 && got < sizeof(buf) - 1 &&
	       (n = read(pipefd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	buf[got] = '\0';
	/* "ls (1)               - list directory contents" */
	dash = strstr(buf, " - ");
	if (dash == NULL)
		return;
	nl = strchr(dash, '\n');
	if (nl)
		*nl = '\0';
	snprintf(out, size, "%s", dash + 3);
}

void whatis_lookup(const char *name, char *out, size_t size)
{
	struct entry *e;

	out[0] = '\0';
	/* ESCORT_NO_WHATIS: for fuzzing and benchmarks, where spawning is the cost. */
	if (!plain_name(name) || getenv("ESCORT_NO_WHATIS") != NULL)
		return;
	for (e = cache; e; e = e->next)
		if (strcmp(e->name, name) == 0) {
			snprintf(out, size, "%s", e->summary);
			return;
		}
	run_whatis(name, out, size);
	if (cached >= CACHE_MAX)
		return;
	e = xmalloc(sizeof(*e));
	e->name = xstrdup(name);
	e->summary = xstrdup(out);
	e->next = cache;
	cache = e;
	cached++;
}
