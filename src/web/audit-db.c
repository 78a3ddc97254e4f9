/* The auditor's index (audit-db.h): built from escortd's state and logs,
 * queried with constant SQL whose every value is a bound parameter. */
#include "audit-db.h"

#include "util/json.h"
#include "web.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The index is built from the logs alone: an index of an older layout
 * (user_version) is dropped and built again. */
#define SCHEMA_VERSION 2
static const char drop_old[] = "DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS events;"
			       " DROP TABLE IF EXISTS lines; PRAGMA user_version = 2;";
static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, operator TEXT NOT NULL,"
    " host TEXT NOT NULL, log TEXT NOT NULL, started INTEGER NOT NULL, ended INTEGER NOT NULL,"
    " end_reason TEXT NOT NULL, max_level INTEGER NOT NULL, log_session TEXT NOT NULL,"
    " stamp TEXT, verify TEXT);"
    "CREATE TABLE IF NOT EXISTS events (session TEXT NOT NULL, seq INTEGER NOT NULL,"
    " at REAL NOT NULL, kind TEXT NOT NULL, exec_id INTEGER NOT NULL, program TEXT NOT NULL,"
    " level INTEGER NOT NULL, action TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_session ON events (session, seq);"
    "CREATE VIRTUAL TABLE IF NOT EXISTS lines USING fts5(body, session UNINDEXED,"
    " kind UNINDEXED, at UNINDEXED);";

static int db_failed(sqlite3 *db, struct error *err, const char *what)
{
	return error_set_code(err, ERR_SYSTEM, "the audit index: cannot %s: %s", what,
			      sqlite3_errmsg(db));
}

static int schema_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

