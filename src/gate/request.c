#include "request.h"

#include "procmem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const request_env_names[ENV_COUNT] = {"LD_PRELOAD", "LD_LIBRARY_PATH", "PATH",
						  "BASH_ENV", "ENV"};

/* Where the kernel will look for path, seen from here through /proc. */
static int locate(struct exec_request *req, int dirfd, struct error *err)
{
	int n;

	if (req->empty_path)
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
		return error_set(err, "the path process %d asked to run is too long", (int)req->pid);
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

int exec_request_read(int listener, const struct seccomp_notif *n, struct exec_request *req,
		      struct error *err)
{
	int is_at = n->data.nr != SCMP_SYS(execve);
	uint64_t path_at = n->data.args[is_at ? 1 : 0];
	uint64_t argv_at = n->data.args[is_at ? 2 : 1];
	uint64_t envp_at = n->data.args[is_at ? 3 : 2];
	int dirfd = is_at ? (int)n->data.args[0] : AT_FDCWD;

	memset(req, 0, sizeof(*req));
	req->id = n->id;
	req->pid = (pid_t)n->pid;
	req->execveat = is_at;
	if (procmem_string(req->pid, path_at, req->path, sizeof(req->path), err) < 0)
		return -1;
	req->empty_path = is_at && req->path[0] == '\0' && (n->data.args[4] & AT_EMPTY_PATH);
	if (locate(req, dirfd, err) < 0 || read_cwd(req, err) < 0)
		return -1;
	if (argv_at != 0 &&
	    procmem_string_array(req->pid, argv_at, &req->argv, &req->argv_truncated, err) < 0)
		return -1;
	if (req->argv == NULL && (req->argv = calloc(1, sizeof(char *))) == NULL)
		return error_set(err, "out of memory");
	if (envp_at != 0 &&
	    procmem_env_select(req->pid, envp_at, request_env_names, ENV_COUNT, req->env, err) < 0)
		return -1;
	if (seccomp_notify_id_valid(listener, n->id) != 0)
		return error_set(err, "process %d went away while its exec was read", (int)req->pid);
	return 0;
}

void exec_request_free(struct exec_request *req)
{
	procmem_free_array(req->argv);
	req->argv = NULL;
	for (int k = 0; k < ENV_COUNT; k++) {
		free(req->env[k]);
		req->env[k] = NULL;
	}
}
