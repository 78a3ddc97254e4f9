/* The control data of a send on a Unix socket that the gate makes for a
 * caller (net-unix-send.c), read from the caller and rewritten for the
 * gate's own sendmsg as the kernel would read it for the caller
 * (__scm_send): SCM_RIGHTS names the caller's descriptors, so each is copied
 * from it (pidfd_getfd) and the copy is passed; SCM_CREDENTIALS passes only
 * what the caller itself could claim (its own process, one of its user and
 * group ids, unless its capabilities allow more); another SOL_SOCKET message
 * fails the call with EINVAL and any other level is dropped, as the kernel
 * ignores it on a Unix socket. When the gate may claim another process's
 * credentials, the caller's own are added to a message that gives none, so
 * a receiver with SO_PASSCRED sees the caller, not the gate. */
#ifndef ESCORT_SCM_PASS_H
#define ESCORT_SCM_PASS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SCM_PASS_CONTROL_MAX 8192 /* control data read from a caller (ENOBUFS beyond) */
#define SCM_PASS_FDS_MAX 253	  /* SCM_MAX_FD: descriptors in one message */

/* Who sends, as the gate sees it (/proc/TID/status). */
struct scm_caller {
	pid_t tgid;	  /* its process, in the gate's pid namespace */
	pid_t own_pid;	  /* the same, as the caller names it (NSpid's last) */
	int same_pid_ns;  /* the caller's pid namespace is the gate's */
	int same_user_ns; /* the caller's user namespace is the gate's */
	uid_t uid[3];	  /* real, effective, saved */
	gid_t gid[3];
	uint64_t cap_effective;
};

/* The caller's ids, and with namespaces whether its namespaces are the
 * gate's (else both 0: credentials it gives are refused); -ESRCH when it
 * is gone. */
int scm_caller_read(pid_t tid, int namespaces, struct scm_caller *c);

/* Copies descriptor fd of the caller as the gate's own: >= 0 or -errno. */
typedef int (*scm_copy_fd)(void *ctx, int fd);

struct scm_passed {
	uint8_t control[SCM_PASS_CONTROL_MAX + 64];
	size_t len;
	int fds[SCM_PASS_FDS_MAX]; /* the gate's copies, closed by scm_passed_close */
	size_t nfds;
};

/* Rewrites the caller's control data in (len bytes) into out; add_creds:
 * add the caller's credentials when it gives none. 0 or -errno (EINVAL for
 * a malformed message, EPERM for credentials the caller may not claim,
 * EBADF for a descriptor it does not have). out holds copies to close
 * either way. */
int scm_pass(const uint8_t *in, size_t len, const struct scm_caller *c, int add_creds,
	     scm_copy_fd copy, void *ctx, struct scm_passed *out);
void scm_passed_close(struct scm_passed *p);

#endif
