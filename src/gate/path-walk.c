#include "path-walk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WALK_MAX_LINKS 40 /* the kernel's limit */
#define PROC_MAGIC 0x9fa0

struct walk {
	int root, cur;
	int cur_owned;		 /* cur is the walk's (else the caller's start, borrowed) */
	char rest[2 * PATH_MAX]; /* what is still to resolve */
	size_t at;
	int links;
	pid_t self, tid;
	int not_gate_own; /* walk_start's: the gate's own /proc links refused */
	struct walked *w;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void walked_close(struct walked *w)
{
	if (w->dir_borrowed)
		w->dir = -1;
	else
		close_fd(&w->dir);
	w->dir_borrowed = 0;
	close_fd(&w->object);
}

static void clear(struct walked *w)
{
	memset(w, 0, sizeof(*w));
	w->dir = w->object = -1;
}

static int same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int on_proc(int fd)
{
	struct statfs s;

	return fstatfs(fd, &s) == 0 && s.f_type == PROC_MAGIC;
}

/* Takes the next component of rest into name; 0 when none is left. */
static int next_component(struct walk *k, char *name, int *last, int *slash)
{
	size_t n;

	while (k->rest[k->at] == '/')
		k->at++;
	if (k->rest[k->at] == '\0')
		return 0;
	n = strcspn(k->rest + k->at, "/");
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, k->rest + k->at, n);
	name[n] = '\0';
	k->at += n;
	*slash = k->rest[k->at] == '/';
	*last = k->rest[k->at + strspn(k->rest + k->at, "/")] == '\0';
	return 1;
}

/* rest becomes text followed by what was still to resolve. */
static int path_splice(struct walk *k, const char *text, size_t len)
{
	size_t left = strlen(k->rest + k->at);
	char tail[2 * PATH_MAX];

	if (len + 1 + left + 1 > sizeof(k->rest))
		return -ENAMETOOLONG;
	memcpy(tail, k->rest + k->at, left + 1);
	memcpy(k->rest, text, len);
	k->rest[len] = left ? '/' : '\0';
	memcpy(k->rest + len + (left ? 1 : 0), tail, left + 1);
	k->at = 0;
	return 0;
}

static int path_append(struct walked *w, const char *name)
{
	size_t n = strlen(w->path);

	if (n + (n > 1) + strlen(name) + 1 > sizeof(w->path))
		return -ENAMETOOLONG;
	if (n > 1)
		w->path[n++] = '/';
	memcpy(w->path + n, name, strlen(name) + 1);
	return 0;
}

static void path_up(struct walked *w)
{
	char *slash = strrchr(w->path, '/');

	if (slash == w->path)
		w->path[1] = '\0';
	else if (slash)
		*slash = '\0';
}

static int enter(struct walk *k, int fd)
{
	if (k->cur_owned)
		close(k->cur);
	k->cur = fd;
	k->cur_owned = 1;
	return 0;
}

