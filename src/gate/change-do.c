#include "change-do.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

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

/* Opening a FIFO for writing waits for a reader: try without waiting. */
static int open_fifo(const char *at, int flags)
{
	int fd = open(at, flags | O_NONBLOCK);

	if (fd >= 0 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
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
	if (S_ISFIFO(w->st.st_mode) && (flags & O_ACCMODE) == O_WRONLY)
		return open_fifo(at, flags & ~(O_CREAT | O_EXCL));
	return open(at, flags & ~(O_CREAT | O_EXCL));
}

static enum change_done do_open(int listener, uint64_t id, const struct change *c, int *result)
{
	int flags = c->open_flags | O_NOCTTY | O_CLOEXEC, fd;

	if (c->path.object >= 0)
		fd = open_object(c, flags);
	else if (c->path.must_dir && (flags & O_CREAT))
		fd = (errno = EISDIR, -1);
	else
		fd = openat(c->path.dir, c->path.name, flags | O_NOFOLLOW, c->mode & 07777);
	if (fd < 0 && errno == ENXIO && c->path.object >= 0 && S_ISFIFO(c->path.st.st_mode))
		return DONE_CONTINUE;
	if (fd < 0) {
		*result = -errno;
		return DONE_RESULT;
	}
	*result = hand_over(listener, id, fd, c->open_flags);
	return *result == 0 ? DONE_ANSWERED : DONE_RESULT;
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

static int do_link(const struct change *c)
{
	const struct walked *a = &c->path, *b = &c->path2;

	if (a->object < 0)
		return -ENOENT;
	return rc_of(linkat(a->dir, a->name, b->dir, b->name, 0));
}

static int do_truncate(const struct change *c)
{
	char at[64];

	if (c->path.object >= 0 && S_ISDIR(c->path.st.st_mode))
		return -EISDIR;
	return rc_of(truncate(self_fd(c->path.object, at, sizeof(at)), (off_t)c->length));
}

static int do_mode(const struct change *c)
{
	char at[64];

	if (S_ISLNK(c->path.st.st_mode))
		return -EOPNOTSUPP;
	return rc_of(chmod(self_fd(c->path.object, at, sizeof(at)), c->mode & 07777));
}

static int do_xattr(const struct change *c)
{
	char at[64];
	const char *p = self_fd(c->path.object, at, sizeof(at));

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
