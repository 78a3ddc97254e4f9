/* THE table of system calls that change files: for each, what kind of
 * change it is and where its arguments are. The filter (filter.c) traps
 * them — the open family only when its flags ask to write —, change-read.c
 * decodes them. */
#ifndef ESCORT_CHANGE_CALLS_H
#define ESCORT_CHANGE_CALLS_H

#include "change.h"

#include <stddef.h>

#define ARG_NONE (-1)

enum change_follow {
	FOLLOW_ALWAYS,
	FOLLOW_NEVER,
	FOLLOW_OPEN,	    /* unless O_NOFOLLOW, or O_CREAT with O_EXCL */
	FOLLOW_IF_FLAG,	    /* AT_SYMLINK_FOLLOW in the flags (linkat) */
	FOLLOW_UNLESS_FLAG, /* unless AT_SYMLINK_NOFOLLOW in the flags */
};

struct change_call {
	const char *name;
	int number; /* used when this libseccomp does not know the name (x86-64) */
	enum change_kind kind;
	signed char dirfd, path;   /* the object: a directory descriptor and path, */
	signed char fd;		   /* or a descriptor of the object itself */
	signed char dirfd2, path2; /* rename, link, symlink: the new name */
	signed char flags;	   /* open flags, or the *at flags */
	signed char mode;	   /* mode, or (chown) the owner; the group follows it */
	signed char extra;	   /* mknod: dev; truncate: length; xattr: the name */
	enum change_follow follow;
};

extern const struct change_call change_calls[];
extern const size_t change_calls_count;

/* ioctl FS_IOC_SETFLAGS / FS_IOC_FSSETXATTR (`chattr`): a change of the
 * attributes of the file its descriptor (argument 0) is, given in memory at
 * argument 2. Done by the gate on the object it resolved, like fsetxattr. */
extern const struct change_call change_call_file_flags;

/* The entry for system call number nr, or NULL. */
const struct change_call *change_call_find(int nr);
/* Its number here, or -1. */
int change_call_number(const struct change_call *c);

/* The open flags that mean writing: the filter traps an open only with one. */
extern const unsigned long change_write_flags[];
extern const size_t change_write_flags_count;

#endif
