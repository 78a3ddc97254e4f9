#include "ioctl-changes.h"

#include "risk/rules.h"

#include <limits.h>
#include <linux/blkpg.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <linux/fsverity.h>
#include <linux/loop.h>
#include <linux/nvme_ioctl.h>
#include <linux/pr.h>
#include <linux/sed-opal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef FS_IOC32_SETFLAGS
#define FS_IOC32_SETFLAGS _IOW('f', 2, int)
#endif
#ifndef FS_IOC_SHUTDOWN
#define FS_IOC_SHUTDOWN _IOR('X', 125, __u32)
#endif
/* ext4's own (linux/ext4.h is not in every C library's headers). */
#define EXT4_IOC_GROUP_EXTEND _IOW('f', 7, unsigned long)
#define EXT4_IOC_RESIZE_FS _IOW('f', 16, __u64)
struct ext4_fsuuid_head { /* struct fsuuid without its flexible array */
	__u32 len, flags;
};
#define EXT4_IOC_SETFSUUID _IOW('f', 44, struct ext4_fsuuid_head)
/* struct ext4_new_group_input: 40 bytes; struct ext4_tune_sb_params
 * (Linux 6.18): 232 bytes. */
#define EXT4_IOC_GROUP_ADD _IOC(_IOC_WRITE, 'f', 8, 40)
#define EXT4_IOC_SET_TUNE_SB_PARAM _IOC(_IOC_WRITE, 'f', 46, 232)

/* Whole-file-system commands on any descriptor of a file there, opened for
 * reading: freezing stops every write of the machine to it (escort's log,
 * escortd's state) until a thaw, a shutdown fails every later one, a new
 * label, UUID or size changes what the machine mounts at its next start,
 * ext4's superblock tuning (blocks kept for root, what an error does: go on,
 * read-only or panic, mount options, features) changes it for everyone, and
 * fs-verity makes the file read-only for good. */
#define FILE_SYSTEM_CMDS                                                                           \
	FIFREEZE, FITHAW, FS_IOC_SHUTDOWN, FS_IOC_SETFSLABEL, EXT4_IOC_SETFSUUID,                  \
	    EXT4_IOC_RESIZE_FS, EXT4_IOC_GROUP_EXTEND, EXT4_IOC_GROUP_ADD,                         \
	    EXT4_IOC_SET_TUNE_SB_PARAM, FS_IOC_ENABLE_VERITY
static const unsigned long file_system_cmds[] = {FILE_SYSTEM_CMDS};

/* btrfs's on a folder opened for reading: a subvolume (a whole tree of
 * files, /home or a snapshot) deleted, made, made read-only or the one the
 * machine starts from; the file system's devices, size, features and
 * quotas. */
#define BTRFS_CMDS                                                                                 \
	BTRFS_IOC_SNAP_DESTROY, BTRFS_IOC_SNAP_DESTROY_V2, BTRFS_IOC_SNAP_CREATE,                  \
	    BTRFS_IOC_SNAP_CREATE_V2, BTRFS_IOC_SUBVOL_CREATE, BTRFS_IOC_SUBVOL_CREATE_V2,         \
	    BTRFS_IOC_SUBVOL_SETFLAGS, BTRFS_IOC_DEFAULT_SUBVOL, BTRFS_IOC_SET_RECEIVED_SUBVOL,    \
	    BTRFS_IOC_RESIZE, BTRFS_IOC_ADD_DEV, BTRFS_IOC_RM_DEV, BTRFS_IOC_RM_DEV_V2,            \
	    BTRFS_IOC_DEV_REPLACE, BTRFS_IOC_BALANCE, BTRFS_IOC_BALANCE_V2, BTRFS_IOC_BALANCE_CTL, \
	    BTRFS_IOC_SET_FEATURES, BTRFS_IOC_QUOTA_CTL, BTRFS_IOC_QGROUP_ASSIGN,                  \
	    BTRFS_IOC_QGROUP_CREATE, BTRFS_IOC_QGROUP_LIMIT, BTRFS_IOC_QUOTA_RESCAN
static const unsigned long btrfs_cmds[] = {BTRFS_CMDS};

/* A block device's, opened for reading (root needs no more): BLKROSET made
 * the disk of a mounted file system read-only, so every write of the
 * machine there failed (escort's log, escortd's state); partitions added,
 * removed or read again; a loop device detached (LOOP_CLR_FD of a mounted
 * one), given another backing file or its settings changed, and loop
 * devices made or removed through /dev/loop-control. */
