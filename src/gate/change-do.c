#include "change-do.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifdef SYS_fchmodat2
#define SYS_fchmodat2_nr SYS_fchmodat2
#else
#define SYS_fchmodat2_nr 452 /* the same on every architecture */
#endif

static int rc_of(int rc)
{
	return rc < 0 ? -errno : 0;
}

/* "/proc/self/fd/N" for one of the gate's O_PATH descriptors. */
static const char *self_fd(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

static int hand_over(int listener, uint64_t id, int fd, int flags)
{
	struct seccomp_notif_addfd add = {
	    .id = id,
	    .flags = SECCOMP_ADDFD_FLAG_SEND,
	    .srcfd = (uint32_t)fd,
	    .newfd_flags = (uint32_t)(flags & O_CLOEXEC),
	};
	int rc = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);

	close(fd);
	return rc < 0 ? -errno : 0;
}

/* The gate runs in the session host's event loop: it never waits in an open.
 * A FIFO for writing waits for a reader, a file another process holds a
 * lease on (F_SETLEASE, which the operator may take on their own files)
 * waits up to lease-break-time (45 s) for the holder, a serial line for its
 * carrier: all are opened without waiting (a lease fails with EWOULDBLOCK,
 * as for a caller that asked for O_NONBLOCK), then made blocking again
 * unless the caller asked otherwise. */
