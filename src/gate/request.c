#include "request.h"

#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const request_env_names[ENV_COUNT] = {
    "LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "BASH_ENV", "ENV", "LD_AUDIT", "GCONV_PATH"};

/* "/proc/self/fd/3" read here would name the gate's own descriptor 3: the
 * forms that name the caller's descriptors are turned into its number. */
static int own_fd_path(const char *path)
{
	static const char *const prefixes[] = {"/proc/self/fd/", "/proc/thread-self/fd/",
					       "/dev/fd/", NULL};

	for (size_t i = 0; prefixes[i]; i++) {
		size_t len = strlen(prefixes[i]);
		const char *digits = path + len;
		if (strncmp(path, prefixes[i], len) == 0 && *digits &&
		    strspn(digits, "0123456789") == strlen(digits) && strlen(digits) < 10)
			return atoi(digits);
	}
	return -1;
}

/* Any other way through /proc's magic links (a symlink to /proc/self/..., a
 * path through /proc/PID/root) would be resolved from the gate's point of
 * view, not the caller's: such paths are refused. */
static int through_magic_link(const struct exec_request *req, int dirfd, struct error *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	char base_path[64];
	const char *rel = req->path;
	int base, fd;

	if (req->path[0] == '/') {
		snprintf(base_path, sizeof(base_path), "/proc/%d/root", (int)req->pid);
		rel = req->path + 1 + strspn(req->path + 1, "/");
		if (*rel == '\0')
			rel = ".";
	} else if (!req->execveat || dirfd == AT_FDCWD) {
		snprintf(base_path, sizeof(base_path), "/proc/%d/cwd", (int)req->pid);
	} else {
		snprintf(base_path, sizeof(base_path), "/proc/%d/fd/%d", (int)req->pid, dirfd);
	}
	base = open(base_path, O_PATH | O_CLOEXEC);
	if (base < 0)
		return 0; /* the lookup itself will fail and say why */
	fd = (int)syscall(SYS_openat2, base, rel, &how, sizeof(how));
	if (fd >= 0) {
		close(fd);
		close(base);
		return 0;
	}
	close(base);
	if (errno != ELOOP && errno != EXDEV)
		return 0;
	fd = open(req->target, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return 0; /* a real loop: the kernel fails it too */
	close(fd);
	error_set(err,
		  "%s leads through /proc's special links, whose meaning depends on who "
		  "looks",
		  req->path);
	err->errnum = EACCES;
	return -1;
}

/* Where the kernel will look for path, seen from here through /proc. */
static int locate(struct exec_request *req, int dirfd, struct error *err)
{
	int n, own = req->empty_path ? -1 : own_fd_path(req->path);

	if (own >= 0) {
		req->via_fd = 1;
		n = snprintf(req->target, sizeof(req->target), "/proc/%d/fd/%d", (int)req->pid,
			     own);
	} else if (req->empty_path)
		n = snprintf(req->target, sizeof(req->target), "/proc/%d/fd/%d", (int)req->pid,
			     dirfd);
	else if (req->path[0] == '/')
		n = snprintf(req->target, sizeof(req->target), "/proc/%d/root%s", (int)req->pid,
			     req->path);
	else if (!req->execveat || dirfd == AT_FDCWD)
		n = snprintf(req->target, sizeof(req->target), "/proc/%d/cwd/%s", (int)req->pid,
			     req->path);
	else
		n = snprintf(req->target, sizeof(req->target), "/proc/%d/fd/%d/%s", (int)req->pid,
			     dirfd, req->path);
	if (n < 0 || (size_t)n >= sizeof(req->target))
		return error_set(err, "the path process %d asked to run is too long",
				 (int)req->pid);
	return 0;
}

static int read_cwd(struct exec_request *req, struct error *err)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)req->pid);
	n = readlink(link, req->cwd, sizeof(req->cwd) - 1);
	if (n < 0)
		return error_errno(err, "cannot read the working directory of process %d",
				   (int)req->pid);
	req->cwd[n] = '\0';
	return 0;
}

/* The usual case, in a few system calls: an absolute path, and the process
 * sees the same root as the gate. The file is opened here once, refusing
 * /proc's magic links on the way, and named by that descriptor from then on. */
