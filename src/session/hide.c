#include "hide.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define HIDING_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

static int hide_dir(const char *path, struct error *err)
{
	if (mount("escort-hidden", path, "tmpfs", HIDING_FLAGS, "size=4k,mode=0755") < 0)
		return error_errno(err, "cannot hide %s from the session", path);
	return 0;
}

/* A detached tmpfs holding one empty file, the source of every file hidden.
 * -1 when the kernel lacks the mount API (the files are then hidden behind
 * /dev/null instead). */
static int empty_file_source(void)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), mnt = -1, fd;

	if (fs < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) == 0 &&
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	close(fs);
	if (mnt >= 0 && (fd = openat(mnt, "empty", O_CREAT | O_WRONLY | O_CLOEXEC, 0444)) >= 0) {
		close(fd);
		return mnt;
	}
	if (mnt >= 0)
		close(mnt);
	return -1;
}

/* The empty file bound over path, read-only: reads find nothing, writes
 * fail with EROFS. */
static int bind_empty(int source, const char *path)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	int tree = open_tree(source, "empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int rc = -1;

	if (tree < 0)
		return -1;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) == 0 &&
	    move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) == 0)
		rc = 0;
	close(tree);
	return rc;
}

/* Older kernels: /dev/null bound over path reads empty and swallows writes. */
static int bind_null(const char *path)
{
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
		return -1;
	return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | HIDING_FLAGS, NULL);
}

static int hide_file(int *source, const char *path, struct error *err)
{
	if (*source == -2)
		*source = empty_file_source();
	if ((*source >= 0 && bind_empty(*source, path) == 0) || bind_null(path) == 0)
		return 0;
	return error_errno(err, "cannot hide %s from the session", path);
}

static int hide_one(int *source, const struct own_path *p, struct error *err)
{
	struct stat st;

	if (stat(p->path, &st) < 0)
		return 0; /* nothing there to reach */
	if (S_ISDIR(st.st_mode))
		return hide_dir(p->path, err);
	return hide_file(source, p->path, err);
}

int hide_own_files(const struct own_files *o, struct error *err)
{
	int source = -2, rc = 0;

	if (unshare(CLONE_NEWNS) < 0)
		return error_errno(err, "cannot give the session a mount namespace of its own");
	/* Mounts made on the host still reach the session; none go back. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return error_errno(err, "cannot make the session's mounts one-way");
	for (size_t i = 0; i < o->n && rc == 0; i++)
		rc = hide_one(&source, &o->paths[i], err);
	if (source >= 0)
		close(source);
	return rc;
}
