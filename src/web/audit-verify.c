/* A past session's log verified for the auditor: the existing verifier
 * (log/verify.c) on the broker's signed copy, with escortd's own key as the
 * trusted signer. The list shows a result cached by the files' sizes and
 * change times (a log written to since is verified again); one session's
 * page verifies it now. */
#include "audit-db.h"

#include "log/reader.h"
#include "log/verify.h"
#include "util/json.h"
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Size and change time of every segment: what a change to the log moves. */
static void stamp_of(const char *log, struct buf *out)
{
	for (size_t i = 0; i < LOG_MAX_SEGMENTS; i++) {
		char *path = log_segment_path(log, i);
		struct stat st;
		int rc = path ? stat(path, &st) : -1;

		free(path);
		if (rc < 0)
			break;
		buf_printf(out, "%zu:%lld:%lld.%ld;", i, (long long)st.st_size,
			   (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	}
}

static const char *ending_name(enum verify_ending e)
{
	return e == ENDING_COMPLETE    ? "complete"
	       : e == ENDING_RECOVERED ? "recovered"
				       : "truncated";
}

static void verified(const char *log, const struct signing_key *key, struct buf *out)
{
	struct verify_options opt = {
	    .key = key}; /* the log has the host's session id, not escortd's */
	struct verify_report rep;
	struct error err;

	memset(&rep, 0, sizeof(rep));
	if (verify_log(log, &opt, &rep, &err) < 0) {
		buf_append_str(out, "{\"intact\":false,\"ending\":\"unreadable\",");
		web_shown_json(out, "problem", err.msg);
		buf_putc(out, '}');
		return;
	}
	buf_printf(out, "{\"intact\":%s,\"ending\":\"%s\",\"records\":%llu,\"signed\":%llu,",
		   rep.intact ? "true" : "false", ending_name(rep.ending),
		   (unsigned long long)rep.records, (unsigned long long)rep.signed_up_to);
	web_shown_json(out, "problem", rep.problem);
	buf_putc(out, '}');
}

static int cached(sqlite3 *db, const char *id, const char *stamp, struct buf *out)
{
	sqlite3_stmt *st;
	int hit = 0;

	if (sqlite3_prepare_v2(db, "SELECT verify FROM sessions WHERE id = ? AND stamp = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stamp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		buf_append_str(out, (const char *)sqlite3_column_text(st, 0));
		hit = 1;
	}
	sqlite3_finalize(st);
	return hit;
}

static void remember(sqlite3 *db, const char *id, const char *stamp, const char *result)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "UPDATE sessions SET stamp = ?, verify = ? WHERE id = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, stamp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

void audit_verify_json(sqlite3 *db, const char *id, const char *log, const struct signing_key *key,
		       int cache, struct buf *out)
{
	struct buf stamp = {0}, result = {0};

	stamp_of(log, &stamp);
	buf_append_str(out, "\"verify\":");
	if (!cache || !cached(db, id, buf_cstr(&stamp), out)) {
		verified(log, key, &result);
		remember(db, id, buf_cstr(&stamp), buf_cstr(&result));
		buf_append(out, result.data, result.len);
	}
	buf_free(&stamp);
	buf_free(&result);
}
