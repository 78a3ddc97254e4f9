/* A change to files that a trapped system call would make (open for
 * writing, delete, rename, permissions, owner, ...): what kind, on which
 * path as the kernel would resolve it, and the details the rating needs. The
 * table of calls is change-calls.c; reading one is change-read.c; rating is
 * change-rate.c; doing it for the process is change-do.c. */
#ifndef ESCORT_CHANGE_H
#define ESCORT_CHANGE_H

#include "path-walk.h"
#include "sockaddr.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

enum change_kind {
	CHANGE_WRITE,	 /* open for writing (no truncation, no creation) */
	CHANGE_CREATE,	 /* open that may create the file */
	CHANGE_TRUNCATE, /* open with O_TRUNC, truncate(2) */
	CHANGE_DELETE,	 /* unlink */
	CHANGE_RMDIR,	 /* rmdir, unlinkat(AT_REMOVEDIR) */
	CHANGE_RENAME,	 /* rename: path is the old name, path2 the new */
	CHANGE_LINK,	 /* hard link: path is the existing file, path2 the new name */
	CHANGE_SYMLINK,	 /* symbolic link path2 -> text (not resolved) */
	CHANGE_MKDIR,
	CHANGE_MKNOD,
	CHANGE_MODE,  /* chmod family */
	CHANGE_OWNER, /* chown family */
	CHANGE_XATTR, /* set or remove an extended attribute */
	CHANGE_OPEN,  /* openat2 with read-only flags: done for the process, not rated */
	/* Network (net-effect.c): path.path holds the address in words; the
	 * kernel does the call itself once it is allowed. */
	CHANGE_CONNECT,
	CHANGE_SEND,
	CHANGE_BIND,
	CHANGE_KIND_COUNT,
};

struct change {
	enum change_kind kind;
	const char *call; /* the system call's name */
	struct walked path;
	struct walked path2; /* rename and link: the new name; symlink: the link */
	/* As read from the process's memory, and where their walks start. */
	char raw[PATH_MAX], raw2[PATH_MAX];
	struct walk_start start, start2;
	enum walk_follow follow;
	char text[PATH_MAX]; /* symlink: what the link will point to */
	char xattr[256];     /* xattr: the attribute's name */
	int open_flags;	     /* open family */
	mode_t mode;	     /* create, mkdir, mknod, chmod */
	dev_t dev;	     /* mknod */
	uid_t owner;	     /* chown: (uid_t)-1 = unchanged */
	gid_t group;
	int call_flags;	 /* unlinkat, renameat2, linkat, fchmodat, fchownat, xattr */
	int fd;		 /* fchmod, fchown, fsetxattr...: the process's descriptor */
	uint64_t length; /* truncate */
	void *value;	 /* setxattr: its value (bounded) */
	int has_address; /* network: the decoded address */
	struct sockaddr_info address;
	int net_call;	      /* network: the call (enum held_check) */
	uint64_t net_args[6]; /* network: its arguments */
	size_t value_len;
};

const char *change_kind_name(enum change_kind k);
/* "writes /etc/hosts", "renames /a to /b": what it does, for the record. */
void change_describe(const struct change *c, char *out, size_t size);
/* "Deletes /srv/app/data.db": the same in plain words, for the escort. */
void change_plain(const struct change *c, char *out, size_t size);
void change_free(struct change *c);
/* chattr's ioctl rather than an extended attribute (call_flags: the command). */
int change_is_file_flags(const struct change *c);
/* A connection, a send or a listener rather than a change to files. */
int change_is_network(const struct change *c);
/* Its descriptors and memory now belong to a copy: change_free frees nothing. */
void change_forget(struct change *c);

#endif
