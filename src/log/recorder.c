#include "recorder.h"

#include "fields.h"
#include "journal.h"
#include "record.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct recorder {
	struct journal *journal;
	recorder_tee_fn tee;
	void *tee_arg;
	int ended; /* recorder_end wrote the session's end */
};

/* The checkpoints made durable since the last call go to the tee too (as
 * checkpoint records): escortd keeps them apart from this log. */
static void tee_checkpoints(struct recorder *rec)
{
	struct buf notes = {0};
	size_t pos = 0;

	if (rec->tee == NULL)
		return;
	journal_take_checkpoints(rec->journal, &notes);
	while (pos + 4 <= notes.len) {
		uint32_t len;
		memcpy(&len, notes.data + pos, 4);
		rec->tee(rec->tee_arg, REC_CHECKPOINT, notes.data + pos + 4, len, 0);
		pos += 4 + len;
	}
	buf_free(&notes);
}

void recorder_set_tee(struct recorder *rec, recorder_tee_fn fn, void *arg)
{
	rec->tee = fn;
	rec->tee_arg = arg;
}

static void encode_meta(struct buf *b, const struct session_meta *m)
{
	fields_add(b, "user", m->user);
	fields_add_uint(b, "uid", m->uid);
	fields_add(b, "host", m->host);
	fields_add(b, "tty", m->tty);
	fields_add(b, "pty", m->pty);
	fields_add(b, "term", m->term);
	fields_add(b, "origin", m->origin);
	fields_add_uint(b, "cols", m->cols);
	fields_add_uint(b, "rows", m->rows);
	fields_add(b, "ssh_connection", m->ssh_connection);
	fields_add(b, "ssh_original_command", m->ssh_original_command);
	fields_add(b, "host_log", m->host_log);
	for (size_t i = 0; m->argv[i] != NULL; i++)
		fields_add(b, "argv", m->argv[i]);
}

static uint64_t append_window(struct recorder *rec, unsigned cols, unsigned rows, struct error *err)
{
	uint8_t p[4] = {(uint8_t)cols, (uint8_t)(cols >> 8), (uint8_t)rows, (uint8_t)(rows >> 8)};

	tee_checkpoints(rec);
	if (rec->tee)
		rec->tee(rec->tee_arg, REC_WINDOW, p, sizeof(p), 0);

	return journal_append(rec->journal, REC_WINDOW, p, sizeof(p), 0, err);
}

static struct recorder *open_journal(const char *path, const struct recorder_options *keys,
				     int recover, struct error *err)
{
	struct journal_config cfg = {
	    .path = path,
	    .signer = keys->signer,
	    .signer_ephemeral = keys->signer_ephemeral,
	    .signer_why = keys->signer_why,
	    .auditor = keys->auditor,
	    .epoch_ms = keys->epoch_ms,
	    .recover = recover,
	    /* escortd resumes only its own logs, in a directory only it writes */
	    .trust_unsigned = recover,
	    .notes_path = keys->notes_path,
	};
	struct recorder *rec = xcalloc(1, sizeof(*rec));

	rec->journal = journal_open(&cfg, err);
	if (rec->journal == NULL) {
		free(rec);
		return NULL;
	}
	return rec;
}

struct recorder *recorder_start(const char *path, const struct session_meta *meta,
				const struct recorder_options *keys, struct error *err)
{
	struct recorder *rec = open_journal(path, keys, 0, err);
	struct buf payload = {0};
	uint64_t ticket;

	if (rec == NULL)
		return NULL;
	encode_meta(&payload, meta);
	ticket = journal_append(rec->journal, REC_SESSION_START, payload.data, payload.len, 0, err);
	buf_free(&payload);
	if (ticket != 0)
		ticket = append_window(rec, meta->cols, meta->rows, err);
	if (ticket == 0 || journal_wait(rec->journal, ticket, err) < 0) {
		struct error ignored;
		journal_close(rec->journal, &ignored);
		free(rec);
		return NULL;
	}
	return rec;
}

struct recorder *recorder_resume(const char *path, const struct recorder_options *keys,
				 struct error *err)
{
	struct recorder *rec = open_journal(path, keys, 1, err);
	struct journal_recovery info;

	if (rec == NULL)
		return NULL;
	journal_recovery_info(rec->journal, &info);
	if (info.needed)
		return rec;
	/* Sealed: its session ended; nothing may be added to it. */
	(void)journal_close(rec->journal, err);
	free(rec);
	error_set_code(err, ERR_SEALED, "the log %s is sealed: its session has ended", path);
	return NULL;
}

