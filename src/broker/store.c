#include "store-internal.h"

#include "util/xmalloc.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, operator TEXT NOT NULL,"
    " uid INTEGER NOT NULL, host TEXT NOT NULL, argv TEXT NOT NULL, log TEXT NOT NULL,"
    " started INTEGER NOT NULL, ended INTEGER, end_reason TEXT, acked INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS approvals (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " session TEXT NOT NULL, ask_id INTEGER NOT NULL, operator TEXT NOT NULL, host TEXT NOT NULL,"
    " argv TEXT NOT NULL, cwd TEXT NOT NULL, identity TEXT NOT NULL, level INTEGER NOT NULL,"
    " summary TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', decided_by TEXT,"
    " scope TEXT, note TEXT, created INTEGER NOT NULL, decided INTEGER);"
    "CREATE TABLE IF NOT EXISTS decisions (session TEXT NOT NULL, ask_id INTEGER NOT NULL,"
    " action TEXT NOT NULL, by TEXT NOT NULL, level INTEGER NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS locks (user TEXT PRIMARY KEY, reason TEXT NOT NULL,"
    " by TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS enroll_tokens (hash TEXT PRIMARY KEY, host TEXT NOT NULL,"
    " created INTEGER NOT NULL, expires INTEGER NOT NULL, used INTEGER);"
    "CREATE TABLE IF NOT EXISTS host_certs (serial TEXT PRIMARY KEY, host TEXT NOT NULL,"
    " issued INTEGER NOT NULL, revoked INTEGER);"
    "CREATE TABLE IF NOT EXISTS credentials (hash TEXT PRIMARY KEY, account TEXT NOT NULL,"
    " address TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " revoked INTEGER);";

static int db_error(struct store *s, struct error *err, const char *what)
{
	return error_set(err, "the state database: cannot %s: %s", what, sqlite3_errmsg(s->db));
}

struct store *store_open(const char *dir, struct error *err)
{
	char path[PATH_MAX];
	struct store *s = xcalloc(1, sizeof(*s));

	snprintf(path, sizeof(path), "%s/escortd.db", dir);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		error_set(err, "cannot open the state database %s: %s", path,
			  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	chmod(path, 0600);
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		error_set(err, "cannot create the tables in %s: %s", path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

int store_run(struct store *s, struct error *err, const char *what, const char *sql,
	      const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, err, what);
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 's')
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1,
					  SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
	}
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(s, err, what);
	return 0;
}

int64_t store_now(void)
{
	return (int64_t)time(NULL);
}

int store_session_start(struct store *s, const struct store_session *ss, struct error *err)
{
	return store_run(s, err, "record a session",
			 "INSERT INTO sessions (id, operator, uid, host, argv, log, started) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?)",
			 "ssisssi", ss->id, ss->op, (int64_t)ss->uid, ss->host, ss->argv_json,
			 ss->log, store_now());
}

int store_session_acked(struct store *s, const char *id, uint64_t seq, struct error *err)
{
	return store_run(s, err, "record an acknowledgement",
			 "UPDATE sessions SET acked = ? WHERE id = ?", "is", (int64_t)seq, id);
}

int store_session_end(struct store *s, const char *id, const char *reason, struct error *err)
{
	return store_run(
	    s, err, "record the end of a session",
	    "UPDATE sessions SET ended = ?, end_reason = ? WHERE id = ? AND ended IS NULL", "iss",
	    store_now(), reason, id);
}

static void copy_column(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

int store_session_find(struct store *s, const char *id, char *op, size_t op_size, unsigned *uid,
		       uint64_t *acked, char *log, size_t log_size, char *host, size_t host_size)
{
	sqlite3_stmt *st;
	int found = -1;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT operator, uid, acked, log, host FROM sessions "
			       "WHERE id = ? AND ended IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		copy_column(st, 0, op, op_size);
		*uid = (unsigned)sqlite3_column_int64(st, 1);
		*acked = (uint64_t)sqlite3_column_int64(st, 2);
		copy_column(st, 3, log, log_size);
		copy_column(st, 4, host, host_size);
		found = 0;
	}
	sqlite3_finalize(st);
	return found;
}

int64_t store_approval_add(struct store *s, const struct store_approval *a, struct error *err)
{
	if (store_run(
		s, err, "record an approval request",
		"INSERT INTO approvals (session, ask_id, operator, host, argv, cwd, identity, "
		"level,"
		" summary, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"sisssssisi", a->session, (int64_t)a->ask_id, a->op, a->host, a->argv_json, a->cwd,
		a->identity, (int64_t)a->level, a->summary, store_now()) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int store_approval_close(struct store *s, int64_t id, const char *state, const char *by,
			 const char *scope, const char *note, struct error *err)
{
	return store_run(
	    s, err, "record an answer",
	    "UPDATE approvals SET state = ?, decided_by = ?, scope = ?, note = ?, decided = ?"
	    " WHERE id = ?",
	    "ssssii", state, by, scope, note, store_now(), id);
}

int store_approval_state(struct store *s, int64_t id, char *state, size_t state_size, char *note,
			 size_t note_size)
{
	sqlite3_stmt *st;
	int found = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT state, note FROM approvals WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		copy_column(st, 0, state, state_size);
		copy_column(st, 1, note, note_size);
		found = 0;
	}
	sqlite3_finalize(st);
	return found;
}

int store_approvals_abandon(struct store *s, struct error *err)
{
	return store_run(
	    s, err, "close the approvals of before the restart",
	    "UPDATE approvals SET state = 'abandoned', decided = ? WHERE state = 'pending'", "i",
	    store_now());
}

int store_decision(struct store *s, const char *session, uint64_t ask_id, const char *action,
		   const char *by, int level, struct error *err)
{
	return store_run(s, err, "record a decision",
			 "INSERT INTO decisions (session, ask_id, action, by, level, at) "
			 "VALUES (?, ?, ?, ?, ?, ?)",
			 "sissii", session, (int64_t)ask_id, action, by, (int64_t)level,
			 store_now());
}

int store_lock(struct store *s, const char *user, const char *reason, const char *by,
	       struct error *err)
{
	return store_run(s, err, "record a lock",
			 "INSERT OR REPLACE INTO locks (user, reason, by, at) VALUES (?, ?, ?, ?)",
			 "sssi", user, reason, by, store_now());
}

int store_unlock(struct store *s, const char *user, struct error *err)
{
	return store_run(s, err, "remove a lock", "DELETE FROM locks WHERE user = ?", "s", user);
}

int store_locked(struct store *s, const char *user, struct store_lock *out)
{
	sqlite3_stmt *st;
	int locked = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT user, reason, by, at FROM locks WHERE user = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return 1; /* cannot tell: treat as locked */
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		copy_column(st, 0, out->user, sizeof(out->user));
		copy_column(st, 1, out->reason, sizeof(out->reason));
		copy_column(st, 2, out->by, sizeof(out->by));
		out->at = sqlite3_column_int64(st, 3);
		locked = 1;
	}
	sqlite3_finalize(st);
	return locked;
}
