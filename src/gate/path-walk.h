/* Resolving a path the way the kernel will resolve it for a trapped
 * process: from its root or working directory (or a directory descriptor
 * it passed), component by component, "//", "." and ".." normalised, "..""
 * never above its root, symbolic links followed (at most 40) with absolute
 * ones starting again at its root, /proc/self meaning the process. Each step
 * is an O_PATH open of the real directory, so the result is a directory
 * descriptor and a final name: acting on them later (change-do.c) acts on
 * what was decided, whatever the process's memory says by then. */
#ifndef ESCORT_PATH_WALK_H
#define ESCORT_PATH_WALK_H

#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>

struct walked {
	int dir;		 /* O_PATH descriptor of the directory holding name, or -1 */
	char name[NAME_MAX + 1]; /* the last component ("." or "..", or empty for an fd) */
	char path[PATH_MAX];	 /* the absolute path, as the process sees it */
	int object;	  /* O_PATH descriptor of what name is, or -1 when it does not exist */
	struct stat st;	  /* when object >= 0 */
	int must_dir;	  /* written with a trailing slash: only a directory will do */
	int magic;	  /* object was reached through a /proc link (fd/N): path is its target */
	int dir_borrowed; /* dir is the walk's start (root or start folder), closed with it:
			   * the walked may not outlive its walk_start */
};

enum walk_follow { WALK_NOFOLLOW = 0, WALK_FOLLOW = 1 };

/* Where a walk starts in the process pid: its root, and for a relative
 * path its working directory or the directory descriptor dirfd (AT_FDCWD or
 * one of its descriptors). Opened with the gate's own rights (reading another
 * process's /proc entries needs them); the walk itself then runs with the
 * process's. root: a descriptor of the process's root when the caller knows
 * it (every process of a session has the same: nothing in it can change its
 * root or mount namespace), or -1 to open /proc/PID/root. A root given is
 * borrowed, not duplicated: it must outlive the walk_start. Returns 0 or -errno. */
struct walk_start {
	int root, dir;
	int root_owned;	     /* root was opened here (closed by walk_start_close) */
	char path[PATH_MAX]; /* dir's path */
	pid_t pid, tid;
	int not_gate_own; /* /proc links of the gate's own process fail with EACCES, as
			   * the kernel's for a process that is not dumpable */
};
int walk_start_open(pid_t pid, pid_t tid, int root, int dirfd, const char *path,
		    struct walk_start *s);
void walk_start_close(struct walk_start *s);

/* Resolves path from s. Returns 0, or -errno as the kernel would fail the
 * call (ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG...). w is cleared
 * first; walked_close releases it either way. */
int path_walk(const struct walk_start *s, const char *path, enum walk_follow follow,
	      struct walked *w);
/* A descriptor of the process itself (fchmod, fchown, fsetxattr): O_PATH of
 * what fd refers to. */
int path_walk_fd(pid_t pid, int fd, struct walked *w);
void walked_close(struct walked *w);

/* The same walk without a process (for tests and the fuzzer): root and
 * start are directory descriptors; self is the pid "self" stands for;
 * start_path is start's name, or NULL to ask the kernel when needed. */
int path_walk_from(int root, int start, const char *start_path, const char *path,
		   enum walk_follow follow, pid_t self, pid_t tid, struct walked *w);

#endif
