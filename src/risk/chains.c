#include "chains.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <string.h>

static int named(const struct real_command *c, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(c->name, *names) == 0)
			return 1;
	return 0;
}

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static void add_chain(struct analysis *a, const char *kind)
{
	struct real_command *c;

	a->cmds = grow_array(a->cmds, a->n, sizeof(*a->cmds));
	c = &a->cmds[a->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(CHAIN_COMMAND);
	c->path = xstrdup(CHAIN_COMMAND);
	strlist_add(&c->args, kind);
	strlist_add(&c->operands, kind);
}

/* Whether command c runs the file path names: as the program, or as the
 * script of an interpreter. */
static int runs_file(const struct real_command *c, const char *path)
{
	static const char *const interpreters[] = {"sh",   "bash",   "dash",	"zsh",
						   "ksh",  "python", "python3", "perl",
						   "ruby", "php",    "node",	NULL};
	const char *b = base(path);

	if (b[0] == '\0' || strcmp(b, "-") == 0 || strcmp(b, "/dev/null") == 0)
		return 0;
	if (strchr(c->path, '/') != NULL && strcmp(base(c->path), b) == 0)
		return 1;
	return named(c, interpreters) && c->operands.n > 0 &&
	       strcmp(base(c->operands.items[0]), b) == 0;
}

/* What a downloader saves: its -o/-O file or redirection, else (wget) the
 * last part of the address. */
static const char *saved_file(const struct real_command *c)
{
	if (c->writes.n > 0)
		return c->writes.items[c->writes.n - 1];
	if (strcmp(c->name, "wget") == 0 && c->operands.n > 0)
		return c->operands.items[c->operands.n - 1];
	return NULL;
}

static int download_then_run(const struct analysis *a)
{
	static const char *const downloaders[] = {"curl", "wget", "fetch",	  "aria2c",
						  "tftp", "ftp",  "lwp-download", NULL};

	for (size_t i = 0; i < a->n; i++) {
		const char *file = named(&a->cmds[i], downloaders) ? saved_file(&a->cmds[i]) : NULL;
		for (size_t k = i + 1; file && k < a->n; k++)
			if (runs_file(&a->cmds[k], file))
				return 1;
	}
	return 0;
}

static int any_named(const struct analysis *a, const char *const *names)
{
	for (size_t i = 0; i < a->n; i++)
		if (named(&a->cmds[i], names))
			return 1;
	return 0;
}

static int pipe_shell(const struct analysis *a)
{
	static const char *const fifo[] = {"mkfifo", "mknod", NULL};
	static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "ash", NULL};
	static const char *const network[] = {"nc",	 "ncat",  "netcat",	    "telnet",
					      "openssl", "socat", "nc.traditional", "nc.openbsd",
					      "curl",	 NULL};

	return any_named(a, fifo) && any_named(a, shells) && any_named(a, network);
}

/* NAME() { NAME | NAME & }: a function piping into a copy of itself. */
static int fork_bomb(const struct analysis *a, const char *line, size_t len)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct real_command *c = &a->cmds[i];
		char def[160];
		if (c->piped_to == NULL || strcmp(c->name, c->piped_to) != 0)
			continue;
		snprintf(def, sizeof(def), "%s()", c->name);
		if (memmem(line, len, def, strlen(def)) != NULL)
			return 1;
		snprintf(def, sizeof(def), "function %s", c->name);
		if (memmem(line, len, def, strlen(def)) != NULL)
			return 1;
	}
	return 0;
}

void chains_find(struct analysis *a, const char *line, size_t len)
{
	int download = download_then_run(a), fifo = pipe_shell(a), bomb = fork_bomb(a, line, len);

	if (download)
		add_chain(a, "download-then-run");
	if (fifo)
		add_chain(a, "pipe-shell-to-network");
	if (bomb)
		add_chain(a, "fork-bomb");
	chains_find_sends(a);
}
