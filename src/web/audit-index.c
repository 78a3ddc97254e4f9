/* One session's log (the broker's signed copy) into the auditor's index:
 * its typed lines, commands and output for the full-text search, and its
 * execs, decisions, approvals and locks for the timeline and the filters.
 * Every byte of the log is hostile: it is only ever bound as a parameter. */
#include "audit-db.h"

#include "audit-lines.h"
#include "log/fields.h"
#include "log/reader.h"
#include "risk/rules.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct indexing {
	sqlite3 *db;
	const char *id;
	sqlite3_stmt *line, *event;
	uint64_t start_mono;
	double at;
	const char *kind; /* of the lines being fed */
	unsigned lines, events;
	int max_level;
	int failed;
	char log_session[SESSION_ID_LEN * 2 + 1]; /* the id its segments carry, hex */
};

static void add_line(void *arg, const char *text, size_t len)
{
	struct indexing *x = arg;

	if (x->lines++ >= AUDIT_MAX_LINES)
		return;
	sqlite3_bind_text(x->line, 1, text, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_text(x->line, 2, x->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(x->line, 3, x->kind, -1, SQLITE_STATIC);
	sqlite3_bind_double(x->line, 4, x->at);
	if (sqlite3_step(x->line) != SQLITE_DONE)
		x->failed = 1;
	sqlite3_reset(x->line);
}

struct exec_fields {
	struct buf words; /* argv, joined by spaces */
	const char *phase, *program, *level, *summary, *action, *by, *reason, *state, *user;
	long long exec_id;
};

static void take_field(struct exec_fields *e, const struct field *f)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
	    {"phase", offsetof(struct exec_fields, phase)},
	    {"program", offsetof(struct exec_fields, program)},
	    {"level", offsetof(struct exec_fields, level)},
	    {"summary", offsetof(struct exec_fields, summary)},
	    {"action", offsetof(struct exec_fields, action)},
	    {"by", offsetof(struct exec_fields, by)},
	    {"reason", offsetof(struct exec_fields, reason)},
	    {"state", offsetof(struct exec_fields, state)},
	    {"user", offsetof(struct exec_fields, user)},
	};

	if (strcmp(f->key, "argv") == 0) {
		if (e->words.len)
			buf_putc(&e->words, ' ');
		buf_append_str(&e->words, f->value);
	} else if (strcmp(f->key, "id") == 0 || strcmp(f->key, "exec") == 0) {
		e->exec_id = strtoll(f->value, NULL, 10);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(f->key, keys[i].key) == 0)
			*(const char **)(void *)((char *)e + keys[i].off) = f->value;
}

static void exec_fields(struct exec_fields *e, const struct record *rec)
{
	struct field f;
	size_t pos = 0;

	memset(e, 0, sizeof(*e));
	e->exec_id = -1;
	while (fields_next(rec->payload, rec->payload_len, &pos, &f) == 1)
		take_field(e, &f);
}

