#include "code-map.h"

#include "identity.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

enum { CODE_UNJUDGED, CODE_SYSTEM, CODE_FOREIGN };

/* The name the file has here is this very file: the package manager
 * installed that path and only root can change it, or the content is an
 * indexed system program's. */
static int system_code(struct identity_cache *ids, const char *real, const struct identity *id)
{
	struct stat st;

	if (stat(real, &st) < 0 || st.st_dev != id->dev || st.st_ino != id->ino)
		return id->known_as[0] != '\0';
	if (package_paths_owns(identity_cache_packages(ids), real) && identity_path_trusted(real))
		return 1;
	return id->known_as[0] != '\0';
}

/* target: how the gate reaches the file (/proc/PID/fd/N, /proc/PID/root/...);
 * real: its name as the process sees it. */
static enum effect_outcome judge_file(struct identity_cache *ids, struct identity_index *idx,
				      const char *target, const char *real, struct effect *e)
{
	struct identity_naming *naming = NULL;
	struct identity id;
	struct error err;
	struct stat st;

	snprintf(e->file, sizeof(e->file), "%s", real);
	if (strcmp(real, "/dev/zero") == 0 && stat(target, &st) == 0 && S_ISCHR(st.st_mode))
		return EFFECT_ALLOW; /* anonymous memory, as old JITs ask for it */
	if (real[0] != '/' || identity_cache_get(ids, idx, target, &id, &naming, &err) < 0)
		return EFFECT_REFUSE; /* a memfd, an anonymous inode, or unreadable */
	if (!S_ISREG(id.mode) || id.nlink == 0)
		return EFFECT_REFUSE; /* a deleted file cannot be looked at again */
	if (naming->code == CODE_UNJUDGED)
		naming->code = system_code(ids, real, &id) ? CODE_SYSTEM : CODE_FOREIGN;
	return naming->code == CODE_SYSTEM ? EFFECT_ALLOW : EFFECT_REFUSE;
}

static enum effect_outcome judge_map(struct identity_cache *ids, struct identity_index *idx,
				     const struct seccomp_notif *n, struct effect *e)
{
	int fd = (int)(uint32_t)n->data.args[4];
	char target[64], real[PATH_MAX];
	ssize_t len;

	if (n->data.args[3] & MAP_ANONYMOUS)
		return EFFECT_ALLOW;
	snprintf(target, sizeof(target), "/proc/%d/fd/%d", (int)n->pid, fd);
	len = readlink(target, real, sizeof(real) - 1);
	if (len < 0 && errno == ENOENT) {
		e->error = EBADF; /* no such descriptor: the kernel says so */
		return EFFECT_AS_KERNEL;
	}
	if (len < 0)
		return EFFECT_REFUSE;
	real[len] = '\0';
	return judge_file(ids, idx, target, real, e);
}

/* One line of /proc/PID/maps: its range, device, inode and path. */
struct mapping {
	uint64_t start, end;
	unsigned major, minor;
	unsigned long inode;
	const char *path;
};

static int parse_mapping(const char *line, struct mapping *m)
{
	int at = 0;

	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %*x %x:%x %lu %n", &m->start, &m->end,
		   &m->major, &m->minor, &m->inode, &at) < 5)
		return -1;
	m->path = line + at;
	return 0;
}

/* A file-backed mapping: judged by its path through the process's root,
 * when that path still leads to the mapped file. */
static enum effect_outcome judge_mapping(struct identity_cache *ids, struct identity_index *idx,
					 pid_t pid, const struct mapping *m, struct effect *e)
{
	char target[PATH_MAX + 32];
	struct stat st;

	if (m->inode == 0)
		return EFFECT_ALLOW; /* anonymous: the heap, a JIT's buffer */
	snprintf(e->file, sizeof(e->file), "%s", m->path);
	if (m->path[0] != '/' ||
	    snprintf(target, sizeof(target), "/proc/%d/root%s", (int)pid, m->path) >=
		(int)sizeof(target) ||
	    stat(target, &st) < 0 || st.st_ino != m->inode ||
	    st.st_dev != makedev(m->major, m->minor))
		return EFFECT_REFUSE; /* deleted, replaced, or not a file */
	return judge_file(ids, idx, target, m->path, e);
}

static enum effect_outcome judge_protect(struct identity_cache *ids, struct identity_index *idx,
					 const struct seccomp_notif *n, struct effect *e)
{
	uint64_t from = n->data.args[0], to = from + n->data.args[1];
	enum effect_outcome o = EFFECT_ALLOW;
	char name[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/maps", (int)n->pid);
	if ((f = fopen(name, "re")) == NULL)
		return EFFECT_GONE;
	while (o == EFFECT_ALLOW && getline(&line, &cap, f) > 0) {
		struct mapping m;
		line[strcspn(line, "\n")] = '\0';
		if (parse_mapping(line, &m) == 0 && m.start < to && m.end > from)
			o = judge_mapping(ids, idx, (pid_t)n->pid, &m, e);
	}
	free(line);
	fclose(f);
	return o;
}

enum effect_outcome code_map_judge(struct identity_cache *ids, struct identity_index *idx,
				   const struct seccomp_notif *n, struct effect *e)
{
	if (e->call->check == HELD_CODE_MAP)
		return judge_map(ids, idx, n, e);
	return judge_protect(ids, idx, n, e);
}
