/* One past session for the auditor: who, where, its verify result (now, not
 * cached) and its timeline of execs, decisions, approvals and locks. */
#include "audit-db.h"

#include "risk/rules.h"
#include "util/json.h"
#include "web.h"

#include <stdio.h>
#include <string.h>

static const char *text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

static int no_session(struct error *err, const char *id)
{
	return error_set_code(err, ERR_FAILED, "no past session %s", id);
}

int audit_db_log_path(sqlite3 *db, const char *id, char *path, size_t size, struct error *err)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT log FROM sessions WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return error_set_code(err, ERR_SYSTEM, "the audit index: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && strlen(text(st, 0)) < size) {
		snprintf(path, size, "%s", text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found ? 0 : no_session(err, id);
}

static void event_json(sqlite3_stmt *st, struct buf *out)
{
	int level = sqlite3_column_int(st, 5);

	buf_printf(out,
		   "{\"seq\":%lld,\"at\":%.6f,\"kind\":", (long long)sqlite3_column_int64(st, 0),
		   sqlite3_column_double(st, 1));
	json_append_cstr(out, text(st, 2));
	buf_printf(out, ",\"exec\":%lld,", (long long)sqlite3_column_int64(st, 3));
	web_shown_json(out, "program", text(st, 4));
	buf_append_str(out, ",\"level\":");
	json_append_cstr(out, level >= 0 ? level_name(level) : "");
	buf_putc(out, ',');
	web_shown_json(out, "action", text(st, 6));
	buf_putc(out, ',');
	web_shown_json(out, "text", text(st, 7));
	buf_putc(out, '}');
}

static int timeline_json(sqlite3 *db, const char *id, struct buf *out)
{
	sqlite3_stmt *st;
	int n = 0, step;

	if (sqlite3_prepare_v2(db,
			       "SELECT seq, at, kind, exec_id, program, level, action, text"
			       " FROM events WHERE session = ? ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	buf_append_str(out, ",\"timeline\":[");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++)
			buf_putc(out, ',');
		event_json(st, out);
	}
	buf_putc(out, ']');
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : -1;
}

int audit_db_session(sqlite3 *db, const char *id, const struct signing_key *key, struct buf *out,
		     struct error *err)
{
	char log[PATH_MAX];

	if (audit_db_log_path(db, id, log, sizeof(log), err) < 0)
		return -1;
	buf_append_str(out, "{\"id\":");
	json_append_cstr(out, id);
	buf_putc(out, ',');
	audit_verify_json(db, id, log, key, 0, out);
	if (timeline_json(db, id, out) < 0)
		return error_set_code(err, ERR_SYSTEM, "the audit index: %s", sqlite3_errmsg(db));
	buf_putc(out, '}');
	return 0;
}
