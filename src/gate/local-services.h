/* Local sockets whose service grants control of the whole machine (or is
 * escort's own): a session that may connect to them is root, whatever its
 * account. A short embedded list, matched by the socket file itself (device
 * and inode, through any symlink, hard link or bind mount) and by name. */
#ifndef ESCORT_LOCAL_SERVICES_H
#define ESCORT_LOCAL_SERVICES_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct local_service {
	const char *path; /* a socket, or a directory (ending in '/') and all in it */
	int level;	  /* enum risk_level */
	const char *what;
};

/* The service behind the socket file path, as process pid names it (a
 * relative path is resolved against its working directory), or NULL.
 * absolute (size bytes) gets the path the kernel will look up, for people. */
const struct local_service *local_service_at(pid_t pid, const char *path, char *absolute,
					     size_t size);

/* The service behind a socket file already resolved (the path the process
 * reaches it by, absolute, and the file itself), or NULL. */
const struct local_service *local_service_file(const char *absolute, const struct stat *st);

/* The socket file path leads process pid to, and the folder that really
 * holds it (through symlinks): 0, or -1 when it is not a socket the gate
 * can see. */
int local_socket_stat(pid_t pid, const char *path, struct stat *sock, struct stat *dir);

/* Adds escort's broker socket the session host uses (--socket or
 * ESCORT_SOCKET) to the sockets of escort itself; the default one is
 * always there. One path is kept; NULL keeps the default only. */
void local_services_protect(const char *path);

/* "/var/run/x" and "/run//y/../x" as /run/x: the lexical form names are
 * compared in (out: size bytes). */
void local_services_normalize(const char *path, char *out, size_t size);

#endif
