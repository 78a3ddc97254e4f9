/* The auditor's index of past sessions: STATE/web/audit.db, a SQLite
 * database of escortd's web console alone (never escortd's own state, so
 * that nothing here can hold a lock the event loop waits on). Everything in
 * it is built from the broker's signed copies of the logs, on the audit
 * thread (web-audit.c), never on the event loop. Text from the logs is
 * stored as data (bound parameters) and read back as data. */
#ifndef ESCORT_WEB_AUDIT_DB_H
#define ESCORT_WEB_AUDIT_DB_H

#include "audit-filter.h"
#include "log/keys.h"
#include "util/buf.h"
#include "util/error.h"

#include <sqlite3.h>

#define AUDIT_MAX_LIST 200     /* sessions listed at once */
#define AUDIT_MAX_HITS 5       /* matching lines shown per session */
#define AUDIT_MAX_LINES 50000  /* lines of one session indexed */
#define AUDIT_MAX_EVENTS 20000 /* timeline entries of one session */

/* audit-db.c */
sqlite3 *audit_db_open(const char *web_dir, struct error *err);
/* Indexes every ended session of escortd's state (state_dir/escortd.db)
 * not indexed yet. */
int audit_db_sync(sqlite3 *db, const char *state_dir, struct error *err);
/* The sessions f selects, as JSON. err->code ERR_FAILED: the search is
 * not a query (FTS5's message in err); ERR_SYSTEM: the database failed. */
int audit_db_list(sqlite3 *db, const struct audit_filter *f, const struct signing_key *key,
		  struct buf *out, struct error *err);
/* One session with its timeline and its log verified now, as JSON; -1 with
 * ERR_FAILED when there is no such session. */
int audit_db_session(sqlite3 *db, const char *id, const struct signing_key *key, struct buf *out,
		     struct error *err);
/* The path of session id's log (the broker's copy) into path. */
int audit_db_log_path(sqlite3 *db, const char *id, char *path, size_t size, struct error *err);

/* audit-index.c: one session's log into the index (in a transaction the
 * caller holds). */
struct audit_session_row {
	const char *id, *op, *host, *log, *end_reason;
	int64_t started, ended;
};
int audit_index_log(sqlite3 *db, const struct audit_session_row *s, struct error *err);

/* audit-verify.c: the log verified with escortd's key, as JSON fields
 * ("verify":{...}); cached in the index by the files' size and change time
 * when cache is set. */
void audit_verify_json(sqlite3 *db, const char *id, const char *log, const struct signing_key *key,
		       int cache, struct buf *out);

/* audit-cast.c: the log as asciicast v2 (export-asciicast.c). */
int audit_cast(const char *log, struct buf *out, struct error *err);

#endif
