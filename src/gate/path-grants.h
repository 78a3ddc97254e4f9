/* Path approvals: "changes to files under this folder by this program tree,
 * rated no higher". Bound to the approved process like a tree approval
 * (tree-grants.h): the grant ends when that process exits. A critical
 * change is never covered. */
#ifndef ESCORT_PATH_GRANTS_H
#define ESCORT_PATH_GRANTS_H

#include <event2/event.h>
#include <stdint.h>
#include <sys/types.h>

struct path_grants;

struct path_grants *path_grants_new(struct event_base *base);
void path_grants_free(struct path_grants *p);
/* Ends every grant (the session ended). */
void path_grants_clear(struct path_grants *p);

/* Grants changes under folder (absolute, normalised) by root's tree up to
 * level; -1 when root is gone or folder is not an absolute path below "/". */
int path_grants_add(struct path_grants *p, pid_t root, const char *folder, int level,
		    uint64_t by_id);

/* Whether a change to path by pid is covered; the approval's id in *by. */
int path_grants_cover(struct path_grants *p, pid_t pid, const char *path, int level, uint64_t *by);

/* Whether path is folder itself or inside it. */
int path_inside(const char *path, const char *folder);

#endif
