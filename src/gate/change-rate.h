/* Rating a change to files: the rules about changes (rules/80-changes.yaml:
 * kinds and path globs, "~" for the account's home) on every path it
 * touches, then what only the gate can tell: escort's own files, a
 * set-user-id bit however the mode was written, device nodes. A change no
 * rule knows is "outside the folders for scratch work": medium. */
#ifndef ESCORT_CHANGE_RATE_H
#define ESCORT_CHANGE_RATE_H

#include "caller-creds.h"
#include "change.h"
#include "link-names.h"
#include "risk/risk.h"

/* Whether path is one of escort's own files or below one of its folders. */
typedef int (*own_file_fn)(void *ctx, const char *path);

struct change_rater {
	struct risk_engine *risk;
	own_file_fn own;
	void *own_ctx;
	const struct link_names *links; /* the other names of files the session linked */
	own_file_fn holds_own;		/* whether a folder holds some (own_ctx too) */
	uid_t account;			/* the session's own account */
};

/* Account uid's home folder ("" when it has none), for the rules' "~". */
const char *change_rate_home(uid_t uid);

/* Fills r (risk_report_free it). */
void change_rate(const struct change_rater *cr, const struct change *c, const struct creds *who,
		 struct risk_report *r);

#endif
