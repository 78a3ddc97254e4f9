/* escort's own files, which nothing a session does may reach: the session's
 * log, the keys it records with, escort's configuration, rules and program
 * index, escortd's state and socket. A root session has them hidden in its
 * mount namespace (session/hide.c); the file gate refuses writes to them
 * (own_files_contains on the path the kernel would use). */
#ifndef ESCORT_OWN_FILES_H
#define ESCORT_OWN_FILES_H

#include <stddef.h>

enum own_kind {
	OWN_TREE, /* a directory and everything under it */
	OWN_FILE, /* one file */
	OWN_LOG,  /* a session log: the file and its segments (PATH.1, PATH.2, ...) */
};

struct own_path {
	char *path; /* absolute, resolved as far as it exists */
	enum own_kind kind;
};

struct own_files {
	struct own_path *paths;
	size_t n, cap;
};

void own_files_free(struct own_files *o);

/* Adds path (NULL or "" are ignored). A relative path is taken from the
 * working directory; what exists of it is resolved (symbolic links, "..").
 * Returns -1 when it cannot be made absolute. */
int own_files_add(struct own_files *o, const char *path, enum own_kind kind);

/* escort's installed places: the key and configuration directory, escortd's
 * state and socket directories, the default log directory, the shipped rules
 * and the default program index. */
void own_files_add_defaults(struct own_files *o);

/* Whether resolved_path (absolute, normalised: what the kernel would use) is
 * one of escort's own files or lies under one of its directories. */
int own_files_contains(const struct own_files *o, const char *resolved_path);
/* Whether one of them lies under the folder resolved_path (moving the folder
 * moves them: the log the session host still writes, its next segments'
 * names, a key file named by option). */
int own_files_within(const struct own_files *o, const char *resolved_path);

#endif