static int open_absolute(struct exec_request *req, struct error *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	char link[64], root[4];
	ssize_t n;
	int fd;

	snprintf(link, sizeof(link), "/proc/%d/root", (int)req->pid);
	n = readlink(link, root, sizeof(root));
	if (n != 1 || root[0] != '/')
		return 0; /* chrooted: the general way */
	fd = (int)syscall(SYS_openat2, AT_FDCWD, req->path, &how, sizeof(how));
	if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			return 0; /* a loop, or a magic link: the general way tells which */
		return error_errno(err, "cannot examine %s", req->path);
	}
	req->target_fd = fd;
	snprintf(req->target, sizeof(req->target), "/proc/self/fd/%d", fd);
	return 1;
}

static void read_fast(struct exec_request *req, uint64_t path_at, uint64_t argv_at,
		      uint64_t envp_at)
{
	struct procmem_exec fast;

	if (!procmem_exec_fast(req->pid, path_at, argv_at, envp_at, &fast))
		return;
	snprintf(req->path, sizeof(req->path), "%s", fast.path);
	req->argv = fast.argv;
	for (size_t i = 0; fast.env[i]; i++) {
		int k = procmem_env_name(fast.env[i], strlen(fast.env[i]), request_env_names,
					 ENV_COUNT);
		if (k >= 0)
			procmem_env_keep(&req->env[k], xstrdup(fast.env[i]));
	}
	procmem_free_array(fast.env);
	req->env_read = 1;
}

int exec_request_read(int listener, const struct seccomp_notif *n, struct exec_request *req,
		      struct error *err)
{
	int is_at = n->data.nr != SCMP_SYS(execve);
	uint64_t path_at = n->data.args[is_at ? 1 : 0];
	uint64_t argv_at = n->data.args[is_at ? 2 : 1];
	uint64_t envp_at = n->data.args[is_at ? 3 : 2];
	int dirfd = is_at ? (int)n->data.args[0] : AT_FDCWD;

	memset(req, 0, sizeof(*req));
	req->target_fd = -1;
	req->id = n->id;
	req->pid = (pid_t)n->pid;
	req->execveat = is_at;
	read_fast(req, path_at, argv_at, envp_at);
	if (req->argv == NULL &&
	    procmem_string(req->pid, path_at, req->path, sizeof(req->path), err) < 0)
		return -1;
	req->empty_path = is_at && req->path[0] == '\0' && (n->data.args[4] & AT_EMPTY_PATH);
	if (read_cwd(req, err) < 0)
		return -1;
	if (req->path[0] == '/' && own_fd_path(req->path) < 0) {
		int opened = open_absolute(req, err);
		if (opened < 0)
			return -1;
		if (opened)
			goto target_known;
	}
	if (locate(req, dirfd, err) < 0)
		return -1;
	if (!req->empty_path && !req->via_fd && through_magic_link(req, dirfd, err) < 0)
		return -1;
target_known:
	if (req->argv == NULL && argv_at != 0 &&
	    procmem_string_array(req->pid, argv_at, &req->argv, &req->argv_truncated, err) < 0)
		return -1;
	if (req->argv == NULL)
		req->argv = xcalloc(1, sizeof(char *));
	if (!req->env_read && envp_at != 0 &&
	    procmem_env_select(req->pid, envp_at, request_env_names, ENV_COUNT, req->env, err) < 0)
		return -1;
	if (seccomp_notify_id_valid(listener, n->id) != 0)
		return error_set(err, "process %d went away while its exec was read",
				 (int)req->pid);
	return 0;
}

void exec_request_free(struct exec_request *req)
{
	if (req->target_fd > 0)
		close(req->target_fd);
	req->target_fd = -1;
	procmem_free_array(req->argv);
	req->argv = NULL;
	for (int k = 0; k < ENV_COUNT; k++) {
		free(req->env[k]);
		req->env[k] = NULL;
	}
}

const char *exec_request_injects_code(const struct exec_request *req)
{
	static const int injecting[] = {ENV_LD_PRELOAD, ENV_LD_AUDIT, ENV_GCONV_PATH};

	for (size_t i = 0; i < sizeof(injecting) / sizeof(injecting[0]); i++)
		if (req->env[injecting[i]])
			return req->env[injecting[i]];
	return NULL;
}