static int go_up(struct walk *k)
{
	int fd;

	if (same_file(k->cur, k->root))
		return 0;
	fd = openat(k->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	path_up(k->w);
	return enter(k, fd);
}

/* Set in a child fork() makes: the descriptor of /proc/self/fd it inherits
 * is its parent's table. (A child of a bare clone, net-unix-bind.c, names
 * no descriptor.) */
static int forked;

static void after_fork_in_child(void)
{
	forked = 1;
}

/* Our own /proc/self/fd, opened once: looking up "/proc/self/fd" again
 * for every change was a tenth of the gate's time on a large tar. */
static int own_fd_dir(void)
{
	static int dir = -1, registered;

	if (!registered)
		registered = pthread_atfork(NULL, NULL, after_fork_in_child) == 0;
	if (dir >= 0 && forked) {
		close(dir);
		dir = -1;
	}
	if (dir < 0) {
		dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
		forked = 0;
	}
	return registered ? dir : -1;
}

/* The path a descriptor of ours stands for ("pipe:[12]" for a pipe). */
static int fd_path(int fd, char *out, size_t size)
{
	char link[64];
	int dir = own_fd_dir();
	ssize_t n;

	snprintf(link, sizeof(link), dir >= 0 ? "%d" : "/proc/self/fd/%d", fd);
	n = readlinkat(dir >= 0 ? dir : AT_FDCWD, link, out, size - 1);
	if (n < 0 || (size_t)n >= size - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

/* Whether dir is in /proc/PID of the gate's own process. The kernel lets
 * a thread follow its own process's links whoever it acts for; for the
 * session's processes the session host is not dumpable: its root (the
 * mount namespace where escort's files are not hidden), working directory
 * and descriptors are not theirs to follow where the gate acts for them
 * (walk_start's not_gate_own: a Unix connect). A change to files only
 * judges what the walk found (its target is refused and recorded). */
static int gate_own(int dir)
{
	char path[PATH_MAX], task[64];
	char *end;
	long pid;

	if (fd_path(dir, path, sizeof(path)) < 0 || strncmp(path, "/proc/", 6) != 0)
		return 0;
	pid = strtol(path + 6, &end, 10);
	if (end == path + 6 || (*end != '/' && *end != '\0') || pid <= 0)
		return 0;
	snprintf(task, sizeof(task), "/proc/self/task/%ld", pid);
	return pid == getpid() || access(task, F_OK) == 0;
}

/* /proc's own links (fd/N, cwd, root, exe): only the kernel can follow them. */
static int follow_magic(struct walk *k, const char *name, int last, struct walked *w)
{
	int fd = k->not_gate_own && gate_own(k->cur) ? (errno = EACCES, -1)
						     : openat(k->cur, name, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? -errno : (close(fd), -errno);
	if (fd_path(fd, w->path, sizeof(w->path)) < 0)
		return close(fd), -ENAMETOOLONG;
	if (last) {
		w->object = fd;
		w->st = st;
		w->magic = 1;
		w->dir = dup(k->cur);
		snprintf(w->name, sizeof(w->name), "%s", name);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return close(fd), -ENOTDIR;
	return enter(k, fd);
}

static int follow_link(struct walk *k, int fd)
{
	char text[PATH_MAX];
	ssize_t n = readlinkat(fd, "", text, sizeof(text));

	close(fd);
	if (n < 0)
		return -errno;
	if (n == 0 || n >= (ssize_t)sizeof(text))
		return n == 0 ? -ENOENT : -ENAMETOOLONG;
	if (++k->links > WALK_MAX_LINKS)
		return -ELOOP;
	if (text[0] == '/') {
		int root = dup(k->root);
		if (root < 0)
			return -errno;
		enter(k, root);
		snprintf(k->w->path, sizeof(k->w->path), "/");
	}
	return path_splice(k, text, (size_t)n);
}

/* "self" and "thread-self" at /proc's top mean the process, not escort. */
static int proc_self(struct walk *k, char *name, size_t size)
{
	struct stat st;
	char text[64];

	if ((strcmp(name, "self") != 0 && strcmp(name, "thread-self") != 0) || !on_proc(k->cur) ||
	    fstat(k->cur, &st) < 0 || st.st_ino != 1)
		return 0;
	if (strcmp(name, "self") == 0) {
		snprintf(name, size, "%d", (int)k->self);
	} else if (strcmp(name, "thread-self") == 0) {
		snprintf(text, sizeof(text), "%d/task/%d", (int)k->self, (int)k->tid);
		snprintf(name, size, ".");
		return path_splice(k, text, strlen(text));
	}
	return 0;
}

static int finish(struct walk *k, const char *name, int fd, const struct stat *st)
{
	struct walked *w = k->w;
	int rc;

	snprintf(w->name, sizeof(w->name), "%s", name);
	if (strcmp(name, "..") != 0 && strcmp(name, ".") != 0 && (rc = path_append(w, name)) < 0) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	w->dir = k->cur;
	w->dir_borrowed = !k->cur_owned;
	k->cur = -1;
	w->object = fd;
	if (fd >= 0)
		w->st = *st;
	return 1;
}

/* One component: 1 when the walk ended on it, 0 to go on, -errno. */
static int step(struct walk *k, char *name, int last, enum walk_follow follow)
{
	struct stat st;
	int fd, rc;

	if ((rc = proc_self(k, name, NAME_MAX + 1)) < 0)
		return rc;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		if (strcmp(name, "..") == 0 && (rc = go_up(k)) < 0)
			return rc;
		if (!last)
			return 0;
		return finish(k, name, dup(k->cur), (fstat(k->cur, &st), &st));
	}
	fd = openat(k->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT && last ? finish(k, name, -1, NULL) : -errno;
	if (fstat(fd, &st) < 0)
		return close(fd), -errno;
	if (S_ISLNK(st.st_mode) && (!last || follow)) {
		if (on_proc(k->cur))
			return close(fd), follow_magic(k, name, last, k->w);
		return follow_link(k, fd);
	}
	if (last)
		return finish(k, name, fd, &st);
	if (!S_ISDIR(st.st_mode))
		return close(fd), -ENOTDIR;
	if ((rc = path_append(k->w, name)) < 0)
		return close(fd), rc;
	return enter(k, fd);
}

static int walk_all(struct walk *k, enum walk_follow follow)
{
	char name[NAME_MAX + 1];
	int last, slash, rc;

	for (;;) {
		rc = next_component(k, name, &last, &slash);
		if (rc <= 0) /* "/" or only slashes and dots: the directory itself */
			return rc < 0 ? rc : step(k, strcpy(name, "."), 1, WALK_FOLLOW);
		if (last && slash)
			k->w->must_dir = 1;
		rc = step(k, name, last, slash ? WALK_FOLLOW : follow);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

/* The folders of path in one openat2 call, when the kernel can do it the
 * way the walk would: inside the process's root for an absolute path,
 * beneath its start for a relative one, no /proc magic link, not ending on
 * /proc (where "self" is escort). Leaves k at the last component, or
 * changes nothing (then the walk does it all, one component at a time). */
static int walk_folders_at_once(struct walk *k, const char *path, size_t len)
{
	const char *slash = memrchr(path, '/', len);
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_MAGICLINKS};
	char folders[PATH_MAX];
	int fd;

	if (slash == NULL || slash == path || slash[1] == '\0' || strcmp(slash + 1, ".") == 0 ||
	    strcmp(slash + 1, "..") == 0)
		return 0;
	memcpy(folders, path, (size_t)(slash - path));
	folders[slash - path] = '\0';
	how.resolve |= path[0] == '/' ? RESOLVE_IN_ROOT : RESOLVE_BENEATH;
	fd = (int)syscall(SYS_openat2, k->cur, folders, &how, sizeof(how));
	if (fd < 0)
		return 0;
	if (on_proc(fd) || fd_path(fd, k->w->path, sizeof(k->w->path)) < 0 ||
	    k->w->path[0] != '/') {
		close(fd);
		return 0;
	}
	enter(k, fd);
	memcpy(k->rest, slash + 1, len - (size_t)(slash - path));
	return 1;
}

/* Where a relative walk starts, by name: given, or (NULL) asked of the
 * kernel only now, when no folder walk already named where it went. */
static int start_named(struct walk *k, const char *start_path)
{
	if (start_path != NULL) {
		snprintf(k->w->path, sizeof(k->w->path), "%s", start_path);
		return 0;
	}
	return fd_path(k->cur, k->w->path, sizeof(k->w->path));
}

static int walk_from(int root, int start, const char *start_path, const char *path,
		     enum walk_follow follow, struct walk k)
{
	struct walked *w = k.w;
	size_t len = strlen(path);
	int rc;

	clear(w);
	if (len == 0)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	k.cur = path[0] == '/' ? root : start; /* borrowed until the walk enters a folder */
	k.cur_owned = 0;
	memcpy(k.rest, path, len + 1);
	rc = 0;
	if (!walk_folders_at_once(&k, path, len))
		rc = start_named(&k, path[0] == '/' ? "/" : start_path);
	if (rc == 0)
		rc = walk_all(&k, follow);
	if (k.cur >= 0 && k.cur_owned)
		close(k.cur);
	if (rc < 0)
		walked_close(w);
	return rc;
}

int path_walk_from(int root, int start, const char *start_path, const char *path,
		   enum walk_follow follow, pid_t self, pid_t tid, struct walked *w)
{
	struct walk k = {.root = root, .self = self, .tid = tid, .w = w};

	return walk_from(root, start, start_path, path, follow, k);
}

static int open_proc(pid_t pid, const char *what, char *path, size_t size)
{
	char link[64];
	int fd;

	snprintf(link, sizeof(link), "/proc/%d/%s", (int)pid, what);
	fd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? -ENOTDIR : -errno;
	if (path && fd_path(fd, path, size) < 0) {
		close(fd);
		return -ENAMETOOLONG;
	}
	return fd;
}

int walk_start_open(pid_t pid, pid_t tid, int root, int dirfd, const char *path,
		    struct walk_start *s)
{
	char what[32];

	memset(s, 0, sizeof(*s));
	s->dir = -1;
	s->pid = pid;
	s->tid = tid;
	snprintf(s->path, sizeof(s->path), "/");
	s->root = root >= 0 ? root : open_proc(pid, "root", NULL, 0);
	s->root_owned = root < 0;
	if (s->root < 0)
		return s->root;
	if (path[0] == '/')
		return 0;
	if (dirfd == AT_FDCWD)
		snprintf(what, sizeof(what), "cwd");
	else
		snprintf(what, sizeof(what), "fd/%d", dirfd);
	s->path[0] = '\0'; /* named by path_walk, only when it needs the name */
	s->dir = open_proc(pid, what, NULL, 0);
	if (s->dir < 0) {
		int rc = s->dir == -ENOENT && dirfd != AT_FDCWD ? -EBADF : s->dir;
		walk_start_close(s);
		return rc;
	}
	return 0;
}

void walk_start_close(struct walk_start *s)
{
	if (s->root_owned)
		close_fd(&s->root);
	s->root = -1;
	close_fd(&s->dir);
}

int path_walk(const struct walk_start *s, const char *path, enum walk_follow follow,
	      struct walked *w)
{
	struct walk k = {.root = s->root,
			 .self = s->pid,
			 .tid = s->tid,
			 .not_gate_own = s->not_gate_own,
			 .w = w};

	return walk_from(s->root, s->dir >= 0 ? s->dir : s->root,
			 s->dir >= 0 && s->path[0] == '\0' ? NULL : s->path, path, follow, k);
}

int path_walk_fd(pid_t pid, int fd, struct walked *w)
{
	char link[64];

	clear(w);
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	w->object = open(link, O_PATH | O_CLOEXEC);
	if (w->object < 0)
		return errno == ENOENT ? -EBADF : -errno;
	if (fstat(w->object, &w->st) < 0 || fd_path(w->object, w->path, sizeof(w->path)) < 0) {
		walked_close(w);
		return -EBADF;
	}
	w->magic = 1;
	return 0;
}