sqlite3 *audit_db_open(const char *web_dir, struct error *err)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/audit.db", web_dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		error_set_code(err, ERR_SYSTEM, "cannot open the audit index %s: %s", path,
			       db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	chmod(path, 0600);
	sqlite3_busy_timeout(db, 5000);
	if ((schema_version(db) != SCHEMA_VERSION &&
	     sqlite3_exec(db, drop_old, NULL, NULL, NULL) != SQLITE_OK) ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		db_failed(db, err, "create its tables");
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static const char *text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

static int indexed(sqlite3 *db, const char *id)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sessions WHERE id = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* One session in its own transaction: a crash leaves it whole or absent. */
static int index_one(sqlite3 *db, sqlite3_stmt *st, struct error *err)
{
	struct audit_session_row s = {.id = text(st, 0),
				      .op = text(st, 1),
				      .host = text(st, 2),
				      .log = text(st, 3),
				      .started = sqlite3_column_int64(st, 4),
				      .ended = sqlite3_column_int64(st, 5),
				      .end_reason = text(st, 6)};

	if (indexed(db, s.id))
		return 0;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_failed(db, err, "begin");
	broker_log("the audit index: indexing session %s", s.id);
	if (audit_index_log(db, &s, err) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_failed(db, err, "commit");
	broker_log("the audit index: session %s indexed", s.id);
	return 0;
}

int audit_db_sync(sqlite3 *db, const char *state_dir, struct error *err)
{
	char path[PATH_MAX];
	sqlite3 *state = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	snprintf(path, sizeof(path), "%s/escortd.db", state_dir);
	if (sqlite3_open_v2(path, &state, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(state,
			       "SELECT id, operator, host, log, started, ended, end_reason"
			       " FROM sessions WHERE ended IS NOT NULL ORDER BY started",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = error_set_code(err, ERR_SYSTEM, "cannot read escortd's state %s: %s", path,
				    state ? sqlite3_errmsg(state) : "out of memory");
	}
	sqlite3_busy_timeout(state, 5000);
	while (rc == 0 && st && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = index_one(db, st, err);
	sqlite3_finalize(st);
	sqlite3_close(state);
	return rc;
}

/* Every value a bound parameter; an empty one (0, -1 for risk) filters
 * nothing. ?9 is the full-text search, in its own statement. */
#define LIST_COLUMNS                                                                               \
	"SELECT id, operator, host, started, ended, end_reason, max_level, log FROM sessions s "
#define LIST_WHERE                                                                                 \
	"WHERE (?1 = '' OR operator = ?1) AND (?2 = '' OR host = ?2)"                              \
	" AND (?3 = 0 OR started >= ?3) AND (?4 = 0 OR started <= ?4)"                             \
	" AND (?5 = '' OR EXISTS (SELECT 1 FROM events e WHERE e.session = s.id"                   \
	"      AND e.kind = 'exec' AND e.program = ?5))"                                           \
	" AND (?6 < 0 OR max_level >= ?6)"                                                         \
	" AND (?7 = '' OR EXISTS (SELECT 1 FROM events e WHERE e.session = s.id"                   \
	"      AND e.kind IN ('decision', 'approval') AND e.action = ?7))"                         \
	" AND (?8 = '' OR id = ?8)"
#define LIST_ORDER " ORDER BY started DESC, id LIMIT 200"

static const char list_sql[] = LIST_COLUMNS LIST_WHERE LIST_ORDER;
static const char search_sql[] = LIST_COLUMNS LIST_WHERE
    " AND id IN (SELECT session FROM lines WHERE lines MATCH ?9)" LIST_ORDER;

static void bind_filter(sqlite3_stmt *st, const struct audit_filter *f)
{
	sqlite3_bind_text(st, 1, f->operator_, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->from);
	sqlite3_bind_int64(st, 4, f->to);
	sqlite3_bind_text(st, 5, f->program, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, f->risk);
	sqlite3_bind_text(st, 7, f->decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, f->session, -1, SQLITE_STATIC);
	if (f->q[0])
		sqlite3_bind_text(st, 9, f->q, -1, SQLITE_STATIC);
}

/* The first lines of session id that the search matches. */
static int hits_json(sqlite3 *db, const char *id, const char *q, struct buf *out)
{
	sqlite3_stmt *st;
	int n = 0, step;

	buf_append_str(out, ",\"hits\":[");
	if (sqlite3_prepare_v2(
		db,
		"SELECT kind, at, body FROM lines WHERE lines MATCH ? AND session = ?"
		" ORDER BY rank LIMIT 5",
		-1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		buf_printf(out, "%s{\"kind\":", n++ ? "," : "");
		json_append_cstr(out, text(st, 0));
		buf_printf(out, ",\"at\":%.6f,", sqlite3_column_double(st, 1));
		web_shown_json(out, "text", text(st, 2));
		buf_putc(out, '}');
	}
	sqlite3_finalize(st);
	buf_putc(out, ']');
	return step == SQLITE_DONE ? 0 : -1;
}

static void row_json(sqlite3_stmt *st, struct buf *out)
{
	int level = sqlite3_column_int(st, 6);

	buf_append_str(out, "{\"id\":");
	json_append_cstr(out, text(st, 0));
	buf_putc(out, ',');
	web_shown_json(out, "operator", text(st, 1));
	buf_putc(out, ',');
	web_shown_json(out, "host", text(st, 2));
	buf_printf(out, ",\"started\":%lld,\"ended\":%lld,", (long long)sqlite3_column_int64(st, 3),
		   (long long)sqlite3_column_int64(st, 4));
	web_shown_json(out, "end_reason", text(st, 5));
	buf_append_str(out, ",\"risk\":");
	json_append_cstr(out, level >= 0 ? level_name(level) : "");
}

static int list_rows(sqlite3 *db, sqlite3_stmt *st, const struct audit_filter *f,
		     const struct signing_key *key, struct buf *out)
{
	int n = 0, step;

	buf_append_str(out, "{\"sessions\":[");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++)
			buf_putc(out, ',');
		row_json(st, out);
		buf_putc(out, ',');
		audit_verify_json(db, text(st, 0), text(st, 7), key, 1, out);
		if (f->q[0] && hits_json(db, text(st, 0), f->q, out) < 0)
			return SQLITE_ERROR;
		buf_putc(out, '}');
	}
	buf_printf(out, "],\"limit\":%d}", AUDIT_MAX_LIST);
	return step;
}

int audit_db_list(sqlite3 *db, const struct audit_filter *f, const struct signing_key *key,
		  struct buf *out, struct error *err)
{
	sqlite3_stmt *st;
	int step;

	if (sqlite3_prepare_v2(db, f->q[0] ? search_sql : list_sql, -1, &st, NULL) != SQLITE_OK)
		return db_failed(db, err, "list sessions");
	bind_filter(st, f);
	step = list_rows(db, st, f, key, out);
	/* The statements are constant: what fails in them is the search. */
	if (step != SQLITE_DONE && f->q[0] && step == SQLITE_ERROR)
		error_set_code(err, ERR_FAILED,
			       "the search is not a query: %s (words are matched whole; "
			       "quote a phrase with \"...\", a prefix ends with *)",
			       sqlite3_errmsg(db));
	else if (step != SQLITE_DONE)
		db_failed(db, err, "list sessions");
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : -1;
}
