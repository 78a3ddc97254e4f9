#include "socket-file.h"

#include "change-rate.h"
#include "creds-cache.h"
#include "path-walk.h"
#include "util/buf.h"
#include "util/visible.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Where the socket file would be, walked from the caller's root and working
 * directory with its rights (the last name not followed, as bind does). */
static int resolve(struct gate *g, pid_t tid, const char *path, const struct creds *who,
		   struct walked *w)
{
	struct walk_start s;
	int rc;

	if ((rc = walk_start_open(tid, tid, gate_session_root(g, tid), AT_FDCWD, path, &s)) < 0)
		return rc;
	s.not_gate_own = 1; /* the gate's own /proc links are not the caller's */
	if (!creds_can_take(&g->self, who) || creds_take(&g->self, who, 0) < 0)
		rc = -EPERM;
	else {
		rc = path_walk(&s, path, WALK_NOFOLLOW, w);
		creds_restore(&g->self, who);
	}
	walk_start_close(&s);
	return rc;
}

static int in_scratch(struct gate *g, const char *path, const struct creds *who)
{
	char tilde[PATH_MAX + 2];
	struct risk_report r;
	int scratch = 0;

	risk_rate_change(
	    g->cfg.risk, "create", path,
	    risk_home_relative(path, change_rate_home(who->fsuid), tilde, sizeof(tilde)),
	    who->fsuid == 0, &r);
	for (size_t i = 0; i < r.n && !scratch; i++)
		scratch = strcmp(r.findings[i].rule, "changes.scratch") == 0;
	risk_report_free(&r);
	return scratch;
}

static void describe(struct effect *e, const char *path)
{
	struct buf b = {0};

	visible_append(&b, path, strlen(path) < 200 ? strlen(path) : 200);
	e->level = LEVEL_MEDIUM;
	e->attack = "T1557";
	snprintf(e->where, sizeof(e->where), "on %s", buf_cstr(&b));
	snprintf(e->what, sizeof(e->what),
		 "Makes a local socket at %s, outside the folders for scratch work: programs "
		 "that expect a service there would talk to this program instead, and send it "
		 "what they send that service (passwords, commands)",
		 buf_cstr(&b));
	buf_free(&b);
}

int socket_file_outside_scratch(struct gate *g, pid_t tid, struct effect *e)
{
	struct creds who;
	struct walked w;
	int outside;

	if (e->call->check != HELD_BIND || !e->has_address || e->address.kind != SA_UNIX_PATH ||
	    creds_cache_get(g->creds, tid, &who) < 0)
		return 0;
	if (resolve(g, tid, e->address.path, &who, &w) < 0)
		return 0;
	outside = w.object < 0 && w.path[0] == '/' && !in_scratch(g, w.path, &who);
	if (outside)
		describe(e, w.path);
	walked_close(&w);
	return outside;
}
