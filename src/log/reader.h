/* Reads a session log record by record, checking the framing, checksums and
 * sequence numbers. Everything in the file is treated as hostile. */
#ifndef ESCORT_READER_H
#define ESCORT_READER_H

#include "record.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

struct log_reader {
	const uint8_t *data;
	size_t len;
	size_t off;
	uint64_t next_seq;
	int owns_data;
	int started;
};

/* Reads the whole file at path. */
int log_reader_open(struct log_reader *r, const char *path, struct error *err);
/* Reads from memory the caller keeps alive. */
void log_reader_init(struct log_reader *r, const uint8_t *data, size_t len);

enum reader_result { READ_RECORD = 1, READ_END = 0, READ_TORN = -2, READ_DAMAGED = -1 };

/* READ_RECORD: *rec is the next record (its payload points into the reader).
 * READ_END: the file ends cleanly after the last record.
 * READ_TORN: the file ends inside a record (a crash or a full disk).
 * READ_DAMAGED: err names the offset, the sequence number and the damage. */
enum reader_result log_reader_next(struct log_reader *r, struct record *rec, struct error *err);

void log_reader_close(struct log_reader *r);

#endif