static int nonblocking(int fd, int flags)
{
	if (fd >= 0 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* mode: for O_TMPFILE, the only open of an existing object that makes a file. */
static int open_now(const char *at, int flags, mode_t mode)
{
	return nonblocking(open(at, flags | O_NONBLOCK, mode), flags);
}

/* O_CREAT | O_EXCL makes a new regular file or fails: nothing to wait for
 * (no reader, lease or carrier), and no flags to set back after. */
static int openat_now(int dir, const char *name, int flags, mode_t mode)
{
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return openat(dir, name, flags, mode);
	return nonblocking(openat(dir, name, flags | O_NONBLOCK, mode), flags);
}

static int open_object(const struct change *c, int flags)
{
	const struct walked *w = &c->path;
	char at[64];

	if (w->must_dir && !S_ISDIR(w->st.st_mode))
		return errno = ENOTDIR, -1;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return errno = EEXIST, -1;
	self_fd(w->object, at, sizeof(at));
	return open_now(at, flags & ~(O_CREAT | O_EXCL), c->mode & 07777);
}

static enum change_done handed(int listener, uint64_t id, int fd, int open_flags, int *result)
{
	if (fd < 0) {
		*result = -errno;
		return DONE_RESULT;
	}
	*result = hand_over(listener, id, fd, open_flags);
	return *result == 0 ? DONE_ANSWERED : DONE_RESULT;
}

static enum change_done do_open(int listener, uint64_t id, const struct change *c, int *result)
{
	int flags = c->open_flags | O_NOCTTY | O_CLOEXEC, fd;

	if (c->path.object >= 0)
		fd = open_object(c, flags);
	else if (c->path.must_dir && (flags & O_CREAT))
		fd = (errno = EISDIR, -1);
	else
		fd = openat_now(c->path.dir, c->path.name, flags | O_NOFOLLOW, c->mode & 07777);
	if (fd < 0 && errno == ENXIO && c->path.object >= 0 && S_ISFIFO(c->path.st.st_mode) &&
	    !(c->open_flags & O_NONBLOCK))
		return DONE_WAIT;
	return handed(listener, id, fd, c->open_flags, result);
}

enum change_done change_do_fifo_again(int listener, uint64_t id, int object, int open_flags,
				      int *result)
{
	char at[64];
	int fd = open_now(self_fd(object, at, sizeof(at)),
			  (open_flags | O_NOCTTY | O_CLOEXEC) & ~(O_CREAT | O_EXCL), 0);

	if (fd < 0 && errno == ENXIO)
		return DONE_WAIT;
	return handed(listener, id, fd, open_flags, result);
}

static int do_delete(const struct change *c)
{
	const struct walked *w = &c->path;

	if (w->object < 0)
		return -ENOENT;
	if (c->kind == CHANGE_DELETE && S_ISDIR(w->st.st_mode))
		return -EISDIR;
	if (c->kind == CHANGE_DELETE && w->must_dir)
		return -ENOTDIR;
	return rc_of(unlinkat(w->dir, w->name, c->kind == CHANGE_RMDIR ? AT_REMOVEDIR : 0));
}

/* A file reached by a descriptor or through /proc's fd/N (an O_TMPFILE
 * file given its name, as `linkat(fd, "", ..., AT_EMPTY_PATH)` or
 * `linkat(AT_FDCWD, "/proc/self/fd/N", ..., AT_SYMLINK_FOLLOW)` do) is
 * linked from the gate's own descriptor of it: the very file judged.
 * AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; without it, our own fd link. */
static int link_object(const struct walked *a, const struct walked *b)
{
	char at[64];

	if (linkat(a->object, "", b->dir, b->name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	return rc_of(linkat(AT_FDCWD, self_fd(a->object, at, sizeof(at)), b->dir, b->name,
			    AT_SYMLINK_FOLLOW));
}

static int do_link(const struct change *c)
{
	const struct walked *a = &c->path, *b = &c->path2;

	if (a->object < 0)
		return -ENOENT;
	if (a->dir < 0 || a->magic)
		return link_object(a, b);
	return rc_of(linkat(a->dir, a->name, b->dir, b->name, 0));
}

/* truncate(2) waits for a lease like an open for writing; ftruncate on a
 * descriptor opened for writing (the same permission) without waiting does
 * not. Other kinds are left to truncate (which refuses them). */
static int do_truncate(const struct change *c)
{
	char at[64];
	int fd, rc;

	if (c->path.object >= 0 && S_ISDIR(c->path.st.st_mode))
		return -EISDIR;
	self_fd(c->path.object, at, sizeof(at));
	if (!S_ISREG(c->path.st.st_mode))
		return rc_of(truncate(at, (off_t)c->length));
	fd = open(at, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = rc_of(ftruncate(fd, (off_t)c->length));
	close(fd);
	return rc;
}

/* fchmodat2 (Linux 6.6) changes what an O_PATH descriptor stands for
 * without the walk through /proc/self/fd that chmod of its link costs;
 * the same checks (owner or CAP_FOWNER, with the caller's rights). */
static int do_mode(const struct change *c)
{
	char at[64];

	if (S_ISLNK(c->path.st.st_mode))
		return -EOPNOTSUPP;
	if (syscall(SYS_fchmodat2_nr, c->path.object, "", c->mode & 07777, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL) /* EINVAL: before Linux took AT_EMPTY_PATH */
		return -errno;
	return rc_of(chmod(self_fd(c->path.object, at, sizeof(at)), c->mode & 07777));
}

/* chattr: the attributes are set through a descriptor for reading of the
 * very file the gate resolved (with the caller's rights), never through the
 * caller's descriptor, which another thread may have swapped since. A
 * device's ioctl would go to its driver: only files and folders. */
static int do_file_flags(const struct change *c)
{
	char at[64];
	int fd, rc;

	if (!S_ISREG(c->path.st.st_mode) && !S_ISDIR(c->path.st.st_mode))
		return -ENOTTY;
	fd = open(self_fd(c->path.object, at, sizeof(at)),
		  O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = rc_of(ioctl(fd, (unsigned long)(unsigned)c->call_flags, c->value));
	close(fd);
	return rc;
}

static int do_xattr(const struct change *c)
{
	char at[64];
	const char *p = self_fd(c->path.object, at, sizeof(at));

	if (change_is_file_flags(c))
		return do_file_flags(c);
	if (c->value == NULL)
		return rc_of(removexattr(p, c->xattr));
	return rc_of(setxattr(p, c->xattr, c->value, c->value_len, c->call_flags));
}

/* The calls that need the object to exist. */
static int do_on_object(const struct change *c)
{
	if (c->path.object < 0)
		return -ENOENT;
	switch (c->kind) {
	case CHANGE_TRUNCATE:
		return do_truncate(c);
	case CHANGE_MODE:
		return do_mode(c);
	case CHANGE_OWNER:
		return rc_of(fchownat(c->path.object, "", c->owner, c->group, AT_EMPTY_PATH));
	case CHANGE_XATTR:
		return do_xattr(c);
	default:
		return -ENOSYS;
	}
}

static int do_other(const struct change *c)
{
	const struct walked *w = &c->path, *w2 = &c->path2;

	switch (c->kind) {
	case CHANGE_DELETE:
	case CHANGE_RMDIR:
		return do_delete(c);
	case CHANGE_RENAME:
		return rc_of(
		    renameat2(w->dir, w->name, w2->dir, w2->name, (unsigned)c->call_flags));
	case CHANGE_LINK:
		return do_link(c);
	case CHANGE_SYMLINK:
		return rc_of(symlinkat(c->text, w2->dir, w2->name));
	case CHANGE_MKDIR:
		return rc_of(mkdirat(w->dir, w->name, c->mode & 07777));
	case CHANGE_MKNOD:
		return rc_of(mknodat(w->dir, w->name, c->mode, c->dev));
	default:
		return do_on_object(c);
	}
}

enum change_done change_do(int listener, uint64_t id, const struct change *c, int *result)
{
	int opens =
	    c->kind == CHANGE_WRITE || c->kind == CHANGE_OPEN ||
	    (c->open_flags != 0 && (c->kind == CHANGE_CREATE || c->kind == CHANGE_TRUNCATE));

	if (opens)
		return do_open(listener, id, c, result);
	*result = do_other(c);
	return DONE_RESULT;
}
