#include "local-services.h"

#include "risk/rules.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_EQUIVALENT "the same as being the machine's administrator (root)"
#define CONTAINERS                                                                                 \
	", which can start a container that mounts the whole machine's disk: " ROOT_EQUIVALENT
#define ESCORT_OWN                                                                                 \
	"Talks to escortd, the service that supervises this session and keeps its record; the "    \
	"session must not reach it"

/* The system D-Bus (/run/dbus/system_bus_socket) is not listed: the bus and
 * the services on it check each caller (polkit) themselves, and everyday
 * tools (systemctl status, hostnamectl, loginctl, timedatectl) need it.
 * Sockets not listed (including abstract ones) are allowed: what a service
 * does on behalf of an unprivileged caller is that service's authorisation. */
static const struct local_service services[] = {
    {"/run/docker.sock", LEVEL_HIGH, "Talks to Docker" CONTAINERS},
    {"/run/containerd/containerd.sock", LEVEL_HIGH, "Talks to containerd" CONTAINERS},
    {"/run/podman/podman.sock", LEVEL_HIGH, "Talks to the system's Podman" CONTAINERS},
    {"/run/libvirt/libvirt-sock", LEVEL_HIGH,
     "Talks to libvirt, which can start virtual machines with the machine's disks and change "
     "its network: " ROOT_EQUIVALENT},
    {"/run/snapd.socket", LEVEL_HIGH,
     "Talks to snapd, which installs and runs software as root: " ROOT_EQUIVALENT},
    {"/run/systemd/private", LEVEL_HIGH,
     "Talks to systemd on its private socket, without the checks of the system bus: it can "
     "start, stop or change any service, " ROOT_EQUIVALENT},
    {"/run/escort/escortd.sock", LEVEL_HIGH, ESCORT_OWN},
};

static char protected_path[PATH_MAX];
static const struct local_service protected_service = {protected_path, LEVEL_HIGH, ESCORT_OWN};
static const struct local_service escort_directory = {"/run/escort/", LEVEL_HIGH, ESCORT_OWN};

void local_services_protect(const char *path)
{
	char cwd[PATH_MAX], joined[PATH_MAX * 2];

	protected_path[0] = 0;
	if (path == NULL || path[0] == 0)
		return;
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL) {
		snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
		path = joined;
	}
	local_services_normalize(path, protected_path, sizeof(protected_path));
}

/* Appends component c (n bytes) to out, or removes the last for "..". */
static void push_component(char *out, size_t size, size_t *len, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*len > 0 && out[--*len] != '/')
			;
		out[*len] = 0;
		return;
	}
	if (*len + 1 + n >= size)
		return;
	out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = 0;
}

void local_services_normalize(const char *path, char *out, size_t size)
{
	size_t len = 0;

	out[0] = 0;
	while (*path) {
		size_t n = strcspn(path, "/");
		push_component(out, size, &len, path, n);
		path += n + (path[n] == '/');
	}
	if (len == 0)
		snprintf(out, size, "/");
	else if (strncmp(out, "/var/run/", 9) == 0) /* Debian: /var/run -> /run */
		memmove(out, out + 4, len - 4 + 1);
}

static int same_file(const struct stat *st, const char *path)
{
	struct stat other;

	return stat(path, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

static int is(const struct local_service *s, const char *name, const struct stat *st)
{
	if (s->path[0] == 0)
		return 0;
	return strcmp(s->path, name) == 0 || (st && same_file(st, s->path));
}

static const struct local_service *find(const char *name, const struct stat *st)
{
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (is(&services[i], name, st))
			return &services[i];
	if (is(&protected_service, name, st))
		return &protected_service;
	if (strncmp(name, escort_directory.path, strlen(escort_directory.path)) == 0)
		return &escort_directory; /* escort's runtime directory, whatever is in it */
	return NULL;
}

/* The name the gate reaches path by as process pid would: through the
 * process's own root or working directory. */
static void through_proc(pid_t pid, const char *path, char *out, size_t size)
{
	if (path[0] == '/')
		snprintf(out, size, "/proc/%d/root%s", (int)pid, path);
	else
		snprintf(out, size, "/proc/%d/cwd/%s", (int)pid, path);
}

/* The absolute name (for people and for comparing names) and the file the
 * process reaches, through its own working directory and root. */
static int resolve(pid_t pid, const char *path, char *absolute, size_t size, struct stat *st)
{
	char link[64], cwd[PATH_MAX], joined[PATH_MAX * 2];
	ssize_t n;

	if (path[0] == '/') {
		local_services_normalize(path, absolute, size);
	} else {
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		n = readlink(link, cwd, sizeof(cwd) - 1);
		cwd[n > 0 ? n : 0] = 0;
		snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
		local_services_normalize(joined, absolute, size);
	}
	through_proc(pid, path, joined, sizeof(joined));
	return stat(joined, st);
}

int local_socket_stat(pid_t pid, const char *path, struct stat *sock, struct stat *dir)
{
	char joined[PATH_MAX * 2], link[64], real[PATH_MAX], *slash;
	int fd, rc = -1;
	ssize_t n;

	through_proc(pid, path, joined, sizeof(joined));
	if ((fd = open(joined, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n > 0 && fstat(fd, sock) == 0 && S_ISSOCK(sock->st_mode)) {
		real[n] = 0;
		slash = strrchr(real, '/');
		if (slash && slash != real) {
			*slash = 0;
			rc = stat(real, dir);
		}
	}
	close(fd);
	return rc;
}

const struct local_service *local_service_at(pid_t pid, const char *path, char *absolute,
					     size_t size)
{
	struct stat st;
	int found = resolve(pid, path, absolute, size, &st) == 0 && S_ISSOCK(st.st_mode);

	return find(absolute, found ? &st : NULL);
}

const struct local_service *local_service_file(const char *absolute, const struct stat *st)
{
	char name[PATH_MAX];

	local_services_normalize(absolute, name, sizeof(name));
	return find(name, S_ISSOCK(st->st_mode) ? st : NULL);
}
