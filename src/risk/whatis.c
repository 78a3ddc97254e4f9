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
	char buf[4096];
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

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
	whatis_pick(buf, name, out, size);
}

/* One line of whatis: "git (1)              - the stupid content tracker".
 * Returns the summary when it is name's page in section 1 or 8. */
static const char *page_summary(char *line, const char *name)
{
	size_t len = strlen(name);
	char *dash = strstr(line, " - ");
	const char *sec;

	if (dash == NULL || strncmp(line, name, len) != 0 || strncmp(line + len, " (", 2) != 0)
		return NULL;
	sec = line + len + 2;
	if (*sec != '1' && *sec != '8')
		return NULL;
	return dash + 3;
}

void whatis_pick(const char *output, const char *name, char *out, size_t size)
{
	char *copy = xstrdup(output), *save = NULL;

	out[0] = '\0';
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *summary = page_summary(line, name);
		if (summary) {
			snprintf(out, size, "%s", summary);
			break;
		}
	}
	free(copy);
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
