/* One trapped exec, read out of the process that asked for it: the path as
 * given, where that path leads from the process's point of view, argv, the
 * working directory and the environment variables that change what runs. */
#ifndef ESCORT_REQUEST_H
#define ESCORT_REQUEST_H

#include "util/error.h"

#include <limits.h>
#include <seccomp.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	ENV_LD_PRELOAD,
	ENV_LD_LIBRARY_PATH,
	ENV_PATH,
	ENV_BASH_ENV,
	ENV_ENV,
	ENV_LD_AUDIT,	/* audit libraries: loaded into the program like LD_PRELOAD */
	ENV_GCONV_PATH, /* iconv modules: code glibc loads from there */
	ENV_COUNT
};

extern const char *const request_env_names[ENV_COUNT];

struct exec_request {
	uint64_t id; /* the notification's */
	pid_t pid;   /* the thread that called exec */
	int execveat;
	int empty_path; /* execveat(fd, "", AT_EMPTY_PATH): the open file itself */
	int via_fd;	/* "/proc/self/fd/N" or "/dev/fd/N": the caller's descriptor N */
	char path[4096];
	char target[PATH_MAX + 64]; /* path through /proc/PID/{root,cwd,fd/N}, or /proc/self/fd/N */
	int target_fd;		    /* the file, opened by the gate (O_PATH), or -1 */
	char cwd[PATH_MAX];
	char **argv;
	int argv_truncated;
	char *env[ENV_COUNT]; /* "NAME=value", or NULL when unset */
	int env_read;
};

/* Reads the request of notification n from its process, then checks that
 * the notification is still live (so what was read belongs to it). */
int exec_request_read(int listener, const struct seccomp_notif *n, struct exec_request *req,
		      struct error *err);
void exec_request_free(struct exec_request *req);

/* The first variable that loads code of the caller's choosing into the
 * program (LD_PRELOAD, LD_AUDIT, GCONV_PATH), "NAME=value", or NULL. */
const char *exec_request_injects_code(const struct exec_request *req);

#endif