#define BLOCK_DEVICE_CMDS                                                                          \
	BLKROSET, BLKPG, BLKRRPART, LOOP_SET_FD, LOOP_CLR_FD, LOOP_SET_STATUS, LOOP_SET_STATUS64,  \
	    LOOP_CHANGE_FD, LOOP_SET_CAPACITY, LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE,            \
	    LOOP_CONFIGURE, LOOP_CTL_ADD, LOOP_CTL_REMOVE
static const unsigned long block_device_cmds[] = {BLOCK_DEVICE_CMDS};
/* NVMe pass-through, on a disk or its controller opened for reading (root
 * holds CAP_SYS_ADMIN, which the kernel asks instead of a descriptor open
 * for writing): any command the disk knows (write any block, format,
 * sanitize: the whole disk erased), or the controller reset. SCSI's SG_IO
 * needs CAP_SYS_RAWIO for that, which a root session has not
 * (session/caps-bound.h). */
#define RAW_DISK_CMDS                                                                              \
	NVME_IOCTL_ADMIN_CMD, NVME_IOCTL_SUBMIT_IO, NVME_IOCTL_IO_CMD, NVME_IOCTL_RESET,           \
	    NVME_IOCTL_SUBSYS_RESET, NVME_IOCTL_RESCAN, NVME_IOCTL_ADMIN64_CMD,                    \
	    NVME_IOCTL_IO64_CMD, NVME_IOCTL_IO64_CMD_VEC
static const unsigned long raw_disk_cmds[] = {RAW_DISK_CMDS};

/* Newer than some C libraries' headers: OPAL's revert of the locking range
 * and the owner's password (struct opal_revert_lsp: a struct opal_key and
 * two 32-bit words). */
#define OPAL_REVERT_LSP _IOW('p', 240, char[sizeof(struct opal_key) + 8])
#define OPAL_SET_SID_PW _IOW('p', 241, struct opal_new_pw)

/* A disk's persistent reservations and a self-encrypting (OPAL) disk's
 * commands, on a descriptor opened for reading (the kernel asks root's
 * CAP_SYS_ADMIN): another machine's reservation on shared storage dropped
 * or taken over, the disk or a range of it erased for good (its key
 * thrown away), or taken over and locked with a key of the session's.
 * Reading the state (IOC_OPAL_GET_STATUS and later reads) passes. */
#define DISK_OWNERSHIP_CMDS                                                                        \
	IOC_PR_REGISTER, IOC_PR_RESERVE, IOC_PR_RELEASE, IOC_PR_PREEMPT, IOC_PR_PREEMPT_ABORT,     \
	    IOC_PR_CLEAR, IOC_OPAL_SAVE, IOC_OPAL_LOCK_UNLOCK, IOC_OPAL_TAKE_OWNERSHIP,            \
	    IOC_OPAL_ACTIVATE_LSP, IOC_OPAL_SET_PW, IOC_OPAL_ACTIVATE_USR, IOC_OPAL_REVERT_TPR,    \
	    IOC_OPAL_LR_SETUP, IOC_OPAL_ADD_USR_TO_LR, IOC_OPAL_ENABLE_DISABLE_MBR,                \
	    IOC_OPAL_ERASE_LR, IOC_OPAL_SECURE_ERASE_LR, IOC_OPAL_PSID_REVERT_TPR,                 \
	    IOC_OPAL_MBR_DONE, IOC_OPAL_WRITE_SHADOW_MBR, IOC_OPAL_GENERIC_TABLE_RW,               \
	    OPAL_REVERT_LSP, OPAL_SET_SID_PW
static const unsigned long disk_ownership_cmds[] = {DISK_OWNERSHIP_CMDS};
static const unsigned long hangup_cmds[] = {TIOCVHANGUP};

/* fscrypt's, on a folder opened for reading: an empty folder encrypted with
 * a policy whose key nobody has (root passes over its owner) takes no new
 * file from anyone, for good (a service's spool or state folder, another
 * account's); all users' claims to a key removed lock every folder
 * encrypted with it (another account's encrypted home). */
#define ENCRYPTION_CMDS FS_IOC_SET_ENCRYPTION_POLICY, FS_IOC_REMOVE_ENCRYPTION_KEY_ALL_USERS
static const unsigned long encryption_cmds[] = {ENCRYPTION_CMDS};

