#include "recorder.h"

#include "fields.h"
#include "record.h"
#include "util/buf.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>

/* Batches smaller than this wait for the flush timer. */
#define FLUSH_THRESHOLD (256 * 1024)

struct recorder {
	struct log_writer *writer;
	struct error failure; /* set once a write failed */
	int failed;
};

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
	for (size_t i = 0; m->argv[i] != NULL; i++)
		fields_add(b, "argv", m->argv[i]);
}

static void append_window(struct log_writer *w, unsigned cols, unsigned rows)
{
	uint8_t p[4] = {(uint8_t)cols, (uint8_t)(cols >> 8), (uint8_t)rows, (uint8_t)(rows >> 8)};

	log_writer_append(w, REC_WINDOW, p, sizeof(p));
}

struct recorder *recorder_start(const char *path, const struct session_meta *meta,
				struct error *err)
{
	struct recorder *rec = calloc(1, sizeof(*rec));
	struct buf payload = {0};

	if (rec == NULL) {
		error_errno(err, "cannot allocate the recorder");
		return NULL;
	}
	rec->writer = log_writer_create(path, err);
	if (rec->writer == NULL) {
		free(rec);
		return NULL;
	}
	encode_meta(&payload, meta);
	log_writer_append(rec->writer, REC_SESSION_START, payload.data, payload.len);
	buf_free(&payload);
	append_window(rec->writer, meta->cols, meta->rows);
	if (log_writer_sync(rec->writer, err) < 0) {
		log_writer_close(rec->writer);
		free(rec);
		return NULL;
	}
	return rec;
}

static int check(struct recorder *rec, struct error *err)
{
	if (rec->failed) {
		*err = rec->failure;
		return -1;
	}
	return 0;
}

static int append_data(struct recorder *rec, uint16_t type, const uint8_t *data, size_t len,
		       struct error *err)
{
	if (check(rec, err) < 0)
		return -1;
	while (len > 0) {
		size_t chunk = len < RECORD_MAX_PAYLOAD ? len : RECORD_MAX_PAYLOAD;
		log_writer_append(rec->writer, type, data, chunk);
		data += chunk;
		len -= chunk;
	}
	return recorder_flush(rec, 0, err);
}

int recorder_input(struct recorder *rec, const void *data, size_t len, struct error *err)
{
	return append_data(rec, REC_INPUT, data, len, err);
}

int recorder_output(struct recorder *rec, const void *data, size_t len, struct error *err)
{
	return append_data(rec, REC_OUTPUT, data, len, err);
}

int recorder_window(struct recorder *rec, unsigned cols, unsigned rows, struct error *err)
{
	if (check(rec, err) < 0)
		return -1;
	append_window(rec->writer, cols, rows);
	return 0;
}

int recorder_flush(struct recorder *rec, int force, struct error *err)
{
	if (check(rec, err) < 0)
		return -1;
	if (!force && log_writer_pending(rec->writer) < FLUSH_THRESHOLD)
		return 0;
	if (log_writer_flush(rec->writer, &rec->failure) < 0) {
		rec->failed = 1;
		*err = rec->failure;
		return -1;
	}
	return 0;
}

static void encode_result(struct buf *b, const struct session_result *r)
{
	fields_add_int(b, "exit_status", r->exit_status);
	fields_add_int(b, "signal", r->signal);
	fields_add(b, "reason", r->reason);
	fields_add(b, "error", r->error);
}

int recorder_finish(struct recorder *rec, const struct session_result *result, struct error *err)
{
	struct buf payload = {0};
	int rc;

	encode_result(&payload, result);
	log_writer_append(rec->writer, REC_SESSION_END, payload.data, payload.len);
	buf_free(&payload);
	rc = log_writer_sync(rec->writer, err);
	log_writer_close(rec->writer);
	free(rec);
	return rc;
}

const char *recorder_path(const struct recorder *rec)
{
	return log_writer_path(rec->writer);
}
