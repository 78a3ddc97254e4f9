#include "change-read.h"

#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#define XATTR_VALUE_MAX 65536

static int arg_int(const struct seccomp_notif *n, int i)
{
	return (int)(uint32_t)n->data.args[i];
}

static int read_string(const struct seccomp_notif *n, int i, char *out, size_t size)
{
	struct error err;

	if (n->data.args[i] == 0)
		return -EFAULT;
	if (procmem_string((pid_t)n->pid, n->data.args[i], out, size, &err) < 0)
		return err.code == ERR_TRUNCATED ? -ENAMETOOLONG : -EFAULT;
	return 0;
}

static enum walk_follow follow_of(const struct change_call *call, int flags)
{
	switch (call->follow) {
	case FOLLOW_ALWAYS:
		return WALK_FOLLOW;
	case FOLLOW_OPEN:
		if ((flags & O_NOFOLLOW) || ((flags & O_CREAT) && (flags & O_EXCL)))
			return WALK_NOFOLLOW;
		return WALK_FOLLOW;
	case FOLLOW_IF_FLAG:
		return (flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : WALK_NOFOLLOW;
	case FOLLOW_UNLESS_FLAG:
		return (flags & AT_SYMLINK_NOFOLLOW) ? WALK_NOFOLLOW : WALK_FOLLOW;
	default:
		return WALK_NOFOLLOW;
	}
}

/* One path argument (dirfd may be ARG_NONE: the working directory): read,
 * and where its walk starts opened. An empty path with AT_EMPTY_PATH is the
 * descriptor itself. */
static int read_path(const struct seccomp_notif *n, int root, int dirfd_arg, int path_arg,
		     int empty_ok, char *raw, struct walk_start *start, struct walked *w)
{
	int dirfd = dirfd_arg == ARG_NONE ? AT_FDCWD : arg_int(n, dirfd_arg);
	int rc = read_string(n, path_arg, raw, PATH_MAX);

	if (rc < 0)
		return rc;
	if (raw[0] == '\0' && empty_ok && dirfd != AT_FDCWD)
		return path_walk_fd((pid_t)n->pid, dirfd, w);
	if (raw[0] == '\0')
		return -ENOENT;
	return walk_start_open((pid_t)n->pid, (pid_t)n->pid, root, dirfd, raw, start);
}

/* What an open really does, once the walk knows whether the file exists:
 * creates it, empties it (when it has content), or writes into it. */
static enum change_kind open_kind(int flags, const struct walked *w)
{
	if (w->object < 0)
		return (flags & O_CREAT) ? CHANGE_CREATE : CHANGE_WRITE;
	if ((flags & O_TRUNC) && S_ISREG(w->st.st_mode) && w->st.st_size > 0)
		return CHANGE_TRUNCATE;
	return CHANGE_WRITE;
}

static int read_xattr(const struct seccomp_notif *n, const struct change_call *call,
		      struct change *c)
{
	int rc = read_string(n, call->extra, c->xattr, sizeof(c->xattr));