const unsigned long ioctl_changes_cmds[] = {
    FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS, FS_IOC_FSSETXATTR, TIOCVHANGUP,	  FILE_SYSTEM_CMDS,
    BTRFS_CMDS,	     BLOCK_DEVICE_CMDS, ENCRYPTION_CMDS,   RAW_DISK_CMDS, DISK_OWNERSHIP_CMDS,
};
const size_t ioctl_changes_count = sizeof(ioctl_changes_cmds) / sizeof(ioctl_changes_cmds[0]);

_Static_assert(TIOCSCTTY_CMD == TIOCSCTTY, "TIOCSCTTY");

int ioctl_changes_command(unsigned cmd)
{
	for (size_t i = 0; i < ioctl_changes_count; i++)
		if (cmd == (unsigned)ioctl_changes_cmds[i])
			return 1;
	return 0;
}

int ioctl_changes_file_flags(unsigned cmd)
{
	return cmd == (unsigned)FS_IOC_SETFLAGS || cmd == (unsigned)FS_IOC32_SETFLAGS ||
	       cmd == (unsigned)FS_IOC_FSSETXATTR;
}

static int listed(const unsigned long *cmds, size_t n, unsigned cmd)
{
	for (size_t i = 0; i < n; i++)
		if (cmd == (unsigned)cmds[i])
			return 1;
	return 0;
}

/* The file the descriptor is, as the caller sees it (for the record). */
static void file_of(const struct seccomp_notif *n, char *out, size_t size)
{
	char fd[64];
	ssize_t len;

	snprintf(fd, sizeof(fd), "/proc/%d/fd/%d", (int)n->pid, (int)n->data.args[0]);
	len = readlink(fd, out, size - 1);
	out[len < 0 ? 0 : len] = '\0';
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Each refused group: its technique, and what it does in words around the
 * file's name. */
struct refused_group {
	const unsigned long *cmds;
	size_t n;
	const char *attack, *before, *after;
};

static const struct refused_group refused_groups[] = {
    {hangup_cmds, COUNT(hangup_cmds), "T1489", "Hangs up the terminal ",
     ": the login that uses it loses it and its shell is sent SIGHUP"},
    {btrfs_cmds, COUNT(btrfs_cmds), "T1485",
     "Deletes, makes or changes a btrfs subvolume (a whole tree of files) at ",
     ", or the devices, size or quotas of its file system"},
    {block_device_cmds, COUNT(block_device_cmds), "T1561", "Makes the disk ",
     " read-only for the whole machine, changes its partitions, or attaches, detaches or "
     "changes a loop device: the file systems on it stop taking writes or disappear"},
    {raw_disk_cmds, COUNT(raw_disk_cmds), "T1561", "Sends a command straight to the disk ",
     " (NVMe pass-through): it can write or erase any block, the whole disk too, around the "
     "file systems on it and their permissions"},
    {disk_ownership_cmds, COUNT(disk_ownership_cmds), "T1561",
     "Takes over, erases or locks the disk ",
     " (its reservations on shared storage, or its built-in encryption): other machines lose "
     "it, or its data is gone or locked with a key of this session's"},
    {encryption_cmds, COUNT(encryption_cmds), "T1486", "Encrypts the folder ",
     " with a key of its choosing, or locks the folders encrypted on its file system: their "
     "owners can no longer add or read files there"},
    {file_system_cmds, COUNT(file_system_cmds), "T1499",
     "Freezes, shuts down, resizes, renames or retunes the whole file system that holds ",
     " (or makes the file read-only for good): every program of the machine that writes "
     "there waits or fails"},
    /* chattr's go to the file gate (change-calls.h); refused here only if
     * they ever reach this judge. */
    {NULL, 0, "T1222.002", "Changes the file attributes of ",
     " (immutable, append-only, no dump), which decide who may change or delete it"},
};

static const struct refused_group *group_of(unsigned cmd)
{
	size_t last = COUNT(refused_groups) - 1;

	for (size_t i = 0; i < last; i++)
		if (listed(refused_groups[i].cmds, refused_groups[i].n, cmd))
			return &refused_groups[i];
	return &refused_groups[last];
}

enum effect_outcome ioctl_changes_judge(const struct seccomp_notif *n, struct effect *e)
{
	const struct refused_group *g = group_of((unsigned)n->data.args[1]);
	char file[PATH_MAX];

	file_of(n, file, sizeof(file));
	snprintf(e->where, sizeof(e->where), "on %.300s", file);
	e->level = LEVEL_HIGH;
	e->attack = g->attack;
	snprintf(e->what, sizeof(e->what), "%s%.300s%s", g->before, file, g->after);
	return EFFECT_REFUSE;
}
