#include "recheck.h"

#include <string.h>

static int same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int same_argv(char *const *a, char *const *b)
{
	size_t i = 0;

	if (a == NULL || b == NULL)
		return a == b;
	for (; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return a[i] == NULL && b[i] == NULL;
}

static int same_env(const struct exec_request *was, const struct exec_request *now)
{
	for (int k = 0; k < ENV_COUNT; k++)
		if (!same_str(was->env[k], now->env[k]))
			return 0;
	return 1;
}

/* The file named, by content (a script's whole text), and what the kernel
 * will load for it (the interpreter, the loader). */
static int same_file(const struct program *was, const struct program *now)
{
	return memcmp(was->id.sha256, now->id.sha256, sizeof(was->id.sha256)) == 0 &&
	       was->id.dev == now->id.dev && was->id.ino == now->id.ino &&
	       was->exe_dev == now->exe_dev && was->exe_ino == now->exe_ino &&
	       was->script == now->script && strcmp(was->real, now->real) == 0;
}

/* The text it runs besides the program (a script, an interpreter's file,
 * a Makefile): the same file, with the same whole content. */
static int same_text(const struct program *was, const struct program *now)
{
	return strcmp(was->script_path, now->script_path) == 0 &&
	       was->script_size == now->script_size &&
	       was->script_unreadable == now->script_unreadable &&
	       memcmp(was->script_sha256, now->script_sha256, sizeof(was->script_sha256)) == 0;
}

const char *exec_changed(const struct exec_request *was, const struct program *was_prog,
			 const struct exec_request *now, const struct program *now_prog)
{
	if (strcmp(was->path, now->path) != 0 || was->execveat != now->execveat ||
	    was->empty_path != now->empty_path)
		return "the path it runs";
	if (strcmp(was->cwd, now->cwd) != 0)
		return "its working directory";
	if (!same_argv(was->argv, now->argv) || was->argv_truncated != now->argv_truncated)
		return "its arguments";
	if (!same_env(was, now))
		return "its environment";
	if (!same_file(was_prog, now_prog))
		return was_prog->script ? "the script's text" : "the program file";
	if (!same_text(was_prog, now_prog))
		return "the file it reads (its text)";
	if (!same_argv(was_prog->argv, now_prog->argv) ||
	    strcmp(was_prog->preload, now_prog->preload) != 0 ||
	    strcmp(was_prog->name, now_prog->name) != 0)
		return "what it runs";
	return NULL;
}
