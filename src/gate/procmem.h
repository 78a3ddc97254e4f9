/* Reading another process's memory for the exec gate: the path and argv of
 * a trapped execve. Every size is bounded; what the process wrote there is
 * hostile and may change while it is read (re-check the notification after). */
#ifndef ESCORT_PROCMEM_H
#define ESCORT_PROCMEM_H

#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCMEM_MAX_STRING 4096 /* a path or one argument */
#define PROCMEM_MAX_ARGS 1024
#define PROCMEM_MAX_TOTAL (256 * 1024)

/* Reads exactly len bytes at addr in pid into out; -1 with err otherwise. */
int procmem_read(pid_t pid, uint64_t addr, void *out, size_t len, struct error *err);
/* Writes len bytes (within one page's reach of a call the process made:
 * sendmmsg's msg_len) at addr in pid; -1 with err otherwise. */
int procmem_write(pid_t pid, uint64_t addr, const void *data, size_t len, struct error *err);
/* The start of /proc/PID/NAME (stat, status, comm, fdinfo/N...), at most
 * size - 1 bytes, NUL-terminated; its length, or -1 when it cannot be read. */
ssize_t procfs_read(pid_t pid, const char *name, char *buf, size_t size);
/* The process's command name (/proc/PID/comm without its newline), or "?". */
void procfs_comm(pid_t pid, char *out, size_t size);

/* Reads a NUL-terminated string at addr in pid into out (size bytes).
 * Returns its length, or -1 with err: code ERR_TRUNCATED when it is longer
 * than size-1, ERR_SYSTEM when it cannot be read. */
ssize_t procmem_string(pid_t pid, uint64_t addr, char *out, size_t size, struct error *err);

/* Reads a NULL-terminated array of string pointers (argv or envp). *out is a
 * malloc'd NULL-terminated array of malloc'd strings; *truncated is set when
 * the limits cut it short. */
int procmem_string_array(pid_t pid, uint64_t addr, char ***out, int *truncated, struct error *err);

void procmem_free_array(char **array);

/* From the environment array at addr, the values ("NAME=value" whole) of the
 * variables named; values[k] is NULL when names[k] is not set. Fails when
 * the array cannot be read completely: an unchecked variable could change
 * what runs. */
int procmem_env_select(pid_t pid, uint64_t addr, const char *const *names, size_t nnames,
		       char **values, struct error *err);

/* Which of names the environment entry "NAME=value" (len bytes known) sets, or -1. */
int procmem_env_name(const char *entry, size_t len, const char *const *names, size_t nnames);
/* Keeps entry (malloc'd, taken over) in *slot; a second one is joined with a newline. */
void procmem_env_keep(char **slot, char *entry);

/* The common case of an exec in two system calls: the path, argv and the
 * environment when all are short and end inside their pages. Returns 0 when
 * anything needs the careful reads above (nothing is then kept). */
struct procmem_exec {
	char path[512];
	char **argv; /* malloc'd, NULL-terminated */
	char **env;  /* malloc'd, NULL-terminated */
};
int procmem_exec_fast(pid_t pid, uint64_t path_at, uint64_t argv_at, uint64_t envp_at,
		      struct procmem_exec *out);

#endif
