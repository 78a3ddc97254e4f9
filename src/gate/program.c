#include "program.h"
#include "program-text.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NESTING 4 /* the kernel's own limit on #! chains */

const char *program_trust_name(enum program_trust t)
{
	static const char *const names[] = {"system", "copy", "unknown", "memory"};

	return names[t];
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The file a path leads to, from the process's point of view. */
struct file {
	char target[PATH_MAX + 64]; /* through /proc/PID/... */
	char given[4096];	    /* as the process wrote it */
	char real[PATH_MAX];
	struct identity id;
	enum program_trust trust;
	char name[256];
};

/* Where a link was called from, resolved: "/bin/sh" is /usr/bin/sh on a
 * merged-/usr system. Empty when the directory cannot be resolved. */
static void link_location(const struct file *f, char *out, size_t size)
{
	char dir[PATH_MAX + 64], real[PATH_MAX];
	char *slash;

	out[0] = '\0';
	/* A file the gate opened itself is named by its descriptor: its
	 * directory is the one of the (absolute) path the process gave. */
	snprintf(dir, sizeof(dir), "%s",
		 strncmp(f->target, "/proc/self/fd/", 14) == 0 ? f->given : f->target);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	if (realpath(dir[0] ? dir : "/", real) == NULL || !identity_path_trusted(real))
		return;
	if (snprintf(out, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base_name(f->given)) >=
	    (int)size)
		out[0] = '\0';
}

/* A link the package manager installed (/usr/bin/sh -> dash, /usr/bin/awk ->
 * /etc/alternatives/awk -> mawk) keeps the name it was called by: the system
 * says that is what it is. Any other link is named by the file it leads to. */
static int called_by_system_link(struct identity_cache *ids, const struct file *f)
{
	char link[PATH_MAX + 256];

	if (f->given[0] == '\0' || strcmp(base_name(f->given), base_name(f->real)) == 0)
		return 0;
	link_location(f, link, sizeof(link));
	return link[0] && package_paths_owns(identity_cache_packages(ids), link);
}

/* The system's own file: this content at this path is in the index of
 * system programs, or the package manager installed this path (and only
 * root can change it). A root-owned directory alone vouches for nothing. */
static int system_file(struct identity_cache *ids, struct identity_index *idx, const struct file *f,
		       int *indexed)
{
	*indexed = identity_index_has(idx, f->id.sha256, f->real);
	return *indexed || (package_paths_owns(identity_cache_packages(ids), f->real) &&
			    identity_path_trusted(f->real));
}

/* The cache's naming is for this resolved file called by this absolute path. */
static int name_cached(struct file *f, const struct identity_naming *n)
{
	if (n == NULL || !n->set || f->given[0] != '/' || strcmp(n->real, f->real) != 0 ||
	    strlen(f->given) >= sizeof(n->given) || strcmp(n->given, f->given) != 0)
		return 0;
	f->trust = (enum program_trust)n->trust;
	memcpy(f->name, n->name, sizeof(f->name));
	return 1;
}

static void remember_name(const struct file *f, struct identity_naming *n)
{
	if (n == NULL || f->given[0] != '/' || strlen(f->given) >= sizeof(n->given))
		return;
	memcpy(n->real, f->real, sizeof(n->real));
	memcpy(n->given, f->given, strlen(f->given) + 1);
	n->trust = (int)f->trust;
	memcpy(n->name, f->name, sizeof(n->name));
	n->set = 1;
}

static void name_by_path(struct identity_cache *ids, struct identity_index *idx, struct file *f)
{
	int indexed;

	if (system_file(ids, idx, f, &indexed)) {
		int keep = called_by_system_link(ids, f);
		f->trust = TRUST_SYSTEM;
		snprintf(f->name, sizeof(f->name), "%.255s",
			 keep ? base_name(f->given) : base_name(f->real));
		if (f->id.known_as[0] && !indexed) {
			/* root's copy of another program, under a new name */
			f->trust = TRUST_COPY;
			snprintf(f->name, sizeof(f->name), "%.255s", base_name(f->id.known_as));
		}
	} else if (f->id.known_as[0]) {
		f->trust = TRUST_COPY;
		snprintf(f->name, sizeof(f->name), "%.255s", base_name(f->id.known_as));
	} else {
		f->trust = TRUST_UNKNOWN;
		snprintf(f->name, sizeof(f->name), "%.255s", base_name(f->real));
	}
}

/* The file's resolved path. The gate's own descriptor already names it. */
static int resolve(struct file *f)
{
	if (strncmp(f->target, "/proc/self/fd/", 14) == 0) {
		ssize_t n = readlink(f->target, f->real, sizeof(f->real) - 1);
		if (n > 0 && f->real[0] == '/') {
			f->real[n] = '\0';
			return 0;
		}
	}
	return realpath(f->target, f->real) != NULL ? 0 : -1;
}

static int examine(struct identity_cache *ids, struct identity_index *idx, struct file *f,
		   struct error *err)
{
	struct identity_naming *naming = NULL;

	if (identity_cache_get(ids, idx, f->target, &f->id, &naming, err) < 0) {
		err->errnum = err->errnum ? err->errnum : EACCES;
		return -1;
	}
	if (!S_ISREG(f->id.mode)) {
		error_set(err, "%s is not a regular file", f->given);
		err->errnum = EACCES;
		return -1;
	}
	if (f->id.nlink == 0) {
		ssize_t n = readlink(f->target, f->real, sizeof(f->real) - 1);
		f->real[n > 0 ? n : 0] = '\0';
		f->trust = TRUST_MEMORY;
		snprintf(f->name, sizeof(f->name), "%.255s", base_name(f->given));
		return 0;
	}
	if (resolve(f) < 0) {
		err->errnum = errno;
		return error_errno(err, "cannot resolve %s", f->given);
	}
	if (name_cached(f, naming))
		return 0;
	name_by_path(ids, idx, f);
	remember_name(f, naming);
	return 0;
}

static int locate_in(struct file *f, pid_t pid, const char *given)
{
	int n = given[0] == '/'
		    ? snprintf(f->target, sizeof(f->target), "/proc/%d/root%s", (int)pid, given)
		    : snprintf(f->target, sizeof(f->target), "/proc/%d/cwd/%s", (int)pid, given);
	snprintf(f->given, sizeof(f->given), "%s", given);
	return n > 0 && (size_t)n < sizeof(f->target) ? 0 : -1;
}

static char **argv_from(const char *const *head, size_t nhead, char *const *tail)
{
	size_t ntail = 0, k = 0;
	char **argv;

	while (tail && tail[ntail])
		ntail++;
	argv = xcalloc(nhead + ntail + 1, sizeof(char *));
	for (size_t i = 0; i < nhead; i++)
		argv[k++] = xstrdup(head[i]);
	for (size_t i = 0; i < ntail; i++)
		argv[k++] = xstrdup(tail[i]);
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void set_result(struct program *p, const struct file *f)
{
	p->id = f->id;
	snprintf(p->real, sizeof(p->real), "%s", f->real);
	p->trust = f->trust;
	snprintf(p->name, sizeof(p->name), "%.255s", f->name);
	p->exe_dev = f->id.dev;
	p->exe_ino = f->id.ino;
}

static void describe(struct program *p, const struct file *f, const char *how)
{
	char hex[SHA256_LEN * 2 + 1];
	size_t used = strlen(p->note);

	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", f->id.sha256[i]);
	switch (f->trust) {
	case TRUST_SYSTEM:
		snprintf(p->note + used, sizeof(p->note) - used, "%s%s", how, f->real);
		break;
	case TRUST_COPY:
		snprintf(p->note + used, sizeof(p->note) - used,
			 "%s%s, a copy of the system program %s", how, f->real, f->id.known_as);
		break;
	case TRUST_UNKNOWN:
		snprintf(p->note + used, sizeof(p->note) - used,
			 "%s%s, a program that is not one of this system's (SHA-256 %.16s...)", how,
			 f->real, hex);
		break;
	case TRUST_MEMORY:
		snprintf(p->note + used, sizeof(p->note) - used,
			 "%scode that exists only in memory or was deleted (%s)", how, f->real);
		break;
	}
}

/* busybox does what argv[0] names (or argv[1] after "busybox"). */
static int is_multicall(const struct file *f)
{
	return strcmp(f->name, "busybox") == 0 ||
	       (f->id.known_as[0] && strcmp(base_name(f->id.known_as), "busybox") == 0);
}

static int is_loader(const struct file *f)
{
	return f->trust <= TRUST_COPY &&
	       (fnmatch("ld-linux*.so*", f->name, 0) == 0 || fnmatch("ld-*.so*", f->name, 0) == 0 ||
		strcmp(f->name, "ld.so") == 0);
}

static void rate_multicall(struct program *p, const struct file *f, char *const *argv)
{
	const char *applet = argv[0] ? base_name(argv[0]) : "busybox";
	char *const *rest = argv[0] ? argv + 1 : argv;

	if (strcmp(applet, "busybox") == 0 && rest[0]) {
		applet = base_name(rest[0]);
		rest++;
	}
	set_result(p, f);
	snprintf(p->name, sizeof(p->name), "%.255s", applet);
	p->argv = argv_from(&applet, 1, rest);
	describe(p, f, "the busybox applet ");
	snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note), " (as %s)", applet);
}

