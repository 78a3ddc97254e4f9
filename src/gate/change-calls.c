#include "change-calls.h"

#include <fcntl.h>
#include <seccomp.h>

#define N ARG_NONE

/* name, number, kind, dirfd, path, fd, dirfd2, path2, flags, mode, extra, follow */
const struct change_call change_calls[] = {
    {"open", -1, CHANGE_WRITE, N, 0, N, N, N, 1, 2, N, FOLLOW_OPEN},
    {"openat", -1, CHANGE_WRITE, 0, 1, N, N, N, 2, 3, N, FOLLOW_OPEN},
    {"creat", -1, CHANGE_CREATE, N, 0, N, N, N, N, 1, N, FOLLOW_ALWAYS},
    {"truncate", -1, CHANGE_TRUNCATE, N, 0, N, N, N, N, N, 1, FOLLOW_ALWAYS},
    {"unlink", -1, CHANGE_DELETE, N, 0, N, N, N, N, N, N, FOLLOW_NEVER},
    {"unlinkat", -1, CHANGE_DELETE, 0, 1, N, N, N, 2, N, N, FOLLOW_NEVER},
    {"rmdir", -1, CHANGE_RMDIR, N, 0, N, N, N, N, N, N, FOLLOW_NEVER},
    {"rename", -1, CHANGE_RENAME, N, 0, N, N, 1, N, N, N, FOLLOW_NEVER},
    {"renameat", -1, CHANGE_RENAME, 0, 1, N, 2, 3, N, N, N, FOLLOW_NEVER},
    {"renameat2", -1, CHANGE_RENAME, 0, 1, N, 2, 3, 4, N, N, FOLLOW_NEVER},
    {"link", -1, CHANGE_LINK, N, 0, N, N, 1, N, N, N, FOLLOW_NEVER},
    {"linkat", -1, CHANGE_LINK, 0, 1, N, 2, 3, 4, N, N, FOLLOW_IF_FLAG},
    {"symlink", -1, CHANGE_SYMLINK, N, N, N, N, 1, N, N, 0, FOLLOW_NEVER},
    {"symlinkat", -1, CHANGE_SYMLINK, N, N, N, 1, 2, N, N, 0, FOLLOW_NEVER},
    {"mkdir", -1, CHANGE_MKDIR, N, 0, N, N, N, N, 1, N, FOLLOW_NEVER},
    {"mkdirat", -1, CHANGE_MKDIR, 0, 1, N, N, N, N, 2, N, FOLLOW_NEVER},
    {"mknod", -1, CHANGE_MKNOD, N, 0, N, N, N, N, 1, 2, FOLLOW_NEVER},
    {"mknodat", -1, CHANGE_MKNOD, 0, 1, N, N, N, N, 2, 3, FOLLOW_NEVER},
    {"chmod", -1, CHANGE_MODE, N, 0, N, N, N, N, 1, N, FOLLOW_ALWAYS},
    {"fchmod", -1, CHANGE_MODE, N, N, 0, N, N, N, 1, N, FOLLOW_ALWAYS},
    {"fchmodat", -1, CHANGE_MODE, 0, 1, N, N, N, N, 2, N, FOLLOW_ALWAYS},
    {"fchmodat2", 452, CHANGE_MODE, 0, 1, N, N, N, 3, 2, N, FOLLOW_UNLESS_FLAG},
    {"chown", -1, CHANGE_OWNER, N, 0, N, N, N, N, 1, N, FOLLOW_ALWAYS},
    {"fchown", -1, CHANGE_OWNER, N, N, 0, N, N, N, 1, N, FOLLOW_ALWAYS},
    {"lchown", -1, CHANGE_OWNER, N, 0, N, N, N, N, 1, N, FOLLOW_NEVER},
    {"fchownat", -1, CHANGE_OWNER, 0, 1, N, N, N, 4, 2, N, FOLLOW_UNLESS_FLAG},
    {"setxattr", -1, CHANGE_XATTR, N, 0, N, N, N, 4, N, 1, FOLLOW_ALWAYS},
    {"lsetxattr", -1, CHANGE_XATTR, N, 0, N, N, N, 4, N, 1, FOLLOW_NEVER},
    {"fsetxattr", -1, CHANGE_XATTR, N, N, 0, N, N, 4, N, 1, FOLLOW_ALWAYS},
    {"removexattr", -1, CHANGE_XATTR, N, 0, N, N, N, N, N, 1, FOLLOW_ALWAYS},
    {"lremovexattr", -1, CHANGE_XATTR, N, 0, N, N, N, N, N, 1, FOLLOW_NEVER},
    {"fremovexattr", -1, CHANGE_XATTR, N, N, 0, N, N, N, N, 1, FOLLOW_ALWAYS},
};

const size_t change_calls_count = sizeof(change_calls) / sizeof(change_calls[0]);

const struct change_call change_call_file_flags = {"ioctl", -1, CHANGE_XATTR, N, N, 0, N, N, N,
						   N,	    2,	FOLLOW_ALWAYS};

const unsigned long change_write_flags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND};
const size_t change_write_flags_count = sizeof(change_write_flags) / sizeof(change_write_flags[0]);

int change_call_number(const struct change_call *c)
{
	int nr = seccomp_syscall_resolve_name(c->name);

	return nr >= 0 ? nr : c->number;
}

const struct change_call *change_call_find(int nr)
{
	static int numbers[sizeof(change_calls) / sizeof(change_calls[0])];
	static int resolved;

	if (!resolved) {
		for (size_t i = 0; i < change_calls_count; i++)
			numbers[i] = change_call_number(&change_calls[i]);
		resolved = 1;
	}
	for (size_t i = 0; i < change_calls_count; i++)
		if (numbers[i] == nr && nr >= 0)
			return &change_calls[i];
	return NULL;
}