static void add_event(struct indexing *x, const struct record *rec, const char *kind,
		      const struct exec_fields *e, int level, const char *action, const char *text)
{
	if (x->events++ >= AUDIT_MAX_EVENTS)
		return;
	sqlite3_bind_text(x->event, 1, x->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(x->event, 2, (sqlite3_int64)rec->seq);
	sqlite3_bind_double(x->event, 3, x->at);
	sqlite3_bind_text(x->event, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(x->event, 5, e->exec_id);
	sqlite3_bind_text(x->event, 6, e->program ? e->program : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(x->event, 7, level);
	sqlite3_bind_text(x->event, 8, action ? action : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(x->event, 9, text ? text : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(x->event) != SQLITE_DONE)
		x->failed = 1;
	sqlite3_reset(x->event);
}

static void exec_record(struct indexing *x, const struct record *rec, const struct exec_fields *e)
{
	int level = e->level ? level_parse(e->level) : -1;

	if (e->phase == NULL || strcmp(e->phase, "request") != 0)
		return;
	if (level > x->max_level)
		x->max_level = level;
	add_event(x, rec, "exec", e, level, "", buf_cstr((struct buf *)&e->words));
	x->kind = "command";
	add_line(x, (const char *)e->words.data, e->words.len);
}

static void said(struct buf *b, const struct exec_fields *e)
{
	if (e->by && e->by[0])
		buf_printf(b, "by %s", e->by);
	if (e->reason && e->reason[0])
		buf_printf(b, "%s%s", b->len ? ": " : "", e->reason);
}

static void answer_record(struct indexing *x, const struct record *rec, const char *kind,
			  const struct exec_fields *e, const char *action)
{
	struct buf text = {0};
	int level = e->level ? level_parse(e->level) : -1;

	said(&text, e);
	add_event(x, rec, kind, e, level, action, buf_cstr(&text));
	buf_free(&text);
}

static void structured(struct indexing *x, const struct record *rec)
{
	struct exec_fields e;

	exec_fields(&e, rec);
	if (rec->type == REC_EXEC)
		exec_record(x, rec, &e);
	else if (rec->type == REC_DECISION)
		answer_record(x, rec, "decision", &e, e.action);
	else if (rec->type == REC_APPROVAL)
		answer_record(x, rec, "approval", &e, e.state);
	else if (rec->type == REC_LOCK)
		answer_record(x, rec, "lock", &e, e.action ? e.action : "lock");
	buf_free(&e.words);
}

static void feed(struct indexing *x, struct audit_lines *typed, struct audit_lines *output,
		 const struct record *rec)
{
	x->at = rec->mono_ns >= x->start_mono ? (double)(rec->mono_ns - x->start_mono) / 1e9 : 0;
	switch (rec->type) {
	case REC_SESSION_START:
		break;
	case REC_INPUT:
		x->kind = "typed";
		audit_lines_feed(typed, rec->payload, rec->payload_len);
		break;
	case REC_OUTPUT:
	case REC_ERROR_OUTPUT:
		x->kind = "output";
		audit_lines_feed(output, rec->payload, rec->payload_len);
		break;
	default:
		structured(x, rec);
	}
}

/* The session id the log's segments carry: the verify result binds the log
 * to it from now on (audit-verify.c). */
static void take_log_session(struct indexing *x, const struct log_reader *r)
{
	if (r->nsegs == 0)
		return;
	for (size_t i = 0; i < SESSION_ID_LEN; i++)
		snprintf(x->log_session + 2 * i, 3, "%02x", r->segs[0].header.session[i]);
}

/* Every readable record; a damaged log is indexed up to its damage (the
 * verify result says what is wrong with it). */
static void read_log(struct indexing *x, const char *path)
{
	struct audit_lines typed, output;
	struct log_reader r;
	struct record rec;
	struct error err;
	int started = 0;

	if (log_reader_open(&r, path, &err) < 0)
		return;
	r.inflate_limit = 1u << 30;
	audit_lines_init(&typed, 1, add_line, x);
	audit_lines_init(&output, 0, add_line, x);
	while (log_reader_next(&r, &rec, &err) == READ_RECORD &&
	       log_reader_payload(&r, &rec, &rec.payload, &rec.payload_len, &err) == 0) {
		if (!started && rec.type == REC_SESSION_START) {
			x->start_mono = rec.mono_ns;
			started = 1;
		}
		feed(x, &typed, &output, &rec);
	}
	take_log_session(x, &r);
	x->kind = "typed";
	audit_lines_end(&typed);
	x->kind = "output";
	audit_lines_end(&output);
	log_reader_close(&r);
}

static int add_session(sqlite3 *db, const struct audit_session_row *s, const struct indexing *x)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		db,
		"INSERT INTO sessions (id, operator, host, log, started, ended,"
		" end_reason, max_level, log_session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->op, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->log, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, s->started);
	sqlite3_bind_int64(st, 6, s->ended);
	sqlite3_bind_text(st, 7, s->end_reason ? s->end_reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, x->max_level);
	sqlite3_bind_text(st, 9, x->log_session, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int audit_index_log(sqlite3 *db, const struct audit_session_row *s, struct error *err)
{
	struct indexing x = {.db = db, .id = s->id, .max_level = -1, .kind = "typed"};
	int rc = -1;

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO lines (body, session, kind, at) VALUES (?, ?, ?, ?)",
			       -1, &x.line, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(
		db,
		"INSERT INTO events (session, seq, at, kind, exec_id, program, level,"
		" action, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &x.event, NULL) == SQLITE_OK) {
		read_log(&x, s->log);
		rc = x.failed ? -1 : add_session(db, s, &x);
	}
	if (rc < 0)
		error_set_code(err, ERR_SYSTEM, "the audit index: cannot index session %s: %s",
			       s->id, sqlite3_errmsg(db));
	sqlite3_finalize(x.line);
	sqlite3_finalize(x.event);
	return rc;
}