int recorder_sync(struct recorder *rec, struct error *err)
{
	uint64_t queued, durable;

	journal_tickets(rec->journal, &queued, &durable);
	return queued > durable ? journal_wait(rec->journal, queued, err) : 0;
}

void recorder_tickets(struct recorder *rec, uint64_t *queued, uint64_t *durable)
{
	journal_tickets(rec->journal, queued, durable);
}

static int append_data(struct recorder *rec, uint16_t type, const uint8_t *data, size_t len,
		       struct error *err)
{
	tee_checkpoints(rec);
	if (rec->tee)
		rec->tee(rec->tee_arg, type, data, len, 0);
	while (len > 0) {
		size_t chunk = len < RECORD_MAX_PAYLOAD ? len : RECORD_MAX_PAYLOAD;
		if (journal_append(rec->journal, type, data, chunk, 0, err) == 0)
			return -1;
		data += chunk;
		len -= chunk;
	}
	return 0;
}

int recorder_input(struct recorder *rec, const void *data, size_t len, struct error *err)
{
	return append_data(rec, REC_INPUT, data, len, err);
}

int recorder_output(struct recorder *rec, const void *data, size_t len, struct error *err)
{
	return append_data(rec, REC_OUTPUT, data, len, err);
}

int recorder_error_output(struct recorder *rec, const void *data, size_t len, struct error *err)
{
	return append_data(rec, REC_ERROR_OUTPUT, data, len, err);
}

int recorder_window(struct recorder *rec, unsigned cols, unsigned rows, struct error *err)
{
	return append_window(rec, cols, rows, err) == 0 ? -1 : 0;
}

int recorder_event(struct recorder *rec, uint16_t type, const void *payload, size_t len, int urgent,
		   struct error *err)
{
	if (len > RECORD_MAX_PAYLOAD)
		return error_set(err, "a record of %zu bytes is too large", len);
	tee_checkpoints(rec);
	if (rec->tee)
		rec->tee(rec->tee_arg, type, payload, len, urgent);
	return journal_append(rec->journal, type, payload, len, urgent, err) == 0 ? -1 : 0;
}

int recorder_check(struct recorder *rec, struct error *err)
{
	tee_checkpoints(rec);
	return journal_check(rec->journal, err);
}

static void encode_result(struct buf *payload, const struct session_result *r)
{
	fields_add_int(payload, "exit_status", r->exit_status);
	fields_add_int(payload, "signal", r->signal);
	fields_add(payload, "reason", r->reason);
	fields_add(payload, "error", r->error);
	fields_add_uint(payload, "execs", r->gate.execs);
	fields_add_uint(payload, "execs_allowed", r->gate.allowed);
	fields_add_uint(payload, "execs_denied", r->gate.denied);
	fields_add_uint(payload, "execs_held", r->gate.held);
	fields_add_uint(payload, "execs_cached", r->gate.cached);
	fields_add_uint(payload, "execs_verified", r->gate.verified);
	fields_add_uint(payload, "execs_unverified", r->gate.unverified);
	fields_add_uint(payload, "execs_mismatched", r->gate.mismatched);
	fields_add_uint(payload, "gate_cpu_us", r->gate.gate_cpu_us);
	fields_add_uint(payload, "changes", r->gate.changes);
	fields_add_uint(payload, "changes_scratch", r->gate.changes_scratch);
	fields_add_uint(payload, "changes_denied", r->gate.changes_denied);
	fields_add_uint(payload, "processes_ended", r->processes_ended);
}

int recorder_end(struct recorder *rec, const struct session_result *r, struct error *err)
{
	struct buf payload = {0};
	uint64_t ticket;

	encode_result(&payload, r);
	ticket = journal_append(rec->journal, REC_SESSION_END, payload.data, payload.len, 1, err);
	buf_free(&payload);
	rec->ended = 1;
	if (ticket == 0 || journal_wait(rec->journal, ticket, err) < 0)
		return -1;
	tee_checkpoints(rec);
	return 0;
}

int recorder_finish(struct recorder *rec, const struct session_result *r, struct error *err)
{
	struct error close_err;
	int rc = 0;

	if (!rec->ended && recorder_end(rec, r, err) < 0)
		rc = -1;
	if (journal_close(rec->journal, &close_err) < 0 && rc == 0) {
		*err = close_err;
		rc = -1;
	}
	free(rec);
	return rc;
}