static int identify_at(struct identity_cache *ids, struct identity_index *idx, pid_t pid,
		       struct file *f, char *const *argv, struct program *p, int depth,
		       struct error *err);

/* ld.so [OPTIONS] PROGRAM [ARGS]: what runs is PROGRAM. */
static int rate_loader(struct identity_cache *ids, struct identity_index *idx, pid_t pid,
		       struct program *p, const struct file *f, char *const *argv, int depth,
		       struct error *err)
{
	static const char *const with_value[] = {
	    "--library-path",	     "--inhibit-rpath",	    "--audit", "--preload", "--argv0",
	    "--glibc-hwcaps-prefix", "--glibc-hwcaps-mask", NULL};
	size_t i = argv[0] ? 1 : 0;
	struct file loaded = {0};

	while (argv[i] && argv[i][0] == '-') {
		int takes = 0;
		for (size_t k = 0; with_value[k]; k++)
			takes |= strcmp(argv[i], with_value[k]) == 0;
		if ((strcmp(argv[i], "--preload") == 0 || strcmp(argv[i], "--audit") == 0) &&
		    argv[i + 1])
			snprintf(p->preload, sizeof(p->preload), "%s", argv[i + 1]);
		i += takes && argv[i + 1] ? 2 : 1;
	}
	if (argv[i] == NULL) { /* ld.so --help, --list without a program */
		set_result(p, f);
		p->argv = argv_from(NULL, 0, argv);
		describe(p, f, "");
		return 0;
	}
	if (locate_in(&loaded, pid, argv[i]) < 0)
		return error_set(err, "the program given to the loader is too long");
	describe(p, f, "the dynamic loader ");
	snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note), " loading ");
	if (identify_at(ids, idx, pid, &loaded, argv + i, p, depth + 1, err) < 0)
		return -1;
	p->exe_dev = f->id.dev; /* the kernel runs the loader itself */
	p->exe_ino = f->id.ino;
	return 0;
}

