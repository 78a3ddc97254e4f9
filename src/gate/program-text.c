#include "program-text.h"

#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An interpreter that runs its first operand as a program file, unless an
 * option gives it the code instead (that code is in argv: already shown). */
struct interpreter {
	const char *pattern;		/* its name (fnmatch) */
	const char *code_letters;	/* single-dash options that give code: no file */
	const char *const *long_code;	/* long options that give code */
	const char *const *takes_value; /* options whose value is the next argument */
};

static const char *const shell_values[] = {"-o", "+o", "-O", "+O", "--rcfile", "--init-file", NULL};
static const char *const python_values[] = {"-W", "-X", "-Q", NULL};
static const char *const perl_values[] = {"-I", "-M", "-m", NULL};
static const char *const ruby_values[] = {"-I", "-r", "-C", "-E", NULL};
static const char *const node_code[] = {"--eval", "--print", NULL};
static const char *const node_values[] = {"-r", "--require", NULL};
static const char *const none[] = {NULL};

static const struct interpreter interpreters[] = {
    {"sh", "cs", none, shell_values},
    {"bash", "cs", none, shell_values},
    {"rbash", "cs", none, shell_values},
    {"dash", "cs", none, shell_values},
    {"zsh", "cs", none, shell_values},
    {"ksh*", "cs", none, shell_values},
    {"mksh", "cs", none, shell_values},
    {"ash", "cs", none, shell_values},
    {"python*", "cm", none, python_values},
    {"pypy*", "cm", none, python_values},
    {"perl*", "eE", none, perl_values},
    {"ruby*", "e", none, ruby_values},
    {"node", "ep", node_code, node_values},
    {"nodejs", "ep", node_code, node_values},
    {"php*", "r", none, none},
    {"lua*", "e", none, none},
    {"tclsh*", "", none, none},
    {"Rscript", "e", none, none},
};

