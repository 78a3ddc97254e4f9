/* A past session's log verified for the auditor: the existing verifier
 * (log/verify.c) on the broker's signed copy, with escortd's own key as the
 * trusted signer, bound to its session: the log must carry the session id
 * its segments carried when it was indexed (at its end; the verifier checks
 * it), and be of the session's operator on its host. Another session's
 * perfectly signed log, a log signed by another key and a truncated log all
 * fail, with the reason. The list shows a result cached by the files' sizes
 * and change times (a log written to since is verified again); one
 * session's page verifies it now. */
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

static const char *column(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

static const char *ending_name(enum verify_ending e)
{
	return e == ENDING_COMPLETE    ? "complete"
	       : e == ENDING_RECOVERED ? "recovered"
				       : "truncated";
}

/* What the log must say it is: the log's own session id (its segments',
 * not escortd's) when indexed, and the operator and host escortd.db has
 * for the session (escortd writes them into its copy's session start). */
struct binding {
	char session[sizeof(((struct verify_session *)0)->id)];
	char op[sizeof(((struct verify_session *)0)->user)];
	char host[sizeof(((struct verify_session *)0)->host)];
};

static void bound_to(sqlite3 *db, const char *id, struct binding *b)
{
	sqlite3_stmt *st;

	memset(b, 0, sizeof(*b));
	if (sqlite3_prepare_v2(db, "SELECT log_session, operator, host FROM sessions WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(b->session, sizeof(b->session), "%s", column(st, 0));
		snprintf(b->op, sizeof(b->op), "%s", column(st, 1));
		snprintf(b->host, sizeof(b->host), "%s", column(st, 2));
	}
	sqlite3_finalize(st);
}

/* Beyond the verifier's own checks: a log unreadable when its session was
 * indexed is bound to nothing (it fails whatever is put there later), and
 * the log must be of the session's operator on the session's host. */
static void bind_check(struct verify_report *rep, const struct binding *b)
{
	const struct verify_session *s = &rep->session;

	if (!rep->intact)
		return;
	if (b->session[0] == '\0')
		snprintf(rep->problem, sizeof(rep->problem),
			 "the log could not be read when its session was indexed: "
			 "nothing binds it to its session");
	else if (strcmp(s->user, b->op) != 0 || strcmp(s->host, b->host) != 0)
		snprintf(rep->problem, sizeof(rep->problem),
			 "the log is of a session of %.100s on %.150s, not of %.100s on %.150s",
			 s->user, s->host, b->op, b->host);
	rep->intact = rep->problem[0] == '\0';
}

static void verified(sqlite3 *db, const char *id, const char *log, const struct signing_key *key,
		     struct buf *out)
{
	struct binding b;
	struct verify_options opt = {.key = key};
	struct verify_report rep;
	struct error err;

	bound_to(db, id, &b);
	if (b.session[0])
		opt.session = b.session;
	memset(&rep, 0, sizeof(rep));
	if (verify_log(log, &opt, &rep, &err) < 0) {
		buf_append_str(out, "{\"intact\":false,\"ending\":\"unreadable\",");
		web_shown_json(out, "problem", err.msg);
		buf_putc(out, '}');
		return;
	}
	bind_check(&rep, &b);
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
		verified(db, id, log, key, &result);
		remember(db, id, buf_cstr(&stamp), buf_cstr(&result));
		buf_append(out, result.data, result.len);
	}
	buf_free(&stamp);
	buf_free(&result);
}