/* "#!/bin/sh -e": the kernel runs the interpreter with its one optional
 * argument, then the script's path, then the arguments after argv[0]. */
static int rate_script(struct identity_cache *ids, struct identity_index *idx, pid_t pid,
		       struct program *p, const struct file *f, char *const *argv, int depth,
		       struct error *err)
{
	char line[sizeof(f->id.interpreter)], *interp, *arg;
	struct file in = {0};
	const char *head[3];
	size_t nhead = 0;

	snprintf(line, sizeof(line), "%s", f->id.interpreter);
	interp = line + strspn(line, " \t");
	arg = interp + strcspn(interp, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
		arg[strcspn(arg, "\r")] = '\0';
	}
	if (*interp == '\0' || locate_in(&in, pid, interp) < 0) {
		error_set(err, "%s has an empty #! line", f->given);
		err->errnum = ENOEXEC;
		return -1;
	}
	if (examine(ids, idx, &in, err) < 0)
		return -1;
	if (in.id.kind == FILE_SCRIPT && depth + 1 >= MAX_NESTING) {
		error_set(err, "%s: too many nested interpreters", f->given);
		err->errnum = ELOOP;
		return -1;
	}
	describe(p, f, "the script ");
	snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note), " run by ");
	head[nhead++] = in.given;
	if (*arg)
		head[nhead++] = arg;
	head[nhead++] = f->real;
	{
		char **script_argv = argv_from(head, nhead, argv[0] ? argv + 1 : argv);
		struct program sub = {0};
		int rc = identify_at(ids, idx, pid, &in, script_argv, &sub, depth + 1, err);
		free_argv(script_argv);
		if (rc < 0)
			return -1;
		snprintf(p->note + strlen(p->note), sizeof(p->note) - strlen(p->note), "%s",
			 sub.note);
		p->argv = sub.argv;
		snprintf(p->name, sizeof(p->name), "%.255s", sub.name);
		p->trust = sub.trust;
		p->script_rated = 1;
		if (f->trust <= TRUST_COPY && sub.trust <= TRUST_COPY) {
			/* A script the system installed (which, ldd, lesspipe) is one of
			 * its programs: rated by its name like any other, not by every
			 * branch of its code. The operator's own scripts are read. */
			const char *name = f->name;
			free_argv(p->argv);
			p->argv = argv_from(&name, 1, argv[0] ? argv + 1 : argv);
			snprintf(p->name, sizeof(p->name), "%.255s", f->name);
			p->trust = f->trust;
			p->script_rated = 0;
		}
		p->exe_dev = sub.exe_dev;
		p->exe_ino = sub.exe_ino;
		snprintf(p->preload, sizeof(p->preload), "%s", sub.preload);
		free(sub.script_text); /* a nested script's: this one's text is shown */
	}
	p->id = f->id;
	snprintf(p->real, sizeof(p->real), "%s", f->real);
	p->script = 1;
	program_text_of(p, f->target, f->real, &f->id);
	return 0;
}