static int listed(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static const struct interpreter *interpreter_named(const char *name)
{
	for (size_t i = 0; i < sizeof(interpreters) / sizeof(interpreters[0]); i++)
		if (fnmatch(interpreters[i].pattern, name, 0) == 0)
			return &interpreters[i];
	return NULL;
}

/* "-xc": a cluster of single-letter options, one of which gives code. */
static int gives_code(const struct interpreter *in, const char *opt)
{
	if (listed(opt, in->long_code))
		return 1;
	if (opt[0] != '-' || opt[1] == '-')
		return 0;
	for (const char *c = opt + 1; *c; c++)
		if (strchr(in->code_letters, *c))
			return 1;
	return 0;
}

/* The file the interpreter will run, or NULL (code given inline, stdin). */
static const char *file_operand(const struct interpreter *in, char *const *argv)
{
	for (size_t i = 1; argv[i]; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return argv[i + 1];
		if (a[0] != '-' && a[0] != '+')
			return a;
		if (strcmp(a, "-") == 0 || gives_code(in, a))
			return NULL;
		if (listed(a, in->takes_value) && argv[i + 1])
			i++;
	}
	return NULL;
}

/* make's -f FILE (-fFILE, --file=FILE, --makefile=FILE) and -C DIR. */
static int make_option(char *const *argv, size_t *i, const char *shrt, const char *lng,
		       const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if (strcmp(a, shrt) == 0 || strcmp(a, lng) == 0) {
		if (argv[*i + 1] == NULL)
			return 0;
		*value = argv[++*i];
		return 1;
	}
	if (strncmp(a, shrt, 2) == 0 && a[1] != '-' && a[2]) {
		*value = a + 2;
		return 1;
	}
	if (strncmp(a, lng, n) == 0 && a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	return 0;
}

static void make_args(char *const *argv, const char **file, const char **dir)
{
	for (size_t i = 1; argv[i] && strcmp(argv[i], "--") != 0; i++) {
		const char *v;
		if ((make_option(argv, &i, "-f", "--file", &v) ||
		     make_option(argv, &i, "-f", "--makefile", &v)) &&
		    *file == NULL)
			*file = v;
		else if (make_option(argv, &i, "-C", "--directory", &v))
			*dir = v;
	}
}

/* The file seen from the process: through its root or its working directory. */
static int process_path(pid_t pid, const char *dir, const char *file, char *out, size_t size)
{
	int n;

	if (file[0] == '/')
		n = snprintf(out, size, "/proc/%d/root%s", (int)pid, file);
	else if (dir == NULL)
		n = snprintf(out, size, "/proc/%d/cwd/%s", (int)pid, file);
	else if (dir[0] == '/')
		n = snprintf(out, size, "/proc/%d/root%s/%s", (int)pid, dir, file);
	else
		n = snprintf(out, size, "/proc/%d/cwd/%s/%s", (int)pid, dir, file);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* The Makefile make will read: -f's, or the first of GNU make's names. */
static int make_target(pid_t pid, char *const *argv, char *out, size_t size)
{
	static const char *const names[] = {"GNUmakefile", "makefile", "Makefile", NULL};
	const char *file = NULL, *dir = NULL;

	make_args(argv, &file, &dir);
	if (file)
		return strcmp(file, "-") == 0 ? -1 : process_path(pid, dir, file, out, size);
	for (size_t i = 0; names[i]; i++)
		if (process_path(pid, dir, names[i], out, size) == 0 && access(out, F_OK) == 0)
			return 0;
	return -1;
}

/* Whether the process may read what the gate may not: it runs as another
 * account (sudo). Otherwise a file the gate cannot read fails it too. */
static int more_privileged(pid_t pid)
{
	char status[2048], *at;
	unsigned ruid, euid;

	if (procfs_read(pid, "status", status, sizeof(status)) < 0 ||
	    (at = strstr(status, "\nUid:")) == NULL || sscanf(at + 5, "%u %u", &ruid, &euid) != 2)
		return 1;
	return euid != (unsigned)geteuid();
}

/* The first bytes of a file as a string (up to a NUL byte), or NULL. */
static char *read_head(const char *path, size_t max)
{
	char *text = xmalloc(max + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = fd < 0 ? -1 : read(fd, text, max);

	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

void program_text_of(struct program *p, const char *target, const char *real,
		     const struct identity *id)
{
	free(p->script_text);
	p->script_text = read_head(target, SCRIPT_SHOWN);
	snprintf(p->script_path, sizeof(p->script_path), "%s", real);
	p->script_size = (uint64_t)id->size;
	memcpy(p->script_sha256, id->sha256, sizeof(p->script_sha256));
	p->script_cut = p->script_size > SCRIPT_SHOWN;
}

void program_text_find(struct identity_cache *ids, struct identity_index *idx,
		       const struct exec_request *req, struct program *p)
{
	const struct interpreter *in = interpreter_named(p->name);
	char target[PATH_MAX + 64], real[PATH_MAX];
	const char *file = NULL;
	struct identity id;
	struct error err;
	int found;

	if (p->script || p->argv == NULL || p->argv[0] == NULL)
		return;
	if (strcmp(p->name, "make") == 0 || strcmp(p->name, "gmake") == 0)
		found = make_target(req->pid, p->argv, target, sizeof(target)) == 0;
	else
		found = in && (file = file_operand(in, p->argv)) != NULL &&
			process_path(req->pid, NULL, file, target, sizeof(target)) == 0;
	if (!found)
		return;
	if (identity_cache_get(ids, idx, target, &id, NULL, &err) < 0) {
		/* A file that is not there fails the program itself; one the gate
		 * may not read is shown as such. */
		p->script_unreadable =
		    (access(target, F_OK) == 0 || errno == EACCES) && more_privileged(req->pid);
		if (p->script_unreadable)
			snprintf(p->script_path, sizeof(p->script_path), "%.4000s",
				 file ? file : target);
		return;
	}
	if (realpath(target, real) == NULL)
		snprintf(real, sizeof(real), "%.4000s", file ? file : target);
	program_text_of(p, target, real, &id);
	p->script_rated = 1;
}