	if (rc < 0 || call->flags == ARG_NONE) /* removexattr: a name only */
		return rc == -ENAMETOOLONG ? -ERANGE : rc;
	c->value_len = (size_t)n->data.args[3];
	if (c->value_len > XATTR_VALUE_MAX)
		return -E2BIG;
	c->value = xmalloc(c->value_len + 1);
	if (c->value_len > 0) {
		struct error err;
		if (procmem_read((pid_t)n->pid, n->data.args[2], c->value, c->value_len, &err) < 0)
			return -EFAULT;
	}
	return 0;
}

struct flag_name {
	unsigned bit;
	const char *name;
};

static const struct flag_name inode_flags[] = {
    {FS_IMMUTABLE_FL, "immutable"},    {FS_APPEND_FL, "append-only"}, {FS_NODUMP_FL, "no-dump"},
    {FS_NOATIME_FL, "no-atime"},       {FS_SYNC_FL, "synchronous"},   {FS_DIRSYNC_FL, "dirsync"},
    {FS_NOCOW_FL, "no-copy-on-write"},
};

static const struct flag_name xfs_flags[] = {
    {FS_XFLAG_IMMUTABLE, "immutable"}, {FS_XFLAG_APPEND, "append-only"},
    {FS_XFLAG_NODUMP, "no-dump"},      {FS_XFLAG_NOATIME, "no-atime"},
    {FS_XFLAG_SYNC, "synchronous"},
};

/* "file attributes (immutable, append-only)": what the call sets, named. */
static void name_flags(const struct flag_name *t, size_t n, unsigned flags, char *out, size_t size)
{
	size_t len = (size_t)snprintf(out, size, "file attributes (");

	for (size_t i = 0; i < n && len < size; i++)
		if (flags & t[i].bit)
			len += (size_t)snprintf(out + len, size - len, "%s%s",
						out[len - 1] == '(' ? "" : ", ", t[i].name);
	if (len < size && out[len - 1] == '(')
		len +=
		    (size_t)snprintf(out + len, size - len, "none: not immutable, not append-only");
	if (len < size)
		snprintf(out + len, size - len, ")");
}

/* chattr's ioctl: the command, and the flags it sets read once. */
static int read_file_flags(const struct seccomp_notif *n, struct change *c)
{
	unsigned cmd = (unsigned)n->data.args[1];
	size_t size = cmd == (unsigned)FS_IOC_FSSETXATTR ? sizeof(struct fsxattr) : sizeof(int);
	struct error err;
	unsigned flags;

	c->call_flags = (int)cmd;
	c->value = xmalloc(size);
	c->value_len = size;
	if (procmem_read((pid_t)n->pid, n->data.args[2], c->value, size, &err) < 0)
		return -EFAULT;
	if (size == sizeof(int)) {
		memcpy(&flags, c->value, sizeof(flags));
		name_flags(inode_flags, sizeof(inode_flags) / sizeof(inode_flags[0]), flags,
			   c->xattr, sizeof(c->xattr));
	} else {
		flags = ((const struct fsxattr *)c->value)->fsx_xflags;
		name_flags(xfs_flags, sizeof(xfs_flags) / sizeof(xfs_flags[0]), flags, c->xattr,
			   sizeof(c->xattr));
	}
	return 0;
}

/* Everything but the object's path. */
static int read_details(const struct seccomp_notif *n, const struct change_call *call,
			struct change *c)
{
	if (call->flags != ARG_NONE)
		c->call_flags = arg_int(n, call->flags);
	if (call->mode != ARG_NONE) {
		c->mode = (mode_t)n->data.args[call->mode];
		c->owner = (uid_t)n->data.args[call->mode];
		c->group = (gid_t)n->data.args[call->mode + 1];
	}
	if (c->kind == CHANGE_WRITE) {
		c->open_flags = c->call_flags;
	} else if (c->kind == CHANGE_CREATE) {
		c->open_flags = O_CREAT | O_WRONLY | O_TRUNC;
	}
	if (c->kind == CHANGE_DELETE && (c->call_flags & AT_REMOVEDIR))
		c->kind = CHANGE_RMDIR;
	if (c->kind == CHANGE_MKNOD)
		c->dev = (dev_t)n->data.args[call->extra];
	if (c->kind == CHANGE_TRUNCATE && call->extra != ARG_NONE)
		c->length = n->data.args[call->extra];
	if (c->kind == CHANGE_SYMLINK)
		return read_string(n, call->extra, c->text, sizeof(c->text));
	if (c->kind == CHANGE_XATTR && strcmp(call->name, "ioctl") == 0)
		return read_file_flags(n, c);
	if (c->kind == CHANGE_XATTR)
		return read_xattr(n, call, c);
	return 0;
}

static void clear(struct change *c, const struct change_call *call)
{
	memset(c, 0, sizeof(*c));
	c->path.dir = c->path.object = c->path2.dir = c->path2.object = -1;
	c->start.root = c->start.dir = c->start2.root = c->start2.dir = -1;
	c->kind = call->kind;
	c->call = call->name;
	c->fd = -1;
}

int change_read(const struct seccomp_notif *n, const struct change_call *call, int root,
		struct change *c)
{
	int rc;

	clear(c, call);
	if ((rc = read_details(n, call, c)) < 0)
		return rc;
	c->follow = follow_of(call, c->call_flags);
	if (call->fd != ARG_NONE) {
		c->fd = arg_int(n, call->fd);
		rc = path_walk_fd((pid_t)n->pid, c->fd, &c->path);
	} else if (call->path != ARG_NONE) {
		rc = read_path(n, root, call->dirfd, call->path, c->call_flags & AT_EMPTY_PATH,
			       c->raw, &c->start, &c->path);
	}
	if (rc == 0 && call->path2 != ARG_NONE)
		rc = read_path(n, root, call->dirfd2, call->path2, 0, c->raw2, &c->start2,
			       &c->path2);
	return rc;
}

int change_resolve(struct change *c)
{
	int rc = 0;

	if (c->start.root >= 0)
		rc = path_walk(&c->start, c->raw, c->follow, &c->path);
	if (rc == 0 && c->start2.root >= 0)
		rc = path_walk(&c->start2, c->raw2, WALK_NOFOLLOW, &c->path2);
	if (rc == 0 && c->open_flags)
		c->kind = open_kind(c->open_flags, &c->path);
	return rc;
}