static int identify_at(struct identity_cache *ids, struct identity_index *idx, pid_t pid,
		       struct file *f, char *const *argv, struct program *p, int depth,
		       struct error *err)
{
	if (examine(ids, idx, f, err) < 0)
		return -1;
	if (f->id.kind == FILE_SCRIPT && f->trust != TRUST_MEMORY)
		return rate_script(ids, idx, pid, p, f, argv, depth, err);
	if (is_multicall(f) && f->trust <= TRUST_COPY) {
		rate_multicall(p, f, argv);
		return 0;
	}
	if (is_loader(f) && depth < MAX_NESTING)
		return rate_loader(ids, idx, pid, p, f, argv, depth, err);
	set_result(p, f);
	{
		const char *name = f->name;
		p->argv = argv_from(&name, 1, argv[0] ? argv + 1 : argv);
	}
	describe(p, f, "");
	return 0;
}

int program_identify(struct identity_cache *ids, struct identity_index *idx,
		     const struct exec_request *req, struct program *out, struct error *err)
{
	struct file f = {0};

	memset(out, 0, sizeof(*out));
	err->errnum = 0;
	snprintf(f.target, sizeof(f.target), "%s", req->target);
	snprintf(f.given, sizeof(f.given), "%s", req->path);
	if (identify_at(ids, idx, req->pid, &f, req->argv, out, 0, err) < 0) {
		program_free(out);
		return -1;
	}
	program_text_find(ids, idx, req, out);
	return 0;
}

void program_free(struct program *p)
{
	free(p->script_text);
	p->script_text = NULL;
	free_argv(p->argv);
	p->argv = NULL;
}
