/* Appends framed records to one session log file. Records are buffered and
 * written in batches; a failed write never leaves half a record behind. */
#ifndef ESCORT_WRITER_H
#define ESCORT_WRITER_H

#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

struct log_writer;

/* Creates path (never overwrites: an existing file is an error) with mode 0600. */
struct log_writer *log_writer_create(const char *path, struct error *err);

/* Buffers one record stamped with the current times. */
void log_writer_append(struct log_writer *w, uint16_t type, const void *payload, size_t len);

/* Bytes buffered and not yet written. */
size_t log_writer_pending(const struct log_writer *w);

/* Writes what is buffered. On failure the file ends at the last complete
 * record, the writer refuses further writes and err names the file. */
int log_writer_flush(struct log_writer *w, struct error *err);

/* Flushes and makes everything written durable (fdatasync). */
int log_writer_sync(struct log_writer *w, struct error *err);

const char *log_writer_path(const struct log_writer *w);

/* Closes without flushing. */
void log_writer_close(struct log_writer *w);

#endif
