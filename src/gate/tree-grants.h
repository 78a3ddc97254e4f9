/* Tree approvals: "this process and what it starts, rated no higher". A
 * grant is bound to the process itself, not to its pid: the gate keeps a
 * pidfd of the approved process, and the grant ends when that process
 * exits, so a process that later gets the same pid inherits nothing. */
#ifndef ESCORT_TREE_GRANTS_H
#define ESCORT_TREE_GRANTS_H

#include <event2/event.h>
#include <stdint.h>
#include <sys/types.h>

struct tree_grants;

struct tree_grants *tree_grants_new(struct event_base *base);
/* Ends every grant (the session ended) and frees them all. */
void tree_grants_free(struct tree_grants *t);
/* Ends every grant; new ones may still be added. */
void tree_grants_clear(struct tree_grants *t);

/* Grants root's tree up to level; -1 when root is already gone (nothing
 * granted: the process it was for no longer exists). */
int tree_grants_add(struct tree_grants *t, pid_t root, int level, uint64_t exec_id);

/* Whether pid or one of its parents holds a live grant covering level; the
 * approving exec's id in *granted_by. */
int tree_grants_cover(struct tree_grants *t, pid_t pid, int level, uint64_t *granted_by);

#endif
